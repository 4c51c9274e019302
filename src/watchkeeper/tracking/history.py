"""Append-only track history: one row per confirmed track per scan (table ``track_points``).

Rows are unique on ``(track_id, time)``: writing the same scan twice (a replay re-applied after a restart,
a retried batch) inserts nothing the second time — ``INSERT … ON CONFLICT DO NOTHING`` on both SQLite and
PostgreSQL. Rows are never updated or deleted. Track ids are the tracker's, stable for a track's life in
one run of the tracker; a replay of the same input log gives the same ids, so re-applying is idempotent.
Schema by migration ``0004_track_history``; every row carries its releasability ``marking``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Engine,
    Float,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.core.marking import DEFAULT_MARKING, Marking, may_see, parse_marking, visible_markings
from watchkeeper.store.models import Base, UtcDateTime
from watchkeeper.tracking.messages import output_time
from watchkeeper.tracking.tracker import TrackOutput


class TrackPoint(Base):
    """One confirmed track at one scan time."""

    __tablename__ = "track_points"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    track_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    sog_kn: Mapped[float] = mapped_column(Float, nullable=False)
    cog_deg: Mapped[float] = mapped_column(Float, nullable=False)
    mmsi: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(64))
    dark: Mapped[bool] = mapped_column(Boolean, nullable=False)
    p_steady: Mapped[float | None] = mapped_column(Float)  # IMM "steady" mode probability
    position_sigma_m: Mapped[float | None] = mapped_column(Float)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    marking: Mapped[str] = mapped_column(String(16), nullable=False, default=DEFAULT_MARKING.value)

    __table_args__ = (
        UniqueConstraint("track_id", "time", name="uq_track_points_track_time"),
        Index("ix_track_points_time", "time"),
        Index("ix_track_points_mmsi_time", "mmsi", "time"),
    )


@dataclass(slots=True, frozen=True)
class TrackPointRecord:
    """A stored track point, as read back."""

    track_id: int
    time: datetime
    lat: float
    lon: float
    sog_kn: float
    cog_deg: float
    mmsi: int | None
    name: str | None
    dark: bool
    p_steady: float | None
    position_sigma_m: float | None
    simulated: bool
    marking: str


def point_rows(
    out: TrackOutput,
    *,
    simulated: bool = False,
    marking: str | Marking = DEFAULT_MARKING,
    epoch: datetime | None = None,
) -> list[dict[str, Any]]:
    """The ``track_points`` rows of one scan's output."""
    when = output_time(out, epoch)
    mark = parse_marking(marking).value
    steady = out.mode_names.index("steady") if "steady" in out.mode_names else None
    rows = []
    for i in range(len(out)):
        mmsi = int(out.mmsi[i])
        name = out.name[i] if i < len(out.name) else ""
        rows.append(
            {
                "track_id": int(out.track_id[i]),
                "time": when,
                "lat": float(out.lat[i]),
                "lon": float(out.lon[i]),
                "sog_kn": float(out.sog_kn[i]),
                "cog_deg": float(out.cog_deg[i]),
                "mmsi": mmsi if mmsi > 0 else None,
                "name": name or None,
                "dark": bool(out.dark[i]),
                "p_steady": None if steady is None else float(out.mode_probability[i, steady]),
                "position_sigma_m": float(out.position_sigma_m[i]) if out.position_sigma_m.size else None,
                "simulated": simulated,
                "marking": mark,
            }
        )
    return rows


class TrackHistory:
    """Writes and reads ``track_points`` (the schema comes from the migrations)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def write(
        self,
        out: TrackOutput,
        *,
        simulated: bool = False,
        marking: str | Marking = DEFAULT_MARKING,
        epoch: datetime | None = None,
    ) -> int:
        """Append one scan's confirmed tracks; returns the rows inserted (0 when already stored)."""
        return self.write_rows(point_rows(out, simulated=simulated, marking=marking, epoch=epoch))

    def write_rows(self, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            stmt: Any = pg_insert(TrackPoint).on_conflict_do_nothing(constraint="uq_track_points_track_time")
        elif dialect == "sqlite":
            stmt = sqlite_insert(TrackPoint).on_conflict_do_nothing(index_elements=["track_id", "time"])
        else:
            raise NotImplementedError(f"track history on {dialect}")
        # RETURNING lists only the rows really inserted (executemany rowcounts differ between drivers)
        with self.engine.begin() as conn:
            return len(conn.execute(stmt.returning(TrackPoint.id), rows).all())

    def max_track_id(self) -> int:
        """The largest track id stored (0 when none): where a resumed tracker's ids must start above."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(TrackPoint.track_id))).scalar() or 0)

    def last_point(self, track_id: int) -> tuple[datetime, str] | None:
        """The time and marking of the track's latest stored point (None: no such track)."""
        stmt = (
            select(TrackPoint.time, TrackPoint.marking)
            .where(TrackPoint.track_id == track_id)
            .order_by(TrackPoint.time.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
            return None if row is None else (row[0], str(row[1]))

    def history(
        self,
        track_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        clearance: str | Marking = Marking.UK_ONLY,
        released: str | None = None,
    ) -> list[TrackPointRecord]:
        """The track's points with ``start ≤ time ≤ end`` in time order, as far as ``clearance`` may see.
        ``released``: the track's marking by its latest release (``sharing``), which every point of it
        takes (rows are never rewritten: the release is applied as they are read)."""
        table = TrackPoint.__table__
        stmt = select(table).where(TrackPoint.track_id == track_id)
        if released is None:
            stmt = stmt.where(TrackPoint.marking.in_([m.value for m in visible_markings(clearance)]))
        elif not may_see(clearance, released):
            return []
        if start is not None:
            stmt = stmt.where(TrackPoint.time >= start)
        if end is not None:
            stmt = stmt.where(TrackPoint.time <= end)
        stmt = stmt.order_by(TrackPoint.time)
        with self.engine.connect() as conn:
            return [
                TrackPointRecord(
                    track_id=r.track_id,
                    time=r.time,
                    lat=r.lat,
                    lon=r.lon,
                    sog_kn=r.sog_kn,
                    cog_deg=r.cog_deg,
                    mmsi=r.mmsi,
                    name=r.name,
                    dark=r.dark,
                    p_steady=r.p_steady,
                    position_sigma_m=r.position_sigma_m,
                    simulated=r.simulated,
                    marking=r.marking if released is None else released,
                )
                for r in conn.execute(stmt)
            ]
