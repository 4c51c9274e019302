"""Evaluation of the crossing forecast on a later period than it was trained on, against two baselines.

Baselines, fitted on the same training days in the same run:

* **climatology by month**: the share of crossing days in each calendar month of the training period;
* **best wind-threshold rule**: "crossing day when the daily wind is at or below T knots", T chosen on
  the training period to minimise the Brier score; the rule's probability is the training share of
  crossing days below and above T.

Scores: ROC AUC (ranking), Brier score (calibration and sharpness) and the expected calibration error
of a reliability table (10 equal-width bins), with the reliability diagram. Counts: mean absolute error
of expected boats and people against the training period's monthly means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from watchkeeper.core.errors import ConfigError
from watchkeeper.weather.forecast import (
    MIN_HOURS,
    CrossingModel,
    design_matrix,
    people_per_boat,
    train,
    training_set,
)
from watchkeeper.weather.table import complete_days


@dataclass
class MonthClimatology:
    rates: dict[int, float]
    overall: float

    @classmethod
    def fit(cls, days: pd.DatetimeIndex, crossed: np.ndarray) -> MonthClimatology:
        s = pd.Series(crossed.astype(float), index=days)
        by_month = s.groupby(days.month).mean()
        return cls({int(str(m)): float(v) for m, v in by_month.items()}, float(s.mean()))

    def predict(self, days: pd.DatetimeIndex) -> np.ndarray:
        return np.array([self.rates.get(int(m), self.overall) for m in days.month], dtype=float)


@dataclass
class WindThresholdRule:
    threshold_kt: float
    p_calm: float
    p_windy: float

    @classmethod
    def fit(cls, wind_kt: np.ndarray, crossed: np.ndarray) -> WindThresholdRule:
        y = crossed.astype(float)
        best: tuple[float, WindThresholdRule] | None = None
        for t in np.unique(np.round(np.quantile(wind_kt, np.linspace(0.02, 0.98, 97)), 2)):
            calm = wind_kt <= t
            rule = cls(float(t), float(y[calm].mean()), float(y[~calm].mean()) if (~calm).any() else 0.0)
            score = float(np.mean((rule.predict(wind_kt) - y) ** 2))
            if best is None or score < best[0]:
                best = (score, rule)
        assert best is not None
        return best[1]

    def predict(self, wind_kt: np.ndarray) -> np.ndarray:
        return np.where(wind_kt <= self.threshold_kt, self.p_calm, self.p_windy)


def reliability_table(p: np.ndarray, y: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Per probability bin: count, mean forecast probability, observed frequency of crossing days."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        sel = idx == b
        rows.append(
            {
                "bin_low": edges[b],
                "bin_high": edges[b + 1],
                "count": int(sel.sum()),
                "mean_p": float(p[sel].mean()) if sel.any() else np.nan,
                "observed": float(y[sel].mean()) if sel.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def expected_calibration_error(table: pd.DataFrame) -> float:
    """Count-weighted mean gap between forecast probability and observed frequency over the bins."""
    used = table[table["count"] > 0]
    return float((used["count"] * (used["mean_p"] - used["observed"]).abs()).sum() / used["count"].sum())


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(reliability_table(p, y)),
    }


@dataclass
class Evaluation:
    """Scores of the model (its primary variant: ``model``), its other variants, the model at longer
    activity lags, and the two baselines, all on the same later (test) days."""

    train_period: tuple[str, str]
    test_period: tuple[str, str]
    n_train: int
    n_test: int
    test_crossing_rate: float
    scores: dict[str, dict[str, float]]
    reliability: dict[str, pd.DataFrame]
    wind_rule: WindThresholdRule
    model: CrossingModel
    predictions: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def beats_baselines(self) -> bool:
        m = self.scores["model"]
        return all(
            m["roc_auc"] > self.scores[b]["roc_auc"] and m["brier"] < self.scores[b]["brier"]
            for b in BASELINES
        )

    def summary(self) -> dict[str, Any]:
        return {
            "train_period": self.train_period,
            "test_period": self.test_period,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "test_crossing_rate": self.test_crossing_rate,
            "wind_rule": {
                "threshold_kt": self.wind_rule.threshold_kt,
                "p_calm": self.wind_rule.p_calm,
                "p_windy": self.wind_rule.p_windy,
            },
            "scores": self.scores,
            "beats_baselines": self.beats_baselines(),
            "variants": [v.name for v in self.model.variants],
            "features": self.model.feature_names,
            "weather_source": self.model.metadata.get("weather_source", ""),
        }


BASELINES = ("climatology_month", "wind_threshold")


def evaluate(
    weather: pd.DataFrame,
    crossings: pd.DataFrame,
    until: date,
    end: date | None = None,
    since: date | None = None,
    weather_source: str = "",
    lags: tuple[int, ...] = (),
    min_hours: int = MIN_HOURS,
) -> Evaluation:
    """Train before ``until``; score model, variants and baselines on ``until``..``end`` (inclusive).

    The test days' activity features use the crossings known the day before (a day-ahead forecast);
    each ``lags`` entry L adds ``model_lag_<L>d``: the primary variant with the activity as known L
    more days earlier (an outlook issued L+1 days ahead; the weather is still the observed one, so
    this measures only the staleness of activity, not weather-forecast error).
    """
    model = train(weather, crossings, until, weather_source, since, min_hours)
    weather = complete_days(weather, min_hours)
    tr = training_set(weather, crossings, model.weather_variables, until, since, min_hours)
    if "wind_speed_kt" not in tr.X.columns:
        raise ConfigError("the wind-threshold baseline needs wind_speed_kt in the weather")
    climatology = MonthClimatology.fit(pd.DatetimeIndex(tr.X.index), tr.crossed)
    rule = WindThresholdRule.fit(tr.X["wind_speed_kt"].to_numpy(dtype=float), tr.crossed)
    cut = pd.Timestamp(until)
    last = pd.Timestamp(end) if end is not None else weather.index.max()
    test_days = pd.DatetimeIndex(
        weather.index[(weather.index >= cut) & (weather.index <= last) & weather.index.isin(crossings.index)]
    )
    X = design_matrix(weather, test_days, crossings, model.weather_variables)[model.feature_names].dropna()
    if len(X) < 10:
        raise ConfigError(f"only {len(X)} test days after {until}")
    days = pd.DatetimeIndex(X.index)
    target = crossings.loc[days]
    y = (target["boats_arrived"].to_numpy(dtype=float) > 0).astype(int)
    if y.min() == y.max():
        raise ConfigError("the test period has only one class: ROC AUC is undefined")
    probs: dict[str, np.ndarray] = {
        "model": model.primary.classifier.predict_proba(X[model.primary.feature_names])[:, 1],
        "climatology_month": climatology.predict(days),
        "wind_threshold": rule.predict(X["wind_speed_kt"].to_numpy(dtype=float)),
    }
    for variant in model.variants[1:]:
        probs[f"variant: {variant.name}"] = variant.classifier.predict_proba(X[variant.feature_names])[:, 1]
    for lag in lags:
        lagged = design_matrix(weather, days, crossings, model.weather_variables, activity_lag_days=lag)
        lagged = lagged[model.feature_names]
        if lagged.isna().any().any():
            raise ConfigError(f"activity unknown at lag {lag} days for some test days")
        probs[f"model_lag_{lag}d"] = model.primary.classifier.predict_proba(lagged)[:, 1]
    scores = {name: _scores(y, p) for name, p in probs.items()}
    # counts: the model's expected boats and people against the training monthly means
    boats, people = target["boats_arrived"].to_numpy(float), target["migrants_arrived"].to_numpy(float)
    ratio = np.array([people_per_boat(crossings, d.date())[0] for d in days])
    expected_boats = model.primary.boats_model.predict(X[model.primary.feature_names])
    months = pd.DatetimeIndex(tr.X.index).month
    boats_month = pd.Series(tr.boats, index=tr.X.index).groupby(months).mean()
    people_month = pd.Series(tr.people, index=tr.X.index).groupby(months).mean()
    scores["model"]["boats_mae"] = float(np.abs(expected_boats - boats).mean())
    scores["model"]["people_mae"] = float(np.abs(expected_boats * ratio - people).mean())
    clim_boats = np.array([boats_month.get(m, tr.boats.mean()) for m in days.month])
    clim_people = np.array([people_month.get(m, tr.people.mean()) for m in days.month])
    scores["climatology_month"]["boats_mae"] = float(np.abs(clim_boats - boats).mean())
    scores["climatology_month"]["people_mae"] = float(np.abs(clim_people - people).mean())
    predictions = pd.DataFrame(
        {"date": days.date, "crossed": y, "boats": boats, "expected_boats": expected_boats,
         **{f"p_{k}": v for k, v in probs.items() if k in ("model", *BASELINES)}}
    )  # fmt: skip
    return Evaluation(
        train_period=(str(tr.X.index.min().date()), str(tr.X.index.max().date())),
        test_period=(str(days.min().date()), str(days.max().date())),
        n_train=len(tr.X),
        n_test=len(X),
        test_crossing_rate=float(y.mean()),
        scores=scores,
        reliability={name: reliability_table(probs[name], y) for name in ("model", *BASELINES)},
        wind_rule=rule,
        model=model,
        predictions=predictions,
    )


def reliability_diagram(evaluation: Evaluation, stem: Path) -> list[Path]:
    """Write the reliability diagram as ``<stem>.png`` and ``<stem>.svg``; return the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, hist) = plt.subplots(2, 1, figsize=(6, 7), height_ratios=(3, 1), sharex=True)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly reliable")
    styles = {"model": "o-", "climatology_month": "s--", "wind_threshold": "^--"}
    for name, table in evaluation.reliability.items():
        t = table[table["count"] > 0]
        s = evaluation.scores[name]
        label = f"{name} (AUC {s['roc_auc']:.3f}, Brier {s['brier']:.3f})"
        ax.plot(t["mean_p"], t["observed"], styles.get(name, "o-"), label=label)
    ax.set_ylabel("observed frequency of crossing days")
    ax.set_title(f"Crossing-day forecast, test {evaluation.test_period[0]} to {evaluation.test_period[1]}")
    ax.legend(loc="upper left", fontsize=8)
    model_table = evaluation.reliability["model"]
    hist.bar(model_table["bin_low"] + 0.05, model_table["count"], width=0.09)
    hist.set_xlabel("forecast probability of a crossing day")
    hist.set_ylabel("days (model)")
    source = Path(str(evaluation.model.metadata.get("weather_source", ""))).name or "unnamed weather"
    fig.text(0.01, 0.005, f"weather: {source} (observed, not forecast); train {evaluation.train_period[0]}"
             f"..{evaluation.train_period[1]}", fontsize=6, color="grey")  # fmt: skip
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    stem.parent.mkdir(parents=True, exist_ok=True)
    for p in paths:
        fig.savefig(
            p,
            dpi=120 if p.suffix == ".png" else None,
            metadata={"Date": None} if p.suffix == ".svg" else None,
        )
    plt.close(fig)
    return paths
