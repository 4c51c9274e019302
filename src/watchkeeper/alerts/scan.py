"""The engine's input: one scan of the track picture (``TrackScan``) and each track's recent past.

``TrackScan`` is built from the tracker's ``TrackOutput`` (``from_output``) or from plain rows (tests,
other track sources). Positions are kept in both WGS84 (lat/lon degrees) and UTM 31N (x/y metres, the
frame every distance and speed here is worked in). Arrays the tracker adds later (IMM mode
probabilities, track age, hits) arrive in ``extras`` under their own names, untouched.

``TrackHistory`` holds one track's positions over the rules' longest window; ``fit_velocity`` fits a
straight line through the last seconds of it (least squares in x and y against time). The fitted speed
is what the kinematic rules use: a tracker's instantaneous velocity on a small boat seen by a rotating
radar 20 km away swings by several knots from scan to scan (15 m range and 0.3° bearing noise, i.e.
~100 m across the beam), while a 60 s fit through 24 filtered positions is steady to a fraction of a knot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper.core.marking import DEFAULT_MARKING, Marking, parse_marking
from watchkeeper.geo.frames import to_utm

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

KNOT_MPS = 1852.0 / 3600.0
_KNOWN = ("time", "track_id", "xy", "lat", "lon", "sog_kn", "cog_deg", "mmsi", "dark")


@dataclass(slots=True)
class TrackScan:
    """Confirmed tracks at one scan time. All arrays have one entry per track."""

    time: datetime
    track_id: IntArray
    x: FloatArray
    y: FloatArray
    lat: FloatArray
    lon: FloatArray
    sog_kn: FloatArray
    cog_deg: FloatArray
    mmsi: IntArray  # 0 = no MMSI bound
    dark: BoolArray
    marking: tuple[Marking, ...] | None = None  # per track; None = every track DEFAULT_MARKING
    extras: dict[str, npt.NDArray[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])

    def marking_of(self, i: int) -> Marking:
        return DEFAULT_MARKING if self.marking is None else self.marking[i]

    @classmethod
    def from_output(cls, out: Any, epoch: datetime, marking: Sequence[str] | None = None) -> TrackScan:
        """From a tracker ``TrackOutput`` (``out.time`` in seconds since ``epoch``)."""
        n = len(out)
        xy = np.asarray(out.xy, dtype=float).reshape(n, 2)
        extras = {
            name: np.asarray(value)
            for name, value in vars_of(out).items()
            if name not in _KNOWN and isinstance(value, np.ndarray) and value.shape[:1] == (n,)
        }
        return cls(
            time=epoch + timedelta(seconds=float(out.time)),
            track_id=np.asarray(out.track_id, dtype=np.int64),
            x=xy[:, 0].copy(),
            y=xy[:, 1].copy(),
            lat=np.asarray(out.lat, dtype=float),
            lon=np.asarray(out.lon, dtype=float),
            sog_kn=np.asarray(out.sog_kn, dtype=float),
            cog_deg=np.asarray(out.cog_deg, dtype=float),
            mmsi=np.asarray(out.mmsi, dtype=np.int64),
            dark=np.asarray(out.dark, dtype=bool),
            marking=None if marking is None else tuple(parse_marking(m) for m in marking),
            extras=extras,
        )

    @classmethod
    def from_rows(cls, time: datetime, rows: Sequence[Mapping[str, Any]]) -> TrackScan:
        """From dicts with ``track_id, lat, lon`` and optionally ``sog_kn, cog_deg, mmsi, dark, marking``."""
        lat = np.array([float(r["lat"]) for r in rows], dtype=float)
        lon = np.array([float(r["lon"]) for r in rows], dtype=float)
        x, y = to_utm(lon, lat) if rows else (np.zeros(0), np.zeros(0))
        markings = [r.get("marking") for r in rows]
        return cls(
            time=time,
            track_id=np.array([int(r["track_id"]) for r in rows], dtype=np.int64),
            x=np.asarray(x, dtype=float),
            y=np.asarray(y, dtype=float),
            lat=lat,
            lon=lon,
            sog_kn=np.array([float(r.get("sog_kn", 0.0)) for r in rows], dtype=float),
            cog_deg=np.array([float(r.get("cog_deg", 0.0)) for r in rows], dtype=float),
            mmsi=np.array([int(r.get("mmsi") or 0) for r in rows], dtype=np.int64),
            dark=np.array([bool(r.get("dark", not r.get("mmsi"))) for r in rows], dtype=bool),
            marking=None
            if all(m is None for m in markings)
            else tuple(parse_marking(m or DEFAULT_MARKING) for m in markings),
        )


def vars_of(obj: Any) -> dict[str, Any]:
    """Attributes of a (possibly slotted) dataclass instance."""
    names = getattr(obj, "__dataclass_fields__", None)
    if names is not None:
        return {name: getattr(obj, name) for name in names}
    return dict(vars(obj))


@dataclass(slots=True)
class Fit:
    """A straight-line fit through a track's recent positions (UTM metres, seconds)."""

    vx: float  # m/s east
    vy: float  # m/s north
    n: int  # positions used
    span_s: float  # time covered

    @property
    def speed_kn(self) -> float:
        return float(np.hypot(self.vx, self.vy)) / KNOT_MPS

    @property
    def course_deg(self) -> float:
        return float(np.degrees(np.arctan2(self.vx, self.vy)) % 360.0)


