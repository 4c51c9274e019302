"""Settings of the crossing forecast, declared with unit, bounds and a sentence (``WATCHKEEPER_FORECAST_*``).

The RAG thresholds follow the Met Office's daily crossing assessment for the Home Office: red when the
probability of small-boat activity is above 55 %, green below 35 %, amber between.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.core.errors import ConfigError

Rag = Literal["red", "amber", "green"]


class ForecastSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEPER_FORECAST_", extra="ignore")

    rag_red_above: float = Field(
        0.55, ge=0.0, le=1.0, description="p_crossing above this is RED (Met Office: 55 %)"
    )
    rag_green_below: float = Field(
        0.35, ge=0.0, le=1.0, description="p_crossing below this is GREEN (Met Office: 35 %)"
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
