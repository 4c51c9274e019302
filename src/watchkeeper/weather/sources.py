"""Weather source readers: GRIB/NetCDF (xarray + cfgrib), Open-Meteo hourly JSON, CSV observations.

Each reader returns a ``WeatherTable`` in our names and units (``weather.aliases``). Columns or
variables the alias table does not know are listed in ``WeatherTable.unmapped`` (never silently
guessed). ``read_weather(path)`` picks the reader from the file's suffix.

Bad input: a file that cannot be read, a time that does not parse, or a value that is not a number
raises ``WeatherFileError`` naming the file, the row (as a spreadsheet numbers it: the header is row 1)
and the field; nothing of that file is used. An empty cell is a missing value, not an error.

GRIB: cfgrib writes an ``.idx`` index next to the file by default; shared data is read-only and the
cell runs offline, so we pass ``indexpath=""`` (no index written). cfgrib needs only the ``eccodes``
wheel with its bundled library: nothing is fetched at run time.

Gridded fields are reduced to one regional value per time: the mean over grid cells inside the area of
interest (lon −2…3.5, lat 49.5…51.8, the Strait of Dover), or the nearest cell to a point when one is
asked for. A grid that has no cell in the area raises ``SpatialNotCovered``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from watchkeeper.core.errors import ConfigError, SpatialNotCovered, WatchkeeperError
from watchkeeper.weather.aliases import IGNORED, VARIABLES, convert, lookup, wind_from_uv
from watchkeeper.weather.table import WeatherTable

#: (lon_min, lat_min, lon_max, lat_max) of the Strait of Dover area of interest, degrees (WGS 84).
AOI = (-2.0, 49.5, 3.5, 51.8)


class WeatherFileError(WatchkeeperError):
    """A weather file that cannot be used: which file, which row and field, and why."""

    def __init__(
        self, path: Path | str, detail: str, row: int | None = None, field: str | None = None
    ) -> None:
        where = "".join(f": {k} {v}" for k, v in (("row", row), ("field", field)) if v is not None)
        super().__init__(f"{path}{where}: {detail}")
        self.path, self.row, self.field, self.detail = str(path), row, field, detail


def _blank(raw: pd.Series) -> np.ndarray:
    text = raw.astype(str).str.strip()
    return np.asarray(raw.isna() | (text == "") | (text.str.lower() == "nan"))


def _numbers(raw: pd.Series, path: Path, field: str, row_offset: int = 2) -> np.ndarray:
    """``raw`` as floats; a non-empty cell that is not a finite number is refused with its row."""
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = (~np.isfinite(values)) & ~_blank(raw)
    if bad.any():
        i = int(bad.nonzero()[0][0])
        raise WeatherFileError(path, f"{str(raw.iloc[i])[:40]!r} is not a number", i + row_offset, field)
    return values


# ---------------------------------------------------------------------------------------------- gridded


def _open_gridded(path: Path, fmt: str) -> list[xr.Dataset]:
    if fmt == "grib":
        import cfgrib

        return list(cfgrib.open_datasets(str(path), backend_kwargs={"indexpath": ""}))
    return [xr.open_dataset(path)]


def _coord_name(ds: xr.Dataset, *names: str) -> str:
    for name in names:
        if name in ds.coords or name in ds.dims:
            return name
    raise ConfigError(f"gridded file has none of the coordinates {names}")


def _reduce(ds: xr.Dataset, point: tuple[float, float] | None) -> tuple[xr.Dataset, str]:
    lat = _coord_name(ds, "latitude", "lat")
    lon = _coord_name(ds, "longitude", "lon")
    if point is not None:
        plat, plon = point
        lats, lons = ds[lat].values, ds[lon].values
        if not (
            lats.min() - 0.5 <= plat <= lats.max() + 0.5 and lons.min() - 0.5 <= plon <= lons.max() + 0.5
        ):
            raise SpatialNotCovered(f"point {plat},{plon} is outside the grid")
        return ds.sel({lat: plat, lon: plon}, method="nearest"), f"{plat:.3f},{plon:.3f}"
    lon_min, lat_min, lon_max, lat_max = AOI
    inside = (ds[lat] >= lat_min) & (ds[lat] <= lat_max) & (ds[lon] >= lon_min) & (ds[lon] <= lon_max)
    sub = ds.where(inside, drop=True)
    if sub.sizes.get(lat, 0) == 0 or sub.sizes.get(lon, 0) == 0:
        raise SpatialNotCovered("the grid has no cell inside the Strait of Dover area of interest")
    return sub.mean(dim=[lat, lon], skipna=True, keep_attrs=True), "aoi-mean"


def read_gridded(
    path: Path, fmt: str | None = None, point: tuple[float, float] | None = None
) -> WeatherTable:
    """A GRIB (1 or 2) or NetCDF file as an area-mean (or nearest-point) hourly table."""
    fmt = fmt or ("grib" if path.suffix.lower() in {".grib", ".grb", ".grib2", ".grb2"} else "netcdf")
    frames: list[pd.DataFrame] = []
    unmapped: list[str] = []
    site = "aoi-mean"
    issued_at: pd.Timestamp | None = None
    for ds in _open_gridded(path, fmt):
        if "valid_time" in ds.coords and "time" in ds.coords and ds["time"].size == 1:
            issued_at = pd.Timestamp(ds["time"].values.item()).tz_localize(
                "UTC"
            )  # a forecast's reference time
        ds_red, site = _reduce(ds, point)
        time_name = "valid_time" if "valid_time" in ds_red.coords else _coord_name(ds_red, "time")
        times = pd.DatetimeIndex(np.atleast_1d(ds_red[time_name].values)).tz_localize("UTC")
        cols: dict[str, Any] = {"time": times}
        data_vars = {str(k): ds_red[k] for k in ds_red.data_vars}
        if "u10" in data_vars and "v10" in data_vars:
            unit = data_vars["u10"].attrs.get("units", "m/s")
            speed, direction = wind_from_uv(
                np.atleast_1d(data_vars.pop("u10").values).astype(float),
                np.atleast_1d(data_vars.pop("v10").values).astype(float),
            )
            cols["wind_speed_kt"] = convert(speed, unit, "kt")
            cols["wind_from_deg"] = direction
        for name, da in data_vars.items():
            alias = lookup(name, fmt)
            if alias is None:
                unmapped.append(name)
                continue
            values = np.atleast_1d(da.values).astype(float)
            unit = str(da.attrs.get("units", alias.unit))
            cols[alias.variable] = convert(values, unit, VARIABLES[alias.variable])
        frames.append(pd.DataFrame(cols))
    merged = frames[0]
    for extra in frames[1:]:
        merged = merged.merge(extra, on="time", how="outer")
    merged.insert(1, "site", site)
    frame = merged.sort_values("time").reset_index(drop=True)
    return WeatherTable(frame, str(path), fmt, False, unmapped, issued_at)


# ---------------------------------------------------------------------------------------------- JSON


def read_openmeteo_json(path: Path) -> WeatherTable:
    """An Open-Meteo response (``hourly`` and/or ``daily`` blocks with ``*_units``).

    Open-Meteo times are local to ``timezone`` with ``utc_offset_seconds`` given; we store UTC.
    Units come from ``hourly_units`` (e.g. ``km/h``, ``kn``, ``m/s``, ``°C``, ``mm``).
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WeatherFileError(
            path, f"not readable as JSON ({type(exc).__name__}: {str(exc)[:80]})"
        ) from None
    docs = doc if isinstance(doc, list) else [doc]
    if not docs or not all(isinstance(d, dict) for d in docs):
        raise WeatherFileError(path, "expected an Open-Meteo object or a list of them")
    try:
        return _openmeteo_table(path, docs)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise WeatherFileError(
            path, f"not in the Open-Meteo layout ({type(exc).__name__}: {str(exc)[:80]})"
        ) from None


