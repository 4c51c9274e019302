"""The posture outlook from the latest forecast file: real forecast run, regional model, coverage rules."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from watchkeeper.stats.loaders import daily_series_from_files
from watchkeeper.weather.forecast import CrossingModel, train
from watchkeeper.weather.outlook import (
    OutlookState,
    build_outlook,
    latest_forecast_file,
    outlook_message,
    step,
)
from watchkeeper.weather.settings import ForecastSettings
from watchkeeper.weather.sources import read_weather
from watchkeeper.weather.table import to_daily

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
AMBLETEUSE = "buoy_ambleteuse_obs_vs_forecast_2026-10-05_06.csv"
DAILY_CROSSINGS = "uk_small_boats_daily_arrivals.csv"


@pytest.fixture(scope="module")
def crossings(shared_data: Path) -> pd.DataFrame:
    return daily_series_from_files([shared_data / "crossings" / DAILY_CROSSINGS])


@pytest.fixture(scope="module")
def model(shared_data: Path, crossings: pd.DataFrame) -> CrossingModel:
    path = shared_data / "weather" / REGIONAL
    return train(to_daily(read_weather(path)), crossings, date(2021, 1, 1), weather_source=str(path))


def test_outlook_of_the_real_forecast_run(
    shared_data: Path, model: CrossingModel, crossings: pd.DataFrame
) -> None:
    outlook = build_outlook(
        model, read_weather(shared_data / "weather" / FORECAST), crossings, ForecastSettings()
    )
    assert outlook.not_covered is None
    assert outlook.issued_at == "2026-09-30T12:30:00+00:00"  # 14:30 CEST, as the file says
    # 30 Sep (issue day, 7 h) has no day before it in the file: the outlook starts the day after
    assert [d.date for d in outlook.days] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert outlook.variant == "wind_speed_kt without recent activity"
    assert outlook.variant_variables == ["wind_speed_kt"]
    assert "Nord-Pas-de-Calais, 2018-01 to 2021-01" in outlook.limits
    assert "not the Met Office" in outlook.probability_label
    assert outlook.model["weather_source"] == REGIONAL
    assert outlook.people_per_boat_basis is not None and "2025-08-20" in outlook.people_per_boat_basis
    for day in outlook.days:
        assert day.rag == ("red" if day.p_crossing > 0.55 else "green" if day.p_crossing < 0.35 else "amber")
        assert day.expected_people > day.expected_boats > 0
        assert {"wind_speed_kt", "wind_gust_kt", "wave_height_m"} <= set(day.drivers)
        sizes = [abs(p["log_odds"]) for p in day.pushes]
        assert sizes == sorted(sizes, reverse=True) and len(sizes) == 3
    calmest = min(outlook.days, key=lambda d: d.drivers["wind_speed_kt"] or 99)
    assert calmest.date == "2026-10-03" and calmest.pushes[0]["label"] == "wind"
    assert calmest.pushes[0]["log_odds"] > 0  # a calm day pushes the probability up
    message = outlook_message(outlook)
    assert message["kind"] == "outlook" and message["marking"] == "UK-ONLY"


def test_outlook_not_covered_says_why(
    shared_data: Path, model: CrossingModel, crossings: pd.DataFrame, tmp_path: Path
) -> None:
    # real buoy hours: too few a day to be a day's weather
    buoy = build_outlook(
        model, read_weather(shared_data / "weather" / AMBLETEUSE), crossings, ForecastSettings()
    )
    assert buoy.days == [] and buoy.not_covered is not None and "complete day" in buoy.not_covered
    # the real run cut to its first two days: 1 October is covered, but only by the wind-only variant
    raw = pd.read_csv(shared_data / "weather" / FORECAST)
    short = tmp_path / "short.csv"
    raw[raw["time_utc"] < "2026-10-01T19"].to_csv(short, index=False)
    two = build_outlook(model, read_weather(short), crossings, ForecastSettings())
    assert [d.date for d in two.days] == ["2026-10-01"]
    # a forecast with no wind at all: no variant applies
    nowind = tmp_path / "nowind.csv"
    raw.drop(columns=["wind_speed_10m_kt", "wind_gust_kt"]).to_csv(nowind, index=False)
    refused = build_outlook(model, read_weather(nowind), crossings, ForecastSettings())
    assert refused.days == [] and "wind_speed_kt" in (refused.not_covered or "")


def test_latest_forecast_file_is_the_last_to_arrive(tmp_path: Path) -> None:
    assert latest_forecast_file(tmp_path / "none") is None
    older, newer = tmp_path / "run_b.csv", tmp_path / "run_a.csv"
    older.write_text("x")
    newer.write_text("y")
    (tmp_path / "notes.txt").write_text("not a forecast")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    assert latest_forecast_file(tmp_path) == newer


def test_open_meteo_json_of_the_same_run_gives_the_same_outlook(
    shared_data: Path, model: CrossingModel, crossings: pd.DataFrame, tmp_path: Path
) -> None:
    """The same real forecast run in the Open-Meteo multi-location JSON layout (local times, wind in
    km/h as Open-Meteo defaults to) gives the same outlook: the format changes, nothing else does."""
    raw = pd.read_csv(shared_data / "weather" / FORECAST)
    docs = []
    for spot, (lat, lon) in (("wimereux", (50.77, 1.60)), ("calais", (50.95, 1.85))):
        rows = raw[raw["spot"] == spot]
        docs.append({
            "latitude": lat, "longitude": lon, "timezone": "Europe/Paris", "utc_offset_seconds": 7200,
            "hourly_units": {"time": "iso8601", "wind_speed_10m": "km/h", "wind_gusts_10m": "km/h",
                             "wind_direction_10m": "°", "wave_height": "m", "precipitation_probability": "%"},
            "hourly": {
                "time": [t[:16] for t in rows["time_local_europe_paris"]],
                "wind_speed_10m": (rows["wind_speed_10m_kt"] * 1.852).round(3).tolist(),
                "wind_gusts_10m": (rows["wind_gust_kt"] * 1.852).round(3).tolist(),
                "wind_direction_10m": rows["wind_dir_from_deg"].tolist(),
                "wave_height": rows["wave_height_sig_m"].tolist(),
                "precipitation_probability": rows["rain_probability_pct"].tolist(),
            },
        })  # fmt: skip
    path = tmp_path / "run.json"
    path.write_text(json.dumps(docs))
    settings = ForecastSettings()
    from_csv = build_outlook(model, read_weather(shared_data / "weather" / FORECAST), crossings, settings)
    from_json = build_outlook(model, read_weather(path), crossings, settings)
    assert [d.date for d in from_json.days] == [d.date for d in from_csv.days]
    for a, b in zip(from_json.days, from_csv.days, strict=True):
        assert a.p_crossing == pytest.approx(b.p_crossing, abs=1e-3)
        assert a.drivers["wind_speed_kt"] == pytest.approx(b.drivers["wind_speed_kt"], abs=0.01)


def test_live_step_publishes_only_changes(
    shared_data: Path, model: CrossingModel, crossings: pd.DataFrame, tmp_path: Path
) -> None:
    settings = ForecastSettings()
    run = read_weather(shared_data / "weather" / FORECAST)
    state, messages = step(OutlookState(), model, run, crossings, settings)
    assert len(messages) == 1 and messages[0]["kind"] == "outlook"
    assert [d["date"] for d in messages[0]["outlook"]["days"]] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert messages[0]["newly_red"] == []  # 3 October is amber (54 %)
    assert step(state, model, run, crossings, settings) == (state, [])  # same input: nothing to publish
    # the same run with a lower red threshold: 3 October (54 %) turns red, announced once
    lower = ForecastSettings(rag_red_above=0.5)
    state2, messages2 = step(state, model, run, crossings, lower)
    assert messages2[0]["newly_red"] == ["2026-10-03"]
    assert step(state2, model, run, crossings, lower) == (state2, [])
    # a calmer run: days that turn red are announced, 3 October (red already) is not announced again
    calmer = pd.read_csv(shared_data / "weather" / FORECAST)
    calmer["wind_speed_10m_kt"] = calmer["wind_speed_10m_kt"] * 0.5
    path = tmp_path / "calmer.csv"
    calmer.to_csv(path, index=False)
    _, messages3 = step(state2, model, read_weather(path), crossings, lower)
    days3 = {d["date"]: d["rag"] for d in messages3[0]["outlook"]["days"]}
    assert messages3[0]["newly_red"] == [d for d, rag in days3.items() if rag == "red" and d != "2026-10-03"]
    assert days3["2026-10-03"] == "red" and messages3[0]["newly_red"]  # the calmer days turn red too
