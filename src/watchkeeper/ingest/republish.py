"""The ingest role's publish watermark: what the input log holds beyond it is published again at start.

The ingest appends and fsyncs every input before anything else (it is acknowledged from then on), then
decodes, ledgers, stores and publishes it. A crash between the append and the publish leaves inputs that
are logged but not on the bus. The ingestor keeps, in ``worker_checkpoints``, the last input-log sequence
it published (``Watermark``), saved at most once a second and at close — a lagging watermark only means
more is published again, which is harmless: each batch carries ``msg_id = <log>:<first seq>-<last seq>``
(JetStream drops a duplicate inside its two-minute window) and consumers drop inputs whose ``log_seq``
they have already seen (``tracking.worker``), while positions are unique on ``log_seq``.

``unpublished_batches`` regroups the records beyond the watermark into the batches the ingestor appended
(consecutive records of one source with one receive time: one ``append_many``), so a batch published
again carries the ``msg_id`` it had. Two batches of one source stamped with the same microsecond are
regrouped as one: its id (``first-last`` of both) is then new, so nothing is dropped that was not
published — the part that was is a duplicate the consumers drop by ``log_seq``. Limitation: a
multi-part AIS message whose first fragments were
published before the crash and whose last one was not is rejected as incomplete when published again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from watchkeeper.core.types import RawInput, Reject
from watchkeeper.ingest.inputlog import read_log
from watchkeeper.store.checkpoints import CheckpointStore
from watchkeeper.store.models import RejectRow

WATERMARK_FORMAT = "publish-watermark/1"
SAVE_EVERY_S = 1.0


@dataclass(slots=True)
class Batch:
    source: str
    records: list[RawInput]

    @property
    def first_seq(self) -> int:
        seq = self.records[0].log_seq
        assert seq is not None  # records read from the log carry their sequence
        return seq

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.records) - 1

    @property
    def lines(self) -> list[tuple[int, bytes]]:
        return [(r.line_no, r.raw) for r in self.records]


class Watermark:
    """The last input-log sequence published for the log named ``name`` (``ingest:ais``…)."""

    def __init__(self, engine: Engine, name: str, logged_up_to: int) -> None:
        self.store = CheckpointStore(engine)
        self.name = name
        checkpoint = self.store.load(name)
        if checkpoint is None:
            # first start with a watermark: what was logged before was published by the old code path
            self.store.save(name, logged_up_to, WATERMARK_FORMAT)
            self.published = logged_up_to
        else:
            self.published = checkpoint.seq
        self._saved = self.published
        self._saved_at = time.monotonic()  # wall time of the edge, only to pace the saves

    def advance(self, seq: int, force: bool = False) -> None:
        """Published through ``seq``; saved when a second has passed since the last save."""
        self.published = max(self.published, seq)
        if self.published != self._saved and (force or time.monotonic() - self._saved_at >= SAVE_EVERY_S):
            self.store.save(self.name, self.published, WATERMARK_FORMAT)
            self._saved = self.published
            self._saved_at = time.monotonic()

    def flush(self) -> None:
        self.advance(self.published, force=True)


def unpublished_batches(log_dir: Path, after_seq: int) -> Iterator[Batch]:
    """The records after ``after_seq``, regrouped into the batches they were appended in."""
    batch: Batch | None = None
    for rec in read_log(log_dir, after_seq + 1):
        if batch is not None and (
            rec.source != batch.source or rec.receive_time != batch.records[-1].receive_time
        ):
            yield batch
            batch = None
        if batch is None:
            batch = Batch(rec.source, [])
        batch.records.append(rec)
    if batch is not None:
        yield batch


def already_ledgered(engine: Engine, sources: set[str], after_seq: int) -> set[tuple[str, int]]:
    """(source, log_seq) of the rejects already in the ledger beyond ``after_seq`` (kept once)."""
    if not sources:
        return set()
    stmt = select(RejectRow.source, RejectRow.log_seq).where(
        RejectRow.log_seq > after_seq, RejectRow.source.in_(sorted(sources))
    )
    with engine.connect() as conn:
        return {(s, int(q)) for s, q in conn.execute(stmt) if q is not None}


def new_rejects(rejects: list[Reject], seen: set[tuple[str, int]]) -> list[Reject]:
    return [r for r in rejects if r.log_seq is None or (r.source, r.log_seq) not in seen]
