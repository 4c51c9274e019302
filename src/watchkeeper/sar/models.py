"""Stored drift runs (table ``sar_drift_runs``, migration ``0009_sar``).

A run is stored whole once computed (request, GeoJSON, probability grids, search plan): the page can
reopen it, an incident can list its runs, and what the cell searched on is kept. ``incident_id`` is a
plain column (the incidents capability owns its ids); ``marking`` is the releasability of the run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base, UtcDateTime


class DriftRun(Base):
    __tablename__ = "sar_drift_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    incident_id: Mapped[str | None] = mapped_column(String(64), index=True)
    marking: Mapped[str] = mapped_column(String(16), nullable=False)
    object_type: Mapped[str] = mapped_column(String(32), nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    start_time: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    hours: Mapped[int] = mapped_column(Integer, nullable=False)
    particles: Mapped[int] = mapped_column(Integer, nullable=False)
    current_model: Mapped[str] = mapped_column(String(255), nullable=False)
    wind_model: Mapped[str] = mapped_column(String(255), nullable=False)
    compute_s: Mapped[float] = mapped_column(Float, nullable=False)
    request: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    geojson: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    grids: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
