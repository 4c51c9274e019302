"""One call from a drift request to everything the API stores and the page draws.

The step-style core for a live worker: ``compute(request, search)`` is pure (no clock, no store, no
network): the same request and seed give the same answer, so an incident's drift can be recomputed
from its stored request at any time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from watchkeeper.sar.drift import DriftRequest, Progress, run_drift
from watchkeeper.sar.products import (
    DriftProducts,
    add_search_plan,
    build_products,
    feature_collection,
    grid_cells,
    plan_json,
)
from watchkeeper.sar.search import Pattern, PodCurve, SearchAsset


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """The asset and pattern to plan over the 90% area at ``start_hour`` after the last known position."""

    asset: SearchAsset
    pattern: Pattern = Pattern.PARALLEL
    start_hour: int = 1
    pod_curve: PodCurve = PodCurve.EXPONENTIAL


@dataclass
class DriftAnswer:
    products: DriftProducts
    geojson: dict[str, Any]
    grids: list[dict[str, Any]]
    plan: dict[str, Any] | None
    compute_s: float


def compute(
    request: DriftRequest, search: SearchRequest | None = None, progress: Progress | None = None
) -> DriftAnswer:
    """Run the drift, its areas and grids, and the search plan when asked for."""
    began = time.perf_counter()
    products = build_products(run_drift(request, progress))
    plan = None
    if search is not None:
        plan = plan_json(
            add_search_plan(products, search.asset, search.pattern, search.start_hour, search.pod_curve)
        )
    geojson = feature_collection(products)
    grids = [grid_cells(products, h) for h in range(len(products.hours))]
    return DriftAnswer(products, geojson, grids, plan, time.perf_counter() - began)
