"""The live hub's per-clearance filtering against plain fan-out of the same messages, in the same run.

    .venv/bin/python bench/live_filter.py [--clients 50] [--vessels 200] [--messages 2000]

Messages are the AIS picture's ``vessels`` updates (``--vessels`` vessels each, as the AIS ingestor
publishes them, each vessel with its marking; a tenth of them released to UK-FR, resolved through the
sharing service's resolver). Times ``LiveHub.handle`` for ``--clients`` clients:

* ``plain``: every client cleared UK-ONLY and no resolver (the publisher's bytes to every queue: the
  hub as it was before releasability);
* ``filtered``: the clients spread over UK-ONLY, UK-FR and PUBLIC with the resolver (each message
  parsed once, filtered and re-encoded once per clearance level).

Prints messages per second of each, the ratio (filtered / plain) and the time per message; queues are
emptied between messages so nobody is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from watchkeeper.api.live import LiveHub


def message(n_vessels: int, i: int) -> bytes:
    vessels = [
        {
            "mmsi": 200000000 + v,
            "name": f"VESSEL {v}",
            "lat": 50.9 + v * 1e-4,
            "lon": 1.4,
            "sog_kn": 11.2,
            "cog_deg": 45.0,
            "last_seen": "2026-11-26T05:40:00Z",
            "source": "sim",
            "simulated": True,
            "marking": "UK-ONLY",
        }
        for v in range(n_vessels)
    ]
    body = {
        "kind": "vessels",
        "clock": f"2026-11-26T05:{i % 60:02d}:00Z",
        "simulated": True,
        "vessels": vessels,
    }
    return json.dumps(body, separators=(",", ":")).encode()


async def run(hub: LiveHub, clearances: list[str], payloads: list[bytes]) -> float:
    clients = [hub.connect(f"c{i}", c) for i, c in enumerate(clearances)]
    t0 = time.perf_counter()
    for p in payloads:
        await hub.handle("picture.update", p)
        for c in clients:
            while not c.queue.empty():
                c.queue.get_nowait()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--vessels", type=int, default=200)
    ap.add_argument("--messages", type=int, default=2000)
    args = ap.parse_args()
    payloads = [message(args.vessels, i) for i in range(args.messages)]
    released = {200000000 + v: "UK-FR" for v in range(0, args.vessels, 10)}

    def resolver(item: dict[str, object]) -> str | None:
        mmsi = item.get("mmsi")
        return released.get(mmsi, "UK-ONLY") if isinstance(mmsi, int) else None

    plain = asyncio.run(run(LiveHub(maxsize=10), ["UK-ONLY"] * args.clients, payloads))
    mix = ["UK-ONLY", "UK-FR", "PUBLIC"]
    filtered = asyncio.run(
        run(LiveHub(maxsize=10, resolver=resolver), [mix[i % 3] for i in range(args.clients)], payloads)
    )
    n = args.messages
    print(f"clients {args.clients}, vessels per message {args.vessels}, messages {n}")
    print(f"plain     {n / plain:10.0f} msg/s  {plain / n * 1e3:7.3f} ms/msg")
    print(f"filtered  {n / filtered:10.0f} msg/s  {filtered / n * 1e3:7.3f} ms/msg")
    print(f"ratio filtered/plain throughput {plain / filtered:.3f}")


if __name__ == "__main__":
    main()
