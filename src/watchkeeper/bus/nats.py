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

A payload over the server's ``max_payload`` (less a margin for headers) is published as consecutive
parts and put back together before the handler sees it, on durable and live subscriptions alike
(``bus/parts.py``). The parts of a whole are acknowledged together with it, and its stream sequence
is its last part's; a resumable subscription takes no checkpoint while a whole it has begun is
incomplete, so a restart never starts between the parts of a message.

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
from watchkeeper.bus.parts import HEADER_MARGIN, Ready, Reassembler, split

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
# an incomplete whole is dropped after this many further messages or seconds without a part of it: well
# under MAX_ACK_PENDING (the acks it holds back), well over ACK_WAIT_S (a redelivered part comes then)
PART_GAP_MESSAGES = MAX_ACK_PENDING // 2
PART_GAP_S = 2 * ACK_WAIT_S


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
        self.fetch_batch = FETCH_BATCH
        self.part_gap_messages = PART_GAP_MESSAGES
        self.part_gap_s = PART_GAP_S
        self.parts_published = 0  # messages sent as parts of a larger one
        self.incomplete_dropped = 0  # wholes dropped incomplete, and parts with bad headers

    def _reassembler(self) -> Reassembler[Msg]:
        def dropped() -> None:
            self.incomplete_dropped += 1

        return Reassembler(self.part_gap_messages, self.part_gap_s, on_drop=dropped)

    @property
    def part_limit(self) -> int:
        """The largest payload sent as one message: the server's ``max_payload`` less room for headers."""
        return max(1, self.nc.max_payload - HEADER_MARGIN)

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
        """Publish; a payload over ``part_limit`` goes as consecutive parts (``bus/parts.py``), each
        stored before the next is sent."""
        wire = self.wire_subject(subject)
        messages = split(payload, msg_id, self.part_limit)
        for headers, data in messages:
            await self.js.publish(wire, data, headers=headers)
        if len(messages) > 1:
            self.parts_published += len(messages)

    async def subscribe(
        self, subject: str, handler: Handler, durable: str | None = None, resume: Resume | None = None
    ) -> _Sub:
        wire = self.wire_subject(subject)
        if durable is None:
            # Ephemeral push subscription starting at new messages (live views).
            parts = self._reassembler()

            async def on_msg(msg: Msg) -> None:
                try:
                    ready = parts.offer(msg.headers, msg.data, 0, msg)
                    parts.expire()
                    if ready is not None and ready.payload is not None:
                        await handler(self._local(msg.subject), ready.payload)
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
        parts = self._reassembler()

        def settle_dropped(dropped: list[Ready[Msg]]) -> None:
            nonlocal handled
            for ready in dropped:  # an incomplete whole, dropped (logged, counted): its parts are done
                handled = max(handled, ready.seq)
                unacked.extend(ready.tokens)

        async def commit(force: bool) -> None:
            await self._commit(unacked, handled, resume, force, parts.oldest_seq())

        try:
            while not stopping.is_set():
                try:
                    msgs = await psub.fetch(batch=self.fetch_batch, timeout=1.0)
                except (TimeoutError, nats.errors.TimeoutError):
                    settle_dropped(parts.expire())
                    await commit(force=True)  # idle: save now
                    continue
                for msg in msgs:
                    seq = msg.metadata.sequence.stream
                    if resume is not None and seq <= handled:
                        unacked.append(msg)  # covered by the checkpoint, or redelivered after ack_wait
                        continue
                    ready = parts.offer(msg.headers, msg.data, seq, msg)
                    settle_dropped(parts.expire())
                    if ready is None:
                        continue  # a part: held, unacknowledged, until its whole is complete
                    if ready.payload is None:
                        settle_dropped([ready])
                        continue
                    try:
                        await handler(self._local(msg.subject), ready.payload)
                    except Exception as exc:
                        if resume is None:
                            log.exception("handler failed on %s; message will be redelivered", msg.subject)
                            for part in ready.tokens:
                                await part.nak(delay=1.0)
                            continue
                        await commit(force=True)
                        raise HandlerFailed(f"{msg.subject} (stream seq {ready.seq}): {exc}") from exc
                    handled = max(handled, ready.seq)
                    unacked.extend(ready.tokens)
                await commit(force=False)
            await commit(force=True)  # an orderly stop saves its place
        except asyncio.CancelledError:
            await commit(force=True)
            raise

    @staticmethod
    async def _commit(
        unacked: list[Msg], handled: int, resume: Resume | None, force: bool, oldest_part: int | None
    ) -> None:
        """Checkpoint (``resume.commit``), then acknowledge: the server never runs ahead of the
        checkpoint. Not while a whole begun at or before ``handled`` lacks parts (``oldest_part``):
        a checkpoint there would restart the worker between its parts."""
        if not unacked:
            return
        if resume is not None:
            if oldest_part is not None and oldest_part <= handled:
                return
            if not await resume.commit(handled, force):
                return
        for msg in unacked:
            await msg.ack()
        unacked.clear()

    async def close(self) -> None:
        for sub in list(self._subs):
            await sub.unsubscribe()
        self._subs.clear()
        await self.nc.drain()
