"""Intercept geometry: the earliest time an asset can reach a moving (or drifting) target.

Straight line: an asset at A with speed s reaches a target on leg k (position Q + V t for t in
[t_k, t_k+1)) at the smallest t in the leg with |Q + V t − A| = s t, i.e. the smallest root there of
(V·V − s²) t² + 2 (D·V) t + D·D = 0 with D = Q − A. Legs are tried in order; the first with a root wins.

Around land (vessels): with the sea distance d(A, P) ≥ |P − A|, the earliest t satisfies d(A, P(t)) = s t.
Starting from the straight-line time (a lower bound) the iteration t ← d(A, P(t)) / s converges to it when
the target is slower than the asset (|V| < s): d is 1-Lipschitz in P and P is |V|-Lipschitz in t, so the
map contracts by |V| / s < 1 and has one fixed point. All functions work on arrays of assets against one
target motion (UTM 31N metres, seconds).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from watchkeeper.assets.motion import KNOT_MS, TargetMotion
from watchkeeper.assets.routing import SeaRouter

FloatArray = npt.NDArray[np.float64]

__all__ = ["KNOT_MS", "routed_intercept_time", "straight_intercept_time"]


def _earliest_root(
    a: FloatArray, s: FloatArray, delay: FloatArray, q: FloatArray, v: FloatArray, lo: float, hi: float
) -> FloatArray:
    """Smallest t in [max(lo, delay), hi] with |q + v t − a| = s (t − delay) per asset (inf where none).

    An asset that can set off from a only at ``delay`` (s): (V·V − s²) t² + 2 (D·V + s² τ) t
    + (D·D − s² τ²) = 0 with D = q − a, τ = delay; q, v: (2,).
    """
    d = q[None, :] - a
    qa = float(v @ v) - s**2
    qb = 2.0 * (d @ v) + 2.0 * s**2 * delay
    qc = np.einsum("ij,ij->i", d, d) - (s * delay) ** 2
    lin = np.abs(qa) < 1e-12  # same speed as the target: the equation is linear
    with np.errstate(divide="ignore", invalid="ignore"):
        tl = np.where(lin, -qc / qb, np.inf)
        disc = qb**2 - 4 * qa * qc
        sq = np.sqrt(np.where(disc >= 0, disc, np.nan))
        r1 = (-qb - sq) / (2 * qa)
        r2 = (-qb + sq) / (2 * qa)
    roots = np.where(lin[:, None], np.stack([tl, np.full_like(tl, np.inf)], 1), np.stack([r1, r2], 1))
    floor = np.maximum(lo, delay)[:, None]
    roots = np.where(np.isfinite(roots) & (roots >= floor - 1e-9) & (roots <= hi), roots, np.inf)
    t: FloatArray = np.maximum(roots.min(axis=1), floor[:, 0])
    return t


def straight_intercept_time(
    a: FloatArray, speed_ms: FloatArray, motion: TargetMotion, delay_s: FloatArray | None = None
) -> FloatArray:
    """Earliest intercept time (s) per asset in a straight line; inf where it can never catch the target.

    ``delay_s``: the asset is at ``a`` only from then on (it first goes round a corner to get there).
    """
    a = np.atleast_2d(np.asarray(a, float))
    s = np.broadcast_to(np.asarray(speed_ms, float), len(a))
    delay = np.zeros(len(a)) if delay_s is None else np.broadcast_to(np.asarray(delay_s, float), len(a))
    t = np.full(len(a), np.inf)
    todo = np.ones(len(a), dtype=bool)
    at_start = (np.hypot(*(a - motion.start).T) == 0.0) & (delay == 0.0)
    t[at_start] = 0.0
    todo &= ~at_start
    for k in range(motion.legs):
        if not todo.any():
            break
        lo = float(motion.knot_t[k])
        hi = float(motion.knot_t[k + 1]) if k + 1 < motion.legs else np.inf
        v = motion.velocity[k]
        q = motion.knot_p[k] - v * lo
        idx = np.flatnonzero(todo)
        tk = _earliest_root(a[idx], s[idx], delay[idx], q, v, lo, hi)
        found = np.isfinite(tk)
        t[idx[found]] = tk[found]
        todo[idx[found]] = False
    return t


def routed_intercept_time(
    router: SeaRouter,
    a: FloatArray,
    speed_ms: FloatArray,
    motion: TargetMotion,
    max_iter: int = 40,
    tol_s: float = 1.0,
) -> FloatArray:
    """Earliest intercept time (s) for vessels going around land; inf where unreachable.

    ``a`` are the vessels' positions (the cached side of ``router.legs``). The first guess is the
    straight-line time, a lower bound t0; where the straight route to P(t0) is blocked, its last corner w
    gives an upper bound in closed form (go round to w, then straight: |P(t) − w| = s (t − via(a, w)/s)),
    which is exact as soon as w stays the last corner of the route at that time: blocked pairs usually
    converge in two route evaluations. Where the route straightens out the fixed-point step is used.
    """
    a = np.atleast_2d(np.asarray(a, float))
    s = np.broadcast_to(np.asarray(speed_ms, float), len(a))
    t = straight_intercept_time(a, s, motion)
    active = np.isfinite(t)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        b = motion.at(t[idx])
        d, last = router.legs(a[idx], b)
        g = d / s[idx]
        done = ~np.isfinite(g) | (np.abs(g - t[idx]) < tol_s)
        nxt = g.copy()
        bent = ~done & (last >= 0)
        if bent.any():
            w = router.nodes[last[bent]]
            via_s = (d[bent] - np.hypot(*(w - b[bent]).T)) / s[idx[bent]]
            nxt[bent] = straight_intercept_time(w, s[idx[bent]], motion, via_s)
        t[idx] = np.where(done, g, nxt)
        active[idx[done]] = False
    t[active] = np.inf  # did not converge: the target outruns the vessel along the route
    return t
