"""Real statistics and forecast inputs for the running demo (shared by the Stats and Outlook browser tests).

Loads the real Home Office CSVs into the demo's store with the real ``watchkeeper stats load``, trains the
crossing forecast on the real regional weather with ``watchkeeper forecast train`` into the demo's model
path, and puts the real hourly forecast run in the demo's forecast folder (a symlink: read in place).
Idempotent: the demo is shared by every browser test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DAILY = "uk_small_boats_daily_arrivals.csv"
WEEKLY = "uk_small_boats_weekly_arrivals_and_french_preventions.csv"
REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"


def _cli(*args: str) -> None:
    exe = Path(sys.executable).with_name("watchkeeper")
    done = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"watchkeeper {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def prepare(demo_server: Any, shared_data: Path) -> None:
    data_dir = demo_server.data_dir
    if data_dir is None:
        pytest.skip("loading statistics needs the demo started by the tests")
    done = data_dir / ".stats-e2e-ready"
    if done.exists():
        return
    crossings, weather = shared_data / "crossings", shared_data / "weather"
    _cli(
        "stats",
        "load",
        str(crossings / DAILY),
        str(crossings / WEEKLY),
        "--database-url",
        f"sqlite:///{data_dir / 'watchkeeper.db'}",
    )
    _cli(
        "forecast",
        "train",
        "--weather",
        str(weather / REGIONAL),
        "--crossings",
        str(crossings / DAILY),
        "--until",
        "2021-01-01",
        "--model",
        str(data_dir / "models" / "crossing_forecast.joblib"),
    )
    folder = data_dir / "weather" / "forecasts"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / FORECAST
    if not link.exists():
        link.symlink_to(weather / FORECAST)
    done.write_text("stats and forecast inputs loaded\n")
