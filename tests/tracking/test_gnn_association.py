"""Data association: optimal assignment where greedy nearest-neighbour fails, and crossing targets held
through clutter without an identity swap."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_helpers import EPOCH, SITE_XY, at, constant_velocity, radar, scan_plots

from watchkeeper.tracking.association import gnn
from watchkeeper.tracking.tracker import Tracker, TrackerConfig


def test_gnn_is_the_optimal_assignment_not_the_greedy_one() -> None:
    # tracks 0, 1; plots 0, 1. Greedy takes the best pair (0, 0) first and leaves track 1 without a plot;
    # the optimum gives plot 1 to track 0 and plot 0 to track 1 (total −18.5 against −10).
    ti = np.array([0, 0, 1])
    mj = np.array([0, 1, 0])
    cost = np.array([-10.0, -9.0, -9.5])
    ta, ma = gnn(ti, mj, cost, 2, 2)
    assert sorted(zip(ta.tolist(), ma.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_gnn_leaves_pairs_not_worth_assigning_and_solves_clusters_apart() -> None:
    # a pair with positive cost (worse than "clutter + missed") is never taken; two separate clusters
    ti = np.array([0, 1, 2, 2, 3])
    mj = np.array([0, 0, 1, 2, 2])
    cost = np.array([-3.0, -4.0, 5.0, -1.0, -2.0])
    ta, ma = gnn(ti, mj, cost, 4, 3)
    assert sorted(zip(ta.tolist(), ma.tolist(), strict=True)) == [(1, 0), (3, 2)]
    empty_t, empty_m = gnn(np.array([0]), np.array([0]), np.array([1.0]), 1, 1)
    assert empty_t.size == 0 and empty_m.size == 0


def _crossing_run(
    seed: int, clutter: int, config: TrackerConfig | None = None
) -> tuple[list[list[int]], int, int]:
    """Two boats crossing at 60° 15 km from the radar at 5 m/s, Pd 0.9, ``clutter`` plots per scan.

    Returns, per boat, the ids of the track nearest to it in every scan where the boats are more than
    400 m apart (so which track is whose is not ambiguous), the scans where a boat had no track within
    300 m, and the most confirmed tracks seen at once.
    """
    rng = np.random.default_rng(seed)
    centre = SITE_XY + np.array([0.0, 15_000.0])
    speed = 5.0
    heading = np.radians([60.0, 120.0])  # grid headings: the tracks cross at 60°
    vel = speed * np.column_stack([np.sin(heading), np.cos(heading)])
    motion = constant_velocity(centre - vel * 100.0, vel)  # both at the centre at t = 100 s
    tracker = Tracker([radar()], EPOCH, config)
    ids: list[list[int]] = [[], []]
    lost = 0
    most = 0
    for k in range(80):  # 200 s, the crossing in the middle
        plots, _ = scan_plots(rng, motion, k, pd=0.9, clutter=clutter)
        out = tracker.step(at((k + 1) * 2.5), plots)
        if k < 8:  # confirmation
            continue
        truth = motion((k + 1) * 2.5)
        most = max(most, len(out))
        apart = np.hypot(*(truth[0] - truth[1])) > 400.0
        for i in range(2):
            d = np.hypot(*(out.xy - truth[i]).T) if len(out) else np.array([np.inf])
            lost += int(d.min() > 300.0)
            if apart and d.min() <= 300.0:
                ids[i].append(int(out.track_id[int(np.argmin(d))]))
    return ids, lost, most


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_crossing_targets_in_clutter_keep_their_tracks(seed: int) -> None:
    ids, lost, most = _crossing_run(seed, clutter=30)
    # each boat is held by one track before and after the crossing, and the two never swap
    assert [len(set(i)) for i in ids] == [1, 1], ids
    assert ids[0][0] != ids[1][0]
    assert lost <= 2  # at closest approach one track may serve both for a scan or two
    assert most <= 3  # clutter never grows confirmed tracks beyond the boats and a transient


def test_crossing_without_clutter_holds_both_throughout() -> None:
    for seed in (1, 2, 3):
        ids, lost, most = _crossing_run(seed, clutter=0)
        assert [len(set(i)) for i in ids] == [1, 1] and ids[0][0] != ids[1][0], (seed, ids)
        assert lost == 0 and most == 2
