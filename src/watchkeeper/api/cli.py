"""``watchkeeper serve``, ``watchkeeper demo`` and ``watchkeeper user add``."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

user_app = typer.Typer(no_args_is_help=True, help="Local users (argon2id password hashes, roles, clearance).")

ROLE_HELP = "watch_officer, analyst, asset_controller, partner_liaison, auditor or admin (repeat for several)"


def _now() -> datetime:
    return datetime.now(UTC)  # the CLI is an edge: user creation time is wall-clock time


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        _fail("the two passwords differ")
    return first


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="User name (at most 64 characters).")],
    role: Annotated[list[str], typer.Option("--role", help=ROLE_HELP)],
    clearance: Annotated[
        str,
        typer.Option("--clearance", help="UK-ONLY, UK-FR or PUBLIC: the widest marking the user may see."),
    ] = "UK-ONLY",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Reset the password, roles and clearance of an existing user.")
    ] = False,
) -> None:
    """Add a local user (the password is prompted twice, without echo, unless --password-stdin)."""
    from watchkeeper.core.settings import Settings
    from watchkeeper.store.db import open_store
    from watchkeeper.store.users import UsersRepo, check_password_policy

    password = _read_password(password_stdin)
    try:
        check_password_policy(password)
    except ValueError as exc:
        _fail(str(exc))
    settings = Settings()
    engine = open_store(settings.effective_database_url)
    try:
        user = UsersRepo(engine).add(username, password, tuple(role), clearance, _now(), replace=replace)
    except ValueError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    typer.echo(f"user {user.username}: roles {', '.join(user.roles)}; clearance {user.clearance}")


def _run_server(app: object, host: str, port: int, runtime: Runtime | None = None) -> None:
    """Serve ``app`` with uvicorn; with ``runtime``, a failed worker stops the server (exit status 1)."""
    import asyncio

    import uvicorn

    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        # uvicorn's access log prints the query string, and the WebSocket's token travels in it
        access_log=False,
        log_level="info",
        ws_max_size=64 * 1024,
    )
    server = uvicorn.Server(config)
    if runtime is None:
        server.run()
        return

    async def main() -> None:
        serving = asyncio.create_task(server.serve())
        while not serving.done():
            if runtime.failed is not None and runtime.failed.is_set():
                server.should_exit = True
                break
            await asyncio.sleep(0.2)
        await serving

    asyncio.run(main())
    _exit_if_failed(runtime)


def _exit_if_failed(runtime: Runtime) -> None:
    """Exit status 1 when a worker failed (2 is for bad settings): the supervisor restarts the process,
    which resumes from the worker's checkpoint."""
    if runtime.failure is not None:
        typer.echo(
            f"error: worker failed: {runtime.failure}; restarting resumes from its checkpoint", err=True
        )
        raise typer.Exit(1)


def _run_headless(runtime: Runtime) -> None:
    """Run the roles of a process without the api role until SIGTERM/SIGINT or a worker failure."""
    import asyncio
    import logging
    import signal

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await runtime.start()
        assert runtime.failed is not None
        typer.echo(f"watchkeeper: roles {', '.join(sorted(runtime.roles))} running", err=True)
        try:
            waits = [asyncio.create_task(stop.wait()), asyncio.create_task(runtime.failed.wait())]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()
        finally:
            await runtime.stop()

    asyncio.run(main())
    _exit_if_failed(runtime)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="ingest, tracker, alerts or api (repeat for several); default: all in this process. "
            "A split needs WATCHKEEPER_BUS_URL=nats://...",
        ),
    ] = None,
    ais_udp: Annotated[
        int | None, typer.Option("--ais-udp", help="Listen for NMEA AIS datagrams on this UDP port.")
    ] = None,
    ais_tcp: Annotated[
        str | None, typer.Option("--ais-tcp", help="Read an NMEA AIS stream from HOST:PORT (reconnects).")
    ] = None,
    radar_udp: Annotated[
        int | None, typer.Option("--radar-udp", help="Listen for ASTERIX radar datagrams on this UDP port.")
    ] = None,
    radar_tcp: Annotated[
        str | None,
        typer.Option("--radar-tcp", help="Read radar plot rows (scenario CSV format) from HOST:PORT."),
    ] = None,
) -> None:
    """Run the service: every role in one process, or the roles asked for (``--role``), connected by
    NATS; settings from WATCHKEEPER_* variables. Listeners run in the process with the ingest role."""
    from watchkeeper.api.app import create_app
    from watchkeeper.api.listeners import add_ais_listeners, add_radar_listeners
    from watchkeeper.api.runtime import Runtime
    from watchkeeper.api.workers import check_split, parse_roles
    from watchkeeper.core.errors import ConfigError
    from watchkeeper.core.settings import Settings

    try:
        roles = parse_roles(role or [])
        settings = Settings()
        check_split(roles, settings.bus_url)
        listeners = (ais_udp, ais_tcp, radar_udp, radar_tcp)
        if "ingest" not in roles and any(x is not None for x in listeners):
            raise ConfigError("--ais-*/--radar-* listeners belong to the ingest role: add --role ingest")
        runtime = Runtime(settings, roles=roles)
        add_ais_listeners(runtime, udp_port=ais_udp, tcp=ais_tcp)
        add_radar_listeners(runtime, udp_port=radar_udp, tcp=radar_tcp)
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))
    if "api" in roles:
        _run_server(create_app(runtime.settings, runtime), host, port, runtime)
    else:
        _run_headless(runtime)


