"""Fast "does this straight segment cross that coastline?" for many segments at once.

The coastline's edges are bucketed in a uniform grid (each edge registered in every cell it passes and
their neighbours). A query segment is sampled every quarter cell; the edges in the cells of its samples
are its only candidates (the neighbour registration makes this conservative: a segment passing through a
cell always has a sample in that cell or a neighbour), and each candidate pair gets an exact orientation
test. All in numpy: a few microseconds per segment, against tens for a shapely predicate per segment.

Coordinates are planar metres (UTM 31N).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from shapely.geometry.base import BaseGeometry

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def boundary_edges(geom: BaseGeometry) -> tuple[FloatArray, FloatArray]:
    """Start and end points (E, 2) of every edge of the polygons' rings."""
    starts: list[FloatArray] = []
    ends: list[FloatArray] = []
    polys = list(getattr(geom, "geoms", [geom]))
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords, dtype=float)
            starts.append(c[:-1])
            ends.append(c[1:])
    return np.vstack(starts), np.vstack(ends)


def _samples(a: FloatArray, b: FloatArray, spacing: float) -> tuple[IntArray, FloatArray]:
    """Points every ``spacing`` along each segment a[i]–b[i], ends included; returns (segment id, xy)."""
    length = np.hypot(*(b - a).T)
    steps = np.ceil(length / spacing).astype(np.int64) + 1
    seg = np.repeat(np.arange(len(a)), steps)
    first = np.repeat(np.cumsum(steps) - steps, steps)
    frac = (np.arange(steps.sum()) - first) / np.maximum(np.repeat(steps - 1, steps), 1)
    xy = a[seg] + (b[seg] - a[seg]) * frac[:, None]
    return seg, xy


def _orient(p: FloatArray, q: FloatArray, r: FloatArray) -> FloatArray:
    return np.sign((q[:, 0] - p[:, 0]) * (r[:, 1] - p[:, 1]) - (q[:, 1] - p[:, 1]) * (r[:, 0] - p[:, 0]))


class SegmentIndex:
    """Edges bucketed in a grid of ``cell_m`` cells for vectorised segment-crossing queries."""

    def __init__(self, starts: FloatArray, ends: FloatArray, cell_m: float = 2000.0) -> None:
        self.starts = starts
        self.ends = ends
        self.cell_m = cell_m
        pts = np.vstack([starts, ends])
        self.x0, self.y0 = pts.min(axis=0) - 2 * cell_m
        span = pts.max(axis=0) + 2 * cell_m - np.array([self.x0, self.y0])
        self.nx, self.ny = (np.ceil(span / cell_m).astype(np.int64) + 1).tolist()
        edge_id, xy = _samples(starts, ends, cell_m / 4)
        cx, cy = self._cell_xy(xy)
        ids, cells = [], []
        for dx in (-1, 0, 1):  # register in the neighbours too: queries then never miss an edge
            for dy in (-1, 0, 1):
                ids.append(edge_id)
                cells.append(self._key(cx + dx, cy + dy))
        keys = np.concatenate(cells)
        eids = np.concatenate(ids)
        pairs = np.unique(np.stack([keys, eids], axis=1), axis=0)
        self._cell_keys, first = np.unique(pairs[:, 0], return_index=True)
        self._offsets = np.append(first, len(pairs))
        self._edges = pairs[:, 1]

    def _cell_xy(self, xy: FloatArray) -> tuple[IntArray, IntArray]:
        cx = np.floor((xy[:, 0] - self.x0) / self.cell_m).astype(np.int64)
        cy = np.floor((xy[:, 1] - self.y0) / self.cell_m).astype(np.int64)
        return cx, cy

    def _key(self, cx: IntArray, cy: IntArray) -> IntArray:
        key: IntArray = np.clip(cy, -1, self.ny) * (self.nx + 2) + np.clip(cx, -1, self.nx)
        return key

    def crosses(self, a: FloatArray, b: FloatArray) -> BoolArray:
        """True where segment a[i]–b[i] touches or crosses any edge."""
        a = np.atleast_2d(np.asarray(a, dtype=float))
        b = np.atleast_2d(np.asarray(b, dtype=float))
        out = np.zeros(len(a), dtype=bool)
        if not len(a):
            return out
        seg, xy = _samples(a, b, self.cell_m / 4)
        keys = self._key(*self._cell_xy(xy))
        pos = np.searchsorted(self._cell_keys, keys)
        pos = np.minimum(pos, len(self._cell_keys) - 1)
        hit = self._cell_keys[pos] == keys
        seg, pos = seg[hit], pos[hit]
        if not len(seg):
            return out
        # unique (segment, cell) pairs, then expand each to the edges of its cell
        sc = np.unique(np.stack([seg, pos], axis=1), axis=0)
        counts = self._offsets[sc[:, 1] + 1] - self._offsets[sc[:, 1]]
        pair_seg = np.repeat(sc[:, 0], counts)
        first = np.repeat(self._offsets[sc[:, 1]], counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        pair_edge = self._edges[first + within]
        p, q = a[pair_seg], b[pair_seg]
        e0, e1 = self.starts[pair_edge], self.ends[pair_edge]
        o1, o2 = _orient(p, q, e0), _orient(p, q, e1)
        o3, o4 = _orient(e0, e1, p), _orient(e0, e1, q)
        cross = (o1 * o2 <= 0) & (o3 * o4 <= 0)
        # colinear but disjoint segments satisfy the sign test: require overlapping bounding boxes
        overlap = (
            (np.minimum(p[:, 0], q[:, 0]) <= np.maximum(e0[:, 0], e1[:, 0]))
            & (np.minimum(e0[:, 0], e1[:, 0]) <= np.maximum(p[:, 0], q[:, 0]))
            & (np.minimum(p[:, 1], q[:, 1]) <= np.maximum(e0[:, 1], e1[:, 1]))
            & (np.minimum(e0[:, 1], e1[:, 1]) <= np.maximum(p[:, 1], q[:, 1]))
        )
        np.logical_or.at(out, pair_seg, cross & overlap)
        return out
