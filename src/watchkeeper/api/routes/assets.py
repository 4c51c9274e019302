"""Assets: the registry, recommendations, taskings, the time-to-reach map and the posture proposal.

Roles: an ``asset_controller`` tasks, cancels, changes states and positions; every operational role
reads (watch officer, analyst, asset controller, partner liaison, auditor). Everything read is filtered
by the user's clearance (an asset the user may not see is "not found", and is left out of every
recommendation and map). Every change is audited (``runtime.audit``) and stored with its event time
(the picture's clock, the wall clock when there is no picture yet) and the user.

Live: after a change a ``picture.update`` message ``{"kind": "assets", "marking": "PUBLIC"}`` tells the
pages to re-read ``/api/assets`` (which filters by clearance); the message itself carries no asset.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.live import PICTURE_SUBJECT
from watchkeeper.api.params import Int64
from watchkeeper.api.runtime import Runtime
from watchkeeper.assets.fleet import ILLUSTRATIVE_NOTE
from watchkeeper.assets.model import (
    AssetKind,
    AssetState,
    PositionSource,
    Target,
    parse_time,
    target_from_json,
)
from watchkeeper.assets.registry import AssetRegistry, UnknownAsset, iso
from watchkeeper.assets.service import AssetService, asset_public
from watchkeeper.assets.tasking import TransitionError
from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.marking import parse_marking
from watchkeeper.core.types import Reject
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.store.users import Role

router = APIRouter(tags=["assets"])

READERS = (Role.WATCH_OFFICER, Role.ANALYST, Role.ASSET_CONTROLLER, Role.PARTNER_LIAISON, Role.AUDITOR)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]
Controller = Annotated[Principal, Depends(require_roles(Role.ASSET_CONTROLLER))]
MAX_FEED = 1000


def _service(runtime: Runtime) -> AssetService:
    return AssetService(AssetRegistry(runtime.engine, runtime.wall_clock))


def _event_time(runtime: Runtime) -> datetime:
    """Event time of a change: the picture's clock (replay = live), else the wall clock."""
    return runtime.clock or runtime.wall_clock.now()


async def _notify(runtime: Runtime) -> None:
    if runtime.started:
        body = json.dumps({"kind": "assets", "marking": "PUBLIC"}).encode()
        await runtime.bus.publish(PICTURE_SUBJECT, body)


def _target(doc: Any) -> Target:
    try:
        return target_from_json(doc)
    except DecodeError as exc:
        raise ApiError(422, f"target: {exc.detail}") from None


