"""Coverage-guided fuzzing of the AIS decoder with atheris (libFuzzer), seeded with the real captures.

    .venv/bin/python bench/fuzz_ais.py -max_total_time=600   # a long run (docs/reliability.md)
    .venv/bin/python bench/fuzz_ais.py -runs=20000           # a bounded run

Each input is cut into lines and fed to one ``AisDecoder``; the run fails (libFuzzer writes the crashing
input to ``crash-*``) if anything escapes the decoder or a line is not counted exactly once. libFuzzer
prints the number of inputs executed (``#N DONE``). The corpus grows in ``bench/out/fuzz-ais-corpus``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import atheris

from _fuzz import SHARED, run

with atheris.instrument_imports():
    from watchkeeper.ingest.ais.decoder import AisDecoder

RAW = SHARED / "data" / "ais" / "raw_nmea"
RECEIVED = datetime(2026, 12, 1, tzinfo=UTC)


def test_one_input(data: bytes) -> None:
    lines = data.splitlines(keepends=True)
    decoder = AisDecoder("fuzz")
    result = decoder.feed_many(list(enumerate(lines, start=1)), RECEIVED, 1)
    result.extend(decoder.finish())
    if result.accepted + len(result.rejects) != len(lines):
        raise AssertionError(
            f"{len(lines)} lines, {result.accepted} accepted, {len(result.rejects)} rejected"
        )
    for rep in result.reports:
        if rep.lat is not None and not (-90 <= rep.lat <= 90):
            raise AssertionError(f"latitude {rep.lat}")


def write_seeds(corpus: Path) -> None:
    for i, path in enumerate(sorted(RAW.iterdir())):
        lines = path.read_bytes().splitlines(keepends=True)
        for j in range(0, len(lines), 8):  # small seeds: libFuzzer mutates short inputs best
            (corpus / f"seed-{i:02d}-{j:05d}").write_bytes(b"".join(lines[j : j + 8]))


if __name__ == "__main__":
    run("ais", write_seeds, test_one_input)
