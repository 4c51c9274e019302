"""Investigations, arrests, charges, court outcomes and the figures computed from them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from intel_helpers import ANALYST, FR_ANALYST, HANDLER

from watchkeeper.intel.access import IntelConflict, IntelNotFound
from watchkeeper.intel.cases import CaseService
from watchkeeper.intel.entities import IntelValidationError
from watchkeeper.intel.schemas import (
    ArrestIn,
    ChargeIn,
    EntityIn,
    GradingIn,
    InvestigationIn,
    ItemIn,
    OutcomeIn,
    ReportIn,
    SourceIn,
)
from watchkeeper.intel.service import IntelService

S25 = "Immigration Act 1971 s.25 (assisting unlawful immigration)"


def _at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 6, 30, tzinfo=UTC)


@pytest.fixture
def book(intel: IntelService, cases: CaseService) -> dict[str, int]:
    def person(name: str, marking: str) -> int:
        return intel.create_entity(HANDLER, EntityIn(kind="person", name=name, marking=marking)).id

    p1, p2, p3 = person("P1", "UK-FR"), person("P2", "UK-FR"), person("P3", "UK-ONLY")
    a = cases.create(
        HANDLER, InvestigationIn(reference="OP-ALDER", title="Boulogne OCG", opened_on=date(2026, 1, 10))
    )
    b = cases.create(
        HANDLER,
        InvestigationIn(
            reference="OP-BIRCH", title="Engine supply", marking="UK-FR", opened_on=date(2026, 3, 1)
        ),
    )
    c = cases.create(
        HANDLER,
        InvestigationIn(
            reference="OP-CEDAR", title="Dunkerque camp", marking="UK-FR", opened_on=date(2026, 10, 1)
        ),
    )
    cases.close(HANDLER, b.id, date(2026, 9, 30))
    arr3 = cases.record_arrest(
        HANDLER, a.id, ArrestIn(person_id=p3, arrested_at=_at(2026, 2, 1), agency="NCA")
    )
    arr1 = cases.record_arrest(
        HANDLER, b.id, ArrestIn(person_id=p1, arrested_at=_at(2026, 4, 1), agency="PAF", place="Calais")
    )
    arr2 = cases.record_arrest(
        HANDLER, b.id, ArrestIn(person_id=p2, arrested_at=_at(2026, 4, 2), agency="PAF")
    )
    cases.record_arrest(
        HANDLER, b.id, ArrestIn(person_id=p1, arrested_at=_at(2026, 6, 1), agency="Kent Police")
    )
    ch1 = cases.record_charge(
        HANDLER, arr1.id, ChargeIn(offence="facilitation", statute=S25, charged_on=date(2026, 4, 2))
    )
    ch2 = cases.record_charge(
        HANDLER, arr2.id, ChargeIn(offence="facilitation", statute=S25, charged_on=date(2026, 4, 3))
    )
    ch3 = cases.record_charge(
        HANDLER, arr3.id, ChargeIn(offence="facilitation", statute=S25, charged_on=date(2026, 2, 2))
    )
    cases.record_outcome(
        HANDLER,
        ch1.id,
        OutcomeIn(
            outcome="convicted",
            decided_on=date(2026, 9, 1),
            court="Canterbury Crown Court",
            sentence="6 years",
        ),
    )
    cases.record_outcome(HANDLER, ch2.id, OutcomeIn(outcome="acquitted", decided_on=date(2026, 9, 15)))
    cases.record_outcome(HANDLER, ch3.id, OutcomeIn(outcome="convicted", decided_on=date(2026, 7, 1)))
    return {"p1": p1, "p2": p2, "p3": p3, "a": a.id, "b": b.id, "c": c.id, "arr1": arr1.id, "ch1": ch1.id}


def _figures(
    cases: CaseService, viewer: object, start: date | None = None, end: date | None = None
) -> dict[str, int]:
    f = cases.figures(viewer, start, end).model_dump()  # type: ignore[arg-type]
    return {k: v for k, v in f.items() if not k.startswith("period_")}


def test_figures_over_all_time_count_what_the_viewer_may_see(
    cases: CaseService, book: dict[str, int]
) -> None:
    assert _figures(cases, ANALYST) == {
        "live_investigations": 2,
        "investigations_opened": 3,
        "investigations_closed": 1,
        "arrests": 4,
        "persons_arrested": 3,
        "charges": 3,
        "convictions": 2,
        "persons_convicted": 2,
        "acquittals": 1,
        "discontinued": 0,
    }
    assert _figures(cases, FR_ANALYST) == {
        "live_investigations": 1,
        "investigations_opened": 2,
        "investigations_closed": 1,
        "arrests": 3,
        "persons_arrested": 2,
        "charges": 2,
        "convictions": 1,
        "persons_convicted": 1,
        "acquittals": 1,
        "discontinued": 0,
    }


def test_figures_over_a_period(cases: CaseService, book: dict[str, int]) -> None:
    q2 = _figures(cases, ANALYST, date(2026, 4, 1), date(2026, 6, 30))
    assert q2 == {
        "live_investigations": 2,  # ALDER open, BIRCH not yet closed on 30 June, CEDAR not yet opened
        "investigations_opened": 0,
        "investigations_closed": 0,
        "arrests": 3,
        "persons_arrested": 2,
        "charges": 2,
        "convictions": 0,
        "persons_convicted": 0,
        "acquittals": 0,
        "discontinued": 0,
    }
    sept = _figures(cases, ANALYST, date(2026, 9, 1), date(2026, 9, 30))
    assert sept["live_investigations"] == 1  # BIRCH closed on the last day: not live at its end
    assert (sept["investigations_closed"], sept["convictions"], sept["acquittals"]) == (1, 1, 1)
    assert _figures(cases, ANALYST, date(2026, 4, 1), date(2026, 4, 1))["arrests"] == 1  # inclusive dates
    with pytest.raises(IntelValidationError, match="ends before it starts"):
        cases.figures(ANALYST, date(2026, 5, 1), date(2026, 4, 1))


def test_investigation_detail_filters_what_the_viewer_may_not_see(
    intel: IntelService, cases: CaseService, book: dict[str, int]
) -> None:
    src = intel.add_source(HANDLER, SourceIn(kind="partner", identity="OCRIEST Coquelles")).id
    uk = intel.create_report(
        HANDLER,
        ReportIn(
            title="t", body="b", source_id=src, grading=GradingIn(source="1", information="B", handling="P")
        ),
    ).id
    cases.add_item(HANDLER, book["b"], ItemIn(kind="report", ref=str(uk)))
    cases.add_item(HANDLER, book["b"], ItemIn(kind="entity", ref=str(book["p1"])))
    cases.add_item(HANDLER, book["b"], ItemIn(kind="entity", ref=str(book["p3"])))
    cases.add_item(HANDLER, book["b"], ItemIn(kind="incident", ref="INC-2026-0401-03"))
    with pytest.raises(IntelConflict):
        cases.add_item(HANDLER, book["b"], ItemIn(kind="incident", ref="INC-2026-0401-03"))
    with pytest.raises(IntelNotFound):
        cases.add_item(HANDLER, book["b"], ItemIn(kind="report", ref="9999"))
    full = cases.get(ANALYST, book["b"])
    assert [(i.kind, i.ref) for i in full.items] == [
        ("report", str(uk)),
        ("entity", str(book["p1"])),
        ("entity", str(book["p3"])),
        ("incident", "INC-2026-0401-03"),
    ]
    fr = cases.get(FR_ANALYST, book["b"])
    assert [(i.kind, i.ref) for i in fr.items] == [
        ("entity", str(book["p1"])),
        ("incident", "INC-2026-0401-03"),
    ]
    assert [a.person_name for a in fr.arrests] == ["P1", "P2", "P1"]
    assert (
        fr.arrests[0].charges[0].outcome is not None
        and fr.arrests[0].charges[0].outcome.sentence == "6 years"
    )
    with pytest.raises(IntelNotFound):
        cases.get(FR_ANALYST, book["a"])
    assert [i.reference for i in cases.list_investigations(FR_ANALYST)] == ["OP-CEDAR", "OP-BIRCH"]
    assert [i.reference for i in cases.list_investigations(ANALYST, status="open")] == [
        "OP-CEDAR",
        "OP-ALDER",
    ]


def test_records_are_validated(intel: IntelService, cases: CaseService, book: dict[str, int]) -> None:
    boat = intel.create_entity(HANDLER, EntityIn(kind="boat", name="grey RIB", marking="UK-FR")).id
    with pytest.raises(IntelValidationError, match="an arrest is of a person"):
        cases.record_arrest(
            HANDLER, book["c"], ArrestIn(person_id=boat, arrested_at=_at(2026, 10, 2), agency="PAF")
        )
    with pytest.raises(IntelNotFound):  # P3 is UK-ONLY: a UK-FR analyst cannot name them in an arrest
        cases.record_arrest(
            FR_ANALYST, book["c"], ArrestIn(person_id=book["p3"], arrested_at=_at(2026, 10, 2), agency="PAF")
        )
    with pytest.raises(IntelValidationError, match="before the arrest"):
        cases.record_charge(HANDLER, book["arr1"], ChargeIn(offence="x", charged_on=date(2026, 3, 1)))
    with pytest.raises(IntelConflict, match="has its outcome already"):
        cases.record_outcome(
            HANDLER, book["ch1"], OutcomeIn(outcome="acquitted", decided_on=date(2026, 10, 1))
        )
    with pytest.raises(IntelConflict, match="exists already"):
        cases.create(
            HANDLER, InvestigationIn(reference="OP-ALDER", title="again", opened_on=date(2026, 1, 1))
        )
    with pytest.raises(IntelConflict, match="closed already"):
        cases.close(HANDLER, book["b"], date(2026, 10, 1))
    with pytest.raises(IntelValidationError, match="before opened_on"):
        cases.close(HANDLER, book["c"], date(2026, 1, 1))
    with pytest.raises(ValueError, match="time zone"):
        ArrestIn(person_id=1, arrested_at=datetime(2026, 1, 1), agency="NCA")
