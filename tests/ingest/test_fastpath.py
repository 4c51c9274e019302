"""The fast path (168-bit position reports, types 4, 5, 11, 21, 24, 27) gives exactly what the pyais path
gives."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.core.errors import DecodeError
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.ais.fastpath import fast_decode
from watchkeeper.ingest.ais.sentence import Fragment, parse_line

ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


def _both(payload: bytes, fill: int = 0) -> tuple[object, object]:
    def run(f):  # type: ignore[no-untyped-def]
        try:
            return f()
        except DecodeError as err:
            return ("error", err.reason)

    return run(lambda: fast_decode(payload, fill)), run(lambda: AisDecoder._decode_pyais(payload, fill))


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from("123B"), st.text(alphabet=ARMOUR, min_size=27, max_size=27))
def test_random_position_reports_match_pyais(first: str, rest: str) -> None:
    fast, slow = _both((first + rest).encode())
    assert fast is not None
    assert fast == slow


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=ARMOUR, min_size=70, max_size=70))
def test_random_type5_match_pyais(rest: str) -> None:
    fast, slow = _both(("5" + rest).encode(), 2)
    assert fast is not None
    assert fast == slow


def test_random_type24_match_pyais() -> None:
    rng = random.Random(24)
    hits = {0: 0, 1: 0}
    for i in range(2000):
        n = 28 if i % 2 else 27
        payload = ("H" + "".join(rng.choice(ARMOUR) for _ in range(n - 1))).encode()
        fast, slow = _both(payload, 0 if n == 28 else 2)
        if fast is not None:
            assert fast == slow, payload
            hits[1 if "callsign" in fast else 0] += 1  # type: ignore[operator]
    assert hits[0] > 250 and hits[1] > 100, hits


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from("4;EHK"), st.integers(0, 5), st.text(alphabet=ARMOUR, min_size=5, max_size=70))
def test_random_other_types_any_length_match_pyais(first: str, fill: int, rest: str) -> None:
    """Types 4, 11, 21, 24 and 27 of every length: where the fast path answers, pyais agrees."""
    fast, slow = _both((first + rest).encode(), fill)
    if fast is not None:
        assert fast == slow


def test_real_messages_match_pyais(shared_data: Path) -> None:
    """Every decodable message of the real captures, multi-part ones assembled, by type."""
    n: Counter[int] = Counter()
    for path in sorted((shared_data / "ais" / "raw_nmea").iterdir()):
        pending: list[Fragment] = []
        for raw in path.read_bytes().splitlines():
            try:
                frag = parse_line(raw)
            except DecodeError:
                continue
            if not isinstance(frag, Fragment):
                continue
            if frag.number == 1:
                pending = []
            pending.append(frag)
            if frag.number != frag.count or len(pending) != frag.count:
                continue
            payload = b"".join(f.payload for f in pending)
            fast, slow = _both(payload, frag.fill_bits)
            if fast is not None:
                assert fast == slow, raw
                n[ARMOUR.index(chr(payload[0]))] += 1
    assert sum(n.values()) > 2500
    for msg_type in (1, 3, 4, 5, 18, 21, 24, 27):
        assert n[msg_type] > 10, (msg_type, n)


@pytest.mark.parametrize("payload", [b"15RTgt0PAso;90TKcjM8h6g208C", b"55RTgt0PAso;90TKcjM8h6g208CQ"])
def test_not_for_the_fast_path(payload: bytes) -> None:
    assert fast_decode(payload, 0) is None  # short, or a type 5 of another length: pyais decodes it


def test_random_other_types_reach_the_fast_path() -> None:
    """The random lengths above do reach the new decoders (and agree with pyais there)."""
    rng = random.Random(27)
    hits: Counter[str] = Counter()
    for i in range(4000):
        first = "4;EHK"[i % 5]
        payload = (first + "".join(rng.choice(ARMOUR) for _ in range(rng.randint(14, 62)))).encode()
        fill = rng.randint(0, 5)
        fast, slow = _both(payload, fill)
        if fast is not None:
            assert fast == slow, (payload, fill)
            hits[first] += 1
    assert min(hits[c] for c in "4;EHK") > 200, hits
