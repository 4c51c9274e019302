"""Crossing statistics: figures by period, chart export (PNG/SVG), effect of operations.

* ``GET /api/stats/figures?period=monthly&from=2024-01&to=2024-12[&format=csv]`` — the Home Office
  figures (people, boats, people per boat, uncontrolled landings, French-prevented people and events)
  with the cell's incident outcomes beside them (``cell_*``) when an outcome provider is wired.
* ``GET /api/stats/chart?period=monthly&kind=arrivals&format=svg`` — the same figures as a chart file.
* ``GET /api/stats/effect?date=2020-08-15&days=90&measure=boats&wind_max_kt=10`` — crossings per
  favourable-weather day before and after a date, with bootstrap and quasi-Poisson intervals.

``from``/``to`` take the period's own form: ``YYYY-MM-DD`` (daily, weekly), ``YYYY-MM``, ``YYYY``.
The Home Office series are PUBLIC (Open Government Licence); outcome rows carry their incidents'
markings and are summed only over those the reader may see (``stats.outcomes``). The answer's
``marking`` is the most restrictive of what went into it.

Incident outcomes come from ``runtime.incident_outcomes`` (the incident store's provider): a callable
``(start: date | None, end: date | None) -> Iterable[DailyOutcome | Mapping]`` (see
``watchkeeper.stats.outcomes``). With no incident recorded, the figures carry no ``cell_*`` columns.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.errors import ConfigError, NotCovered
from watchkeeper.core.marking import Marking, combine, may_see
from watchkeeper.store.users import Role

router = APIRouter(tags=["stats"])

#: Every operational role reads the statistics (admin manages users, not data).
READERS = (Role.WATCH_OFFICER, Role.ANALYST, Role.ASSET_CONTROLLER, Role.PARTNER_LIAISON, Role.AUDITOR)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]

PeriodName = Literal["daily", "weekly", "monthly", "yearly"]
_FORMS = {"daily": (r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD"), "weekly": (r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD"),
          "monthly": (r"\d{4}-\d{2}", "YYYY-MM"), "yearly": (r"\d{4}", "YYYY")}  # fmt: skip


def period_bound(value: str | None, period: str, end: bool, name: str) -> date | None:
    """``value`` in the period's own form → its first (or, for ``end``, last) day."""
    if value is None:
        return None
    pattern, form = _FORMS[period]
    if not re.fullmatch(pattern, value):
        raise ApiError(422, f"{name}: {value!r} is not {form} (period {period})")
    try:
        if period in ("daily", "weekly"):
            return date.fromisoformat(value)
        p = pd.Period(value, freq="M" if period == "monthly" else "Y")
    except ValueError as exc:
        raise ApiError(422, f"{name}: {value!r}: {exc}") from None
    return (p.end_time if end else p.start_time).date()


def _outcomes(
    runtime: Runtime, user: Principal, start: date | None, end: date | None
) -> tuple[Any, set[str]]:
    """(daily outcome frame or None, markings of the rows used)."""
    from watchkeeper.stats.outcomes import as_outcome, outcome_frame

    provider = runtime.incident_outcomes
    if provider is None:
        return None, set()
    try:
        rows = [as_outcome(r) for r in provider(start, end)]
    except ConfigError as exc:
        raise ApiError(502, f"incident outcomes refused: {exc}") from None
    if not rows:  # the cell's incident log is empty: no cell_* columns rather than a row of zeros
        return None, set()
    used = {r.marking for r in rows if may_see(user.clearance, r.marking)}
    return outcome_frame(rows, user.clearance), used


def figures_table(
    runtime: Runtime, user: Principal, period: str, date_from: str | None, date_to: str | None
) -> tuple[pd.DataFrame, str, bool]:
    """(figures, marking, with outcomes) for the request."""
    from watchkeeper.stats.figures import Period, store_figures

    start = period_bound(date_from, period, False, "from")
    end = period_bound(date_to, period, True, "to")
    if start is not None and end is not None and end < start:
        raise ApiError(422, "to is before from")
    outcomes, used = _outcomes(runtime, user, start, end)
    table = store_figures(runtime.engine, Period(period), start, end, outcomes)
    return table, combine([Marking.PUBLIC, *used]).value, outcomes is not None


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


