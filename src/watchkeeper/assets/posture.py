"""Posture: where the assets should patrol or stand by on the coming days, from the crossing outlook.

An integer programme (``scipy.optimize.milp``, HiGHS) chooses, for every asset and every day of the
outlook, one *option*: stand by at its home base, or hold a patrol station (a sea patrol box, an air
orbit, a coastal sector) through that day's launch window.

**Objective** — maximise the expected people covered, summed over days d and demand points j::

    maximise  Σ_d Σ_j w[d, j] · y[d, j]  −  ε · Σ (1 + transit hours) over patrol days

with ``w[d, j] = expected_people[d] × share[j]``: the departure areas (the embarkation communes of the
packaged places layer) share a day's expected people equally, and so do the mid-Channel points on the
1988 boundary line (every crossing passes both); ``y[d, j] ∈ [0, 1]`` is 1 when point j is covered on
day d. The ε term (far below one person) only breaks ties: a patrol that buys no coverage is not sent,
and of two stations that buy the same the nearer is taken.

**Covered** — some asset can be at the point within ``response_s``: from a patrol station at once, from
its base after its launch delay; vessels go round the coast (the sea router), aircraft straight, land
units by road and only on their own coast. Mid-Channel points need an asset that can take people on
board (capacity > 0); a land unit holding a sector covers the sector's departure communes.

**Constraints** — each asset takes exactly one option per day; an asset patrols at most
``patrol_share`` of the days (crew rest); it may hold a station only if its endurance lasts the window
plus the transit there and back; lifeboats stand by (they launch on call); vessels and aircraft patrol
on their own side of the 1988 boundary line; assets in maintenance are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from shapely.geometry import LineString

from watchkeeper.assets.fleet import SECTORS
from watchkeeper.assets.model import Asset, AssetKind, AssetState
from watchkeeper.assets.motion import KNOT_MS
from watchkeeper.assets.outlook import OutlookDay
from watchkeeper.assets.routing import SeaRouter
from watchkeeper.geo.frames import to_utm
from watchkeeper.geo.layers import load_layer

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
STANDBY = "standby"


@dataclass(frozen=True, slots=True)
class Station:
    """A patrol station: where an asset of ``kind`` and ``nation`` can hold through the launch window."""

    id: str
    name: str
    kind: AssetKind
    nation: str
    lat: float
    lon: float
    sector: str | None = None


@dataclass(frozen=True, slots=True)
class DemandPoint:
    id: str
    name: str
    kind: str  # "departure" | "mid_channel"
    lat: float
    lon: float
    share: float  # of a day's expected people
    sector: str | None = None
    rescue: bool = False  # needs an asset that can take people on board


def _s(
    id_: str, name: str, kind: AssetKind, nation: str, lat: float, lon: float, sector: str | None = None
) -> Station:
    return Station(id_, name, kind, nation, lat, lon, sector)


SEA, AIR, LAND = AssetKind.SEA, AssetKind.AIR, AssetKind.LAND
STATIONS: tuple[Station, ...] = (
    _s("sea-gb-mid-sw", "Mid-Channel south-west (UK side)", SEA, "GB", 50.93, 1.30),
    _s("sea-gb-mid", "Mid-Channel centre (UK side)", SEA, "GB", 51.04, 1.50),
    _s("sea-gb-mid-ne", "Mid-Channel north-east (UK side)", SEA, "GB", 51.15, 1.76),
    _s("sea-fr-mid-sw", "Mid-Channel south-west (French side)", SEA, "FR", 50.90, 1.37),
    _s("sea-fr-mid", "Mid-Channel centre (French side)", SEA, "FR", 51.01, 1.56),
    _s("sea-fr-mid-ne", "Mid-Channel north-east (French side)", SEA, "FR", 51.10, 1.82),
    _s("sea-fr-gravelines", "Off Gravelines", SEA, "FR", 51.04, 2.13),
    _s("sea-fr-calais", "Off Calais", SEA, "FR", 51.00, 1.80),
    _s("sea-fr-wissant", "Off Wissant", SEA, "FR", 50.91, 1.60),
    _s("sea-fr-boulogne", "Off Boulogne", SEA, "FR", 50.74, 1.54),
    _s("sea-fr-touquet", "Off Le Touquet", SEA, "FR", 50.55, 1.53),
    _s("air-gb-mid", "Orbit mid-Channel (UK side)", AIR, "GB", 51.05, 1.45),
    _s("air-fr-north", "Orbit Calais–Dunkerque coast", AIR, "FR", 51.01, 2.00),
    _s("air-fr-centre", "Orbit Wissant–Boulogne coast", AIR, "FR", 50.82, 1.55),
    _s("air-fr-south", "Orbit Le Touquet–Berck coast", AIR, "FR", 50.50, 1.52),
    _s("land-fr-dunkerque", "Sector Dunkerque–Gravelines", LAND, "FR", 50.996, 2.218, "Dunkerque–Gravelines"),
    _s("land-fr-calais", "Sector Calais–Sangatte", LAND, "FR", 50.935, 1.800, "Calais–Sangatte"),
    _s("land-fr-wissant", "Sector Wissant–Wimereux", LAND, "FR", 50.807, 1.604, "Wissant–Wimereux"),
    _s("land-fr-boulogne", "Sector Boulogne–Hardelot", LAND, "FR", 50.676, 1.572, "Boulogne–Hardelot"),
    _s("land-fr-touquet", "Sector Le Touquet–Berck", LAND, "FR", 50.456, 1.613, "Le Touquet–Berck"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PostureSettings:
    response_s: float = 1800.0  # a mid-Channel point is covered when a rescuer can be there within 30 min
    rescue_capacity_persons: int = 40  # ... with room for a boat's people (boats carry ~50–60)
    sea_watch_m: float = 6000.0  # a vessel on station watches departures this far (radar, eyes, night vision)
    standby_delay_s: tuple[tuple[AssetKind, float], ...] = (
        (AssetKind.SEA, 1200.0),  # crew muster and leaving harbour
        (AssetKind.AIR, 900.0),  # scramble
        (AssetKind.LAND, 600.0),
    )
    window_start_h: float = -2.0  # the launch window of day d starts at 22:00 UTC the evening before
    window_h: float = 10.0  # ... and lasts 10 h (a setting: take it from the cell's own statistics)
    patrol_share: float = 0.6  # an asset patrols at most this share of the days (crew rest)
    mid_channel_weight: float = 1.0  # mid-Channel points together weigh this times the departures
    mid_channel_points: int = 5
    land_road_factor: float = 1.4
    epsilon: float = 1e-4  # people per patrol day (+ per hour of transit): ties go to standing by, near
    time_limit_s: float = 30.0

    def delay(self, kind: AssetKind) -> float:
        return dict(self.standby_delay_s)[kind]


# -- the integer programme on matrices ------------------------------------------------------------------


@dataclass(slots=True)
class PostureProblem:
    """Pure data: A assets, S options (option 0 = stand by at home), J points, D days."""

    weight: FloatArray  # (D, J) expected people
    covers: BoolArray  # (A, S, J)
    allowed: BoolArray  # (A, S)
    patrol: BoolArray  # (S,): False for the stand-by option
    budget: npt.NDArray[np.int64]  # (A,) patrol days at most
    cost: FloatArray | None = None  # (A, S) per day, in people: tie-breaks only (default: none)


@dataclass(slots=True)
class PostureSolution:
    choice: npt.NDArray[np.int64]  # (A, D) option per asset and day
    covered: BoolArray  # (D, J)
    covered_weight: float
    status: str
    mip_gap: float | None


def solve(problem: PostureProblem, time_limit_s: float = 30.0) -> PostureSolution:
    """Solve the posture programme (HiGHS through ``scipy.optimize.milp``).

    Variables: x[a, s, d] ∈ {0, 1} (asset a takes option s on day d), flattened as ((a·S + s)·D + d),
    then y[d, j] ∈ [0, 1] (point j covered on day d) after them.
    """
    w, cov, allowed = problem.weight, problem.covers, problem.allowed
    n_days, n_points = w.shape
    n_assets, n_opts = allowed.shape
    nx = n_assets * n_opts * n_days
    xi = np.arange(nx).reshape(n_assets, n_opts, n_days)
    yi = nx + np.arange(n_days * n_points).reshape(n_days, n_points)

    c = np.zeros(nx + n_days * n_points)
    if problem.cost is not None:
        c[:nx] = np.repeat(problem.cost.ravel(), n_days)
    c[nx:] = -w.ravel()
    upper = np.ones_like(c)
    upper[:nx] = np.repeat(allowed.ravel().astype(float), n_days)
    integrality = np.r_[np.ones(nx), np.zeros(n_days * n_points)]

    # one option per asset and day: rows (a, d), Σ_s x[a, s, d] = 1
    r1 = np.broadcast_to(
        (np.arange(n_assets)[:, None, None] * n_days + np.arange(n_days)[None, None, :]), xi.shape
    )
    # patrol days within the budget: rows a, Σ_{s patrol, d} x[a, s, d] ≤ budget[a]
    patrol_x = xi[:, problem.patrol, :]
    r2 = n_assets * n_days + np.broadcast_to(np.arange(n_assets)[:, None, None], patrol_x.shape)
    # coverage: rows (d, j), y[d, j] − Σ_{a, s covering j} x[a, s, d] ≤ 0
    base3 = n_assets * n_days + n_assets
    a_idx, s_idx, j_idx = np.nonzero(cov)
    cov_rows = base3 + np.arange(n_days)[None, :] * n_points + j_idx[:, None]
    cov_cols = xi[a_idx, s_idx, :]
    rows = np.concatenate([r1.ravel(), r2.ravel(), cov_rows.ravel(), base3 + np.arange(n_days * n_points)])
    cols = np.concatenate([xi.ravel(), patrol_x.ravel(), cov_cols.ravel(), yi.ravel()])
    vals = np.concatenate(
        [np.ones(xi.size), np.ones(patrol_x.size), -np.ones(cov_cols.size), np.ones(n_days * n_points)]
    )
    n_rows = base3 + n_days * n_points
    lo = np.concatenate(
        [np.ones(n_assets * n_days), np.full(n_assets, -np.inf), np.full(n_days * n_points, -np.inf)]
    )
    hi = np.concatenate(
        [np.ones(n_assets * n_days), problem.budget.astype(float), np.zeros(n_days * n_points)]
    )
    matrix = coo_matrix((vals, (rows, cols)), shape=(n_rows, len(c))).tocsr()
    res = milp(
        c,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(np.zeros_like(c), upper),
        options={"time_limit": time_limit_s, "disp": False},
    )
    if res.x is None:
        raise RuntimeError(f"posture programme not solved: {res.message}")
    x = np.round(res.x[:nx]).reshape(n_assets, n_opts, n_days)
    choice = np.argmax(x, axis=1).astype(np.int64)  # (A, D)
    covered = np.zeros((n_days, n_points), dtype=bool)
    for d in range(n_days):
        covered[d] = cov[np.arange(n_assets), choice[:, d]].any(axis=0)
    status = "optimal" if res.status == 0 else ("time limit" if res.status == 1 else str(res.message))
    gap = getattr(res, "mip_gap", None)
    return PostureSolution(
        choice, covered, float((w * covered).sum()), status, None if gap is None else float(gap)
    )


# -- the strait's demand points and the coverage matrices -----------------------------------------------


def demand_points(settings: PostureSettings) -> list[DemandPoint]:
    """The embarkation communes (departure areas) and points on the 1988 boundary line (mid-Channel)."""
    places = [f for f in load_layer("places")["features"] if f["properties"]["category"] == "embarkation"]
    sector_of = {c: s for s, communes in SECTORS.items() for c in communes}
    out = [
        DemandPoint(
            f"dep-{f['properties']['name']}",
            f["properties"]["name"],
            "departure",
            float(f["geometry"]["coordinates"][1]),
            float(f["geometry"]["coordinates"][0]),
            1.0 / len(places),
            sector_of.get(f["properties"]["name"]),
        )
        for f in places
    ]
    line_f = next(
        f for f in load_layer("uk_fr_boundary_1988")["features"] if f["geometry"]["type"] == "LineString"
    )
    line = LineString(line_f["geometry"]["coordinates"])
    n = settings.mid_channel_points
    for k in range(n):
        p = line.interpolate((k + 0.5) / n, normalized=True)
        out.append(
            DemandPoint(
                f"mid-{k + 1}",
                f"Mid-Channel {k + 1}",
                "mid_channel",
                p.y,
                p.x,
                settings.mid_channel_weight / n,
                rescue=True,
            )
        )
    return out


@dataclass(slots=True)
class PostureProposal:
    days: list[OutlookDay]
    assets: list[Asset]
    options: list[Station | None]  # None: stand by at home (option 0)
    points: list[DemandPoint]
    problem: PostureProblem
    solution: PostureSolution
    baseline_covered: BoolArray  # (D, J) everyone standing by
    settings: PostureSettings
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (asset id, why)

    def window(self, day: OutlookDay) -> tuple[datetime, datetime]:
        start = datetime.combine(day.date, time(0, 0), UTC) + timedelta(hours=self.settings.window_start_h)
        return start, start + timedelta(hours=self.settings.window_h)

    def to_dict(self) -> dict[str, Any]:
        from watchkeeper.assets.registry import iso

        s = self.settings
        w = self.problem.weight
        sol = self.solution
        days_out = []
        for d, day in enumerate(self.days):
            start, end = self.window(day)
            total = float(w[d].sum())
            plan = []
            for a, asset in enumerate(self.assets):
                opt = int(sol.choice[a, d])
                station = self.options[opt]
                others = np.delete(sol.choice[:, d], a)
                alone = self.problem.covers[a, opt] & ~self.problem.covers[
                    np.delete(np.arange(len(self.assets)), a), others
                ].any(axis=0)
                bought = float((w[d] * alone).sum())
                plan.append(
                    {
                        "asset_id": asset.id,
                        "name": asset.name,
                        "kind": asset.kind.value,
                        "mode": STANDBY if station is None else "patrol",
                        "station_id": STANDBY if station is None else station.id,
                        "station": f"stand by at {asset.home_base or 'base'}"
                        if station is None
                        else station.name,
                        "lat": asset.home[0] if station is None else station.lat,
                        "lon": asset.home[1] if station is None else station.lon,
                        "covers": [self.points[j].name for j in np.flatnonzero(self.problem.covers[a, opt])],
                        "only_cover_people": round(bought, 2),
                    }
                )
            days_out.append(
                {
                    "date": day.date.isoformat(),
                    "p_crossing": day.p_crossing,
                    "expected_boats": day.expected_boats,
                    "expected_people": day.expected_people,
                    "window": {"start": iso(start), "end": iso(end)},
                    "covered_people": round(float((w[d] * sol.covered[d]).sum()), 2),
                    "baseline_people": round(float((w[d] * self.baseline_covered[d]).sum()), 2),
                    "total_people": round(total, 2),
                    "coverage": round(float((w[d] * sol.covered[d]).sum()) / total, 4) if total else None,
                    "baseline_coverage": (
                        round(float((w[d] * self.baseline_covered[d]).sum()) / total, 4) if total else None
                    ),
                    "uncovered": [self.points[j].name for j in np.flatnonzero(~sol.covered[d])],
                    "patrols": sum(1 for p in plan if p["mode"] == "patrol"),
                    "assignments": plan,
                }
            )
        covered = float((w * sol.covered).sum())
        baseline = float((w * self.baseline_covered).sum())
        total = float(w.sum())
        return {
            "method": "mixed-integer programme (scipy.optimize.milp, HiGHS)",
            "status": sol.status,
            "mip_gap": sol.mip_gap,
            "objective": (
                "maximise the expected people covered: over the days and the demand points, the day's "
                "expected people × the point's share, counted when the point is covered; "
                f"a point is covered when an asset can be there within {s.response_s / 60:.0f} min — from a "
                "patrol station at once, from its base after its launch delay "
                f"({', '.join(f'{k.value} {v / 60:.0f} min' for k, v in s.standby_delay_s)}); "
                "mid-Channel points need an asset that can take people on board; a land unit holding a "
                "sector covers its departure communes; a patrol that buys nothing is not sent"
            ),
            "constraints": [
                "one option per asset and day: stand by at its base, or hold one patrol station",
                f"an asset patrols at most {s.patrol_share:.0%} of the days (crew rest)",
                f"a station only where endurance lasts the launch window ({s.window_h:g} h) plus the transit "
                "there and back at cruise speed",
                "lifeboats stand by: they launch on call",
                "vessels and aircraft patrol on their own side of the 1988 boundary line",
                "assets in maintenance are left out",
            ],
            "shares": "departures: equal share per embarkation commune; mid-Channel: equal share per point",
            "totals": {
                "covered_people": round(covered, 2),
                "baseline_people": round(baseline, 2),
                "total_people": round(total, 2),
                "coverage": round(covered / total, 4) if total else None,
                "baseline_coverage": round(baseline / total, 4) if total else None,
                "patrol_days": int((sol.choice > 0).sum()),
            },
            "days": days_out,
            "points": [
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "lat": p.lat,
                    "lon": p.lon,
                    "share": round(p.share, 4),
                }
                for p in self.points
            ],
            "stations": [
                {
                    "id": st.id,
                    "name": st.name,
                    "kind": st.kind.value,
                    "nation": st.nation,
                    "lat": st.lat,
                    "lon": st.lon,
                }
                for st in self.options
                if st is not None
            ],
            "excluded": [{"asset_id": a, "why": why} for a, why in self.excluded],
        }


def _can_patrol(asset: Asset) -> bool:
    return "lifeboat" not in (asset.asset_type or "").lower()


def plan_posture(
    assets: list[Asset],
    outlook: list[OutlookDay],
    router: SeaRouter,
    settings: PostureSettings | None = None,
    stations: tuple[Station, ...] = STATIONS,
) -> PostureProposal:
    """Build the programme for ``assets`` over the ``outlook`` days, solve it, and return the proposal.

    Land units reach only the departure communes of their own coast (all packaged embarkation communes
    are French: a French unit reaches them by road, a Kent patrol does not)."""
    s = settings or PostureSettings()
    excluded = [(a.id, "in maintenance") for a in assets if a.state == AssetState.MAINTENANCE]
    fleet = [a for a in assets if a.state != AssetState.MAINTENANCE]
    points = demand_points(s)
    options: list[Station | None] = [None, *stations]
    n_a, n_s, n_j = len(fleet), len(options), len(points)

    pxy = np.column_stack(to_utm(np.array([p.lon for p in points]), np.array([p.lat for p in points])))
    sxy = np.column_stack(
        to_utm(np.array([st.lon for st in stations]), np.array([st.lat for st in stations]))
    )
    homes = np.array([a.home for a in fleet]).reshape(-1, 2)
    hxy = np.column_stack(to_utm(homes[:, 1], homes[:, 0])) if n_a else np.empty((0, 2))

    sea_cache: dict[tuple[float, float], FloatArray] = {}

    def sea_to_points(p: FloatArray) -> FloatArray:
        key = (float(p[0]), float(p[1]))
        if key not in sea_cache:
            sea_cache[key] = router.distances(np.repeat(p[None], n_j, 0), pxy)
        return sea_cache[key]

    covers = np.zeros((n_a, n_s, n_j), dtype=bool)
    allowed = np.zeros((n_a, n_s), dtype=bool)
    cost = np.zeros((n_a, n_s))
    allowed[:, 0] = True
    departure = np.array([p.kind == "departure" for p in points])
    rescue = np.array([p.rescue for p in points])
    french_point = departure  # departure communes are all French (packaged "embarkation" category)
    for a, asset in enumerate(fleet):
        speed = asset.max_kn * KNOT_MS
        cruise = asset.return_kn * KNOT_MS
        for k, pos in enumerate([hxy[a], *sxy]):
            station = options[k]
            if station is not None:
                if station.kind != asset.kind or (asset.nation and station.nation != asset.nation):
                    continue
                if not _can_patrol(asset):
                    continue
            if asset.kind == AssetKind.SEA:
                dist = sea_to_points(pos)
            elif asset.kind == AssetKind.AIR:
                dist = np.hypot(*(pxy - pos).T)
            else:
                same_coast = french_point if (asset.nation or "FR") == "FR" else ~french_point
                dist = np.where(departure & same_coast, s.land_road_factor * np.hypot(*(pxy - pos).T), np.inf)
            delay = s.delay(asset.kind) if station is None else 0.0
            # mid-Channel: a rescue — reach it in time with room for a boat's people
            reach = rescue & ((delay + dist / speed) <= s.response_s)
            reach &= asset.capacity_persons >= s.rescue_capacity_persons
            # departure areas: a watch — be there through the window, with the point in view
            if station is not None:
                if station.sector is not None:
                    reach |= np.array([p.sector == station.sector for p in points])
                else:
                    radius = (
                        s.sea_watch_m
                        if asset.kind == AssetKind.SEA
                        else (asset.sensor_footprint_m or 0.0) / 2
                    )
                    reach |= departure & (np.hypot(*(pxy - pos).T) <= radius)
            covers[a, k] = reach
            if station is not None:
                if asset.kind == AssetKind.SEA:
                    transit = float(router.distances(hxy[a][None], pos[None])[0])
                elif asset.kind == AssetKind.AIR:
                    transit = float(np.hypot(*(pos - hxy[a])))
                else:
                    transit = s.land_road_factor * float(np.hypot(*(pos - hxy[a])))
                needed_h = s.window_h + (
                    2 * transit / cruise / 3600.0 if asset.kind != AssetKind.LAND else 0.0
                )
                allowed[a, k] = np.isfinite(transit) and asset.endurance_h >= needed_h
                if np.isfinite(transit):
                    cost[a, k] = s.epsilon * (1.0 + transit / cruise / 3600.0)
    covers &= allowed[:, :, None]
    shares = np.array([p.share for p in points])
    weight = np.array([[day.expected_people * sh for sh in shares] for day in outlook]).reshape(
        len(outlook), n_j
    )
    patrol = np.array([o is not None for o in options])
    budget = np.full(n_a, max(1, int(np.floor(s.patrol_share * len(outlook) + 1e-9))), dtype=np.int64)
    problem = PostureProblem(weight, covers, allowed, patrol, budget, cost)
    solution = solve(problem, s.time_limit_s)
    standby_cover: BoolArray = np.asarray(covers[:, 0, :].any(axis=0), dtype=bool)  # (J,)
    baseline = np.repeat(standby_cover[None, :], len(outlook), axis=0)
    return PostureProposal(outlook, fleet, options, points, problem, solution, baseline, s, excluded)


def station_at_sea(router: SeaRouter, station: Station, clearance_m: float = 1000.0) -> bool:
    """True when the (sea or air) station lies in open water at least ``clearance_m`` off the land."""
    x, y = to_utm(station.lon, station.lat)
    p = shapely.Point(float(x), float(y))
    return bool(not router.on_land(float(x), float(y)) and router._tested.distance(p) >= clearance_m)
