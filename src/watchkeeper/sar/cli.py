"""``watchkeeper drift``: drift prediction and search areas, written as GeoJSON.

Contract (issue #8)::

    watchkeeper drift --lat LAT --lon LON --time ISO --object inflatable|piw|liferaft --hours H
        [--wind-const SPEED_MS,FROM_DEG] [--current-const SPEED_MS,TOWARD_DEG] [--currents FILE.nc]
        [--particles N] --out drift.geojson

Also: ``--wind FILE`` (a weather-layer file: CF NetCDF wind field, or a point forecast read by
``watchkeeper.weather``) and ``--object smallboat``. A run that cannot start exits with status 2 and
says why on stderr; progress goes to stderr, the summary line to stdout.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from watchkeeper.core.errors import WatchkeeperError

#: Runs from this many particle-hours on show a progress bar (on stderr).
LONG_RUN_PARTICLE_HOURS = 10_000


def _parse_time(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"--time: not an ISO 8601 time: {text!r}") from None
    if when.tzinfo is None:
        raise typer.BadParameter(f"--time: give a time zone (e.g. 2026-09-30T02:00:00Z): {text!r}")
    return when.astimezone(UTC)


def _refuse(message: str) -> None:
    typer.echo(f"drift cannot run: {message}", err=True)
    raise typer.Exit(2)


def drift_cmd(
    lat: Annotated[float, typer.Option("--lat", help="last known position, degrees north")],
    lon: Annotated[float, typer.Option("--lon", help="last known position, degrees east")],
    time: Annotated[str, typer.Option("--time", help="time of the last known position, ISO 8601 with zone")],
    object_type: Annotated[str, typer.Option("--object", help="inflatable | piw | liferaft | smallboat")],
    hours: Annotated[int, typer.Option("--hours", help="hours to predict (1..72)")],
    out: Annotated[Path, typer.Option("--out", help="GeoJSON FeatureCollection to write")],
    wind_const: Annotated[
        str | None, typer.Option("--wind-const", help="constant wind SPEED_MS,FROM_DEG")
    ] = None,
    wind: Annotated[
        Path | None, typer.Option("--wind", help="wind from a weather file (NetCDF field or point forecast)")
    ] = None,
    current_const: Annotated[
        str | None, typer.Option("--current-const", help="constant current SPEED_MS,TOWARD_DEG")
    ] = None,
    currents: Annotated[
        Path | None,
        typer.Option("--currents", help="CF NetCDF ocean-model currents (else: the tidal approximation)"),
    ] = None,
    particles: Annotated[int, typer.Option("--particles", help="number of particles (10..50000)")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same cloud)")] = 1,
) -> None:
    """Predict the drift of a boat or person from a last known position; write 50%/90% areas per hour."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from watchkeeper.sar.drift import DriftRequest, parse_pair, run_drift
    from watchkeeper.sar.objects import ObjectType
    from watchkeeper.sar.products import build_products, feature_collection

    start = _parse_time(time)
    try:
        kind = ObjectType(object_type)
    except ValueError:
        raise typer.BadParameter(
            f"--object must be one of {', '.join(t.value for t in ObjectType)}, got {object_type!r}"
        ) from None
    try:
        req = DriftRequest(
            lat=lat,
            lon=lon,
            start=start,
            object_type=kind,
            hours=hours,
            particles=particles,
            wind_const=parse_pair(wind_const, "--wind-const") if wind_const else None,
            wind_file=wind,
            current_const=parse_pair(current_const, "--current-const") if current_const else None,
            currents_file=currents,
            seed=seed,
        )
    except WatchkeeperError as exc:
        _refuse(str(exc))
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=particles * hours < LONG_RUN_PARTICLE_HOURS,
    )
    try:
        with progress:
            task = progress.add_task("drift (OpenDrift Leeway)", total=None)

            def on_step(step: int, steps: int) -> None:
                progress.update(task, completed=step, total=steps)

            result = run_drift(req, on_step)
            areas = progress.add_task("search areas", total=len(result.times))
            products = build_products(result)
            progress.update(areas, completed=len(result.times))
    except WatchkeeperError as exc:
        _refuse(str(exc))
        return
    doc = feature_collection(products)
    out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    last = products.hours[-1]
    summary = {
        "out": str(out),
        "features": len(doc["features"]),
        "hours": hours,
        "particles": particles,
        "current_model": result.current_model,
        "area_90_km2_at_end": next((a.area_km2 for a in last.areas if a.level == 0.9), None),
        "stranded_at_end": last.stranded_share,
    }
    typer.echo(json.dumps(summary))
    typer.echo(result.limits, err=True)


def register(app: typer.Typer) -> None:
    app.command("drift")(drift_cmd)
