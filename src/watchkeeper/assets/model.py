"""Assets of the cell and the craft they are sent to: what they are, where they are, what they can do.

Domain types only (plain dataclasses); the stored registry is ``assets/models.py`` (SQLAlchemy tables)
behind ``assets/registry.py``.

Units: speeds in knots, endurance in hours, positions WGS84 degrees, times timezone-aware UTC.
``max_kn`` is the speed used to intercept (a search-and-rescue response goes at best speed); ``cruise_kn``
the speed used to return to base and to reach a patrol station. ``endurance_h`` is the endurance of a
full load; what is left at a moment comes from ``endurance_left_h`` (the time since the asset left base,
``deployed_since``, is spent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.marking import DEFAULT_MARKING, Marking, parse_marking


class AssetKind(StrEnum):
    SEA = "sea"
    AIR = "air"
    LAND = "land"


class AssetState(StrEnum):
    """available → tasked → transiting → on_scene → returning → available; maintenance aside."""

    AVAILABLE = "available"
    TASKED = "tasked"
    TRANSITING = "transiting"
    ON_SCENE = "on_scene"
    RETURNING = "returning"
    MAINTENANCE = "maintenance"


class PositionSource(StrEnum):
    """Where an asset's position comes from."""

    AIS = "ais"  # the live picture, by the asset's MMSI
    FEED = "feed"  # a position feed (e.g. a blue-force tracker, a drone's telemetry)
    MANUAL = "manual"  # typed in by a controller
    HOME = "home"  # nothing heard: assumed at its home base


@dataclass(slots=True)
class Asset:
    id: str
    kind: AssetKind
    lat: float
    lon: float
    max_kn: float
    endurance_h: float
    capacity_persons: int
    state: AssetState = AssetState.AVAILABLE
    cruise_kn: float | None = None
    name: str | None = None
    asset_type: str | None = None  # e.g. "Border Force cutter", "RNLI Severn-class lifeboat"
    operator: str | None = None  # e.g. "Border Force", "RNLI", "Marine nationale"
    nation: str | None = None  # "GB" or "FR": where it may patrol (its side of the 1988 boundary)
    home_base: str | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    crew: int | None = None
    mmsi: int | None = None
    sensor_footprint_m: float | None = None  # aircraft and drones: sensor swath width
    sector: str | None = None  # land units: the coastal sector they hold
    marking: Marking = DEFAULT_MARKING
    position_time: datetime | None = None
    position_source: PositionSource = PositionSource.HOME
    deployed_since: datetime | None = None  # left base at (endurance runs from then)
    illustrative: bool = False  # part of the demo's illustrative fleet (assets/fleet.py)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def return_kn(self) -> float:
        return self.cruise_kn or self.max_kn

    @property
    def home(self) -> tuple[float, float]:
        """(lat, lon) of the home base; the current position when none is known."""
        if self.home_lat is None or self.home_lon is None:
            return self.lat, self.lon
        return self.home_lat, self.home_lon

    def endurance_left_h(self, at: datetime | None) -> float:
        """Hours of endurance left at ``at``: full endurance minus the time since it left base."""
        if self.deployed_since is None or at is None:
            return self.endurance_h
        spent = max((at - self.deployed_since).total_seconds(), 0.0) / 3600.0
        return max(self.endurance_h - spent, 0.0)


@dataclass(slots=True, frozen=True)
class TrackPoint:
    """A predicted position of the target (e.g. the centre of a drift prediction)."""

    time: datetime
    lat: float
    lon: float


@dataclass(slots=True, frozen=True)
class Target:
    """What is to be reached: a small craft at (lat, lon) at ``time``.

    Its predicted motion is either its own SOG/COG plus an optional drift (``drift_kn`` towards
    ``drift_deg``, degrees true: the current and leeway a drifting boat is carried by), or a predicted
    ``track`` (positions at later times, e.g. the centre of a ``watchkeeper drift`` prediction): then the
    position is interpolated along (lat, lon) → track points, and continues at the last leg's velocity
    after the last point; SOG/COG and drift are not used.
    """

    lat: float
    lon: float
    sog_kn: float
    cog_deg: float
    time: datetime
    persons: int | None = None
    drift_kn: float = 0.0
    drift_deg: float = 0.0
    track: tuple[TrackPoint, ...] = ()


