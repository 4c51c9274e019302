"""In-process bus: asyncio, ordered per subscriber, bounded queues (back-pressure, never drops)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from watchkeeper.bus.base import Handler, Resume, subject_matches

log = logging.getLogger(__name__)


class _Sub:
    def __init__(self, bus: InProcessBus, pattern: str, handler: Handler, maxsize: int) -> None:
        self.bus = bus
        self.pattern = pattern
        self.handler = handler
        self.queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=maxsize)
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            subject, payload = await self.queue.get()
            try:
                await self.handler(subject, payload)
            except Exception:  # a failing handler must not stop the others
                log.exception("bus handler for %s failed on %s", self.pattern, subject)
            finally:
                self.queue.task_done()

    async def wait(self) -> None:
        await asyncio.shield(self.task)

    async def unsubscribe(self) -> None:
        self.bus._subs.remove(self)
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


class InProcessBus:
    """Each subscriber gets its own ordered queue; ``publish`` waits when a queue is full."""

    durable = False  # nothing outlives the process: there is nothing to resume

    def __init__(self, maxsize: int = 10_000) -> None:
        self._subs: list[_Sub] = []
        self._maxsize = maxsize

    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        for sub in list(self._subs):
            if subject_matches(sub.pattern, subject):
                await sub.queue.put((subject, payload))

    async def subscribe(
        self, subject: str, handler: Handler, durable: str | None = None, resume: Resume | None = None
    ) -> _Sub:
        sub = _Sub(self, subject, handler, self._maxsize)
        self._subs.append(sub)
        return sub

    async def drain(self) -> None:
        """Wait until every message published so far has been handled (tests, orderly shutdown)."""
        for sub in list(self._subs):
            await sub.queue.join()

    async def close(self) -> None:
        for sub in list(self._subs):
            await sub.unsubscribe()
