"""The live service gives the picture a replay gives (DESIGN.md principle 1: event time).

A shared SIMULATED scenario is fed to a running service the way live sensors feed it — raw AIS lines and
radar plot rows through the ingestors (input log, decoding, bus), the tracker and alerts workers on the
in-process bus — and the tracks in the history and the alerts in the store are compared with what
``watchkeeper track`` / ``watchkeeper replay`` compute from the same files.
"""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from watchkeeper.alerts.models import AlertRow
from watchkeeper.alerts.replay import replay_scenario
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.settings import Settings
from watchkeeper.ingest.radar.scenario import parse_utc
from watchkeeper.tracking.history import TrackPoint
from watchkeeper.tracking.runner import load_inputs, run_scenario

_TAG_TIME = re.compile(rb"c:(\d+)")


def _feed(scenario: Path) -> list[tuple[datetime, str, bytes]]:
    events: list[tuple[datetime, str, bytes]] = []
    for line in (scenario / "ais.nmea").read_bytes().splitlines():
        m = _TAG_TIME.search(line)
        assert m is not None
        events.append((datetime.fromtimestamp(int(m.group(1)), UTC), "ais", line))
    rows = (scenario / "plots.csv").read_bytes().splitlines()[1:]
    events += [(parse_utc(row.split(b",", 1)[0].decode()), "radar", row) for row in rows]
    events.sort(key=lambda e: e[0])
    return events


async def _run_live(runtime: Runtime, events: list[tuple[datetime, str, bytes]]) -> None:
    await runtime.start()
    try:
        batch: dict[str, list[bytes]] = {"ais": [], "radar": []}
        start = events[0][0]
        for t, kind, raw in events:
            if (t - start).total_seconds() > 1.0:
                await _flush(runtime, batch)
                start = t
            batch[kind].append(raw)
        await _flush(runtime, batch)
        bus = runtime.bus
        for _ in range(3):  # let every worker's queue run dry (workers publish onwards)
            await bus.drain()  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
    finally:
        await runtime.stop()


async def _flush(runtime: Runtime, batch: dict[str, list[bytes]]) -> None:
    if batch["ais"]:
        await runtime.ingest_ais("file:ais.nmea", batch["ais"], simulated=True)
    if batch["radar"]:
        assert runtime.radar is not None
        await runtime.radar.ingest_rows("file:plots.csv", batch["radar"], runtime.wall_clock.now())
    batch["ais"], batch["radar"] = [], []


@pytest.mark.slow
def test_live_service_gives_the_replay_picture(scenarios_dir: Path, tmp_path: Path) -> None:
    scenario = scenarios_dir / "strait-night-small"
    settings = Settings(data_dir=tmp_path, radars_file=scenario / "sensors.json")
    runtime = Runtime(settings)
    # a thread of its own: Playwright's browser tests leave an event loop in the main thread
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_run_live(runtime, _feed(scenario)))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=600)
    assert not errors, errors

    watch, _summary = replay_scenario(scenario)
    with runtime.engine.connect() as conn:
        live_alerts = conn.execute(select(AlertRow.rule, AlertRow.track_ids, AlertRow.raised_time)).all()
        points = conn.execute(select(TrackPoint.track_id, TrackPoint.time)).all()
    last_live_scan = max(t for _, t in points)
    replay = {
        (a.rule.value, tuple(a.track_ids), a.raised_time)
        for a in watch.engine.alerts.values()
        if a.raised_time.replace(tzinfo=UTC) < last_live_scan.replace(tzinfo=UTC)
    }
    live = {(rule, tuple(tracks), t.replace(tzinfo=UTC)) for rule, tracks, t in live_alerts}
    assert replay, "the replay raised no alert: nothing compared"
    assert live == {(r, t, rt.replace(tzinfo=UTC)) for r, t, rt in replay}

    # the tracks themselves: every confirmed track at every scan, as `watchkeeper track` computes them
    inputs = load_inputs(scenario)
    epoch = inputs.sensors.start_utc
    replay_points = {
        (int(tid), epoch + timedelta(seconds=out.time))
        for out in run_scenario(inputs)
        for tid in out.track_id
        if epoch + timedelta(seconds=out.time) <= last_live_scan.replace(tzinfo=UTC)
    }
    live_points = {(tid, t.replace(tzinfo=UTC)) for tid, t in points}
    assert len(live_points) > 5000
    assert live_points == replay_points
