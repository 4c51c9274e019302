"""Zone queries: side of the 1988 boundary, TSS area, nearest coastal place."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from watchkeeper.geo.layers import load_layer
from watchkeeper.geo.zones import strait_zones

DOVER_TSS_ZONE = 129922876  # OSM way "Dover Straits TSS" separation zone


def _turning_points() -> dict[str, tuple[float, float]]:
    fc = load_layer("uk_fr_boundary_1988")
    return {
        f["properties"]["point"]: tuple(f["geometry"]["coordinates"])
        for f in fc["features"]
        if "point" in f["properties"]
    }


def test_boundary_side_of_ports_and_beyond_the_ends() -> None:
    z = strait_zones()
    # Dover, Folkestone harbour approaches: UK; Calais, Cap Gris-Nez offing: France
    lon = np.array([1.33, 1.20, 1.85, 1.55, -1.0, 2.6])
    lat = np.array([51.10, 51.06, 50.98, 50.88, 50.0, 51.6])
    side = z.boundary_side(lon, lat)
    assert side.tolist() == [1, 1, -1, -1, 0, 0]


def test_boundary_side_flips_across_the_line_at_every_segment() -> None:
    """100 m either side of each segment's middle, perpendicular to it, the answer differs."""
    z = strait_zones()
    pts = _turning_points()
    names = ["I", "II", "III", "IV", "V", "VI"]
    for a, b in itertools.pairwise(names):
        (lon1, lat1), (lon2, lat2) = pts[a], pts[b]
        mlon, mlat = (lon1 + lon2) / 2, (lat1 + lat2) / 2
        # direction in local metres, then a 100 m step to the left (north-west) and right
        dx = (lon2 - lon1) * np.cos(np.radians(mlat)) * 111_320
        dy = (lat2 - lat1) * 110_574
        n = np.hypot(dx, dy)
        left = (-dy / n * 100, dx / n * 100)
        lon_l = mlon + left[0] / (111_320 * np.cos(np.radians(mlat)))
        lat_l = mlat + left[1] / 110_574
        lon_r = mlon - left[0] / (111_320 * np.cos(np.radians(mlat)))
        lat_r = mlat - left[1] / 110_574
        assert z.boundary_side(np.array([lon_l, lon_r]), np.array([lat_l, lat_r])).tolist() == [1, -1], a


def test_turning_points_in_the_dover_tss_separation_zone() -> None:
    """Points I and IV of the 1988 line lie in the OSM "Dover Straits TSS" separation zone polygon.

    (Only about a fifth of the densified line does: the line and the zone run side by side, not one
    inside the other, so III and V fall just outside the zone's edge in the OSM geometry.)
    """
    z = strait_zones()
    pts = _turning_points()
    lon = np.array([pts[p][0] for p in ("I", "IV")])
    lat = np.array([pts[p][1] for p in ("I", "IV")])
    assert z.tss_area(lon, lat).tolist() == [DOVER_TSS_ZONE] * 2


def test_tss_area_is_minus_one_outside_schemes() -> None:
    z = strait_zones()
    assert z.tss_area(1.31, 51.12).tolist() == [-1]  # Dover harbour


def test_nearest_place() -> None:
    z = strait_zones()
    near = z.nearest_place(np.array([1.84, 1.31]), np.array([50.97, 51.12]))
    assert near.name.tolist() == ["Calais", "Dover"]
    assert (near.distance_m < 3_000).all()
    emb = z.nearest_place(1.31, 51.12, category="embarkation")
    # from Dover the nearest embarkation commune is Wissant (~36 km), not Calais (~42 km)
    assert emb.name.tolist() == ["Wissant"]
    assert emb.distance_m[0] == pytest.approx(36_000, rel=0.1)
    none = z.nearest_place(1.31, 51.12, category="nonexistent")
    assert none.name.tolist() == [""] and np.isinf(none.distance_m).all()
