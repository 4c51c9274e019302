"""``loitering``: a vessel loitering near the French coast, or two vessels meeting at sea.

**Near the French coast** (``kind = near_french_coast``): a track held for at least ``window_min``
whose positions over that window all lie within ``radius_m`` of their centroid, the centroid within
``fr_coast_m`` of the French shore — the "taxi boat" waiting off a beach for its passengers to wade
out, or a boat hanging off the coast before a launch. Holds while it stays within 1.5 × the radius.

**Rendezvous at sea** (``kind = rendezvous``): two tracks within ``meet_distance_m`` of each other, both at
``meet_max_speed_kn`` or less, at least ``meet_min_shore_m`` from any shore, for ``meet_min`` — a
hand-over of fuel, an engine or people. Skylight flags a rendezvous when two vessels stay within 250 m
for over 30 minutes; small craft do it in minutes. Holds until they are 2 × the distance apart.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.rules.base import describe, line_utm, markings, rounded, where
from watchkeeper.alerts.types import Finding, RuleName, Severity

WINDOW = declare(
    "loitering.window_min", 10.0, "min", 2.0, 240.0,
    "How long a vessel must stay within the radius to be loitering.",
)  # fmt: skip
RADIUS = declare(
    "loitering.radius_m", 500.0, "m", 50.0, 5000.0,
    "All its positions over the window within this distance of their centroid.",
)  # fmt: skip
FR_COAST = declare(
    "loitering.fr_coast_m", 5000.0, "m", 200.0, 30000.0,
    "Near the French coast: the centroid within this distance of the French shore.",
)  # fmt: skip
SMALL_ONLY = declare(
    "loitering.small_craft_only", True, "", None, None,
    "Only small craft loiter for this rule (AIS fishing boats work the same grounds every night).",
)  # fmt: skip
MEET_DISTANCE = declare(
    "loitering.meet_distance_m", 250.0, "m", 20.0, 3000.0,
    "Two tracks this close count as meeting (Skylight: 250 m).",
)  # fmt: skip
MEET_MIN = declare(
    "loitering.meet_min", 5.0, "min", 0.5, 240.0,
    "For at least this long (Skylight: 30 min; a hand-over between small craft takes minutes).",
)  # fmt: skip
MEET_SPEED = declare(
    "loitering.meet_max_speed_kn", 3.0, "kn", 0.1, 20.0,
    "Both at or under this speed (straight-line fit): they are stopped together, not passing.",
)  # fmt: skip
MEET_SHORE = declare(
    "loitering.meet_min_shore_m", 2000.0, "m", 0.0, 30000.0,
    "At sea: at least this far from any shore (harbours and anchorages are full of close pairs).",
)  # fmt: skip


class LoiteringRule:
    names: tuple[RuleName, ...] = (RuleName.LOITERING,)

    def __init__(self) -> None:
        self._loiter: set[int] = set()
        self._pairs: dict[tuple[int, int], float] = {}  # pair → since when together
        self._met: set[tuple[int, int]] = set()

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        return self._near_coast(ctx) + self._rendezvous(ctx)

    def _near_coast(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        window, radius = s.number(WINDOW.key) * 60.0, s.number(RADIUS.key)
        near, small_only = s.number(FR_COAST.key), s.flag(SMALL_ONLY.key)
        for ended in ctx.ended:
            self._loiter.discard(ended.track_id)
        out: list[Finding] = []
        for v in ctx.tracks:
            if (small_only and not v.small_craft) or v.fr_coast_m > near + radius or v.age_s() < window:
                if v.track_id in self._loiter and (small_only and not v.small_craft):
                    self._loiter.discard(v.track_id)
                continue
            t, xs, ys = v.history.window(window)
            cx, cy = float(xs.mean()), float(ys.mean())
            spread = float(np.max(np.hypot(xs - cx, ys - cy)))
            held = v.track_id in self._loiter
            if held:
                if spread <= 1.5 * radius:
                    out.append(self._loiter_finding(ctx, v, spread, float(t[-1] - t[0]), False, None))
                else:
                    self._loiter.discard(v.track_id)
                continue
            if spread > radius:
                continue
            centre_fr = float(ctx.geometry.fr_coast_m(np.array([cx]), np.array([cy]))[0])
            if centre_fr > near:
                continue
            self._loiter.add(v.track_id)
            out.append(self._loiter_finding(ctx, v, spread, float(t[-1] - t[0]), True, (xs, ys, centre_fr)))
        return out

    def _loiter_finding(
        self,
        ctx: ScanContext,
        v: TrackView,
        spread: float,
        span: float,
        raise_: bool,
        detail: tuple[np.ndarray, np.ndarray, float] | None,
    ) -> Finding:
        s = ctx.settings
        explanation, geometry = "", None
        values = rounded(
            {"kind": "near_french_coast", "spread_m": spread, "window_s": span, "fr_shore_m": v.fr_coast_m}
        )
        if raise_ and detail is not None:
            xs, ys, centre_fr = detail
            explanation = (
                f"loitering: {describe(v)} has stayed within {spread:.0f} m of one spot (threshold "
                f"{s.number(RADIUS.key):.0f} m) for {span / 60:.1f} min, {centre_fr:.0f} m off the French "
                "shore, "
                f"at {where(v.lat, v.lon)}"
            )
            geometry = line_utm(xs, ys)
        return Finding(
            rule=RuleName.LOITERING,
            key=f"track:{v.track_id}",
            raise_=raise_,
            hold=True,
            severity=Severity.MEDIUM,
            track_id=v.track_id,
            lat=v.lat,
            lon=v.lon,
            explanation=explanation,
            values=values,
            geometry=geometry,
            track_ids=(v.track_id,),
            marking=markings(v),
        )

    def _rendezvous(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        dist, need = s.number(MEET_DISTANCE.key), s.number(MEET_MIN.key) * 60.0
        max_kn, min_shore = s.number(MEET_SPEED.key), s.number(MEET_SHORE.key)
        slow = [
            v for v in ctx.tracks if v.speed_kn <= max_kn * 1.5 and v.shore_m >= min_shore * 0.5 and v.fit
        ]
        out: list[Finding] = []
        close: dict[tuple[int, int], tuple[TrackView, TrackView, float]] = {}
        if len(slow) >= 2:
            tree = cKDTree(np.array([[v.x, v.y] for v in slow]))
            for i, j in tree.query_pairs(2.0 * dist):
                a, b = sorted((slow[i], slow[j]), key=lambda item: item.track_id)
                close[(a.track_id, b.track_id)] = (a, b, float(np.hypot(a.x - b.x, a.y - b.y)))
        for key in list(self._pairs):
            if key not in close:  # more than twice the distance apart (or gone): over
                del self._pairs[key]
                self._met.discard(key)
        for key, (a, b, d) in close.items():
            if key in self._met:
                out.append(self._meet_finding(ctx, a, b, d, ctx.t - self._pairs[key], False))
                continue
            meeting = (
                d <= dist and max(a.speed_kn, b.speed_kn) <= max_kn and min(a.shore_m, b.shore_m) >= min_shore
            )
            if not meeting:
                self._pairs.pop(key, None)
                continue
            since = self._pairs.setdefault(key, ctx.t)
            if ctx.t - since >= need:
                self._met.add(key)
                out.append(self._meet_finding(ctx, a, b, d, ctx.t - since, True))
        return out

    def _meet_finding(
        self, ctx: ScanContext, a: TrackView, b: TrackView, d: float, together: float, raise_: bool
    ) -> Finding:
        s = ctx.settings
        values = rounded(
            {"kind": "rendezvous", "distance_m": d, "together_s": together, "other_track_id": b.track_id}
        )
        explanation = ""
        if raise_:
            explanation = (
                f"loitering: rendezvous at sea at {where(a.lat, a.lon)}: {describe(a)} and {describe(b)} "
                "have been "
                f"within {s.number(MEET_DISTANCE.key):.0f} m of each other ({d:.0f} m now) for "
                f"{together / 60:.1f} "
                f"min (threshold {s.number(MEET_MIN.key):.0f} min), both at or under "
                f"{s.number(MEET_SPEED.key):.1f} kn, {min(a.shore_m, b.shore_m) / 1000:.1f} km from shore"
            )
        return Finding(
            rule=RuleName.LOITERING,
            key=f"pair:{a.track_id}:{b.track_id}",
            raise_=raise_,
            hold=True,
            severity=Severity.MEDIUM,
            track_id=a.track_id,
            lat=a.lat,
            lon=a.lon,
            explanation=explanation,
            values=values,
            geometry=line_utm([a.x, b.x], [a.y, b.y]),
            mmsi=b.mmsi or a.mmsi or None,
            track_ids=(a.track_id, b.track_id),
            marking=markings(a, b),
        )
