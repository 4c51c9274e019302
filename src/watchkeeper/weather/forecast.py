"""Crossing forecast: probability of a crossing day and the expected boats and people, from weather.

Inputs are plain frames, so the model is a pure function of data (no file, no clock):

* ``weather``: daily weather in our names and units (``weather.table.to_daily``), index ``date``;
* ``crossings``: the Home Office daily series, index ``date``, columns ``boats_arrived`` and
  ``migrants_arrived`` (people). A *crossing day* is a day with at least one boat detected arriving.

Features of a target day D (nothing from D's outcome or later, so nothing leaks):

* weather of D, and wind/gust/waves of D−1 (the sea takes time to settle after a blow) — every
  candidate variable the training weather supplies on ≥ 90 % of the training days (the regional series
  gives wind, visibility, cloud, humidity, max temperature; an ERA5 or station series adds gusts,
  waves, precipitation without a code change); wind direction enters as sine and cosine;
* season (day of year as sine/cosine) and weekend;
* recent activity known before D: share of crossing days in the last 7 and 28 days, log of the mean
  boats and people a day over the last 28 days. Beyond the last known day, the values as at that day
  are held (a several-day outlook uses the activity as at issue).

Models (scikit-learn): logistic regression for the crossing day (fit by log loss, a proper scoring rule;
the reliability diagram checks its calibration on a later period), Poisson regression (log link) for
the expected boats. Expected people = expected boats × people per boat over the last 90 known days:
boats per day were stable from 2019 on while people per boat rose from ~7 (2018) to ~60 (2025), so a
model of people fitted on old years would be wrong by that factor; the ratio carries the change.

**Variants.** A forecast file rarely has every variable the training weather had (the regional series
has visibility and cloud, a marine forecast has gusts and waves), and recent crossings may be days
behind. One training run therefore fits up to four variants on the same days: all chosen variables or
only the core marine ones (``CORE_VARIABLES`` present), each with and without the activity features.
``predict`` uses the first variant (in that order of skill) that the weather and the recent crossings
cover, and says which; when none is covered it raises ``TemporalNotCovered`` — never zeros.
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
from watchkeeper.weather.table import complete_days, require_days

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
#: The variables nearly every marine point forecast carries: the fallback variant uses only these.
CORE_VARIABLES: tuple[str, ...] = ("wind_speed_kt", "wind_gust_kt", "wave_height_m")
CALENDAR_FEATURES: tuple[str, ...] = ("doy_sin", "doy_cos", "weekend")
ACTIVITY_FEATURES: tuple[str, ...] = ("act_days_7", "act_days_28", "act_boats_28_log", "act_people_28_log")
#: Weather variables also used as of the day before the target day.
PREV_DAY_VARIABLES: tuple[str, ...] = ("wind_speed_kt", "wind_gust_kt", "wave_height_m")
MIN_COVERAGE = 0.9
#: A day of a sub-daily source needs this many hours to count (settings may change it).
MIN_HOURS = 6
#: Activity features are used only when crossings are known to at most this many days before the first
#: forecast day (1 = yesterday); beyond it the no-activity variants are used (settings may change it).
MAX_ACTIVITY_GAP_DAYS = 7
PPB_WINDOW_DAYS = 90
ACTIVITY_TAIL_DAYS = 120


def activity_features(crossings: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Recent-activity features for ``days``, each from crossings strictly before that day.

    A day with no known crossings in the 28 days before it gets NaN (not covered), never zeros; after
    the last known day the values as at the day after it are held.
    """
    columns = list(ACTIVITY_FEATURES)
    if crossings.empty or len(days) == 0:
        return pd.DataFrame(np.nan, index=days, columns=columns)
    start = min(crossings.index.min(), days.min() - pd.Timedelta(days=28))
    issue = crossings.index.max() + pd.Timedelta(days=1)
    full = pd.date_range(start, max(days.max(), issue), freq="D")
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
    later = out.index > issue
    if later.any():
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
    """Weather of each day (wind direction as sine/cosine) and of the day before for wind and waves."""
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
    weather: pd.DataFrame,
    days: pd.DatetimeIndex,
    crossings: pd.DataFrame,
    variables: list[str],
    activity_lag_days: int = 0,
) -> pd.DataFrame:
    """Features for ``days`` from the daily ``weather`` (index ``date``) and past ``crossings``.

    ``activity_lag_days`` > 0 computes the activity of day D as known ``activity_lag_days`` days
    earlier (what a forecast issued that many days ahead knows).
    """
    activity = activity_features(crossings, days - pd.Timedelta(days=activity_lag_days))
    activity.index = days
    return pd.concat([weather_features(weather, days, variables), calendar_features(days), activity], axis=1)


