"""The canonical weather table and its daily aggregation.

A ``WeatherTable`` is what every source reader returns: one row per (time, site), the time in UTC
(tz-aware), our variable names in our units (``weather.aliases.VARIABLES``). ``daily`` says the
source itself is daily (its ``time`` is the local day at 00:00 UTC).

``to_daily`` turns any table into one row per local day (Europe/London: the crossing statistics count
by UK date of arrival) and one value per variable, averaging over sites first (a regional value) and
then applying each variable's daily rule (mean wind, max gust, sum of precipitation, min visibility…).
This is what lets the crossing forecast take a finer (hourly, gridded, station) series with no code
change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from watchkeeper.core.errors import TemporalNotCovered
from watchkeeper.weather.aliases import VARIABLES, circular_mean_deg

LOCAL_TZ = "Europe/London"

_DIRECTIONS = ("wind_from_deg", "wave_from_deg")


@dataclass
class WeatherTable:
    """Rows of (time UTC, site, variables…) read from one source."""

    frame: pd.DataFrame
    source: str
    fmt: str
    daily: bool = False
    unmapped: list[str] = field(default_factory=list)
    issued_at: pd.Timestamp | None = None  # when the source states its issue (reference) time, UTC

    @property
    def variables(self) -> list[str]:
        return [c for c in self.frame.columns if c in VARIABLES]

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        times = self.frame["time"]
        return times.min(), times.max()


def _site_mean(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Average over sites for each time (directions by circular mean)."""
    variables = [c for c in frame.columns if c in VARIABLES]
    plain = [v for v in variables if v not in _DIRECTIONS]
    grouped = frame.groupby(keys, sort=True)
    out = grouped[plain].mean() if plain else pd.DataFrame(index=grouped.size().index)
    for v in variables:
        if v in _DIRECTIONS:
            out[v] = grouped[v].agg(lambda s: circular_mean_deg(s.to_numpy(dtype=float)))
    return out


_Agg = Callable[[pd.Series], float]


def _circ(s: pd.Series) -> float:
    return circular_mean_deg(s.to_numpy(dtype=float))


#: (output variable, input variable, aggregation) for hourly → daily.
DAILY_RULES: tuple[tuple[str, str, str | _Agg], ...] = (
    ("wind_speed_kt", "wind_speed_kt", "mean"),
    ("wind_speed_max_kt", "wind_speed_kt", "max"),
    ("wind_speed_max_kt", "wind_speed_max_kt", "max"),
    ("wind_gust_kt", "wind_gust_kt", "max"),
    ("wind_from_deg", "wind_from_deg", _circ),
    ("wave_height_m", "wave_height_m", "mean"),
    ("wave_height_max_m", "wave_height_m", "max"),
    ("wave_period_s", "wave_period_s", "mean"),
    ("wave_from_deg", "wave_from_deg", _circ),
    ("visibility_km", "visibility_km", "min"),
    ("precipitation_mm", "precipitation_mm", "sum"),
    ("precipitation_prob_pct", "precipitation_prob_pct", "max"),
    ("air_temperature_c", "air_temperature_c", "mean"),
    ("air_temperature_max_c", "air_temperature_c", "max"),
    ("air_temperature_min_c", "air_temperature_c", "min"),
    ("air_temperature_max_c", "air_temperature_max_c", "max"),
    ("air_temperature_min_c", "air_temperature_min_c", "min"),
    ("sea_temperature_c", "sea_temperature_c", "mean"),
    ("cloud_cover_pct", "cloud_cover_pct", "mean"),
    ("humidity_pct", "humidity_pct", "mean"),
)


def to_daily(table: WeatherTable) -> pd.DataFrame:
    """One row per local day (index ``date``, naive midnight), our daily variables as columns."""
    frame = table.frame
    if frame.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    if table.daily:
        days = pd.to_datetime(frame["time"]).dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
        merged = _site_mean(frame.assign(date=days), ["date"])
        merged.index = pd.DatetimeIndex(merged.index, name="date")
        return merged.sort_index()
    by_time = _site_mean(frame, ["time"])
    local = pd.DatetimeIndex(by_time.index).tz_convert(LOCAL_TZ)
    by_time["date"] = local.tz_localize(None).normalize()
    grouped = by_time.groupby("date")
    out = pd.DataFrame(index=pd.DatetimeIndex(sorted(by_time["date"].unique()), name="date"))
    for target, source_var, how in DAILY_RULES:
        if source_var not in by_time.columns:
            continue
        values = grouped[source_var].agg(how)
        if target in out.columns:
            combine = np.fmin if how == "min" else np.fmax
            out[target] = combine(out[target].to_numpy(float), values.reindex(out.index).to_numpy(float))
        else:
            out[target] = values.reindex(out.index)
    # how many distinct hours fed each day: lets a consumer drop partial days (not a model feature)
    out["hours_covered"] = by_time.groupby("date").size().reindex(out.index).astype(int)
    return out


def complete_days(daily: pd.DataFrame, min_hours: int) -> pd.DataFrame:
    """The days of ``daily`` a forecast may use: all of a daily source; of a sub-daily source, the days
    fed by at least ``min_hours`` distinct hours (a day seen for two hours is not a day's weather)."""
    if "hours_covered" not in daily.columns or min_hours <= 0:
        return daily
    return daily[daily["hours_covered"] >= min_hours]


def require_days(
    daily: pd.DataFrame, start: date, end: date, variables: list[str], min_hours: int = 0
) -> pd.DataFrame:
    """Rows ``start``..``end`` (inclusive) with every variable present; else ``TemporalNotCovered``.

    With ``min_hours``, a day of a sub-daily source fed by fewer hours counts as missing.
    """
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date")
    missing_vars = [v for v in variables if v not in daily.columns]
    if missing_vars:
        raise TemporalNotCovered(f"the weather supplied has no {', '.join(missing_vars)}")
    sub = daily.reindex(days)
    short = np.zeros(len(sub), dtype=bool)
    if min_hours > 0 and "hours_covered" in sub.columns:
        short = (sub["hours_covered"].fillna(0) < min_hours).to_numpy()
    sub = sub[variables]
    holes = sub.index[sub.isna().any(axis=1).to_numpy() | short]
    if len(holes):
        shown = ", ".join(d.strftime("%Y-%m-%d") for d in holes[:5])
        why = f" (a day needs {min_hours} hours of a sub-daily source)" if short.any() else ""
        raise TemporalNotCovered(
            f"weather missing for {len(holes)} of {len(days)} days ({shown}{'…' if len(holes) > 5 else ''})"
            f"{why}"
        )
    return sub
