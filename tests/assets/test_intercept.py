"""Intercept geometry against closed-form pursuit cases, and sea routes that never cross land."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from watchkeeper.assets.intercept import KNOT_MS, routed_intercept_time, straight_intercept_time
from watchkeeper.assets.recommend import Recommender
from watchkeeper.geo.frames import to_utm


def utm(lon: float, lat: float) -> np.ndarray:
    x, y = to_utm(lon, lat)
    return np.array([float(x), float(y)])


def test_head_on_and_stern_chase_closed_form() -> None:
    a = np.array([[0.0, 0.0], [0.0, 0.0]])
    p0 = np.array([[10_000.0, 0.0], [10_000.0, 0.0]])
    v = np.array([[-5.0, 0.0], [5.0, 0.0]])  # coming towards / running away at 5 m/s
    s = np.array([10.0, 10.0])
    t = straight_intercept_time(a, s, p0, v)
    assert t == pytest.approx([10_000 / 15, 10_000 / 5])


def test_crossing_target_meets_on_the_circle() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(-20_000, 20_000, (200, 2))
    p0 = rng.uniform(-20_000, 20_000, (200, 2))
    v = rng.uniform(-4, 4, (200, 2))
    s = rng.uniform(6, 15, 200)
    t = straight_intercept_time(a, s, p0, v)
    meet = p0 + v * t[:, None]
    assert np.all(np.isfinite(t)) and np.all(t >= 0)
    np.testing.assert_allclose(np.hypot(*(meet - a).T), s * t, rtol=1e-9)
    # no earlier time works: at 0.99 t the asset's reach is short of the target
    early = p0 + v * (0.99 * t)[:, None]
    assert np.all(np.hypot(*(early - a).T) > s * 0.99 * t)


def test_faster_target_running_away_cannot_be_caught() -> None:
    t = straight_intercept_time(
        np.zeros((1, 2)), np.array([5.0]), np.array([[1000.0, 0]]), np.array([[6.0, 0]])
    )
    assert np.isinf(t[0])


def test_open_water_routed_equals_straight(recommender: Recommender) -> None:
    a = utm(1.30, 51.02)[None]
    p0 = utm(1.55, 50.98)[None]
    v = np.array([[-1.0, 2.0]])
    s = np.array([20 * KNOT_MS])
    assert routed_intercept_time(recommender.router, a, s, p0, v) == pytest.approx(
        straight_intercept_time(a, s, p0, v), rel=1e-6
    )


def test_route_around_cap_gris_nez_never_crosses_land(recommender: Recommender, land) -> None:  # type: ignore[no-untyped-def]
    calais, boulogne = utm(1.86, 50.98), utm(1.58, 50.73)
    path = recommender.router.path(calais, boulogne)
    assert len(path) > 2, "the straight line crosses the cape: the route must bend"
    line = shapely.LineString(path)
    assert not line.intersects(land)
    routed = recommender.router.distances(calais[None], boulogne[None])[0]
    assert routed == pytest.approx(line.length, rel=1e-6)
    assert routed > np.hypot(*(boulogne - calais))


def test_routes_between_many_sea_points_stay_off_land(recommender: Recommender, land) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    pts = []
    while len(pts) < 30:
        p = utm(rng.uniform(0.6, 2.3), rng.uniform(50.6, 51.35))
        if not recommender.router.on_land(*p):
            pts.append(p)
    for a, b in zip(pts[::2], pts[1::2], strict=True):
        path = recommender.router.path(a, b)
        if len(path):
            assert not shapely.LineString(path).intersects(land)


def test_inland_point_has_no_sea_route(recommender: Recommender) -> None:
    lille = utm(3.06, 50.63)  # 60 km inland
    assert np.isinf(recommender.router.distances(lille[None], utm(1.4, 51.0)[None])[0])
