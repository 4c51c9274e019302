"""The stored asset registry: assets, their state history, positions and taskings (SQLAlchemy adapter).

The rules are pure (``assets/tasking.py``); this module applies them inside one transaction per change.
Times: ``time``/``created_at`` are event time (the picture's clock, given by the caller), ``recorded_at``
the wall clock of the room (``wall_clock``). Reads filter by releasability when given a clearance.
Positions never go back in time: an older report than the one held is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.assets.model import Asset, AssetKind, AssetState, PositionSource
from watchkeeper.assets.models import AssetEventRow, AssetRow, TaskingRow
from watchkeeper.assets.tasking import DEPLOYED, Conflict, TransitionError, check_transition
from watchkeeper.core.clock import Clock
from watchkeeper.core.marking import Marking, combine, may_see, parse_marking, visible_markings
from watchkeeper.core.types import VesselState


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class AssetEvent:
    id: int
    asset_id: str
    time: datetime
    recorded_at: datetime
    actor: str
    kind: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    tasking_id: int | None
    incident_id: str | None
    detail: dict[str, Any] | None
    marking: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "asset_id": self.asset_id,
            "time": iso(self.time),
            "recorded_at": iso(self.recorded_at),
            "actor": self.actor,
            "kind": self.kind,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "tasking_id": self.tasking_id,
            "incident_id": self.incident_id,
            "detail": self.detail,
            "marking": self.marking,
        }


@dataclass(slots=True)
class Tasking:
    id: int
    asset_id: str
    incident_id: str
    status: str
    created_at: datetime
    recorded_at: datetime
    created_by: str
    target: dict[str, Any]
    persons: int | None
    eta_s: float | None
    eta_time: datetime | None
    intercept_lat: float | None
    intercept_lon: float | None
    route: list[list[float]] | None
    explanation: str | None
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    conflicts_accepted: bool = False
    closed_at: datetime | None = None
    closed_by: str | None = None
    close_reason: str | None = None
    marking: str = Marking.UK_ONLY.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "asset_id": self.asset_id,
            "incident_id": self.incident_id,
            "status": self.status,
            "created_at": iso(self.created_at),
            "recorded_at": iso(self.recorded_at),
            "created_by": self.created_by,
            "target": self.target,
            "persons": self.persons,
            "eta_s": self.eta_s,
            "eta_time": iso(self.eta_time),
            "intercept_lat": self.intercept_lat,
            "intercept_lon": self.intercept_lon,
            "route": self.route,
            "explanation": self.explanation,
            "conflicts": self.conflicts,
            "conflicts_accepted": self.conflicts_accepted,
            "closed_at": iso(self.closed_at),
            "closed_by": self.closed_by,
            "close_reason": self.close_reason,
            "marking": self.marking,
        }


def _asset(row: AssetRow) -> Asset:
    return Asset(
        id=row.id,
        kind=AssetKind(row.kind),
        lat=row.lat,
        lon=row.lon,
        max_kn=row.max_kn,
        endurance_h=row.endurance_h,
        capacity_persons=row.capacity_persons,
        state=AssetState(row.state),
        cruise_kn=row.cruise_kn,
        name=row.name,
        asset_type=row.asset_type,
        operator=row.operator,
        nation=row.nation,
        home_base=row.home_base,
        home_lat=row.home_lat,
        home_lon=row.home_lon,
        crew=row.crew,
        mmsi=row.mmsi,
        sensor_footprint_m=row.sensor_footprint_m,
        sector=row.sector,
        marking=parse_marking(row.marking),
        position_time=row.position_time,
        position_source=PositionSource(row.position_source),
        deployed_since=row.deployed_since,
        illustrative=row.illustrative,
        extra={"state_since": row.state_since, "position_detail": row.position_detail},
    )


def _row_values(asset: Asset) -> dict[str, Any]:
    return {
        "name": asset.name,
        "kind": asset.kind.value,
        "asset_type": asset.asset_type,
        "operator": asset.operator,
        "nation": asset.nation,
        "home_base": asset.home_base,
        "home_lat": asset.home_lat,
        "home_lon": asset.home_lon,
        "cruise_kn": asset.cruise_kn,
        "max_kn": asset.max_kn,
        "endurance_h": asset.endurance_h,
        "crew": asset.crew,
        "capacity_persons": asset.capacity_persons,
        "mmsi": asset.mmsi,
        "sensor_footprint_m": asset.sensor_footprint_m,
        "sector": asset.sector,
        "state": asset.state.value,
        "lat": asset.lat,
        "lon": asset.lon,
        "position_time": asset.position_time,
        "position_source": asset.position_source.value,
        "deployed_since": asset.deployed_since,
        "marking": asset.marking.value,
        "illustrative": asset.illustrative,
    }


def _event(row: AssetEventRow) -> AssetEvent:
    return AssetEvent(
        row.id,
        row.asset_id,
        row.time,
        row.recorded_at,
        row.actor,
        row.kind,
        row.from_state,
        row.to_state,
        row.reason,
        row.tasking_id,
        row.incident_id,
        row.detail,
        row.marking,
    )


def _tasking(row: TaskingRow) -> Tasking:
    return Tasking(
        row.id,
        row.asset_id,
        row.incident_id,
        row.status,
        row.created_at,
        row.recorded_at,
        row.created_by,
        row.target,
        row.persons,
        row.eta_s,
        row.eta_time,
        row.intercept_lat,
        row.intercept_lon,
        row.route,
        row.explanation,
        list(row.conflicts or []),
        row.conflicts_accepted,
        row.closed_at,
        row.closed_by,
        row.close_reason,
        row.marking,
    )


class UnknownAsset(LookupError):
    pass


class AssetRegistry:
    def __init__(self, engine: Engine, wall_clock: Clock) -> None:
        self.engine = engine
        self.wall_clock = wall_clock

    # -- reads ----------------------------------------------------------------------------------------
    def assets(self, clearance: str | None = None) -> list[Asset]:
        stmt = select(AssetRow).order_by(AssetRow.id)
        if clearance is not None:
            stmt = stmt.where(AssetRow.marking.in_([m.value for m in visible_markings(clearance)]))
        with Session(self.engine) as s:
            return [_asset(r) for r in s.scalars(stmt)]

    def get(self, asset_id: str, clearance: str | None = None) -> Asset | None:
        with Session(self.engine) as s:
            row = s.get(AssetRow, asset_id)
            if row is None or (clearance is not None and not may_see(clearance, row.marking)):
                return None
            return _asset(row)

    def taskings(
        self,
        clearance: str | None = None,
        status: str | None = "active",
        incident_id: str | None = None,
        asset_id: str | None = None,
    ) -> list[Tasking]:
        stmt = select(TaskingRow).order_by(TaskingRow.id)
        if clearance is not None:
            stmt = stmt.where(TaskingRow.marking.in_([m.value for m in visible_markings(clearance)]))
        if status is not None:
            stmt = stmt.where(TaskingRow.status == status)
        if incident_id is not None:
            stmt = stmt.where(TaskingRow.incident_id == incident_id)
        if asset_id is not None:
            stmt = stmt.where(TaskingRow.asset_id == asset_id)
        with Session(self.engine) as s:
            return [_tasking(r) for r in s.scalars(stmt)]

    def tasking(self, tasking_id: int, clearance: str | None = None) -> Tasking | None:
        with Session(self.engine) as s:
            row = s.get(TaskingRow, tasking_id)
            if row is None or (clearance is not None and not may_see(clearance, row.marking)):
                return None
            return _tasking(row)

    def events(self, asset_id: str, clearance: str | None = None, limit: int = 200) -> list[AssetEvent]:
        stmt = (
            select(AssetEventRow)
            .where(AssetEventRow.asset_id == asset_id)
            .order_by(AssetEventRow.time.desc(), AssetEventRow.id.desc())
            .limit(limit)
        )
        if clearance is not None:
            stmt = stmt.where(AssetEventRow.marking.in_([m.value for m in visible_markings(clearance)]))
        with Session(self.engine) as s:
            return [_event(r) for r in s.scalars(stmt)]

    # -- registry -------------------------------------------------------------------------------------
    def upsert(self, asset: Asset) -> None:
        """Store ``asset`` (insert, or replace what is stored under its id)."""
        with Session(self.engine) as s, s.begin():
            row = s.get(AssetRow, asset.id)
            if row is None:
                s.add(AssetRow(id=asset.id, state_since=None, **_row_values(asset)))
            else:
                for key, value in _row_values(asset).items():
                    setattr(row, key, value)

    def set_marking(self, asset_id: str, marking: str) -> None:
        """A release of the asset (``sharing``: checked, recorded and audited there). Its taskings and
        past events keep theirs: a release of the asset is not a release of what it was tasked to."""
        with Session(self.engine) as s, s.begin():
            row = s.get(AssetRow, asset_id)
            if row is None:
                raise UnknownAsset(asset_id)
            row.marking = parse_marking(marking).value

    def seed(self, assets: Iterable[Asset]) -> int:
        """Insert the assets not stored yet (by id); returns how many were added."""
        added = 0
        with Session(self.engine) as s, s.begin():
            for asset in assets:
                if s.get(AssetRow, asset.id) is None:
                    s.add(AssetRow(id=asset.id, state_since=None, **_row_values(asset)))
                    added += 1
        return added

    # -- positions ------------------------------------------------------------------------------------
    def set_position(
        self,
        asset_id: str,
        lat: float,
        lon: float,
        time: datetime,
        source: PositionSource,
        detail: str | None = None,
        actor: str | None = None,
    ) -> bool:
        """Move an asset; False (nothing changed) when a newer position is already held. A position typed
        in by hand (``actor`` given) is kept in the asset's history."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"position {lat}, {lon} is not on Earth")
        with Session(self.engine) as s, s.begin():
            row = s.get(AssetRow, asset_id)
            if row is None:
                raise UnknownAsset(asset_id)
            if row.position_time is not None and time < row.position_time:
                return False
            row.lat, row.lon, row.position_time = lat, lon, time
            row.position_source, row.position_detail = source.value, detail
            if actor is not None:
                s.add(
                    AssetEventRow(
                        asset_id=asset_id,
                        time=time,
                        recorded_at=self.wall_clock.now(),
                        actor=actor,
                        kind="position",
                        detail={"lat": lat, "lon": lon, "source": source.value, "detail": detail},
                        marking=row.marking,
                    )
                )
        return True

    def apply_vessels(self, vessels: Iterable[VesselState]) -> list[str]:
        """Positions from the live picture for every asset with an MMSI; returns the ids moved."""
        by_mmsi = {v.mmsi: v for v in vessels if v.lat is not None and v.lon is not None}
        if not by_mmsi:
            return []
        moved: list[str] = []
        with Session(self.engine) as s, s.begin():
            rows = s.scalars(select(AssetRow).where(AssetRow.mmsi.in_(list(by_mmsi))))
            for row in rows:
                v = by_mmsi[int(row.mmsi)] if row.mmsi is not None else None
                if v is None or v.lat is None or v.lon is None:
                    continue
                if row.position_time is not None and v.last_seen <= row.position_time:
                    continue
                row.lat, row.lon, row.position_time = v.lat, v.lon, v.last_seen
                row.position_source, row.position_detail = PositionSource.AIS.value, f"MMSI {v.mmsi}"
                moved.append(row.id)
        return moved

    # -- state and taskings ---------------------------------------------------------------------------
    def _change(
        self,
        s: Session,
        row: AssetRow,
        to: AssetState,
        at: datetime,
        actor: str,
        reason: str | None,
        tasking_id: int | None = None,
        incident_id: str | None = None,
        check: bool = True,
    ) -> AssetEventRow:
        current = AssetState(row.state)
        if check:
            check_transition(current, to)
        if to in DEPLOYED and row.deployed_since is None:
            row.deployed_since = at
        if to == AssetState.AVAILABLE and current == AssetState.RETURNING:
            row.deployed_since = None  # back at base, refuelled
        row.state, row.state_since = to.value, at
        event = AssetEventRow(
            asset_id=row.id,
            time=at,
            recorded_at=self.wall_clock.now(),
            actor=actor,
            kind="state",
            from_state=current.value,
            to_state=to.value,
            reason=reason,
            tasking_id=tasking_id,
            incident_id=incident_id,
            marking=row.marking,
        )
        s.add(event)
        return event

    def _active(self, s: Session, asset_id: str) -> TaskingRow | None:
        return s.scalars(
            select(TaskingRow).where(TaskingRow.asset_id == asset_id, TaskingRow.status == "active")
        ).first()

    def _close(self, row: TaskingRow, status: str, at: datetime, actor: str, reason: str | None) -> None:
        row.status, row.closed_at, row.closed_by, row.close_reason = status, at, actor, reason

    def change_state(
        self, asset_id: str, to: AssetState, at: datetime, actor: str, reason: str | None = None
    ) -> AssetEvent:
        """A state change by ``actor`` at event time ``at``. Leaving the tasking's states (back to
        available, returning or maintenance) closes the active tasking: completed when the asset was on
        scene, cancelled otherwise. Raises ``TransitionError`` when the rules forbid it."""
        with Session(self.engine) as s, s.begin():
            row = s.get(AssetRow, asset_id)
            if row is None:
                raise UnknownAsset(asset_id)
            current = AssetState(row.state)
            if to == AssetState.TASKED:
                raise TransitionError("task an asset to an incident through a tasking, not a state change")
            active = self._active(s, asset_id)
            tasking_id = incident_id = None
            if active is not None:
                tasking_id, incident_id = active.id, active.incident_id
                if to in (AssetState.RETURNING, AssetState.AVAILABLE, AssetState.MAINTENANCE):
                    done = "completed" if current == AssetState.ON_SCENE else "cancelled"
                    self._close(active, done, at, actor, reason or f"asset {to.value}")
            event = self._change(s, row, to, at, actor, reason, tasking_id, incident_id)
            s.flush()
            return _event(event)

    def task(
        self,
        asset_id: str,
        incident_id: str,
        at: datetime,
        actor: str,
        *,
        target: dict[str, Any],
        persons: int | None,
        eta_s: float | None,
        eta_time: datetime | None,
        intercept: tuple[float, float] | None,
        route: list[list[float]] | None,
        explanation: str | None,
        conflicts: list[Conflict],
        accepted: bool,
        marking: Marking | str | None = None,
    ) -> Tasking:
        """Send ``asset_id`` to ``incident_id`` (the caller has judged the conflicts). An active tasking
        of the asset is cancelled first (re-tasking). The tasking's marking is the most restrictive of
        the asset's and the one given (the incident's)."""
        with Session(self.engine) as s, s.begin():
            row = s.get(AssetRow, asset_id)
            if row is None:
                raise UnknownAsset(asset_id)
            current = AssetState(row.state)
            old = self._active(s, asset_id)
            if old is not None:
                self._close(old, "cancelled", at, actor, f"re-tasked to incident {incident_id}")
            mark = combine([row.marking] + ([marking] if marking is not None else []))
            tasking = TaskingRow(
                asset_id=asset_id,
                incident_id=incident_id,
                status="active",
                created_at=at,
                recorded_at=self.wall_clock.now(),
                created_by=actor,
                target=target,
                persons=persons,
                eta_s=eta_s,
                eta_time=eta_time,
                intercept_lat=None if intercept is None else intercept[0],
                intercept_lon=None if intercept is None else intercept[1],
                route=route,
                explanation=explanation,
                conflicts=[c.to_dict() for c in conflicts],
                conflicts_accepted=accepted and bool(conflicts),
                marking=mark.value,
            )
            s.add(tasking)
            s.flush()
            reason = f"tasked to incident {incident_id}"
            if current == AssetState.TASKED:
                self._change(
                    s, row, AssetState.TASKED, at, actor, "re-" + reason, tasking.id, incident_id, check=False
                )
            else:
                self._change(s, row, AssetState.TASKED, at, actor, reason, tasking.id, incident_id)
            s.flush()
            return _tasking(tasking)

    def cancel(self, tasking_id: int, at: datetime, actor: str, reason: str | None = None) -> Tasking:
        """Cancel an active tasking: an asset that had not set off on it is available again (in harbour or
        on its patrol), one under way or on scene returns."""
        with Session(self.engine) as s, s.begin():
            row = s.get(TaskingRow, tasking_id)
            if row is None:
                raise LookupError(f"no tasking {tasking_id}")
            if row.status != "active":
                raise TransitionError(f"tasking {tasking_id} is already {row.status}")
            asset = s.get(AssetRow, row.asset_id)
            assert asset is not None
            self._close(row, "cancelled", at, actor, reason or "cancelled")
            current = AssetState(asset.state)
            if current == AssetState.TASKED:  # had not set off on the job: back to what it was doing
                self._change(
                    s,
                    asset,
                    AssetState.AVAILABLE,
                    at,
                    actor,
                    f"tasking {tasking_id} cancelled",
                    row.id,
                    row.incident_id,
                )
            elif current in (AssetState.TRANSITING, AssetState.ON_SCENE):
                self._change(
                    s,
                    asset,
                    AssetState.RETURNING,
                    at,
                    actor,
                    f"tasking {tasking_id} cancelled",
                    row.id,
                    row.incident_id,
                )
            s.flush()
            return _tasking(row)

    def active_incident(self, asset_id: str) -> str | None:
        with Session(self.engine) as s:
            row = self._active(s, asset_id)
            return None if row is None else row.incident_id
