"""Drone and observer detections of boats as position measurements for the tracker.

A CoT event for a boat (``ObservationKind.BOAT``: a drone's detection, a TAK client's mark, an observer's
report of a boat at sea) carries a WGS84 position and a circular error ``ce`` (metres; CoT 2.0 defines it
as the circular 1-sigma about the point). It becomes a position-only measurement in UTM 31N with the
covariance ``ce² I`` (``ce`` read as the 1-sigma per axis: the conservative reading, no narrower than
``min_sigma_m``) and is fused like a radar plot or an AIS position: gated against the confirmed tracks
predicted to its own time (χ², 99.9%), assigned by GNN (one detection per track per batch), and applied
as an IMM Kalman update.

Three choices (docs/design.md, "Field detections in the tracker and the incidents"):

* **No ``ce``, no measurement.** A detection without an error figure (CoT 9999999, an observer report
  with no accuracy) or vaguer than ``max_ce_m`` cannot be weighed against a radar plot: it reaches the
  incidents, never the track states.
* **Update only, never initiate.** A drone reports a boat once in a while, not once a revolution; a
  track born of one detection could not earn its M-of-N confirmation and would be deleted on its first
  misses. A detection with no track in its gate opens an incident instead (``incidents.field``).
* **Confirmed tracks only.** A tentative track is still being judged against clutter by the radar; a
  detection from another sensor should not vouch for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from watchkeeper.core.types import FieldObservation, ObservationKind
from watchkeeper.geo.frames import to_utm
from watchkeeper.tracking.models import FloatArray

MEASURED_KINDS = frozenset({ObservationKind.BOAT})


@dataclass(slots=True, frozen=True)
class FieldConfig:
    max_ce_m: float = 500.0  # a detection vaguer than this does not move a track
    min_sigma_m: float = 5.0  # no detection is trusted more than an AIS position


@dataclass(slots=True)
class FieldBatch:
    """Detections as arrays in UTM 31N: times (s since epoch), positions (n, 2), covariances (n, 2, 2)."""

    time: FloatArray
    xy: FloatArray
    cov: FloatArray

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def subset(self, idx: np.ndarray) -> FieldBatch:
        return FieldBatch(self.time[idx], self.xy[idx], self.cov[idx])


def is_measurement(obs: FieldObservation, config: FieldConfig | None = None) -> bool:
    """A boat detection with a usable circular error (see the module docstring)."""
    cfg = config or FieldConfig()
    ce = obs.ce_m
    return (
        obs.kind in MEASURED_KINDS
        and ce is not None
        and np.isfinite(ce)
        and 0.0 < ce <= cfg.max_ce_m
        and np.isfinite(obs.lat)
        and np.isfinite(obs.lon)
    )


def field_arrays(
    observations: Sequence[FieldObservation], epoch: datetime, config: FieldConfig | None = None
) -> FieldBatch:
    """The measurement detections of ``observations`` as arrays (the others are left out)."""
    cfg = config or FieldConfig()
    obs = [o for o in observations if is_measurement(o, cfg)]
    n = len(obs)
    if n == 0:
        return FieldBatch(np.zeros(0), np.zeros((0, 2)), np.zeros((0, 2, 2)))
    lon = np.array([o.lon for o in obs], dtype=float)
    lat = np.array([o.lat for o in obs], dtype=float)
    x, y = to_utm(lon, lat)
    t = np.array([(o.event_time - epoch).total_seconds() for o in obs], dtype=float)
    sigma = np.maximum(np.array([o.ce_m for o in obs], dtype=float), cfg.min_sigma_m)
    cov = (sigma**2)[:, None, None] * np.eye(2)[None, :, :]
    return FieldBatch(t, np.column_stack([x, y]), cov)
