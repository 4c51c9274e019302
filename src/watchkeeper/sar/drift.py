"""Run OpenDrift's Leeway model for one incident and return the particle cloud per output hour.

A run is refused, with the reason, before OpenDrift starts when it could only give a misleading
answer: the start position on land (GSHHG full-resolution mask of ``roaring-landmask``, bundled
with OpenDrift, read offline), a current or wind source that does not cover the position or period,
the tidal approximation asked for outside the strait, or no wind source at all.

Nothing here touches the network: readers are local (``readers``), OpenDrift's plotting (the only
part that would fetch Natural Earth through cartopy) is never called, and OpenDrift's log is quiet.
Randomness (Leeway's per-particle coefficient errors and jibing, seeding radius) comes from
numpy's global generator, seeded per run: the same request gives the same cloud. Because that
generator (and OpenDrift's landmask cache) is process-global, runs are serialised by a lock: two
threads asking at once get the same clouds as if they had asked one after the other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper.core.errors import ConfigError, SpatialNotCovered, WatchkeeperError
from watchkeeper.sar import readers
from watchkeeper.sar.objects import LeewayCoefficients, ObjectType, categories_for
from watchkeeper.sar.tidal import LIMITS_TEXT, STRAIT_BOX, in_strait

FloatArray = npt.NDArray[np.float64]

MAX_HOURS = 72
MAX_PARTICLES = 50_000

#: ``progress(step, steps)`` after each model time step.
Progress = Callable[[int, int], None]

_RUN_LOCK = threading.Lock()


class DriftCannotStart(WatchkeeperError):
    """The drift cannot be run as asked (position on land, bad request); the message says why."""


@dataclass(frozen=True, slots=True)
class DriftRequest:
    """One incident's drift question.

    ``wind_const`` is (speed m/s, direction FROM degrees true); ``current_const`` is (speed m/s,
    direction TOWARD degrees true). With neither ``current_const`` nor ``currents_file`` the tidal
    approximation is used. ``seed_radius_m`` is the last known position's uncertainty (1-sigma
    radius, metres).
    """

    lat: float
    lon: float
    start: datetime
    object_type: ObjectType
    hours: int
    particles: int = 2000
    wind_const: tuple[float, float] | None = None
    wind_file: Path | None = None
    current_const: tuple[float, float] | None = None
    currents_file: Path | None = None
    seed_radius_m: float = 100.0
    seed: int = 1
    time_step_minutes: int = 10


@dataclass
class DriftResult:
    """Particle positions per output hour: arrays (particles, times), NaN once a particle is lost.

    ``stranded`` (particles, times) is True from the step a particle reached the coast; its
    position stays where it stranded.
    """

    request: DriftRequest
    times: list[datetime]
    lon: FloatArray
    lat: FloatArray
    stranded: npt.NDArray[np.bool_]
    categories: list[tuple[LeewayCoefficients, float]]
    current_model: str
    wind_model: str
    limits: str
    notes: list[str] = field(default_factory=list)


def _quiet_opendrift() -> None:
    for name in ("opendrift", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)


def landmask() -> Any:
    """The GSHHG full-resolution ``RoaringLandmask`` bundled with OpenDrift (no download).

    Building one costs seconds: OpenDrift's ``basemodel`` builds one at import and its landmask
    reader builds a second on first use; we hand the first to the reader's cache so a process
    pays once (the API imports this at start-up, so a request pays nothing).
    """
    from opendrift.models import basemodel
    from opendrift.readers import reader_global_landmask

    mask = basemodel.rl
    if getattr(reader_global_landmask, "__roaring_mask__", None) is None:
        reader_global_landmask.__roaring_mask__ = mask
    return mask


def on_land(lon: float, lat: float) -> bool:
    """Whether (lon, lat) is land in the GSHHG full-resolution mask bundled with OpenDrift."""
    return bool(landmask().contains(float(lon), float(lat)))


def _validate(req: DriftRequest) -> None:
    if not (-90 <= req.lat <= 90 and -180 <= req.lon <= 180):
        raise DriftCannotStart(f"position {req.lat},{req.lon} is not a latitude/longitude")
    if not 1 <= req.hours <= MAX_HOURS:
        raise DriftCannotStart(f"--hours must be 1..{MAX_HOURS}, got {req.hours}")
    if not 10 <= req.particles <= MAX_PARTICLES:
        raise DriftCannotStart(f"--particles must be 10..{MAX_PARTICLES}, got {req.particles}")
    if req.wind_const is None and req.wind_file is None:
        raise DriftCannotStart("no wind: give --wind-const SPEED_MS,FROM_DEG or --wind FILE")
    if req.wind_const is not None and req.wind_file is not None:
        raise DriftCannotStart("give either --wind-const or --wind, not both")
    if req.current_const is not None and req.currents_file is not None:
        raise DriftCannotStart("give either --current-const or --currents, not both")
    for value in (req.wind_const, req.current_const):
        if value is not None and (value[0] < 0 or value[0] > 60 or not np.isfinite(value[1])):
            raise DriftCannotStart(f"speed,direction {value} out of range (speed 0..60 m/s)")
    if on_land(req.lon, req.lat):
        raise DriftCannotStart(
            f"start position {req.lat:.4f}N {req.lon:.4f}E is on land (GSHHG full resolution)"
        )


def _wind_reader(req: DriftRequest) -> tuple[Any, str]:
    if req.wind_const is not None:
        return readers.constant_wind(
            *req.wind_const
        ), f"constant {req.wind_const[0]:g} m/s from {req.wind_const[1]:g}°"
    assert req.wind_file is not None
    return readers.wind_from_weather_file(req.wind_file, req.lon, req.lat), f"file {req.wind_file.name}"


def _current_reader(req: DriftRequest) -> tuple[Any, str, str]:
    if req.current_const is not None:
        speed, toward = req.current_const
        limits = "Currents: a constant current given by the operator; tidal streams are not modelled."
        return readers.constant_current(speed, toward), f"constant {speed:g} m/s toward {toward:g}°", limits
    if req.currents_file is not None:
        reader = readers.netcdf_reader(req.currents_file, readers.CURRENT_VARIABLES, "currents")
        limits = f"Currents: ocean-model file {req.currents_file.name}; its own resolution and skill apply."
        return reader, f"file {req.currents_file.name}", limits
    if not in_strait(req.lon, req.lat):
        raise SpatialNotCovered(
            f"the tidal-stream approximation is valid only in the Dover Strait box {STRAIT_BOX} "
            f"(lon/lat min, max); {req.lat:.4f}N {req.lon:.4f}E is outside: give --currents FILE.nc"
        )
    return readers.TidalStreamReader(), "tidal-stream approximation (M2+S2, 035°/215°)", LIMITS_TEXT


#: Below this 10 m wind (m/s) the Leeway fits' offset and error terms fade linearly to zero.
CALM_WIND_MS = 1.0
_ADDITIVE_TERMS = ("downwind_offset", "crosswind_offset", "downwind_eps", "crosswind_eps")


def _leeway_class() -> Any:
    """OpenDrift's Leeway with a progress hook after each time step and no drift in a calm.

    Leeway is ``(slope + eps/20) x U + offset + eps/2`` (cm/s) along and across the wind. At U = 0
    the offset and error terms would still move every particle, in a direction taken from
    ``atan2(0, 0)`` = north: the fits' intercepts describe the drift *in* a wind, not a drift without
    one, and a calm has no downwind direction. So the additive terms are scaled by
    ``min(1, U / CALM_WIND_MS)`` for the step and restored after it: no change at all from 1 m/s up.
    """
    from opendrift.models.leeway import Leeway

    class ProgressLeeway(Leeway):  # type: ignore[misc]
        progress: Progress | None = None

        def update(self) -> None:
            wind = np.hypot(self.environment.x_wind, self.environment.y_wind)
            fade = np.clip(wind / CALM_WIND_MS, 0.0, 1.0)
            saved = {name: getattr(self.elements, name) for name in _ADDITIVE_TERMS}
            for name, values in saved.items():
                setattr(self.elements, name, values * fade)
            try:
                super().update()
            finally:
                for name, values in saved.items():
                    setattr(self.elements, name, values)
            if self.progress is not None:
                self.progress(int(self.steps_calculation) + 1, int(self.expected_steps_calculation))

    return ProgressLeeway


def run_drift(req: DriftRequest, progress: Progress | None = None) -> DriftResult:
    """Run Leeway for ``req``; raises ``DriftCannotStart``/``NotCovered``/``ConfigError`` with the reason."""
    with _RUN_LOCK:
        return _run_drift(req, progress)


def _run_drift(req: DriftRequest, progress: Progress | None) -> DriftResult:
    _validate(req)
    start = req.start if req.start.tzinfo else req.start.replace(tzinfo=UTC)
    end = start + timedelta(hours=req.hours)
    wind, wind_model = _wind_reader(req)
    current, current_model, limits = _current_reader(req)
    readers.check_covers(wind, req.lon, req.lat, start, end, "wind")
    readers.check_covers(current, req.lon, req.lat, start, end, "currents")

    _quiet_opendrift()
    landmask()
    model = _leeway_class()(loglevel=50)
    model.progress = progress
    model.add_reader([wind, current])
    model.set_config("general:use_auto_landmask", True)
    model.set_config("general:coastline_action", "stranding")
    categories = list(categories_for(req.object_type))
    np.random.seed(req.seed)
    t0 = readers.naive_utc(start)
    remaining = req.particles
    for i, (coeffs, share) in enumerate(categories):
        number = remaining if i == len(categories) - 1 else round(req.particles * share)
        remaining -= number
        model.seed_elements(
            lon=req.lon,
            lat=req.lat,
            radius=req.seed_radius_m,
            number=number,
            time=t0,
            object_type=coeffs.index,
        )
    try:
        model.run(
            duration=timedelta(hours=req.hours),
            time_step=timedelta(minutes=req.time_step_minutes),
            time_step_output=timedelta(hours=1),
        )
    except WatchkeeperError:
        raise
    except Exception as exc:  # OpenDrift raises plain exceptions (e.g. all elements out of coverage)
        raise DriftCannotStart(f"OpenDrift could not run: {exc}") from exc
    return _collect(req, model, categories, current_model, wind_model, limits, start)


def _collect(
    req: DriftRequest,
    model: Any,
    categories: list[tuple[LeewayCoefficients, float]],
    current_model: str,
    wind_model: str,
    limits: str,
    start: datetime,
) -> DriftResult:
    res = model.result
    lon = np.asarray(res["lon"].values, dtype=float)
    lat = np.asarray(res["lat"].values, dtype=float)
    status = np.asarray(res["status"].values, dtype=float)
    cats = list(model.status_categories)
    stranded_code = cats.index("stranded") if "stranded" in cats else -1
    stranded_now = status == stranded_code
    # A stranded particle's later positions are NaN in OpenDrift's output: keep it where it landed.
    stranded = np.logical_or.accumulate(stranded_now, axis=1)
    for j in range(1, lon.shape[1]):
        hold = stranded[:, j] & np.isnan(lon[:, j])
        lon[hold, j] = lon[hold, j - 1]
        lat[hold, j] = lat[hold, j - 1]
    times = [start + timedelta(hours=h) for h in range(lon.shape[1])]
    notes: list[str] = []
    lost = int(np.sum(np.isnan(lon[:, -1]) & ~stranded[:, -1]))
    if lost:
        notes.append(f"{lost} of {lon.shape[0]} particles left the current/wind coverage and were dropped")
    return DriftResult(req, times, lon, lat, stranded, categories, current_model, wind_model, limits, notes)


def parse_pair(text: str, what: str) -> tuple[float, float]:
    """``"SPEED,DEG"`` -> (speed, degrees); ``ConfigError`` naming ``what`` when malformed."""
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError(text)
        return float(parts[0]), float(parts[1]) % 360.0
    except ValueError as exc:
        raise ConfigError(f"{what} must be SPEED_MS,DEG (e.g. 8,225), got {text!r}") from exc
