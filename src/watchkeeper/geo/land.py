"""The strait's land as one shapely geometry, in WGS84 and in UTM 31N metres (for routing and rules)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from watchkeeper.geo.frames import to_utm
from watchkeeper.geo.layers import load_layer


@lru_cache(maxsize=1)
def land_wgs84() -> BaseGeometry:
    """Union of the packaged land polygons (lon/lat degrees)."""
    features = load_layer("land")["features"]
    return unary_union([shape(f["geometry"]) for f in features])


@lru_cache(maxsize=1)
def land_utm() -> BaseGeometry:
    """The land in UTM 31N metres."""
    return shapely.transform(land_wgs84(), lambda xy: np.column_stack(to_utm(xy[:, 0], xy[:, 1])))
