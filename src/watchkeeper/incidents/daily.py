"""Daily outcome figures of the cell's incidents, to show beside the Home Office series (SB_01).

``daily_outcomes(incidents)`` counts, per UK calendar day (Europe/London, the day the Home Office
counts an arrival on), how the incidents of that day came out:

* ``incidents`` — opened that day (every small-craft contact);
* ``boats_landed_uk`` / ``persons_landed_uk`` — reached ``landed_uk`` that day (persons: those recorded at
  landing, else the estimate); compare with ``boats_arrived`` / ``migrants_arrived``;
* ``boats_returned_fr`` / ``persons_returned_fr`` — reached ``returned_fr`` that day;
* ``boats_rescued`` / ``persons_rescued`` — reached ``rescued`` that day (many of them land later, and
  count in ``landed_uk`` too, on the day they land);
* ``boats_lost_contact`` — entered ``lost_contact`` that day and were not found again by the day's end;
* ``closed_lost_contact`` — closed that day with the outcome ``lost_contact`` (never found);
* ``persons_estimated`` — the sum of the estimates of the incidents opened that day.

A day is the day of the timeline entry of the state change, so an incident that opens at 23:50 and
lands at 00:40 counts as opened on one day and landed on the next, as the Home Office would count it.
``as_outcome_mapping`` turns the rows into what ``stats.figures.with_incident_outcomes`` takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


class _Entry(Protocol):
    @property
    def time(self) -> datetime: ...

    @property
    def kind(self) -> str: ...

    @property
    def detail(self) -> Mapping[str, object]: ...


class IncidentLike(Protocol):
    """What the figures read of an incident (the book's ``Incident`` and the store's record both fit)."""

    @property
    def opened_time(self) -> datetime: ...

    @property
    def persons_estimate(self) -> int | None: ...

    @property
    def persons_landed(self) -> int | None: ...

    @property
    def timeline(self) -> Iterable[_Entry]: ...


@dataclass(frozen=True, slots=True)
class DailyOutcome:
    date: date
    incidents: int = 0
    persons_estimated: int = 0
    boats_landed_uk: int = 0
    persons_landed_uk: int = 0
    boats_returned_fr: int = 0
    persons_returned_fr: int = 0
    boats_rescued: int = 0
    persons_rescued: int = 0
    boats_lost_contact: int = 0
    closed_lost_contact: int = 0


FIELDS = tuple(k for k in DailyOutcome.__dataclass_fields__ if k != "date")


def uk_day(t: datetime) -> date:
    return t.astimezone(UK_TIME).date()


def daily_outcomes(
    incidents: Iterable[IncidentLike], start: date | None = None, end: date | None = None
) -> list[DailyOutcome]:
    """One row per UK day from ``start`` to ``end`` (inclusive; default: the days that have incidents)."""
    counts: dict[date, dict[str, int]] = {}

    def add(day: date, key: str, n: int) -> None:
        counts.setdefault(day, dict.fromkeys(FIELDS, 0))[key] += n

    for inc in incidents:
        persons = inc.persons_landed if inc.persons_landed is not None else (inc.persons_estimate or 0)
        opened = uk_day(inc.opened_time)
        add(opened, "incidents", 1)
        add(opened, "persons_estimated", inc.persons_estimate or 0)
        lost_on: date | None = None
        for entry in inc.timeline:
            if str(entry.kind) != "state":
                continue
            target = str(entry.detail.get("to", ""))
            day = uk_day(entry.time)
            if target == "landed_uk":
                add(day, "boats_landed_uk", 1)
                add(day, "persons_landed_uk", persons)
            elif target == "returned_fr":
                add(day, "boats_returned_fr", 1)
                add(day, "persons_returned_fr", persons)
            elif target == "rescued":
                add(day, "boats_rescued", 1)
                add(day, "persons_rescued", persons)
            if target == "closed" and str(getattr(inc, "outcome", None) or "") == "lost_contact":
                add(day, "closed_lost_contact", 1)
            if target == "lost_contact":
                lost_on = day
            elif lost_on is not None and target != "closed":
                if day != lost_on:  # found again on a later day: it was lost at the end of that one
                    add(lost_on, "boats_lost_contact", 1)
                lost_on = None
        if lost_on is not None:
            add(lost_on, "boats_lost_contact", 1)
    days = sorted(counts)
    if start is not None or end is not None:
        lo = start or (days[0] if days else end)
        hi = end or (days[-1] if days else start)
        assert lo is not None and hi is not None
        days = [date.fromordinal(o) for o in range(lo.toordinal(), hi.toordinal() + 1)]
    return [DailyOutcome(d, **counts.get(d, dict.fromkeys(FIELDS, 0))) for d in days]


def stats_rows(rows: Iterable[DailyOutcome], marking: str) -> list[dict[str, object]]:
    """The rows in the statistics' input form (``stats.outcomes.DailyOutcome``): ``returned_fr`` and
    ``rescued`` are persons, ``lost_contact`` the incidents closed with contact lost, one marking."""
    return [
        {
            "date": r.date,
            "incidents": r.incidents,
            "persons_landed_uk": r.persons_landed_uk,
            "returned_fr": r.persons_returned_fr,
            "rescued": r.persons_rescued,
            "lost_contact": r.closed_lost_contact,
            "marking": marking,
        }
        for r in rows
    ]


def as_outcome_mapping(rows: Iterable[DailyOutcome]) -> dict[str, dict[str, int]]:
    """``{"2026-10-05": {"incidents": 3, "persons_landed_uk": 110, ...}}`` for the statistics' seam."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        values = asdict(row)
        day = values.pop("date")
        out[day.isoformat()] = {k: int(v) for k, v in values.items()}
    return out
