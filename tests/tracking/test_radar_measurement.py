"""The polar radar measurement model: plots converted to UTM 31N with a consistent covariance, in both
polar frames (the grid frame of the shared scenarios, the geodetic frame of real radars and our simulator)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tracking_helpers import SITE

from watchkeeper.geo.frames import GEOD, to_utm
from watchkeeper.tracking.measurement import RadarModel, grid_to_true_deg, radar_models

N = 4000


def _targets(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    az = rng.uniform(0.0, 360.0, N)
    dist = rng.uniform(2_000.0, 39_000.0, N)
    lon, lat, _ = GEOD.fwd(np.full(N, SITE.lon), np.full(N, SITE.lat), az, dist)
    return np.asarray(lon), np.asarray(lat)


def _plots(model: RadarModel, lon: np.ndarray, lat: np.ndarray, rng: np.random.Generator, frame: str):
    x, y = to_utm(lon, lat)
    if frame == "geodetic":
        az, _, ground = GEOD.inv(np.full(N, model.lon), np.full(N, model.lat), lon, lat)
        rng_m, brg = np.hypot(ground, model.height_m), np.asarray(az) % 360.0
    else:
        rng_m = np.hypot(x - model.x, y - model.y)
        brg = np.degrees(np.arctan2(x - model.x, y - model.y)) % 360.0
    rng_m = rng_m + rng.normal(0.0, SITE.range_sigma_m, N)
    brg = brg + rng.normal(0.0, SITE.bearing_sigma_deg, N)
    return np.column_stack([x, y]), rng_m, brg


@pytest.mark.parametrize("frame", ["grid", "geodetic"])
def test_converted_plots_are_unbiased_and_consistent(frame: str) -> None:
    rng = np.random.default_rng(5)
    site = dataclasses.replace(SITE, height_m=100.0, polar_frame=frame)
    model = RadarModel.from_site(site, 0)
    lon, lat = _targets(rng)
    truth, rng_m, brg = _plots(model, lon, lat, rng, frame)
    xy, cov = model.to_cartesian(rng_m, brg)
    e = xy - truth
    d2 = np.einsum("ki,kij,kj->k", e, np.linalg.inv(cov), e)
    assert 1.9 < d2.mean() < 2.1  # χ²(2)
    assert np.quantile(d2, 0.99) < 1.1 * 9.21
    # no bias along or across the line of sight worth a tenth of σ
    assert np.abs(e.mean(axis=0)).max() < 3.0


def test_reading_geodetic_plots_in_the_grid_frame_is_biased() -> None:
    """The frame matters: true bearings read as grid bearings are off by the grid convergence (1.2°)."""
    rng = np.random.default_rng(5)
    geodetic = RadarModel.from_site(dataclasses.replace(SITE, polar_frame="geodetic"), 0)
    wrong = RadarModel.from_site(dataclasses.replace(SITE, polar_frame="grid"), 0)
    lon, lat = _targets(rng)
    truth, rng_m, brg = _plots(geodetic, lon, lat, rng, "geodetic")
    xy, cov = wrong.to_cartesian(rng_m, brg)
    e = xy - truth
    d2 = np.einsum("ki,kij,kj->k", e, np.linalg.inv(cov), e)
    assert d2.mean() > 10.0  # (1.2° / 0.3°)² + 2 ≈ 18
    # grid bearing = true bearing + convergence; west of the central meridian grid north is east of true north
    convergence = np.degrees(geodetic.grid_convergence_rad)
    assert convergence == pytest.approx(1.2, abs=0.1)
    true = grid_to_true_deg(np.array([SITE.lon]), np.array([SITE.lat]), np.array([45.0]))[0]
    assert 45.0 - true == pytest.approx(convergence, abs=0.01)


def test_grid_to_true_bearing_convergence() -> None:
    # UTM 31N: zero convergence on the central meridian 3°E, γ ≈ (λ − 3°) sin φ elsewhere
    assert grid_to_true_deg(np.array([3.0]), np.array([51.0]), np.array([90.0]))[0] == pytest.approx(90.0)
    true = grid_to_true_deg(np.array([1.45]), np.array([51.0]), np.array([10.0]))[0]
    assert true == pytest.approx(10.0 - 1.55 * np.sin(np.radians(51.0)), abs=1e-9)


def test_coverage_and_frame_override() -> None:
    (model,) = radar_models([SITE], polar_frame="geodetic")
    assert model.polar_frame == "geodetic"
    with pytest.raises(ValueError, match="polar_frame"):
        radar_models([SITE], polar_frame="ecef")
    grid = RadarModel.from_site(SITE, 0)
    xy = np.array([[grid.x + 39_000.0, grid.y], [grid.x, grid.y - 41_000.0]])
    assert grid.in_coverage(xy).tolist() == [True, False]