def _time(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_time(text, what)
    except DecodeError as exc:
        raise ApiError(422, exc.detail) from None


# -- the registry ---------------------------------------------------------------------------------------


@router.get("/assets", summary="Every asset the user may see, with its state, position and tasking")
async def list_assets(runtime: RuntimeDep, user: Reader) -> dict[str, Any]:
    service = _service(runtime)
    service.sync_ais(list(runtime.picture.vessels.values()))
    assets = service.registry.assets(user.clearance)
    taskings = {t.asset_id: t for t in service.registry.taskings(user.clearance)}
    illustrative = any(a.illustrative for a in assets)
    return {
        "clock": iso(_event_time(runtime)),
        "illustrative": illustrative,
        "note": ILLUSTRATIVE_NOTE if illustrative else None,
        "can_task": user.has_any(Role.ASSET_CONTROLLER),
        "assets": [asset_public(a, taskings.get(a.id)) for a in assets],
    }


@router.get("/assets/reach", summary="Time-to-reach map (GeoJSON) from the current positions")
def get_reach(
    runtime: RuntimeDep,
    user: Reader,
    kind: Annotated[Literal["sea", "air", "all"], Query()] = "sea",
    cell_km: Annotated[float, Query(ge=0.5, le=10.0)] = 2.0,
    cells: Annotated[bool, Query(description="one feature per cell instead of merged bands")] = False,
) -> dict[str, Any]:
    from watchkeeper.assets.reach import grid_geojson

    service = _service(runtime)
    kinds = (AssetKind.SEA, AssetKind.AIR) if kind == "all" else (AssetKind(kind),)
    grid = service.reach(user.clearance, kinds, cell_km * 1000.0)
    return grid_geojson(grid, merge_bands=not cells)


@router.get("/assets/{asset_id}", summary="One asset, its active tasking and its state history")
def get_asset(runtime: RuntimeDep, user: Reader, asset_id: str) -> dict[str, Any]:
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    asset = registry.get(asset_id, user.clearance)
    if asset is None:
        raise ApiError(404, f"no asset {asset_id}")
    active = registry.taskings(user.clearance, asset_id=asset_id)
    doc = asset_public(asset, active[0] if active else None)
    doc["events"] = [e.to_dict() for e in registry.events(asset_id, user.clearance)]
    doc["releases"] = runtime.sharing.releases_of(user.clearance, "asset", asset_id)
    return doc


class StateIn(BaseModel):
    state: AssetState
    reason: str | None = Field(None, max_length=500)


@router.post("/assets/{asset_id}/state", summary="Change an asset's state (asset controller)")
async def post_state(runtime: RuntimeDep, user: Controller, asset_id: str, body: StateIn) -> dict[str, Any]:
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    if registry.get(asset_id, user.clearance) is None:
        raise ApiError(404, f"no asset {asset_id}")
    try:
        event = registry.change_state(asset_id, body.state, _event_time(runtime), user.username, body.reason)
    except TransitionError as exc:
        raise ApiError(409, f"{asset_id}: {exc}") from None
    runtime.audit.write(user.username, "asset.state", "asset", asset_id, event.to_dict())
    await _notify(runtime)
    return event.to_dict()


class PositionIn(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    time_utc: str | None = None


@router.post("/assets/{asset_id}/position", summary="Set an asset's position by hand (asset controller)")
async def post_position(
    runtime: RuntimeDep, user: Controller, asset_id: str, body: PositionIn
) -> dict[str, Any]:
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    if registry.get(asset_id, user.clearance) is None:
        raise ApiError(404, f"no asset {asset_id}")
    at = _time(body.time_utc, "time_utc") or _event_time(runtime)
    moved = registry.set_position(
        asset_id, body.lat, body.lon, at, PositionSource.MANUAL, f"by {user.username}", actor=user.username
    )
    if not moved:
        raise ApiError(409, f"{asset_id}: a newer position is already held")
    runtime.audit.write(
        user.username,
        "asset.position",
        "asset",
        asset_id,
        {"lat": body.lat, "lon": body.lon, "time": iso(at)},
    )
    await _notify(runtime)
    asset = registry.get(asset_id)
    assert asset is not None
    return asset_public(asset)


class FeedIn(BaseModel):
    source: str = Field(min_length=1, max_length=64, description="the feed's name, e.g. 'blue-force'")
    positions: list[Any] = Field(max_length=MAX_FEED)


@router.post("/assets/positions", summary="A batch of positions from a position feed (asset controller)")
async def post_positions(runtime: RuntimeDep, user: Controller, body: FeedIn) -> dict[str, Any]:
    """Each item: ``asset_id`` or ``mmsi``, ``lat``, ``lon``, ``time_utc``. A bad item is rejected with its
    reason (kept in the rejects ledger, source ``assets-feed:<source>``); the others are applied; an item
    older than the position held is ignored."""
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    visible = {a.id: a for a in registry.assets(user.clearance)}
    by_mmsi = {a.mmsi: a.id for a in visible.values() if a.mmsi is not None}
    ledger = RejectsLedger(runtime.engine)
    source = f"assets-feed:{body.source}"
    accepted = older = 0
    rejected: dict[str, int] = {}
    for i, item in enumerate(body.positions):
        try:
            if not isinstance(item, dict):
                raise DecodeError(RejectReason.MALFORMED, "not an object")
            asset_id = item.get("asset_id") or by_mmsi.get(item.get("mmsi"))  # type: ignore[arg-type]
            if asset_id not in visible:
                who = item.get("asset_id") or item.get("mmsi")
                raise DecodeError(RejectReason.BAD_FIELD, f"unknown asset {who!r}")
            lat, lon = item.get("lat"), item.get("lon")
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
                raise DecodeError(RejectReason.BAD_FIELD, "lat and lon must be numbers")
            flat, flon = float(lat), float(lon)  # type: ignore[arg-type]
            if not (-90 <= flat <= 90 and -180 <= flon <= 180):
                raise DecodeError(RejectReason.OUT_OF_RANGE, f"position {flat}, {flon} is not on Earth")
            at = parse_time(item.get("time_utc"), "time_utc")
            if registry.set_position(str(asset_id), flat, flon, at, PositionSource.FEED, body.source):
                accepted += 1
            else:
                older += 1
        except DecodeError as exc:
            rejected[exc.reason.value] = rejected.get(exc.reason.value, 0) + 1
            raw = json.dumps(item, default=str)[:4000].encode()
            ledger.add(Reject(source, i + 1, exc.reason, exc.detail, raw, runtime.wall_clock.now()))
    ledger.flush()
    runtime.audit.write(
        user.username,
        "asset.positions",
        "feed",
        body.source,
        {"accepted": accepted, "older": older, "rejected": rejected},
    )
    if accepted:
        await _notify(runtime)
    return {"accepted": accepted, "ignored_older": older, "rejected": rejected}


# -- recommendations and taskings -----------------------------------------------------------------------


class RecommendIn(BaseModel):
    target: dict[str, Any] = Field(
        description="as target.json: lat, lon, sog_kn, cog_deg, time_utc, persons …"
    )
    time: str | None = Field(None, description="decision time (ISO, default: the target's)")


@router.post("/assets/recommend", summary="Rank the visible assets for a target by time to intercept")
def post_recommend(runtime: RuntimeDep, user: Reader, body: RecommendIn) -> dict[str, Any]:
    target = _target(body.target)
    at = _time(body.time, "time")
    service = _service(runtime)
    recs = service.recommend(target, at, user.clearance)
    feasible = [r for r in recs if r.feasible]
    enough = [r for r in feasible if r.capacity_ok is not False]
    return {
        "time": iso(at or target.time),
        "first": feasible[0].asset_id if feasible else None,
        "first_with_capacity": enough[0].asset_id if enough else None,
        "recommendations": [r.to_dict() for r in recs],
    }


class TaskIn(BaseModel):
    incident_id: str = Field(min_length=1, max_length=64)
    target: dict[str, Any]
    time: str | None = None
    accept_conflicts: bool = False
    dry_run: bool = Field(False, description="judge only: the conflicts and the ETA, nothing stored")
    marking: str | None = Field(None, description="the incident's marking: the tasking takes the stricter")


@router.post("/assets/{asset_id}/task", summary="Task an asset to an incident (asset controller)")
async def post_task(runtime: RuntimeDep, user: Controller, asset_id: str, body: TaskIn) -> dict[str, Any]:
    """Conflicts (already tasked, endurance too short, capacity too small, the boat lands first) refuse
    the tasking with 409 unless ``accept_conflicts``; maintenance and an unreachable target always refuse.
    ``dry_run`` returns the judgement without tasking (the page asks it before the controller confirms)."""
    target = _target(body.target)
    try:
        marking = None if body.marking is None else parse_marking(body.marking)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    service = _service(runtime)
    try:
        outcome = await run_in_threadpool(
            service.task,
            asset_id,
            body.incident_id,
            target,
            body.target,
            _time(body.time, "time"),
            _event_time(runtime),
            user.username,
            user.clearance,
            accept_conflicts=body.accept_conflicts,
            dry_run=body.dry_run,
            marking=marking,
        )
    except (LookupError, UnknownAsset):
        raise ApiError(404, f"no asset {asset_id}") from None
    judged = {
        "recommendation": outcome.recommendation.to_dict(),
        "conflicts": [c.to_dict() for c in outcome.conflicts],
        "route": outcome.route,
    }
    if body.dry_run:
        return {"tasking": None, **judged, "blocking": [c.to_dict() for c in outcome.blocking]}
    if outcome.tasking is None:
        why = "; ".join(c.message for c in outcome.blocking)
        hint = (
            "" if all(not c.overridable for c in outcome.blocking) else " (accept_conflicts to task anyway)"
        )
        raise ApiError(409, f"tasking refused: {why}{hint}", code="tasking_conflict")
    tasking = outcome.tasking
    runtime.audit.write(
        user.username,
        "asset.task",
        "tasking",
        str(tasking.id),
        {
            "asset_id": asset_id,
            "incident_id": body.incident_id,
            "eta_s": tasking.eta_s,
            "conflicts": [c.code for c in outcome.conflicts],
            "accepted": tasking.conflicts_accepted,
        },
    )
    await _notify(runtime)
    return {"tasking": tasking.to_dict(), **judged}


@router.get("/taskings", summary="Taskings the user may see (active by default)")
def list_taskings(
    runtime: RuntimeDep,
    user: Reader,
    status: Annotated[Literal["active", "completed", "cancelled", "all"], Query()] = "active",
    incident_id: str | None = None,
) -> dict[str, Any]:
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    rows = registry.taskings(user.clearance, None if status == "all" else status, incident_id)
    return {"taskings": [t.to_dict() for t in rows]}


class CancelIn(BaseModel):
    reason: str | None = Field(None, max_length=500)


@router.post("/taskings/{tasking_id}/cancel", summary="Cancel a tasking (asset controller)")
async def post_cancel(
    runtime: RuntimeDep, user: Controller, tasking_id: Int64, body: Annotated[CancelIn | None, Body()] = None
) -> dict[str, Any]:
    registry = AssetRegistry(runtime.engine, runtime.wall_clock)
    if registry.tasking(tasking_id, user.clearance) is None:
        raise ApiError(404, f"no tasking {tasking_id}")
    reason = body.reason if body else None
    try:
        tasking = registry.cancel(tasking_id, _event_time(runtime), user.username, reason)
    except TransitionError as exc:
        raise ApiError(409, str(exc)) from None
    runtime.audit.write(
        user.username,
        "asset.task_cancel",
        "tasking",
        str(tasking_id),
        {"asset_id": tasking.asset_id, "reason": reason},
    )
    await _notify(runtime)
    return tasking.to_dict()


# -- posture ------------------------------------------------------------------------------------------


class PostureIn(BaseModel):
    outlook: list[dict[str, Any]] | None = Field(
        None, description="rows of the crossing outlook: date, p_crossing, expected_boats, expected_people"
    )
    csv: str | None = Field(
        None, max_length=200_000, description="or the CSV of `watchkeeper forecast predict`"
    )


@router.post("/assets/posture", summary="Propose where assets patrol or stand by on the outlook's days")
async def post_posture(runtime: RuntimeDep, user: Reader, request: Request) -> dict[str, Any]:
    """Body: ``text/csv`` (the forecast CSV as written), or JSON ``{"outlook": [...]}`` / ``{"csv": "..."}``.
    Rejected rows are reported with their reasons; the plan uses the others."""
    from watchkeeper.assets.outlook import REQUIRED, parse_outlook

    raw = await request.body()
    if len(raw) > 200_000:
        raise ApiError(413, "outlook too large", code="too_large")
    if request.headers.get("content-type", "").startswith("text/csv"):
        text = raw.decode("utf-8", errors="replace")
    else:
        try:
            body = PostureIn.model_validate_json(raw or b"{}")
        except ValueError as exc:
            raise ApiError(422, f"body: {str(exc)[:300]}") from None
        if body.csv is not None:
            text = body.csv
        elif body.outlook is not None:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(REQUIRED), extrasaction="ignore")
            writer.writeheader()
            for row in body.outlook:
                writer.writerow({k: row.get(k, "") for k in REQUIRED})
            text = out.getvalue()
        else:
            raise ApiError(422, "give the outlook: text/csv, or JSON with 'outlook' or 'csv'")
    try:
        days, rejects = parse_outlook(text)
    except DecodeError as exc:
        raise ApiError(422, f"outlook: {exc.detail}") from None
    if len(days) > 14:
        raise ApiError(422, "outlook: at most 14 days")
    proposal = await run_in_threadpool(_service(runtime).posture, user.clearance, days)
    doc = proposal.to_dict()
    doc["rejected_rows"] = [
        {"line": r.line_no, "reason": r.reason.value, "detail": r.detail} for r in rejects
    ]
    return doc
