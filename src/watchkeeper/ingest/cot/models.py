"""Stored field observations (drones, TAK clients, observers), observer reports and their photos.

Every row carries its releasability ``marking``; a release (``sharing.release``) changes it and is
recorded, with who and why, in ``releases``. Times are event time (``event_time``) except
``received_at`` (the wall-clock receive time at the edge).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class ObservationRow(Base):
    __tablename__ = "field_observations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obs_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    time_source: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)
    sensor_uid: Mapped[str] = mapped_column(String(256), nullable=False)
    cot_type: Mapped[str | None] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    ce_m: Mapped[float | None] = mapped_column(Float)
    persons: Mapped[int | None] = mapped_column(Integer)
    boat_type: Mapped[str | None] = mapped_column(String(32))
    course_deg: Mapped[float | None] = mapped_column(Float)
    speed_kn: Mapped[float | None] = mapped_column(Float)
    callsign: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str | None] = mapped_column(Text)
    stale_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report_id: Mapped[int | None] = mapped_column(Integer)
    marking: Mapped[str] = mapped_column(String(32), nullable=False)
    log_seq: Mapped[int | None] = mapped_column(BigInteger)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_field_observations_time", "event_time"),
        Index("ix_field_observations_sensor", "sensor_uid", "event_time"),
    )


class ReportRow(Base):
    """An observer's or beach patrol's report (the observation it makes is in ``field_observations``)."""

    __tablename__ = "observer_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter: Mapped[str] = mapped_column(String(64), nullable=False)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    time_source: Mapped[str] = mapped_column(String(16), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    persons: Mapped[int | None] = mapped_column(Integer)
    boat_type: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    marking: Mapped[str] = mapped_column(String(32), nullable=False)
    log_seq: Mapped[int | None] = mapped_column(BigInteger)


class AttachmentRow(Base):
    """A report's photo: sniffed and decoded before it was accepted; served only as that image type."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("observer_reports.id", ondelete="CASCADE"), nullable=False
    )
    media_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    filename: Mapped[str] = mapped_column(String(128), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    marking: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
