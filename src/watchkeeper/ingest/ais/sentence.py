"""One raw line of an AIS feed → a parsed AIS fragment or Gatehouse time, or a ``DecodeError``.

What a line may look like (IEC 61162-1 / NMEA 0183 v4.10, and what real receivers write)::

    !AIVDM,1,1,,A,15Mw1U?P00qNGTP@v`0@9wwn26sd,0*0E                    plain sentence
    \\s:rORBCOMM104,c:1418172113*55\\!AIVDM,1,1,,B,13F?Vv...,0*78       NMEA 4.x tag block (c: unix s)
    !AIVDM,1,1,,A,15B4FT5000JRP>PE6E68Nbkl0PS5,0*70,b003669794,1272412827  receiver suffix (libais/USCG)
    1272412827.5 !AIVDM,...*hh     2019-06-01T00:00:00Z !AIVDM,...*hh     receiver prefix
    $PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17                            Gatehouse time of the next sentence

The parse is strict where the standard is: the checksum (XOR of the bytes between the start
delimiter and ``*``) must match, the fragment count is 1–9, the payload uses only the 6-bit armour
alphabet, fill bits are 0–5. Anything else raises ``DecodeError`` with the ``RejectReason`` that is
counted. Pure functions: no clock, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import TimeSource

# Plausible absolute times for tag blocks and receiver stamps: 1980-01-01 .. 2100-01-01 (POSIX s).
MIN_UNIX_S = 315_532_800
MAX_UNIX_S = 4_102_444_800
# A sentence is at most 82 characters; with tag block, prefix and receiver suffix real lines stay
# well under this. Longer lines are refused (and readers keep only this much of them).
MAX_LINE_BYTES = 1024
# NMEA 4.10 allows c: in milliseconds; a value above this is read as milliseconds.
MILLIS_THRESHOLD = 100_000_000_000

_NON_TEXT = re.compile(rb"[^\x20-\x7e]")
_NOT_ARMOUR = re.compile(rb"[^0-W`-w]")  # the 64 characters of the AIS 6-bit payload armour
_NUMBER = re.compile(rb"\d{9,13}(?:\.\d*)?")
_MASKS = tuple((1 << (8 * h)) - 1 for h in range(512))
_DIGIT = {str(i).encode(): i for i in range(10)}
_STARTS = (ord("!"), ord("$"), ord("\\"))
# The common line, whole: an optional tag block, then a complete AIS sentence. Anything else (and any
# line this matches but whose checks fail in a way that needs a reason) takes the general path below.
# ``AisDecoder.feed_many`` relies on its shape: the talker is 5 characters, then ``,<count>,``; the
# payload is followed by ``,<fill>*hh``.
COMMON_SENTENCE = re.compile(
    rb"(?:\\([\x20-\x5b\x5d-\x7e]*)\\)?!([A-Z]{2}VD[MO]),([1-9]),([1-9]),(\d{0,2}),([A-Za-z0-9]{0,2}),"
    rb"([0-W`-w]+),([0-5])\*([0-9A-F]{2})(,(?:[\x20-\x7e]*[\x21-\x7e])?)?\r?\n?"
)  # the last group: receiver fields after the checksum (never ending in blanks: the general path strips them)


def xor_checksum(data: bytes) -> int:
    """NMEA checksum: XOR of all bytes, computed by folding one big integer (C speed, ~1.5 µs)."""
    x = int.from_bytes(data, "little")
    n = len(data)
    masks = _MASKS
    while n > 1:
        h = (n + 1) >> 1
        x = (x ^ (x >> (h << 3))) & (masks[h] if h < 512 else (1 << (h << 3)) - 1)
        n = h
    return x


@dataclass(slots=True)
class Fragment:
    """One AIS sentence (one fragment of a possibly multi-part message)."""

    talker: bytes  # address field, e.g. b"AIVDM", b"BSVDO"
    count: int  # fragments in the message, 1..9
    number: int  # this fragment, 1..count
    seq_id: bytes  # sequential message id ("" for single-part)
    channel: bytes  # radio channel A/B (or 1/2, or empty)
    payload: bytes
    fill_bits: int
    time: datetime | None  # absolute time carried by the line itself, if any
    time_source: TimeSource | None


@dataclass(slots=True)
class GatehouseTime:
    """A Gatehouse ``$PGHP,1,...`` wrapper: the time of the next AIS sentence of the same source."""

    time: datetime


def unix_time(value: float) -> datetime:
    """A UTC datetime from POSIX seconds, or milliseconds above 1e11 (NMEA 4.10); range-checked."""
    if value > MILLIS_THRESHOLD:
        value = value / 1000.0
    if not MIN_UNIX_S <= value <= MAX_UNIX_S:
        raise ValueError(f"time {value!r} outside 1980..2100")
    return datetime.fromtimestamp(value, UTC)


def tag_block_time(tag: bytes) -> datetime | None:
    """The ``c:`` time of a tag block (without its backslashes); validates its checksum."""
    star = tag.rfind(b"*")
    if star < 0:
        raise DecodeError(RejectReason.BAD_TAG_BLOCK, "tag block has no *hh checksum")
    body = tag[:star]
    try:
        expected = int(tag[star + 1 :], 16)
    except ValueError:
        raise DecodeError(RejectReason.BAD_TAG_BLOCK, "tag block checksum is not hex") from None
    actual = xor_checksum(body)
    if actual != expected:
        raise DecodeError(RejectReason.BAD_TAG_BLOCK, f"tag block checksum {expected:02X} != {actual:02X}")
    for field in body.split(b","):
        if field[:2] == b"c:":
            try:
                return unix_time(float(field[2:]))
            except ValueError as exc:
                raise DecodeError(RejectReason.BAD_TAG_BLOCK, f"bad c: time {field[2:]!r}: {exc}") from None
    return None


def _prefix_time(prefix: bytes) -> datetime | None:
    """A receiver prefix: a unix time or an ISO 8601 time gives the receiver's time; other text is
    a station label and is ignored."""
    text = prefix.strip(b" \t,;:[]").decode("ascii")
    if not text:
        return None
    try:
        return unix_time(float(text))
    except ValueError:
        pass
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _suffix_time(suffix: bytes) -> datetime | None:
    """Receiver fields after the checksum (libais/USCG ``,b003669794,1272412827`` or
    ``,d-109,S2105,t050056.00,T56.13,r003669946,1325394060,1325394001``): the first bare number of
    9–13 digits is the receiver's unix time."""
    for field in suffix.split(b","):
        if _NUMBER.fullmatch(field):
            try:
                return unix_time(float(field))
            except ValueError:
                return None
    return None


