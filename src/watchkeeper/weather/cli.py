"""``watchkeeper forecast ...`` (crossing forecast) and ``watchkeeper weather ...`` (inspect, daily).

Examples::

    watchkeeper forecast train --weather regional_daily.csv --crossings daily_arrivals.csv --until 2020-07-01
    watchkeeper forecast predict --weather regional_daily.csv --from 2020-07-01 --to 2020-07-31 \
        --out predictions.csv
    watchkeeper forecast evaluate --weather regional_daily.csv --crossings daily_arrivals.csv \
        --until 2020-07-01 --out-dir var/forecast-eval
    watchkeeper weather inspect era5.grib
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.weather.limits import training_weather_limits

forecast_app = typer.Typer(no_args_is_help=True, help="Weather-driven small-boat crossing forecast.")
weather_app = typer.Typer(no_args_is_help=True, help="Weather files: inspect and aggregate to days.")

WeatherOpt = Annotated[
    Path, typer.Option("--weather", help="GRIB, NetCDF, Open-Meteo JSON or CSV", exists=True)
]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="model file; default <data_dir>/models/")]


def _iso(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{name} {value!r} is not YYYY-MM-DD") from exc


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


@forecast_app.command("train")
def train_cmd(
    weather: WeatherOpt,
    crossings: Annotated[list[Path], typer.Option("--crossings", help="daily series (CSV/ODS)", exists=True)],
    until: Annotated[str, typer.Option("--until", help="train only on days before this date, YYYY-MM-DD")],
    since: Annotated[str | None, typer.Option("--since", help="first training day")] = None,
    model_path: ModelOpt = None,
) -> None:
    """Train on days strictly before --until; save the model and its training metadata."""
    from watchkeeper.stats.loaders import daily_series_from_files
    from watchkeeper.weather.forecast import train
    from watchkeeper.weather.persist import default_model_path, save_model
    from watchkeeper.weather.settings import ForecastSettings
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    try:
        model = train(
            to_daily(read_weather(weather)),
            daily_series_from_files(crossings),
            _iso(until, "--until"),
            weather_source=str(weather.resolve()),
            since=_iso(since, "--since") if since else None,
            min_hours=ForecastSettings().min_hours,
        )
        path = save_model(model, model_path or default_model_path())
    except WatchkeeperError as exc:
        _fail(exc)
        return
    m = model.metadata
    typer.echo(
        f"trained on {m['training_days']} days {m['training_first_day']}..{m['training_last_day']} "
        f"({m['training_crossing_days']} crossing days); weather: {', '.join(m['weather_variables'])}"
    )
    typer.echo(f"variants: {'; '.join(m['variants'])}")
    typer.echo(f"model: {path}  metadata: {path.with_suffix('.json')}")


CONTRACT_COLUMNS = ["date", "p_crossing", "expected_boats", "expected_people"]


@forecast_app.command("predict")
def predict_cmd(
    weather: WeatherOpt,
    date_from: Annotated[str, typer.Option("--from", help="first day, YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="last day, YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="CSV to write")],
    crossings: Annotated[
        list[Path] | None, typer.Option("--crossings", help="recent daily series for the activity features")
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="append rag, variant and the weather drivers after the contract")
    ] = False,
    model_path: ModelOpt = None,
) -> None:
    """Write date, p_crossing, expected_boats, expected_people for each day --from..--to."""
    from watchkeeper.stats.loaders import daily_series_from_files
    from watchkeeper.weather.persist import default_model_path, load_model
    from watchkeeper.weather.settings import ForecastSettings
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    settings = ForecastSettings()
    try:
        model = load_model(model_path or default_model_path())
        recent = daily_series_from_files(crossings) if crossings else None
        prediction = model.predict(
            to_daily(read_weather(weather)), _iso(date_from, "--from"), _iso(date_to, "--to"), recent,
            min_hours=settings.min_hours, max_activity_gap_days=settings.max_activity_gap_days,
        )  # fmt: skip
    except WatchkeeperError as exc:
        _fail(exc)
        return
    table = prediction.table[CONTRACT_COLUMNS].copy()
    if details:
        table["rag"] = [settings.rag(p) for p in table["p_crossing"]]
        table["variant"] = prediction.variant.name
        for name, values in prediction.drivers.items():
            table[str(name)] = values.to_numpy(dtype=float)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.round(4).to_csv(out, index=False)
    typer.echo(f"{len(table)} days written to {out}")
    typer.echo(f"variant: {prediction.variant.name}; {prediction.people_per_boat_basis}")
    for reason in prediction.skipped:
        typer.echo(f"  not used: {reason}")
    typer.echo(f"limits: {training_weather_limits(model.metadata)}")


@forecast_app.command("evaluate")
def evaluate_cmd(
    weather: WeatherOpt,
    crossings: Annotated[list[Path], typer.Option("--crossings", exists=True)],
    until: Annotated[str, typer.Option("--until", help="train before, test from this date")],
    end: Annotated[str | None, typer.Option("--end", help="last test day")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="write reliability diagram and tables")
    ] = None,
) -> None:
    """Train before --until, score model and both baselines on the later period (ROC AUC, Brier)."""
    from watchkeeper.stats.loaders import daily_series_from_files
    from watchkeeper.weather.evaluation import evaluate, reliability_diagram
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    try:
        ev = evaluate(
            to_daily(read_weather(weather)),
            daily_series_from_files(crossings),
            _iso(until, "--until"),
            _iso(end, "--end") if end else None,
            weather_source=str(weather),
        )
    except WatchkeeperError as exc:
        _fail(exc)
        return
    summary = ev.summary()
    typer.echo(json.dumps(summary, indent=1, default=str))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in reliability_diagram(ev, out_dir / "reliability"):
            typer.echo(str(path))
        for name, table in ev.reliability.items():
            table.to_csv(out_dir / f"reliability_{name}.csv", index=False)
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")


@weather_app.command("inspect")
def inspect_cmd(path: Annotated[Path, typer.Argument(exists=True)]) -> None:
    """Variables (our names and units), period, sites and unmapped source names of a weather file."""
    from watchkeeper.weather.aliases import VARIABLES
    from watchkeeper.weather.sources import read_weather

    try:
        table = read_weather(path)
    except WatchkeeperError as exc:
        _fail(exc)
        return
    first, last = table.period
    kind = "daily" if table.daily else "sub-daily"
    typer.echo(
        f"{path.name}: {table.fmt}, {kind}, {len(table.frame)} rows, "
        f"{table.frame['site'].nunique()} site(s), {first} .. {last}"
    )
    for v in table.variables:
        col = table.frame[v]
        typer.echo(
            f"  {v:24s} [{VARIABLES[v]}]  min {col.min():.2f}  max {col.max():.2f}  "
            f"missing {col.isna().sum()}"
        )
    if table.unmapped:
        typer.echo(f"  not in the alias table (ignored): {', '.join(table.unmapped)}")


@weather_app.command("daily")
def daily_cmd(
    path: Annotated[Path, typer.Argument(exists=True)],
    out: Annotated[Path, typer.Option("--out", help="CSV to write")],
) -> None:
    """Aggregate any weather file to one row per UK-local day in our names and units."""
    from watchkeeper.weather.sources import read_weather
    from watchkeeper.weather.table import to_daily

    daily = to_daily(read_weather(path))
    daily.round(3).to_csv(out, date_format="%Y-%m-%d")
    typer.echo(f"{len(daily)} days written to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(forecast_app, name="forecast")
    app.add_typer(weather_app, name="weather")
