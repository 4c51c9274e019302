"""The fast path (168-bit position reports, type 5, type 24) gives exactly what the pyais path gives."""

from __future__ import annotations

import random
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


def test_real_messages_match_pyais(shared_data: Path) -> None:
    n = 0
    for path in sorted((shared_data / "ais" / "raw_nmea").iterdir()):
        for raw in path.read_bytes().splitlines():
            try:
                frag = parse_line(raw)
            except DecodeError:
                continue
            if not isinstance(frag, Fragment) or frag.count != 1:
                continue
            fast, slow = _both(frag.payload, frag.fill_bits)
            if fast is not None:
                assert fast == slow, raw
                n += 1
    assert n > 1800


@pytest.mark.parametrize("payload", [b"15RTgt0PAso;90TKcjM8h6g208C", b"55RTgt0PAso;90TKcjM8h6g208CQ"])
def test_not_for_the_fast_path(payload: bytes) -> None:
    assert fast_decode(payload, 0) is None  # short, or a type 5 of another length: pyais decodes it
