"""Search planning: patterns that cover the 90% area, coverage and POD as the manuals define them."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
import shapely
from sar_helpers import quick_run

from watchkeeper.core.errors import ConfigError
from watchkeeper.geo.frames import to_utm
from watchkeeper.sar.areas import containment_areas
from watchkeeper.sar.objects import ObjectType
from watchkeeper.sar.products import add_search_plan, build_products, plan_json
from watchkeeper.sar.search import NM_M, PodCurve, SearchAsset, pod_from_coverage, positions_at


def test_pod_from_coverage_follows_the_published_curves() -> None:
    assert pod_from_coverage(0.0) == 0.0
    assert pod_from_coverage(1.0) == pytest.approx(1 - math.exp(-1))  # 0.63
    assert pod_from_coverage(2.0) == pytest.approx(0.8647, abs=1e-4)  # the manuals' worked example: 86%
    assert pod_from_coverage(1.0, PodCurve.INVERSE_CUBE) == pytest.approx(0.7899, abs=1e-4)  # erf(0.8862)
    assert pod_from_coverage(0.5, PodCurve.INVERSE_CUBE) > pod_from_coverage(0.5)


@pytest.fixture(scope="module")
def still_products():  # type: ignore[no-untyped-def]
    """A cloud that spreads under wind (leeway error) but whose centre the test can predict."""
    res = quick_run(object_type=ObjectType.INFLATABLE, hours=4, particles=400, wind_const=(10.0, 270.0))
    return build_products(res)


@pytest.mark.parametrize("pattern", ["parallel", "expanding_square"])
def test_pattern_covers_the_90_percent_area(still_products, pattern: str) -> None:  # type: ignore[no-untyped-def]
    asset = SearchAsset("lifeboat", speed_kn=20.0, sweep_width_nm=0.5)
    plan = add_search_plan(still_products, asset, pattern, start_hour=2)
    # laid on the 90% area at mid-search
    res = still_products.result
    mid = plan.laid_at
    assert mid is not None and plan.start < mid < plan.start + timedelta(hours=plan.duration_h)
    lon, lat = positions_at(res.times, res.lon, res.lat, mid)
    area = containment_areas(mid, lon, lat, (0.9,))[1][0].geometry
    area_utm = shapely.transform(area, lambda c: np.column_stack(to_utm(c[:, 0], c[:, 1])))
    assert plan.area_utm.buffer(1.0).contains(area_utm)
    # the track itself stays within half a spacing of the swept area's edge
    assert plan.area_utm.buffer(1.0).contains(plan.track_utm)
    assert plan.track_length_nm == pytest.approx(plan.track_utm.length / NM_M)
    assert plan.duration_h == pytest.approx(plan.track_length_nm / 20.0)
    # spacing = sweep width: coverage ~1 once the pattern is run; a small area makes the parallel track's
    # cross-legs count for more (+), the expanding square's outer half-swaths for less (-)
    assert 0.8 <= plan.coverage_at_completion <= 1.2
    doc = plan_json(plan)
    assert doc["pattern"] == pattern and doc["track"]["type"] == "LineString"


def test_pos_is_poc_times_pod_and_grows_with_effort(still_products) -> None:  # type: ignore[no-untyped-def]
    asset = SearchAsset("lifeboat", speed_kn=25.0, sweep_width_nm=1.0)
    plan = add_search_plan(still_products, asset, "parallel", start_hour=1)
    assert plan.pos[0].hours == 0.0 and plan.pos[0].pos == 0.0
    for p in plan.pos:
        assert p.pos == pytest.approx(p.poc * p.pod)
        searched_h = min(p.hours, plan.duration_h)
        assert p.coverage == pytest.approx(25.0 * searched_h * 1.0 / plan.area_nm2)
        assert p.pod == pytest.approx(1 - math.exp(-p.coverage))
    pods = [p.pod for p in plan.pos]
    assert pods == sorted(pods)
    assert plan.pos[-1].hours == pytest.approx(plan.duration_h)  # the last point is the completed search
    # at the start the area holds ~90% (it was drawn round the 90% area at that hour)
    assert plan.pos[0].poc >= 0.88


def test_half_the_spacing_doubles_the_coverage(still_products) -> None:  # type: ignore[no-untyped-def]
    wide = add_search_plan(still_products, SearchAsset("a", 20.0, 0.5, track_spacing_nm=0.5), "parallel", 2)
    tight = add_search_plan(still_products, SearchAsset("b", 20.0, 0.5, track_spacing_nm=0.25), "parallel", 2)
    assert tight.coverage_at_completion == pytest.approx(2 * wide.coverage_at_completion, rel=0.1)
    assert tight.duration_h > 1.8 * wide.duration_h


def test_endurance_cuts_the_search_short(still_products) -> None:  # type: ignore[no-untyped-def]
    full = add_search_plan(still_products, SearchAsset("a", 10.0, 0.2), "parallel", 1)
    short = add_search_plan(still_products, SearchAsset("a", 10.0, 0.2, endurance_h=0.5), "parallel", 1)
    assert full.duration_h > 0.5 and not short.completed and short.duration_h == 0.5
    assert short.coverage_at_completion < full.coverage_at_completion


def test_bad_assets_are_refused() -> None:
    with pytest.raises(ConfigError, match="speed"):
        SearchAsset("x", 0.0, 1.0)
    with pytest.raises(ConfigError, match="sweep width"):
        SearchAsset("x", 10.0, -1.0)
