"""``/api/intel/...``: reports, sources, entities, links, search, network, investigations, justice
records, figures, evidence packages and the intelligence audit trail.

Roles (``require_roles``; releasability and source protection are applied beneath, in ``intel``):

* ``analyst`` — everything here except the audit trail.
* ``partner_liaison`` — reads reports, entities, links, search and the network (within their
  clearance), records sources and reports (partner intelligence comes in through them) and releases
  reports under their handling code.
* ``auditor`` — the intelligence audit trail (``/intel/audit``), the evidence packages' metadata and
  continuity records, the figures. Never the content of intelligence.
* ``watch_officer`` — the figures (live investigations, arrests, convictions) for the briefing.
* ``admin`` — nothing (it manages users).

Errors: not visible or absent → 404 (the same answer, on purpose), not allowed → 403, invalid → 422,
conflict → 409, always in the API's one error shape.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.params import Int64
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.errors import ConfigError
from watchkeeper.core.marking import may_see
from watchkeeper.intel.access import IntelConflict, IntelForbidden, IntelNotFound
from watchkeeper.intel.cases import CaseService
from watchkeeper.intel.entities import IntelValidationError
from watchkeeper.intel.evidence.collectors import EvidenceScope
from watchkeeper.intel.evidence.export import EvidenceService, file_sha256
from watchkeeper.intel.evidence.keys import load_or_create_signing_key
from watchkeeper.intel.grading import GradingError
from watchkeeper.intel.schemas import (
    ArrestIn,
    ArrestPublic,
    ChargeIn,
    ChargePublic,
    EntityDetail,
    EntityIn,
    EntityPublic,
    Figures,
    InvestigationClose,
    InvestigationIn,
    InvestigationPublic,
    InvestigationSummary,
    ItemIn,
    ItemPublic,
    LinkIn,
    LinkPublic,
    NetworkPublic,
    OutcomeIn,
    ReleaseIn,
    ReportIn,
    ReportPublic,
    ReportSummary,
    SearchResult,
    SourceIn,
    SourcePublic,
)
from watchkeeper.intel.service import IntelService
from watchkeeper.sharing.audit import audit_to_dict
from watchkeeper.sharing.releasability import marking_rank
from watchkeeper.store.models import AuditEvent

router = APIRouter(prefix="/intel", tags=["intel"])

Analyst = Annotated[Principal, Depends(require_roles("analyst"))]
Reader = Annotated[Principal, Depends(require_roles("analyst", "partner_liaison"))]
Auditor = Annotated[Principal, Depends(require_roles("auditor"))]
EvidenceReader = Annotated[Principal, Depends(require_roles("analyst", "auditor"))]
FiguresReader = Annotated[Principal, Depends(require_roles("analyst", "watch_officer", "auditor"))]

PACKAGE_DIR = "evidence"


@contextmanager
def _errors() -> Iterator[None]:
    """The intel errors as API errors."""
    try:
        yield
    except IntelNotFound as exc:
        raise ApiError(404, str(exc)) from None
    except IntelForbidden as exc:
        raise ApiError(403, str(exc)) from None
    except IntelConflict as exc:
        raise ApiError(409, str(exc)) from None
    except (IntelValidationError, GradingError) as exc:
        raise ApiError(422, str(exc)) from None


def _intel(runtime: Runtime) -> IntelService:
    return IntelService(runtime.engine, runtime.audit, runtime.wall_clock)


def _cases(runtime: Runtime) -> CaseService:
    return CaseService(runtime.engine, runtime.audit, runtime.wall_clock)


def _evidence(runtime: Runtime) -> EvidenceService:
    try:
        key = load_or_create_signing_key(runtime.settings.data_dir)
    except ConfigError as exc:
        raise ApiError(503, f"evidence signing key unavailable: {exc}") from None
    return EvidenceService(
        runtime.engine, runtime.audit, runtime.wall_clock, key, runtime.settings.input_log_dir
    )


# --- sources and reports -------------------------------------------------------------------------


@router.post("/sources", response_model=SourcePublic, status_code=201, summary="Register a source you handle")
def add_source(body: SourceIn, user: Reader, runtime: RuntimeDep) -> SourcePublic:
    with _errors():
        return _intel(runtime).add_source(user, body)


@router.get("/sources", response_model=list[SourcePublic], summary="The sources you handle")
def list_sources(user: Reader, runtime: RuntimeDep) -> list[SourcePublic]:
    return _intel(runtime).list_sources(user)


@router.get("/reports", response_model=list[ReportSummary], summary="Reports you may see, newest first")
def list_reports(
    user: Reader,
    runtime: RuntimeDep,
    entity_id: Int64 | None = None,
    ref_kind: Annotated[str | None, Query(description="incident, track, vessel, place or entity")] = None,
    ref: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[Int64, Query(ge=0)] = 0,
) -> list[ReportSummary]:
    with _errors():
        return _intel(runtime).list_reports(
            user, entity_id=entity_id, ref_kind=ref_kind, ref=ref, limit=limit, offset=offset
        )


@router.post("/reports", response_model=ReportPublic, status_code=201, summary="Record a graded report")
def create_report(body: ReportIn, user: Reader, runtime: RuntimeDep) -> ReportPublic:
    with _errors():
        return _intel(runtime).create_report(user, body)


@router.get("/reports/{report_id}", response_model=ReportPublic, summary="One report (audited)")
def get_report(report_id: Int64, user: Reader, runtime: RuntimeDep) -> ReportPublic:
    with _errors():
        return _intel(runtime).get_report(user, report_id)


@router.post(
    "/reports/{report_id}/release", response_model=ReportPublic, summary="Release to a wider marking"
)
def release_report(report_id: Int64, body: ReleaseIn, user: Reader, runtime: RuntimeDep) -> ReportPublic:
    with _errors():
        return _intel(runtime).release_report(user, report_id, body.marking)


# --- entities, links, search, network --------------------------------------------------------------


@router.get("/entities", response_model=list[EntityPublic], summary="Entities you may see")
def list_entities(
    user: Reader,
    runtime: RuntimeDep,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[Int64, Query(ge=0)] = 0,
) -> list[EntityPublic]:
    with _errors():
        return _intel(runtime).list_entities(user, kind=kind, limit=limit, offset=offset)


@router.post("/entities", response_model=EntityPublic, status_code=201, summary="Record an entity")
def create_entity(body: EntityIn, user: Analyst, runtime: RuntimeDep) -> EntityPublic:
    with _errors():
        return _intel(runtime).create_entity(user, body)


@router.get("/entities/{entity_id}", response_model=EntityDetail, summary="One entity, its links and reports")
def get_entity(entity_id: Int64, user: Reader, runtime: RuntimeDep) -> EntityDetail:
    with _errors():
        return _intel(runtime).get_entity(user, entity_id)


@router.get("/links", response_model=list[LinkPublic], summary="Links you may see")
def list_links(user: Reader, runtime: RuntimeDep, entity_id: Int64 | None = None) -> list[LinkPublic]:
    with _errors():
        return _intel(runtime).list_links(user, entity_id=entity_id)


@router.post("/links", response_model=LinkPublic, status_code=201, summary="Link two entities")
def create_link(body: LinkIn, user: Analyst, runtime: RuntimeDep) -> LinkPublic:
    with _errors():
        return _intel(runtime).create_link(user, body)


@router.get("/search", response_model=SearchResult, summary="Search reports, entities and investigations")
def search(
    user: Reader,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=2, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SearchResult:
    with _errors():
        return _intel(runtime).search(user, q, limit=limit)


@router.get("/network", response_model=NetworkPublic, summary="The network with centrality and communities")
def network(
    user: Reader,
    runtime: RuntimeDep,
    method: Annotated[str, Query(description="louvain or greedy")] = "louvain",
    top: Annotated[int, Query(ge=0, le=50)] = 5,
    around: Annotated[Int64 | None, Query(description="only this entity's neighbourhood")] = None,
    depth: Annotated[int, Query(ge=1, le=6)] = 2,
) -> NetworkPublic:
    with _errors():
        return _intel(runtime).network(user, method=method, top=top, around=around, depth=depth)


# --- investigations and justice ---------------------------------------------------------------------


@router.get("/investigations", response_model=list[InvestigationSummary], summary="Investigations")
def list_investigations(
    user: Analyst, runtime: RuntimeDep, status: str | None = None
) -> list[InvestigationSummary]:
    with _errors():
        return _cases(runtime).list_investigations(user, status=status)


@router.post("/investigations", response_model=InvestigationSummary, status_code=201, summary="Open a case")
def create_investigation(body: InvestigationIn, user: Analyst, runtime: RuntimeDep) -> InvestigationSummary:
    with _errors():
        return _cases(runtime).create(user, body)


@router.get("/investigations/{investigation_id}", response_model=InvestigationPublic, summary="One case")
def get_investigation(investigation_id: Int64, user: Analyst, runtime: RuntimeDep) -> InvestigationPublic:
    with _errors():
        return _cases(runtime).get(user, investigation_id)


@router.post("/investigations/{investigation_id}/close", response_model=InvestigationSummary)
def close_investigation(
    investigation_id: Int64, body: InvestigationClose, user: Analyst, runtime: RuntimeDep
) -> InvestigationSummary:
    with _errors():
        return _cases(runtime).close(user, investigation_id, body.closed_on)


@router.post("/investigations/{investigation_id}/items", response_model=ItemPublic, status_code=201)
def add_item(investigation_id: Int64, body: ItemIn, user: Analyst, runtime: RuntimeDep) -> ItemPublic:
    with _errors():
        return _cases(runtime).add_item(user, investigation_id, body)


@router.post("/investigations/{investigation_id}/arrests", response_model=ArrestPublic, status_code=201)
def record_arrest(
    investigation_id: Int64, body: ArrestIn, user: Analyst, runtime: RuntimeDep
) -> ArrestPublic:
    with _errors():
        return _cases(runtime).record_arrest(user, investigation_id, body)


@router.post("/arrests/{arrest_id}/charges", response_model=ChargePublic, status_code=201)
def record_charge(arrest_id: Int64, body: ChargeIn, user: Analyst, runtime: RuntimeDep) -> ChargePublic:
    with _errors():
        return _cases(runtime).record_charge(user, arrest_id, body)


@router.post("/charges/{charge_id}/outcome", response_model=ChargePublic, status_code=201)
def record_outcome(charge_id: Int64, body: OutcomeIn, user: Analyst, runtime: RuntimeDep) -> ChargePublic:
    with _errors():
        return _cases(runtime).record_outcome(user, charge_id, body)


@router.get("/figures", response_model=Figures, summary="Live investigations, arrests, charges, convictions")
def figures(
    user: FiguresReader,
    runtime: RuntimeDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Figures:
    with _errors():
        return _cases(runtime).figures(user, start, end)


# --- evidence -----------------------------------------------------------------------------------------


class EvidenceExportIn(BaseModel):
    incident_ref: str = Field(min_length=1, max_length=128)
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    mmsis: list[int] = Field(default_factory=list, max_length=200)
    sources: list[str] = Field(default_factory=list, max_length=50)
    marking: str = "UK-ONLY"

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone (e.g. 2026-08-14T03:00:00Z)")
        return value


class EvidencePackagePublic(BaseModel):
    package_id: str
    incident_ref: str
    items: int
    head_sha256: str
    file_sha256: str
    key_fingerprint: str
    marking: str
    simulated: bool
    exported_by: str
    created_at: datetime
    scope: dict[str, Any]


class ContinuityPublic(BaseModel):
    time: datetime
    actor: str
    action: str
    file_sha256: str
    detail: dict[str, Any] | None


class VerificationPublic(BaseModel):
    ok: bool
    problems: list[str]
    warnings: list[str]
    package_id: str | None
    items: int
    head: str | None
    key_fingerprint: str | None


def _package_path(runtime: Runtime, package_id: str) -> Path:
    return runtime.settings.data_dir / PACKAGE_DIR / f"{package_id}.zip"


def _package_public(row: Any) -> EvidencePackagePublic:
    return EvidencePackagePublic(
        package_id=row.package_id,
        incident_ref=row.incident_ref,
        items=row.item_count,
        head_sha256=row.head_sha256,
        file_sha256=row.file_sha256,
        key_fingerprint=row.key_fingerprint,
        marking=row.marking,
        simulated=row.simulated,
        exported_by=row.exported_by,
        created_at=row.created_at,
        scope=row.scope,
    )


@router.post("/evidence", response_model=EvidencePackagePublic, status_code=201, summary="Export a package")
def export_evidence(body: EvidenceExportIn, user: Analyst, runtime: RuntimeDep) -> EvidencePackagePublic:
    with _errors():
        try:
            scope = EvidenceScope(
                body.incident_ref, body.start, body.end, mmsis=tuple(body.mmsis), sources=tuple(body.sources)
            )
        except ValueError as exc:
            raise IntelValidationError(str(exc)) from None
        service = _evidence(runtime)
        package_id = str(uuid.uuid4())
        service.export(user, scope, _package_path(runtime, package_id), body.marking, package_id=package_id)
        row = service.stored(package_id)
    assert row is not None
    return _package_public(row)


@router.get("/evidence", response_model=list[EvidencePackagePublic], summary="Exported packages")
def list_evidence(
    user: EvidenceReader, runtime: RuntimeDep, incident_ref: str | None = None
) -> list[EvidencePackagePublic]:
    return [_package_public(r) for r in _evidence(runtime).packages(user, incident_ref)]


def _visible_package(runtime: Runtime, user: Principal, package_id: str) -> tuple[EvidenceService, Path]:
    service = _evidence(runtime)
    row = service.stored(package_id)
    if row is None or not may_see(user.clearance, row.marking):
        raise ApiError(404, f"no evidence package {package_id}")
    path = _package_path(runtime, package_id)
    if not path.is_file():
        raise ApiError(404, f"package {package_id} was exported elsewhere (its file is not held here)")
    return service, path


@router.get("/evidence/{package_id}/continuity", response_model=list[ContinuityPublic])
def continuity(package_id: str, user: EvidenceReader, runtime: RuntimeDep) -> list[ContinuityPublic]:
    with _errors():
        rows = _evidence(runtime).continuity(user, package_id)
    return [
        ContinuityPublic(
            time=r.time, actor=r.actor, action=r.action, file_sha256=r.file_sha256, detail=r.detail
        )
        for r in rows
    ]


@router.get(
    "/evidence/{package_id}/download",
    summary="The package file (recorded in its continuity)",
    responses={200: {"content": {"application/zip": {}}}},
)
def download_evidence(package_id: str, user: Analyst, runtime: RuntimeDep) -> FileResponse:
    service, path = _visible_package(runtime, user, package_id)
    service.record(user.username, package_id, "downloaded", file_sha256(path), {"file": path.name})
    return FileResponse(path, media_type="application/zip", filename=f"evidence-{package_id}.zip")


@router.post("/evidence/{package_id}/verify", response_model=VerificationPublic)
def verify_evidence(package_id: str, user: EvidenceReader, runtime: RuntimeDep) -> VerificationPublic:
    service, path = _visible_package(runtime, user, package_id)
    result = service.verify_and_record(user.username, path)
    return VerificationPublic(
        ok=result.ok,
        problems=result.problems,
        warnings=result.warnings,
        package_id=result.package_id,
        items=result.items,
        head=result.head,
        key_fingerprint=result.fingerprint,
    )


# --- the audit trail of intelligence ----------------------------------------------------------------


class AuditPublic(BaseModel):
    time: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: dict[str, Any] | None


@router.get(
    "/audit", response_model=list[AuditPublic], summary="Who read or changed intelligence, newest first"
)
def audit_trail(
    user: Auditor,
    runtime: RuntimeDep,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditPublic]:
    stmt = select(AuditEvent).where(AuditEvent.action.like("intel.%"))
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor == actor)
    with Session(runtime.engine) as s:
        rows = list(s.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit)))
    # an audit row is seen at the marking of what it is about (sharing.audit): no UK-ONLY metadata for
    # an auditor cleared below it
    rows = [r for r in rows if marking_rank(audit_to_dict(r)["marking"]) <= marking_rank(user.clearance)]
    runtime.audit.write(
        user.username,
        "audit.read",
        "audit_log",
        None,
        {"filter": "intel.%", "actor": actor, "rows": len(rows)},
    )
    return [
        AuditPublic(
            time=r.time,
            actor=r.actor,
            action=r.action,
            object_type=r.object_type,
            object_id=r.object_id,
            detail=r.detail,
        )
        for r in rows
    ]
