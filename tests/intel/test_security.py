"""Releasability, source protection, handling codes and audit, through the service layer.

The rule under test: an analyst without the clearance cannot read a report, nor see it in a search
result, nor in the network view (not as a report, not through a link it alone supports).
"""

from __future__ import annotations

import pytest
from intel_helpers import ANALYST, FR_ANALYST, HANDLER, LIAISON, User
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.intel.access import IntelForbidden, IntelNotFound
from watchkeeper.intel.entities import IntelValidationError
from watchkeeper.intel.grading import GradingError
from watchkeeper.intel.schemas import (
    EntityIn,
    GradingIn,
    IdentifierIn,
    LinkIn,
    ReportIn,
    ReportRefIn,
    SourceIn,
)
from watchkeeper.intel.service import IntelService
from watchkeeper.store.models import AuditEvent

SECRET_WORD = "Zodiac-Gravelines"


def _source(intel: IntelService, who: User = HANDLER) -> int:
    return intel.add_source(
        who, SourceIn(kind="human", identity="Karim B., +33 6 12 34 56 78, cafe on quai")
    ).id


def _report(
    intel: IntelService,
    source_id: int,
    marking: str,
    text: str,
    handling: str = "P",
    conditions: str | None = None,
    refs: list[ReportRefIn] | None = None,
) -> int:
    grading = GradingIn(source="2", information="B", handling=handling, conditions=conditions)
    data = ReportIn(
        title=f"launch planned ({marking})",
        body=text,
        grading=grading,
        source_id=source_id,
        marking=marking,
        refs=refs or [],
    )
    return intel.create_report(HANDLER, data).id


def _entity(intel: IntelService, name: str, marking: str, kind: str = "person", **kw: object) -> int:
    return intel.create_entity(HANDLER, EntityIn(kind=kind, name=name, marking=marking, **kw)).id  # type: ignore[arg-type]


@pytest.fixture
def world(intel: IntelService) -> dict[str, int]:
    """A UK-ONLY report and a UK-FR report; entities and links resting on one, the other, or both."""
    src = _source(intel)
    a = _entity(intel, "Organiser A", "UK-FR")
    b = _entity(intel, "Driver B", "UK-FR")
    c = _entity(intel, "Supplier C", "UK-FR", kind="supplier")
    d = _entity(intel, "Informant-adjacent D", "UK-ONLY")
    uk = _report(
        intel,
        src,
        "UK-ONLY",
        f"{SECRET_WORD}: boat hidden in dunes",
        refs=[ReportRefIn(kind="entity", ref=str(a)), ReportRefIn(kind="entity", ref=str(d))],
    )
    fr = _report(
        intel, src, "UK-FR", "engines bought in Germany", refs=[ReportRefIn(kind="entity", ref=str(a))]
    )
    ab = intel.create_link(
        HANDLER, LinkIn(source_id=a, target_id=b, type="associate_of", marking="UK-FR", report_ids=[uk])
    ).id
    ac = intel.create_link(
        HANDLER, LinkIn(source_id=a, target_id=c, type="bought", marking="UK-FR", report_ids=[fr])
    ).id
    bc = intel.create_link(
        HANDLER, LinkIn(source_id=b, target_id=c, type="seen_with", marking="UK-FR", report_ids=[uk, fr])
    ).id
    ad = intel.create_link(
        HANDLER, LinkIn(source_id=a, target_id=d, type="associate_of", marking="UK-ONLY")
    ).id
    return {
        "src": src,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "uk": uk,
        "fr": fr,
        "ab": ab,
        "ac": ac,
        "bc": bc,
        "ad": ad,
    }


def _actions(engine: Engine, actor: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.scalars(select(AuditEvent.action).where(AuditEvent.actor == actor).order_by(AuditEvent.id))
        )


def test_analyst_without_clearance_cannot_read_the_report(intel: IntelService, world: dict[str, int]) -> None:
    with pytest.raises(IntelNotFound):
        intel.get_report(FR_ANALYST, world["uk"])
    assert intel.get_report(FR_ANALYST, world["fr"]).reference.startswith("IR-")
    assert intel.get_report(ANALYST, world["uk"]).body.startswith(SECRET_WORD)
    listed = {r.id for r in intel.list_reports(FR_ANALYST)}
    assert listed == {world["fr"]}
    assert world["uk"] not in {r.id for r in intel.list_reports(FR_ANALYST, entity_id=world["a"])}
    assert {r.id for r in intel.list_reports(ANALYST)} == {world["uk"], world["fr"]}


