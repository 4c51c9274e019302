"""``watchkeeper ingest cot PATH... [--db URL] [--marking M]``: recorded CoT (drone ground stations,
TAK clients) into the store.

A file is a CoT stream as a TCP listener receives it: XML events back to back, or TAK protocol stream
frames. Prints one JSON object on stdout, ``{"units": n, "accepted": n, "observations": n,
"control": n, "rejected": {"<reason>": n}}`` with ``units = accepted + rejected``. Every unit is in the
field input log (``<data dir>/inputlog-field``) before it is decoded; every rejected one in the ledger.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

CHUNK_BYTES = 1 << 20


def ingest_cot(
    paths: Annotated[list[Path], typer.Argument(help="Recorded CoT streams (XML or TAK protobuf stream).")],
    db: Annotated[
        str | None, typer.Option("--db", help="SQLAlchemy URL (default: WATCHKEEPER_DATABASE_URL or SQLite).")
    ] = None,
    marking: Annotated[str, typer.Option("--marking", help="UK-ONLY, UK-FR or PUBLIC.")] = "UK-ONLY",
) -> None:
    """Decode recorded CoT; print {"units", "accepted", "observations", "control", "rejected"} as JSON."""
    from watchkeeper.core.clock import SystemClock
    from watchkeeper.core.marking import parse_marking
    from watchkeeper.core.settings import Settings
    from watchkeeper.ingest.cot.framing import CotStreamSplitter
    from watchkeeper.ingest.cot.intake import FieldIntake, field_log_dir
    from watchkeeper.ingest.cot.store import FieldStore
    from watchkeeper.ingest.inputlog import InputLog
    from watchkeeper.ingest.ledger import RejectsLedger
    from watchkeeper.store.db import open_store

    try:
        source_marking = parse_marking(marking).value
    except ValueError as exc:
        typer.echo(f"error: --marking: {exc}", err=True)
        raise typer.Exit(2) from None
    for path in paths:
        if not path.is_file():
            typer.echo(f"error: {path}: not a readable file", err=True)
            raise typer.Exit(2)
    settings = Settings()
    engine = open_store(db or settings.effective_database_url)
    intake = FieldIntake(
        InputLog(field_log_dir(settings.data_dir)),
        RejectsLedger(engine),
        FieldStore(engine),
        lambda s: source_marking,
    )
    clock = SystemClock()  # an edge: a recorded file's units have no receive time of their own
    totals: dict[str, int] = {"units": 0, "accepted": 0, "observations": 0, "control": 0}
    rejected: Counter[str] = Counter()
    try:
        for path in paths:
            source, unit_no = f"file:{path}", 0
            splitter = CotStreamSplitter()
            with path.open("rb") as fh:
                while True:
                    data = fh.read(CHUNK_BYTES)
                    units = splitter.feed(data) if data else splitter.flush()
                    if units:
                        numbered = list(enumerate(units, start=unit_no + 1))
                        unit_no += len(units)
                        result = intake.ingest_cot(source, numbered, clock.now())
                        totals["units"] += len(units)
                        totals["accepted"] += result.accepted
                        totals["observations"] += len(result.observations)
                        totals["control"] += result.control
                        rejected.update(r.reason.value for r in result.rejects)
                    if not data:
                        break
    finally:
        intake.close()
        engine.dispose()
    typer.echo(json.dumps({**totals, "rejected": dict(sorted(rejected.items()))}))


def register(app: typer.Typer) -> None:
    app.command("cot")(ingest_cot)
