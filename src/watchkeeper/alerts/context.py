"""What every rule sees at one scan: the tracks with their history and geometry, the AIS reports.

Built once per scan by the engine, so that each geometric question (distance to each shore,
territorial sea, traffic lane) is asked once per track and vectorised over the scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.alerts.config import AlertSettings, declare
from watchkeeper.alerts.geometry import StraitGeometry
from watchkeeper.alerts.scan import Fit, TrackHistory
from watchkeeper.core.marking import Marking
from watchkeeper.core.types import AisReport

SMALL_CRAFT_MAX_SPEED = declare(
    "engine.small_craft_max_speed_kn", 15.0, "kn", 5.0, 45.0,
    "A dark track moving faster than this (straight-line fit) is not treated as a small craft: migrant "
    "dinghies make 4–8 kn, and tracks born of sea clutter often show 20–40 kn.",
)  # fmt: skip
FIT_WINDOW = declare(
    "engine.fit_window_s", 60.0, "s", 10.0, 600.0,
    "Window of the straight-line fit that gives each track's speed and course for the rules.",
)  # fmt: skip
COOLDOWN = declare(
    "engine.cooldown_s", 300.0, "s", 0.0, 7200.0,
    "A subject whose alert cleared and that raises again within this time reopens the same alert "
    "(counted in occurrences) instead of making a new one: no alert storms from a condition on the edge.",
)  # fmt: skip


@dataclass(slots=True)
class TrackView:
    """One track at this scan, with what the rules ask of it (UTM metres, knots, degrees true)."""

    index: int
    track_id: int
    history: TrackHistory
    x: float
    y: float
    lat: float
    lon: float
    sog_kn: float  # the tracker's own estimate
    cog_deg: float
    mmsi: int
    dark: bool
    marking: Marking
    fit: Fit | None  # over engine.fit_window_s
    small_craft: bool  # dark, never bound to an MMSI, fit speed within the small-craft limit
    fr_coast_m: float
    uk_coast_m: float
    shore_m: float
    on_land: bool
    zone: int  # +1 UK, −1 France, 0 neither (territorial seas, see geometry.territorial)
    zone_depth_m: float
    zone_by_line: bool  # the 1988 boundary line decided the zone (else the 12 nm belts)
    lane: int  # index into geometry.lanes, −1 outside every lane

    @property
    def speed_kn(self) -> float:
        """Fit speed when there is a fit, else the tracker's."""
        return self.fit.speed_kn if self.fit is not None else self.sog_kn

    @property
    def course_deg(self) -> float:
        return self.fit.course_deg if self.fit is not None else self.cog_deg

    def age_s(self) -> float:
        return self.history.age_s()


@dataclass(slots=True)
class EndedTrack:
    """A track present at the previous scan and absent from this one."""

    track_id: int
    history: TrackHistory
    last_view: TrackView


@dataclass(slots=True)
class ScanContext:
    t: float  # seconds since the engine's epoch
    time: datetime
    tracks: list[TrackView]
    by_id: dict[int, TrackView]
    ended: list[EndedTrack]
    ais: Sequence[AisReport]
    geometry: StraitGeometry
    settings: AlertSettings
    links: dict[int, int] = field(default_factory=dict)  # new track id → the lost track it picked up

    def small_craft(self, min_age_s: float = 0.0) -> list[TrackView]:
        return [v for v in self.tracks if v.small_craft and v.age_s() >= min_age_s]
