"""Motion models: near-constant-velocity (CV) kinematics with white-acceleration process noise.

The tracker runs an IMM over CV models that differ only in their process-noise power spectral density
(``process_noise_psd``, m²/s³). Both share the state ``[x, y, vx, vy]`` so IMM mixing is exact.

- ``steady`` (q = 0.001): course and speed held — ships in the lanes, ferries between turns, and small
  boats that have stopped and drift with the stream (0.4–1.2 kn on a near-constant heading). Over a
  minute its velocity wanders by √(q·60 s) ≈ 0.25 m/s.
- ``manoeuvring`` (q = 0.3): a small boat under power, its course wandering about its heading (±5°
  at 3 m/s is a lateral velocity of 0.3 m/s with a ~5 s correlation time, q ≈ 2σ²τ ≈ 0.7 for the worst
  case), a ferry turning in the harbour approach, a vessel altering course.

A stopped or drifting small craft shows as a dark track whose ``steady`` probability rose after a spell in
``manoeuvring`` while its speed fell under about 1.5 kn (docs/design.md, "Tracker").
Mean sojourn times 1,000 s (steady) and 300 s (manoeuvring): ships hold their course for many minutes and
a boat under power stays under power for its crossing. PSDs and sojourn times were chosen on the shared
scenarios; halving or doubling any one of them moved GOSPA by under 3% there (docs/design.md, "Tracker").
A craft turning much harder — 35 kn through 90° in 15 s, 0.2 g — stays in track but may be re-initiated.
Reference: Bar-Shalom, Li, Kirubarajan, *Estimation with Applications to Tracking and Navigation*
(2001), §6.2.2 (discretised continuous white-noise acceleration) and §11.6 (IMM).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True, frozen=True)
class MotionModel:
    """One CV model: its name and its process-noise PSD (m²/s³) on each horizontal axis."""

    name: str
    process_noise_psd: float


@dataclass(slots=True, frozen=True)
class ImmModels:
    """The IMM's model set and the mean time (s) spent in each model before switching."""

    models: tuple[MotionModel, ...]
    mean_sojourn_s: tuple[float, ...]
    initial_probabilities: tuple[float, ...]

    @property
    def psd(self) -> FloatArray:
        return np.array([m.process_noise_psd for m in self.models], dtype=float)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.models)


DEFAULT_MODELS = ImmModels(
    models=(MotionModel("steady", 0.001), MotionModel("manoeuvring", 0.3)),
    mean_sojourn_s=(1000.0, 300.0),
    initial_probabilities=(0.5, 0.5),
)


def transition_matrices(dt: FloatArray) -> FloatArray:
    """CV transition matrices ``F(dt)``, shape (K, 4, 4), for K time steps ``dt`` (s, may be negative)."""
    k = dt.shape[0]
    f = np.zeros((k, 4, 4))
    f[:, 0, 0] = f[:, 1, 1] = f[:, 2, 2] = f[:, 3, 3] = 1.0
    f[:, 0, 2] = dt
    f[:, 1, 3] = dt
    return f


def process_noise(dt: FloatArray, psd: FloatArray) -> FloatArray:
    """Discretised white-acceleration noise ``Q(|dt|)``, shape (K, M, 4, 4), for K steps and M PSDs.

    Out-of-sequence steps (negative ``dt``, at most one batch window) use ``|dt|`` so Q stays positive.
    """
    a = np.abs(dt)[:, None]
    q = psd[None, :]
    q11 = q * a**3 / 3.0
    q12 = q * a**2 / 2.0
    q22 = q * a
    out = np.zeros((dt.shape[0], psd.shape[0], 4, 4))
    out[..., 0, 0] = out[..., 1, 1] = q11
    out[..., 0, 2] = out[..., 2, 0] = out[..., 1, 3] = out[..., 3, 1] = q12
    out[..., 2, 2] = out[..., 3, 3] = q22
    return out


def mode_transition(dt: FloatArray, sojourn_s: FloatArray) -> FloatArray:
    """IMM Markov matrices ``Π(dt)[i, j] = P(model j at t+dt | model i at t)``, shape (K, M, M).

    Staying probability ``exp(-|dt|/τ_i)``; the rest is shared evenly among the other models, so the
    switching rate does not depend on how finely the plots slice time.
    """
    m = sojourn_s.shape[0]
    stay = np.exp(-np.abs(dt)[:, None] / sojourn_s[None, :])
    off = (1.0 - stay) / max(m - 1, 1)
    pi = np.repeat(off[:, :, None], m, axis=2)
    idx = np.arange(m)
    pi[:, idx, idx] = stay
    return pi
