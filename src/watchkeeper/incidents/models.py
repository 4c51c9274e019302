"""Stored incidents (tables ``incidents`` and ``incident_timeline``, migration 0005).

The timeline is append-only: every state change, alert, track, note and persons figure is a row,
with who (``system`` or a user name) and when (event time for what the system saw, wall-clock time for
what a user did). ``marking`` is the most restrictive of the incident's sources, unless released
(``released_marking``: the release stands until a more restrictive source joins the incident).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class IncidentRow(Base):
    __tablename__ = "incidents"

    incident_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    opened_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    closed_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    outcome: Mapped[str | None] = mapped_column(String(20))
    persons_estimate: Mapped[int | None] = mapped_column(Integer)
    persons_landed: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    severity_rank: Mapped[int] = mapped_column(Integer, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    track_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # what opened it: "track", "drone", "observer" (migration 0012)
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="track", server_default="track")
    # the marking a user released it to, while the release stands (migration 0013)
    released_marking: Mapped[str | None] = mapped_column(String(16), nullable=True)

    __table_args__ = (Index("ix_incidents_state_opened", "state", "opened_time"),)


class IncidentTimelineRow(Base):
    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("incidents.incident_id", ondelete="CASCADE"), nullable=False
    )
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (Index("ix_incident_timeline_incident_time", "incident_id", "time"),)
