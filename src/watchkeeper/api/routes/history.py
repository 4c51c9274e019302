"""Spatial history: ``GET /api/history/area`` — what was inside an area during a time window.

``bbox=min_lon,min_lat,max_lon,max_lat`` or ``polygon=<GeoJSON Polygon/MultiPolygon>`` (one of them),
``from`` and ``to`` (ISO 8601 with a zone), ``kind=ais|tracks`` (both when absent), ``limit`` rows per
kind. AIS positions are seen at their vessel's effective marking (``UK-ONLY`` unless released), track
points at their own. PostGIS answers on PostgreSQL, the bounds index and shapely on SQLite
(``picture/area.py``); the answer is the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from watchkeeper.api.deps import CurrentUser, RuntimeDep
from watchkeeper.api.errors import ApiError
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.marking import DEFAULT_MARKING, may_see
from watchkeeper.picture.area import MAX_ROWS, Area, AreaHistory, area_from_bbox, area_from_geojson

router = APIRouter(tags=["history"])

DEFAULT_LIMIT = 10_000


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _area(bbox: str | None, polygon: str | None) -> Area:
    if (bbox is None) == (polygon is None):
        raise ApiError(422, "give either bbox or polygon (one of them)")
    try:
        return area_from_bbox(bbox) if bbox is not None else area_from_geojson(polygon or "")
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None


def _visible_vessels(runtime: Runtime, clearance: str) -> set[int] | None:
    """MMSIs whose positions ``clearance`` may see; None: every vessel (a vessel is UK-ONLY unless
    released, so a user cleared for UK-ONLY sees all of them)."""
    if may_see(clearance, DEFAULT_MARKING):
        return None
    return {
        mmsi for mmsi, marking in runtime.sharing.vessel_releases().items() if may_see(clearance, marking)
    }


@router.get("/history/area", summary="AIS positions and track points inside an area during a time window")
def get_area_history(
    runtime: RuntimeDep,
    user: CurrentUser,
    start: Annotated[datetime, Query(alias="from", description="ISO 8601 with zone")],
    end: Annotated[datetime, Query(alias="to", description="ISO 8601 with zone")],
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat (WGS 84)")] = None,
    polygon: Annotated[str | None, Query(description="GeoJSON Polygon or MultiPolygon (WGS 84)")] = None,
    kind: Annotated[Literal["ais", "tracks"] | None, Query(description="one kind; both when absent")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS, description="rows per kind")] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    for name, t in (("from", start), ("to", end)):
        if t.tzinfo is None:
            raise ApiError(422, f"{name}: give a time zone (e.g. 2024-05-01T12:00:00Z)")
    if start > end:
        raise ApiError(422, "from is after to")
    area = _area(bbox, polygon)
    history = AreaHistory(runtime.engine)
    body: dict[str, Any] = {"area": area.geojson(), "from": _iso(start), "to": _iso(end)}
    if kind in (None, "ais"):
        found = history.positions(
            area, start, end, mmsis=_visible_vessels(runtime, user.clearance), limit=limit
        )
        marking_of = runtime.sharing.vessel_marking
        body["positions"] = [
            {
                "mmsi": p.mmsi, "time": _iso(p.time), "lat": p.lat, "lon": p.lon, "sog_kn": p.sog_kn,
                "cog_deg": p.cog_deg, "heading_deg": p.heading_deg, "source": p.source,
                "time_source": p.time_source, "simulated": p.simulated, "marking": marking_of(p.mmsi),
            }
            for p in found.rows
        ]  # fmt: skip
        body["positions_truncated"] = found.truncated
    if kind in (None, "tracks"):
        points = history.track_points(area, start, end, clearance=user.clearance, limit=limit)
        body["track_points"] = [
            {
                "track_id": p.track_id, "time": _iso(p.time), "lat": p.lat, "lon": p.lon, "sog_kn": p.sog_kn,
                "cog_deg": p.cog_deg, "mmsi": p.mmsi, "name": p.name, "dark": p.dark,
                "simulated": p.simulated, "marking": p.marking,
            }
            for p in points.rows
        ]  # fmt: skip
        body["track_points_truncated"] = points.truncated
    return body
