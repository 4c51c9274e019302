"""``watchkeeper replay SCENARIO_DIR --alerts --incidents``: the CLI contract on a shared scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from watchkeeper.alerts.types import RuleName
from watchkeeper.incidents.lifecycle import IncidentState

ALERT_KEYS = {"time_utc", "rule", "track_id", "lat", "lon", "severity", "explanation"}
INCIDENT_KEYS = {"incident_id", "opened_utc", "state", "track_ids", "persons_estimate"}


def _replay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", "replay", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )


def test_replay_writes_the_contract_lines(scenarios_dir: Path, tmp_path: Path) -> None:
    alerts, incidents = tmp_path / "alerts.jsonl", tmp_path / "incidents.jsonl"
    proc = _replay(
        str(scenarios_dir / "strait-night-small"), "--alerts", str(alerts), "--incidents", str(incidents)
    )
    assert proc.returncode == 0, proc.stderr
    assert "SIMULATED" in proc.stderr and "242/242" in proc.stderr  # the progress bar reached the end

    rows = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert rows, "no alert at all on a scenario with launches and engine failures"
    names = {r.value for r in RuleName}
    for r in rows:
        assert set(r) >= ALERT_KEYS, r
        assert r["rule"] in names and r["severity"] in {"info", "low", "medium", "high", "critical"}
        assert r["time_utc"].startswith("2026-10-05T02:") and r["time_utc"].endswith("Z")
        assert 50.0 < r["lat"] < 52.0 and 0.0 < r["lon"] < 3.0
        assert r["explanation"].startswith(r["rule"] + ":") and r["thresholds"]
        assert r["simulated"] is True
    assert [r["time_utc"] for r in rows] == sorted(r["time_utc"] for r in rows)
    rules = {r["rule"] for r in rows}
    assert {"departure", "distress"} <= rules

    incs = [json.loads(line) for line in incidents.read_text(encoding="utf-8").splitlines()]
    states = {s.value for s in IncidentState}
    assert incs
    for i in incs:
        assert set(i) >= INCIDENT_KEYS, i
        assert i["state"] in states and all(isinstance(t, int) for t in i["track_ids"])
        assert i["persons_estimate"] == 53 and i["timeline"][0]["kind"] == "opened"
    # every alert on a small craft is linked to that craft's incident
    linked = {a for i in incs for a in i["alert_ids"]}
    for r in rows:
        if r["rule"] in ("departure", "distress"):
            assert r["alert_id"] in linked


def test_replay_refuses_a_folder_that_is_not_a_scenario(tmp_path: Path) -> None:
    proc = _replay(str(tmp_path), "--alerts", str(tmp_path / "a"), "--incidents", str(tmp_path / "i"))
    assert proc.returncode != 0
    assert "has no sensors.json" in proc.stderr
    bad = tmp_path / "settings.json"
    bad.write_text('{"cpa.max_cpa_nm": 50}', encoding="utf-8")
    for name in ("sensors.json", "plots.csv", "ais.nmea"):
        (tmp_path / name).write_text("", encoding="utf-8")
    proc = _replay(str(tmp_path), "--alerts", "a", "--incidents", "i", "--settings", str(bad))
    assert proc.returncode != 0 and "outside" in proc.stderr
