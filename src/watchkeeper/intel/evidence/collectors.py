"""Collectors: one per kind of record an evidence package holds.

A **record collector** answers ``collect(scope)`` with the records of its kind that belong to the
scope of an export (an incident, its vessels and tracks, an event-time window), in a deterministic
order, each naming the input-log sequence numbers it came from (``log_seqs``). After every record
collector has run, the **input-line collector** adds the raw input-log lines behind all of them,
so the package carries the bytes as received next to what was decoded from them.

Collectors in this build: ``AisPositionCollector`` (``positions``), ``RejectCollector`` (the rejects
ledger). Others plug in with the same protocol — the track history (``track_points``), sensor
observations and alerts/incidents live in their own capabilities; see ``docs/design.md`` (Intel,
evidence) for what each needs.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.ingest.inputlog import read_log
from watchkeeper.store.models import Position, RejectRow


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class EvidenceScope:
    """What an export covers. ``start``/``end`` are event time (UTC, inclusive)."""

    incident_ref: str
    start: datetime
    end: datetime
    mmsis: tuple[int, ...] = ()
    track_ids: tuple[str, ...] = ()
    alert_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # input sources whose rejects to include (default: those of the positions)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("the scope's times need a time zone")
        if self.end < self.start:
            raise ValueError("the scope ends before it starts")

    def to_json(self) -> dict[str, Any]:
        return {
            "incident_ref": self.incident_ref,
            "start": iso(self.start),
            "end": iso(self.end),
            "mmsis": list(self.mmsis),
            "track_ids": list(self.track_ids),
            "alert_ids": list(self.alert_ids),
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One record for the package. ``record`` is JSON-ready; ``marking`` when the record has one."""

    kind: str
    record: dict[str, Any]
    log_seqs: tuple[int, ...] = ()
    simulated: bool = False
    marking: str | None = None
    source_table: str | None = None


class Collector(Protocol):
    """A record collector (see the module docstring)."""

    kind: str
    description: str

    def collect(self, scope: EvidenceScope) -> Iterable[EvidenceItem]: ...


class AisPositionCollector:
    """AIS position history of the scope's vessels in the window (``positions``, append-only)."""

    kind = "ais_position"
    description = "AIS position reports of the vessels in scope, as stored (table positions)"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self, scope: EvidenceScope) -> Iterator[EvidenceItem]:
        if not scope.mmsis:
            return
        stmt = (
            select(Position)
            .where(Position.mmsi.in_(scope.mmsis), Position.time >= scope.start, Position.time <= scope.end)
            .order_by(Position.time, Position.id)
        )
        with Session(self.engine) as s:
            for p in s.scalars(stmt):
                yield EvidenceItem(
                    kind=self.kind,
                    source_table="positions",
                    record={
                        "id": p.id,
                        "mmsi": p.mmsi,
                        "time": iso(p.time),
                        "time_source": p.time_source,
                        "msg_type": p.msg_type,
                        "lat": p.lat,
                        "lon": p.lon,
                        "sog_kn": p.sog_kn,
                        "cog_deg": p.cog_deg,
                        "heading_deg": p.heading_deg,
                        "nav_status": p.nav_status,
                        "source": p.source,
                        "log_seq": p.log_seq,
                        "simulated": p.simulated,
                    },
                    log_seqs=(p.log_seq,) if p.log_seq is not None else (),
                    simulated=p.simulated,
                )


class RejectCollector:
    """Inputs rejected in the window from the scope's sources: what was received and not used."""

    kind = "reject"
    description = "rejected inputs (rejects ledger) of the sources in scope, received in the window"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _sources(self, s: Session, scope: EvidenceScope) -> list[str]:
        if scope.sources:
            return list(scope.sources)
        if not scope.mmsis:
            return []
        stmt = (
            select(Position.source)
            .where(Position.mmsi.in_(scope.mmsis), Position.time >= scope.start, Position.time <= scope.end)
            .distinct()
        )
        return sorted(s.scalars(stmt))

    def collect(self, scope: EvidenceScope) -> Iterator[EvidenceItem]:
        with Session(self.engine) as s:
            sources = self._sources(s, scope)
            if not sources:
                return
            stmt = (
                select(RejectRow)
                .where(
                    RejectRow.source.in_(sources),
                    RejectRow.receive_time >= scope.start,
                    RejectRow.receive_time <= scope.end,
                )
                .order_by(RejectRow.receive_time, RejectRow.id)
            )
            for r in s.scalars(stmt):
                yield EvidenceItem(
                    kind=self.kind,
                    source_table="rejects",
                    record={
                        "id": r.id,
                        "source": r.source,
                        "line_no": r.line_no,
                        "reason": r.reason,
                        "detail": r.detail,
                        "raw_b64": base64.b64encode(r.raw).decode(),
                        "receive_time": iso(r.receive_time),
                        "log_seq": r.log_seq,
                    },
                    log_seqs=(r.log_seq,) if r.log_seq is not None else (),
                )


@dataclass(slots=True)
class InputLineCollector:
    """The raw input-log lines behind the collected records (read-only, ``ingest.inputlog.read_log``).

    A sequence number that the log does not hold (log pruned, another installation's log) becomes an
    ``input_missing`` item: the package says what it could not include rather than omitting it.
    """

    directory: Path
    kind: str = "input_line"
    description: str = "raw input lines as received (input log), for every record above"
    missing: list[int] = field(default_factory=list)

    def collect_lines(self, seqs: Iterable[int]) -> Iterator[EvidenceItem]:
        wanted = sorted(set(seqs))
        if not wanted:
            return
        found: set[int] = set()
        if self.directory.is_dir():
            want = set(wanted)
            last = wanted[-1]
            for raw in read_log(self.directory, wanted[0]):
                seq = raw.log_seq
                assert seq is not None
                if seq > last:
                    break
                if seq not in want:
                    continue
                found.add(seq)
                text = _printable(raw.raw)
                yield EvidenceItem(
                    kind=self.kind,
                    source_table="inputlog",
                    record={
                        "log_seq": seq,
                        "source": raw.source,
                        "line_no": raw.line_no,
                        "receive_time": iso(raw.receive_time),
                        "raw_b64": base64.b64encode(raw.raw).decode(),
                        "text": text,
                    },
                    log_seqs=(seq,),
                )
        self.missing = [s for s in wanted if s not in found]
        for seq in self.missing:
            yield EvidenceItem(
                kind="input_missing",
                source_table="inputlog",
                record={
                    "log_seq": seq,
                    "reason": f"sequence {seq} is not in the input log at {self.directory}",
                },
                log_seqs=(seq,),
            )


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None
