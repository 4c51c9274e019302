"""At-least-once delivery made idempotent (issue #5): observations delivered twice change nothing.

Against the real NATS and PostgreSQL servers, every role in one process (so the test can hold the
checkpoints back). In the first half of a shared scenario no checkpoint after the first is saved and so
nothing is acknowledged — as if each worker died just before its checkpoint, having written its tracks,
alerts and incidents. Then every observation already on the OBS stream is published again without a
``msg_id`` (an ingest publishing again after a crash, past JetStream's duplicate window), the workers
start again, the server redelivers what they never acknowledged, and the second half follows. The store
must hold exactly the replay's picture: no duplicate track, track point, alert or incident.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import nats
import pytest
from backbone_helpers import assert_same_as_replay, batches, scenario_events, stored
from nats.js import api

import watchkeeper.bus.nats as nats_bus
from watchkeeper.api.runtime import Runtime
from watchkeeper.bus.base import Resume
from watchkeeper.bus.checkpointing import Checkpointer
from watchkeeper.core.settings import Settings

pytestmark = [pytest.mark.nats, pytest.mark.postgres, pytest.mark.slow]


async def _feed(runtime: Runtime, work: list[dict[str, list[bytes]]]) -> None:
    for batch in work:
        if batch["ais"]:
            await runtime.ingest_ais("file:ais.nmea", batch["ais"], simulated=True)
        if batch["radar"]:
            assert runtime.radar is not None
            await runtime.radar.ingest_rows("file:plots.csv", batch["radar"], runtime.wall_clock.now())


async def _settle(runtime: Runtime, quiet_s: float = 3.0) -> None:
    """Until the tracker and the alerts worker have released nothing new for ``quiet_s``."""
    last: tuple[int, int] = (-1, -1)
    since = time.monotonic()
    while time.monotonic() - since < quiet_s:
        await asyncio.sleep(0.3)
        now = (runtime.tracker.scans, runtime.alerts.steps)
        if now != last:
            last, since = now, time.monotonic()


async def _consumer(settings: Settings, stream: str, durable: str) -> api.ConsumerInfo:
    nc = await nats.connect(settings.bus_url)
    try:
        return await nc.jetstream().consumer_info(f"{settings.bus_namespace.upper()}_{stream}", durable)
    finally:
        await nc.close()


async def _publish_obs_again(settings: Settings) -> int:
    """Every message on the OBS stream published once more, without a msg_id."""
    nc = await nats.connect(settings.bus_url)
    js = nc.jetstream()
    try:
        stream = f"{settings.bus_namespace.upper()}_OBS"
        last = (await js.stream_info(stream)).state.last_seq
        sub = await js.pull_subscribe(f"{settings.bus_namespace}.obs.>", durable=None, stream=stream)
        copies: list[tuple[str, bytes]] = []
        while len(copies) < last:
            for msg in await sub.fetch(batch=500, timeout=5):
                copies.append((msg.subject, msg.data))
                await msg.ack()
        for subject, data in copies:
            await js.publish(subject, data)
        return len(copies)
    finally:
        await nc.close()


def _in_thread(coro: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``coro()`` in a thread of its own (Playwright's tests may leave a loop in this one)."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(asyncio.run(coro()))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=600)
    assert not errors, errors
    return out[0] if out else None


def test_redelivered_and_republished_observations_change_nothing(
    pg_url: str, nats_url: str, scenarios_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nats_bus, "ACK_WAIT_S", 2.0)  # redelivery of unacknowledged messages after 2 s
    scenario = scenarios_dir / "strait-night-small"
    settings = Settings(
        data_dir=tmp_path,
        database_url=pg_url,
        bus_url=nats_url,
        bus_namespace=f"t{uuid.uuid4().hex[:10]}",
        radars_file=scenario / "sensors.json",
    )
    work = batches(scenario_events(scenario))
    half = len(work) // 2

    # 1. the first half, with every checkpoint after the initial one refused: nothing is acknowledged
    original_resume = Checkpointer.resume

    def refusing_resume(self: Checkpointer, snapshot: Callable[[], Any]) -> Resume:
        async def refuse(seq: int, force: bool) -> bool:
            return False

        return Resume(original_resume(self, snapshot).after_seq, refuse)

    async def first() -> tuple[int, int]:
        runtime = Runtime(settings)
        await runtime.start()
        try:
            await _feed(runtime, work[:half])
            await _settle(runtime)
            return runtime.tracker.scans, runtime.alerts.steps
        finally:
            await runtime.stop()

    with monkeypatch.context() as m:
        m.setattr(Checkpointer, "resume", refusing_resume)
        scans_1, steps_1 = _in_thread(first)
    engine = Runtime(settings).engine
    written_1 = stored(engine)
    assert scans_1 > 50 and steps_1 > 50 and len(written_1.points) > 1000 and written_1.alerts
    tracker = _in_thread(lambda: _consumer(settings, "OBS", "tracker"))
    assert tracker.ack_floor.stream_seq == 0 and tracker.num_ack_pending > 0  # nothing acknowledged

    # 2. the observations again (new stream sequences, no msg_id), then the workers come back
    assert _in_thread(lambda: _publish_obs_again(settings)) > 100

    async def second() -> tuple[int, int, int]:
        runtime = Runtime(settings)
        await runtime.start()
        try:
            await asyncio.sleep(nats_bus.ACK_WAIT_S + 1)  # the unacknowledged messages come again
            await _settle(runtime)
            await _feed(runtime, work[half:])
            await _settle(runtime)
            return runtime.tracker.scans, runtime.tracker.duplicates, runtime.alerts.skipped
        finally:
            await runtime.stop()

    scans_2, duplicates, _skipped = _in_thread(second)
    # the restarted tracker came back to its first checkpoint and released the first half's scans again
    assert scans_2 > scans_1
    assert duplicates > 1000  # the observations published again were recognised by their log sequence
    live = assert_same_as_replay(engine, scenario)
    assert len(live.points) == len(set(live.points)) > len(written_1.points)
    engine.dispose()
