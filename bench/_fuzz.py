"""What the atheris harnesses share: the seed corpus, the libFuzzer arguments, the run.

A harness gives its name, a function writing its seeds into an empty corpus directory, and its
``test_one_input``. The corpus lives in ``bench/out/fuzz-<name>-corpus`` (grown by each run), or in
``$WATCHKEEPER_FUZZ_CORPUS`` when set (the bounded run of the test suite uses a temporary one);
libFuzzer writes a crashing input to ``bench/out/crash-*`` (or beside that corpus) and prints the inputs
executed (``#N DONE``). Extra arguments go to libFuzzer (``-runs=N``, ``-max_total_time=S``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WATCHKEEPER_SHARED", ROOT.parent / "shared"))
SEEDS = ROOT / "tests" / "ingest" / "fuzz-seeds"


def run(name: str, write_seeds: Callable[[Path], None], test_one_input: Callable[[bytes], None]) -> None:
    corpus = Path(os.environ.get("WATCHKEEPER_FUZZ_CORPUS") or ROOT / "bench" / "out" / f"fuzz-{name}-corpus")
    if not corpus.is_dir() or not any(corpus.iterdir()):
        corpus.mkdir(parents=True, exist_ok=True)
        write_seeds(corpus)
    artifacts = corpus.parent if "WATCHKEEPER_FUZZ_CORPUS" in os.environ else ROOT / "bench" / "out"
    args = [sys.argv[0], f"-artifact_prefix={artifacts}/", str(corpus), *sys.argv[1:]]
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()
