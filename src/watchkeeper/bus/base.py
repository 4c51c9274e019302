"""The Bus protocol: two methods, as small as a transport can be."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

Handler = Callable[[str, bytes], Awaitable[None]]


class Subscription(Protocol):
    async def unsubscribe(self) -> None: ...


class Bus(Protocol):
    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        """Publish ``payload`` on ``subject``; returns once the bus has accepted it (on JetStream: stored).
        ``msg_id`` identifies the message for duplicate suppression (at-least-once publishers)."""
        ...

    async def subscribe(self, subject: str, handler: Handler, durable: str | None = None) -> Subscription:
        """Call ``handler(subject, payload)`` for each message matching ``subject`` (NATS wildcards
        ``*`` = one token, ``>`` = the rest). ``durable`` names a consumer that resumes after restart
        (meaningful on JetStream; the in-process bus has nothing to resume)."""
        ...

    async def close(self) -> None: ...


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: ``*`` matches one token, ``>`` one or more trailing tokens."""
    p = pattern.split(".")
    s = subject.split(".")
    for i, tok in enumerate(p):
        if tok == ">":
            return len(s) > i
        if i >= len(s):
            return False
        if tok != "*" and tok != s[i]:
            return False
    return len(p) == len(s)
