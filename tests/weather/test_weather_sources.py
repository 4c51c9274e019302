"""Weather ingest of each real file, with units checked against the source values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from watchkeeper.core.errors import ConfigError, SpatialNotCovered
from watchkeeper.weather.aliases import convert, lookup, wind_from_uv
from watchkeeper.weather.sources import WeatherFileError, read_gridded, read_tides, read_weather
from watchkeeper.weather.table import to_daily

REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
GRIB = "era5_2m_temperature_2019-03_uk_hourly.grib"
ERA5_CSV = "era5_2m_temperature_2019-03_dover_strait_hourly.csv"
FORECAST = "forecast_wimereux_calais_hourly_issued_2026-09-30T1430+0200.csv"
AMBLETEUSE = "buoy_ambleteuse_obs_vs_forecast_2026-10-05_06.csv"
HASTINGS = "buoy_hastings_wavenet_obs_2026-10-09_10.csv"
TIDES = "tide_predictions_boulogne_calais_2026-09-29_2026-10-05.csv"


def test_regional_daily_series_units(weather_dir: Path) -> None:
    table = read_weather(weather_dir / REGIONAL)
    raw = pd.read_csv(weather_dir / REGIONAL)
    assert table.daily and len(table.frame) == 1127 and not table.unmapped
    assert np.allclose(table.frame["wind_speed_kt"], raw["wind_speed_kmh"] / 1.852)
    assert table.frame["wind_speed_kt"].iloc[0] == pytest.approx(31 / 1.852)  # 31 km/h = 16.74 kt
    assert np.allclose(table.frame["visibility_km"], raw["visibility_km"])
    daily = to_daily(table)
    assert daily.index[0] == pd.Timestamp("2018-01-01") and daily.index[-1] == pd.Timestamp("2021-01-31")
    assert len(daily) == 1127
    assert daily["air_temperature_max_c"].max() == 37.0


def test_grib_opens_offline_without_writing_an_index(weather_dir: Path) -> None:
    before = set(weather_dir.iterdir())
    table = read_gridded(weather_dir / GRIB)
    assert set(weather_dir.iterdir()) == before  # no .idx next to the (read-only) GRIB
    assert table.fmt == "grib" and table.variables == ["air_temperature_c"]
    assert len(table.frame) == 744  # hourly, March 2019
    t = table.frame["air_temperature_c"]
    assert t.min() > -5.0 and t.max() < 20.0  # °C (raw field is kelvin, ~275-290 K)
    raw = xr.open_dataset(weather_dir / GRIB, engine="cfgrib", backend_kwargs={"indexpath": ""})
    assert raw["t2m"].attrs["units"] == "K"


def test_grib_area_mean_matches_the_published_csv_subset(weather_dir: Path) -> None:
    """The AOI mean of the GRIB equals the mean of the CSV extract (same cells, converted to °C)."""
    grib = to_daily(read_weather(weather_dir / GRIB))
    csv = to_daily(read_weather(weather_dir / ERA5_CSV))
    # UK-local days: 31 March days, plus 1 April 00:00-01:00 BST (= 31 March 23Z), one hour
    assert len(grib) == len(csv) == 32
    assert grib["hours_covered"].tolist()[-1] == 1 and grib["hours_covered"].iloc[0] == 24
    diff = (grib["air_temperature_c"] - csv["air_temperature_c"]).abs().max()
    assert diff < 0.01


def test_grib_point_and_out_of_area(weather_dir: Path) -> None:
    dover = read_gridded(weather_dir / GRIB, point=(51.1, 1.3))
    assert dover.frame["site"].iloc[0] == "51.100,1.300"
    with pytest.raises(SpatialNotCovered):
        read_gridded(weather_dir / GRIB, point=(40.0, 1.3))


def test_netcdf_round_trip(weather_dir: Path, tmp_path: Path) -> None:
    ds = xr.open_dataset(weather_dir / GRIB, engine="cfgrib", backend_kwargs={"indexpath": ""})
    nc = tmp_path / "era5.nc"
    ds[["t2m"]].to_netcdf(nc)
    from_nc = read_weather(nc)
    from_grib = read_weather(weather_dir / GRIB)
    assert from_nc.fmt == "netcdf"
    assert np.allclose(from_nc.frame["air_temperature_c"], from_grib.frame["air_temperature_c"])


def test_hourly_point_forecast_csv(weather_dir: Path) -> None:
    table = read_weather(weather_dir / FORECAST)
    raw = pd.read_csv(weather_dir / FORECAST)
    assert set(table.frame["site"]) == {"wimereux", "calais"}
    # times come from time_utc, in UTC
    assert table.frame["time"].min() == pd.Timestamp("2026-09-30T12:00Z")
    w = table.frame[table.frame["site"] == "wimereux"].reset_index(drop=True)
    rw = raw[raw["spot"] == "wimereux"].reset_index(drop=True)
    assert np.allclose(w["wind_speed_kt"], rw["wind_speed_10m_kt"])  # already knots
    assert np.allclose(w["wind_gust_kt"], rw["wind_gust_kt"])
    assert np.allclose(w["wave_height_m"], rw["wave_height_sig_m"])
    assert np.allclose(w["wind_from_deg"], rw["wind_dir_from_deg"])
    daily = to_daily(table)
    # UK-local days; daily gust is the max of both spots' hourly gusts on that day
    day = pd.Timestamp("2026-10-01")
    local_day = pd.to_datetime(raw["time_utc"]).dt.tz_convert("Europe/London").dt.date == day.date()
    assert daily.loc[day, "wind_gust_kt"] <= raw.loc[local_day, "wind_gust_kt"].max()
    assert daily.loc[day, "wind_speed_max_kt"] <= raw.loc[local_day, "wind_speed_10m_kt"].max()
    assert 0 < daily.loc[day, "wind_speed_kt"] < daily.loc[day, "wind_speed_max_kt"]


def test_buoys_local_time_and_names(weather_dir: Path) -> None:
    amb = read_weather(weather_dir / AMBLETEUSE)
    # 2026-10-05T15 French local (CEST, UTC+2) is 13:00 UTC
    assert amb.frame["time"].iloc[0] == pd.Timestamp("2026-10-05T13:00Z")
    assert amb.frame["wave_height_m"].iloc[0] == pytest.approx(0.4)
    assert amb.frame["wave_period_s"].iloc[0] == pytest.approx(2.92)  # tp_mesure, not the forecast tp_prevu
    assert amb.frame["wind_speed_kt"].iloc[0] == pytest.approx(11.7)
    assert amb.unmapped == []  # forecast columns are known and deliberately ignored
    has = read_weather(weather_dir / HASTINGS)
    assert "precipitation_mm" not in has.variables  # WaveNet 'tp' is peak period
    assert has.frame["wave_period_s"].iloc[0] == pytest.approx(7.4)
    assert has.frame["wave_height_m"].max() == pytest.approx(3.48)


def test_tides(weather_dir: Path) -> None:
    tides = read_tides(weather_dir / TIDES)
    assert len(tides) == 54 and set(tides["kind"]) == {"high", "low"}
    assert tides["time"].iloc[0] == pd.Timestamp("2026-09-29T00:06Z")
    assert (
        tides.loc[tides["kind"] == "high", "height_m"].min()
        > tides.loc[tides["kind"] == "low", "height_m"].max()
    )


def test_open_meteo_json_layout(weather_dir: Path, tmp_path: Path) -> None:
    """An Open-Meteo response built from the real forecast's Calais hours (units as Open-Meteo names them)."""
    raw = pd.read_csv(weather_dir / FORECAST)
    calais = raw[raw["spot"] == "calais"]
    doc = {
        "latitude": 50.95, "longitude": 1.85, "timezone": "Europe/Paris", "utc_offset_seconds": 7200,
        "hourly_units": {"time": "iso8601", "wind_speed_10m": "kn", "wind_gusts_10m": "kn",
                         "wind_direction_10m": "°", "precipitation_probability": "%"},
        "hourly": {
            "time": [t[:16] for t in calais["time_local_europe_paris"]],
            "wind_speed_10m": calais["wind_speed_10m_kt"].tolist(),
            "wind_gusts_10m": (calais["wind_gust_kt"] * 1.852).tolist(),
            "wind_direction_10m": calais["wind_dir_from_deg"].tolist(),
            "precipitation_probability": calais["rain_probability_pct"].tolist(),
            "cape": [0.0] * len(calais),
        },
    }  # fmt: skip
    doc["hourly_units"]["wind_gusts_10m"] = "km/h"
    path = tmp_path / "calais.json"
    path.write_text(json.dumps(doc))
    table = read_weather(path)
    assert table.fmt == "json" and table.unmapped == ["cape"]
    assert table.frame["time"].iloc[0] == pd.Timestamp(calais["time_utc"].iloc[0])
    assert np.allclose(table.frame["wind_speed_kt"], calais["wind_speed_10m_kt"])
    assert np.allclose(table.frame["wind_gust_kt"], calais["wind_gust_kt"])  # km/h converted back to kt


