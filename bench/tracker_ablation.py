"""What each tracker decision is worth: GOSPA on the shared scenarios with one choice changed at a time, and
GNN against JPDA (also on a dense simulated scenario). All scenarios are SIMULATED.

    .venv/bin/python bench/tracker_ablation.py            # ablation on both shared scenarios (about 2 min)
    .venv/bin/python bench/tracker_ablation.py --jpda     # plus GNN vs JPDA, dense case included

Figures are recorded in docs/design.md ("Tracker"). Scoring: GOSPA c = 500 m, p = 1, alpha = 2, mean over
every scan of each scenario (no warm-up), with ``tracking.scoring``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from watchkeeper.sim.demo import DEMO_START
from watchkeeper.sim.engine import SimConfig
from watchkeeper.sim.scenario import write_scenario
from watchkeeper.sim.targets import mix_for_targets
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.models import ImmModels, MotionModel
from watchkeeper.tracking.runner import ScenarioInputs, load_inputs, run_scenario
from watchkeeper.tracking.scoring import EstimateScan, load_truth, score
from watchkeeper.tracking.tracker import TrackerConfig

REPO = Path(__file__).resolve().parent.parent
BASE = TrackerConfig()


def _management(**changes: object) -> TrackerConfig:
    return dataclasses.replace(BASE, management=dataclasses.replace(BASE.management, **changes))  # type: ignore[arg-type]


def _models(q: tuple[float, float], sojourn: tuple[float, float]) -> TrackerConfig:
    models = ImmModels((MotionModel("steady", q[0]), MotionModel("manoeuvring", q[1])), sojourn, (0.5, 0.5))
    return dataclasses.replace(BASE, models=models)


CASES: list[tuple[str, TrackerConfig]] = [
    ("final", BASE),
    ("recovered models (q 0.01/0.6, 60/20 s)", _models((0.01, 0.6), (60.0, 20.0))),
    ("sojourns 300/120 s", _models((0.001, 0.3), (300.0, 120.0))),
    ("no track score (pure 3-of-5)", _management(confirm_score=-np.inf)),
    ("4-of-6, no track score", _management(confirm_score=-np.inf, confirm_hits=4, confirm_window=6)),
    ("confirm score 4 nats", _management(confirm_score=4.0)),
    ("confirm score 16 nats", _management(confirm_score=16.0)),
    ("q steady x2", _models((0.002, 0.3), (1000.0, 300.0))),
    ("q steady /2", _models((0.0005, 0.3), (1000.0, 300.0))),
    ("q manoeuvring x2", _models((0.001, 0.6), (1000.0, 300.0))),
    ("q manoeuvring /2", _models((0.001, 0.15), (1000.0, 300.0))),
    ("sojourns x2", _models((0.001, 0.3), (2000.0, 600.0))),
    ("sojourns /2", _models((0.001, 0.3), (500.0, 150.0))),
]


def _radar_only(inputs: ScenarioInputs) -> ScenarioInputs:
    return dataclasses.replace(inputs, ais=inputs.ais.subset(np.zeros(0, dtype=np.int64)), names=[])


def _run(scenario: Path, inputs: ScenarioInputs, config: TrackerConfig) -> str:
    truth = load_truth(scenario, inputs.sensors.start_utc)
    t0 = time.process_time()
    estimates = [EstimateScan(o.time, o.track_id, o.xy) for o in run_scenario(inputs, config)]
    cpu_ms = 1000 * (time.process_time() - t0) / len(estimates)
    s = score(truth, estimates, radar_models(inputs.sensors.radars))
    return (
        f"{s.gospa_mean:7.1f} m frag {s.fragmentations:2d} hold {s.small_boat_hold_share:.3f} "
        f"false {s.mean_false:.2f} missed {s.mean_missed:.2f} {cpu_ms:5.1f} ms"
    )


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--scenarios", type=Path, default=REPO.parent / "shared" / "scenarios")
    parser.add_argument("--jpda", action="store_true", help="also GNN against JPDA")
    args = parser.parse_args()
    shared = sorted(p for p in args.scenarios.iterdir() if (p / "sensors.json").is_file())
    loaded = {p: load_inputs(p) for p in shared}
    print("SIMULATED scenarios; radar + AIS; GOSPA (c=500 m, p=1) mean over all scans")
    for label, config in CASES:
        print(f"{label:40s} | " + " | ".join(f"{p.name}: {_run(p, i, config)}" for p, i in loaded.items()))
    if args.jpda:
        dense = REPO / "bench" / "out" / "dense-300-200"
        if not (dense / "sensors.json").is_file():
            mix = mix_for_targets(300, None, 200.0)
            write_scenario(dense, SimConfig(mix, 200.0, 9, DEMO_START, clutter_per_scan=200.0))
        loaded[dense] = load_inputs(dense)
        print("\nGNN against JPDA (radar + AIS, then radar only)")
        for p, inputs in loaded.items():
            for assoc in ("gnn", "jpda"):
                config = dataclasses.replace(BASE, association=assoc)
                both = f"{_run(p, inputs, config)} | {_run(p, _radar_only(inputs), config)}"
                print(f"{p.name:24s} {assoc:5s} | {both}")


if __name__ == "__main__":
    main()
