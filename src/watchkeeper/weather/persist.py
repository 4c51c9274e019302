"""Saving and loading a trained crossing forecast (joblib) with its metadata beside it (JSON).

A joblib file runs code when loaded: load only models this deployment trained (the data directory).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib

from watchkeeper.core.errors import ConfigError
from watchkeeper.core.settings import get_settings
from watchkeeper.weather.forecast import CrossingModel

MODEL_FILE = "crossing_forecast.joblib"


def default_model_path() -> Path:
    """``WATCHKEEPER_FORECAST_MODEL_PATH``, else ``<data_dir>/models/crossing_forecast.joblib``."""
    from watchkeeper.weather.settings import ForecastSettings

    return ForecastSettings().resolved_model_path(get_settings().data_dir)


def save_model(model: CrossingModel, path: Path) -> Path:
    """Write ``path`` (joblib) and ``path.with_suffix('.json')`` (training metadata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(model.metadata, indent=2, sort_keys=True) + "\n")
    return path


def load_model(path: Path) -> CrossingModel:
    if not path.is_file():
        raise ConfigError(f"no trained crossing forecast at {path}: run `watchkeeper forecast train` first")
    try:
        model = joblib.load(path)
    except (AttributeError, ModuleNotFoundError, EOFError, ValueError) as exc:  # older layout or truncated
        raise ConfigError(f"{path} cannot be loaded ({exc}): train it again") from exc
    if not isinstance(model, CrossingModel) or not hasattr(model, "variants"):
        raise ConfigError(f"{path} is not a crossing forecast model of this version: train it again")
    return model


def model_metadata(path: Path) -> dict[str, Any] | None:
    """The training metadata written beside a model (JSON; no model code is loaded), or None."""
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return None
    data: dict[str, Any] = json.loads(meta.read_text())
    return data
