"""NMEA 0183 / IEC 61162-1 ARPA target sentences from ship-borne radars: ``$--TTM`` and ``$--TLL``.

Field layouts (IEC 61162-1 Ed. 4, §8.3 "TTM – Tracked target message" and "TLL – Target latitude and
longitude"; NMEA 0183 v4.10 the same):

``$RATTM,xx,x.x,x.x,a,x.x,x.x,a,x.x,x.x,a,c--c,a,a,hhmmss.ss,a*hh``

 1 target number (0–999) · 2 target distance from own ship · 3 bearing from own ship · 4 ``T``/``R``
 (true/relative) · 5 target speed · 6 target course · 7 ``T``/``R`` · 8 distance of CPA · 9 time to
 CPA, minutes (negative: CPA passed) · 10 speed/distance units ``K``/``N``/``S`` · 11 target name ·
 12 status ``L`` lost / ``Q`` query (acquiring) / ``T`` tracking · 13 reference target ``R`` ·
 14 UTC of data ``hhmmss.ss`` · 15 acquisition ``A`` automatic / ``M`` manual / ``R`` reported.
 Fields 14–15 were added in NMEA 0183 v3; v2 sentences end at field 13 and are accepted.

``$RATLL,xx,llll.ll,a,yyyyy.yy,a,c--c,hhmmss.ss,a,a*hh``

 1 target number · 2–3 latitude ``ddmm.mm``, ``N``/``S`` · 4–5 longitude ``dddmm.mm``, ``E``/``W`` ·
 6 target name · 7 UTC of data · 8 status ``L``/``Q``/``T`` · 9 reference target ``R``.

The checksum (``*hh``, XOR of the characters between ``$`` and ``*``) is mandatory in IEC 61162-1 and
checked. Distances are converted to metres and speeds to knots from the units field (N: nautical
miles/knots, K: km and km/h, S: statute miles and mph). A relative bearing or course needs own-ship
heading: given ``own_heading_deg`` it is made true, otherwise the sentence is rejected (``BAD_FIELD``) —
a relative bearing passed off as true would put the target in the wrong place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import Plot, TimeSource
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver

# units field → (metres per distance unit, knots per speed unit)
UNITS = {"N": (1852.0, 1.0), "K": (1000.0, 1000.0 / 1852.0), "S": (1609.344, 1609.344 / 1852.0)}
STATUSES = {"L": "lost", "Q": "query", "T": "tracking"}


@dataclass(slots=True, frozen=True)
class ArpaTarget:
    """One TTM or TLL sentence, decoded (``None`` where the field was empty)."""

    sentence: str  # "TTM" or "TLL"
    talker: str  # e.g. "RA"
    target_number: int
    status: str | None  # "lost" | "query" | "tracking"
    name: str
    reference_target: bool
    utc_tod_s: float | None  # seconds since midnight UTC (field 14 of TTM, 7 of TLL)
    range_m: float | None = None
    bearing_deg: float | None = None  # true
    speed_kn: float | None = None
    course_deg: float | None = None  # true
    cpa_m: float | None = None
    tcpa_min: float | None = None
    acquisition: str | None = None  # "A" | "M" | "R"
    lat: float | None = None
    lon: float | None = None


def _checksum(body: str) -> int:
    c = 0
    for ch in body.encode("ascii"):
        c ^= ch
    return c


def _float(fields: list[str], i: int, what: str) -> float | None:
    if i >= len(fields) or fields[i] == "":
        return None
    try:
        v = float(fields[i])
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, f"{what}: {fields[i]!r}") from None
    if not math.isfinite(v):
        raise DecodeError(RejectReason.BAD_FIELD, f"{what}: {fields[i]!r}")
    return v


def _hhmmss(text: str) -> float | None:
    if text == "":
        return None
    try:
        if len(text) < 6 or not text[:6].isdigit():
            raise ValueError
        h, m, s = int(text[0:2]), int(text[2:4]), float(text[4:])
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, f"UTC {text!r}") from None
    if h > 23 or m > 59 or not 0.0 <= s < 61.0:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"UTC {text!r}")
    return h * 3600 + m * 60 + s


def _angle(fields: list[str], i: int, ref_i: int, what: str, own_heading: float | None) -> float | None:
    v = _float(fields, i, what)
    if v is None:
        return None
    if not 0.0 <= v <= 360.0:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{what} {v}")
    ref = fields[ref_i] if ref_i < len(fields) else ""
    if ref == "R":
        if own_heading is None:
            raise DecodeError(RejectReason.BAD_FIELD, f"{what} relative and no own-ship heading given")
        v += own_heading
    elif ref not in ("T", ""):
        raise DecodeError(RejectReason.BAD_FIELD, f"{what} reference {ref!r}")
    return v % 360.0


def _latlon(value: str, hemi: str, degree_digits: int, what: str, limit: float) -> float:
    try:
        deg = int(value[:degree_digits])
        minutes = float(value[degree_digits:])
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, f"{what} {value!r}") from None
    if len(value) < degree_digits + 2 or not 0.0 <= minutes < 60.0:
        raise DecodeError(RejectReason.BAD_FIELD, f"{what} {value!r}")
    v = deg + minutes / 60.0
    if hemi in ("S", "W"):
        v = -v
    elif hemi not in ("N", "E"):
        raise DecodeError(RejectReason.BAD_FIELD, f"{what} hemisphere {hemi!r}")
    if abs(v) > limit:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{what} {v}")
    return v


def split_sentence(line: str) -> tuple[str, str, list[str]]:
    """(talker, sentence id, fields) after checking framing and checksum."""
    line = line.strip()
    if not line:
        raise DecodeError(RejectReason.EMPTY, "empty line")
    if not line.isascii():  # NMEA 0183 is printable ASCII; the checksum is defined on its octets
        raise DecodeError(RejectReason.NOT_TEXT, "not ASCII")
    if not line.startswith("$"):
        raise DecodeError(RejectReason.MALFORMED, "does not start with '$'")
    star = line.rfind("*")
    if star < 0:
        raise DecodeError(RejectReason.BAD_CHECKSUM, "no checksum")
    body, given = line[1:star], line[star + 1 :]
    try:
        want = int(given, 16)
    except ValueError:
        raise DecodeError(RejectReason.BAD_CHECKSUM, f"checksum {given!r}") from None
    if len(given) != 2 or _checksum(body) != want:
        raise DecodeError(RejectReason.BAD_CHECKSUM, f"checksum {given!r}, computed {_checksum(body):02X}")
    fields = body.split(",")
    address = fields[0]
    if len(address) != 5 or not address.isalnum():
        raise DecodeError(RejectReason.MALFORMED, f"address {address!r}")
    return address[:2], address[2:], fields[1:]


def _target_number(fields: list[str]) -> int:
    try:
        n = int(fields[0])
    except (ValueError, IndexError):
        raise DecodeError(RejectReason.BAD_FIELD, "target number") from None
    if not 0 <= n <= 999:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"target number {n}")
    return n


def _status(fields: list[str], i: int) -> str | None:
    s = fields[i] if i < len(fields) else ""
    if s == "":
        return None
    if s not in STATUSES:
        raise DecodeError(RejectReason.BAD_FIELD, f"status {s!r}")
    return STATUSES[s]


def parse_arpa(line: str, own_heading_deg: float | None = None) -> ArpaTarget:
    """Decode one ``$--TTM``/``$--TLL`` sentence; raises ``DecodeError`` with a reason."""
    talker, sid, f = split_sentence(line)
    if sid == "TTM":
        if len(f) < 13:
            raise DecodeError(RejectReason.MALFORMED, f"TTM has {len(f)} fields, needs 13 to 15")
        units = f[9] or "N"
        if units not in UNITS:
            raise DecodeError(RejectReason.BAD_FIELD, f"units {units!r}")
        dist_m, speed_kn = UNITS[units]
        rng = _float(f, 1, "distance")
        spd = _float(f, 4, "speed")
        cpa = _float(f, 7, "CPA")
        for what, v in (("distance", rng), ("speed", spd), ("CPA", cpa)):
            if v is not None and v < 0:
                raise DecodeError(RejectReason.OUT_OF_RANGE, f"{what} {v}")
        acq = f[14] if len(f) > 14 and f[14] else None
        if acq is not None and acq not in ("A", "M", "R"):
            raise DecodeError(RejectReason.BAD_FIELD, f"acquisition {acq!r}")
        return ArpaTarget(
            sentence="TTM",
            talker=talker,
            target_number=_target_number(f),
            status=_status(f, 11),
            name=f[10],
            reference_target=f[12] == "R",
            utc_tod_s=_hhmmss(f[13]) if len(f) > 13 else None,
            range_m=None if rng is None else rng * dist_m,
            bearing_deg=_angle(f, 2, 3, "bearing", own_heading_deg),
            speed_kn=None if spd is None else spd * speed_kn,
            course_deg=_angle(f, 5, 6, "course", own_heading_deg),
            cpa_m=None if cpa is None else cpa * dist_m,
            tcpa_min=_float(f, 8, "TCPA"),
            acquisition=acq,
        )
    if sid == "TLL":
        if len(f) < 8:
            raise DecodeError(RejectReason.MALFORMED, f"TLL has {len(f)} fields, needs 8 or 9")
        if not f[1] or not f[3]:
            raise DecodeError(RejectReason.BAD_FIELD, "TLL without a position")
        return ArpaTarget(
            sentence="TLL",
            talker=talker,
            target_number=_target_number(f),
            status=_status(f, 7),
            name=f[5],
            reference_target=len(f) > 8 and f[8] == "R",
            utc_tod_s=_hhmmss(f[6]),
            lat=_latlon(f[1], f[2], 2, "latitude", 90.0),
            lon=_latlon(f[3], f[4], 3, "longitude", 180.0),
        )
    raise DecodeError(RejectReason.UNKNOWN_SENTENCE, f"${talker}{sid}")


def arpa_plot(
    target: ArpaTarget,
    sensor_id: str,
    resolver: TimeOfDayResolver,
    receive_time: datetime | None,
    log_seq: int | None = None,
) -> Plot | None:
    """The Plot of an ARPA target, or ``None`` when it is lost or has no position.

    Range and bearing are from own ship (the radar); a TLL gives only lat/lon, so range/bearing are
    NaN. Time: the sentence's UTC resolved against the receive time (``SENSOR``); without one, the
    receive time (``RECEIVE``).
    """
    if target.status == "lost":
        return None
    if target.sentence == "TTM" and (target.range_m is None or target.bearing_deg is None):
        return None
    if target.utc_tod_s is not None:
        time, source = resolver.resolve(target.utc_tod_s, receive_time), TimeSource.SENSOR
    elif receive_time is not None:
        time, source = receive_time, TimeSource.RECEIVE
    else:
        return None
    return Plot(
        time=time,
        sensor_id=sensor_id,
        range_m=target.range_m if target.range_m is not None else math.nan,
        bearing_deg=target.bearing_deg if target.bearing_deg is not None else math.nan,
        time_source=source,
        lat=target.lat,
        lon=target.lon,
        sensor_track_id=str(target.target_number),
        sog_kn=target.speed_kn,
        cog_deg=target.course_deg,
        log_seq=log_seq,
    )
