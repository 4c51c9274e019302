"""The crossing outlook for planning: ``GET /api/weather/outlook`` and ``GET /api/weather/model``.

The outlook is the latest forecast file (the last to arrive in ``WATCHKEEPER_FORECAST_FORECAST_DIR``,
default ``<data_dir>/weather/forecasts``) through the trained crossing model (``forecast train``),
with the crossings known in the store for the recent-activity features: per day our calibrated
probability of a crossing day, its RAG band on the Met Office thresholds, expected boats and people
and the weather drivers, with the training weather and its limits stated. When the model cannot be
applied the answer says why (``not_covered``) and has no days. The outlook carries the marking of
``WATCHKEEPER_FORECAST_MARKING`` (default UK-ONLY); a reader not cleared for it gets 403.

Model and forecast are read once per file version (path, size, modification time) and kept.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from watchkeeper.api.deps import Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.core.errors import ConfigError, WatchkeeperError
from watchkeeper.core.marking import may_see
from watchkeeper.store.users import Role

router = APIRouter(tags=["weather"])

READERS = (Role.WATCH_OFFICER, Role.ANALYST, Role.ASSET_CONTROLLER, Role.PARTNER_LIAISON, Role.AUDITOR)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]

_cache: dict[str, tuple[tuple[int, int], Any]] = {}
_lock = threading.Lock()


def _cached(kind: str, path: Path, load: Any) -> Any:
    """``load(path)``, kept until the file changes (size or modification time)."""
    st = path.stat()
    version = (st.st_size, st.st_mtime_ns)
    key = f"{kind}:{path.resolve()}"
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    value = load(path)
    with _lock:
        _cache[key] = (version, value)
    return value


def _settings_and_model(runtime: Any) -> tuple[Any, Any, Path]:
    from watchkeeper.weather.persist import load_model
    from watchkeeper.weather.settings import ForecastSettings

    settings = ForecastSettings()
    path = settings.resolved_model_path(runtime.settings.data_dir)
    if not path.is_file():
        raise ApiError(
            503, "no crossing forecast trained yet: run `watchkeeper forecast train`", code="no_model"
        )
    try:
        model = _cached("model", path, load_model)
    except ConfigError as exc:
        raise ApiError(503, str(exc), code="no_model") from None
    return settings, model, path


@router.get("/weather/model", summary="What the crossing forecast was trained on, and its limits")
def get_model(runtime: RuntimeDep, user: Reader) -> dict[str, Any]:
    from watchkeeper.weather.limits import PROBABILITY_LABEL, training_weather_limits

    settings, model, _ = _settings_and_model(runtime)
    meta = dict(model.metadata)
    meta["weather_source"] = Path(str(meta.get("weather_source", ""))).name
    return {
        "metadata": meta,
        "limits": training_weather_limits(model.metadata),
        "probability_label": PROBABILITY_LABEL,
        "rag_thresholds": {"red_above": settings.rag_red_above, "green_below": settings.rag_green_below},
    }


@router.get("/weather/outlook", summary="The coming days from the latest forecast file (posture view)")
def get_outlook(runtime: RuntimeDep, user: Reader) -> dict[str, Any]:
    from watchkeeper.stats.figures import daily_frame
    from watchkeeper.weather.outlook import build_outlook, latest_forecast_file
    from watchkeeper.weather.sources import read_weather

    settings, model, _ = _settings_and_model(runtime)
    if not may_see(user.clearance, settings.marking):
        raise ApiError(
            403, f"the outlook is marked {settings.marking.value}: not releasable to your clearance"
        )
    folder = settings.resolved_forecast_dir(runtime.settings.data_dir)
    latest = latest_forecast_file(folder)
    if latest is None:
        raise ApiError(404, f"no forecast file in {folder}", code="no_forecast")
    try:
        forecast = _cached("forecast", latest, read_weather)
    except (WatchkeeperError, ValueError, OSError) as exc:
        raise ApiError(422, f"{latest.name} cannot be read as weather: {exc}", code="bad_forecast") from None
    crossings = daily_frame(runtime.engine)
    outlook = build_outlook(model, forecast, crossings if not crossings.empty else None, settings)
    return outlook.as_dict()
