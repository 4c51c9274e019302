"""Time-to-reach map: how soon the nearest available asset can be anywhere in the strait.

A square grid (``cell_m`` metres in UTM 31N) over a lon/lat box; cells whose centre is on land are left
out. For each cell the earliest arrival of any available asset of the chosen kinds, from its current
position at its maximum speed (vessels round the coast, aircraft straight), and which asset. Out as
GeoJSON: one square polygon per cell (``eta_s``, ``asset_id``, ``band``), or the cells merged into
bands (``eta_min`` … ``eta_max`` minutes) for the page to draw as isochrones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import mapping

from watchkeeper.assets.model import Asset, AssetKind, AssetState
from watchkeeper.assets.motion import KNOT_MS
from watchkeeper.assets.routing import SeaRouter
from watchkeeper.geo.frames import to_utm, to_wgs84

FloatArray = npt.NDArray[np.float64]
BANDS_MIN = (0, 15, 30, 45, 60, 90, 120, 180)  # band edges, minutes; beyond the last: not reached
STRAIT_BOX = (0.6, 50.35, 2.6, 51.45)  # lon_min, lat_min, lon_max, lat_max


@dataclass(slots=True)
class ReachGrid:
    centres: FloatArray  # (n, 2) UTM
    eta_s: FloatArray  # (n,) inf where no asset reaches
    asset_ids: list[str | None]
    cell_m: float

    def band_of(self) -> npt.NDArray[np.int64]:
        """Index of each cell's band in ``BANDS_MIN`` (len(BANDS_MIN) − 1 = beyond the last edge)."""
        edges = np.array(BANDS_MIN[1:], dtype=float) * 60.0
        out: npt.NDArray[np.int64] = np.searchsorted(edges, self.eta_s, side="right").astype(np.int64)
        return out


def reach_grid(
    assets: list[Asset],
    router: SeaRouter,
    land_utm: Any,
    kinds: tuple[AssetKind, ...] = (AssetKind.SEA, AssetKind.AIR),
    cell_m: float = 2000.0,
    box: tuple[float, float, float, float] = STRAIT_BOX,
) -> ReachGrid:
    x0, y0 = to_utm(box[0], box[1])
    x1, y1 = to_utm(box[2], box[3])
    xs = np.arange(float(x0) + cell_m / 2, float(x1), cell_m)
    ys = np.arange(float(y0) + cell_m / 2, float(y1), cell_m)
    gx, gy = np.meshgrid(xs, ys)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    centres = centres[~shapely.contains_xy(land_utm, centres[:, 0], centres[:, 1])]
    best = np.full(len(centres), np.inf)
    who: list[str | None] = [None] * len(centres)
    fleet = [a for a in assets if a.state == AssetState.AVAILABLE and a.kind in kinds]
    owner = np.full(len(centres), -1)
    for i, asset in enumerate(fleet):
        ax, ay = to_utm(asset.lon, asset.lat)
        a = np.array([float(ax), float(ay)])
        if asset.kind == AssetKind.SEA:
            dist = router.distances(np.repeat(a[None], len(centres), 0), centres)
        else:
            dist = np.hypot(*(centres - a).T)
        t = dist / (asset.max_kn * KNOT_MS)
        better = t < best
        best[better] = t[better]
        owner[better] = i
    for k in np.flatnonzero(owner >= 0):
        who[k] = fleet[owner[k]].id
    return ReachGrid(centres, best, who, cell_m)


def _square(x: FloatArray, y: FloatArray, half: float) -> list[shapely.Polygon]:
    return [shapely.box(cx - half, cy - half, cx + half, cy + half) for cx, cy in zip(x, y, strict=True)]


def _to_lonlat(geom: shapely.Geometry) -> Any:
    def conv(xy: FloatArray) -> FloatArray:
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([np.round(lon, 5), np.round(lat, 5)])

    return shapely.transform(geom, conv)


def grid_geojson(grid: ReachGrid, merge_bands: bool = True) -> dict[str, Any]:
    """GeoJSON of the grid: bands (default) or cells, in WGS84 lon/lat."""
    band = grid.band_of()
    half = grid.cell_m / 2
    features: list[dict[str, Any]] = []
    if merge_bands:
        for b in range(len(BANDS_MIN) - 1):
            sel = np.flatnonzero(band == b)
            if not len(sel):
                continue
            merged = shapely.union_all(_square(grid.centres[sel, 0], grid.centres[sel, 1], half + 0.5))
            merged = merged.simplify(grid.cell_m / 10)
            features.append(
                {
                    "type": "Feature",
                    "geometry": mapping(_to_lonlat(merged)),
                    "properties": {
                        "band": b,
                        "eta_min": BANDS_MIN[b],
                        "eta_max": BANDS_MIN[b + 1],
                        "cells": len(sel),
                    },
                }
            )
    else:
        for k, poly in enumerate(_square(grid.centres[:, 0], grid.centres[:, 1], half)):
            eta = float(grid.eta_s[k])
            features.append(
                {
                    "type": "Feature",
                    "geometry": mapping(_to_lonlat(poly)),
                    "properties": {
                        "eta_s": round(eta, 1) if np.isfinite(eta) else None,
                        "asset_id": grid.asset_ids[k],
                        "band": int(band[k]),
                    },
                }
            )
    reached = np.isfinite(grid.eta_s)
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "cell_m": grid.cell_m,
            "cells": len(grid.eta_s),
            "reached": int(reached.sum()),
            "bands_min": list(BANDS_MIN),
            "median_eta_s": round(float(np.median(grid.eta_s[reached])), 1) if reached.any() else None,
        },
    }