def choose_weather_variables(weather: pd.DataFrame) -> list[str]:
    return [
        v
        for v in WEATHER_CANDIDATES
        if v in weather.columns and float(weather[v].notna().mean()) >= MIN_COVERAGE
    ]


def people_per_boat(
    crossings: pd.DataFrame, before: date, window_days: int = PPB_WINDOW_DAYS
) -> tuple[float, str]:
    """People per boat over the last ``window_days`` known days before ``before`` (all known days when
    that window has no boat), and a sentence saying over which days."""
    past = crossings[crossings.index < pd.Timestamp(before)]
    if past.empty or float(past["boats_arrived"].sum()) <= 0:
        raise TemporalNotCovered(f"no boats known before {before}: people per boat is unknown")
    recent = past[past.index > past.index.max() - pd.Timedelta(days=window_days)]
    if float(recent["boats_arrived"].sum()) <= 0:
        recent = past
    ratio = float(recent["migrants_arrived"].sum()) / float(recent["boats_arrived"].sum())
    first, last = recent.index.min().date(), recent.index.max().date()
    return ratio, f"{ratio:.1f} people per boat over {first}..{last} (Home Office daily series)"


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
    min_hours: int = MIN_HOURS,
) -> TrainingSet:
    """Rows of days strictly before ``until`` with weather, crossings and every feature present."""
    cut = pd.Timestamp(until)
    weather = complete_days(weather, min_hours)
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
class Variant:
    """One fitted model: the weather variables it reads and whether it uses recent activity."""

    name: str
    weather_variables: list[str]
    uses_activity: bool
    feature_names: list[str]
    classifier: Pipeline
    boats_model: Pipeline

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each feature's share of the log-odds of a crossing day, against the training mean day."""
        scaler, logistic = self.classifier[0], self.classifier[-1]
        z = (X[self.feature_names].to_numpy(dtype=float) - scaler.mean_) / scaler.scale_
        return pd.DataFrame(z * logistic.coef_[0], index=X.index, columns=self.feature_names)


def _variant_features(all_features: list[str], variables: list[str], activity: bool) -> list[str]:
    wanted = set(weather_features(pd.DataFrame(columns=variables), pd.DatetimeIndex([]), variables).columns)
    wanted |= set(CALENDAR_FEATURES)
    if activity:
        wanted |= set(ACTIVITY_FEATURES)
    return [f for f in all_features if f in wanted]


def _fit(X: pd.DataFrame, ts: TrainingSet) -> tuple[Pipeline, Pipeline]:
    classifier = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    classifier.fit(X, ts.crossed.astype(int))
    boats_model = make_pipeline(StandardScaler(), PoissonRegressor(alpha=1e-2, max_iter=3000))
    boats_model.fit(X, ts.boats)
    return classifier, boats_model


def variant_name(variables: list[str], activity: bool, all_variables: bool) -> str:
    label = "all weather variables" if all_variables else "+".join(variables)
    return f"{label} {'with' if activity else 'without'} recent activity"


@dataclass
class Prediction:
    """A forecast for consecutive days and how it was made.

    ``table``: ``date``, ``p_crossing``, ``expected_boats``, ``expected_people``; ``drivers``: the daily
    weather of those days (every variable the weather has, our names and units); ``contributions``: each
    feature's share of the log-odds; ``skipped``: why richer variants were not used.
    """

    table: pd.DataFrame
    variant: Variant
    drivers: pd.DataFrame
    contributions: pd.DataFrame
    activity_as_of: date | None
    people_per_boat: float
    people_per_boat_basis: str
    skipped: list[str] = field(default_factory=list)