def _openmeteo_table(path: Path, docs: list[dict[str, Any]]) -> WeatherTable:
    frames: list[pd.DataFrame] = []
    unmapped: set[str] = set()
    is_daily = False
    for item in docs:
        offset = pd.Timedelta(seconds=int(item.get("utc_offset_seconds", 0)))
        site = f"{float(item.get('latitude', np.nan)):.3f},{float(item.get('longitude', np.nan)):.3f}"
        block_name = "hourly" if "hourly" in item else "daily"
        if block_name not in item:
            raise ConfigError(f"{path}: no 'hourly' or 'daily' block in the Open-Meteo JSON")
        is_daily = block_name == "daily"
        block, units = item[block_name], item.get(f"{block_name}_units", {})
        if not isinstance(block, dict) or not isinstance(block.get("time"), list):
            raise WeatherFileError(path, f"the {block_name!r} block has no list of times", field="time")
        if not isinstance(units, dict):
            raise WeatherFileError(path, f"{block_name}_units is not an object", field=f"{block_name}_units")
        n = len(block["time"])
        local = pd.DatetimeIndex(pd.to_datetime(pd.Series(block["time"], dtype=object), errors="coerce"))
        if local.isna().any():
            i = int(np.asarray(local.isna()).nonzero()[0][0])
            raise WeatherFileError(
                path, f"{str(block['time'][i])[:40]!r} is not a time", i, f"{block_name}.time"
            )
        times = (local - offset).tz_localize("UTC") if not is_daily else local.tz_localize("UTC")
        cols: dict[str, Any] = {"time": times, "site": site}
        for name, values in block.items():
            if name == "time":
                continue
            alias = lookup(name, "json")
            if alias is None:
                unmapped.add(name)
                continue
            if not isinstance(values, list) or len(values) != n:
                raise WeatherFileError(
                    path, f"not a list of {n} values (one per time)", field=f"{block_name}.{name}"
                )
            arr = _numbers(pd.Series(values, dtype=object), path, f"{block_name}.{name}", row_offset=0)
            cols[alias.variable] = convert(arr, units.get(name, alias.unit), VARIABLES[alias.variable])
        frames.append(pd.DataFrame(cols))
    frame = pd.concat(frames, ignore_index=True).sort_values(["time", "site"]).reset_index(drop=True)
    return WeatherTable(frame, str(path), "json", is_daily, sorted(unmapped))


