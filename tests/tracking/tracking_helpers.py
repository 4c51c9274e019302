"""Helpers for the tracker tests: a fixed epoch, one synthetic radar, plots of known targets and clutter.

The synthetic radar measures in the UTM 31N plane (``polar_frame="grid"``) so that truth, plots and tracks
share one frame exactly; ``test_radar_measurement.py`` checks the geodetic frame separately. Everything is
seeded: no wall clock, no unseeded randomness.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from watchkeeper.core.types import AisReport, Plot, TimeSource
from watchkeeper.geo.frames import to_utm, to_wgs84
from watchkeeper.ingest.radar.scenario import RadarSite
from watchkeeper.tracking.measurement import RadarModel

EPOCH = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
PERIOD_S = 2.5
SITE = RadarSite(
    sensor_id="radar_test",
    lat=51.0,
    lon=1.45,
    height_m=0.0,
    scan_period_s=PERIOD_S,
    range_sigma_m=15.0,
    bearing_sigma_deg=0.3,
    max_range_m=40_000.0,
    clutter_mean_per_scan=20.0,
    polar_frame="grid",
)
SITE_XY = np.array(to_utm(SITE.lon, SITE.lat), dtype=float)

Motion = Callable[[float], np.ndarray]  # time (s since EPOCH) → (n, 2) UTM positions


def offset(east_m: float, north_m: float) -> np.ndarray:
    """The UTM position ``east_m``, ``north_m`` from the radar site."""
    return SITE_XY + np.array([east_m, north_m])


def radar() -> RadarModel:
    return RadarModel.from_site(SITE, 0)


def constant_velocity(start_xy: np.ndarray, velocity: np.ndarray) -> Motion:
    """Targets at ``start_xy`` (n, 2) at t = 0 moving at ``velocity`` (n, 2) m/s."""
    return lambda t: start_xy + velocity * t


def at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def scan_plots(
    rng: np.random.Generator,
    motion: Motion,
    scan: int,
    pd: float = 1.0,
    clutter: int = 0,
    sensor_id: str = SITE.sensor_id,
) -> tuple[list[Plot], np.ndarray]:
    """Plots of one revolution ``[scan·period, (scan+1)·period)``: each target once at its beam time
    (detected with probability ``pd``) plus ``clutter`` false plots uniform over the disc.

    Returns the plots and, per target, whether it was detected.
    """
    t0 = scan * PERIOD_S
    xy0 = motion(t0)
    brg0 = np.degrees(np.arctan2(xy0[:, 0] - SITE_XY[0], xy0[:, 1] - SITE_XY[1])) % 360.0
    tb = t0 + brg0 / 360.0 * PERIOD_S
    xy = np.array([motion(float(t))[i] for i, t in enumerate(tb)]).reshape(-1, 2)
    d = xy - SITE_XY
    true_rng = np.hypot(d[:, 0], d[:, 1])
    true_brg = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
    detected = rng.uniform(size=len(xy)) < pd
    r = true_rng + rng.normal(0.0, SITE.range_sigma_m, len(xy))
    b = (true_brg + rng.normal(0.0, SITE.bearing_sigma_deg, len(xy))) % 360.0
    plots = [
        Plot(time=at(float(tb[i])), sensor_id=sensor_id, range_m=float(r[i]), bearing_deg=float(b[i]))
        for i in np.flatnonzero(detected)
    ]
    cr = SITE.max_range_m * np.sqrt(rng.uniform(size=clutter))
    cb = rng.uniform(0.0, 360.0, clutter)
    plots += [
        Plot(time=at(t0 + float(cb[j]) / 360.0 * PERIOD_S), sensor_id=sensor_id, range_m=float(cr[j]),
             bearing_deg=float(cb[j]))
        for j in range(clutter)
    ]  # fmt: skip
    return plots, detected


def ais_report(
    mmsi: int, seconds: float, xy: np.ndarray, velocity: np.ndarray, name: str | None = None
) -> AisReport:
    """A class A position report of a vessel at UTM ``xy`` moving at ``velocity`` (m/s, grid frame)."""
    lon, lat = to_wgs84(float(xy[0]), float(xy[1]))
    speed_kn = float(np.hypot(*velocity)) * 3600.0 / 1852.0
    grid = float(np.degrees(np.arctan2(velocity[0], velocity[1])))
    cog = (grid + (float(lon) - 3.0) * np.sin(np.radians(float(lat)))) % 360.0  # grid → true (UTM 31N)
    return AisReport(
        mmsi=mmsi, msg_type=1, event_time=at(seconds), time_source=TimeSource.TAG_BLOCK, source="test",
        lat=float(lat), lon=float(lon), sog_kn=speed_kn, cog_deg=cog, name=name,
    )  # fmt: skip


def static_report(mmsi: int, seconds: float, name: str) -> AisReport:
    """A type 5 static report naming the vessel (no position)."""
    return AisReport(
        mmsi=mmsi, msg_type=5, event_time=at(seconds), time_source=TimeSource.TAG_BLOCK, source="test",
        name=name,
    )  # fmt: skip


def turning(start_xy: np.ndarray, speed_mps: float, turn_s: float, start_turn_s: float) -> Motion:
    """One target heading east at ``speed_mps``, turning 90° to starboard (to south) over ``turn_s`` from
    ``start_turn_s``, then heading south."""
    rate = np.pi / 2.0 / turn_s
    radius = speed_mps / rate
    centre = start_xy + np.array([speed_mps * start_turn_s, -radius])

    def motion(t: float) -> np.ndarray:
        if t < start_turn_s:
            xy = start_xy + np.array([speed_mps * t, 0.0])
        elif t < start_turn_s + turn_s:
            a = rate * (t - start_turn_s)
            xy = centre + radius * np.array([np.sin(a), np.cos(a)])
        else:
            xy = centre + np.array([radius, -speed_mps * (t - start_turn_s - turn_s)])
        return xy.reshape(1, 2)

    return motion
