"""The incident book: every small-craft contact becomes an incident. Pure, event time, one step per scan.

``IncidentBook.step(ctx, alert_events)`` runs after the alert engine on the same scan and returns the
incident events of that scan. What it does by itself (actor ``system``):

* **opens** an incident for a small-craft track held ``open_after_s`` (or at once when an alert names
  the track): state ``detected``, persons estimated at ``persons_per_boat`` (Home Office SB_01, 2024:
  36,816 people on 695 boats, 53 a boat), the track's marking;
* **links** every alert on its tracks (the incident's marking becomes the most restrictive of its
  sources, unless it was released: see below), and a new track that picks up a lost one
  (``ScanContext.links``) to the same incident;
* **lost_contact** when the ``lost_contact`` alert is raised; back to the state before when re-acquired;
* **landed_uk** / **returned_fr** (inferred) when the track ends within ``landing_shore_m`` of the UK /
  French shore — and, for the French shore, only after the boat had left it (a departure alert);
* keeps the last position and the highest alert severity;
* **field detections** (a drone's or an observer's boat or persons, ``incidents.field``): linked to the
  incident of the nearest small-craft contact in time and space — opening the incident of a small-craft
  track not yet in one — or opening an incident of their own (``source`` ``drone`` / ``observer``); the
  observation goes to the timeline, the marking becomes the most restrictive of the incident's and the
  observation's, and a count of persons seen replaces the average estimate (never a user's figure).

**Releases.** A user may release an incident (``sharing``: ``IncidentBook.release``, applied by the
watch before the first scan after the release's event time). The released marking then stands against
every source that is no more restrictive than it; a more restrictive source joining later (a UK-ONLY
alert on an incident released to UK-FR) re-restricts the incident to the most restrictive of the two,
and says so in its timeline (``marking`` entry naming the source): nobody released what it brought, and
the releaser sees why their release no longer holds. Each event names the markings of the sources it
adds (``IncidentEvent.sources``): the store applies the same rule to what it holds.

What people do (task an asset, record an interception, a rescue, persons at landing, notes, close) comes
through ``transition`` / ``add_note`` / ``set_persons``, validated by ``lifecycle``; the store records
who did it (audited at the API).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from watchkeeper.alerts.config import AlertSettings, declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.types import AlertEvent, EventKind, RuleName, Severity, iso_utc
from watchkeeper.core.marking import DEFAULT_MARKING, Marking, parse_marking, with_source
from watchkeeper.core.types import FieldObservation
from watchkeeper.geo.frames import to_utm
from watchkeeper.incidents.field import Candidate, Link, concerns_incidents, nearest, source_of
from watchkeeper.incidents.lifecycle import (
    ALLOWED,
    IncidentState,
    Outcome,
    TransitionError,
    check_persons,
    check_transition,
    outcome_on_close,
)

SYSTEM = "system"
KNOT_MPS = 1852.0 / 3600.0

OPEN_AFTER = declare(
    "incidents.open_after_s", 60.0, "s", 0.0, 3600.0,
    "A small-craft track held this long opens an incident (an alert on it opens one at once).",
)  # fmt: skip
PERSONS_PER_BOAT = declare(
    "incidents.persons_per_boat", 53, "persons", 1, 200,
    "First estimate of the persons on board: Home Office SB_01, 2024, 36,816 people on 695 boats.",
)  # fmt: skip
LANDING_SHORE = declare(
    "incidents.landing_shore_m", 1500.0, "m", 0.0, 10000.0,
    "A track that ends this close to the UK shore is inferred landed (to the French shore: returned).",
)  # fmt: skip


class TimelineKind(StrEnum):
    OPENED = "opened"
    STATE = "state"
    ALERT = "alert"
    TRACK = "track"
    NOTE = "note"
    PERSONS = "persons"
    OBSERVATION = "observation"  # a drone's or an observer's detection (incidents.field)
    RELEASE = "release"  # a user released (or re-restricted) it (sharing)
    MARKING = "marking"  # a source more restrictive than its release re-restricted it


@dataclass(slots=True)
class TimelineEntry:
    time: datetime
    kind: TimelineKind
    actor: str
    text: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "time_utc": iso_utc(self.time),
            "kind": self.kind.value,
            "actor": self.actor,
            "text": self.text,
            "detail": self.detail,
        }


@dataclass(slots=True)
class Incident:
    incident_id: str
    opened_time: datetime
    updated_time: datetime
    state: IncidentState
    track_ids: list[int]
    persons_estimate: int | None
    lat: float
    lon: float
    marking: Marking = DEFAULT_MARKING
    alert_ids: list[str] = field(default_factory=list)
    persons_landed: int | None = None
    outcome: Outcome | None = None
    severity: Severity = Severity.INFO
    closed_time: datetime | None = None
    state_before_lost: IncidentState | None = None
    departed: bool = False  # a departure alert was raised on one of its tracks
    source: str = "track"  # what opened it: "track" (radar), "drone", "observer"
    persons_from: str = "average"  # where the estimate comes from: "average", "observation", a user
    released: Marking | None = None  # the marking a user released it to, while the release stands
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.state is not IncidentState.CLOSED

    def to_dict(self, timeline: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "incident_id": self.incident_id,
            "opened_utc": iso_utc(self.opened_time),
            "updated_utc": iso_utc(self.updated_time),
            "state": self.state.value,
            "track_ids": list(self.track_ids),
            "alert_ids": list(self.alert_ids),
            "persons_estimate": self.persons_estimate,
            "persons_landed": self.persons_landed,
            "outcome": None if self.outcome is None else self.outcome.value,
            "severity": self.severity.label,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "marking": self.marking.value,
            "source": self.source,
            "closed_utc": None if self.closed_time is None else iso_utc(self.closed_time),
        }
        if timeline:
            body["timeline"] = [e.to_dict() for e in self.timeline]
        return body


class IncidentEventKind(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"  # linked an alert or a track, moved, estimate changed
    STATE = "state"  # changed state


@dataclass(frozen=True, slots=True)
class Source:
    """A source joining an incident: its marking and what it is (``alert <id>``, ``observation <id>``,
    ``track <id>``)."""

    marking: Marking
    what: str


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    kind: IncidentEventKind
    time: datetime
    incident: Incident
    entry: TimelineEntry | None = None
    sources: tuple[Source, ...] = ()  # the sources this event adds (their markings join the incident's)


def restriction_text(source: Source, released: str, now_marking: str) -> str:
    """The timeline's words when a source more restrictive than the release re-restricts an incident
    (the book and the store write the same entry)."""
    return (
        f"re-restricted {released} → {now_marking}: {source.what} ({source.marking.value}) joined after the "
        f"release to {released}; release it again to share what it brought"
    )


class IncidentBook:
    """Incidents of one picture, in memory (the store mirrors them)."""

    def __init__(self, settings: AlertSettings | None = None, numbered: dict[str, int] | None = None) -> None:
        """``numbered``: the highest incident number already given per day
        (``IncidentStore.sequence_by_day``), so that a book resuming on a store continues the numbering."""
        self.settings = settings or AlertSettings()
        self.incidents: dict[str, Incident] = {}
        self.by_track: dict[int, str] = {}
        self.seen: dict[str, datetime] = {}  # incident → event time its contact was last seen
        self._count_by_day: dict[str, int] = dict(numbered or {})

    # ---- automatic ---------------------------------------------------------------------------------
    def step(
        self,
        ctx: ScanContext,
        alert_events: Iterable[AlertEvent] = (),
        field: Sequence[FieldObservation] = (),
    ) -> list[IncidentEvent]:
        """One scan: its tracks and alerts (``ctx``, ``alert_events``) and the drone/observer detections
        that arrived in its window (``field``, any order: taken in event-time order)."""
        s = self.settings
        open_after = s.number(OPEN_AFTER.key)
        events: list[IncidentEvent] = []
        now = ctx.time
        for new_id, old_id in ctx.links.items():
            inc = self._incident_of(old_id)
            if inc is None or new_id in self.by_track:
                continue
            inc.track_ids.append(new_id)
            self.by_track[new_id] = inc.incident_id
            entry = self._log(
                inc, now, TimelineKind.TRACK, SYSTEM, f"track {new_id} picked up lost track {old_id}"
            )
            view = ctx.by_id.get(new_id)
            sources = () if view is None else (Source(view.marking, f"track {new_id}"),)
            events.append(IncidentEvent(IncidentEventKind.UPDATED, now, inc, entry, sources))
            for source in sources:
                events += self._join(inc, source, now)
            if inc.state is IncidentState.LOST_CONTACT:
                back = inc.state_before_lost or IncidentState.MONITORED
                if back is IncidentState.DETECTED:
                    back = IncidentState.MONITORED
                events.append(self._set_state(inc, back, now, SYSTEM, f"contact regained by track {new_id}"))
        alert_events = list(alert_events)
        named = {e.alert.track_id for e in alert_events if e.kind is EventKind.RAISED and e.alert.track_id}
        for v in ctx.tracks:
            if v.track_id in self.by_track:
                inc = self.incidents[self.by_track[v.track_id]]
                if inc.is_open:
                    inc.lat, inc.lon = v.lat, v.lon
                    self.seen[inc.incident_id] = now
                continue
            if not v.small_craft or (v.age_s() < open_after and v.track_id not in named):
                continue
            events.append(self._open(v, now))
        for e in alert_events:
            events.extend(self._on_alert(e, now))
        for ended in ctx.ended:
            inc = self._incident_of(ended.track_id)
            if inc is None or not inc.is_open or ended.track_id != inc.track_ids[-1]:
                continue
            events.extend(self._on_track_end(inc, ended.last_view, now))
        events.extend(self._on_field(ctx, field))
        return events

    def _on_field(self, ctx: ScanContext, field: Sequence[FieldObservation]) -> list[IncidentEvent]:
        detections = sorted(
            (o for o in field if concerns_incidents(o)), key=lambda o: (o.event_time, o.obs_id)
        )
        if not detections:
            return []
        events: list[IncidentEvent] = []
        candidates = self._candidates(ctx)
        views = {v.track_id: v for v in ctx.tracks}
        for obs in detections:
            link = nearest(obs, candidates, self.settings)
            if link is None:
                opened = self._open_from(obs, obs.event_time)
                events += [opened, *self._observed(opened.incident, obs, None)]
                x, y = (float(v) for v in to_utm(obs.lon, obs.lat))
                candidates.append(Candidate(opened.incident.incident_id, None, x, y, obs.event_time))
                continue
            c = link.candidate
            if c.incident_id is None:  # a small-craft track not yet in an incident: the detection opens it
                assert c.track_id is not None
                opened = self._open(views[c.track_id], obs.event_time)  # opened when seen
                opened.incident.source = source_of(obs)
                events.append(opened)
                candidates = [
                    Candidate(opened.incident.incident_id, k.track_id, k.x, k.y, k.time, k.vx, k.vy)
                    if k.track_id == c.track_id else k
                    for k in candidates
                ]  # fmt: skip
                inc = opened.incident
            else:
                inc = self.incidents[c.incident_id]
            events += self._observed(inc, obs, link)
        return events

    def _candidates(self, ctx: ScanContext) -> list[Candidate]:
        """This scan's small-craft tracks, and the open incidents not held by any of them."""
        out: list[Candidate] = []
        held: set[str] = set()
        for v in ctx.tracks:
            iid = self.by_track.get(v.track_id)
            if iid is not None:
                held.add(iid)
            if not v.small_craft and iid is None:
                continue
            if v.fit is not None:
                vx, vy = v.fit.vx, v.fit.vy
            else:
                course = math.radians(v.cog_deg)
                vx, vy = (v.sog_kn * KNOT_MPS * math.sin(course), v.sog_kn * KNOT_MPS * math.cos(course))
            out.append(Candidate(iid, v.track_id, v.x, v.y, ctx.time, vx, vy))
        for iid, inc in self.incidents.items():
            if inc.is_open and iid not in held and iid in self.seen:
                x, y = (float(v) for v in to_utm(inc.lon, inc.lat))
                out.append(Candidate(iid, None, x, y, self.seen[iid]))
        return out

    def _open_from(self, obs: FieldObservation, now: datetime) -> IncidentEvent:
        """An incident opened by a detection no contact explains."""
        persons = obs.persons if obs.persons is not None else int(self.settings.number(PERSONS_PER_BOAT.key))
        inc = Incident(
            incident_id=self._next_id(now),
            opened_time=now,
            updated_time=now,
            state=IncidentState.DETECTED,
            track_ids=[],
            persons_estimate=persons,
            lat=obs.lat,
            lon=obs.lon,
            marking=parse_marking(obs.marking),
            source=source_of(obs),
            persons_from="observation" if obs.persons is not None else "average",
        )
        self.incidents[inc.incident_id] = inc
        self.seen[inc.incident_id] = obs.event_time
        how = f"{obs.persons} persons seen" if obs.persons is not None else (
            f"persons estimated at {persons} (average a boat, Home Office 2024)"
        )  # fmt: skip
        entry = self._log(
            inc, now, TimelineKind.OPENED, SYSTEM,
            f"{source_of(obs)} detection of {obs.kind.value} at {obs.lat:.4f}, {obs.lon:.4f}, no small-craft "
            f"contact near; {how}",
            {"obs_id": obs.obs_id, "source": source_of(obs)},
        )  # fmt: skip
        return IncidentEvent(IncidentEventKind.OPENED, now, inc, entry)

    def _observed(self, inc: Incident, obs: FieldObservation, link: Link | None) -> list[IncidentEvent]:
        """The detection in the incident's timeline; marking, persons and position follow from it."""
        detail: dict[str, Any] = {
            "obs_id": obs.obs_id, "source": source_of(obs), "kind": obs.kind.value, "sensor": obs.sensor_uid,
            "lat": round(obs.lat, 6), "lon": round(obs.lon, 6), "ce_m": obs.ce_m, "persons": obs.persons,
            "boat_type": obs.boat_type, "cot_type": obs.cot_type, "observation_marking": obs.marking,
        }  # fmt: skip
        where = f"at {obs.lat:.4f}, {obs.lon:.4f}"
        if link is not None:
            c = link.candidate
            detail["distance_m"] = round(link.distance_m, 1)
            if c.track_id is not None:
                detail["track_id"] = c.track_id
                where += f", {link.distance_m:.0f} m from track {c.track_id}"
            else:
                where += f", {link.distance_m:.0f} m from where the contact was last seen"
                inc.lat, inc.lon = obs.lat, obs.lon  # no track holds it: the detection is the latest fix
                self.seen[inc.incident_id] = max(
                    self.seen.get(inc.incident_id, obs.event_time), obs.event_time
                )
        text = f"{source_of(obs)} detection of {obs.kind.value} {where}"
        if obs.persons is not None:
            text += f"; {obs.persons} persons seen"
            if inc.persons_from in ("average", "observation"):
                detail["persons_estimate"] = obs.persons
                inc.persons_estimate = obs.persons
                inc.persons_from = "observation"
        if obs.text:
            text += f": {obs.text[:200]}"
        entry = log(inc, obs.event_time, TimelineKind.OBSERVATION, _actor(obs), text, detail)
        source = Source(parse_marking(obs.marking), f"observation {obs.obs_id}")
        observed = IncidentEvent(IncidentEventKind.UPDATED, obs.event_time, inc, entry, (source,))
        return [observed, *self._join(inc, source, obs.event_time)]

    def _next_id(self, now: datetime) -> str:
        day = now.strftime("%Y%m%d")
        n = self._count_by_day.get(day, 0) + 1
        self._count_by_day[day] = n
        return f"INC-{day}-{n:04d}"

    def _open(self, v: TrackView, now: datetime) -> IncidentEvent:
        incident_id = self._next_id(now)
        persons = int(self.settings.number(PERSONS_PER_BOAT.key))
        inc = Incident(
            incident_id=incident_id,
            opened_time=now,
            updated_time=now,
            state=IncidentState.DETECTED,
            track_ids=[v.track_id],
            persons_estimate=persons,
            lat=v.lat,
            lon=v.lon,
            marking=v.marking,
        )
        self.incidents[incident_id] = inc
        self.by_track[v.track_id] = incident_id
        self.seen[incident_id] = now
        entry = self._log(
            inc,
            now,
            TimelineKind.OPENED,
            SYSTEM,
            f"small-craft contact, track {v.track_id}, at {v.lat:.4f}, {v.lon:.4f}; "
            f"persons estimated at {persons} (average a boat, Home Office 2024)",
            {"track_id": v.track_id, "fr_shore_m": round(v.fr_coast_m), "uk_shore_m": round(v.uk_coast_m)},
        )
        return IncidentEvent(IncidentEventKind.OPENED, now, inc, entry)

    def _on_alert(self, e: AlertEvent, now: datetime) -> list[IncidentEvent]:
        alert = e.alert
        inc = next((self._incident_of(t) for t in alert.track_ids if self._incident_of(t) is not None), None)
        if inc is None:
            return []
        out: list[IncidentEvent] = []
        if e.kind in (EventKind.RAISED, EventKind.RERAISED, EventKind.ESCALATED):
            if alert.alert_id not in inc.alert_ids:
                inc.alert_ids.append(alert.alert_id)
            inc.severity = max(inc.severity, alert.severity)
            if alert.rule is RuleName.DEPARTURE:
                inc.departed = True
            entry = self._log(
                inc,
                now,
                TimelineKind.ALERT,
                SYSTEM,
                f"{alert.rule.value} alert {e.kind.value} ({alert.severity.label}): {alert.explanation}",
                {"alert_id": alert.alert_id, "rule": alert.rule.value, "event": e.kind.value},
            )
            source = Source(alert.marking, f"alert {alert.alert_id}")
            out.append(IncidentEvent(IncidentEventKind.UPDATED, now, inc, entry, (source,)))
            out += self._join(inc, source, now)
            lost = alert.rule is RuleName.LOST_CONTACT and e.kind is not EventKind.ESCALATED
            if lost and inc.is_open and IncidentState.LOST_CONTACT in _allowed(inc):
                inc.state_before_lost = inc.state
                out.append(self._set_state(inc, IncidentState.LOST_CONTACT, now, SYSTEM, alert.explanation))
        return out

    def _on_track_end(self, inc: Incident, last: TrackView, now: datetime) -> list[IncidentEvent]:
        near = self.settings.number(LANDING_SHORE.key)
        if last.uk_coast_m <= near and IncidentState.LANDED_UK in _allowed(inc):
            text = (
                f"inferred from the track: track {last.track_id} ended {last.uk_coast_m:.0f} m off the UK "
                "shore "
                f"at {last.lat:.4f}, {last.lon:.4f}; record the persons at landing"
            )
            return [self._set_state(inc, IncidentState.LANDED_UK, now, SYSTEM, text)]
        if inc.departed and last.fr_coast_m <= near and IncidentState.RETURNED_FR in _allowed(inc):
            text = (
                f"inferred from the track: track {last.track_id} ended {last.fr_coast_m:.0f} m off the "
                "French "
                f"shore at {last.lat:.4f}, {last.lon:.4f} after it had left it"
            )
            return [self._set_state(inc, IncidentState.RETURNED_FR, now, SYSTEM, text)]
        return []

    # ---- releases -----------------------------------------------------------------------------------
    def release(self, incident_id: str, marking: str | Marking) -> bool:
        """A user's release of an incident (made in the store, ``sharing``): its marking from now on,
        standing against sources no more restrictive than it. False when the book does not hold it (an
        incident of an earlier run of the worker: the store applies the rule to it alone)."""
        inc = self.incidents.get(incident_id)
        if inc is None:
            return False
        inc.marking = inc.released = parse_marking(marking)
        return True

    def _join(self, inc: Incident, source: Source, now: datetime) -> list[IncidentEvent]:
        """``source``'s marking joins the incident's; an event when it re-restricts a released one."""
        before = inc.released
        inc.marking, lapsed = with_source(inc.marking, source.marking, inc.released)
        if not lapsed or before is None:
            return []
        inc.released = None
        text = restriction_text(source, before.value, inc.marking.value)
        detail = {"from": before.value, "to": inc.marking.value, "source": source.what}
        entry = log(inc, now, TimelineKind.MARKING, SYSTEM, text, detail)
        return [IncidentEvent(IncidentEventKind.UPDATED, now, inc, entry)]

    # ---- what people do ------------------------------------------------------------------------------
    def transition(
        self,
        incident_id: str,
        target: IncidentState,
        actor: str,
        time: datetime,
        note: str | None = None,
        persons_landed: int | None = None,
        outcome: Outcome | None = None,
    ) -> list[IncidentEvent]:
        inc = self.get(incident_id)
        events = transition_incident(inc, target, actor, time, note, persons_landed, outcome)
        return events

    def add_note(self, incident_id: str, actor: str, time: datetime, text: str) -> IncidentEvent:
        return add_note(self.get(incident_id), actor, time, text)

    def set_persons(self, incident_id: str, actor: str, time: datetime, estimate: int) -> IncidentEvent:
        return set_persons_estimate(self.get(incident_id), actor, time, estimate)

    def get(self, incident_id: str) -> Incident:
        try:
            return self.incidents[incident_id]
        except KeyError:
            raise TransitionError(f"no incident {incident_id}") from None

    # ---- helpers -----------------------------------------------------------------------------------
    def _incident_of(self, track_id: int | None) -> Incident | None:
        if track_id is None:
            return None
        iid = self.by_track.get(track_id)
        return None if iid is None else self.incidents[iid]

    def _log(
        self,
        inc: Incident,
        now: datetime,
        kind: TimelineKind,
        actor: str,
        text: str,
        detail: dict[str, Any] | None = None,
    ) -> TimelineEntry:
        return log(inc, now, kind, actor, text, detail)

    def _set_state(
        self, inc: Incident, target: IncidentState, now: datetime, actor: str, text: str
    ) -> IncidentEvent:
        return set_state(inc, target, now, actor, text)


