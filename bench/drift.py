"""Benchmark: a drift of 5,000 particles over 12 hours, from the request to the search area on the page.

Target: the search area on the page within 10 s of the request. Measured, in one process:

* **peer** — OpenDrift's own Leeway run, bare: same object categories, seeding, readers (constant wind,
  the tidal-stream reader), time step and landmask, no products;
* **drift** — ``watchkeeper.sar.drift.run_drift`` (the same run with our checks and progress hook);
* **products** — 50%/90% areas, probability grids and stranding for the 13 hours, a search plan, the
  GeoJSON (``sar.service.compute`` minus the run);
* **api** — ``POST /api/sar/drifts`` through the real app (TestClient, temp SQLite): validation, the
  run in the worker thread, storing, the JSON response: what the page waits for.

The model's one-off start (imports, the GSHHG landmask) is printed apart: the service pays it once at
its first request (``GET /api/sar/info`` starts it when the Drift view opens).

    .venv/bin/python bench/drift.py [--particles 5000] [--hours 12] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
LAT, LON = 51.0, 1.5
WIND = (8.0, 225.0)


def _peer(particles: int, hours: int) -> float:
    import numpy as np
    from opendrift.models.leeway import Leeway

    from watchkeeper.sar import readers
    from watchkeeper.sar.objects import ObjectType, categories_for

    began = time.perf_counter()
    model = Leeway(loglevel=50)
    model.add_reader([readers.constant_wind(*WIND), readers.TidalStreamReader()])
    model.set_config("general:use_auto_landmask", True)
    model.set_config("general:coastline_action", "stranding")
    np.random.seed(1)
    for coeffs, share in categories_for(ObjectType.INFLATABLE):
        model.seed_elements(lon=LON, lat=LAT, radius=100.0, number=round(particles * share),
                            time=START.replace(tzinfo=None), object_type=coeffs.index)  # fmt: skip
    model.run(duration=timedelta(hours=hours), time_step=timedelta(minutes=10),
              time_step_output=timedelta(hours=1))  # fmt: skip
    return time.perf_counter() - began


def api_round_trip(tmp: Path, particles: int, hours: int, repeat: int) -> list[float]:
    """Seconds per ``POST /api/sar/drifts`` through the real app on a temp SQLite store."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from watchkeeper.api import Runtime, create_app
    from watchkeeper.core.settings import Settings
    from watchkeeper.store.db import open_store

    settings = Settings(data_dir=tmp, secret_key="bench-secret-" + "x" * 40, token_ttl_s=3600)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    runtime = Runtime(settings, engine=open_store(f"sqlite:///{tmp / 'bench.db'}"), password_hasher=hasher)
    runtime.users.add("officer", "bench password 1234", ("watch_officer",), "UK-ONLY", START)
    body = {"lat": LAT, "lon": LON, "time": START.isoformat(), "object": "inflatable", "hours": hours,
            "particles": particles, "wind": {"speed_ms": WIND[0], "from_deg": WIND[1]},
            "search": {"speed_kn": 20.0, "sweep_width_nm": 0.5}}  # fmt: skip
    times: list[float] = []
    with TestClient(create_app(settings, runtime)) as client:
        token = client.post(
            "/api/auth/login", json={"username": "officer", "password": "bench password 1234"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for _ in range(repeat):
            t0 = time.perf_counter()
            resp = client.post("/api/sar/drifts", json=body, headers=headers)
            times.append(time.perf_counter() - t0)
            assert resp.status_code == 201, resp.text
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--particles", type=int, default=5000)
    parser.add_argument("--hours", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    began = time.perf_counter()
    from watchkeeper.sar.drift import DriftRequest, landmask, run_drift
    from watchkeeper.sar.objects import ObjectType
    from watchkeeper.sar.search import SearchAsset
    from watchkeeper.sar.service import SearchRequest, compute

    landmask()
    print(f"one-off start (imports + GSHHG landmask): {time.perf_counter() - began:.2f} s")

    request = DriftRequest(lat=LAT, lon=LON, start=START, object_type=ObjectType.INFLATABLE, hours=args.hours,
                           particles=args.particles, wind_const=WIND)  # fmt: skip
    search = SearchRequest(SearchAsset("ALB", 20.0, 0.5))
    peer, drift, total, size = [], [], [], 0
    for _ in range(args.repeat):
        peer.append(_peer(args.particles, args.hours))
        t0 = time.perf_counter()
        run_drift(request)
        drift.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        answer = compute(request, search)
        body = json.dumps({"geojson": answer.geojson, "grids": answer.grids, "plan": answer.plan})
        total.append(time.perf_counter() - t0)
        size = len(body)
    med = statistics.median
    products = med(total) - med(drift)
    print(f"{args.particles} particles x {args.hours} h, median of {args.repeat}:")
    print(f"  peer  bare OpenDrift Leeway run      {med(peer):6.2f} s")
    ratio = med(drift) / med(peer)
    print(f"  drift run_drift                      {med(drift):6.2f} s   ratio to peer {ratio:.2f}")
    print(f"  products (areas, grids, plan, JSON)  {products:6.2f} s")
    ratio = med(total) / med(peer)
    print(f"  compute + JSON                       {med(total):6.2f} s   ratio to peer {ratio:.2f}")
    print(f"  response body                        {size / 1e6:6.2f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        api = api_round_trip(Path(tmp), args.particles, args.hours, args.repeat)
    verdict = "within" if med(api) <= 10.0 else "OVER"
    print(f"  api   POST /api/sar/drifts           {med(api):6.2f} s   ({verdict} the 10 s target)")


if __name__ == "__main__":
    main()
