"""Rules about pairs and contacts: CPA with a ship, lost contact, loitering and rendezvous."""

from __future__ import annotations

import numpy as np
from alert_helpers import Mover, alert_events, run, seconds, utm

from watchkeeper.alerts.rules.cpa import cpa_tcpa
from watchkeeper.alerts.scan import KNOT_MPS
from watchkeeper.alerts.types import EventKind, Severity

AT_SEA_FR = (50.97, 1.60)
OFF_WISSANT = (50.893, 1.652)


def test_cpa_formula() -> None:
    # head-on at 10 m/s closing, 1000 m apart, 100 m abeam: CPA 100 m in 100 s
    cpa, tcpa = cpa_tcpa(1000.0, 100.0, -10.0, 0.0)
    assert abs(cpa - 100.0) < 1e-6 and abs(tcpa - 100.0) < 1e-6
    cpa, tcpa = cpa_tcpa(1000.0, 0.0, 10.0, 0.0)  # opening
    assert tcpa < 0


def test_cpa_between_a_small_craft_and_a_ship_on_collision_course() -> None:
    bx, by = utm(*AT_SEA_FR)
    boat = Mover(bx, by, [(900.0, 5.0, 0.0)], noise_m=5.0, seed=1)
    # a ship 3 nm to the west heading east at 15 kn, timed to pass just ahead of the boat in ~12 min
    t_meet = 720.0
    meet_y = by + 5.0 * KNOT_MPS * t_meet
    ship = Mover(bx - 15.0 * KNOT_MPS * t_meet, meet_y + 100.0, [(900.0, 15.0, 90.0)], mmsi=235000001)
    far_ship = Mover(bx + 20000.0, by, [(900.0, 15.0, 0.0)], mmsi=235000002)
    _, steps = run({1: boat, 2: ship, 3: far_ship}, 900.0)
    raised = alert_events(steps, "cpa", EventKind.RAISED)
    assert len(raised) == 1
    alert = raised[0].alert
    assert alert.track_ids == (1, 2) and alert.mmsi == 235000001
    assert alert.values["cpa_nm"] <= 0.5 and 0 < alert.values["tcpa_min"] <= 20
    assert seconds(raised[0]) < 200.0  # seen ~10 min ahead (after the boat's 30 s track age)
    assert alert_events(steps, "cpa", EventKind.ESCALATED)  # critical when close and soon
    assert max(e.alert.severity for e in alert_events(steps, "cpa")) is Severity.CRITICAL
    cleared = alert_events(steps, "cpa", EventKind.CLEARED)
    assert len(cleared) == 1 and seconds(cleared[0]) >= t_meet - 30  # once the closest point is passed


def test_lost_contact_at_sea_but_not_at_the_shore_nor_when_picked_up() -> None:
    lost = Mover.at(*AT_SEA_FR, [(200.0, 5.0, 300.0)])
    landed = Mover.at(*OFF_WISSANT, [(200.0, 0.0, 0.0)])  # vanishes 650 m off the beach
    _, steps = run({1: lost, 2: landed}, 400.0)
    raised = alert_events(steps, "lost_contact", EventKind.RAISED)
    assert [e.alert.track_id for e in raised] == [1]
    assert 200.0 + 30.0 <= seconds(raised[0]) <= 200.0 + 40.0
    assert raised[0].alert.values["lost_for_s"] >= 30.0

    # the tracker drops track 1 and starts track 11 on the same boat 15 s later, 60 m on: no alert, a link
    x, y = utm(*AT_SEA_FR)
    first = Mover(x, y, [(200.0, 5.0, 300.0)])
    dx, dy = (
        5.0 * KNOT_MPS * 215.0 * np.sin(np.radians(300.0)),
        5.0 * KNOT_MPS * 215.0 * np.cos(np.radians(300.0)),
    )
    second = Mover(x + dx + 40.0, y + dy, [(300.0, 5.0, 300.0)], start_s=215.0)
    watch, steps = run({1: first, 11: second}, 515.0)
    assert alert_events(steps, "lost_contact") == []
    book = watch.book
    assert book.by_track[11] == book.by_track[1]  # the same incident


def test_loitering_off_the_french_coast_and_a_rendezvous_at_sea() -> None:
    x, y = utm(*OFF_WISSANT)
    legs = [(60.0, 2.0, (90.0 * k) % 360.0) for k in range(12)]  # a 60 m square, round and round
    loiterer = Mover(x, y, legs)
    sx, sy = utm(*AT_SEA_FR)
    a = Mover(sx, sy, [(900.0, 0.5, 45.0)])
    b = Mover(sx + 80.0, sy, [(900.0, 0.5, 45.0)])
    _, steps = run({1: loiterer, 2: a, 3: b}, 720.0)
    raised = alert_events(steps, "loitering", EventKind.RAISED)
    kinds = {e.alert.values["kind"]: e for e in raised}
    assert set(kinds) == {"near_french_coast", "rendezvous"}
    assert kinds["near_french_coast"].alert.track_id == 1 and seconds(kinds["near_french_coast"]) >= 600.0
    assert kinds["rendezvous"].alert.track_ids == (2, 3) and 300.0 <= seconds(kinds["rendezvous"]) <= 400.0
