"""AIS ingest end to end: input log (durable) → decoder → rejects ledger → picture → store → bus.

Two stages, so that the distributed deployment can split them across processes:

* ``AisIntake`` — the durable edge. Appends every raw line to the input log and fsyncs it *before*
  decoding (input is acknowledged only after this), decodes with one ``AisDecoder`` per source (multi-part
  state belongs to a source), and writes every rejected line to the rejects ledger.
* ``PictureWriter`` — folds reports into the live picture and writes the position history and the
  vessels' latest state in one transaction (positions are unique on ``log_seq``: re-applying a batch
  after a crash is idempotent).

``ingest_files`` drives both for ``watchkeeper ingest ais``; ``AisIngestor`` drives them inside the
server (blocking I/O in a worker thread, the picture on the event loop) and publishes ``obs.ais`` and
``picture.update``, keeping a publish watermark so that what was logged but not published before a
crash is published at the next start (``ingest/republish.py``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine

from watchkeeper.bus import Bus
from watchkeeper.core.clock import Clock
from watchkeeper.core.errors import RejectReason
from watchkeeper.core.settings import Settings
from watchkeeper.core.types import AisReport, Reject, VesselState
from watchkeeper.core.wire import encode_ais
from watchkeeper.ingest.ais.decoder import AisDecoder, FeedResult
from watchkeeper.ingest.ais.sentence import MAX_LINE_BYTES
from watchkeeper.ingest.ais.store_process import StoreProcess
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.republish import Watermark, already_ledgered, new_rejects, unpublished_batches
from watchkeeper.picture.live import PICTURE_SUBJECT, LivePicture, vessel_to_dict
from watchkeeper.picture.store import PictureStore

log = logging.getLogger(__name__)

OBS_AIS_SUBJECT = "obs.ais"
_VESSEL_VALUES = operator.attrgetter(*(f.name for f in dataclasses.fields(VesselState)))
AIS_WATERMARK = "ingest:ais"  # its row in worker_checkpoints
CHUNK_LINES = 5000  # lines per batch when reading files: bounded memory whatever the file size

Lines = Sequence[tuple[int, bytes]]


@dataclass(slots=True)
class IngestCounts:
    """``lines = accepted + rejected`` once every source is finished."""

    lines: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def add(self, result: FeedResult, lines: int = 0) -> None:
        self.lines += lines
        self.accepted += result.accepted
        self.rejected.update(r.reason.value for r in result.rejects)

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "accepted": self.accepted,
            "rejected": dict(sorted(self.rejected.items())),
        }


class AisIntake:
    """Durable intake of AIS lines: log and fsync, decode, ledger. Not thread-safe: one caller at a time."""

    def __init__(self, log: InputLog, ledger: RejectsLedger) -> None:
        self.log = log
        self.ledger = ledger
        self._decoders: dict[str, AisDecoder] = {}

    def _decoder(self, source: str, simulated: bool) -> AisDecoder:
        decoder = self._decoders.get(source)
        if decoder is None:
            decoder = self._decoders[source] = AisDecoder(source, simulated=simulated)
        return decoder

    def ingest(
        self, source: str, lines: Lines, receive_time: datetime, simulated: bool = False
    ) -> FeedResult:
        """Log ``lines`` durably, then decode them; rejects are in the ledger when this returns."""
        result = self.log_and_decode(source, lines, receive_time, simulated)
        self._keep(result)
        return result

    def log_and_decode(
        self, source: str, lines: Lines, receive_time: datetime, simulated: bool = False
    ) -> FeedResult:
        """``ingest`` without the ledger write: the caller writes ``ledger_rows(result)`` (``ingest_files``
        does it in its store process, so that the two never wait for each other's SQLite write lock)."""
        if not lines:
            return FeedResult()
        first_seq = self.log.append_many(source, receive_time, list(lines))
        self.log.sync()  # durable: from here on the lines are acknowledged
        return self._decoder(source, simulated).feed_many(list(lines), receive_time, first_seq)

    def ledger_rows(self, result: FeedResult) -> list[dict[str, object]]:
        """The ledger rows of the rejects of ``result``, counted here, for the caller to write
        (``RejectsLedger.write_rows``)."""
        for reject in result.rejects:
            self.ledger.add(reject)
        return self.ledger.take_rows()

    def redecode(
        self, source: str, lines: Lines, receive_time: datetime, first_seq: int, seen: set[tuple[str, int]]
    ) -> FeedResult:
        """Decode lines already in the log (published again after a crash); rejects already in the
        ledger (``seen``) are not written twice."""
        result = self._decoder(source, False).feed_many(list(lines), receive_time, first_seq)
        for reject in new_rejects(result.rejects, seen):
            self.ledger.add(reject)
        self.ledger.flush()
        return result

    def reject_unit(
        self, source: str, reason: RejectReason, detail: str, receive_time: datetime
    ) -> FeedResult:
        """Reject an input unit that has no lines of its own (an empty file), logged like any other."""
        seq = self.log.append(source, 0, b"", receive_time)
        self.log.sync()
        result = FeedResult(rejects=[Reject(source, 0, reason, detail, b"", receive_time, seq)])
        self._keep(result)
        return result

    def finish(self, source: str) -> FeedResult:
        """The source ended: multi-part messages still waiting for fragments are rejected."""
        decoder = self._decoders.pop(source, None)
        if decoder is None:
            return FeedResult()
        result = decoder.finish()
        self._keep(result)
        return result

    def _keep(self, result: FeedResult) -> None:
        for reject in result.rejects:
            self.ledger.add(reject)
        self.ledger.flush()

    def close(self) -> None:
        self.log.close()


class PictureWriter:
    """Folds reports into the live picture; persists positions and vessel state together."""

    def __init__(self, picture: LivePicture, store: PictureStore) -> None:
        self.picture = picture
        self.store = store

    def apply(self, reports: Sequence[AisReport]) -> list[VesselState]:
        """Fold ``reports`` into the picture; returns copies of the changed vessels' states."""
        changed = self.picture.apply_many(reports)
        vessels = self.picture.vessels
        return [VesselState(*_VESSEL_VALUES(vessels[m])) for m in sorted(changed)]  # as dataclasses.replace

    def persist(self, reports: Sequence[AisReport], states: Sequence[VesselState]) -> None:
        self.store.write(reports, states)


def read_lines(fh: BinaryIO, chunk: int = CHUNK_LINES) -> Iterator[list[tuple[int, bytes]]]:
    """Yield batches of (line_no, raw) from a binary file.

    A line longer than ``MAX_LINE_BYTES`` keeps its first ``MAX_LINE_BYTES + 1`` bytes (enough for the
    decoder to reject it as ``too_large``); the rest up to its end of line is skipped, so binary garbage
    without line ends cannot exhaust memory.
    """
    batch: list[tuple[int, bytes]] = []
    line_no = 0
    limit = MAX_LINE_BYTES + 1
    while True:
        raw = fh.readline(limit)
        if not raw:
            break
        line_no += 1
        if len(raw) == limit and not raw.endswith(b"\n"):
            while True:
                rest = fh.readline(1 << 16)
                if not rest or rest.endswith(b"\n"):
                    break
        batch.append((line_no, raw))
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_files(
    paths: Iterable[Path],
    intake: AisIntake,
    writer: PictureWriter,
    clock: Clock,
    on_progress: Callable[[int], None] | None = None,
) -> IngestCounts:
    """Ingest NMEA files (``watchkeeper ingest ais``). The receive time of each batch comes from
    ``clock`` (this is an edge: a file's lines have no receive time of their own). ``on_progress`` gets
    the bytes read so far, over all files."""
    counts = IngestCounts()
    done = 0
    # The store writes of one batch (rejects ledger, positions, vessel states) run in a child process and
    # overlap the decoding of the next batch (one batch in flight): the input log is already durable,
    # positions are idempotent on log_seq, and everything is written when this returns.
    with StoreProcess(writer.store.engine) as store:
        for path in paths:
            source = f"file:{path}"
            n_lines = 0
            with path.open("rb") as fh:
                for lines in read_lines(fh):
                    result = intake.log_and_decode(source, lines, clock.now())
                    changed = writer.picture.apply_many(result.reports)  # ``writer.apply`` without copies:
                    vessels = writer.picture.vessels  # the rows are taken now, before the picture moves on
                    states = [vessels[m] for m in sorted(changed)]
                    store.submit(intake.ledger_rows(result), *writer.store.rows(result.reports, states))
                    counts.add(result, len(lines))
                    n_lines += len(lines)
                    if on_progress is not None:
                        on_progress(done + fh.tell())
                done += fh.tell()
            store.wait()  # the ledger is written by one process at a time
            if n_lines == 0:
                counts.add(intake.reject_unit(source, RejectReason.EMPTY, "empty file", clock.now()), 1)
            counts.add(intake.finish(source))
    return counts


def picture_message(states: Sequence[VesselState], clock: datetime | None) -> bytes:
    """The ``picture.update`` message for changed vessels (the page's ``vessels`` kind)."""
    body = {
        "kind": "vessels",
        "clock": None if clock is None else clock.isoformat().replace("+00:00", "Z"),
        "simulated": any(s.simulated for s in states),
        "vessels": [vessel_to_dict(s) for s in states],
    }
    return json.dumps(body, separators=(",", ":")).encode()


PUBLISH_ATTEMPTS = 6  # 0.5 + 1 + 2 + 4 + 8 s of back-off: a bus stalled for about 15 s is ridden out


async def publish_retrying(bus: Bus, subject: str, payload: bytes, msg_id: str | None = None) -> None:
    """Publish, trying again when the bus does not acknowledge in time.

    A JetStream acknowledgement can time out when the server or this process is overloaded (seen in
    ``bench/load.py``: all roles in one process at 5,000 AIS lines/s). The lines are already durable in
    the input log, so giving up here would only leave them unpublished until the next start; with a
    ``msg_id`` a retry of a publish that did land is dropped by JetStream's duplicate window, and the
    picture's consumers are idempotent. After the last attempt the error propagates as before.
    """
    delay = 0.5
    for attempt in range(PUBLISH_ATTEMPTS):
        try:
            await bus.publish(subject, payload, msg_id=msg_id)
            return
        except TimeoutError:
            if attempt == PUBLISH_ATTEMPTS - 1:
                raise
            log.warning("publish %s: no acknowledgement in time; retrying in %.1f s", subject, delay)
            await asyncio.sleep(delay)
            delay *= 2


class AisIngestor:
    """AIS ingest inside the server: blocking I/O in a worker thread, the picture on the event loop.

    Batches are processed one at a time (the lock), so the input log's order is the processing order.
    """

    def __init__(self, *, engine: Engine, bus: Bus, picture: LivePicture, settings: Settings) -> None:
        self.intake = AisIntake(InputLog(settings.input_log_dir), RejectsLedger(engine))
        self.writer = PictureWriter(picture, PictureStore(engine))
        self.bus = bus
        self.engine = engine
        self.counts = IngestCounts()
        self._line_no: Counter[str] = Counter()
        self._lock = asyncio.Lock()
        self.watermark = Watermark(engine, AIS_WATERMARK, self.intake.log.next_seq - 1)

    async def republish_unpublished(self) -> int:
        """Publish what the input log holds beyond the watermark (a crash came between the append and
        the publish); returns the number of lines published again. Called at start, before any input."""
        async with self._lock:
            after = self.watermark.published
            batches = list(unpublished_batches(self.intake.log.directory, after))
            if not batches:
                return 0
            seen = already_ledgered(self.engine, {b.source for b in batches}, after)
            n = 0
            for batch in batches:
                recv = batch.records[0].receive_time
                result = await asyncio.to_thread(
                    self.intake.redecode, batch.source, batch.lines, recv, batch.first_seq, seen
                )
                await self._publish(result.reports, batch.first_seq, batch.last_seq)
                self.watermark.advance(batch.last_seq)
                n += len(batch.records)
            for source in {b.source for b in batches}:
                await asyncio.to_thread(self.intake.finish, source)  # those connections died with it
            self.watermark.flush()
            return n

    async def ingest(
        self, source: str, raw_lines: Sequence[bytes], receive_time: datetime, simulated: bool = False
    ) -> FeedResult:
        """Ingest raw lines of ``source`` received at ``receive_time``; returns once they are durable,
        decoded, in the picture and the store, and published."""
        async with self._lock:
            first = self._line_no[source] + 1
            self._line_no[source] += len(raw_lines)
            lines = list(enumerate(raw_lines, start=first))
            first_seq = self.intake.log.next_seq
            result = await asyncio.to_thread(self.intake.ingest, source, lines, receive_time, simulated)
            self.counts.add(result, len(lines))
            last_seq = first_seq + len(lines) - 1
            await self._publish(result.reports, first_seq, last_seq)
            if lines:
                await asyncio.to_thread(self.watermark.advance, last_seq)
            return result

    async def finish(self, source: str) -> FeedResult:
        async with self._lock:
            result = await asyncio.to_thread(self.intake.finish, source)
            self.counts.add(result)
            return result

    async def _publish(self, reports: Sequence[AisReport], first_seq: int, last_seq: int) -> None:
        """Store and publish one batch's reports; ``msg_id = ais:<first>-<last>`` (the batch's lines)."""
        if not reports:
            return
        states = self.writer.apply(reports)
        await asyncio.to_thread(self.writer.persist, reports, states)
        msg_id = f"ais:{first_seq}-{last_seq}"
        await publish_retrying(self.bus, OBS_AIS_SUBJECT, encode_ais(reports), msg_id=msg_id)
        if states:
            clock = max(v.last_seen for v in self.writer.picture.vessels.values())
            await publish_retrying(self.bus, PICTURE_SUBJECT, picture_message(states, clock))

    async def close(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self.watermark.flush)
            await asyncio.to_thread(self.intake.close)
