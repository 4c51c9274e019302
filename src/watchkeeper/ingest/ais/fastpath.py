"""A fast decoder for the commonest AIS messages: 168-bit position reports (types 1–3, 18), full-length
static data (type 5), type 24 parts A and B, base station and UTC reports (4, 11), aids to navigation
(21) and long-range broadcasts (27) — the last four of any length that holds the fields read.

Why our own: measured (docs/benchmarks.md, ``bench/ais_ingest.py``), building pyais' message object costs
as much as pyais' whole decode, so an ingest that calls it for every message can never be as fast as
bare pyais, let alone log, ledger and store as well. These types are nearly all of a coastal feed;
everything else (types 9, 19, 28…, type 5 of another length, payloads too short for their fields) still
goes through pyais. (``batch.py`` decodes the 168-bit position reports of a whole batch at once.)

The payload's 6-bit armour is mapped onto the base64 alphabet (same 6-bit values) so that the C base64
decoder packs it; fields are then shifts and masks of one integer. Results are identical to pyais 3.3's
(``pyais.messages``: ``to_lat_lon`` rounds ``v/600000`` to 6 decimals by integer arithmetic, speed and
course ``v/10``, text through its 6-bit character table with trailing ``@`` and blanks stripped, type 5
ship types through its ``ShipType`` table) — ``tests/ingest/test_fastpath.py`` checks every such message
of the real captures and random payloads against pyais, field by field. Layouts: ITU-R M.1371-5,
Annex 8, tables 47 (types 1–3), 49 (18), 52 (5) and 56–57 (24); types 4, 11, 21 and 27 from the same
annex, bit offsets as pyais' message classes have them. What ``report_fields`` reads of each (a field
only when the payload holds all its bits) is what is read here.
"""

from __future__ import annotations

import binascii
from typing import Any

from pyais.constants import ShipType

from watchkeeper.core.errors import DecodeError, RejectReason

_ARMOUR = bytes(range(48, 88)) + bytes(range(96, 120))  # the 64 armour characters, values 0..63 in order
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_BASE64 = bytes.maketrans(_ARMOUR, _BASE64)

# base64 character of 6-bit value k -> pyais' text character of value k ('@' for 0, 'A'.. for 1.., ' ' for 32)
_SIXBIT_TEXT = bytes((k + 64) if k < 32 else k for k in range(64))
_BASE64_TO_TEXT = bytes.maketrans(_BASE64, _SIXBIT_TEXT)


