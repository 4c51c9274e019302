"""Observer and beach-patrol reports: ``POST /api/reports`` (JSON), ``GET /api/reports``,
``GET /api/reports/{report_id}`` and its photo ``GET /api/reports/{report_id}/photo``.

The body is read raw (at most ``MAX_REPORT_BYTES``), appended to the field input log and fsynced, then
checked (``ingest.cot.reports``); a refused report is in the rejects ledger and answers 422 (413 when
too large) with the reason as the error ``code`` (``out_of_range``, ``bad_attachment``, …) and a
message saying what to fix. An accepted report is stored with its photo and the observation it makes
(``obs.report`` on the bus).

The photo is served only as the image type found in its bytes, inline, with ``nosniff`` and a
``sandbox`` CSP: it can never run as a page or a script. Reading it is audited like the report.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from watchkeeper.api.deps import CurrentUser, Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.params import Int64
from watchkeeper.core.errors import RejectReason
from watchkeeper.ingest.cot.intake import ReportRejected
from watchkeeper.ingest.cot.reports import MAX_REPORT_BYTES, PHOTO_TYPES
from watchkeeper.sharing.service import visible

router = APIRouter(tags=["reports"])

REPORTER_ROLES = ("watch_officer", "analyst", "asset_controller", "partner_liaison")
Reporter = Annotated[Principal, Depends(require_roles(*REPORTER_ROLES))]
_SERVABLE = {media_type for media_type, _ext in PHOTO_TYPES.values()}


async def _read_body(request: Request) -> bytes:
    """The body, at most ``MAX_REPORT_BYTES + 1`` bytes of it (enough to know it is too large)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REPORT_BYTES:
            break
    return b"".join(chunks)[: MAX_REPORT_BYTES + 1]


@router.post(
    "/reports",
    status_code=201,
    summary="File an observer's report (position, persons, boat type, photo, text)",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def post_report(request: Request, user: Reporter, runtime: RuntimeDep) -> dict[str, Any]:
    if runtime.field is None:
        raise ApiError(503, "the service is starting: no field intake yet")
    raw = await _read_body(request)
    try:
        stored = await runtime.field.report(raw, user.username, user.clearance, runtime.wall_clock.now())
    except ReportRejected as exc:
        reject = exc.reject
        status = 413 if reject.reason is RejectReason.TOO_LARGE else 422
        raise ApiError(status, reject.detail or reject.reason.value, code=reject.reason.value) from None
    runtime.audit.write(
        user.username, "report", "report", str(stored.report_id), {"marking": stored.observation.marking}
    )
    report = runtime.sharing.field.report(stored.report_id, visible(user.clearance))
    assert report is not None
    return report


@router.get("/reports", summary="Reports the user may see, newest first")
def get_reports(
    user: CurrentUser, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    found = runtime.sharing.field.reports(visible(user.clearance), limit)
    runtime.sharing.audit_read(user, "report", found)
    return {"reports": found}


@router.get("/reports/{report_id}", summary="One report")
def get_report(report_id: Int64, user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    found = runtime.sharing.field.report(report_id, visible(user.clearance))
    if found is None:
        raise ApiError(404, f"no report {report_id}")
    runtime.sharing.audit_read(user, "report", [found])
    return found


@router.get(
    "/reports/{report_id}/photo",
    summary="A report's photo (JPEG, PNG or WebP, as sniffed when it was received)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def get_report_photo(report_id: Int64, user: CurrentUser, runtime: RuntimeDep) -> Response:
    photo = runtime.sharing.field.photo_of(report_id, visible(user.clearance))
    if photo is None or photo.media_type not in _SERVABLE:
        raise ApiError(404, f"no photo for report {report_id}")
    runtime.sharing.audit_read(user, "attachment", [{"id": photo.id, "marking": photo.marking}])
    return Response(
        photo.data,
        media_type=photo.media_type,
        headers={
            "Content-Disposition": f'inline; filename="{photo.filename}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
