"""What the forecast was trained on and its limits, in plain words (CLI, API, page and docs say the same).

The only real multi-year weather the cell has today is a regional daily series for Nord-Pas-de-Calais,
2018-01 to 2021-01 (``../shared/data/weather/PROVENANCE.md``). Any other series works with no code
change; the text then describes that series from the model's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PROBABILITY_LABEL = (
    "Our calibrated probability that at least one small boat is detected arriving in the UK that day "
    "(Home Office daily series), from the weather — not the Met Office's crossing assessment. "
    "Bands use the Met Office thresholds: red above 55 %, green below 35 %, amber between."
)

REGIONAL_SERIES = "regional_daily_weather_nord_pas_de_calais"

REGIONAL_SERIES_LIMITS = (
    "Trained on a regional daily weather series for Nord-Pas-de-Calais, 2018-01 to 2021-01 — the only "
    "real multi-year weather available to the cell. One value a day for the whole former region (coast "
    "and inland), republished World Weather Online history: daily wind speed (whether mean or maximum is "
    "not documented), visibility, cloud, humidity and temperature; no gusts, waves, wind direction or "
    "precipitation, and no licence stated (evaluation use). Its wind is a regional figure, not the sea "
    "off the beaches, and the years after it lie outside it (about 60 people a boat by 2025, 13 in 2020). "
    "The scores were measured with observed weather; a forecast's own error comes on top. A longer or "
    "finer series (hourly ERA5, station or buoy data) can replace it with no code change: retrain."
)


def training_weather_limits(metadata: dict[str, Any]) -> str:
    """The limits sentence for a model, from its training metadata."""
    source = str(metadata.get("weather_source", ""))
    if REGIONAL_SERIES in Path(source).name:
        return REGIONAL_SERIES_LIMITS
    variables = ", ".join(metadata.get("weather_variables", [])) or "unknown variables"
    return (
        f"Trained on {Path(source).name or 'an unnamed weather source'}, "
        f"{metadata.get('training_first_day', '?')} to {metadata.get('training_last_day', '?')} "
        f"({metadata.get('training_days', '?')} days; {variables}). The scores hold for that period and "
        "that weather; a forecast's own error comes on top."
    )
