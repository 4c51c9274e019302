"""The rejects ledger: rejected inputs kept with source, line number, reason and raw bytes, and counted."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, Engine, func, insert, select

from watchkeeper.core.types import Reject
from watchkeeper.store.models import RejectRow


class RejectsLedger:
    """Buffers rejects and writes them in batches; ``flush()`` makes them durable."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[dict[str, object]] = []
        self.counts: Counter[tuple[str, str]] = Counter()  # (source, reason) -> n, this process

    def add(self, reject: Reject) -> None:
        self._pending.append(
            {
                "source": reject.source,
                "line_no": reject.line_no,
                "reason": reject.reason.value,
                "detail": reject.detail[:2000],
                "raw": reject.raw,
                "receive_time": reject.receive_time,
                "log_seq": reject.log_seq,
            }
        )
        self.counts[(reject.source, reject.reason.value)] += 1

    def flush(self) -> None:
        if not self._pending:
            return
        with self.engine.begin() as conn:
            self.write_rows(conn, self._pending)
        self._pending.clear()

    def take_rows(self) -> list[dict[str, object]]:
        """The rows ``flush`` would write, handed over instead (the caller writes them with ``write_rows``,
        possibly in another process); the counts are kept here."""
        rows, self._pending = self._pending, []
        return rows

    @staticmethod
    def write_rows(conn: Connection, rows: list[dict[str, object]]) -> None:
        if rows:
            conn.execute(insert(RejectRow), rows)

    def stored_counts(self, source: str | None = None) -> dict[tuple[str, str], int]:
        """Counts per (source, reason) of everything in the ledger."""
        stmt = select(RejectRow.source, RejectRow.reason, func.count()).group_by(
            RejectRow.source, RejectRow.reason
        )
        if source is not None:
            stmt = stmt.where(RejectRow.source == source)
        with self.engine.connect() as conn:
            return {(s, r): int(n) for s, r, n in conn.execute(stmt)}
