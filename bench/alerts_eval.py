"""Score the alert rules against the truth of the shared (SIMULATED) scenarios.

    .venv/bin/python bench/alerts_eval.py [SCENARIO_DIR ...]   (default: every folder in ../shared/scenarios)

Runs the whole pipeline as ``watchkeeper replay`` does (tracker, then the watch), then reads the truth —
for scoring only — and prints, per scenario:

* ``departure``: share of small boats launched from a beach (in radar coverage) with a departure alert
  on their track within 5 min of the launch, and the delays;
* ``uk_waters``: share of boats whose truth crosses from French into UK waters with a ``uk_waters`` alert
  within 2 min of the real crossing;
* ``distress``: share of boats whose engine stops (truth speed drops under 2 kn) with a distress alert
  within 10 min of the stop (and the time the scenario leaves after the stop), and the delays;
* false alerts per hour by rule (what "false" means per rule is in ``FALSE_WHEN`` below);
* the same scores for a naive peer measured in the same run — distress when the tracker's own speed is
  ≤ 1.5 kn, departure at a dark track's first appearance within 3 km of the French shore — and the CPU
  time of the watch per scan against the tracker's (the peer of speed).

Targets (issue #6): departure recall ≥ 95 % within 5 min; distress recall ≥ 95 % within 10 min; fewer
than one false distress alert per hour. A track is attributed to a truth target by optimal assignment
(Hungarian, 500 m gate) at every scan; an alert to the target its track held at the alert's scan.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from watchkeeper.alerts.geometry import FR, UK, strait_geometry
from watchkeeper.alerts.rules.cpa import cpa_tcpa
from watchkeeper.alerts.scan import KNOT_MPS, TrackScan
from watchkeeper.alerts.types import Alert
from watchkeeper.alerts.watch import Watch
from watchkeeper.geo.frames import to_utm
from watchkeeper.tracking.ais_fusion import read_ais_file
from watchkeeper.tracking.runner import load_inputs, run_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT.parent / "shared" / "scenarios"
OUT = ROOT / "bench" / "out"
GATE_M = 500.0
DEPARTURE_S, UK_WATERS_S, DISTRESS_S = 300.0, 120.0, 600.0
STOPPED_KN = 2.0

FALSE_WHEN = {
    "departure": "its track is not a small boat",
    "uk_waters": "its track is not a small boat whose truth crosses into UK waters within 2 min",
    "fr_waters": "its track is not a small boat whose truth crosses into French waters within 2 min",
    "distress": "its track is not a small boat that has stopped (truth under 2 kn) by the alert",
    "lost_contact": "the boat is still in the truth, in radar coverage (the tracker lost it, the sea did "
    "not)",
    "tss_crossing": "its track is not a small boat",
    "cpa": "the truth CPA of the two targets is over 0.75 nm or the pair is not a small boat and a ship",
    "loitering": "its track is not a small boat",
    "ais_gap": "always (the scenario's AIS vessels transmit every 10 s throughout)",
    "ais_spoofing": "always (the scenario's AIS positions are true positions with 5 m noise)",
}


@dataclass
class Truth:
    frame: pd.DataFrame  # time s, target_id, kind, x, y, sog, cog, coverage
    by_time: dict[float, pd.DataFrame]
    boats: pd.DataFrame  # one row per small boat: launch, stop, uk crossing, coverage, end
    duration_s: float


@dataclass
class Scores:
    name: str
    departure: list[tuple[str, float | None]] = field(default_factory=list)  # (boat, delay s or None)
    uk_waters: list[tuple[str, float | None]] = field(default_factory=list)
    distress: list[tuple[str, float | None, float]] = field(default_factory=list)  # (boat, delay, time left)
    false: Counter[str] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    hours: float = 0.0


def load_truth(scenario: Path, epoch: pd.Timestamp) -> Truth:
    df = pd.read_csv(scenario / "truth.csv")
    df["t"] = ((pd.to_datetime(df["time_utc"]) - epoch).dt.total_seconds()).round(3)
    x, y = to_utm(df["lon"].to_numpy(), df["lat"].to_numpy())
    df["x"], df["y"] = x, y
    geometry = strait_geometry()
    rows = []
    for tid, g in df[df["kind"] == "small_boat"].groupby("target_id"):
        g = g.sort_values("t")
        zone = geometry.territorial(g["x"].to_numpy(), g["y"].to_numpy())[0]
        sog = g["sog_kn"].to_numpy()
        moving_then_stopped = np.flatnonzero((sog < STOPPED_KN) & (np.maximum.accumulate(sog) >= 3.0))
        stop_t = float(g["t"].to_numpy()[moving_then_stopped[0]]) if moving_then_stopped.size else None
        cross = np.flatnonzero((zone[1:] == UK) & (np.minimum.accumulate(zone)[:-1] == FR))
        uk_t = float(g["t"].to_numpy()[cross[0] + 1]) if cross.size else None
        rows.append(
            {
                "target_id": tid,
                "launched": bool(g["launched_from_beach"].iloc[0]),
                "first_t": float(g["t"].iloc[0]),
                "last_t": float(g["t"].iloc[-1]),
                "coverage": bool(g["in_radar_coverage"].iloc[0]),
                "stop_t": stop_t,
                "uk_t": uk_t,
                "persons": int(g["persons"].iloc[0]),
            }
        )
    return Truth(df, {t: g for t, g in df.groupby("t")}, pd.DataFrame(rows), float(df["t"].max()))


def associate(scan: TrackScan, t: float, truth: Truth) -> dict[int, str]:
    g = truth.by_time.get(round(t, 3))
    if g is None or not len(scan):
        return {}
    d = np.hypot(g["x"].to_numpy()[:, None] - scan.x[None, :], g["y"].to_numpy()[:, None] - scan.y[None, :])
    r, c = linear_sum_assignment(np.minimum(d, 1e7))
    ids = g["target_id"].to_numpy()
    return {int(scan.track_id[j]): str(ids[i]) for i, j in zip(r, c, strict=True) if d[i, j] <= GATE_M}


def run(scenario: Path) -> tuple[Watch, list[TrackScan], dict[str, float]]:
    inputs = load_inputs(scenario)
    epoch = inputs.sensors.start_utc
    reports = sorted(read_ais_file(scenario / "ais.nmea"), key=lambda r: r.event_time)
    t0 = time.process_time()
    outputs = list(run_scenario(inputs))
    tracker_cpu = time.process_time() - t0
    watch = Watch()
    scans: list[TrackScan] = []
    k = 0
    watch_cpu = 0.0
    for out in outputs:
        scan = TrackScan.from_output(out, epoch)
        batch = []
        while k < len(reports) and reports[k].event_time <= scan.time:
            batch.append(reports[k])
            k += 1
        t1 = time.process_time()
        watch.step(scan, batch)
        watch_cpu += time.process_time() - t1
        scans.append(scan)
    timing = {"scans": len(outputs), "tracker_cpu_s": tracker_cpu, "watch_cpu_s": watch_cpu}
    return watch, scans, timing


def seconds(watch: Watch, a: Alert) -> float:
    assert watch.engine.epoch is not None
    return (a.raised_time - watch.engine.epoch).total_seconds()


def truth_row(truth: Truth, tid: str, t: float) -> pd.Series | None:
    g = truth.by_time.get(round(t, 3))
    if g is None:
        return None
    hit = g[g["target_id"] == tid]
    return None if hit.empty else hit.iloc[0]


def score(name: str, alerts: list[tuple[str, float, int | None, tuple[int, ...], dict[str, Any]]],
          assoc: dict[float, dict[int, str]], truth: Truth) -> Scores:  # fmt: skip
    """``alerts``: (rule, time s, track id, track ids, values)."""
    sc = Scores(name, hours=truth.duration_s / 3600.0)
    boats = truth.boats.set_index("target_id")
    kinds = truth.frame.drop_duplicates("target_id").set_index("target_id")["kind"]
    hits: dict[str, list[tuple[float, str]]] = defaultdict(list)  # rule → (time, boat)
    for rule, t, track, track_ids, _values in alerts:
        sc.alerts[rule] += 1
        target = assoc.get(t, {}).get(track) if track is not None else None
        is_boat = target is not None and kinds.get(target) == "small_boat"
        false = False
        if rule in ("departure", "tss_crossing", "loitering"):
            false = not is_boat
        elif rule == "uk_waters":
            uk_t = boats["uk_t"].get(target) if is_boat else None
            false = uk_t is None or pd.isna(uk_t) or abs(t - float(uk_t)) > UK_WATERS_S
        elif rule == "fr_waters":
            false = True  # no boat in the scenarios turns back into French waters
        elif rule == "distress":
            stop_t = boats["stop_t"].get(target) if is_boat else None
            false = stop_t is None or pd.isna(stop_t) or float(stop_t) > t
        elif rule == "lost_contact":
            row = truth_row(truth, str(target), t) if target else None
            false = row is not None and bool(row["in_radar_coverage"])
        elif rule == "cpa":
            other = assoc.get(t, {}).get(track_ids[1]) if len(track_ids) > 1 else None
            a, b = (
                (truth_row(truth, target, t) if target else None),
                (truth_row(truth, other, t) if other else None),
            )
            if a is None or b is None or not is_boat or kinds.get(other) == "small_boat":
                false = True
            else:
                va = (
                    a["sog_kn"]
                    * KNOT_MPS
                    * np.array([np.sin(np.radians(a["cog_deg"])), np.cos(np.radians(a["cog_deg"]))])
                )
                vb = (
                    b["sog_kn"]
                    * KNOT_MPS
                    * np.array([np.sin(np.radians(b["cog_deg"])), np.cos(np.radians(b["cog_deg"]))])
                )
                cpa, tcpa = cpa_tcpa(b["x"] - a["x"], b["y"] - a["y"], vb[0] - va[0], vb[1] - va[1])
                false = cpa > 0.75 * 1852.0 or tcpa < -60.0
        else:
            false = True
        if false:
            sc.false[rule] += 1
        elif target is not None:
            hits[rule].append((t, target))
    for tid, b in boats.iterrows():
        if not b["coverage"]:
            continue
        if b["launched"]:
            delays = [t - b["first_t"] for t, boat in hits["departure"] if boat == tid]
            ok = [d for d in delays if d <= DEPARTURE_S]
            sc.departure.append((str(tid), min(ok) if ok else None))
        if b["uk_t"] is not None and not pd.isna(b["uk_t"]):
            delays = [t - float(b["uk_t"]) for t, boat in hits["uk_waters"] if boat == tid]
            sc.uk_waters.append((str(tid), min(delays, key=abs) if delays else None))
        if b["stop_t"] is not None and not pd.isna(b["stop_t"]):
            delays = [t - float(b["stop_t"]) for t, boat in hits["distress"] if boat == tid]
            ok = [d for d in delays if 0 <= d <= DISTRESS_S]
            sc.distress.append((str(tid), min(ok) if ok else None, truth.duration_s - float(b["stop_t"])))
    return sc


def naive_peer(
    scans: list[TrackScan], truth_epoch_s: float
) -> list[tuple[str, float, int | None, tuple[int, ...], dict[str, Any]]]:
    """Distress: a dark track whose tracker speed is ≤ 1.5 kn (once it has 36 scans, 90 s, of age).
    Departure: a dark track's first appearance within 3 km of the French shore."""
    geometry = strait_geometry()
    first: dict[int, float] = {}
    alerted: set[tuple[str, int]] = set()
    out = []
    for scan in scans:
        t = scan.time.timestamp() - truth_epoch_s
        fr = geometry.fr_coast_m(scan.x, scan.y)
        for i, tid in enumerate(scan.track_id.tolist()):
            if not scan.dark[i]:
                continue
            if tid not in first:
                first[tid] = t
                if fr[i] <= 3000.0:
                    out.append(("departure", t, tid, (tid,), {}))
            if t - first[tid] >= 90.0 and scan.sog_kn[i] <= 1.5 and ("distress", tid) not in alerted:
                alerted.add(("distress", tid))
                out.append(("distress", t, tid, (tid,), {}))
    return out


