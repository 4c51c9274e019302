"""Gating: which track–measurement pairs are worth scoring.

Two stages, both vectorised: a coarse Euclidean gate through a k-d tree of the batch's measurements
(radius per track from its predicted position spread and the largest measurement spread), then the
chi-square gate on the squared Mahalanobis distance of each candidate pair predicted to the
measurement's own time. The default gate 13.8 is the 99.9% point of χ²(2): a true plot is lost to the
gate once in a thousand updates, while the gate area stays small against clutter (Blackman & Popoli
1999, §6.3).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from watchkeeper.tracking.models import FloatArray

IntArray = npt.NDArray[np.int64]

CHI2_2DOF_999 = 13.816


def coarse_pairs(
    track_xy: FloatArray, track_radius: FloatArray, meas_xy: FloatArray
) -> tuple[IntArray, IntArray]:
    """All (track, measurement) index pairs closer than each track's radius (metres)."""
    if track_xy.shape[0] == 0 or meas_xy.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    tree = cKDTree(meas_xy)
    hits = tree.query_ball_point(track_xy, track_radius, return_sorted=False)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    ti = np.repeat(np.arange(track_xy.shape[0], dtype=np.int64), counts)
    if counts.sum() == 0:
        return ti, np.zeros(0, dtype=np.int64)
    mj = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if h])
    return ti, mj


def coarse_radius(pos_cov: FloatArray, max_meas_var: float, gate: float, cap_m: float) -> FloatArray:
    """Euclidean radius (m) that contains the chi-square gate: sqrt(gate · (λmax(P) + λmax(R)))."""
    a, b, c = pos_cov[:, 0, 0], pos_cov[:, 0, 1], pos_cov[:, 1, 1]
    lam = 0.5 * (a + c) + np.sqrt(0.25 * (a - c) ** 2 + b * b)
    return np.asarray(np.minimum(np.sqrt(gate * (lam + max_meas_var)), cap_m))
