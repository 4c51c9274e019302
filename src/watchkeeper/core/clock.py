"""Clocks. The core never calls ``datetime.now()``: it is handed a Clock.

* ``EventClock`` follows the event time of the data it is fed (replay and live give the same picture).
* ``FixedClock`` is for tests.
* ``SystemClock`` is used only at the edges (receive time stamping of live input).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock UTC time. Only for stamping the receive time of live input at the edge."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that shows what it is told to (tests)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at


class EventClock:
    """Event time: the latest event time seen so far (monotonic; late data never moves it back)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._at = start

    def observe(self, event_time: datetime) -> None:
        if self._at is None or event_time > self._at:
            self._at = event_time

    def now(self) -> datetime:
        if self._at is None:
            raise LookupError("EventClock has seen no event yet")
        return self._at

    @property
    def started(self) -> bool:
        return self._at is not None


def utc(ts: float) -> datetime:
    """A UTC datetime from POSIX seconds."""
    return datetime.fromtimestamp(ts, UTC)
