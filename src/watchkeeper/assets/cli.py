"""``watchkeeper assets recommend``: rank assets for a target by time to intercept."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeeper.core.errors import DecodeError

assets_app = typer.Typer(no_args_is_help=True, help="Sea, air and land assets.")


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise typer.BadParameter(f"{what} file not found: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"{what} file {path} is not valid JSON: {exc}") from None


def _parse_time(text: str, what: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{what}: not an ISO 8601 time: {text!r}") from None
    if dt.tzinfo is None:
        raise typer.BadParameter(f"{what}: give a time zone (e.g. 2026-10-05T02:00:00Z): {text!r}")
    return dt


@assets_app.command("recommend")
def recommend_cmd(
    assets: Annotated[Path, typer.Option("--assets", help="JSON list of assets")],
    target: Annotated[Path, typer.Option("--target", help="JSON object: the craft to reach")],
    time: Annotated[
        str | None, typer.Option("--time", help="ISO time of the decision (default: target's)")
    ] = None,
) -> None:
    """Print a JSON list sorted by ``eta_s``: asset_id, eta_s, intercept_lat, intercept_lon, feasible,
    explanation (and time on scene, capacity, conflicts)."""
    from watchkeeper.assets.model import Target, asset_from_json
    from watchkeeper.assets.recommend import Recommender
    from watchkeeper.geo.land import land_utm

    docs = _read_json(assets, "assets")
    tdoc = _read_json(target, "target")
    if not isinstance(docs, list) or not isinstance(tdoc, dict):
        raise typer.BadParameter("assets must be a JSON list and target a JSON object")
    try:
        fleet = [asset_from_json(d, i) for i, d in enumerate(docs)]
        tgt = Target(
            lat=float(tdoc["lat"]),
            lon=float(tdoc["lon"]),
            sog_kn=float(tdoc.get("sog_kn", 0.0)),
            cog_deg=float(tdoc.get("cog_deg", 0.0)),
            time=_parse_time(str(tdoc["time_utc"]), "target time_utc"),
            persons=int(tdoc["persons"]) if tdoc.get("persons") is not None else None,
        )
    except (DecodeError, KeyError, TypeError, ValueError) as exc:
        raise typer.BadParameter(f"bad input: {exc}") from None
    at = _parse_time(time, "--time") if time else None
    recs = Recommender(land_utm()).recommend(fleet, tgt, at)
    json.dump([r.to_dict() for r in recs], sys.stdout, indent=2)
    sys.stdout.write("\n")


def register(app: typer.Typer) -> None:
    app.add_typer(assets_app, name="assets")
