"""Sea routes around land: shortest paths for vessels on the real coastline.

A visibility graph: the nodes are the convex corners of the land grown by a clearance (routes keep that far
off the shore); two points see each other when the straight segment between them does not touch the land
grown by half the clearance (shapely, vectorised, prepared geometry); shortest paths between corners are
precomputed once (Dijkstra, scipy). A query a → b is the straight distance when a sees b, otherwise
min over corners u seen from a and w seen from b of |a-u| + D[u, w] + |w-b|.

A point inside the tested land (a berth in a harbour the coastline data fills in) is moved to the nearest
point of the grown coastline, up to ``snap_m``; further inland it has no sea route.

Frame: UTM 31N metres (``geo.frames``); land comes in as a shapely geometry in that frame. Build cost is
paid once per process (about a second for the strait's GSHHG land), queries are vectorised.
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
from shapely.ops import nearest_points

from watchkeeper.geo.segments import SegmentIndex, boundary_edges

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def _convex_corners(poly: Polygon) -> FloatArray:
    """Vertices of the exterior where the land is convex (a shortest route can bend around them)."""
    pts = np.asarray(orient(poly, sign=1.0).exterior.coords)[:-1]  # counter-clockwise
    if len(pts) < 3:
        return pts
    prev = np.roll(pts, 1, axis=0)
    nxt = np.roll(pts, -1, axis=0)
    cross = (pts[:, 0] - prev[:, 0]) * (nxt[:, 1] - pts[:, 1]) - (pts[:, 1] - prev[:, 1]) * (
        nxt[:, 0] - pts[:, 0]
    )
    return pts[cross > 0]


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
        self._tested = land.buffer(clearance_m / 2, quad_segs=2).simplify(clearance_m / 4)
        shapely.prepare(self._tested)
        self._edges = SegmentIndex(*boundary_edges(self._tested))
        grown = land.buffer(clearance_m, quad_segs=2).simplify(simplify_m)
        self._grown_boundary = grown.boundary
        corners = [c for c in (_convex_corners(p) for p in _polygons(grown)) if len(c)]
        nodes = np.vstack(corners) if corners else np.empty((0, 2))
        if len(nodes):
            nodes = nodes[~shapely.contains_xy(self._tested, nodes[:, 0], nodes[:, 1])]
        self.nodes: FloatArray = nodes
        self._via_cache: dict[tuple[float, float], FloatArray] = {}
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
        # Both ends are on clear water (callers move points to sea first), so a segment touches land
        # exactly when it crosses the coastline: an edge test, no polygon predicate needed.
        return ~self._edges.crosses(a, b)

    def to_sea(self, p: FloatArray) -> tuple[FloatArray, BoolArray]:
        """Move points on land to the nearest clear water within ``snap_m``; returns (points, ok)."""
        p = np.atleast_2d(np.asarray(p, float)).copy()
        ok = np.ones(len(p), dtype=bool)
        for k in np.flatnonzero(self.on_land(p[:, 0], p[:, 1])):
            point = shapely.Point(p[k])
            near = nearest_points(self._grown_boundary, point)[0]
            if point.distance(near) > self.snap_m:
                ok[k] = False
            else:
                p[k] = (near.x, near.y)
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
    def _to_corners(self, p: FloatArray) -> FloatArray:
        """Distances (m, n) from points p to every corner; inf where the corner is not in sight."""
        m, n = len(p), len(self.nodes)
        a = np.repeat(p, n, axis=0)
        b = np.tile(self.nodes, (m, 1))
        d = np.hypot(*(a - b).T)
        return np.where(self.clear(a, b), d, np.inf).reshape(m, n)

    def _from_point(self, p: FloatArray) -> FloatArray:
        """Sea distance from each point p[i] (on clear water) to every corner, shape (m, n); cached per
        point, since assets ask the same question for every target and every iteration."""
        out = np.empty((len(p), len(self.nodes)))
        missing = []
        for i, pt in enumerate(p):
            hit = self._via_cache.get((pt[0], pt[1]))
            if hit is None:
                missing.append(i)
            else:
                out[i] = hit
        if missing:
            direct = self._to_corners(p[missing])
            for k in range(0, len(missing), 16):
                rows = missing[k : k + 16]
                via = np.min(direct[k : k + 16, :, None] + self._dist[None, :, :], axis=1)
                out[rows] = via
                for i, row in zip(rows, via, strict=True):
                    if len(self._via_cache) < 100_000:
                        self._via_cache[(p[i][0], p[i][1])] = row
        return out

    def distances(self, a: FloatArray, b: FloatArray) -> FloatArray:
        """Sea distance (m) for pairs a[i] → b[i]; inf where no route exists.

        For a blocked pair the answer is min over corners w seen from b of via(a, w) + |w − b|, where
        via(a, ·) is the (cached) sea distance from a to every corner. Candidates are tried in increasing
        order of that sum, so the first one in sight of b is the answer: usually among the first few.
        """
        a, ok_a = self.to_sea(a)
        b, ok_b = self.to_sea(b)
        out: FloatArray = np.hypot(*(b - a).T)
        out[~(ok_a & ok_b)] = np.inf
        blocked = ~self.clear(a, b) & ok_a & ok_b
        idx = np.flatnonzero(blocked)
        if not len(idx):
            return out
        if not len(self.nodes):
            out[idx] = np.inf
            return out
        via = self._from_point(a[idx])
        bound = via + np.hypot(
            self.nodes[None, :, 0] - b[idx, 0, None], self.nodes[None, :, 1] - b[idx, 1, None]
        )
        order = np.argsort(bound, axis=1)
        pending = np.arange(len(idx))
        result = np.full(len(idx), np.inf)
        start = 0
        width = 8
        while len(pending) and start < len(self.nodes):
            cols = order[pending, start : start + width]  # (k, w) candidate corners
            k, w = cols.shape
            seen = self.clear(np.repeat(b[idx[pending]], w, axis=0), self.nodes[cols.ravel()]).reshape(k, w)
            cand = np.take_along_axis(bound[pending], cols, axis=1)
            cand = np.where(seen & np.isfinite(cand), cand, np.inf)
            best = cand.min(axis=1)
            found = np.isfinite(best) | ~np.isfinite(np.take_along_axis(bound[pending], cols, axis=1)).any(1)
            result[pending[found]] = best[found]
            pending = pending[~found]
            start += width
            width *= 4
        out[idx] = result
        return out

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
