"""``watchkeeper track SCENARIO_DIR --out tracks.csv``: the issue #4 contract, run as a real process."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from watchkeeper.tracking.runner import OUTPUT_COLUMNS, load_inputs, run_scenario

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _track(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", "track", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_track_writes_the_contract_csv_and_nothing_else(small_cut: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"  # the three input files only: the truth is never read
    scenario.mkdir()
    for name in ("sensors.json", "plots.csv", "ais.nmea"):
        shutil.copy(small_cut / name, scenario / name)
    out = tmp_path / "tracks.csv"
    proc = _track(str(scenario), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "SIMULATED" in proc.stderr
    with out.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == OUTPUT_COLUMNS == (
        "time_utc", "track_id", "lat", "lon", "sog_kn", "cog_deg", "mmsi", "dark",
    )  # fmt: skip
    body = rows[1:]
    expected = sum(len(o) for o in run_scenario(load_inputs(scenario)))
    assert len(body) == expected > 1000
    start = datetime.fromisoformat("2026-10-05T02:00:00+00:00")
    seen_dark = seen_ais = 0
    for time_utc, track_id, lat, lon, sog, cog, mmsi, dark in body:
        assert TIME_RE.match(time_utc)
        since = (datetime.fromisoformat(time_utc.replace("Z", "+00:00")) - start).total_seconds()
        assert since % 2.5 == 0.0  # one row per track per radar scan
        assert int(track_id) > 0
        assert 49.5 < float(lat) < 51.8 and -2.0 < float(lon) < 3.5
        assert 0.0 <= float(sog) < 60.0 and 0.0 <= float(cog) < 360.0
        assert dark in ("true", "false")
        assert mmsi == "" or (mmsi.isdigit() and len(mmsi) == 9)
        if mmsi == "":
            assert dark == "true"  # no AIS bound: dark
            seen_dark += 1
        else:
            seen_ais += 1
    assert seen_dark > 100 and seen_ais > 100
    # one row per track and scan
    assert len({(r[0], r[1]) for r in body}) == len(body)


def test_track_refuses_a_directory_that_is_not_a_scenario(tmp_path: Path) -> None:
    proc = _track(str(tmp_path), "--out", str(tmp_path / "t.csv"))
    assert proc.returncode == 2
    assert "sensors.json" in proc.stderr
    assert not (tmp_path / "t.csv").exists()
