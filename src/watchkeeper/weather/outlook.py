"""The posture outlook: the coming days of the latest weather forecast through the crossing model.

Pure core: ``build_outlook(model, forecast, crossings, settings)`` takes a trained model, one forecast
(a ``WeatherTable``), the crossings known now and the settings, and returns an ``Outlook`` — per day
our calibrated probability of a crossing day, its RAG band (Met Office thresholds), expected boats and
people, the weather drivers, and what pushed the probability up or down. Nothing here reads a file or
a clock: the API and a live worker hand the inputs in (``latest_forecast_file`` is the one I/O helper,
at the edge). When the model cannot be applied, the outlook carries ``not_covered`` with the reason
and no days — never made-up numbers.

The outlook covers the forecast's days that are complete (``min_hours`` hours of a sub-daily source)
from the first day whose previous day the forecast also covers (the model reads yesterday's wind),
to the end of that consecutive run, from the issue day on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from watchkeeper.core.errors import NotCovered
from watchkeeper.weather.aliases import VARIABLES
from watchkeeper.weather.forecast import PREV_DAY_VARIABLES, CrossingModel
from watchkeeper.weather.limits import PROBABILITY_LABEL, training_weather_limits
from watchkeeper.weather.settings import ForecastSettings
from watchkeeper.weather.table import WeatherTable, complete_days, to_daily

FORECAST_SUFFIXES = frozenset({".grib", ".grb", ".grib2", ".grb2", ".nc", ".nc4", ".json", ".csv"})
#: Bus ``picture.update`` kind of an outlook message (docs/notes/page-views.md).
MESSAGE_KIND = "outlook"

_LABELS = {
    "wind_speed_kt": "wind", "wind_speed_max_kt": "strongest hourly wind", "wind_gust_kt": "gusts",
    "wind_from": "wind direction", "wave_height_m": "waves", "wave_height_max_m": "highest waves",
    "wave_period_s": "wave period", "visibility_km": "visibility", "precipitation_mm": "rain",
    "precipitation_prob_pct": "chance of rain", "cloud_cover_pct": "cloud", "humidity_pct": "humidity",
    "air_temperature_max_c": "day's top temperature", "air_temperature_c": "temperature",
    "season": "season", "weekend": "weekend", "activity": "recent crossings",
}  # fmt: skip


def driver_group(feature: str) -> str:
    """The driver a model feature belongs to (``wind_speed_kt_prev_day`` → ``wind_speed_kt (day before)``)."""
    if feature.startswith("act_"):
        return "activity"
    if feature.startswith("doy_"):
        return "season"
    if feature.startswith("wind_from_"):
        return "wind_from"
    if feature.endswith("_prev_day"):
        return f"{feature.removesuffix('_prev_day')} (day before)"
    return feature


def driver_label(group: str) -> str:
    base, _, rest = group.partition(" (")
    return _LABELS.get(base, base.replace("_", " ")) + (f" ({rest}" if rest else "")


@dataclass
class OutlookDay:
    date: str
    p_crossing: float
    rag: str
    expected_boats: float
    expected_people: float
    drivers: dict[str, float | None]
    #: the largest shares of the log-odds against the training mean day: {driver, label, log_odds}
    pushes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Outlook:
    source: str
    issued_at: str | None
    days: list[OutlookDay]
    variant: str | None
    variant_variables: list[str]
    activity_as_of: str | None
    people_per_boat_basis: str | None
    skipped: list[str]
    not_covered: str | None
    model: dict[str, Any]
    limits: str
    probability_label: str = PROBABILITY_LABEL
    rag_thresholds: dict[str, float] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    marking: str = "UK-ONLY"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def outlook_period(
    daily: pd.DataFrame, needs_day_before: bool, first: date | None
) -> tuple[date, date] | None:
    """The first run of consecutive complete days (each with its day before when needed), from ``first``."""
    days = sorted(d.date() for d in daily.index)
    have = set(days)
    start = next(
        (
            d
            for d in days
            if (first is None or d >= first) and (not needs_day_before or d - timedelta(1) in have)
        ),
        None,
    )
    if start is None:
        return None
    end = start
    while end + timedelta(days=1) in have:
        end += timedelta(days=1)
    return start, end


def _model_summary(model: CrossingModel) -> dict[str, Any]:
    keys = ("training_first_day", "training_last_day", "training_days", "training_crossing_days",
            "weather_variables", "variants", "model")  # fmt: skip
    meta = {k: model.metadata.get(k) for k in keys}
    meta["weather_source"] = Path(str(model.metadata.get("weather_source", ""))).name
    return meta


def build_outlook(
    model: CrossingModel,
    forecast: WeatherTable,
    crossings: pd.DataFrame | None,
    settings: ForecastSettings,
    top_drivers: int = 3,
) -> Outlook:
    """The outlook of ``forecast`` (any weather source) with ``crossings`` known now (may be None)."""
    issued = forecast.issued_at
    base = Outlook(
        source=Path(forecast.source).name,
        issued_at=issued.isoformat() if issued is not None else None,
        days=[],
        variant=None,
        variant_variables=[],
        activity_as_of=None,
        people_per_boat_basis=None,
        skipped=[],
        not_covered=None,
        model=_model_summary(model),
        limits=training_weather_limits(model.metadata),
        rag_thresholds={"red_above": settings.rag_red_above, "green_below": settings.rag_green_below},
        units=dict(VARIABLES),
        marking=settings.marking.value,
    )
    daily = complete_days(to_daily(forecast), settings.min_hours)
    needs_day_before = any(v in PREV_DAY_VARIABLES for v in model.variants[-1].weather_variables)
    first = issued.tz_convert("Europe/London").date() if issued is not None else None
    period = outlook_period(daily, needs_day_before, first)
    if period is None:
        base.not_covered = (
            f"{base.source} has no complete day (≥ {settings.min_hours} h) "
            f"{'with its day before ' if needs_day_before else ''}to forecast"
        )
        return base
    try:
        prediction = model.predict(
            daily, period[0], period[1], crossings,
            min_hours=settings.min_hours, max_activity_gap_days=settings.max_activity_gap_days,
        )  # fmt: skip
    except NotCovered as exc:
        base.not_covered = str(exc)
        return base
    grouped = prediction.contributions.T.groupby(
        [driver_group(str(f)) for f in prediction.contributions.columns]
    )
    pushes = grouped.sum().T
    table = prediction.table
    for i in range(len(table)):
        day_pushes = pushes.iloc[i]
        order = np.argsort(-np.abs(day_pushes.to_numpy(dtype=float)))[:top_drivers]
        drivers = prediction.drivers.iloc[i]
        p = float(table["p_crossing"].iloc[i])
        base.days.append(
            OutlookDay(
                date=str(table["date"].iloc[i]),
                p_crossing=round(p, 4),
                rag=settings.rag(p),
                expected_boats=round(float(table["expected_boats"].iloc[i]), 2),
                expected_people=round(float(table["expected_people"].iloc[i]), 1),
                drivers={str(k): (None if pd.isna(v) else round(float(v), 2)) for k, v in drivers.items()},
                pushes=[
                    {
                        "driver": str(day_pushes.index[k]),
                        "label": driver_label(str(day_pushes.index[k])),
                        "log_odds": round(float(day_pushes.iloc[k]), 3),
                    }
                    for k in order
                ],
            )
        )
    base.variant = prediction.variant.name
    base.variant_variables = list(prediction.variant.weather_variables)
    base.activity_as_of = prediction.activity_as_of.isoformat() if prediction.activity_as_of else None
    base.people_per_boat_basis = prediction.people_per_boat_basis
    base.skipped = prediction.skipped
    return base


def latest_forecast_file(folder: Path) -> Path | None:
    """The forecast file that arrived last in ``folder`` (modification time, then name); None if empty."""
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FORECAST_SUFFIXES]
    if not files:
        return None
    return max(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def outlook_message(outlook: Outlook) -> dict[str, Any]:
    """The live message for ``picture.update`` (the LiveHub filters it by ``marking``)."""
    return {"kind": MESSAGE_KIND, "marking": outlook.marking, "outlook": outlook.as_dict()}


@dataclass(frozen=True)
class OutlookState:
    """What a live worker remembers between steps: the last outlook's identity and each day's band."""

    key: tuple[Any, ...] = ()
    bands: tuple[tuple[str, str], ...] = ()  # (date, rag)


def step(
    state: OutlookState,
    model: CrossingModel,
    forecast: WeatherTable,
    crossings: pd.DataFrame | None,
    settings: ForecastSettings,
) -> tuple[OutlookState, list[dict[str, Any]]]:
    """One step of a live worker: a new forecast file (or new crossings) in, messages out.

    Returns the new state and the ``picture.update`` messages to publish: the outlook when it differs
    from the last one (nothing otherwise), with ``newly_red`` listing the days that turned red.
    """
    outlook = build_outlook(model, forecast, crossings, settings)
    key = (outlook.source, outlook.issued_at, outlook.variant, outlook.not_covered,
           tuple((d.date, d.p_crossing, d.rag) for d in outlook.days))  # fmt: skip
    if key == state.key:
        return state, []
    before = dict(state.bands)
    bands = tuple((d.date, d.rag) for d in outlook.days)
    message = outlook_message(outlook)
    message["newly_red"] = [day for day, rag in bands if rag == "red" and before.get(day) != "red"]
    return OutlookState(key, bands), [message]
