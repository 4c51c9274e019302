"""Releases (append-only) and desk messages in the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

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
            "marking": combine([self.from_marking, self.to_marking]).value,
        }


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
    ) -> Release:
        with Session(self.engine) as session, session.begin():
            row = ReleaseRow(
                object_type=object_type,
                object_id=object_id,
                from_marking=from_marking,
                to_marking=to_marking,
                actor=actor,
                reason=reason,
                time=time,
            )
            session.add(row)
            session.flush()
            return _release(row)

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
