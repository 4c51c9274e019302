"""SQLAlchemy 2 models. The schema itself is made by the Alembic migrations in ``migrations/``.

Times are stored as naive UTC (``UtcDateTime``) and come back timezone-aware.
Track and position history is append-only: rows are inserted, never updated.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python, naive UTC in the database (same on SQLite and PostgreSQL)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    clearance: Mapped[str] = mapped_column(String(32), nullable=False, default="UK-ONLY")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class AuditEvent(Base):
    """Append-only audit log: who did or read what, and when (wall-clock time of the action)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RejectRow(Base):
    """The rejects ledger: every input that could not be decoded, with why and where from."""

    __tablename__ = "rejects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(255), nullable=False)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    receive_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    log_seq: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_rejects_source_reason", "source", "reason"),)


class Vessel(Base):
    """Latest state per vessel (by MMSI): the persisted picture."""

    __tablename__ = "vessels"
    mmsi: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(64))
    callsign: Mapped[str | None] = mapped_column(String(16))
    ship_type: Mapped[int | None] = mapped_column(Integer)
    destination: Mapped[str | None] = mapped_column(String(64))
    imo: Mapped[int | None] = mapped_column(BigInteger)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    sog_kn: Mapped[float | None] = mapped_column(Float)
    cog_deg: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    nav_status: Mapped[int | None] = mapped_column(Integer)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Position(Base):
    """Append-only position history (one row per accepted position report)."""

    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    mmsi: Mapped[int] = mapped_column(BigInteger, nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    time_source: Mapped[str] = mapped_column(String(16), nullable=False)
    msg_type: Mapped[int] = mapped_column(Integer, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    sog_kn: Mapped[float | None] = mapped_column(Float)
    cog_deg: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    nav_status: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(255), nullable=False)
    log_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ix_positions_mmsi_time", "mmsi", "time"),)


class WorkerCheckpoint(Base):
    """A worker's position (``store/checkpoints.py``): the stream or input-log sequence it covers and,
    for the stateful workers, their pickled state at that sequence."""

    __tablename__ = "worker_checkpoints"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(64))
    state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
