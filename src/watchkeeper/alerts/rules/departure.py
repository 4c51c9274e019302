"""``departure``: a dark small craft leaving the French coast seaward.

A small-craft track (dark, never bound to an MMSI, small-craft speed) that has been within
``origin_band_m`` of the French shore and whose distance from that shore has grown by at least
``min_seaward_m`` over the last ``window_s`` while making at least ``min_speed_kn``. One alert per track:
a departure is an event, it holds as long as the track lives. The explanation names the nearest
embarkation commune (packaged places layer; town centres, 0.2–2 km from the beaches).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.rules.base import describe, line_utm, markings, rounded, where
from watchkeeper.alerts.types import Finding, RuleName, Severity

ORIGIN_BAND = declare(
    "departure.origin_band_m", 3000.0, "m", 200.0, 20000.0,
    "A track counts as coming from the French coast when it has been within this distance of its shore.",
)  # fmt: skip
MIN_AGE = declare(
    "departure.min_track_age_s", 30.0, "s", 0.0, 600.0,
    "A track must have been held this long before it can raise (tracks born of clutter rarely last 30 s).",
)  # fmt: skip
WINDOW = declare(
    "departure.window_s", 60.0, "s", 10.0, 900.0,
    "Seaward motion is measured over this window.",
)  # fmt: skip
MIN_SEAWARD = declare(
    "departure.min_seaward_m", 100.0, "m", 10.0, 5000.0,
    "The distance from the French shore must have grown by at least this much over the window.",
)  # fmt: skip
MIN_SPEED = declare(
    "departure.min_speed_kn", 2.0, "kn", 0.2, 20.0,
    "And the track must make at least this speed (straight-line fit) — a boat under way, not drifting.",
)  # fmt: skip


class DepartureRule:
    names: tuple[RuleName, ...] = (RuleName.DEPARTURE,)

    def __init__(self) -> None:
        self._closest: dict[int, float] = {}  # track id → closest approach to the French shore so far (m)
        self._raised: set[int] = set()

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        band, min_age = s.number(ORIGIN_BAND.key), s.number(MIN_AGE.key)
        window, gain_min, speed_min = s.number(WINDOW.key), s.number(MIN_SEAWARD.key), s.number(MIN_SPEED.key)
        for ended in ctx.ended:
            self._closest.pop(ended.track_id, None)
            self._raised.discard(ended.track_id)
        out: list[Finding] = []
        candidates = [v for v in ctx.tracks if v.small_craft]
        for v in candidates:
            closest = min(self._closest.get(v.track_id, v.fr_coast_m), v.fr_coast_m)
            self._closest[v.track_id] = closest
        for v in candidates:
            if v.track_id in self._raised:
                out.append(self._finding(v, False, {}, None))
                continue
            if self._closest[v.track_id] > band or v.age_s() < min_age or v.on_land:
                continue
            t, xs, ys = v.history.window(window)
            if t.size < 3 or t[-1] - t[0] < 0.8 * window:
                continue
            start_m = float(ctx.geometry.fr_coast_m(xs[:1], ys[:1])[0])
            gain = v.fr_coast_m - start_m
            if gain < gain_min or v.speed_kn < speed_min:
                continue
            names, dists = ctx.geometry.nearest_embarkation(np.array([v.lon]), np.array([v.lat]))
            values = rounded(
                {
                    "fr_shore_m": v.fr_coast_m,
                    "closest_fr_shore_m": self._closest[v.track_id],
                    "seaward_gain_m": gain,
                    "window_s": float(t[-1] - t[0]),
                    "speed_kn": v.speed_kn,
                    "course_deg": v.course_deg,
                    "nearest_embarkation": str(names[0]),
                    "nearest_embarkation_m": float(dists[0]),
                }
            )
            explanation = (
                f"departure: {describe(v)} is leaving the French coast seaward at {where(v.lat, v.lon)}: "
                f"{v.fr_coast_m:.0f} m off the shore, {gain:.0f} m further out than {t[-1] - t[0]:.0f} s ago "
                f"(threshold {gain_min:.0f} m), making {v.speed_kn:.1f} kn on {v.course_deg:03.0f}°; "
                f"nearest embarkation commune {names[0]} ({float(dists[0]) / 1000:.1f} km)"
            )
            self._raised.add(v.track_id)
            out.append(self._finding(v, True, values, explanation, line_utm(xs, ys)))
        return out

    @staticmethod
    def _finding(
        v: TrackView,
        raise_: bool,
        values: dict[str, Any],
        explanation: str | None,
        geometry: dict[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            rule=RuleName.DEPARTURE,
            key=f"track:{v.track_id}",
            raise_=raise_,
            hold=True,
            severity=Severity.HIGH,
            track_id=v.track_id,
            lat=v.lat,
            lon=v.lon,
            explanation=explanation or "",
            values=dict(values),
            geometry=geometry,
            track_ids=(v.track_id,),
            marking=markings(v),
        )
