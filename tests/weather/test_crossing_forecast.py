"""Crossing forecast: no leakage, beats both baselines on a later period, hourly inputs, variants, CLI."""

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

from watchkeeper.core.errors import NotCovered, TemporalNotCovered
from watchkeeper.stats.loaders import daily_series_from_files
from watchkeeper.weather.evaluation import evaluate
from watchkeeper.weather.forecast import people_per_boat, train, training_set
from watchkeeper.weather.settings import ForecastSettings
from watchkeeper.weather.sources import read_weather
from watchkeeper.weather.table import to_daily

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
GRIB = "era5_2m_temperature_2019-03_uk_hourly.grib"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
DAILY_CROSSINGS = "uk_small_boats_daily_arrivals.csv"
CONTRACT = ["date", "p_crossing", "expected_boats", "expected_people"]


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
    # whatever happens on and after --until cannot change any variant
    tampered = crossings.copy()
    later = tampered.index >= pd.Timestamp(until)
    tampered.loc[later, "boats_arrived"] = 99.0
    tampered.loc[later, "migrants_arrived"] = 5000.0
    weather2 = regional.copy()
    weather2.loc[weather2.index >= pd.Timestamp(until), "wind_speed_kt"] = 0.0
    other = train(weather2, tampered, until)
    assert len(model.variants) == len(other.variants) == 4
    for a, b in zip(model.variants, other.variants, strict=True):
        assert np.array_equal(a.classifier[-1].coef_, b.classifier[-1].coef_)
        assert np.array_equal(a.boats_model[-1].coef_, b.boats_model[-1].coef_)
    # and the day before --until does change it (the test above can fail)
    nudged = crossings.copy()
    nudged.loc[pd.Timestamp(until) - pd.Timedelta(days=1), "boats_arrived"] = 40.0
    assert not np.array_equal(model.primary.boats_model[-1].coef_, train(regional, nudged, until).primary
                              .boats_model[-1].coef_)  # fmt: skip


