"""Which incident a drone's or an observer's detection belongs to. Pure, event time.

A detection of a boat (at sea, or on a beach) or of persons (gathering on a beach, walking up from the
shore) is linked to the *nearest small-craft contact in time and space*: the small-craft tracks of the
scan it arrived in, and the open incidents whose track is no longer held (a boat that landed, an
incident opened by an earlier detection). Time and space are put on one scale, metres, by the speed a
small boat could have covered in between (``field.speed_allowance_kn``, 8 kn: faster than a dinghy
makes, so a boat seen a minute ago 250 m away is still "here"):

    score = distance at the detection's time + allowance × |Δt|

A candidate is linked when ``score ≤ field.link_radius_m + 3·ce`` (the detection's circular error; 0
when unknown) and ``|Δt| ≤ field.link_window_s``; the lowest score wins, ties to the lowest track id,
then incident id, so the same inputs always link the same way. Track positions are moved to the
detection's time along the track's velocity (the straight-line fit where there is one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from watchkeeper.alerts.config import AlertSettings, declare
from watchkeeper.core.types import FieldObservation, ObservationKind
from watchkeeper.geo.frames import to_utm

KNOT_MPS = 1852.0 / 3600.0

LINK_RADIUS = declare(
    "field.link_radius_m", 1000.0, "m", 0.0, 20000.0,
    "A drone or observer detection links to the nearest small-craft contact within this distance (plus "
    "three times its circular error and the allowance for time); else it opens an incident of its own.",
)  # fmt: skip
LINK_WINDOW = declare(
    "field.link_window_s", 900.0, "s", 0.0, 86400.0,
    "An incident whose contact was last seen longer ago than this is not linked to a new detection.",
)  # fmt: skip
SPEED_ALLOWANCE = declare(
    "field.speed_allowance_kn", 8.0, "kn", 0.0, 45.0,
    "Time between a detection and a contact counts as the distance a small boat covers at this speed.",
)  # fmt: skip

INCIDENT_KINDS = frozenset({ObservationKind.BOAT, ObservationKind.PERSONS})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A small-craft contact a detection may belong to (UTM 31N m, m/s, event time)."""

    incident_id: str | None  # None: a small-craft track not yet in an incident
    track_id: int | None  # None: an incident whose contact is not held by a track now
    x: float
    y: float
    time: datetime
    vx: float = 0.0
    vy: float = 0.0


@dataclass(frozen=True, slots=True)
class Link:
    candidate: Candidate
    distance_m: float
    dt_s: float
    score_m: float


def concerns_incidents(obs: FieldObservation) -> bool:
    """A detection of a boat or of persons (drone platforms, points of interest, others are not)."""
    return obs.kind in INCIDENT_KINDS


def source_of(obs: FieldObservation) -> str:
    """``observer`` for a report from the API or the page, ``drone`` for a CoT event."""
    return "observer" if obs.report_id is not None else "drone"


def nearest(
    obs: FieldObservation, candidates: Sequence[Candidate], settings: AlertSettings | None = None
) -> Link | None:
    """The candidate ``obs`` belongs to (module docstring), or None: it opens an incident of its own."""
    if not candidates:
        return None
    s = settings or AlertSettings()
    radius = s.number(LINK_RADIUS.key) + 3.0 * (obs.ce_m or 0.0)
    window = s.number(LINK_WINDOW.key)
    allowance = s.number(SPEED_ALLOWANCE.key) * KNOT_MPS
    ox, oy = (float(v) for v in to_utm(obs.lon, obs.lat))
    best: tuple[float, int, str, Link] | None = None
    for c in candidates:
        dt = (obs.event_time - c.time).total_seconds()
        if abs(dt) > window:
            continue
        distance = float(np.hypot(c.x + c.vx * dt - ox, c.y + c.vy * dt - oy))
        score = distance + allowance * abs(dt)
        if score > radius:
            continue
        key = (score, c.track_id if c.track_id is not None else 2**62, c.incident_id or "")
        if best is None or key < best[:3]:
            best = (*key, Link(c, distance, dt, score))
    return None if best is None else best[3]
