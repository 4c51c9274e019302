"""Domain types shared across capabilities.

Units and frames: positions are WGS84 degrees; speeds in knots; courses and headings in degrees true;
ranges in metres; times are timezone-aware UTC ``datetime`` (event time, see ``TimeSource``).
Slotted dataclasses keep the hot paths (ingest, tracking) cheap; what leaves the service is converted
to its own pydantic model at the API edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from watchkeeper.core.errors import RejectReason


class TimeSource(StrEnum):
    """Where an observation's event time came from."""

    TAG_BLOCK = "tag_block"  # NMEA 4.x tag block c: (unix seconds) — the sensor's own time
    SENSOR = "sensor"  # the sensor's own time in the message (ASTERIX time of day, CoT time, ...)
    RECEIVE = "receive"  # the wire had no absolute time: the receive time, flagged as such


@dataclass(slots=True, frozen=True)
class RawInput:
    """One raw unit of input (an NMEA line, a UDP datagram, a report) as it arrived."""

    source: str  # e.g. "file:/path/x.nmea", "udp:10110", "tcp:host:port", "sim"
    line_no: int  # 1-based line or packet number within the source
    raw: bytes
    receive_time: datetime
    log_seq: int | None = None  # sequence number in the input log once appended


@dataclass(slots=True, frozen=True)
class Reject:
    """A rejected input, as kept in the rejects ledger."""

    source: str
    line_no: int
    reason: RejectReason
    detail: str
    raw: bytes
    receive_time: datetime
    log_seq: int | None = None


@dataclass(slots=True, frozen=True)
class AisReport:
    """A decoded AIS message, typed, with its event time.

    Position fields are ``None`` when the message has none or marks them "not available"
    (lat 91, lon 181, SOG 102.3, COG 360, heading 511).
    """

    mmsi: int
    msg_type: int
    event_time: datetime
    time_source: TimeSource
    source: str
    lat: float | None = None
    lon: float | None = None
    sog_kn: float | None = None
    cog_deg: float | None = None
    heading_deg: float | None = None
    nav_status: int | None = None
    name: str | None = None
    callsign: str | None = None
    ship_type: int | None = None
    destination: str | None = None
    imo: int | None = None
    log_seq: int | None = None
    simulated: bool = False

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(slots=True, frozen=True)
class Plot:
    """One radar detection (plot) in the radar's polar frame.

    ``range_m`` is slant range from the radar, ``bearing_deg`` degrees clockwise from true north.
    ``lat``/``lon`` are filled when the wire gives a geodetic position (e.g. CAT062, RATLL).
    """

    time: datetime
    sensor_id: str
    range_m: float
    bearing_deg: float
    time_source: TimeSource = TimeSource.SENSOR
    lat: float | None = None
    lon: float | None = None
    amplitude: float | None = None
    sensor_track_id: str | None = None  # the sensor's own track number when it sends tracks
    sog_kn: float | None = None
    cog_deg: float | None = None
    log_seq: int | None = None


@dataclass(slots=True)
class VesselState:
    """Latest known state of one vessel in the picture (AIS identity and kinematics)."""

    mmsi: int
    last_seen: datetime
    source: str
    lat: float | None = None
    lon: float | None = None
    sog_kn: float | None = None
    cog_deg: float | None = None
    heading_deg: float | None = None
    nav_status: int | None = None
    name: str | None = None
    callsign: str | None = None
    ship_type: int | None = None
    destination: str | None = None
    imo: int | None = None
    simulated: bool = False
    extra: dict[str, object] = field(default_factory=dict)


class ObservationKind(StrEnum):
    """What a drone, TAK client or observer report says was seen (``FieldObservation.kind``)."""

    PLATFORM = "platform"  # the sensor itself: a drone's own position, an observer's or a patrol's
    POINT_OF_INTEREST = "point_of_interest"  # where a drone's sensor looks (CoT b-m-p-s-p-i)
    BOAT = "boat"  # a boat detected (CoT a-?-S-…, sea surface; or an observer's report of one)
    PERSONS = "persons"  # people detected on land, e.g. gathering on a beach (CoT a-?-G-…)
    OTHER = "other"  # a located CoT event of another type (kept, not interpreted)


@dataclass(slots=True, frozen=True)
class FieldObservation:
    """One observation from a drone ground station, a TAK client or an observer's report.

    ``obs_id`` is stable across replays (``cot:<log seq>`` or ``report:<report id>``). ``event_time`` is
    the CoT ``time`` (the sensor's own time, ``TimeSource.SENSOR``) or the time the observer gives.
    ``ce_m`` is the circular error (metres, 1 sigma as CoT defines it; ``None`` when unknown, CoT's
    9999999). ``marking`` is the releasability of the observation (``core.marking``).
    """

    obs_id: str
    kind: ObservationKind
    event_time: datetime
    time_source: TimeSource
    source: str  # "cot:udp:4242:10.0.0.5", "report:<username>", ...
    sensor_uid: str  # the CoT uid of the event, or "report:<username>"
    lat: float
    lon: float
    marking: str = "UK-ONLY"
    cot_type: str | None = None
    ce_m: float | None = None
    persons: int | None = None
    boat_type: str | None = None
    course_deg: float | None = None
    speed_kn: float | None = None
    callsign: str | None = None
    text: str | None = None
    stale_time: datetime | None = None
    report_id: int | None = None
    log_seq: int | None = None
    simulated: bool = False
