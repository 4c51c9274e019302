"""Event time, not arrival order: the tracker gives the same tracks whatever order the inputs of a scan
arrive in, and the live core — fed out of order within its lateness window — gives the same tracks as a
replay of the recording."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from tracking_helpers import EPOCH, ais_report, at, constant_velocity, offset, radar, scan_plots

from watchkeeper.core.types import AisReport, Plot
from watchkeeper.ingest.radar.scenario import load_sensors, read_plots
from watchkeeper.tracking.ais_fusion import read_ais_file
from watchkeeper.tracking.live import LiveTracker
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.runner import load_inputs, run_scenario
from watchkeeper.tracking.tracker import Tracker, TrackOutput


def assert_same(a: TrackOutput, b: TrackOutput) -> None:
    assert a.time == b.time
    assert a.track_id.tolist() == b.track_id.tolist()
    assert np.array_equal(a.xy, b.xy)
    assert np.array_equal(a.mode_probability, b.mode_probability)
    assert a.mmsi.tolist() == b.mmsi.tolist() and a.dark.tolist() == b.dark.tolist()
    assert a.name == b.name


def test_arrival_order_inside_a_scan_does_not_matter() -> None:
    rng = np.random.default_rng(9)
    motion = constant_velocity(
        np.array([offset(2_000.0, 9_000.0), offset(-5_000.0, 20_000.0)]),
        np.array([[3.0, 1.0], [-6.0, 0.5]]),
    )
    sorted_tracker = Tracker([radar()], EPOCH)
    shuffled_tracker = Tracker([radar()], EPOCH)
    for k in range(30):
        plots, _ = scan_plots(rng, motion, k, pd=0.9, clutter=15)
        t = float(np.ceil(k * 2.5))
        reports = [ais_report(235_000_009, t, motion(t)[1], np.array([-6.0, 0.5]))] if k % 4 == 0 else []
        inputs: list[Plot | AisReport] = [*plots, *reports]
        order = rng.permutation(len(inputs))
        shuffled = [inputs[i] for i in order]
        a = sorted_tracker.step(
            at((k + 1) * 2.5),
            sorted(plots, key=lambda p: (p.time, p.range_m)),
            reports,
        )
        b = shuffled_tracker.step(
            at((k + 1) * 2.5),
            [x for x in shuffled if isinstance(x, Plot)],
            [x for x in shuffled if isinstance(x, AisReport)],
        )
        assert_same(a, b)
    assert len(a) == 2


def _arrivals(scenario: Path, rng: np.random.Generator) -> list[tuple[float, Plot | AisReport]]:
    """(arrival time, input) with per-source delays: Gris-Nez 0.8 s behind, AIS 1.5 s, jitter 0.3 s."""
    sensors = load_sensors(scenario)
    epoch = sensors.start_utc
    items: list[tuple[float, Plot | AisReport]] = []
    for p in read_plots(scenario / "plots.csv", {r.sensor_id for r in sensors.radars}):
        assert isinstance(p, Plot)
        delay = 0.8 if p.sensor_id == "radar_grisnez" else 0.0
        items.append(((p.time - epoch).total_seconds() + delay + rng.uniform(0, 0.3), p))
    for r in read_ais_file(scenario / "ais.nmea"):
        items.append(((r.event_time - epoch).total_seconds() + 1.5 + rng.uniform(0, 0.3), r))
    items.sort(key=lambda x: x[0])
    return items


def test_live_core_out_of_order_gives_the_replay_tracks(small_cut: Path) -> None:
    replay = list(run_scenario(load_inputs(small_cut)))
    sensors = load_sensors(small_cut)
    live = LiveTracker(radar_models(sensors.radars), sensors.start_utc, lateness_s=2.5)
    arrivals = _arrivals(small_cut, np.random.default_rng(1))
    # the feed really is out of event-time order
    event_t = [(x.time if isinstance(x, Plot) else x.event_time) for _a, x in arrivals]
    assert any(b < a for a, b in itertools.pairwise(event_t))
    outs: list[TrackOutput] = []
    for _arrival, item in arrivals:
        outs.extend(live.push(item))
    outs.extend(live.flush())
    assert live.late.count == 0 and live.pending == 0
    assert len(outs) == len(replay) > 50
    for a, b in zip(outs, replay, strict=True):
        assert_same(a, b)
    assert sum(len(o) for o in outs) > 1000


def test_live_core_keeps_late_inputs_apart(small_cut: Path) -> None:
    """With a lateness window shorter than the delays, late inputs are counted and kept, not applied."""
    sensors = load_sensors(small_cut)
    live = LiveTracker(radar_models(sensors.radars), sensors.start_utc, lateness_s=0.5)
    arrivals = _arrivals(small_cut, np.random.default_rng(1))
    released = 0
    for _arrival, item in arrivals:
        released += len(live.push(item))
    released += len(live.flush())
    assert live.late.count > 0
    late = live.late.drain()
    assert len(late) == live.late.count and not live.late.items
    # only the delayed sources are late (AIS 1.5 s, Gris-Nez 0.8 s), never Langdon (jitter 0.3 s < 0.5 s)
    assert any(isinstance(x, AisReport) for x in late)
    assert all(isinstance(x, AisReport) or x.sensor_id == "radar_grisnez" for x in late)
    assert released > 50


def test_advance_releases_scans_without_input() -> None:
    live = LiveTracker([radar()], EPOCH, lateness_s=1.0)
    rng = np.random.default_rng(3)
    motion = constant_velocity(np.array([offset(1_000.0, 8_000.0)]), np.array([[2.0, 2.0]]))
    plots, _ = scan_plots(rng, motion, 0)
    assert live.push_plot(plots[0]) == []  # watermark still before the first scan boundary after it
    outs = live.advance(at(6.0))
    assert [o.time for o in outs] == [0.0, 2.5, 5.0]
    assert live.advance(at(6.2)) == []


def test_resumed_tracker_numbers_its_tracks_above_the_stored_ones(small_cut: Path) -> None:
    sensors = load_sensors(small_cut)
    live = LiveTracker(radar_models(sensors.radars), sensors.start_utc, first_track_id=5000)
    outs: list[TrackOutput] = []
    for _arrival, item in _arrivals(small_cut, np.random.default_rng(1))[:3000]:
        outs.extend(live.push(item))
    ids = np.concatenate([o.track_id for o in outs])
    assert ids.size and ids.min() >= 5000
