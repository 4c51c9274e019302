"""The French liaison's API (role ``partner_liaison``): only what is released to UK-FR (or PUBLIC).

* ``GET /api/partner/records`` — every releasable record type's records released to the partner
  (vessels, observations, reports, desk messages, and what other capabilities register), audited.
* ``GET|POST /api/partner/incidents/{incident_id}/messages`` — the French desk's side of the desk
  messages (marked UK-FR: shared by both desks), audited.

Whatever the user's clearance, nothing above UK-FR is shown here (``partner_markings``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.routes.sharing import MessageIn, refused
from watchkeeper.sharing.service import PARTNER_CEILING, SharingError, partner_markings

router = APIRouter(tags=["partner"])

Partner = Annotated[Principal, Depends(require_roles("partner_liaison"))]


@router.get("/partner/records", summary="Records released to the French liaison")
def get_partner_records(user: Partner, runtime: RuntimeDep) -> dict[str, Any]:
    return {
        "ceiling": PARTNER_CEILING.value,
        "markings": list(partner_markings(user.clearance)),
        "records": runtime.sharing.partner_records(user),
    }


@router.get("/partner/incidents/{incident_id}/messages", summary="Desk messages on an incident (French desk)")
def get_partner_messages(incident_id: str, user: Partner, runtime: RuntimeDep) -> dict[str, Any]:
    try:
        found = runtime.sharing.messages(user, incident_id, partner_markings(user.clearance))
    except SharingError as exc:
        raise refused(exc) from None
    return {"incident_id": incident_id, "messages": found}


@router.post(
    "/partner/incidents/{incident_id}/messages", status_code=201, summary="Write to the UK desk (French desk)"
)
def post_partner_message(
    incident_id: str, body: MessageIn, user: Partner, runtime: RuntimeDep
) -> dict[str, Any]:
    try:
        return runtime.sharing.post_message(user, incident_id, body.text, body.lang)
    except SharingError as exc:
        raise refused(exc) from None
