"""SIMULATED targets and their motion, vectorised: one numpy array per attribute, one slot per target.

Behaviours follow ``../shared/scenarios/README.md``:

- small boats (no AIS, 30–65 persons) launch ~600 m off a French embarkation commune, or are already
  under way 10–85 % along their route, and head for a point ~1 km off Kent between Hythe and Deal at
  4–8 kn; the course wanders (uniform ±4° per 0.5 s, mean-reverting, σ ≈ 5°). Some stop (engine
  failure) and then drift at 0.4–1.2 kn toward ~045° or ~225° (the tidal axis). A boat that arrives
  leaves the picture;
- ships at 10–20 kn along the TSS lanes (course 057° NE-bound, French side; 237° SW-bound, English
  side); a ship leaving the lane's end is replaced by a new ship entering at the other end;
- ferries at 17–21 kn shuttle between the Dover and Calais approaches;
- fishing boats at 2–4 kn on wandering courses a few km off either coast, turning away from land.

Positions lon/lat (WGS84 degrees), moved along geodesics; speeds knots; courses degrees true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from watchkeeper.sim import identity as ident
from watchkeeper.sim import world
from watchkeeper.sim.world import BoolArray, FloatArray, LandMask, Place

IntArray = npt.NDArray[np.int64]

STEP_S = 0.5
"""Motion step, seconds (the README's wander is stated per half second)."""
ARRIVE_M = 300.0


class Kind(IntEnum):
    SMALL_BOAT = 0
    SHIP = 1
    FERRY = 2
    FISHING = 3


KIND_NAMES = ("small_boat", "ship", "ferry", "fishing")


@dataclass(frozen=True, slots=True)
class Mix:
    """How many targets of each kind, and how the small boats behave."""

    small_boats: int
    ships: int
    ferries: int
    fishing: int
    stop_frac: float = 0.25
    at_sea_frac: float = 0.5
    launch_window_s: float = 1800.0

    @property
    def total(self) -> int:
        return self.small_boats + self.ships + self.ferries + self.fishing


def mix_for_targets(n: int, small_boats: int | None = None, duration_s: float = 120.0) -> Mix:
    """A plausible mix of ``n`` targets for benchmarks: 30 % small boats unless given, of the rest
    ~6 % ferries (at least 1 when n ≥ 5), 15 % fishing, the others ships in the lanes."""
    k = round(0.3 * n) if small_boats is None else small_boats
    if not 0 <= k <= n:
        raise ValueError(f"small boats {k} not within 0..{n}")
    rest = n - k
    ferries = min(rest, max(1 if n >= 5 else 0, round(0.06 * rest)))
    fishing = min(rest - ferries, round(0.15 * rest))
    return Mix(k, rest - ferries - fishing, ferries, fishing, launch_window_s=0.6 * duration_s)


@dataclass(slots=True)
class Fleet:
    """All targets, one slot each. Slot order is fixed; a slot's ``serial`` changes when reused."""

    kind: IntArray
    serial: IntArray
    lat: FloatArray
    lon: FloatArray
    sog_kn: FloatArray
    cog_deg: FloatArray
    active: BoolArray
    launch_s: FloatArray
    launched_from_beach: BoolArray
    persons: IntArray
    cruise_kn: FloatArray
    wander_deg: FloatArray
    dest_lat: FloatArray
    dest_lon: FloatArray
    stop_s: FloatArray
    drift_kn: FloatArray
    drift_deg: FloatArray
    lane_dir: IntArray
    ais_due_s: FloatArray
    static_due_s: FloatArray
    identities: list[ident.Identity | None] = field(default_factory=list)
    next_serial: int = 0

    @property
    def has_ais(self) -> BoolArray:
        return np.array([i is not None for i in self.identities], dtype=bool)

    def target_id(self, slot: int) -> str:
        return f"T{int(self.serial[slot]):04d}"


def _lane_position(along_m: FloatArray, cross_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Lon/lat from TSS-axis coordinates (along 057°, cross positive toward 147°)."""
    n = along_m.shape
    lon0, lat0 = np.full(n, world.TSS_AXIS_LON), np.full(n, world.TSS_AXIS_LAT)
    az = np.where(along_m >= 0, world.TSS_AXIS_DEG, world.TSS_AXIS_DEG + 180.0)
    lon1, lat1 = world.forward(lon0, lat0, az, np.abs(along_m))
    az2 = np.where(cross_m >= 0, world.TSS_AXIS_DEG + 90.0, world.TSS_AXIS_DEG - 90.0)
    return world.forward(lon1, lat1, az2, np.abs(cross_m))


def along_axis(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Signed distance (m) along the TSS axis from the axis point (positive toward 057°)."""
    az, dist = world.inverse(world.TSS_AXIS_LON, world.TSS_AXIS_LAT, lon, lat)
    return np.asarray(dist * np.cos(np.radians(az - world.TSS_AXIS_DEG)), dtype=float)


def _ship_start(
    rng: np.random.Generator, northbound: BoolArray, along: FloatArray
) -> tuple[FloatArray, FloatArray]:
    cross = np.where(northbound, 1.0, -1.0) * world.TSS_LANE_OFFSET_M + rng.uniform(
        -world.TSS_LANE_HALF_WIDTH_M, world.TSS_LANE_HALF_WIDTH_M, northbound.shape
    )
    return _lane_position(along, cross)


def _small_boat_routes(
    rng: np.random.Generator, k: int, land: LandMask, places: tuple[Place, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Launch points (~600 m off an embarkation commune) and destinations (~1 km off Kent)."""
    starts = [p for p in places if p.country == "FR" and p.category == "embarkation"]
    by_name = {p.name: p for p in places}
    kent = [by_name[n] for n in world.LANDING_TOWNS]
    launch_cache: dict[str, tuple[float, float]] = {}
    out = np.zeros((4, k))
    for i in range(k):
        src = starts[int(rng.integers(len(starts)))]
        seg = int(rng.integers(len(kent) - 1))
        f = float(rng.uniform())
        a, b = kent[seg], kent[seg + 1]
        clat, clon = a.lat + f * (b.lat - a.lat), a.lon + f * (b.lon - a.lon)
        if src.name not in launch_cache:
            toward, _ = world.inverse(src.lon, src.lat, np.array([1.30]), np.array([51.13]))
            launch_cache[src.name] = world.offshore_point(land, src.lat, src.lon, float(toward[0]), 600.0)
        slat, slon = launch_cache[src.name]
        back, _ = world.inverse(clon, clat, np.array([slon]), np.array([slat]))
        dlat, dlon = world.offshore_point(land, clat, clon, float(back[0]), 1000.0)
        out[:, i] = (slat, slon, dlat, dlon)
    return out[0], out[1], out[2], out[3]


def _fishing_positions(
    rng: np.random.Generator, n: int, land: LandMask, places: tuple[Place, ...]
) -> tuple[FloatArray, FloatArray]:
    """Points 3–12 km from a coastal town, at sea and in radar coverage (rejection sampling)."""
    lats: list[float] = []
    lons: list[float] = []
    plat = np.array([p.lat for p in places])
    plon = np.array([p.lon for p in places])
    while len(lats) < n:
        m = 4 * (n - len(lats)) + 8
        pick = rng.integers(0, len(places), m)
        lon, lat = world.forward(plon[pick], plat[pick], rng.uniform(0, 360, m), rng.uniform(3e3, 12e3, m))
        ok = ~land.contains(lon, lat) & world.in_coverage(lon, lat)
        lats.extend(lat[ok].tolist())
        lons.extend(lon[ok].tolist())
    return np.array(lats[:n]), np.array(lons[:n])


def make_fleet(
    rng: np.random.Generator,
    mix: Mix,
    duration_s: float,
    land: LandMask,
    places: tuple[Place, ...],
) -> Fleet:
    """Place every target at t = 0 (slots: small boats, ships, ferries, fishing)."""
    n = mix.total
    k, s, fe, fi = mix.small_boats, mix.ships, mix.ferries, mix.fishing
    kind = np.repeat(
        np.array([Kind.SMALL_BOAT, Kind.SHIP, Kind.FERRY, Kind.FISHING], dtype=np.int64), [k, s, fe, fi]
    )
    z = np.zeros(n)
    fleet = Fleet(
        kind=kind, serial=np.arange(n, dtype=np.int64), lat=z.copy(), lon=z.copy(), sog_kn=z.copy(),
        cog_deg=z.copy(), active=np.ones(n, dtype=bool), launch_s=z.copy(),
        launched_from_beach=np.zeros(n, dtype=bool), persons=np.zeros(n, dtype=np.int64),
        cruise_kn=z.copy(), wander_deg=z.copy(), dest_lat=z.copy(), dest_lon=z.copy(),
        stop_s=np.full(n, np.inf), drift_kn=z.copy(), drift_deg=z.copy(),
        lane_dir=np.zeros(n, dtype=np.int64), ais_due_s=np.full(n, np.inf), static_due_s=np.full(n, np.inf),
        identities=[None] * n, next_serial=n,
    )  # fmt: skip
    sb = slice(0, k)
    slat, slon, dlat, dlon = _small_boat_routes(rng, k, land, places)
    fleet.dest_lat[sb], fleet.dest_lon[sb] = dlat, dlon
    fleet.cruise_kn[sb] = rng.uniform(4.0, 8.0, k)
    fleet.persons[sb] = rng.integers(30, 66, k)
    at_sea = rng.uniform(size=k) < mix.at_sea_frac
    frac = rng.uniform(0.10, 0.85, k)
    az, dist = world.inverse(slon, slat, dlon, dlat)
    alon, alat = world.forward(slon, slat, az, frac * dist)
    fleet.lat[sb] = np.where(at_sea, alat, slat)
    fleet.lon[sb] = np.where(at_sea, alon, slon)
    fleet.launch_s[sb] = np.where(at_sea, 0.0, rng.uniform(0.0, min(mix.launch_window_s, duration_s), k))
    fleet.launched_from_beach[sb] = ~at_sea
    fleet.active[sb] = at_sea
    stops = rng.uniform(size=k) < mix.stop_frac
    fleet.stop_s[sb] = np.where(stops, rng.uniform(fleet.launch_s[sb], duration_s), np.inf)
    fleet.drift_kn[sb] = rng.uniform(0.4, 1.2, k)
    fleet.drift_deg[sb] = np.where(rng.uniform(size=k) < 0.5, 45.0, 225.0) + rng.normal(0.0, 10.0, k)
    fleet.sog_kn[sb] = fleet.cruise_kn[sb]
    fleet.cog_deg[sb] = world.inverse(fleet.lon[sb], fleet.lat[sb], dlon, dlat)[0]

    sh = slice(k, k + s)
    north = rng.uniform(size=s) < 0.5
    fleet.lane_dir[sh] = np.where(north, 1, -1)
    fleet.lon[sh], fleet.lat[sh] = _ship_start(
        rng, north, rng.uniform(world.TSS_ALONG_MIN_M, world.TSS_ALONG_MAX_M, s)
    )[0:2]
    fleet.cruise_kn[sh] = rng.uniform(10.0, 20.0, s)
    fleet.cog_deg[sh] = np.where(north, world.TSS_AXIS_DEG, world.TSS_AXIS_DEG + 180.0)
    for i in range(k, k + s):
        fleet.identities[i] = ident.ship_identity(rng, int(fleet.serial[i]), bool(fleet.lane_dir[i] > 0))

    fr = slice(k + s, k + s + fe)
    dover_lat, dover_lon = world.DOVER_APPROACH
    calais_lat, calais_lon = world.CALAIS_APPROACH
    to_calais = rng.uniform(size=fe) < 0.5
    fleet.lane_dir[fr] = np.where(to_calais, 1, -1)  # +1 toward Calais
    route_az, route_m = world.inverse(dover_lon, dover_lat, np.array([calais_lon]), np.array([calais_lat]))
    flon, flat = world.forward(
        np.full(fe, dover_lon),
        np.full(fe, dover_lat),
        np.full(fe, route_az[0]),
        rng.uniform(0.05, 0.95, fe) * route_m[0],
    )
    fleet.lon[fr], fleet.lat[fr] = flon, flat
    fleet.cruise_kn[fr] = rng.uniform(17.0, 21.0, fe)
    for i in range(k + s, k + s + fe):
        fleet.identities[i] = ident.ferry_identity(rng, int(fleet.serial[i]), bool(fleet.lane_dir[i] > 0))

    fs = slice(k + s + fe, n)
    fleet.lat[fs], fleet.lon[fs] = _fishing_positions(rng, fi, land, places)
    fleet.cruise_kn[fs] = rng.uniform(2.0, 4.0, fi)
    fleet.cog_deg[fs] = rng.uniform(0.0, 360.0, fi)
    for i in range(k + s + fe, n):
        fleet.identities[i] = ident.fishing_identity(rng, int(fleet.serial[i]))

    vessels = slice(k, n)
    fleet.sog_kn[vessels] = fleet.cruise_kn[vessels]
    fleet.ais_due_s[vessels] = rng.integers(0, 10, n - k).astype(float)
    fleet.static_due_s[vessels] = fleet.ais_due_s[vessels] + rng.integers(0, 30, n - k)
    _steer_ferries(fleet)
    return fleet


def _steer_ferries(fleet: Fleet) -> None:
    """Point each ferry at its port; turn around on arrival (ro-ro turnaround not modelled)."""
    fr = np.flatnonzero(fleet.kind == Kind.FERRY)
    if not fr.size:
        return
    to_calais = fleet.lane_dir[fr] > 0
    tlat = np.where(to_calais, world.CALAIS_APPROACH[0], world.DOVER_APPROACH[0])
    tlon = np.where(to_calais, world.CALAIS_APPROACH[1], world.DOVER_APPROACH[1])
    az, dist = world.inverse(fleet.lon[fr], fleet.lat[fr], tlon, tlat)
    arrived = dist < ARRIVE_M
    fleet.lane_dir[fr[arrived]] *= -1
    for i in fr[arrived]:
        identity = fleet.identities[int(i)]
        if identity is not None:
            identity.destination = "CALAIS" if fleet.lane_dir[i] > 0 else "DOVER"
    fleet.cog_deg[fr] = np.where(arrived, np.mod(az + 180.0, 360.0), az)


def _respawn_ships(rng: np.random.Generator, fleet: Fleet, t_s: float) -> None:
    """A ship past its lane's end leaves; a new ship (new serial, MMSI, name) enters the lane."""
    sh = np.flatnonzero(fleet.kind == Kind.SHIP)
    if not sh.size:
        return
    along = along_axis(fleet.lon[sh], fleet.lat[sh])
    north = fleet.lane_dir[sh] > 0
    gone = np.where(north, along > world.TSS_ALONG_MAX_M, along < world.TSS_ALONG_MIN_M)
    for i in sh[gone]:
        n = np.array([fleet.lane_dir[i] > 0])
        start = np.array([world.TSS_ALONG_MIN_M if n[0] else world.TSS_ALONG_MAX_M])
        lon, lat = _ship_start(rng, n, start)
        fleet.lon[i], fleet.lat[i] = lon[0], lat[0]
        fleet.serial[i] = fleet.next_serial
        fleet.next_serial += 1
        fleet.cruise_kn[i] = fleet.sog_kn[i] = rng.uniform(10.0, 20.0)
        fleet.identities[i] = ident.ship_identity(rng, int(fleet.serial[i]), bool(n[0]))
        fleet.ais_due_s[i] = np.ceil(t_s)
        fleet.static_due_s[i] = np.ceil(t_s)


def advance(rng: np.random.Generator, fleet: Fleet, t_s: float, land: LandMask) -> None:
    """Move every active target from ``t_s`` to ``t_s + STEP_S`` (same draws whatever the state)."""
    n = fleet.kind.shape[0]
    u = rng.uniform(-1.0, 1.0, n)
    sb = fleet.kind == Kind.SMALL_BOAT
    under_way = sb & fleet.active & (t_s < fleet.stop_s)
    drifting = sb & fleet.active & (t_s >= fleet.stop_s)
    # wander: uniform ±4° per step, mean-reverting (stationary σ ≈ 5°); ships ±0.5°, fishing ±6° free
    fleet.wander_deg = np.where(sb, 0.9 * fleet.wander_deg + 4.0 * u, fleet.wander_deg)
    ships = fleet.kind == Kind.SHIP
    fleet.wander_deg = np.where(ships, 0.9 * fleet.wander_deg + 0.4 * u, fleet.wander_deg)
    if under_way.any():
        to_dest, dist = world.inverse(
            fleet.lon[under_way], fleet.lat[under_way], fleet.dest_lon[under_way], fleet.dest_lat[under_way]
        )
        fleet.cog_deg[under_way] = np.mod(to_dest + fleet.wander_deg[under_way], 360.0)
        fleet.sog_kn[under_way] = fleet.cruise_kn[under_way]
        idx = np.flatnonzero(under_way)[dist < ARRIVE_M]
        fleet.active[idx] = False  # arrived: leaves the picture
        fleet.launch_s[idx] = np.inf
    fleet.cog_deg[drifting] = np.mod(fleet.drift_deg[drifting] + fleet.wander_deg[drifting], 360.0)
    fleet.sog_kn[drifting] = fleet.drift_kn[drifting]
    fleet.cog_deg[ships] = np.mod(
        np.where(fleet.lane_dir[ships] > 0, 0.0, 180.0) + world.TSS_AXIS_DEG + fleet.wander_deg[ships], 360.0
    )
    fish = fleet.kind == Kind.FISHING
    fleet.cog_deg[fish] = np.mod(fleet.cog_deg[fish] + 6.0 * u[fish], 360.0)
    _steer_ferries(fleet)

    move = fleet.active
    step_m = fleet.sog_kn[move] * world.KNOT_MS * STEP_S
    lon, lat = world.forward(fleet.lon[move], fleet.lat[move], fleet.cog_deg[move], step_m)
    blocked = (fleet.kind[move] == Kind.FISHING) & land.contains(lon, lat)
    idx = np.flatnonzero(move)
    fleet.lon[idx[~blocked]], fleet.lat[idx[~blocked]] = lon[~blocked], lat[~blocked]
    fleet.cog_deg[idx[blocked]] = np.mod(fleet.cog_deg[idx[blocked]] + 180.0, 360.0)  # turn from the shore

    t_next = t_s + STEP_S
    launch = sb & ~fleet.active & (fleet.launch_s <= t_next)
    fleet.active[launch] = True
    _respawn_ships(rng, fleet, t_next)
