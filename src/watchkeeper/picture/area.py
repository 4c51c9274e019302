"""Spatial history: the AIS positions and track points inside an area during a time window.

The area is a lon/lat box or a GeoJSON Polygon/MultiPolygon (WGS 84). A point on the area's edge is
inside (``intersects``). On PostgreSQL the test is PostGIS ``ST_Intersects`` on the ``geom`` column
(GiST index, migration ``0011``); on SQLite the ``(lat, lon)`` index narrows to the area's bounds and
shapely does the exact test. Both are planar in lon/lat (``store/spatial.py`` says why), so both stores
give the same answer; ``tests/picture/test_area.py`` checks it.

Answers are in event-time order (then row id) and bounded: at most ``limit`` rows, with ``truncated``
saying that there were more (never a silent cut).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape
from shapely.validation import explain_validity
from sqlalchemy import Engine, LargeBinary, Row, Select, Table, bindparam, func, literal_column, select

from watchkeeper.core.marking import Marking, visible_markings
from watchkeeper.store.models import Position
from watchkeeper.store.spatial import SRID
from watchkeeper.tracking.history import TrackPoint, TrackPointRecord

MAX_ROWS = 50_000  # the most rows one answer may hold
MAX_VERTICES = 5_000  # a polygon's vertices: bounds the cost of one exact test
MAX_GEOJSON_CHARS = 200_000
_BATCH = 2_000  # rows fetched and tested by shapely at a time (SQLite)

Kind = Literal["ais", "tracks"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Area:
    """A query area in lon/lat (WGS 84): a Polygon or MultiPolygon."""

    shape: Polygon | MultiPolygon

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)."""
        b = self.shape.bounds
        return (b[0], b[1], b[2], b[3])

    def geojson(self) -> dict[str, Any]:
        return dict(mapping(self.shape))


