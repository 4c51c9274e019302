"""The cell's records as releasable types: incidents, alerts, radar tracks, assets and drift runs.

``register_cell_records(sharing, engine, wall_clock)`` registers them with ``SharingService`` (the
runtime does, at start), with the same release rule as every type (``releasability.release_refusal``:
a releasing role, cleared for both markings, a reason; a ``releases`` row, append-only, and an audit
row). What each one does with a release:

* ``incident`` — stored with the record (``IncidentStore.release``: marking, ``released_marking``, a
  ``release`` timeline entry); the alerts worker hands it to the incident book at its next scan. A
  later, more restrictive source re-restricts it (``incidents.book``, ``incidents.store``).
* ``alert`` — the same, on the alert (``AlertStore.release``; the alert engine, ``AlertEngine.release``).
* ``track`` — a radar track has no marking of its own (the radar picture's, ``WATCHKEEPER_TRACK_MARKING``):
  its release is kept in ``releases`` (like a vessel's) and applied where tracks are read (history,
  snapshots) and by the tracker worker to the scans after it.
* ``asset`` — the asset's marking in the registry (its past events and taskings keep theirs).
* ``drift_run`` — the stored run's marking.

Each type but the asset and the drift run says from which event time its release takes effect (the
record's last change in event time), so a replay given the same releases gives the same records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from watchkeeper.alerts.store import AlertFilter, AlertStore
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.assets.service import asset_public
from watchkeeper.core.clock import Clock
from watchkeeper.core.marking import combine
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.sar.models import DriftRun
from watchkeeper.sharing.service import RecordType, SharingService
from watchkeeper.tracking.history import TrackHistory

LISTING_LIMIT = 200


def _widest(markings: Sequence[str]) -> str | None:
    """The clearance that sees exactly ``markings`` (they are every marking up to one)."""
    return combine(markings).value if markings else None


def register_cell_records(sharing: SharingService, engine: Engine, wall_clock: Clock) -> None:
    incidents = IncidentStore(engine)
    alerts = AlertStore(engine)
    history = TrackHistory(engine)
    registry = AssetRegistry(engine, wall_clock)

    def incident_listing(markings: Sequence[str]) -> list[dict[str, Any]]:
        clearance = _widest(markings)
        return [] if clearance is None else incidents.find(clearance, limit=LISTING_LIMIT)

    def alert_listing(markings: Sequence[str]) -> list[dict[str, Any]]:
        clearance = _widest(markings)
        return [] if clearance is None else alerts.find(clearance, AlertFilter(limit=LISTING_LIMIT))

    sharing.register(
        RecordType(
            "incident",
            incidents.marking_of,
            listing=incident_listing,
            effective_from=incidents.effective_from,
            on_release=incidents.release,
        )
    )
    sharing.register(
        RecordType(
            "alert",
            alerts.marking_of,
            listing=alert_listing,
            effective_from=alerts.effective_from,
            on_release=alerts.release,
        )
    )

    def track_marking(track_id: str) -> str | None:
        last = history.last_point(int(track_id)) if track_id.isdigit() else None
        return None if last is None else last[1]

    def track_after(track_id: str) -> Any:
        last = history.last_point(int(track_id)) if track_id.isdigit() else None
        return None if last is None else last[0]

    sharing.register(RecordType("track", track_marking, effective_from=track_after))

    def asset_marking(asset_id: str) -> str | None:
        asset = registry.get(asset_id)
        return None if asset is None else asset.marking.value

    def asset_listing(markings: Sequence[str]) -> list[dict[str, Any]]:
        clearance = _widest(markings)
        return [] if clearance is None else [asset_public(a) for a in registry.assets(clearance)]

    sharing.register(RecordType("asset", asset_marking, registry.set_marking, asset_listing))

    def run_marking(run_id: str) -> str | None:
        if not run_id.isdigit():
            return None
        with Session(engine) as session:
            found: str | None = session.scalar(select(DriftRun.marking).where(DriftRun.id == int(run_id)))
            return found

    def set_run_marking(run_id: str, marking: str) -> None:
        with engine.begin() as conn:
            conn.execute(update(DriftRun).where(DriftRun.id == int(run_id)).values(marking=marking))

    def run_listing(markings: Sequence[str]) -> list[dict[str, Any]]:
        stmt = (
            select(DriftRun.id, DriftRun.incident_id, DriftRun.created_at, DriftRun.object_type,
                   DriftRun.lat, DriftRun.lon, DriftRun.marking)
            .where(DriftRun.marking.in_(list(markings)))
            .order_by(DriftRun.id.desc())
            .limit(LISTING_LIMIT)
        )  # fmt: skip
        with Session(engine) as session:
            return [
                {"id": r.id, "incident_id": r.incident_id, "created_at": r.created_at.isoformat(),
                 "object": r.object_type, "lat": r.lat, "lon": r.lon, "marking": r.marking}
                for r in session.execute(stmt)
            ]  # fmt: skip

    sharing.register(RecordType("drift_run", run_marking, set_run_marking, run_listing))
