"""``watchkeeper track SCENARIO_DIR --out tracks.csv``: run the tracker on a scenario (issue #4 contract).

Reads ``sensors.json``, ``plots.csv`` and ``ais.nmea`` (never the truth files) and writes one row per
confirmed track per radar scan: ``time_utc,track_id,lat,lon,sog_kn,cog_deg,mmsi,dark`` (``mmsi`` empty
when none, ``dark`` ``true``/``false``). Nothing is printed on stdout; a progress bar (and a SIMULATED
notice for simulated scenarios) goes to stderr. Vessel names are known to the tracker but the contract's
columns are fixed: names travel in the track messages (``tracking.messages``), not in this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from watchkeeper.tracking.runner import load_inputs, run_scenario, write_tracks_csv


def track(
    scenario_dir: Annotated[
        Path, typer.Argument(help="Scenario: sensors.json, plots.csv, ais.nmea.", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write (one row per track per scan).")],
) -> None:
    """Track the scenario's radar plots and AIS; write the confirmed tracks of every scan to --out."""
    err = Console(stderr=True)
    if not (scenario_dir / "sensors.json").is_file() or not (scenario_dir / "plots.csv").is_file():
        err.print(f"[red]error[/]: {scenario_dir} has no sensors.json and plots.csv (a scenario directory)")
        raise typer.Exit(2)
    try:
        inputs = load_inputs(scenario_dir)
    except (ValueError, KeyError) as exc:
        err.print(f"[red]error[/]: {scenario_dir}/sensors.json: {exc}")
        raise typer.Exit(2) from None
    if inputs.sensors.simulated:
        err.print("[bold yellow]SIMULATED[/] scenario")
    if inputs.rejected_plots:
        err.print(f"{inputs.rejected_plots} rows of plots.csv rejected (not plots)")
    with Progress(
        TextColumn("tracking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        task = bar.add_task("scans", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done + 1, total=total)

        write_tracks_csv(out, inputs.sensors.start_utc, run_scenario(inputs, on_scan=tick))


def register(app: typer.Typer) -> None:
    """Add ``track`` to the main command."""
    app.command("track")(track)
