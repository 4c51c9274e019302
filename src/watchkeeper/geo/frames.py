"""Metric frames for the strait.

The tracker, the rules and the planners work in UTM zone 31N (EPSG:32631), metres, x east, y north:
it fits the strait (central meridian 3°E) with scale error well under 0.1% over the area of interest
(lon −2…3.5, lat 49.5…51.8). Transformers are built once and are vectorised over numpy arrays.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import Geod, Transformer

UTM31N = "EPSG:32631"
WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")

FloatArray = npt.NDArray[np.float64]


@lru_cache(maxsize=1)
def _to_utm() -> Transformer:
    return Transformer.from_crs(WGS84, UTM31N, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(UTM31N, WGS84, always_xy=True)


def to_utm(lon: FloatArray | float, lat: FloatArray | float) -> tuple[FloatArray, FloatArray]:
    """WGS84 lon/lat (degrees) to UTM 31N x/y (metres)."""
    x, y = _to_utm().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_wgs84(x: FloatArray | float, y: FloatArray | float) -> tuple[FloatArray, FloatArray]:
    """UTM 31N x/y (metres) to WGS84 lon/lat (degrees)."""
    lon, lat = _to_wgs84().transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
