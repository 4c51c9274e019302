"""Run the tracker over a scenario directory (sensors.json, plots.csv, ais.nmea — never the truth files).

Scans are the radars' 2.5 s periods aligned on the scenario's ``start_utc``; the tracker emits confirmed
tracks at each scan boundary, which is also where the scenario's truth is sampled. Step ``k`` (scan time
``k·period``) gets every plot and AIS report with event time in ``[(k−1)·period, k·period)`` — the same
slicing ``live.LiveTracker`` applies to inputs as they arrive.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from watchkeeper.core.types import FieldObservation, Plot
from watchkeeper.ingest.radar.scenario import ScenarioSensors, load_sensors, read_plots
from watchkeeper.tracking import messages
from watchkeeper.tracking.ais_fusion import AisBatch, ais_arrays, identities, read_ais_file
from watchkeeper.tracking.field import field_arrays
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.models import FloatArray
from watchkeeper.tracking.tracker import Tracker, TrackerConfig, TrackOutput

OUTPUT_COLUMNS = ("time_utc", "track_id", "lat", "lon", "sog_kn", "cog_deg", "mmsi", "dark")


@dataclass(slots=True)
class ScenarioInputs:
    """A scenario's observations as time-sorted arrays (seconds since ``start_utc``)."""

    sensors: ScenarioSensors
    plot_time: FloatArray
    plot_sensor: np.ndarray
    range_m: FloatArray
    bearing_deg: FloatArray
    ais: AisBatch
    rejected_plots: int
    names: list[tuple[float, int, str]] = field(default_factory=list)  # (time, MMSI, name), time-sorted


def load_inputs(scenario_dir: Path | str) -> ScenarioInputs:
    scenario_dir = Path(scenario_dir)
    sensors = load_sensors(scenario_dir)
    ids = {r.sensor_id: i for i, r in enumerate(sensors.radars)}
    epoch = sensors.start_utc
    plots: list[Plot] = []
    rejected = 0
    for item in read_plots(scenario_dir / "plots.csv", set(ids)):
        if isinstance(item, Plot):
            plots.append(item)
        else:
            rejected += 1
    t = np.array([(p.time - epoch).total_seconds() for p in plots], dtype=float)
    sensor = np.array([ids[p.sensor_id] for p in plots], dtype=np.int64)
    rng = np.array([p.range_m for p in plots], dtype=float)
    brg = np.array([p.bearing_deg for p in plots], dtype=float)
    order = np.lexsort((brg, rng, sensor, t))
    reports = read_ais_file(scenario_dir / "ais.nmea")
    ais = ais_arrays(reports, epoch)
    ais_order = np.lexsort((ais.mmsi, ais.time))
    return ScenarioInputs(
        sensors,
        t[order],
        sensor[order],
        rng[order],
        brg[order],
        ais.subset(ais_order),
        rejected,
        sorted(identities(reports, epoch)),
    )


def run_scenario(
    inputs: ScenarioInputs,
    config: TrackerConfig | None = None,
    on_scan: Callable[[int, int], None] | None = None,
    field: Sequence[FieldObservation] = (),
) -> Iterator[TrackOutput]:
    """Yield the confirmed tracks at every scan boundary, from the first to just past the last plot.

    ``field``: drone and observer detections (a recorded CoT feed), sliced into the same scans.
    """
    sensors = inputs.sensors
    tracker = Tracker(radar_models(sensors.radars), sensors.start_utc, config)
    detections = field_arrays(field, sensors.start_utc, tracker.config.detections)
    detections = detections.subset(np.argsort(detections.time, kind="stable"))
    period = min(r.scan_period_s for r in sensors.radars)
    last = max(
        float(inputs.plot_time[-1]) if inputs.plot_time.size else 0.0, float(inputs.ais.time.max(initial=0.0))
    )
    n_scans = int(np.floor(last / period)) + 1
    p_cuts = np.searchsorted(inputs.plot_time, np.arange(n_scans + 1) * period, side="left")
    a_cuts = np.searchsorted(inputs.ais.time, np.arange(n_scans + 1) * period, side="left")
    f_cuts = np.searchsorted(detections.time, np.arange(n_scans + 1) * period, side="left")
    name_t = np.array([n[0] for n in inputs.names], dtype=float)
    n_cuts = np.searchsorted(name_t, np.arange(n_scans + 1) * period, side="left")
    for k in range(n_scans + 1):
        p0 = p_cuts[k - 1] if k else 0
        a0 = a_cuts[k - 1] if k else 0
        sl = slice(p0, p_cuts[k])
        ais = inputs.ais.subset(np.arange(a0, a_cuts[k]))
        f0 = f_cuts[k - 1] if k else 0
        seen = detections.subset(np.arange(f0, f_cuts[k]))
        names = [(m, n) for _t, m, n in inputs.names[(n_cuts[k - 1] if k else 0) : n_cuts[k]]]
        out = tracker.step_arrays(
            k * period,
            inputs.plot_time[sl],
            inputs.plot_sensor[sl],
            inputs.range_m[sl],
            inputs.bearing_deg[sl],
            ais,
            names,
            seen if len(seen) else None,
        )
        if on_scan is not None:
            on_scan(k, n_scans + 1)
        yield out


def iso_utc(epoch: datetime, seconds: float) -> str:
    """The scan time as ISO 8601 UTC with milliseconds (``2026-10-05T02:00:02.500Z``)."""
    return messages.iso_utc((epoch + timedelta(seconds=seconds)).astimezone(UTC))


def write_tracks_csv(path: Path | str, epoch: datetime, outputs: Iterator[TrackOutput]) -> int:
    """Write the CLI contract's CSV; returns the number of rows."""
    rows = 0
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(OUTPUT_COLUMNS)
        for out in outputs:
            stamp = iso_utc(epoch, out.time)
            for i in range(len(out)):
                w.writerow(
                    (
                        stamp,
                        int(out.track_id[i]),
                        f"{out.lat[i]:.6f}",
                        f"{out.lon[i]:.6f}",
                        f"{out.sog_kn[i]:.2f}",
                        f"{out.cog_deg[i]:.1f}",
                        int(out.mmsi[i]) if out.mmsi[i] > 0 else "",
                        "true" if out.dark[i] else "false",
                    )
                )
                rows += 1
    return rows