def test_analyst_without_clearance_does_not_see_the_report_in_search(
    intel: IntelService, world: dict[str, int]
) -> None:
    cleared = intel.search(ANALYST, SECRET_WORD.lower())
    assert [(h.type, h.id) for h in cleared.hits] == [("report", world["uk"])]
    assert intel.search(FR_ANALYST, SECRET_WORD).hits == []
    assert {h.id for h in intel.search(FR_ANALYST, "IR-0000").hits} == {world["fr"]}
    # and nor does an entity above the clearance appear
    assert intel.search(FR_ANALYST, "adjacent").hits == []
    assert [h.id for h in intel.search(ANALYST, "adjacent").hits] == [world["d"]]


def test_analyst_without_clearance_does_not_see_the_report_in_the_network(
    intel: IntelService, world: dict[str, int]
) -> None:
    full = intel.network(ANALYST)
    assert {n.id for n in full.nodes} == {world[k] for k in "abcd"}
    assert {e.id for e in full.edges} == {world[k] for k in ("ab", "ac", "bc", "ad")}
    assert {r.id for r in full.reports} == {world["uk"], world["fr"]}

    fr = intel.network(FR_ANALYST)
    assert {n.id for n in fr.nodes} == {world["a"], world["b"], world["c"]}
    edges = {e.id: e for e in fr.edges}
    assert world["ab"] not in edges  # rests only on the UK-ONLY report: showing it would disclose it
    assert world["ad"] not in edges
    assert edges[world["bc"]].report_ids == [world["fr"]]  # the UK-ONLY support is not named
    assert {r.id for r in fr.reports} == {world["fr"]}
    assert world["uk"] not in {rid for e in fr.edges for rid in e.report_ids}
    # scores come from the visible graph only: A-C-B is a path, so C is the broker for this viewer
    assert [f.id for f in fr.facilitators] == [world["c"]]
    assert full.facilitators[0].id == world["a"]


def test_entity_detail_filters_links_and_reports(intel: IntelService, world: dict[str, int]) -> None:
    uk_view = intel.get_entity(ANALYST, world["a"])
    assert {lk.id for lk in uk_view.links} == {world["ab"], world["ac"], world["ad"]}
    assert {r.id for r in uk_view.reports} == {world["uk"], world["fr"]}
    fr_view = intel.get_entity(FR_ANALYST, world["a"])
    assert {lk.id for lk in fr_view.links} == {world["ac"]}
    assert {r.id for r in fr_view.reports} == {world["fr"]}
    with pytest.raises(IntelNotFound):
        intel.get_entity(FR_ANALYST, world["d"])
    assert world["d"] not in {e.id for e in intel.list_entities(FR_ANALYST)}
    # a report's reference to an entity above the reader's clearance is not shown
    intel.release_report(HANDLER, world["uk"], "UK-FR")
    refs = intel.get_report(FR_ANALYST, world["uk"]).refs
    assert [r.ref for r in refs] == [str(world["a"])]


def test_source_identity_is_visible_to_its_handler_only(intel: IntelService, world: dict[str, int]) -> None:
    mine = intel.get_report(HANDLER, world["uk"]).source
    assert not mine.protected and mine.identity is not None and "Karim" in mine.identity
    for viewer in (ANALYST, FR_ANALYST):
        rid = world["uk"] if viewer is ANALYST else world["fr"]
        theirs = intel.get_report(viewer, rid)
        assert theirs.source.protected
        assert theirs.source.model_dump(exclude_none=True) == {"protected": True}
        assert "Karim" not in theirs.model_dump_json()
    assert [s.reference for s in intel.list_sources(HANDLER)] == ["SRC-00001"]
    assert intel.list_sources(ANALYST) == []
    # nobody can attribute a report to a source they do not handle
    with pytest.raises(IntelNotFound, match="handled by you"):
        intel.create_report(
            ANALYST,
            ReportIn(
                title="t",
                body="b",
                grading=GradingIn(source="1", information="A", handling="P"),
                source_id=world["src"],
            ),
        )
    # the audit trail never holds the identity
    assert all("Karim" not in str(e.detail) for e in intel.audit.recent(500))  # type: ignore[attr-defined]


def test_handling_code_c_is_released_only_by_the_handler_with_the_conditions(intel: IntelService) -> None:
    src = _source(intel)
    rid = _report(
        intel,
        src,
        "UK-ONLY",
        "meeting at Dunkerque",
        handling="C",
        conditions="NCA and OCRIEST only; no disclosure to the suspect's solicitor",
    )
    with pytest.raises(IntelForbidden, match="only the source's handler"):
        intel.release_report(ANALYST, rid, "UK-FR")
    with pytest.raises(IntelNotFound):
        intel.get_report(FR_ANALYST, rid)  # still UK-ONLY
    released = intel.release_report(HANDLER, rid, "UK-FR")
    assert released.marking == "UK-FR"
    seen = intel.get_report(FR_ANALYST, rid)
    assert seen.grading.conditions == "NCA and OCRIEST only; no disclosure to the suspect's solicitor"
    assert [(r.from_marking, r.to_marking, r.released_by, r.conditions) for r in seen.releases] == [
        ("UK-ONLY", "UK-FR", "handler", seen.grading.conditions)
    ]
    with pytest.raises(IntelForbidden, match="never released to PUBLIC"):
        intel.release_report(HANDLER, rid, "PUBLIC")
    with pytest.raises(IntelValidationError, match="would not widen"):
        intel.release_report(HANDLER, rid, "UK-ONLY")


