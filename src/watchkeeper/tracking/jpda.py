"""Joint probabilistic data association (JPDA): the alternative to GNN (``TrackerConfig.association``).

For the gated pairs of one batch, the marginal probability ``β_ij`` that plot j is track i's, and ``β_i0``
that none is, over every feasible joint event (each track takes at most one plot, each plot at most one
track): an event's weight is the product of ``L_ij = Pd·N(ν; 0, S)/λ`` over its assignments and of
``1 − Pd·Pg`` over its tracks left without a plot (Bar-Shalom, Daum & Huang, "The probabilistic data
association filter", IEEE CSM 2009, §"JPDAF"). The gated pairs split into clusters (connected components);
a cluster with one track is solved in closed form, vectorised; a larger one by enumerating its events,
which is exact and cheap for the small clusters a coastal picture has. A cluster whose events would
exceed ``max_events`` is decided by GNN within the cluster (β = 1 for the assigned pairs): JPDA's cost is
combinatorial, and such clusters (many boats in one gate) are where its track coalescence is worst.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from watchkeeper.tracking.association import gnn
from watchkeeper.tracking.gating import IntArray
from watchkeeper.tracking.models import FloatArray


def _enumerate(
    n_tracks: int, options: list[list[tuple[int, float]]], log_miss: float, limit: int
) -> tuple[FloatArray, FloatArray] | None:
    """Exact marginals of one cluster: (n_tracks, n_meas) β and (n_tracks,) β0; None past ``limit`` events."""
    n_meas = 1 + max((j for opts in options for j, _ in opts), default=-1)
    weights: list[float] = []
    events: list[list[int]] = []
    chosen = [-1] * n_tracks
    used = [False] * n_meas

    def walk(i: int, logw: float) -> bool:
        if len(events) > limit:
            return False
        if i == n_tracks:
            weights.append(logw)
            events.append(chosen.copy())
            return True
        chosen[i] = -1
        if not walk(i + 1, logw + log_miss):
            return False
        for j, log_l in options[i]:
            if not used[j]:
                used[j] = True
                chosen[i] = j
                ok = walk(i + 1, logw + log_l)
                used[j] = False
                chosen[i] = -1
                if not ok:
                    return False
        return True

    if not walk(0, 0.0):
        return None
    w = np.asarray(weights)
    w = np.exp(w - w.max())
    w /= w.sum()
    beta = np.zeros((n_tracks, n_meas))
    beta0 = np.zeros(n_tracks)
    for wk, ev in zip(w, events, strict=True):
        for i, j in enumerate(ev):
            if j < 0:
                beta0[i] += wk
            else:
                beta[i, j] += wk
    return beta, beta0


def marginals(
    ti: IntArray,
    mj: IntArray,
    log_l: FloatArray,
    n_tracks: int,
    n_meas: int,
    miss_weight: float,
    max_events: int = 5000,
) -> tuple[FloatArray, FloatArray]:
    """β per gated pair (aligned with ``ti``/``mj``) and β0 per track (``n_tracks``, 1 for ungated ones).

    ``log_l`` is ``ln L_ij`` per pair; ``miss_weight`` is ``1 − Pd·Pg``.
    """
    beta_pair = np.zeros(ti.size)
    beta0 = np.ones(n_tracks)
    if ti.size == 0:
        return beta_pair, beta0
    log_miss = float(np.log(miss_weight))
    graph = coo_matrix((np.ones(ti.size), (ti, n_tracks + mj)), shape=(n_tracks + n_meas,) * 2)
    _n, labels = connected_components(graph, directed=False)
    comp = labels[ti]
    tracks_in = np.zeros(labels.max() + 1, dtype=np.int64)
    uniq_t = np.unique(ti)
    np.add.at(tracks_in, labels[uniq_t], 1)
    single = tracks_in[comp] == 1
    # one track in the cluster: β_j = L_j / (b + Σ L), β0 = b / (b + Σ L), in the log domain
    if single.any():
        s_idx = np.flatnonzero(single)
        trk = ti[s_idx]
        m = np.full(n_tracks, -np.inf)
        np.maximum.at(m, trk, log_l[s_idx])
        m_t = np.maximum(m[trk], log_miss)
        denom = np.zeros(n_tracks)
        np.add.at(denom, trk, np.exp(log_l[s_idx] - m_t))
        ref = np.maximum(m, log_miss)
        total = denom + np.exp(log_miss - ref)  # per track, relative to exp(ref)
        beta_pair[s_idx] = np.exp(log_l[s_idx] - m_t) / total[trk]
        tracks = np.unique(trk)
        beta0[tracks] = np.exp(log_miss - ref[tracks]) / total[tracks]
    multi = np.flatnonzero(~single)
    if multi.size:
        order = multi[np.argsort(comp[multi], kind="stable")]
        cuts = np.flatnonzero(np.r_[True, comp[order][1:] != comp[order][:-1], True])
        for a, b in itertools.pairwise(cuts):
            idx = order[a:b]
            rows, r_inv = np.unique(ti[idx], return_inverse=True)
            cols, c_inv = np.unique(mj[idx], return_inverse=True)
            options: list[list[tuple[int, float]]] = [[] for _ in rows]
            for k, (r, c) in enumerate(zip(r_inv, c_inv, strict=True)):
                options[int(r)].append((int(c), float(log_l[idx[k]])))
            solved = _enumerate(rows.size, options, log_miss, max_events)
            if solved is None:  # too many joint events: hard decision within the cluster
                ta, ma = gnn(r_inv, c_inv, log_miss - log_l[idx], rows.size, cols.size)
                beta = np.zeros((rows.size, cols.size))
                beta[ta, ma] = 1.0
                b0 = 1.0 - beta.sum(axis=1)
            else:
                beta, b0 = solved
            beta_pair[idx] = beta[r_inv, c_inv]
            beta0[rows] = b0
    return beta_pair, beta0
