"""Drift test helpers (imported by name, as tests/api does with api_helpers): a fixed epoch, open-water
start positions, small and short runs (CPU is shared)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from watchkeeper.geo.frames import to_utm
from watchkeeper.sar.drift import DriftRequest, DriftResult, run_drift
from watchkeeper.sar.objects import ObjectType

EPOCH = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
#: Mid-strait, 13 km from the nearest coast (Cap Gris-Nez): open water for a few hours of drift.
MID_STRAIT = (51.0, 1.5)


def quick_run(**kwargs: Any) -> DriftResult:
    args: dict[str, Any] = {
        "lat": MID_STRAIT[0],
        "lon": MID_STRAIT[1],
        "start": EPOCH,
        "object_type": ObjectType.LIFERAFT,
        "hours": 3,
        "particles": 300,
        "wind_const": (0.0, 0.0),
        "current_const": (0.0, 0.0),
    }
    args.update(kwargs)
    return run_drift(DriftRequest(**args))


def centroid_xy(result: DriftResult, step: int) -> tuple[float, float]:
    """Mean particle position (UTM 31N metres) at output ``step``."""
    x, y = to_utm(result.lon[:, step], result.lat[:, step])
    keep = np.isfinite(x)
    return float(np.mean(x[keep])), float(np.mean(y[keep]))
