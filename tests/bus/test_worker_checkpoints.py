"""Checkpoint → restore → continue equals an uninterrupted run, exactly, for the tracker and the alerts watch.

The two stateful workers (``tracking.worker.TrackerService``, ``alerts.worker.AlertService``) are driven
message by message as their durable subscription drives them, on the shared SIMULATED scenario
strait-night-small: once without interruption, and once "crashed" — a checkpoint saved through the real
``Checkpointer`` (pickled into the SQLite store) at stream sequence ``k``, the worker carrying on past it
(writing rows and publishing) until it is dropped without a word, then a new worker restored from the
store and fed everything after ``k`` again (the bus's at-least-once redelivery). No tolerance anywhere:
the stores' rows (``picture.compare``: floats by ``repr``), every message published, and the final state's
arrays must be the same.
"""

from __future__ import annotations

import asyncio
import pickle
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from watchkeeper.alerts.worker import CHECKPOINT_FORMAT as ALERTS_FORMAT
from watchkeeper.alerts.worker import CHECKPOINT_NAME as ALERTS_NAME
from watchkeeper.alerts.worker import AlertService
from watchkeeper.api.runtime import Runtime
from watchkeeper.bus.checkpointing import Checkpointer
from watchkeeper.bus.inprocess import InProcessBus
from watchkeeper.core.settings import Settings
from watchkeeper.core.types import Plot
from watchkeeper.core.wire import encode_ais, encode_plots
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.radar.live import RadarRowIntake
from watchkeeper.ingest.radar.scenario import parse_utc
from watchkeeper.picture.compare import compare_stores
from watchkeeper.store.db import open_store
from watchkeeper.tracking.worker import CHECKPOINT_FORMAT as TRACKER_FORMAT
from watchkeeper.tracking.worker import CHECKPOINT_NAME as TRACKER_NAME
from watchkeeper.tracking.worker import TRACK_SUBJECT, TrackerService

_TAG_TIME = re.compile(rb"c:(\d+)")
FEED_S = 100.0  # event seconds of the scenario
BATCH_S = 0.5  # one ingest call per half second of event time, as a paced feed gives

Message = tuple[str, bytes]


def obs_messages(scenario: Path, engine: Engine) -> list[Message]:
    """The scenario's first ``FEED_S`` as the OBS stream's messages, decoded as the ingest roles do."""
    events: list[tuple[datetime, str, bytes]] = []
    for line in (scenario / "ais.nmea").read_bytes().splitlines():
        m = _TAG_TIME.search(line)
        assert m is not None
        events.append((datetime.fromtimestamp(int(m.group(1)), UTC), "ais", line))
    for row in (scenario / "plots.csv").read_bytes().splitlines()[1:]:
        events.append((parse_utc(row.split(b",", 1)[0].decode()), "radar", row))
    events.sort(key=lambda e: e[0])
    start = events[0][0]
    events = [e for e in events if e[0] - start < timedelta(seconds=FEED_S)]
    decoder = AisDecoder("tcp:feed#1", simulated=True)
    intake = RadarRowIntake(None, RejectsLedger(engine), None)  # type: ignore[arg-type]  # decoding only
    seq = {"ais": 1, "radar": 1}
    messages: list[Message] = []
    batches: dict[int, dict[str, list[bytes]]] = defaultdict(lambda: {"ais": [], "radar": []})
    for t, kind, raw in events:
        batches[int((t - start) / timedelta(seconds=BATCH_S))][kind].append(raw)
    for k in sorted(batches):
        received = start + timedelta(seconds=(k + 1) * BATCH_S)
        lines = batches[k]
        if lines["ais"]:
            numbered = list(enumerate(lines["ais"], seq["ais"]))
            reports = decoder.feed_many(numbered, received, seq["ais"]).reports
            seq["ais"] += len(numbered)
            if reports:
                messages.append(("obs.ais", encode_ais(reports)))
        if lines["radar"]:
            numbered = list(enumerate(lines["radar"], seq["radar"]))
            plots = intake.decode_rows("tcp:radar#1", numbered, received, seq["radar"]).plots
            seq["radar"] += len(numbered)
            by_sensor: dict[str, list[Plot]] = defaultdict(list)
            for p in plots:
                by_sensor[p.sensor_id].append(p)
            messages += [(f"obs.radar.{s}", encode_plots(ps)) for s, ps in by_sensor.items()]
    return messages


