"""``distress`` (a small craft stopped or drifting at sea) and ``lost_contact`` (lost at sea).

**distress.** Over the last ``window_s`` the straight-line fit of a small craft's positions gives its speed
over ground; at or under ``max_speed_kn`` it is stopped or drifting (an overloaded dinghy under way makes
4–8 kn; a boat adrift goes with the wind and the tidal stream, typically 0.3–1.5 kn, more at springs).
Sustained for ``sustain_s`` at least ``min_shore_m`` from any shore (a boat waiting off the beach is not
adrift: the loitering rule watches that), it raises CRITICAL: lives are at stake. It holds until the
craft makes more than ``clear_speed_kn`` for ``clear_sustain_s`` (engine restarted, or taken in tow).
The speed the craft made before it slowed is reported (an engine failure shows as a drop from knots).

**lost_contact.** A small-craft track that ends at least ``min_shore_m`` from any shore and is not picked
up again within ``grace_s`` by a new small-craft track starting near where it should be (dead
reckoning from its last fit, within ``reacquire_radius_m`` plus what ``max_drift_kn`` allows since). It
holds until a track picks it up (that track inherits the lost one: ``ScanContext.links``) or for
``hold_h``. Boats that land, enter a harbour or pass behind a headland vanish near a shore: not lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.rules.base import describe, line_utm, markings, point, rounded, where
from watchkeeper.alerts.scan import KNOT_MPS
from watchkeeper.alerts.types import Finding, RuleName, Severity

MAX_SPEED = declare(
    "distress.max_speed_kn", 1.5, "kn", 0.1, 4.0,
    "Speed over ground (straight-line fit) at or under which a small craft is stopped or drifting.",
)  # fmt: skip
CLEAR_SPEED = declare(
    "distress.clear_speed_kn", 3.0, "kn", 0.5, 10.0,
    "Speed above which (for clear_sustain_s) a distress alert clears: the craft is under way again.",
)  # fmt: skip
WINDOW = declare(
    "distress.window_s", 60.0, "s", 20.0, 600.0,
    "Window of the straight-line fit that measures the speed.",
)  # fmt: skip
SUSTAIN = declare(
    "distress.sustain_s", 30.0, "s", 0.0, 3600.0,
    "How long the craft must stay that slow before the alert (the fit window already spans 60 s).",
)  # fmt: skip
CLEAR_SUSTAIN = declare(
    "distress.clear_sustain_s", 60.0, "s", 0.0, 3600.0,
    "How long the craft must be under way again before the alert clears.",
)  # fmt: skip
MIN_AGE = declare(
    "distress.min_track_age_s", 90.0, "s", 0.0, 3600.0,
    "A track must have been held this long (clutter-born tracks are short and often slow).",
)  # fmt: skip
MIN_SHORE = declare(
    "distress.min_shore_m", 300.0, "m", 0.0, 20000.0,
    "Only at sea: at least this far from any shore (not aground or on the beach).",
)  # fmt: skip
NEARSHORE = declare(
    "distress.nearshore_m", 1500.0, "m", 0.0, 20000.0,
    "Within this distance of a shore only a craft seen under way before (faster than clear_speed_kn) "
    "counts: one that never got going is waiting off the beach (the loitering rule watches that).",
)  # fmt: skip

LOST_GRACE = declare(
    "lost_contact.grace_s", 30.0, "s", 0.0, 1800.0,
    "A small-craft track gone this long without being picked up again raises.",
)  # fmt: skip
LOST_MIN_SHORE = declare(
    "lost_contact.min_shore_m", 1500.0, "m", 0.0, 30000.0,
    "Only contacts lost at least this far from any shore count (landings vanish at the shore).",
)  # fmt: skip
LOST_MIN_AGE = declare(
    "lost_contact.min_track_age_s", 60.0, "s", 0.0, 3600.0,
    "Only tracks held this long count (a clutter-born track that dies was never a contact).",
)  # fmt: skip
REACQUIRE_RADIUS = declare(
    "lost_contact.reacquire_radius_m", 1000.0, "m", 50.0, 20000.0,
    "A new small-craft track starting within this distance of the lost one's dead-reckoned position "
    "(plus max_drift_kn since) picks it up.",
)  # fmt: skip
MAX_DRIFT = declare(
    "lost_contact.max_drift_kn", 3.0, "kn", 0.0, 10.0,
    "How fast a lost craft may have moved off its dead-reckoned track (wind, tide, a restarted engine).",
)  # fmt: skip
HOLD = declare(
    "lost_contact.hold_h", 6.0, "h", 0.25, 72.0,
    "A lost-contact alert not picked up stays active this long.",
)  # fmt: skip


@dataclass(slots=True)
class _Slow:
    since_t: float
    fast_since_t: float | None = None
    before_kn: float | None = None
    raised: bool = False


class DistressRule:
    names: tuple[RuleName, ...] = (RuleName.DISTRESS,)

    def __init__(self) -> None:
        self._slow: dict[int, _Slow] = {}

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        max_kn, clear_kn = s.number(MAX_SPEED.key), s.number(CLEAR_SPEED.key)
        window, sustain = s.number(WINDOW.key), s.number(SUSTAIN.key)
        clear_sustain, min_age = s.number(CLEAR_SUSTAIN.key), s.number(MIN_AGE.key)
        min_shore, nearshore = s.number(MIN_SHORE.key), s.number(NEARSHORE.key)
        for ended in ctx.ended:
            self._slow.pop(ended.track_id, None)
        out: list[Finding] = []
        for v in ctx.tracks:
            state = self._slow.get(v.track_id)
            if not v.small_craft and state is None:
                continue
            fit = v.history.fit_velocity(window)
            if fit is None or fit.span_s < 0.8 * window:
                continue
            speed = fit.speed_kn
            if state is None:
                if speed > max_kn or v.age_s() < min_age or v.shore_m < min_shore:
                    continue
                if v.shore_m < nearshore and v.history.max_fit_kn <= clear_kn:
                    continue  # never under way, close inshore: waiting, not adrift
                state = self._slow[v.track_id] = _Slow(ctx.t, before_kn=v.history.max_fit_kn or None)
            if not state.raised:
                if speed > max_kn or v.shore_m < min_shore:
                    del self._slow[v.track_id]
                    continue
                if ctx.t - state.since_t < sustain:
                    continue
                state.raised = True
                out.append(self._finding(ctx, v, speed, state, True, True, window))
                continue
            # raised: hysteresis on the way out
            if speed > clear_kn:
                state.fast_since_t = state.fast_since_t if state.fast_since_t is not None else ctx.t
            else:
                state.fast_since_t = None
            cleared = state.fast_since_t is not None and ctx.t - state.fast_since_t >= clear_sustain
            if cleared:
                del self._slow[v.track_id]
                continue
            out.append(self._finding(ctx, v, speed, state, False, True, window))
        return out

    def _finding(
        self,
        ctx: ScanContext,
        v: TrackView,
        speed: float,
        state: _Slow,
        raise_: bool,
        hold: bool,
        window: float,
    ) -> Finding:
        s = ctx.settings
        lane = ctx.geometry.lanes[v.lane].name if v.lane >= 0 else None
        values = rounded(
            {
                "speed_kn": speed,
                "slow_for_s": ctx.t - state.since_t + window,
                "speed_before_kn": state.before_kn,
                "shore_m": v.shore_m,
                "fr_shore_m": v.fr_coast_m,
                "uk_shore_m": v.uk_coast_m,
                "in_lane": lane,
            },
            2,
        )
        explanation = ""
        geometry = None
        if raise_:
            before = (
                f"; it made up to {state.before_kn:.1f} kn before (engine failure?)"
                if state.before_kn is not None and state.before_kn > s.number(CLEAR_SPEED.key)
                else ""
            )
            in_lane = f", inside {lane}" if lane else ""
            explanation = (
                f"distress: {describe(v)} stopped or drifting at sea at {where(v.lat, v.lon)}, "
                f"{v.shore_m / 1000:.1f} km from the nearest shore{in_lane}: {speed:.2f} kn over the last "
                f"{window:.0f} s (threshold {s.number(MAX_SPEED.key):.1f} kn), slow for "
                f"{ctx.t - state.since_t + window:.0f} s{before}"
            )
            _, xs, ys = v.history.window(window)
            geometry = line_utm(xs, ys)
        return Finding(
            rule=RuleName.DISTRESS,
            key=f"track:{v.track_id}",
            raise_=raise_,
            hold=hold,
            severity=Severity.CRITICAL,
            track_id=v.track_id,
            lat=v.lat,
            lon=v.lon,
            explanation=explanation,
            values=values,
            geometry=geometry,
            track_ids=(v.track_id,),
            marking=markings(v),
        )


@dataclass(slots=True)
class _Lost:
    track_id: int
    view: TrackView
    lost_t: float
    vx: float
    vy: float
    raised: bool = False


class LostContactRule:
    names: tuple[RuleName, ...] = (RuleName.LOST_CONTACT,)

    def __init__(self) -> None:
        self._lost: dict[int, _Lost] = {}

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        grace, min_shore, min_age = (
            s.number(LOST_GRACE.key),
            s.number(LOST_MIN_SHORE.key),
            s.number(LOST_MIN_AGE.key),
        )
        radius, drift = s.number(REACQUIRE_RADIUS.key), s.number(MAX_DRIFT.key) * KNOT_MPS
        hold_s = s.number(HOLD.key) * 3600.0
        for ended in ctx.ended:
            last = ended.last_view
            if not last.small_craft or ended.history.age_s() < min_age or last.shore_m < min_shore:
                continue
            fit = last.fit
            self._lost[ended.track_id] = _Lost(
                ended.track_id, last, last.history.last_t, fit.vx if fit else 0.0, fit.vy if fit else 0.0
            )
        out: list[Finding] = []
        small = [v for v in ctx.tracks if v.small_craft]
        taken: set[int] = set()
        for lost in sorted(self._lost.values(), key=lambda item: item.lost_t):
            dt = ctx.t - lost.lost_t
            px, py = lost.view.x + lost.vx * dt, lost.view.y + lost.vy * dt
            best: TrackView | None = None
            best_d = radius + drift * dt
            for v in small:
                # born after the loss, or while the tracker still coasted the old track
                if v.track_id in taken or v.history.first_t < lost.lost_t - max(grace, 10.0):
                    continue
                d = float(np.hypot(v.x - px, v.y - py))
                if d <= best_d:
                    best, best_d = v, d
            if best is not None:
                taken.add(best.track_id)
                ctx.links[best.track_id] = lost.track_id
                del self._lost[lost.track_id]
                continue  # picked up: an active alert clears (no holding finding)
            if dt > hold_s:
                del self._lost[lost.track_id]
                continue
            if dt < grace:
                continue
            raise_ = not lost.raised
            lost.raised = True
            out.append(self._finding(ctx, lost, px, py, dt, raise_))
        return out

    def _finding(
        self, ctx: ScanContext, lost: _Lost, px: float, py: float, dt: float, raise_: bool
    ) -> Finding:
        v = lost.view
        values = rounded(
            {
                "lost_for_s": dt,
                "last_speed_kn": v.speed_kn,
                "last_course_deg": v.course_deg,
                "shore_m": v.shore_m,
                "track_age_s": v.history.age_s(),
            }
        )
        explanation = ""
        if raise_:
            explanation = (
                f"lost_contact: {describe(v)} lost at sea at {where(v.lat, v.lon)}, {v.shore_m / 1000:.1f} "
                "km from "
                f"the nearest shore (threshold {ctx.settings.number(LOST_MIN_SHORE.key) / 1000:.1f} km), "
                "not picked "
                f"up for {dt:.0f} s (grace {ctx.settings.number(LOST_GRACE.key):.0f} s); last seen making "
                f"{v.speed_kn:.1f} kn on {v.course_deg:03.0f}° after {v.history.age_s():.0f} s in track"
            )
        return Finding(
            rule=RuleName.LOST_CONTACT,
            key=f"track:{lost.track_id}",
            raise_=raise_,
            hold=True,
            severity=Severity.HIGH,
            track_id=lost.track_id,
            lat=v.lat,
            lon=v.lon,
            explanation=explanation,
            values=values,
            geometry=line_utm([v.x, px], [v.y, py]) if dt > 0 else point(v.lat, v.lon),
            track_ids=(lost.track_id,),
            marking=markings(v),
        )
