"""A fast decoder for the commonest AIS messages: 168-bit position reports, types 1–3 and 18.

Why our own: measured (docs/benchmarks.md, ``bench/ais_ingest.py``), building pyais' message object costs
as much as pyais' whole decode, so an ingest that calls it for every position report can never be as fast
as bare pyais, let alone log, ledger and store as well. Position reports are ~80 % of a coastal feed;
everything else (static data, type 24, 21, 27, short or long payloads) still goes through pyais.

The payload's 6-bit armour is mapped onto the base64 alphabet (same 6-bit values) so that the C base64
decoder packs it; fields are then shifts and masks of one integer. Results are identical to pyais 3.3's
(``pyais.messages``: ``to_lat_lon`` rounds ``v/600000`` to 6 decimals by integer arithmetic, speed and
course ``v/10``) — ``tests/ingest/test_fastpath.py`` checks every position report of the real captures
and random payloads against pyais, field by field. Layouts: ITU-R M.1371-5, Annex 8, tables 47 and 49.
"""

from __future__ import annotations

import binascii
from typing import Any

from watchkeeper.core.errors import DecodeError, RejectReason

_ARMOUR = bytes(range(48, 88)) + bytes(range(96, 120))  # the 64 armour characters, values 0..63 in order
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_BASE64 = bytes.maketrans(_ARMOUR, _BASE64)

FAST_TYPES = frozenset({1, 2, 3, 18})
_BITS = 168  # 28 armour characters, no fill bits


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
