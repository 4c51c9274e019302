"""The JetStream bus against the real NATS server: durable resume and duplicate suppression."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from watchkeeper.bus import connect_bus
from watchkeeper.bus.base import Resume
from watchkeeper.bus.nats import NatsBus, StreamSpec

pytestmark = pytest.mark.nats


def _spec() -> tuple[StreamSpec, ...]:
    tag = uuid.uuid4().hex[:8].upper()
    return (StreamSpec(f"TEST{tag}", (f"test{tag.lower()}.>",), 600.0, "test stream"),)


async def _collect(bus: NatsBus, subject: str, durable: str, n: int, timeout: float = 10.0) -> list[bytes]:
    got: list[bytes] = []
    done = asyncio.Event()

    async def handler(_subject: str, payload: bytes) -> None:
        got.append(payload)
        if len(got) >= n:
            done.set()

    sub = await bus.subscribe(subject, handler, durable=durable)
    await asyncio.wait_for(done.wait(), timeout)
    await asyncio.sleep(0.3)  # let acks flush
    await sub.unsubscribe()
    return got


def test_durable_consumer_resumes_after_restart_and_duplicates_are_dropped(nats_url: str) -> None:
    async def run() -> tuple[list[bytes], list[bytes]]:
        specs = _spec()
        subject = specs[0].subjects[0].replace(">", "ais")
        bus = await NatsBus.connect(nats_url, streams=specs)
        try:
            for i in range(10):
                await bus.publish(subject, f"m{i}".encode(), msg_id=f"src:{i}")
            await bus.publish(subject, b"m3", msg_id="src:3")  # a retried publish: dropped
            first = await _collect(bus, subject, "worker", 5)
        finally:
            await bus.close()
        # A "restarted" worker: a new connection, same durable name, resumes after what was acked.
        bus2 = await NatsBus.connect(nats_url, streams=specs)
        try:
            for i in range(10, 12):
                await bus2.publish(subject, f"m{i}".encode(), msg_id=f"src:{i}")
            got: list[bytes] = []
            done = asyncio.Event()

            async def handler(_s: str, payload: bytes) -> None:
                got.append(payload)
                if payload == b"m11":
                    done.set()

            sub = await bus2.subscribe(subject, handler, durable="worker")
            await asyncio.wait_for(done.wait(), 10)
            await sub.unsubscribe()
            await bus2.js.delete_stream(specs[0].name)
        finally:
            await bus2.close()
        return first, got

    first, rest = asyncio.run(run())
    seen = first + rest
    # at-least-once: nothing lost; the first batch fetched may exceed 5 but each message appears once here
    assert sorted(set(seen), key=lambda b: int(b[1:])) == [f"m{i}".encode() for i in range(12)]
    assert seen.count(b"m3") == 1


def test_restart_from_a_checkpoint_redelivers_exactly_what_it_lacks_in_order_at_once(nats_url: str) -> None:
    """A worker crashed after handling messages its checkpoint did not cover yet: restored from the
    checkpoint (stream seq 5), it must get seq 6, 7, … in stream order straight away — not the messages
    after the last one *delivered* first and the others after the ack wait (30 s), out of order."""

    async def run() -> tuple[list[bytes], list[bytes]]:
        specs = _spec()
        subject = specs[0].subjects[0].replace(">", "obs")
        bus = await NatsBus.connect(nats_url, streams=specs)
        first: list[bytes] = []
        try:
            for i in range(20):
                await bus.publish(subject, f"m{i}".encode(), msg_id=f"src:{i}")

            async def never_saved(_seq: int, _force: bool) -> bool:
                return False  # the crash comes before the next checkpoint: nothing is acknowledged

            async def take(_s: str, payload: bytes) -> None:
                first.append(payload)

            sub = await bus.subscribe(subject, take, durable="stateful", resume=Resume(0, never_saved))
            for _ in range(100):
                if len(first) == 20:
                    break
                await asyncio.sleep(0.05)
            await sub.unsubscribe()
        finally:
            await bus.close()
        bus2 = await NatsBus.connect(nats_url, streams=specs)
        again: list[bytes] = []
        try:
            done = asyncio.Event()

            async def saved(_seq: int, _force: bool) -> bool:
                return True

            async def handler(_s: str, payload: bytes) -> None:
                again.append(payload)
                if payload == b"m19":
                    done.set()

            sub = await bus2.subscribe(subject, handler, durable="stateful", resume=Resume(5, saved))
            await asyncio.wait_for(done.wait(), 10)  # well inside the ack wait
            await sub.unsubscribe()
            await bus2.js.delete_stream(specs[0].name)
        finally:
            await bus2.close()
        return first, again

    first, again = asyncio.run(run())
    assert first == [f"m{i}".encode() for i in range(20)]  # all delivered and handled before the "crash"
    assert again == [f"m{i}".encode() for i in range(5, 20)]  # seq 6.. (m5..), once each, in order


def test_connect_bus_selects_implementation(nats_url: str) -> None:
    async def run() -> tuple[str, str]:
        a = await connect_bus(None)
        b = await connect_bus(nats_url)
        names = (type(a).__name__, type(b).__name__)
        await a.close()
        await b.close()
        return names

    assert asyncio.run(run()) == ("InProcessBus", "NatsBus")


def test_a_resumable_consumer_starts_after_its_checkpoint_and_stops_at_a_failing_handler(
    nats_url: str,
) -> None:
    """``Resume``: messages the checkpoint covers are not handed over; a batch is acknowledged only
    after ``commit``; a handler that raises ends the subscription (``wait`` raises) with the commit at
    the message before it, and the next start from that commit gets the failing message first."""
    from watchkeeper.bus import Resume
    from watchkeeper.bus.nats import HandlerFailed

    async def run() -> tuple[list[bytes], list[int], list[bytes]]:
        specs = _spec()
        subject = specs[0].subjects[0].replace(">", "obs")
        bus = await NatsBus.connect(nats_url, streams=specs)
        try:
            for i in range(1, 9):
                await bus.publish(subject, f"m{i}".encode(), msg_id=f"src:{i}")
            seen: list[bytes] = []
            commits: list[int] = []

            async def handler(_s: str, payload: bytes) -> None:
                if payload == b"m5":
                    raise RuntimeError("store unavailable")
                seen.append(payload)

            async def commit(seq: int, force: bool) -> bool:
                commits.append(seq)
                return True

            sub = await bus.subscribe(subject, handler, durable="stateful", resume=Resume(2, commit))
            with pytest.raises(HandlerFailed, match="stream seq 5"):
                await asyncio.wait_for(sub.wait(), 10)
            await sub.unsubscribe()
            again: list[bytes] = []
            done = asyncio.Event()

            async def handler2(_s: str, payload: bytes) -> None:
                again.append(payload)
                if payload == b"m8":
                    done.set()

            sub2 = await bus.subscribe(
                subject, handler2, durable="stateful", resume=Resume(commits[-1], commit)
            )
            await asyncio.wait_for(done.wait(), 10)
            await sub2.unsubscribe()
            await bus.js.delete_stream(specs[0].name)
            return seen, commits, again
        finally:
            await bus.close()

    seen, commits, again = asyncio.run(run())
    assert seen == [b"m3", b"m4"]
    assert commits[0] == 4
    assert again == [b"m5", b"m6", b"m7", b"m8"]
