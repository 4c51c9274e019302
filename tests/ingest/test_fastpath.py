"""The fast path for 168-bit position reports gives exactly what the pyais path gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.core.errors import DecodeError
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.ais.fastpath import fast_position
from watchkeeper.ingest.ais.sentence import Fragment, parse_line

ARMOUR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


def _both(payload: bytes) -> tuple[object, object]:
    def run(f):  # type: ignore[no-untyped-def]
        try:
            return f()
        except DecodeError as err:
            return ("error", err.reason)

    return run(lambda: fast_position(payload, 0)), run(lambda: AisDecoder._decode_pyais(payload, 0))


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from("123B"), st.text(alphabet=ARMOUR, min_size=27, max_size=27))
def test_random_payloads_match_pyais(first: str, rest: str) -> None:
    fast, slow = _both((first + rest).encode())
    assert fast == slow


def test_real_position_reports_match_pyais(shared_data: Path) -> None:
    n = 0
    for path in sorted((shared_data / "ais" / "raw_nmea").iterdir()):
        for raw in path.read_bytes().splitlines():
            try:
                frag = parse_line(raw)
            except DecodeError:
                continue
            if not isinstance(frag, Fragment) or frag.count != 1:
                continue
            fast, slow = _both(frag.payload) if frag.fill_bits == 0 else (None, None)
            if fast is not None:
                assert fast == slow, raw
                n += 1
    assert n > 1500


@pytest.mark.parametrize("payload", [b"15RTgt0PAso;90TKcjM8h6g208C", b"55RTgt0PAso;90TKcjM8h6g208CQ"])
def test_not_for_the_fast_path(payload: bytes) -> None:
    assert fast_position(payload, 0) is None  # short, or not a position report: pyais decodes it
