"""Stored alerts (table ``alerts``, migration 0005). Acknowledgement lives here, not in the engine.

The engine's ``Alert`` is mirrored row for row; ``severity_rank`` orders and filters (``Severity``'s
value); ``acknowledged_by``/``acknowledged_at`` are the user and wall-clock time of the
acknowledgement (the audit log has the same fact, with the request). ``marking`` decides who sees it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class AlertRow(Base):
    __tablename__ = "alerts"

    alert_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str] = mapped_column(String(120), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    severity_rank: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    raised_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    last_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    cleared_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    track_id: Mapped[int | None] = mapped_column(BigInteger)
    track_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    mmsi: Mapped[int | None] = mapped_column(BigInteger)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    latest: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    occurrences: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    simulated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    incident_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("incidents.incident_id", ondelete="SET NULL")
    )
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ack_note: Mapped[str | None] = mapped_column(Text)
    # the marking a user released it to, while the release stands (migration 0013)
    released_marking: Mapped[str | None] = mapped_column(String(16), nullable=True)

    __table_args__ = (
        Index("ix_alerts_status_raised", "status", "raised_time"),
        Index("ix_alerts_rule_raised", "rule", "raised_time"),
        Index("ix_alerts_incident", "incident_id"),
    )
