"""The ``watchkeeper`` command.

Each capability owns its commands in its own ``cli`` module, which exposes ``register(app)``;
this file only lists them, so the tree shows where each command lives.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True, help="watchkeeper: the Dover Strait command cell.")

# (module, what it adds) — every module exposes register(app: typer.Typer) -> None
CAPABILITY_CLIS = (
    ("watchkeeper.ingest.cli", "ingest ais|radar"),
    ("watchkeeper.api.cli", "serve, demo, user add"),
    ("watchkeeper.tracking.cli", "track"),
    ("watchkeeper.stats.cli", "stats load|monthly|daily|effect"),
    ("watchkeeper.weather.cli", "forecast train|predict, weather"),
    ("watchkeeper.sar.cli", "drift"),
    ("watchkeeper.sim.cli", "sim generate"),
    ("watchkeeper.assets.cli", "assets recommend|reach|posture|fleet|seed"),
    ("watchkeeper.intel.cli", "evidence export|verify"),
    ("watchkeeper.alerts.cli", "replay SCENARIO_DIR --alerts --incidents (tracker + rules + incidents)"),
    ("watchkeeper.picture.cli", "replay-log --db URL [--compare] (the input logs into a fresh store)"),
)


def _register() -> None:
    for module_name, _what in CAPABILITY_CLIS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # capability not built yet
            raise
        module.register(app)


def main() -> None:
    _register()
    app()


if __name__ == "__main__":
    main()
