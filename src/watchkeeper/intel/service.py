"""The intelligence service: sources, graded reports, releases, entities, links, search, network.

Every method takes the ``viewer`` and applies the rules of ``intel.access``: releasability filters in
the query, source identity for the handler only, handling codes on onward sharing, one audit row for
every read and every change. Times recorded here (``recorded_at``, release time) come from the
injected clock: they are facts about the room (wall clock at the edge), not about the sea.

Handling codes on onward sharing (``release_report``):

* ``P`` — an analyst or the partner liaison may release the report to a wider marking (audited).
* ``C`` — only the source's handler may release it, and the release carries the handler's
  conditions, which every reader of the released report is shown. A C-coded report is never
  released to ``PUBLIC``: conditions cannot bind the public.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, false, func, or_, select
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.core.marking import Marking, parse_marking, rank
from watchkeeper.intel import network as net
from watchkeeper.intel.access import (
    Auditor,
    IntelForbidden,
    IntelNotFound,
    Viewer,
    check_marking_for_writer,
    link_visible,
    markings_for,
    sees,
)
from watchkeeper.intel.entities import (
    IntelValidationError,
    check_name,
    parse_entity_kind,
    parse_identifier,
    parse_link_type,
)
from watchkeeper.intel.grading import HandlingCode, parse_grading
from watchkeeper.intel.models import (
    IntelEntity,
    IntelIdentifier,
    IntelLink,
    IntelLinkReport,
    IntelRelease,
    IntelReport,
    IntelReportRef,
    IntelSource,
    Investigation,
)
from watchkeeper.intel.schemas import (
    EntityDetail,
    EntityIn,
    EntityPublic,
    FacilitatorPublic,
    GradingPublic,
    IdentifierPublic,
    LinkIn,
    LinkPublic,
    NetworkEdge,
    NetworkNode,
    NetworkPublic,
    ReleasePublic,
    ReportIn,
    ReportPublic,
    ReportRefPublic,
    ReportSummary,
    SearchHit,
    SearchResult,
    SourceIn,
    SourcePublic,
    SourceView,
)

RELEASER_ROLES = frozenset({"analyst", "partner_liaison"})
MAX_PAGE = 500
MIN_QUERY = 2


def _grading(r: IntelReport) -> GradingPublic:
    g = parse_grading(
        r.grading_system, r.source_grade, r.information_grade, r.handling_code, r.handling_conditions
    )
    return GradingPublic(
        system=g.system.value,
        code=g.code,
        source=g.source,
        information=g.information,
        handling=g.handling.value,
        conditions=g.conditions,
        meaning=g.describe(),
    )


def _summary(r: IntelReport) -> ReportSummary:
    code = _grading(r).code
    return ReportSummary(
        id=r.id,
        reference=r.reference,
        title=r.title,
        grading=code,
        handling=r.handling_code,
        marking=r.marking,
        information_time=r.information_time,
        recorded_at=r.recorded_at,
    )


def _page(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_PAGE:
        raise IntelValidationError(f"limit must be 1..{MAX_PAGE}")
    if offset < 0:
        raise IntelValidationError("offset must be >= 0")
    return limit, offset


class IntelService:
    def __init__(self, engine: Engine, audit: Auditor, clock: Clock) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock

    # --- sources -----------------------------------------------------------------------------------

    def add_source(self, viewer: Viewer, data: SourceIn) -> SourcePublic:
        """Register a source; the viewer becomes its handler."""
        with Session(self.engine) as s, s.begin():
            row = IntelSource(
                reference=f"tmp-{uuid.uuid4().hex}"[:32],
                handler=viewer.username,
                kind=data.kind,
                identity=data.identity,
                created_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            row.reference = f"SRC-{row.id:05d}"
            out = SourcePublic(
                id=row.id,
                reference=row.reference,
                kind=row.kind,
                identity=row.identity,
                handler=row.handler,
                created_at=row.created_at,
            )
        # The audit row names the source, never its identity.
        self.audit.write(
            viewer.username,
            "intel.source.create",
            "intel_source",
            str(out.id),
            {"reference": out.reference, "kind": out.kind},
        )
        return out

    def list_sources(self, viewer: Viewer) -> list[SourcePublic]:
        """The sources the viewer handles (nobody sees another handler's sources)."""
        with Session(self.engine) as s:
            rows = s.scalars(
                select(IntelSource).where(IntelSource.handler == viewer.username).order_by(IntelSource.id)
            ).all()
            out = [
                SourcePublic(
                    id=r.id,
                    reference=r.reference,
                    kind=r.kind,
                    identity=r.identity,
                    handler=r.handler,
                    created_at=r.created_at,
                )
                for r in rows
            ]
        self.audit.write(
            viewer.username, "intel.source.list", "intel_source", None, {"ids": [o.id for o in out]}
        )
        return out

    # --- reports -----------------------------------------------------------------------------------

    def create_report(self, viewer: Viewer, data: ReportIn) -> ReportPublic:
        g = data.grading
        grading = parse_grading(g.system, g.source, g.information, g.handling, g.conditions)
        marking = check_marking_for_writer(viewer, data.marking)
        with Session(self.engine) as s, s.begin():
            source = s.get(IntelSource, data.source_id)
            if source is None or source.handler != viewer.username:
                # Reports are recorded by the source's handler: nobody else may attribute to a source.
                raise IntelNotFound(f"no source {data.source_id} handled by you")
            row = IntelReport(
                reference=f"tmp-{uuid.uuid4().hex}"[:32],
                title=data.title,
                body=data.body,
                information_time=data.information_time,
                grading_system=grading.system.value,
                source_grade=grading.source,
                information_grade=grading.information,
                handling_code=grading.handling.value,
                handling_conditions=grading.conditions,
                source_id=source.id,
                marking=marking.value,
                recorded_by=viewer.username,
                recorded_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            row.reference = f"IR-{row.id:06d}"
            seen: set[tuple[str, str]] = set()
            for ref in data.refs:
                key = (ref.kind, ref.ref)
                if key in seen:
                    continue
                seen.add(key)
                entity_id = None
                if ref.kind == "entity":
                    entity = self._entity_or_404(s, viewer, ref.ref)
                    entity_id = entity.id
                elif ref.kind == "place" and (ref.lat is None) != (ref.lon is None):
                    raise IntelValidationError("a place needs both lat and lon, or neither")
                s.add(
                    IntelReportRef(
                        report_id=row.id,
                        kind=ref.kind,
                        ref=ref.ref,
                        entity_id=entity_id,
                        lat=ref.lat,
                        lon=ref.lon,
                    )
                )
            s.flush()
            out = self._report_public(s, viewer, row)
        self.audit.write(
            viewer.username,
            "intel.report.create",
            "intel_report",
            str(out.id),
            {"reference": out.reference, "grading": out.grading.code, "marking": out.marking},
        )
        return out

    def _report_or_404(self, s: Session, viewer: Viewer, report_id: int) -> IntelReport:
        row = s.get(IntelReport, report_id)
        if row is None or not sees(viewer, row.marking):
            raise IntelNotFound(f"no report {report_id}")
        return row

    def _entity_or_404(self, s: Session, viewer: Viewer, entity_id: int | str) -> IntelEntity:
        try:
            key = int(entity_id)
        except (TypeError, ValueError):
            raise IntelValidationError(f"entity reference {entity_id!r} is not an entity id") from None
        row = s.get(IntelEntity, key)
        if row is None or not sees(viewer, row.marking):
            raise IntelNotFound(f"no entity {entity_id}")
        return row

    def _report_public(self, s: Session, viewer: Viewer, r: IntelReport) -> ReportPublic:
        source = s.get(IntelSource, r.source_id)
        assert source is not None  # foreign key
        if source.handler == viewer.username:
            view = SourceView(
                protected=False,
                id=source.id,
                reference=source.reference,
                kind=source.kind,
                identity=source.identity,
                handler=source.handler,
            )
        else:
            view = SourceView(protected=True)
        refs = []
        for ref in s.scalars(
            select(IntelReportRef).where(IntelReportRef.report_id == r.id).order_by(IntelReportRef.id)
        ):
            name = None
            if ref.entity_id is not None:
                entity = s.get(IntelEntity, ref.entity_id)
                if entity is None or not sees(viewer, entity.marking):
                    continue  # an entity above the viewer's clearance is not shown, not even its id
                name = entity.name
            refs.append(ReportRefPublic(kind=ref.kind, ref=ref.ref, lat=ref.lat, lon=ref.lon, name=name))
        releases = [
            ReleasePublic(
                from_marking=x.from_marking,
                to_marking=x.to_marking,
                handling_code=x.handling_code,
                conditions=x.conditions,
                released_by=x.released_by,
                time=x.time,
            )
            for x in s.scalars(
                select(IntelRelease).where(IntelRelease.report_id == r.id).order_by(IntelRelease.id)
            )
        ]
        return ReportPublic(
            id=r.id,
            reference=r.reference,
            title=r.title,
            body=r.body,
            information_time=r.information_time,
            grading=_grading(r),
            source=view,
            marking=r.marking,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
            refs=refs,
            releases=releases,
        )

    def get_report(self, viewer: Viewer, report_id: int) -> ReportPublic:
        with Session(self.engine) as s:
            try:
                out = self._report_public(s, viewer, self._report_or_404(s, viewer, report_id))
            except IntelNotFound:
                self.audit.write(viewer.username, "intel.report.denied", "intel_report", str(report_id))
                raise
        self.audit.write(
            viewer.username,
            "intel.report.read",
            "intel_report",
            str(report_id),
            {"reference": out.reference, "source_identity_shown": not out.source.protected},
        )
        return out

    def list_reports(
        self,
        viewer: Viewer,
        *,
        entity_id: int | None = None,
        ref_kind: str | None = None,
        ref: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ReportSummary]:
        limit, offset = _page(limit, offset)
        stmt = select(IntelReport).where(IntelReport.marking.in_(markings_for(viewer)))
        if entity_id is not None:
            stmt = stmt.where(
                IntelReport.id.in_(
                    select(IntelReportRef.report_id).where(IntelReportRef.entity_id == entity_id)
                )
            )
        if ref_kind is not None:
            sub = select(IntelReportRef.report_id).where(IntelReportRef.kind == ref_kind)
            if ref is not None:
                sub = sub.where(IntelReportRef.ref == ref)
            stmt = stmt.where(IntelReport.id.in_(sub))
        stmt = (
            stmt.order_by(IntelReport.recorded_at.desc(), IntelReport.id.desc()).limit(limit).offset(offset)
        )
        with Session(self.engine) as s:
            out = [_summary(r) for r in s.scalars(stmt)]
        self.audit.write(
            viewer.username,
            "intel.report.list",
            "intel_report",
            None,
            {"ids": [o.id for o in out], "entity_id": entity_id, "ref_kind": ref_kind, "ref": ref},
        )
        return out

    def release_report(self, viewer: Viewer, report_id: int, to: str) -> ReportPublic:
        """Release a report to a wider marking under its handling code (see the module docstring)."""
        try:
            target = parse_marking(to)
        except ValueError as exc:
            raise IntelValidationError(str(exc)) from None
        with Session(self.engine) as s, s.begin():
            row = self._report_or_404(s, viewer, report_id)
            current = parse_marking(row.marking)
            if rank(target) >= rank(current):
                raise IntelValidationError(
                    f"{row.reference} is {current.value}: releasing to {target.value} would not widen it"
                )
            code = HandlingCode(row.handling_code)
            source = s.get(IntelSource, row.source_id)
            assert source is not None
            if code is HandlingCode.CONDITIONS:
                if viewer.username != source.handler:
                    self.audit.write(
                        viewer.username,
                        "intel.report.release_refused",
                        "intel_report",
                        str(report_id),
                        {"to": target.value, "why": "handling code C"},
                    )
                    raise IntelForbidden(
                        f"{row.reference} has handling code C: only the source's handler may release it, "
                        "under the handler's conditions"
                    )
                if target is Marking.PUBLIC:
                    raise IntelForbidden(f"{row.reference} has handling code C: never released to PUBLIC")
            elif not RELEASER_ROLES.intersection(viewer.roles):
                raise IntelForbidden("releasing a report needs the analyst or partner_liaison role")
            s.add(
                IntelRelease(
                    report_id=row.id,
                    from_marking=current.value,
                    to_marking=target.value,
                    handling_code=code.value,
                    conditions=row.handling_conditions,
                    released_by=viewer.username,
                    time=self.clock.now(),
                )
            )
            row.marking = target.value
            s.flush()
            out = self._report_public(s, viewer, row)
        self.audit.write(
            viewer.username,
            "intel.report.release",
            "intel_report",
            str(report_id),
            {"from": current.value, "to": target.value, "handling": code.value},
        )
        return out

    # --- entities ----------------------------------------------------------------------------------

    def create_entity(self, viewer: Viewer, data: EntityIn) -> EntityPublic:
        kind = parse_entity_kind(data.kind)
        name = check_name(data.name)
        marking = check_marking_for_writer(viewer, data.marking)
        idents = [parse_identifier(kind, i.kind, i.value) for i in data.identifiers]
        with Session(self.engine) as s, s.begin():
            row = IntelEntity(
                kind=kind.value,
                name=name,
                attributes=data.attributes,
                notes=data.notes,
                marking=marking.value,
                created_by=viewer.username,
                created_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            done: set[tuple[str, str]] = set()
            for ident in idents:
                if (ident.kind.value, ident.normalised) in done:
                    continue
                done.add((ident.kind.value, ident.normalised))
                s.add(
                    IntelIdentifier(
                        entity_id=row.id,
                        kind=ident.kind.value,
                        value=ident.value,
                        normalised=ident.normalised,
                    )
                )
            s.flush()
            out = self._entity_public(s, row)
        self.audit.write(
            viewer.username,
            "intel.entity.create",
            "intel_entity",
            str(out.id),
            {"kind": out.kind, "marking": out.marking},
        )
        return out

    def _entity_public(self, s: Session, e: IntelEntity) -> EntityPublic:
        idents = s.scalars(
            select(IntelIdentifier).where(IntelIdentifier.entity_id == e.id).order_by(IntelIdentifier.id)
        ).all()
        return EntityPublic(
            id=e.id,
            kind=e.kind,
            name=e.name,
            attributes=e.attributes or {},
            notes=e.notes,
            marking=e.marking,
            identifiers=[
                IdentifierPublic(kind=i.kind, value=i.value, normalised=i.normalised) for i in idents
            ],
            created_by=e.created_by,
            created_at=e.created_at,
        )

    def get_entity(self, viewer: Viewer, entity_id: int) -> EntityDetail:
        with Session(self.engine) as s:
            try:
                e = self._entity_or_404(s, viewer, entity_id)
            except IntelNotFound:
                self.audit.write(viewer.username, "intel.entity.denied", "intel_entity", str(entity_id))
                raise
            base = self._entity_public(s, e)
            links = [
                lk
                for lk in self._visible_links(
                    s, viewer, or_(IntelLink.source_id == e.id, IntelLink.target_id == e.id)
                )
            ]
            report_ids = select(IntelReportRef.report_id).where(IntelReportRef.entity_id == e.id)
            reports = [
                _summary(r)
                for r in s.scalars(
                    select(IntelReport)
                    .where(IntelReport.id.in_(report_ids), IntelReport.marking.in_(markings_for(viewer)))
                    .order_by(IntelReport.id)
                )
            ]
        out = EntityDetail(**base.model_dump(), links=links, reports=reports)
        self.audit.write(
            viewer.username,
            "intel.entity.read",
            "intel_entity",
            str(entity_id),
            {"links": [lk.id for lk in links], "reports": [r.id for r in reports]},
        )
        return out

    def list_entities(
        self, viewer: Viewer, *, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[EntityPublic]:
        limit, offset = _page(limit, offset)
        stmt = select(IntelEntity).where(IntelEntity.marking.in_(markings_for(viewer)))
        if kind is not None:
            stmt = stmt.where(IntelEntity.kind == parse_entity_kind(kind).value)
        stmt = stmt.order_by(IntelEntity.id).limit(limit).offset(offset)
        with Session(self.engine) as s:
            out = [self._entity_public(s, e) for e in s.scalars(stmt)]
        self.audit.write(
            viewer.username,
            "intel.entity.list",
            "intel_entity",
            None,
            {"ids": [o.id for o in out], "kind": kind},
        )
        return out

    # --- links -------------------------------------------------------------------------------------

    def create_link(self, viewer: Viewer, data: LinkIn) -> LinkPublic:
        link_type = parse_link_type(data.type)
        marking = check_marking_for_writer(viewer, data.marking)
        if data.source_id == data.target_id:
            raise IntelValidationError("a link joins two different entities")
        if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
            raise IntelValidationError("valid_to is before valid_from")
        with Session(self.engine) as s, s.begin():
            self._entity_or_404(s, viewer, data.source_id)
            self._entity_or_404(s, viewer, data.target_id)
            for rid in set(data.report_ids):
                self._report_or_404(s, viewer, rid)
            row = IntelLink(
                source_id=data.source_id,
                target_id=data.target_id,
                type=link_type.value,
                valid_from=data.valid_from,
                valid_to=data.valid_to,
                note=data.note,
                marking=marking.value,
                created_by=viewer.username,
                created_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            for rid in sorted(set(data.report_ids)):
                s.add(IntelLinkReport(link_id=row.id, report_id=rid))
            s.flush()
            out = self._link_public(row, sorted(set(data.report_ids)))
        self.audit.write(
            viewer.username,
            "intel.link.create",
            "intel_link",
            str(out.id),
            {"type": out.type, "source": out.source_id, "target": out.target_id, "reports": out.report_ids},
        )
        return out

    @staticmethod
    def _link_public(row: IntelLink, report_ids: list[int]) -> LinkPublic:
        return LinkPublic(
            id=row.id,
            source_id=row.source_id,
            target_id=row.target_id,
            type=row.type,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            note=row.note,
            marking=row.marking,
            report_ids=report_ids,
            created_by=row.created_by,
            created_at=row.created_at,
        )

    def _visible_links(self, s: Session, viewer: Viewer, *where: Any) -> list[LinkPublic]:
        """Links the viewer may see (``intel.access.link_visible``), with their visible reports."""
        rows = s.scalars(
            select(IntelLink)
            .where(IntelLink.marking.in_(markings_for(viewer)), *where)
            .order_by(IntelLink.id)
        ).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        entity_ids = {r.source_id for r in rows} | {r.target_id for r in rows}
        entity_marking: dict[int, str] = {
            eid: m
            for eid, m in s.execute(
                select(IntelEntity.id, IntelEntity.marking).where(IntelEntity.id.in_(entity_ids))
            )
        }
        supports: dict[int, list[tuple[int, str]]] = {}
        for link_id, report_id, marking in s.execute(
            select(IntelLinkReport.link_id, IntelReport.id, IntelReport.marking)
            .join(IntelReport, IntelReport.id == IntelLinkReport.report_id)
            .where(IntelLinkReport.link_id.in_(ids))
        ):
            supports.setdefault(link_id, []).append((report_id, marking))
        out = []
        for r in rows:
            sup = supports.get(r.id, [])
            if not link_visible(
                viewer,
                r.marking,
                (entity_marking[r.source_id], entity_marking[r.target_id]),
                (m for _, m in sup),
            ):
                continue
            out.append(self._link_public(r, sorted(rid for rid, m in sup if sees(viewer, m))))
        return out

    def list_links(self, viewer: Viewer, *, entity_id: int | None = None) -> list[LinkPublic]:
        where = []
        if entity_id is not None:
            where.append(or_(IntelLink.source_id == entity_id, IntelLink.target_id == entity_id))
        with Session(self.engine) as s:
            out = self._visible_links(s, viewer, *where)
        self.audit.write(
            viewer.username,
            "intel.link.list",
            "intel_link",
            None,
            {"ids": [o.id for o in out], "entity_id": entity_id},
        )
        return out

    # --- search ------------------------------------------------------------------------------------

    def search(self, viewer: Viewer, query: str, *, limit: int = 50) -> SearchResult:
        """Reports (title, text, reference), entities (name, identifiers) and investigations
        (reference, title) matching ``query``, case-insensitive, among what the viewer may see."""
        q = query.strip()
        if len(q) < MIN_QUERY:
            raise IntelValidationError(f"search for at least {MIN_QUERY} characters")
        limit, _ = _page(limit, 0)
        like = f"%{q.lower()}%"
        compact = "".join(ch for ch in q.upper() if ch.isalnum() or ch == "+")
        allowed = markings_for(viewer)
        hits: list[SearchHit] = []
        with Session(self.engine) as s:
            for r in s.scalars(
                select(IntelReport)
                .where(
                    IntelReport.marking.in_(allowed),
                    or_(
                        func.lower(IntelReport.title).like(like),
                        func.lower(IntelReport.body).like(like),
                        func.lower(IntelReport.reference).like(like),
                    ),
                )
                .order_by(IntelReport.id)
                .limit(limit)
            ):
                where = "title" if q.lower() in r.title.lower() else "text"
                hits.append(
                    SearchHit(
                        type="report",
                        id=r.id,
                        label=f"{r.reference} {r.title}",
                        marking=r.marking,
                        match=where,
                    )
                )
            ident_match = select(IntelIdentifier.entity_id).where(
                IntelIdentifier.normalised.like(f"%{compact}%") if compact else false()
            )
            for e in s.scalars(
                select(IntelEntity)
                .where(
                    IntelEntity.marking.in_(allowed),
                    or_(func.lower(IntelEntity.name).like(like), IntelEntity.id.in_(ident_match)),
                )
                .order_by(IntelEntity.id)
                .limit(limit)
            ):
                where = "name" if q.lower() in e.name.lower() else "identifier"
                hits.append(
                    SearchHit(
                        type="entity", id=e.id, label=f"{e.kind}: {e.name}", marking=e.marking, match=where
                    )
                )
            for inv in s.scalars(
                select(Investigation)
                .where(
                    Investigation.marking.in_(allowed),
                    or_(
                        func.lower(Investigation.reference).like(like),
                        func.lower(Investigation.title).like(like),
                    ),
                )
                .order_by(Investigation.id)
                .limit(limit)
            ):
                hits.append(
                    SearchHit(
                        type="investigation",
                        id=inv.id,
                        label=f"{inv.reference} {inv.title}",
                        marking=inv.marking,
                        match="reference/title",
                    )
                )
        self.audit.write(
            viewer.username,
            "intel.search",
            None,
            None,
            {"query": q, "hits": [f"{h.type}:{h.id}" for h in hits]},
        )
        return SearchResult(query=q, hits=hits)

    # --- network -----------------------------------------------------------------------------------

    def network(
        self,
        viewer: Viewer,
        *,
        method: str = "louvain",
        top: int = 5,
        around: int | None = None,
        depth: int = 2,
    ) -> NetworkPublic:
        """The visible network (or the ``depth``-hop neighbourhood of entity ``around``) with its
        analysis. Only what the viewer may see enters the graph, so hidden records cannot shift a score."""
        if method not in net.COMMUNITY_METHODS:
            raise IntelValidationError(f"method must be one of {', '.join(net.COMMUNITY_METHODS)}")
        if not 0 <= top <= 50 or not 1 <= depth <= 6:
            raise IntelValidationError("top must be 0..50 and depth 1..6")
        with Session(self.engine) as s:
            entities = {
                e.id: e
                for e in s.scalars(select(IntelEntity).where(IntelEntity.marking.in_(markings_for(viewer))))
            }
            links = self._visible_links(s, viewer)
            if around is not None:
                if around not in entities:
                    raise IntelNotFound(f"no entity {around}")
                keep = _neighbourhood(around, depth, links)
                entities = {k: v for k, v in entities.items() if k in keep}
                links = [lk for lk in links if lk.source_id in keep and lk.target_id in keep]
            report_ids = sorted({rid for lk in links for rid in lk.report_ids})
            reports = [
                _summary(r)
                for r in s.scalars(
                    select(IntelReport).where(IntelReport.id.in_(report_ids)).order_by(IntelReport.id)
                )
                if sees(viewer, r.marking)
            ]
        analysis = net.analyse(
            [net.NodeIn(e.id, e.kind, e.name) for e in entities.values()],
            [net.EdgeIn(lk.id, lk.source_id, lk.target_id, lk.type) for lk in links],
            method=method,
            top=top,
        )
        key = {f.id for f in analysis.facilitators}
        nodes = [
            NetworkNode(
                id=e.id,
                kind=e.kind,
                name=e.name,
                marking=e.marking,
                degree=analysis.nodes[e.id].degree,
                betweenness=analysis.nodes[e.id].betweenness,
                eigenvector=analysis.nodes[e.id].eigenvector,
                community=analysis.nodes[e.id].community,
                cut_vertex=analysis.nodes[e.id].cut_vertex,
                key_facilitator=e.id in key,
            )
            for e in sorted(entities.values(), key=lambda x: x.id)
        ]
        edges = [
            NetworkEdge(
                id=lk.id,
                source=lk.source_id,
                target=lk.target_id,
                type=lk.type,
                marking=lk.marking,
                report_ids=lk.report_ids,
            )
            for lk in links
        ]
        facilitators = [
            FacilitatorPublic(
                id=f.id,
                name=entities[f.id].name,
                kind=entities[f.id].kind,
                rank=f.rank,
                betweenness=f.betweenness,
                degree=f.degree,
                communities_reached=f.communities_reached,
                cut_vertex=f.cut_vertex,
                reasons=f.reasons,
            )
            for f in analysis.facilitators
        ]
        out = NetworkPublic(
            method=method,
            nodes=nodes,
            edges=edges,
            communities=analysis.communities,
            modularity=analysis.modularity,
            facilitators=facilitators,
            reports=reports,
        )
        self.audit.write(
            viewer.username,
            "intel.network.read",
            "intel_network",
            None,
            {
                "nodes": len(nodes),
                "links": [e.id for e in edges],
                "reports": report_ids,
                "around": around,
                "method": method,
            },
        )
        return out


def _neighbourhood(start: int, depth: int, links: Sequence[LinkPublic]) -> set[int]:
    adjacent: dict[int, set[int]] = {}
    for lk in links:
        adjacent.setdefault(lk.source_id, set()).add(lk.target_id)
        adjacent.setdefault(lk.target_id, set()).add(lk.source_id)
    seen, frontier = {start}, {start}
    for _ in range(depth):
        frontier = {m for n in frontier for m in adjacent.get(n, ())} - seen
        seen |= frontier
    return seen
