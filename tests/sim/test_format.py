"""The written scenario has exactly the shared format (../shared/scenarios/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from sim_helpers import config

from watchkeeper.sim.scenario import write_scenario

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
FILES = ("sensors.json", "plots.csv", "ais.nmea", "truth.csv", "plots_truth.csv")


def _header(path: Path) -> str:
    with path.open(encoding="ascii") as f:
        return f.readline().rstrip("\n")


def test_same_columns_as_the_shared_scenarios(scenario: Path, scenarios_dir: Path) -> None:
    shared = scenarios_dir / "strait-night-small"
    for name in ("plots.csv", "truth.csv", "plots_truth.csv"):
        assert _header(scenario / name) == _header(shared / name), name
    ours = json.loads((scenario / "sensors.json").read_text())
    theirs = json.loads((shared / "sensors.json").read_text())
    assert ours["simulated"] is True
    assert set(theirs) <= set(ours)
    assert [r["sensor_id"] for r in ours["radars"]] == [r["sensor_id"] for r in theirs["radars"]]
    for a, b in zip(ours["radars"], theirs["radars"], strict=True):
        for key in (
            "lat",
            "lon",
            "height_m",
            "scan_period_s",
            "range_sigma_m",
            "bearing_sigma_deg",
            "max_range_m",
        ):
            assert a[key] == b[key], key
    assert ours["start_utc"] == "2026-10-05T02:00:00.000Z"


def test_times_formatted_and_sorted(scenario: Path) -> None:
    plots = pd.read_csv(scenario / "plots.csv", dtype={"time_utc": str})
    truth = pd.read_csv(scenario / "truth.csv", dtype={"time_utc": str})
    for frame in (plots, truth):
        assert frame.time_utc.map(lambda s: bool(TIME_RE.match(s))).all()
        assert frame.time_utc.is_monotonic_increasing
    # plots inside one scan have different times (the beam sweeps): many distinct milliseconds
    assert plots.time_utc.nunique() > 0.5 * len(plots)
    assert set(plots.sensor_id) == {"radar_langdon", "radar_grisnez"}
    assert plots.range_m.between(0, 40_000 + 5 * 15).all() and plots.bearing_deg.between(0, 360).all()
    pt = pd.read_csv(scenario / "plots_truth.csv", dtype={"target_id": str}, keep_default_na=False)
    assert list(pt.plot_index) == list(range(len(plots)))
    assert set(pt.target_id) - {""} <= set(truth.target_id)


def test_ais_lines_in_time_order_and_tagged(scenario: Path) -> None:
    times = []
    for line in (scenario / "ais.nmea").read_text(encoding="ascii").splitlines():
        m = re.match(r"^\\(?:g:\d-\d-\d+,)?s:wk-sim,c:(\d+)\*[0-9A-F]{2}\\!AIVDM,", line)
        assert m, line
        times.append(int(m.group(1)))
    assert times == sorted(times)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    short = config(seed=5, duration_s=30.0)
    write_scenario(tmp_path / "a", short)
    write_scenario(tmp_path / "b", short)
    write_scenario(tmp_path / "c", config(seed=6, duration_s=30.0))
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    for name in ("plots.csv", "ais.nmea", "truth.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes(), name
