"""The one alias table: source variable names → our variable names, and unit normalisation.

Our variables and units (the cell works in knots and degrees true; waves in metres and seconds):

==========================  ======  =========================================================
name                        unit    daily aggregation (hourly → local day, Europe/London)
==========================  ======  =========================================================
wind_speed_kt               kt      mean (10 m wind)
wind_speed_max_kt           kt      max of hourly wind_speed_kt
wind_gust_kt                kt      max
wind_from_deg               deg     circular mean (direction the wind blows FROM, true)
wave_height_m               m       mean significant wave height
wave_height_max_m           m       max of hourly wave_height_m
wave_period_s               s       mean (peak period where the source gives peak)
wave_from_deg               deg     circular mean
visibility_km               km      min
precipitation_mm            mm      sum
precipitation_prob_pct      %       max
air_temperature_c           °C      mean
air_temperature_max_c       °C      max of hourly air_temperature_c
air_temperature_min_c       °C      min of hourly air_temperature_c
sea_temperature_c           °C      mean
cloud_cover_pct             %       mean
humidity_pct                %       mean
==========================  ======  =========================================================

The table follows OpenDrift's ``variable_aliases`` idea: consumers ask for ``wind_speed_kt``, never for
a file's column. An alias may be limited to some formats because names collide across formats: ``tp``
is total precipitation (metres) in ECMWF GRIB but peak wave period (seconds) in a Cefas WaveNet CSV.
A unit stated by the source itself (GRIB/NetCDF ``units`` attribute, Open-Meteo ``hourly_units``)
wins over the alias's default unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from watchkeeper.core.errors import ConfigError

FloatArray = npt.NDArray[np.float64]

#: Canonical variable → its unit.
VARIABLES: dict[str, str] = {
    "wind_speed_kt": "kt",
    "wind_speed_max_kt": "kt",
    "wind_gust_kt": "kt",
    "wind_from_deg": "deg",
    "wave_height_m": "m",
    "wave_height_max_m": "m",
    "wave_period_s": "s",
    "wave_from_deg": "deg",
    "visibility_km": "km",
    "precipitation_mm": "mm",
    "precipitation_prob_pct": "%",
    "air_temperature_c": "degC",
    "air_temperature_max_c": "degC",
    "air_temperature_min_c": "degC",
    "sea_temperature_c": "degC",
    "cloud_cover_pct": "%",
    "humidity_pct": "%",
}

ALL_FORMATS = frozenset({"grib", "netcdf", "json", "csv"})
GRIDDED = frozenset({"grib", "netcdf"})
TABULAR = frozenset({"json", "csv"})


@dataclass(frozen=True)
class Alias:
    """One source name. ``unit`` is the unit assumed when the source does not state one."""

    source_name: str
    variable: str
    unit: str
    formats: frozenset[str] = ALL_FORMATS
    note: str = ""


_A = Alias
ALIASES: tuple[Alias, ...] = (
    # --- wind ---
    _A("wind_speed_10m", "wind_speed_kt", "km/h", TABULAR, "Open-Meteo (default km/h)"),
    _A("windspeed_10m", "wind_speed_kt", "km/h", TABULAR, "Open-Meteo, old spelling"),
    _A("wind_speed_10m_kt", "wind_speed_kt", "kt"),
    _A("wind_speed_kmh", "wind_speed_kt", "km/h", TABULAR, "historique-meteo regional daily"),
    _A("wind_speed_ms", "wind_speed_kt", "m/s"),
    _A("wind_speed_kt", "wind_speed_kt", "kt"),
    _A("vitesse_kt", "wind_speed_kt", "kt", TABULAR, "wimereux-surf"),
    _A("vent_estime_kt", "wind_speed_kt", "kt", TABULAR, "Ambleteuse buoy, model-estimated wind"),
    _A("si10", "wind_speed_kt", "m/s", GRIDDED, "ECMWF 10 m wind speed"),
    _A("wind_gusts_10m", "wind_gust_kt", "km/h", TABULAR, "Open-Meteo"),
    _A("wind_gust_kt", "wind_gust_kt", "kt"),
    _A("rafales_kt", "wind_gust_kt", "kt", TABULAR, "wimereux-surf"),
    _A("i10fg", "wind_gust_kt", "m/s", GRIDDED, "ERA5 instantaneous 10 m gust"),
    _A("fg10", "wind_gust_kt", "m/s", GRIDDED, "10 m gust since previous post-processing"),
    _A("gust", "wind_gust_kt", "m/s", GRIDDED),
    _A("wind_direction_10m", "wind_from_deg", "deg", TABULAR, "Open-Meteo"),
    _A("wind_dir_from_deg", "wind_from_deg", "deg"),
    _A("dir_vent", "wind_from_deg", "deg", TABULAR),
    _A("wdir10", "wind_from_deg", "deg", GRIDDED),
    # --- waves ---
    _A("wave_height", "wave_height_m", "m", TABULAR, "Open-Meteo marine"),
    _A("wave_height_sig_m", "wave_height_m", "m"),
    _A("hs", "wave_height_m", "m", TABULAR, "Cefas WaveNet"),
    _A("hs_mesure", "wave_height_m", "m", TABULAR, "Ambleteuse buoy, measured"),
    _A("hauteur_m", "wave_height_m", "m", TABULAR),
    _A("swh", "wave_height_m", "m", GRIDDED, "ERA5 significant height of wind waves and swell"),
    _A("VHM0", "wave_height_m", "m", GRIDDED, "Copernicus Marine"),
    _A("wave_period", "wave_period_s", "s", TABULAR, "Open-Meteo marine"),
    _A("wave_peak_period", "wave_period_s", "s", TABULAR, "Open-Meteo marine"),
    _A("wave_peak_period_s", "wave_period_s", "s"),
    _A("tp", "wave_period_s", "s", TABULAR, "Cefas WaveNet peak period (NOT precipitation)"),
    _A("tp_mesure", "wave_period_s", "s", TABULAR, "Ambleteuse buoy, measured peak period"),
    _A("tpeak_s", "wave_period_s", "s", TABULAR),
    _A("pp1d", "wave_period_s", "s", GRIDDED, "ERA5 peak wave period"),
    _A("mwp", "wave_period_s", "s", GRIDDED, "ERA5 mean wave period (used where no peak period)"),
    _A("wave_direction", "wave_from_deg", "deg", TABULAR, "Open-Meteo marine"),
    _A("wave_dir_from_deg", "wave_from_deg", "deg"),
    _A("dir", "wave_from_deg", "deg", TABULAR, "Cefas WaveNet"),
    _A("dir_mesure", "wave_from_deg", "deg", TABULAR, "Ambleteuse buoy"),
    _A("dir_houle", "wave_from_deg", "deg", TABULAR),
    _A("mwd", "wave_from_deg", "deg", GRIDDED),
    # --- visibility, precipitation ---
    _A("visibility", "visibility_km", "m", TABULAR, "Open-Meteo (metres)"),
    _A("visibility_km", "visibility_km", "km"),
    _A("vis", "visibility_km", "m", GRIDDED),
    _A("precipitation", "precipitation_mm", "mm", TABULAR, "Open-Meteo"),
    _A("precipitation_mm", "precipitation_mm", "mm"),
    _A("tp", "precipitation_mm", "m", GRIDDED, "ECMWF total precipitation (metres)"),
    _A("precipitation_probability", "precipitation_prob_pct", "%", TABULAR, "Open-Meteo"),
    _A("rain_probability_pct", "precipitation_prob_pct", "%"),
    _A("proba_pluie", "precipitation_prob_pct", "%", TABULAR),
    # --- temperature, cloud, humidity ---
    _A("temperature_2m", "air_temperature_c", "degC", TABULAR, "Open-Meteo"),
    _A("t2m", "air_temperature_c", "K", GRIDDED, "ERA5 2 m temperature"),
    _A("t2m_c", "air_temperature_c", "degC", TABULAR),
    _A("2t", "air_temperature_c", "K", GRIDDED),
    _A("temp_max_c", "air_temperature_max_c", "degC"),
    _A("temp_min_c", "air_temperature_min_c", "degC"),
    _A("eau", "sea_temperature_c", "degC", TABULAR, "Cefas WaveNet"),
    _A("eau_mesure", "sea_temperature_c", "degC", TABULAR),
    _A("sst", "sea_temperature_c", "K", GRIDDED),
    _A("cloud_cover", "cloud_cover_pct", "%", TABULAR, "Open-Meteo"),
    _A("cloud_cover_pct", "cloud_cover_pct", "%"),
    _A("tcc", "cloud_cover_pct", "(0 - 1)", GRIDDED),
    _A("relative_humidity_2m", "humidity_pct", "%", TABULAR, "Open-Meteo"),
    _A("humidity_pct", "humidity_pct", "%"),
)

#: Source columns known and deliberately not ingested (forecast columns of an observation file, etc.).
IGNORED: frozenset[str] = frozenset(
    {
        "hs_prevu", "tp_prevu", "dir_prevu", "eau_prevue", "vent_prevu_kt",  # Ambleteuse: forecast, not obs
        "tm_mesure", "etalement",  # mean period and directional spread: not used
        "region", "spot", "day_length_hms", "wind_model", "lead_time_h", "issued_at_local",
        "tide_site", "type_PM_high_BM_low", "height_m", "coefficient",
    }
)  # fmt: skip


def lookup(source_name: str, fmt: str) -> Alias | None:
    """The alias of ``source_name`` for a file of format ``fmt``, or None when the name is unknown."""
    for alias in ALIASES:
        if alias.source_name == source_name and fmt in alias.formats:
            return alias
    return None


# --- units -----------------------------------------------------------------------------------------

_KT_PER_MS = 3600.0 / 1852.0

_UNIT_SYNONYMS: dict[str, str] = {
    "kn": "kt", "knots": "kt", "knot": "kt", "kts": "kt",
    "m s**-1": "m/s", "m s-1": "m/s", "ms-1": "m/s", "m/s": "m/s",
    "km/h": "km/h", "kmh": "km/h", "kph": "km/h",
    "mph": "mph", "mp/h": "mph",
    "°c": "degC", "degc": "degC", "c": "degC", "celsius": "degC", "degrees_celsius": "degC",
    "k": "K", "kelvin": "K",
    "°f": "degF", "degf": "degF",
    "°": "deg", "degrees": "deg", "degree": "deg", "deg": "deg", "degree_true": "deg",
    "m": "m", "km": "km", "ft": "ft", "mm": "mm", "inch": "inch",
    "s": "s", "%": "%", "(0 - 1)": "fraction", "0-1": "fraction", "fraction": "fraction",
}  # fmt: skip


def canonical_unit(unit: str) -> str:
    """The unit spelled our way (``kn`` → ``kt``, ``m s**-1`` → ``m/s``)."""
    key = unit.strip()
    return _UNIT_SYNONYMS.get(key.lower(), key)


_Conv = Callable[[FloatArray], FloatArray]
_CONVERSIONS: dict[tuple[str, str], _Conv] = {
    ("m/s", "kt"): lambda v: v * _KT_PER_MS,
    ("km/h", "kt"): lambda v: v / 1.852,
    ("mph", "kt"): lambda v: v * 1609.344 / 1852.0,
    ("K", "degC"): lambda v: v - 273.15,
    ("degF", "degC"): lambda v: (v - 32.0) * 5.0 / 9.0,
    ("m", "km"): lambda v: v / 1000.0,
    ("m", "mm"): lambda v: v * 1000.0,
    ("inch", "mm"): lambda v: v * 25.4,
    ("ft", "m"): lambda v: v * 0.3048,
    ("fraction", "%"): lambda v: v * 100.0,
}


def convert(values: FloatArray, from_unit: str, to_unit: str) -> FloatArray:
    """``values`` in ``from_unit`` expressed in ``to_unit``; a unit pair we do not know is refused."""
    src, dst = canonical_unit(from_unit), canonical_unit(to_unit)
    if src == dst:
        return values
    conv = _CONVERSIONS.get((src, dst))
    if conv is None:
        raise ConfigError(f"no conversion from {from_unit!r} to {to_unit!r}")
    return conv(values)


def wind_from_uv(u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Speed (same unit as u, v) and direction the wind blows FROM (degrees true) from u/v components."""
    speed = np.hypot(u, v)
    direction = (np.degrees(np.arctan2(-u, -v)) + 360.0) % 360.0
    return speed, direction


def circular_mean_deg(values: FloatArray) -> float:
    """Mean of directions in degrees (NaN ignored); NaN when there is none."""
    vals = values[~np.isnan(values)]
    if vals.size == 0:
        return math.nan
    rad = np.radians(vals)
    return float((math.degrees(math.atan2(np.sin(rad).mean(), np.cos(rad).mean())) + 360.0) % 360.0)
