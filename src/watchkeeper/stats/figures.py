"""Figures: daily, weekly, monthly and yearly people, boats, people per boat, uncontrolled landings,
French-prevented people and events, and — beside them — the cell's own incident outcomes.

People and boats come from the daily series (SB_01), summed over the period. French preventions are
weekly only (SB_02, weeks ending Sunday): a week counts in the month and year of its *week-ending*
date (the published convention: weeks are not split across months). A value is empty where the
source has none for the whole period (uncontrolled landings before 2023, French estimates before
2024-05, and any French figure at daily resolution).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from watchkeeper.stats.models import CrossingDay, CrossingWeek


class Period(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


#: Columns of every figures table, in order (the first is the period label).
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


def figures(daily: pd.DataFrame, weekly: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The figures table for ``period`` (one row per period with daily data), columns ``FIGURE_COLUMNS``."""
    label = LABEL[period]
    if daily.empty:
        return pd.DataFrame(columns=[label, *FIGURE_COLUMNS])
    idx = pd.DatetimeIndex(daily.index)
    grouped = daily.groupby(_key(idx, period))
    out = pd.DataFrame(
        {
            "migrants_arrived": grouped["migrants_arrived"].sum(),
            "boats_arrived": grouped["boats_arrived"].sum(),
            "boats_uncontrolled_landings": grouped["boats_uncontrolled_landings"].sum(min_count=1),
        }
    )
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
    for col in FIGURE_COLUMNS:
        if col != "people_per_boat":
            out[col] = out[col].round().astype("Int64")
    out.index.name = label
    return out.reset_index()[[label, *FIGURE_COLUMNS]]


def store_figures(
    engine: Engine, period: Period, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Figures from the store for days ``start``..``end`` (inclusive)."""
    weekly = weekly_frame(engine)
    if start is not None:
        # weeks that end in the first period but began earlier still belong to it
        weekly = weekly[weekly.index >= pd.Timestamp(start)]
    if end is not None:
        weekly = weekly[weekly.index <= pd.Timestamp(end)]
    return figures(daily_frame(engine, start, end), weekly, period)


def with_incident_outcomes(
    table: pd.DataFrame, outcomes: Mapping[str, Mapping[str, int]], prefix: str = "cell_"
) -> pd.DataFrame:
    """The seam for the cell's own incident outcomes, shown beside the Home Office figures.

    ``outcomes`` maps a period label as in ``table``'s first column (``2024-06``, ``2024-06-02``,
    ``2024``) to counts by outcome, e.g. ``{"2024-06": {"rescued": 12, "landed": 30, "returned_fr": 4}}``.
    Each outcome becomes a column ``cell_<outcome>``; a period with no incident gets 0 for the outcomes
    seen elsewhere. The incidents capability calls this with its per-period counts; nothing here
    reads incidents itself.
    """
    label = table.columns[0]
    kinds = sorted({k for counts in outcomes.values() for k in counts})
    out = table.copy()
    for kind in kinds:
        out[f"{prefix}{kind}"] = [int(outcomes.get(str(p), {}).get(kind, 0)) for p in out[label]]
    return out


def month_bounds(month_from: str | None, month_to: str | None) -> tuple[date | None, date | None]:
    """``YYYY-MM`` bounds → first day of the first month, last day of the last month."""
    start = pd.Period(month_from, freq="M").start_time.date() if month_from else None
    end = pd.Period(month_to, freq="M").end_time.date() if month_to else None
    return start, end
