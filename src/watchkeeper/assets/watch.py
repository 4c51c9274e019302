"""The live core of the assets capability: step-style, in event time (state in, events out).

``FleetWatch.step(now, vessels)`` takes the picture's event time and the vessels that changed, and
returns what happened to the fleet:

* ``position`` — an asset with an MMSI moved (AIS): the worker stores it (``AssetRegistry.apply_vessels``);
* ``arrived`` — a tasked or transiting asset is within ``arrive_m`` of its tasking's intercept point:
  the controller is asked to mark it on scene (the state is theirs to change, not the machine's);
* ``endurance_low`` — a deployed asset has less endurance left than it needs to get home plus
  ``reserve_h``: once per deployment.

Replay and live drive it the same way; it never reads a clock and never touches the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from watchkeeper.assets.model import Asset, AssetState, PositionSource
from watchkeeper.assets.motion import KNOT_MS
from watchkeeper.assets.registry import Tasking
from watchkeeper.core.types import VesselState
from watchkeeper.geo.frames import GEOD

DEPLOYED = (AssetState.TASKED, AssetState.TRANSITING, AssetState.ON_SCENE, AssetState.RETURNING)


@dataclass(frozen=True, slots=True)
class WatchSettings:
    arrive_m: float = 1852.0  # within a nautical mile of the intercept point: on scene
    reserve_h: float = 0.5  # warn when the endurance left is under the time home plus this
    route_factor: float = 1.3  # sea route / straight line home, for the warning (no routing in the hot path)


@dataclass(frozen=True, slots=True)
class WatchEvent:
    kind: str  # position | arrived | endurance_low
    asset_id: str
    time: datetime
    detail: dict[str, Any] = field(default_factory=dict)


class FleetWatch:
    def __init__(
        self, assets: Iterable[Asset], taskings: Iterable[Tasking] = (), settings: WatchSettings | None = None
    ) -> None:
        self.settings = settings or WatchSettings()
        self.assets: dict[str, Asset] = {a.id: a for a in assets}
        self.by_mmsi = {a.mmsi: a.id for a in self.assets.values() if a.mmsi is not None}
        self.taskings: dict[str, Tasking] = {t.asset_id: t for t in taskings if t.status == "active"}
        self._warned: set[tuple[str, datetime | None]] = set()
        self._arrived: set[int] = set()

    def update(self, asset: Asset | None = None, tasking: Tasking | None = None) -> None:
        """Take in a change made elsewhere (a state change, a new or closed tasking)."""
        if asset is not None:
            self.assets[asset.id] = asset
            self.by_mmsi = {a.mmsi: a.id for a in self.assets.values() if a.mmsi is not None}
        if tasking is not None:
            if tasking.status == "active":
                self.taskings[tasking.asset_id] = tasking
            else:
                self.taskings.pop(tasking.asset_id, None)

    def step(self, now: datetime, vessels: Iterable[VesselState] = ()) -> list[WatchEvent]:
        out: list[WatchEvent] = []
        for v in vessels:
            asset_id = self.by_mmsi.get(v.mmsi)
            if asset_id is None or v.lat is None or v.lon is None:
                continue
            a = self.assets[asset_id]
            if a.position_time is not None and v.last_seen <= a.position_time:
                continue
            self.assets[asset_id] = replace(
                a, lat=v.lat, lon=v.lon, position_time=v.last_seen, position_source=PositionSource.AIS
            )
            out.append(
                WatchEvent("position", asset_id, v.last_seen, {"lat": v.lat, "lon": v.lon, "mmsi": v.mmsi})
            )
        s = self.settings
        for a in self.assets.values():
            t = self.taskings.get(a.id)
            if (
                t is not None
                and a.state in (AssetState.TASKED, AssetState.TRANSITING)
                and t.intercept_lat is not None
                and t.intercept_lon is not None
                and t.id not in self._arrived
            ):
                _, _, d = GEOD.inv(a.lon, a.lat, t.intercept_lon, t.intercept_lat)
                if d <= s.arrive_m:
                    self._arrived.add(t.id)
                    out.append(
                        WatchEvent(
                            "arrived",
                            a.id,
                            now,
                            {"tasking_id": t.id, "incident_id": t.incident_id, "distance_m": round(float(d))},
                        )
                    )
            if (
                a.state in DEPLOYED
                and a.deployed_since is not None
                and (a.id, a.deployed_since) not in self._warned
            ):
                home_lat, home_lon = a.home
                _, _, d_home = GEOD.inv(a.lon, a.lat, home_lon, home_lat)
                need_h = s.route_factor * float(d_home) / (a.return_kn * KNOT_MS) / 3600.0 + s.reserve_h
                left_h = a.endurance_left_h(now)
                if left_h < need_h:
                    self._warned.add((a.id, a.deployed_since))
                    out.append(
                        WatchEvent(
                            "endurance_low",
                            a.id,
                            now,
                            {
                                "endurance_left_h": round(left_h, 2),
                                "needed_h": round(need_h, 2),
                            },
                        )
                    )
        return out
