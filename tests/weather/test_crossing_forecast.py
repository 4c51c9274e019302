"""Crossing forecast: no leakage, beats both baselines on a later period, hourly inputs, CLI contract."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from watchkeeper.core.errors import TemporalNotCovered
from watchkeeper.stats.loaders import daily_series_from_files
from watchkeeper.weather.evaluation import evaluate
from watchkeeper.weather.forecast import train, training_set
from watchkeeper.weather.settings import ForecastSettings
from watchkeeper.weather.sources import read_weather
from watchkeeper.weather.table import to_daily

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
GRIB = "era5_2m_temperature_2019-03_uk_hourly.grib"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
DAILY_CROSSINGS = "uk_small_boats_daily_arrivals.csv"


@pytest.fixture(scope="module")
def regional(shared_data: Path) -> pd.DataFrame:
    return to_daily(read_weather(shared_data / "weather" / REGIONAL))


@pytest.fixture(scope="module")
def crossings(shared_data: Path) -> pd.DataFrame:
    return daily_series_from_files([shared_data / "crossings" / DAILY_CROSSINGS])


def test_no_leakage(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    until = date(2020, 3, 1)
    model = train(regional, crossings, until)
    ts = training_set(regional, crossings, model.weather_variables, until)
    assert ts.X.index.max() < pd.Timestamp(until)
    assert model.metadata["training_last_day"] < until.isoformat()
    assert model.activity_tail.index.max() < pd.Timestamp(until)
    # whatever happens on and after --until cannot change the model
    tampered = crossings.copy()
    later = tampered.index >= pd.Timestamp(until)
    tampered.loc[later, "boats_arrived"] = 99.0
    tampered.loc[later, "migrants_arrived"] = 5000.0
    weather2 = regional.copy()
    weather2.loc[weather2.index >= pd.Timestamp(until), "wind_speed_kt"] = 0.0
    other = train(weather2, tampered, until)
    assert np.array_equal(model.classifier[-1].coef_, other.classifier[-1].coef_)
    assert np.array_equal(model.boats_model[-1].coef_, other.boats_model[-1].coef_)


def test_beats_both_baselines_on_the_later_period(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    """Trained before 2020-07-01, scored 2020-07-01..2021-01-31 (the end of the real weather)."""
    ev = evaluate(regional, crossings, date(2020, 7, 1))
    assert ev.test_period == ("2020-07-01", "2021-01-31")
    assert ev.n_test == 215
    model, clim, rule = (ev.scores[k] for k in ("model", "climatology_month", "wind_threshold"))
    assert model["roc_auc"] > clim["roc_auc"] and model["roc_auc"] > rule["roc_auc"]
    assert model["brier"] < clim["brier"] and model["brier"] < rule["brier"]
    assert ev.beats_baselines()
    # the rule was found on the training period only
    assert 3.0 < ev.wind_rule.threshold_kt < 20.0 and ev.wind_rule.p_calm > ev.wind_rule.p_windy
    assert int(ev.reliability["model"]["count"].sum()) == ev.n_test


def test_hourly_grib_feeds_the_pipeline_without_code_change(
    shared_data: Path, crossings: pd.DataFrame
) -> None:
    """ERA5 hourly GRIB (temperature only) → daily by the alias rules → a model trained on it."""
    daily = to_daily(read_weather(shared_data / "weather" / GRIB))
    model = train(daily, crossings, date(2019, 3, 25))
    assert model.weather_variables == ["air_temperature_max_c", "air_temperature_c"]
    assert model.metadata["training_days"] == 24  # 1 March has no day before it for the activity
    out = model.predict(daily, date(2019, 3, 25), date(2019, 3, 31))
    assert len(out) == 7 and out["p_crossing"].between(0, 1).all()
    # a model trained on other variables refuses weather that lacks them, naming them
    with pytest.raises(TemporalNotCovered, match="wind_speed_kt"):
        train(
            to_daily(read_weather(shared_data / "weather" / REGIONAL)), crossings, date(2020, 7, 1)
        ).predict(daily, date(2019, 3, 25), date(2019, 3, 31))


def test_predict_outside_the_weather_is_refused(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    model = train(regional, crossings, date(2020, 7, 1))
    with pytest.raises(TemporalNotCovered, match="missing"):
        model.predict(regional, date(2021, 1, 25), date(2021, 2, 5))


def test_cli_train_then_predict(forecast_cli: typer.Typer, shared_data: Path, tmp_path: Path) -> None:
    weather = str(shared_data / "weather" / REGIONAL)
    model_path = tmp_path / "m.joblib"
    runner = CliRunner()
    result = runner.invoke(forecast_cli, [
        "forecast", "train", "--weather", weather,
        "--crossings", str(shared_data / "crossings" / DAILY_CROSSINGS),
        "--until", "2020-09-01", "--model", str(model_path),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    meta = json.loads(model_path.with_suffix(".json").read_text())
    assert meta["training_last_day"] == "2020-08-31"
    assert meta["weather_source"].endswith(REGIONAL) and "wind_speed_kt" in meta["features"]
    out = tmp_path / "predictions.csv"
    result = runner.invoke(forecast_cli, [
        "forecast", "predict", "--weather", weather, "--from", "2020-09-01", "--to", "2020-09-14",
        "--out", str(out), "--model", str(model_path),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0])[:5] == ["date", "p_crossing", "rag", "expected_boats", "expected_people"]
    assert rows[0]["date"] == "2020-09-01" and len(rows) == 14
    for r in rows:
        p = float(r["p_crossing"])
        assert 0 <= p <= 1 and float(r["expected_boats"]) >= 0
        assert r["rag"] == ("red" if p > 0.55 else "green" if p < 0.35 else "amber")


def test_rag_thresholds_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    default = ForecastSettings()
    assert (default.rag(0.56), default.rag(0.55), default.rag(0.35), default.rag(0.34)) == (
        "red", "amber", "amber", "green",
    )  # fmt: skip
    monkeypatch.setenv("WATCHKEEPER_FORECAST_RAG_RED_ABOVE", "0.7")
    assert ForecastSettings().rag(0.6) == "amber"
