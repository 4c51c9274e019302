"""Assets of the cell: what they are, where they are, what they can do.

Speeds in knots, endurance in hours, positions WGS84. ``dash_kn`` is the speed used to intercept (a
search-and-rescue response goes at best speed); ``cruise_kn`` the speed used to return to base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from watchkeeper.core.errors import DecodeError, RejectReason


class AssetKind(StrEnum):
    SEA = "sea"
    AIR = "air"
    LAND = "land"


class AssetState(StrEnum):
    AVAILABLE = "available"
    TASKED = "tasked"
    TRANSITING = "transiting"
    ON_SCENE = "on_scene"
    RETURNING = "returning"
    MAINTENANCE = "maintenance"


@dataclass(slots=True)
class Asset:
    id: str
    kind: AssetKind
    lat: float
    lon: float
    dash_kn: float
    endurance_h: float
    capacity_persons: int
    state: AssetState = AssetState.AVAILABLE
    cruise_kn: float | None = None
    name: str | None = None
    asset_type: str | None = (
        None  # e.g. "Border Force cutter", "RNLI Severn-class lifeboat", "S-92 helicopter"
    )
    home_lat: float | None = None
    home_lon: float | None = None
    crew: int | None = None
    mmsi: int | None = None
    sensor_footprint_m: float | None = None  # drones and aircraft: sensor swath width
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def return_kn(self) -> float:
        return self.cruise_kn or self.dash_kn


@dataclass(slots=True, frozen=True)
class Target:
    """What is to be reached: a small craft moving at SOG/COG (or drifting) at ``time``."""

    lat: float
    lon: float
    sog_kn: float
    cog_deg: float
    time: datetime
    persons: int | None = None


def _num(doc: dict[str, Any], key: str, where: str, required: bool = True) -> float | None:
    value = doc.get(key)
    if value is None:
        if required:
            raise DecodeError(RejectReason.BAD_FIELD, f"{where}: missing {key!r}")
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {key!r} is not a number: {value!r}") from None


def asset_from_json(doc: dict[str, Any], index: int = 0) -> Asset:
    """An asset from the ``assets.json`` layout (``id, kind, lat, lon, speed_kn, endurance_h,
    capacity_persons, state``; optional ``cruise_kn, name, type, home_lat, home_lon, crew, mmsi``)."""
    where = f"asset #{index} ({doc.get('id', '?')})"
    try:
        kind = AssetKind(str(doc.get("kind")))
        state = AssetState(str(doc.get("state", "available")))
    except ValueError as exc:
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {exc}") from None
    lat = _num(doc, "lat", where)
    lon = _num(doc, "lon", where)
    assert lat is not None and lon is not None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{where}: position {lat}, {lon}")
    speed = _num(doc, "speed_kn", where)
    endurance = _num(doc, "endurance_h", where)
    capacity = _num(doc, "capacity_persons", where)
    assert speed is not None and endurance is not None and capacity is not None
    if speed <= 0 or endurance < 0 or capacity < 0:
        raise DecodeError(
            RejectReason.OUT_OF_RANGE, f"{where}: speed, endurance and capacity must be positive"
        )
    return Asset(
        id=str(doc.get("id") or f"asset-{index}"),
        kind=kind,
        lat=lat,
        lon=lon,
        dash_kn=speed,
        endurance_h=endurance,
        capacity_persons=int(capacity),
        state=state,
        cruise_kn=_num(doc, "cruise_kn", where, required=False),
        name=doc.get("name"),
        asset_type=doc.get("type"),
        home_lat=_num(doc, "home_lat", where, required=False),
        home_lon=_num(doc, "home_lon", where, required=False),
        crew=int(doc["crew"]) if doc.get("crew") is not None else None,
        mmsi=int(doc["mmsi"]) if doc.get("mmsi") is not None else None,
        sensor_footprint_m=_num(doc, "sensor_footprint_m", where, required=False),
    )
