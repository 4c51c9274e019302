"""``watchkeeper stats ...``: load the Home Office series, print figures, draw charts, effect of operations.

Examples::

    watchkeeper stats load ../shared/data/crossings/*.csv
    watchkeeper stats monthly --from 2024-01 --to 2024-12 --format csv
    watchkeeper stats chart --period monthly --from 2022-01 --to 2024-12 --out var/charts/monthly
    watchkeeper stats effect --date 2020-08-15 --weather regional.csv --days 60 --measure boats
"""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from sqlalchemy import Engine

from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.settings import get_settings
from watchkeeper.store.db import open_store

stats_app = typer.Typer(no_args_is_help=True, help="Small-boat crossing statistics (Home Office series).")

DbOpt = Annotated[str | None, typer.Option("--database-url", help="SQLAlchemy URL; default from settings")]


def _engine(url: str | None) -> Engine:
    return open_store(url or get_settings().effective_database_url)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


@stats_app.command("load")
def load_cmd(
    paths: Annotated[list[Path], typer.Argument(help="CSV files or the published ODS workbook", exists=True)],
    database_url: DbOpt = None,
) -> None:
    """Validate and load files in one transaction (all or nothing); revised rows replace old ones.

    A bad row refuses the whole load (exit 1) and is kept in the rejects ledger with its reason.
    """
    from watchkeeper.core.clock import SystemClock
    from watchkeeper.ingest.ledger import RejectsLedger
    from watchkeeper.stats.loaders import StatsLoadError, load_paths

    engine = _engine(database_url)
    try:
        # the wall clock stamps the receive time of rejects: this command is an edge
        report = load_paths(engine, paths, RejectsLedger(engine), SystemClock().now())
    except StatsLoadError as exc:
        typer.echo(f"error: {exc}", err=True)
        typer.echo(f"{len(exc.errors)} row(s) refused and kept in the rejects ledger", err=True)
        raise typer.Exit(1) from exc
    for series, counts in sorted(report.counts.items()):
        typer.echo(
            f"{series}: {counts['inserted']} inserted, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )


_BOUND_FORMS = {"daily": (r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD"), "weekly": (r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD"),
                "monthly": (r"\d{4}-\d{2}", "YYYY-MM"), "yearly": (r"\d{4}", "YYYY")}  # fmt: skip


def _parse_bound(value: str | None, period: Any, end: bool) -> date | None:
    """``--from``/``--to`` as the first (or last) day of the period it names."""
    from watchkeeper.stats.figures import Period

    if value is None:
        return None
    pattern, form = _BOUND_FORMS[str(period)]
    if not re.fullmatch(pattern, value):
        raise typer.BadParameter(f"{value!r} is not {form}")
    try:
        if period is Period.MONTHLY:
            p = pd.Period(value, freq="M")
        elif period is Period.YEARLY:
            p = pd.Period(value, freq="Y")
        else:
            return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: {exc}") from exc
    return (p.end_time if end else p.start_time).date()


def _emit(table: pd.DataFrame, fmt: str, out: Path | None) -> None:
    if fmt == "csv":
        text = table.to_csv(index=False, na_rep="")
    else:
        records = [
            {
                k: (None if (v is pd.NA or (isinstance(v, float) and math.isnan(v))) else _plain(v))
                for k, v in r.items()
            }
            for r in table.to_dict(orient="records")
        ]
        text = json.dumps(records, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text)


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return v


FromOpt = Annotated[
    str | None, typer.Option("--from", help="first period (daily/weekly YYYY-MM-DD, monthly YYYY-MM)")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="last period, same form as --from")]
FmtOpt = Annotated[str, typer.Option("--format", help="csv or json")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="file to write; default stdout")]


PpbOpt = Annotated[
    bool, typer.Option("--people-per-boat", help="append a people_per_boat column after the contract columns")
]


def _figures(period_name: str, date_from: str | None, date_to: str | None, fmt: str, out: Path | None,
             database_url: str | None, people_per_boat: bool) -> None:  # fmt: skip
    from watchkeeper.stats.figures import CONTRACT_COLUMNS, Period, store_figures

    if fmt not in {"csv", "json"}:
        raise typer.BadParameter("--format must be csv or json")
    period = Period(period_name)
    start, end = _parse_bound(date_from, period, False), _parse_bound(date_to, period, True)
    table = store_figures(_engine(database_url), period, start, end)
    columns = [table.columns[0], *CONTRACT_COLUMNS, *(["people_per_boat"] if people_per_boat else [])]
    _emit(table[columns], fmt, out)


@stats_app.command("daily")
def daily_cmd(date_from: FromOpt = None, date_to: ToOpt = None, fmt: FmtOpt = "csv", out: OutOpt = None,
              database_url: DbOpt = None, people_per_boat: PpbOpt = False) -> None:  # fmt: skip
    """Daily figures (--from/--to YYYY-MM-DD): date, migrants_arrived, boats_arrived,
    boats_uncontrolled_landings, migrants_prevented_fr, events_prevented_fr (French: weekly only, empty)."""
    _figures("daily", date_from, date_to, fmt, out, database_url, people_per_boat)


