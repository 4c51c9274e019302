"""``replay-log``: the input logs of a live run give back its picture, tracks, alerts and incidents.

A live service (in-process bus, SQLite) is fed part of a shared SIMULATED scenario through its ingestors;
its data dir is then replayed into a fresh store and compared table by table — equal, and a store that has
lost or gained a row is told apart (the comparison can fail).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from watchkeeper.api.runtime import Runtime
from watchkeeper.cli import _register, app
from watchkeeper.core.settings import Settings
from watchkeeper.ingest.radar.scenario import load_sensors, parse_utc
from watchkeeper.picture.compare import compare_stores
from watchkeeper.picture.replaylog import LogReplay
from watchkeeper.store.db import open_store

_TAG_TIME = re.compile(rb"c:(\d+)")
FEED_S = 150.0  # event seconds of the scenario fed


def _events(scenario: Path) -> list[tuple[datetime, str, bytes]]:
    events = []
    for line in (scenario / "ais.nmea").read_bytes().splitlines():
        m = _TAG_TIME.search(line)
        assert m is not None
        events.append((datetime.fromtimestamp(int(m.group(1)), UTC), "ais", line + b"\n"))
    for row in (scenario / "plots.csv").read_bytes().splitlines()[1:]:
        events.append((parse_utc(row.split(b",", 1)[0].decode()), "radar", row))
    events.sort(key=lambda e: e[0])
    start = events[0][0]
    return [e for e in events if (e[0] - start).total_seconds() < FEED_S]


async def _live(runtime: Runtime, events: list[tuple[datetime, str, bytes]]) -> None:
    await runtime.start()
    try:
        batch: dict[str, list[bytes]] = {"ais": [], "radar": []}
        start = events[0][0]
        for t, kind, raw in [*events, (events[-1][0], "end", b"")]:
            if kind == "end" or (t - start).total_seconds() > 0.5:
                if batch["ais"]:
                    await runtime.ingest_ais("tcp:feed#1", batch["ais"])
                if batch["radar"]:
                    assert runtime.radar is not None
                    await runtime.radar.ingest_rows("tcp:radar#1", batch["radar"], runtime.wall_clock.now())
                batch = {"ais": [], "radar": []}
                start = t
            if kind != "end":
                batch[kind].append(raw)
        batch["ais"] = [b"!AIVDM,garbage\n"]  # a reject, so the ledger is compared too
        await runtime.ingest_ais("tcp:feed#1", batch["ais"])
        for _ in range(3):
            await runtime.bus.drain()  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
    finally:
        await runtime.stop()


@pytest.fixture(scope="module")
def live_run(scenarios_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    scenario = scenarios_dir / "strait-night-small"
    data_dir = tmp_path_factory.mktemp("live")
    runtime = Runtime(Settings(data_dir=data_dir, radars_file=scenario / "sensors.json"))
    errors: list[BaseException] = []

    def run() -> None:  # a thread of its own: browser tests may leave an event loop in this one
        try:
            asyncio.run(_live(runtime, _events(scenario)))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    runtime.engine.dispose()
    assert not errors, errors
    return data_dir, scenario / "sensors.json"


def test_replay_of_the_logs_equals_the_live_store(live_run: tuple[Path, Path], tmp_path: Path) -> None:
    data_dir, sensors = live_run
    live = open_store(f"sqlite:///{data_dir / 'watchkeeper.db'}")
    replay = open_store(f"sqlite:///{tmp_path / 'replay.db'}")
    counts = LogReplay(replay, load_sensors(sensors)).run(data_dir)
    assert counts.scans > 40 and counts.ais_reports > 100 and counts.plots > 3000
    diffs = {d.table: d for d in compare_stores(live, replay)}
    for name in ("vessels", "positions", "rejects", "track_points", "alerts"):
        assert diffs[name].live > 0, f"live {name} is empty: nothing compared"
    assert all(d.equal for d in diffs.values()), {n: d.as_dict() for n, d in diffs.items() if not d.equal}

    live.dispose()
    replay.dispose()


def _copy_db(src: Path, dst: Path) -> None:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def test_replay_log_command(live_run: tuple[Path, Path], tmp_path: Path) -> None:
    data_dir, sensors = live_run
    _register()
    runner = CliRunner()
    args = ["replay-log", "--data-dir", str(data_dir), "--radars", str(sensors)]
    env = {"WATCHKEEPER_DATABASE_URL": ""}
    fresh = f"sqlite:///{tmp_path / 'r1.db'}"
    result = runner.invoke(app, [*args, "--db", fresh, "--compare"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["equal"] is True and summary["tables"]["track_points"]["live"] > 1000

    # a live store that lost one track point and holds one reject twice: exit 1, and why
    changed = tmp_path / "changed.db"
    _copy_db(data_dir / "watchkeeper.db", changed)
    eng = open_store(f"sqlite:///{changed}")
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM track_points WHERE id = (SELECT min(id) FROM track_points)"))
        conn.execute(
            text(
                "INSERT INTO rejects (source, line_no, reason, detail, raw, receive_time, log_seq) "
                "SELECT source, line_no, reason, detail, raw, receive_time, log_seq FROM rejects LIMIT 1"
            )
        )
    eng.dispose()
    fresh2 = f"sqlite:///{tmp_path / 'r2.db'}"
    result = runner.invoke(
        app, [*args, "--db", fresh2, "--compare", "--live-db", f"sqlite:///{changed}"], env=env
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["equal"] is False
    assert summary["tables"]["track_points"]["only_replay"] == 1
    assert summary["tables"]["track_points"]["only_live"] == 0
    assert summary["tables"]["rejects"]["duplicates_live"] == 1
    assert summary["tables"]["alerts"]["equal"] is True
    # a store that is not fresh is refused
    again = runner.invoke(app, [*args, "--db", fresh], env=env)
    assert again.exit_code == 2 and "not empty" in again.output
