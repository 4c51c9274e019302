"""Search planning over the 90% containment area: a pattern for one asset and its probability of success.

Definitions (IAMSAR Manual Vol. II, *Mission Co-ordination*, ch. 4 and App. N; the U.S. Coast Guard's
*The Theory of Search: A Simplified Explanation*, Soza & Company for USCG Office of SAR, 1996, ch. 2):

* **POC**, probability of containment: the probability that the object is inside the searched area.
  Here, the share of the drift's particles inside the pattern's area *at that hour* (the pattern is
  fixed on the sea bed while the cloud keeps drifting: POC falls when the cloud leaves the area).
* **Search effort** ``Z = V x T x W`` (nm²): speed (kn) x time searching (h) x effective sweep
  width ``W`` (nm, a property of sensor, object and conditions; IAMSAR Vol. II App. N tables).
* **Coverage factor** ``C = Z / A`` (= ``W / S`` for a completed pattern with track spacing ``S``).
* **POD**, probability of detection, from the coverage factor. ``exponential``:
  ``POD = 1 - exp(-C)``, Koopman's random-search law, the conservative curve the manuals use for
  planning in normal conditions; ``inverse_cube``: ``POD = erf(sqrt(pi)/2 x C)``, Koopman's
  inverse-cube law for a perfectly executed parallel sweep (the "ideal conditions" upper curve).
* **POS** = POC x POD, the probability that the search finds the object.

Over the search (from its start to its completion, at ``POS_STEPS`` instants, particle positions
interpolated between the drift's hourly outputs), effort accumulates as the asset runs the pattern;
``POD(t)`` spreads the effort done so far over the whole area, as the manuals' planning formula does
(at completion it is exact for that formula; before, it is the usual approximation). The last point is
the POS of the completed search.

Datum: the pattern is laid on the 90% area and centroid at **mid-search** (IAMSAR: the datum for the
time of the search), found by planning once at the search start, then again at start + half that
duration (``products.add_search_plan``).

Patterns (IAMSAR Vol. II ch. 5): **parallel track** (PS) over the minimum rotated rectangle of the
area, legs along its long side, ``S/2`` in from the edge; **expanding square** (SS) from the datum (the
cloud's centroid at the search start), first leg along the drift, turns to starboard, leg lengths
``S, S, 2S, 2S, ...`` until the square covers the area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import shapely
from shapely import affinity
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from watchkeeper.core.errors import ConfigError
from watchkeeper.geo.frames import to_utm

FloatArray = npt.NDArray[np.float64]
NM_M = 1852.0
MAX_LEGS = 400
#: POS is evaluated at this many steps over the search (4 an hour, within these bounds).
POS_STEPS_MIN, POS_STEPS_MAX = 4, 96


class Pattern(StrEnum):
    PARALLEL = "parallel"
    EXPANDING_SQUARE = "expanding_square"


class PodCurve(StrEnum):
    EXPONENTIAL = "exponential"
    INVERSE_CUBE = "inverse_cube"


def pod_from_coverage(coverage: float, curve: PodCurve = PodCurve.EXPONENTIAL) -> float:
    """Probability of detection for coverage factor ``C`` (see the module docstring)."""
    if coverage <= 0:
        return 0.0
    if curve is PodCurve.INVERSE_CUBE:
        return math.erf(math.sqrt(math.pi) / 2.0 * coverage)
    return 1.0 - math.exp(-coverage)


@dataclass(frozen=True, slots=True)
class SearchAsset:
    """One search unit: speed over the ground while searching (kn), effective sweep width (nm).

    ``track_spacing_nm`` defaults to the sweep width (coverage factor 1); ``endurance_h`` caps the time on
    task when given.
    """

    name: str
    speed_kn: float
    sweep_width_nm: float
    track_spacing_nm: float | None = None
    endurance_h: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.speed_kn <= 200:
            raise ConfigError(f"asset speed must be 0..200 kn, got {self.speed_kn}")
        if not 0 < self.sweep_width_nm <= 50:
            raise ConfigError(f"sweep width must be 0..50 nm, got {self.sweep_width_nm}")
        if self.track_spacing_nm is not None and not 0 < self.track_spacing_nm <= 50:
            raise ConfigError(f"track spacing must be 0..50 nm, got {self.track_spacing_nm}")
        if self.endurance_h is not None and not 0 < self.endurance_h <= 48:
            raise ConfigError(f"endurance must be 0..48 h, got {self.endurance_h}")

    @property
    def spacing_nm(self) -> float:
        return self.track_spacing_nm if self.track_spacing_nm is not None else self.sweep_width_nm


@dataclass(frozen=True, slots=True)
class PosPoint:
    """POS at one time after the search started."""

    time: datetime
    hours: float
    effort_nm2: float
    coverage: float
    pod: float
    poc: float
    pos: float


@dataclass
class SearchPlan:
    """A pattern for one asset over one area (UTM 31N geometry; ``track_lonlat`` for the page)."""

    asset: SearchAsset
    pattern: Pattern
    pod_curve: PodCurve
    start: datetime
    area_utm: BaseGeometry
    track_utm: LineString
    spacing_nm: float
    area_nm2: float
    track_length_nm: float
    duration_h: float
    completed: bool
    pos: list[PosPoint] = field(default_factory=list)
    #: the time of the 90% area and datum the pattern was laid on (mid-search), when known
    laid_at: datetime | None = None

    @property
    def coverage_at_completion(self) -> float:
        searched_nm = min(self.track_length_nm, self.asset.speed_kn * self.duration_h)
        return searched_nm * self.asset.sweep_width_nm / self.area_nm2


def _parallel_track(area: BaseGeometry, spacing_m: float) -> tuple[list[tuple[float, float]], Polygon]:
    rect = area.minimum_rotated_rectangle
    corners = np.asarray(shapely.get_coordinates(rect))[:4]
    e1, e2 = corners[1] - corners[0], corners[3] - corners[0]
    if np.hypot(*e1) < np.hypot(*e2):
        e1, e2 = e2, e1
    length, width = float(np.hypot(*e1)), float(np.hypot(*e2))
    u = e1 / max(length, 1e-9)
    v = e2 / max(width, 1e-9)
    legs = max(1, math.ceil(width / spacing_m))
    if legs > MAX_LEGS:
        raise ConfigError(f"the area needs {legs} legs at this spacing: too many for one asset")
    origin = corners[0] - v * (legs * spacing_m - width) / 2.0  # centre the swaths on the rectangle
    points: list[tuple[float, float]] = []
    for i in range(legs):
        offset = origin + v * (i + 0.5) * spacing_m
        a, b = offset, offset + u * length
        if i % 2:
            a, b = b, a
        points += [(float(a[0]), float(a[1])), (float(b[0]), float(b[1]))]
    across = v * legs * spacing_m
    swept = Polygon([origin, origin + u * length, origin + u * length + across, origin + across])
    return points, swept


def _expanding_square(
    area: BaseGeometry, datum: tuple[float, float], first_leg_deg: float, spacing_m: float
) -> tuple[list[tuple[float, float]], Polygon]:
    rad = math.radians(first_leg_deg)
    u = np.array([math.sin(rad), math.cos(rad)])  # first leg direction (east, north)
    v = np.array([u[1], -u[0]])  # starboard of it
    coords = np.asarray(shapely.get_coordinates(area)) - np.asarray(datum)
    half = float(np.max(np.abs(np.column_stack([coords @ u, coords @ v])))) if len(coords) else 0.0
    # after 2n legs (lengths S, S, 2S, 2S, ..., nS, nS) the track spans n*S around the datum
    pairs = math.ceil(2.0 * half / spacing_m) + 1  # +1: the square is off-centre by up to S/2
    if 2 * pairs > MAX_LEGS:
        raise ConfigError(f"the area needs {2 * pairs} legs at this spacing: too many for one asset")
    heading = [u, v, -u, -v]
    p = np.asarray(datum, dtype=float)
    points = [(float(p[0]), float(p[1]))]
    for k in range(2 * pairs):
        p = p + heading[k % 4] * spacing_m * (k // 2 + 1)
        points.append((float(p[0]), float(p[1])))
    track = np.asarray(points)
    along, across = track @ u, track @ v
    # the swept square: the track's extent plus half a spacing on each side (the outer swaths)
    side = max(float(np.ptp(along)), float(np.ptp(across))) + spacing_m
    centre = u * (along.min() + along.max()) / 2.0 + v * (across.min() + across.max()) / 2.0
    swept = affinity.rotate(
        shapely.box(centre[0] - side / 2, centre[1] - side / 2, centre[0] + side / 2, centre[1] + side / 2),
        -first_leg_deg,
        origin=(float(centre[0]), float(centre[1])),
    )
    return points, swept


def plan_search(
    asset: SearchAsset,
    pattern: Pattern | str,
    area_lonlat: BaseGeometry,
    start: datetime,
    datum_lonlat: tuple[float, float],
    drift_deg: float,
    times: list[datetime],
    lon: FloatArray,
    lat: FloatArray,
    pod_curve: PodCurve | str = PodCurve.EXPONENTIAL,
) -> SearchPlan:
    """Plan ``pattern`` for ``asset`` over ``area_lonlat`` from ``start``; POS at each of ``times`` >= start.

    ``lon``/``lat`` are the drift's particles (particles, len(times)); ``drift_deg`` the direction the
    cloud's centroid moves (degrees true), used for the expanding square's first leg.
    """
    kind = Pattern(pattern)
    curve = PodCurve(pod_curve)
    area = shapely.transform(area_lonlat, lambda c: np.column_stack(to_utm(c[:, 0], c[:, 1])))
    if area.is_empty:
        raise ConfigError("no search area (the drift tracked no particle at the search start)")
    spacing_m = asset.spacing_nm * NM_M
    dx, dy = to_utm(*datum_lonlat)
    if kind is Pattern.PARALLEL:
        points, swept = _parallel_track(area, spacing_m)
    else:
        points, swept = _expanding_square(area, (float(dx), float(dy)), drift_deg, spacing_m)
    track = LineString(points)
    track_nm = float(track.length) / NM_M
    area_nm2 = float(swept.area) / NM_M**2
    duration_h = track_nm / asset.speed_kn
    completed = True
    if asset.endurance_h is not None and duration_h > asset.endurance_h:
        duration_h, completed = asset.endurance_h, False
    plan = SearchPlan(
        asset, kind, curve, start, swept, track, asset.spacing_nm, area_nm2, track_nm, duration_h, completed
    )
    shapely.prepare(swept)
    steps = min(POS_STEPS_MAX, max(POS_STEPS_MIN, math.ceil(duration_h * 4)))
    for k in range(steps + 1):
        hours = duration_h * k / steps
        when = start + timedelta(hours=hours)
        plon, plat = positions_at(times, lon, lat, when)
        effort = asset.speed_kn * hours * asset.sweep_width_nm
        coverage = effort / area_nm2
        x, y = to_utm(plon, plat)
        ok = np.isfinite(x)
        poc = float(np.count_nonzero(shapely.contains_xy(swept, x[ok], y[ok]))) / lon.shape[0]
        pod = pod_from_coverage(coverage, curve)
        plan.pos.append(PosPoint(when, hours, effort, coverage, pod, poc, poc * pod))
    return plan


def positions_at(
    times: list[datetime], lon: FloatArray, lat: FloatArray, when: datetime
) -> tuple[FloatArray, FloatArray]:
    """Particle positions at ``when``, linear in time between the drift's outputs (NaN once lost).

    Past the last output the last positions are held (the caller says when that matters).
    """
    if when <= times[0]:
        return lon[:, 0], lat[:, 0]
    if when >= times[-1]:
        return lon[:, -1], lat[:, -1]
    j = max(i for i, t in enumerate(times) if t <= when)
    f = (when - times[j]) / (times[j + 1] - times[j])
    return lon[:, j] + f * (lon[:, j + 1] - lon[:, j]), lat[:, j] + f * (lat[:, j + 1] - lat[:, j])
