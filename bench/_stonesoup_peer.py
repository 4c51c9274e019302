"""Stone Soup configured as its documentation recommends for multi-sensor radar tracking (the peer).

Components, as in Stone Soup's multi-sensor fusion example (docs/examples/sensorfusion/
Example_data_fusion_from_sensors.py) and tutorials 6, 9 and 10 (GNN, initiators and deleters, a whole
tracker):

- ``ExtendedKalmanPredictor`` / ``ExtendedKalmanUpdater(measurement_model=None)``: each detection carries
  its radar's polar ``CartesianToBearingRange`` model (``translation_offset`` = the site in UTM 31N,
  ``noise_covar`` = diag(σθ², σr²) from sensors.json), so the EKF linearises the polar model per plot;
- a nearly-constant-velocity ``CombinedLinearGaussianTransitionModel`` with ``ConstantVelocity(q)`` per
  axis (q = ``process_noise_psd``, the same m²/s³ as our models; chosen by a sweep recorded in
  docs/benchmarks.md);
- ``DistanceHypothesiser`` with the ``Mahalanobis`` measure and ``missed_distance`` 4 (a 4σ gate) feeding
  ``GNNWith2DAssignment`` (optimal 2-D assignment);
- ``MultiMeasurementInitiator`` (3 points, the tutorials' choice for clutter) whose holding tracks are
  dropped 5 s (2 scans) after their last plot; confirmed tracks are deleted by ``UpdateTimeDeleter`` 12.5 s
  (5 scans) after their last update — deletion on missed detections.

Stone Soup is a dev dependency only; this module lives in bench/. It gets the same plot batches as our
tracker (one radar × one sector window; detections keep their own beam times), in the same UTM frame:
plots of a geodetic-frame radar (slant range, true bearing) are first converted exactly to the grid range
and bearing about the site, which is what ``CartesianToBearingRange`` models. It is given no AIS.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
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

DEFAULT_PROCESS_NOISE_PSD = 0.003  # m²/s³, from the sweep in docs/benchmarks.md


@dataclass
class PeerRun:
    """Estimates at every scan boundary reached, the CPU seconds spent up to each, and whether it finished."""

    estimates: list[EstimateScan] = field(default_factory=list)
    cpu_at_scan: list[float] = field(default_factory=list)
    finished: bool = True

    @property
    def cpu_s(self) -> float:
        return self.cpu_at_scan[-1] if self.cpu_at_scan else 0.0

    def cpu_per_scan(self, first: int = 0) -> np.ndarray:
        """CPU seconds of each scan from scan ``first`` on."""
        c = np.diff(np.r_[0.0, self.cpu_at_scan])
        return np.asarray(c[first:], dtype=float)


def _grid_polar(inputs: ScenarioInputs) -> tuple[np.ndarray, np.ndarray]:
    """Every plot as (grid range m, grid bearing rad clockwise from grid north) about its site."""
    radars = radar_models(inputs.sensors.radars)
    rng = inputs.range_m.copy()
    brg = np.radians(inputs.bearing_deg)
    for r in radars:
        sel = inputs.plot_sensor == r.index
        if sel.any() and r.polar_frame != "grid":
            xy, _ = r.to_cartesian(inputs.range_m[sel], inputs.bearing_deg[sel])
            rng[sel], brg[sel] = r.to_grid_polar(xy)
    return rng, brg


def run_stonesoup(
    inputs: ScenarioInputs,
    process_noise_psd: float = DEFAULT_PROCESS_NOISE_PSD,
    cpu_cap_s: float = 1800.0,
    sectors: int = 8,
) -> PeerRun:
    """Run the peer until the plots end or ``cpu_cap_s`` CPU seconds are spent (then ``finished`` False)."""
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
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, 10.0**2, 0.0, 10.0**2])),
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
    rng_m, grid_brg = _grid_polar(inputs)
    win = np.floor(t / window).astype(np.int64)
    order = np.lexsort((t, inputs.plot_sensor, win))
    w_o, s_o = win[order], inputs.plot_sensor[order]
    cuts = np.flatnonzero(np.r_[True, (w_o[1:] != w_o[:-1]) | (s_o[1:] != s_o[:-1]), True])
    steps = [order[a:b] for a, b in itertools.pairwise(cuts)]

    def detector() -> Iterator[tuple[object, set[Detection]]]:  # what MultiTargetTracker reads
        for idx in steps:
            dets = set()
            for i in idx:
                theta = np.pi / 2.0 - grid_brg[i]  # clockwise from grid north → Stone Soup's x-axis angle
                dets.add(
                    Detection(
                        np.array([[Bearing(theta)], [rng_m[i]]]),
                        timestamp=epoch + timedelta(seconds=float(t[i])),
                        measurement_model=models[int(inputs.plot_sensor[i])],
                    )
                )
            yield epoch + timedelta(seconds=float(t[idx[-1]])), dets

    tracker = MultiTargetTracker(
        initiator=initiator,
        deleter=deleter,
        detector=detector(),
        data_associator=GNNWith2DAssignment(hypothesiser),
        updater=updater,
    )
    ids: dict[int, int] = {}
    run = PeerRun()
    next_scan = 0
    cpu0 = time.process_time()

    def emit(until: float) -> None:  # estimates at the scan boundaries ≤ until
        nonlocal next_scan
        while next_scan * period <= until:
            ts = next_scan * period
            xy, tid = [], []
            for trk in tracker.tracks:
                st = trk.state
                dt = ts - (st.timestamp - epoch).total_seconds()
                sv = np.asarray(st.state_vector, dtype=float).ravel()
                xy.append([sv[0] + sv[1] * dt, sv[2] + sv[3] * dt])
                tid.append(ids.setdefault(id(trk), len(ids) + 1))
            run.estimates.append(EstimateScan(ts, np.array(tid, dtype=np.int64), np.array(xy).reshape(-1, 2)))
            run.cpu_at_scan.append(time.process_time() - cpu0)
            next_scan += 1

    step_iter = iter(tracker)
    for idx in steps:
        emit(float(t[idx[0]]) - 1e-9)
        if time.process_time() - cpu0 > cpu_cap_s:
            run.finished = False
            return run
        next(step_iter)
    emit(float(t[-1]) + period)
    return run
