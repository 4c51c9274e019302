"""The tracker on the first 150 s of the shared strait-night-small scenario (SIMULATED), scored with GOSPA
against its truth after a 25 s warm-up, with thresholds a broken tracker cannot meet (and the proof that
two broken ones do not)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.runner import ScenarioInputs, load_inputs, run_scenario
from watchkeeper.tracking.scoring import EstimateScan, Score, Truth, load_truth, score

WARM_UP_S = 25.0
GOSPA_MAX_M = 160.0  # ours: 109 m; radar-only (AIS fusion broken): 359 m; wrong polar frame: 9,176 m


def _score(inputs: ScenarioInputs, truth: Truth) -> Score:
    estimates = [EstimateScan(o.time, o.track_id, o.xy) for o in run_scenario(inputs)]
    keep = truth.time >= WARM_UP_S
    warm = Truth(
        truth.time[keep], truth.target_id[keep], truth.kind[keep], truth.xy[keep], truth.in_coverage[keep]
    )
    return score(warm, estimates, radar_models(inputs.sensors.radars))


@pytest.fixture(scope="module")
def case(small_cut: Path) -> tuple[ScenarioInputs, Truth]:
    inputs = load_inputs(small_cut)
    return inputs, load_truth(small_cut, inputs.sensors.start_utc)


def test_gospa_fragmentation_and_hold_on_the_small_scenario(case: tuple[ScenarioInputs, Truth]) -> None:
    inputs, truth = case
    s = _score(inputs, truth)
    assert s.scans == 51
    assert s.gospa_mean < GOSPA_MAX_M, s.gospa_mean
    assert s.fragmentations <= 1
    assert s.small_boat_hold_share >= 0.97
    assert s.mean_false <= 0.05 and s.mean_missed <= 0.2


def test_the_threshold_fails_broken_trackers(case: tuple[ScenarioInputs, Truth]) -> None:
    inputs, truth = case
    # plots read in the wrong polar frame (true bearings assumed where the file has grid bearings)
    wrong = dataclasses.replace(
        inputs,
        sensors=dataclasses.replace(
            inputs.sensors,
            radars=tuple(dataclasses.replace(r, polar_frame="geodetic") for r in inputs.sensors.radars),
        ),
    )
    assert _score(wrong, truth).gospa_mean > 10 * GOSPA_MAX_M
    # AIS neither fused nor used for identity: ships tracked by radar alone
    radar_only = dataclasses.replace(inputs, ais=inputs.ais.subset(np.zeros(0, dtype=np.int64)))
    assert _score(radar_only, truth).gospa_mean > 2 * GOSPA_MAX_M
