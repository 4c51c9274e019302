"""The simulated strait's fixed world: radars, TSS lanes, ferry ports, land and coastal places.

Everything the simulator makes is SIMULATED. The radar model and geometry match
``../shared/scenarios/README.md`` so that the shared scenarios and ours read alike:
two rotating coastal radars (Langdon Bay, Cap Gris-Nez), scan period 2.5 s, range σ 15 m,
bearing σ 0.3°, 40 km maximum range. Positions are WGS84 lon/lat (degrees); distances metres;
bearings and courses degrees true; speeds knots.

Land is a :class:`LandMask` built either from the packaged ``land`` layer
(:func:`watchkeeper.geo.layers.load_layer`, the product path) or from a GeoJSON file (tests and
benchmarks read ``../shared/data/geography/`` in place).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from watchkeeper.geo.frames import GEOD
from watchkeeper.geo.layers import load_layer

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

KNOT_MS = 1852.0 / 3600.0
"""One knot in metres per second."""

SOURCE_TAG = "wk-sim"
"""The NMEA 4.x tag-block ``s:`` source of every simulated AIS sentence."""


@dataclass(frozen=True, slots=True)
class Radar:
    """A simulated rotating coastal radar (polar measurements: slant range m, true bearing deg).

    ``phase_s`` shifts the beam so that the two radars are not in phase: the beam points north at
    ``phase_s + k * scan_period_s`` and sweeps clockwise at constant rate.
    """

    sensor_id: str
    lat: float
    lon: float
    height_m: float
    phase_s: float
    scan_period_s: float = 2.5
    range_sigma_m: float = 15.0
    bearing_sigma_deg: float = 0.3
    max_range_m: float = 40_000.0


RADARS: tuple[Radar, ...] = (
    Radar("radar_langdon", 51.1310, 1.3530, 100.0, phase_s=0.0),
    Radar("radar_grisnez", 50.8690, 1.5830, 60.0, phase_s=1.1),
)

PD_SHIP = 0.98
"""Detection probability of ships and ferries (shared README)."""
PD_FISHING = 0.9
PD_SMALL_NEAR = 0.9
PD_SMALL_SLOPE = 0.3
"""Small boats: Pd = 0.9 − 0.3 × range / max range (shared README)."""

# Dover Strait TSS: separation-zone axis through this point at 057°/237° true, fitted to the shared
# scenarios' lanes (they agree with the OSM separation zone). NE-bound lane 4 km south-east of the
# axis (French side), SW-bound lane 4 km north-west (English side); ±800 m across.
TSS_AXIS_LAT = 50.9503
TSS_AXIS_LON = 1.5009
TSS_AXIS_DEG = 57.0
TSS_LANE_OFFSET_M = 4_000.0
TSS_LANE_HALF_WIDTH_M = 800.0
TSS_ALONG_MIN_M = -58_000.0
"""Lane extent along the axis (metres from the axis point): about the radars' coverage."""
TSS_ALONG_MAX_M = 66_000.0

DOVER_APPROACH = (51.1078, 1.3423)
"""Dover eastern entrance approach (lat, lon), ferry end point."""
CALAIS_APPROACH = (50.9685, 1.8204)
"""Calais harbour approach (lat, lon), ferry end point."""

LANDING_TOWNS = ("Hythe", "Folkestone", "Dover", "Deal")
"""Kent towns, west to east, between which small boats head (points ~1 km off the coast)."""


class LandMask:
    """Land polygons (WGS84) with vectorised point-in-land tests (shapely 2 prepared geometry)."""

    def __init__(self, geometry: Any) -> None:
        self.geometry = geometry
        shapely.prepare(self.geometry)

    @classmethod
    def from_geojson(cls, fc: dict[str, Any]) -> LandMask:
        """From a GeoJSON FeatureCollection of (Multi)Polygons in lon/lat."""
        parts = [shape(f["geometry"]) for f in fc["features"]]
        return cls(shapely.union_all(parts))

    @classmethod
    def from_file(cls, path: Path) -> LandMask:
        """From a GeoJSON file (tests and benchmarks read ``../shared`` in place)."""
        return cls.from_geojson(json.loads(Path(path).read_text(encoding="utf-8")))

    def contains(self, lon: FloatArray | float, lat: FloatArray | float) -> BoolArray:
        """True where the point (degrees) is on land."""
        return np.asarray(shapely.contains_xy(self.geometry, lon, lat), dtype=bool)


@lru_cache(maxsize=1)
def packaged_land() -> LandMask:
    """The product's land mask, from the packaged ``land`` layer (GSHHG full, simplified 25 m)."""
    return LandMask.from_geojson(load_layer("land"))


@dataclass(frozen=True, slots=True)
class Place:
    """A coastal town (GeoNames centre, not a beach)."""

    name: str
    country: str
    category: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def packaged_places() -> tuple[Place, ...]:
    """Embarkation communes (FR) and landing towns (GB) from the packaged ``places`` layer."""
    out = []
    for f in load_layer("places")["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        out.append(Place(p["name"], p["country"], p["category"], float(lat), float(lon)))
    return tuple(out)


def forward(
    lon: FloatArray, lat: FloatArray, azimuth_deg: FloatArray, dist_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Geodesic step on WGS84 (vectorised): the point ``dist_m`` from (lon, lat) along the azimuth."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth_deg, dist_m)
    return np.asarray(lon2, dtype=float), np.asarray(lat2, dtype=float)


def inverse(
    lon1: FloatArray | float, lat1: FloatArray | float, lon2: FloatArray, lat2: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Geodesic (true azimuth deg in [0, 360), distance m) from point 1 to point 2 (vectorised)."""
    lon1a = np.broadcast_to(np.asarray(lon1, dtype=float), np.shape(lon2))
    lat1a = np.broadcast_to(np.asarray(lat1, dtype=float), np.shape(lat2))
    az, _, dist = GEOD.inv(lon1a, lat1a, lon2, lat2)
    return np.mod(np.asarray(az, dtype=float), 360.0), np.asarray(dist, dtype=float)


def in_coverage(lon: FloatArray, lat: FloatArray, radars: tuple[Radar, ...] = RADARS) -> BoolArray:
    """True where the point is within maximum range of at least one radar."""
    covered = np.zeros(np.shape(lon), dtype=bool)
    for r in radars:
        _, dist = inverse(r.lon, r.lat, lon, lat)
        covered |= dist <= r.max_range_m
    return covered


def offshore_point(
    land: LandMask, lat: float, lon: float, toward_deg: float, clearance_m: float
) -> tuple[float, float]:
    """Walk from a town centre along ``toward_deg`` until off land, then ``clearance_m`` further.

    Town centres are inland (GeoNames): this gives a launch or landing point ~600–1000 m off the
    beach, on the side facing the crossing. Steps of 50 m, at most 20 km.
    """
    step_m = 50.0
    steps = np.arange(0.0, 20_000.0, step_m)
    lons, lats = forward(
        np.full(steps.shape, lon), np.full(steps.shape, lat), np.full(steps.shape, toward_deg), steps
    )
    sea = ~land.contains(lons, lats)
    need = int(np.ceil(clearance_m / step_m)) + 1
    # first run of `need` consecutive sea samples: beach then clear water (skips harbours, rivers)
    runs = np.convolve(sea.astype(int), np.ones(need, dtype=int), mode="valid")
    ok = np.flatnonzero(runs == need)
    if not ok.size:
        raise ValueError(f"no sea within 20 km of ({lat}, {lon}) toward {toward_deg}°")
    end = int(ok[0]) + need - 1
    return float(lats[end]), float(lons[end])
