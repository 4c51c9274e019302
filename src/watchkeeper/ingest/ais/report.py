"""A pyais-decoded AIS message → ``AisReport`` fields (ITU-R M.1371-5; field notes after gpsd's AIVDM).

"Not available" values become ``None``: lat 91, lon 181, SOG 102.3 kn (type 9: 1023 kn, type 27:
63 kn), COG 360 (type 27: 511), heading 511. A position outside ±90/±180 that is not the n/a value
is corrupt and raises ``DecodeError(OUT_OF_RANGE)``. A payload too short for its MMSI or position
raises ``DecodeError(BAD_LENGTH)``; other fields cut off by a short payload are left ``None``.
"""

from __future__ import annotations

from typing import Any

from watchkeeper.core.errors import DecodeError, RejectReason

# Message types that become AisReports. 11 (UTC/date response) has the layout of 4 and is sent by
# mobile stations, so it carries a vessel position. The others pyais decodes (6, 7, 8, 10, 12–17, 20,
# 22, 23, 25, 26) are valid traffic, counted as accepted, but carry nothing for the vessel picture
# (positions inside type 8 binary payloads are of weather stations and the like, not of the sender).
REPORT_TYPES = frozenset({1, 2, 3, 4, 5, 9, 11, 18, 19, 21, 24, 27, 28})
POSITION_TYPES = frozenset({1, 2, 3, 4, 9, 11, 18, 19, 21, 27, 28})

Fields = dict[str, Any]

# End bit (exclusive) of every field, per pyais message class, from pyais' own decoder plan.
_FIELD_ENDS: dict[type, dict[str, int]] = {}


def _ends(cls: type) -> dict[str, int]:
    ends = _FIELD_ENDS.get(cls)
    if ends is None:
        ends = {name: offset + width for name, offset, width, *_ in cls.decoder_plan()}  # type: ignore[attr-defined]
        _FIELD_ENDS[cls] = ends
    return ends


def _text(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    return text or None


def report_fields(msg: Any, msg_type: int, n_bits: int) -> Fields | None:
    """The AisReport fields (other than times and source) of a decoded message, or ``None`` when the
    type carries nothing for the picture. A field is read only when the payload holds all its bits
    (pyais decodes a partly present field from the bits that are there, which gives a wrong value).
    Raises ``DecodeError`` for a payload without MMSI or position, or with a corrupt position."""
    if msg_type not in REPORT_TYPES:
        return None
    ends = _ends(type(msg))

    def has(name: str) -> bool:
        return ends[name] <= n_bits

    if not has("mmsi"):
        raise DecodeError(RejectReason.BAD_LENGTH, f"{n_bits} bits: payload ends before the MMSI")
    fields: Fields = {"mmsi": int(msg.mmsi), "msg_type": msg_type}
    if msg_type in POSITION_TYPES:
        if not (has("lat") and has("lon")):
            raise DecodeError(RejectReason.BAD_LENGTH, f"type {msg_type}, {n_bits} bits: position cut off")
        lat, lon = msg.lat, msg.lon
        if lat != 91.0 and lon != 181.0:  # 91 / 181: not available
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise DecodeError(RejectReason.OUT_OF_RANGE, f"lat {lat} lon {lon}")
            fields["lat"] = lat
            fields["lon"] = lon
    if msg_type <= 3 or msg_type in (9, 18, 19, 27):
        sog_na, cog_na = _NOT_AVAILABLE[msg_type]
        if has("speed") and msg.speed < sog_na:
            fields["sog_kn"] = float(msg.speed)
        if has("course") and msg.course < cog_na:
            fields["cog_deg"] = float(msg.course)
        if msg_type not in (9, 27) and has("heading") and msg.heading < 360:
            fields["heading_deg"] = float(msg.heading)
        if (msg_type <= 3 or msg_type == 27) and has("status"):
            fields["nav_status"] = int(msg.status)
    if msg_type == 5 or msg_type == 19:
        if has("shipname"):
            fields["name"] = _text(msg.shipname)
        if has("ship_type"):
            fields["ship_type"] = int(msg.ship_type) or None
    if msg_type == 5:
        if has("callsign"):
            fields["callsign"] = _text(msg.callsign)
        if has("imo"):
            fields["imo"] = int(msg.imo) or None
        if has("destination"):
            fields["destination"] = _text(msg.destination)
    elif msg_type == 24:
        part = msg.partno
        if part == 0 and has("shipname"):
            fields["name"] = _text(msg.shipname)
        elif part == 1:
            if has("ship_type"):
                fields["ship_type"] = int(msg.ship_type) or None
            if has("callsign"):
                fields["callsign"] = _text(msg.callsign)
    elif msg_type == 21 and has("name"):
        # the name extension is variable length: whole characters after bit 272, when present
        fields["name"] = _text((msg.name or "") + ((msg.name_ext or "") if n_bits >= 278 else ""))
    return fields


# (SOG, COG) values meaning "not available", or above: knots and degrees.
_NOT_AVAILABLE: dict[int, tuple[float, float]] = {
    1: (102.3, 360.0),
    2: (102.3, 360.0),
    3: (102.3, 360.0),
    18: (102.3, 360.0),
    19: (102.3, 360.0),
    9: (1023.0, 360.0),  # type 9 SOG is in whole knots (SAR aircraft)
    27: (63.0, 511.0),  # long-range broadcast: whole knots, whole degrees
}
