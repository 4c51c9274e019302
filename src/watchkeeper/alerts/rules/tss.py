"""``tss_crossing``: a track crossing a traffic lane of a traffic separation scheme.

Inside a lane's area (``geometry.Lane``), a track whose course (straight-line fit) differs from the lane's
axis by at least ``min_angle_deg`` either way — it goes across the flow, not along it — at
``min_speed_kn`` or more, for ``sustain_s``. COLREG rule 10(c) asks a vessel that must cross a lane to do
so on a heading as nearly as practicable at right angles to the flow: that is exactly what this finds,
and why it matters: a dinghy crossing the busiest lane in the world at 5 kn, unseen by ships' radars in
a sea. One alert per track and lane; it holds while the track stays in the lane.
"""

from __future__ import annotations

import numpy as np

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.geometry import Lane
from watchkeeper.alerts.rules.base import describe, line_utm, markings, rounded, where
from watchkeeper.alerts.types import Finding, RuleName, Severity

MIN_ANGLE = declare(
    "tss_crossing.min_angle_deg", 45.0, "deg", 10.0, 90.0,
    "The course must differ from the lane's axis by at least this much (either way) to count as crossing.",
)  # fmt: skip
MIN_SPEED = declare(
    "tss_crossing.min_speed_kn", 1.0, "kn", 0.1, 30.0,
    "Slower tracks are drifting, not crossing (the distress rule looks after them).",
)  # fmt: skip
SUSTAIN = declare(
    "tss_crossing.sustain_s", 20.0, "s", 0.0, 600.0,
    "The crossing must last this long inside the lane before the alert.",
)  # fmt: skip
SMALL_ONLY = declare(
    "tss_crossing.small_craft_only", True, "", None, None,
    "Only small craft raise lane-crossing alerts (ferries cross the lanes by design, under VTS watch).",
)  # fmt: skip


def crossing_angle(course_deg: float, axis_deg: float) -> float:
    """Angle between a course and a lane's axis, folded to 0–90° (0 along the flow either way)."""
    d = abs((course_deg - axis_deg + 180.0) % 360.0 - 180.0)
    return float(min(d, 180.0 - d))


class TssCrossingRule:
    names: tuple[RuleName, ...] = (RuleName.TSS_CROSSING,)

    def __init__(self) -> None:
        self._since: dict[tuple[int, int], float] = {}
        self._raised: set[tuple[int, int]] = set()
        self._entry: dict[tuple[int, int], tuple[float, float]] = {}

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        angle_min, speed_min = s.number(MIN_ANGLE.key), s.number(MIN_SPEED.key)
        sustain, small_only = s.number(SUSTAIN.key), s.flag(SMALL_ONLY.key)
        present: set[tuple[int, int]] = set()
        out: list[Finding] = []
        for v in ctx.tracks:
            if v.lane < 0 or (small_only and not v.small_craft):
                continue
            lane = ctx.geometry.lanes[v.lane]
            key = (v.track_id, lane.way_id)
            present.add(key)
            self._entry.setdefault(key, (v.x, v.y))
            if key in self._raised:
                out.append(_finding(v, lane, False, "", {}, None))
                continue
            axis = lane.axis_deg(v.x, v.y)
            angle = crossing_angle(v.course_deg, axis)
            if angle < angle_min or v.speed_kn < speed_min or v.fit is None:
                self._since.pop(key, None)
                continue
            since = self._since.setdefault(key, ctx.t)
            if ctx.t - since < sustain:
                continue
            self._raised.add(key)
            ex, ey = self._entry[key]
            values = rounded(
                {
                    "lane": lane.name,
                    "lane_way_id": lane.way_id,
                    "lane_axis_deg": axis,
                    "flow_bearing_deg": lane.flow_bearing_deg,
                    "course_deg": v.course_deg,
                    "crossing_angle_deg": angle,
                    "speed_kn": v.speed_kn,
                    "in_lane_s": ctx.t - since,
                    "into_lane_m": float(np.hypot(v.x - ex, v.y - ey)),
                }
            )
            flow = (
                "" if lane.flow_bearing_deg is None else f", traffic flowing {lane.flow_bearing_deg:03.0f}°"
            )
            explanation = (
                f"tss_crossing: {describe(v)} is crossing {lane.name} at {where(v.lat, v.lon)}: course "
                f"{v.course_deg:03.0f}° is {angle:.0f}° off the lane's axis {axis:03.0f}° (threshold "
                f"{angle_min:.0f}°){flow}, making {v.speed_kn:.1f} kn for {ctx.t - since:.0f} s in the lane"
            )
            out.append(_finding(v, lane, True, explanation, values, line_utm([ex, v.x], [ey, v.y])))
        for key in list(self._since):
            if key not in present:
                self._since.pop(key, None)
        for key in list(self._raised):
            if key not in present:
                self._raised.discard(key)
                self._entry.pop(key, None)
        for key in list(self._entry):
            if key not in present:
                self._entry.pop(key, None)
        return out


def _finding(
    v: TrackView,
    lane: Lane,
    raise_: bool,
    explanation: str,
    values: dict[str, object],
    geometry: dict[str, object] | None,
) -> Finding:
    return Finding(
        rule=RuleName.TSS_CROSSING,
        key=f"track:{v.track_id}:lane:{lane.way_id}",
        raise_=raise_,
        hold=True,
        severity=Severity.MEDIUM,
        track_id=v.track_id,
        lat=v.lat,
        lon=v.lon,
        explanation=explanation,
        values=dict(values),
        geometry=geometry,
        track_ids=(v.track_id,),
        marking=markings(v),
    )
