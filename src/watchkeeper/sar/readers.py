"""OpenDrift readers for wind and current: constant, tidal stream, a wind time series, CF NetCDF.

Each builder returns an OpenDrift reader that says which CF variables it provides
(``x_wind``/``y_wind`` m/s toward east/north, ``x_sea_water_velocity``/``y_sea_water_velocity``
m/s) and which area and period it covers; ``check_covers`` refuses a run the reader cannot serve
(``SpatialNotCovered``/``TemporalNotCovered``) instead of letting OpenDrift fall back to zeros.

Only local files are opened: no URL, no ``copernicusmarine`` and no network reader is ever built.

Wind seam: ``wind_from_weather_file`` takes whatever ``watchkeeper.weather.sources.read_weather``
reads (Open-Meteo JSON, CSV, GRIB, NetCDF reduced to a point) as a spatially uniform wind series;
a NetCDF file with CF ``x_wind``/``y_wind`` is read as a field by OpenDrift's own
``reader_netCDF_CF_generic``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from opendrift.readers import reader_constant, reader_netCDF_CF_generic
from opendrift.readers.basereader.continuous import ContinuousReader

from watchkeeper.core.errors import ConfigError, SpatialNotCovered, TemporalNotCovered
from watchkeeper.sar.tidal import KNOT_MS, TidalStream, hours_since_epoch

CURRENT_VARIABLES = ("x_sea_water_velocity", "y_sea_water_velocity")
WIND_VARIABLES = ("x_wind", "y_wind")
#: Area of interest (lon min, lat min, lon max, lat max): the tidal reader answers inside it.
AOI = (-2.0, 49.5, 3.5, 51.8)
#: Longest hole allowed in a wind time series inside the drift period (hourly forecasts: 1 h).
MAX_SERIES_GAP = timedelta(hours=3)


def naive_utc(when: datetime) -> datetime:
    """OpenDrift works in naive UTC datetimes."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def wind_vector(speed_ms: float, from_deg: float) -> tuple[float, float]:
    """(x_wind, y_wind) m/s for a wind of ``speed_ms`` blowing FROM ``from_deg`` (meteorological)."""
    rad = np.deg2rad(from_deg)
    return -speed_ms * float(np.sin(rad)), -speed_ms * float(np.cos(rad))


def current_vector(speed_ms: float, toward_deg: float) -> tuple[float, float]:
    """(east, north) m/s for a current of ``speed_ms`` setting TOWARD ``toward_deg`` (oceanographic)."""
    rad = np.deg2rad(toward_deg)
    return speed_ms * float(np.sin(rad)), speed_ms * float(np.cos(rad))


def constant_wind(speed_ms: float, from_deg: float) -> Any:
    x, y = wind_vector(speed_ms, from_deg)
    return reader_constant.Reader({"x_wind": x, "y_wind": y})


def constant_current(speed_ms: float, toward_deg: float) -> Any:
    x, y = current_vector(speed_ms, toward_deg)
    return reader_constant.Reader({"x_sea_water_velocity": x, "y_sea_water_velocity": y})


class TidalStreamReader(ContinuousReader):  # type: ignore[misc]
    """The strait's rectilinear tidal stream (``watchkeeper.sar.tidal``), uniform over the AOI."""

    def __init__(self, stream: TidalStream | None = None) -> None:
        self.stream = stream or TidalStream()
        self.variables = list(CURRENT_VARIABLES)
        self.proj4 = "+proj=latlong +datum=WGS84"
        self.xmin, self.ymin, self.xmax, self.ymax = AOI
        self.start_time = None
        self.end_time = None
        self.time_step = None
        self.name = "tidal_stream_approximation"
        super().__init__()

    def get_variables(
        self,
        requestedVariables: Sequence[str],
        time: datetime | None = None,
        x: Any = None,
        y: Any = None,
        z: Any = None,
    ) -> dict[str, Any]:
        assert time is not None
        east, north = self.stream.velocity_ms(time.replace(tzinfo=UTC))
        ones = np.ones(np.shape(x))
        out: dict[str, Any] = {"time": time, "x": x, "y": y, "z": z}
        for var in requestedVariables:
            out[var] = (east if var == "x_sea_water_velocity" else north) * ones
        return out


class WindSeriesReader(ContinuousReader):  # type: ignore[misc]
    """A spatially uniform wind varying in time (linear in time between samples), e.g. a point forecast."""

    def __init__(
        self,
        times: Sequence[datetime],
        x_wind: npt.ArrayLike,
        y_wind: npt.ArrayLike,
        name: str = "wind_series",
    ) -> None:
        if len(times) == 0:
            raise ConfigError("wind series is empty")
        order = np.argsort(np.array([naive_utc(t).timestamp() for t in times]))
        self._times = [naive_utc(times[i]) for i in order]
        self._t = np.array([hours_since_epoch(t) for t in self._times])
        self._x = np.asarray(x_wind, dtype=float)[order]
        self._y = np.asarray(y_wind, dtype=float)[order]
        self.variables = list(WIND_VARIABLES)
        self.proj4 = "+proj=latlong +datum=WGS84"
        self.xmin, self.xmax, self.ymin, self.ymax = -180.0, 180.0, -90.0, 90.0
        self.start_time = self._times[0]
        self.end_time = self._times[-1]
        self.time_step = (self._times[1] - self._times[0]) if len(self._times) > 1 else timedelta(hours=1)
        self.name = name
        super().__init__()

    def largest_gap(self, start: datetime, end: datetime) -> tuple[timedelta, datetime]:
        """The longest interval between samples that overlaps [start, end], and where it begins."""
        start, end = naive_utc(start), naive_utc(end)
        best, where = timedelta(0), start
        for a, b in zip(self._times[:-1], self._times[1:], strict=True):
            if b > start and a < end and b - a > best:
                best, where = b - a, a
        return best, where

    def get_variables(
        self,
        requestedVariables: Sequence[str],
        time: datetime | None = None,
        x: Any = None,
        y: Any = None,
        z: Any = None,
    ) -> dict[str, Any]:
        assert time is not None
        h = hours_since_epoch(time)
        ones = np.ones(np.shape(x))
        out: dict[str, Any] = {"time": time, "x": x, "y": y, "z": z}
        for var in requestedVariables:
            series = self._x if var == "x_wind" else self._y
            out[var] = float(np.interp(h, self._t, series)) * ones
        return out


