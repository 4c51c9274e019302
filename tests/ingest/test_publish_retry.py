"""The ingest rides out a bus that is slow to acknowledge (seen under load, ``bench/load.py``)."""

from __future__ import annotations

import asyncio

import pytest

from watchkeeper.ingest import pipeline
from watchkeeper.ingest.pipeline import PUBLISH_ATTEMPTS, publish_retrying


class SlowBus:
    """Times out ``failures`` times, then accepts; records every attempt."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts: list[tuple[str, bytes, str | None]] = []

    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        self.attempts.append((subject, payload, msg_id))
        if len(self.attempts) <= self.failures:
            raise TimeoutError("nats: timeout")


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(pipeline.asyncio, "sleep", sleep)
    return waits


def test_timeouts_are_retried_with_the_same_message_id(no_waiting: list[float]) -> None:
    bus = SlowBus(failures=2)
    asyncio.run(publish_retrying(bus, "obs.ais", b"{}", msg_id="ais:7"))  # type: ignore[arg-type]
    assert bus.attempts == [("obs.ais", b"{}", "ais:7")] * 3
    assert no_waiting == [0.5, 1.0]


def test_the_last_timeout_propagates() -> None:
    bus = SlowBus(failures=PUBLISH_ATTEMPTS)
    with pytest.raises(TimeoutError):
        asyncio.run(publish_retrying(bus, "obs.ais", b"{}", msg_id="ais:7"))  # type: ignore[arg-type]
    assert len(bus.attempts) == PUBLISH_ATTEMPTS


def test_other_errors_are_not_retried() -> None:
    class Broken(SlowBus):
        async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
            self.attempts.append((subject, payload, msg_id))
            raise ValueError("not a timeout")

    bus = Broken(failures=0)
    with pytest.raises(ValueError):
        asyncio.run(publish_retrying(bus, "obs.ais", b"{}"))  # type: ignore[arg-type]
    assert len(bus.attempts) == 1
