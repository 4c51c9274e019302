"""Investigations and justice: cases, what they hold, arrests, charges, court outcomes, the figures.

The figures the cell reports are computed from these records, never typed in:

* **live investigations** — open at the end of the period (opened on or before it and not closed by
  then); without a period, those whose status is ``open``;
* **arrests** / **persons arrested** — arrests in the period (UTC date of ``arrested_at``), and the
  distinct people among them;
* **charges** — charges laid in the period;
* **convictions** / **persons convicted** — charges whose outcome ``convicted`` was decided in the
  period, and the distinct people; **acquittals** and **discontinued** likewise.

Only records the viewer may see are counted: a figure never reveals a record that its reader could
not open. The audit row of a figures read says which period was asked for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.intel.access import (
    Auditor,
    IntelConflict,
    IntelNotFound,
    Viewer,
    check_marking_for_writer,
    markings_for,
    sees,
)
from watchkeeper.intel.entities import EntityKind, IntelValidationError
from watchkeeper.intel.models import (
    Arrest,
    Charge,
    CourtOutcome,
    EvidencePackage,
    IntelEntity,
    IntelReport,
    Investigation,
    InvestigationItem,
)
from watchkeeper.intel.schemas import (
    ArrestIn,
    ArrestPublic,
    ChargeIn,
    ChargePublic,
    Figures,
    InvestigationIn,
    InvestigationPublic,
    InvestigationSummary,
    ItemIn,
    ItemPublic,
    OutcomeIn,
    OutcomePublic,
)


def _summary(inv: Investigation) -> InvestigationSummary:
    return InvestigationSummary(
        id=inv.id,
        reference=inv.reference,
        title=inv.title,
        status=inv.status,
        opened_on=inv.opened_on,
        closed_on=inv.closed_on,
        lead=inv.lead,
        marking=inv.marking,
    )


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=UTC)


class CaseService:
    def __init__(self, engine: Engine, audit: Auditor, clock: Clock) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock

    # --- investigations ----------------------------------------------------------------------------

    def create(self, viewer: Viewer, data: InvestigationIn) -> InvestigationSummary:
        marking = check_marking_for_writer(viewer, data.marking)
        row = Investigation(
            reference=data.reference,
            title=data.title,
            summary=data.summary,
            status="open",
            opened_on=data.opened_on,
            lead=data.lead or viewer.username,
            marking=marking.value,
            created_by=viewer.username,
            created_at=self.clock.now(),
        )
        try:
            with Session(self.engine) as s, s.begin():
                s.add(row)
                s.flush()
                out = _summary(row)
        except IntegrityError:
            raise IntelConflict(f"an investigation {data.reference!r} exists already") from None
        self.audit.write(
            viewer.username,
            "intel.investigation.create",
            "investigation",
            str(out.id),
            {"reference": out.reference, "marking": out.marking},
        )
        return out

    def _get(self, s: Session, viewer: Viewer, investigation_id: int) -> Investigation:
        row = s.get(Investigation, investigation_id)
        if row is None or not sees(viewer, row.marking):
            raise IntelNotFound(f"no investigation {investigation_id}")
        return row

    def close(self, viewer: Viewer, investigation_id: int, closed_on: date) -> InvestigationSummary:
        with Session(self.engine) as s, s.begin():
            row = self._get(s, viewer, investigation_id)
            if row.status == "closed":
                raise IntelConflict(f"{row.reference} is closed already")
            if closed_on < row.opened_on:
                raise IntelValidationError("closed_on is before opened_on")
            row.status, row.closed_on = "closed", closed_on
            s.flush()
            out = _summary(row)
        self.audit.write(
            viewer.username,
            "intel.investigation.close",
            "investigation",
            str(out.id),
            {"closed_on": closed_on.isoformat()},
        )
        return out

    def list_investigations(self, viewer: Viewer, *, status: str | None = None) -> list[InvestigationSummary]:
        stmt = select(Investigation).where(Investigation.marking.in_(markings_for(viewer)))
        if status is not None:
            if status not in ("open", "closed"):
                raise IntelValidationError("status is open or closed")
            stmt = stmt.where(Investigation.status == status)
        with Session(self.engine) as s:
            out = [
                _summary(r)
                for r in s.scalars(stmt.order_by(Investigation.opened_on.desc(), Investigation.id))
            ]
        self.audit.write(
            viewer.username,
            "intel.investigation.list",
            "investigation",
            None,
            {"ids": [o.id for o in out], "status": status},
        )
        return out

    def add_item(self, viewer: Viewer, investigation_id: int, item: ItemIn) -> ItemPublic:
        with Session(self.engine) as s, s.begin():
            inv = self._get(s, viewer, investigation_id)
            label = self._item_label(s, viewer, item.kind, item.ref)
            if label is None and item.kind in ("entity", "report", "evidence"):
                raise IntelNotFound(f"no {item.kind} {item.ref}")
            already = select(InvestigationItem.id).where(
                InvestigationItem.investigation_id == inv.id,
                InvestigationItem.kind == item.kind,
                InvestigationItem.ref == item.ref,
            )
            if s.scalars(already).first() is not None:
                raise IntelConflict(f"{item.kind} {item.ref} is in {inv.reference} already")
            row = InvestigationItem(
                investigation_id=inv.id,
                kind=item.kind,
                ref=item.ref,
                added_by=viewer.username,
                added_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            out = ItemPublic(
                kind=row.kind, ref=row.ref, label=label, added_by=row.added_by, added_at=row.added_at
            )
        self.audit.write(
            viewer.username,
            "intel.investigation.add_item",
            "investigation",
            str(investigation_id),
            {"kind": item.kind, "ref": item.ref},
        )
        return out

    @staticmethod
    def _item_label(s: Session, viewer: Viewer, kind: str, ref: str) -> str | None:
        """A readable label for an item, or None when it is not (or not visibly) there."""
        if kind == "incident":
            return ref  # incidents live in their own capability; the reference is the label
        if kind == "evidence":
            pkg = s.get(EvidencePackage, ref)
            return None if pkg is None or not sees(viewer, pkg.marking) else f"package of {pkg.incident_ref}"
        try:
            key = int(ref)
        except ValueError:
            return None
        if kind == "entity":
            e = s.get(IntelEntity, key)
            return None if e is None or not sees(viewer, e.marking) else f"{e.kind}: {e.name}"
        r = s.get(IntelReport, key)
        return None if r is None or not sees(viewer, r.marking) else f"{r.reference} {r.title}"

    def get(self, viewer: Viewer, investigation_id: int) -> InvestigationPublic:
        with Session(self.engine) as s:
            try:
                inv = self._get(s, viewer, investigation_id)
            except IntelNotFound:
                self.audit.write(
                    viewer.username, "intel.investigation.denied", "investigation", str(investigation_id)
                )
                raise
            items = []
            for it in s.scalars(
                select(InvestigationItem)
                .where(InvestigationItem.investigation_id == inv.id)
                .order_by(InvestigationItem.id)
            ):
                label = self._item_label(s, viewer, it.kind, it.ref)
                if label is None:
                    continue  # above the viewer's clearance: not listed
                items.append(
                    ItemPublic(
                        kind=it.kind, ref=it.ref, label=label, added_by=it.added_by, added_at=it.added_at
                    )
                )
            arrests = self._arrests(s, viewer, inv.id)
            out = InvestigationPublic(
                **_summary(inv).model_dump(), summary=inv.summary, items=items, arrests=arrests
            )
        self.audit.write(
            viewer.username,
            "intel.investigation.read",
            "investigation",
            str(investigation_id),
            {"items": [f"{i.kind}:{i.ref}" for i in items], "arrests": [a.id for a in arrests]},
        )
        return out

    # --- arrests, charges, outcomes ----------------------------------------------------------------

    def _arrests(self, s: Session, viewer: Viewer, investigation_id: int) -> list[ArrestPublic]:
        allowed = markings_for(viewer)
        out = []
        for a in s.scalars(
            select(Arrest)
            .where(Arrest.investigation_id == investigation_id, Arrest.marking.in_(allowed))
            .order_by(Arrest.arrested_at, Arrest.id)
        ):
            out.append(self._arrest_public(s, viewer, a))
        return out

    def _arrest_public(self, s: Session, viewer: Viewer, a: Arrest) -> ArrestPublic:
        person = s.get(IntelEntity, a.person_id)
        visible = person is not None and sees(viewer, person.marking)
        charges = []
        for c in s.scalars(
            select(Charge)
            .where(Charge.arrest_id == a.id, Charge.marking.in_(markings_for(viewer)))
            .order_by(Charge.charged_on, Charge.id)
        ):
            o = s.scalars(select(CourtOutcome).where(CourtOutcome.charge_id == c.id)).first()
            outcome = (
                OutcomePublic(
                    id=o.id, outcome=o.outcome, decided_on=o.decided_on, court=o.court, sentence=o.sentence
                )
                if o is not None and sees(viewer, o.marking)
                else None
            )
            charges.append(
                ChargePublic(
                    id=c.id,
                    arrest_id=a.id,
                    offence=c.offence,
                    statute=c.statute,
                    charged_on=c.charged_on,
                    marking=c.marking,
                    outcome=outcome,
                )
            )
        return ArrestPublic(
            id=a.id,
            investigation_id=a.investigation_id,
            person_id=a.person_id if visible else None,
            person_name=person.name if visible and person is not None else None,
            arrested_at=a.arrested_at,
            place=a.place,
            agency=a.agency,
            marking=a.marking,
            charges=charges,
        )

    def record_arrest(self, viewer: Viewer, investigation_id: int, data: ArrestIn) -> ArrestPublic:
        with Session(self.engine) as s, s.begin():
            inv = self._get(s, viewer, investigation_id)
            person = s.get(IntelEntity, data.person_id)
            if person is None or not sees(viewer, person.marking):
                raise IntelNotFound(f"no entity {data.person_id}")
            if person.kind != EntityKind.PERSON.value:
                raise IntelValidationError(f"entity {person.id} is a {person.kind}: an arrest is of a person")
            marking = check_marking_for_writer(viewer, data.marking or inv.marking)
            row = Arrest(
                investigation_id=inv.id,
                person_id=person.id,
                arrested_at=data.arrested_at,
                place=data.place,
                agency=data.agency,
                marking=marking.value,
                recorded_by=viewer.username,
                recorded_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            out = self._arrest_public(s, viewer, row)
        self.audit.write(
            viewer.username,
            "intel.arrest.create",
            "intel_arrest",
            str(out.id),
            {"investigation": investigation_id, "person": data.person_id},
        )
        return out

    def _arrest(self, s: Session, viewer: Viewer, arrest_id: int) -> Arrest:
        row = s.get(Arrest, arrest_id)
        if row is None or not sees(viewer, row.marking):
            raise IntelNotFound(f"no arrest {arrest_id}")
        self._get(s, viewer, row.investigation_id)
        return row

    def record_charge(self, viewer: Viewer, arrest_id: int, data: ChargeIn) -> ChargePublic:
        with Session(self.engine) as s, s.begin():
            arrest = self._arrest(s, viewer, arrest_id)
            if data.charged_on < arrest.arrested_at.date():
                raise IntelValidationError("charged_on is before the arrest")
            row = Charge(
                arrest_id=arrest.id,
                offence=data.offence,
                statute=data.statute,
                charged_on=data.charged_on,
                marking=arrest.marking,
                recorded_by=viewer.username,
                recorded_at=self.clock.now(),
            )
            s.add(row)
            s.flush()
            out = ChargePublic(
                id=row.id,
                arrest_id=arrest.id,
                offence=row.offence,
                statute=row.statute,
                charged_on=row.charged_on,
                marking=row.marking,
                outcome=None,
            )
        self.audit.write(
            viewer.username,
            "intel.charge.create",
            "intel_charge",
            str(out.id),
            {"arrest": arrest_id, "offence": data.offence},
        )
        return out

    def record_outcome(self, viewer: Viewer, charge_id: int, data: OutcomeIn) -> ChargePublic:
        with Session(self.engine) as s, s.begin():
            charge = s.get(Charge, charge_id)
            if charge is None or not sees(viewer, charge.marking):
                raise IntelNotFound(f"no charge {charge_id}")
            self._arrest(s, viewer, charge.arrest_id)
            if data.decided_on < charge.charged_on:
                raise IntelValidationError("decided_on is before the charge")
            if (
                s.scalars(select(CourtOutcome.id).where(CourtOutcome.charge_id == charge.id)).first()
                is not None
            ):
                raise IntelConflict(f"charge {charge_id} has its outcome already")
            o = CourtOutcome(
                charge_id=charge.id,
                outcome=data.outcome,
                decided_on=data.decided_on,
                court=data.court,
                sentence=data.sentence,
                marking=charge.marking,
                recorded_by=viewer.username,
                recorded_at=self.clock.now(),
            )
            s.add(o)
            s.flush()
            out = ChargePublic(
                id=charge.id,
                arrest_id=charge.arrest_id,
                offence=charge.offence,
                statute=charge.statute,
                charged_on=charge.charged_on,
                marking=charge.marking,
                outcome=OutcomePublic(
                    id=o.id, outcome=o.outcome, decided_on=o.decided_on, court=o.court, sentence=o.sentence
                ),
            )
        self.audit.write(
            viewer.username,
            "intel.outcome.create",
            "intel_charge",
            str(charge_id),
            {"outcome": data.outcome, "decided_on": data.decided_on.isoformat()},
        )
        return out

    # --- figures -----------------------------------------------------------------------------------

    def figures(self, viewer: Viewer, start: date | None = None, end: date | None = None) -> Figures:
        """The cell's figures over ``start``..``end`` (inclusive UTC dates; either may be open)."""
        if start is not None and end is not None and end < start:
            raise IntelValidationError("the period ends before it starts")
        allowed = markings_for(viewer)

        def in_period(column: Any, *, is_datetime: bool) -> list[Any]:
            conds = []
            if start is not None:
                conds.append(column >= (_day_start(start) if is_datetime else start))
            if end is not None:
                conds.append(column < _day_start(end + timedelta(days=1)) if is_datetime else column <= end)
            return conds

        with Session(self.engine) as s:
            inv_ok = Investigation.marking.in_(allowed)
            if end is None:
                live_q = select(func.count()).where(inv_ok, Investigation.status == "open")
            else:
                live_q = select(func.count()).where(
                    inv_ok,
                    Investigation.opened_on <= end,
                    or_(Investigation.closed_on.is_(None), Investigation.closed_on > end),
                )
            live = s.scalar(live_q.select_from(Investigation)) or 0
            opened = (
                s.scalar(
                    select(func.count())
                    .select_from(Investigation)
                    .where(inv_ok, *in_period(Investigation.opened_on, is_datetime=False))
                )
                or 0
            )
            closed = (
                s.scalar(
                    select(func.count())
                    .select_from(Investigation)
                    .where(
                        inv_ok,
                        Investigation.closed_on.is_not(None),
                        *in_period(Investigation.closed_on, is_datetime=False),
                    )
                )
                or 0
            )
            # An arrest counts when it, and its investigation, are visible.
            arrest_ok = and_(
                Arrest.marking.in_(allowed),
                Arrest.investigation_id.in_(select(Investigation.id).where(inv_ok)),
            )
            arrest_period = in_period(Arrest.arrested_at, is_datetime=True)
            arrests = s.scalar(select(func.count()).select_from(Arrest).where(arrest_ok, *arrest_period)) or 0
            persons = (
                s.scalar(select(func.count(func.distinct(Arrest.person_id))).where(arrest_ok, *arrest_period))
                or 0
            )
            charge_ok = and_(
                Charge.marking.in_(allowed), Charge.arrest_id.in_(select(Arrest.id).where(arrest_ok))
            )
            charges = (
                s.scalar(
                    select(func.count())
                    .select_from(Charge)
                    .where(charge_ok, *in_period(Charge.charged_on, is_datetime=False))
                )
                or 0
            )

            def outcomes(kind: str, distinct_people: bool = False) -> int:
                what = func.count(func.distinct(Arrest.person_id)) if distinct_people else func.count()
                q = (
                    select(what)
                    .select_from(CourtOutcome)
                    .join(Charge, Charge.id == CourtOutcome.charge_id)
                    .join(Arrest, Arrest.id == Charge.arrest_id)
                    .where(
                        CourtOutcome.outcome == kind,
                        CourtOutcome.marking.in_(allowed),
                        charge_ok,
                        *in_period(CourtOutcome.decided_on, is_datetime=False),
                    )
                )
                return int(s.scalar(q) or 0)

            out = Figures(
                period_from=start,
                period_to=end,
                live_investigations=int(live),
                investigations_opened=int(opened),
                investigations_closed=int(closed),
                arrests=int(arrests),
                persons_arrested=int(persons),
                charges=int(charges),
                convictions=outcomes("convicted"),
                persons_convicted=outcomes("convicted", distinct_people=True),
                acquittals=outcomes("acquitted"),
                discontinued=outcomes("discontinued"),
            )
        self.audit.write(
            viewer.username,
            "intel.figures.read",
            "intel_figures",
            None,
            {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        )
        return out