@dataclass
class CrossingModel:
    """A trained crossing forecast (its variants, best first) and what it was trained on."""

    variants: list[Variant]
    activity_tail: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def primary(self) -> Variant:
        return self.variants[0]

    @property
    def weather_variables(self) -> list[str]:
        return self.primary.weather_variables

    @property
    def feature_names(self) -> list[str]:
        return self.primary.feature_names

    def history(self, crossings: pd.DataFrame | None, before: date) -> pd.DataFrame:
        """Known crossings before ``before``: the training tail extended by ``crossings``."""
        history = self.activity_tail
        if crossings is not None and not crossings.empty:
            known = crossings[["boats_arrived", "migrants_arrived"]]
            history = pd.concat([history[~history.index.isin(known.index)], known]).sort_index()
        return history[history.index < pd.Timestamp(before)]

    def predict(
        self,
        weather: pd.DataFrame,
        start: date,
        end: date,
        crossings: pd.DataFrame | None = None,
        *,
        min_hours: int = MIN_HOURS,
        max_activity_gap_days: int = MAX_ACTIVITY_GAP_DAYS,
    ) -> Prediction:
        """Forecast for ``start``..``end`` with the best variant the inputs cover.

        ``crossings`` (optional) are the crossings known now; they extend the activity stored at training
        time. Raises ``TemporalNotCovered`` (naming what is missing) when no variant is covered.
        """
        if end < start:
            raise ConfigError("--to is before --from")
        history = self.history(crossings, start)
        last_known = history.index.max().date() if not history.empty else None
        gap = (start - last_known).days if last_known is not None else None
        skipped: list[str] = []
        for variant in self.variants:
            if variant.uses_activity and (gap is None or gap > max_activity_gap_days):
                known = f"known to {last_known}" if last_known else "unknown"
                skipped.append(f"{variant.name}: recent crossings {known}, more than "
                               f"{max_activity_gap_days} days before {start}")  # fmt: skip
                continue
            prev = [v for v in PREV_DAY_VARIABLES if v in variant.weather_variables]
            try:
                require_days(weather, start - timedelta(days=1), start - timedelta(days=1), prev, min_hours)
                require_days(weather, start, end, variant.weather_variables, min_hours)
            except TemporalNotCovered as exc:
                skipped.append(f"{variant.name}: {exc}")
                continue
            return self._predict_with(variant, weather, start, end, history, last_known, skipped)
        raise TemporalNotCovered(
            f"no variant of the model is covered for {start}..{end}: " + "; ".join(skipped)
        )

    def _predict_with(
        self,
        variant: Variant,
        weather: pd.DataFrame,
        start: date,
        end: date,
        history: pd.DataFrame,
        last_known: date | None,
        skipped: list[str],
    ) -> Prediction:
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date")
        X = design_matrix(weather, days, history, variant.weather_variables)[variant.feature_names]
        if X.isna().any().any():
            missing = [c for c in X.columns if X[c].isna().any()]
            raise TemporalNotCovered(f"features missing for some requested days: {', '.join(missing)}")
        ratio, basis = people_per_boat(history, start)
        p = variant.classifier.predict_proba(X)[:, 1]
        boats = variant.boats_model.predict(X)
        table = pd.DataFrame(
            {
                "date": [d.date().isoformat() for d in days],
                "p_crossing": p,
                "expected_boats": boats,
                "expected_people": boats * ratio,
            }
        )
        present = [v for v in WEATHER_CANDIDATES if v in weather.columns]
        drivers = weather.reindex(days)[present]
        return Prediction(
            table=table,
            variant=variant,
            drivers=drivers,
            contributions=variant.contributions(X),
            activity_as_of=last_known if variant.uses_activity else None,
            people_per_boat=ratio,
            people_per_boat_basis=basis,
            skipped=skipped,
        )


def train(
    weather: pd.DataFrame,
    crossings: pd.DataFrame,
    until: date,
    weather_source: str = "",
    since: date | None = None,
    min_hours: int = MIN_HOURS,
) -> CrossingModel:
    """Train every variant on the same days, strictly before ``until`` (and from ``since`` when given)."""
    weather = complete_days(weather, min_hours)
    past_weather = weather[weather.index < pd.Timestamp(until)]
    variables = choose_weather_variables(past_weather)
    if not variables:
        raise ConfigError("the weather has none of the variables the model can use")
    ts = training_set(weather, crossings, variables, until, since, min_hours)
    n_pos = int(ts.crossed.sum())
    if len(ts.X) < 20 or n_pos == 0 or n_pos == len(ts.X):
        raise ConfigError(
            f"too little training data before {until}: {len(ts.X)} days with weather and crossings, "
            f"{n_pos} crossing days"
        )
    core = [v for v in variables if v in CORE_VARIABLES]
    weather_sets = [variables] + ([core] if core and core != variables else [])
    variants: list[Variant] = []
    for activity in (True, False):
        for variable_set in weather_sets:
            features = _variant_features(list(ts.X.columns), variable_set, activity)
            classifier, boats_model = _fit(ts.X[features], ts)
            name = variant_name(variable_set, activity, variable_set is variables)
            variants.append(Variant(name, variable_set, activity, features, classifier, boats_model))
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
        "variants": [v.name for v in variants],
        "min_hours": min_hours,
        "model": "logistic regression (crossing day) + Poisson regression (boats) × people per boat, "
        "scikit-learn",
    }
    return CrossingModel(variants, tail, metadata)