@stats_app.command("weekly")
def weekly_cmd(date_from: FromOpt = None, date_to: ToOpt = None, fmt: FmtOpt = "csv", out: OutOpt = None,
               database_url: DbOpt = None, people_per_boat: PpbOpt = False) -> None:  # fmt: skip
    """Weekly figures, weeks ending Sunday (--from/--to YYYY-MM-DD): week_ending and the same columns."""
    _figures("weekly", date_from, date_to, fmt, out, database_url, people_per_boat)


@stats_app.command("monthly")
def monthly_cmd(date_from: FromOpt = None, date_to: ToOpt = None, fmt: FmtOpt = "csv", out: OutOpt = None,
                database_url: DbOpt = None, people_per_boat: PpbOpt = False) -> None:  # fmt: skip
    """Monthly figures (--from/--to YYYY-MM): month, migrants_arrived, boats_arrived,
    boats_uncontrolled_landings, migrants_prevented_fr, events_prevented_fr; empty where no source value."""
    _figures("monthly", date_from, date_to, fmt, out, database_url, people_per_boat)


@stats_app.command("yearly")
def yearly_cmd(date_from: FromOpt = None, date_to: ToOpt = None, fmt: FmtOpt = "csv", out: OutOpt = None,
               database_url: DbOpt = None, people_per_boat: PpbOpt = False) -> None:  # fmt: skip
    """Yearly figures (--from/--to YYYY): year and the same columns."""
    _figures("yearly", date_from, date_to, fmt, out, database_url, people_per_boat)


@stats_app.command("chart")
def chart_cmd(
    out: Annotated[Path, typer.Option("--out", help="file stem: writes STEM.png and STEM.svg")],
    period: Annotated[str, typer.Option("--period", help="daily|weekly|monthly|yearly")] = "monthly",
    kind: Annotated[
        str, typer.Option("--kind", help="arrivals|people_per_boat|landings|prevented")
    ] = "arrivals",
    date_from: Annotated[str | None, typer.Option("--from")] = None,
    date_to: Annotated[str | None, typer.Option("--to")] = None,
    database_url: DbOpt = None,
) -> None:
    """A chart of the figures per period, written as PNG and SVG."""
    from watchkeeper.stats.charts import figures_chart
    from watchkeeper.stats.figures import Period, store_figures

    p = Period(period)
    table = store_figures(
        _engine(database_url), p, _parse_bound(date_from, p, False), _parse_bound(date_to, p, True)
    )
    try:
        paths = figures_chart(table, out, kind)
    except WatchkeeperError as exc:
        _fail(exc)
        return
    for path in paths:
        typer.echo(str(path))


@stats_app.command("effect")
def effect_cmd(
    operation_date: Annotated[str, typer.Option("--date", help="operation start, YYYY-MM-DD")],
    weather: Annotated[
        Path, typer.Option("--weather", help="weather file (any supported format)", exists=True)
    ],
    crossings: Annotated[
        list[Path] | None, typer.Option("--crossings", help="daily series file(s); default: the store")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=14, help="window each side, days")] = 90,
    measure: Annotated[str, typer.Option("--measure", help="boats|people|crossing_day")] = "boats",
    wind_max_kt: Annotated[
        float, typer.Option("--wind-max-kt", help="favourable: daily mean wind ≤ this")
    ] = 10.0,
    resamples: Annotated[int, typer.Option("--resamples", min=200)] = 2000,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    database_url: DbOpt = None,
) -> None:
    """Crossings per favourable-weather day before and after a date, with bootstrap and count-model CIs."""
    from watchkeeper.stats.effect import effect_of_operation, favourable_days
    from watchkeeper.stats.figures import daily_frame
    from watchkeeper.stats.loaders import daily_series_from_files
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    if measure not in {"boats", "people", "crossing_day"}:
        raise typer.BadParameter("--measure must be boats, people or crossing_day")
    try:
        series = daily_series_from_files(crossings) if crossings else daily_frame(_engine(database_url))
        fav = favourable_days(to_daily(read_weather(weather)), wind_max_kt)
        result = effect_of_operation(
            series, fav, date.fromisoformat(operation_date), days, measure,  # type: ignore[arg-type]
            resamples=resamples, rule=f"daily mean wind <= {wind_max_kt} kt ({weather.name})",
        )  # fmt: skip
    except (WatchkeeperError, ValueError) as exc:
        _fail(exc)
        return
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), indent=1))
        return
    r = result
    typer.echo(f"operation {r.operation_date}, ±{r.window_days} days, favourable = {r.favourable_rule}")
    typer.echo(f"{r.measure} per favourable day: before {r.mean_before:.2f} (n={r.n_before}), "
               f"after {r.mean_after:.2f} (n={r.n_after})")  # fmt: skip
    typer.echo(
        f"change {r.change:+.2f}  95% block-bootstrap CI [{r.change_ci95[0]:+.2f}, {r.change_ci95[1]:+.2f}]"
    )
    typer.echo(f"rate ratio {r.rate_ratio:.2f}  95% quasi-Poisson CI [{r.rate_ratio_ci95[0]:.2f}, "
               f"{r.rate_ratio_ci95[1]:.2f}]  (dispersion {r.dispersion:.1f})")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
