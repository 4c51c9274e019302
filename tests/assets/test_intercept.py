"""Intercept geometry against closed-form pursuit cases, target motion, sea routes that never cross land."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from scipy.optimize import brentq
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from watchkeeper.assets.intercept import KNOT_MS, routed_intercept_time, straight_intercept_time
from watchkeeper.assets.model import Target, TrackPoint
from watchkeeper.assets.motion import TargetMotion
from watchkeeper.assets.recommend import Recommender
from watchkeeper.assets.routing import SeaRouter
from watchkeeper.geo.frames import to_utm

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def utm(lon: float, lat: float) -> np.ndarray:
    x, y = to_utm(lon, lat)
    return np.array([float(x), float(y)])


def constant(p0: list[float], v: list[float]) -> TargetMotion:
    return TargetMotion.constant(np.array(p0), np.array(v))


# -- straight line: closed forms -------------------------------------------------------------------------


def test_head_on_and_stern_chase_closed_form() -> None:
    a = np.zeros((1, 2))
    s = np.array([10.0])
    towards = straight_intercept_time(a, s, constant([10_000.0, 0.0], [-5.0, 0.0]))
    away = straight_intercept_time(a, s, constant([10_000.0, 0.0], [5.0, 0.0]))
    assert towards[0] == pytest.approx(10_000 / 15)  # closing at s + v
    assert away[0] == pytest.approx(10_000 / 5)  # closing at s − v


def test_target_crossing_at_right_angles_closed_form() -> None:
    # Target at (d, 0) moving at v along +y; the asset meets it where s t is the hypotenuse of d and v t:
    # t = d / sqrt(s² − v²).
    d, v, s = 12_000.0, 3.0, 11.0
    t = straight_intercept_time(np.zeros((1, 2)), np.array([s]), constant([d, 0.0], [0.0, v]))
    assert t[0] == pytest.approx(d / np.sqrt(s**2 - v**2), rel=1e-12)


def test_crossing_targets_meet_on_the_circle_and_not_before() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(-20_000, 20_000, (200, 2))
    s = rng.uniform(6, 15, 200)
    for i in range(0, 200, 20):
        p0, v = rng.uniform(-20_000, 20_000, 2), rng.uniform(-4, 4, 2)
        t = straight_intercept_time(a[i : i + 20], s[i : i + 20], TargetMotion.constant(p0, v))
        meet = p0 + v * t[:, None]
        assert np.all(np.isfinite(t)) and np.all(t >= 0)
        np.testing.assert_allclose(np.hypot(*(meet - a[i : i + 20]).T), s[i : i + 20] * t, rtol=1e-9)
        early = p0 + v * (0.99 * t)[:, None]  # at 0.99 t the asset's reach is short of the target
        assert np.all(np.hypot(*(early - a[i : i + 20]).T) > s[i : i + 20] * 0.99 * t)


def test_faster_target_running_away_cannot_be_caught() -> None:
    t = straight_intercept_time(np.zeros((1, 2)), np.array([5.0]), constant([1000.0, 0.0], [6.0, 0.0]))
    assert np.isinf(t[0])


def test_faster_target_coming_towards_the_asset_is_met() -> None:
    t = straight_intercept_time(np.zeros((1, 2)), np.array([5.0]), constant([1000.0, 0.0], [-6.0, 0.0]))
    assert t[0] == pytest.approx(1000 / 11)


def test_multi_leg_track_matches_a_numeric_root() -> None:
    # A boat that turns twice; the intercept is the first root of |P(t) − A| − s t, found independently.
    motion = TargetMotion(
        np.array([0.0, 1200.0, 2400.0]),
        np.array([[5000.0, 0.0], [5000.0 + 3.0 * 1200, 0.0], [8600.0, 4.0 * 1200]]),
        np.array([[3.0, 0.0], [0.0, 4.0], [-2.0, 1.0]]),
    )
    rng = np.random.default_rng(5)
    a = rng.uniform(-15_000, 15_000, (40, 2))
    s = rng.uniform(6, 12, 40)
    t = straight_intercept_time(a, s, motion)
    grid = np.linspace(0, 20_000, 20_001)
    track = motion.at(grid)
    for i in range(40):

        def gap(tt: float, i: int = i) -> float:
            return float(np.hypot(*(motion.at(tt)[0] - a[i])) - s[i] * tt)

        first = grid[np.argmax(np.hypot(*(track - a[i]).T) - s[i] * grid <= 0)]
        expect = brentq(gap, max(first - 1.0, 0.0), first)
        assert t[i] == pytest.approx(expect, abs=1e-3)


def test_a_delayed_start_is_the_same_as_starting_later_from_the_same_point() -> None:
    # Setting off at τ from A: the asset reaches the target when |P(t) − A| = s (t − τ).
    motion = constant([8000.0, 3000.0], [-2.0, 1.0])
    t = straight_intercept_time(np.zeros((1, 2)), np.array([9.0]), motion, np.array([600.0]))
    assert np.hypot(*motion.at(t)[0]) == pytest.approx(9.0 * (t[0] - 600.0), rel=1e-9)
    later = TargetMotion.constant(motion.at(600.0)[0], np.array([-2.0, 1.0]))
    assert t[0] == pytest.approx(600.0 + straight_intercept_time(np.zeros((1, 2)), np.array([9.0]), later)[0])


# -- target motion: drift and predicted tracks -----------------------------------------------------------


def test_drift_adds_to_the_boats_own_motion() -> None:
    drifting = TargetMotion.from_target(Target(51.0, 1.5, 0.0, 0.0, T0, drift_kn=2.0, drift_deg=90.0))
    under_way = TargetMotion.from_target(Target(51.0, 1.5, 2.0, 90.0, T0))
    both = TargetMotion.from_target(Target(51.0, 1.5, 3.0, 0.0, T0, drift_kn=2.0, drift_deg=90.0))
    np.testing.assert_allclose(drifting.velocity, under_way.velocity)
    np.testing.assert_allclose(both.velocity[0], [2 * KNOT_MS, 3 * KNOT_MS], atol=1e-12)


def test_a_predicted_track_is_followed_and_continued() -> None:
    track = (
        TrackPoint(T0 + timedelta(hours=1), 51.00, 1.50),
        TrackPoint(T0 + timedelta(hours=2), 51.05, 1.45),
    )
    target = Target(50.95, 1.55, 9.0, 123.0, T0, track=track)
    motion = TargetMotion.from_target(target, at=T0 + timedelta(minutes=30))
    np.testing.assert_allclose(motion.at(1800.0)[0], utm(1.50, 51.00), atol=1e-6)
    np.testing.assert_allclose(motion.at(5400.0)[0], utm(1.45, 51.05), atol=1e-6)
    halfway = (utm(1.55, 50.95) + utm(1.50, 51.00)) / 2
    np.testing.assert_allclose(motion.start, halfway, atol=1e-6)
    past = motion.at(5400.0 + 3600.0)[0]  # an hour past the last point: the last leg's velocity
    np.testing.assert_allclose(past, 2 * utm(1.45, 51.05) - utm(1.50, 51.00), atol=1e-6)


def test_a_stopped_motion_waits_where_it_stopped() -> None:
    motion = constant([0.0, 0.0], [2.0, 0.0]).stopped_at(100.0)
    np.testing.assert_allclose(motion.at(np.array([50.0, 100.0, 5000.0])), [[100, 0], [200, 0], [200, 0]])


# -- around land -----------------------------------------------------------------------------------------


def test_open_water_routed_equals_straight(recommender: Recommender) -> None:
    a = utm(1.30, 51.02)[None]
    motion = TargetMotion.constant(utm(1.55, 50.98), np.array([-1.0, 2.0]))
    s = np.array([20 * KNOT_MS])
    routed = routed_intercept_time(recommender.router, a, s, motion)
    assert routed == pytest.approx(straight_intercept_time(a, s, motion), rel=1e-9)


def test_routed_intercept_round_cap_gris_nez_satisfies_the_route_equation(recommender: Recommender) -> None:
    # Boulogne to a boat north of the cape heading north-east: the straight line crosses the cape.
    router = recommender.router
    boulogne = utm(1.565, 50.735)[None]
    motion = TargetMotion.constant(utm(1.70, 50.93), np.array([1.5, 1.5]))
    s = np.array([20 * KNOT_MS])
    t = routed_intercept_time(router, boulogne, s, motion)
    straight = straight_intercept_time(boulogne, s, motion)
    assert np.isfinite(t[0]) and t[0] > straight[0] + 60  # the detour costs more than a minute
    assert router.distances(boulogne, motion.at(t)) == pytest.approx(s * t, abs=s[0] * 1.0)


def test_route_around_cap_gris_nez_never_crosses_land(recommender: Recommender, land: BaseGeometry) -> None:
    calais, boulogne = utm(1.86, 50.98), utm(1.58, 50.73)
    path = recommender.router.path(calais, boulogne)
    assert len(path) > 2, "the straight line crosses the cape: the route must bend"
    line = shapely.LineString(path)
    assert not line.intersects(land)
    routed = recommender.router.distances(calais[None], boulogne[None])[0]
    assert routed == pytest.approx(line.length, rel=1e-6)
    assert routed > np.hypot(*(boulogne - calais))


def _sea_points(router: SeaRouter, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    pts: list[np.ndarray] = []
    while len(pts) < n:
        p = utm(rng.uniform(0.6, 2.4), rng.uniform(50.6, 51.4))
        if not router.on_land(*p):
            pts.append(p)
    return pts


def test_routes_between_many_sea_points_stay_off_land(recommender: Recommender, land: BaseGeometry) -> None:
    router = recommender.router
    pts = _sea_points(router, 60, 11)
    bent = 0
    for a, b in zip(pts[::2], pts[1::2], strict=True):
        path = router.path(a, b)
        assert len(path), "two points of the strait's open water are always connected by sea"
        assert not shapely.LineString(path).intersects(land)
        bent += len(path) > 2
    assert bent >= 3, "the sample should include routes that go round the coast"


def test_sea_distances_equal_a_brute_force_shortest_path(recommender: Recommender) -> None:
    """The pruned, cached queries give the same distance as a plain visibility graph with every corner
    tested from both ends, including a berth inside a harbour the coastline fills in (Dover)."""
    router = recommender.router
    nodes, tested = router.nodes, router._tested
    n = len(nodes)
    i, j = np.triu_indices(n, k=1)
    ok = ~shapely.intersects(shapely.linestrings(np.stack([nodes[i], nodes[j]], 1)), tested)
    w = np.hypot(*(nodes[i[ok]] - nodes[j[ok]]).T)
    base = (np.r_[i[ok], j[ok]], np.r_[j[ok], i[ok]], np.r_[w, w])

    def brute(a: np.ndarray, b: np.ndarray) -> float:
        (a,), _ = router.to_sea(a)
        (b,), _ = router.to_sea(b)
        if not shapely.intersects(shapely.LineString([a, b]), tested):
            return float(np.hypot(*(b - a)))
        sa = ~shapely.intersects(shapely.linestrings(np.stack([np.repeat(a[None], n, 0), nodes], 1)), tested)
        sb = ~shapely.intersects(shapely.linestrings(np.stack([np.repeat(b[None], n, 0), nodes], 1)), tested)
        ia, ib = np.flatnonzero(sa), np.flatnonzero(sb)
        rows = np.r_[base[0], np.full(len(ia), n), ib]
        cols = np.r_[base[1], ia, np.full(len(ib), n + 1)]
        wts = np.r_[base[2], np.hypot(*(nodes[ia] - a).T), np.hypot(*(nodes[ib] - b).T)]
        g = csr_matrix((wts, (rows, cols)), shape=(n + 2, n + 2))
        return float(dijkstra(g, directed=True, indices=n)[n + 1])

    pts = [*_sea_points(router, 24, 7), utm(1.335, 51.112), utm(0.975, 50.913)]  # Dover berth, Dungeness
    a = np.array(pts[:13])
    b = np.array(pts[13:])
    ours = router.distances(a, b)
    expect = [brute(p, q) for p, q in zip(a, b, strict=True)]
    np.testing.assert_allclose(ours, expect, rtol=1e-9)
    ours_back = router.distances(b, a)  # symmetric, whichever side is cached
    np.testing.assert_allclose(ours_back, expect, rtol=1e-9)


def test_inland_point_has_no_sea_route(recommender: Recommender) -> None:
    lille = utm(3.06, 50.63)  # 60 km inland
    assert np.isinf(recommender.router.distances(lille[None], utm(1.4, 51.0)[None])[0])
    assert not len(recommender.router.path(lille, utm(1.4, 51.0)))
