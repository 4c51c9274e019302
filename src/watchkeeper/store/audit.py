"""The audit writer: append-only rows in ``audit_log`` (who did or read what, and when).

Audit time is the wall-clock time of the action (not event time): it answers "when did this person
log in / read this", which is a fact about the room, not about the sea. The clock is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.store.models import AuditEvent


class AuditWriter:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def write(
        self,
        actor: str,
        action: str,
        object_type: str | None = None,
        object_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(AuditEvent).values(
                    time=self.clock.now(),
                    actor=actor[:64],
                    action=action[:64],
                    object_type=object_type,
                    object_id=object_id,
                    detail=detail,
                )
            )

    def recent(self, limit: int = 100, action: str | None = None) -> Sequence[AuditEvent]:
        """The latest ``limit`` events, newest first."""
        stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if action is not None:
            stmt = stmt.where(AuditEvent.action == action)
        with Session(self.engine) as session:
            return list(session.scalars(stmt))
