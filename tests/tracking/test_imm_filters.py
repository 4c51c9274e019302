"""The IMM Kalman filter against closed-form cases: a constant-velocity target with known noise keeps its
normalised estimation error squared (NEES) inside the chi-square bounds (Bar-Shalom et al. 2001, §5.4)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from watchkeeper.tracking.filters import combine, predict, update
from watchkeeper.tracking.models import (
    DEFAULT_MODELS,
    ImmModels,
    MotionModel,
    mode_transition,
    process_noise,
    transition_matrices,
)

RUNS = 100
STEPS = 80
DT = 2.5
SIGMA_M = 20.0


def _simulate(rng: np.random.Generator, q: float) -> tuple[np.ndarray, np.ndarray]:
    """RUNS CV trajectories (RUNS, STEPS, 4) with exact white-acceleration noise, and position plots."""
    f = transition_matrices(np.array([DT]))[0]
    chol = np.linalg.cholesky(process_noise(np.array([DT]), np.array([q]))[0, 0])
    x = np.zeros((RUNS, STEPS, 4))
    x[:, 0] = [0.0, 0.0, 5.0, -3.0]
    for k in range(1, STEPS):
        x[:, k] = x[:, k - 1] @ f.T + rng.standard_normal((RUNS, 4)) @ chol.T
    z = x[:, :, :2] + rng.normal(0.0, SIGMA_M, (RUNS, STEPS, 2))
    return x, z


def _run(models: ImmModels, truth: np.ndarray, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """NEES (RUNS, STEPS) of the combined IMM estimate, started consistently from P0."""
    m = len(models.models)
    p0 = np.diag([SIGMA_M**2, SIGMA_M**2, 4.0, 4.0])
    x0 = truth[:, 0] + rng.multivariate_normal(np.zeros(4), p0, RUNS)
    x = np.repeat(x0[:, None, :], m, axis=1)
    p = np.broadcast_to(p0, (RUNS, m, 4, 4)).copy()
    mu = np.tile(np.asarray(models.initial_probabilities), (RUNS, 1))
    r = np.broadcast_to(np.eye(2) * SIGMA_M**2, (RUNS, 2, 2)).copy()
    nees = np.zeros((RUNS, STEPS))
    for k in range(STEPS):
        if k:
            pred = predict(x, p, mu, np.full(RUNS, DT), models)
            x, p, mu = update(pred, z[:, k], r)
        xc, pc = combine(x, p, mu)
        e = truth[:, k] - xc
        nees[:, k] = np.einsum("ki,kij,kj->k", e, np.linalg.inv(pc), e)
    return nees


def test_cv_target_nees_inside_chi_square_bounds() -> None:
    rng = np.random.default_rng(7)
    q = 0.05
    truth, z = _simulate(rng, q)
    nees = _run(ImmModels((MotionModel("cv", q),), (1e9,), (1.0,)), truth, z, rng)
    anees = nees.mean(axis=0)  # average over runs, per time step: RUNS·ANEES ~ χ²(4·RUNS)
    lo, hi = chi2.ppf([0.005, 0.995], 4 * RUNS) / RUNS
    inside = (anees >= lo) & (anees <= hi)
    assert inside.mean() >= 0.95, (lo, hi, anees.round(2))
    assert 3.8 < nees.mean() < 4.2  # the time-averaged NEES of a consistent filter is the state dimension


def test_wrong_noise_is_detected_by_the_same_bounds() -> None:
    """The check can fail: a filter that believes the target is 100× quieter than it is is inconsistent."""
    rng = np.random.default_rng(7)
    truth, z = _simulate(rng, 0.05)
    nees = _run(ImmModels((MotionModel("cv", 0.0005),), (1e9,), (1.0,)), truth, z, rng)
    hi = chi2.ppf(0.995, 4 * RUNS) / RUNS
    assert nees[:, 20:].mean(axis=0).min() > hi


def test_default_imm_is_consistent_on_a_steady_target() -> None:
    """The product's two-model IMM on a target matching its steady model: NEES near 4, never far above."""
    rng = np.random.default_rng(11)
    truth, z = _simulate(rng, DEFAULT_MODELS.models[0].process_noise_psd)
    nees = _run(DEFAULT_MODELS, truth, z, rng)
    anees = nees[:, 10:].mean(axis=0)
    hi = chi2.ppf(0.995, 4 * RUNS) / RUNS
    assert anees.mean() < 4.4
    assert (anees < 1.5 * hi).all()


def test_imm_favours_the_model_that_fits() -> None:
    """A wandering target drives the manoeuvring mode up; a steady one keeps the steady mode on top."""
    rng = np.random.default_rng(3)
    for q, favoured in ((0.001, 0), (1.0, 1)):
        truth, z = _simulate(rng, q)
        m = len(DEFAULT_MODELS.models)
        x = np.repeat(truth[:, 0][:, None, :], m, axis=1)
        p = np.broadcast_to(np.diag([400.0, 400.0, 4.0, 4.0]), (RUNS, m, 4, 4)).copy()
        mu = np.full((RUNS, m), 0.5)
        r = np.broadcast_to(np.eye(2) * SIGMA_M**2, (RUNS, 2, 2)).copy()
        probs = []
        for k in range(1, STEPS):
            x, p, mu = update(predict(x, p, mu, np.full(RUNS, DT), DEFAULT_MODELS), z[:, k], r)
            probs.append(mu[:, favoured].mean())
        assert np.mean(probs[20:]) > 0.6, (q, np.mean(probs[20:]))


@pytest.mark.parametrize("dt", [0.1, 2.5, 30.0, -0.2])
def test_model_matrices(dt: float) -> None:
    f = transition_matrices(np.array([dt]))[0]
    assert np.allclose(f @ np.array([1.0, 2.0, 3.0, 4.0]), [1 + 3 * dt, 2 + 4 * dt, 3, 4])
    q = process_noise(np.array([dt]), np.array([0.3]))[0, 0]
    assert np.allclose(q, q.T) and np.all(np.linalg.eigvalsh(q) >= -1e-12)
    pi = mode_transition(np.array([dt]), np.array([300.0, 120.0]))[0]
    assert np.allclose(pi.sum(axis=1), 1.0) and np.all(pi >= 0)
    assert np.isclose(pi[0, 0], np.exp(-abs(dt) / 300.0))
