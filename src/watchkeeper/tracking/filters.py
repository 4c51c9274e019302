"""Vectorised IMM Kalman filter over CV models (linear measurements of position, or position+velocity).

Arrays: ``x`` (K, M, 4) mode-conditioned states, ``p`` (K, M, 4, 4) their covariances, ``mu`` (K, M) mode
probabilities, for K tracks (or K candidate track–measurement pairs) and M models. Radar plots enter as
converted Cartesian measurements (measurement.py), AIS as position (+ velocity), so the update is the
linear Kalman update; the radar nonlinearity lives in the converted covariance.
Reference: Bar-Shalom et al. (2001) §11.6.6 (IMM cycle: mixing, mode-matched filtering, probability
update, combination).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from watchkeeper.tracking.models import (
    FloatArray,
    ImmModels,
    mode_transition,
    process_noise,
    transition_matrices,
)

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(slots=True)
class ImmPrediction:
    """Mode-matched predictions at the measurement times, and the IMM's predicted mixture."""

    x: FloatArray  # (K, M, 4)
    p: FloatArray  # (K, M, 4, 4)
    c: FloatArray  # (K, M) predicted mode probabilities
    x_comb: FloatArray  # (K, 4)
    p_comb: FloatArray  # (K, 4, 4)


def combine(x: FloatArray, p: FloatArray, mu: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Moment-matched Gaussian of the mode mixture: (K, 4) and (K, 4, 4)."""
    xc = np.einsum("km,kmi->ki", mu, x)
    d = x - xc[:, None, :]
    pc = np.einsum("km,kmij->kij", mu, p + d[..., :, None] * d[..., None, :])
    return xc, pc


def predict(x: FloatArray, p: FloatArray, mu: FloatArray, dt: FloatArray, models: ImmModels) -> ImmPrediction:
    """IMM mixing and mode-matched CV prediction over ``dt`` seconds (per row)."""
    pi = mode_transition(dt, np.asarray(models.mean_sojourn_s, dtype=float))  # (K, M, M)
    c = np.einsum("ki,kij->kj", mu, pi)
    c = np.maximum(c, 1e-12)
    w = mu[:, :, None] * pi / c[:, None, :]  # w[k, i, j] = P(i at t | j at t+dt)
    x0 = np.einsum("kij,kia->kja", w, x)
    d = x[:, :, None, :] - x0[:, None, :, :]  # (K, i, j, 4)
    p0 = np.einsum("kij,kiab->kjab", w, p) + np.einsum("kij,kija,kijb->kjab", w, d, d)
    f = transition_matrices(dt)
    xp = np.einsum("kab,kmb->kma", f, x0)
    pp = np.einsum("kab,kmbc,kdc->kmad", f, p0, f) + process_noise(dt, models.psd)
    xc, pc = combine(xp, pp, c)
    return ImmPrediction(xp, pp, c, xc, pc)


def innovation(
    pred_x: FloatArray, pred_p: FloatArray, z: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Innovation and its covariance for a measurement of the first ``d`` state components.

    ``pred_x`` (K, 4), ``pred_p`` (K, 4, 4), ``z`` (K, d), ``r`` (K, d, d) → ν (K, d), S (K, d, d).
    """
    d = z.shape[1]
    return z - pred_x[:, :d], pred_p[:, :d, :d] + r


def mahalanobis2(nu: FloatArray, s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Squared Mahalanobis distance and log-determinant of S, for 2-D innovations (closed form)."""
    a, b, c = s[:, 0, 0], s[:, 0, 1], s[:, 1, 1]
    det = np.maximum(a * c - b * b, 1e-12)
    d2 = (c * nu[:, 0] ** 2 - 2.0 * b * nu[:, 0] * nu[:, 1] + a * nu[:, 1] ** 2) / det
    return d2, np.log(det)


def update(pred: ImmPrediction, z: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """IMM update with linear measurements of the first ``d`` state components.

    Returns the updated mode states (K, M, 4), covariances (K, M, 4, 4) and mode probabilities (K, M).
    """
    k, m = pred.c.shape
    d = z.shape[1]
    hx = pred.x[:, :, :d]
    s = pred.p[:, :, :d, :d] + r[:, None, :, :]  # (K, M, d, d)
    s_inv = np.linalg.inv(s)
    gain = np.einsum("kmad,kmde->kmae", pred.p[:, :, :, :d], s_inv)  # (K, M, 4, d)
    nu = z[:, None, :] - hx
    x_new = pred.x + np.einsum("kmad,kmd->kma", gain, nu)
    ikh = np.broadcast_to(np.eye(4), (k, m, 4, 4)).copy()
    ikh[:, :, :, :d] -= gain
    # Joseph form keeps P symmetric positive definite in float64 over long tracks.
    p_new = np.einsum("kmab,kmbc,kmdc->kmad", ikh, pred.p, ikh) + np.einsum(
        "kmad,kmde,kmfe->kmaf", gain, r[:, None].repeat(m, axis=1), gain
    )
    d2 = np.einsum("kmd,kmde,kme->km", nu, s_inv, nu)
    _sign, logdet = np.linalg.slogdet(s)
    loglik = -0.5 * (d2 + logdet + d * LOG_2PI)
    loglik -= loglik.max(axis=1, keepdims=True)
    mu = pred.c * np.exp(loglik)
    mu /= mu.sum(axis=1, keepdims=True)
    mu = np.maximum(mu, 1e-6)
    mu /= mu.sum(axis=1, keepdims=True)
    return x_new, p_new, mu
