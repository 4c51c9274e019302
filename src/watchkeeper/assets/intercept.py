"""Intercept geometry: the earliest time an asset can reach a moving (or drifting) target.

Straight line: an asset at A with speed s reaches a target at P0 moving with velocity V at the smallest
t > 0 with |P0 + V t − A| = s t, i.e. (V·V − s²) t² + 2 (D·V) t + D·D = 0 with D = P0 − A.

Around land (vessels): with the sea distance d(A, P) ≥ |P − A|, the earliest t satisfies d(A, P(t)) = s t.
Starting from the straight-line time (a lower bound) the iteration t ← d(A, P(t)) / s rises monotonically to
it and converges when the target is slower than the asset (|V| < s): d is 1-Lipschitz in P, so the map has
slope ≤ |V| / s < 1. All functions work on arrays of pairs (UTM 31N metres, seconds).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from watchkeeper.assets.routing import SeaRouter

FloatArray = npt.NDArray[np.float64]
KNOT_MS = 1852.0 / 3600.0


def straight_intercept_time(
    a: FloatArray, speed_ms: FloatArray, p0: FloatArray, v: FloatArray, t_stop: FloatArray | None = None
) -> FloatArray:
    """Earliest intercept time (s) per pair; inf where the asset can never catch the target.

    ``t_stop`` (s, per pair): the target stops there (it reaches the coast) and waits.
    """
    t = _moving_intercept(np.atleast_2d(a), np.asarray(speed_ms, float), np.atleast_2d(p0), np.atleast_2d(v))
    if t_stop is None:
        return t
    t_stop = np.broadcast_to(np.asarray(t_stop, float), t.shape)
    late = t > t_stop
    stop = np.atleast_2d(p0)[late] + np.atleast_2d(v)[late] * t_stop[late, None]
    reach = np.hypot(*(stop - np.atleast_2d(a)[late]).T) / np.asarray(speed_ms, float)[late]
    t[late] = np.maximum(reach, t_stop[late])
    return t


def _moving_intercept(a: FloatArray, speed_ms: FloatArray, p0: FloatArray, v: FloatArray) -> FloatArray:
    a = np.atleast_2d(a)
    p0 = np.atleast_2d(p0)
    v = np.atleast_2d(v)
    s = np.asarray(speed_ms, float)
    d = p0 - a
    qa = np.einsum("ij,ij->i", v, v) - s**2
    qb = 2.0 * np.einsum("ij,ij->i", d, v)
    qc = np.einsum("ij,ij->i", d, d)
    t = np.full(len(d), np.inf)
    at_target = qc == 0.0
    t[at_target] = 0.0
    lin = (np.abs(qa) < 1e-12) & ~at_target  # same speed: linear equation
    with np.errstate(divide="ignore", invalid="ignore"):
        tl = -qc[lin] / qb[lin]
    t[lin] = np.where(tl > 0, tl, np.inf)
    quad = ~lin & ~at_target
    disc = qb[quad] ** 2 - 4 * qa[quad] * qc[quad]
    with np.errstate(invalid="ignore"):
        sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
        r1 = (-qb[quad] - sq) / (2 * qa[quad])
        r2 = (-qb[quad] + sq) / (2 * qa[quad])
    roots = np.stack([r1, r2], axis=1)
    roots = np.where(np.isfinite(roots) & (roots > 0), roots, np.inf)
    t[quad] = roots.min(axis=1)
    return t


def routed_intercept_time(
    router: SeaRouter,
    a: FloatArray,
    speed_ms: FloatArray,
    p0: FloatArray,
    v: FloatArray,
    t_stop: FloatArray | None = None,
    max_iter: int = 30,
    tol_s: float = 1.0,
) -> FloatArray:
    """Earliest intercept time (s) for vessels, going around land; inf where unreachable.

    ``t_stop`` (s, per pair): the target stops there (it reaches the coast).
    """
    a = np.atleast_2d(a)
    p0 = np.atleast_2d(p0)
    v = np.atleast_2d(v)
    s = np.asarray(speed_ms, float)
    stop = np.full(len(a), np.inf) if t_stop is None else np.broadcast_to(np.asarray(t_stop, float), len(a))
    t = straight_intercept_time(a, s, p0, v, stop)
    active = np.isfinite(t)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        p = p0[idx] + v[idx] * np.minimum(t[idx], stop[idx])[:, None]
        t_new = router.distances(a[idx], p) / s[idx]
        done = ~np.isfinite(t_new) | (np.abs(t_new - t[idx]) < tol_s)
        t[idx] = t_new
        active[idx[done]] = False
    t[active] = np.inf  # did not converge: the target outruns the asset along the route
    return t
