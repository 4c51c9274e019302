"""The strait's geometry as the rules ask it, vectorised over the tracks of a scan (UTM 31N metres).

Built once from the packaged layers (``geo/``):

* **Coasts by country.** Each coastline feature is the shore of one land feature; a land feature is
  British when it is Great Britain (the polygon holding Dover) or an island nearer to it than to the
  continent, continental otherwise. The French coast is the continental shore west of the Franco-Belgian
  border at the sea (2.5458° E, De Panne / Bray-Dunes); the Belgian shore beyond is "other". Distances
  to a coast are to the nearest shoreline segment (GSHHG full resolution, ≈ mean high water), through
  a shapely STRtree of the segments: microseconds per point.
* **Territorial seas.** Between points I and VI of the 1988 UK–France Agreement the boundary line
  decides (``geo.zones.boundary_side``); elsewhere a position within 12 nm of a shore is in that
  country's territorial sea, else in neither. The 12 nm belts are measured from the packaged shoreline,
  not from the legal baselines (not packaged): near estuaries and bays they fall short of the legal limit.
* **Traffic lanes.** OSM maps the TSS lanes as centrelines (``separation_lane``, with a derived flow
  bearing) between separation zones (polygons) and outer boundaries. A lane's area is its centreline
  buffered (flat ends) by its half-width: the distance from the centreline to the nearest separation
  zone, when one lies within 6 km (else 1 nm). Each lane keeps its local axis, for "across the flow".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry

from watchkeeper.geo.frames import to_utm, to_wgs84
from watchkeeper.geo.layers import load_layer
from watchkeeper.geo.zones import strait_zones

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TERRITORIAL_SEA_M = 12 * 1852.0
FR_BE_BORDER_LON = 2.5458  # where the Franco-Belgian border meets the North Sea
UK, FR, NONE = 1, -1, 0
DOVER = (1.3130, 51.1260)
CALAIS = (1.8580, 50.9513)


def _utm_geom(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(to_utm(xy[:, 0], xy[:, 1])))


def _segments(geom: BaseGeometry) -> tuple[FloatArray, FloatArray]:
    """Start and end points (E, 2) of every segment of a (multi)line, in the geometry's own units."""
    starts, ends = [], []
    for line in getattr(geom, "geoms", [geom]):
        c = np.asarray(line.coords, dtype=float)
        if len(c) >= 2:
            starts.append(c[:-1])
            ends.append(c[1:])
    if not starts:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return np.vstack(starts), np.vstack(ends)


class _Shore:
    """Nearest-shoreline distance for one set of segments (UTM metres)."""

    def __init__(self, starts: FloatArray, ends: FloatArray) -> None:
        self.count = len(starts)
        lines: npt.NDArray[np.object_] = np.asarray(shapely.linestrings(np.stack([starts, ends], axis=1)))
        self._tree = shapely.STRtree(lines) if self.count else None

    def distance(self, x: FloatArray, y: FloatArray) -> FloatArray:
        out = np.full(len(x), np.inf)
        if self._tree is None or not len(x):
            return out
        pts = shapely.points(x, y)
        idx, dist = self._tree.query_nearest(pts, return_distance=True, all_matches=False)
        out[idx[0]] = dist
        return out


@dataclass(frozen=True, slots=True)
class Lane:
    """One TSS traffic lane: OSM way id, name, flow bearing (degrees true, may be None), area, axis."""

    way_id: int
    name: str
    flow_bearing_deg: float | None
    half_width_m: float
    centreline: LineString  # UTM
    area: BaseGeometry  # UTM

    def axis_deg(self, x: float, y: float) -> float:
        """Direction of the centreline (degrees true, 0–360) at its point nearest to (x, y)."""
        d = float(self.centreline.project(Point(x, y)))
        length = float(self.centreline.length)
        a = self.centreline.interpolate(max(d - 50.0, 0.0))
        b = self.centreline.interpolate(min(d + 50.0, length))
        bearing = float(np.degrees(np.arctan2(b.x - a.x, b.y - a.y)) % 360.0)
        if self.flow_bearing_deg is not None and _angle_between(bearing, self.flow_bearing_deg) > 90.0:
            bearing = (bearing + 180.0) % 360.0
        return bearing


