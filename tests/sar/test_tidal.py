"""The tidal-stream approximation against the real tide predictions and the Admiralty stream rates."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from watchkeeper.sar.tidal import (
    CALAIS_AFTER_DOVER_H,
    EPOCH,
    KNOT_MS,
    TidalStream,
    hours_since_epoch,
)
from watchkeeper.weather.sources import read_tides


@pytest.fixture(scope="module")
def calais(shared_data):  # type: ignore[no-untyped-def]
    files = sorted((shared_data / "weather").glob("tide_predictions_boulogne_calais_*.csv"))
    assert files, "tide predictions missing from ../shared/data/weather"
    tides = read_tides(files[0])
    return tides[tides["site"] == "calais"].reset_index(drop=True)


def _maxima(hours: np.ndarray, values: np.ndarray) -> np.ndarray:
    i = np.nonzero((values[1:-1] > values[:-2]) & (values[1:-1] >= values[2:]))[0] + 1
    return hours[i]


def test_high_waters_at_calais_within_ten_minutes(calais) -> None:  # type: ignore[no-untyped-def]
    stream = TidalStream()
    highs = calais[calais["kind"] == "high"]
    t_obs = np.array([hours_since_epoch(t.to_pydatetime()) for t in highs["time"]])
    t = np.arange(t_obs.min() - 7, t_obs.max() + 7, 1 / 120)  # half-minute steps
    # the model's HW Dover, moved to Calais by the standard-port difference
    hw_calais = _maxima(t, stream.dover_height_shape(t)) + CALAIS_AFTER_DOVER_H
    errors_min = [(hw_calais[np.argmin(np.abs(hw_calais - o))] - o) * 60 for o in t_obs]
    assert len(errors_min) == 14
    assert np.max(np.abs(errors_min)) <= 10.0, np.round(errors_min)


def test_neaps_within_a_day_of_the_smallest_tide_coefficient(calais) -> None:  # type: ignore[no-untyped-def]
    stream = TidalStream()
    highs = calais[calais["kind"] == "high"]
    smallest = highs.loc[highs["coefficient"].idxmin(), "time"].to_pydatetime()
    largest = highs.loc[highs["coefficient"].idxmax(), "time"].to_pydatetime()
    t = np.arange(hours_since_epoch(smallest) - 96, hours_since_epoch(smallest) + 96, 0.25)
    speed = np.abs(stream.along_axis_ms(t))
    # the spring-neap envelope: the largest stream of each tide
    window = int(12.42 / 0.25)
    envelope = np.array([speed[i : i + window].max() for i in range(len(t) - window)])
    neap = EPOCH + timedelta(hours=float(t[np.argmin(envelope)] + 12.42 / 2))
    assert abs((neap - smallest).total_seconds()) < 24 * 3600, (neap, smallest)
    # and the week of predictions falls from springs to neaps, as the coefficients do
    assert largest < smallest


def test_spring_and_neap_rates_are_the_admiralty_figures() -> None:
    stream = TidalStream()
    t = np.arange(0.0, 24 * 30, 0.05)
    u = stream.along_axis_ms(t) / KNOT_MS
    assert u.max() == pytest.approx(2.3, abs=0.01)  # springs, north-east-going
    # neap peaks: the smallest of the tide-by-tide maxima
    peaks = [u[i : i + 249].max() for i in range(0, len(u) - 249, 249)]
    assert min(peaks) == pytest.approx(1.3, abs=0.05)
    east, north = stream.velocity_ms(EPOCH + timedelta(hours=float(t[np.argmax(u)])))
    assert np.degrees(np.arctan2(east, north)) % 360 == pytest.approx(35.0, abs=0.01)


def test_north_east_stream_peaks_about_an_hour_after_high_water_dover() -> None:
    stream = TidalStream()
    t = np.arange(24 * 10, 24 * 12, 1 / 60)
    hw = _maxima(t, stream.dover_height_shape(t))
    peaks = _maxima(t, stream.along_axis_ms(t))
    lags = [p - hw[hw <= p].max() for p in peaks if (hw <= p).any()]
    assert np.allclose(lags, 1.0, atol=0.25), lags
    # the NE-going stream starts about 2 h before HW Dover (Admiralty: -0200)
    u = stream.along_axis_ms(t)
    turns = t[1:][(u[:-1] < 0) & (u[1:] >= 0)]
    starts = [hw[hw >= s].min() - s for s in turns if (hw >= s).any()]
    assert np.allclose(starts, 2.0, atol=0.5), starts


def test_limits_are_written_with_every_tidal_result(tidal_run) -> None:  # type: ignore[no-untyped-def]
    assert "not an ocean model" in tidal_run.limits
    assert "Dover Strait Pilot NP 28" in tidal_run.limits
    assert pd.Timestamp(tidal_run.times[0]).tz is not None
