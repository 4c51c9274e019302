"""Drone and observer detections of boats as position measurements (``tracking.field``).

A boat 30 km from the radar has ~160 m of cross-range noise per plot; a drone overhead reporting it with
a 15 m circular error must pull the track onto the boat, and only that track: a detection far from any
track, one without an error figure, or one of persons on land changes nothing. The live core gives the
same tracks as stepping the scans directly, whatever the arrival order, and a ground station with a
wrong clock cannot make the radar's plots late.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
from tracking_helpers import EPOCH, PERIOD_S, at, constant_velocity, offset, radar, scan_plots

from watchkeeper.core.types import FieldObservation, ObservationKind, Plot, TimeSource
from watchkeeper.geo.frames import to_wgs84
from watchkeeper.tracking.field import field_arrays, is_measurement
from watchkeeper.tracking.live import LiveTracker
from watchkeeper.tracking.tracker import Tracker, TrackOutput

BOAT_START = np.array([offset(3_000.0, 29_800.0)])  # ~30 km north of the radar
BOAT_VEL = np.array([[1.2, -2.0]])  # 4.5 kn
SCANS = 60


def _detection(
    seconds: float,
    xy: np.ndarray,
    ce_m: float | None = 15.0,
    kind: ObservationKind = ObservationKind.BOAT,
    n: int = 0,
) -> FieldObservation:
    lon, lat = to_wgs84(float(xy[0]), float(xy[1]))
    return FieldObservation(
        obs_id=f"cot:{int(seconds * 10)}{n}", kind=kind, event_time=at(seconds),
        time_source=TimeSource.SENSOR, source="cot:udp:test", sensor_uid="drone-1",
        lat=float(lat), lon=float(lon), ce_m=ce_m, cot_type="a-u-S",
    )  # fmt: skip


def _inputs(
    detections: str = "drone",
) -> tuple[list[list[Plot]], list[list[FieldObservation]]]:
    """Plots per scan and detections per scan (every 5 s, 15 m noise) of one boat."""
    motion = constant_velocity(BOAT_START, BOAT_VEL)
    rng = np.random.default_rng(7)
    det_rng = np.random.default_rng(8)
    plots, field = [], []
    for k in range(SCANS):
        p, _ = scan_plots(rng, motion, k, pd=0.95, clutter=5)
        plots.append(p)
        f: list[FieldObservation] = []
        t = k * PERIOD_S + 1.0
        if k >= 20 and k % 2 == 0:
            truth = motion(t)[0]
            if detections == "drone":
                f.append(_detection(t, truth + det_rng.normal(0.0, 15.0, 2)))
            elif detections == "far":
                f.append(_detection(t, truth + np.array([3_000.0, 0.0])))
            elif detections == "unweighable":
                f.append(_detection(t, truth, ce_m=None))
                f.append(_detection(t, truth, kind=ObservationKind.PERSONS, n=1))
        field.append(f)
    return plots, field


def _run(detections: str) -> list[TrackOutput]:
    plots, field = _inputs(detections)
    tracker = Tracker([radar()], EPOCH)
    return [tracker.step(at((k + 1) * PERIOD_S), plots[k], (), field[k]) for k in range(SCANS)]


def _boat_error(out: TrackOutput) -> float:
    truth = constant_velocity(BOAT_START, BOAT_VEL)(out.time)[0]
    assert len(out) >= 1
    return float(np.min(np.hypot(*(out.xy - truth).T)))


def test_drone_detections_pull_the_track_onto_the_boat() -> None:
    radar_only = _run("none")
    fused = _run("drone")
    tail = slice(40, SCANS)
    err_radar = np.mean([_boat_error(o) for o in radar_only[tail]])
    err_fused = np.mean([_boat_error(o) for o in fused[tail]])
    assert err_fused < 0.6 * err_radar, (err_fused, err_radar)
    last = fused[-1]
    assert int(last.field_updates.sum()) >= 15  # 20 detections after confirmation, each one applied
    assert float(last.position_sigma_m.min()) < float(radar_only[-1].position_sigma_m.min())
    assert len(last) == len(radar_only[-1])  # no track made or lost by them


def test_far_or_unweighable_detections_change_nothing() -> None:
    radar_only = _run("none")
    for case in ("far", "unweighable"):
        outs = _run(case)
        for a, b in zip(radar_only, outs, strict=True):
            assert a.track_id.tolist() == b.track_id.tolist()
            np.testing.assert_array_equal(a.xy, b.xy)
            assert int(b.field_updates.sum()) == 0


def test_what_is_a_measurement() -> None:
    xy = BOAT_START[0]
    assert is_measurement(_detection(0.0, xy, ce_m=15.0))
    assert not is_measurement(_detection(0.0, xy, ce_m=None))
    assert not is_measurement(_detection(0.0, xy, ce_m=2_000.0))  # vaguer than max_ce_m
    assert not is_measurement(_detection(0.0, xy, kind=ObservationKind.PERSONS))
    batch = field_arrays([_detection(0.0, xy, ce_m=2.0), _detection(1.0, xy, ce_m=40.0)], EPOCH)
    np.testing.assert_allclose(batch.cov[:, 0, 0], [25.0, 1600.0])  # floored at 5 m, else ce²
    np.testing.assert_allclose(batch.xy[1], xy, atol=1e-3)


def test_live_core_with_detections_gives_the_stepped_tracks_in_any_arrival_order() -> None:
    plots, field = _inputs("drone")
    stepped = _run("drone")
    items: list[Plot | FieldObservation] = [i for k in range(SCANS) for i in (*plots[k], *field[k])]
    rng = np.random.default_rng(3)
    delay = rng.uniform(0.0, 2.0, len(items))  # arrival jitter within the lateness window

    def time_of(i: Plot | FieldObservation) -> float:
        return ((i.time if isinstance(i, Plot) else i.event_time) - EPOCH).total_seconds()

    arrival = np.argsort([time_of(i) + d for i, d in zip(items, delay, strict=True)], kind="stable")
    live = LiveTracker([radar()], EPOCH)
    outs: list[TrackOutput] = []
    for j in arrival:
        outs += live.push(items[int(j)])
    outs += live.flush()
    assert live.late.count == 0
    by_time = {o.time: o for o in outs}
    for s in stepped[:-2]:
        o = by_time[s.time]
        assert o.track_id.tolist() == s.track_id.tolist()
        np.testing.assert_allclose(o.xy, s.xy)
        assert o.field_updates.tolist() == s.field_updates.tolist()


def test_a_ground_station_clock_ahead_does_not_make_the_radar_late() -> None:
    plots, _ = _inputs("none")
    live = LiveTracker([radar()], EPOCH)
    future = replace(_detection(0.0, BOAT_START[0]), event_time=EPOCH + timedelta(hours=1))
    assert live.push_field(future) == []
    outs: list[TrackOutput] = []
    for k in range(10):
        for p in plots[k]:
            outs += live.push_plot(p)
    assert live.late.count == 0
    assert len(outs) >= 8  # scans released by the radar's own time, not the drone's
