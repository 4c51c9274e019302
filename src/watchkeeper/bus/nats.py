"""NATS JetStream bus (nats-py), selected by ``WATCHKEEPER_BUS_URL=nats://host:port``.

One JetStream stream per subject family, each with a stated retention (``STREAMS``, and
docs/design.md "Backbone"). Subscribers with a ``durable`` name get a durable pull consumer: a restarted
worker resumes after the last message it acknowledged. A message is acknowledged only after its handler
returns, so delivery is at-least-once; publishers pass a ``msg_id`` (e.g. ``<source>:<input-log seq>``)
and JetStream drops duplicates inside its duplicate window, and consumers are idempotent downstream
(rows unique on input-log sequence, workers' state checkpointed with the stream sequence it covers).

A durable subscription with a ``Resume`` (``bus/base.py``) is crash-only: messages up to
``after_seq`` are acknowledged unseen; after each fetched batch ``commit(last seq)`` runs before the
batch is acknowledged; a handler that fails ends the subscription (``wait()`` raises) instead of
skipping the message, because the worker's state may hold half of it — the process exits and its
supervisor restarts it from the last checkpoint. The consumer is made anew at ``after_seq + 1`` each
time such a worker starts, so that it sees its stream in order from its checkpoint (a consumer kept
across the restart would redeliver the unacknowledged messages only after their ack wait, behind newer
ones), whatever the server had recorded as acknowledged.

``namespace`` prefixes every subject (``<ns>.obs.ais``) and stream (``<NS>_OBS``), so several cells —
or test runs — can share one NATS server; handlers see the subjects without it.
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

from watchkeeper.bus.base import Handler, Resume

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
ACK_WAIT_S = 30.0
FETCH_BATCH = 256
STOP_WAIT_S = 10.0  # an orderly stop waits this long for the pull loop's last fetch and commit
MAX_ACK_PENDING = 20_000  # handled messages wait for a checkpoint (about a second) before their ack


class HandlerFailed(RuntimeError):
    """A resumable subscription's handler raised: the worker must restart from its checkpoint."""


class _Sub:
    def __init__(
        self,
        task: asyncio.Task[None],
        psub: JetStreamContext.PullSubscription | None,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.task = task
        self.psub = psub
        self.stopping = stopping

    async def wait(self) -> None:
        """Until the subscription ends; raises what ended it (``HandlerFailed``)."""
        await asyncio.shield(self.task)

    async def unsubscribe(self) -> None:
        if self.stopping is not None and not self.task.done():
            # a pull loop is asked to stop between fetches (it saves its checkpoint and acknowledges):
            # cancelling it inside nats-py's fetch can leave it waiting for good
            self.stopping.set()
            with contextlib.suppress(TimeoutError, HandlerFailed, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self.task), STOP_WAIT_S)
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, HandlerFailed):
            await self.task
        if self.psub is not None:
            with contextlib.suppress(Exception):
                await self.psub.unsubscribe()


