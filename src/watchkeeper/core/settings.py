"""Settings, read from the environment (``WATCHKEEPER_*``) with embedded defaults.

Defaults are the embedded deployment: SQLite in the data directory and the in-process bus.
``production`` refuses the development secret and simulated sources.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.core.errors import ConfigError

DEV_SECRET = "development-only-secret-never-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEPER_", extra="ignore")

    environment: Literal["development", "production"] = Field(
        "development", description="production refuses development secrets and simulated sources"
    )
    data_dir: Path = Field(Path("var"), description="where the SQLite file and the input log live")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; unset means SQLite at <data_dir>/watchkeeper.db"
    )
    bus_url: str | None = Field(
        None,
        description="nats://host:port of NATS JetStream (a cluster: comma-separated); unset = in-process",
    )
    bus_replicas: int = Field(
        1, ge=1, le=5, description="JetStream stream replicas (3 on a three-node NATS cluster)"
    )
    bus_namespace: str = Field(
        "",
        pattern=r"^[a-z0-9_]{0,32}$",
        description="prefix of the JetStream subjects and streams (several cells or test runs on one NATS)",
    )
    secret_key: str = Field(DEV_SECRET, description="key that signs access tokens (HS256)")
    token_ttl_s: int = Field(12 * 3600, ge=60, le=7 * 24 * 3600, description="access token lifetime")
    allow_simulated: bool = Field(True, description="accept simulated sources (refused in production)")
    radars_file: Path | None = Field(
        None, description="sensors.json (scenario format) of the radars the tracker fuses; unset = no radar"
    )
    track_marking: Literal["UK-ONLY", "UK-FR", "PUBLIC"] = Field(
        "UK-ONLY", description="releasability of the radar track picture (a release can widen one track)"
    )

    @model_validator(mode="after")
    def _refuse_bad_production_defaults(self) -> Settings:
        if self.environment == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ConfigError("production needs WATCHKEEPER_SECRET_KEY of at least 32 characters")
            if self.allow_simulated:
                raise ConfigError("production refuses simulated sources: set WATCHKEEPER_ALLOW_SIMULATED=0")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'watchkeeper.db').resolve()}"

    @property
    def input_log_dir(self) -> Path:
        return self.data_dir / "inputlog"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
