"""Crossing forecast: probability of a crossing day and the expected boats and people, from weather.

Inputs are plain frames, so the model is a pure function of data (no file, no clock):

* ``weather``: daily weather in our names and units (``weather.table.to_daily``), index ``date``;
* ``crossings``: the Home Office daily series, index ``date``, columns ``boats_arrived`` and
  ``migrants_arrived`` (people). A *crossing day* is a day with at least one boat detected arriving.

Features (all known the day before the target day, so nothing leaks):

* weather of the target day, and wind/gust/waves of the day before — every candidate variable the
  training weather supplies on ≥ 90 % of the training days (e.g. the regional series gives wind,
  visibility, cloud, humidity, max temperature; an ERA5 or station series would add gusts, waves,
  precipitation without a code change); wind direction enters as sine and cosine;
* season (day of year as sine/cosine) and weekend;
* recent activity up to the day before: share of crossing days in the last 7 and 28 days, log of the
  mean boats and people a day over the last 28 days. Beyond the last known crossing day the last
  known values are carried forward (a several-day outlook uses the activity as at issue).

Models (scikit-learn): logistic regression for the crossing day (fit by log loss, a proper scoring rule,
so its probabilities are calibrated by construction; the reliability diagram checks it on a later
period), Poisson regressions (log link) for the expected boats and people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from watchkeeper.core.errors import ConfigError, TemporalNotCovered
from watchkeeper.weather.table import require_days

#: Weather variables the model may use, in order of preference.
WEATHER_CANDIDATES: tuple[str, ...] = (
    "wind_speed_kt",
    "wind_speed_max_kt",
    "wind_gust_kt",
    "wind_from_deg",
    "wave_height_m",
    "wave_height_max_m",
    "wave_period_s",
    "visibility_km",
    "precipitation_mm",
    "precipitation_prob_pct",
    "cloud_cover_pct",
    "humidity_pct",
    "air_temperature_max_c",
    "air_temperature_c",
)
CALENDAR_FEATURES: tuple[str, ...] = ("doy_sin", "doy_cos", "weekend")
ACTIVITY_FEATURES: tuple[str, ...] = ("act_days_7", "act_days_28", "act_boats_28_log", "act_people_28_log")
#: Weather variables also used as of the day before the target day.
PREV_DAY_VARIABLES: tuple[str, ...] = ("wind_speed_kt", "wind_gust_kt", "wave_height_m")
MIN_COVERAGE = 0.9
ACTIVITY_TAIL_DAYS = 35


def activity_features(crossings: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Recent-activity features for ``days``, each from crossings strictly before that day."""
    if crossings.empty:
        return pd.DataFrame(0.0, index=days, columns=list(ACTIVITY_FEATURES))
    start = min(crossings.index.min(), days.min() - pd.Timedelta(days=28))
    full = pd.date_range(start, max(days.max(), crossings.index.max() + pd.Timedelta(days=1)), freq="D")
    known = crossings.reindex(full)
    boats = known["boats_arrived"].astype(float)
    people = known["migrants_arrived"].astype(float)
    crossed = (boats > 0).astype(float).where(boats.notna())
    prev_cross, prev_boats, prev_people = crossed.shift(1), boats.shift(1), people.shift(1)
    out = pd.DataFrame(
        {
            "act_days_7": prev_cross.rolling(7, min_periods=1).mean(),
            "act_days_28": prev_cross.rolling(28, min_periods=1).mean(),
            "act_boats_28_log": np.log1p(prev_boats.rolling(28, min_periods=1).mean()),
            "act_people_28_log": np.log1p(prev_people.rolling(28, min_periods=1).mean()),
        },
        index=full,
    )
    # Beyond the day after the last known day, hold the activity as at issue (persistence).
    issue = crossings.index.max() + pd.Timedelta(days=1)
    out = out.fillna(0.0)
    later = out.index > issue
    if later.any() and issue in out.index:
        out.loc[later] = out.loc[issue].to_numpy()
    return out.reindex(days)


def calendar_features(days: pd.DatetimeIndex) -> pd.DataFrame:
    doy = days.day_of_year.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "doy_sin": np.sin(2 * math.pi * doy / 365.25),
            "doy_cos": np.cos(2 * math.pi * doy / 365.25),
            "weekend": (days.day_of_week >= 5).astype(float),
        },
        index=days,
    )


def weather_features(weather: pd.DataFrame, days: pd.DatetimeIndex, variables: list[str]) -> pd.DataFrame:
    """Weather of each day (wind direction as sine/cosine) and of the day before for wind and waves.

    The day before matters: the sea takes time to settle after a blow, and launches follow calm spells.
    """
    same_day = weather.reindex(days)
    day_before = weather.reindex(days - pd.Timedelta(days=1))
    out = pd.DataFrame(index=days)
    for v in variables:
        if v == "wind_from_deg":
            rad = np.radians(same_day[v].to_numpy(dtype=float))
            out["wind_from_sin"], out["wind_from_cos"] = np.sin(rad), np.cos(rad)
        else:
            out[v] = same_day[v].to_numpy(dtype=float)
    for v in PREV_DAY_VARIABLES:
        if v in variables:
            out[f"{v}_prev_day"] = day_before[v].to_numpy(dtype=float)
    return out


