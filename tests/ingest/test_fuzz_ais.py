"""Property-based fuzzing of the AIS decoder (hypothesis): whatever bytes arrive, in whatever order,
nothing escapes the decoder, and every line is counted exactly once — accepted or rejected with a reason.

Inputs: arbitrary bytes, and mutations (bit flips, insertions, deletions, splices, truncations) of the
real captures' lines, which reach far deeper into the parser than random bytes. The long run
(``bench/fuzz_ais.py``) and its input count are in docs/reliability.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.core.errors import RejectReason
from watchkeeper.ingest.ais.decoder import AisDecoder

REPO = Path(__file__).resolve().parents[2]
RAW = REPO.parent / "shared" / "data" / "ais" / "raw_nmea"
SEEDS = sorted({line for p in sorted(RAW.glob("*")) for line in p.read_bytes().splitlines(keepends=True)})
RECEIVED = datetime(2026, 12, 1, tzinfo=UTC)


def _feed_all(lines: list[bytes]) -> None:
    decoder = AisDecoder("fuzz")
    result = decoder.feed_many(list(enumerate(lines, start=1)), RECEIVED, 1)
    result.extend(decoder.finish())
    assert result.accepted + len(result.rejects) == len(lines)
    rejected_lines = sorted(r.line_no for r in result.rejects)
    assert len(set(rejected_lines)) == len(rejected_lines), "a line rejected twice"
    for r in result.rejects:
        assert isinstance(r.reason, RejectReason) and r.raw == lines[r.line_no - 1]
    for rep in result.reports:
        assert 0 <= rep.mmsi < 2**30
        if rep.lat is not None:
            assert -90 <= rep.lat <= 90 and rep.lon is not None and -180 <= rep.lon <= 180


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    line = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        pos = draw(st.integers(0, max(len(line) - 1, 0)))
        if op == "flip" and line:
            line[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            line[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete" and line:
            del line[pos : pos + draw(st.integers(1, 8))]
        elif op == "truncate":
            del line[pos:]
        elif op == "splice":
            other = draw(st.sampled_from(SEEDS))
            line[pos:] = other[draw(st.integers(0, len(other))) :]
    return bytes(line)


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_random_bytes(lines: list[bytes]) -> None:
    _feed_all(lines)


@FUZZ
@given(st.lists(mutated(), min_size=1, max_size=30))
def test_mutated_real_lines(lines: list[bytes]) -> None:
    _feed_all(lines)


@FUZZ
@given(st.lists(st.sampled_from(SEEDS), min_size=1, max_size=40), st.randoms())
def test_real_lines_in_any_order(lines: list[bytes], rnd: object) -> None:
    rnd.shuffle(lines)  # type: ignore[attr-defined]
    _feed_all(lines)  # interleaved and orphaned multi-part fragments, Gatehouse lines out of place


def test_found_by_the_coverage_guided_run() -> None:
    """Inputs bench/fuzz_ais.py found that once escaped the decoder (kept as regression cases)."""
    gatehouse = b"PGHP,1,99999999999999999999,5,9,0,0,0,10,338,2,,1,09"
    checksum = 0
    for ch in gatehouse:
        checksum ^= ch
    _feed_all([b"$" + gatehouse + f"*{checksum:02X}\n".encode()])