class NatsBus:
    """JetStream-backed Bus. Create with ``await NatsBus.connect(url)``."""

    durable = True

    def __init__(self, nc: Client, js: JetStreamContext, namespace: str = "") -> None:
        self.nc = nc
        self.js = js
        self.namespace = namespace
        self._prefix = f"{namespace}." if namespace else ""
        self._subs: list[_Sub] = []

    def stream_name(self, spec: StreamSpec) -> str:
        return f"{self.namespace.upper()}_{spec.name}" if self.namespace else spec.name

    def wire_subject(self, subject: str) -> str:
        return self._prefix + subject

    def _local(self, subject: str) -> str:
        return subject[len(self._prefix) :] if self._prefix else subject

    @classmethod
    async def connect(
        cls, url: str, streams: tuple[StreamSpec, ...] = STREAMS, namespace: str = "", replicas: int = 1
    ) -> NatsBus:
        """Connect (``url``: one server, or a cluster's servers separated by commas) and make or update
        the streams, each with ``replicas`` copies (3 on a three-node cluster)."""
        servers = [u.strip() for u in url.split(",") if u.strip()]
        nc = await nats.connect(servers=servers, max_reconnect_attempts=-1, reconnect_time_wait=1)
        bus = cls(nc, nc.jetstream(), namespace)
        for spec in streams:
            config = api.StreamConfig(
                name=bus.stream_name(spec),
                subjects=[bus.wire_subject(s) for s in spec.subjects],
                retention=api.RetentionPolicy.LIMITS,
                storage=api.StorageType.FILE,
                max_age=spec.max_age_s,
                duplicate_window=DUPLICATE_WINDOW_S,
                description=spec.why,
                num_replicas=replicas,
            )
            try:
                await bus.js.stream_info(config.name)  # type: ignore[arg-type]
                await bus.js.update_stream(config)
            except NotFoundError:
                await bus.js.add_stream(config)
        return bus

    async def publish(self, subject: str, payload: bytes, msg_id: str | None = None) -> None:
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        await self.js.publish(self.wire_subject(subject), payload, headers=headers)

    async def subscribe(
        self, subject: str, handler: Handler, durable: str | None = None, resume: Resume | None = None
    ) -> _Sub:
        wire = self.wire_subject(subject)
        if durable is None:
            # Ephemeral push subscription starting at new messages (live views).
            async def on_msg(msg: Msg) -> None:
                try:
                    await handler(self._local(msg.subject), msg.data)
                finally:
                    await msg.ack()

            push = await self.js.subscribe(wire, cb=on_msg, deliver_policy=api.DeliverPolicy.NEW)

            async def idle() -> None:
                try:
                    await asyncio.Event().wait()
                finally:
                    with contextlib.suppress(Exception):
                        await push.unsubscribe()

            sub = _Sub(asyncio.create_task(idle()), None)
        else:
            stream = await self._ensure_consumer(wire, durable, resume)
            psub = await self.js.pull_subscribe_bind(durable=durable, stream=stream)
            stopping = asyncio.Event()
            sub = _Sub(asyncio.create_task(self._pull_loop(psub, handler, resume, stopping)), psub, stopping)
        self._subs.append(sub)
        return sub

    async def _ensure_consumer(self, wire: str, durable: str, resume: Resume | None) -> str:
        """The durable consumer named ``durable`` on the stream of ``wire``, positioned for ``resume``.

        Without ``resume`` an existing consumer is kept (the server resumes after its last ack). With
        one, the consumer is made anew at ``after_seq + 1`` every time the worker starts: the server
        would otherwise deliver the messages it had sent but not seen acknowledged only once their
        ack wait expires, *after* newer ones — and a stateful worker must see its stream in order.
        """
        stream = await self.js.find_stream_name_by_subject(wire)
        after = resume.after_seq if resume is not None else 0
        try:
            info = await self.js.consumer_info(stream, durable)
            if resume is None and info.config.filter_subject == wire:
                return stream
            await self.js.delete_consumer(stream, durable)
        except NotFoundError:
            pass
        config = api.ConsumerConfig(
            durable_name=durable,
            filter_subject=wire,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=ACK_WAIT_S,
            max_deliver=-1,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE if after else api.DeliverPolicy.ALL,
            opt_start_seq=after + 1 if after else None,
            max_ack_pending=MAX_ACK_PENDING,
        )
        await self.js.add_consumer(stream, config)
        return stream

    async def _pull_loop(
        self,
        psub: JetStreamContext.PullSubscription,
        handler: Handler,
        resume: Resume | None,
        stopping: asyncio.Event,
    ) -> None:
        handled = resume.after_seq if resume is not None else 0  # stream seq handled so far
        unacked: list[Msg] = []  # handled, waiting for a commit that covers them
        try:
            while not stopping.is_set():
                try:
                    msgs = await psub.fetch(batch=FETCH_BATCH, timeout=1.0)
                except (TimeoutError, nats.errors.TimeoutError):
                    await self._commit(unacked, handled, resume, force=True)  # idle: save now
                    continue
                for msg in msgs:
                    seq = msg.metadata.sequence.stream
                    if resume is not None and seq <= handled:
                        unacked.append(msg)  # covered by the checkpoint, or redelivered after ack_wait
                        continue
                    try:
                        await handler(self._local(msg.subject), msg.data)
                    except Exception as exc:
                        if resume is None:
                            log.exception("handler failed on %s; message will be redelivered", msg.subject)
                            await msg.nak(delay=1.0)
                            continue
                        await self._commit(unacked, handled, resume, force=True)
                        raise HandlerFailed(f"{msg.subject} (stream seq {seq}): {exc}") from exc
                    handled = max(handled, seq)
                    unacked.append(msg)
                await self._commit(unacked, handled, resume, force=False)
            await self._commit(unacked, handled, resume, force=True)  # an orderly stop saves its place
        except asyncio.CancelledError:
            await self._commit(unacked, handled, resume, force=True)
            raise

    @staticmethod
    async def _commit(unacked: list[Msg], handled: int, resume: Resume | None, force: bool) -> None:
        """Checkpoint (``resume.commit``), then acknowledge: the server never runs ahead of the
        checkpoint."""
        if not unacked:
            return
        if resume is not None and not await resume.commit(handled, force):
            return
        for msg in unacked:
            await msg.ack()
        unacked.clear()

    async def close(self) -> None:
        for sub in list(self._subs):
            await sub.unsubscribe()
        self._subs.clear()
        await self.nc.drain()
