"""Global nearest neighbour (GNN) data association by optimal assignment.

The gated pairs form a sparse bipartite graph; each connected component is solved on its own with
``scipy.optimize.linear_sum_assignment`` (a 1×1 component is decided directly, vectorised), so the cost
grows with the size of the clusters, not with tracks × plots. Pair costs are negative log-likelihood
ratios: assigning plot j to track i is worth it only when ``Pd·N(ν; 0, S) > λ`` (λ the density of
clutter and new targets), i.e. when
``d² + ln|2πS| + 2 ln λ − 2 ln Pd < 0``; pairs that are not worth it are left unassigned, which is
exact for rectangular problems (Blackman & Popoli 1999, §6.5; Crouse 2016 for the solver).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from watchkeeper.tracking.gating import IntArray
from watchkeeper.tracking.models import FloatArray


def gnn(
    ti: IntArray, mj: IntArray, cost: FloatArray, n_tracks: int, n_meas: int
) -> tuple[IntArray, IntArray]:
    """Optimal assignment over gated pairs with costs relative to "leave both unassigned" (= 0).

    Only pairs with negative cost can be chosen. Returns (track indices, measurement indices) assigned.
    """
    keep = cost < 0.0
    ti, mj, cost = ti[keep], mj[keep], cost[keep]
    if ti.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    n = n_tracks + n_meas
    graph = coo_matrix((np.ones(ti.size), (ti, n_tracks + mj)), shape=(n, n))
    _n_comp, labels = connected_components(graph, directed=False)
    comp = labels[ti]
    order = np.argsort(comp, kind="stable")
    ti, mj, cost, comp = ti[order], mj[order], cost[order], comp[order]
    starts = np.flatnonzero(np.r_[True, comp[1:] != comp[:-1]])
    sizes = np.diff(np.r_[starts, comp.size])
    single = sizes == 1
    out_t = [ti[starts[single]]]
    out_m = [mj[starts[single]]]
    for s, z in zip(starts[~single], sizes[~single], strict=True):
        t_c, m_c, c_c = ti[s : s + z], mj[s : s + z], cost[s : s + z]
        rows, r_inv = np.unique(t_c, return_inverse=True)
        cols, c_inv = np.unique(m_c, return_inverse=True)
        mat = np.zeros((rows.size, cols.size))
        mat[r_inv, c_inv] = c_c
        r, c = linear_sum_assignment(mat)
        chosen = mat[r, c] < 0.0
        out_t.append(rows[r[chosen]])
        out_m.append(cols[c[chosen]])
    return np.concatenate(out_t).astype(np.int64), np.concatenate(out_m).astype(np.int64)
