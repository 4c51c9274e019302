"""AIS rules: gaps (Global Fishing Watch's definition, the cell's minutes) and spoofing."""

from __future__ import annotations

from collections.abc import Iterator

from alert_helpers import Mover, ais_report, alert_events, latlon, run, seconds, utm

from watchkeeper.alerts.scan import KNOT_MPS
from watchkeeper.alerts.types import EventKind
from watchkeeper.core.types import AisReport

SHIP_START = (51.00, 1.50)  # mid-strait, 15 km from the nearest shore
DOVER_HARBOUR = (51.118, 1.330)


def _reports(
    mmsi: int, lat: float, lon: float, every_s: float, silent: tuple[float, float] | None, sog: float = 12.0
):
    x0, y0 = utm(lat, lon)

    def gen(t0: float, t1: float) -> Iterator[AisReport]:
        t = (int(t0 // every_s) + 1) * every_s
        while t <= t1:
            if silent is None or not (silent[0] <= t < silent[1]):
                la, lo = latlon(x0 + sog * KNOT_MPS * t, y0)
                yield ais_report(mmsi, t, la, lo, sog, 90.0)
            t += every_s

    return gen


def test_ais_gap_at_sea_raises_after_ten_minutes_and_clears_on_the_next_report() -> None:
    gen = _reports(235000003, *SHIP_START, 10.0, silent=(300.0, 1200.0))
    _, steps = run({}, 1500.0, ais=gen)
    raised = alert_events(steps, "ais_gap", EventKind.RAISED)
    assert len(raised) == 1
    alert = raised[0].alert
    assert alert.mmsi == 235000003 and alert.key == "mmsi:235000003"
    assert 290.0 + 600.0 <= seconds(raised[0]) <= 290.0 + 605.0  # last report at 290 s
    assert alert.values["prior_reports"] >= 6 and alert.values["gfw_gap_event_h"] == 6.0
    assert "Global Fishing Watch" in alert.explanation and "12 h" in alert.explanation
    cleared = alert_events(steps, "ais_gap", EventKind.CLEARED)
    assert len(cleared) == 1 and 1200.0 <= seconds(cleared[0]) <= 1202.5


def test_no_ais_gap_in_harbour_or_for_a_vessel_that_rarely_transmits() -> None:
    in_port = _reports(235000004, *DOVER_HARBOUR, 10.0, silent=(300.0, 1500.0), sog=0.0)
    rare = _reports(235000005, *SHIP_START, 180.0, silent=(400.0, 1500.0))  # 3 min: at anchor cadence

    def both(t0: float, t1: float) -> Iterator[AisReport]:
        yield from in_port(t0, t1)
        yield from rare(t0, t1)

    _, steps = run({}, 1500.0, ais=both)
    assert alert_events(steps, "ais_gap") == []


def test_ais_spoofing_on_an_impossible_jump_and_an_inland_position() -> None:
    def gen(t0: float, t1: float) -> Iterator[AisReport]:
        for t in range(10, 400, 10):
            if t0 < t <= t1:
                lat, lon = SHIP_START
                if t == 200:
                    lat += 0.2  # 22 km north in 10 s
                yield ais_report(235000006, float(t), lat, lon + t * 1e-5, 10.0, 90.0)
                if t == 300:
                    yield ais_report(235000007, float(t), 50.80, 2.10, 0.0, 0.0)  # 25 km inland, Flanders

    _, steps = run({}, 400.0, ais=gen)
    raised = alert_events(steps, "ais_spoofing", EventKind.RAISED)
    by_mmsi = {e.alert.mmsi: e.alert for e in raised}
    assert set(by_mmsi) == {235000006, 235000007}
    assert by_mmsi[235000006].values["implied_kn"] > 1000
    assert "inland" in by_mmsi[235000007].explanation
    assert len(alert_events(steps, "ais_spoofing", EventKind.RAISED)) == 2  # the jump back is the same alert


def test_a_radar_track_keeps_its_mmsi_in_the_gap_explanation() -> None:
    x, y = utm(*SHIP_START)
    ship = Mover(x, y, [(1500.0, 12.0, 90.0)], mmsi=235000008)
    gen = _reports(235000008, *SHIP_START, 10.0, silent=(300.0, 1500.0))
    _, steps = run({4: ship}, 1000.0, ais=gen)
    raised = alert_events(steps, "ais_gap", EventKind.RAISED)
    assert raised and raised[0].alert.values["radar_track_id"] == 4
    assert "radar still holds it as track 4" in raised[0].alert.explanation
