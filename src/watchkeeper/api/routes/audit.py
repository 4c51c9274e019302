"""The audit log for auditors (role ``auditor``): query and export.

* ``GET /api/audit`` — events oldest first from ``after_id`` (page with the last id you got), filtered
  by ``actor``, ``action``, ``object_type``, ``object_id``, ``from``, ``to``; each event at its marking.
* ``GET /api/audit/export`` — the same filter as hash-chained NDJSON (``sharing.audit``), streamed; the
  export itself is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.params import Int64
from watchkeeper.api.routes.sharing import aware
from watchkeeper.sharing.audit import AuditFilter, export_lines, iter_audit, query_audit

router = APIRouter(tags=["audit"])

Auditor = Annotated[Principal, Depends(require_roles("auditor"))]


def _filter(
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    start: Annotated[datetime | None, Query(alias="from", description="ISO 8601 with zone")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601 with zone")] = None,
) -> AuditFilter:
    return AuditFilter(actor, action, object_type, object_id, aware("from", start), aware("to", end))


Filter = Annotated[AuditFilter, Depends(_filter)]


@router.get("/audit", summary="Audit events, oldest first")
def get_audit(
    user: Auditor,
    runtime: RuntimeDep,
    flt: Filter,
    after_id: Annotated[Int64, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> dict[str, Any]:
    events = query_audit(runtime.engine, user.clearance, flt, after_id, limit)
    return {"events": events, "next_after_id": events[-1]["id"] if events else after_id}


@router.get(
    "/audit/export",
    summary="Audit events as hash-chained NDJSON",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_audit(user: Auditor, runtime: RuntimeDep, flt: Filter) -> StreamingResponse:
    runtime.audit.write(
        user.username,
        "audit_export",
        "audit_log",
        None,
        {"filter": {k: str(v) for k, v in asdict(flt).items() if v is not None}, "marking": user.clearance},
    )
    rows: Iterator[dict[str, Any]] = iter_audit(runtime.engine, user.clearance, flt)
    return StreamingResponse(
        export_lines(rows),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="watchkeeper-audit.ndjson"'},
    )
