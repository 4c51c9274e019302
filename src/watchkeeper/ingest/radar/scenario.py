"""Scenario files (../shared/scenarios/README.md): radar sites (sensors.json) and plots (plots.csv).

A tracker under test reads only ``sensors.json``, ``plots.csv`` and ``ais.nmea`` — never the truth files.

Polar frame of the plots (``polar_frame`` per radar, or once at the top of ``sensors.json``):

- ``"geodetic"``: slant range (m) and true bearing (degrees from true north), what a real radar reports
  and what ``watchkeeper sim`` writes (it says so in its ``sensors.json``);
- ``"grid"``: range and bearing in the UTM 31N plane about the site. The shared scenarios carry no key and
  are in this frame, although their README says "true bearing": measured against their truth, bearings
  match the grid bearing to 0.004° (mean) and differ from the geodesic azimuth by the grid convergence
  (+1.28° Langdon Bay, +1.10° Gris-Nez); ranges match the planar distance (−0.5 m mean) and not the slant
  range (docs/design.md, "Tracker"). A file without the key is therefore read as ``"grid"``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import Plot, Reject, TimeSource

PLOT_COLUMNS = ("time_utc", "sensor_id", "range_m", "bearing_deg")


@dataclass(slots=True, frozen=True)
class RadarSite:
    """A rotating coastal radar: its position, scan period and measurement noise (polar)."""

    sensor_id: str
    lat: float
    lon: float
    height_m: float
    scan_period_s: float
    range_sigma_m: float
    bearing_sigma_deg: float
    max_range_m: float
    clutter_mean_per_scan: float | None = None
    polar_frame: str = "grid"  # "grid" (UTM-plane range/bearing) or "geodetic" (slant range, true bearing)


POLAR_FRAMES = ("grid", "geodetic")


@dataclass(slots=True, frozen=True)
class ScenarioSensors:
    simulated: bool
    start_utc: datetime
    radars: tuple[RadarSite, ...]
    raw: dict[str, object]


def parse_utc(text: str) -> datetime:
    """ISO 8601 with a ``Z`` or offset, to an aware UTC datetime."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(f"time without zone: {text!r}")
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-01:00 is after the last datetime once in UTC
        raise ValueError(f"time outside the years 1..9999 in UTC: {text!r}") from None


def load_sensors(scenario_dir: Path | str) -> ScenarioSensors:
    """The radars of a scenario directory's ``sensors.json``, or of such a file given itself."""
    path = Path(scenario_dir)
    if path.is_dir():
        path = path / "sensors.json"
    doc = json.loads(path.read_text())
    default_frame = str(doc.get("polar_frame", "grid"))
    radars = tuple(
        RadarSite(
            sensor_id=r["sensor_id"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            height_m=float(r.get("height_m", 0.0)),
            scan_period_s=float(r["scan_period_s"]),
            range_sigma_m=float(r["range_sigma_m"]),
            bearing_sigma_deg=float(r["bearing_sigma_deg"]),
            max_range_m=float(r["max_range_m"]),
            clutter_mean_per_scan=(
                float(r["clutter_mean_per_scan"]) if r.get("clutter_mean_per_scan") is not None else None
            ),
            polar_frame=str(r.get("polar_frame", default_frame)),
        )
        for r in doc["radars"]
    )
    for site in radars:
        if site.polar_frame not in POLAR_FRAMES:
            raise ValueError(f"{path}: polar_frame {site.polar_frame!r} is not one of {POLAR_FRAMES}")
    return ScenarioSensors(
        simulated=bool(doc.get("simulated", False)),
        start_utc=parse_utc(doc["start_utc"]),
        radars=radars,
        raw=doc,
    )


def parse_plot_row(row: list[str], known_sensors: set[str] | None = None) -> Plot:
    """One ``plots.csv`` row to a Plot; raises DecodeError with a reason."""
    if len(row) != len(PLOT_COLUMNS):
        raise DecodeError(RejectReason.MALFORMED, f"expected {len(PLOT_COLUMNS)} fields, got {len(row)}")
    time_s, sensor_id, range_s, bearing_s = row
    try:
        time = parse_utc(time_s)
    except ValueError as exc:
        raise DecodeError(RejectReason.BAD_FIELD, f"time_utc: {exc}") from None
    if known_sensors is not None and sensor_id not in known_sensors:
        raise DecodeError(RejectReason.UNKNOWN_SENSOR, f"sensor_id {sensor_id!r}")
    try:
        range_m = float(range_s)
        bearing = float(bearing_s)
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, "range_m/bearing_deg not numbers") from None
    if not (0.0 <= range_m < 1_000_000.0) or not (0.0 <= bearing <= 360.0):
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"range {range_m} m, bearing {bearing}°")
    return Plot(
        time=time,
        sensor_id=sensor_id,
        range_m=range_m,
        bearing_deg=bearing % 360.0,
        time_source=TimeSource.SENSOR,
    )


def read_plots(
    path: Path | str, known_sensors: set[str] | None = None, receive_time: datetime | None = None
) -> Iterator[Plot | Reject]:
    """Plots of a ``plots.csv`` in file order; a bad row yields a Reject (never raises)."""
    path = Path(path)
    source = f"file:{path}"
    recv = receive_time or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != PLOT_COLUMNS:
            yield Reject(
                source, 1, RejectReason.MALFORMED, f"header {header!r}", ",".join(header or []).encode(), recv
            )
            return
        for line_no, row in enumerate(reader, start=2):
            try:
                yield parse_plot_row(row, known_sensors)
            except DecodeError as exc:
                yield Reject(source, line_no, exc.reason, exc.detail, ",".join(row).encode(), recv)