def _in_range(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def area_from_bbox(text: str) -> Area:
    """``min_lon,min_lat,max_lon,max_lat`` (GeoJSON bbox order); ``ValueError`` with the reason."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("bbox: give four numbers, min_lon,min_lat,max_lon,max_lat")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise ValueError("bbox: give four numbers, min_lon,min_lat,max_lon,max_lat") from None
    if not (_in_range(min_lon, min_lat) and _in_range(max_lon, max_lat)):
        raise ValueError("bbox: longitudes within ±180, latitudes within ±90")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise ValueError("bbox: the minimum must be below the maximum (a box across 180° is not supported)")
    return Area(box(min_lon, min_lat, max_lon, max_lat))


def area_from_geojson(text: str) -> Area:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one); ``ValueError`` with the reason."""
    if len(text) > MAX_GEOJSON_CHARS:
        raise ValueError(f"polygon: at most {MAX_GEOJSON_CHARS} characters of GeoJSON")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"polygon: not JSON ({exc.msg} at {exc.pos})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = doc.get("geometry")
    if not isinstance(doc, dict) or doc.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("polygon: give a GeoJSON Polygon or MultiPolygon")
    try:
        geom = shape(doc)
    except Exception as exc:  # shapely raises several kinds on malformed coordinates
        raise ValueError(f"polygon: malformed coordinates ({exc})") from None
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise ValueError("polygon: empty")
    coords = shapely.get_coordinates(geom)
    if len(coords) > MAX_VERTICES:
        raise ValueError(f"polygon: at most {MAX_VERTICES} vertices")
    if not all(_in_range(float(x), float(y)) for x, y in coords):
        raise ValueError("polygon: longitudes within ±180, latitudes within ±90")
    if not geom.is_valid:
        raise ValueError(f"polygon: not a valid polygon ({explain_validity(geom)})")
    return Area(geom)


@dataclass(frozen=True, slots=True)
class AreaPosition:
    """One stored AIS position inside the area."""

    mmsi: int
    time: datetime
    lat: float
    lon: float
    sog_kn: float | None
    cog_deg: float | None
    heading_deg: float | None
    source: str
    time_source: str
    simulated: bool


@dataclass(frozen=True, slots=True)
class AreaAnswer(Generic[T]):
    rows: list[T]
    truncated: bool  # there were more than ``limit`` rows; ``rows`` holds the first ``limit``


def _position(r: Row[Any]) -> AreaPosition:
    return AreaPosition(
        r.mmsi, r.time, r.lat, r.lon, r.sog_kn, r.cog_deg, r.heading_deg, r.source, r.time_source, r.simulated
    )


def _track_point(r: Row[Any]) -> TrackPointRecord:
    return TrackPointRecord(
        track_id=r.track_id, time=r.time, lat=r.lat, lon=r.lon, sog_kn=r.sog_kn, cog_deg=r.cog_deg,
        mmsi=r.mmsi, name=r.name, dark=r.dark, p_steady=r.p_steady, position_sigma_m=r.position_sigma_m,
        simulated=r.simulated, marking=r.marking,
    )  # fmt: skip


_POSITION_TABLE: Table = Position.__table__  # type: ignore[assignment]
_TRACK_TABLE: Table = TrackPoint.__table__  # type: ignore[assignment]


class AreaHistory:
    """Area-and-window queries over ``positions`` and ``track_points`` (schema by the migrations)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgis = engine.dialect.name == "postgresql"

    def positions_statement(
        self, area: Area, start: datetime, end: datetime, mmsis: Collection[int] | None = None
    ) -> Select[Any]:
        t = _POSITION_TABLE
        cols = [t.c[n] for n in AreaPosition.__slots__]
        stmt = select(*cols).where(t.c.time >= start, t.c.time <= end)
        if mmsis is not None:
            stmt = stmt.where(t.c.mmsi.in_(sorted(mmsis)))
        return self._spatial(stmt, t, area).order_by(t.c.time, t.c.id)

    def track_points_statement(
        self, area: Area, start: datetime, end: datetime, clearance: str | Marking
    ) -> Select[Any]:
        t = _TRACK_TABLE
        cols = [t.c[n] for n in TrackPointRecord.__slots__]
        stmt = select(*cols).where(
            t.c.time >= start,
            t.c.time <= end,
            t.c.marking.in_([m.value for m in visible_markings(clearance)]),
        )
        return self._spatial(stmt, t, area).order_by(t.c.time, t.c.id)

    def positions(
        self,
        area: Area,
        start: datetime,
        end: datetime,
        *,
        mmsis: Collection[int] | None = None,
        limit: int = MAX_ROWS,
    ) -> AreaAnswer[AreaPosition]:
        """Positions inside ``area`` with ``start ≤ time ≤ end``; only of ``mmsis`` when given."""
        if mmsis is not None and not mmsis:
            return AreaAnswer([], False)
        return self._run(self.positions_statement(area, start, end, mmsis), area, limit, _position)

    def track_points(
        self,
        area: Area,
        start: datetime,
        end: datetime,
        *,
        clearance: str | Marking = Marking.UK_ONLY,
        limit: int = MAX_ROWS,
    ) -> AreaAnswer[TrackPointRecord]:
        """Track points inside ``area`` with ``start ≤ time ≤ end`` that ``clearance`` may see."""
        return self._run(self.track_points_statement(area, start, end, clearance), area, limit, _track_point)

    def _spatial(self, stmt: Select[Any], table: Table, area: Area) -> Select[Any]:
        if self.postgis:
            wkb = bindparam("area_wkb", shapely.to_wkb(area.shape), type_=LargeBinary)
            geom: Any = literal_column(f"{table.name}.geom")
            return stmt.where(func.ST_Intersects(geom, func.ST_GeomFromWKB(wkb, SRID)))
        min_lon, min_lat, max_lon, max_lat = area.bounds
        return stmt.where(table.c.lat.between(min_lat, max_lat), table.c.lon.between(min_lon, max_lon))

    def _run(self, stmt: Select[Any], area: Area, limit: int, make: Callable[[Row[Any]], T]) -> AreaAnswer[T]:
        if not 1 <= limit <= MAX_ROWS:
            raise ValueError(f"limit: between 1 and {MAX_ROWS}")
        with self.engine.connect() as conn:
            if self.postgis:
                rows = list(conn.execute(stmt.limit(limit + 1)))
            else:
                rows = list(_inside(conn.execute(stmt).partitions(_BATCH), area, limit + 1))
        return AreaAnswer([make(r) for r in rows[:limit]], len(rows) > limit)


def _inside(batches: Iterator[Sequence[Row[Any]]], area: Area, wanted: int) -> Iterator[Row[Any]]:
    """The rows whose (lon, lat) intersect the area, at most ``wanted`` of them (shapely, prepared)."""
    shapely.prepare(area.shape)
    found = 0
    for batch in batches:
        lon = np.fromiter((r.lon for r in batch), float, len(batch))
        lat = np.fromiter((r.lat for r in batch), float, len(batch))
        for row, inside in zip(batch, shapely.intersects_xy(area.shape, lon, lat), strict=True):
            if inside:
                yield row
                found += 1
                if found >= wanted:
                    return
