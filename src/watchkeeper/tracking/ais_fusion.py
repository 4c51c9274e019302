"""AIS as measurement and as identity.

An AIS position report is a cooperative, clutter-free measurement of position (σ 5 m in the scenarios,
plus the time-stamp quantisation of the tag block's whole seconds along the velocity) and of velocity
(SOG/COG). The tracker binds an MMSI to the track that its reports update; a confirmed track without a
bound MMSI — or whose MMSI has been silent for ``stale_s`` — is *dark*.
Until ``watchkeeper.ingest.ais.decoder`` exists, ``read_ais_file`` decodes single-sentence position
reports with pyais directly (a stop-gap; the ingest decoder owns rejects and multipart assembly).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.geo.frames import to_utm
from watchkeeper.tracking.models import FloatArray

KNOT_MPS = 1852.0 / 3600.0


@dataclass(slots=True, frozen=True)
class AisConfig:
    position_sigma_m: float = 5.0
    time_sigma_s: float = 0.5  # tag-block time is whole seconds
    sog_sigma_kn: float = 0.3
    cog_sigma_deg: float = 3.0
    stale_s: float = 60.0  # an MMSI silent this long no longer vouches for its track


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
    vel = np.column_stack([sog * KNOT_MPS * np.sin(grid), sog * KNOT_MPS * np.cos(grid)]) if n else np.zeros((0, 2))
    mmsi = np.array([r.mmsi for r in rep], dtype=np.int64)
    return AisBatch(t, np.column_stack([x, y]) if n else np.zeros((0, 2)), vel, mmsi)


def measurement_covariance(batch: AisBatch, config: AisConfig) -> FloatArray:
    """(n, 4, 4) covariance of [x, y, vx, vy]; the velocity block is along/cross the course."""
    n = len(batch)
    r = np.zeros((n, 4, 4))
    v = np.nan_to_num(batch.vel)
    r[:, :2, :2] = config.position_sigma_m**2 * np.eye(2) + config.time_sigma_s**2 * v[:, :, None] * v[:, None, :]
    speed = np.hypot(v[:, 0], v[:, 1])
    u = np.where(speed[:, None] > 0.05, v / np.maximum(speed, 1e-9)[:, None], np.array([0.0, 1.0]))
    c = np.column_stack([u[:, 1], -u[:, 0]])
    s_along = (config.sog_sigma_kn * KNOT_MPS) ** 2
    s_cross = (np.maximum(speed, 0.5) * np.radians(config.cog_sigma_deg)) ** 2
    r[:, 2:, 2:] = s_along * u[:, :, None] * u[:, None, :] + s_cross[:, None, None] * c[:, :, None] * c[:, None, :]
    return r


def _decoder_available() -> bool:
    try:
        importlib.import_module("watchkeeper.ingest.ais.decoder")
    except ModuleNotFoundError:
        return False
    return True


def _decode_with_pyais(lines: Iterable[bytes], source: str) -> list[AisReport]:
    """Stop-gap decoder: tag-block time ``c:`` + single-sentence position reports (types 1–3, 18)."""
    from pyais import decode

    out: list[AisReport] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        event_time: datetime | None = None
        if line.startswith(b"\\"):
            tag, _sep, line = line[1:].partition(b"\\")
            for part in tag.split(b"*")[0].split(b","):
                if part.startswith(b"c:"):
                    event_time = datetime.fromtimestamp(int(part[2:]), UTC)
        if event_time is None:
            continue
        try:
            msg = decode(line).asdict()
        except Exception:  # noqa: BLE001 - malformed lines are the ingest decoder's business
            continue
        if msg.get("msg_type") not in (1, 2, 3, 18):
            continue
        lat, lon = msg.get("lat"), msg.get("lon")
        if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
            continue
        sog, cog = msg.get("speed"), msg.get("course")
        out.append(
            AisReport(
                mmsi=int(msg["mmsi"]),
                msg_type=int(msg["msg_type"]),
                event_time=event_time,
                time_source=TimeSource.TAG_BLOCK,
                source=source,
                lat=float(lat),
                lon=float(lon),
                sog_kn=None if sog is None or sog >= 102.2 else float(sog),
                cog_deg=None if cog is None or cog >= 360.0 else float(cog),
            )
        )
    return out


def read_ais_file(path: Path | str) -> list[AisReport]:
    """Position reports of an NMEA file, through the ingest decoder when present."""
    path = Path(path)
    source = f"file:{path}"
    if not path.exists():
        return []
    with path.open("rb") as fh:
        lines = fh.readlines()
    if _decoder_available():
        decoder_mod = importlib.import_module("watchkeeper.ingest.ais.decoder")
        decoder = decoder_mod.AisDecoder(source)
        recv = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        reports: list[AisReport] = []
        for i, line in enumerate(lines, start=1):
            reports.extend(decoder.feed(line, i, recv).reports)
        final = decoder.finish()
        reports.extend(getattr(final, "reports", []) or [])
        return [r for r in reports if r.has_position]
    return _decode_with_pyais(lines, source)