def _actor(obs: FieldObservation) -> str:
    """Who saw it: the reporting user, or the CoT uid of the drone or TAK client."""
    return obs.sensor_uid if obs.sensor_uid.startswith("report:") else f"cot:{obs.sensor_uid}"


def _allowed(inc: Incident) -> frozenset[IncidentState]:
    return ALLOWED[inc.state]


def log(
    inc: Incident,
    now: datetime,
    kind: TimelineKind,
    actor: str,
    text: str,
    detail: dict[str, Any] | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(now, kind, actor, text, dict(detail or {}))
    inc.timeline.append(entry)
    inc.updated_time = max(inc.updated_time, now)
    return entry


def set_state(inc: Incident, target: IncidentState, now: datetime, actor: str, text: str) -> IncidentEvent:
    check_transition(inc.state, target)
    before = inc.state
    inc.state = target
    entry = log(inc, now, TimelineKind.STATE, actor, f"{before.value} → {target.value}: {text}",
                {"from": before.value, "to": target.value})  # fmt: skip
    return IncidentEvent(IncidentEventKind.STATE, now, inc, entry)


def transition_incident(
    inc: Incident,
    target: IncidentState,
    actor: str,
    time: datetime,
    note: str | None = None,
    persons_landed: int | None = None,
    outcome: Outcome | None = None,
) -> list[IncidentEvent]:
    """A user's (or system's) transition, validated; returns the events (state, then persons if given)."""
    check_transition(inc.state, target)
    persons_landed = check_persons(persons_landed, "persons_landed")
    if persons_landed is not None and target not in (
        IncidentState.LANDED_UK, IncidentState.RESCUED, IncidentState.RETURNED_FR, IncidentState.CLOSED,
    ):  # fmt: skip
        raise TransitionError("persons_landed is recorded with landed_uk, rescued, returned_fr or closed")
    if target is IncidentState.CLOSED:
        inc.outcome = outcome_on_close(inc.state, outcome)
        inc.closed_time = time
    elif outcome is not None:
        raise TransitionError("an outcome is given only when closing")
    text = note.strip() if note else "by " + actor
    event = set_state(inc, target, time, actor, text)
    events = [event]
    if persons_landed is not None:
        inc.persons_landed = persons_landed
        entry = log(inc, time, TimelineKind.PERSONS, actor, f"persons recorded: {persons_landed}",
                    {"persons_landed": persons_landed})  # fmt: skip
        events.append(IncidentEvent(IncidentEventKind.UPDATED, time, inc, entry))
    return events


def add_note(inc: Incident, actor: str, time: datetime, text: str) -> IncidentEvent:
    text = text.strip()
    if not text:
        raise TransitionError("a note needs some text")
    if len(text) > 4000:
        raise TransitionError("a note is at most 4000 characters")
    entry = log(inc, time, TimelineKind.NOTE, actor, text)
    return IncidentEvent(IncidentEventKind.UPDATED, time, inc, entry)


def set_persons_estimate(inc: Incident, actor: str, time: datetime, estimate: int) -> IncidentEvent:
    value = check_persons(estimate, "persons_estimate")
    before = inc.persons_estimate
    inc.persons_estimate = value
    inc.persons_from = actor
    entry = log(inc, time, TimelineKind.PERSONS, actor, f"persons estimate {before} → {value}",
                {"persons_estimate": value, "before": before})  # fmt: skip
    return IncidentEvent(IncidentEventKind.UPDATED, time, inc, entry)