def test_beats_both_baselines_on_the_later_period(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    """Trained before 2020-07-01, scored 2020-07-01..2021-01-31 (the end of the real weather)."""
    ev = evaluate(regional, crossings, date(2020, 7, 1), lags=(6,))
    assert ev.test_period == ("2020-07-01", "2021-01-31")
    assert ev.n_test == 215
    model, clim, rule = (ev.scores[k] for k in ("model", "climatology_month", "wind_threshold"))
    assert model["roc_auc"] > clim["roc_auc"] and model["roc_auc"] > rule["roc_auc"]
    assert model["brier"] < clim["brier"] and model["brier"] < rule["brier"]
    assert model["ece"] < min(clim["ece"], rule["ece"])
    assert ev.beats_baselines()
    # the rule was found on the training period only
    assert 3.0 < ev.wind_rule.threshold_kt < 20.0 and ev.wind_rule.p_calm > ev.wind_rule.p_windy
    assert int(ev.reliability["model"]["count"].sum()) == ev.n_test
    # every variant and the week-old activity still beat the better baseline's Brier score
    best_baseline = min(clim["brier"], rule["brier"])
    for name, s in ev.scores.items():
        if name.startswith(("variant:", "model_lag_")):
            assert s["brier"] < best_baseline and s["roc_auc"] > rule["roc_auc"], name
    # people = boats × recent people per boat: closer to the total than the training monthly means
    assert model["people_mae"] < clim["people_mae"] and model["boats_mae"] < clim["boats_mae"]


def test_people_per_boat_follows_the_recent_days(crossings: pd.DataFrame) -> None:
    ratio, basis = people_per_boat(crossings, date(2020, 9, 1))
    window = crossings.loc["2020-06-03":"2020-08-31"]
    assert ratio == pytest.approx(window["migrants_arrived"].sum() / window["boats_arrived"].sum())
    assert "2020-06-03..2020-08-31" in basis
    with pytest.raises(TemporalNotCovered):
        people_per_boat(crossings, date(2018, 1, 1))


def test_hourly_grib_feeds_the_pipeline_without_code_change(
    shared_data: Path, crossings: pd.DataFrame
) -> None:
    """ERA5 hourly GRIB (temperature only) → daily by the alias rules → a model trained on it."""
    daily = to_daily(read_weather(shared_data / "weather" / GRIB))
    model = train(daily, crossings, date(2019, 3, 25))
    assert model.weather_variables == ["air_temperature_max_c", "air_temperature_c"]
    assert len(model.variants) == 2  # no marine core variable in a temperature-only file
    assert model.metadata["training_days"] == 24  # 1..24 March; the activity comes from February
    out = model.predict(daily, date(2019, 3, 25), date(2019, 3, 31), crossings).table
    assert len(out) == 7 and out["p_crossing"].between(0, 1).all()
    # 1 April 00:00-01:00 BST is one hour of that day: not a day's weather
    with pytest.raises(TemporalNotCovered, match="2019-04-01"):
        model.predict(daily, date(2019, 3, 31), date(2019, 4, 1), crossings)
    # a model trained on other variables refuses weather that lacks them, naming them
    with pytest.raises(TemporalNotCovered, match="wind_speed_kt"):
        train(
            to_daily(read_weather(shared_data / "weather" / REGIONAL)), crossings, date(2020, 7, 1)
        ).predict(daily, date(2019, 3, 25), date(2019, 3, 31), crossings)


def test_hourly_forecast_run_gets_the_covered_variant(
    shared_data: Path, regional: pd.DataFrame, crossings: pd.DataFrame
) -> None:
    """The real hourly forecast run (wind, gusts, waves; no visibility or cloud) with the regional model:
    the wind-only variant is used, without activity since the crossings known end 2025-08-20."""
    model = train(regional, crossings, date(2021, 1, 1))
    forecast = to_daily(read_weather(shared_data / "weather" / FORECAST))
    assert forecast["hours_covered"].tolist() == [7, 13, 12, 12]  # 30 Sep 14:00-20:00 local, then daylight
    prediction = model.predict(forecast, date(2026, 10, 1), date(2026, 10, 3), crossings)
    assert prediction.variant.name == "wind_speed_kt without recent activity"
    assert prediction.activity_as_of is None
    assert any("visibility_km" in s for s in prediction.skipped)
    assert any("2025-08-20" in s for s in prediction.skipped)
    table = prediction.table
    assert list(table.columns) == CONTRACT and table["date"].tolist() == ["2026-10-01", "2026-10-02",
                                                                          "2026-10-03"]  # fmt: skip
    assert table["p_crossing"].between(0, 1).all()
    assert np.allclose(table["expected_people"], table["expected_boats"] * prediction.people_per_boat)
    assert 40 < prediction.people_per_boat < 80  # 2025: about 60 people a boat
    # calmer day, higher probability: the wind drives the forecast
    winds = prediction.drivers["wind_speed_kt"].to_numpy()
    assert (np.argsort(winds) == np.argsort(-table["p_crossing"].to_numpy())).all()
    assert set(prediction.drivers.columns) >= {"wind_speed_kt", "wind_gust_kt", "wave_height_m"}
    # the first day of the run has no day before it in the file: not covered, never zeros
    with pytest.raises(NotCovered, match="2026-09-29"):
        model.predict(forecast, date(2026, 9, 30), date(2026, 10, 3), crossings)
    with pytest.raises(TemporalNotCovered):
        model.predict(forecast, date(2026, 10, 2), date(2026, 10, 6), crossings)


def test_recent_activity_is_used_when_known(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    model = train(regional, crossings, date(2020, 7, 1))
    fresh = model.predict(regional, date(2020, 9, 1), date(2020, 9, 7), crossings)
    assert fresh.variant is model.primary and fresh.activity_as_of == date(2020, 8, 31)
    stale = model.predict(regional, date(2020, 9, 1), date(2020, 9, 7), crossings[:"2020-08-10"])
    assert not stale.variant.uses_activity and stale.activity_as_of is None
    wide = model.predict(regional, date(2020, 9, 1), date(2020, 9, 7), crossings[:"2020-08-10"],
                         max_activity_gap_days=30)  # fmt: skip
    assert wide.variant is model.primary and wide.activity_as_of == date(2020, 8, 10)


def test_predict_outside_the_weather_is_refused(regional: pd.DataFrame, crossings: pd.DataFrame) -> None:
    model = train(regional, crossings, date(2020, 7, 1))
    with pytest.raises(TemporalNotCovered, match="missing"):
        model.predict(regional, date(2021, 1, 25), date(2021, 2, 5), crossings)


def test_cli_train_then_predict(forecast_cli: typer.Typer, shared_data: Path, tmp_path: Path) -> None:
    weather = str(shared_data / "weather" / REGIONAL)
    daily = str(shared_data / "crossings" / DAILY_CROSSINGS)
    model_path = tmp_path / "m.joblib"
    runner = CliRunner()
    result = runner.invoke(forecast_cli, [
        "forecast", "train", "--weather", weather, "--crossings", daily,
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
    assert "Nord-Pas-de-Calais, 2018-01 to 2021-01" in result.output  # the limits, said where it shows
    assert out.read_text().splitlines()[0] == ",".join(CONTRACT)  # exactly the contract's columns
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["date"] == "2020-09-01" and len(rows) == 14
    for r in rows:
        assert 0 <= float(r["p_crossing"]) <= 1 and float(r["expected_boats"]) >= 0
    detailed = tmp_path / "detailed.csv"
    result = runner.invoke(forecast_cli, [
        "forecast", "predict", "--weather", weather, "--from", "2020-09-01", "--to", "2020-09-14",
        "--out", str(detailed), "--model", str(model_path), "--crossings", daily, "--details",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    rich = list(csv.DictReader(detailed.open()))
    assert list(rich[0])[:7] == [*CONTRACT, "rag", "variant", "wind_speed_kt"]
    assert rich[0]["variant"].endswith("with recent activity")
    for r in rich:
        p = float(r["p_crossing"])
        assert r["rag"] == ("red" if p > 0.55 else "green" if p < 0.35 else "amber")
    refused = runner.invoke(forecast_cli, [
        "forecast", "predict", "--weather", weather, "--from", "2021-01-20", "--to", "2021-02-10",
        "--out", str(tmp_path / "no.csv"), "--model", str(model_path),
    ])  # fmt: skip
    assert refused.exit_code == 2 and "weather missing for" in refused.output
    assert not (tmp_path / "no.csv").exists()


def test_rag_thresholds_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    default = ForecastSettings()
    assert (default.rag(0.56), default.rag(0.55), default.rag(0.35), default.rag(0.34)) == (
        "red", "amber", "amber", "green",
    )  # fmt: skip
    monkeypatch.setenv("WATCHKEEPER_FORECAST_RAG_RED_ABOVE", "0.7")
    assert ForecastSettings().rag(0.6) == "amber"
