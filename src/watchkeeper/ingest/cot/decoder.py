"""Cursor-on-Target decoding: CoT XML and TAK protobuf into one typed ``CotEvent``, then observations.

Wire formats (one unit = one event):

* **CoT XML** (MITRE CoT 2.0 event schema): ``<event version uid type how time start stale>`` with a
  ``<point lat lon hae ce le>`` and a free ``<detail>``. Parsed with defusedxml: a document with a
  DTD or entity declarations is refused unparsed (``unsafe_xml``), so entity expansion cannot blow up.
* **TAK protocol version 1** (the TAK protobuf, ``takproto``): *mesh* (UDP) ``0xbf 0x01 0xbf`` +
  ``TakMessage``; *stream* (TCP/TLS) ``0xbf`` + varint length + ``TakMessage``. Times are ms since the
  epoch; ``detail.xmlDetail`` carries the XML detail children the typed fields do not.

``decode_cot`` raises ``DecodeError`` with a ``RejectReason`` for anything it cannot vouch for: no
crash, no guess. ``classify`` says what an event is to the cell (``ObservationKind``) from the CoT
type's atoms (MIL-STD-2525 affiliation and battle dimension, as CoT encodes them):

* ``b-m-p-s-p-i`` — a drone's sensor point of interest (where its camera looks);
* ``a-f-…`` / ``a-a-…`` (friend, assumed friend) — our own platform: a drone, a patrol's TAK device;
* ``a-<other affiliation>-S-…`` (sea surface) — a boat detected; ``…-G-…`` (ground) — persons on land;
* ``t-…`` (tasking, pings ``t-x-c-t``) and ``b-t-f`` (GeoChat) — control traffic: accepted, counted,
  no observation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from google.protobuf.message import DecodeError as ProtobufDecodeError
from takproto.proto import TakMessage

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import FieldObservation, ObservationKind, TimeSource

MAX_COT_BYTES = 64 * 1024  # one event; TAK clients send a few hundred bytes to a few KiB
MESH_HEADER = b"\xbf\x01\xbf"
STREAM_MAGIC = 0xBF
UNKNOWN_ERROR = 9_999_999.0  # CoT's "unknown" for ce/le/hae
MS_TO_KN = 3600.0 / 1852.0  # CoT track speed is metres per second
_TYPE_RE = re.compile(r"^[a-z](?:-[A-Za-z0-9_.]+)*$")
_PERSONS_RE = re.compile(r"\b(\d{1,4})\s*(?:persons?|people|pob|personnes?)\b", re.IGNORECASE)
_WHITESPACE = b" \t\r\n\x00"
_FRIENDLY = {"f", "a"}


@dataclass(slots=True)
class CotEvent:
    """One CoT event as received, format-independent. Speeds in knots, course in degrees true."""

    uid: str
    cot_type: str
    how: str
    time: datetime
    start: datetime
    stale: datetime
    lat: float
    lon: float
    hae: float | None = None
    ce_m: float | None = None
    le_m: float | None = None
    callsign: str | None = None
    course_deg: float | None = None
    speed_kn: float | None = None
    remarks: str | None = None
    group: str | None = None
    persons: int | None = None
    boat_type: str | None = None
    wire: str = "xml"  # "xml", "mesh" or "stream"
    extra: dict[str, Any] = field(default_factory=dict)


def _fail(reason: RejectReason, detail: str) -> DecodeError:
    return DecodeError(reason, detail)


def parse_cot_time(value: str | None, name: str) -> datetime:
    """A CoT time (W3C XML Schema dateTime, with a zone) as aware UTC."""
    if not value:
        raise _fail(RejectReason.MISSING_FIELD, f"event has no {name}")
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _fail(RejectReason.BAD_TIME, f"{name} {value[:40]!r} is not an ISO 8601 time") from None
    if t.tzinfo is None:
        raise _fail(RejectReason.BAD_TIME, f"{name} {value[:40]!r} has no time zone")
    try:
        return t.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-01:00: past the last datetime once in UTC
        raise _fail(RejectReason.BAD_TIME, f"{name} {value[:40]!r} is outside the years 1..9999") from None


def _float(value: str | float | None, name: str, *, required: bool = False) -> float | None:
    if value is None or value == "":
        if required:
            raise _fail(RejectReason.MISSING_FIELD, f"point has no {name}")
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _fail(RejectReason.BAD_FIELD, f"{name} {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(x):
        raise _fail(RejectReason.BAD_FIELD, f"{name} is not finite")
    return x


def _error_m(value: float | None) -> float | None:
    """CoT ce/le/hae: 9999999 means unknown."""
    if value is None or value >= UNKNOWN_ERROR or value < 0:
        return None
    return value


def _check_identity(uid: str | None, cot_type: str | None) -> tuple[str, str]:
    if not uid:
        raise _fail(RejectReason.MISSING_FIELD, "event has no uid")
    if len(uid) > 256 or not uid.isprintable():
        raise _fail(RejectReason.BAD_FIELD, f"uid {uid[:40]!r} is too long or not printable")
    if not cot_type:
        raise _fail(RejectReason.MISSING_FIELD, "event has no type")
    if not _TYPE_RE.match(cot_type) or len(cot_type) > 64:
        raise _fail(RejectReason.BAD_FIELD, f"type {cot_type[:40]!r} is not a CoT type")
    return uid, cot_type


def _check_position(lat: float | None, lon: float | None) -> tuple[float, float]:
    assert lat is not None and lon is not None
    if not -90.0 <= lat <= 90.0:
        raise _fail(RejectReason.OUT_OF_RANGE, f"lat {lat} outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise _fail(RejectReason.OUT_OF_RANGE, f"lon {lon} outside -180..180")
    return lat, lon


def _check_times(time: datetime, start: datetime, stale: datetime) -> None:
    if stale < start:
        raise _fail(RejectReason.BAD_TIME, f"stale {stale.isoformat()} is before start {start.isoformat()}")


def _detail_fields(detail: Element | None, event: CotEvent) -> None:
    """Fill what the cell uses from ``<detail>``: contact, track, remarks, group, our own extension."""
    if detail is None:
        return
    contact = detail.find("contact")
    if contact is not None and contact.get("callsign"):
        event.callsign = contact.get("callsign", "")[:128]
    track = detail.find("track")
    if track is not None:
        course = _float(track.get("course"), "track course")
        speed = _float(track.get("speed"), "track speed")
        if course is not None:
            if not 0.0 <= course <= 360.0:
                raise _fail(RejectReason.OUT_OF_RANGE, f"track course {course} outside 0..360")
            event.course_deg = course % 360.0
        if speed is not None:
            if speed < 0:
                raise _fail(RejectReason.OUT_OF_RANGE, f"track speed {speed} is negative")
            event.speed_kn = speed * MS_TO_KN
    remarks = detail.find("remarks")
    if remarks is not None and remarks.text:
        event.remarks = remarks.text.strip()[:2000]
    group = detail.find("__group")
    if group is not None and group.get("name"):
        event.group = group.get("name")
    _watchkeeper_detail(detail.find("__watchkeeper"), event)
    if event.persons is None and event.remarks:
        m = _PERSONS_RE.search(event.remarks)
        if m:
            event.persons = int(m.group(1))


def _watchkeeper_detail(ext: Element | None, event: CotEvent) -> None:
    """``<__watchkeeper persons="12" boat_type="inflatable" marking="UK-FR"/>`` (what our own CoT out
    writes; a drone ground station may send it too)."""
    if ext is None:
        return
    persons = ext.get("persons")
    if persons:
        try:
            n = int(persons)
        except ValueError:
            raise _fail(RejectReason.BAD_FIELD, f"persons {persons[:20]!r} is not a whole number") from None
        if not 0 <= n <= 10_000:
            raise _fail(RejectReason.OUT_OF_RANGE, f"persons {n} outside 0..10000")
        event.persons = n
    if ext.get("boat_type"):
        event.boat_type = ext.get("boat_type", "")[:32]
    if ext.get("marking"):
        event.extra["marking"] = ext.get("marking")


def _parse_xml(raw: bytes) -> Element:
    try:
        root: Element = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _fail(RejectReason.UNSAFE_XML, f"refused: {type(exc).__name__}") from None
    except ParseError as exc:
        code = getattr(exc, "code", None)
        # expat 3 = no element found, 5 = unclosed token: the document ended early
        reason = RejectReason.TRUNCATED if code in (3, 5) else RejectReason.MALFORMED
        raise _fail(reason, f"XML: {exc}") from None
    except (LookupError, ValueError) as exc:
        # encoding="nan" (unknown), "utf-32" (expat takes no multi-byte codec), or bytes that break it
        raise _fail(RejectReason.MALFORMED, f"XML encoding: {str(exc)[:80]}") from None
    return root


def decode_xml(raw: bytes) -> CotEvent:
    root = _parse_xml(raw)
    if root.tag != "event":
        raise _fail(RejectReason.UNKNOWN_MESSAGE_TYPE, f"root element <{root.tag[:40]}> is not <event>")
    uid, cot_type = _check_identity(root.get("uid"), root.get("type"))
    time = parse_cot_time(root.get("time") or root.get("start"), "time")
    start = parse_cot_time(root.get("start") or root.get("time"), "start")
    stale = parse_cot_time(root.get("stale"), "stale")
    _check_times(time, start, stale)
    point = root.find("point")
    if point is None:
        raise _fail(RejectReason.MISSING_FIELD, "event has no <point>")
    lat, lon = _check_position(
        _float(point.get("lat"), "lat", required=True), _float(point.get("lon"), "lon", required=True)
    )
    event = CotEvent(
        uid=uid,
        cot_type=cot_type,
        how=(root.get("how") or "")[:16],
        time=time,
        start=start,
        stale=stale,
        lat=lat,
        lon=lon,
        hae=_error_m(_float(point.get("hae"), "hae")),
        ce_m=_error_m(_float(point.get("ce"), "ce")),
        le_m=_error_m(_float(point.get("le"), "le")),
        wire="xml",
    )
    _detail_fields(root.find("detail"), event)
    return event


def _varint(data: bytes, pos: int) -> tuple[int, int] | None:
    """(value, next position) of the protobuf varint at ``pos``; None when the data ends inside it."""
    value = shift = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise _fail(RejectReason.MALFORMED, "TAK stream length varint is too long")
    return None


def stream_frame_length(data: bytes) -> int | None:
    """Total bytes of the TAK stream frame at the start of ``data`` (magic + varint + payload), or None
    when the varint itself is not complete yet."""
    parsed = _varint(data, 1)
    if parsed is None:
        return None
    size, pos = parsed
    return pos + size


def _from_ms(ms: int, name: str) -> datetime:
    if ms <= 0:
        raise _fail(RejectReason.MISSING_FIELD, f"event has no {name}")
    try:
        return datetime.fromtimestamp(ms / 1000.0, UTC)
    except (OverflowError, OSError, ValueError):
        raise _fail(RejectReason.BAD_TIME, f"{name} {ms} ms is out of range") from None


def decode_protobuf(raw: bytes) -> CotEvent:
    if raw.startswith(MESH_HEADER):
        payload, wire = raw[len(MESH_HEADER) :], "mesh"
    else:
        parsed = _varint(raw, 1)
        if parsed is None:
            raise _fail(RejectReason.TRUNCATED, "TAK stream frame ends inside its length")
        size, pos = parsed
        if len(raw) - pos < size:
            raise _fail(RejectReason.TRUNCATED, f"TAK stream frame of {size} bytes has {len(raw) - pos}")
        if len(raw) - pos > size:
            raise _fail(RejectReason.BAD_LENGTH, f"{len(raw) - pos - size} bytes after the TAK stream frame")
        payload, wire = raw[pos:], "stream"
    message = TakMessage()
    try:
        message.ParseFromString(payload)
    except ProtobufDecodeError as exc:
        raise _fail(RejectReason.MALFORMED, f"TAK protobuf: {exc}") from None
    if not message.HasField("cotEvent"):
        raise _fail(RejectReason.MISSING_FIELD, "TakMessage has no cotEvent")
    cot = message.cotEvent
    uid, cot_type = _check_identity(cot.uid, cot.type)
    time = _from_ms(cot.sendTime or cot.startTime, "sendTime")
    start = _from_ms(cot.startTime or cot.sendTime, "startTime")
    stale = _from_ms(cot.staleTime, "staleTime")
    _check_times(time, start, stale)
    lat, lon = _check_position(_float(cot.lat, "lat"), _float(cot.lon, "lon"))
    event = CotEvent(
        uid=uid,
        cot_type=cot_type,
        how=cot.how[:16],
        time=time,
        start=start,
        stale=stale,
        lat=lat,
        lon=lon,
        hae=_error_m(_float(cot.hae, "hae")),  # NaN/inf refused, as in XML
        ce_m=_error_m(_float(cot.ce, "ce")),
        le_m=_error_m(_float(cot.le, "le")),
        wire=wire,
    )
    detail = cot.detail
    if detail.HasField("contact") and detail.contact.callsign:
        event.callsign = detail.contact.callsign[:128]
    if detail.HasField("track"):
        _float(detail.track.speed, "track speed")  # NaN/inf refused, as in XML
        if not 0.0 <= detail.track.course <= 360.0:
            raise _fail(RejectReason.OUT_OF_RANGE, f"track course {detail.track.course} outside 0..360")
        if detail.track.speed < 0:
            raise _fail(RejectReason.OUT_OF_RANGE, f"track speed {detail.track.speed} is negative")
        event.course_deg = detail.track.course % 360.0
        event.speed_kn = detail.track.speed * MS_TO_KN
    if detail.HasField("group") and detail.group.name:
        event.group = detail.group.name
    if detail.xmlDetail:
        _detail_fields(_parse_xml(f"<detail>{detail.xmlDetail}</detail>".encode()), event)
    return event


def decode_cot(raw: bytes) -> CotEvent:
    """One CoT unit (XML or TAK protobuf) as a ``CotEvent``; ``DecodeError`` with a reason otherwise."""
    if len(raw) > MAX_COT_BYTES:
        raise _fail(RejectReason.TOO_LARGE, f"{len(raw)} bytes > {MAX_COT_BYTES}")
    body = raw.lstrip(_WHITESPACE) if raw[:1] != bytes([STREAM_MAGIC]) else raw
    if not body.strip(_WHITESPACE):
        raise _fail(RejectReason.EMPTY, "no data")
    if body[0] == STREAM_MAGIC:
        return decode_protobuf(body)
    if body[:1] == b"<":
        return decode_xml(body)
    raise _fail(RejectReason.MALFORMED, f"neither CoT XML nor TAK protobuf (starts {body[:8]!r})")


def classify(cot_type: str) -> ObservationKind | None:
    """What the event is to the cell; ``None`` for control traffic (pings, tasking, chat)."""
    atoms = cot_type.split("-")
    if atoms[0] == "t" or cot_type.startswith("b-t-f"):
        return None
    if cot_type.startswith("b-m-p-s-p-i"):
        return ObservationKind.POINT_OF_INTEREST
    if atoms[0] == "a" and len(atoms) >= 3:
        affiliation, dimension = atoms[1], atoms[2]
        if affiliation in _FRIENDLY:
            return ObservationKind.PLATFORM
        if dimension == "S":
            return ObservationKind.BOAT
        if dimension == "G":
            return ObservationKind.PERSONS
    return ObservationKind.OTHER


def to_observation(
    event: CotEvent, source: str, log_seq: int, marking: str, simulated: bool = False
) -> FieldObservation | None:
    """The observation an event makes (``None`` for control traffic). Event time is the CoT ``time``."""
    kind = classify(event.cot_type)
    if kind is None:
        return None
    return FieldObservation(
        obs_id=f"cot:{log_seq}",
        kind=kind,
        event_time=event.time,
        time_source=TimeSource.SENSOR,
        source=source,
        sensor_uid=event.uid,
        lat=event.lat,
        lon=event.lon,
        marking=marking,
        cot_type=event.cot_type,
        ce_m=event.ce_m,
        persons=event.persons,
        boat_type=event.boat_type,
        course_deg=event.course_deg,
        speed_kn=event.speed_kn,
        callsign=event.callsign,
        text=event.remarks,
        stale_time=event.stale,
        log_seq=log_seq,
        simulated=simulated,
    )
