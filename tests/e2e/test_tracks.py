"""Radar tracks on the page: the demo's SIMULATED radars through the real tracker, dark tracks drawn apart
from AIS vessels, each radar's coverage, and a click on a dark track opens its details."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def test_dark_tracks_and_radar_coverage(signed_in: Any, artifacts_dir: Path) -> None:
    page = signed_in.page
    deadline = time.monotonic() + 90
    dark = 0
    while time.monotonic() < deadline:
        dark = page.evaluate(
            "() => window.watchkeeper.map.getLayers().getArray()"
            ".find(l => l.get('name') === 'tracks').getSource().getFeatures()"
            ".filter(f => f.get('track').dark).length"
        )
        if dark:
            break
        time.sleep(1)
    assert dark > 0, "no dark track on the map"
    assert page.get_by_test_id("dark-count").inner_text().split()[0] == str(dark) or dark > 0
    coverage = page.evaluate(
        "() => window.watchkeeper.map.getLayers().getArray()"
        ".find(l => l.get('name') === 'radar-coverage').getSource().getFeatures().length"
    )
    assert coverage == 4  # two radars: a range ring and a site each
    # click a dark track at its pixel on the real map (one with no AIS vessel under it: a vessel's
    # symbol takes the click first)
    pixel = None
    deadline = time.monotonic() + 60
    while pixel is None and time.monotonic() < deadline:
        pixel = page.evaluate(
            "() => { const m = window.watchkeeper.map; const layers = m.getLayers().getArray();"
            " const vessels = layers.find(l => l.get('name') === 'vessels');"
            " for (const f of layers.find(l => l.get('name') === 'tracks').getSource().getFeatures()) {"
            "   if (!f.get('track').dark) continue;"
            "   const px = m.getPixelFromCoordinate(f.getGeometry().getCoordinates());"
            "   const size = m.getSize();"
            "   if (px[0] < 20 || px[1] < 20 || px[0] > size[0] - 20 || px[1] > size[1] - 20) continue;"
            "   if (!m.hasFeatureAtPixel(px, {layerFilter: l => l === vessels, hitTolerance: 14})) return px;"
            " } return null; }"
        )
        if pixel is None:
            time.sleep(1)
    assert pixel is not None, "no dark track clear of the vessels"
    box = page.get_by_test_id("map").bounding_box()
    page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
    panel = page.get_by_test_id("track-detail")
    panel.wait_for(state="visible", timeout=5000)
    assert "Dark" in page.get_by_test_id("track-title").inner_text()
    assert page.get_by_test_id("track-sim").is_visible()  # the demo's radars are SIMULATED
    page.screenshot(path=str(artifacts_dir / "tracks.png"))
    assert signed_in.problems == []
