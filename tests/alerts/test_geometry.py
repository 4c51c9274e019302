"""The strait's geometry as the rules see it: shores by country, territorial seas, traffic lanes."""

from __future__ import annotations

import numpy as np
from alert_helpers import utm

from watchkeeper.alerts.geometry import FR, NONE, UK, strait_geometry
from watchkeeper.alerts.rules.tss import crossing_angle


def _q(lat: float, lon: float) -> tuple[np.ndarray, np.ndarray]:
    x, y = utm(lat, lon)
    return np.array([x]), np.array([y])


def test_shores_by_country() -> None:
    g = strait_geometry()
    x, y = _q(50.893, 1.652)  # off Wissant
    assert 300 < g.fr_coast_m(x, y)[0] < 1000
    assert g.uk_coast_m(x, y)[0] > 30_000
    x, y = _q(51.10, 1.33)  # off Dover
    assert g.uk_coast_m(x, y)[0] < 1500 and g.fr_coast_m(x, y)[0] > 25_000
    x, y = _q(51.12, 2.70)  # off De Panne, Belgium: not the French shore
    assert g.other_shore.distance(x, y)[0] < g.fr_coast_m(x, y)[0]
    x, y = _q(50.90, 1.85)  # inland near Calais
    assert g.on_land(x, y)[0]


def test_territorial_seas_follow_the_1988_line_then_the_12nm_belts() -> None:
    g = strait_geometry()
    lat = np.array([51.05, 50.97, 50.50, 50.10, 50.30])
    lon = np.array([1.25, 1.60, 1.40, 0.50, 0.10])
    xs, ys = zip(*(utm(a, b) for a, b in zip(lat, lon, strict=True)), strict=True)
    zone, depth, by_line = g.territorial(np.array(xs), np.array(ys))
    assert zone[:2].tolist() == [UK, FR] and by_line[:2].all()
    # off Boulogne, south-west of point I: the French 12 nm belt; mid-Channel: neither
    assert zone[2] == FR and not by_line[2]
    assert zone[3] == NONE and depth[3] > 0
    assert (depth >= 0).all()


def test_the_dover_lanes_have_areas_and_axes_along_the_flow() -> None:
    g = strait_geometry()
    sw = next(lane for lane in g.lanes if "south-west-bound lane of the Dover" in lane.name)
    ne = next(lane for lane in g.lanes if "north-east-bound lane of the Dover" in lane.name)
    for lane, flow in ((sw, 232.0), (ne, 54.0)):
        assert 1500 < lane.half_width_m < 5000
        c = lane.centreline.interpolate(0.5 * lane.centreline.length)
        assert abs((lane.axis_deg(c.x, c.y) - flow + 180) % 360 - 180) < 30
        assert g.lane_index(np.array([c.x]), np.array([c.y]))[0] == g.lanes.index(lane)
    assert crossing_angle(318.0, 228.0) == 90.0
    assert crossing_angle(50.0, 228.0) == 2.0
    assert crossing_angle(250.0, 228.0) == 22.0
