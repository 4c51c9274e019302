"""Helpers for the simulator tests (a small SIMULATED scenario's configuration, truth lookups)."""

from __future__ import annotations

from datetime import UTC, datetime

from watchkeeper.sim.engine import SimConfig
from watchkeeper.sim.targets import Mix

SIM_START = datetime(2026, 10, 5, 2, 0, 0, tzinfo=UTC)  # the shared scenarios' start

CLUTTER = 20.0
DURATION_S = 150.0
# more small boats than the benchmark mix, stops early enough to see drift within the run
MIX = Mix(
    small_boats=40, ships=40, ferries=4, fishing=12, stop_frac=0.3, at_sea_frac=0.7, launch_window_s=90.0
)


def config(seed: int = 11, duration_s: float = DURATION_S, mix: Mix = MIX) -> SimConfig:
    return SimConfig(mix=mix, duration_s=duration_s, seed=seed, start=SIM_START, clutter_per_scan=CLUTTER)
