"""Sea routes around land: shortest paths for vessels on the real coastline.

The land is grown by a clearance (routes keep that far off the shore) and simplified; its convex corners
are the nodes of a visibility graph, and the same grown land (shrunk by a metre, so that a route may run
along its edges) is the obstacle: two points see each other when the straight segment between them does
not touch it (a GEOS prepared-polygon intersection test, vectorised by shapely, against the land clipped
to the tiles around the segment). Shortest paths between corners are precomputed once (Dijkstra, scipy).
A query a → b is the straight distance when a sees b, otherwise min over corners u seen from a and w seen
from b of |a − u| + D[u, w] + |w − b|, with two exact prunings: a shortest route wraps round the land,
so its first and last bends are corners *tangent* seen from a and from b, and the others need no sight
test; and the candidates w are tried in increasing order of the sum, so the first one in sight is the
answer. The distances from a point to every corner are cached per point: a fleet asks for them once per
position, whatever the number of incidents.

A point inside the obstacle (a berth in a harbour the coastline data fills in, or water closer to the
shore than the clearance) is moved to the nearest point of the grown coastline, up to ``snap_m``; further
inland it has no sea route.

Frame: UTM 31N metres (``geo.frames``); land comes in as a shapely geometry in that frame. The build is
paid once per process (about a second for the strait's GSHHG land).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CACHE_POINTS = 20_000  # points whose corner distances are kept (a row is ~3 kB)
TILE_M = 20_000.0  # exact tests run against the land clipped around the segment (GEOS cost grows with it)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def _convex_corners(poly: Polygon) -> FloatArray:
    """Rows (x, y, prev_x, prev_y, next_x, next_y): the vertices of the exterior where the land is convex
    (a shortest route can bend around them), with their neighbours on the ring."""
    pts = np.asarray(orient(poly, sign=1.0).exterior.coords)[:-1]  # counter-clockwise
    if len(pts) < 3:
        return np.empty((0, 6))
    prev = np.roll(pts, 1, axis=0)
    nxt = np.roll(pts, -1, axis=0)
    cross = (pts[:, 0] - prev[:, 0]) * (nxt[:, 1] - pts[:, 1]) - (pts[:, 1] - prev[:, 1]) * (
        nxt[:, 0] - pts[:, 0]
    )
    convex = cross > 0
    return np.hstack([pts, prev, nxt])[convex]


class SeaRouter:
    """Shortest sea distances and routes around ``land`` (UTM 31N metres)."""

    def __init__(
        self,
        land: BaseGeometry,
        clearance_m: float = 400.0,
        simplify_m: float = 250.0,
        snap_m: float = 3000.0,
    ) -> None:
        self.clearance_m = clearance_m
        self.snap_m = snap_m
        self.segment_tests = 0  # how many segments were tested against the land (for benchmarks)
        grown = land.buffer(clearance_m, quad_segs=2).simplify(simplify_m)
        # Sight is tested against the grown land itself, shrunk by a metre so that a route may run along
        # its edges: the corners and the obstacle are then the same polygon, which is what makes the
        # tangency pruning exact (see ``_tangent``).
        self._tested = grown.buffer(-1.0, join_style="mitre")
        shapely.prepare(self._tested)
        self._grown_boundary = grown.boundary
        shapely.prepare(self._grown_boundary)
        corners = [c for c in (_convex_corners(p) for p in _polygons(grown)) if len(c)]
        rows = np.vstack(corners) if corners else np.empty((0, 6))
        rows = rows[~shapely.contains_xy(self._tested, rows[:, 0], rows[:, 1])]
        self.nodes: FloatArray = rows[:, :2].copy()
        self._prev: FloatArray = rows[:, 2:4].copy()  # ring neighbours, for the tangency test
        self._next: FloatArray = rows[:, 4:6].copy()
        self._tiles: dict[tuple[int, int], BaseGeometry] = {}
        self._origin = np.array(self._tested.bounds[:2], dtype=float)
        self._rows: dict[tuple[float, float], FloatArray] = {}
        self._snapped: dict[tuple[float, float], tuple[float, float] | None] = {}
        self._graph = self._visibility_graph()
        self._dist = (
            np.asarray(dijkstra(self._graph, directed=False), dtype=float)
            if len(self.nodes)
            else np.zeros((0, 0))
        )

    # -- geometry tests -------------------------------------------------------------------------------
    def on_land(self, x: FloatArray | float, y: FloatArray | float) -> BoolArray:
        """True where (x, y) is on land (grown by half the clearance)."""
        return np.asarray(shapely.contains_xy(self._tested, np.asarray(x, float), np.asarray(y, float)))

    def clear(self, a: FloatArray, b: FloatArray) -> BoolArray:
        """For pairs a[i]–b[i] (shape (n, 2)): True where the straight segment stays off land."""
        a = np.atleast_2d(np.asarray(a, float))
        b = np.atleast_2d(np.asarray(b, float))
        if not len(a):
            return np.zeros(0, dtype=bool)
        self.segment_tests += len(a)
        out: BoolArray = ~self._intersects(a, b)
        return out

    def _tile(self, i: int, j: int) -> BaseGeometry:
        """The tested land clipped to tiles (i−1 … i+2, j−1 … j+2): any segment whose bounding box lies in
        tiles (i … i+1, j … j+1) meets the land exactly where it meets this piece."""
        key = (i, j)
        tile = self._tiles.get(key)
        if tile is None:
            t = TILE_M
            tile = shapely.clip_by_rect(
                self._tested,
                self._origin[0] + (i - 1) * t,
                self._origin[1] + (j - 1) * t,
                self._origin[0] + (i + 3) * t,
                self._origin[1] + (j + 3) * t,
            )
            shapely.prepare(tile)
            self._tiles[key] = tile
        return tile

    def _intersects(self, a: FloatArray, b: FloatArray) -> BoolArray:
        """Exact: True where segment a[i]–b[i] touches the tested land (GEOS prepared intersects)."""
        lines: npt.NDArray[np.object_] = np.asarray(shapely.linestrings(np.stack([a, b], axis=1)))
        lo = np.floor((np.minimum(a, b) - self._origin) / TILE_M).astype(np.int64)
        hi = np.floor((np.maximum(a, b) - self._origin) / TILE_M).astype(np.int64)
        small = np.all(hi - lo <= 1, axis=1)
        out = np.zeros(len(a), dtype=bool)
        big = np.flatnonzero(~small)
        if len(big):
            out[big] = shapely.intersects(lines[big], self._tested)
        rows = np.flatnonzero(small)
        if not len(rows):
            return out
        keys = lo[small, 0] * 1_000_003 + lo[small, 1]
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        for k, first in enumerate(starts):
            last = starts[k + 1] if k + 1 < len(starts) else len(keys)
            sel = rows[first:last]
            i, j = int(lo[sel[0], 0]), int(lo[sel[0], 1])
            out[sel] = shapely.intersects(lines[sel], self._tile(i, j))
        return out

    def to_sea(self, p: FloatArray) -> tuple[FloatArray, BoolArray]:
        """Move points on land to the nearest clear water within ``snap_m``; returns (points, ok)."""
        p = np.atleast_2d(np.asarray(p, float)).copy()
        ok = np.ones(len(p), dtype=bool)
        for k in np.flatnonzero(self.on_land(p[:, 0], p[:, 1])):
            key = (float(p[k, 0]), float(p[k, 1]))
            if key not in self._snapped:
                point = shapely.Point(key)
                line = shapely.shortest_line(point, self._grown_boundary)
                near = np.asarray(line.coords)[1]
                self._snapped[key] = (
                    None if point.distance(shapely.Point(near)) > self.snap_m else (near[0], near[1])
                )
            snapped = self._snapped[key]
            if snapped is None:
                ok[k] = False
            else:
                p[k] = snapped
        return p, ok

    def _visibility_graph(self) -> csr_matrix:
        n = len(self.nodes)
        if n == 0:
            return csr_matrix((0, 0))
        i, j = np.triu_indices(n, k=1)
        ok = self.clear(self.nodes[i], self.nodes[j])
        i, j = i[ok], j[ok]
        w = np.hypot(*(self.nodes[i] - self.nodes[j]).T)
        return csr_matrix((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))), (n, n))

    # -- queries --------------------------------------------------------------------------------------
    def _to_corners(self, p: FloatArray, tangent_only: bool = False) -> FloatArray:
        """Distances (m, n) from points p to every corner; inf where the corner is not in sight (or, with
        ``tangent_only``, not tangent seen from p: such a corner is never the first bend of a shortest
        route from p, so it needs no sight test)."""
        m, n = len(p), len(self.nodes)
        d = np.hypot(p[:, 0, None] - self.nodes[None, :, 0], p[:, 1, None] - self.nodes[None, :, 1])
        test = self._tangent(p) if tangent_only else np.ones((m, n), dtype=bool)
        rows, cols = np.nonzero(test)
        seen = np.zeros((m, n), dtype=bool)
        seen[rows, cols] = self.clear(p[rows], self.nodes[cols])
        return np.where(seen, d, np.inf)

    def corner_distances(self, p: FloatArray) -> FloatArray:
        """Sea distance from each point p[i] (on clear water) to every corner, shape (m, n); cached per
        point: a fleet asks the same question for every target and every iteration."""
        p = np.atleast_2d(p)
        out = np.empty((len(p), len(self.nodes)))
        keys = [(float(x), float(y)) for x, y in p]
        missing = [i for i, key in enumerate(keys) if key not in self._rows]
        if missing:
            uniq = list(dict.fromkeys(keys[i] for i in missing))
            direct = self._to_corners(np.array(uniq), tangent_only=True)
            for k in range(0, len(uniq), 16):
                via = np.min(direct[k : k + 16, :, None] + self._dist[None, :, :], axis=1)
                if len(self._rows) + len(via) > CACHE_POINTS:
                    self._rows.clear()
                for key, row in zip(uniq[k : k + 16], via, strict=True):
                    self._rows[key] = row
        for i, key in enumerate(keys):
            out[i] = self._rows[key]
        return out

    def _tangent(self, p: FloatArray) -> BoolArray:
        """(m, n): True where the line from p[i] to corner j is tangent to the land there (both ring
        neighbours of the corner on one side of it, or on the line). A shortest route wraps around the
        land, so its bends are tangent to it: seen from p, only tangent corners can be the first (or
        last) bend. A point on an edge (a berth moved out of a harbour) is colinear with that edge's
        corners: the sides are compared with a tolerance relative to the lengths (L1, no square root)."""
        dx = self.nodes[None, :, 0] - p[:, 0, None]
        dy = self.nodes[None, :, 1] - p[:, 1, None]
        scale = np.abs(dx) + np.abs(dy)
        sides = []
        for q in (self._prev, self._next):
            qx = q[None, :, 0] - p[:, 0, None]
            qy = q[None, :, 1] - p[:, 1, None]
            cross = dx * qy - dy * qx
            tol = 1e-7 * scale * (np.abs(qx) + np.abs(qy))
            sides.append(np.where(np.abs(cross) <= tol, 0.0, cross))
        tangent: BoolArray = sides[0] * sides[1] >= 0
        return tangent

    def distances(self, a: FloatArray, b: FloatArray) -> FloatArray:
        """Sea distance (m) for pairs a[i] → b[i]; inf where no route exists (see ``legs``)."""
        return self.legs(a, b)[0]

    def legs(self, a: FloatArray, b: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
        """Sea distance (m) for pairs a[i] → b[i], and the last corner of each route before b (an index
        into ``nodes``; −1 for a straight route, −2 where there is no route, distance inf).

        For a blocked pair the answer is min over corners w seen from b of via(a, w) + |w − b|, where
        via(a, ·) is the (cached) sea distance from a to every corner: pass the side that repeats (the
        asset, the home base) as ``a``. Only corners tangent seen from b can be the last bend; they are
        tried in increasing order of that sum, so the first one in sight of b is the answer.
        """
        a, ok_a = self.to_sea(a)
        b, ok_b = self.to_sea(b)
        out: FloatArray = np.hypot(*(b - a).T)
        last = np.full(len(a), -1, dtype=np.int64)
        ok = ok_a & ok_b
        out[~ok] = np.inf
        last[~ok] = -2
        blocked = np.zeros(len(a), dtype=bool)
        blocked[ok] = ~self.clear(a[ok], b[ok])
        idx = np.flatnonzero(blocked)
        if not len(idx):
            return out, last
        out[idx], last[idx] = np.inf, -2
        if not len(self.nodes):
            return out, last
        via = self.corner_distances(a[idx])
        bound = via + np.hypot(
            self.nodes[None, :, 0] - b[idx, 0, None], self.nodes[None, :, 1] - b[idx, 1, None]
        )
        bound[~self._tangent(b[idx])] = np.inf
        n = len(self.nodes)
        pending = np.arange(len(idx))
        width = 1  # the first candidate is usually the answer; widen when it is not
        while len(pending):
            w = min(width, n)
            rows_bound = bound[pending]
            cols = (
                np.argpartition(rows_bound, w - 1, axis=1)[:, :w] if w < n else np.argsort(rows_bound, axis=1)
            )
            cand = np.take_along_axis(rows_bound, cols, axis=1)
            order = np.argsort(cand, axis=1)
            cols, cand = np.take_along_axis(cols, order, axis=1), np.take_along_axis(cand, order, axis=1)
            finite = np.isfinite(cand)
            rows, where = np.nonzero(finite)
            seen = np.zeros(cand.shape, dtype=bool)
            seen[rows, where] = self.clear(b[idx[pending[rows]]], self.nodes[cols[rows, where]])
            masked = np.where(seen, cand, np.inf)
            pick = masked.argmin(axis=1)
            best = masked[np.arange(len(pending)), pick]
            hit = np.isfinite(best)
            out[idx[pending[hit]]] = best[hit]
            last[idx[pending[hit]]] = cols[hit, pick[hit]]
            bound[pending[:, None], cols] = np.inf  # tried and not in sight: out of the running
            found = hit | ~finite.all(axis=1) | (w >= n)  # a hit, or no finite candidate left
            pending = pending[~found]
            width *= 2
        return out, last

    def path(self, a: FloatArray, b: FloatArray) -> FloatArray:
        """Waypoints (k, 2) of the shortest sea route a → b, ends included; empty when there is none."""
        (a,), (ok_a,) = self.to_sea(a)
        (b,), (ok_b,) = self.to_sea(b)
        if not (ok_a and ok_b):
            return np.empty((0, 2))
        if self.clear(a[None], b[None])[0]:
            return np.vstack([a, b])
        if not len(self.nodes):
            return np.empty((0, 2))
        total = self._to_corners(a[None])[0][:, None] + self._dist + self._to_corners(b[None])[0][None, :]
        u, w = np.unravel_index(np.argmin(total), total.shape)
        if not np.isfinite(total[u, w]):
            return np.empty((0, 2))
        _, pred = dijkstra(self._graph, directed=False, indices=int(u), return_predecessors=True)
        chain = [int(w)]
        while chain[-1] != u:
            chain.append(int(pred[chain[-1]]))
        return np.vstack([a, self.nodes[chain[::-1]], b])
