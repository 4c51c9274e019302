"""Replay a scenario through the whole pipeline: tracker, then the watch (alerts and incidents).

Reads only what a live cell would have (``sensors.json``, ``plots.csv``, ``ais.nmea`` — never the
truth files), runs as fast as it can, and writes the CLI contract's JSON lines:

* alerts: one object per alert, in order of ``time_utc`` (when it was raised), with at least
  ``time_utc, rule, track_id, lat, lon, severity, explanation`` — plus the thresholds in force, the values
  seen, the geometry, status at the end of the replay, occurrences and marking;
* incidents: one object per incident as it stands at the end, with at least
  ``incident_id, opened_utc, state, track_ids, persons_estimate`` — plus alerts, outcome and timeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchkeeper.alerts.config import AlertSettings
from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.watch import Watch
from watchkeeper.core.types import AisReport, FieldObservation
from watchkeeper.incidents.field import concerns_incidents
from watchkeeper.tracking.ais_fusion import read_ais_file
from watchkeeper.tracking.runner import load_inputs, run_scenario


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    scans: int
    tracks_seen: int
    alerts: int
    incidents: int
    by_rule: dict[str, int]
    simulated: bool


def replay_scenario(
    scenario_dir: Path | str,
    settings: AlertSettings | None = None,
    on_scan: Callable[[int, int], None] | None = None,
    recorder: WatchRecorder | None = None,
    field: Sequence[FieldObservation] = (),
) -> tuple[Watch, ReplaySummary]:
    """Run tracker and watch over a scenario; return the watch (its alerts and incidents) and a summary.

    ``field``: drone and observer detections (a recorded CoT feed, reports), given to the tracker and the
    incidents scan by scan as the live workers give them (``tracking.worker``, ``alerts.worker``).
    """
    scenario_dir = Path(scenario_dir)
    inputs = load_inputs(scenario_dir)
    epoch = inputs.sensors.start_utc
    reports: list[AisReport] = sorted(
        (r for r in read_ais_file(scenario_dir / "ais.nmea") if r.event_time is not None),
        key=lambda r: r.event_time,
    )
    detections = sorted((o for o in field if concerns_incidents(o)), key=lambda o: (o.event_time, o.obs_id))
    watch = Watch(settings)
    k = 0
    f = 0
    scans = 0
    tracks: set[int] = set()
    for out in run_scenario(inputs, on_scan=on_scan, field=detections):
        scan = TrackScan.from_output(out, epoch)
        batch: list[AisReport] = []
        while k < len(reports) and reports[k].event_time < scan.time:  # the tracker's scan window
            batch.append(reports[k])
            k += 1
        seen: list[FieldObservation] = []
        while f < len(detections) and detections[f].event_time < scan.time:
            seen.append(detections[f])
            f += 1
        step = watch.step(scan, batch, seen)
        if recorder is not None:
            recorder.record(watch, step)
        scans += 1
        tracks.update(scan.track_id.tolist())
    alerts = watch.engine.alerts
    by_rule: dict[str, int] = {}
    for a in alerts.values():
        by_rule[a.rule.value] = by_rule.get(a.rule.value, 0) + 1
    simulated = bool(_sensors_json(scenario_dir).get("simulated", False))
    return watch, ReplaySummary(
        scans, len(tracks), len(alerts), len(watch.book.incidents), by_rule, simulated
    )


def _sensors_json(scenario_dir: Path) -> dict[str, Any]:
    try:
        doc = json.loads((scenario_dir / "sensors.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return doc if isinstance(doc, dict) else {}


def alert_lines(watch: Watch, simulated: bool) -> list[dict[str, Any]]:
    rows = [a.to_dict() for a in watch.engine.alerts.values()]
    rows.sort(key=lambda r: (r["time_utc"], r["rule"], r["alert_id"]))
    for r in rows:
        r["simulated"] = simulated
    return rows


def incident_lines(watch: Watch, simulated: bool) -> list[dict[str, Any]]:
    rows = [i.to_dict(timeline=True) for i in watch.book.incidents.values()]
    rows.sort(key=lambda r: (r["opened_utc"], r["incident_id"]))
    for r in rows:
        r["simulated"] = simulated
    return rows


def write_jsonl(path: Path | str, rows: list[dict[str, Any]]) -> int:
    with Path(path).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(rows)
