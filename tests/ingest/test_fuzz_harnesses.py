"""The coverage-guided harnesses in bench/ (atheris/libFuzzer), each run for a bounded number of inputs
on every CI run: they start, seed themselves from the real captures, execute their inputs and find
nothing. The long runs and their input counts are in docs/reliability.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import atheris  # noqa: F401  (a dev dependency: without it this module fails, it does not skip)
import pytest

REPO = Path(__file__).resolve().parents[2]
RUNS = {"fuzz_ais.py": 2000, "fuzz_radar.py": 800, "fuzz_field.py": 2000}


@pytest.mark.parametrize("harness", sorted(RUNS))
def test_harness_bounded_run(harness: str, tmp_path: Path, shared_data: Path) -> None:
    env = os.environ | {
        "WATCHKEEPER_FUZZ_CORPUS": str(tmp_path / "corpus"),
        "WATCHKEEPER_SHARED": str(shared_data.parent),
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / harness), f"-runs={RUNS[harness]}", "-seed=1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    done = re.search(r"#(\d+)\s+DONE\s+cov: (\d+)", out)
    assert done is not None, out[-2000:]
    assert int(done.group(1)) >= RUNS[harness] and int(done.group(2)) > 50
    assert not list(tmp_path.glob("crash-*"))
    assert any((tmp_path / "corpus").iterdir())  # seeded from the captures
