"""AIS as measurement and identity: a confirmed track carries the MMSI and name of the vessel whose reports
it takes, a radar-only track is dark, and a vessel that falls silent turns dark within a minute."""

from __future__ import annotations

import numpy as np
from tracking_helpers import (
    EPOCH,
    ais_report,
    at,
    constant_velocity,
    offset,
    radar,
    scan_plots,
    static_report,
)

from watchkeeper.core.types import AisReport
from watchkeeper.tracking.tracker import Tracker, TrackOutput

SHIP_MMSI = 235_000_001
SHIP_VEL = np.array([7.0, 4.5])  # 16 kn
BOAT_VEL = np.array([-1.5, 2.5])  # 5.7 kn, no AIS
START = np.array([offset(4_000.0, 12_000.0), offset(4_600.0, 11_800.0)])  # 630 m apart


def _run(
    scans: int, ais_until_s: float = np.inf, period_s: float = 10.0, velocities: np.ndarray | None = None
) -> list[TrackOutput]:
    vel = np.vstack([SHIP_VEL, BOAT_VEL]) if velocities is None else velocities
    motion = constant_velocity(START, vel)
    rng = np.random.default_rng(2)
    tracker = Tracker([radar()], EPOCH)
    outs = []
    for k in range(scans):
        plots, _ = scan_plots(rng, motion, k, pd=0.95, clutter=10)
        t0, t1 = k * 2.5, (k + 1) * 2.5
        reports: list[AisReport] = []
        for t in np.arange(np.ceil(t0), t1):  # AIS on whole seconds (tag-block time)
            if t % period_s == 3 and t < ais_until_s:
                noise = rng.normal(0.0, 5.0, 2)
                reports.append(ais_report(SHIP_MMSI, float(t), motion(float(t))[0] + noise, vel[0]))
                if t % 60 == 3:
                    reports.append(static_report(SHIP_MMSI, float(t), "NORMANDY TRADER"))
        outs.append(tracker.step(at(t1), plots, reports))
    return outs


def _nearest(out: TrackOutput, xy: np.ndarray) -> int:
    d = np.hypot(*(out.xy - xy).T)
    assert d.min() < 150.0, d.min()
    return int(np.argmin(d))


def test_ship_track_carries_mmsi_and_name_boat_track_is_dark() -> None:
    outs = _run(40)
    motion = constant_velocity(START, np.vstack([SHIP_VEL, BOAT_VEL]))
    out = outs[-1]
    truth = motion(out.time)
    ship, boat = _nearest(out, truth[0]), _nearest(out, truth[1])
    assert ship != boat and len(out) == 2
    assert out.mmsi[ship] == SHIP_MMSI and out.name[ship] == "NORMANDY TRADER" and not out.dark[ship]
    assert out.mmsi[boat] == 0 and out.name[boat] == "" and out.dark[boat]
    assert out.ais_updates[ship] >= 9 and out.ais_updates[boat] == 0
    assert out.plot_updates[boat] >= 30
    # AIS positions (5 m) pull the ship's track far tighter than the radar alone (78 m cross-range)
    assert np.hypot(*(out.xy[ship] - truth[0])) < 15.0
    assert out.position_sigma_m[ship] < 15.0 < out.position_sigma_m[boat]


def test_silent_vessel_turns_dark_within_a_minute_and_keeps_its_mmsi() -> None:
    outs = _run(80, ais_until_s=100.0)
    motion = constant_velocity(START, np.vstack([SHIP_VEL, BOAT_VEL]))
    by_time = {o.time: o for o in outs}
    last_report = 93.0
    for t, dark in ((last_report + 55.0, False), (last_report + 62.5, True), (195.0, True)):
        out = by_time[2.5 * np.ceil(t / 2.5)]
        ship = _nearest(out, motion(out.time)[0])
        assert bool(out.dark[ship]) is dark, t
        assert out.mmsi[ship] == SHIP_MMSI  # still the ship's: the radar keeps it, AIS no longer vouches


def test_slow_vessel_reporting_every_three_minutes_is_not_dark() -> None:
    # at anchor or under 3 kn class A reports every 3 min (ITU-R M.1371-5): no dark flag between reports
    slow = np.array([[0.5, 0.3], [0.0, 0.0]])
    outs = _run(120, period_s=180.0, velocities=slow)
    motion = constant_velocity(START, slow)
    for out in outs[80:]:
        ship = _nearest(out, motion(out.time)[0])
        assert out.mmsi[ship] == SHIP_MMSI and not out.dark[ship]


def test_ais_only_vessel_out_of_radar_range_is_a_confirmed_track_at_once() -> None:
    tracker = Tracker([radar()], EPOCH)
    far = offset(0.0, 60_000.0)
    out = tracker.step(at(2.5), [], [ais_report(227_000_002, 1.0, far, np.array([0.0, 5.0]))])
    assert out.mmsi.tolist() == [227_000_002] and not out.dark[0]
    assert np.hypot(*(out.xy[0] - (far + np.array([0.0, 7.5])))) < 10.0  # predicted to the scan time
