"""What a rule is, and small helpers shared by the rules (positions in words, GeoJSON of what was seen)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np

from watchkeeper.alerts.context import ScanContext, TrackView
from watchkeeper.alerts.types import Finding, RuleName
from watchkeeper.core.marking import Marking, combine
from watchkeeper.geo.frames import to_wgs84


class Rule(Protocol):
    """A rule: reads the scan, keeps its own per-subject memory, returns its findings.

    ``names`` are the alert rules it speaks for; the engine clears an active alert of one of those names
    when the rule no longer reports a holding finding for its subject.
    """

    names: tuple[RuleName, ...]

    def evaluate(self, ctx: ScanContext) -> list[Finding]: ...


def where(lat: float, lon: float) -> str:
    """``50.9312N 1.3411E`` (four decimals ≈ 10 m)."""
    return f"{abs(lat):.4f}{'N' if lat >= 0 else 'S'} {abs(lon):.4f}{'E' if lon >= 0 else 'W'}"


def describe(view: TrackView) -> str:
    """How a track is named in an explanation."""
    if view.small_craft:
        return f"dark small craft, track {view.track_id}"
    if view.mmsi > 0:
        return f"track {view.track_id} (MMSI {view.mmsi})"
    return f"{'dark ' if view.dark else ''}track {view.track_id}"


def point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def line_utm(xs: Iterable[float], ys: Iterable[float]) -> dict[str, Any]:
    """A GeoJSON LineString (lon/lat) through UTM points."""
    lon, lat = to_wgs84(np.asarray(list(xs), dtype=float), np.asarray(list(ys), dtype=float))
    return {
        "type": "LineString",
        "coordinates": [[round(a, 6), round(b, 6)] for a, b in zip(lon, lat, strict=True)],
    }


def markings(*views: TrackView) -> Marking:
    return combine(v.marking for v in views)


def rounded(values: dict[str, Any], digits: int = 1) -> dict[str, Any]:
    """Floats rounded for the record (units are in the keys)."""
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in values.items()}
