"""Persisting the picture: append-only position history and the latest state per vessel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from watchkeeper.core.types import AisReport, VesselState
from watchkeeper.store.models import Position, Vessel


def _vessel_row(v: VesselState) -> dict[str, object]:
    return {
        "mmsi": v.mmsi,
        "name": v.name,
        "callsign": v.callsign,
        "ship_type": v.ship_type,
        "destination": v.destination,
        "imo": v.imo,
        "lat": v.lat,
        "lon": v.lon,
        "sog_kn": v.sog_kn,
        "cog_deg": v.cog_deg,
        "heading_deg": v.heading_deg,
        "nav_status": v.nav_status,
        "last_seen": v.last_seen,
        "source": v.source,
        "simulated": v.simulated,
    }


class PictureStore:
    """Writes position history (idempotent on input-log sequence) and upserts vessel state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect = engine.dialect.name

    def _insert(self, table: type[Position] | type[Vessel]):  # type: ignore[no-untyped-def]
        return (pg_insert if self._dialect == "postgresql" else sqlite_insert)(table)

    def write(self, reports: Iterable[AisReport], vessels: Sequence[VesselState]) -> None:
        """One transaction: the positions among ``reports`` and the latest state of ``vessels``."""
        rows = [
            {
                "mmsi": r.mmsi,
                "time": r.event_time,
                "time_source": r.time_source.value,
                "msg_type": r.msg_type,
                "lat": r.lat,
                "lon": r.lon,
                "sog_kn": r.sog_kn,
                "cog_deg": r.cog_deg,
                "heading_deg": r.heading_deg,
                "nav_status": r.nav_status,
                "source": r.source,
                "log_seq": r.log_seq,
                "simulated": r.simulated,
            }
            for r in reports
            if r.lat is not None and r.lon is not None
        ]
        with self.engine.begin() as conn:
            if rows:
                conn.execute(self._insert(Position).on_conflict_do_nothing(index_elements=["log_seq"]), rows)
            if vessels:
                stmt = self._insert(Vessel)
                cols = {c: getattr(stmt.excluded, c) for c in _vessel_row(vessels[0]) if c != "mmsi"}
                conn.execute(
                    stmt.on_conflict_do_update(index_elements=["mmsi"], set_=cols),
                    [_vessel_row(v) for v in vessels],
                )

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
