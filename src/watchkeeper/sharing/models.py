"""Releases (append-only: who changed a record's marking, from what to what, and why) and the messages
between the UK and French desks attached to incidents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class ReleaseRow(Base):
    __tablename__ = "releases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[str] = mapped_column(String(128), nullable=False)
    from_marking: Mapped[str] = mapped_column(String(32), nullable=False)
    to_marking: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    # event time the release takes effect from (migration 0013; None on older rows: ``time``)
    event_time: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_releases_object", "object_type", "object_id", "id"),)


class DeskMessageRow(Base):
    """A message between the UK desk and the French liaison desk about one incident."""

    __tablename__ = "desk_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(128), nullable=False)
    desk: Mapped[str] = mapped_column(String(8), nullable=False)  # "UK" or "FR"
    author: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    lang: Mapped[str] = mapped_column(String(8), nullable=False)
    marking: Mapped[str] = mapped_column(String(32), nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_desk_messages_incident", "incident_id", "id"),)
