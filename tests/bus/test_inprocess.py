import asyncio

import pytest

from watchkeeper.bus import InProcessBus, subject_matches


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("obs.ais", "obs.ais", True),
        ("obs.*", "obs.ais", True),
        ("obs.*", "obs.radar.langdon", False),
        ("obs.>", "obs.radar.langdon", True),
        ("obs.>", "obs", False),
        ("alert.*", "incident.opened", False),
    ],
)
def test_subject_matching_follows_nats_rules(pattern: str, subject: str, expected: bool) -> None:
    assert subject_matches(pattern, subject) is expected


def test_each_subscriber_receives_matching_messages_in_order() -> None:
    async def run() -> tuple[list[bytes], list[str]]:
        bus = InProcessBus(maxsize=2)  # small queues: publish must wait, never drop
        got: list[bytes] = []
        subjects: list[str] = []

        async def on_ais(subject: str, payload: bytes) -> None:
            got.append(payload)

        async def on_all(subject: str, payload: bytes) -> None:
            subjects.append(subject)

        await bus.subscribe("obs.ais", on_ais)
        await bus.subscribe(">", on_all)
        for i in range(20):
            await bus.publish("obs.ais", str(i).encode())
        await bus.publish("track.update", b"t")
        await bus.drain()
        await bus.close()
        return got, subjects

    got, subjects = asyncio.run(run())
    assert got == [str(i).encode() for i in range(20)]
    assert subjects == ["obs.ais"] * 20 + ["track.update"]


def test_a_failing_handler_does_not_stop_delivery() -> None:
    async def run() -> list[bytes]:
        bus = InProcessBus()
        got: list[bytes] = []

        async def flaky(subject: str, payload: bytes) -> None:
            if payload == b"bad":
                raise RuntimeError("boom")
            got.append(payload)

        await bus.subscribe("x", flaky)
        for p in (b"a", b"bad", b"b"):
            await bus.publish("x", p)
        await bus.drain()
        await bus.close()
        return got

    assert asyncio.run(run()) == [b"a", b"b"]
