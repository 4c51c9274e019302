"""``watchkeeper assets …``: recommend, reach, posture, fleet, seed.

``assets recommend --assets assets.json --target target.json [--time ISO]`` prints a JSON list sorted by
``eta_s``, each with ``asset_id, eta_s, intercept_lat, intercept_lon, feasible, explanation`` (and
``kind, time_on_scene_s, capacity_ok, conflicts``). Bad input exits with status 2 and the reason.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeeper.core.errors import DecodeError

assets_app = typer.Typer(no_args_is_help=True, help="Sea, air and land assets: recommend, reach, posture.")

AssetsOpt = Annotated[Path, typer.Option("--assets", help="JSON list of assets (assets.json layout)")]


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise typer.BadParameter(f"{what} file not found: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"{what} file {path} is not valid JSON: {exc}") from None


def _fleet(path: Path) -> list[Any]:
    from watchkeeper.assets.model import asset_from_json

    docs = _read_json(path, "assets")
    if not isinstance(docs, list):
        raise typer.BadParameter("assets must be a JSON list of objects")
    try:
        return [asset_from_json(d, i) for i, d in enumerate(docs)]
    except DecodeError as exc:
        raise typer.BadParameter(f"bad input: {exc.detail}") from None


def _dump(doc: Any, out: Path | None) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.echo(f"written to {out}", err=True)


@assets_app.command("recommend")
def recommend_cmd(
    assets: AssetsOpt,
    target: Annotated[Path, typer.Option("--target", help="JSON object: the craft to reach")],
    time: Annotated[
        str | None, typer.Option("--time", help="ISO time of the decision (default: the target's)")
    ] = None,
) -> None:
    """Rank the assets for a target by time to intercept (JSON list sorted by eta_s)."""
    from watchkeeper.assets.model import parse_time, target_from_json
    from watchkeeper.assets.service import shared_recommender

    fleet = _fleet(assets)
    try:
        tgt = target_from_json(_read_json(target, "target"))
        at = parse_time(time, "--time") if time else None
    except DecodeError as exc:
        raise typer.BadParameter(f"bad input: {exc.detail}") from None
    recs = shared_recommender().recommend(fleet, tgt, at)
    _dump([r.to_dict() for r in recs], None)


@assets_app.command("reach")
def reach_cmd(
    assets: AssetsOpt,
    out: Annotated[Path | None, typer.Option("--out", help="GeoJSON to write (default: stdout)")] = None,
    kind: Annotated[str, typer.Option("--kind", help="sea, air or all")] = "sea",
    cell_km: Annotated[float, typer.Option("--cell-km", min=0.5, max=10.0)] = 2.0,
    cells: Annotated[bool, typer.Option("--cells", help="one feature per cell, not merged bands")] = False,
) -> None:
    """Time-to-reach map over the strait from the assets' positions (GeoJSON)."""
    from watchkeeper.assets.model import AssetKind
    from watchkeeper.assets.reach import grid_geojson, reach_grid
    from watchkeeper.assets.service import shared_recommender

    if kind not in ("sea", "air", "all"):
        raise typer.BadParameter("--kind is sea, air or all")
    kinds = (AssetKind.SEA, AssetKind.AIR) if kind == "all" else (AssetKind(kind),)
    rec = shared_recommender()
    grid = reach_grid(_fleet(assets), rec.router, rec.land, kinds, cell_km * 1000.0)
    _dump(grid_geojson(grid, merge_bands=not cells), out)


@assets_app.command("posture")
def posture_cmd(
    assets: AssetsOpt,
    outlook: Annotated[
        Path, typer.Option("--outlook", help="CSV of `watchkeeper forecast predict` (date, p_crossing, ...)")
    ],
    out: Annotated[Path | None, typer.Option("--out", help="JSON to write (default: stdout)")] = None,
) -> None:
    """Propose where the assets patrol or stand by on the outlook's days, and explain it (JSON)."""
    from watchkeeper.assets.outlook import parse_outlook
    from watchkeeper.assets.posture import plan_posture
    from watchkeeper.assets.service import shared_recommender

    try:
        text = outlook.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"outlook {outlook}: {exc}") from None
    try:
        days, rejects = parse_outlook(text)
    except DecodeError as exc:
        raise typer.BadParameter(f"outlook {outlook}: {exc.detail}") from None
    for r in rejects:
        typer.echo(f"outlook line {r.line_no} rejected ({r.reason.value}): {r.detail}", err=True)
    doc = plan_posture(_fleet(assets), days, shared_recommender().router).to_dict()
    doc["rejected_rows"] = [
        {"line": r.line_no, "reason": r.reason.value, "detail": r.detail} for r in rejects
    ]
    _dump(doc, out)


@assets_app.command("fleet")
def fleet_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="JSON to write (default: stdout)")] = None,
) -> None:
    """Print the ILLUSTRATIVE demo fleet in the assets.json layout (not a real order of battle)."""
    from watchkeeper.assets.fleet import ILLUSTRATIVE_NOTE, illustrative_fleet
    from watchkeeper.assets.model import asset_to_json

    typer.echo(ILLUSTRATIVE_NOTE, err=True)
    _dump([asset_to_json(a) | {"illustrative": True} for a in illustrative_fleet()], out)


@assets_app.command("seed")
def seed_cmd(
    assets: Annotated[
        Path | None,
        typer.Option("--assets", help="JSON list of assets to store (default: the illustrative fleet)"),
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="database URL (default: the settings')")] = None,
) -> None:
    """Store assets in the registry (those not stored yet, by id)."""
    from watchkeeper.assets.fleet import ILLUSTRATIVE_NOTE, illustrative_fleet
    from watchkeeper.assets.registry import AssetRegistry
    from watchkeeper.core.clock import SystemClock
    from watchkeeper.core.settings import get_settings
    from watchkeeper.store.db import open_store

    fleet = _fleet(assets) if assets is not None else illustrative_fleet()
    engine = open_store(db or get_settings().effective_database_url)
    try:
        added = AssetRegistry(engine, SystemClock()).seed(fleet)
    finally:
        engine.dispose()
    note = "" if assets is not None else f" ({ILLUSTRATIVE_NOTE})"
    typer.echo(f"{added} of {len(fleet)} assets added{note}")


def register(app: typer.Typer) -> None:
    app.add_typer(assets_app, name="assets")
