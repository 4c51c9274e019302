"""Field observations, observer reports and photos in the store; reads filtered by marking in SQL.

Every read takes the markings the reader may see (``core.marking.visible_markings``) and filters in the
``WHERE`` clause: a record above the reader's clearance never leaves the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from watchkeeper.core.types import FieldObservation, ObservationKind, TimeSource
from watchkeeper.core.wire import observation_to_dict
from watchkeeper.ingest.cot.models import AttachmentRow, ObservationRow, ReportRow
from watchkeeper.ingest.cot.reports import ReportDraft

_OBS_COLUMNS = [
    "obs_id",
    "kind",
    "event_time",
    "time_source",
    "source",
    "sensor_uid",
    "cot_type",
    "lat",
    "lon",
    "ce_m",
    "persons",
    "boat_type",
    "course_deg",
    "speed_kn",
    "callsign",
    "text",
    "stale_time",
    "report_id",
    "marking",
    "log_seq",
    "simulated",
]


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _obs_from_row(row: ObservationRow) -> FieldObservation:
    d = {name: getattr(row, name) for name in _OBS_COLUMNS}
    d["kind"] = ObservationKind(row.kind)
    d["time_source"] = TimeSource(row.time_source)
    return FieldObservation(**d)


def report_to_dict(row: ReportRow, photo: AttachmentRow | None) -> dict[str, Any]:
    """The public JSON of a report; its photo (a record of its own) carries its own marking."""
    return {
        "id": row.id,
        "reporter": row.reporter,
        "time": _iso(row.event_time),
        "time_source": row.time_source,
        "received_at": _iso(row.received_at),
        "lat": row.lat,
        "lon": row.lon,
        "persons": row.persons,
        "boat_type": row.boat_type,
        "text": row.text,
        "marking": row.marking,
        "photo": None
        if photo is None
        else {
            "id": photo.id,
            "media_type": photo.media_type,
            "size": photo.size,
            "width": photo.width,
            "height": photo.height,
            "sha256": photo.sha256,
            "filename": photo.filename,
            "marking": photo.marking,
            "url": f"/api/reports/{row.id}/photo",
        },
    }


@dataclass(frozen=True, slots=True)
class StoredReport:
    report_id: int
    observation: FieldObservation
    attachment_id: int | None


class FieldStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- writes
    def add_observations(self, observations: Sequence[FieldObservation]) -> int:
        """Insert the observations not stored yet (by ``obs_id``: replaying a batch is idempotent)."""
        if not observations:
            return 0
        with Session(self.engine) as session, session.begin():
            ids = [o.obs_id for o in observations]
            have = set(session.scalars(select(ObservationRow.obs_id).where(ObservationRow.obs_id.in_(ids))))
            rows = [
                ObservationRow(**{n: getattr(o, n) for n in _OBS_COLUMNS})
                for o in observations
                if o.obs_id not in have
            ]
            for row in rows:
                row.kind = str(row.kind)
                row.time_source = str(row.time_source)
            session.add_all(rows)
            return len(rows)

    def add_report(self, draft: ReportDraft, received_at: datetime, log_seq: int | None) -> StoredReport:
        """The report, its photo and the observation it makes, in one transaction."""
        with Session(self.engine) as session, session.begin():
            report = ReportRow(
                reporter=draft.reporter,
                event_time=draft.event_time,
                time_source=draft.time_source.value,
                received_at=received_at,
                lat=draft.lat,
                lon=draft.lon,
                persons=draft.persons,
                boat_type=draft.boat_type,
                text=draft.text,
                marking=draft.marking,
                log_seq=log_seq,
            )
            session.add(report)
            session.flush()
            attachment_id = None
            if draft.photo is not None:
                p = draft.photo
                att = AttachmentRow(
                    report_id=report.id,
                    media_type=p.media_type,
                    size=len(p.data),
                    sha256=p.sha256,
                    width=p.width,
                    height=p.height,
                    filename=p.filename,
                    data=p.data,
                    marking=draft.marking,  # a photo inherits its report's marking
                    created_at=received_at,
                )
                session.add(att)
                session.flush()
                attachment_id = att.id
            obs = FieldObservation(
                obs_id=f"report:{report.id}",
                kind=draft.kind,
                event_time=draft.event_time,
                time_source=draft.time_source,
                source=f"report:{draft.reporter}",
                sensor_uid=f"report:{draft.reporter}",
                lat=draft.lat,
                lon=draft.lon,
                marking=draft.marking,
                persons=draft.persons,
                boat_type=draft.boat_type,
                text=draft.text or None,
                report_id=report.id,
                log_seq=log_seq,
            )
            row = ObservationRow(**{n: getattr(obs, n) for n in _OBS_COLUMNS})
            row.kind, row.time_source = obs.kind.value, obs.time_source.value
            session.add(row)
            return StoredReport(report.id, obs, attachment_id)

    def set_observation_marking(self, obs_id: str, marking: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(ObservationRow).where(ObservationRow.obs_id == obs_id).values(marking=marking)
            )

    def set_report_marking(self, report_id: int, marking: str) -> None:
        """A report's marking is its observation's too (they are one record seen two ways)."""
        with self.engine.begin() as conn:
            conn.execute(update(ReportRow).where(ReportRow.id == report_id).values(marking=marking))
            conn.execute(
                update(ObservationRow).where(ObservationRow.report_id == report_id).values(marking=marking)
            )

    def set_attachment_marking(self, attachment_id: int, marking: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(AttachmentRow).where(AttachmentRow.id == attachment_id).values(marking=marking)
            )

    # -- reads (always by visible markings)
    def observations(
        self,
        markings: Sequence[str],
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        kind: str | None = None,
        limit: int = 500,
    ) -> list[FieldObservation]:
        """Newest first."""
        stmt = select(ObservationRow).where(ObservationRow.marking.in_(list(markings)))
        if start is not None:
            stmt = stmt.where(ObservationRow.event_time >= start)
        if end is not None:
            stmt = stmt.where(ObservationRow.event_time <= end)
        if kind is not None:
            stmt = stmt.where(ObservationRow.kind == kind)
        stmt = stmt.order_by(ObservationRow.event_time.desc(), ObservationRow.id.desc()).limit(limit)
        with Session(self.engine) as session:
            return [_obs_from_row(r) for r in session.scalars(stmt)]

    def observation(self, obs_id: str) -> FieldObservation | None:
        with Session(self.engine) as session:
            row = session.scalar(select(ObservationRow).where(ObservationRow.obs_id == obs_id))
            return None if row is None else _obs_from_row(row)

    def reports(self, markings: Sequence[str], limit: int = 200) -> list[dict[str, Any]]:
        visible = list(markings)
        stmt = (
            select(ReportRow)
            .where(ReportRow.marking.in_(visible))
            .order_by(ReportRow.event_time.desc(), ReportRow.id.desc())
            .limit(limit)
        )
        with Session(self.engine) as session:
            rows = list(session.scalars(stmt))
            photos = {
                a.report_id: a
                for a in session.scalars(
                    select(AttachmentRow).where(
                        AttachmentRow.report_id.in_([r.id for r in rows]), AttachmentRow.marking.in_(visible)
                    )
                )
            }
            return [report_to_dict(r, photos.get(r.id)) for r in rows]

    def report(self, report_id: int, markings: Sequence[str]) -> dict[str, Any] | None:
        visible = list(markings)
        with Session(self.engine) as session:
            row = session.get(ReportRow, report_id)
            if row is None or row.marking not in visible:
                return None
            photo = session.scalar(
                select(AttachmentRow).where(
                    AttachmentRow.report_id == report_id, AttachmentRow.marking.in_(visible)
                )
            )
            return report_to_dict(row, photo)

    def report_marking(self, report_id: int) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(ReportRow.marking).where(ReportRow.id == report_id))

    def attachment_marking(self, attachment_id: int) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(AttachmentRow.marking).where(AttachmentRow.id == attachment_id))

    def photo_of(self, report_id: int, markings: Sequence[str]) -> AttachmentRow | None:
        """The report's photo when both the report and the photo are visible."""
        visible = list(markings)
        with Session(self.engine) as session:
            report_marking = session.scalar(select(ReportRow.marking).where(ReportRow.id == report_id))
            if report_marking not in visible:
                return None
            row = session.scalar(
                select(AttachmentRow).where(
                    AttachmentRow.report_id == report_id, AttachmentRow.marking.in_(visible)
                )
            )
            if row is not None:
                session.expunge(row)
            return row


def observations_json(observations: Sequence[FieldObservation]) -> list[dict[str, Any]]:
    return [observation_to_dict(o) for o in observations]