def _angle_between(a: float, b: float) -> float:
    """Smallest angle between two bearings, 0–180 degrees."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


class StraitGeometry:
    """The queries the rules make, prepared once (≈ 0.2 s)."""

    def __init__(self) -> None:
        land = load_layer("land")["features"]
        coast = load_layer("coastline")["features"]
        land_wgs = [shape(f["geometry"]) for f in land]
        dover, calais = Point(*DOVER), Point(*CALAIS)
        gb = next(g for g in land_wgs if g.contains(dover))
        continent = next(g for g in land_wgs if g.contains(calais))
        uk_parts, fr_parts, other_parts = [], [], []
        for lf, cf, geom in zip(land, coast, land_wgs, strict=True):
            if lf["properties"].get("gshhg_id") != cf["properties"].get("gshhg_id"):
                raise ValueError("coastline and land layers are not paired feature by feature")
            line = shape(cf["geometry"])
            british = geom is gb or (geom is not continent and geom.distance(gb) < geom.distance(continent))
            if british:
                uk_parts.append(line)
                continue
            west = shapely.clip_by_rect(line, -180.0, -90.0, FR_BE_BORDER_LON, 90.0)
            east = shapely.clip_by_rect(line, FR_BE_BORDER_LON, -90.0, 180.0, 90.0)
            fr_parts.append(west)
            other_parts.append(east)
        self.uk_shore = _Shore(*_segments_of(uk_parts))
        self.fr_shore = _Shore(*_segments_of(fr_parts))
        self.other_shore = _Shore(*_segments_of(other_parts))
        self._land = _utm_geom(shapely.union_all(land_wgs))
        shapely.prepare(self._land)
        self._zones = strait_zones()
        boundary = next(
            f for f in load_layer("uk_fr_boundary_1988")["features"] if f["geometry"]["type"] == "LineString"
        )
        self.boundary = _utm_geom(shape(boundary["geometry"]))
        self.lanes = _build_lanes()
        self._lane_tree = shapely.STRtree([lane.area for lane in self.lanes]) if self.lanes else None
        xb, yb = to_utm(np.array([-2.0, 3.5]), np.array([49.5, 51.8]))
        self.aoi_utm = (float(xb[0]), float(yb[0]), float(xb[1]), float(yb[1]))

    # ---- distances ---------------------------------------------------------------------------
    def fr_coast_m(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return self.fr_shore.distance(x, y)

    def uk_coast_m(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return self.uk_shore.distance(x, y)

    def shore_m(self, x: FloatArray, y: FloatArray) -> FloatArray:
        """Distance to the nearest shore of any country."""
        return np.minimum(
            np.minimum(self.fr_coast_m(x, y), self.uk_coast_m(x, y)), self.other_shore.distance(x, y)
        )

    def on_land(self, x: FloatArray, y: FloatArray) -> npt.NDArray[np.bool_]:
        return np.asarray(shapely.contains_xy(self._land, x, y), dtype=bool)

    def in_aoi(self, x: FloatArray, y: FloatArray, margin_m: float = 0.0) -> npt.NDArray[np.bool_]:
        x0, y0, x1, y1 = self.aoi_utm
        return np.asarray(
            (x >= x0 + margin_m) & (x <= x1 - margin_m) & (y >= y0 + margin_m) & (y <= y1 - margin_m),
            dtype=bool,
        )

    # ---- territorial seas ----------------------------------------------------------------------
    def territorial(
        self, x: FloatArray, y: FloatArray, fr_m: FloatArray | None = None, uk_m: FloatArray | None = None
    ) -> tuple[IntArray, FloatArray, npt.NDArray[np.bool_]]:
        """Per point: +1 UK, −1 France, 0 neither; how far (m) the point lies inside that zone's edge
        (for 0: how far beyond both 12 nm belts); and whether the 1988 line decided it."""
        fr_m = self.fr_coast_m(x, y) if fr_m is None else fr_m
        uk_m = self.uk_coast_m(x, y) if uk_m is None else uk_m
        lon, lat = to_wgs84(x, y)
        side = self._zones.boundary_side(lon, lat)
        zone = np.zeros(len(x), dtype=np.int64)
        depth = np.zeros(len(x), dtype=float)
        on_line = side != 0
        if on_line.any():
            line_m = np.asarray(
                shapely.distance(shapely.points(x[on_line], y[on_line]), self.boundary), dtype=float
            )
            zone[on_line] = side[on_line]
            depth[on_line] = line_m
        off = ~on_line
        in_uk = off & (uk_m <= TERRITORIAL_SEA_M) & (uk_m <= fr_m)
        in_fr = off & (fr_m <= TERRITORIAL_SEA_M) & ~in_uk
        zone[in_uk], depth[in_uk] = UK, TERRITORIAL_SEA_M - uk_m[in_uk]
        zone[in_fr], depth[in_fr] = FR, TERRITORIAL_SEA_M - fr_m[in_fr]
        neither = off & ~in_uk & ~in_fr
        depth[neither] = np.minimum(uk_m[neither], fr_m[neither]) - TERRITORIAL_SEA_M
        return zone, depth, on_line

    # ---- traffic lanes ---------------------------------------------------------------------------
    def lane_index(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Index into ``lanes`` of the lane containing each point, −1 outside every lane."""
        out = np.full(len(x), -1, dtype=np.int64)
        if self._lane_tree is None or not len(x):
            return out
        pi, li = self._lane_tree.query(shapely.points(x, y), predicate="within")
        out[pi] = li
        return out

    def nearest_embarkation(
        self, lon: FloatArray, lat: FloatArray
    ) -> tuple[npt.NDArray[np.str_], FloatArray]:
        near = self._zones.nearest_place(lon, lat, "embarkation")
        return near.name, near.distance_m


