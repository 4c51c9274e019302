"""Which asset can reach a small craft first, and can it do the job when it gets there.

For every asset against a target (a craft at a position at a time, under way, drifting, or on a
predicted track): time to intercept (vessels around land on the real coastline, aircraft in a straight
line, land units by road to the shore by the launch or to the predicted landing point), time on scene
left by endurance after the return leg, capacity against persons on board. Results are sorted by ETA
(none last), each with its feasibility explained in words and its conflicts named:

``unavailable`` (not in state available), ``unreachable``, ``target_lands_first``, ``endurance``
(less than ``min_on_scene_s`` on scene after the return leg), ``capacity`` (cannot take everyone).

A capacity shortfall does not make an asset infeasible: the first on scene saves lives while a larger
one comes; it is flagged so that the controller sends both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from watchkeeper.assets.intercept import KNOT_MS, routed_intercept_time, straight_intercept_time
from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target
from watchkeeper.assets.motion import TargetMotion
from watchkeeper.assets.routing import FloatArray, SeaRouter
from watchkeeper.geo.frames import to_utm, to_wgs84


@dataclass(frozen=True, slots=True)
class RecommendSettings:
    min_on_scene_s: float = 1800.0  # a job worth tasking needs at least 30 min on scene
    land_road_factor: float = 1.4  # road distance / straight distance for land units (coastal roads)
    beach_reach_m: float = 1500.0  # a land unit can stop a launch up to this far from the shore
    horizon_s: float = 12 * 3600.0  # how far ahead the target's motion is followed to find its landing
    landing_step_s: float = 30.0


@dataclass(slots=True)
class Recommendation:
    asset_id: str
    kind: str
    feasible: bool
    eta_s: float | None
    intercept_lat: float | None
    intercept_lon: float | None
    time_on_scene_s: float | None
    capacity_ok: bool | None
    explanation: str
    conflicts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The CLI/API shape (``asset_id, eta_s, intercept_lat, intercept_lon, feasible, explanation``
        and the details)."""
        return {
            "asset_id": self.asset_id,
            "kind": self.kind,
            "eta_s": None if self.eta_s is None else round(self.eta_s, 1),
            "intercept_lat": None if self.intercept_lat is None else round(self.intercept_lat, 6),
            "intercept_lon": None if self.intercept_lon is None else round(self.intercept_lon, 6),
            "feasible": self.feasible,
            "time_on_scene_s": None if self.time_on_scene_s is None else round(self.time_on_scene_s, 1),
            "capacity_ok": self.capacity_ok,
            "conflicts": self.conflicts,
            "explanation": self.explanation,
        }


