"""The incidents' outcome provider fits the statistics' seam (``stats.outcomes``), by marking and day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alert_helpers import Mover, run

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.incidents.lifecycle import IncidentState, Outcome
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.stats.outcomes import as_outcome, outcome_frame
from watchkeeper.store.db import make_engine, upgrade


def test_outcome_provider_rows_by_day_and_marking(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    recorder = WatchRecorder(engine)
    boats = {1: Mover.at(50.97, 1.60, [(300.0, 5.0, 300.0)]), 2: Mover.at(50.95, 1.50, [(300.0, 5.0, 300.0)])}
    watch, _ = run(boats, 200.0, marking={1: "UK-ONLY", 2: "UK-FR"}, on_step=recorder.record)
    store = IncidentStore(engine)
    one, two = watch.book.by_track[1], watch.book.by_track[2]
    day2 = datetime(2026, 10, 7, 9, 0, tzinfo=UTC)  # two days later, UK time 10:00
    store.transition(one, "officer", "UK-ONLY", IncidentState.LANDED_UK, day2, persons_landed=57)
    store.transition(two, "officer", "UK-ONLY", IncidentState.LOST_CONTACT, day2)
    store.transition(two, "officer", "UK-ONLY", IncidentState.CLOSED, day2, outcome=Outcome.LOST_CONTACT)

    rows = store.outcome_provider()(None, None)
    outcomes = [as_outcome(r) for r in rows]  # the statistics accept every row
    assert {(o.date, o.marking) for o in outcomes} == {
        (date(2026, 10, d), m) for d in (5, 6, 7) for m in ("UK-ONLY", "UK-FR")
    }  # zeros are rows: 6 October is there with nothing in it
    by = {(o.date, o.marking): o for o in outcomes}
    assert by[(date(2026, 10, 5), "UK-ONLY")].incidents == 1
    assert by[(date(2026, 10, 7), "UK-ONLY")].persons_landed_uk == 57
    assert by[(date(2026, 10, 7), "UK-FR")].lost_contact == 1
    assert by[(date(2026, 10, 6), "UK-FR")].incidents == 0
    partner = outcome_frame(rows, "UK-FR")
    assert partner["persons_landed_uk"].sum() == 0 and partner["incidents"].sum() == 1
    assert outcome_frame(rows, "UK-ONLY")["incidents"].sum() == 2
    assert store.outcome_provider()(date(2026, 10, 7), date(2026, 10, 7))[0]["date"] == date(2026, 10, 7)
    engine.dispose()
