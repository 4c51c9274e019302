"""A straightforward per-pair intercept solver (the peer of ``bench/recommend.py``).

What an engineer would write first with shapely and scipy, one (asset, target) pair at a time and nothing
shared between pairs: the sea distance d(a, b) is a shortest path (scipy Dijkstra) in a visibility graph
of the router's corners plus a and b, the sight tests being shapely prepared-polygon ``intersects`` on
each segment; the intercept time is the root of d(a, P(t)) − s t found by ``scipy.optimize.brentq``
between the straight-line time (a lower bound) and a growing upper bound. Aircraft: the closed form.

It shares only the geometry with ours (the same corners and the same tested land), so its ETAs check
ours: the tangency pruning, the cached corner rows, the clearance raster and the corner-anchored closed
form must not change the answer.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.optimize import brentq
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from watchkeeper.assets.motion import TargetMotion
from watchkeeper.assets.routing import SeaRouter


class PeerRouter:
    def __init__(self, router: SeaRouter) -> None:
        self.nodes = router.nodes
        self.tested = router._tested
        self.router = router  # only for ``to_sea`` (moving a berth out of the filled-in harbour)
        n = len(self.nodes)
        i, j = np.triu_indices(n, k=1)
        lines = shapely.linestrings(np.stack([self.nodes[i], self.nodes[j]], axis=1))
        ok = ~shapely.intersects(lines, self.tested)
        w = np.hypot(*(self.nodes[i[ok]] - self.nodes[j[ok]]).T)
        self.edges = (np.concatenate([i[ok], j[ok]]), np.concatenate([j[ok], i[ok]]), np.concatenate([w, w]))

    def _sees(self, p: np.ndarray) -> np.ndarray:
        lines = shapely.linestrings(np.stack([np.repeat(p[None], len(self.nodes), 0), self.nodes], axis=1))
        return ~shapely.intersects(lines, self.tested)

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        (a,), (ok_a,) = self.router.to_sea(a)
        (b,), (ok_b,) = self.router.to_sea(b)
        if not (ok_a and ok_b):
            return np.inf
        if not shapely.intersects(shapely.LineString([a, b]), self.tested):
            return float(np.hypot(*(b - a)))
        n = len(self.nodes)
        sa, sb = self._sees(a), self._sees(b)
        ia, ib = np.flatnonzero(sa), np.flatnonzero(sb)
        rows = np.concatenate([self.edges[0], np.full(len(ia), n), ib])
        cols = np.concatenate([self.edges[1], ia, np.full(len(ib), n + 1)])
        wts = np.concatenate(
            [self.edges[2], np.hypot(*(self.nodes[ia] - a).T), np.hypot(*(self.nodes[ib] - b).T)]
        )
        graph = csr_matrix((wts, (rows, cols)), shape=(n + 2, n + 2))
        return float(dijkstra(graph, directed=True, indices=n)[n + 1])


def intercept_time(
    peer: PeerRouter,
    a: np.ndarray,
    s: float,
    motion: TargetMotion,
    routed: bool,
    horizon_s: float = 48 * 3600,
) -> float:
    """A t with d(a, P(t)) = s t: h(t) = d(a, P(t)) − s t is positive before the intercept and, for
    the true sea distance, negative after it (a faster asset can always follow), so a doubling bracket
    and brentq find it. (Near the coast, where points are moved out of the clearance band, h can touch
    zero more than once; brentq then finds one of the roots, not necessarily the first.)"""

    def h(t: float) -> float:
        b = motion.at(t)[0]
        d = peer.distance(a, b) if routed else float(np.hypot(*(b - a)))
        return d - s * t

    h0 = h(0.0)
    if not np.isfinite(h0):
        return np.inf
    if h0 <= 0:
        return 0.0
    hi = 600.0
    while h(hi) > 0:
        hi *= 2
        if hi > horizon_s:
            return np.inf
    return float(brentq(h, 0.0, hi, xtol=0.5))
