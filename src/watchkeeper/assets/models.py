"""Stored tables of the asset registry (SQLAlchemy 2 on ``watchkeeper.store.models.Base``).

The schema is made by the migration ``store/migrations/versions/0006_assets.py``. Domain types are in
``assets/model.py``; ``assets/registry.py`` converts between the two.

* ``assets`` — one row per asset: what it is and its latest state and position.
* ``asset_events`` — append-only: every state change and every position typed in by hand, with its
  event time, the wall-clock time it was recorded, and the user.
* ``taskings`` — an asset sent to an incident: the target it was sent to, the ETA and route computed
  then, the conflicts flagged and whether the controller accepted them, and how it ended.
  ``incident_id`` is a plain column: incidents live in ``watchkeeper.incidents``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class AssetRow(Base):
    __tablename__ = "assets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    asset_type: Mapped[str | None] = mapped_column(String(96))
    operator: Mapped[str | None] = mapped_column(String(96))
    nation: Mapped[str | None] = mapped_column(String(2))
    home_base: Mapped[str | None] = mapped_column(String(96))
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    cruise_kn: Mapped[float | None] = mapped_column(Float)
    max_kn: Mapped[float] = mapped_column(Float, nullable=False)
    endurance_h: Mapped[float] = mapped_column(Float, nullable=False)
    crew: Mapped[int | None] = mapped_column(Integer)
    capacity_persons: Mapped[int] = mapped_column(Integer, nullable=False)
    mmsi: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    sensor_footprint_m: Mapped[float | None] = mapped_column(Float)
    sector: Mapped[str | None] = mapped_column(String(96))
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    state_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    position_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    position_source: Mapped[str] = mapped_column(String(16), nullable=False)
    position_detail: Mapped[str | None] = mapped_column(String(128))
    deployed_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    illustrative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class AssetEventRow(Base):
    __tablename__ = "asset_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), nullable=False)
    time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)  # event time of the change
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)  # wall clock
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # state | position
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    tasking_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (Index("ix_asset_events_asset_time", "asset_id", "time"),)


class TaskingRow(Base):
    __tablename__ = "taskings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), nullable=False)
    incident_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # active | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)  # event time
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)  # wall clock
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    target: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    persons: Mapped[int | None] = mapped_column(Integer)
    eta_s: Mapped[float | None] = mapped_column(Float)
    eta_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    intercept_lat: Mapped[float | None] = mapped_column(Float)
    intercept_lon: Mapped[float | None] = mapped_column(Float)
    route: Mapped[list[list[float]] | None] = mapped_column(JSON)  # [[lat, lon], ...]
    explanation: Mapped[str | None] = mapped_column(Text)
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    conflicts_accepted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_reason: Mapped[str | None] = mapped_column(Text)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)

    __table_args__ = (Index("ix_taskings_asset_status", "asset_id", "status"),)
