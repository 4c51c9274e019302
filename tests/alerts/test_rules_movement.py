"""The movement rules on synthetic pictures placed on the real geography: departure, zones, TSS, distress."""

from __future__ import annotations

from alert_helpers import Mover, alert_events, run, seconds

from watchkeeper.alerts.config import AlertSettings
from watchkeeper.alerts.geometry import strait_geometry
from watchkeeper.alerts.types import EventKind, Severity
from watchkeeper.alerts.watch import Watch

OFF_WISSANT = (50.893, 1.652)  # ~650 m off the beach; north-west is seaward
AT_SEA_FR = (50.97, 1.60)  # 8.7 km off the French shore, French waters, outside the lanes


def test_departure_raises_once_for_a_dark_boat_leaving_the_french_coast() -> None:
    boat = Mover.at(*OFF_WISSANT, [(600.0, 5.0, 315.0)], noise_m=8.0, seed=1)
    _, steps = run({7: boat}, 600.0)
    raised = alert_events(steps, "departure", EventKind.RAISED)
    assert len(raised) == 1
    alert = raised[0].alert
    assert alert.track_id == 7 and alert.severity is Severity.HIGH
    assert 30.0 <= seconds(raised[0]) <= 120.0
    assert alert.values["seaward_gain_m"] >= 100 and alert.values["nearest_embarkation"] == "Wissant"
    assert alert.thresholds["origin_band_m"] == 3000.0 and alert.thresholds["min_seaward_m"] == 100.0
    assert "Wissant" in alert.explanation and "departure" in alert.explanation
    assert alert.geometry is not None and alert.geometry["type"] == "LineString"
    assert not alert_events(steps, "departure", EventKind.CLEARED)  # an event: it holds while the track lives


def test_no_departure_along_the_coast_from_far_out_or_for_an_ais_vessel() -> None:
    along = Mover.at(*OFF_WISSANT, [(600.0, 5.0, 45.0)], noise_m=5.0, seed=2)  # parallel to the shore
    far = Mover.at(*AT_SEA_FR, [(600.0, 5.0, 315.0)])
    ais_boat = Mover.at(*OFF_WISSANT, [(600.0, 5.0, 315.0)], mmsi=228000001)
    _, steps = run({1: along, 2: far, 3: ais_boat}, 600.0)
    assert alert_events(steps, "departure") == []


def test_uk_waters_on_crossing_the_1988_line_and_no_flapping_on_it() -> None:
    line = strait_geometry().boundary
    p = line.interpolate(0.45 * line.length)
    start = Mover(p.x + 700.0, p.y - 700.0, [(600.0, 5.0, 315.0)])  # 1 km on the French side, heading NW
    _, steps = run({5: start}, 600.0)
    raised = alert_events(steps, "uk_waters", EventKind.RAISED)
    assert len(raised) == 1 and raised[0].alert.values["from_zone"] == "French"
    assert "1988" in raised[0].alert.explanation
    # the boat needs ~385 s to cover the 990 m to the line, then 50 m of margin
    assert 380.0 <= seconds(raised[0]) <= 420.0
    # a boat sitting on the line with 20 m of noise never gets 50 m in: no alert storm
    sitter = Mover(p.x, p.y, [(900.0, 0.0, 0.0)], noise_m=12.0, seed=3)
    _, steps = run({6: sitter}, 900.0)
    assert len(alert_events(steps, "uk_waters")) + len(alert_events(steps, "fr_waters")) <= 1


def test_tss_crossing_across_the_lane_not_along_it() -> None:
    g = strait_geometry()
    lane = next(la for la in g.lanes if "south-west-bound lane of the Dover" in la.name)
    c = lane.centreline.interpolate(lane.centreline.project(lane.centreline.centroid))
    axis = lane.axis_deg(c.x, c.y)
    across = Mover(c.x, c.y, [(300.0, 5.0, (axis + 90.0) % 360.0)])
    along = Mover(c.x + 500.0, c.y + 500.0, [(300.0, 6.0, axis)])
    _, steps = run({1: across, 2: along}, 300.0)
    raised = alert_events(steps, "tss_crossing", EventKind.RAISED)
    assert [e.alert.track_id for e in raised] == [1]
    assert raised[0].alert.values["crossing_angle_deg"] > 80
    assert "Dover" in raised[0].alert.explanation


def test_distress_when_the_engine_stops_at_sea_and_clears_when_under_way_again() -> None:
    boat = Mover.at(
        *AT_SEA_FR, [(180.0, 6.0, 300.0), (400.0, 0.7, 45.0), (300.0, 5.0, 300.0)], noise_m=10.0, seed=4
    )
    _, steps = run({9: boat}, 880.0)
    raised = alert_events(steps, "distress", EventKind.RAISED)
    assert len(raised) == 1
    alert = raised[0].alert
    assert alert.severity is Severity.CRITICAL
    assert 0.0 < seconds(raised[0]) - 180.0 <= 120.0  # within 2 min of the stop
    assert alert.values["speed_kn"] <= 1.5 and alert.values["speed_before_kn"] > 5
    assert "engine failure" in alert.explanation
    cleared = alert_events(steps, "distress", EventKind.CLEARED)
    assert len(cleared) == 1 and 580.0 + 60.0 <= seconds(cleared[0]) <= 580.0 + 150.0


def test_no_distress_for_a_boat_under_way_nor_one_waiting_off_the_beach() -> None:
    under_way = Mover.at(*AT_SEA_FR, [(900.0, 4.0, 300.0)], noise_m=15.0, seed=5)
    waiting = Mover.at(*OFF_WISSANT, [(900.0, 0.3, 90.0)], noise_m=5.0, seed=6)  # never under way, 650 m out
    _, steps = run({1: under_way, 2: waiting}, 900.0)
    assert alert_events(steps, "distress") == []


def test_the_alert_marking_follows_its_track() -> None:
    boat = Mover.at(*AT_SEA_FR, [(120.0, 6.0, 300.0), (300.0, 0.5, 45.0)])
    _, steps = run({9: boat}, 420.0, marking="UK-FR")
    raised = alert_events(steps, "distress", EventKind.RAISED)
    assert raised and raised[0].alert.marking.value == "UK-FR"


def test_settings_change_what_raises() -> None:
    boat = Mover.at(*AT_SEA_FR, [(120.0, 6.0, 300.0), (300.0, 1.8, 45.0)], noise_m=5.0, seed=7)
    _, steps = run({9: boat}, 420.0)
    assert alert_events(steps, "distress") == []  # 1.8 kn is over the 1.5 kn default
    _, steps = run({9: boat}, 420.0, watch=Watch(AlertSettings({"distress.max_speed_kn": 2.0})))
    raised = alert_events(steps, "distress", EventKind.RAISED)
    assert raised and raised[0].alert.thresholds["max_speed_kn"] == 2.0