def netcdf_reader(path: Path, needed: Sequence[str], what: str) -> Any:
    """OpenDrift's CF NetCDF reader for a local ``path`` that must provide ``needed`` variables."""
    if not path.is_file():
        raise ConfigError(f"{what} file {path} does not exist")
    try:
        reader = reader_netCDF_CF_generic.Reader(str(path))
    except Exception as exc:  # OpenDrift raises bare ValueError/OSError/KeyError on bad files
        raise ConfigError(f"{what} file {path} cannot be read as CF NetCDF: {exc}") from exc
    missing = [v for v in needed if v not in reader.variables]
    if missing:
        raise ConfigError(f"{what} file {path} lacks CF variables {missing} (has {sorted(reader.variables)})")
    return reader


def wind_from_weather_file(path: Path, lon: float, lat: float) -> Any:
    """A wind reader from a weather file: CF ``x_wind``/``y_wind`` NetCDF as a field, else a point series.

    The point series goes through ``watchkeeper.weather.sources.read_weather`` (the weather layer),
    sampled at the incident position: wind speed (kt) and direction (degrees from).
    """
    if path.suffix.lower() in {".nc", ".nc4", ".netcdf"}:
        try:
            return netcdf_reader(path, WIND_VARIABLES, "wind")
        except ConfigError:
            pass  # not a CF wind field: try it as a weather table below
    from watchkeeper.weather.sources import read_weather

    table = read_weather(path, point=(lat, lon))
    frame = table.frame
    if "wind_speed_kt" not in frame or "wind_from_deg" not in frame:
        raise ConfigError(f"wind file {path} has no wind speed and direction ({table.variables})")
    frame = frame.dropna(subset=["wind_speed_kt", "wind_from_deg"])
    if frame.empty:
        raise ConfigError(f"wind file {path} has no row with both wind speed and direction")
    # Several sites at one time (a point forecast for two coastal spots): one regional wind, the mean
    # of the wind vectors (averaging directions as numbers would turn 350° and 10° into 180°).
    speed = frame["wind_speed_kt"].to_numpy(dtype=float) * KNOT_MS
    rad = np.deg2rad(frame["wind_from_deg"].to_numpy(dtype=float))
    vectors = frame.assign(x_wind=-speed * np.sin(rad), y_wind=-speed * np.cos(rad))
    mean = vectors.groupby("time", sort=True)[["x_wind", "y_wind"]].mean().reset_index()
    times = [t.to_pydatetime() for t in mean["time"]]
    return WindSeriesReader(
        times, mean["x_wind"].to_numpy(), mean["y_wind"].to_numpy(), name=f"wind series {path.name}"
    )


def check_covers(reader: Any, lon: float, lat: float, start: datetime, end: datetime, what: str) -> None:
    """Refuse a run that ``reader`` cannot serve at (lon, lat) from ``start`` to ``end``."""
    start, end = naive_utc(start), naive_utc(end)
    timed = reader.start_time is not None and not getattr(reader, "always_valid", False)
    if timed and (start < reader.start_time or end > reader.end_time):
        raise TemporalNotCovered(
            f"{what} ({reader.name}) covers {reader.start_time:%Y-%m-%dT%H:%MZ}.."
            f"{reader.end_time:%Y-%m-%dT%H:%MZ}, the drift needs "
            f"{start:%Y-%m-%dT%H:%MZ}..{end:%Y-%m-%dT%H:%MZ}"
        )
    gap = getattr(reader, "largest_gap", None)
    if gap is not None:
        hole, after = gap(start, end)
        if hole > MAX_SERIES_GAP:
            raise TemporalNotCovered(
                f"{what} ({reader.name}) has no sample for {hole.total_seconds() / 3600:.1f} h after "
                f"{after:%Y-%m-%dT%H:%MZ} within the drift period (most allowed: "
                f"{MAX_SERIES_GAP.total_seconds() / 3600:g} h): interpolating across it would invent the wind"
            )
    covered = reader.covers_positions(np.array([lon]), np.array([lat]))
    indices = covered[0] if isinstance(covered, tuple) else covered
    if len(np.atleast_1d(indices)) == 0:
        raise SpatialNotCovered(
            f"{what} ({reader.name}) does not cover the start position {lat:.4f}N {lon:.4f}E"
        )
