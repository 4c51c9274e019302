"""Messages over NATS's max_payload (1 MB by default) against the real server: sent as parts and
handed over whole, once; interleaved publishers; checkpoints never between parts; incomplete wholes
dropped and counted (``bus/parts.py``, ``bus/nats.py``)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable

import pytest

from watchkeeper.bus.base import Resume
from watchkeeper.bus.nats import NatsBus, StreamSpec
from watchkeeper.bus.parts import split

pytestmark = pytest.mark.nats

MB = 1024 * 1024


def _spec() -> tuple[StreamSpec, ...]:
    tag = uuid.uuid4().hex[:8].upper()
    return (StreamSpec(f"PARTS{tag}", (f"parts{tag.lower()}.>",), 600.0, "test stream"),)


async def _until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def _with_bus(nats_url: str, body: Callable[[NatsBus, str, str], Awaitable[None]]) -> None:
    specs = _spec()
    bus = await NatsBus.connect(nats_url, streams=specs)
    try:
        await body(bus, specs[0].subjects[0].replace(">", "update"), specs[0].name)
    finally:
        with_stream = bus.stream_name(specs[0])
        await bus.js.delete_stream(with_stream)
        await bus.close()


async def _stream_parts(bus: NatsBus, stream: str) -> list[tuple[int, str | None]]:
    """(stream seq, Wk-Part header) of every message in the stream."""
    info = await bus.js.stream_info(stream)
    out = []
    for seq in range(1, info.state.last_seq + 1):
        msg = await bus.js.get_msg(stream, seq)
        out.append((seq, (msg.headers or {}).get("Wk-Part")))
    return out


def test_a_5mb_payload_reaches_a_durable_and_a_live_subscriber_whole_and_once(nats_url: str) -> None:
    payload = os.urandom(5 * MB)

    async def body(bus: NatsBus, subject: str, stream: str) -> None:
        assert bus.nc.max_payload == MB  # the stock server: the payload is five times its limit
        live: list[bytes] = []
        live_sub = await bus.subscribe(subject, lambda _s, p: _append(live, p))
        await bus.publish(subject, payload, msg_id="scan:1")
        await bus.publish(subject, payload, msg_id="scan:1")  # a retried publish: every part dropped
        await bus.publish(subject, b"after", msg_id="scan:2")
        durable: list[bytes] = []
        commits: list[int] = []

        async def commit(seq: int, _force: bool) -> bool:
            commits.append(seq)
            return True

        sub = await bus.subscribe(
            subject, lambda _s, p: _append(durable, p), durable="tracker", resume=Resume(0, commit)
        )
        await _until(lambda: len(durable) == 2 and len(live) == 2 and 7 in commits)
        await asyncio.sleep(0.5)  # nothing more comes
        await sub.unsubscribe()
        await live_sub.unsubscribe()
        assert durable == [payload, b"after"] and live == [payload, b"after"]
        parts = await _stream_parts(bus, stream)
        assert [p for _, p in parts] == [f"{k}/6" for k in range(1, 7)] + [None]
        assert bus.parts_published == 12  # two publishes of six parts; the second's all duplicates
        assert min(commits) == 7  # a checkpoint only after the whole

    asyncio.run(_with_bus(nats_url, body))


async def _append(into: list[bytes], payload: bytes) -> None:
    into.append(payload)


def test_interleaved_parts_of_two_publishers_are_reassembled_by_whole(nats_url: str) -> None:
    a, b = os.urandom(2 * MB + 10), os.urandom(3 * MB)

    async def body(bus: NatsBus, subject: str, _stream: str) -> None:
        wire = bus.wire_subject(subject)
        pa, pb = split(a, "tracker-a:1", bus.part_limit), split(b, None, bus.part_limit)
        assert (len(pa), len(pb)) == (3, 4)
        order = [pa[0], pb[0], pb[1], pa[1], (None, b"small"), pb[2], pa[2], pb[3]]
        other = await NatsBus.connect(nats_url)
        try:
            for i, (headers, data) in enumerate(order):
                publisher = bus if i % 2 else other  # two connections, two publishers
                await publisher.js.publish(wire, data, headers=headers)
        finally:
            await other.nc.close()
        got: list[bytes] = []
        sub = await bus.subscribe(subject, lambda _s, p: _append(got, p), durable="alerts")
        await _until(lambda: len(got) == 3)
        await asyncio.sleep(0.3)
        await sub.unsubscribe()
        assert got == [b"small", a, b]  # each when its last part came
        assert bus.incomplete_dropped == 0

    asyncio.run(_with_bus(nats_url, body))


def test_a_checkpoint_never_falls_between_parts_and_a_resume_gets_exactly_the_rest(nats_url: str) -> None:
    """One message per fetch, so that a commit is offered after each: none may land on the small
    message published between the parts of the whole (a restart there would lose its first part);
    a restart from each checkpoint taken gets exactly what follows it, the whole once."""
    whole = os.urandom(2 * MB + 1)

    async def body(bus: NatsBus, subject: str, stream: str) -> None:
        wire = bus.wire_subject(subject)
        parts = split(whole, "scan:9", bus.part_limit)
        assert len(parts) == 3
        await bus.publish(subject, b"m1", msg_id="m1")  # seq 1
        await bus.js.publish(wire, parts[0][1], headers=parts[0][0])  # 2
        await bus.publish(subject, b"m2", msg_id="m2")  # 3: another publisher's, between the parts
        for headers, data in parts[1:]:
            await bus.js.publish(wire, data, headers=headers)  # 4, 5
        await bus.publish(subject, b"m3", msg_id="m3")  # 6
        bus.fetch_batch = 1
        got: list[bytes] = []
        commits: list[int] = []

        async def commit(seq: int, _force: bool) -> bool:
            commits.append(seq)
            return True

        sub = await bus.subscribe(
            subject, lambda _s, p: _append(got, p), durable="tracker", resume=Resume(0, commit)
        )
        await _until(lambda: b"m3" in got and 6 in commits)
        await sub.unsubscribe()
        assert got == [b"m1", b"m2", whole, b"m3"]
        assert set(commits) == {1, 5, 6}  # never 3 or 4: the whole begun at 2 was incomplete there
        expected = {1: [b"m2", whole, b"m3"], 5: [b"m3"]}
        for after, rest in expected.items():
            again: list[bytes] = []
            sub = await bus.subscribe(
                subject,
                lambda _s, p, into=again: _append(into, p),
                durable="tracker",
                resume=Resume(after, commit),
            )
            await _until(lambda into=again: b"m3" in into)
            await asyncio.sleep(0.3)
            await sub.unsubscribe()
            assert again == rest, after

    asyncio.run(_with_bus(nats_url, body))


def test_an_incomplete_whole_is_dropped_counted_and_the_next_message_still_arrives(nats_url: str) -> None:
    async def body(bus: NatsBus, subject: str, _stream: str) -> None:
        wire = bus.wire_subject(subject)
        killed = split(os.urandom(3 * MB), "scan:killed", bus.part_limit)
        for headers, data in killed[:2]:  # its publisher died before the last parts
            await bus.js.publish(wire, data, headers=headers)  # seq 1, 2
        await bus.publish(subject, b"next", msg_id="next")  # 3
        bus.part_gap_messages = 0  # dropped at the first message after its last part
        got: list[bytes] = []
        commits: list[int] = []

        async def commit(seq: int, _force: bool) -> bool:
            commits.append(seq)
            return True

        sub = await bus.subscribe(
            subject, lambda _s, p: _append(got, p), durable="tracker", resume=Resume(0, commit)
        )
        await _until(lambda: got == [b"next"] and 3 in commits)
        await sub.unsubscribe()
        assert bus.incomplete_dropped == 1
        # nothing follows a publisher killed mid-way: the time bound drops it, the checkpoint moves on
        for headers, data in split(os.urandom(3 * MB), "scan:killed-too", bus.part_limit)[:2]:
            await bus.js.publish(wire, data, headers=headers)  # seq 4, 5
        bus.part_gap_messages, bus.part_gap_s = 10_000, 0.5
        sub = await bus.subscribe(
            subject, lambda _s, p: _append(got, p), durable="tracker", resume=Resume(3, commit)
        )
        await _until(lambda: 5 in commits)
        await sub.unsubscribe()
        assert got == [b"next"] and bus.incomplete_dropped == 2

    asyncio.run(_with_bus(nats_url, body))
