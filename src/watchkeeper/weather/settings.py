"""Settings of the crossing forecast, declared with unit, bounds and a sentence (``WATCHKEEPER_FORECAST_*``).

The RAG thresholds follow the Met Office's daily crossing assessment for the Home Office: red when the
probability of small-boat activity is above 55 %, green below 35 %, amber between. Ours are applied to
*our* calibrated probability of a crossing day, not to the Met Office's assessment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.core.errors import ConfigError
from watchkeeper.core.marking import Marking

Rag = Literal["red", "amber", "green"]


class ForecastSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEPER_FORECAST_", extra="ignore")

    rag_red_above: float = Field(
        0.55, ge=0.0, le=1.0, description="p_crossing above this is RED (Met Office: 55 %)"
    )
    rag_green_below: float = Field(
        0.35, ge=0.0, le=1.0, description="p_crossing below this is GREEN (Met Office: 35 %)"
    )
    min_hours: int = Field(
        6, ge=1, le=24, description="hours of a sub-daily source a day needs to count as that day's weather"
    )
    max_activity_gap_days: int = Field(
        7, ge=1, le=60,
        description="days, at most, from the last known crossing day to the first forecast day for the "
        "recent-activity features to be used (beyond: the variants without them)",
    )  # fmt: skip
    model_path: Path | None = Field(
        None, description="trained model (joblib); unset: <data_dir>/models/crossing_forecast.joblib"
    )
    forecast_dir: Path | None = Field(
        None, description="folder the weather forecast files arrive in; unset: <data_dir>/weather/forecasts"
    )
    history_weather: str = Field(
        "",
        description="past weather file(s) for the effect-of-operations analysis, separated by the OS path "
        "separator; unset: the file the model was trained on",
    )
    marking: Marking = Field(
        Marking.UK_ONLY, description="releasability of the outlook (the cell's planning posture)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> ForecastSettings:
        if self.rag_green_below > self.rag_red_above:
            raise ConfigError("WATCHKEEPER_FORECAST_RAG_GREEN_BELOW must not exceed RAG_RED_ABOVE")
        return self

    def rag(self, p_crossing: float) -> Rag:
        """The RAG band of a crossing-day probability."""
        if p_crossing > self.rag_red_above:
            return "red"
        if p_crossing < self.rag_green_below:
            return "green"
        return "amber"

    def resolved_model_path(self, data_dir: Path) -> Path:
        return self.model_path or data_dir / "models" / "crossing_forecast.joblib"

    def resolved_forecast_dir(self, data_dir: Path) -> Path:
        return self.forecast_dir or data_dir / "weather" / "forecasts"

    def history_paths(self) -> list[Path]:
        return [Path(p) for p in self.history_weather.split(os.pathsep) if p.strip()]
