"""Releasability over HTTP: releases, field observations, and the UK desk's messages to the French desk.

* ``POST /api/sharing/releases`` — release (or re-restrict) a record: ``{object_type, object_id,
  marking, reason}``; roles watch_officer or analyst, cleared for both markings; audited.
* ``GET /api/sharing/releases`` — the releases the user may see (each at the more restrictive of its
  two markings).
* ``GET /api/sharing/markings`` — the marking set, most restrictive first, with each one's TAK group.
* ``GET /api/observations``, ``GET /api/observations/{obs_id}`` — drone, TAK and observer observations
  the user may see (restricted reads audited).
* ``GET|POST /api/sharing/incidents/{incident_id}/messages`` — the UK desk's side of the desk messages.

A record the user may not see answers 404, like a record that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from watchkeeper.api.deps import CurrentUser, Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.core.marking import Marking, may_see, rank
from watchkeeper.core.types import ObservationKind
from watchkeeper.core.wire import observation_to_dict
from watchkeeper.sharing.releasability import RELEASER_ROLES
from watchkeeper.sharing.service import SharingError, visible
from watchkeeper.sharing.tak import TAK_GROUPS

router = APIRouter(tags=["sharing"])

UK_DESK_ROLES = ("watch_officer", "analyst")
Releaser = Annotated[Principal, Depends(require_roles(*RELEASER_ROLES))]
UkDesk = Annotated[Principal, Depends(require_roles(*UK_DESK_ROLES))]


def refused(exc: SharingError) -> ApiError:
    return ApiError(exc.status, exc.message)


def aware(name: str, t: datetime | None) -> datetime | None:
    if t is not None and t.tzinfo is None:
        raise ApiError(422, f"{name}: give a time zone (e.g. 2026-11-26T05:40:00Z)")
    return t


class ReleaseIn(BaseModel):
    object_type: str = Field(min_length=1, max_length=64)
    object_id: str = Field(min_length=1, max_length=128)
    marking: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/sharing/releases", status_code=201, summary="Release (or re-restrict) a record, with a reason")
def post_release(body: ReleaseIn, user: Releaser, runtime: RuntimeDep) -> dict[str, Any]:
    try:
        release = runtime.sharing.release(user, body.object_type, body.object_id, body.marking, body.reason)
    except SharingError as exc:
        raise refused(exc) from None
    return release.as_dict()


@router.get("/sharing/releases", summary="Releases the user may see, newest first")
def get_releases(
    user: CurrentUser,
    runtime: RuntimeDep,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    found = [r.as_dict() for r in runtime.sharing.releases.history(object_type, object_id, limit)]
    shown = [r for r in found if may_see(user.clearance, r["marking"])]
    runtime.sharing.audit_read(user, "release", shown)
    return {"releases": shown}


@router.get("/sharing/markings", summary="The marking set (most restrictive first) and TAK groups")
def get_markings(user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    ordered = sorted(Marking, key=rank, reverse=True)
    return {
        "markings": [
            {"value": m.value, "tak_group": TAK_GROUPS[m.value], "visible": may_see(user.clearance, m)}
            for m in ordered
        ],
        "clearance": user.clearance,
        "record_types": list(runtime.sharing.record_types),
        "releaser_roles": list(RELEASER_ROLES),
    }


@router.get("/observations", summary="Drone, TAK and observer observations, newest first")
def get_observations(
    user: CurrentUser,
    runtime: RuntimeDep,
    start: Annotated[datetime | None, Query(alias="from", description="ISO 8601 with zone")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601 with zone")] = None,
    kind: ObservationKind | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    found = runtime.sharing.field.observations(
        visible(user.clearance),
        start=aware("from", start),
        end=aware("to", end),
        kind=None if kind is None else kind.value,
        limit=limit,
    )
    out = [observation_to_dict(o) for o in found]
    runtime.sharing.audit_read(user, "observation", out, "obs_id")
    return {"observations": out}


@router.get("/observations/{obs_id}", summary="One observation")
def get_observation(obs_id: str, user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    o = runtime.sharing.field.observation(obs_id)
    if o is None or not may_see(user.clearance, o.marking):
        raise ApiError(404, f"no observation {obs_id}")
    out = observation_to_dict(o)
    runtime.sharing.audit_read(user, "observation", [out], "obs_id")
    return out


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    lang: str = Field("en", pattern="^(en|fr)$")


@router.get("/sharing/incidents/{incident_id}/messages", summary="Desk messages on an incident (UK desk)")
def get_uk_messages(incident_id: str, user: UkDesk, runtime: RuntimeDep) -> dict[str, Any]:
    try:
        found = runtime.sharing.messages(user, incident_id, visible(user.clearance))
    except SharingError as exc:
        raise refused(exc) from None
    return {"incident_id": incident_id, "messages": found}


@router.post("/sharing/incidents/{incident_id}/messages", status_code=201, summary="Write to the French desk")
def post_uk_message(incident_id: str, body: MessageIn, user: UkDesk, runtime: RuntimeDep) -> dict[str, Any]:
    try:
        return runtime.sharing.post_message(user, incident_id, body.text, body.lang)
    except SharingError as exc:
        raise refused(exc) from None
