"""``watchkeeper evidence export ...`` and ``watchkeeper evidence verify PACKAGE``.

Output formats (an interface: scripts and exhibit officers rely on them)::

    $ watchkeeper evidence export --incident INC-1 --mmsi 235000001 --from 2026-08-14T03:00Z \\
          --to 2026-08-14T04:00Z --actor analyst1 --out INC-1.zip
    package 6f1c…            (package id, a UUID)
    incident INC-1
    items 14 (ais_position 5, input_line 7, reject 2)
    head <64 hex>            (head of the hash chain)
    sha256 <64 hex>          (of the package file)
    key <64 hex>             (fingerprint of the signing key)
    marking UK-ONLY
    written INC-1.zip
    SIMULATED                (only when the records are simulated)
    missing input <seq>      (one line per input-log line that could not be included)

    $ watchkeeper evidence verify INC-1.zip --expect-key <fingerprint>
    OK package <id> incident <ref> items <n> head <hex> key <fingerprint>
    warning: <text>          (zero or more)
    -> exit 0

    FAILED package <id> incident <ref> items <n> head <hex> key <fingerprint>
    problem: <text>          (one or more)
    -> exit 1   (exit 2: bad arguments)

``--data-dir`` (or ``WATCHKEEPER_DATA_DIR``) on ``verify`` checks the package against this
installation: its signing key, the head recorded at export, and appends the verification to the
continuity record under ``--actor``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from watchkeeper.core.settings import Settings
    from watchkeeper.intel.evidence.package import Verification
    from watchkeeper.store.users import UserPublic

evidence_app = typer.Typer(no_args_is_help=True, help="Evidence packages: export (signed) and verify.")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _time(name: str, value: str) -> datetime:
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"{name}: not an ISO 8601 time: {value!r}")
    if t.tzinfo is None:
        _fail(f"{name}: give a time zone (e.g. 2026-08-14T03:00Z)")
    return t


def _settings(data_dir: Path | None) -> Settings:
    from watchkeeper.core.settings import Settings

    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


def _actor(engine: Engine, username: str) -> UserPublic:
    from watchkeeper.store.users import UsersRepo

    user = UsersRepo(engine).get(username)
    if user is None or not user.active:
        _fail(f"--actor {username!r} is not an active user of this installation")
    return user


@evidence_app.command("export")
def export(
    incident: Annotated[str, typer.Option("--incident", help="Incident reference the package is for.")],
    start: Annotated[str, typer.Option("--from", help="Start of the event-time window (ISO 8601, zone).")],
    end: Annotated[str, typer.Option("--to", help="End of the event-time window (ISO 8601, zone).")],
    out: Annotated[Path, typer.Option("--out", help="Package file to write (never overwritten).")],
    actor: Annotated[
        str, typer.Option("--actor", help="The analyst exporting (a user of this installation).")
    ],
    mmsi: Annotated[list[int] | None, typer.Option("--mmsi", help="Vessel in scope (repeat).")] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Input source whose rejects to include (repeat).")
    ] = None,
    marking: Annotated[str, typer.Option("--marking", help="Marking of the package (at least).")] = "UK-ONLY",
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Installation data directory.")] = None,
) -> None:
    """Export the records of an incident as a signed evidence package."""
    from watchkeeper.core.clock import SystemClock
    from watchkeeper.core.errors import WatchkeeperError
    from watchkeeper.intel.evidence.collectors import EvidenceScope
    from watchkeeper.intel.evidence.export import EvidenceService
    from watchkeeper.intel.evidence.keys import load_or_create_signing_key
    from watchkeeper.store.audit import AuditWriter
    from watchkeeper.store.db import open_store

    settings = _settings(data_dir)
    try:
        scope = EvidenceScope(
            incident,
            _time("--from", start),
            _time("--to", end),
            mmsis=tuple(mmsi or ()),
            sources=tuple(source or ()),
        )
    except ValueError as exc:
        _fail(str(exc))
    engine = open_store(settings.effective_database_url)
    try:
        user = _actor(engine, actor)
        if "analyst" not in user.roles:
            _fail(f"{actor} does not hold the analyst role: evidence export is an analyst's act")
        clock = SystemClock()  # the CLI is an edge: export and continuity times are wall-clock times
        key = load_or_create_signing_key(settings.data_dir)
        service = EvidenceService(engine, AuditWriter(engine, clock), clock, key, settings.input_log_dir)
        result = service.export(user, scope, out, marking)
    except WatchkeeperError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    counts = ", ".join(f"{k} {v}" for k, v in result.item_counts.items())
    typer.echo(f"package {result.package_id}")
    typer.echo(f"incident {incident}")
    typer.echo(f"items {result.items} ({counts})" if counts else "items 0")
    typer.echo(f"head {result.head}")
    typer.echo(f"sha256 {result.file_sha256}")
    typer.echo(f"key {result.key_fingerprint}")
    typer.echo(f"marking {result.marking}")
    typer.echo(f"written {result.path}")
    if result.simulated:
        typer.echo("SIMULATED")
    for seq in result.missing_inputs:
        typer.echo(f"missing input {seq}")


@evidence_app.command("verify")
def verify(
    package: Annotated[Path, typer.Argument(help="The package file (.zip).")],
    expect_key: Annotated[
        str | None, typer.Option("--expect-key", help="Fingerprint the signing key must have (64 hex).")
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Check against this installation: its key and its export record."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who verifies (recorded in the continuity record).")
    ] = None,
) -> None:
    """Verify a package: every item's hash, the chain, the signature, and the key. Exit 1 on any change."""
    from watchkeeper.intel.evidence.package import verify_file

    if data_dir is not None:
        result = _verify_at_installation(package, expect_key, data_dir, actor)
    else:
        if actor is not None:
            _fail("--actor needs --data-dir (the continuity record lives in the installation)")
        result = verify_file(package, expect_key)
    head = (
        f"package {result.package_id} incident {result.incident_ref} items {result.items} "
        f"head {result.head} key {result.fingerprint}"
    )
    typer.echo(("OK " if result.ok else "FAILED ") + head)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}")
    for problem in result.problems:
        typer.echo(f"problem: {problem}")
    if not result.ok:
        raise typer.Exit(1)


def _verify_at_installation(
    package: Path, expect_key: str | None, data_dir: Path, actor: str | None
) -> Verification:
    from watchkeeper.core.clock import SystemClock
    from watchkeeper.intel.evidence.export import EvidenceService
    from watchkeeper.intel.evidence.keys import key_path, load_signing_key
    from watchkeeper.store.audit import AuditWriter
    from watchkeeper.store.db import open_store

    settings = _settings(data_dir)
    if not key_path(settings.data_dir).exists():
        _fail(f"{data_dir} has no evidence signing key: nothing was exported from it")
    engine = open_store(settings.effective_database_url)
    try:
        who = _actor(engine, actor).username if actor is not None else "cli"
        clock = SystemClock()
        service = EvidenceService(
            engine,
            AuditWriter(engine, clock),
            clock,
            load_signing_key(key_path(settings.data_dir)),
            settings.input_log_dir,
        )
        return service.verify_and_record(who, package, expect_key)
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
