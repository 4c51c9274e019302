"""Persisting the picture: append-only position history and the latest state per vessel."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.orm import Session

from watchkeeper.core.types import AisReport, TimeSource, VesselState
from watchkeeper.picture.live import VESSEL_FIELDS
from watchkeeper.store.models import Position, Vessel

_vessel_values = operator.attrgetter(*VESSEL_FIELDS)
_LAST_SEEN = VESSEL_FIELDS.index("last_seen")
_TIME_SOURCE_TEXT = {t: t.value for t in TimeSource}


_POSITION_COLUMNS = (
    "mmsi", "time", "time_source", "msg_type", "lat", "lon", "sog_kn", "cog_deg", "heading_deg",
    "nav_status", "source", "log_seq", "simulated",
)  # fmt: skip


def _naive_utc(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


def _sqlite_time(t: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME text form of a UTC time (always six fraction digits)."""
    u = t.astimezone(UTC)
    day = f"{u.year:04d}-{u.month:02d}-{u.day:02d}"
    return f"{day} {u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"


def _table(name: str) -> Table:
    return Position.metadata.tables[name]


def _unnest_insert(table: Table, columns: Sequence[str], engine: Engine) -> str:
    """``INSERT INTO t (cols) SELECT * FROM unnest(%s::type[], …)``: a whole batch as one statement of
    one array per column (PostgreSQL). The column types come from the table, so the arrays cast to
    exactly what the columns hold."""
    types = [table.c[c].type.compile(dialect=engine.dialect) for c in columns]
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    return f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"


class PictureStore:
    """Writes position history (idempotent on input-log sequence) and upserts vessel state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect = engine.dialect.name
        updates = ", ".join(f"{c} = excluded.{c}" for c in VESSEL_FIELDS if c != "mmsi")
        position_conflict = " ON CONFLICT (log_seq) DO NOTHING"
        vessel_conflict = f" ON CONFLICT (mmsi) DO UPDATE SET {updates}"
        # PostgreSQL: one statement per batch (arrays through unnest) rather than a row at a time; the
        # server's per-statement cost dominated the load test's ingest (bench/load.py, docs/benchmarks.md)
        self._columnar = self._dialect == "postgresql"
        if self._columnar:
            self._position_sql = (
                _unnest_insert(_table("positions"), _POSITION_COLUMNS, engine) + position_conflict
            )
            self._vessel_sql = _unnest_insert(_table("vessels"), VESSEL_FIELDS, engine) + vessel_conflict
            return
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._position_sql = (
            f"INSERT INTO positions ({', '.join(_POSITION_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(_POSITION_COLUMNS))}){position_conflict}"
        )
        self._vessel_sql = (
            f"INSERT INTO vessels ({', '.join(VESSEL_FIELDS)}) "
            f"VALUES ({', '.join([mark] * len(VESSEL_FIELDS))}){vessel_conflict}"
        )

    def write(self, reports: Iterable[AisReport], vessels: Sequence[VesselState]) -> None:
        """One transaction: the positions among ``reports`` and the latest state of ``vessels``.

        Positions and vessel states go through the driver's own ``executemany`` with prepared statements
        (the hot path of ingest: SQLAlchemy's per-row parameter processing cost more than the decoding).
        Times are written exactly as SQLAlchemy writes ``UtcDateTime`` (naive UTC; on SQLite the text
        form of its DATETIME type), so SQLAlchemy reads them back, and range queries compare them, as its
        own rows; ``tests/picture`` checks it on both databases.
        """
        position_rows, vessel_rows = self.rows(reports, vessels)
        with self.engine.begin() as conn:
            self.write_rows(conn, position_rows, vessel_rows)

    def rows(
        self, reports: Iterable[AisReport], vessels: Sequence[VesselState]
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        """The driver rows ``write`` inserts: positions, vessel states (plain tuples: they pickle, so
        another process can write them — ``ingest/ais/store_process.py``)."""
        convert = _sqlite_time if self._dialect == "sqlite" else _naive_utc
        times: dict[
            datetime, object
        ] = {}  # a batch shares its receive time; tag-block times repeat per second

        def to_db(t: datetime) -> object:
            text = times.get(t)
            if text is None:
                text = times[t] = convert(t)
            return text

        source_text = _TIME_SOURCE_TEXT
        positions: list[tuple[object, ...]] = [
            (
                r.mmsi, to_db(r.event_time), source_text[r.time_source], r.msg_type, r.lat, r.lon, r.sog_kn,
                r.cog_deg, r.heading_deg, r.nav_status, r.source, r.log_seq, r.simulated,
            )
            for r in reports
            if r.lat is not None and r.lon is not None
        ]  # fmt: skip
        return positions, [self._vessel_tuple(v, to_db) for v in vessels]

    def write_rows(
        self, conn: Connection, positions: list[tuple[object, ...]], vessels: list[tuple[object, ...]]
    ) -> None:
        """Insert the rows of ``rows`` on ``conn`` (inside the caller's transaction)."""
        if self._columnar:
            if positions:
                conn.exec_driver_sql(self._position_sql, tuple(list(c) for c in zip(*positions, strict=True)))
            if vessels:
                conn.exec_driver_sql(self._vessel_sql, tuple(list(c) for c in zip(*vessels, strict=True)))
            return
        if positions:
            conn.exec_driver_sql(self._position_sql, positions)
        if vessels:
            conn.exec_driver_sql(self._vessel_sql, vessels)

    @staticmethod
    def _vessel_tuple(v: VesselState, to_db: Callable[[datetime], object]) -> tuple[object, ...]:
        row = list(_vessel_values(v))
        row[_LAST_SEEN] = to_db(v.last_seen)
        return tuple(row)

    def load_vessels(self) -> list[VesselState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(Vessel)).mappings().all()
        return [VesselState(**{k: v for k, v in row.items()}) for row in rows]

    def history(
        self, mmsi: int, start: datetime | None = None, end: datetime | None = None
    ) -> list[Position]:
        """Positions of ``mmsi`` in event-time order, optionally between ``start`` and ``end``."""
        stmt = select(Position).where(Position.mmsi == mmsi)
        if start is not None:
            stmt = stmt.where(Position.time >= start)
        if end is not None:
            stmt = stmt.where(Position.time <= end)
        with Session(self.engine) as session:
            return list(session.scalars(stmt.order_by(Position.time, Position.id)))
