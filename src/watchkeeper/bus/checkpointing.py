"""A stateful worker's checkpoints on a durable bus: restore at start, save as the bus commits.

``Checkpointer(engine, name, format)`` loads the worker's checkpoint (``store/checkpoints.py``); the
worker restores ``state`` when there is one, else calls ``ensure(snapshot)`` to save its fresh state,
and subscribes with ``resume(snapshot)`` — the ``bus.Resume``. ``commit(seq, force)`` saves the
worker's ``snapshot()`` with the stream sequence ``seq`` at most once a second (``SAVE_EVERY_S``) unless
forced; the bus acknowledges only what a saved checkpoint covers, so a crash in between means the
messages since the last save are delivered again to a worker restored from that save — the state is
exactly what it would have been, and what the worker wrote and published meanwhile is written and
published again idempotently (rows unique on their keys, ``msg_id`` on the bus).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine

from watchkeeper.bus.base import Handler, Resume
from watchkeeper.store.checkpoints import CheckpointStore

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

SAVE_EVERY_S = 1.0


class Checkpointer:
    def __init__(self, engine: Engine, name: str, format: str) -> None:
        self.store = CheckpointStore(engine)
        self.name = name
        self.format = format
        checkpoint = self.store.load(name)
        self.after_seq = 0 if checkpoint is None else checkpoint.seq
        self.state: Any | None = None
        if checkpoint is not None:
            self.state = checkpoint.restore(format)
            if self.state is None:
                log.warning(
                    "%s: checkpoint at stream seq %d is of format %r, not %r: starting fresh from there",
                    name,
                    checkpoint.seq,
                    checkpoint.format,
                    format,
                )
        self.saved_seq = self.after_seq
        self.saves = 0
        self._saved_at = time.monotonic()  # wall time, only to pace the saves

    def ensure(self, snapshot: Callable[[], Any]) -> None:
        """Without a usable checkpoint, save the fresh state at once: a worker that crashes before its
        first save must come back with *this* state (its first track id, its incident numbering), not
        one built afresh from a store it has written to meanwhile."""
        if self.state is None:
            self.store.save(self.name, self.after_seq, self.format, snapshot())
            self.saves += 1

    def resume(self, snapshot: Callable[[], Any]) -> Resume:
        async def commit(seq: int, force: bool) -> bool:
            if seq == self.saved_seq:
                return True
            if not force and time.monotonic() - self._saved_at < SAVE_EVERY_S:
                return False
            state = snapshot()
            await asyncio.to_thread(self.store.save, self.name, seq, self.format, state)
            self.saved_seq = seq
            self.saves += 1
            self._saved_at = time.monotonic()
            return True

        return Resume(self.after_seq, commit)


class StatefulService(Protocol):
    """A worker whose state a checkpoint keeps (the tracker's and the alerts' services)."""

    checkpoints: Checkpointer | None

    def snapshot(self) -> dict[str, Any]: ...

    def restore(self, state: dict[str, Any]) -> None: ...


async def run_checkpointed(
    runtime: Runtime,
    service: StatefulService,
    name: str,
    format: str,
    subject: str,
    handler: Handler,
    stream: str,
) -> None:
    """Subscribe ``handler`` to ``subject`` under the durable name ``name``; on a durable bus
    (``stream``: the JetStream stream the subject is in, for the log), restore the
    service from its checkpoint first (or save its fresh state) and resume the stream after it. Runs until
    cancelled; raises when a handler failed (the process restarts from the checkpoint)."""
    resume = None
    if runtime.bus.durable:
        checkpoints = Checkpointer(runtime.engine, name, format)
        if checkpoints.state is not None:
            service.restore(checkpoints.state)
            log.info("%s: restored at %s stream seq %d", name, stream, checkpoints.after_seq)
        else:
            await asyncio.to_thread(checkpoints.ensure, service.snapshot)
        service.checkpoints = checkpoints
        resume = checkpoints.resume(service.snapshot)
    sub = await runtime.bus.subscribe(subject, handler, durable=name, resume=resume)
    try:
        await sub.wait()
    finally:
        await sub.unsubscribe()
