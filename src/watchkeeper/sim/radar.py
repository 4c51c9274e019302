"""SIMULATED rotating-radar plots: detections with polar noise, and Poisson sea clutter.

Model (``../shared/scenarios/README.md``): the beam sweeps clockwise once per scan period, so a
plot's time is when the beam passed the target's bearing — plots inside one scan have different
times. Slant range σ 15 m, true bearing σ 0.3°, maximum range 40 km. Pd: ships and ferries 0.98,
fishing 0.9, small boats 0.9 − 0.3 × range / max range. Clutter: Poisson number per scan, uniform
over the sea (by area) within range — never on land.

One call covers one window ``[t0, t0 + period)``: every bearing is swept exactly once in it. Target
positions at the beam time are advanced from ``t0`` along their course (under 2.5 s of motion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from watchkeeper.sim import world
from watchkeeper.sim.targets import Fleet, Kind
from watchkeeper.sim.world import FloatArray, LandMask, Radar

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ScanPlots:
    """Plots of one radar over one scan window; ``serial`` is the target's serial, −1 for clutter."""

    time_ms: IntArray
    range_m: FloatArray
    bearing_deg: FloatArray
    serial: IntArray


def beam_time_s(radar: Radar, t0_s: float, bearing_deg: FloatArray) -> FloatArray:
    """When, within ``[t0, t0 + period)``, the beam points at ``bearing_deg`` (north at phase_s)."""
    p = radar.scan_period_s
    frac = np.mod(bearing_deg / 360.0 - (t0_s - radar.phase_s) / p, 1.0)
    return np.asarray(t0_s + frac * p, dtype=float)


def detection_probability(radar: Radar, kind: IntArray, ground_m: FloatArray) -> FloatArray:
    """Pd per target from its kind and range (shared README model)."""
    small = world.PD_SMALL_NEAR - world.PD_SMALL_SLOPE * ground_m / radar.max_range_m
    pd = np.where(kind == Kind.FISHING, world.PD_FISHING, world.PD_SHIP)
    return np.asarray(np.where(kind == Kind.SMALL_BOAT, small, pd), dtype=float)


def sample_clutter(
    rng: np.random.Generator, radar: Radar, count: int, land: LandMask
) -> tuple[FloatArray, FloatArray]:
    """``count`` points uniform by area over the sea within range: (ground range m, bearing deg)."""
    ranges: list[FloatArray] = [np.zeros(0)]
    bearings: list[FloatArray] = [np.zeros(0)]
    need = count
    while need > 0:
        m = 2 * need + 4
        r = radar.max_range_m * np.sqrt(rng.uniform(size=m))
        b = rng.uniform(0.0, 360.0, m)
        lon, lat = world.forward(np.full(m, radar.lon), np.full(m, radar.lat), b, r)
        sea = ~land.contains(lon, lat)
        ranges.append(r[sea][:need])
        bearings.append(b[sea][:need])
        need -= int(min(need, sea.sum()))
    return np.concatenate(ranges), np.concatenate(bearings)


def scan(
    rng: np.random.Generator,
    radar: Radar,
    fleet: Fleet,
    t0_s: float,
    clutter_mean: float,
    land: LandMask,
) -> ScanPlots:
    """Detections of active targets and clutter for one scan window starting at ``t0_s``."""
    act = np.flatnonzero(fleet.active)
    az0, _ = world.inverse(radar.lon, radar.lat, fleet.lon[act], fleet.lat[act])
    tb = beam_time_s(radar, t0_s, az0)
    dist_m = fleet.sog_kn[act] * world.KNOT_MS * (tb - t0_s)
    lon, lat = world.forward(fleet.lon[act], fleet.lat[act], fleet.cog_deg[act], dist_m)
    az, ground = world.inverse(radar.lon, radar.lat, lon, lat)
    pd = detection_probability(radar, fleet.kind[act], ground)
    u = rng.uniform(size=act.size)
    noise_r = rng.normal(0.0, radar.range_sigma_m, act.size)
    noise_b = rng.normal(0.0, radar.bearing_sigma_deg, act.size)
    hit = (ground <= radar.max_range_m) & (u < pd)
    slant = np.hypot(ground, radar.height_m)

    n_clutter = int(rng.poisson(clutter_mean)) if clutter_mean > 0 else 0
    c_ground, c_bearing = sample_clutter(rng, radar, n_clutter, land)
    c_time = beam_time_s(radar, t0_s, c_bearing)

    time_s = np.concatenate([tb[hit], c_time])
    order = np.argsort(time_s, kind="stable")
    return ScanPlots(
        time_ms=np.round(time_s * 1000.0).astype(np.int64)[order],
        range_m=np.concatenate([slant[hit] + noise_r[hit], np.hypot(c_ground, radar.height_m)])[order],
        bearing_deg=np.mod(np.round(np.concatenate([az[hit] + noise_b[hit], c_bearing]), 3), 360.0)[order],
        serial=np.concatenate([fleet.serial[act[hit]], np.full(n_clutter, -1, dtype=np.int64)])[order],
    )
