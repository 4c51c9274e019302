"""Daily outcome figures: UK days, persons at landing, lost contacts, the statistics' seam."""

from __future__ import annotations

from datetime import UTC, date, datetime

from watchkeeper.incidents.book import Incident, TimelineEntry, TimelineKind
from watchkeeper.incidents.daily import as_outcome_mapping, daily_outcomes
from watchkeeper.incidents.lifecycle import IncidentState


def _inc(
    iid: str, opened: datetime, states: list[tuple[datetime, str]], est: int = 53, landed: int | None = None
):
    inc = Incident(iid, opened, opened, IncidentState.DETECTED, [1], est, 51.0, 1.4, persons_landed=landed)
    for t, to in states:
        inc.timeline.append(TimelineEntry(t, TimelineKind.STATE, "system", to, {"to": to}))
    return inc


def test_daily_outcomes_by_uk_day() -> None:
    d = datetime
    incs = [
        # opened 23:30 UTC on 5 Oct = 00:30 BST on 6 Oct: a 6 October incident
        _inc("a", d(2026, 10, 5, 23, 30, tzinfo=UTC), [(d(2026, 10, 6, 3, 0, tzinfo=UTC), "landed_uk")],
             landed=61),
        _inc("b", d(2026, 10, 6, 2, 0, tzinfo=UTC), [(d(2026, 10, 6, 4, 0, tzinfo=UTC), "rescued"),
                                                   (d(2026, 10, 6, 6, 0, tzinfo=UTC), "landed_uk")], est=40),
        _inc("c", d(2026, 10, 6, 2, 0, tzinfo=UTC), [(d(2026, 10, 6, 2, 30, tzinfo=UTC), "returned_fr")]),
        # lost on the 6th, found on the 7th: lost at the end of the 6th
        _inc("e", d(2026, 10, 6, 20, 0, tzinfo=UTC), [(d(2026, 10, 6, 21, 0, tzinfo=UTC), "lost_contact"),
                                                    (d(2026, 10, 7, 1, 0, tzinfo=UTC), "monitored")]),
        # lost and found the same day: not lost
        _inc("f", d(2026, 10, 6, 8, 0, tzinfo=UTC), [(d(2026, 10, 6, 9, 0, tzinfo=UTC), "lost_contact"),
                                                   (d(2026, 10, 6, 9, 5, tzinfo=UTC), "monitored")]),
    ]  # fmt: skip
    rows = daily_outcomes(incs, date(2026, 10, 5), date(2026, 10, 7))
    assert [r.date for r in rows] == [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)]
    day5, day6, day7 = rows
    assert day5.incidents == 0
    assert day6.incidents == 5 and day6.persons_estimated == 53 * 4 + 40
    assert day6.boats_landed_uk == 2 and day6.persons_landed_uk == 61 + 40
    assert day6.boats_rescued == 1 and day6.persons_rescued == 40
    assert day6.boats_returned_fr == 1 and day6.persons_returned_fr == 53
    assert day6.boats_lost_contact == 1 and day7.boats_lost_contact == 0
    mapping = as_outcome_mapping(rows)
    assert mapping["2026-10-06"]["persons_landed_uk"] == 101 and mapping["2026-10-05"]["incidents"] == 0
