"""Weather routes: the outlook from the latest forecast file (real run, real regional model), the model."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from api_helpers import PASSWORD, WALL_START, Api, assert_error

from watchkeeper.stats.loaders import daily_series_from_files, load_paths
from watchkeeper.weather.forecast import train
from watchkeeper.weather.persist import save_model
from watchkeeper.weather.sources import read_weather
from watchkeeper.weather.table import to_daily

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
DAILY = "uk_small_boats_daily_arrivals.csv"


@pytest.fixture(scope="module")
def trained(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The regional model, trained once (as `forecast train` does) into a model file."""
    weather = shared_data / "weather" / REGIONAL
    model = train(
        to_daily(read_weather(weather)),
        daily_series_from_files([shared_data / "crossings" / DAILY]),
        date(2021, 1, 1),
        weather_source=str(weather),
    )
    return save_model(model, tmp_path_factory.mktemp("model") / "crossing_forecast.joblib")


@pytest.fixture
def outlook_api(
    api: Api, trained: Path, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Api:
    monkeypatch.setenv("WATCHKEEPER_FORECAST_MODEL_PATH", str(trained))
    folder = tmp_path / "forecasts"
    folder.mkdir()
    (folder / FORECAST).symlink_to(shared_data / "weather" / FORECAST)  # read in place, not copied
    monkeypatch.setenv("WATCHKEEPER_FORECAST_FORECAST_DIR", str(folder))
    load_paths(api.runtime.engine, [shared_data / "crossings" / DAILY])
    return api


def test_outlook_from_the_latest_forecast_file(outlook_api: Api) -> None:
    resp = outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers())
    assert resp.status_code == 200, resp.text
    o = resp.json()
    assert o["source"] == FORECAST and o["issued_at"] == "2026-09-30T12:30:00+00:00"
    assert [d["date"] for d in o["days"]] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert o["not_covered"] is None and o["marking"] == "UK-ONLY"
    assert o["variant"] == "wind_speed_kt without recent activity"
    assert any("2025-08-20" in s for s in o["skipped"])  # the store's crossings are too old for activity
    assert "Nord-Pas-de-Calais, 2018-01 to 2021-01" in o["limits"]
    assert (
        "calibrated probability" in o["probability_label"] and "not the Met Office" in o["probability_label"]
    )
    assert o["rag_thresholds"] == {"red_above": 0.55, "green_below": 0.35}
    for day in o["days"]:
        p = day["p_crossing"]
        assert day["rag"] == ("red" if p > 0.55 else "green" if p < 0.35 else "amber")
        assert day["expected_people"] > day["expected_boats"] > 0
        assert day["drivers"]["wind_gust_kt"] > day["drivers"]["wind_speed_kt"] > 0
        assert day["pushes"][0]["label"] in {"wind", "wind (day before)", "season"}
    assert o["units"]["wind_speed_kt"] == "kt"


def test_outlook_refusals(outlook_api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the auditor is cleared UK-FR: a UK-ONLY outlook is not releasable to them
    assert_error(
        outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers("auditor")),
        403,
        "forbidden",
    )
    monkeypatch.setenv("WATCHKEEPER_FORECAST_MARKING", "UK-FR")
    assert (
        outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers("auditor")).status_code
        == 200
    )
    outlook_api.runtime.users.add("admin1", PASSWORD, ("admin",), "UK-ONLY", WALL_START)
    assert_error(
        outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers("admin1")),
        403,
        "forbidden",
    )
    # a newer file that is not weather: said plainly, not a crash
    folder = Path(os.environ["WATCHKEEPER_FORECAST_FORECAST_DIR"])
    (folder / "run2.csv").write_text("nothing,here\n1,2\n")
    assert_error(
        outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers()), 422, "bad_forecast"
    )
    monkeypatch.setenv("WATCHKEEPER_FORECAST_FORECAST_DIR", str(tmp_path / "empty"))
    assert_error(
        outlook_api.client.get("/api/weather/outlook", headers=outlook_api.headers()), 404, "no_forecast"
    )
    monkeypatch.setenv("WATCHKEEPER_FORECAST_MODEL_PATH", str(tmp_path / "none.joblib"))
    for path in ("/api/weather/outlook", "/api/weather/model"):
        assert_error(outlook_api.client.get(path, headers=outlook_api.headers()), 503, "no_model")


def test_model_states_its_training_weather(outlook_api: Api) -> None:
    body = outlook_api.client.get("/api/weather/model", headers=outlook_api.headers()).json()
    assert body["metadata"]["weather_source"] == REGIONAL
    assert body["metadata"]["training_last_day"] == "2020-12-31"
    assert len(body["metadata"]["variants"]) == 4
    assert "regional daily weather series for Nord-Pas-de-Calais" in body["limits"]
