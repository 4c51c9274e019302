"""``watchkeeper ingest radar PATH...``: log, decode and count radar recordings (ASTERIX, ARPA, CSV).

Prints one JSON object: ``{"packets": n, "records": n, "accepted": n, "rejected": {"<reason>": n}}``.
Decoded plots are not stored (no plots table yet): the tracker consumes them in memory.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from watchkeeper.core.errors import ConfigError
from watchkeeper.core.settings import get_settings
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.radar.pipeline import FORMATS, RadarIngest
from watchkeeper.store.db import make_engine, upgrade


def _sensor_names(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    doc = json.loads(path.read_text())
    if not isinstance(doc, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in doc.items()
    ):
        raise typer.BadParameter('sensor table must be a JSON object {"<SAC>-<SIC>": "site name"}')
    return doc


def radar(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="recordings to ingest")],
    fmt: Annotated[str, typer.Option("--format", help="auto|pcap|raw|ast|gps|nmea|csv")] = "auto",
    on_date: Annotated[
        str | None, typer.Option("--date", help="UTC date YYYY-MM-DD of the first time of day")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="database URL for the rejects ledger")] = None,
    sensors: Annotated[
        Path | None, typer.Option("--sensors", help='JSON {"25-201": "site name"} mapping SAC-SIC')
    ] = None,
    log_dir: Annotated[Path | None, typer.Option("--log-dir", help="input log directory")] = None,
) -> None:
    """Decode radar recordings; every packet/line goes to the input log first, bad ones to the ledger."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    try:
        start = date.fromisoformat(on_date) if on_date else None
    except ValueError:
        raise typer.BadParameter("--date must be YYYY-MM-DD") from None
    settings = get_settings()
    engine = make_engine(db or settings.effective_database_url)
    upgrade(engine)
    with InputLog(log_dir or settings.input_log_dir) as inputlog:
        run = RadarIngest(inputlog, RejectsLedger(engine), start, _sensor_names(sensors))
        try:
            for path in paths:
                run.ingest(path, fmt)
        except ConfigError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    engine.dispose()
    typer.echo(json.dumps(run.summary.as_dict()))


def register(ingest_app: typer.Typer) -> None:
    ingest_app.command("radar")(radar)
