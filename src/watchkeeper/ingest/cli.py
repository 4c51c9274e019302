"""``watchkeeper ingest ...``: one sub-command per wire format, each in its decoder's package."""

from __future__ import annotations

import importlib

import typer

ingest_app = typer.Typer(no_args_is_help=True, help="Read recorded sensor input into the store.")

FORMAT_CLIS = ("watchkeeper.ingest.ais.cli", "watchkeeper.ingest.radar.cli", "watchkeeper.ingest.cot.cli")


def register(app: typer.Typer) -> None:
    for module_name in FORMAT_CLIS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(ingest_app)
    app.add_typer(ingest_app, name="ingest")
