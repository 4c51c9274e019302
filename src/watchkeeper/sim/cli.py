"""``watchkeeper sim generate``: write a SIMULATED scenario directory in the shared format."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from watchkeeper.sim.demo import DEMO_START
from watchkeeper.sim.engine import SimConfig
from watchkeeper.sim.scenario import write_scenario
from watchkeeper.sim.targets import mix_for_targets
from watchkeeper.sim.world import LandMask

sim_app = typer.Typer(no_args_is_help=True, help="SIMULATED scenarios (radar plots, AIS, truth).")


@sim_app.command("generate")
def generate(
    outdir: Annotated[Path, typer.Argument(help="Scenario directory to write (created).")],
    targets: Annotated[int, typer.Option("--targets", min=1, help="Total targets (all kinds).")] = 100,
    small_boats: Annotated[
        int | None, typer.Option("--small-boats", min=0, help="Small boats among them (default 30%).")
    ] = None,
    clutter: Annotated[
        float, typer.Option("--clutter", min=0.0, help="Mean clutter plots per scan per radar.")
    ] = 20.0,
    duration: Annotated[float, typer.Option("--duration", min=2.5, help="Seconds of event time.")] = 120.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the numpy generators.")] = 1,
    start: Annotated[
        str, typer.Option("--start", help="Start, ISO 8601 UTC, whole second.")
    ] = DEMO_START.isoformat(),
    land: Annotated[
        Path | None, typer.Option("--land", help="Land polygons GeoJSON (default: the packaged land layer).")
    ] = None,
) -> None:
    """Write sensors.json, plots.csv, ais.nmea, truth.csv and plots_truth.csv — all SIMULATED."""
    err = Console(stderr=True)
    mix = mix_for_targets(targets, small_boats, duration)
    config = SimConfig(
        mix=mix,
        duration_s=duration,
        seed=seed,
        start=datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(UTC),
        clutter_per_scan=clutter,
    )
    err.print(
        f"[bold yellow]SIMULATED[/] scenario: {mix.small_boats} small boats, {mix.ships} ships, "
        f"{mix.ferries} ferries, {mix.fishing} fishing; {duration:g} s; "
        f"clutter {clutter:g}/scan/radar; seed {seed}"
    )
    t0 = time.perf_counter()
    with Progress(
        TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        task = bar.add_task("frames", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        counts = write_scenario(
            outdir, config, land=LandMask.from_file(land) if land else None, progress=tick
        )
    err.print(
        f"wrote {outdir}: {counts['plots']} plots, {counts['ais_lines']} AIS lines, "
        f"{counts['truth_rows']} truth rows "
        f"in {time.perf_counter() - t0:.1f} s (SIMULATED data)"
    )


def register(app: typer.Typer) -> None:
    """Add ``sim`` (``sim generate``) to the main command."""
    app.add_typer(sim_app, name="sim")
