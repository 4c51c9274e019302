"""``cpa``: collision risk between a small craft and a ship (closest point of approach).

Both hold course and speed (the small craft's from its straight-line fit, the ship's from the tracker,
AIS-fused): with r the ship's position relative to the small craft and w the relative velocity,
TCPA = −(r·w)/|w|² and CPA = |r + w·TCPA|. An alert when CPA ≤ ``max_cpa_nm`` and
0 ≤ TCPA ≤ ``max_tcpa_min`` (e.g. 0.5 nm within 20 minutes) for two scans running; it holds while
CPA ≤ ``clear_cpa_nm`` and the closest point is not yet passed. A ship is a track bound to an MMSI at
``ship_min_speed_kn`` or more (a small craft alongside a moored ship is not a collision risk).
"""

from __future__ import annotations

import numpy as np

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.rules.base import describe, line_utm, markings, rounded, where
from watchkeeper.alerts.scan import KNOT_MPS
from watchkeeper.alerts.types import Finding, RuleName, Severity

NM = 1852.0
MAX_CPA = declare(
    "cpa.max_cpa_nm", 0.5, "nm", 0.05, 5.0,
    "Closest point of approach at or under which the pair is at risk of collision.",
)  # fmt: skip
MAX_TCPA = declare(
    "cpa.max_tcpa_min", 20.0, "min", 1.0, 120.0,
    "Only risks this soon count (time to the closest point of approach).",
)  # fmt: skip
CLEAR_CPA = declare(
    "cpa.clear_cpa_nm", 0.75, "nm", 0.05, 10.0,
    "An active alert clears when the predicted CPA opens beyond this, or the closest point is passed.",
)  # fmt: skip
SHIP_MIN_SPEED = declare(
    "cpa.ship_min_speed_kn", 3.0, "kn", 0.0, 30.0,
    "An AIS track counts as a ship under way at this speed or more.",
)  # fmt: skip
MIN_AGE = declare(
    "cpa.min_track_age_s", 30.0, "s", 0.0, 600.0,
    "The small craft's track must have been held this long (its velocity is a fit over its history).",
)  # fmt: skip
CONFIRM_SCANS = 2
CHUNK = 256


def cpa_tcpa(rx: float, ry: float, wx: float, wy: float) -> tuple[float, float]:
    """CPA (m) and TCPA (s) for relative position r (m) and relative velocity w (m/s)."""
    w2 = wx * wx + wy * wy
    if w2 < 1e-9:
        return float(np.hypot(rx, ry)), 0.0
    tcpa = -(rx * wx + ry * wy) / w2
    return float(np.hypot(rx + wx * tcpa, ry + wy * tcpa)), float(tcpa)


