"""What a drift run gives the cell: per hour the centroid, the 50%/90% areas and the probability grid;
stranding risk and where; a search plan; and the GeoJSON the CLI writes and the page draws.

GeoJSON contract (issue #8, ``watchkeeper drift --out``): a FeatureCollection with, per output hour
(0..H), one Polygon or MultiPolygon per containment level with properties ``time_utc`` and
``containment`` (0.5 or 0.9), and one Point with ``time_utc`` and ``kind: "centroid"``. Nothing else
is a feature of that collection; what else a planner needs (limits of the current model, stranding,
model and particle counts) rides in the collection's foreign member ``watchkeeper`` (RFC 7946 §6.1),
which a GeoJSON reader ignores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from watchkeeper.core.errors import ConfigError
from watchkeeper.geo.frames import to_utm, to_wgs84
from watchkeeper.sar.areas import (
    LEVELS,
    ContainmentArea,
    ProbabilityGrid,
    StrandingSite,
    centroid_lonlat,
    containment_areas,
    stranding_sites,
    to_lonlat,
)
from watchkeeper.sar.drift import DriftResult
from watchkeeper.sar.search import Pattern, PodCurve, SearchAsset, SearchPlan, plan_search, positions_at

#: Coordinates rounded to 6 decimals (0.1 m): enough for any search, and a smaller file.
COORD_DECIMALS = 6
#: Probability-grid cells below this share of the hour's most likely cell are not exported.
GRID_EXPORT_FLOOR = 0.01


@dataclass
class HourProducts:
    time: datetime
    centroid: tuple[float, float] | None
    areas: list[ContainmentArea]
    grid: ProbabilityGrid
    stranded_share: float
    tracked_share: float


@dataclass
class DriftProducts:
    """Everything derived from one ``DriftResult``."""

    result: DriftResult
    hours: list[HourProducts]
    stranding: list[StrandingSite]
    plan: SearchPlan | None = None
    notes: list[str] = field(default_factory=list)

    def area(self, hour: int, level: float) -> ContainmentArea | None:
        return next((a for a in self.hours[hour].areas if a.level == level), None)

    def drift_direction_deg(self, hour: int) -> float:
        """Direction (degrees true) the centroid moved from the start to ``hour`` (0 when it did not)."""
        first, here = self.hours[0].centroid, self.hours[min(hour, len(self.hours) - 1)].centroid
        if first is None or here is None:
            return 0.0
        x0, y0 = to_utm(*first)
        x1, y1 = to_utm(*here)
        dx, dy = float(x1 - x0), float(y1 - y0)
        if math.hypot(dx, dy) < 1.0:
            return 0.0
        return math.degrees(math.atan2(dx, dy)) % 360.0


def build_products(result: DriftResult, levels: tuple[float, ...] = LEVELS) -> DriftProducts:
    hours: list[HourProducts] = []
    total = result.lon.shape[0]
    for j, when in enumerate(result.times):
        lon, lat = result.lon[:, j], result.lat[:, j]
        grid, areas = containment_areas(when, lon, lat, levels)
        tracked = float(np.count_nonzero(np.isfinite(lon))) / total
        stranded = float(np.count_nonzero(result.stranded[:, j])) / total
        hours.append(HourProducts(when, centroid_lonlat(lon, lat), areas, grid, stranded, tracked))
    sites = stranding_sites(result.times, result.lon, result.lat, result.stranded)
    return DriftProducts(result, hours, sites, notes=list(result.notes))


def add_search_plan(
    products: DriftProducts,
    asset: SearchAsset,
    pattern: Pattern | str = Pattern.PARALLEL,
    start_hour: int = 1,
    pod_curve: PodCurve | str = PodCurve.EXPONENTIAL,
) -> SearchPlan:
    """Plan a search starting ``start_hour`` after the last known position, on the mid-search datum.

    First planned over the 90% area at the start; then re-laid over the 90% area and centroid at the
    start plus half that plan's duration (particles interpolated between hourly outputs).
    """
    start_hour = max(0, min(start_hour, len(products.hours) - 1))
    res = products.result
    start = res.times[start_hour]

    def _plan(when: datetime) -> SearchPlan:
        lon, lat = positions_at(res.times, res.lon, res.lat, when)
        _, areas = containment_areas(when, lon, lat, (0.9,))
        datum = centroid_lonlat(lon, lat)
        if not areas or datum is None:
            raise ConfigError(f"no 90% area at {iso(when)}: no particle tracked then")
        return plan_search(asset, pattern, areas[0].geometry, start, datum,
                           products.drift_direction_deg(start_hour + 1), res.times, res.lon, res.lat,
                           pod_curve)  # fmt: skip

    first = _plan(start)
    mid = start + timedelta(hours=first.duration_h / 2.0)
    plan = _plan(mid)
    plan.laid_at = mid
    products.plan = plan
    return plan


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rounded(geom: Any) -> dict[str, Any]:
    rounded = shapely.set_precision(geom, 10.0**-COORD_DECIMALS)
    out: dict[str, Any] = dict(mapping(rounded))
    return out


def metadata(products: DriftProducts) -> dict[str, Any]:
    """The run's description: request, models, limits, stranding, notes (the ``watchkeeper`` member)."""
    res = products.result
    req = res.request
    return {
        "kind": "drift",
        "object": str(req.object_type),
        "leeway_categories": [
            {
                "key": c.key,
                "description": c.description,
                "share": share,
                "downwind_slope_pct": c.downwind_slope_pct,
                "downwind_offset_cms": c.downwind_offset_cms,
            }
            for c, share in res.categories
        ],
        "start_utc": iso(res.times[0]),
        "hours": len(res.times) - 1,
        "last_known_position": {"lat": req.lat, "lon": req.lon, "radius_m": req.seed_radius_m},
        "particles": int(res.lon.shape[0]),
        "wind_model": res.wind_model,
        "current_model": res.current_model,
        "limits": res.limits,
        "stranding": {
            "probability": products.hours[-1].stranded_share,
            "sites": [
                {
                    "place": s.place,
                    "distance_km": round(s.distance_km, 2),
                    "lat": round(s.lat, 5),
                    "lon": round(s.lon, 5),
                    "probability": round(s.probability, 4),
                    "first_utc": iso(s.first_time),
                }
                for s in products.stranding
            ],
        },
        "hourly": [
            {
                "time_utc": iso(h.time),
                "tracked": round(h.tracked_share, 4),
                "stranded": round(h.stranded_share, 4),
                "areas": [
                    {
                        "containment": a.level,
                        "area_km2": round(a.area_km2, 3),
                        "particles_inside": round(a.particles_inside, 4),
                    }
                    for a in h.areas
                ],
            }
            for h in products.hours
        ],
        "notes": products.notes,
    }


