"""The combine-with-release rule: in ``core.marking``, the incident book, the alert engine and the stores.

A released incident (or alert) keeps its released marking against every later source no more restrictive
than the release; a more restrictive one re-restricts it, says so in the incident's timeline, and the
store records it (a ``releases`` row by ``system`` and a ``re_restrict`` audit row). The pictures are the
alert tests' synthetic movers: track 1 stops at sea (incident at 60 s, distress alert at 192.5 s).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from alert_helpers import EPOCH, PERIOD, Mover, scan_at
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.watch import Watch, WatchStep
from watchkeeper.core.marking import Marking, Released, due, with_source
from watchkeeper.incidents.book import TimelineKind
from watchkeeper.incidents.models import IncidentRow, IncidentTimelineRow
from watchkeeper.sharing.models import ReleaseRow
from watchkeeper.sharing.store import Release
from watchkeeper.store.models import AuditEvent

UK_ONLY, UK_FR, PUBLIC = Marking.UK_ONLY, Marking.UK_FR, Marking.PUBLIC
STOPS_AT_SEA = {1: Mover.at(50.97, 1.60, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)])}
RELEASED_AT_S = 100.0  # between the incident's opening (60 s) and its distress alert (192.5 s)


@pytest.mark.parametrize(
    ("marking", "source", "released", "expected", "lapsed"),
    [
        (UK_ONLY, UK_ONLY, None, UK_ONLY, False),  # not released: the most restrictive, as ever
        (PUBLIC, UK_FR, None, UK_FR, False),
        (UK_FR, UK_FR, UK_FR, UK_FR, False),  # a source no more restrictive than the release: it stands
        (UK_FR, PUBLIC, UK_FR, UK_FR, False),
        (UK_FR, UK_ONLY, UK_FR, UK_ONLY, True),  # more restrictive: the release lapses
        (PUBLIC, UK_FR, PUBLIC, UK_FR, True),  # ... to that source's marking, not to the old sources'
        (UK_ONLY, UK_FR, UK_ONLY, UK_ONLY, False),  # a re-restriction by a user stands too
    ],
)
def test_with_source(
    marking: Marking, source: Marking, released: Marking | None, expected: Marking, lapsed: bool
) -> None:
    assert with_source(marking, source, released) == (expected, lapsed)


def test_a_release_is_due_at_the_first_scan_after_its_event_time() -> None:
    t = EPOCH + timedelta(seconds=100)
    a, b = Released("incident", "A", UK_FR, t), Released("alert", "B", PUBLIC, t + timedelta(seconds=5))
    assert due([a, b], t) == ([], [a, b])  # the scan at its own time was seen by the releaser
    assert due([a, b], t + timedelta(seconds=2.5)) == ([a], [b])
    assert due([b, a], t + timedelta(seconds=10)) == ([b, a], [])  # in the order they were made


def _run(
    watch: Watch,
    marking_at: dict[float, str],
    releases: list[Released] = (),  # type: ignore[assignment]
    until_s: float = 300.0,
    on_step: object = None,
) -> list[WatchStep]:
    """Step the watch every 2.5 s; track 1's marking changes at the times of ``marking_at``."""
    steps, pending = [], list(releases)
    k = 0
    while k * PERIOD <= until_s:
        t = k * PERIOD
        mark = [m for since, m in sorted(marking_at.items()) if since <= t][-1]
        scan = scan_at(t, STOPS_AT_SEA, {1: mark})
        now, pending = due(pending, scan.time)
        step = watch.step(scan, (), (), now)
        if callable(on_step):
            on_step(watch, step)
        steps.append(step)
        k += 1
    return steps


def _incident_release(watch: Watch, marking: Marking) -> Released:
    iid = watch.book.by_track[1]
    return Released("incident", iid, marking, EPOCH + timedelta(seconds=RELEASED_AT_S))


