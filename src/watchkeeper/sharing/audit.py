"""Querying and exporting the audit log (the table is append-only: UPDATE and DELETE are refused by
triggers, migration 0008).

An audit row is seen at the marking of what it is about (``detail.marking``, written by the sharing
service for reads, releases and desk messages) or ``UK-ONLY`` when it says none: an auditor sees the
rows their clearance allows.

Export: NDJSON, one row per line, hash-chained: each line carries ``prev`` (the previous line's
``hash``; 64 zeros for the first) and ``hash`` = SHA-256 of ``prev`` + the line's canonical JSON without
``hash`` (sorted keys, no spaces). Changing, dropping or reordering a line breaks every hash after it
(``verify_export``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.core.marking import DEFAULT_MARKING
from watchkeeper.sharing.releasability import marking_rank
from watchkeeper.store.models import AuditEvent

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def audit_to_dict(row: AuditEvent) -> dict[str, Any]:
    detail = row.detail or {}
    marking = detail.get("marking") if isinstance(detail.get("marking"), str) else DEFAULT_MARKING.value
    return {
        "id": row.id,
        "time": _iso(row.time),
        "actor": row.actor,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "detail": detail,
        "marking": marking,
    }


def iter_audit(
    engine: Engine, clearance: str, flt: AuditFilter, after_id: int = 0
) -> Iterator[dict[str, Any]]:
    """Rows matching ``flt`` that ``clearance`` may see, oldest first, from ``after_id``."""
    limit = marking_rank(clearance)
    stmt = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    if flt.actor is not None:
        stmt = stmt.where(AuditEvent.actor == flt.actor)
    if flt.action is not None:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == flt.object_id)
    if flt.start is not None:
        stmt = stmt.where(AuditEvent.time >= flt.start)
    if flt.end is not None:
        stmt = stmt.where(AuditEvent.time <= flt.end)
    with Session(engine) as session:
        for row in session.scalars(stmt.execution_options(yield_per=500)):
            d = audit_to_dict(row)
            if marking_rank(d["marking"]) <= limit:
                yield d


def query_audit(
    engine: Engine, clearance: str, flt: AuditFilter, after_id: int = 0, limit: int = 200
) -> list[dict[str, Any]]:
    out = []
    for d in iter_audit(engine, clearance, flt, after_id):
        out.append(d)
        if len(out) >= limit:
            break
    return out


def _chain_hash(prev: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def export_lines(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    prev = GENESIS
    for d in rows:
        body = {**d, "prev": prev}
        h = _chain_hash(prev, body)
        yield (
            json.dumps({**body, "hash": h}, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        ).encode()
        prev = h


def verify_export(lines: list[bytes]) -> int | None:
    """The index of the first line whose chain does not hold, or None when the whole export holds."""
    prev = GENESIS
    for i, line in enumerate(lines):
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            return i
        h = d.pop("hash", None)
        if d.get("prev") != prev or _chain_hash(prev, d) != h:
            return i
        prev = h
    return None