def line_time(tag_time: datetime | None, suffix: bytes | None) -> tuple[datetime | None, TimeSource | None]:
    """The time a sentence line carries: its tag block's, else its receiver suffix's (``SENSOR``)."""
    if tag_time is not None:
        return tag_time, TimeSource.TAG_BLOCK
    if suffix:
        time = _suffix_time(suffix)
        if time is not None:
            return time, TimeSource.SENSOR
    return None, None


def parse_line(raw: bytes) -> Fragment | GatehouseTime:
    """Parse one raw line (with or without its line end). Raises ``DecodeError``."""
    if len(raw) > MAX_LINE_BYTES:
        raise DecodeError(RejectReason.TOO_LARGE, f"line longer than {MAX_LINE_BYTES} bytes")
    m = COMMON_SENTENCE.fullmatch(raw)
    if m is not None:
        tag, talker, count_b, number_b, seq_id, channel, payload, fill_b, checksum, suffix = m.groups()
        count, number = _DIGIT[count_b], _DIGIT[number_b]
        if number <= count:
            tag_time = tag_block_time(tag) if tag is not None else None  # the tag block is checked first
            expected = int(checksum, 16)
            actual = xor_checksum(raw[m.start(2) : m.start(9) - 1])
            if actual != expected:
                raise DecodeError(
                    RejectReason.BAD_CHECKSUM, f"checksum {expected:02X} != computed {actual:02X}"
                )
            at, source = line_time(tag_time, suffix)
            return Fragment(talker, count, number, seq_id, channel, payload, _DIGIT[fill_b], at, source)
    terminated = raw[-1:] == b"\n"
    s = raw.strip()
    if not s:
        raise DecodeError(RejectReason.EMPTY, "blank line")
    if s[0] == 35:  # '#'
        raise DecodeError(RejectReason.COMMENT)
    if _NON_TEXT.search(s) is not None:
        raise DecodeError(RejectReason.NOT_TEXT, "non-ASCII or control bytes in line")

    time: datetime | None = None
    time_source: TimeSource | None = None
    if s[0] not in _STARTS:
        starts = [i for i in (s.find(b"\\"), s.find(b"!"), s.find(b"$")) if i > 0]
        if not starts:
            raise DecodeError(RejectReason.UNKNOWN_SENTENCE, "not an NMEA sentence")
        i = min(starts)
        time = _prefix_time(s[:i])
        time_source = TimeSource.SENSOR if time is not None else None
        s = s[i:]

    if s[0] == 92:  # '\' tag block
        end = s.find(b"\\", 1)
        if end < 0:
            reason = RejectReason.BAD_TAG_BLOCK if terminated else RejectReason.TRUNCATED
            raise DecodeError(reason, "tag block not closed")
        tag_time = tag_block_time(s[1:end])
        if tag_time is not None:
            time, time_source = tag_time, TimeSource.TAG_BLOCK
        s = s[end + 1 :]
        if not s:
            reason = RejectReason.MALFORMED if terminated else RejectReason.TRUNCATED
            raise DecodeError(reason, "tag block without a sentence")

    star = s.find(b"*")
    if star < 0 or len(s) < star + 3:
        reason = RejectReason.MALFORMED if terminated else RejectReason.TRUNCATED
        raise DecodeError(reason, "no *hh checksum")
    body = s[1:star]
    kind = body[2:5]
    if s[0] == 33 and (kind == b"VDM" or kind == b"VDO"):
        is_ais = True
    elif s[0] == 36 and body[:5] == b"PGHP,":
        is_ais = False
    else:
        raise DecodeError(RejectReason.UNKNOWN_SENTENCE, f"{s[:6].decode('ascii')} is not an AIS sentence")
    try:
        expected = int(s[star + 1 : star + 3], 16)
    except ValueError:
        raise DecodeError(RejectReason.BAD_CHECKSUM, "checksum is not hex") from None
    actual = xor_checksum(body)
    if actual != expected:
        raise DecodeError(RejectReason.BAD_CHECKSUM, f"checksum {expected:02X} != computed {actual:02X}")
    suffix = s[star + 3 :]
    if suffix and suffix[0] != 44:  # ','
        raise DecodeError(RejectReason.MALFORMED, "text after the checksum")

    fields = body.split(b",")
    if not is_ais:
        return _gatehouse(fields)
    if len(fields) != 7:
        raise DecodeError(RejectReason.MALFORMED, f"{len(fields)} fields, an AIS sentence has 7")
    talker, count_b, number_b, seq_id, channel, payload, fill_b = fields
    count = _DIGIT.get(count_b, 0)
    number = _DIGIT.get(number_b, 0)
    fill = _DIGIT.get(fill_b, 9)
    if not 1 <= count <= 9 or not 1 <= number <= count:
        raise DecodeError(RejectReason.MALFORMED, f"fragment {number_b!r} of {count_b!r}")
    if fill > 5:
        raise DecodeError(RejectReason.MALFORMED, f"fill bits {fill_b!r}")
    if len(seq_id) > 2 or (seq_id and not seq_id.isdigit()) or len(channel) > 2:
        # bounded ids keep the multi-part state of a hostile feed bounded
        raise DecodeError(RejectReason.MALFORMED, f"sequence id {seq_id!r} / channel {channel!r}")
    if not payload:
        raise DecodeError(RejectReason.MALFORMED, "empty payload")
    if _NOT_ARMOUR.search(payload) is not None:
        raise DecodeError(RejectReason.MALFORMED, "payload character outside the 6-bit armour")
    if time is None and suffix:
        time = _suffix_time(suffix)
        if time is not None:
            time_source = TimeSource.SENSOR
    return Fragment(talker, count, number, seq_id, channel, payload, fill, time, time_source)


def _gatehouse(fields: list[bytes]) -> GatehouseTime:
    """``$PGHP,1,<yyyy>,<mm>,<dd>,<hh>,<mm>,<ss>,<ms>,<country>,<region>,<pss>,<online>`` (type 1)."""
    if len(fields) < 9 or fields[1] != b"1":
        raise DecodeError(RejectReason.UNKNOWN_SENTENCE, "Gatehouse sentence other than type 1 (time)")
    try:
        y, mo, d, h, mi, sec, ms = (int(f) for f in fields[2:9])
        return GatehouseTime(datetime(y, mo, d, h, mi, sec, ms * 1000, tzinfo=UTC))
    except (ValueError, OverflowError) as exc:  # OverflowError: found by bench/fuzz_ais.py
        raise DecodeError(RejectReason.MALFORMED, f"Gatehouse time: {exc}") from None
