"""A target's predicted motion: piecewise linear in UTM 31N metres, time in seconds from the decision.

Made from a ``Target``: one leg at constant velocity (SOG/COG plus drift), or the legs between the points
of a predicted track (e.g. a drift prediction's centre), continued at the last leg's velocity. A target
that reaches the coast stops there (``stopped_at``): it has landed, and waits on the beach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from watchkeeper.assets.model import Target
from watchkeeper.geo.frames import to_utm

FloatArray = npt.NDArray[np.float64]
KNOT_MS = 1852.0 / 3600.0


def velocity_ms(speed_kn: float, toward_deg: float) -> FloatArray:
    """(east, north) m/s of a speed in knots towards a direction in degrees true.

    UTM grid north differs from true north by the meridian convergence (under 1.5° in the strait):
    neglected, it moves a 6 h prediction at 5 kn by under 0.6 km sideways at the strait's far west.
    """
    rad = np.radians(toward_deg)
    return np.array([np.sin(rad), np.cos(rad)]) * speed_kn * KNOT_MS


@dataclass(frozen=True, slots=True)
class TargetMotion:
    """Legs ``k``: from time ``knot_t[k]`` (s) at ``knot_p[k]`` (m) with ``velocity[k]`` (m/s); the last leg
    runs for ever. ``knot_t[0] == 0`` (the decision time)."""

    knot_t: FloatArray
    knot_p: FloatArray
    velocity: FloatArray

    @property
    def legs(self) -> int:
        return len(self.knot_t)

    @property
    def start(self) -> FloatArray:
        out: FloatArray = self.knot_p[0]
        return out

    @property
    def max_speed_ms(self) -> float:
        return float(np.hypot(*self.velocity.T).max())

    def at(self, t: FloatArray | float) -> FloatArray:
        """Positions (n, 2) at times ``t`` (s, shape (n,)); a scalar gives shape (1, 2)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        k = np.clip(np.searchsorted(self.knot_t, t, side="right") - 1, 0, self.legs - 1)
        dt = np.where(np.isfinite(t), t - self.knot_t[k], 0.0)
        out: FloatArray = self.knot_p[k] + self.velocity[k] * dt[:, None]
        return out

    def stopped_at(self, t_stop: float) -> TargetMotion:
        """The same motion, standing still from ``t_stop`` (s) on."""
        if not np.isfinite(t_stop):
            return self
        keep = self.knot_t < t_stop
        stop_p = self.at(t_stop)
        return TargetMotion(
            np.append(self.knot_t[keep], t_stop),
            np.vstack([self.knot_p[keep], stop_p]),
            np.vstack([self.velocity[keep], np.zeros((1, 2))]),
        )

    @classmethod
    def constant(cls, p0: FloatArray, v: FloatArray) -> TargetMotion:
        return cls(np.zeros(1), np.asarray(p0, float).reshape(1, 2), np.asarray(v, float).reshape(1, 2))

    @classmethod
    def from_target(cls, target: Target, at: datetime | None = None) -> TargetMotion:
        """The target's motion as seen at the decision time ``at`` (default: the target's own time)."""
        at = at or target.time
        x, y = to_utm(target.lon, target.lat)
        p = np.array([float(x), float(y)])
        if not target.track:
            v = velocity_ms(target.sog_kn, target.cog_deg) + velocity_ms(target.drift_kn, target.drift_deg)
            return cls.constant(p + v * (at - target.time).total_seconds(), v)
        lons = np.array([target.lon] + [q.lon for q in target.track])
        lats = np.array([target.lat] + [q.lat for q in target.track])
        px, py = to_utm(lons, lats)
        pts = np.column_stack([px, py])
        times = np.array(
            [(target.time - at).total_seconds()] + [(q.time - at).total_seconds() for q in target.track]
        )
        vel = np.diff(pts, axis=0) / np.diff(times)[:, None]
        vel = np.vstack([vel, vel[-1:]])  # past the last point: the last leg's velocity
        legs = cls(times, pts, vel)  # knots may start before the decision time
        start = legs._at_unclipped(0.0)
        later = times > 0
        return cls(
            np.append(0.0, times[later]),
            np.vstack([start, pts[later]]),
            np.vstack([legs._vel_at(0.0), vel[later]]),
        )

    def _leg(self, t: float) -> int:
        return int(np.clip(np.searchsorted(self.knot_t, t, side="right") - 1, 0, self.legs - 1))

    def _at_unclipped(self, t: float) -> FloatArray:
        k = self._leg(t)
        out: FloatArray = self.knot_p[k] + self.velocity[k] * (t - self.knot_t[k])
        return out

    def _vel_at(self, t: float) -> FloatArray:
        out: FloatArray = self.velocity[self._leg(t)]
        return out