def test_handling_code_p_is_released_by_an_analyst_or_liaison_but_not_by_others(intel: IntelService) -> None:
    src = _source(intel)
    rid = _report(intel, src, "UK-FR", "van seen at Boulogne")
    officer = User("officer", "UK-ONLY", frozenset({"watch_officer"}))
    with pytest.raises(IntelForbidden, match="analyst or partner_liaison"):
        intel.release_report(officer, rid, "PUBLIC")
    assert intel.release_report(LIAISON, rid, "PUBLIC").marking == "PUBLIC"


def test_writers_cannot_mark_above_their_clearance_and_grading_is_checked(intel: IntelService) -> None:
    with pytest.raises(IntelValidationError, match="above your clearance"):
        intel.create_entity(FR_ANALYST, EntityIn(kind="person", name="X", marking="UK-ONLY"))
    with pytest.raises(IntelValidationError, match="unknown marking"):
        intel.create_entity(HANDLER, EntityIn(kind="person", name="X", marking="SECRET"))
    src = _source(intel)
    with pytest.raises(GradingError, match="needs the handling conditions"):
        _report(intel, src, "UK-ONLY", "x", handling="C")
    with pytest.raises(GradingError, match="intelligence assessment 'F'"):
        intel.create_report(
            HANDLER,
            ReportIn(
                title="t",
                body="b",
                source_id=src,
                grading=GradingIn(source="1", information="F", handling="P"),
            ),
        )


def test_every_read_is_audited_denials_included(
    intel: IntelService, engine: Engine, world: dict[str, int]
) -> None:
    intel.list_reports(FR_ANALYST)
    intel.get_report(FR_ANALYST, world["fr"])
    with pytest.raises(IntelNotFound):
        intel.get_report(FR_ANALYST, world["uk"])
    intel.search(FR_ANALYST, "engines")
    intel.network(FR_ANALYST)
    intel.get_entity(FR_ANALYST, world["a"])
    intel.list_entities(FR_ANALYST)
    intel.list_links(FR_ANALYST)
    assert _actions(engine, "fr_analyst") == [
        "intel.report.list",
        "intel.report.read",
        "intel.report.denied",
        "intel.search",
        "intel.network.read",
        "intel.entity.read",
        "intel.entity.list",
        "intel.link.list",
    ]
    with Session(engine) as s:
        search = s.scalars(select(AuditEvent).where(AuditEvent.action == "intel.search")).one()
        network = s.scalars(select(AuditEvent).where(AuditEvent.action == "intel.network.read")).one()
    assert search.detail == {"query": "engines", "hits": [f"report:{world['fr']}"]}
    assert network.detail is not None and network.detail["reports"] == [world["fr"]]


def test_identifiers_are_normalised_and_found_however_they_are_written(intel: IntelService) -> None:
    eid = _entity(
        intel,
        "Yamaha 40 outboard",
        "UK-FR",
        kind="engine",
        identifiers=[IdentifierIn(kind="engine_serial", value="6BL-1023 4567")],
    )
    _entity(
        intel,
        "burner phone",
        "UK-ONLY",
        kind="phone",
        identifiers=[
            IdentifierIn(kind="phone_number", value="0033 6 12 34 56 78"),
            IdentifierIn(kind="imei", value="490154203237518"),
        ],
    )
    assert [h.id for h in intel.search(FR_ANALYST, "6bl10234567").hits] == [eid]
    assert [h.match for h in intel.search(ANALYST, "6BL 1023-4567").hits] == ["identifier"]
    assert intel.search(FR_ANALYST, "+33612345678").hits == []  # the phone is UK-ONLY
    assert len(intel.search(ANALYST, "+33612345678").hits) == 1
    for kind, value, needle in [
        ("imei", "490154203237519", "Luhn"),
        ("phone_number", "06 12 34 56 78", "E.164"),
        ("hull_serial", "FR-ABC12345D606", "a phone has no hull_serial"),
    ]:
        with pytest.raises(IntelValidationError, match=needle):
            intel.create_entity(
                HANDLER, EntityIn(kind="phone", name="p", identifiers=[IdentifierIn(kind=kind, value=value)])
            )
    with pytest.raises(IntelValidationError, match="entity kind 'dinghy' unknown"):
        intel.create_entity(HANDLER, EntityIn(kind="dinghy", name="x"))