def summarise(sc: Scores) -> dict[str, Any]:
    def recall(rows: list[Any]) -> float:
        return float(np.mean([r[1] is not None for r in rows])) if rows else float("nan")

    def delays(rows: list[Any]) -> list[float]:
        return [round(float(r[1]), 1) for r in rows if r[1] is not None]

    return {
        "name": sc.name,
        "departure_recall": recall(sc.departure),
        "departure_delays_s": delays(sc.departure),
        "departure_boats": len(sc.departure),
        "uk_waters_recall": recall(sc.uk_waters),
        "uk_waters_offsets_s": delays(sc.uk_waters),
        "uk_waters_boats": len(sc.uk_waters),
        "distress_recall": recall(sc.distress),
        "distress_delays_s": delays(sc.distress),
        "distress_boats": len(sc.distress),
        "distress_time_left_s": [round(r[2], 1) for r in sc.distress],
        "alerts": dict(sc.alerts),
        "false_per_hour": {k: round(v / sc.hours, 2) for k, v in sorted(sc.false.items())},
        "false": dict(sc.false),
        "hours": round(sc.hours, 3),
    }


def scaling(
    sizes: tuple[int, ...] = (100, 500, 2000), scans: int = 60, seed: int = 7
) -> list[dict[str, Any]]:
    """CPU ms per scan of the watch alone on synthetic pictures (SIMULATED, seeded): n tracks in a
    40 × 30 km box mid-strait, a third of them AIS ships, the rest dark craft at 0.3–8 kn on random
    courses — far denser than the strait ever is, so the CPA pairs (and alerts) grow with n²."""
    from datetime import UTC, datetime, timedelta

    from watchkeeper.geo.frames import to_wgs84

    rng = np.random.default_rng(seed)
    x0, y0 = to_utm(1.45, 50.97)
    start = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    rows = []
    for n in sizes:
        x = float(x0) + rng.uniform(-20000, 20000, n)
        y = float(y0) + rng.uniform(-15000, 15000, n)
        sog = rng.uniform(0.3, 8.0, n)
        cog = rng.uniform(0, 360, n)
        mmsi = np.where(np.arange(n) % 3 == 0, 235000000 + np.arange(n), 0).astype(np.int64)
        watch = Watch()
        cpu = 0.0
        for k in range(scans):
            t = 2.5 * k
            px = x + sog * KNOT_MPS * t * np.sin(np.radians(cog))
            py = y + sog * KNOT_MPS * t * np.cos(np.radians(cog))
            lon, lat = to_wgs84(px, py)
            scan = TrackScan(
                time=start + timedelta(seconds=t), track_id=np.arange(n, dtype=np.int64), x=px, y=py,
                lat=lat, lon=lon, sog_kn=sog, cog_deg=cog, mmsi=mmsi, dark=mmsi == 0,
            )  # fmt: skip
            t0 = time.process_time()
            watch.step(scan)
            if k >= scans // 2:  # warm: histories full, alerts standing
                cpu += time.process_time() - t0
        warm = scans - scans // 2
        rows.append({"tracks": n, "watch_ms_per_scan": 1000 * cpu / warm, "alerts": len(watch.engine.alerts)})
    return rows


