"""Stone Soup configured as its documentation recommends for multi-sensor radar tracking (the peer).

EKF (ExtendedKalmanPredictor/Updater) with a CV transition model, the polar ``CartesianToBearingRange``
measurement model per radar (``translation_offset`` = the radar site in UTM 31N), GNN with 2-D optimal
assignment (``GNNWith2DAssignment`` over a Mahalanobis ``DistanceHypothesiser``), a
``MultiMeasurementInitiator`` (3 points) and deletion on time since the last update (missed detections).
Stone Soup is a dev dependency only; this module lives in bench/. It gets the same plot batches as our
tracker (one radar × one sector window, detections keep their own beam times), in the same UTM frame.
"""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import numpy as np
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.deleter.time import UpdateTimeDeleter
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.initiator.simple import MultiMeasurementInitiator
from stonesoup.measures import Mahalanobis
from stonesoup.models.measurement.nonlinear import CartesianToBearingRange
from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
from stonesoup.predictor.kalman import ExtendedKalmanPredictor
from stonesoup.tracker.simple import MultiTargetTracker
from stonesoup.types.angle import Bearing
from stonesoup.types.detection import Detection
from stonesoup.types.state import GaussianState
from stonesoup.updater.kalman import ExtendedKalmanUpdater

from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.runner import ScenarioInputs
from watchkeeper.tracking.scoring import EstimateScan


def run_stonesoup(
    inputs: ScenarioInputs,
    process_noise_psd: float = 0.1,
    cpu_cap_s: float = 1800.0,
    sectors: int = 8,
) -> tuple[list[EstimateScan], float, bool]:
    """Run the peer; returns estimates at every scan boundary, CPU seconds, and whether it finished."""
    radars = radar_models(inputs.sensors.radars)
    epoch = inputs.sensors.start_utc
    transition = CombinedLinearGaussianTransitionModel(
        [ConstantVelocity(process_noise_psd), ConstantVelocity(process_noise_psd)]
    )
    models = [
        CartesianToBearingRange(
            ndim_state=4,
            mapping=(0, 2),
            noise_covar=np.diag([r.bearing_sigma_rad**2, r.range_sigma_m**2]),
            translation_offset=np.array([[r.x], [r.y]]),
        )
        for r in radars
    ]
    predictor = ExtendedKalmanPredictor(transition)
    updater = ExtendedKalmanUpdater(measurement_model=None)
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=4)
    associator = GNNWith2DAssignment(hypothesiser)
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, 8.0**2, 0.0, 8.0**2])),
        measurement_model=None,
        deleter=UpdateTimeDeleter(timedelta(seconds=5.0)),
        data_associator=GNNWith2DAssignment(hypothesiser),
        updater=updater,
        min_points=3,
    )
    deleter = UpdateTimeDeleter(timedelta(seconds=12.5))

    period = min(r.scan_period_s for r in radars)
    window = period / sectors
    t = inputs.plot_time
    win = np.floor(t / window).astype(np.int64)
    order = np.lexsort((t, inputs.plot_sensor, win))
    steps: list[tuple[float, np.ndarray]] = []
    w_o, s_o = win[order], inputs.plot_sensor[order]
    cuts = np.flatnonzero(np.r_[True, (w_o[1:] != w_o[:-1]) | (s_o[1:] != s_o[:-1]), True])
    for a, b in itertools.pairwise(cuts):
        steps.append((float(t[order[b - 1]]), order[a:b]))
    steps.sort(key=lambda s: (np.floor(s[0] / window), float(t[s[1][0]])))

    def detector():  # (time, detections) as MultiTargetTracker expects from its detector
        for _end, idx in steps:
            dets = set()
            for i in idx:
                r = radars[int(inputs.plot_sensor[i])]
                theta = np.pi / 2.0 - np.radians(inputs.bearing_deg[i])  # grid bearing → Stone Soup angle
                dets.add(
                    Detection(
                        np.array([[Bearing(theta)], [inputs.range_m[i]]]),
                        timestamp=epoch + timedelta(seconds=float(t[i])),
                        measurement_model=models[r.index],
                    )
                )
            yield epoch + timedelta(seconds=float(t[idx[-1]])), dets

    tracker = MultiTargetTracker(
        initiator=initiator, deleter=deleter, detector=detector(), data_associator=associator, updater=updater
    )
    ids: dict[int, int] = {}
    out: list[EstimateScan] = []
    next_scan = 0
    cpu0 = time.process_time()
    finished = True

    def emit(until: float, tracks: set) -> None:  # estimates at scan boundaries ≤ until
        nonlocal next_scan
        while next_scan * period <= until:
            ts = next_scan * period
            xy, tid = [], []
            for trk in tracks:
                st = trk.state
                dt = ts - (st.timestamp - epoch).total_seconds()
                sv = np.asarray(st.state_vector, dtype=float).ravel()
                xy.append([sv[0] + sv[1] * dt, sv[2] + sv[3] * dt])
                tid.append(ids.setdefault(id(trk), len(ids) + 1))
            out.append(EstimateScan(ts, np.array(tid, dtype=np.int64), np.array(xy).reshape(-1, 2)))
            next_scan += 1

    step_iter = iter(tracker)
    for k, (_end, idx) in enumerate(steps):
        first_time = float(t[idx[0]])
        emit(first_time - 1e-9, tracker.tracks)
        next(step_iter)
        if k % 50 == 0 and time.process_time() - cpu0 > cpu_cap_s:
            finished = False
            break
    cpu = time.process_time() - cpu0
    if finished:
        emit(float(t[-1]) + period, tracker.tracks)
    return out, cpu, finished
