"""Shared by the alert and incident browser tests: load a replayed SIMULATED scenario into the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = "strait-night-small"


def replay_into_demo(data_dir: Path | None, scenarios: Path, out: Path) -> None:
    """Run ``watchkeeper replay --store`` against the running demo's store (its data directory).

    Alerts and incident observations are idempotent in the store, so each test may call it."""
    if data_dir is None:
        pytest.skip("loading a scenario needs the demo started by the tests")
    exe = Path(sys.executable).with_name("watchkeeper")
    env = dict(os.environ, WATCHKEEPER_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1")
    env.pop("WATCHKEEPER_DATABASE_URL", None)
    subprocess.run(
        [str(exe), "replay", str(scenarios / SCENARIO), "--alerts", str(out / "a.jsonl"),
         "--incidents", str(out / "i.jsonl"), "--store"],
        env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
