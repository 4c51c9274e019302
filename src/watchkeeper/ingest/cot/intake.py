"""Drones, TAK clients and observers in, end to end: input log (durable) → decoder → rejects ledger →
store → bus.

* ``FieldIntake`` — the durable edge, blocking, thread-safe (one lock): every raw CoT unit and every
  report body is appended to the field input log and fsynced *before* it is decoded; what fails goes to
  the rejects ledger with its reason; what passes is stored. The field log is its own directory
  (``<data_dir>/inputlog-field``): an input log has one writer, and the AIS ingestor owns the other.
* ``FieldIngestor`` — the same inside the server (blocking work in a worker thread) publishing each
  observation batch on ``obs.drone.<uid>`` (CoT) or ``obs.report`` (reports), JSON as
  ``core.wire.encode_observations``, and on ``picture.update`` as ``{"kind": "observations",
  "observations": [...]}`` for the page (each item carries its marking; the live hub filters).

Marking: a CoT source's marking is configured per listener (default ``UK-ONLY``); an event that
declares its own (``<__watchkeeper marking>``) gets the most restrictive of the two. A report takes
the marking its reporter gives, at most their clearance.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from watchkeeper.bus import Bus
from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.marking import DEFAULT_MARKING, combine, parse_marking
from watchkeeper.core.types import FieldObservation, Reject
from watchkeeper.core.wire import encode_observations, observation_to_dict
from watchkeeper.ingest.cot.decoder import decode_cot, to_observation
from watchkeeper.ingest.cot.reports import parse_report
from watchkeeper.ingest.cot.store import FieldStore, StoredReport
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.picture.live import PICTURE_SUBJECT

OBS_DRONE_PREFIX = "obs.drone."
OBS_REPORT_SUBJECT = "obs.report"
_SUBJECT_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def field_log_dir(data_dir: Path) -> Path:
    return data_dir / "inputlog-field"


def drone_subject(uid: str) -> str:
    """``obs.drone.<uid>`` with the uid made one NATS token (dots, spaces, wildcards replaced)."""
    return OBS_DRONE_PREFIX + (_SUBJECT_UNSAFE.sub("_", uid).strip("_")[:128] or "unknown")


@dataclass(slots=True)
class CotResult:
    accepted: int = 0
    control: int = 0  # pings, tasking, chat: accepted, no observation
    observations: list[FieldObservation] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def counts(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "observations": len(self.observations),
            "control": self.control,
            "rejected": dict(sorted(Counter(r.reason.value for r in self.rejects).items())),
        }


class ReportRejected(Exception):
    """A report failed its checks; it is in the input log and the rejects ledger (``reject``)."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(f"{reject.reason.value}: {reject.detail}")
        self.reject = reject


class FieldIntake:
    def __init__(
        self,
        log: InputLog,
        ledger: RejectsLedger,
        store: FieldStore,
        marking_for: Callable[[str], str] | None = None,
    ) -> None:
        self.log = log
        self.ledger = ledger
        self.store = store
        self.marking_for = marking_for or (lambda source: DEFAULT_MARKING.value)
        self._lock = threading.Lock()

    def ingest_cot(
        self, source: str, units: Sequence[tuple[int, bytes]], receive_time: datetime, simulated: bool = False
    ) -> CotResult:
        """Log ``units`` (line/packet number, raw bytes) durably, decode, ledger, store."""
        result = CotResult()
        if not units:
            return result
        source_marking = self.marking_for(source)
        with self._lock:
            first = self.log.append_many(source, receive_time, list(units))
            self.log.sync()  # durable: acknowledged from here on
            for i, (line_no, raw) in enumerate(units):
                seq = first + i
                try:
                    event = decode_cot(raw)
                    declared = event.extra.get("marking")
                    marking = combine([source_marking] + ([parse_marking(declared)] if declared else []))
                except DecodeError as exc:
                    result.rejects.append(
                        Reject(source, line_no, exc.reason, exc.detail, raw, receive_time, seq)
                    )
                    continue
                except ValueError as exc:  # an unknown declared marking
                    result.rejects.append(
                        Reject(source, line_no, RejectReason.BAD_FIELD, str(exc), raw, receive_time, seq)
                    )
                    continue
                result.accepted += 1
                obs = to_observation(event, source, seq, marking.value, simulated)
                if obs is None:
                    result.control += 1
                else:
                    result.observations.append(obs)
            for reject in result.rejects:
                self.ledger.add(reject)
            self.ledger.flush()
            self.store.add_observations(result.observations)
        return result

    def ingest_report(
        self, raw: bytes, reporter: str, clearance: str, receive_time: datetime
    ) -> StoredReport:
        """Log the report body durably, check it, store it; ``ReportRejected`` (ledgered) otherwise."""
        source = f"report:{reporter}"
        with self._lock:
            seq = self.log.append(source, 1, raw, receive_time)
            self.log.sync()
            try:
                draft = parse_report(raw, reporter, clearance, receive_time)
            except DecodeError as exc:
                reject = Reject(source, 1, exc.reason, exc.detail, raw[:65536], receive_time, seq)
                self.ledger.add(reject)
                self.ledger.flush()
                raise ReportRejected(reject) from None
            return self.store.add_report(draft, receive_time, seq)

    def close(self) -> None:
        with self._lock:
            self.log.close()


def live_message(observations: Sequence[FieldObservation]) -> bytes:
    body = {"kind": "observations", "observations": [observation_to_dict(o) for o in observations]}
    return json.dumps(body, separators=(",", ":")).encode()


class FieldIngestor:
    """The intake inside the server: blocking work in a thread, then the bus."""

    def __init__(self, intake: FieldIntake, bus: Bus) -> None:
        self.intake = intake
        self.bus = bus
        self._line_no: Counter[str] = Counter()
        self.totals = CotResult()

    async def ingest_cot(
        self, source: str, raw_units: Sequence[bytes], receive_time: datetime, simulated: bool = False
    ) -> CotResult:
        first = self._line_no[source] + 1
        self._line_no[source] += len(raw_units)
        units = list(enumerate(raw_units, start=first))
        result = await asyncio.to_thread(self.intake.ingest_cot, source, units, receive_time, simulated)
        self.totals.accepted += result.accepted
        self.totals.control += result.control
        self.totals.rejects.extend(result.rejects[-100:])
        del self.totals.rejects[:-100]
        await self.publish(result.observations)
        return result

    async def finish(self, source: str) -> None:
        self._line_no.pop(source, None)

    async def report(self, raw: bytes, reporter: str, clearance: str, receive_time: datetime) -> StoredReport:
        stored = await asyncio.to_thread(self.intake.ingest_report, raw, reporter, clearance, receive_time)
        await self.publish([stored.observation])
        return stored

    async def publish(self, observations: Sequence[FieldObservation]) -> None:
        if not observations:
            return
        by_subject: dict[str, list[FieldObservation]] = defaultdict(list)
        for o in observations:
            subject = OBS_REPORT_SUBJECT if o.report_id is not None else drone_subject(o.sensor_uid)
            by_subject[subject].append(o)
        for subject, batch in by_subject.items():
            await self.bus.publish(subject, encode_observations(batch))
        await self.bus.publish(PICTURE_SUBJECT, live_message(observations))

    async def close(self) -> None:
        await asyncio.to_thread(self.intake.close)
