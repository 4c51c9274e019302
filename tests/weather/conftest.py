"""Fixtures for weather tests: the real files in ../shared/data/weather (read in place, read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
GRIB = "era5_2m_temperature_2019-03_uk_hourly.grib"
ERA5_CSV = "era5_2m_temperature_2019-03_dover_strait_hourly.csv"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
AMBLETEUSE = "buoy_ambleteuse_obs_vs_forecast_2026-10-05_06.csv"
HASTINGS = "buoy_hastings_wavenet_obs_2026-10-09_10.csv"
TIDES = "tide_predictions_boulogne_calais_2026-09-29_2026-10-05.csv"
DAILY_CROSSINGS = "uk_small_boats_daily_arrivals.csv"


@pytest.fixture(scope="session")
def weather_dir(shared_data: Path) -> Path:
    return shared_data / "weather"


@pytest.fixture
def forecast_cli() -> typer.Typer:
    from watchkeeper.weather.cli import register

    app = typer.Typer()
    register(app)
    return app
