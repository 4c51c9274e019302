"""Zone queries against the packaged strait geography, vectorised over numpy arrays.

Three questions the picture and the rules ask of a position (WGS84 lon/lat in, answers per point):

* which side of the 1988 UK–France territorial-sea boundary line it lies on (``boundary_side``): +1 UK
  (north/west of the line), −1 France (south/east), 0 where the point is beyond the line's ends (the
  line only divides the strait between points I and VI). This is the side of the *line*, not a claim
  that the point is inside a territorial sea (the 12 nm limits are not packaged);
* which traffic-separation-scheme area contains it (``tss_area``): the OSM way id of the separation
  zone or inshore-traffic zone polygon, or −1;
* the nearest named coastal place (``nearest_place``), optionally of one category (``embarkation``,
  ``landing``, ``coastal``), with the distance in metres.

Geometry is worked in UTM 31N metres (EPSG:32631) so distances and sides are metric and isotropic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, shape

from watchkeeper.geo.frames import FloatArray, to_utm
from watchkeeper.geo.layers import load_layer

IntArray = npt.NDArray[np.int64]
TSS_AREA_TYPES = ("separation_zone", "inshore_traffic_zone")


def _utm(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(to_utm(xy[:, 0], xy[:, 1])))


def _points(lon: FloatArray | float, lat: FloatArray | float) -> npt.NDArray[np.object_]:
    x, y = to_utm(np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float)))
    return np.asarray(shapely.points(x, y), dtype=object)


@dataclass(frozen=True)
class NearestPlace:
    """Per query point: the place's name (``""`` when none) and its distance in metres (inf when none)."""

    name: npt.NDArray[np.str_]
    distance_m: FloatArray


class StraitZones:
    """The packaged layers prepared once for repeated, vectorised queries."""

    def __init__(self) -> None:
        boundary = load_layer("uk_fr_boundary_1988")["features"]
        line = next(f for f in boundary if f["geometry"]["type"] == "LineString")
        coords = np.asarray(line["geometry"]["coordinates"], dtype=float)
        self._boundary = LineString(np.column_stack(to_utm(coords[:, 0], coords[:, 1])))
        shapely.prepare(self._boundary)

        areas = [
            f for f in load_layer("tss")["features"] if f["properties"]["seamark_type"] in TSS_AREA_TYPES
        ]
        self._tss_ids = np.array([int(f["properties"]["osm_way_id"]) for f in areas], dtype=np.int64)
        self._tss_area_m2 = np.asarray(shapely.area([_utm(shape(f["geometry"])) for f in areas]), dtype=float)
        self._tss_tree = shapely.STRtree([_utm(shape(f["geometry"])) for f in areas])

        places = load_layer("places")["features"]
        self._place_names = np.array([f["properties"]["name"] for f in places])
        self._place_cats = np.array([f["properties"]["category"] for f in places])
        self._place_geoms = np.array([_utm(shape(f["geometry"])) for f in places], dtype=object)

    def boundary_side(self, lon: FloatArray | float, lat: FloatArray | float) -> IntArray:
        """+1 UK side (north/west), −1 French side (south/east), 0 beyond the line's ends."""
        pts = _points(lon, lat)
        line = self._boundary
        along = shapely.line_locate_point(line, pts)
        length = float(shapely.length(line))
        # local direction of the line (it runs I → VI, south-west to north-east) at the nearest point
        a = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(along - 1.0, 0.0, length)))
        b = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(along + 1.0, 0.0, length)))
        p = shapely.get_coordinates(pts)
        cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
        side = np.where(cross > 0, 1, -1).astype(np.int64)  # left of a SW→NE line is north-west: UK
        beyond = (along <= 0.0) | (along >= length)
        side[beyond] = 0
        return side

    def tss_area(self, lon: FloatArray | float, lat: FloatArray | float) -> IntArray:
        """OSM way id of the TSS separation/inshore-traffic zone containing each point, else −1.

        Where zones overlap (OSM maps a scheme's outline and its parts), the smallest one wins.
        """
        pts = _points(lon, lat)
        out = np.full(len(pts), -1, dtype=np.int64)
        best = np.full(len(pts), np.inf)
        pi, ti = self._tss_tree.query(pts, predicate="within")
        for p_idx, t_idx in zip(pi.tolist(), ti.tolist(), strict=True):
            if self._tss_area_m2[t_idx] < best[p_idx]:
                best[p_idx] = self._tss_area_m2[t_idx]
                out[p_idx] = self._tss_ids[t_idx]
        return out

    def nearest_place(
        self, lon: FloatArray | float, lat: FloatArray | float, category: str | None = None
    ) -> NearestPlace:
        """Nearest coastal place (of ``category`` when given) and its distance in metres."""
        pts = _points(lon, lat)
        mask = (
            np.ones(len(self._place_names), dtype=bool) if category is None else self._place_cats == category
        )
        if not mask.any():
            return NearestPlace(np.full(len(pts), "", dtype=object).astype(str), np.full(len(pts), np.inf))
        geoms = self._place_geoms[mask]
        dist = shapely.distance(pts[:, None], geoms[None, :])
        idx = np.argmin(dist, axis=1)
        return NearestPlace(self._place_names[mask][idx], dist[np.arange(len(pts)), idx])


@lru_cache(maxsize=1)
def strait_zones() -> StraitZones:
    """The shared, prepared instance (built on first use, ~50 ms)."""
    return StraitZones()
