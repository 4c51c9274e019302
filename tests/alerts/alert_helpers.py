"""Synthetic track pictures for the rule tests: movers on straight legs in UTM 31N, scans every 2.5 s.

Imported by name (pytest puts this folder on ``sys.path``). Positions come from real geography
(``geo`` layers), so a test that puts a boat "500 m off Wissant" puts it there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from watchkeeper.alerts.scan import KNOT_MPS, TrackScan
from watchkeeper.alerts.types import AlertEvent, EventKind
from watchkeeper.alerts.watch import Watch, WatchStep
from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.geo.frames import to_utm, to_wgs84

EPOCH = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
PERIOD = 2.5


def utm(lat: float, lon: float) -> tuple[float, float]:
    x, y = to_utm(lon, lat)
    return float(x), float(y)


def latlon(x: float, y: float) -> tuple[float, float]:
    lon, lat = to_wgs84(x, y)
    return float(lat), float(lon)


@dataclass
class Mover:
    """A target on straight legs: (duration s, speed kn, course deg true); before ``start_s`` and after the
    legs (unless ``hold_last``) it is absent from the picture."""

    x: float
    y: float
    legs: Sequence[tuple[float, float, float]]
    start_s: float = 0.0
    mmsi: int = 0
    noise_m: float = 0.0
    seed: int = 0
    end_s: float | None = None
    _rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    @classmethod
    def at(cls, lat: float, lon: float, legs: Sequence[tuple[float, float, float]], **kw: object) -> Mover:
        x, y = utm(lat, lon)
        return cls(x, y, legs, **kw)  # type: ignore[arg-type]

    @property
    def duration_s(self) -> float:
        return sum(leg[0] for leg in self.legs)

    def position(self, t: float) -> tuple[float, float, float, float] | None:
        """(x, y, sog kn, cog deg) at scenario time ``t`` or None when absent."""
        end = self.end_s if self.end_s is not None else self.start_s + self.duration_s
        if t < self.start_s or t > end:
            return None
        x, y, local = self.x, self.y, t - self.start_s
        sog, cog = 0.0, 0.0
        for duration, speed, course in self.legs:
            step = min(local, duration)
            v = speed * KNOT_MPS
            x += v * step * np.sin(np.radians(course))
            y += v * step * np.cos(np.radians(course))
            sog, cog = speed, course
            local -= step
            if local <= 0:
                break
        if local > 0:  # past the legs but still present (end_s): keep the last leg going
            v = sog * KNOT_MPS
            x += v * local * np.sin(np.radians(cog))
            y += v * local * np.cos(np.radians(cog))
        if self.noise_m:
            x += float(self._rng.normal(0, self.noise_m))
            y += float(self._rng.normal(0, self.noise_m))
        return float(x), float(y), sog, cog


def scan_at(t: float, movers: dict[int, Mover], marking: str | dict[int, str] | None = None) -> TrackScan:
    rows = []
    for tid, m in movers.items():
        p = m.position(t)
        if p is None:
            continue
        lat, lon = latlon(p[0], p[1])
        row: dict[str, object] = {"track_id": tid, "lat": lat, "lon": lon, "sog_kn": p[2], "cog_deg": p[3]}
        row["mmsi"] = m.mmsi
        row["dark"] = m.mmsi == 0
        if isinstance(marking, dict):
            row["marking"] = marking.get(tid, "UK-ONLY")
        elif marking is not None:
            row["marking"] = marking
        rows.append(row)
    return TrackScan.from_rows(EPOCH + timedelta(seconds=t), rows)


def ais_report(mmsi: int, t: float, lat: float, lon: float, sog: float = 10.0, cog: float = 0.0) -> AisReport:
    return AisReport(
        mmsi=mmsi,
        msg_type=1,
        event_time=EPOCH + timedelta(seconds=t),
        time_source=TimeSource.TAG_BLOCK,
        source="test",
        lat=lat,
        lon=lon,
        sog_kn=sog,
        cog_deg=cog,
    )


def run(
    movers: dict[int, Mover],
    duration_s: float,
    watch: Watch | None = None,
    ais: Callable[[float, float], Iterable[AisReport]] | None = None,
    marking: str | dict[int, str] | None = None,
    on_step: Callable[[Watch, WatchStep], object] | None = None,
) -> tuple[Watch, list[WatchStep]]:
    """Step a watch over the movers every 2.5 s from 0 to ``duration_s``; ``ais(t0, t1)`` gives the reports
    with event time in (t0, t1]."""
    watch = watch or Watch()
    steps = []
    prev = -PERIOD
    for k in range(int(duration_s / PERIOD) + 1):
        t = k * PERIOD
        reports = list(ais(prev, t)) if ais else []
        step = watch.step(scan_at(t, movers, marking), reports)
        if on_step is not None:
            on_step(watch, step)
        steps.append(step)
        prev = t
    return watch, steps


def alert_events(
    steps: Iterable[WatchStep], rule: str | None = None, kind: EventKind | None = None
) -> list[AlertEvent]:
    return [
        e
        for s in steps
        for e in s.alerts
        if (rule is None or e.alert.rule.value == rule) and (kind is None or e.kind is kind)
    ]


def seconds(e: AlertEvent) -> float:
    return (e.time - EPOCH).total_seconds()