class TrackHistory:
    """One track's recent positions (seconds since the engine's epoch, UTM metres), trimmed to ``keep_s``."""

    __slots__ = (
        "dark_scans", "first_t", "lat", "lon", "max_fit_kn", "mmsi_seen", "scans", "t", "track_id", "x", "y",
    )  # fmt: skip

    def __init__(self, track_id: int) -> None:
        self.track_id = track_id
        self.t: list[float] = []
        self.x: list[float] = []
        self.y: list[float] = []
        self.first_t = float("nan")
        self.scans = 0
        self.dark_scans = 0
        self.mmsi_seen = 0  # last non-zero MMSI ever bound to the track
        self.lat = float("nan")
        self.lon = float("nan")
        self.max_fit_kn = 0.0  # highest fit speed over the engine's fit window seen so far

    def add(
        self, t: float, x: float, y: float, lat: float, lon: float, mmsi: int, dark: bool, keep_s: float
    ) -> None:
        if not self.t:
            self.first_t = t
        self.t.append(t)
        self.x.append(x)
        self.y.append(y)
        self.lat, self.lon = lat, lon
        self.scans += 1
        self.dark_scans += int(dark)
        if mmsi > 0:
            self.mmsi_seen = mmsi
        cut = 0
        while cut < len(self.t) and self.t[cut] < t - keep_s:
            cut += 1
        if cut:
            del self.t[:cut], self.x[:cut], self.y[:cut]

    @property
    def last_t(self) -> float:
        return self.t[-1]

    def age_s(self) -> float:
        return self.last_t - self.first_t

    def window(self, seconds: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Times, x, y of the positions in the last ``seconds`` (inclusive)."""
        t = np.asarray(self.t, dtype=float)
        start = int(np.searchsorted(t, t[-1] - seconds - 1e-9, side="left"))
        return t[start:], np.asarray(self.x[start:], dtype=float), np.asarray(self.y[start:], dtype=float)

    def fit_velocity(self, seconds: float) -> Fit | None:
        """Least-squares velocity over the last ``seconds``; None with fewer than 3 positions."""
        t, x, y = self.window(seconds)
        if t.size < 3 or t[-1] - t[0] <= 0:
            return None
        tc = t - t.mean()
        denom = float(np.dot(tc, tc))
        vx = float(np.dot(tc, x - x.mean())) / denom
        vy = float(np.dot(tc, y - y.mean())) / denom
        return Fit(vx, vy, int(t.size), float(t[-1] - t[0]))

    def position_at_or_before(self, t: float) -> tuple[float, float] | None:
        ts = self.t
        i = int(np.searchsorted(np.asarray(ts), t + 1e-9, side="right")) - 1
        if i < 0:
            return None
        return self.x[i], self.y[i]
