"""AIS as measurement and as identity.

An AIS position report is a cooperative, clutter-free measurement of position (σ 5 m in the scenarios,
plus the time-stamp quantisation of the tag block's whole seconds along the velocity) and of velocity
(SOG/COG). The tracker binds an MMSI to the track that its reports update, and the vessel name from its
static reports (types 5 and 24) to that MMSI. A confirmed track without a bound MMSI — or whose MMSI has
been silent too long — is *dark*. "Too long" follows the class A reporting intervals (ITU-R M.1371-5,
Annex 1, Table 1): 2–10 s under way, 3 min at anchor or moored (under 3 kn), so an MMSI stops vouching
for a track after ``stale_moving_s`` (60 s, six missed reports) when the track moves at 3 kn or more and
after ``stale_slow_s`` (400 s, two missed reports) below. A vessel that switches its AIS off is thus
flagged dark within a minute while it is under way: the cell's thresholds are minutes, where Global
Fishing Watch and Skylight count hours (docs/design.md, "Tracker").
``read_ais_file`` reads a scenario's NMEA file through the ingest decoder (``ingest.ais.decoder``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from watchkeeper.core.types import AisReport
from watchkeeper.geo.frames import to_utm
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.tracking.models import FloatArray

KNOT_MPS = 1852.0 / 3600.0


@dataclass(slots=True, frozen=True)
class AisConfig:
    position_sigma_m: float = 5.0
    time_sigma_s: float = 0.5  # tag-block time is whole seconds
    sog_sigma_kn: float = 0.3
    cog_sigma_deg: float = 3.0
    stale_moving_s: float = 60.0  # an MMSI silent this long no longer vouches for a track at ≥ slow_kn
    stale_slow_s: float = 400.0  # … nor for a slower one (anchored/moored vessels report every 3 min)
    slow_kn: float = 3.0


@dataclass(slots=True)
class AisBatch:
    """Position reports as arrays in UTM 31N: times (s since epoch), positions, velocities (NaN if none)."""

    time: FloatArray
    xy: FloatArray
    vel: FloatArray
    mmsi: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def subset(self, idx: npt.NDArray[np.int64]) -> AisBatch:
        return AisBatch(self.time[idx], self.xy[idx], self.vel[idx], self.mmsi[idx])


def identities(reports: Sequence[AisReport], epoch: datetime) -> list[tuple[float, int, str]]:
    """(time s since epoch, MMSI, vessel name) of every report that names its vessel (types 5, 19, 24)."""
    return [
        ((r.event_time - epoch).total_seconds(), r.mmsi, r.name.strip())
        for r in reports
        if r.name is not None and r.name.strip()
    ]


def ais_arrays(reports: Sequence[AisReport], epoch: datetime) -> AisBatch:
    """AIS reports with a position to arrays; SOG/COG (true) become a grid-frame velocity (m/s)."""
    rep = [r for r in reports if r.has_position]
    n = len(rep)
    lat = np.array([r.lat for r in rep], dtype=float)
    lon = np.array([r.lon for r in rep], dtype=float)
    t = np.array([(r.event_time - epoch).total_seconds() for r in rep], dtype=float)
    sog = np.array([np.nan if r.sog_kn is None else r.sog_kn for r in rep], dtype=float)
    cog = np.array([np.nan if r.cog_deg is None else r.cog_deg for r in rep], dtype=float)
    x, y = to_utm(lon, lat) if n else (np.zeros(0), np.zeros(0))
    gamma = (lon - 3.0) * np.sin(np.radians(lat))  # true = grid + γ (measurement.grid_to_true_deg)
    grid = np.radians(cog - gamma)
    vel = (
        np.column_stack([sog * KNOT_MPS * np.sin(grid), sog * KNOT_MPS * np.cos(grid)])
        if n
        else np.zeros((0, 2))
    )
    mmsi = np.array([r.mmsi for r in rep], dtype=np.int64)
    return AisBatch(t, np.column_stack([x, y]) if n else np.zeros((0, 2)), vel, mmsi)


def measurement_covariance(batch: AisBatch, config: AisConfig) -> FloatArray:
    """(n, 4, 4) covariance of [x, y, vx, vy]; the velocity block is along/cross the course."""
    n = len(batch)
    r = np.zeros((n, 4, 4))
    v = np.nan_to_num(batch.vel)
    r[:, :2, :2] = (
        config.position_sigma_m**2 * np.eye(2) + config.time_sigma_s**2 * v[:, :, None] * v[:, None, :]
    )
    speed = np.hypot(v[:, 0], v[:, 1])
    u = np.where(speed[:, None] > 0.05, v / np.maximum(speed, 1e-9)[:, None], np.array([0.0, 1.0]))
    c = np.column_stack([u[:, 1], -u[:, 0]])
    s_along = (config.sog_sigma_kn * KNOT_MPS) ** 2
    s_cross = (np.maximum(speed, 0.5) * np.radians(config.cog_sigma_deg)) ** 2
    r[:, 2:, 2:] = (
        s_along * u[:, :, None] * u[:, None, :] + s_cross[:, None, None] * c[:, :, None] * c[:, None, :]
    )
    return r


def read_ais_file(path: Path | str) -> list[AisReport]:
    """Every decoded report of an NMEA file (positions and static data), through the ingest decoder.

    Lines the decoder rejects are not the tracker's business: ``watchkeeper ingest ais`` ledgers them.
    A missing file is a scenario without AIS.
    """
    path = Path(path)
    source = f"file:{path}"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        lines = fh.readlines()
    decoder = AisDecoder(source)
    recv = datetime.fromtimestamp(path.stat().st_mtime, UTC)  # only for lines without a time of their own
    result = decoder.feed_many(list(enumerate(lines, start=1)), recv)
    result.extend(decoder.finish())
    return list(result.reports)