# ---------------------------------------------------------------------------------------------- CSV

#: Time columns we recognise, in order of preference, with the zone of naive values.
_TIME_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("time_utc", "UTC", False),
    ("valid_time", "UTC", False),
    ("time", "UTC", False),
    ("instant", "Europe/Paris", False),  # buoy archives of wimereux-surf: local French time
    ("time_local_europe_paris", "Europe/Paris", False),
    ("date", "UTC", True),
)
_SITE_COLUMNS = ("site", "spot", "station", "region", "tide_site")
#: Columns stating a forecast's issue time (naive values are French local time, as wimereux-surf writes).
_ISSUE_COLUMNS = ("issued_at", "issued_at_utc", "issued_at_local")


def _parse_times(
    raw: pd.Series, naive_zone: str, path: Path | None = None, field: str = ""
) -> pd.DatetimeIndex:
    """ISO 8601 times; naive ones are in ``naive_zone``. A cell that is not a time is refused (row, field)."""
    text = raw.astype(str).str.strip()
    if text.str.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}").all():
        text = text + ":00"
    try:
        parsed = pd.to_datetime(text, utc=False, format="ISO8601")
    except (ValueError, TypeError, OverflowError) as exc:
        bad = _first_bad_time(text)
        raise WeatherFileError(
            path or "weather",
            f"{text.iloc[bad][:40]!r} is not an ISO 8601 time ({str(exc)[:60]})",
            bad + 2,
            field,
        ) from None
    idx = pd.DatetimeIndex(parsed)
    if idx.tz is None:
        return idx.tz_localize(naive_zone, ambiguous="NaT", nonexistent="shift_forward").tz_convert("UTC")
    return idx.tz_convert("UTC")


def _first_bad_time(text: pd.Series) -> int:
    for i, value in enumerate(text):
        try:
            pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return i
    return 0


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise WeatherFileError(path, f"not readable as CSV ({type(exc).__name__}: {str(exc)[:80]})") from None