def main(argv: list[str]) -> int:
    scenarios = [Path(a) for a in argv] or sorted(
        p for p in SCENARIOS.iterdir() if (p / "truth.csv").is_file()
    )
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"simulated": True, "scenarios": {}}
    failed = False
    for scenario in scenarios:
        watch, scans, timing = run(scenario)
        assert watch.engine.epoch is not None
        epoch = pd.Timestamp(watch.engine.epoch)
        truth = load_truth(scenario, epoch)
        assoc = {}
        for scan in scans:
            t = round((scan.time - watch.engine.epoch).total_seconds(), 3)
            assoc[t] = associate(scan, t, truth)
        ours = [
            (a.rule.value, round(seconds(watch, a), 3), a.track_id, a.track_ids, a.values)
            for a in watch.engine.alerts.values()
        ]
        mine = summarise(score("watchkeeper", ours, assoc, truth))
        peer = summarise(score("naive peer", naive_peer(scans, watch.engine.epoch.timestamp()), assoc, truth))
        per_scan_ms = 1000 * timing["watch_cpu_s"] / timing["scans"]
        tracker_ms = 1000 * timing["tracker_cpu_s"] / timing["scans"]
        targets = {
            "departure_recall>=0.95": mine["departure_recall"] >= 0.95,
            "distress_recall>=0.95": mine["distress_recall"] >= 0.95,
            "false_distress_per_hour<1": mine["false_per_hour"].get("distress", 0.0) < 1.0,
        }
        failed |= not all(targets.values())
        report["scenarios"][scenario.name] = {
            "ours": mine,
            "peer": peer,
            "timing": timing,
            "targets": targets,
        }
        print(f"\n== {scenario.name} (SIMULATED) — {truth.duration_s / 60:.0f} min, {timing['scans']} scans")
        for r in (mine, peer):
            print(
                f"  {r['name']:<12} departure {r['departure_recall']:.0%} of {r['departure_boats']} "
                f"(delays s {r['departure_delays_s']}) | uk_waters {r['uk_waters_recall']:.0%} of "
                f"{r['uk_waters_boats']} (offsets s {r['uk_waters_offsets_s']}) | distress "
                f"{r['distress_recall']:.0%} "
                f"of {r['distress_boats']} (delays s {r['distress_delays_s']}, time left s "
                f"{r['distress_time_left_s']})"
            )
            print(f"  {'':<12} alerts {r['alerts']} false/h {r['false_per_hour']}")
        print(
            f"  CPU per scan: watch {per_scan_ms:.2f} ms, tracker {tracker_ms:.2f} ms "
            f"(watch/tracker {per_scan_ms / tracker_ms:.2f})"
        )
        print("  targets: " + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in targets.items()))
    print("\n== scaling (SIMULATED synthetic pictures, watch only, warm)")
    report["scaling"] = scaling()
    for row in report["scaling"]:
        print(
            f"  {row['tracks']:>5} tracks: {row['watch_ms_per_scan']:.1f} ms per scan, {row['alerts']} alerts"
        )
    (OUT / "alerts_eval.json").write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
    print(f"\nwritten {OUT / 'alerts_eval.json'}; false means: " + json.dumps(FALSE_WHEN, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
