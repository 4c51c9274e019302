"""Effect of operations: crossings on days with favourable weather, before and after a date.

Crossings depend first on the weather, so comparing raw totals before and after an operation's start
mostly measures the weather. We compare like with like: only *favourable* days (by default daily mean
wind at or below ``wind_max_kt``; any boolean series can be given), in a window of ``days`` before the
date and ``days`` from it. The measure per favourable day is boats, people or crossing day (0/1).

The change and its uncertainty are given two ways:

* **moving-block bootstrap** (blocks of 7 consecutive favourable days, seeded): a percentile interval
  for the difference of means, which respects week-to-week clustering of crossings;
* **quasi-Poisson count model**: rate ratio after/before with a Wald interval on the log scale,
  inflated by the Pearson dispersion (crossing counts are strongly over-dispersed).

Neither is a causal estimate: trends, seasons and displacement (to other beaches, other days) also
change between the windows. The window is symmetric so that season is at least partly balanced.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from watchkeeper.core.errors import ConfigError, TemporalNotCovered

Measure = Literal["boats", "people", "crossing_day"]
_COLUMN = {"boats": "boats_arrived", "people": "migrants_arrived"}


@dataclass
class EffectResult:
    operation_date: str
    window_days: int
    measure: str
    favourable_rule: str
    n_before: int
    n_after: int
    mean_before: float
    mean_after: float
    change: float
    change_ci95: tuple[float, float]
    relative_change: float
    rate_ratio: float
    rate_ratio_ci95: tuple[float, float]
    dispersion: float
    bootstrap_resamples: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def favourable_days(weather: pd.DataFrame, wind_max_kt: float) -> pd.Series:
    """True on days whose daily mean wind is at or below ``wind_max_kt`` (weather index ``date``)."""
    if "wind_speed_kt" not in weather.columns:
        raise ConfigError("the weather has no wind_speed_kt: cannot define favourable days")
    wind = weather["wind_speed_kt"]
    return (wind <= wind_max_kt).where(wind.notna())


def _measure(crossings: pd.DataFrame, measure: Measure) -> pd.Series:
    if measure == "crossing_day":
        return (crossings["boats_arrived"] > 0).astype(float)
    return crossings[_COLUMN[measure]].astype(float)


def _block_bootstrap_mean(values: np.ndarray, block: int, rng: np.random.Generator, n: int) -> np.ndarray:
    """Means of ``n`` moving-block bootstrap resamples of ``values`` (same length)."""
    size = len(values)
    block = max(1, min(block, size))
    n_blocks = math.ceil(size / block)
    starts = rng.integers(0, size - block + 1, size=(n, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n, -1)[:, :size]
    means: np.ndarray = values[idx].mean(axis=1)
    return means


def effect_of_operation(
    crossings: pd.DataFrame,
    favourable: pd.Series,
    operation_date: date,
    days: int = 90,
    measure: Measure = "boats",
    resamples: int = 2000,
    seed: int = 20260101,
    block: int = 7,
    rule: str = "",
) -> EffectResult:
    """Change in crossings per favourable day from ``days`` before ``operation_date`` to ``days`` from it."""
    op = pd.Timestamp(operation_date)
    window = pd.date_range(op - pd.Timedelta(days=days), op + pd.Timedelta(days=days - 1), freq="D")
    fav = favourable.reindex(window)
    have = crossings.index.intersection(window)
    if len(have) < len(window) or fav.isna().any():
        missing_w = int(fav.isna().sum())
        raise TemporalNotCovered(
            f"window {window[0].date()}..{window[-1].date()}: "
            f"{len(window) - len(have)} days without crossings data, "
            f"{missing_w} days without weather"
        )
    values = _measure(crossings.loc[window], measure)
    mask = fav.astype(bool).to_numpy()
    before_sel = (window < op) & mask
    after_sel = (window >= op) & mask
    before, after = values[before_sel].to_numpy(), values[after_sel].to_numpy()
    if len(before) < 5 or len(after) < 5:
        raise ConfigError(f"too few favourable days: {len(before)} before, {len(after)} after (need 5 each)")
    rng = np.random.default_rng(seed)
    diffs = _block_bootstrap_mean(after, block, rng, resamples) - _block_bootstrap_mean(
        before, block, rng, resamples
    )
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    mean_b, mean_a = float(before.mean()), float(after.mean())
    # quasi-Poisson: log(rate) = a + b * after; b's MLE is log(mean_a / mean_b)
    fitted = np.concatenate([np.full(len(before), mean_b), np.full(len(after), mean_a)])
    observed = np.concatenate([before, after])
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.where(fitted > 0, (observed - fitted) ** 2 / fitted, 0.0)
    dispersion = max(1.0, float(pearson.sum()) / max(1, len(observed) - 2))
    if mean_b > 0 and mean_a > 0:
        ratio = mean_a / mean_b
        se = math.sqrt(dispersion * (1.0 / before.sum() + 1.0 / after.sum()))
        ratio_ci = (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))
    else:
        ratio, ratio_ci = math.nan, (math.nan, math.nan)
    return EffectResult(
        operation_date=op.date().isoformat(),
        window_days=days,
        measure=measure,
        favourable_rule=rule or "favourable series given",
        n_before=len(before),
        n_after=len(after),
        mean_before=mean_b,
        mean_after=mean_a,
        change=mean_a - mean_b,
        change_ci95=(float(lo), float(hi)),
        relative_change=(mean_a - mean_b) / mean_b if mean_b > 0 else math.nan,
        rate_ratio=ratio,
        rate_ratio_ci95=ratio_ci,
        dispersion=dispersion,
        bootstrap_resamples=resamples,
    )