def test_the_book_keeps_a_release_against_sources_no_more_restrictive() -> None:
    """Track 1 is released to UK-FR at 100 s as well: its distress alert is UK-FR, the incident's release
    stands, and its timeline has no re-restriction."""
    watch = Watch()
    _run(watch, {0.0: "UK-ONLY"}, until_s=RELEASED_AT_S)
    release = _incident_release(watch, UK_FR)
    inc = watch.book.incidents[release.object_id]
    assert inc.marking is UK_ONLY
    _run_from(watch, RELEASED_AT_S + PERIOD, {0.0: "UK-FR"}, [release])
    assert inc.marking is UK_FR and inc.released is UK_FR
    alerts = [e for e in inc.timeline if e.kind is TimelineKind.ALERT]
    assert alerts and "distress" in alerts[-1].text  # the source joined ...
    assert not [e for e in inc.timeline if e.kind is TimelineKind.MARKING]  # ... and changed nothing


def test_a_more_restrictive_source_re_restricts_a_released_incident_and_says_so() -> None:
    watch = Watch()
    _run(watch, {0.0: "UK-ONLY"}, until_s=RELEASED_AT_S)
    release = _incident_release(watch, UK_FR)
    _run_from(watch, RELEASED_AT_S + PERIOD, {0.0: "UK-ONLY"}, [release])
    inc = watch.book.incidents[release.object_id]
    assert inc.marking is UK_ONLY and inc.released is None
    [entry] = [e for e in inc.timeline if e.kind is TimelineKind.MARKING]
    distress = next(a for a in watch.engine.alerts if a.startswith("distress-"))
    assert entry.actor == "system" and (entry.time - EPOCH).total_seconds() == 192.5
    assert entry.detail == {"from": "UK-FR", "to": "UK-ONLY", "source": f"alert {distress}"}
    assert f"alert {distress} (UK-ONLY) joined after the release to UK-FR" in entry.text
    assert watch.book.release("INC-NOT-HELD", UK_FR) is False


def _run_from(watch: Watch, start_s: float, marking_at: dict[float, str], releases: list[Released]) -> None:
    pending = list(releases)
    t = start_s
    while t <= 300.0:
        mark = [m for since, m in sorted(marking_at.items()) if since <= t][-1]
        scan = scan_at(t, STOPS_AT_SEA, {1: mark})
        now, pending = due(pending, scan.time)
        watch.step(scan, (), (), now)
        t += PERIOD


def test_the_store_keeps_a_release_the_book_has_not_applied_and_records_the_re_restriction(
    engine: Engine,
) -> None:
    """The release is made in the store (as the API does) and never handed to the book: the book's
    UK-ONLY aggregate does not undo it; the UK-ONLY distress alert re-restricts it, recorded three ways."""
    watch, recorder = Watch(), WatchRecorder(engine, simulated=True)
    _run(watch, {0.0: "UK-ONLY"}, until_s=RELEASED_AT_S, on_step=recorder.record)
    iid = watch.book.by_track[1]
    released = Release(1, "incident", iid, "UK-ONLY", "UK-FR", "officer", "agreed with CROSS", EPOCH, None)
    with Session(engine) as session, session.begin():
        session.add(
            ReleaseRow(object_type="incident", object_id=iid, from_marking="UK-ONLY", to_marking="UK-FR",
                       actor="officer", reason="agreed with CROSS", time=EPOCH)
        )  # fmt: skip
    recorder.incidents.release(released)
    messages: list[dict[str, object]] = []

    def record(w: Watch, step: WatchStep) -> None:
        messages.extend(recorder.record(w, step))

    t = RELEASED_AT_S + PERIOD
    while t < 190.0:  # up to the distress alert: position updates only, the release holds
        record(watch, watch.step(scan_at(t, STOPS_AT_SEA, {1: "UK-ONLY"})))
        t += PERIOD
    assert recorder.incidents.marking_of(iid) == "UK-FR"
    while t <= 300.0:
        record(watch, watch.step(scan_at(t, STOPS_AT_SEA, {1: "UK-ONLY"})))
        t += PERIOD
    with Session(engine) as session:
        row = session.get(IncidentRow, iid)
        assert row is not None and row.marking == "UK-ONLY" and row.released_marking is None
        kinds = [
            (r.kind, r.actor)
            for r in session.scalars(
                select(IncidentTimelineRow)
                .where(IncidentTimelineRow.incident_id == iid)
                .order_by(IncidentTimelineRow.time, IncidentTimelineRow.id)
            )
        ]
        assert ("release", "officer") in kinds and kinds.count(("marking", "system")) == 1
        system = session.scalars(select(ReleaseRow).where(ReleaseRow.actor == "system")).all()
        assert [(r.object_id, r.from_marking, r.to_marking) for r in system] == [(iid, "UK-FR", "UK-ONLY")]
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "re_restrict")).all()
        assert [(a.object_id, a.detail["from"], a.detail["to"]) for a in audit] == [(iid, "UK-FR", "UK-ONLY")]  # type: ignore[index]
    # every live message of the incident after the release carried the store's marking, not the book's
    marks = [m["marking"] for m in messages if m["kind"] == "incident"]
    assert marks and marks[-1] == "UK-ONLY"
    # the same steps recorded again (a replay into the same store) record nothing twice
    before = _counts(engine)
    watch2, recorder2 = Watch(), WatchRecorder(engine, simulated=True)
    _run(watch2, {0.0: "UK-ONLY"}, on_step=recorder2.record)
    assert _counts(engine) == before


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            len(session.scalars(select(IncidentTimelineRow.id)).all()),
            len(session.scalars(select(ReleaseRow.id)).all()),
            len(session.scalars(select(AuditEvent.id)).all()),
        )