def demo(
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    speed: Annotated[
        float, typer.Option("--speed", min=0.1, max=1000.0, help="Event time per wall time.")
    ] = 10.0,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Demo store (wiped at every start: the replay starts clean).")
    ] = Path("var/demo"),
    duration: Annotated[
        float, typer.Option("--duration", min=60.0, help="Seconds of simulated event time to replay.")
    ] = 4 * 3600.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulation.")] = 7,
) -> None:
    """Start the API and the page on 127.0.0.1 with a SIMULATED Dover Strait picture replaying."""
    import secrets

    from watchkeeper.api.app import create_app
    from watchkeeper.api.demo import (
        DEMO_CLEARANCE,
        DEMO_ROLES,
        DEMO_USER,
        demo_password,
        prepare_demo_dir,
        replay,
    )
    from watchkeeper.api.runtime import Runtime
    from watchkeeper.core.settings import Settings

    try:
        prepare_demo_dir(data_dir)
    except FileExistsError as exc:
        _fail(str(exc))
    import json

    from watchkeeper.sim.demo import demo_feed, demo_simulation
    from watchkeeper.sim.scenario import sensors_json

    simulation = demo_simulation(seed=seed, duration_s=duration)
    radars_file = data_dir / "sensors.json"  # the simulation's own radars (SIMULATED) for the tracker
    radars_file.write_text(json.dumps(sensors_json(simulation), indent=2) + "\n", encoding="ascii")
    overrides: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": None,
        "allow_simulated": True,
        "radars_file": radars_file,
    }
    if not os.environ.get("WATCHKEEPER_SECRET_KEY"):
        overrides["secret_key"] = secrets.token_urlsafe(48)  # fresh store, fresh key: old tokens die
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if settings.environment == "production":
        _fail("the demo is simulated: it does not run with WATCHKEEPER_ENVIRONMENT=production")
    runtime = Runtime(settings)
    password = demo_password()
    runtime.users.add(DEMO_USER, password, DEMO_ROLES, DEMO_CLEARANCE, _now(), replace=True)
    _seed_demo_assets(runtime)

    async def _feed(rt: Runtime) -> None:
        await replay(rt, demo_feed(simulation=simulation), speed)

    runtime.add_task("demo-feed", _feed)
    url = f"http://127.0.0.1:{port}/"
    typer.echo(
        "\n"
        f"  watchkeeper demo — SIMULATED Dover Strait picture, replaying at {speed:g}x event time\n"
        f"  open      {url}\n"
        f"  user      {DEMO_USER}\n"
        f"  password  {password}\n"
        f"  store     {data_dir.resolve()} (wiped at every demo start)\n"
        "  stop      Ctrl+C\n"
    )
    _run_server(create_app(settings, runtime), "127.0.0.1", port)


def _seed_demo_assets(runtime: Runtime) -> None:
    """The demo's ILLUSTRATIVE fleet (not a real order of battle) in the assets registry, when assets are
    in this build."""
    try:
        from watchkeeper.assets.fleet import illustrative_fleet
        from watchkeeper.assets.registry import AssetRegistry
    except ModuleNotFoundError:
        return
    AssetRegistry(runtime.engine, runtime.wall_clock).seed(illustrative_fleet())


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(user_app, name="user")