class CpaRule:
    names: tuple[RuleName, ...] = (RuleName.CPA,)

    def __init__(self) -> None:
        self._streak: dict[tuple[int, int], int] = {}
        self._raised: dict[tuple[int, int], bool] = {}  # pair → raised as critical

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        max_cpa, max_tcpa = s.number(MAX_CPA.key) * NM, s.number(MAX_TCPA.key) * 60.0
        clear_cpa, ship_speed = s.number(CLEAR_CPA.key) * NM, s.number(SHIP_MIN_SPEED.key)
        small = [v for v in ctx.small_craft(s.number(MIN_AGE.key)) if v.fit is not None]
        ships = [v for v in ctx.tracks if v.history.mmsi_seen > 0 and v.sog_kn >= ship_speed]
        out: list[Finding] = []
        if not small or not ships:
            self._streak.clear()
            return out
        sx = np.array([v.x for v in ships])
        sy = np.array([v.y for v in ships])
        svx = np.array([v.sog_kn * KNOT_MPS * np.sin(np.radians(v.cog_deg)) for v in ships])
        svy = np.array([v.sog_kn * KNOT_MPS * np.cos(np.radians(v.cog_deg)) for v in ships])
        streaks: dict[tuple[int, int], int] = {}
        for start in range(0, len(small), CHUNK):  # all pairs at once, a block of small craft at a time
            block = small[start : start + CHUNK]
            bx = np.array([v.x for v in block])[:, None]
            by = np.array([v.y for v in block])[:, None]
            bvx = np.array([v.fit.vx for v in block if v.fit is not None])[:, None]
            bvy = np.array([v.fit.vy for v in block if v.fit is not None])[:, None]
            rx, ry = sx[None, :] - bx, sy[None, :] - by
            wx, wy = svx[None, :] - bvx, svy[None, :] - bvy
            w2 = wx * wx + wy * wy
            moving = w2 > 1e-9
            tcpa = np.where(moving, -(rx * wx + ry * wy) / np.where(moving, w2, 1.0), 0.0)
            cpa = np.hypot(rx + wx * tcpa, ry + wy * tcpa)
            at_risk = (cpa <= max_cpa) & (tcpa >= 0.0) & (tcpa <= max_tcpa)
            holding = (cpa <= clear_cpa) & (tcpa >= -5.0)
            for i, j in np.argwhere(at_risk | holding).tolist():
                b, ship = block[i], ships[j]
                key = (b.track_id, ship.track_id)
                risk = bool(at_risk[i, j])
                streak = self._streak.get(key, 0) + 1 if risk else 0
                streaks[key] = streak
                c, tc = float(cpa[i, j]), float(tcpa[i, j])
                critical = c <= max_cpa / 2 and tc <= 300.0
                raise_ = risk and streak >= CONFIRM_SCANS
                if raise_ and key in self._raised and (self._raised[key] or not critical):
                    raise_ = False  # already raised at this severity: holding is enough
                if raise_:
                    self._raised[key] = critical
                out.append(self._finding(ctx, b, ship, c, tc, raise_, bool(holding[i, j])))
        self._streak = streaks
        self._raised = {k: v for k, v in self._raised.items() if k in streaks}
        return out

    def _finding(
        self,
        ctx: ScanContext,
        b: TrackView,
        ship: TrackView,
        cpa: float,
        tcpa: float,
        raise_: bool,
        hold: bool,
    ) -> Finding:
        s = ctx.settings
        critical = cpa <= s.number(MAX_CPA.key) * NM / 2 and tcpa <= 300.0
        key = f"pair:{b.track_id}:{ship.track_id}"
        if not raise_:  # holding: the engine keeps the alert and its latest numbers, nothing more
            return Finding(
                RuleName.CPA, key, False, hold, Severity.CRITICAL if critical else Severity.HIGH, b.track_id,
                b.lat, b.lon, "", {"cpa_nm": round(cpa / NM, 2), "tcpa_min": round(tcpa / 60.0, 2)},
                mmsi=ship.history.mmsi_seen, track_ids=(b.track_id, ship.track_id),
            )  # fmt: skip
        range_m = float(np.hypot(ship.x - b.x, ship.y - b.y))
        name = f"MMSI {ship.history.mmsi_seen}"
        values = rounded(
            {
                "cpa_nm": cpa / NM,
                "tcpa_min": tcpa / 60.0,
                "range_nm": range_m / NM,
                "small_craft_speed_kn": b.speed_kn,
                "small_craft_course_deg": b.course_deg,
                "ship_mmsi": ship.history.mmsi_seen,
                "ship_track_id": ship.track_id,
                "ship_speed_kn": ship.sog_kn,
                "ship_course_deg": ship.cog_deg,
            },
            2,
        )
        explanation = (
            f"cpa: {describe(b)} at {where(b.lat, b.lon)} and ship track {ship.track_id} ({name}) "
            f"{range_m / NM:.2f} nm apart will pass {cpa / NM:.2f} nm from each other in {tcpa / 60:.1f} min "
            f"(thresholds {s.number(MAX_CPA.key):.2f} nm within {s.number(MAX_TCPA.key):.0f} min); small "
            "craft "
            f"{b.speed_kn:.1f} kn on {b.course_deg:03.0f}°, ship {ship.sog_kn:.1f} kn on "
            f"{ship.cog_deg:03.0f}°"
        )
        return Finding(
            rule=RuleName.CPA,
            key=key,
            raise_=raise_,
            hold=hold,
            severity=Severity.CRITICAL if critical else Severity.HIGH,
            track_id=b.track_id,
            lat=b.lat,
            lon=b.lon,
            explanation=explanation,
            values=values,
            geometry=line_utm([b.x, ship.x], [b.y, ship.y]),
            mmsi=ship.history.mmsi_seen,
            track_ids=(b.track_id, ship.track_id),
            marking=markings(b, ship),
        )
