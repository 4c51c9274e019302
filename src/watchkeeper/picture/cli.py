"""``watchkeeper replay-log [--data-dir DIR] --db URL [--compare]``.

Replays the input logs of a data dir (AIS ``inputlog``, radar ``inputlog-radar``) through the live pipeline
(``picture.replaylog``) into a fresh, empty store; with ``--compare`` compares its picture, positions,
rejects, tracks, alerts and incidents with the live store's (``WATCHKEEPER_DATABASE_URL``, or
``--live-db``). Prints one JSON summary on stdout; exit status 1 when the stores differ, 2 on bad use.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def replay_log(
    db: Annotated[str, typer.Option("--db", help="SQLAlchemy URL of a fresh, empty store to replay into.")],
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="The live data dir (default WATCHKEEPER_DATA_DIR).")
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Compare with the live store; exit 1 on any difference.")
    ] = False,
    live_db: Annotated[
        str | None,
        typer.Option(
            "--live-db", help="The live store (default WATCHKEEPER_DATABASE_URL or the data dir's)."
        ),
    ] = None,
    radars: Annotated[
        Path | None,
        typer.Option("--radars", help="sensors.json of the radars (default WATCHKEEPER_RADARS_FILE)."),
    ] = None,
) -> None:
    """Replay the input logs into a fresh store; with --compare, check the live store against it."""
    from sqlalchemy import inspect, text

    from watchkeeper.core.errors import ConfigError
    from watchkeeper.core.settings import Settings
    from watchkeeper.ingest.radar.scenario import load_sensors
    from watchkeeper.picture.compare import compare_stores
    from watchkeeper.picture.replaylog import AIS_LOG, FIELD_LOG, RADAR_LOG, LogReplay
    from watchkeeper.store.db import make_engine, open_store

    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        settings = Settings(**overrides)
    except ConfigError as exc:
        _fail(str(exc))
    directory = settings.data_dir
    if not (directory / AIS_LOG).is_dir() and not (directory / RADAR_LOG).is_dir():
        _fail(f"{directory} has no input log ({AIS_LOG}/ or {RADAR_LOG}/)")
    radars_file = radars or settings.radars_file
    sensors = load_sensors(radars_file) if radars_file is not None else None
    probe = make_engine(db)
    try:
        tables = set(inspect(probe).get_table_names())
        with probe.connect() as conn:
            used = [
                t
                for t in ("positions", "rejects", "track_points", "alerts", "incidents")
                if t in tables and conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() is not None
            ]
    finally:
        probe.dispose()
    if used:
        _fail(f"{db} is not empty ({', '.join(used)}): replay-log writes into a fresh store")
    started = time.perf_counter()
    engine = open_store(db)
    try:
        replay = LogReplay(engine, sensors, track_marking=settings.track_marking)
        counts = replay.run(directory)
        summary: dict[str, Any] = {
            "data_dir": str(directory),
            "replay": counts.as_dict(),
            "field_log": "not replayed" if (directory / FIELD_LOG).is_dir() else "none",
            "replay_s": round(time.perf_counter() - started, 3),
        }
        equal = True
        if compare:
            live = open_store(live_db or settings.effective_database_url)
            try:
                diffs = compare_stores(live, engine)
            finally:
                live.dispose()
            equal = all(d.equal for d in diffs)
            summary["tables"] = {d.table: d.as_dict() for d in diffs}
            summary["equal"] = equal
    finally:
        engine.dispose()
    typer.echo(json.dumps(summary, indent=2, default=str))
    if not equal:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("replay-log")(replay_log)
