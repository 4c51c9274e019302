"""JPDA marginals against hand computation and brute force, and the JPDA tracker on crossing targets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_gnn_association import _crossing_run

from watchkeeper.tracking.jpda import marginals
from watchkeeper.tracking.tracker import TrackerConfig


def test_single_track_cluster_is_the_pda_closed_form() -> None:
    log_l = np.log(np.array([4.0, 1.0]))
    beta, beta0 = marginals(np.array([0, 0]), np.array([0, 1]), log_l, 1, 2, miss_weight=0.5)
    assert beta == pytest.approx([4.0 / 5.5, 1.0 / 5.5])
    assert beta0 == pytest.approx([0.5 / 5.5])


def _brute(ti: np.ndarray, mj: np.ndarray, lik: np.ndarray, n_t: int, n_m: int, b: float):
    options = [[(-1, b)] + [(int(mj[k]), float(lik[k])) for k in np.flatnonzero(ti == i)] for i in range(n_t)]
    beta = np.zeros((n_t, n_m))
    beta0 = np.zeros(n_t)
    total = 0.0
    for event in itertools.product(*options):
        plots = [j for j, _ in event if j >= 0]
        if len(plots) != len(set(plots)):
            continue
        w = float(np.prod([x for _, x in event]))
        total += w
        for i, (j, _) in enumerate(event):
            if j < 0:
                beta0[i] += w
            else:
                beta[i, j] += w
    return beta / total, beta0 / total


def test_shared_plots_match_brute_force_enumeration() -> None:
    rng = np.random.default_rng(0)
    ti = np.array([0, 0, 1, 1, 1, 2, 2, 3])
    mj = np.array([0, 1, 1, 2, 3, 3, 4, 5])  # tracks 0-2 share plots; track 3 alone
    lik = rng.uniform(0.1, 10.0, ti.size)
    beta, beta0 = marginals(ti, mj, np.log(lik), 4, 6, miss_weight=0.2)
    ref, ref0 = _brute(ti, mj, lik, 4, 6, 0.2)
    assert beta == pytest.approx(ref[ti, mj])
    assert beta0 == pytest.approx(ref0)
    load = np.zeros(6)
    np.add.at(load, mj, beta)
    assert (load <= 1.0 + 1e-12).all()


def test_too_many_events_falls_back_to_hard_assignment() -> None:
    n = 6  # six tracks all gating six plots: 13,327 joint events
    ti, mj = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    lik = np.where(ti == mj, 50.0, 1.0)
    beta, beta0 = marginals(ti, mj, np.log(lik), n, n, miss_weight=0.2, max_events=1000)
    assert set(np.round(beta, 12)) <= {0.0, 1.0}
    assert beta[ti == mj].tolist() == [1.0] * n and beta0.tolist() == [0.0] * n


def test_jpda_tracker_holds_crossing_targets() -> None:
    for seed in (1, 2, 3):
        ids, lost, most = _crossing_run(seed, clutter=0, config=TrackerConfig(association="jpda"))
        assert [len(set(i)) for i in ids] == [1, 1] and ids[0][0] != ids[1][0], (seed, ids)
        assert lost <= 2 and most == 2
