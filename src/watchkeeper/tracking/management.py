"""Track table (struct of arrays) and track management: M-of-N confirmation, deletion on misses and age.

A track gets one *opportunity* per radar revolution in which it lay inside that radar's coverage for
the whole revolution; it is a *hit* when that radar updated it during the revolution. Opportunities are
counted per radar, so a boat in the overlap of both radars earns two per 2.5 s.

- Confirmation: a tentative track is confirmed once it has ``confirm_hits`` (M) hits within its first
  ``confirm_window`` (N) opportunities, the initiating plot counting as one, **and** its track score —
  the log-likelihood ratio of "target" against "clutter" (Blackman & Popoli 1999, §6.2: each assigned plot
  adds ``ln(Pd·N(ν; 0, S)/λ)``, each missed opportunity ``ln(1 − Pd)``) — has reached ``confirm_score``.
  M-of-N alone counts any plot inside the gate as a hit; the score also weighs where in the gate the plots
  fell, so three clutter plots that happen to line up loosely stay tentative while a boat whose plots
  fall near the predictions confirms as fast as M allows. Measured on the shared scenarios: false tracks
  0.55 → 0.00 per scan on the busy one, with no slower confirmation (docs/design.md, "Tracker").
- Deletion: a tentative track after ``tentative_max_consecutive_misses`` missed opportunities in a row or
  ``confirm_window`` opportunities without confirmation; a confirmed track after
  ``max_consecutive_misses`` in a row, or ``max_coast_s`` seconds without any update (radar or AIS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from watchkeeper.tracking.filters import combine
from watchkeeper.tracking.models import FloatArray

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(slots=True, frozen=True)
class ManagementConfig:
    confirm_hits: int = 3
    confirm_window: int = 5
    confirm_score: float = 8.0  # nats: e^8 ≈ 3000 to 1 for "target" over "clutter"
    tentative_max_consecutive_misses: int = 3
    max_consecutive_misses: int = 10
    max_coast_s: float = 30.0
    # prior on the velocity of a new radar track, per axis: a 35 kn RIB is 1.8 σ, a 21 kn ferry 1.1 σ
    initial_speed_sigma_mps: float = 10.0
    detection_probability: float = 0.85  # Pd in the association costs and the score's miss term


def _empty(shape: tuple[int, ...], dtype: type = float, fill: float = 0.0) -> npt.NDArray[np.generic]:
    return np.full(shape, fill, dtype=dtype)


@dataclass(slots=True)
class TrackTable:
    """All live tracks as parallel arrays; row order carries no meaning."""

    n_models: int
    n_sensors: int
    uid: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    x: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 4)))
    p: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 4, 4)))
    mu: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    xc: FloatArray = field(default_factory=lambda: np.zeros((0, 4)))
    pc: FloatArray = field(default_factory=lambda: np.zeros((0, 4, 4)))
    t: FloatArray = field(default_factory=lambda: np.zeros(0))
    created: FloatArray = field(default_factory=lambda: np.zeros(0))
    last_update: FloatArray = field(default_factory=lambda: np.zeros(0))
    last_hit: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (n, sensors) radar updates
    hits: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # M-of-N hits
    opportunities: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    misses_in_row: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    confirmed: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    mmsi: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # 0 = no AIS identity
    last_ais: FloatArray = field(default_factory=lambda: np.zeros(0))
    score: FloatArray = field(default_factory=lambda: np.zeros(0))  # track log-likelihood ratio, nats
    plot_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # radar plots
    ais_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    field_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # drones, observers
    next_uid: int = 1

    def __post_init__(self) -> None:
        m, s = self.n_models, self.n_sensors
        self.x = np.zeros((0, m, 4))
        self.p = np.zeros((0, m, 4, 4))
        self.mu = np.zeros((0, m))
        self.last_hit = np.zeros((0, s))

    def __len__(self) -> int:
        return int(self.uid.shape[0])

    _ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "uid", "x", "p", "mu", "xc", "pc", "t", "created", "last_update", "last_hit",
        "hits", "opportunities", "misses_in_row", "confirmed", "mmsi", "last_ais", "score",
        "plot_updates", "ais_updates", "field_updates",
    )  # fmt: skip

    def append(
        self,
        x: FloatArray,
        p: FloatArray,
        mu: FloatArray,
        t: FloatArray,
        confirmed: BoolArray,
        mmsi: IntArray,
        radar_sensor: int | None,
    ) -> None:
        """Add ``k`` tracks with mode states x (k, M, 4), p (k, M, 4, 4), mu (k, M) at times t.

        A radar-initiated track (``radar_sensor`` given) counts its first plot; an AIS-initiated one
        (``mmsi`` > 0) its first report.
        """
        k = t.shape[0]
        if k == 0:
            return
        xc, pc = combine(x, p, mu)
        last_hit = _empty((k, self.n_sensors), fill=-np.inf)
        if radar_sensor is not None:
            last_hit[:, radar_sensor] = t
        one = np.ones(k, dtype=np.int64)
        new = {
            "uid": np.arange(self.next_uid, self.next_uid + k, dtype=np.int64),
            "x": x,
            "p": p,
            "mu": mu,
            "xc": xc,
            "pc": pc,
            "t": t,
            "created": t,
            "last_update": t,
            "last_hit": last_hit,
            "hits": one,
            "opportunities": one,
            "misses_in_row": np.zeros(k, dtype=np.int64),
            "confirmed": confirmed,
            "mmsi": mmsi,
            "last_ais": np.where(mmsi > 0, t, -np.inf),
            "score": np.zeros(k),
            "plot_updates": one if radar_sensor is not None else np.zeros(k, dtype=np.int64),
            "ais_updates": (mmsi > 0).astype(np.int64),
            "field_updates": np.zeros(k, dtype=np.int64),
        }
        self.next_uid += k
        for name in self._ROW_FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))

    def keep(self, mask: BoolArray) -> None:
        for name in self._ROW_FIELDS:
            setattr(self, name, getattr(self, name)[mask])

    def set_state(self, rows: IntArray, x: FloatArray, p: FloatArray, mu: FloatArray, t: FloatArray) -> None:
        self.x[rows], self.p[rows], self.mu[rows], self.t[rows] = x, p, mu, t
        self.xc[rows], self.pc[rows] = combine(x, p, mu)
        self.last_update[rows] = np.maximum(self.last_update[rows], t)

    def predicted_position(self, time: float) -> tuple[FloatArray, FloatArray]:
        """Combined position (n, 2) and a position covariance (n, 2, 2) at ``time`` (no process noise)."""
        dt = time - self.t
        pos = self.xc[:, :2] + self.xc[:, 2:] * dt[:, None]
        pc = self.pc
        d = dt[:, None, None]
        cov = pc[:, :2, :2] + d * (pc[:, :2, 2:] + pc[:, 2:, :2]) + d * d * pc[:, 2:, 2:]
        return pos, cov


def end_of_revolution(
    table: TrackTable,
    sensor: int,
    rev_start: float,
    rev_end: float,
    in_coverage: BoolArray,
    config: ManagementConfig,
) -> None:
    """Score one radar revolution [rev_start, rev_end) for every track, then confirm and delete."""
    if len(table) == 0:
        return
    hit = table.last_hit[:, sensor] >= rev_start - 0.05 * (rev_end - rev_start)
    # a track made during this revolution (by another radar's plot, or by this radar's earlier in the
    # sweep) earns the opportunity only if this radar then hit it: its miss cannot be judged yet
    new_hit = hit & (table.last_hit[:, sensor] > table.created)
    eligible = in_coverage & ((table.created < rev_start) | new_hit)
    table.opportunities += eligible
    table.hits += eligible & hit
    miss = eligible & ~hit
    table.misses_in_row = np.where(eligible & hit, 0, table.misses_in_row + miss)
    table.score += np.where(miss, np.log1p(-config.detection_probability), 0.0)
    newly = ~table.confirmed & (table.hits >= config.confirm_hits) & (table.score >= config.confirm_score)
    table.confirmed |= newly
    tentative = ~table.confirmed
    drop = tentative & (
        (table.opportunities >= config.confirm_window)
        | (table.misses_in_row >= config.tentative_max_consecutive_misses)
    )
    drop |= table.confirmed & (table.misses_in_row >= config.max_consecutive_misses)
    drop |= (rev_end - table.last_update) > config.max_coast_s
    if drop.any():
        table.keep(~drop)