@dataclass
class Worker:
    """One worker process's life: its runtime (real, in-process bus, SQLite store) and what it published."""

    runtime: Runtime
    published: list[Message] = field(default_factory=list)

    @classmethod
    async def start(cls, settings: Settings, engine: Engine) -> Worker:
        worker = cls(Runtime(settings, engine=engine, bus=InProcessBus()))
        await worker.runtime.bus.subscribe(">", worker._collect)
        return worker

    async def _collect(self, subject: str, payload: bytes) -> None:
        if subject != "picture.update":  # the page's copy of the same bodies
            self.published.append((subject, payload))

    async def settle(self) -> list[Message]:
        await self.runtime.bus.drain()  # type: ignore[attr-defined]
        await self.runtime.bus.close()
        return self.published


async def feed(handler: Callable[[str, bytes], Any], messages: list[Message], first_seq: int) -> None:
    for subject, payload in messages[first_seq - 1 :]:
        await handler(subject, payload)


@dataclass
class Whole:
    published: list[Message]  # by the uninterrupted worker
    published_by: list[int]  # how many it had published once message seq (index + 1) was handled
    service: Any


async def run_whole(
    make: Callable[[Runtime], Any],
    handler_name: str,
    messages: list[Message],
    settings: Settings,
    store: Engine,
) -> Whole:
    worker = await Worker.start(settings, store)
    service = make(worker.runtime)
    handler = getattr(service, handler_name)
    published_by = []
    for subject, payload in messages:
        await handler(subject, payload)
        await worker.runtime.bus.drain()  # type: ignore[attr-defined]
        published_by.append(len(worker.published))
    return Whole(await worker.settle(), published_by, service)


@dataclass
class Crashed:
    before: list[Message]  # published by the crashed worker up to its checkpoint
    after: list[Message]  # published by the crashed worker after its checkpoint, before the crash
    restored: list[Message]  # published by the restored worker
    restored_service: Any
    at_checkpoint: Any  # what the crashed worker's snapshot held when it was saved


async def crash_and_restore(
    make: Callable[[Runtime], Any],
    handler_name: str,
    name: str,
    fmt: str,
    messages: list[Message],
    settings: Settings,
    store: Engine,
    checkpoint_seq: int,
    crash_seq: int,
) -> Crashed:
    crashed = await Worker.start(settings, store)
    doomed = make(crashed.runtime)
    checkpoints = Checkpointer(store, name, fmt)
    assert checkpoints.state is None
    checkpoints.ensure(doomed.snapshot)
    commit = checkpoints.resume(doomed.snapshot).commit
    for seq, (subject, payload) in enumerate(messages[:crash_seq], 1):
        await getattr(doomed, handler_name)(subject, payload)
        if seq == checkpoint_seq:
            assert await commit(seq, True)
            await crashed.runtime.bus.drain()  # type: ignore[attr-defined]
            n_before = len(crashed.published)
            at_checkpoint = pickle.loads(pickle.dumps(doomed.snapshot()))  # a copy: the worker goes on
    published = await crashed.settle()  # then dropped: nothing saved after the checkpoint

    restarted = await Worker.start(settings, store)
    restored_service = make(restarted.runtime)
    resumed = Checkpointer(store, name, fmt)
    assert resumed.after_seq == checkpoint_seq and resumed.state is not None
    restored_service.restore(resumed.state)
    await feed(getattr(restored_service, handler_name), messages, checkpoint_seq + 1)
    restored = await restarted.settle()
    return Crashed(published[:n_before], published[n_before:], restored, restored_service, at_checkpoint)


def assert_published_exactly(whole: Whole, runs: Crashed) -> None:
    assert runs.after, "the crashed worker published nothing after its checkpoint: no redelivery tested"
    # what the restored worker derives again is what the crashed one had published (same bodies, so the
    # bus's msg_id drops them and the store's keys keep one row), and the whole is the uninterrupted run's
    assert runs.restored[: len(runs.after)] == runs.after
    assert runs.before + runs.restored == whole.published


def assert_stores_equal(whole: Engine, crashed: Engine, tables: tuple[str, ...]) -> None:
    diffs = {d.table: d for d in compare_stores(whole, crashed)}
    for table in tables:
        assert diffs[table].live > 0, f"{table} is empty: nothing compared"
        assert diffs[table].equal, diffs[table].as_dict()