# -- JSON input (CLI ``--assets`` / ``--target``, API bodies) -------------------------------------------


def _num(doc: dict[str, Any], key: str, where: str, required: bool = True) -> float | None:
    value = doc.get(key)
    if value is None:
        if required:
            raise DecodeError(RejectReason.BAD_FIELD, f"{where}: missing {key!r}")
        return None
    if isinstance(value, bool):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {key!r} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {key!r} is not a number: {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {key!r} is not finite")
    return number


def _position(
    doc: dict[str, Any], where: str, lat_key: str = "lat", lon_key: str = "lon"
) -> tuple[float, float]:
    lat = _num(doc, lat_key, where)
    lon = _num(doc, lon_key, where)
    assert lat is not None and lon is not None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{where}: position {lat}, {lon} is not on Earth")
    return lat, lon


def parse_time(text: Any, where: str) -> datetime:
    """An ISO 8601 time with a zone (``Z`` accepted); ``DecodeError`` otherwise."""
    if not isinstance(text, str):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: time must be an ISO 8601 string: {text!r}")
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: not an ISO 8601 time: {text!r}") from None
    if dt.tzinfo is None:
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: give a time zone (e.g. ...T02:00:00Z): {text!r}")
    return dt


def asset_from_json(doc: Any, index: int = 0) -> Asset:
    """An asset from the ``assets.json`` layout.

    Required: ``id, kind (sea|air|land), lat, lon, speed_kn (maximum), endurance_h, capacity_persons``;
    ``state`` defaults to available. Optional: ``cruise_kn, name, type, operator, nation, home_base,
    home_lat, home_lon, crew, mmsi, sensor_footprint_m, sector, marking, deployed_since``.
    """
    if not isinstance(doc, dict):
        raise DecodeError(RejectReason.MALFORMED, f"asset #{index}: not a JSON object")
    where = f"asset #{index} ({doc.get('id', '?')})"
    if not doc.get("id"):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: missing 'id'")
    try:
        kind = AssetKind(str(doc.get("kind")))
    except ValueError:
        raise DecodeError(
            RejectReason.BAD_FIELD, f"{where}: kind {doc.get('kind')!r} is not one of sea, air, land"
        ) from None
    try:
        state = AssetState(str(doc.get("state", "available")))
    except ValueError:
        allowed = ", ".join(s.value for s in AssetState)
        raise DecodeError(
            RejectReason.BAD_FIELD, f"{where}: state {doc.get('state')!r} is not one of {allowed}"
        ) from None
    try:
        marking = parse_marking(doc.get("marking", DEFAULT_MARKING))
    except ValueError as exc:
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: {exc}") from None
    lat, lon = _position(doc, where)
    speed = _num(doc, "speed_kn", where)
    endurance = _num(doc, "endurance_h", where)
    capacity = _num(doc, "capacity_persons", where)
    cruise = _num(doc, "cruise_kn", where, required=False)
    assert speed is not None and endurance is not None and capacity is not None
    if speed <= 0 or endurance < 0 or capacity < 0 or (cruise is not None and cruise <= 0):
        raise DecodeError(
            RejectReason.OUT_OF_RANGE,
            f"{where}: speeds must be positive, endurance and capacity not negative",
        )
    home_lat = _num(doc, "home_lat", where, required=False)
    home_lon = _num(doc, "home_lon", where, required=False)
    if (home_lat is None) != (home_lon is None):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: give both home_lat and home_lon, or neither")
    crew = _num(doc, "crew", where, required=False)
    mmsi = _num(doc, "mmsi", where, required=False)
    deployed = doc.get("deployed_since")
    return Asset(
        id=str(doc["id"]),
        kind=kind,
        lat=lat,
        lon=lon,
        max_kn=speed,
        endurance_h=endurance,
        capacity_persons=int(capacity),
        state=state,
        cruise_kn=cruise,
        name=doc.get("name"),
        asset_type=doc.get("type"),
        operator=doc.get("operator"),
        nation=doc.get("nation"),
        home_base=doc.get("home_base"),
        home_lat=home_lat,
        home_lon=home_lon,
        crew=None if crew is None else int(crew),
        mmsi=None if mmsi is None else int(mmsi),
        sensor_footprint_m=_num(doc, "sensor_footprint_m", where, required=False),
        sector=doc.get("sector"),
        marking=marking,
        deployed_since=None if deployed is None else parse_time(deployed, f"{where} deployed_since"),
    )


def asset_to_json(asset: Asset) -> dict[str, Any]:
    """The ``assets.json`` layout of an asset (the inverse of ``asset_from_json``)."""
    doc: dict[str, Any] = {
        "id": asset.id,
        "kind": asset.kind.value,
        "lat": asset.lat,
        "lon": asset.lon,
        "speed_kn": asset.max_kn,
        "endurance_h": asset.endurance_h,
        "capacity_persons": asset.capacity_persons,
        "state": asset.state.value,
        "cruise_kn": asset.cruise_kn,
        "name": asset.name,
        "type": asset.asset_type,
        "operator": asset.operator,
        "nation": asset.nation,
        "home_base": asset.home_base,
        "home_lat": asset.home_lat,
        "home_lon": asset.home_lon,
        "crew": asset.crew,
        "mmsi": asset.mmsi,
        "sensor_footprint_m": asset.sensor_footprint_m,
        "sector": asset.sector,
        "marking": asset.marking.value,
    }
    if asset.deployed_since is not None:
        doc["deployed_since"] = asset.deployed_since.isoformat().replace("+00:00", "Z")
    return {k: v for k, v in doc.items() if v is not None}


def target_from_json(doc: Any) -> Target:
    """A target from the ``target.json`` layout: ``lat, lon, sog_kn, cog_deg, time_utc, persons``;
    optional ``drift_kn`` + ``drift_deg`` (towards, degrees true) or ``track``: a list of
    ``{time_utc, lat, lon}`` predicted positions after ``time_utc``."""
    if not isinstance(doc, dict):
        raise DecodeError(RejectReason.MALFORMED, "target: not a JSON object")
    where = "target"
    lat, lon = _position(doc, where)
    if "time_utc" not in doc:
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: missing 'time_utc'")
    time = parse_time(doc["time_utc"], f"{where} time_utc")
    sog = _num(doc, "sog_kn", where, required=False) or 0.0
    cog = _num(doc, "cog_deg", where, required=False) or 0.0
    if sog < 0 or sog > 60:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{where}: sog_kn {sog} outside 0..60")
    drift_kn = _num(doc, "drift_kn", where, required=False) or 0.0
    drift_deg = _num(doc, "drift_deg", where, required=False) or 0.0
    if drift_kn < 0 or drift_kn > 10:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{where}: drift_kn {drift_kn} outside 0..10")
    persons = _num(doc, "persons", where, required=False)
    if persons is not None and persons < 0:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"{where}: persons {persons} is negative")
    raw_track = doc.get("track") or []
    if not isinstance(raw_track, list):
        raise DecodeError(RejectReason.BAD_FIELD, f"{where}: track must be a list of points")
    track: list[TrackPoint] = []
    for i, point in enumerate(raw_track):
        pw = f"{where} track[{i}]"
        if not isinstance(point, dict):
            raise DecodeError(RejectReason.BAD_FIELD, f"{pw}: not an object")
        plat, plon = _position(point, pw)
        ptime = parse_time(point.get("time_utc"), f"{pw} time_utc")
        previous = track[-1].time if track else time
        if ptime <= previous:
            raise DecodeError(RejectReason.BAD_FIELD, f"{pw}: times must increase after time_utc")
        track.append(TrackPoint(ptime, plat, plon))
    return Target(
        lat=lat,
        lon=lon,
        sog_kn=sog,
        cog_deg=cog % 360.0,
        time=time,
        persons=None if persons is None else int(persons),
        drift_kn=drift_kn,
        drift_deg=drift_deg % 360.0,
        track=tuple(track),
    )