def test_alias_table_and_units() -> None:
    assert lookup("tp", "grib").variable == "precipitation_mm"  # type: ignore[union-attr]
    assert lookup("tp", "csv").variable == "wave_period_s"  # type: ignore[union-attr]
    assert lookup("no_such_thing", "csv") is None
    assert convert(np.array([10.0]), "m s**-1", "kt")[0] == pytest.approx(19.438, abs=1e-3)
    assert convert(np.array([273.15]), "K", "degC")[0] == pytest.approx(0.0)
    assert convert(np.array([0.002]), "m", "mm")[0] == pytest.approx(2.0)
    with pytest.raises(ConfigError):
        convert(np.array([1.0]), "K", "kt")
    speed, direction = wind_from_uv(np.array([0.0, -5.0]), np.array([-5.0, 0.0]))
    assert np.allclose(speed, 5.0)
    assert np.allclose(direction, [0.0, 90.0])  # blowing southward = from north; westward = from east
    assert not math.isnan(direction[0])


# ------------------------------------------------------------------------------------------ bad input


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_time_names_file_row_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "obs.csv", "time_utc,wind_speed_kmh\n2024-05-01T00:00Z,12\nyesterday,13\n")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    assert (err.value.row, err.value.field) == (3, "time_utc")
    assert "obs.csv" in str(err.value) and "yesterday" in str(err.value)