def test_an_alert_release_stands_in_the_engine_and_lapses_on_a_more_restrictive_finding() -> None:
    watch = Watch()
    _run(watch, {0.0: "PUBLIC"}, until_s=200.0)
    distress = next(a for a in watch.engine.alerts.values() if a.rule.value == "distress")
    assert distress.marking is PUBLIC
    assert watch.engine.release(distress.alert_id, "UK-FR") and distress.released is UK_FR
    assert watch.engine.release("no-such-alert", "UK-FR") is False


def test_the_alert_store_keeps_a_release_and_a_more_restrictive_finding_re_restricts_it(
    engine: Engine,
) -> None:
    from dataclasses import replace

    from watchkeeper.alerts.store import AlertStore
    from watchkeeper.alerts.types import AlertEvent, EventKind

    watch, recorder = Watch(), WatchRecorder(engine, simulated=True)
    _run(watch, {0.0: "UK-ONLY"}, until_s=200.0, on_step=recorder.record)
    alert = next(a for a in watch.engine.alerts.values() if a.rule.value == "distress")
    store = AlertStore(engine)
    store.release(Release(1, "alert", alert.alert_id, "UK-ONLY", "UK-FR", "officer", "agreed", EPOCH, None))
    later = replace(alert, last_time=alert.last_time + timedelta(seconds=2.5))
    store.save([AlertEvent(EventKind.ESCALATED, later.last_time, later, UK_FR)])
    assert store.marking_of(alert.alert_id) == "UK-FR"  # not more restrictive: the release stands
    again = replace(later, last_time=later.last_time + timedelta(seconds=2.5))
    store.save([AlertEvent(EventKind.ESCALATED, again.last_time, again, UK_ONLY)])
    assert store.marking_of(alert.alert_id) == "UK-ONLY"
    assert store.get(alert.alert_id, "UK-ONLY")["released"] is None
    with Session(engine) as session:
        system = session.scalars(select(ReleaseRow).where(ReleaseRow.actor == "system")).all()
        assert [(r.object_type, r.from_marking, r.to_marking) for r in system] == [
            ("alert", "UK-FR", "UK-ONLY")
        ]
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "re_restrict")).all()) == 1
    store.save([AlertEvent(EventKind.ESCALATED, again.last_time, again, UK_ONLY)])  # the same event again
    with Session(engine) as session:
        assert len(session.scalars(select(ReleaseRow).where(ReleaseRow.actor == "system")).all()) == 1
