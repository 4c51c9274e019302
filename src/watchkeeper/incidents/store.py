"""Incidents in the store: mirror the book's events, the board, detail with timeline, what users do.

``save`` writes the book's (system) events. The store is the truth for what users did, so a system
state change is applied only when the stored state still allows it (an incident a user has closed is
not re-opened by a track that ends at a shore; the system's observation goes to the timeline as a note).
User actions (``transition``, ``add_note``, ``set_persons``) load the incident, run the same pure
lifecycle functions as the book, and append to the timeline; the API audits them.
Reads filter by clearance (``core.marking``); an incident the user may not see does not exist for them.

Markings: a stored incident's marking is the most restrictive of its sources (each event names the
sources it adds), unless a user released it (``release``: ``released_marking``). A release stands
against sources no more restrictive than it; a more restrictive one re-restricts the incident, which
the store records as a ``marking`` timeline entry, a ``releases`` row by ``system`` and an audit row
(``re_restrict``). The store applies this rule itself, so a release is never undone by a book that has
not applied it yet (the alerts worker applies releases at its next scan).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from watchkeeper.alerts.types import Severity, iso_utc
from watchkeeper.core.marking import Marking, parse_marking, visible_markings, with_source
from watchkeeper.incidents.book import (
    SYSTEM,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    TimelineEntry,
    TimelineKind,
    add_note,
    restriction_text,
    set_persons_estimate,
    transition_incident,
)
from watchkeeper.incidents.daily import DailyOutcome, daily_outcomes, stats_rows, uk_day
from watchkeeper.incidents.lifecycle import (
    ALLOWED,
    OPEN_STATES,
    IncidentState,
    Outcome,
    TransitionError,
    parse_state,
)
from watchkeeper.incidents.models import IncidentRow, IncidentTimelineRow
from watchkeeper.sharing.store import Release, record_re_restriction

# entries written in event time (what the watch saw); user actions are in wall-clock time
EVENT_TIME_KINDS = (TimelineKind.OPENED, TimelineKind.ALERT, TimelineKind.TRACK, TimelineKind.OBSERVATION)

BOARD_COLUMNS = tuple(s for s in IncidentState)


class IncidentNotFound(LookupError):
    pass


def _visible(clearance: str | Marking) -> list[str]:
    return [m.value for m in visible_markings(clearance)]


def summary(row: IncidentRow) -> dict[str, Any]:
    return {
        "incident_id": row.incident_id,
        "opened_utc": iso_utc(row.opened_time),
        "updated_utc": iso_utc(row.updated_time),
        "closed_utc": None if row.closed_time is None else iso_utc(row.closed_time),
        "state": row.state,
        "outcome": row.outcome,
        "persons_estimate": row.persons_estimate,
        "persons_landed": row.persons_landed,
        "severity": row.severity,
        "lat": row.lat,
        "lon": row.lon,
        "track_ids": list(row.track_ids or []),
        "marking": row.marking,
        "released": row.released_marking,
        "source": row.source,
        "simulated": row.simulated,
    }


def entry_dict(row: IncidentTimelineRow) -> dict[str, Any]:
    return {
        "time_utc": iso_utc(row.time),
        "kind": row.kind,
        "actor": row.actor,
        "text": row.text,
        "detail": row.detail or {},
    }


def _to_incident(row: IncidentRow) -> Incident:
    return Incident(
        incident_id=row.incident_id,
        opened_time=row.opened_time,
        updated_time=row.updated_time,
        state=IncidentState(row.state),
        track_ids=list(row.track_ids or []),
        persons_estimate=row.persons_estimate,
        lat=row.lat,
        lon=row.lon,
        marking=parse_marking(row.marking),
        persons_landed=row.persons_landed,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        severity=Severity.parse(row.severity),
        closed_time=row.closed_time,
        source=row.source,
        released=None if row.released_marking is None else parse_marking(row.released_marking),
    )


def _timeline_row(incident_id: str, e: TimelineEntry) -> IncidentTimelineRow:
    return IncidentTimelineRow(
        incident_id=incident_id,
        time=e.time,
        kind=e.kind.value,
        actor=e.actor[:64],
        text=e.text,
        detail=e.detail,
    )


@dataclass(frozen=True, slots=True)
class _Record:
    """What the daily figures read (``daily.IncidentLike``)."""

    opened_time: datetime
    persons_estimate: int | None
    persons_landed: int | None
    timeline: list[TimelineEntry]
    outcome: str | None = None
    marking: str = Marking.UK_ONLY.value


class IncidentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- the book's events ---------------------------------------------------------------------------
    def sequence_by_day(self) -> dict[str, int]:
        """The highest incident number used on each day (``INC-<day>-<n>``), for a book that resumes on
        this store: a restarted worker must never hand out an id already given."""
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for (incident_id,) in conn.execute(select(IncidentRow.incident_id)):
                parts = str(incident_id).split("-")
                if len(parts) == 3 and parts[0] == "INC" and parts[2].isdigit():
                    out[parts[1]] = max(out.get(parts[1], 0), int(parts[2]))
        return out

    def save(self, events: Iterable[IncidentEvent], simulated: bool = False) -> int:
        n = 0
        with Session(self.engine) as session, session.begin():
            for e in events:
                inc = e.incident
                row = session.get(IncidentRow, inc.incident_id)
                if row is None:
                    row = IncidentRow(
                        incident_id=inc.incident_id,
                        opened_time=inc.opened_time,
                        updated_time=inc.updated_time,
                        state=IncidentState.DETECTED.value,
                        persons_estimate=inc.persons_estimate,
                        severity=inc.severity.label,
                        severity_rank=int(inc.severity),
                        lat=inc.lat,
                        lon=inc.lon,
                        track_ids=list(inc.track_ids),
                        marking=inc.marking.value,
                        simulated=simulated,
                        source=inc.source,
                    )
                    session.add(row)
                    session.flush()
                self._merge(row, inc)
                if e.sources and not (
                    e.entry is not None and self._recorded(session, row.incident_id, e.entry)
                ):
                    self._join(session, row, e)  # sources of an event already recorded joined already
                entry = e.entry
                if entry is None or entry.kind is TimelineKind.MARKING:
                    continue  # the store records re-restrictions itself (``_join``)
                if e.kind is IncidentEventKind.STATE and not self._system_state(row, entry):
                    state = row.state
                    entry = TimelineEntry(
                        entry.time,
                        TimelineKind.NOTE,
                        SYSTEM,
                        f"{entry.text} — not applied: the incident is {state}",
                        dict(entry.detail),
                    )
                if self._recorded(session, row.incident_id, entry):
                    continue  # the same observation again (a replay, a restart): recorded once
                if entry.kind is TimelineKind.OBSERVATION and "persons_estimate" in entry.detail:
                    self._observed_persons(session, row, int(entry.detail["persons_estimate"]))
                session.add(_timeline_row(row.incident_id, entry))
                n += 1
        return n

    @staticmethod
    def _recorded(session: Session, incident_id: str, entry: TimelineEntry) -> bool:
        found = session.scalar(
            select(IncidentTimelineRow.id)
            .where(
                IncidentTimelineRow.incident_id == incident_id,
                IncidentTimelineRow.time == entry.time,
                IncidentTimelineRow.kind == entry.kind.value,
                IncidentTimelineRow.actor == entry.actor[:64],
                IncidentTimelineRow.text == entry.text,
            )
            .limit(1)
        )
        return found is not None

    @staticmethod
    def _observed_persons(session: Session, row: IncidentRow, persons: int) -> None:
        """A count of persons seen by a drone or an observer replaces the estimate, unless a user has
        given one (the store is the truth for what users did)."""
        by_user = session.scalar(
            select(IncidentTimelineRow.id)
            .where(
                IncidentTimelineRow.incident_id == row.incident_id,
                IncidentTimelineRow.kind == TimelineKind.PERSONS.value,
                IncidentTimelineRow.actor != SYSTEM,
            )
            .limit(1)
        )
        if by_user is None:
            row.persons_estimate = persons

    @staticmethod
    def _merge(row: IncidentRow, inc: Incident) -> None:
        row.updated_time = max(row.updated_time, inc.updated_time)
        if row.state != IncidentState.CLOSED.value:
            row.lat, row.lon = inc.lat, inc.lon
        row.track_ids = list(dict.fromkeys([*(row.track_ids or []), *inc.track_ids]))
        if int(inc.severity) > row.severity_rank:
            row.severity, row.severity_rank = inc.severity.label, int(inc.severity)

    @staticmethod
    def _join(session: Session, row: IncidentRow, e: IncidentEvent) -> None:
        """The event's sources join the stored marking (``core.marking.with_source``); a released
        incident that one of them re-restricts is recorded (timeline, releases, audit)."""
        for source in e.sources:
            marking, lapsed = with_source(row.marking, source.marking, row.released_marking)
            released = row.released_marking
            row.marking = marking.value
            if not lapsed or released is None:
                continue
            row.released_marking = None
            text = restriction_text(source, released, row.marking)
            detail = {"from": released, "to": row.marking, "source": source.what}
            session.add(
                _timeline_row(
                    row.incident_id, TimelineEntry(e.time, TimelineKind.MARKING, SYSTEM, text, detail)
                )
            )
            record_re_restriction(session, "incident", row.incident_id, released, row.marking, text, e.time)

    @staticmethod
    def _system_state(row: IncidentRow, entry: TimelineEntry) -> bool:
        """Apply a system state change if the stored state allows it; False when it does not."""
        target = IncidentState(str(entry.detail.get("to")))
        current = IncidentState(row.state)
        if current == target:
            return True  # already applied (the same change recorded again)
        if target not in ALLOWED[current]:
            return False
        row.state = target.value
        return True

    # ---- reads ----------------------------------------------------------------------------------------
    def find(
        self,
        clearance: str | Marking,
        state: str | None = None,
        open_only: bool = False,
        limit: int = 200,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        stmt = select(IncidentRow).where(IncidentRow.marking.in_(_visible(clearance)))
        if state is not None:
            stmt = stmt.where(IncidentRow.state == parse_state(state).value)
        if open_only:
            stmt = stmt.where(IncidentRow.state.in_([s.value for s in OPEN_STATES]))
        stmt = (
            stmt.order_by(IncidentRow.severity_rank.desc(), IncidentRow.updated_time.desc())
            .limit(limit)
            .offset(offset)
        )
        with Session(self.engine) as session:
            return [summary(r) for r in session.scalars(stmt)]

    def board(self, clearance: str | Marking, closed_limit: int = 20) -> dict[str, Any]:
        """Open incidents in one column per state (most severe first), and the latest closed ones."""
        columns: dict[str, list[dict[str, Any]]] = {s.value: [] for s in BOARD_COLUMNS}
        for inc in self.find(clearance, open_only=True, limit=1000):
            columns[inc["state"]].append(inc)
        with Session(self.engine) as session:
            closed = session.scalars(
                select(IncidentRow)
                .where(
                    IncidentRow.marking.in_(_visible(clearance)),
                    IncidentRow.state == IncidentState.CLOSED.value,
                )
                .order_by(IncidentRow.closed_time.desc())
                .limit(closed_limit)
            )
            columns[IncidentState.CLOSED.value] = [summary(r) for r in closed]
            persons = session.scalar(
                select(func.coalesce(func.sum(IncidentRow.persons_estimate), 0)).where(
                    IncidentRow.marking.in_(_visible(clearance)),
                    IncidentRow.state.in_([s.value for s in OPEN_STATES]),
                )
            )
        return {
            "columns": [{"state": s, "incidents": columns[s]} for s in columns],
            "open": sum(len(v) for k, v in columns.items() if k != IncidentState.CLOSED.value),
            "persons_at_sea_estimate": int(persons or 0),
        }

    def detail(self, incident_id: str, clearance: str | Marking) -> dict[str, Any]:
        with Session(self.engine) as session:
            row = self._row(session, incident_id, clearance)
            body = summary(row)
            body["timeline"] = [
                entry_dict(t)
                for t in session.scalars(
                    select(IncidentTimelineRow)
                    .where(IncidentTimelineRow.incident_id == incident_id)
                    .order_by(IncidentTimelineRow.time, IncidentTimelineRow.id)
                )
            ]
            body["allowed"] = sorted(s.value for s in ALLOWED[IncidentState(row.state)])
            return body

    @staticmethod
    def _row(session: Session, incident_id: str, clearance: str | Marking) -> IncidentRow:
        row = session.get(IncidentRow, incident_id)
        if row is None or row.marking not in _visible(clearance):
            raise IncidentNotFound(incident_id)
        return row

    # ---- releases (sharing) ----------------------------------------------------------------------------
    def marking_of(self, incident_id: str) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(IncidentRow.marking).where(IncidentRow.incident_id == incident_id))

    def markings(self, incident_ids: Iterable[str]) -> dict[str, str]:
        ids = list(incident_ids)
        with Session(self.engine) as session:
            rows = session.execute(
                select(IncidentRow.incident_id, IncidentRow.marking).where(IncidentRow.incident_id.in_(ids))
            )
            return {str(i): str(m) for i, m in rows}

    def effective_from(self, incident_id: str) -> datetime | None:
        """The event time a release made now takes effect after: the incident's last entry in event
        time (what the watch saw of it). Every later source comes from a later scan."""
        stmt = select(func.max(IncidentTimelineRow.time)).where(
            IncidentTimelineRow.incident_id == incident_id,
            IncidentTimelineRow.kind.in_([k.value for k in EVENT_TIME_KINDS])
            | (IncidentTimelineRow.actor == SYSTEM),
        )
        with Session(self.engine) as session:
            found: datetime | None = session.scalar(stmt)
            return found

    def release(self, release: Release) -> None:
        """Store a user's release on the incident (``sharing.SharingService.release`` checked the rule and
        records the release): its marking, the release that stands, and a ``release`` timeline entry."""
        with Session(self.engine) as session, session.begin():
            row = session.get(IncidentRow, release.object_id, with_for_update=True)
            if row is None:
                raise IncidentNotFound(release.object_id)
            row.marking = row.released_marking = release.to_marking
            text = (
                f"released {release.from_marking} → {release.to_marking} by {release.actor}: {release.reason}"
            )
            detail = {"release_id": release.id, "from": release.from_marking, "to": release.to_marking}
            entry = TimelineEntry(release.time, TimelineKind.RELEASE, release.actor, text, detail)
            session.add(_timeline_row(row.incident_id, entry))

    # ---- what users do --------------------------------------------------------------------------------
    def transition(
        self,
        incident_id: str,
        actor: str,
        clearance: str | Marking,
        target: IncidentState,
        at: datetime,
        note: str | None = None,
        persons_landed: int | None = None,
        outcome: Outcome | None = None,
    ) -> dict[str, Any]:
        def act(inc: Incident) -> list[IncidentEvent]:
            return transition_incident(inc, target, actor, at, note, persons_landed, outcome)

        return self._user_action(incident_id, clearance, act)

    def add_note(
        self, incident_id: str, actor: str, clearance: str | Marking, at: datetime, text: str
    ) -> dict[str, Any]:
        return self._user_action(incident_id, clearance, lambda inc: [add_note(inc, actor, at, text)])

    def set_persons(
        self, incident_id: str, actor: str, clearance: str | Marking, at: datetime, estimate: int
    ) -> dict[str, Any]:
        return self._user_action(
            incident_id, clearance, lambda inc: [set_persons_estimate(inc, actor, at, estimate)]
        )

    def _user_action(self, incident_id: str, clearance: str | Marking, act: Any) -> dict[str, Any]:
        with Session(self.engine) as session, session.begin():
            row = self._row(session, incident_id, clearance)
            inc = _to_incident(row)
            events: list[IncidentEvent] = act(inc)
            row.state = inc.state.value
            row.outcome = None if inc.outcome is None else inc.outcome.value
            row.closed_time = inc.closed_time
            row.persons_landed = inc.persons_landed
            row.persons_estimate = inc.persons_estimate
            row.updated_time = max(row.updated_time, inc.updated_time)
            for e in events:
                if e.entry is not None:
                    session.add(_timeline_row(incident_id, e.entry))
        return self.detail(incident_id, clearance)

    # ---- figures --------------------------------------------------------------------------------------
    def daily_figures(
        self, start: date | None = None, end: date | None = None, clearance: str | Marking = Marking.UK_ONLY
    ) -> list[DailyOutcome]:
        """``daily.daily_outcomes`` over the stored incidents the clearance may see."""
        records = self._records(_visible(clearance))
        return daily_outcomes(records, start, end)

    def outcome_provider(self) -> Callable[[date | None, date | None], list[dict[str, object]]]:
        """The statistics' outcome provider (``stats.outcomes.OutcomeProvider``): for ``(start, end)``, one
        row per UK day and marking, zeros included, from the first incident's day (or ``start``) to the last
        (or ``end``). Rows carry their marking: the statistics filter them by the reader's clearance."""

        def provider(start: date | None, end: date | None) -> list[dict[str, object]]:
            records = self._records([m.value for m in Marking])
            if not records:
                return []
            days = [uk_day(r.opened_time) for r in records]
            days += [uk_day(e.time) for r in records for e in r.timeline]  # the log runs to its last change
            lo = start or min(days)
            hi = end or max(max(days), lo)
            out: list[dict[str, object]] = []
            for marking in sorted({r.marking for r in records}):
                group = [r for r in records if r.marking == marking]
                out.extend(stats_rows(daily_outcomes(group, lo, hi), marking))
            return out

        return provider

    def _records(self, markings: Iterable[str]) -> list[_Record]:
        with Session(self.engine) as session:
            rows = list(session.scalars(select(IncidentRow).where(IncidentRow.marking.in_(list(markings)))))
            timelines: dict[str, list[TimelineEntry]] = {r.incident_id: [] for r in rows}
            for t in session.scalars(
                select(IncidentTimelineRow)
                .where(IncidentTimelineRow.kind == TimelineKind.STATE.value)
                .order_by(IncidentTimelineRow.time, IncidentTimelineRow.id)
            ):
                if t.incident_id in timelines:
                    timelines[t.incident_id].append(
                        TimelineEntry(t.time, TimelineKind.STATE, t.actor, t.text, dict(t.detail or {}))
                    )
        return [
            _Record(
                r.opened_time,
                r.persons_estimate,
                r.persons_landed,
                timelines[r.incident_id],
                r.outcome,
                r.marking,
            )
            for r in rows
        ]


__all__ = ["IncidentNotFound", "IncidentStore", "TransitionError"]
