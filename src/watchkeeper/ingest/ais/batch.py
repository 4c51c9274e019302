"""Whole-batch checks and decoding of the commonest AIS lines, with numpy.

``AisDecoder.feed_many`` matches every line against ``COMMON_SENTENCE`` (one C regex call) and hands the
matched lines of the batch here as offsets into the batch's joined bytes. Then, for all of them at once:

* ``checksums_ok``: the NMEA checksum (XOR of the bytes between ``!`` and ``*``) from one prefix-XOR of the
  batch — the XOR of a range is the XOR of two prefix values;
* ``decode_positions``: the 168-bit position reports (types 1–3 and 18, 28 armour characters, no fill
  bits) — each payload character mapped to its 6-bit value by a lookup table, then every field extracted
  for all rows with shifts and masks (ITU-R M.1371-5, Annex 8, tables 47 and 49).

The answers are those of ``fastpath.fast_position`` (and so of pyais 3.3: ``tests/ingest/test_batch.py``
checks every real capture line and random payloads): latitude and longitude ``((10 v + 3) // 6) / 1e6``
(pyais' ``round(v / 600000, 6)``), speed and course ``v / 10``, the same "not available" values. A row
whose position is out of range is not decoded here: the caller sends its line through the general path,
which rejects it with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

# 6-bit value of each armour character (others 0: the regex has already refused them).
_SIXBIT = np.zeros(256, dtype=np.int64)
for _c in [*range(48, 88), *range(96, 120)]:
    _SIXBIT[_c] = _c - 48 if _c < 88 else _c - 56
# value of an upper-case hex digit (the regex allows only [0-9A-F] in the checksum)
_HEX = np.zeros(256, dtype=np.int64)
for _c in range(48, 58):
    _HEX[_c] = _c - 48
for _c in range(65, 71):
    _HEX[_c] = _c - 55
POSITION_FIRST = np.array([ord("1"), ord("2"), ord("3"), ord("B")], dtype=np.uint8)
POSITION_CHARS = 28
_CHAR_OFFSETS = np.arange(POSITION_CHARS, dtype=np.int64)


def checksums_ok(data: U8, start: I64, end: I64, hex_at: I64) -> npt.NDArray[np.bool_]:
    """For each row: does the XOR of ``data[start:end]`` equal the two hex digits at ``hex_at``?"""
    prefix = np.bitwise_xor.accumulate(data)
    actual = prefix[end - 1] ^ np.where(start > 0, prefix[start - 1], 0)
    expected = _HEX[data[hex_at]] * 16 + _HEX[data[hex_at + 1]]
    return np.asarray(actual == expected)


def _field(v: I64, offset: int, width: int) -> I64:
    """Bits ``offset .. offset + width`` (MSB first) of each row of 6-bit values ``v`` (width <= 30)."""
    first, last = offset // 6, (offset + width - 1) // 6
    acc = v[:, first].copy()
    for k in range(first + 1, last + 1):
        acc = (acc << 6) | v[:, k]
    return np.asarray((acc >> (6 * (last + 1) - offset - width)) & ((1 << width) - 1))


def _pick(is18: npt.NDArray[np.bool_], v: I64, class_a: tuple[int, int], class_b: tuple[int, int]) -> I64:
    return np.where(is18, _field(v, *class_b), _field(v, *class_a))


def _degrees(raw: I64, width: int) -> npt.NDArray[np.float64]:
    signed = np.where(raw >= 1 << (width - 1), raw - (1 << width), raw)
    return np.asarray(((10 * signed + 3) // 6) / 1e6)  # == round(v / 600000, 6), as pyais computes it


def _optional(values: npt.NDArray[np.generic], present: npt.NDArray[np.bool_]) -> list[Any]:
    """``values`` as Python objects, ``None`` where not ``present``."""
    out = values.astype(object)
    out[~present] = None
    return list(out.tolist())


@dataclass(slots=True)
class Positions:
    """Decoded 168-bit position reports, one list entry per row; ``ok`` is False for a row whose position
    is out of range (its line takes the general path)."""

    ok: list[bool]
    mmsi: list[int]
    msg_type: list[int]
    lat: list[float | None]
    lon: list[float | None]
    sog_kn: list[float | None]
    cog_deg: list[float | None]
    heading_deg: list[float | None]
    nav_status: list[int | None]


def decode_positions(data: U8, payload_start: I64) -> Positions:
    """Decode the 28-character payloads starting at ``payload_start`` in ``data`` (types 1–3 and 18)."""
    v = _SIXBIT[data[payload_start[:, None] + _CHAR_OFFSETS]]
    msg_type = v[:, 0]
    is18 = msg_type == 18
    mmsi = _field(v, 8, 30)
    sog = _pick(is18, v, (50, 10), (46, 10))
    lon = _degrees(_pick(is18, v, (61, 28), (57, 28)), 28)
    lat = _degrees(_pick(is18, v, (89, 27), (85, 27)), 27)
    cog = _pick(is18, v, (116, 12), (112, 12))
    heading = _pick(is18, v, (128, 9), (124, 9))
    status = _field(v, 38, 4)
    has_position = (lat != 91.0) & (lon != 181.0)  # 91 / 181: not available
    in_range = (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
    return Positions(
        ok=list((~has_position | in_range).tolist()),
        mmsi=list(mmsi.tolist()),
        msg_type=list(msg_type.tolist()),
        lat=_optional(lat, has_position),
        lon=_optional(lon, has_position),
        sog_kn=_optional(sog / 10.0, sog < 1023),  # 102.3 kn: not available
        cog_deg=_optional(cog / 10.0, cog < 3600),  # 360.0: not available
        heading_deg=_optional(heading.astype(np.float64), heading < 360),  # 511: not available
        nav_status=_optional(status, ~is18),
    )
