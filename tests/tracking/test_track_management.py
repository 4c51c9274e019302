"""Track management: M-of-N confirmation (with the track score), deletion on missed detections and age."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tracking_helpers import EPOCH, SITE, at, constant_velocity, offset, scan_plots

from watchkeeper.tracking.management import ManagementConfig
from watchkeeper.tracking.measurement import RadarModel
from watchkeeper.tracking.tracker import Tracker, TrackerConfig

BOAT = constant_velocity(np.array([offset(3_000.0, 15_000.0)]), np.array([[2.0, -2.5]]))


def _run(pattern: str, config: TrackerConfig | None = None, seed: int = 1) -> list[int]:
    """Confirmed tracks after each revolution, for a boat detected where ``pattern`` has ``H``."""
    return [len(ids) for ids in _ids(pattern, config, seed)]


def _ids(pattern: str, config: TrackerConfig | None = None, seed: int = 1) -> list[list[int]]:
    """The confirmed track ids after each revolution (same boat and pattern as ``_run``)."""
    rng = np.random.default_rng(seed)
    tracker = Tracker([RadarModel.from_site(SITE, 0)], EPOCH, config)
    out_ids = []
    for k, c in enumerate(pattern):
        plots, _ = scan_plots(rng, BOAT, k)
        out = tracker.step(at((k + 1) * 2.5), plots if c == "H" else [])
        out_ids.append(out.track_id.tolist())
    return out_ids


def test_confirmed_on_the_third_hit() -> None:
    assert _run("HHHHH") == [0, 0, 1, 1, 1]


@pytest.mark.parametrize(
    ("pattern", "confirmed_at", "track_id"),
    [
        ("HMHMH", 4, 1),  # 3 hits in 5 opportunities: confirmed at the fifth
        ("HHMMH", 4, 1),  # two misses in a row are tolerated while tentative
        ("HMMMHHH", 6, 2),  # three misses in a row drop track 1; the later plots start track 2
        ("HMHMMHH", None, None),  # 2 hits in its 5 opportunities: dropped; its successor is still tentative
    ],
)
def test_m_of_n_window(pattern: str, confirmed_at: int | None, track_id: int | None) -> None:
    ids = _ids(pattern)
    first = next((i for i, n in enumerate(ids) if n), None)
    assert first == confirmed_at, ids
    if first is not None:
        assert ids[first] == [track_id]


def test_deleted_after_consecutive_misses() -> None:
    misses = ManagementConfig().max_consecutive_misses
    counts = _run("H" * 10 + "M" * (misses + 2))
    assert counts[9] == 1
    assert counts[9 + misses - 1] == 1  # coasting through misses - 1
    assert counts[9 + misses] == 0  # deleted at the last allowed miss


def test_deleted_on_age_without_update() -> None:
    config = TrackerConfig(management=ManagementConfig(max_consecutive_misses=100, max_coast_s=12.0))
    counts = _run("H" * 10 + "M" * 8, config)
    # last plot at 22.58 s (the boat's beam time in revolution 9); revolution 12 ends at 32.5 s (9.9 s
    # later), revolution 13 at 35 s (12.4 s later, over the limit)
    assert counts[12] == 1 and counts[13] == 0


def _clutter_only(config: TrackerConfig, scans: int = 40, seed: int = 4) -> int:
    rng = np.random.default_rng(seed)
    site = dataclasses.replace(SITE, clutter_mean_per_scan=150.0)
    tracker = Tracker([RadarModel.from_site(site, 0)], EPOCH, config)
    nobody = constant_velocity(np.zeros((0, 2)), np.zeros((0, 2)))
    most = 0
    for k in range(scans):
        plots, _ = scan_plots(rng, nobody, k, clutter=150)
        most = max(most, len(tracker.step(at((k + 1) * 2.5), plots)))
    return most


def test_track_score_keeps_clutter_tentative() -> None:
    """150 clutter plots per scan for 100 s: pure 3-of-5 confirms false tracks, the score-gated rule none."""
    pure = TrackerConfig(management=ManagementConfig(confirm_score=-np.inf))
    assert _clutter_only(pure) >= 1
    assert _clutter_only(TrackerConfig()) == 0
