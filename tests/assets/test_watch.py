"""The live core: AIS positions by MMSI, arrival at the intercept point, endurance warnings, in event time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from assets_helpers import EVENT

from watchkeeper.assets.model import Asset, AssetKind, AssetState
from watchkeeper.assets.registry import Tasking
from watchkeeper.assets.watch import FleetWatch
from watchkeeper.core.types import VesselState

CUTTER = Asset("C1", AssetKind.SEA, 51.11, 1.33, 26, 10, 80, mmsi=232000001, home_lat=51.11, home_lon=1.33)


def _tasking(asset_id: str, lat: float, lon: float) -> Tasking:
    return Tasking(
        7, asset_id, "INC-1", "active", EVENT, EVENT, "ctl", {}, 50, 900.0, None, lat, lon, None, None
    )


def test_ais_moves_the_asset_once_and_never_back() -> None:
    watch = FleetWatch([CUTTER])
    v = VesselState(232000001, EVENT, "sim", 51.05, 1.40)
    (ev,) = watch.step(EVENT, [v, VesselState(999, EVENT, "sim", 50.0, 1.0)])
    assert (ev.kind, ev.asset_id, ev.detail["lat"]) == ("position", "C1", 51.05)
    assert watch.step(EVENT, [v]) == []  # the same report again
    assert watch.step(EVENT, [VesselState(232000001, EVENT - timedelta(minutes=1), "sim", 51.2, 1.4)]) == []
    assert watch.assets["C1"].lat == 51.05


def test_arrival_at_the_intercept_point_is_told_once() -> None:
    asset = replace(CUTTER, state=AssetState.TRANSITING, deployed_since=EVENT)
    watch = FleetWatch([asset], [_tasking("C1", 51.0, 1.45)])
    assert [e.kind for e in watch.step(EVENT, [VesselState(232000001, EVENT, "sim", 51.05, 1.42)])] == [
        "position"
    ]
    near = VesselState(232000001, EVENT + timedelta(minutes=10), "sim", 51.005, 1.45)  # ~560 m off
    events = watch.step(EVENT + timedelta(minutes=10), [near])
    assert [e.kind for e in events] == ["position", "arrived"]
    assert events[1].detail["incident_id"] == "INC-1" and events[1].detail["distance_m"] < 1852
    assert watch.step(EVENT + timedelta(minutes=11), []) == []


def test_endurance_warning_when_the_way_home_no_longer_fits() -> None:
    # 35 km from Dover: 1.3 × 35 km at 15 kn is 1.6 h, with the half-hour reserve 2.1 h needed
    far = replace(
        CUTTER, lat=50.80, lon=1.40, state=AssetState.ON_SCENE, deployed_since=EVENT, endurance_h=4.0
    )
    far = replace(far, cruise_kn=15)
    watch = FleetWatch([far])
    assert watch.step(EVENT + timedelta(hours=1)) == []  # 3 h left
    (warn,) = watch.step(EVENT + timedelta(hours=2))  # 2 h left
    assert warn.kind == "endurance_low" and warn.detail["endurance_left_h"] == 2.0
    assert 2.0 < warn.detail["needed_h"] < 2.3
    assert watch.step(EVENT + timedelta(hours=2, minutes=5)) == []  # once per deployment
