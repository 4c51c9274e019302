"""Fixtures for the tracker tests: cuts of the shared SIMULATED scenarios, written once per session."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.ingest.radar.scenario import load_sensors

_TAG_TIME = re.compile(rb"c:(\d+)")


def cut_scenario(src: Path, dst: Path, seconds: float) -> Path:
    """The first ``seconds`` of a scenario (every file, truth included, for scoring)."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "sensors.json", dst / "sensors.json")
    start = load_sensors(src).start_utc
    end = start + timedelta(seconds=seconds)
    end_text = end.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for name in ("plots.csv", "truth.csv"):
        with (src / name).open(encoding="ascii") as fin, (dst / name).open("w", encoding="ascii") as fout:
            fout.write(fin.readline())
            kept = 0
            for line in fin:
                if line[:24] > end_text:
                    break
                fout.write(line)
                kept += 1
        if name == "plots.csv":
            n_plots = kept
    with (src / "plots_truth.csv").open(encoding="ascii") as fin, (dst / "plots_truth.csv").open("w") as fout:
        for i, line in enumerate(fin):
            if i > n_plots:
                break
            fout.write(line)
    end_unix = end.timestamp()
    with (src / "ais.nmea").open("rb") as fin, (dst / "ais.nmea").open("wb") as fout:
        for line in fin:
            m = _TAG_TIME.search(line)
            if m and int(m.group(1)) >= end_unix:
                break
            fout.write(line)
    return dst


@pytest.fixture(scope="session")
def small_cut(scenarios_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 150 s of strait-night-small (SIMULATED)."""
    return cut_scenario(scenarios_dir / "strait-night-small", tmp_path_factory.mktemp("small") / "cut", 150.0)