@router.get(
    "/stats/figures",
    summary="Home Office small-boat figures by period, with the cell's outcomes",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def get_figures(
    runtime: RuntimeDep,
    user: Reader,
    period: PeriodName = "monthly",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Any:
    from watchkeeper.stats.charts import SOURCE_NOTE
    from watchkeeper.stats.figures import daily_frame

    table, marking, with_outcomes = figures_table(runtime, user, period, date_from, date_to)
    if fmt == "csv":
        return Response(
            table.to_csv(index=False, na_rep=""),
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="stats_{period}.csv"',
                "X-Marking": marking,
            },
        )
    known = daily_frame(runtime.engine)
    return {
        "period": period,
        "label": table.columns[0],
        "columns": list(table.columns),
        "rows": [{k: _plain(v) for k, v in r.items()} for r in table.to_dict(orient="records")],
        "coverage": {
            "first_day": known.index.min().date().isoformat() if not known.empty else None,
            "last_day": known.index.max().date().isoformat() if not known.empty else None,
        },
        "source": SOURCE_NOTE,
        "outcomes": "the cell's incident outcomes (cell_*)" if with_outcomes else None,
        "marking": marking,
    }


@router.get(
    "/stats/chart",
    summary="A chart of the figures as a PNG or SVG file",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def get_chart(
    runtime: RuntimeDep,
    user: Reader,
    period: PeriodName = "monthly",
    kind: Literal["arrivals", "people_per_boat", "landings", "prevented", "outcomes"] = "arrivals",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    fmt: Annotated[Literal["png", "svg"], Query(alias="format")] = "png",
) -> Response:
    from watchkeeper.stats.charts import render_chart

    table, marking, _ = figures_table(runtime, user, period, date_from, date_to)
    try:
        body = render_chart(table, kind, fmt)
    except ConfigError as exc:
        raise ApiError(422, str(exc), code="not_covered") from None
    media = "image/png" if fmt == "png" else "image/svg+xml"
    name = f"small_boats_{kind}_{period}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Marking": marking}
    return Response(body, media_type=media, headers=headers)


def history_weather_paths(runtime: Runtime) -> list[Path]:
    """Past weather for favourable days: ``WATCHKEEPER_FORECAST_HISTORY_WEATHER``, else the file the
    trained model was trained on."""
    from watchkeeper.weather.persist import model_metadata
    from watchkeeper.weather.settings import ForecastSettings

    settings = ForecastSettings()
    paths = settings.history_paths()
    if not paths:
        meta = model_metadata(settings.resolved_model_path(runtime.settings.data_dir))
        source = str(meta.get("weather_source", "")) if meta else ""
        paths = [Path(source)] if source else []
    return [p for p in paths if p.is_file()]


@router.get("/stats/effect", summary="Effect of an operation: crossings on favourable days before and after")
def get_effect(
    runtime: RuntimeDep,
    user: Reader,
    operation_date: Annotated[date, Query(alias="date", description="the operation's start, YYYY-MM-DD")],
    days: Annotated[int, Query(ge=14, le=730, description="window each side, days")] = 90,
    measure: Literal["boats", "people", "crossing_day"] = "boats",
    wind_max_kt: Annotated[
        float, Query(gt=0, le=60, description="favourable: daily mean wind ≤ this")
    ] = 10.0,
) -> dict[str, Any]:
    from watchkeeper.stats.effect import effect_of_operation, favourable_days
    from watchkeeper.stats.figures import daily_frame
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    paths = history_weather_paths(runtime)
    if not paths:
        raise ApiError(
            503, "no past weather configured (WATCHKEEPER_FORECAST_HISTORY_WEATHER or a trained model)"
        )
    weather = pd.concat([to_daily(read_weather(p)) for p in paths]).sort_index()
    weather = weather[~weather.index.duplicated(keep="last")]
    rule = f"daily mean wind ≤ {wind_max_kt:g} kt ({', '.join(p.name for p in paths)})"
    try:
        result = effect_of_operation(
            daily_frame(runtime.engine), favourable_days(weather, wind_max_kt), operation_date, days, measure,
            rule=rule,
        )  # fmt: skip
    except NotCovered as exc:
        raise ApiError(422, str(exc), code="not_covered") from None
    except ConfigError as exc:
        raise ApiError(422, str(exc)) from None
    body = {
        k: _plain(v) if not isinstance(v, tuple) else [_plain(x) for x in v]
        for k, v in result.as_dict().items()
    }
    body["marking"] = Marking.PUBLIC.value
    body["caveat"] = (
        "Not a causal estimate: trends, season and displacement to other beaches or days also change between "
        "the two windows."
    )
    return body
