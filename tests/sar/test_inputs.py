"""Current and wind inputs: CF NetCDF ocean-model currents, weather-layer wind, coverage, offline runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from sar_helpers import EPOCH, MID_STRAIT, centroid_xy, quick_run

from watchkeeper.core.errors import SpatialNotCovered, TemporalNotCovered
from watchkeeper.sar.drift import DriftCannotStart


def _currents_file(path: Path, north_ms: float, hours: int, lon=(1.0, 2.2), lat=(50.6, 51.3)) -> Path:  # type: ignore[no-untyped-def]
    times = pd.date_range(EPOCH.replace(tzinfo=None), periods=hours + 1, freq="1h")
    lons, lats = np.linspace(*lon, 13), np.linspace(*lat, 15)
    shape = (len(times), len(lats), len(lons))
    dims = ("time", "lat", "lon")
    speed = "m s-1"
    ds = xr.Dataset(
        {
            "uo": (dims, np.zeros(shape), {"standard_name": "x_sea_water_velocity", "units": speed}),
            "vo": (dims, np.full(shape, north_ms), {"standard_name": "y_sea_water_velocity", "units": speed}),
        },
        coords={
            "time": times,
            "lat": ("lat", lats, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": ("lon", lons, {"standard_name": "longitude", "units": "degrees_east"}),
        },
    )  # fmt: skip
    ds.to_netcdf(path)
    return path


def test_cf_netcdf_currents_move_the_cloud(tmp_path: Path) -> None:
    path = _currents_file(tmp_path / "currents.nc", 0.3, 4)
    res = quick_run(hours=3, current_const=None, currents_file=path)
    assert res.current_model == "file currents.nc"
    x0, y0 = centroid_xy(res, 0)
    x3, y3 = centroid_xy(res, 3)
    assert y3 - y0 == pytest.approx(0.3 * 3 * 3600, rel=0.03)
    assert abs(x3 - x0) < 0.05 * (y3 - y0)


def test_currents_file_that_does_not_cover_the_drift_is_refused(tmp_path: Path) -> None:
    short = _currents_file(tmp_path / "short.nc", 0.3, 2)
    with pytest.raises(TemporalNotCovered, match="currents"):
        quick_run(hours=3, current_const=None, currents_file=short)
    elsewhere = _currents_file(tmp_path / "far.nc", 0.3, 4, lon=(-4.0, -3.0), lat=(48.0, 48.5))
    with pytest.raises(SpatialNotCovered, match="does not cover the start position"):
        quick_run(hours=3, current_const=None, currents_file=elsewhere)


def test_refusals_say_why() -> None:
    with pytest.raises(DriftCannotStart, match="on land"):
        quick_run(lat=51.2, lon=1.0)  # Kent
    with pytest.raises(SpatialNotCovered, match="only in the Dover Strait box"):
        quick_run(lat=50.2, lon=-1.0, current_const=None)  # mid-Channel, west of the strait
    with pytest.raises(DriftCannotStart, match="--hours"):
        quick_run(hours=0)
    with pytest.raises(DriftCannotStart, match="no wind"):
        quick_run(wind_const=None)


def test_weather_layer_wind_is_used_and_night_gaps_are_refused(shared_data: Path) -> None:
    forecast = next((shared_data / "weather").glob("forecast_wimereux_calais_hourly_*.csv"))
    # 2026-10-01 08:00..13:00 local = 06:00..11:00 UTC: hourly forecast rows for both spots
    start = EPOCH.replace(day=1, month=10, hour=6)
    res = quick_run(start=start, hours=3, wind_const=None, wind_file=forecast, current_const=(0.0, 0.0))
    assert res.wind_model == f"file {forecast.name}"
    x0, y0 = centroid_xy(res, 0)
    x3, y3 = centroid_xy(res, 3)
    assert np.hypot(x3 - x0, y3 - y0) > 500.0  # the forecast's wind moved it (no current)
    # the forecast has daylight hours only: 20:00 -> 08:00 local is a 12 h hole
    with pytest.raises(TemporalNotCovered, match=r"no sample for 12\.0 h"):
        quick_run(start=EPOCH.replace(day=1, month=10, hour=16), hours=6, wind_const=None, wind_file=forecast)
    with pytest.raises(TemporalNotCovered, match="wind"):
        quick_run(start=EPOCH + timedelta(days=30), hours=2, wind_const=None, wind_file=forecast)


def test_a_run_makes_no_network_call() -> None:
    """Every socket connection and name lookup fails in the child: the run must not need one."""
    script = textwrap.dedent(
        f"""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network call attempted: " + repr(args[:2]))
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import cartopy, opendrift  # imported by the run's dependencies
        from datetime import datetime, UTC
        from watchkeeper.sar.drift import DriftRequest, run_drift
        from watchkeeper.sar.products import build_products, feature_collection
        req = DriftRequest(lat={MID_STRAIT[0]}, lon={MID_STRAIT[1]}, start=datetime(2026, 9, 30, tzinfo=UTC),
                           object_type="inflatable", hours=2, particles=50, wind_const=(8.0, 225.0))
        doc = feature_collection(build_products(run_drift(req)))
        print("features", len(doc["features"]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "features 9" in done.stdout  # hours 0, 1, 2: two areas and a centroid each