def _fmt_min(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def _none(asset: Asset, why: str, conflict: str) -> Recommendation:
    return Recommendation(asset.id, asset.kind.value, False, None, None, None, None, None, why, [conflict])


def _utm(assets: list[Asset], home: bool = False) -> FloatArray:
    lat = np.array([a.home[0] if home else a.lat for a in assets])
    lon = np.array([a.home[1] if home else a.lon for a in assets])
    x, y = to_utm(lon, lat)
    return np.column_stack([x, y])


class Recommender:
    """Holds the sea router and the land (UTM 31N) for repeated recommendations."""

    def __init__(
        self,
        land_utm: BaseGeometry,
        settings: RecommendSettings | None = None,
        router: SeaRouter | None = None,
    ) -> None:
        self.settings = settings or RecommendSettings()
        self.land = land_utm
        shapely.prepare(self.land)
        self.router = router or SeaRouter(land_utm)
        self._land_parts = shapely.STRtree(list(getattr(land_utm, "geoms", [land_utm])))
        self._part_cache: dict[tuple[float, float], int] = {}
        self._coast = land_utm.boundary
        shapely.prepare(self._coast)

    # -- target prediction ----------------------------------------------------------------------------
    def landing_time(self, motion: TargetMotion) -> float:
        """First time (s) the predicted track reaches land; inf if not within the horizon. A target that
        starts on land (a boat at the water's edge) lands when it next reaches land after leaving it."""
        s = self.settings
        if motion.max_speed_ms == 0.0:
            return np.inf
        t = np.arange(0.0, s.horizon_s + s.landing_step_s, s.landing_step_s)
        pts = motion.at(t)
        on_land = shapely.contains_xy(self.land, pts[:, 0], pts[:, 1])
        water = np.flatnonzero(~on_land)
        if not len(water):
            return np.inf
        later = np.flatnonzero(on_land[water[0] :])
        return float(t[water[0] + later[0]]) if len(later) else np.inf

    def _part(self, p: FloatArray) -> FloatArray:
        """Index of the nearest land mass (England, France, ...) of each point (n, 2); cached per point
        (land units stand still between incidents)."""
        p = np.atleast_2d(p)
        keys = [(float(x), float(y)) for x, y in p]
        missing = [k for k in dict.fromkeys(keys) if k not in self._part_cache]
        if missing:
            idx = self._land_parts.query_nearest(shapely.points(np.array(missing)), all_matches=False)
            if len(self._part_cache) > 100_000:
                self._part_cache.clear()
            for i, j in zip(idx[0], idx[1], strict=True):
                self._part_cache[missing[int(i)]] = int(j)
        return np.array([self._part_cache[k] for k in keys], dtype=float)

    # -- main entry -----------------------------------------------------------------------------------
    def recommend(
        self, assets: list[Asset], target: Target, at: datetime | None = None
    ) -> list[Recommendation]:
        """Every asset against ``target`` as seen at the decision time ``at`` (default: the target's)."""
        at = at or target.time
        motion = TargetMotion.from_target(target, at)
        t_land = self.landing_time(motion)
        moving = motion.stopped_at(t_land)
        recs: list[Recommendation] = []
        by_kind: dict[AssetKind, list[Asset]] = {k: [] for k in AssetKind}
        for asset in assets:
            if asset.state != AssetState.AVAILABLE:
                state = asset.state.value.replace("_", " ")
                recs.append(_none(asset, f"{asset.id} is {state}, not available", "unavailable"))
            else:
                by_kind[asset.kind].append(asset)
        recs += self._moving(by_kind[AssetKind.SEA], moving, t_land, target.persons, at, routed=True)
        recs += self._moving(by_kind[AssetKind.AIR], moving, t_land, target.persons, at, routed=False)
        recs += self._land_units(by_kind[AssetKind.LAND], motion, t_land)
        # The CLI contract: sorted by eta_s (none last); at equal ETA the feasible one first.
        recs.sort(key=lambda r: (np.inf if r.eta_s is None else r.eta_s, not r.feasible, r.asset_id))
        return recs

    def _moving(
        self,
        assets: list[Asset],
        motion: TargetMotion,
        t_land: float,
        persons: int | None,
        at: datetime,
        routed: bool,
    ) -> list[Recommendation]:
        if not assets:
            return []
        a = _utm(assets)
        speed = np.array([x.max_kn for x in assets]) * KNOT_MS
        if routed:
            t = routed_intercept_time(self.router, a, speed, motion)
        else:
            t = straight_intercept_time(a, speed, motion)
        finite = np.isfinite(t)
        meet = motion.at(np.where(finite, t, 0.0))
        home = _utm(assets, home=True)
        back = np.full(len(assets), np.inf)
        at_home = finite & np.all(home == a, axis=1)
        back[at_home] = speed[at_home] * t[at_home]  # leaving from base: back the way it came
        away = finite & ~at_home
        if routed:
            back[away] = self.router.distances(home[away], meet[away])  # home: the cached side
        else:
            back[away] = np.hypot(*(home[away] - meet[away]).T)
        back_s = back / (np.array([x.return_kn for x in assets]) * KNOT_MS)
        lon, lat = to_wgs84(meet[:, 0], meet[:, 1])
        return [
            self._judge(
                asset,
                float(t[i]),
                float(back_s[i]),
                float(lat[i]),
                float(lon[i]),
                t_land,
                persons,
                at,
                routed,
            )
            for i, asset in enumerate(assets)
        ]

    def _judge(
        self,
        asset: Asset,
        eta: float,
        back_s: float,
        lat: float,
        lon: float,
        t_land: float,
        persons: int | None,
        at: datetime,
        routed: bool,
    ) -> Recommendation:
        s = self.settings
        how = "by sea around the coast" if routed else "in a straight line"
        if not np.isfinite(eta):
            why = "no sea route to the target" if routed else "cannot catch the target"
            return _none(asset, f"{asset.id}: {why} at {asset.max_kn:g} kn", "unreachable")
        conflicts: list[str] = []
        parts = [f"{asset.id} reaches the target in {_fmt_min(eta)} {how} at {asset.max_kn:g} kn"]
        feasible = True
        if eta > t_land:
            feasible = False
            conflicts.append("target_lands_first")
            parts.append(f"but the target reaches the coast in {_fmt_min(t_land)}, before it")
        endurance_s = asset.endurance_left_h(at) * 3600.0
        on_scene = endurance_s - eta - back_s
        if not np.isfinite(back_s):
            feasible = False
            conflicts.append("endurance")
            parts.append("no route back to its base from there")
        elif on_scene < s.min_on_scene_s:
            feasible = False
            conflicts.append("endurance")
            parts.append(
                f"endurance leaves {_fmt_min(max(on_scene, 0))} on scene after the {_fmt_min(back_s)} "
                f"return leg (needs {_fmt_min(s.min_on_scene_s)})"
            )
        else:
            parts.append(f"{_fmt_min(on_scene)} on scene left by endurance")
        capacity_ok = None if persons is None else asset.capacity_persons >= persons
        if capacity_ok is False:
            conflicts.append("capacity")
            parts.append(
                f"capacity {asset.capacity_persons} < {persons} persons on board: another asset is "
                "needed to take everyone"
            )
        elif capacity_ok:
            parts.append(f"capacity {asset.capacity_persons} for {persons} persons")
        return Recommendation(
            asset.id,
            asset.kind.value,
            feasible,
            eta,
            lat,
            lon,
            on_scene if np.isfinite(on_scene) else None,
            capacity_ok,
            "; ".join(parts),
            conflicts,
        )

    def _land_units(self, assets: list[Asset], motion: TargetMotion, t_land: float) -> list[Recommendation]:
        """Land units stop a launch from the shore, or meet the boat where it is predicted to land."""
        if not assets:
            return []
        s = self.settings
        a = _utm(assets)
        speed = np.array([x.max_kn for x in assets]) * KNOT_MS
        start = shapely.Point(motion.start)
        from_shore = float(self._coast.distance(start))
        unit_part = self._part(a)
        if from_shore <= s.beach_reach_m:
            meet = np.asarray(shapely.shortest_line(start, self._coast).coords)[1]
            leaves = (s.beach_reach_m - from_shore) / max(motion.max_speed_ms, 1e-6)
            wait_until = 0.0
            how = "reaches the shore by the launch point"
        elif np.isfinite(t_land):
            meet = motion.at(t_land)[0]
            leaves = np.inf
            wait_until = t_land
            how = f"meets the boat at its predicted landing point (landing in {_fmt_min(t_land)})"
        else:
            return [
                _none(x, f"{x.id}: the boat is at sea, beyond the reach of land units", "unreachable")
                for x in assets
            ]
        meet_part = self._part(meet[None])[0]
        travel = s.land_road_factor * np.hypot(*(meet[None] - a).T) / speed
        lon, lat = to_wgs84(meet[0], meet[1])
        out = []
        for i, unit in enumerate(assets):
            if unit_part[i] != meet_part:
                out.append(_none(unit, f"{unit.id}: the boat is on another coast", "unreachable"))
                continue
            eta = float(max(travel[i], wait_until))
            feasible = eta <= leaves
            why = f"{unit.id} {how} in {_fmt_min(eta)} by road ({_fmt_min(float(travel[i]))} driving)"
            if not feasible:
                why += f"; the boat is beyond reach from the shore after {_fmt_min(leaves)}"
            out.append(
                Recommendation(
                    unit.id,
                    unit.kind.value,
                    bool(feasible),
                    eta,
                    float(lat),
                    float(lon),
                    None,
                    None,
                    why,
                    [] if feasible else ["unreachable"],
                )
            )
        return out
