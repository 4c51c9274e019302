"""ASTERIX data block and record framing (EUROCONTROL-SPEC-0149 Part 1, Edition 2.4, §4.2–4.4).

A data block is ``CAT`` (1 octet), ``LEN`` (2 octets, big-endian, counting the whole block) and one
or more records. A record is an FSPEC — octets whose bits 8..2 flag, in User Application Profile (UAP)
order, which items follow, and whose bit 1 (FX) says another FSPEC octet follows — then the items.

Failure modes, each a ``DecodeError`` with a ``RejectReason``:

* fewer than 3 octets → ``TRUNCATED``; LEN < 3 → ``BAD_LENGTH``; LEN larger than the bytes → ``TRUNCATED``;
  LEN smaller than a single datagram/block handed in whole → ``BAD_LENGTH`` (LEN mismatch);
* a category this decoder does not define → ``UNKNOWN_CATEGORY`` (header decoded, records skipped);
* FSPEC running past the block → ``FSPEC_OVERRUN``; an FSPEC bit for an FRN the UAP leaves undefined
  → ``UNDEFINED_ITEM``; an item running past the block → ``ITEM_OVERRUN``; an all-zero FSPEC → ``MALFORMED``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.ingest.radar.asterix.items import SET_BITS, ItemSpec


@dataclass(slots=True)
class AsterixRecord:
    """One decoded ASTERIX record: every item present, keyed ``"I010"``, ``"I140"``, ``"SP"``, ….

    ``items`` holds decoded values (see ``items.py``); ``raw_items`` the octets of each item, so an
    audit or an oracle comparison can see exactly what was on the wire.
    """

    category: ClassVar[int] = 0
    items: dict[str, Any]
    raw_items: dict[str, bytes] = field(default_factory=dict)
    raw: bytes = b""

    @property
    def sac(self) -> int | None:
        dsi = self.items.get("I010")
        return None if dsi is None else int(dsi["SAC"])

    @property
    def sic(self) -> int | None:
        dsi = self.items.get("I010")
        return None if dsi is None else int(dsi["SIC"])

    @property
    def sensor_key(self) -> str | None:
        """``"<SAC>-<SIC>"``, e.g. ``"25-201"``: the data source, before any site-name mapping."""
        dsi = self.items.get("I010")
        return None if dsi is None else f"{dsi['SAC']}-{dsi['SIC']}"

    @property
    def time_of_day_s(self) -> float | None:
        """Seconds since midnight UTC from the category's time item (None when absent)."""
        return None


@dataclass(frozen=True, slots=True)
class Category:
    """A category's User Application Profile: ``uap[frn - 1]`` is ``(item key, spec)`` or ``None``."""

    number: int
    edition: str
    uap: tuple[tuple[str, ItemSpec] | None, ...]
    record_type: type[AsterixRecord]


_REGISTRY: dict[int, Category] = {}


def register(category: Category) -> None:
    _REGISTRY[category.number] = category


def categories() -> dict[int, Category]:
    return dict(_REGISTRY)


def decode_record(cat: Category, buf: bytes, pos: int, end: int) -> tuple[AsterixRecord, int]:
    """Decode one record starting at ``pos``; returns it and the position after it."""
    start = pos
    frns: list[int] = []
    octet = 0
    while True:
        if pos >= end:
            raise DecodeError(
                RejectReason.FSPEC_OVERRUN, f"CAT{cat.number:03d} FSPEC at {pos} past block end"
            )
        b = buf[pos]
        pos += 1
        base = octet * 7
        for j in SET_BITS[b]:
            frns.append(base + j)
        octet += 1
        if not b & 1:
            break
    if not frns:
        raise DecodeError(RejectReason.MALFORMED, f"CAT{cat.number:03d} record at {start} has an empty FSPEC")
    uap = cat.uap
    items: dict[str, Any] = {}
    raw_items: dict[str, bytes] = {}
    for idx in frns:
        entry = uap[idx] if idx < len(uap) else None
        if entry is None:
            raise DecodeError(
                RejectReason.UNDEFINED_ITEM, f"CAT{cat.number:03d} FRN {idx + 1} is not defined"
            )
        key, spec = entry
        item_start = pos
        items[key], pos = spec.decode(buf, pos, end)
        raw_items[key] = buf[item_start:pos]
    return cat.record_type(items, raw_items, buf[start:pos]), pos


