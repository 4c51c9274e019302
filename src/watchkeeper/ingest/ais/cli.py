"""``watchkeeper ingest ais PATH... [--db URL]``: decode NMEA AIS files into the store.

Prints one JSON object on stdout, ``{"lines": n, "accepted": n, "rejected": {"<reason>": n}}``, with
``lines = accepted + rejected``; progress goes to stderr. Every raw line is in the input log
(``<data dir>/inputlog``) before it is decoded; every rejected line is in the rejects ledger.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def ingest_ais(
    paths: Annotated[list[Path], typer.Argument(help="NMEA files (AIVDM/AIVDO, tag blocks, Gatehouse...).")],
    db: Annotated[
        str | None, typer.Option("--db", help="SQLAlchemy URL (default: WATCHKEEPER_DATABASE_URL or SQLite).")
    ] = None,
) -> None:
    """Decode NMEA AIS files; print {"lines", "accepted", "rejected": {reason: n}} as JSON."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from watchkeeper.core.clock import SystemClock
    from watchkeeper.core.settings import Settings
    from watchkeeper.ingest.inputlog import InputLog
    from watchkeeper.ingest.ledger import RejectsLedger
    from watchkeeper.ingest.pipeline import AisIntake, PictureWriter, ingest_files
    from watchkeeper.picture.live import LivePicture
    from watchkeeper.picture.store import PictureStore
    from watchkeeper.store.db import open_store

    for path in paths:
        if not path.is_file():
            typer.echo(f"error: {path}: not a readable file", err=True)
            raise typer.Exit(2)
    settings = Settings()
    engine = open_store(db or settings.effective_database_url)
    store = PictureStore(engine)
    picture = LivePicture()
    for state in store.load_vessels():
        picture.vessels[state.mmsi] = state
    intake = AisIntake(InputLog(settings.input_log_dir), RejectsLedger(engine))
    console = Console(stderr=True)
    try:
        with Progress(
            TextColumn("ingest ais"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=console, transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("bytes", total=sum(p.stat().st_size for p in paths))
            counts = ingest_files(
                paths, intake, PictureWriter(picture, store), SystemClock(),
                lambda done: bar.update(task, completed=done),
            )  # fmt: skip
    finally:
        intake.close()
        engine.dispose()
    typer.echo(json.dumps(counts.as_dict()))


def register(app: typer.Typer) -> None:
    app.command("ais")(ingest_ais)