def test_a_value_that_is_not_a_number_is_refused_and_a_blank_one_is_missing(tmp_path: Path) -> None:
    good = _write(tmp_path, "a.csv", "time_utc,wind_speed_kmh\n2024-05-01T00:00Z,\n2024-05-01T01:00Z,20\n")
    table = read_weather(good)
    assert np.isnan(table.frame["wind_speed_kt"].iloc[0]) and table.frame["wind_speed_kt"].iloc[1] > 5
    bad = _write(tmp_path, "b.csv", "time_utc,wind_speed_kmh\n2024-05-01T00:00Z,12\n2024-05-01T01:00Z,calm\n")
    with pytest.raises(WeatherFileError) as err:
        read_weather(bad)
    assert (err.value.row, err.value.field) == (3, "wind_speed_kmh")


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty file
        "{not json",  # truncated JSON
        '{"hourly": {"time": ["2024-05-01T00:00"], "wind_speed_10m": [1, 2]}}',  # lengths differ
        '{"hourly": {"time": ["soon"], "wind_speed_10m": [1]}}',  # a time that is not one
        '{"hourly": {"time": ["2024-05-01T00:00"], "wind_speed_10m": ["gale"]}}',  # not a number
        '{"hourly": "none"}',
        "[1, 2]",
    ],
)
def test_bad_open_meteo_json_is_refused_with_a_reason(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "forecast.json", text)
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    assert "forecast.json" in str(err.value) and err.value.detail


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_bytes(b"\xff\xfe\x00\x01binary\x00\x9c")
    with pytest.raises(WeatherFileError):
        read_weather(path)