def design_matrix(
    weather: pd.DataFrame, days: pd.DatetimeIndex, crossings: pd.DataFrame, variables: list[str]
) -> pd.DataFrame:
    """Features for ``days`` from the daily ``weather`` (index ``date``) and past ``crossings``."""
    parts = [
        weather_features(weather, days, variables),
        calendar_features(days),
        activity_features(crossings, days),
    ]
    return pd.concat(parts, axis=1)


def choose_weather_variables(weather: pd.DataFrame) -> list[str]:
    return [
        v
        for v in WEATHER_CANDIDATES
        if v in weather.columns and float(weather[v].notna().mean()) >= MIN_COVERAGE
    ]


@dataclass
class TrainingSet:
    """Feature rows and targets: crossed (bool), boats and people (counts)."""

    X: pd.DataFrame
    crossed: np.ndarray
    boats: np.ndarray
    people: np.ndarray


def training_set(
    weather: pd.DataFrame,
    crossings: pd.DataFrame,
    variables: list[str],
    until: date,
    since: date | None = None,
) -> TrainingSet:
    """Rows of days strictly before ``until`` with weather, crossings and every feature present."""
    cut = pd.Timestamp(until)
    days = weather.index[(weather.index < cut) & weather.index.isin(crossings.index)]
    if since is not None:
        days = days[days >= pd.Timestamp(since)]
    past = crossings[crossings.index < cut]
    X = design_matrix(weather, pd.DatetimeIndex(days), past, variables).dropna()
    target = crossings.loc[X.index]
    return TrainingSet(
        X=X,
        crossed=(target["boats_arrived"].to_numpy(dtype=float) > 0),
        boats=target["boats_arrived"].to_numpy(dtype=float),
        people=target["migrants_arrived"].to_numpy(dtype=float),
    )


@dataclass
class CrossingModel:
    """A trained crossing forecast and what it was trained on."""

    classifier: Pipeline
    boats_model: Pipeline
    people_model: Pipeline
    weather_variables: list[str]
    feature_names: list[str]
    activity_tail: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def predict(
        self, weather: pd.DataFrame, start: date, end: date, crossings: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Daily ``p_crossing``, ``expected_boats``, ``expected_people`` and the weather drivers.

        Raises ``TemporalNotCovered`` when the weather lacks a variable or a day the model needs.
        ``crossings`` (optional) extends the recent activity stored at training time.
        """
        if end < start:
            raise ConfigError("--to is before --from")
        prev = [v for v in PREV_DAY_VARIABLES if v in self.weather_variables]
        require_days(weather, start - timedelta(days=1), start - timedelta(days=1), prev)
        drivers = require_days(weather, start, end, self.weather_variables)
        history = self.activity_tail
        if crossings is not None and not crossings.empty:
            history = pd.concat([history[~history.index.isin(crossings.index)], crossings]).sort_index()
        days = pd.DatetimeIndex(drivers.index)
        X = design_matrix(weather, days, history, self.weather_variables)[self.feature_names]
        if X.isna().any().any():
            raise TemporalNotCovered("features missing for some requested days")
        p = self.classifier.predict_proba(X)[:, 1]
        out = pd.DataFrame(
            {
                "date": [d.date().isoformat() for d in X.index],
                "p_crossing": p,
                "expected_boats": self.boats_model.predict(X),
                "expected_people": self.people_model.predict(X),
            }
        )
        for v in self.weather_variables:
            out[v] = drivers[v].to_numpy(dtype=float)
        return out


def train(
    weather: pd.DataFrame,
    crossings: pd.DataFrame,
    until: date,
    weather_source: str = "",
    since: date | None = None,
) -> CrossingModel:
    """Train on days strictly before ``until`` (and from ``since`` when given)."""
    past_weather = weather[weather.index < pd.Timestamp(until)]
    variables = choose_weather_variables(past_weather)
    if not variables:
        raise ConfigError("the weather has none of the variables the model can use")
    ts = training_set(weather, crossings, variables, until, since)
    n_pos = int(ts.crossed.sum())
    if len(ts.X) < 20 or n_pos == 0 or n_pos == len(ts.X):
        raise ConfigError(
            f"too little training data before {until}: {len(ts.X)} days with weather and crossings, "
            f"{n_pos} crossing days"
        )
    classifier = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    classifier.fit(ts.X, ts.crossed.astype(int))
    boats_model = make_pipeline(StandardScaler(), PoissonRegressor(alpha=1e-2, max_iter=3000))
    boats_model.fit(ts.X, ts.boats)
    people_model = make_pipeline(StandardScaler(), PoissonRegressor(alpha=1e-2, max_iter=3000))
    people_model.fit(ts.X, ts.people)
    past = crossings[crossings.index < pd.Timestamp(until)]
    tail = past[["boats_arrived", "migrants_arrived"]].iloc[-ACTIVITY_TAIL_DAYS:].copy()
    metadata = {
        "trained_until_exclusive": until.isoformat(),
        "training_first_day": ts.X.index.min().date().isoformat(),
        "training_last_day": ts.X.index.max().date().isoformat(),
        "training_days": len(ts.X),
        "training_crossing_days": n_pos,
        "weather_source": weather_source,
        "weather_variables": variables,
        "features": list(ts.X.columns),
        "model": "logistic regression (crossing day) + Poisson regressions (boats, people), scikit-learn",
    }
    return CrossingModel(classifier, boats_model, people_model, variables, list(ts.X.columns), tail, metadata)
