"""Saving and loading a trained crossing forecast (joblib) with its metadata beside it (JSON).

A joblib file runs code when loaded: load only models this deployment trained (the data directory).
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib

from watchkeeper.core.errors import ConfigError
from watchkeeper.core.settings import get_settings
from watchkeeper.weather.forecast import CrossingModel

MODEL_FILE = "crossing_forecast.joblib"


def default_model_path() -> Path:
    return get_settings().data_dir / "models" / MODEL_FILE


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
    model = joblib.load(path)
    if not isinstance(model, CrossingModel):
        raise ConfigError(f"{path} is not a crossing forecast model")
    return model
