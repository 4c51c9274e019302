"""Which asset can reach a small craft first, and can it do the job when it gets there.

For every asset against a target (a craft at a position with SOG/COG at a time, drifting or under way):
time to intercept (vessels around land on the real coastline, aircraft in a straight line, land units
on the beach or at the landing point), time on scene left by endurance after the return leg, capacity
against persons on board. Results are sorted by ETA (none last), each with its feasibility explained in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from watchkeeper.assets.intercept import KNOT_MS, routed_intercept_time, straight_intercept_time
from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target
from watchkeeper.assets.routing import FloatArray, SeaRouter
from watchkeeper.geo.frames import to_utm, to_wgs84


@dataclass(frozen=True, slots=True)
class RecommendSettings:
    min_on_scene_s: float = 1800.0  # a job worth tasking needs at least 30 min on scene
    land_road_factor: float = 1.4  # road distance / straight distance for land units (coastal roads)
    beach_reach_m: float = 1500.0  # a land unit can stop a launch up to this far from the shore
    horizon_s: float = 6 * 3600.0  # how far ahead the target's motion is predicted
    landing_step_s: float = 60.0


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

    def to_dict(self) -> dict[str, object]:
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


class Recommender:
    """Holds the sea router and the land (UTM 31N) for repeated recommendations."""

    def __init__(self, land_utm: BaseGeometry, settings: RecommendSettings | None = None) -> None:
        self.settings = settings or RecommendSettings()
        self.land = land_utm
        shapely.prepare(self.land)
        self.router = SeaRouter(land_utm)
        self._land_parts = list(getattr(land_utm, "geoms", [land_utm]))
        self._coast = land_utm.boundary

    # -- target prediction ----------------------------------------------------------------------------
    def _target_state(self, target: Target, at: datetime) -> tuple[FloatArray, FloatArray]:
        x, y = to_utm(target.lon, target.lat)
        rad = np.radians(target.cog_deg)
        v = np.array([np.sin(rad), np.cos(rad)]) * target.sog_kn * KNOT_MS
        dt = (at - target.time).total_seconds()
        return np.array([float(x), float(y)]) + v * dt, v

    def _landing_time(self, p0: FloatArray, v: FloatArray) -> float:
        """First time (s) the target's predicted track reaches land; inf within the horizon if never."""
        if not np.any(v):
            return np.inf
        t = np.arange(self.settings.landing_step_s, self.settings.horizon_s, self.settings.landing_step_s)
        pts = p0[None, :] + v[None, :] * t[:, None]
        hit = np.flatnonzero(shapely.contains_xy(self.land, pts[:, 0], pts[:, 1]))
        return float(t[hit[0]]) if len(hit) else np.inf

    def _part_index(self, p: FloatArray) -> int:
        point = shapely.Point(p)
        return int(np.argmin([part.distance(point) for part in self._land_parts]))

    # -- main entry -----------------------------------------------------------------------------------
    def recommend(
        self, assets: list[Asset], target: Target, at: datetime | None = None
    ) -> list[Recommendation]:
        at = at or target.time
        p0, v = self._target_state(target, at)
        t_land = self._landing_time(p0, v)
        persons = target.persons
        recs: list[Recommendation] = []
        by_kind: dict[AssetKind, list[Asset]] = {k: [] for k in AssetKind}
        for asset in assets:
            if asset.state != AssetState.AVAILABLE:
                recs.append(
                    Recommendation(
                        asset.id,
                        asset.kind.value,
                        False,
                        None,
                        None,
                        None,
                        None,
                        None,
                        f"{asset.id} is {asset.state.value.replace('_', ' ')}, not available",
                        [f"state:{asset.state.value}"],
                    )
                )
            else:
                by_kind[asset.kind].append(asset)
        recs += self._moving(by_kind[AssetKind.SEA], p0, v, t_land, persons, routed=True)
        recs += self._moving(by_kind[AssetKind.AIR], p0, v, np.inf, persons, routed=False)
        recs += [self._land_unit(a, p0, v, t_land) for a in by_kind[AssetKind.LAND]]
        # The CLI contract: sorted by eta_s (none last); at equal ETA the feasible one first.
        recs.sort(key=lambda r: (np.inf if r.eta_s is None else r.eta_s, not r.feasible, r.asset_id))
        return recs

    def _moving(
        self,
        assets: list[Asset],
        p0: FloatArray,
        v: FloatArray,
        t_land: float,
        persons: int | None,
        routed: bool,
    ) -> list[Recommendation]:
        if not assets:
            return []
        n = len(assets)
        ax, ay = to_utm(np.array([a.lon for a in assets]), np.array([a.lat for a in assets]))
        a = np.column_stack([ax, ay])
        speed = np.array([a_.dash_kn for a_ in assets]) * KNOT_MS
        p0s, vs = np.tile(p0, (n, 1)), np.tile(v, (n, 1))
        if routed:
            t = routed_intercept_time(self.router, a, speed, p0s, vs, np.full(n, t_land))
        else:
            t = straight_intercept_time(a, speed, p0s, vs)
        meet = p0s + vs * np.where(np.isfinite(t), np.minimum(t, t_land), 0.0)[:, None]
        homes = np.array(
            [
                [
                    a_.home_lon if a_.home_lon is not None else a_.lon,
                    a_.home_lat if a_.home_lat is not None else a_.lat,
                ]
                for a_ in assets
            ]
        )
        hx, hy = to_utm(homes[:, 0], homes[:, 1])
        home = np.column_stack([hx, hy])
        back = self.router.distances(meet, home) if routed else np.hypot(*(home - meet).T)
        back_s = back / (np.array([a_.return_kn for a_ in assets]) * KNOT_MS)
        lon, lat = to_wgs84(meet[:, 0], meet[:, 1])
        out = []
        for i, asset in enumerate(assets):
            out.append(
                self._judge(
                    asset,
                    float(t[i]),
                    float(back_s[i]),
                    float(lat[i]),
                    float(lon[i]),
                    t_land,
                    persons,
                    routed,
                )
            )
        return out

    def _judge(
        self,
        asset: Asset,
        eta: float,
        back_s: float,
        lat: float,
        lon: float,
        t_land: float,
        persons: int | None,
        routed: bool,
    ) -> Recommendation:
        s = self.settings
        how = "by sea around the coast" if routed else "in a straight line"
        if not np.isfinite(eta):
            why = "no sea route to the target" if routed else "cannot catch the target"
            return Recommendation(
                asset.id,
                asset.kind.value,
                False,
                None,
                None,
                None,
                None,
                None,
                f"{asset.id}: {why} at {asset.dash_kn:g} kn",
                ["unreachable"],
            )
        conflicts: list[str] = []
        parts = [f"{asset.id} reaches the target in {_fmt_min(eta)} {how} at {asset.dash_kn:g} kn"]
        feasible = True
        if eta > t_land:
            feasible = False
            conflicts.append("target_lands_first")
            parts.append(f"but the target reaches the coast in {_fmt_min(t_land)}, before it")
        on_scene = asset.endurance_h * 3600.0 - eta - back_s
        if on_scene < s.min_on_scene_s:
            feasible = False
            conflicts.append("endurance")
            parts.append(
                f"endurance leaves {_fmt_min(max(on_scene, 0))} on scene after the return leg "
                f"(needs {_fmt_min(s.min_on_scene_s)})"
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
            on_scene,
            capacity_ok,
            "; ".join(parts),
            conflicts,
        )

    def _land_unit(self, asset: Asset, p0: FloatArray, v: FloatArray, t_land: float) -> Recommendation:
        s = self.settings
        ax, ay = to_utm(asset.lon, asset.lat)
        a = np.array([float(ax), float(ay)])
        speed = asset.dash_kn * KNOT_MS
        target_pt = shapely.Point(p0)
        from_shore = float(self._coast.distance(target_pt))
        if from_shore <= s.beach_reach_m:
            meet = np.array(nearest_points(self._coast, target_pt)[0].coords[0])
            eta = s.land_road_factor * float(np.hypot(*(meet - a))) / speed
            leaves = (s.beach_reach_m - from_shore) / max(float(np.hypot(*v)), 1e-6)
            feasible = eta <= leaves and self._part_index(a) == self._part_index(meet)
            why = f"{asset.id} reaches the shore by the launch point in {_fmt_min(eta)} by road" + (
                ""
                if feasible
                else "; the boat is out of reach from the shore before then or on another coast"
            )
        elif np.isfinite(t_land):
            meet = p0 + v * t_land
            travel = s.land_road_factor * float(np.hypot(*(meet - a))) / speed
            same_coast = self._part_index(a) == self._part_index(meet)
            eta = max(travel, t_land)
            feasible = same_coast
            why = (
                f"{asset.id} meets the boat at its predicted landing point in {_fmt_min(eta)} "
                f"(landing in {_fmt_min(t_land)}, {_fmt_min(travel)} by road)"
                if same_coast
                else f"{asset.id}: the predicted landing is on another coast"
            )
        else:
            return Recommendation(
                asset.id,
                asset.kind.value,
                False,
                None,
                None,
                None,
                None,
                None,
                f"{asset.id}: the boat is at sea, beyond the reach of land units",
                ["unreachable"],
            )
        lon, lat = to_wgs84(meet[0], meet[1])
        return Recommendation(
            asset.id,
            asset.kind.value,
            bool(feasible),
            eta,
            float(lat),
            float(lon),
            None,
            None,
            why,
            [] if feasible else ["unreachable"],
        )
