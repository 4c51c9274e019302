"""NATS JetStream bus (nats-py), selected by ``WATCHKEEPER_BUS_URL=nats://host:port``.

One JetStream stream per subject family, each with a stated retention (``STREAMS``). Subscribers with a
``durable`` name get a durable pull consumer: a restarted worker resumes after the last message it
acknowledged. A message is acknowledged only after its handler returns, so delivery is at-least-once;
publishers pass a ``msg_id`` (e.g. ``<source>:<input-log seq>``) and JetStream drops duplicates inside its
duplicate window, and consumers are idempotent downstream (rows unique on input-log sequence).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from watchkeeper.bus.base import Handler

log = logging.getLogger(__name__)

DAY = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    max_age_s: float
    why: str


STREAMS: tuple[StreamSpec, ...] = (
    StreamSpec("OBS", ("obs.>",), 7 * DAY, "raw observations: a week, enough to rebuild the picture"),
    StreamSpec("TRACKS", ("track.>",), 2 * DAY, "track updates: the store keeps the history"),
    StreamSpec("PICTURE", ("picture.>",), 1 * DAY, "picture changes for live clients"),
    StreamSpec("ALERTS", ("alert.>",), 90 * DAY, "alerts: a quarter, the store keeps them for good"),
    StreamSpec("INCIDENTS", ("incident.>",), 90 * DAY, "incident events"),
    StreamSpec("TASKING", ("tasking.>",), 90 * DAY, "asset tasking events"),
)
DUPLICATE_WINDOW_S = 120.0


class _Sub:
    def __init__(self, task: asyncio.Task[None], psub: JetStreamContext.PullSubscription | None) -> None:
        self.task = task
        self.psub = psub

    async def unsubscribe(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        if self.psub is not None:
            with contextlib.suppress(Exception):
                await self.psub.unsubscribe()


class NatsBus:
    """JetStream-backed Bus. Create with ``await NatsBus.connect(url)``."""

    def __init__(self, nc: Client, js: JetStreamContext) -> None:
        self.nc = nc
        self.js = js
        self._subs: list[_Sub] = []

    @classmethod
    async def connect(cls, url: str, streams: tuple[StreamSpec, ...] = STREAMS) -> NatsBus:
        nc = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=1)
        js = nc.jetstream()
        for spec in streams:
            config = api.StreamConfig(
                name=spec.name,
                subjects=list(spec.subjects),
                retention=api.RetentionPolicy.LIMITS,
                storage=api.StorageType.FILE,
                max_age=spec.max_age_s,
                duplicate_window=DUPLICATE_WINDOW_S,
                description=spec.why,
            )
            try:
                await js.stream_info(spec.name)
                await js.update_stream(config)
            except NotFoundError:
                await js.add_stream(config)
        return cls(nc, js)

    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        await self.js.publish(subject, payload, headers=headers)

    async def subscribe(self, subject: str, handler: Handler, durable: str | None = None) -> _Sub:
        if durable is None:
            # Ephemeral push subscription starting at new messages (live views).
            async def on_msg(msg: Msg) -> None:
                try:
                    await handler(msg.subject, msg.data)
                finally:
                    await msg.ack()

            push = await self.js.subscribe(subject, cb=on_msg, deliver_policy=api.DeliverPolicy.NEW)

            async def idle() -> None:
                try:
                    await asyncio.Event().wait()
                finally:
                    with contextlib.suppress(Exception):
                        await push.unsubscribe()

            sub = _Sub(asyncio.create_task(idle()), None)
        else:
            psub = await self.js.pull_subscribe(
                subject,
                durable=durable,
                config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT, ack_wait=30.0, max_deliver=-1),
            )
            sub = _Sub(asyncio.create_task(self._pull_loop(psub, handler)), psub)
        self._subs.append(sub)
        return sub

    @staticmethod
    async def _pull_loop(psub: JetStreamContext.PullSubscription, handler: Handler) -> None:
        while True:
            try:
                msgs = await psub.fetch(batch=256, timeout=1.0)
            except TimeoutError:
                continue
            except nats.errors.TimeoutError:
                continue
            for msg in msgs:
                try:
                    await handler(msg.subject, msg.data)
                except Exception:
                    log.exception("handler failed on %s; message will be redelivered", msg.subject)
                    await msg.nak(delay=1.0)
                    continue
                await msg.ack_sync()

    async def close(self) -> None:
        for sub in list(self._subs):
            await sub.unsubscribe()
        self._subs.clear()
        await self.nc.drain()
