"""The Bus protocol: two methods, as small as a transport can be, and what a durable consumer may ask.

A worker that holds state in memory (the tracker, the alerts worker) subscribes with ``durable`` and a
``Resume``: the bus skips every message up to ``Resume.after_seq`` (the stream sequence its restored
checkpoint covers) and calls ``Resume.commit(seq, force)`` once a fetched batch has been handled,
*before* it acknowledges: the worker saves its checkpoint there (or declines, returning False, to save
less often; the bus then holds the acknowledgements until a later commit saves; ``force`` at shutdown
and when the stream is idle). So what the server holds as acknowledged is always covered by a
checkpoint, and a restarted worker gets again exactly what its checkpoint lacks (``bus/nats.py``,
``bus/checkpointing.py``). On the in-process bus nothing outlives the process: ``durable`` is
False there and ``Resume`` is ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

Handler = Callable[[str, bytes], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Resume:
    """Where a durable consumer restarts, and the hook that checkpoints what it has handled."""

    after_seq: int
    commit: Callable[[int, bool], Awaitable[bool]]


class Subscription(Protocol):
    async def wait(self) -> None:
        """Until the subscription ends (it runs until unsubscribed; a resumable one ends when its
        handler fails, and this raises that failure)."""
        ...

    async def unsubscribe(self) -> None: ...


class Bus(Protocol):
    durable: bool
    """True when messages outlive the process (JetStream): checkpoints and resumption make sense."""

    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        """Publish ``payload`` on ``subject``; returns once the bus has accepted it (on JetStream: stored).
        ``msg_id`` identifies the message for duplicate suppression (at-least-once publishers)."""
        ...

    async def subscribe(
        self, subject: str, handler: Handler, durable: str | None = None, resume: Resume | None = None
    ) -> Subscription:
        """Call ``handler(subject, payload)`` for each message matching ``subject`` (NATS wildcards
        ``*`` = one token, ``>`` = the rest). ``durable`` names a consumer that resumes after restart
        (meaningful on JetStream; the in-process bus has nothing to resume); ``resume`` see above."""
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
