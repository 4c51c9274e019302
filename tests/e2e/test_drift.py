"""The Drift view in real headless Chromium on the real demo server: run a drift, read its layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LAYER_FEATURES = """(name) => {
  const layer = window.watchkeeper.map.getAllLayers().find((l) => l.get('name') === name);
  return layer ? {visible: layer.getVisible(), n: layer.getSource().getFeatures().length} : null;
}"""


def test_drift_view_runs_and_shows_areas_slider_plan_and_limits(signed_in: Any, artifacts_dir: Path) -> None:
    page = signed_in.page
    page.get_by_test_id("tab-drift").click()
    view = page.get_by_test_id("view-drift")
    view.wait_for()
    page.get_by_test_id("drift-time").fill("2026-09-30T02:00:00Z")
    page.get_by_test_id("drift-hours").fill("4")
    page.get_by_test_id("drift-particles").fill("500")
    page.get_by_test_id("drift-run").click()
    page.get_by_test_id("drift-result").wait_for(state="visible", timeout=60_000)
    assert "Drift" in page.get_by_test_id("drift-status").inner_text()
    # the tidal approximation's limits are on the page with the result
    limits = page.get_by_test_id("drift-limits").inner_text()
    assert "tidal-stream approximation, not an ocean model" in limits
    # time slider: hours 0..4; each hour shows its two areas and the centroid so far
    slider = page.get_by_test_id("drift-slider")
    assert slider.get_attribute("max") == "4"
    for hour in (0, 4):
        slider.fill(str(hour))
        assert f"+{hour} h" in page.get_by_test_id("drift-hour").inner_text()
        areas = page.evaluate(LAYER_FEATURES, "drift-areas")
        assert areas == {"visible": True, "n": 2}
        track = page.evaluate(LAYER_FEATURES, "drift-track")
        assert track["n"] == (1 if hour == 0 else 2)  # centroid point, plus the track line after hour 0
        grid = page.evaluate(LAYER_FEATURES, "drift-grid")
        assert grid["n"] > 10
    summary = page.get_by_test_id("drift-summary").inner_text()
    assert "90 % area" in summary and "km²" in summary
    plan = page.evaluate(LAYER_FEATURES, "drift-plan")
    assert plan == {"visible": True, "n": 2}  # search area and pattern track
    assert page.get_by_test_id("drift-pos-row").count() >= 3
    # leaving the tab hides the layers, coming back shows them
    page.get_by_test_id("tab-picture").click()
    assert page.evaluate(LAYER_FEATURES, "drift-areas")["visible"] is False
    page.get_by_test_id("tab-drift").click()
    assert page.evaluate(LAYER_FEATURES, "drift-areas")["visible"] is True
    page.screenshot(path=str(artifacts_dir / "drift.png"))
    assert signed_in.problems == []


def test_drift_view_says_why_a_run_is_refused(signed_in: Any) -> None:
    page = signed_in.page
    page.get_by_test_id("tab-drift").click()
    page.get_by_test_id("drift-time").fill("2026-09-30T02:00:00Z")
    page.get_by_test_id("drift-lat").fill("51.2")
    page.get_by_test_id("drift-lon").fill("1.0")
    page.get_by_test_id("drift-run").click()
    status = page.get_by_test_id("drift-status")
    refused = "() => document.querySelector('[data-testid=drift-status]').textContent.includes('refused')"
    page.wait_for_function(refused, timeout=30_000)
    assert "on land" in status.inner_text()
    assert page.get_by_test_id("drift-result").is_hidden()
    # the refusal is an API error (422) the page handled: the console shows the failed request only
    assert all("422" in p or "Unprocessable" in p for p in signed_in.problems), signed_in.problems
