"""Alerts: ``GET /api/alerts`` (filters), ``GET /api/alerts/{id}``, ``POST /api/alerts/{id}/ack``,
``GET /api/alerts/settings`` (every rule setting with unit, bounds and sentence).

Every read is filtered by the user's clearance; an alert the user may not see is a 404, as if absent.
Acknowledging is audited (``alert.acknowledge``); acknowledging the first alert of a ``detected``
incident moves it to ``monitored`` (audited too): a person now has it in sight.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.params import Int64

router = APIRouter(tags=["alerts"])

READERS = ("watch_officer", "analyst", "asset_controller", "partner_liaison", "auditor")
ACKERS = ("watch_officer", "asset_controller")


class AckBody(BaseModel):
    note: str | None = Field(None, max_length=2000, description="what was done about it")


def _aware(name: str, t: datetime | None) -> datetime | None:
    if t is not None and t.tzinfo is None:
        raise ApiError(422, f"{name}: give a time zone (e.g. 2026-10-05T02:00:00Z)")
    return t


@router.get("/alerts", summary="Alerts, newest first, filtered by the caller's clearance")
def list_alerts(
    runtime: RuntimeDep,
    user: Annotated[Principal, Depends(require_roles(*READERS))],
    rule: str | None = None,
    status: Annotated[str | None, Query(pattern="^(active|cleared)$")] = None,
    min_severity: Annotated[str | None, Query(description="info, low, medium, high or critical")] = None,
    acknowledged: bool | None = None,
    since: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601 with zone")] = None,
    track_id: Int64 | None = None,
    incident_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[Int64, Query(ge=0)] = 0,
) -> dict[str, Any]:
    from watchkeeper.alerts.store import AlertFilter, AlertStore
    from watchkeeper.alerts.types import RuleName, Severity

    if rule is not None and rule not in {r.value for r in RuleName}:
        raise ApiError(422, f"unknown rule {rule!r}: one of {', '.join(r.value for r in RuleName)}")
    try:
        severity = Severity.parse(min_severity) if min_severity else None
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    f = AlertFilter(
        rule=rule,
        status=status,
        min_severity=severity,
        acknowledged=acknowledged,
        since=_aware("since", since),
        until=_aware("until", until),
        track_id=track_id,
        incident_id=incident_id,
        limit=limit,
        offset=offset,
    )
    rows = AlertStore(runtime.engine).find(user.clearance, f)
    return {"alerts": rows, "count": len(rows)}


@router.get("/alerts/settings", summary="Every rule setting: value in force, unit, bounds, what it does")
def alert_settings(user: Annotated[Principal, Depends(require_roles(*READERS))]) -> dict[str, Any]:
    from watchkeeper.alerts.config import AlertSettings, declared

    values = AlertSettings().as_dict()
    return {
        "settings": [
            {
                "key": s.key,
                "value": values[s.key],
                "default": s.default,
                "unit": s.unit,
                "minimum": s.minimum,
                "maximum": s.maximum,
                "description": s.description,
            }
            for s in declared()
        ]
    }


@router.get("/alerts/{alert_id}", summary="One alert: rule, track, geometry, values and thresholds")
def get_alert(
    runtime: RuntimeDep, alert_id: str, user: Annotated[Principal, Depends(require_roles(*READERS))]
) -> dict[str, Any]:
    from watchkeeper.alerts.store import AlertNotFound, AlertStore

    try:
        body = AlertStore(runtime.engine).get(alert_id, user.clearance)
    except AlertNotFound:
        raise ApiError(404, f"no alert {alert_id}") from None
    body["releases"] = runtime.sharing.releases_of(user.clearance, "alert", alert_id)
    return body


@router.post("/alerts/{alert_id}/ack", summary="Acknowledge an alert (audited)")
def acknowledge_alert(
    runtime: RuntimeDep,
    alert_id: str,
    user: Annotated[Principal, Depends(require_roles(*ACKERS))],
    body: AckBody | None = None,
) -> dict[str, Any]:
    from watchkeeper.alerts.store import AlertNotFound, AlertStore, AlreadyAcknowledged
    from watchkeeper.incidents.lifecycle import IncidentState, TransitionError
    from watchkeeper.incidents.store import IncidentNotFound, IncidentStore

    now = runtime.wall_clock.now()
    note = body.note if body else None
    try:
        row = AlertStore(runtime.engine).acknowledge(alert_id, user.username, user.clearance, now, note)
    except AlertNotFound:
        raise ApiError(404, f"no alert {alert_id}") from None
    except AlreadyAcknowledged as exc:
        raise ApiError(409, str(exc)) from None
    runtime.audit.write(
        user.username, "alert.acknowledge", "alert", alert_id, {"rule": row["rule"], "note": note}
    )
    incident_id = row.get("incident_id")
    if incident_id:
        store = IncidentStore(runtime.engine)
        try:
            if store.detail(incident_id, user.clearance)["state"] == IncidentState.DETECTED.value:
                store.transition(
                    incident_id,
                    user.username,
                    user.clearance,
                    IncidentState.MONITORED,
                    now,
                    note=f"{row['rule']} alert acknowledged by {user.username}",
                )
                runtime.audit.write(
                    user.username,
                    "incident.transition",
                    "incident",
                    incident_id,
                    {"to": "monitored", "via": "alert.acknowledge", "alert_id": alert_id},
                )
        except (IncidentNotFound, TransitionError):
            pass
    return row
