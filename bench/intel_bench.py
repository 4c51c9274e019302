"""Intel benchmarks: network analysis against bare networkx, evidence packages against bare hashing.

1. ``analyse()`` (degree, betweenness, eigenvector, Louvain, articulation points, facilitators) on
   seeded relaxed-caveman graphs (groups of 10 with a few cross-links: the shape of a smuggling
   network), against networkx's ``betweenness_centrality`` alone on the same graph — the ratio is what
   the rest of the analysis costs on top of its dominant part.
2. Building and verifying a package of N items (canonical JSON, SHA-256 per item, chain, Ed25519,
   ZIP) against bare ``hashlib.sha256`` over the same item bytes — the ratio is the cost of the format
   on top of the hashing any verification must do.

    .venv/bin/python bench/intel_bench.py [--items 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import time

import networkx as nx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.intel.evidence.package import PackageItem, build_package, canonical_json, verify_bytes
from watchkeeper.intel.network import EdgeIn, NodeIn, analyse


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_network() -> None:
    print("network analysis (best of 3, seconds)")
    print(f"{'nodes':>6} {'edges':>6} {'analyse':>9} {'nx betweenness':>15} {'ratio':>6}")
    for groups in (20, 60, 150):
        g = nx.relaxed_caveman_graph(groups, 10, 0.05, seed=11)
        nodes = [NodeIn(n, "person", str(n)) for n in g.nodes]
        edges = [EdgeIn(i, a, b, "associate_of") for i, (a, b) in enumerate(g.edges)]
        ours = _best(lambda nodes=nodes, edges=edges: analyse(nodes, edges))
        peer = _best(lambda g=g: nx.betweenness_centrality(g, normalized=True))
        size = f"{g.number_of_nodes():>6} {g.number_of_edges():>6}"
        print(f"{size} {ours:>9.3f} {peer:>15.3f} {ours / peer:>6.2f}")


def bench_evidence(n: int) -> None:
    key = Ed25519PrivateKey.generate()
    items = [
        PackageItem(
            "ais_position",
            {
                "collector": "ais_position",
                "log_seqs": [i],
                "source_table": "positions",
                "record": {
                    "id": i,
                    "mmsi": 235000001,
                    "time": f"2026-08-14T03:{i // 60 % 60:02d}:{i % 60:02d}Z",
                    "lat": 50.95 + i * 1e-5,
                    "lon": 1.6 + i * 1e-5,
                    "sog_kn": 4.5,
                    "cog_deg": 320.0,
                    "source": "sim",
                    "log_seq": i,
                },
            },
        )
        for i in range(1, n + 1)
    ]
    header = {"package_id": "bench", "incident_ref": "BENCH", "created_at": "2026-11-25T09:00:00Z"}
    t0 = time.perf_counter()
    built = build_package(header, items, key)
    build_s = time.perf_counter() - t0
    verify_s = _best(lambda: verify_bytes(built.data, built.fingerprint))
    blobs = [canonical_json({"seq": i, "kind": it.kind, **it.body}) for i, it in enumerate(items, 1)]
    peer_s = _best(lambda: [hashlib.sha256(b).digest() for b in blobs])
    ok = verify_bytes(built.data, built.fingerprint).ok
    print(f"\nevidence package of {n} items, {len(built.data) / 1e6:.1f} MB (verified ok: {ok})")
    print(f"  build {build_s:.3f} s ({n / build_s:,.0f} items/s)")
    print(
        f"  verify {verify_s:.3f} s ({n / verify_s:,.0f} items/s); bare SHA-256 of the items {peer_s:.3f} s;"
        f" ratio {verify_s / peer_s:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20000)
    args = parser.parse_args()
    bench_network()
    bench_evidence(args.items)


if __name__ == "__main__":
    main()