def read_csv(path: Path, naive_zone: str | None = None) -> WeatherTable:
    """A CSV of observations or point forecasts whose columns are named in the alias table."""
    raw = _read_table(path)
    for name, zone, daily in _TIME_COLUMNS:
        if name in raw.columns:
            time_col, zone_used, is_daily = name, naive_zone or zone, daily
            break
    else:
        raise ConfigError(f"{path}: no time column (one of {[t[0] for t in _TIME_COLUMNS]})")
    times = _parse_times(raw[time_col], zone_used, path, time_col)
    if is_daily:  # a daily series: keep the calendar date, at 00:00 UTC
        times = pd.DatetimeIndex(times.tz_convert(zone_used).tz_localize(None).normalize()).tz_localize("UTC")
    cols: dict[str, Any] = {"time": times}
    site_col = next((c for c in _SITE_COLUMNS if c in raw.columns), None)
    if site_col is not None:
        cols["site"] = raw[site_col].astype(str).to_numpy()
    elif {"latitude", "longitude"} <= set(raw.columns):
        cols["site"] = (
            raw["latitude"].round(3).astype(str) + "," + raw["longitude"].round(3).astype(str)
        ).to_numpy()
    else:
        cols["site"] = path.stem
    time_like = {t[0] for t in _TIME_COLUMNS} | {"latitude", "longitude", "notes", *_ISSUE_COLUMNS}
    unmapped: list[str] = []
    for name in raw.columns:
        if name in time_like or name == site_col or name in IGNORED:
            continue
        alias = lookup(name, "csv")
        if alias is None:
            unmapped.append(name)
            continue
        values = _numbers(raw[name], path, str(name))
        converted = convert(values, alias.unit, VARIABLES[alias.variable])
        if alias.variable in cols:  # two columns for one variable: keep the first non-missing
            cols[alias.variable] = np.where(np.isnan(cols[alias.variable]), converted, cols[alias.variable])
        else:
            cols[alias.variable] = converted
    frame = pd.DataFrame(cols)
    frame = frame[frame["time"].notna()].sort_values(["time", "site"]).reset_index(drop=True)
    issued = next((c for c in _ISSUE_COLUMNS if c in raw.columns), None)
    issued_at = (
        _parse_times(raw[issued].dropna().iloc[:1], "Europe/Paris", path, issued)[0] if issued else None
    )
    return WeatherTable(frame, str(path), "csv", is_daily, unmapped, issued_at)


def read_tides(path: Path) -> pd.DataFrame:
    """Predicted high and low waters.

    Columns: ``site``, ``time`` (UTC), ``kind`` (high|low), ``height_m``, ``coefficient``.

    Heights are metres above chart datum; ``coefficient`` is the French tide coefficient (high waters).
    """
    raw = _read_table(path)
    missing = {
        "tide_site",
        "time_local_europe_paris",
        "type_PM_high_BM_low",
        "height_m",
        "coefficient",
    } - set(raw.columns)
    if missing:
        raise WeatherFileError(path, f"missing columns {sorted(missing)}")
    kind = raw["type_PM_high_BM_low"].map({"PM": "high", "BM": "low"})
    if kind.isna().any():
        bad = int(kind.isna().to_numpy().nonzero()[0][0]) + 2
        raise ConfigError(f"{path}: row {bad}: field type_PM_high_BM_low is not PM or BM")
    return pd.DataFrame(
        {
            "site": raw["tide_site"].astype(str),
            "time": _parse_times(
                raw["time_local_europe_paris"], "Europe/Paris", path, "time_local_europe_paris"
            ),
            "kind": kind,
            "height_m": _numbers(raw["height_m"], path, "height_m"),
            "coefficient": _numbers(raw["coefficient"], path, "coefficient"),
        }
    )


def read_weather(path: Path | str, point: tuple[float, float] | None = None) -> WeatherTable:
    """Read any supported weather file, chosen by suffix (.grib/.grb/.grib2, .nc, .json, .csv)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".grib", ".grb", ".grib2", ".grb2"}:
        return read_gridded(p, "grib", point)
    if suffix in {".nc", ".nc4", ".netcdf"}:
        return read_gridded(p, "netcdf", point)
    if suffix == ".json":
        return read_openmeteo_json(p)
    if suffix == ".csv":
        return read_csv(p)
    raise ConfigError(f"{p}: unknown weather file type {suffix!r} (grib, nc, json, csv)")
