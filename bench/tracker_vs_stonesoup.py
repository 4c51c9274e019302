"""Our tracker against Stone Soup on the same radar plots (issue #4 benchmark). All scenarios are SIMULATED.

1. Every scenario in ../shared/scenarios/: our tracker with AIS (the product), our tracker on the radar
   plots alone (exactly Stone Soup's input) and Stone Soup (``_stonesoup_peer``: EKF, polar measurement
   model, GNN, multi-measurement initiator, deletion on missed detections). For each: GOSPA (c = 500 m,
   p = 1, alpha = 2) mean over the truth's scans, track fragmentations, share of small boats held in
   track, CPU seconds per scan, and Stone Soup's figure over ours. Stone Soup stops at
   ``--stonesoup-cap-s`` CPU seconds per scenario; if it has not finished, all three are scored over the
   scans it completed (and ours over the whole scenario as well).
2. Scaling: CPU seconds per scan for 10, 100, 500, 1,000 and 2,000 targets with 20 and 200 clutter plots
   per scan per radar, on scenarios made by ``watchkeeper.sim``, timed after a warm-up of 10 scans.
   Stone Soup runs each size until ``--stonesoup-scaling-cap-s``; a size is not tried once a smaller one
   at the same clutter did not finish; when it stops before the warm-up is over, the ratio compares its
   scans with ours over the same first scans.
3. The targets: GOSPA lower than Stone Soup's on every shared scenario; at least 20x less time per
   scan; 2,000 targets + 200 clutter plots per scan in under 250 ms per scan on one core.

One core: BLAS/OpenMP threads are pinned to 1 before numpy loads, and CPU time (``process_time``) is what
is reported. Results also go to ``bench/out/tracker_vs_stonesoup.json``.

    .venv/bin/python bench/tracker_vs_stonesoup.py            # full run (Stone Soup takes most of an hour)
    .venv/bin/python bench/tracker_vs_stonesoup.py --quick    # 150 s of each scenario, scaling to 500
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stonesoup_peer import DEFAULT_PROCESS_NOISE_PSD, PeerRun, run_stonesoup  # noqa: E402
from watchkeeper.sim.demo import DEMO_START  # noqa: E402
from watchkeeper.sim.engine import SimConfig  # noqa: E402
from watchkeeper.sim.scenario import write_scenario  # noqa: E402
from watchkeeper.sim.targets import mix_for_targets  # noqa: E402
from watchkeeper.tracking.measurement import radar_models  # noqa: E402
from watchkeeper.tracking.runner import ScenarioInputs, load_inputs, run_scenario  # noqa: E402
from watchkeeper.tracking.scoring import EstimateScan, Score, Truth, load_truth, score  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 500, 1000, 2000)
CLUTTER = (20, 200)
WARM_UP_SCANS = 10


@dataclasses.dataclass
class OurRun:
    estimates: list[EstimateScan]
    cpu_per_scan: np.ndarray


def run_ours(inputs: ScenarioInputs) -> OurRun:
    estimates: list[EstimateScan] = []
    cpu: list[float] = []
    gen = run_scenario(inputs)
    while True:
        t0 = time.process_time()
        out = next(gen, None)
        if out is None:
            break
        cpu.append(time.process_time() - t0)
        estimates.append(EstimateScan(out.time, out.track_id, out.xy))
    return OurRun(estimates, np.array(cpu))


def radar_only(inputs: ScenarioInputs) -> ScenarioInputs:
    return dataclasses.replace(inputs, ais=inputs.ais.subset(np.zeros(0, dtype=np.int64)), names=[])


def truth_until(truth: Truth, last_s: float) -> Truth:
    keep = truth.time <= last_s + 1e-6
    return Truth(
        truth.time[keep], truth.target_id[keep], truth.kind[keep], truth.xy[keep], truth.in_coverage[keep]
    )


def fmt_score(s: Score) -> str:
    return f"{s.gospa_mean:9.1f} {s.fragmentations:6d} {s.small_boat_hold_share:9.3f}"


def shared_scenarios(args: argparse.Namespace, results: dict[str, object]) -> bool:
    ok = True
    print("\n== Shared scenarios (SIMULATED) — GOSPA c=500 m p=1 alpha=2, mean over scans ==")
    for scenario in sorted(p for p in args.scenarios.iterdir() if (p / "sensors.json").is_file()):
        inputs = load_inputs(scenario)
        truth = load_truth(scenario, inputs.sensors.start_utc)
        radars = radar_models(inputs.sensors.radars)
        if args.quick:
            keep = inputs.plot_time < 150.0
            inputs = dataclasses.replace(
                inputs,
                plot_time=inputs.plot_time[keep],
                plot_sensor=inputs.plot_sensor[keep],
                range_m=inputs.range_m[keep],
                bearing_deg=inputs.bearing_deg[keep],
                ais=inputs.ais.subset(np.flatnonzero(inputs.ais.time < 150.0)),
            )
            truth = truth_until(truth, 150.0)
        ours = run_ours(inputs)
        ours_radar = run_ours(radar_only(inputs))
        peer: PeerRun = run_stonesoup(inputs, args.stonesoup_q, cpu_cap_s=args.stonesoup_cap_s)
        n = len(peer.estimates)
        last = peer.estimates[-1].time if n else -1.0
        common = truth_until(truth, last)
        rows = {
            "watchkeeper (radar + AIS)": (score(common, ours.estimates[:n], radars), ours.cpu_per_scan[:n]),
            "watchkeeper (radar only)": (
                score(common, ours_radar.estimates[:n], radars),
                ours_radar.cpu_per_scan[:n],
            ),
            "Stone Soup (radar only)": (score(common, peer.estimates, radars), peer.cpu_per_scan()),
        }
        span = "all" if peer.finished else f"the first {n} (Stone Soup stopped at its CPU cap)"
        print(f"\n{scenario.name}: {len(ours.estimates)} scans, scored over {span} scans")
        print(f"{'tracker':28s} {'GOSPA m':>9s} {'frag':>6s} {'boat hold':>9s} {'CPU ms/scan':>12s}")
        for name, (s, cpu) in rows.items():
            print(f"{name:28s} {fmt_score(s)} {1000 * float(np.mean(cpu)):12.2f}")
        ss, ss_cpu = rows["Stone Soup (radar only)"]
        entry: dict[str, object] = {
            "scans": len(ours.estimates),
            "scored_scans": n,
            "stonesoup_finished": peer.finished,
        }
        for name, (s, cpu) in rows.items():
            entry[name] = {
                "gospa_m": s.gospa_mean,
                "fragmentations": s.fragmentations,
                "small_boat_hold_share": s.small_boat_hold_share,
                "cpu_ms_per_scan": 1000 * float(np.mean(cpu)),
                "mean_false": s.mean_false,
                "mean_missed": s.mean_missed,
            }
        for name in ("watchkeeper (radar + AIS)", "watchkeeper (radar only)"):
            s, cpu = rows[name]
            g_ratio = ss.gospa_mean / s.gospa_mean
            t_ratio = float(np.mean(ss_cpu)) / float(np.mean(cpu))
            print(f"  Stone Soup / {name}: GOSPA x{g_ratio:.2f}, CPU per scan x{t_ratio:.0f}")
            entry[f"ratios vs {name}"] = {"gospa": g_ratio, "cpu_per_scan": t_ratio}
            ok &= s.gospa_mean < ss.gospa_mean and t_ratio >= 20.0
        if not peer.finished:
            full = score(truth, ours.estimates, radars)
            print(
                f"  watchkeeper (radar + AIS) over the whole scenario: GOSPA {full.gospa_mean:.1f} m, "
                f"{full.fragmentations} fragmentations, boat hold {full.small_boat_hold_share:.3f}"
            )
            entry["watchkeeper (radar + AIS), whole scenario"] = {
                "gospa_m": full.gospa_mean,
                "fragmentations": full.fragmentations,
                "small_boat_hold_share": full.small_boat_hold_share,
            }
        results[scenario.name] = entry
    return ok


def scaling_scenario(out: Path, targets: int, clutter: int, duration_s: float) -> Path:
    path = out / f"scale-{targets}-{clutter}-{duration_s:g}s"
    if not (path / "sensors.json").is_file():
        mix = mix_for_targets(targets, None, duration_s)
        write_scenario(
            path,
            SimConfig(
                mix=mix,
                duration_s=duration_s,
                seed=targets + clutter,
                start=DEMO_START,
                clutter_per_scan=float(clutter),
            ),
        )
    return path


def scaling(args: argparse.Namespace, results: dict[str, object]) -> bool:
    print(
        "\n== Scaling (SIMULATED scenarios from watchkeeper.sim), CPU ms per scan after "
        f"{WARM_UP_SCANS} warm-up scans =="
    )
    print(
        f"{'targets':>7s} {'clutter/radar':>13s} {'plots/scan':>10s} {'ours mean':>9s} {'ours max':>9s} "
        f"{'Stone Soup':>12s} {'ratio':>7s}"
    )
    sizes = [s for s in SIZES if s <= args.max_targets]
    out_dir = REPO / "bench" / "out" / "scaling"
    ok = True
    table = []
    for clutter in CLUTTER:
        peer_gave_up = False
        for n in sizes:
            inputs = load_inputs(scaling_scenario(out_dir, n, clutter, args.scaling_duration_s))
            ours = run_ours(inputs)
            steady = ours.cpu_per_scan[WARM_UP_SCANS:]
            plots_per_scan = inputs.plot_time.size / max(len(ours.estimates) - 1, 1)
            peer_ms: float | None = None
            peer_note = "not run"
            ours_same = float(np.mean(steady))  # ours over the scans Stone Soup is timed on
            if not peer_gave_up:
                peer = run_stonesoup(inputs, args.stonesoup_q, cpu_cap_s=args.stonesoup_scaling_cap_s)
                past_warm_up = len(peer.estimates) > WARM_UP_SCANS + 1
                per = peer.cpu_per_scan(WARM_UP_SCANS if past_warm_up else 0)
                if per.size:
                    peer_ms = 1000 * float(np.mean(per))
                if not past_warm_up:  # compare start-up with start-up
                    ours_same = float(np.mean(ours.cpu_per_scan[: max(per.size, 1)]))
                peer_note = "" if peer.finished else f" ({len(peer.estimates)} scans)"
                peer_gave_up = not peer.finished
            ratio = peer_ms / (1000 * ours_same) if peer_ms else None
            ss_text = f"{peer_ms:9.0f}{peer_note}" if peer_ms is not None else peer_note
            print(
                f"{n:7d} {clutter:13d} {plots_per_scan:10.0f} {1000 * np.mean(steady):9.1f} "
                f"{1000 * np.max(steady):9.1f} {ss_text:>12s} {'' if ratio is None else f'x{ratio:.0f}':>7s}"
            )
            table.append(
                {
                    "targets": n,
                    "clutter_per_radar": clutter,
                    "plots_per_scan": plots_per_scan,
                    "ours_ms_mean": 1000 * float(np.mean(steady)),
                    "ours_ms_max": 1000 * float(np.max(steady)),
                    "stonesoup_ms_mean": peer_ms,
                    "ours_ms_same_scans": 1000 * ours_same,
                    "stonesoup_note": peer_note.strip(" ()"),
                }
            )
            if ratio is not None:
                ok &= ratio >= 20.0
            if n == 2000 and clutter == 200:
                ok &= 1000 * float(np.mean(steady)) < 250.0
    results["scaling"] = table
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", type=Path, default=REPO.parent / "shared" / "scenarios")
    parser.add_argument("--stonesoup-cap-s", type=float, default=900.0, help="CPU s per shared scenario")
    parser.add_argument("--stonesoup-scaling-cap-s", type=float, default=240.0, help="CPU s per scaling case")
    parser.add_argument("--stonesoup-q", type=float, default=DEFAULT_PROCESS_NOISE_PSD, help="CV PSD m²/s³")
    parser.add_argument("--scaling-duration-s", type=float, default=75.0)
    parser.add_argument("--max-targets", type=int, default=2000)
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--quick", action="store_true", help="150 s of each scenario, scaling up to 500")
    args = parser.parse_args()
    if args.quick:
        args.max_targets = min(args.max_targets, 500)
        args.stonesoup_scaling_cap_s = min(args.stonesoup_scaling_cap_s, 60.0)
    print(
        "SIMULATED scenarios. Machine:",
        platform.processor() or platform.machine(),
        f"{os.cpu_count()} CPU,",
        platform.platform(),
        "Python",
        platform.python_version(),
        "(one core: BLAS threads pinned to 1)",
    )
    results: dict[str, object] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "stonesoup_q": args.stonesoup_q,
        "quick": args.quick,
    }
    t0 = time.perf_counter()
    ok = shared_scenarios(args, results)
    if not args.skip_scaling:
        ok &= scaling(args, results)
    results["targets_met"] = ok
    out = REPO / "bench" / "out" / "tracker_vs_stonesoup.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(
        f"\nTargets (GOSPA below Stone Soup on every shared scenario, >= 20x less CPU per scan, "
        f"2,000 targets + 200 clutter < 250 ms/scan): {'MET' if ok else 'NOT MET'}"
    )
    print(f"wall {timedelta(seconds=round(time.perf_counter() - t0))}; results in {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
