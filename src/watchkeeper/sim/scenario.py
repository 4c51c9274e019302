"""Write a SIMULATED scenario directory in the shared format (``../shared/scenarios/README.md``).

Files: ``sensors.json`` (``"simulated": true``), ``plots.csv``, ``ais.nmea``, ``truth.csv``,
``plots_truth.csv``. Plots and AIS are sorted by event time; times are ISO 8601 UTC with
milliseconds (``2026-10-05T02:00:00.033Z``). Frames are generated vectorised and formatted in bulk,
so 2,000 targets × 120 s take seconds (docs/benchmarks.md, "Tracker against Stone Soup").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from watchkeeper.sim.ais import POSITION_PERIOD_S, POSITION_SIGMA_M
from watchkeeper.sim.engine import SimConfig, Simulation
from watchkeeper.sim.targets import KIND_NAMES
from watchkeeper.sim.world import LandMask

PLOT_HEADER = "time_utc,sensor_id,range_m,bearing_deg"
TRUTH_HEADER = (
    "time_utc,target_id,kind,lat,lon,sog_kn,cog_deg,has_ais,persons,in_radar_coverage,launched_from_beach"
)
PLOTS_TRUTH_HEADER = "plot_index,target_id"


def format_times(start: datetime, ms: np.ndarray) -> np.ndarray:
    """Milliseconds since ``start`` → ``YYYY-MM-DDTHH:MM:SS.mmmZ`` strings (vectorised)."""
    base = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "ms")
    text = np.datetime_as_string(base + np.asarray(ms, dtype=np.int64).astype("timedelta64[ms]"), unit="ms")
    return np.char.add(text, "Z")


def _ids(serial: np.ndarray) -> np.ndarray:
    return np.char.add("T", np.char.zfill(serial.astype(str), 4))


def sensors_json(sim: Simulation) -> dict[str, object]:
    """The scenario's sensor description; ``simulated`` is always true."""
    c = sim.config
    return {
        "simulated": True,
        "generator": "watchkeeper.sim (watchkeeper sim generate)",
        "parameters": {
            **asdict(c.mix),
            "duration_s": c.duration_s,
            "clutter": c.clutter_per_scan,
            "seed": c.seed,
            "start": c.start.isoformat(),
        },
        "start_utc": format_times(c.start, np.zeros(1, dtype=np.int64))[0],
        "frame_for_scoring": "EPSG:32631 (UTM 31N)",
        "radars": [
            {
                "sensor_id": r.sensor_id,
                "lat": r.lat,
                "lon": r.lon,
                "height_m": r.height_m,
                "scan_period_s": r.scan_period_s,
                "range_sigma_m": r.range_sigma_m,
                "bearing_sigma_deg": r.bearing_sigma_deg,
                "max_range_m": r.max_range_m,
                "clutter_mean_per_scan": c.clutter_per_scan,
                "polar_frame": "geodetic",  # slant range, true bearing (geodesic azimuth from the site)
                "pd": "ships/ferries 0.98, fishing 0.9, small boats 0.9 - 0.3*range/max_range",
            }
            for r in sim.radars
        ],
        "ais": {
            "period_s": POSITION_PERIOD_S,
            "position_sigma_m": POSITION_SIGMA_M,
            "static_period_s": c.static_period_s,
            "format": "NMEA 0183 !AIVDM type 1 with tag block s:wk-sim,c:<unix>; type 5 as 2 sentences "
            "with tag-block group g:<part>-2-<id>",
        },
    }


def write_scenario(
    outdir: Path,
    config: SimConfig,
    land: LandMask | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Simulate and write the scenario; returns row counts. ``progress(done, total)`` per frame."""
    outdir.mkdir(parents=True, exist_ok=True)
    sim = Simulation(config, land=land)
    sensor_ids = np.array([r.sensor_id for r in sim.radars])
    start = config.start
    counts = {"plots": 0, "ais_lines": 0, "truth_rows": 0}
    with (
        (outdir / "plots.csv").open("w", encoding="ascii", newline="") as plots_f,
        (outdir / "plots_truth.csv").open("w", encoding="ascii", newline="") as pt_f,
        (outdir / "ais.nmea").open("w", encoding="ascii", newline="") as ais_f,
        (outdir / "truth.csv").open("w", encoding="ascii", newline="") as truth_f,
    ):
        plots_f.write(PLOT_HEADER + "\n")
        pt_f.write(PLOTS_TRUTH_HEADER + "\n")
        truth_f.write(TRUTH_HEADER + "\n")
        total = sim.n_frames
        for k, frame in enumerate(sim.frames()):
            tr = frame.truth
            order = np.argsort(tr.serial, kind="stable")
            t_text = format_times(start, np.array([frame.t0_ms]))[0]
            kinds = np.array(KIND_NAMES)[tr.kind]
            tf = ["True", "False"]
            truth_f.writelines(
                f"{t_text},{tid},{kinds[i]},{tr.lat[i]:.6f},{tr.lon[i]:.6f},{tr.sog_kn[i]:.2f},"
                f"{tr.cog_deg[i] % 360.0:.1f},{tf[not tr.has_ais[i]]},{tr.persons[i]},"
                f"{tf[not tr.in_coverage[i]]},{tf[not tr.launched_from_beach[i]]}\n"
                for i, tid in zip(order, _ids(tr.serial[order]), strict=True)
            )
            counts["truth_rows"] += tr.serial.size

            time_ms = np.concatenate([p.time_ms for p in frame.plots])
            sensor = np.concatenate([np.full(p.time_ms.size, r) for r, p in enumerate(frame.plots)])
            rng_m = np.concatenate([p.range_m for p in frame.plots])
            brg = np.concatenate([p.bearing_deg for p in frame.plots])
            serial = np.concatenate([p.serial for p in frame.plots])
            o = np.lexsort((sensor, time_ms))
            times = format_times(start, time_ms[o])
            sids = sensor_ids[sensor[o]]
            plots_f.writelines(
                f"{t},{s},{r:.1f},{b:.3f}\n" for t, s, r, b in zip(times, sids, rng_m[o], brg[o], strict=True)
            )
            labels = np.where(serial[o] >= 0, _ids(np.maximum(serial[o], 0)), "")
            base = counts["plots"]
            pt_f.writelines(f"{base + i},{lab}\n" for i, lab in enumerate(labels))
            counts["plots"] += int(o.size)

            ais_f.writelines(line + "\n" for _, line in frame.ais)
            counts["ais_lines"] += len(frame.ais)
            if progress is not None:
                progress(k + 1, total)
    (outdir / "sensors.json").write_text(json.dumps(sensors_json(sim), indent=2) + "\n", encoding="ascii")
    return counts
