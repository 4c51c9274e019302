"""Polar radar measurement model per site, as converted Cartesian measurements in UTM 31N.

Two polar frames are supported (``polar_frame``):
- ``"geodetic"`` — what a real coastal radar reports: slant range (m) and true bearing (degrees clockwise
  from true north). Each plot is converted exactly — slant to ground range with the antenna height, the
  WGS84 geodesic from the site (pyproj ``Geod.fwd``, vectorised), then UTM 31N — so grid convergence
  (+1.28° at Langdon Bay, i.e. 450 m cross-range at 20 km if ignored) and the scale factor never bias
  the picture.
- ``"grid"`` — range and bearing measured in the UTM 31N plane about the site. The shared simulated
  scenarios are generated this way: against truth their bearings match the grid bearing to 0.002° and
  differ from the geodesic azimuth by the grid convergence (1.28° / 1.10°), and their ranges match the
  planar grid distance without any height term (docs/design.md, "Tracker"). Each site says which
  (``RadarSite.polar_frame``, from ``sensors.json``; files without the key are in this frame).
The measurement covariance is the polar covariance ``diag(σr², σθ²)`` rotated through the grid bearing:
``R = J diag(σr², σθ²) Jᵀ``. With σθ = 0.3° the conversion bias ``r σθ²/2`` is under 0.6 m at 40 km, so
the unbiased/debiased converted-measurement correction (Lerro & Bar-Shalom 1993; Mo et al. 1998) is
below a twentieth of σr and is not applied (docs/design.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from watchkeeper.geo.frames import GEOD, to_utm
from watchkeeper.ingest.radar.scenario import POLAR_FRAMES, RadarSite
from watchkeeper.tracking.models import FloatArray


@dataclass(slots=True, frozen=True)
class RadarModel:
    """One radar in the tracking frame: site (UTM m), noise, coverage and local grid geometry."""

    sensor_id: str
    index: int
    lat: float
    lon: float
    height_m: float
    x: float
    y: float
    range_sigma_m: float
    bearing_sigma_rad: float
    max_range_m: float
    scan_period_s: float
    grid_convergence_rad: float  # grid bearing = true bearing + this, near the site
    scale_factor: float  # grid distance / true distance near the site
    clutter_density_per_m2: float  # false plots per scan per m² (for the assignment costs)
    polar_frame: str = "grid"  # "grid" (UTM-plane polar) or "geodetic" (slant range, true bearing)

    @classmethod
    def from_site(cls, site: RadarSite, index: int, polar_frame: str | None = None) -> RadarModel:
        """The site's model; ``polar_frame`` overrides the frame the site declares."""
        x, y = to_utm(site.lon, site.lat)
        lon2, lat2, _ = GEOD.fwd(
            [site.lon, site.lon], [site.lat, site.lat], [0.0, 90.0], [10_000.0, 10_000.0]
        )
        x2, y2 = to_utm(np.asarray(lon2), np.asarray(lat2))
        north = np.arctan2(x2[0] - x, y2[0] - y)
        scale = float(np.hypot(x2[1] - x, y2[1] - y) / 10_000.0)
        clutter = site.clutter_mean_per_scan if site.clutter_mean_per_scan is not None else 20.0
        # Clutter falls on sea only; half the disc is a fair figure for a coastal site.
        density = clutter / (0.5 * np.pi * site.max_range_m**2)
        return cls(
            sensor_id=site.sensor_id,
            index=index,
            lat=site.lat,
            lon=site.lon,
            height_m=site.height_m,
            x=float(x),
            y=float(y),
            range_sigma_m=site.range_sigma_m,
            bearing_sigma_rad=float(np.radians(site.bearing_sigma_deg)),
            max_range_m=site.max_range_m,
            scan_period_s=site.scan_period_s,
            grid_convergence_rad=float(north),
            scale_factor=scale,
            clutter_density_per_m2=float(density),
            polar_frame=polar_frame or site.polar_frame,
        )

    def ground_range(self, range_m: FloatArray) -> FloatArray:
        """Slant range to ground range (flat earth over ≤ 40 km: the curvature term is under 1 m)."""
        return np.sqrt(np.maximum(range_m**2 - self.height_m**2, 0.0))

    def to_cartesian(self, range_m: FloatArray, bearing_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Plots (slant range m, true bearing °) to UTM 31N positions (N, 2) and covariances (N, 2, 2)."""
        if self.polar_frame == "grid":
            b = np.radians(bearing_deg)
            xy = np.column_stack([self.x + range_m * np.sin(b), self.y + range_m * np.cos(b)])
            return xy, self.covariance(xy)
        n = range_m.shape[0]
        ground = self.ground_range(range_m)
        lon, lat, _ = GEOD.fwd(np.full(n, self.lon), np.full(n, self.lat), bearing_deg, ground)
        x, y = to_utm(np.asarray(lon), np.asarray(lat))
        xy = np.column_stack([x, y])
        return xy, self.covariance(xy)

    def covariance(self, xy: FloatArray) -> FloatArray:
        """Converted-measurement covariance (N, 2, 2) at UTM positions ``xy``."""
        dx = xy[:, 0] - self.x
        dy = xy[:, 1] - self.y
        rng = np.maximum(np.hypot(dx, dy), 1.0)
        beta = np.arctan2(dx, dy)  # grid bearing
        ur = np.column_stack([np.sin(beta), np.cos(beta)])  # unit range direction
        uc = np.column_stack([np.cos(beta), -np.sin(beta)])  # unit cross-range direction
        sr2 = (self.range_sigma_m * (self.scale_factor if self.polar_frame == "geodetic" else 1.0)) ** 2
        sc2 = (rng * self.bearing_sigma_rad) ** 2
        cov: FloatArray = (
            sr2 * ur[:, :, None] * ur[:, None, :] + sc2[:, None, None] * uc[:, :, None] * uc[:, None, :]
        )
        return cov

    def to_grid_polar(self, xy: FloatArray) -> tuple[FloatArray, FloatArray]:
        """UTM positions to (grid range m, grid bearing rad clockwise from grid north) about the site."""
        dx = xy[:, 0] - self.x
        dy = xy[:, 1] - self.y
        return np.hypot(dx, dy), np.arctan2(dx, dy)

    def in_coverage(self, xy: FloatArray) -> npt.NDArray[np.bool_]:
        r, _ = self.to_grid_polar(xy)
        limit = self.max_range_m * (self.scale_factor if self.polar_frame == "geodetic" else 1.0)
        return np.asarray(r <= limit)


def radar_models(sites: Sequence[RadarSite], polar_frame: str | None = None) -> tuple[RadarModel, ...]:
    """One model per site, in the frame each site declares unless ``polar_frame`` overrides it."""
    if polar_frame is not None and polar_frame not in POLAR_FRAMES:
        raise ValueError(f"polar_frame must be one of {POLAR_FRAMES}, not {polar_frame!r}")
    return tuple(RadarModel.from_site(s, i, polar_frame) for i, s in enumerate(sites))


def grid_to_true_deg(lon: FloatArray, lat: FloatArray, grid_deg: FloatArray) -> FloatArray:
    """Grid bearings (°) at WGS84 positions to true bearings (°), UTM 31N (central meridian 3°E).

    Convergence γ ≈ (λ − λ0) sin φ (Snyder 1987, eq. 8-18 first term); under 0.01° error in the strait.
    """
    gamma = (lon - 3.0) * np.sin(np.radians(lat))
    return np.asarray((grid_deg + gamma) % 360.0)