@pytest.fixture(scope="module")
def scenario(scenarios_dir: Path) -> Path:
    return scenarios_dir / "strait-night-small"


@pytest.fixture(scope="module")
def tracker_runs(scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Whole, Crashed]:
    tmp = tmp_path_factory.mktemp("tracker")
    settings = Settings(data_dir=tmp, radars_file=scenario / "sensors.json")
    whole_store = open_store(f"sqlite:///{tmp / 'whole.db'}")
    crash_store = open_store(f"sqlite:///{tmp / 'crash.db'}")
    messages = obs_messages(scenario, whole_store)
    assert len(messages) > 300
    whole = asyncio.run(run_whole(TrackerService, "on_observations", messages, settings, whole_store))
    # checkpoint in the middle of a scan (inputs buffered, AIS not yet attached), crash 40 messages on
    checkpoint_seq = len(messages) // 2 + 3
    runs = asyncio.run(
        crash_and_restore(
            TrackerService,
            "on_observations",
            TRACKER_NAME,
            TRACKER_FORMAT,
            messages,
            settings,
            crash_store,
            checkpoint_seq,
            checkpoint_seq + 40,
        )
    )
    assert_stores_equal(whole_store, crash_store, ("track_points",))
    whole_store.dispose()
    crash_store.dispose()
    return whole, runs


def test_tracker_restored_from_a_checkpoint_continues_exactly_as_if_never_stopped(
    tracker_runs: tuple[Whole, Crashed],
) -> None:
    whole, runs = tracker_runs
    state = runs.at_checkpoint
    assert state["live"].pending > 0 and state["ais"], "checkpoint not mid-scan: nothing buffered tested"
    assert_published_exactly(whole, runs)
    assert len(whole.published) > 30 and all(s == TRACK_SUBJECT for s, _ in whole.published)
    a, b = whole.service, runs.restored_service
    assert b.duplicates == 0 and a.scans == b.scans  # redelivered messages were new to the restored state
    ta, tb = a.live.tracker.tracks, b.live.tracker.tracks
    for name in ("uid", "x", "p", "mu", "mmsi", "hits", "score", "t"):
        assert np.array_equal(getattr(ta, name), getattr(tb, name)), name  # bit for bit
    assert a.live._buffer.keys() == b.live._buffer.keys() and a._seen == b._seen


def test_alerts_watch_restored_from_a_checkpoint_continues_exactly_as_if_never_stopped(
    tracker_runs: tuple[Whole, Crashed], scenario: Path, tmp_path: Path
) -> None:
    scans = tracker_runs[0].published  # the tracker's track.update messages, in order
    settings = Settings(data_dir=tmp_path, radars_file=scenario / "sensors.json")
    whole_store = open_store(f"sqlite:///{tmp_path / 'whole.db'}")
    crash_store = open_store(f"sqlite:///{tmp_path / 'crash.db'}")
    whole = asyncio.run(run_whole(AlertService, "on_tracks", scans, settings, whole_store))
    subjects = [s for s, _ in whole.published]
    first_alert = subjects.index(next(s for s in subjects if s.startswith("alert.")))
    # the checkpoint: the last scan before the one that raised the first alert, with incidents open by
    # then (the restored incident book is then used); the crash a few scans after the alert
    alert_seq = next(i for i, n in enumerate(whole.published_by, 1) if n > first_alert)
    checkpoint_seq = alert_seq - 1
    assert whole.published_by[checkpoint_seq - 1] > 0, "nothing open at the checkpoint: no state tested"
    runs = asyncio.run(
        crash_and_restore(
            AlertService,
            "on_tracks",
            ALERTS_NAME,
            ALERTS_FORMAT,
            scans,
            settings,
            crash_store,
            checkpoint_seq,
            min(len(scans), alert_seq + 3),
        )
    )
    assert any(s.startswith("alert.") for s, _ in runs.after)
    assert_published_exactly(whole, runs)
    assert_stores_equal(whole_store, crash_store, ("alerts", "incidents", "incident_timeline"))
    assert runs.restored_service.skipped == 0 and runs.restored_service.steps == whole.service.steps
    whole_store.dispose()
    crash_store.dispose()
