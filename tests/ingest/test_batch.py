"""The batch path (``feed_many`` with ``batch.py``) gives exactly what the line-by-line path gives, and its
vectorised position decoding exactly what pyais gives."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.core.errors import DecodeError
from watchkeeper.core.types import AisReport
from watchkeeper.ingest.ais import batch
from watchkeeper.ingest.ais.decoder import AisDecoder, FeedResult
from watchkeeper.ingest.ais.sentence import xor_checksum

ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
RECEIVED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _real_lines(shared_data: Path) -> list[bytes]:
    raw = shared_data / "ais" / "raw_nmea"
    return [line for p in sorted(raw.iterdir()) for line in p.read_bytes().splitlines(keepends=True)]


def _one_by_one(lines: list[bytes]) -> FeedResult:
    decoder, out = AisDecoder("t"), FeedResult()
    for i, raw in enumerate(lines):
        out.extend(decoder.feed(raw, i + 1, RECEIVED, 100 + i))
    out.extend(decoder.finish())
    return out


def _batched(lines: list[bytes], chunk: int) -> FeedResult:
    decoder, out = AisDecoder("t"), FeedResult()
    for s in range(0, len(lines), chunk):
        part = [(i + 1, lines[i]) for i in range(s, min(s + chunk, len(lines)))]
        out.extend(decoder.feed_many(part, RECEIVED, 100 + s))
    out.extend(decoder.finish())
    return out


def test_report_field_order() -> None:
    """``feed_many`` builds reports positionally: this is the order it relies on."""
    assert [f.name for f in dataclasses.fields(AisReport)] == [
        "mmsi", "msg_type", "event_time", "time_source", "source", "lat", "lon", "sog_kn", "cog_deg",
        "heading_deg", "nav_status", "name", "callsign", "ship_type", "destination", "imo", "log_seq",
        "simulated",
    ]  # fmt: skip


@pytest.mark.parametrize("shuffle", [0, 1, 2])
def test_batches_equal_line_by_line_on_real_captures(shared_data: Path, shuffle: int) -> None:
    """Every real capture line (in file order, then shuffled: orphaned fragments, Gatehouse lines before
    any sentence), in batches of 1, 7 and 5,000 lines: the same reports, rejects and counts."""
    lines = _real_lines(shared_data)
    if shuffle:
        random.Random(shuffle).shuffle(lines)
    expected = _one_by_one(lines)
    assert len(expected.reports) > 2000 and len(expected.rejects) > 100
    for chunk in (1, 7, 5000):
        got = _batched(lines, chunk)
        assert got.accepted == expected.accepted
        assert got.reports == expected.reports
        assert got.rejects == expected.rejects


def _sentence(body: str, tag: str = "") -> bytes:
    def ck(text: str) -> str:
        x = 0
        for ch in text.encode():
            x ^= ch
        return f"{x:02X}"

    prefix = f"\\{tag}*{ck(tag)}\\" if tag else ""
    return f"{prefix}!{body}*{ck(body)}\n".encode()


def _type1(mmsi: int, lon: int, lat: int) -> str:
    """A 168-bit type 1 payload with these raw values (the other fields 0)."""
    bits = f"{1:06b}00{mmsi:030b}{0:04b}{0:08b}{0:010b}0{lon % (1 << 28):028b}{lat % (1 << 27):027b}"
    bits = bits.ljust(168, "0")
    values = [int(bits[i : i + 6], 2) for i in range(0, 168, 6)]
    return "".join(chr(v + 48) if v < 40 else chr(v + 56) for v in values)


def test_gatehouse_tag_blocks_and_broken_lines_in_one_batch() -> None:
    """The cases the batch path must hand to the general path, mixed with lines it decodes itself."""
    pos = "AIVDM,1,1,,A,15Mw1U?P00qNGTP@v`0@9wwn26sd,0"
    gatehouse = b"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n"
    lines = [
        _sentence(pos),
        gatehouse,  # its time goes to the next sentence
        _sentence(pos),
        _sentence(pos, "s:r1,c:1418172113"),  # tag-block time
        _sentence(pos, "s:r1"),  # tag block without time
        _sentence(pos)[:-1] + b",b003669794,1272412827\n",  # receiver suffix time
        _sentence(pos)[:-1] + b",1272412827  \r\n",  # ... with blanks after it
        _sentence(pos, "c:1418172113")[:-1] + b",1272412827\n",  # the tag block's time comes first
        b"\\s:r1,c:1418172113*00\\" + _sentence(pos),  # bad tag-block checksum
        _sentence(pos)[:-3] + b"00\n",  # bad checksum
        _sentence("AIVDM,1,2,,A,15Mw1U?P00qNGTP@v`0@9wwn26sd,0"),  # fragment 2 of 1
        _sentence("AIVDM,1,1,,A,1000000000000000000000000000,0"),  # lat/lon 0: fine
        _sentence(f"AIVDM,1,1,,A,{_type1(244000000, 200 * 600000, 0)},0"),  # lon 200: out of range
        _sentence(pos) + b"x" * 2000,
        gatehouse,  # last line of a batch: applies to the first of the next
    ]
    for chunk in (1, 3, len(lines)):
        assert _batched([*lines, _sentence(pos)], chunk) == _one_by_one([*lines, _sentence(pos)])
    out = _batched([*lines, _sentence(pos)], len(lines) + 1)
    assert [r.time_source.value for r in out.reports] == [
        "receive", "sensor", "tag_block", "receive", "sensor", "sensor", "tag_block", "receive", "sensor",
    ]  # fmt: skip
    assert sorted(r.reason.value for r in out.rejects) == [
        "bad_checksum", "bad_tag_block", "malformed", "out_of_range", "too_large",
    ]  # fmt: skip


def _payload_array(payloads: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    data = np.frombuffer(b"".join(payloads), dtype=np.uint8)
    return data, np.arange(0, len(data), batch.POSITION_CHARS, dtype=np.int64)


def _pyais_rows(payloads: list[bytes]) -> list[object]:
    out: list[object] = []
    for p in payloads:
        try:
            out.append(AisDecoder._decode_pyais(p, 0))
        except DecodeError as err:
            out.append(("error", err.reason))
    return out


def _batch_rows(payloads: list[bytes]) -> list[object]:
    pos = batch.decode_positions(*_payload_array(payloads))
    out: list[object] = []
    for k in range(len(payloads)):
        if not pos.ok[k]:
            out.append(("error", "out_of_range"))
            continue
        fields = {"mmsi": pos.mmsi[k], "msg_type": pos.msg_type[k]}
        for name in ("lat", "lon", "sog_kn", "cog_deg", "heading_deg", "nav_status"):
            value = getattr(pos, name)[k]
            if value is not None:
                fields[name] = value
        out.append(fields)
    return out


def test_real_position_payloads_match_pyais(shared_data: Path) -> None:
    payloads = sorted(
        {
            p
            for line in _real_lines(shared_data)
            for p in line.split(b",")[5:6]
            if len(p) == 28 and p[:1] in (b"1", b"2", b"3", b"B") and (b"VDM," in line or b"VDO," in line)
        }
    )
    assert len(payloads) > 1000
    assert _batch_rows(payloads) == _pyais_rows(payloads)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("123B"), st.text(alphabet=ARMOUR, min_size=27, max_size=27)), min_size=1
    )
)
def test_random_position_payloads_match_pyais(rows: list[tuple[str, str]]) -> None:
    payloads = [(first + rest).encode() for first, rest in rows]
    assert _batch_rows(payloads) == _pyais_rows(payloads)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.binary(min_size=1, max_size=80), st.booleans(), st.integers(0, 255)), min_size=1)
)
def test_batch_checksums_equal_xor(rows: list[tuple[bytes, bool, int]]) -> None:
    """``body*hh`` records, the checksum right or random: the batch answer is ``xor_checksum``'s."""
    parts, starts, ends, expected = [], [], [], []
    offset = 0
    for body, right, other in rows:
        value = xor_checksum(body) if right else other
        parts.append(body + b"*%02X" % value)
        starts.append(offset)
        ends.append(offset + len(body))
        expected.append(value == xor_checksum(body))
        offset += len(parts[-1])
    data = np.frombuffer(b"".join(parts), dtype=np.uint8)
    ends_a = np.array(ends, dtype=np.int64)
    got = batch.checksums_ok(data, np.array(starts, dtype=np.int64), ends_a, ends_a + 1)
    assert got.tolist() == expected
