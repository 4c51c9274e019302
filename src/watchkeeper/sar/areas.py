"""From a particle cloud to what a search planner uses: probability grid, containment areas, stranding.

All geometry is computed in UTM 31N metres (``geo.frames``) and returned in WGS84 lon/lat.

* **Probability grid.** Particles are counted on a square grid whose cell adapts to the cloud's
  spread and the number of particles (``CELLS_PER_SIGMA``, at least ``MIN_CELL_M``), then smoothed with a
  Gaussian of one cell (a kernel density estimate on a grid: a few thousand particles leave holes
  between them that are not holes in the probability). Each cell holds the probability that the
  object is in it; the grid sums to the share of particles still tracked (stranded ones included:
  they are somewhere, on the shore).
* **Containment areas.** The ``p`` containment area is the highest-density region: the smallest set
  of grid cells that together hold probability ``p`` (cells sorted by probability, accumulated until
  ``p``). Its outline is the union of those cells (a Polygon, or a MultiPolygon when the cloud has
  split, e.g. around a headland or across the turn of the stream). The share of particles inside the
  outline is computed and returned with it (``particles_inside``): it is what the 50% / 90% claim
  rests on, not the label.
* **Stranding.** A particle that reached the coast (OpenDrift ``stranded``) stays where it landed;
  stranded particles are grouped by the nearest packaged coastal place (``geo.zones``) and reported
  with their share of all particles and the first time one landed there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import shapely
from scipy.ndimage import gaussian_filter
from shapely.geometry.base import BaseGeometry

from watchkeeper.geo.frames import to_utm, to_wgs84

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_CELL_M = 25.0
#: Cells per standard deviation of the cloud: sqrt(particles)/7, between 4 and 10 (500 particles: 4,
#: 5,000: 10). Fewer particles, coarser cells: otherwise each outlying particle makes its own island.
CELLS_PER_SIGMA = (4.0, 10.0)
#: Cells added around the cloud so that the smoothing has room to spread.
MARGIN_CELLS = 4
LEVELS = (0.5, 0.9)
CLOSING_CELLS = 1.5


@dataclass(frozen=True, slots=True)
class ProbabilityGrid:
    """Probability per cell on a UTM 31N grid: ``prob[row, col]``; row 0 at ``y0`` (south), col 0 at ``x0``.

    ``cell_m`` is the cell's side in metres; ``tracked`` of ``total`` particles were counted.
    """

    x0: float
    y0: float
    cell_m: float
    prob: FloatArray
    tracked: int
    total: int

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.prob.shape
        return int(rows), int(cols)

    def cell_boxes(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
        """The cells as UTM boxes."""
        x = self.x0 + cols * self.cell_m
        y = self.y0 + rows * self.cell_m
        return np.asarray(shapely.box(x, y, x + self.cell_m, y + self.cell_m), dtype=object)

    def highest_density_cells(self, level: float) -> BoolArray:
        """Mask of the smallest set of cells holding probability ``level`` (of what the grid holds)."""
        flat = self.prob.ravel()
        order = np.argsort(flat)[::-1]
        cumulative = np.cumsum(flat[order])
        target = level * float(cumulative[-1]) if len(cumulative) else 0.0
        count = int(np.searchsorted(cumulative, target, side="left")) + 1
        mask = np.zeros(flat.shape, dtype=bool)
        mask[order[: min(count, len(order))]] = True
        return mask.reshape(self.prob.shape)


@dataclass(frozen=True, slots=True)
class ContainmentArea:
    """A containment area at one time: geometry in lon/lat, area, and the particles really inside."""

    time: datetime
    level: float
    geometry: BaseGeometry
    area_km2: float
    particles_inside: float


def probability_grid(
    x: FloatArray, y: FloatArray, total: int, cell_m: float | None = None
) -> ProbabilityGrid:
    """Smoothed probability grid of particles at UTM (x, y); NaN positions (lost particles) are left out.

    ``total`` is the number of particles seeded: the grid sums to tracked/total.
    """
    keep = np.isfinite(x) & np.isfinite(y)
    xs, ys = x[keep], y[keep]
    tracked = int(keep.sum())
    if tracked == 0:
        return ProbabilityGrid(0.0, 0.0, MIN_CELL_M, np.zeros((0, 0)), 0, total)
    if cell_m is None:
        spread = max(float(np.std(xs)), float(np.std(ys)))
        per_sigma = min(CELLS_PER_SIGMA[1], max(CELLS_PER_SIGMA[0], np.sqrt(tracked) / 7.0))
        cell_m = max(MIN_CELL_M, spread / per_sigma)
    x0 = float(np.floor(xs.min() / cell_m) - MARGIN_CELLS) * cell_m
    y0 = float(np.floor(ys.min() / cell_m) - MARGIN_CELLS) * cell_m
    cols = int(np.ceil((xs.max() - x0) / cell_m)) + MARGIN_CELLS + 1
    rows = int(np.ceil((ys.max() - y0) / cell_m)) + MARGIN_CELLS + 1
    counts, _, _ = np.histogram2d(
        ys, xs, bins=(rows, cols), range=((y0, y0 + rows * cell_m), (x0, x0 + cols * cell_m))
    )
    smooth = gaussian_filter(counts, sigma=1.0, mode="constant")
    smooth *= counts.sum() / max(float(smooth.sum()), 1e-12)
    return ProbabilityGrid(x0, y0, float(cell_m), smooth / total, tracked, total)


def containment_polygon_utm(grid: ProbabilityGrid, level: float) -> BaseGeometry:
    """Outline (UTM) of the ``level`` highest-density region of ``grid``."""
    mask = grid.highest_density_cells(level)
    # one box per horizontal run of cells, then their union: far fewer shapes than one per cell
    padded = np.pad(mask, ((0, 0), (1, 1))).astype(np.int8)
    edges = np.diff(padded, axis=1)
    run_rows, run_starts = np.nonzero(edges == 1)
    _, run_ends = np.nonzero(edges == -1)
    x = grid.x0 + run_starts * grid.cell_m
    y = grid.y0 + run_rows * grid.cell_m
    runs = shapely.box(x, y, grid.x0 + run_ends * grid.cell_m, y + grid.cell_m)
    merged = shapely.union_all(runs, grid_size=grid.cell_m / 1000.0)
    # A search area is searched whole: close gaps narrower than ``CLOSING_CELLS`` cells between parts
    # (a morphological closing) and fill holes, so that sparse outskirts do not leave a scatter of
    # islands. The area can only grow by this: ``particles_inside`` says by how much.
    reach = CLOSING_CELLS * grid.cell_m
    closed = shapely.buffer(shapely.buffer(merged, reach, join_style="mitre"), -reach, join_style="mitre")
    filled = shapely.union_all([shapely.Polygon(p.exterior) for p in getattr(closed, "geoms", [closed])])
    return shapely.simplify(filled, grid.cell_m / 10.0, preserve_topology=True)


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """A UTM 31N geometry in WGS84 lon/lat."""

    def _transform(coords: FloatArray) -> FloatArray:
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _transform)


def containment_areas(
    when: datetime, lon: FloatArray, lat: FloatArray, levels: tuple[float, ...] = LEVELS
) -> tuple[ProbabilityGrid, list[ContainmentArea]]:
    """The probability grid and the containment areas at ``levels`` for one time of the cloud."""
    x, y = to_utm(lon, lat)
    grid = probability_grid(x, y, len(lon))
    areas: list[ContainmentArea] = []
    if grid.tracked == 0:
        return grid, areas
    keep = np.isfinite(x)
    for level in levels:
        poly = containment_polygon_utm(grid, level)
        inside = shapely.contains_xy(poly, x[keep], y[keep])
        share = float(np.count_nonzero(inside)) / len(lon)
        areas.append(ContainmentArea(when, level, to_lonlat(poly), float(poly.area) / 1e6, share))
    return grid, areas


@dataclass(frozen=True, slots=True)
class StrandingSite:
    """Where particles reached the coast: nearest coastal place, mean landing point, share, first time."""

    place: str
    distance_km: float
    lon: float
    lat: float
    probability: float
    first_time: datetime


def stranding_sites(
    times: list[datetime], lon: FloatArray, lat: FloatArray, stranded: BoolArray
) -> list[StrandingSite]:
    """Stranding sites at the end of the run, most likely first.

    ``lon``/``lat``/``stranded`` are (particles, times); a stranded particle's position is where it landed.
    """
    from watchkeeper.geo.zones import strait_zones

    landed = stranded[:, -1]
    if not landed.any():
        return []
    idx = np.nonzero(landed)[0]
    first_step = np.argmax(stranded[idx], axis=1)
    plon, plat = lon[idx, -1], lat[idx, -1]
    x, y = to_utm(plon, plat)
    nearest = strait_zones().nearest_place(plon, plat)
    sites: list[StrandingSite] = []
    names = np.asarray(nearest.name)
    for name in sorted(set(names.tolist())):
        sel = names == name
        mx, my = float(np.mean(x[sel])), float(np.mean(y[sel]))
        slon, slat = to_wgs84(mx, my)
        sites.append(
            StrandingSite(
                place=str(name) or "coast",
                distance_km=float(np.mean(nearest.distance_m[sel])) / 1000.0,
                lon=float(slon),
                lat=float(slat),
                probability=float(np.count_nonzero(sel)) / lon.shape[0],
                first_time=times[int(first_step[sel].min())],
            )
        )
    sites.sort(key=lambda s: -s.probability)
    return sites


def centroid_lonlat(lon: FloatArray, lat: FloatArray) -> tuple[float, float] | None:
    """Mean position of the tracked particles (computed in UTM metres), None when none is tracked."""
    keep = np.isfinite(lon) & np.isfinite(lat)
    if not keep.any():
        return None
    x, y = to_utm(lon[keep], lat[keep])
    clon, clat = to_wgs84(float(np.mean(x)), float(np.mean(y)))
    return float(clon), float(clat)
