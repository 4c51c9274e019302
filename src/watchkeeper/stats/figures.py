"""Figures: daily, weekly, monthly and yearly people, boats, people per boat, uncontrolled landings,
French-prevented people and events, and — beside them — the cell's own incident outcomes.

People and boats come from the daily series (SB_01), summed over the period. French preventions are
weekly only (SB_02, weeks ending Sunday): a week counts in the month and year of its *week-ending*
date (the published convention: weeks are not split across months). A value is empty where the
source has none for the whole period (uncontrolled landings before 2023, French estimates before
2024-05, and any French figure at daily resolution).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from watchkeeper.stats.models import CrossingDay, CrossingWeek
from watchkeeper.stats.outcomes import OUTCOME_FIELDS, PREFIX


class Period(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


#: Columns of the ``stats <period>`` CSV/JSON after the period label (the CLI contract of issue 7).
CONTRACT_COLUMNS = (
    "migrants_arrived",
    "boats_arrived",
    "boats_uncontrolled_landings",
    "migrants_prevented_fr",
    "events_prevented_fr",
)
#: Figures of every period, in order (the first column of a table is the period label).
FIGURE_COLUMNS = (
    "migrants_arrived",
    "boats_arrived",
    "people_per_boat",
    "boats_uncontrolled_landings",
    "migrants_prevented_fr",
    "events_prevented_fr",
)
LABEL = {Period.DAILY: "date", Period.WEEKLY: "week_ending", Period.MONTHLY: "month", Period.YEARLY: "year"}


def daily_frame(engine: Engine, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """The daily series from the store: index ``date`` (naive midnight), counts as columns."""
    stmt = select(
        CrossingDay.date,
        CrossingDay.migrants_arrived,
        CrossingDay.boats_arrived,
        CrossingDay.boats_uncontrolled_landings,
    ).order_by(CrossingDay.date)
    if start is not None:
        stmt = stmt.where(CrossingDay.date >= start)
    if end is not None:
        stmt = stmt.where(CrossingDay.date <= end)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        rows, columns=["date", "migrants_arrived", "boats_arrived", "boats_uncontrolled_landings"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.set_index("date").astype(float)


def weekly_frame(engine: Engine) -> pd.DataFrame:
    stmt = select(
        CrossingWeek.week_ending, CrossingWeek.migrants_prevented_fr, CrossingWeek.events_prevented_fr
    ).order_by(CrossingWeek.week_ending)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["week_ending", "migrants_prevented_fr", "events_prevented_fr"])
    frame["week_ending"] = pd.to_datetime(frame["week_ending"])
    return frame.set_index("week_ending").astype(float)


def _key(index: pd.DatetimeIndex, period: Period) -> list[str]:
    if period is Period.DAILY:
        return list(index.strftime("%Y-%m-%d"))
    if period is Period.WEEKLY:  # the Sunday that ends the week (SB_02 convention)
        sunday = index + pd.to_timedelta((6 - index.day_of_week) % 7, unit="D")
        return list(sunday.strftime("%Y-%m-%d"))
    if period is Period.MONTHLY:
        return list(index.strftime("%Y-%m"))
    return list(index.strftime("%Y"))


def figures(
    daily: pd.DataFrame,
    weekly: pd.DataFrame,
    period: Period,
    outcomes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The figures table for ``period``: label, ``FIGURE_COLUMNS``, ``days_covered`` and, when
    ``outcomes`` (daily, from ``stats.outcomes.outcome_frame``) is given, ``cell_<outcome>`` columns.

    One row per period with Home Office daily data or cell outcomes. ``days_covered`` counts the days
    of Home Office daily data in the period (a partial last month shows it). A value is empty where
    its source has nothing for the whole period.
    """
    label = LABEL[period]
    outcome_cols = [f"{PREFIX}{c}" for c in OUTCOME_FIELDS] if outcomes is not None else []
    columns = [label, *FIGURE_COLUMNS, "days_covered", *outcome_cols]
    keys: set[str] = set()
    out = pd.DataFrame(index=pd.Index([], dtype=object))
    if not daily.empty:
        grouped = daily.groupby(_key(pd.DatetimeIndex(daily.index), period))
        out = pd.DataFrame(
            {
                "migrants_arrived": grouped["migrants_arrived"].sum(),
                "boats_arrived": grouped["boats_arrived"].sum(),
                "boats_uncontrolled_landings": grouped["boats_uncontrolled_landings"].sum(min_count=1),
                "days_covered": grouped.size(),
            }
        )
        keys |= set(out.index)
    if outcomes is not None and not outcomes.empty:
        by_period = outcomes.groupby(_key(pd.DatetimeIndex(outcomes.index), period))
        keys |= {str(k) for k in by_period.groups}
        out = out.reindex(sorted(keys))
        for col in OUTCOME_FIELDS:
            out[f"{PREFIX}{col}"] = by_period[col].sum(min_count=1).reindex(out.index)
    if not keys:
        return pd.DataFrame(columns=columns)
    out = out.reindex(sorted(keys))
    for col in ("migrants_arrived", "boats_arrived", "boats_uncontrolled_landings", "days_covered",
                *outcome_cols):  # fmt: skip
        if col not in out.columns:
            out[col] = np.nan
    out["days_covered"] = out["days_covered"].fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ppb = out["migrants_arrived"] / out["boats_arrived"]
    out["people_per_boat"] = ppb.where(out["boats_arrived"] > 0).round(2)
    if period is Period.DAILY or weekly.empty:
        out["migrants_prevented_fr"] = np.nan
        out["events_prevented_fr"] = np.nan
    else:
        wk = weekly.groupby(_key(pd.DatetimeIndex(weekly.index), period))
        for col in ("migrants_prevented_fr", "events_prevented_fr"):
            out[col] = wk[col].sum(min_count=1).reindex(out.index)
    for col in columns[1:]:
        if col != "people_per_boat":
            out[col] = out[col].astype(float).round().astype("Int64")
    out.index.name = label
    return out.reset_index()[columns]


def store_figures(
    engine: Engine,
    period: Period,
    start: date | None = None,
    end: date | None = None,
    outcomes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Figures from the store for days ``start``..``end`` (inclusive), with the cell's daily
    ``outcomes`` beside them when given (cut to the same days)."""
    weekly = weekly_frame(engine)
    if start is not None:
        # weeks that end in the first period but began earlier still belong to it
        weekly = weekly[weekly.index >= pd.Timestamp(start)]
    if end is not None:
        weekly = weekly[weekly.index <= pd.Timestamp(end)]
    if outcomes is not None:
        keep = np.ones(len(outcomes), dtype=bool)
        if start is not None:
            keep &= outcomes.index >= pd.Timestamp(start)
        if end is not None:
            keep &= outcomes.index <= pd.Timestamp(end)
        outcomes = outcomes[keep]
    return figures(daily_frame(engine, start, end), weekly, period, outcomes)


def month_bounds(month_from: str | None, month_to: str | None) -> tuple[date | None, date | None]:
    """``YYYY-MM`` bounds → first day of the first month, last day of the last month."""
    start = pd.Period(month_from, freq="M").start_time.date() if month_from else None
    end = pd.Period(month_to, freq="M").end_time.date() if month_to else None
    return start, end
