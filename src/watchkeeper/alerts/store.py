"""Alerts in the store: mirror the engine's events, list and filter by clearance, acknowledge.

``save`` upserts one row per alert from the engine's events (raised, escalated, re-raised, cleared),
so the table always holds each alert's latest state. Reads take the user's clearance and never return
what it may not see (``core.marking.visible_markings``); an alert that exists but is not visible is
reported as absent. ``acknowledge`` records who and when (wall clock); the caller audits it.

Markings: a new alert is stored at its engine marking; later events add their findings' markings
(``AlertEvent.source``) to the stored one, so a user's release (``release``, ``released_marking``) is
never undone by an engine that has not applied it yet, and a more restrictive finding re-restricts a
released alert (recorded as a ``releases`` row by ``system`` and an audit row ``re_restrict``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from watchkeeper.alerts.models import AlertRow
from watchkeeper.alerts.types import Alert, AlertEvent, Severity, iso_utc
from watchkeeper.core.marking import Marking, visible_markings, with_source
from watchkeeper.sharing.store import Release, record_re_restriction


class AlertNotFound(LookupError):
    pass


class AlreadyAcknowledged(RuntimeError):
    def __init__(self, row: Mapping[str, Any]) -> None:
        who, when = row["acknowledged_by"], row["acknowledged_utc"]
        super().__init__(f"alert {row['alert_id']} was acknowledged by {who} at {when}")
        self.row = row


@dataclass(frozen=True, slots=True)
class AlertFilter:
    rule: str | None = None
    status: str | None = None
    min_severity: Severity | None = None
    acknowledged: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    track_id: int | None = None
    incident_id: str | None = None
    limit: int = 200
    offset: int = 0


def _apply(row: AlertRow, a: Alert, simulated: bool, incident_id: str | None) -> None:
    row.rule = a.rule.value
    row.subject = a.key
    row.severity = a.severity.label
    row.severity_rank = int(a.severity)
    row.status = a.status.value
    row.raised_time = a.raised_time
    row.last_time = a.last_time
    row.cleared_time = a.cleared_time
    row.track_id = a.track_id
    row.track_ids = list(a.track_ids)
    row.mmsi = a.mmsi
    row.lat = a.lat
    row.lon = a.lon
    row.explanation = a.explanation
    row.values = _jsonable(a.values)
    row.latest = _jsonable(a.latest)
    row.thresholds = _jsonable(a.thresholds)
    row.geometry = a.geometry
    row.occurrences = a.occurrences
    row.simulated = simulated
    if incident_id is not None:
        row.incident_id = incident_id


def _jsonable(d: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if hasattr(v, "item"):
            v = v.item()
        out[k] = v
    return out


def row_dict(row: AlertRow) -> dict[str, Any]:
    return {
        "alert_id": row.alert_id,
        "time_utc": iso_utc(row.raised_time),
        "rule": row.rule,
        "subject": row.subject,
        "severity": row.severity,
        "status": row.status,
        "track_id": row.track_id,
        "track_ids": list(row.track_ids or []),
        "mmsi": row.mmsi,
        "lat": row.lat,
        "lon": row.lon,
        "explanation": row.explanation,
        "values": row.values,
        "latest": row.latest,
        "thresholds": row.thresholds,
        "geometry": row.geometry,
        "occurrences": row.occurrences,
        "marking": row.marking,
        "released": row.released_marking,
        "simulated": row.simulated,
        "incident_id": row.incident_id,
        "last_utc": iso_utc(row.last_time),
        "cleared_utc": None if row.cleared_time is None else iso_utc(row.cleared_time),
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_utc": None if row.acknowledged_at is None else iso_utc(row.acknowledged_at),
        "ack_note": row.ack_note,
    }


class AlertStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(
        self,
        events: Iterable[AlertEvent],
        incident_of: Mapping[str, str] | None = None,
        simulated: bool = False,
    ) -> int:
        """Upsert the alerts of ``events`` (last event wins); ``incident_of`` maps alert id → incident id."""
        latest: dict[str, Alert] = {}
        sources: dict[str, list[tuple[Marking, datetime]]] = {}
        for e in events:
            latest[e.alert.alert_id] = e.alert
            if e.source is not None:
                sources.setdefault(e.alert.alert_id, []).append((e.source, e.time))
        if not latest:
            return 0
        links = incident_of or {}
        with Session(self.engine) as session, session.begin():
            existing = {
                r.alert_id: r
                for r in session.scalars(select(AlertRow).where(AlertRow.alert_id.in_(list(latest))))
            }
            for alert_id, a in latest.items():
                row = existing.get(alert_id)
                if row is None:
                    row = AlertRow(alert_id=alert_id, marking=a.marking.value)
                    session.add(row)
                elif row.last_time < a.last_time:  # an event already stored adds nothing again (a replay)
                    for source, time in sources.get(alert_id, []):
                        _join(session, row, source, time)
                _apply(row, a, simulated, links.get(alert_id))
        return len(latest)

    def marking_of(self, alert_id: str) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(AlertRow.marking).where(AlertRow.alert_id == alert_id))

    def markings(self, alert_ids: Iterable[str]) -> dict[str, str]:
        ids = list(alert_ids)
        with Session(self.engine) as session:
            rows = session.execute(
                select(AlertRow.alert_id, AlertRow.marking).where(AlertRow.alert_id.in_(ids))
            )
            return {str(i): str(m) for i, m in rows}

    def effective_from(self, alert_id: str) -> datetime | None:
        """The event time a release made now takes effect after: the alert's last stored scan."""
        with Session(self.engine) as session:
            found: datetime | None = session.scalar(
                select(AlertRow.last_time).where(AlertRow.alert_id == alert_id)
            )
            return found

    def release(self, release: Release) -> None:
        """Store a user's release on the alert (``sharing`` checked the rule and records the release)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(AlertRow, release.object_id, with_for_update=True)
            if row is None:
                raise AlertNotFound(release.object_id)
            row.marking = row.released_marking = release.to_marking

    def link(self, alert_id: str, incident_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(AlertRow).where(AlertRow.alert_id == alert_id).values(incident_id=incident_id)
            )

    def find(self, clearance: str | Marking, f: AlertFilter | None = None) -> list[dict[str, Any]]:
        f = f or AlertFilter()
        stmt = select(AlertRow).where(AlertRow.marking.in_([m.value for m in visible_markings(clearance)]))
        if f.rule:
            stmt = stmt.where(AlertRow.rule == f.rule)
        if f.status:
            stmt = stmt.where(AlertRow.status == f.status)
        if f.min_severity is not None:
            stmt = stmt.where(AlertRow.severity_rank >= int(f.min_severity))
        if f.acknowledged is True:
            stmt = stmt.where(AlertRow.acknowledged_at.is_not(None))
        elif f.acknowledged is False:
            stmt = stmt.where(AlertRow.acknowledged_at.is_(None))
        if f.since is not None:
            stmt = stmt.where(AlertRow.raised_time >= f.since)
        if f.until is not None:
            stmt = stmt.where(AlertRow.raised_time <= f.until)
        if f.track_id is not None:
            stmt = stmt.where(AlertRow.track_id == f.track_id)
        if f.incident_id is not None:
            stmt = stmt.where(AlertRow.incident_id == f.incident_id)
        stmt = stmt.order_by(AlertRow.raised_time.desc(), AlertRow.alert_id).limit(f.limit).offset(f.offset)
        with Session(self.engine) as session:
            return [row_dict(r) for r in session.scalars(stmt)]

    def get(self, alert_id: str, clearance: str | Marking) -> dict[str, Any]:
        with Session(self.engine) as session:
            row = session.get(AlertRow, alert_id)
            if row is None or row.marking not in {m.value for m in visible_markings(clearance)}:
                raise AlertNotFound(alert_id)
            return row_dict(row)

    def acknowledge(
        self, alert_id: str, username: str, clearance: str | Marking, at: datetime, note: str | None = None
    ) -> dict[str, Any]:
        """Record the acknowledgement; ``AlreadyAcknowledged`` if someone did it first."""
        with Session(self.engine) as session, session.begin():
            row = session.get(AlertRow, alert_id, with_for_update=True)
            if row is None or row.marking not in {m.value for m in visible_markings(clearance)}:
                raise AlertNotFound(alert_id)
            if row.acknowledged_at is not None:
                raise AlreadyAcknowledged(row_dict(row))
            row.acknowledged_by = username[:64]
            row.acknowledged_at = at
            row.ack_note = (note or "").strip()[:2000] or None
            session.flush()
            return row_dict(row)


def _join(session: Session, row: AlertRow, source: Marking, time: datetime) -> None:
    marking, lapsed = with_source(row.marking, source, row.released_marking)
    released = row.released_marking
    row.marking = marking.value
    if lapsed and released is not None:
        row.released_marking = None
        because = (
            f"a {source.value} finding at {iso_utc(time)} joined the alert after its release to {released}"
        )
        record_re_restriction(session, "alert", row.alert_id, released, row.marking, because, time)