def block_header(data: bytes, offset: int = 0) -> tuple[int, int]:
    """(CAT, LEN) of the block at ``offset``; checks LEN against the bytes available."""
    avail = len(data) - offset
    if avail <= 0:
        raise DecodeError(RejectReason.EMPTY, "no data")
    if avail < 3:
        raise DecodeError(RejectReason.TRUNCATED, f"{avail} octets, a block header needs 3")
    cat = data[offset]
    length = (data[offset + 1] << 8) | data[offset + 2]
    if length < 3:
        raise DecodeError(RejectReason.BAD_LENGTH, f"CAT{cat:03d} LEN {length} < 3")
    if length > avail:
        raise DecodeError(RejectReason.TRUNCATED, f"CAT{cat:03d} LEN {length}, only {avail} octets")
    return cat, length


def decode_block_at(data: bytes, offset: int, length: int, cat_no: int) -> list[AsterixRecord]:
    """The records of the block whose header was already checked by ``block_header``."""
    cat = _REGISTRY.get(cat_no)
    if cat is None:
        raise DecodeError(RejectReason.UNKNOWN_CATEGORY, f"CAT{cat_no:03d} (LEN {length}) not decoded")
    end = offset + length
    pos = offset + 3
    if pos == end:
        raise DecodeError(RejectReason.MALFORMED, f"CAT{cat_no:03d} block without records")
    records = []
    while pos < end:
        rec, pos = decode_record(cat, data, pos, end)
        records.append(rec)
    return records


def decode_datablock(data: bytes) -> list[AsterixRecord]:
    """Decode exactly one data block; its LEN must equal ``len(data)``."""
    cat, length = block_header(data)
    if length != len(data):
        raise DecodeError(RejectReason.BAD_LENGTH, f"CAT{cat:03d} LEN {length} but {len(data)} octets")
    return decode_block_at(data, 0, length, cat)


@dataclass(slots=True)
class BlockResult:
    """One data block of a stream: where it was, its header, and its records or its error."""

    offset: int
    category: int | None
    raw: bytes
    records: list[AsterixRecord]
    error: DecodeError | None = None


def decode_stream(data: bytes) -> Iterator[BlockResult]:
    """Decode concatenated data blocks (a UDP datagram, a ``.ast``/raw recording).

    A block with a bad header ends the stream — without a trustworthy LEN nothing after it can be
    framed — and is reported once with the rest of the bytes. A block that frames but fails inside
    (unknown category, overrun) is reported and the stream resumes at the next block.
    """
    offset = 0
    n = len(data)
    while offset < n:
        try:
            cat, length = block_header(data, offset)
        except DecodeError as exc:
            yield BlockResult(offset, data[offset], data[offset:], [], exc)
            return
        raw = data[offset : offset + length]
        try:
            records = decode_block_at(data, offset, length, cat)
        except DecodeError as exc:
            yield BlockResult(offset, cat, raw, [], exc)
        else:
            yield BlockResult(offset, cat, raw, records)
        offset += length


def decode_datagram(data: bytes) -> list[AsterixRecord]:
    """All records of a datagram holding one or more blocks; the first failing block raises."""
    out: list[AsterixRecord] = []
    for block in decode_stream(data):
        if block.error is not None:
            raise block.error
        out.extend(block.records)
    if not data:
        raise DecodeError(RejectReason.EMPTY, "empty datagram")
    return out