def _segments_of(parts: list[BaseGeometry]) -> tuple[FloatArray, FloatArray]:
    starts, ends = [], []
    for part in parts:
        if part.is_empty:
            continue
        s, e = _segments(_utm_geom(part))
        starts.append(s)
        ends.append(e)
    if not starts:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return np.vstack(starts), np.vstack(ends)


def _build_lanes() -> list[Lane]:
    features = load_layer("tss")["features"]
    zone_features = [f for f in features if f["properties"]["seamark_type"] == "separation_zone"]
    zones = [_utm_geom(shape(f["geometry"])) for f in zone_features]
    zone_names = [str(f["properties"].get("name") or "") for f in zone_features]
    zone_tree = shapely.STRtree(zones) if zones else None
    lanes: list[Lane] = []
    for f in features:
        props = f["properties"]
        if props["seamark_type"] != "separation_lane" or f["geometry"]["type"] != "LineString":
            continue
        centre = _utm_geom(shape(f["geometry"]))
        if not isinstance(centre, LineString) or centre.length < 500.0:
            continue
        half = 1852.0
        if zone_tree is not None:
            idx = zone_tree.query_nearest(centre, max_distance=6000.0, all_matches=False)
            if len(idx):
                half = max(float(centre.distance(zones[int(idx[0])])), 300.0)
        area = centre.buffer(half, cap_style="flat")
        flow = props.get("flow_bearing_deg_derived")
        scheme = ""
        if zone_tree is not None:
            near = zone_tree.query_nearest(centre, max_distance=6000.0, all_matches=False)
            names = [zone_names[int(k)] for k in near if zone_names[int(k)]]
            scheme = f" of the {names[0]}" if names else ""
        default = f"{_compass(flow)}-bound lane{scheme}" if flow is not None else f"traffic lane{scheme}"
        lanes.append(
            Lane(
                way_id=int(props["osm_way_id"]),
                name=str(props.get("name") or default),
                flow_bearing_deg=None if flow is None else float(flow),
                half_width_m=half,
                centreline=centre,
                area=area,
            )
        )
    return lanes


def _compass(bearing: float) -> str:
    """Eight-point compass name of a bearing (degrees true): 232 → "south-west"."""
    names = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
    return names[int(((bearing % 360.0) + 22.5) // 45.0) % 8]


@lru_cache(maxsize=1)
def strait_geometry() -> StraitGeometry:
    """The shared prepared instance."""
    return StraitGeometry()


def lane_geojson(lane: Lane) -> dict[str, object]:
    """The lane's area as a GeoJSON polygon in lon/lat (for the page or a test's eye)."""
    wgs = shapely.transform(lane.area, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1])))
    geojson: dict[str, object] = json.loads(shapely.to_geojson(wgs))
    return geojson
