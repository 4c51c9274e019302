"""Benchmark: recommendations for 200 assets against 100 incidents (target: under one second).

Ours: ``Recommender.recommend`` for each incident over the whole fleet (intercept times with routes round
the real coastline, landing, endurance, capacity, explanations). The sea router is built once per process,
as in the service, and its build time is printed apart. "cold" is the first pass (the router's per-point
caches empty), "warm" a second pass over the same incidents.

Peer, measured in the same run: a straightforward per-pair implementation with shapely and scipy
(``bench/_recommend_peer.py``: per-pair visibility graph + Dijkstra, brentq on the intercept equation),
on ``--peer-incidents`` incidents, scaled to all. Its ETAs check ours.

Fleet and incidents are SIMULATED (seeded): sea assets at real harbour entrances or on patrol in open
water, aircraft at real airfields, land units in coastal towns; small boats in the water off the French
coast heading north-west.

    .venv/bin/python bench/recommend.py [--assets 200] [--incidents 100] [--peer-incidents 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).parent))

from _recommend_peer import PeerRouter, intercept_time
from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target
from watchkeeper.assets.motion import KNOT_MS, TargetMotion
from watchkeeper.assets.recommend import Recommender
from watchkeeper.geo.frames import to_utm
from watchkeeper.geo.land import land_utm

HARBOURS = {  # (lat, lon) of harbour entrances
    "Dover": (51.112, 1.335),
    "Folkestone": (51.078, 1.195),
    "Ramsgate": (51.325, 1.42),
    "Dungeness": (50.913, 0.975),
    "Newhaven": (50.78, 0.06),
    "Calais": (50.97, 1.855),
    "Boulogne": (50.73, 1.58),
    "Dunkerque": (51.06, 2.35),
}
AIRFIELDS = {"Lydd": (50.956, 0.939), "Manston": (51.342, 1.346), "Le Touquet": (50.517, 1.621)}
TOWNS = [(51.13, 1.30), (51.07, 1.18), (50.95, 1.85), (50.99, 2.13), (50.89, 1.66), (50.72, 1.61)]


def _water_point(
    rec: Recommender, rng: np.random.Generator, lon: tuple[float, float], lat: tuple[float, float]
) -> tuple[float, float]:
    """A random point at least 1 km off the land in the box (lat, lon)."""
    while True:
        la, lo = rng.uniform(*lat), rng.uniform(*lon)
        x, y = to_utm(lo, la)
        if rec.router._tested.distance(shapely.Point(float(x), float(y))) >= 1000.0:
            return la, lo


def make_fleet(n: int, rng: np.random.Generator, rec: Recommender) -> list[Asset]:
    fleet: list[Asset] = []
    names = list(HARBOURS)
    for i in range(n):
        r = rng.random()
        state = AssetState.AVAILABLE if rng.random() < 0.85 else AssetState.TASKED
        if r < 0.6:  # sea: half in harbour, half on patrol in the strait
            home = HARBOURS[names[i % len(names)]]
            lat, lon = home if rng.random() < 0.5 else _water_point(rec, rng, (0.9, 2.4), (50.6, 51.4))
            kn = float(rng.uniform(18, 30))
            endurance, capacity = float(rng.uniform(6, 48)), int(rng.integers(20, 150))
            fleet.append(
                Asset(f"S{i}", AssetKind.SEA, lat, lon, kn, endurance, capacity, state, cruise_kn=kn * 0.6,
                      home_lat=home[0], home_lon=home[1])
            )  # fmt: skip
        elif r < 0.8:
            lat, lon = list(AIRFIELDS.values())[i % len(AIRFIELDS)]
            kn, endurance = float(rng.uniform(60, 150)), float(rng.uniform(2, 12))
            fleet.append(
                Asset(f"A{i}", AssetKind.AIR, lat, lon, kn, endurance, int(rng.integers(0, 20)), state)
            )
        else:
            lat, lon = TOWNS[i % len(TOWNS)]
            fleet.append(Asset(f"L{i}", AssetKind.LAND, lat, lon, 30.0, 10.0, 0, state))
    return fleet


def make_incidents(n: int, rng: np.random.Generator, rec: Recommender) -> list[Target]:
    t0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    out = []
    for _ in range(n):
        lat, lon = _water_point(rec, rng, (1.2, 2.3), (50.7, 51.15))
        out.append(
            Target(
                lat,
                lon,
                float(rng.uniform(0, 8)),
                float(rng.uniform(280, 340)),
                t0,
                int(rng.integers(30, 66)),
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--incidents", type=int, default=100)
    ap.add_argument("--peer-incidents", type=int, default=2)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)

    t = time.perf_counter()
    rec = Recommender(land_utm())
    build = time.perf_counter() - t
    fleet, incidents = make_fleet(args.assets, rng, rec), make_incidents(args.incidents, rng, rec)

    rec.router.segment_tests = 0
    t = time.perf_counter()
    ours = [rec.recommend(fleet, inc) for inc in incidents]
    cold_s = time.perf_counter() - t
    tests = rec.router.segment_tests
    t = time.perf_counter()
    for inc in incidents:
        rec.recommend(fleet, inc)
    warm_s = time.perf_counter() - t

    peer = PeerRouter(rec.router)
    peer_n = min(args.peer_incidents, args.incidents)
    movers = [a for a in fleet if a.kind != AssetKind.LAND and a.state == AssetState.AVAILABLE]
    diffs: list[float] = []
    t = time.perf_counter()
    for inc, recs in zip(incidents[:peer_n], ours[:peer_n], strict=True):
        motion = TargetMotion.from_target(inc).stopped_at(rec.landing_time(TargetMotion.from_target(inc)))
        by_id = {r.asset_id: r.eta_s for r in recs}
        for a in movers:
            x, y = to_utm(a.lon, a.lat)
            eta = intercept_time(
                peer, np.array([float(x), float(y)]), a.max_kn * KNOT_MS, motion, a.kind == AssetKind.SEA
            )
            mine = by_id[a.id]
            if np.isfinite(eta) != (mine is not None):
                diffs.append(np.inf)
            elif mine is not None:
                diffs.append(abs(mine - eta))
    peer_s = (time.perf_counter() - t) * args.incidents / peer_n

    d = np.array(diffs)
    feasible = sum(r.feasible for rs in ours for r in rs)
    print("fleet and incidents: SIMULATED (seeded)")
    print(f"router build (once per process): {build:.2f} s, {len(rec.router.nodes)} corners")
    print(
        f"ours: {args.assets} assets x {args.incidents} incidents: cold {cold_s:.3f} s "
        f"({cold_s / args.incidents * 1e3:.1f} ms per incident), warm {warm_s:.3f} s; "
        f"{feasible} feasible pairs; {tests} exact segment tests"
    )
    print(
        f"peer (per pair, shapely + scipy; {peer_n} incidents x {len(movers)} assets, scaled): {peer_s:.1f} s"
    )
    print(f"ratio peer/ours (cold): {peer_s / cold_s:.0f}x")
    print(
        f"ETAs against the peer: {len(d)} pairs, max |diff| {d.max():.1f} s, "
        f"{(d <= 5).mean() * 100:.1f}% within 5 s"
    )
    print(f"target < 1 s: {'met' if cold_s < 1.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
