"""``uk_waters`` / ``fr_waters``: a track crossing into the UK's or France's territorial sea.

The zone of a position is ``StraitGeometry.territorial``: the 1988 boundary line between its points
I and VI, the 12 nm belts from each shore elsewhere. A track's zone changes only once it lies at least
``margin_m`` inside the new zone (position noise on the line cannot flap it); the alert is raised at that
scan, from the zone the track was last confirmed in, and holds while the track stays in the zone.
A track first seen inside a zone has crossed nothing and raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.geometry import FR, NONE, UK
from watchkeeper.alerts.rules.base import describe, line_utm, markings, rounded, where
from watchkeeper.alerts.types import Finding, RuleName, Severity

MARGIN = declare(
    "zones.margin_m", 50.0, "m", 0.0, 2000.0,
    "A track must lie this far inside a territorial sea before it counts as in it, so that position noise "
    "on the boundary cannot flap the alert.",
)  # fmt: skip
DARK_ONLY = declare(
    "zones.small_craft_only", True, "", None, None,
    "Only small craft raise zone alerts (AIS ferries cross the line dozens of times a day by design).",
)  # fmt: skip
MIN_AGE = declare(
    "zones.min_track_age_s", 20.0, "s", 0.0, 600.0,
    "A track must have been held this long before a crossing counts.",
)  # fmt: skip

ZONE_NAME = {UK: "UK", FR: "French", NONE: "neither territorial sea"}


@dataclass(slots=True)
class _ZoneState:
    confirmed: int
    since_t: float
    x: float
    y: float
    came_from: int | None = None  # the zone before the last confirmed change
    crossed_t: float | None = None
    from_x: float = 0.0
    from_y: float = 0.0


class ZoneRule:
    names: tuple[RuleName, ...] = (RuleName.UK_WATERS, RuleName.FR_WATERS)

    def __init__(self) -> None:
        self._state: dict[int, _ZoneState] = {}

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        margin, small_only, min_age = s.number(MARGIN.key), s.flag(DARK_ONLY.key), s.number(MIN_AGE.key)
        for ended in ctx.ended:
            self._state.pop(ended.track_id, None)
        out: list[Finding] = []
        for v in ctx.tracks:
            if small_only and not v.small_craft:
                self._state.pop(v.track_id, None)
                continue
            st = self._state.get(v.track_id)
            if v.zone_depth_m < margin:
                if st is not None:
                    finding = self._holding(v, st)
                    if finding is not None:
                        out.append(finding)
                continue  # too close to an edge to tell: keep what was confirmed
            if st is None:
                self._state[v.track_id] = _ZoneState(v.zone, ctx.t, v.x, v.y)
                continue
            if v.zone != st.confirmed:
                st.came_from, st.crossed_t = st.confirmed, ctx.t
                st.from_x, st.from_y = st.x, st.y
                st.confirmed, st.since_t = v.zone, ctx.t
                if v.zone in (UK, FR) and v.age_s() >= min_age:
                    out.append(self._raised(v, st, ctx))
            else:
                finding = self._holding(v, st)
                if finding is not None:
                    out.append(finding)
            st.x, st.y = v.x, v.y
        return out

    @staticmethod
    def _rule(zone: int) -> RuleName:
        return RuleName.UK_WATERS if zone == UK else RuleName.FR_WATERS

    def _holding(self, v: TrackView, st: _ZoneState) -> Finding | None:
        if st.confirmed not in (UK, FR) or st.came_from is None:
            return None
        return _finding(self._rule(st.confirmed), v, False, "", {}, None)

    def _raised(self, v: TrackView, st: _ZoneState, ctx: ScanContext) -> Finding:
        came = st.came_from if st.came_from is not None else NONE
        boundary = (
            "the 1988 UK–France territorial-sea boundary"
            if v.zone_by_line and came in (UK, FR)
            else "the 12 nm limit (measured from the shoreline)"
        )
        values = rounded(
            {
                "zone": ZONE_NAME[v.zone],
                "from_zone": ZONE_NAME[came],
                "inside_m": v.zone_depth_m,
                "speed_kn": v.speed_kn,
                "course_deg": v.course_deg,
                "fr_shore_m": v.fr_coast_m,
                "uk_shore_m": v.uk_coast_m,
            }
        )
        explanation = (
            f"{self._rule(v.zone).value}: {describe(v)} crossed {boundary} into {ZONE_NAME[v.zone]} waters "
            f"at {where(v.lat, v.lon)}, now {v.zone_depth_m:.0f} m inside "
            f"(margin {ctx.settings.number(MARGIN.key):.0f} m), "
            f"coming from {ZONE_NAME[came]} waters, making {v.speed_kn:.1f} kn on {v.course_deg:03.0f}°"
        )
        return _finding(
            self._rule(v.zone), v, True, explanation, values, line_utm([st.from_x, v.x], [st.from_y, v.y])
        )


def _finding(
    rule: RuleName,
    v: TrackView,
    raise_: bool,
    explanation: str,
    values: dict[str, object],
    geometry: dict[str, object] | None,
) -> Finding:
    return Finding(
        rule=rule,
        key=f"track:{v.track_id}",
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
