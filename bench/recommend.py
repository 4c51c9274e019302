"""Benchmark: recommendations for 200 assets against 100 incidents (target: under one second).

Peer, measured in the same run: the same algorithm called one asset at a time (no vectorisation over the
fleet), as a straightforward implementation would do it. The sea router is built once per process (as in
the service) and its build time is printed separately.

    .venv/bin/python bench/recommend.py [--assets 200] [--incidents 100] [--peer-incidents 10]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import numpy as np

from watchkeeper.assets.model import Asset, AssetKind, Target
from watchkeeper.assets.recommend import Recommender
from watchkeeper.geo.land import land_utm

HARBOURS = {  # (lat, lon) of harbour entrances and bases
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


def make_fleet(n: int, rng: np.random.Generator) -> list[Asset]:
    fleet: list[Asset] = []
    names = list(HARBOURS)
    for i in range(n):
        r = rng.random()
        if r < 0.6:  # sea: half in harbour, half on patrol in the strait
            if rng.random() < 0.5:
                lat, lon = HARBOURS[names[i % len(names)]]
            else:
                lat, lon = rng.uniform(50.85, 51.2), rng.uniform(1.1, 1.9)
            fleet.append(
                Asset(
                    f"S{i}",
                    AssetKind.SEA,
                    lat,
                    lon,
                    float(rng.uniform(18, 30)),
                    float(rng.uniform(6, 48)),
                    int(rng.integers(20, 150)),
                )
            )
        elif r < 0.8:
            lat, lon = list(AIRFIELDS.values())[i % len(AIRFIELDS)]
            fleet.append(
                Asset(
                    f"A{i}",
                    AssetKind.AIR,
                    lat,
                    lon,
                    float(rng.uniform(60, 150)),
                    float(rng.uniform(2, 12)),
                    int(rng.integers(0, 20)),
                )
            )
        else:
            lat, lon = rng.uniform(50.7, 51.05), rng.uniform(1.6, 2.3)  # French coastal sectors
            fleet.append(Asset(f"L{i}", AssetKind.LAND, lat, lon, 30.0, 10.0, 0))
    return fleet


def make_incidents(n: int, rng: np.random.Generator) -> list[Target]:
    t0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    return [
        Target(
            float(rng.uniform(50.85, 51.05)),
            float(rng.uniform(1.3, 1.8)),
            float(rng.uniform(0, 8)),
            float(rng.uniform(280, 340)),
            t0,
            int(rng.integers(30, 66)),
        )
        for _ in range(n)
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=200)
    ap.add_argument("--incidents", type=int, default=100)
    ap.add_argument("--peer-incidents", type=int, default=10)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    fleet, incidents = make_fleet(args.assets, rng), make_incidents(args.incidents, rng)

    t = time.perf_counter()
    rec = Recommender(land_utm())
    build = time.perf_counter() - t

    t = time.perf_counter()
    ours = [rec.recommend(fleet, inc) for inc in incidents]
    ours_s = time.perf_counter() - t

    peer_n = min(args.peer_incidents, args.incidents)
    t = time.perf_counter()
    peer = [[r for a in fleet for r in rec.recommend([a], inc)] for inc in incidents[:peer_n]]
    peer_s = (time.perf_counter() - t) * args.incidents / peer_n

    same = all(
        pytest_approx({r.asset_id: r.eta_s for r in o}) == pytest_approx({r.asset_id: r.eta_s for r in p})
        for o, p in zip(ours[:peer_n], peer, strict=True)
    )
    feasible = sum(r.feasible for rs in ours for r in rs)
    print(f"router build (once per process): {build:.2f} s, {len(rec.router.nodes)} corners")
    print(
        f"ours: {args.assets} assets x {args.incidents} incidents in {ours_s:.3f} s "
        f"({ours_s / args.incidents * 1e3:.1f} ms per incident); {feasible} feasible pairs"
    )
    print(f"peer (one asset at a time, {peer_n} incidents, scaled): {peer_s:.3f} s")
    print(f"ratio peer/ours: {peer_s / ours_s:.1f}x; same ETAs as peer: {same}")
    print(f"target < 1 s: {'met' if ours_s < 1.0 else 'NOT met'}")


def pytest_approx(d: dict[str, float | None]) -> dict[str, float | None]:
    return {k: (None if v is None else round(v, 0)) for k, v in d.items()}


if __name__ == "__main__":
    main()
