"""Incidents: the board, list, detail with timeline and alerts, transitions, notes, persons, daily figures.

``GET /api/incidents/board`` (one column per state), ``GET /api/incidents`` (filters),
``GET /api/incidents/daily?from=&to=`` (outcome figures per UK day), ``GET /api/incidents/{id}``,
``POST /api/incidents/{id}/transition``, ``POST /api/incidents/{id}/notes``,
``POST /api/incidents/{id}/persons``. Reads are filtered by clearance (an incident the user may not see
is a 404); every change is validated by the lifecycle (a refused transition is a 409 naming what is
allowed) and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.params import Int64
from watchkeeper.incidents.lifecycle import MAX_PERSONS, IncidentState, Outcome

router = APIRouter(tags=["incidents"])

READERS = ("watch_officer", "analyst", "asset_controller", "partner_liaison", "auditor")
ACTORS = ("watch_officer", "asset_controller")
NOTERS = ("watch_officer", "analyst", "asset_controller", "partner_liaison")


class TransitionBody(BaseModel):
    state: IncidentState
    note: str | None = Field(None, max_length=4000)
    persons_landed: int | None = Field(None, ge=0, le=MAX_PERSONS)
    outcome: Outcome | None = None


class NoteBody(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class PersonsBody(BaseModel):
    persons_estimate: int = Field(ge=0, le=MAX_PERSONS)


def _store(runtime: Any) -> Any:
    from watchkeeper.incidents.store import IncidentStore

    return IncidentStore(runtime.engine)


@router.get("/incidents/board", summary="Open incidents by state (most severe first) and the latest closed")
def incident_board(runtime: RuntimeDep, user: Annotated[Principal, Depends(require_roles(*READERS))]) -> Any:
    return _store(runtime).board(user.clearance)


@router.get("/incidents/daily", summary="Outcome figures per UK day, beside the Home Office series")
def incident_daily(
    runtime: RuntimeDep,
    user: Annotated[Principal, Depends(require_roles(*READERS))],
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    if start and end and start > end:
        raise ApiError(422, "from is after to")
    rows = _store(runtime).daily_figures(start, end, user.clearance)
    return {
        "days": [
            {**{k: getattr(r, k) for k in r.__dataclass_fields__}, "date": r.date.isoformat()} for r in rows
        ]
    }


@router.get("/incidents", summary="Incidents, most severe and most recent first")
def list_incidents(
    runtime: RuntimeDep,
    user: Annotated[Principal, Depends(require_roles(*READERS))],
    state: IncidentState | None = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[Int64, Query(ge=0)] = 0,
) -> dict[str, Any]:
    rows = _store(runtime).find(user.clearance, state.value if state else None, open_only, limit, offset)
    return {"incidents": rows, "count": len(rows)}


@router.get("/incidents/{incident_id}", summary="One incident with its timeline, alerts and allowed moves")
def get_incident(
    runtime: RuntimeDep, incident_id: str, user: Annotated[Principal, Depends(require_roles(*READERS))]
) -> dict[str, Any]:
    from watchkeeper.alerts.store import AlertFilter, AlertStore
    from watchkeeper.incidents.store import IncidentNotFound

    try:
        body: dict[str, Any] = _store(runtime).detail(incident_id, user.clearance)
    except IncidentNotFound:
        raise ApiError(404, f"no incident {incident_id}") from None
    body["alerts"] = AlertStore(runtime.engine).find(user.clearance, AlertFilter(incident_id=incident_id))
    body["releases"] = runtime.sharing.releases_of(user.clearance, "incident", incident_id)
    return body


def _act(
    runtime: Any, user: Principal, incident_id: str, action: str, detail: dict[str, Any], fn: Any
) -> Any:
    from watchkeeper.incidents.lifecycle import TransitionError
    from watchkeeper.incidents.store import IncidentNotFound

    try:
        result = fn()
    except IncidentNotFound:
        raise ApiError(404, f"no incident {incident_id}") from None
    except TransitionError as exc:
        raise ApiError(409, str(exc)) from None
    runtime.audit.write(user.username, action, "incident", incident_id, detail)
    return result


@router.post("/incidents/{incident_id}/transition", summary="Move an incident along its lifecycle (audited)")
def transition_incident(
    runtime: RuntimeDep,
    incident_id: str,
    body: TransitionBody,
    user: Annotated[Principal, Depends(require_roles(*ACTORS))],
) -> Any:
    now = runtime.wall_clock.now()
    detail = body.model_dump(mode="json", exclude_none=True)
    return _act(
        runtime,
        user,
        incident_id,
        "incident.transition",
        detail,
        lambda: _store(runtime).transition(
            incident_id,
            user.username,
            user.clearance,
            body.state,
            now,
            body.note,
            body.persons_landed,
            body.outcome,
        ),
    )


@router.post("/incidents/{incident_id}/notes", summary="Add a note to an incident's timeline (audited)")
def add_incident_note(
    runtime: RuntimeDep,
    incident_id: str,
    body: NoteBody,
    user: Annotated[Principal, Depends(require_roles(*NOTERS))],
) -> Any:
    now = runtime.wall_clock.now()
    return _act(
        runtime,
        user,
        incident_id,
        "incident.note",
        {"length": len(body.text)},
        lambda: _store(runtime).add_note(incident_id, user.username, user.clearance, now, body.text),
    )


@router.post("/incidents/{incident_id}/persons", summary="Set the persons-on-board estimate (audited)")
def set_incident_persons(
    runtime: RuntimeDep,
    incident_id: str,
    body: PersonsBody,
    user: Annotated[Principal, Depends(require_roles(*ACTORS))],
) -> Any:
    now = runtime.wall_clock.now()
    return _act(
        runtime,
        user,
        incident_id,
        "incident.persons",
        {"persons_estimate": body.persons_estimate},
        lambda: _store(runtime).set_persons(
            incident_id, user.username, user.clearance, now, body.persons_estimate
        ),
    )