def feature_collection(products: DriftProducts) -> dict[str, Any]:
    """The CLI contract's FeatureCollection (see the module docstring)."""
    features: list[dict[str, Any]] = []
    for hour in products.hours:
        stamp = iso(hour.time)
        for a in hour.areas:
            features.append(
                {
                    "type": "Feature",
                    "geometry": _rounded(a.geometry),
                    "properties": {"time_utc": stamp, "containment": a.level},
                }
            )
        if hour.centroid is not None:
            lon, lat = hour.centroid
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)],
                    },
                    "properties": {"time_utc": stamp, "kind": "centroid"},
                }
            )
    return {"type": "FeatureCollection", "features": features, "watchkeeper": metadata(products)}


def grid_cells(products: DriftProducts, hour: int) -> dict[str, Any]:
    """The probability grid at ``hour``, compactly: each cell's centre (lon, lat) and probability.

    Cells are ``cell_m`` squares in UTM 31N; cells under ``GRID_EXPORT_FLOOR`` of the hour's most
    likely cell are left out (they hold almost nothing and would only weigh down the page).
    """
    h = products.hours[hour]
    grid = h.grid
    cells: list[list[float]] = []
    if grid.tracked:
        rows, cols = np.nonzero(grid.prob >= GRID_EXPORT_FLOOR * float(grid.prob.max()))
        cx = np.asarray(grid.x0 + (cols + 0.5) * grid.cell_m, dtype=np.float64)
        cy = np.asarray(grid.y0 + (rows + 0.5) * grid.cell_m, dtype=np.float64)
        lon, lat = to_wgs84(cx, cy)
        for x, y, p in zip(lon.tolist(), lat.tolist(), grid.prob[rows, cols].tolist(), strict=True):
            cells.append([round(x, 5), round(y, 5), round(p, 6)])
    return {"time_utc": iso(h.time), "cell_m": round(grid.cell_m, 1), "cells": cells}


def plan_json(plan: SearchPlan) -> dict[str, Any]:
    """The search plan for the API and page: pattern track and area (GeoJSON), POS over time."""
    return {
        "asset": {
            "name": plan.asset.name,
            "speed_kn": plan.asset.speed_kn,
            "sweep_width_nm": plan.asset.sweep_width_nm,
            "endurance_h": plan.asset.endurance_h,
        },
        "pattern": str(plan.pattern),
        "pod_curve": str(plan.pod_curve),
        "start_utc": iso(plan.start),
        "laid_at_utc": iso(plan.laid_at) if plan.laid_at else None,
        "track_spacing_nm": plan.spacing_nm,
        "area_nm2": round(plan.area_nm2, 3),
        "track_length_nm": round(plan.track_length_nm, 3),
        "duration_h": round(plan.duration_h, 3),
        "completed": plan.completed,
        "coverage_at_completion": round(plan.coverage_at_completion, 4),
        "track": _rounded(to_lonlat(plan.track_utm)),
        "area": _rounded(to_lonlat(plan.area_utm)),
        "pos": [
            {
                "time_utc": iso(p.time),
                "hours": round(p.hours, 3),
                "effort_nm2": round(p.effort_nm2, 3),
                "coverage": round(p.coverage, 4),
                "pod": round(p.pod, 4),
                "poc": round(p.poc, 4),
                "pos": round(p.pos, 4),
            }
            for p in plan.pos
        ],
        "definition": "POS = POC x POD; POD from coverage C = effort / area (IAMSAR Vol. II, App. N)",
    }
