"""``watchkeeper replay SCENARIO_DIR --alerts alerts.jsonl --incidents incidents.jsonl``.

The whole pipeline (tracker, then alert rules and incidents) over a scenario as fast as it can; one JSON
object per line in each file (see ``alerts.replay``); a progress bar and a summary on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from watchkeeper.core.errors import ConfigError


def replay_cmd(
    scenario_dir: Annotated[Path, typer.Argument(help="scenario folder: sensors.json, plots.csv, ais.nmea")],
    alerts: Annotated[Path, typer.Option("--alerts", help="where to write the alerts (JSON lines)")],
    incidents: Annotated[Path, typer.Option("--incidents", help="where to write the incidents (JSON lines)")],
    settings: Annotated[
        Path | None,
        typer.Option("--settings", help='JSON object of rule settings, e.g. {"cpa.max_cpa_nm": 0.3}'),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store", help="also record alerts and incidents in the store (WATCHKEEPER_DATABASE_URL)"
        ),
    ] = False,
) -> None:
    """Replay a scenario through tracker and rules; write alerts and incidents as JSON lines."""
    from watchkeeper.alerts.config import AlertSettings
    from watchkeeper.alerts.replay import alert_lines, incident_lines, replay_scenario, write_jsonl

    for name in ("sensors.json", "plots.csv", "ais.nmea"):
        if not (scenario_dir / name).is_file():
            raise typer.BadParameter(f"{scenario_dir} has no {name}", param_hint="SCENARIO_DIR")
    overrides: dict[str, object] = {}
    if settings is not None:
        try:
            doc = json.loads(settings.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise typer.BadParameter(f"cannot read {settings}: {exc}", param_hint="--settings") from None
        if not isinstance(doc, dict):
            raise typer.BadParameter("settings must be a JSON object", param_hint="--settings")
        overrides = doc
    try:
        config = AlertSettings(overrides)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--settings") from None
    console = Console(stderr=True)
    with Progress(
        TextColumn("replay"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("scans"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("scans", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done + 1, total=total)

        recorder = None
        if store:
            from watchkeeper.alerts.recorder import WatchRecorder
            from watchkeeper.core.settings import get_settings
            from watchkeeper.store.db import open_store

            simulated = bool(
                json.loads((scenario_dir / "sensors.json").read_text(encoding="utf-8")).get("simulated")
            )
            recorder = WatchRecorder(open_store(get_settings().effective_database_url), simulated=simulated)
        watch, summary = replay_scenario(scenario_dir, config, on_scan=tick, recorder=recorder)
    n_alerts = write_jsonl(alerts, alert_lines(watch, summary.simulated))
    n_incidents = write_jsonl(incidents, incident_lines(watch, summary.simulated))
    label = " (SIMULATED scenario)" if summary.simulated else ""
    rules = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_rule.items())) or "none"
    print(
        f"{summary.scans} scans, {summary.tracks_seen} tracks{label}: {n_alerts} alerts ({rules}) → "
        f"{alerts}; "
        f"{n_incidents} incidents → {incidents}",
        file=sys.stderr,
    )


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_cmd)
