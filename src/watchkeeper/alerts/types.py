"""Alert types: what a rule finds (``Finding``), what the engine keeps (``Alert``) and emits (``AlertEvent``).

Times are timezone-aware UTC (event time). Positions are WGS84 degrees; values carry their unit in
their key (``speed_kn``, ``distance_m``, ``cpa_nm``...). ``geometry`` is a GeoJSON geometry (lon/lat)
of what the rule looked at: the point, the segment that crossed a line, the pair of tracks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any

from watchkeeper.core.marking import DEFAULT_MARKING, Marking


class RuleName(StrEnum):
    """The rules (names of the issue's contract: they appear in the replay's JSON lines)."""

    DEPARTURE = "departure"
    UK_WATERS = "uk_waters"
    FR_WATERS = "fr_waters"
    TSS_CROSSING = "tss_crossing"
    CPA = "cpa"
    DISTRESS = "distress"
    LOST_CONTACT = "lost_contact"
    AIS_GAP = "ais_gap"
    AIS_SPOOFING = "ais_spoofing"
    LOITERING = "loitering"


class Severity(IntEnum):
    """Ordered: a higher value asks for a faster response. Stored and shown by name."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            allowed = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}: one of {allowed}") from None


class AlertStatus(StrEnum):
    ACTIVE = "active"  # the condition holds (or held at the last scan)
    CLEARED = "cleared"  # the condition fell below its clear threshold


class EventKind(StrEnum):
    RAISED = "raised"  # a new alert
    ESCALATED = "escalated"  # same alert, higher severity
    CLEARED = "cleared"  # the condition no longer holds
    RERAISED = "reraised"  # the same subject again within the rule's cooldown: the old alert reopens


@dataclass(slots=True)
class Finding:
    """One rule's verdict on one subject at one scan.

    ``raise_`` — the condition meets the raise threshold (already sustained as long as the rule needs);
    ``hold`` — the condition still meets the (looser) clear threshold. The engine raises on ``raise_`` and
    clears when an active alert's finding no longer ``hold``s: that gap is the hysteresis.
    """

    rule: RuleName
    key: str  # the subject: e.g. "track:17", "mmsi:235000001", "pair:17:42"
    raise_: bool
    hold: bool
    severity: Severity
    track_id: int | None
    lat: float
    lon: float
    explanation: str
    values: dict[str, Any] = field(default_factory=dict)
    geometry: dict[str, Any] | None = None
    mmsi: int | None = None
    track_ids: tuple[int, ...] = ()
    marking: Marking = DEFAULT_MARKING


@dataclass(slots=True)
class Alert:
    """An alert as the engine keeps it (the store mirrors it; acknowledgement lives in the store)."""

    alert_id: str
    rule: RuleName
    key: str
    severity: Severity
    status: AlertStatus
    raised_time: datetime
    last_time: datetime
    track_id: int | None
    track_ids: tuple[int, ...]
    mmsi: int | None
    lat: float
    lon: float
    explanation: str
    values: dict[str, Any]
    thresholds: dict[str, Any]
    geometry: dict[str, Any] | None
    marking: Marking
    cleared_time: datetime | None = None
    occurrences: int = 1  # raised + re-raised within the cooldown
    latest: dict[str, Any] = field(default_factory=dict)  # values and position at the last holding scan
    released: Marking | None = None  # the marking a user released it to, while the release stands

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (replay lines, bus messages, API)."""
        return {
            "alert_id": self.alert_id,
            "time_utc": iso_utc(self.raised_time),
            "rule": self.rule.value,
            "track_id": self.track_id,
            "track_ids": list(self.track_ids),
            "mmsi": self.mmsi,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "severity": self.severity.label,
            "status": self.status.value,
            "explanation": self.explanation,
            "values": self.values,
            "latest": self.latest,
            "thresholds": self.thresholds,
            "geometry": self.geometry,
            "marking": self.marking.value,
            "last_utc": iso_utc(self.last_time),
            "cleared_utc": None if self.cleared_time is None else iso_utc(self.cleared_time),
            "occurrences": self.occurrences,
        }


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """What the engine emits: a change of one alert at one scan time."""

    kind: EventKind
    time: datetime
    alert: Alert
    source: Marking | None = None  # the marking of the finding that raised, re-raised or escalated it


def iso_utc(t: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``."""
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
