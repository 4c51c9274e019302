"""Releases (append-only) and desk messages in the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from watchkeeper.core.marking import Released, parse_marking
from watchkeeper.sharing.models import DeskMessageRow, ReleaseRow


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    object_type: str
    object_id: str
    from_marking: str
    to_marking: str
    actor: str
    reason: str
    time: datetime
    event_time: datetime | None = None  # event time it takes effect after (records of the live core)

    def to_released(self) -> Released:
        """As the live core applies it (after its event time; a release without one: its time)."""
        return Released(
            self.object_type, self.object_id, parse_marking(self.to_marking), self.event_time or self.time
        )

    def as_dict(self) -> dict[str, Any]:
        # A release record is seen at the more restrictive of its two markings: it tells what the record
        # was, so a reader must be cleared for that.
        from watchkeeper.core.marking import combine

        return {
            "id": self.id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "from_marking": self.from_marking,
            "to_marking": self.to_marking,
            "actor": self.actor,
            "reason": self.reason,
            "time": _iso(self.time),
            "event_time": None if self.event_time is None else _iso(self.event_time),
            "marking": combine([self.from_marking, self.to_marking]).value,
        }


def release_row(
    object_type: str,
    object_id: str,
    from_marking: str,
    to_marking: str,
    actor: str,
    reason: str,
    time: datetime,
    event_time: datetime | None = None,
) -> ReleaseRow:
    """A ``releases`` row (for a store that records a change of marking in its own transaction: the
    system's re-restriction of a released record)."""
    return ReleaseRow(
        object_type=object_type,
        object_id=object_id,
        from_marking=from_marking,
        to_marking=to_marking,
        actor=actor[:64],
        reason=reason,
        time=time,
        event_time=event_time,
    )


def _release(row: ReleaseRow) -> Release:
    return Release(
        row.id,
        row.object_type,
        row.object_id,
        row.from_marking,
        row.to_marking,
        row.actor,
        row.reason,
        row.time,
        row.event_time,
    )


class ReleaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        object_type: str,
        object_id: str,
        from_marking: str,
        to_marking: str,
        actor: str,
        reason: str,
        time: datetime,
        event_time: datetime | None = None,
    ) -> Release:
        with Session(self.engine) as session, session.begin():
            row = release_row(
                object_type, object_id, from_marking, to_marking, actor, reason, time, event_time
            )
            session.add(row)
            session.flush()
            return _release(row)

    def last_id(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.max(ReleaseRow.id))) or 0)

    def since(self, after_id: int, object_types: Sequence[str]) -> list[Release]:
        """Users' releases of these types with an id above ``after_id``, oldest first (what a live worker
        has not applied yet; it polls this once a scan). The system's re-restrictions are left out: the
        live core makes them itself."""
        stmt = (
            select(ReleaseRow)
            .where(
                ReleaseRow.id > after_id,
                ReleaseRow.object_type.in_(list(object_types)),
                ReleaseRow.actor != SYSTEM_ACTOR,
            )
            .order_by(ReleaseRow.id)
        )
        with Session(self.engine) as session:
            return [_release(r) for r in session.scalars(stmt)]

    def latest(self) -> dict[tuple[str, str], str]:
        """The marking each released object has now (its latest release), for every object ever released."""
        out: dict[tuple[str, str], str] = {}
        with Session(self.engine) as session:
            for row in session.scalars(select(ReleaseRow).order_by(ReleaseRow.id)):
                out[(row.object_type, row.object_id)] = row.to_marking
        return out

    def history(
        self, object_type: str | None = None, object_id: str | None = None, limit: int = 200
    ) -> list[Release]:
        stmt = select(ReleaseRow).order_by(ReleaseRow.id.desc()).limit(limit)
        if object_type is not None:
            stmt = stmt.where(ReleaseRow.object_type == object_type)
        if object_id is not None:
            stmt = stmt.where(ReleaseRow.object_id == object_id)
        with Session(self.engine) as session:
            return [_release(r) for r in session.scalars(stmt)]


def message_to_dict(row: DeskMessageRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "incident_id": row.incident_id,
        "desk": row.desk,
        "author": row.author,
        "text": row.text,
        "lang": row.lang,
        "time": _iso(row.time),
        "marking": row.marking,
    }


class DeskStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self, incident_id: str, desk: str, author: str, text: str, lang: str, marking: str, time: datetime
    ) -> dict[str, Any]:
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(DeskMessageRow)
                .values(
                    incident_id=incident_id,
                    desk=desk,
                    author=author,
                    text=text,
                    lang=lang,
                    marking=marking,
                    time=time,
                )
                .returning(DeskMessageRow.id)
            ).scalar_one()
        with Session(self.engine) as session:
            row = session.get(DeskMessageRow, new_id)
            assert row is not None
            return message_to_dict(row)

    def messages(
        self, incident_id: str | None, markings: Sequence[str], limit: int = 500
    ) -> list[dict[str, Any]]:
        stmt = select(DeskMessageRow).where(DeskMessageRow.marking.in_(list(markings)))
        if incident_id is not None:
            stmt = stmt.where(DeskMessageRow.incident_id == incident_id)
        stmt = stmt.order_by(DeskMessageRow.id.desc()).limit(limit)
        with Session(self.engine) as session:
            return [message_to_dict(r) for r in reversed(list(session.scalars(stmt)))]

    def marking_of(self, message_id: int) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(DeskMessageRow.marking).where(DeskMessageRow.id == message_id))

    def set_marking(self, message_id: int, marking: str) -> None:
        from sqlalchemy import update

        with self.engine.begin() as conn:
            conn.execute(
                update(DeskMessageRow).where(DeskMessageRow.id == message_id).values(marking=marking)
            )


SYSTEM_ACTOR = "system"


def record_re_restriction(
    session: Session,
    object_type: str,
    object_id: str,
    released: str,
    now_marking: str,
    because: str,
    time: datetime,
) -> None:
    """In the caller's transaction: a released record that a more restrictive source re-restricted, as a
    ``releases`` row by ``system`` (the record's release history shows why the release no longer holds)
    and an audit row (``re_restrict``). ``time`` is the source's event time (the system acts in event
    time; the audit row says so)."""
    from watchkeeper.core.marking import combine
    from watchkeeper.store.models import AuditEvent

    session.add(release_row(object_type, object_id, released, now_marking, SYSTEM_ACTOR, because, time, time))
    session.add(
        AuditEvent(
            time=time,
            actor=SYSTEM_ACTOR,
            action="re_restrict",
            object_type=object_type,
            object_id=object_id,
            detail={
                "from": released,
                "to": now_marking,
                "reason": because,
                "time_is": "event time of the source",
                "marking": combine([released, now_marking]).value,
            },
        )
    )
