"""The grid-bucketed segment test agrees with shapely's exact predicate on the real coastline."""

from __future__ import annotations

import numpy as np
import shapely

from watchkeeper.geo.frames import to_utm
from watchkeeper.geo.land import land_utm
from watchkeeper.geo.segments import SegmentIndex, boundary_edges


def test_agrees_with_shapely_on_random_segments_across_the_strait() -> None:
    land = land_utm().buffer(200, quad_segs=2).simplify(100)
    index = SegmentIndex(*boundary_edges(land))
    rng = np.random.default_rng(5)
    x, y = to_utm(rng.uniform(0.0, 2.6, 6000), rng.uniform(50.4, 51.5, 6000))
    pts = np.column_stack([x, y]).reshape(-1, 2, 2)
    a, b = pts[:, 0], pts[:, 1]
    # lengths from 100 m to 100 km, so both short coastal hops and long crossings are tested
    scale = rng.uniform(0.001, 1.0, len(a))[:, None]
    b = a + (b - a) * scale
    expected = shapely.intersects(shapely.linestrings(np.stack([a, b], axis=1)), land.boundary)
    got = index.crosses(a, b)
    assert expected.any() and (~expected).any()
    np.testing.assert_array_equal(got, expected)