def _raw_text(v: int, n: int) -> str:
    """The ``n`` 6-bit characters at the low end of ``v`` as AIS text, as pyais' ``get_str`` gives it."""
    pad = (-n) % 4
    v &= (1 << (6 * n)) - 1
    raw = (v << (6 * pad)).to_bytes((n + pad) * 3 // 4, "big")
    return (
        binascii.b2a_base64(raw, newline=False)[:n]
        .translate(_BASE64_TO_TEXT)
        .decode("ascii")
        .rstrip("@")
        .strip()
    )


def _text(v: int, n: int) -> str | None:
    """The ``n`` 6-bit characters at the low end of ``v`` as AIS text (``None`` when blank)."""
    return _raw_text(v, n) or None


def _bits(payload: bytes, fill: int) -> int:
    """The payload's bits as one integer (the fill bits dropped); 'A' (value 0) pads it to whole
    base64 quanta."""
    pad = (-len(payload)) % 4
    packed = binascii.a2b_base64(payload.translate(_TO_BASE64) + b"A" * pad)
    return int.from_bytes(packed, "big") >> (6 * pad + fill)


def fast_decode(payload: bytes, fill: int) -> dict[str, Any] | None:
    """The ``report_fields`` of a message the fast path covers, or ``None`` (decode it with pyais)."""
    n = len(payload)
    first = payload[0]
    if n == 28 and fill == 0 and first in (49, 50, 51, 66):  # '1' '2' '3' 'B'
        return fast_position(payload, fill)
    if first == 53 and n == 71 and fill == 2:  # '5', 424 bits
        return _static_5(_bits(payload, fill))
    n_bits = n * 6 - fill
    if first == 72 and n_bits >= 40:  # 'H': type 24, any length holding the fields read
        v = _bits(payload, fill)
        part = (v >> (n_bits - 40)) & 3
        if part == 0 and n_bits >= 160:
            return {
                "mmsi": (v >> (n_bits - 38)) & 0x3FFFFFFF,
                "msg_type": 24,
                "name": _text(v >> (n_bits - 160), 20),
            }
        if part == 1 and n_bits >= 132:
            return {
                "mmsi": (v >> (n_bits - 38)) & 0x3FFFFFFF,
                "msg_type": 24,
                "ship_type": ((v >> (n_bits - 48)) & 0xFF) or None,
                "callsign": _text(v >> (n_bits - 132), 7),
            }
        if part > 1:  # as the pyais path rejects it
            raise DecodeError(
                RejectReason.BAD_FIELD, f"pyais: UnknownPartNoException: Partno {part} is not allowed!"
            )
        return None
    if (first == 52 or first == 59) and n_bits >= 134:  # '4' ';': types 4 and 11, base station / UTC
        v = _bits(payload, fill)
        return _with_position(
            {"mmsi": (v >> (n_bits - 38)) & 0x3FFFFFFF, "msg_type": first - 48},
            (v >> (n_bits - 107)) & 0xFFFFFFF,
            (v >> (n_bits - 134)) & 0x7FFFFFF,
            _lat_lon,
        )
    if first == 75 and n_bits >= 94:  # 'K': type 27, long-range broadcast
        return _long_range(_bits(payload, fill), n_bits)
    if first == 69 and n_bits >= 219:  # 'E': type 21, aid to navigation
        return _aid_to_navigation(_bits(payload, fill), n_bits)
    return None


def _with_position(
    fields: dict[str, Any], lon: int, lat: int, scale: Any, lon_bits: int = 28, lat_bits: int = 27
) -> dict[str, Any]:
    """``fields`` with lat/lon from the raw two's-complement values (absent when "not available");
    ``DecodeError(OUT_OF_RANGE)`` for an impossible position, as ``report_fields``."""
    if lon >= 1 << (lon_bits - 1):
        lon -= 1 << lon_bits
    if lat >= 1 << (lat_bits - 1):
        lat -= 1 << lat_bits
    lon_deg, lat_deg = scale(lon), scale(lat)
    if lat_deg != 91.0 and lon_deg != 181.0:  # 91 / 181: not available
        if not (-90.0 <= lat_deg <= 90.0 and -180.0 <= lon_deg <= 180.0):
            raise DecodeError(RejectReason.OUT_OF_RANGE, f"lat {lat_deg} lon {lon_deg}")
        fields["lat"] = lat_deg
        fields["lon"] = lon_deg
    return fields


def _lat_lon_600(v: int) -> float:
    return ((10000 * v + 3) // 6) / 1e6  # pyais' to_lat_lon_600 (1/10 minute)


def _long_range(v: int, n_bits: int) -> dict[str, Any]:
    """Type 27 (96 bits; the fields read end at bit 94): position in 1/10 minute, whole knots and
    degrees (63 kn and 511 deg: not available)."""
    at = n_bits - 94  # shift of bit 94 (the end of course)
    fields = _with_position(
        {"mmsi": (v >> (n_bits - 38)) & 0x3FFFFFFF, "msg_type": 27},
        (v >> (at + 32)) & 0x3FFFF,
        (v >> (at + 15)) & 0x1FFFF,
        _lat_lon_600,
        18,
        17,
    )
    sog, cog = (v >> (at + 9)) & 0x3F, (v >> at) & 0x1FF
    if sog < 63:
        fields["sog_kn"] = float(sog)
    if cog < 511:
        fields["cog_deg"] = float(cog)
    fields["nav_status"] = (v >> (n_bits - 44)) & 0xF
    return fields


def _sixbit_text(v: int, n_bits: int, start: int, width: int) -> str:
    """pyais' ``get_str``: 6-bit characters from bit ``start`` for ``width`` bits; a last character cut
    off by the payload's end is read from the bits that are there (unshifted), as pyais does."""
    chars = []
    for i in range(start, min(start + width, n_bits), 6):
        avail = min(6, n_bits - i)
        k = (v >> (n_bits - i - avail)) & ((1 << avail) - 1)
        chars.append(chr(k + 64) if k < 32 else chr(k))
    return "".join(chars).rstrip("@").strip()


def _aid_to_navigation(v: int, n_bits: int) -> dict[str, Any]:
    """Type 21: name (with its extension after bit 272 when the payload has one whole character of it, as
    ``report_fields`` reads it) and position."""
    name = _raw_text(v >> (n_bits - 163), 20)
    if n_bits >= 278:
        name += _sixbit_text(v, n_bits, 272, 88)
    fields = {"mmsi": (v >> (n_bits - 38)) & 0x3FFFFFFF, "msg_type": 21, "name": name.strip() or None}
    return _with_position(
        fields, (v >> (n_bits - 192)) & 0xFFFFFFF, (v >> (n_bits - 219)) & 0x7FFFFFF, _lat_lon
    )


def _static_5(v: int) -> dict[str, Any]:
    """Type 5 (424 bits): static and voyage related data."""
    ship_type = int(ShipType.from_value((v >> 184) & 0xFF) or 0)
    return {
        "mmsi": (v >> 386) & 0x3FFFFFFF,
        "msg_type": 5,
        "imo": ((v >> 354) & 0x3FFFFFFF) or None,
        "callsign": _text(v >> 312, 7),
        "name": _text(v >> 192, 20),
        "ship_type": ship_type or None,
        "destination": _text(v >> 2, 20),
    }


def _lat_lon(v: int) -> float:
    return ((10 * v + 3) // 6) / 1e6  # == round(v / 600000, 6), as pyais computes it


def fast_position(payload: bytes, fill: int) -> dict[str, Any] | None:
    """The ``report_fields`` of a 168-bit type 1–3 or 18 message, or ``None`` when the fast path does not
    apply (other type or length: decode with pyais). Raises ``DecodeError(OUT_OF_RANGE)`` like the slow
    path for an impossible position."""
    if len(payload) != 28 or fill != 0:
        return None
    first = payload[0]
    if first not in (49, 50, 51, 66):  # '1' '2' '3' 'B': the first character gives the type (6 bits)
        return None
    v = int.from_bytes(binascii.a2b_base64(payload.translate(_TO_BASE64)), "big")
    msg_type = v >> 162
    mmsi = (v >> 130) & 0x3FFFFFFF
    fields: dict[str, Any] = {"mmsi": mmsi, "msg_type": msg_type}
    if msg_type == 18:
        sog, lon, lat = (v >> 112) & 0x3FF, (v >> 83) & 0xFFFFFFF, (v >> 56) & 0x7FFFFFF
        cog, heading = (v >> 44) & 0xFFF, (v >> 35) & 0x1FF
    else:
        fields_status = (v >> 126) & 0xF
        sog, lon, lat = (v >> 108) & 0x3FF, (v >> 79) & 0xFFFFFFF, (v >> 52) & 0x7FFFFFF
        cog, heading = (v >> 40) & 0xFFF, (v >> 31) & 0x1FF
    if lon >= 1 << 27:
        lon -= 1 << 28
    if lat >= 1 << 26:
        lat -= 1 << 27
    lon_deg, lat_deg = _lat_lon(lon), _lat_lon(lat)
    if lat_deg != 91.0 and lon_deg != 181.0:  # 91 / 181: not available
        if not (-90.0 <= lat_deg <= 90.0 and -180.0 <= lon_deg <= 180.0):
            raise DecodeError(RejectReason.OUT_OF_RANGE, f"lat {lat_deg} lon {lon_deg}")
        fields["lat"] = lat_deg
        fields["lon"] = lon_deg
    if sog < 1023:  # 102.3 kn: not available
        fields["sog_kn"] = sog / 10.0
    if cog < 3600:  # 360.0: not available
        fields["cog_deg"] = cog / 10.0
    if heading < 360:  # 511: not available
        fields["heading_deg"] = float(heading)
    if msg_type != 18:
        fields["nav_status"] = fields_status
    return fields
