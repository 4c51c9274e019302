"""The command-cell page in real headless Chromium against the real `watchkeeper demo` server.

Signs in through the form, waits for vessels in the list and on the map, checks that they move with
the live feed and that the event clock advances, opens a vessel from the list and from the map, checks
the SIMULATED banner, and saves a screenshot to ``test-artifacts/page.png``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

# JavaScript run in the page: reads the real OpenLayers map that the page exposes as
# window.watchkeeper.map (no test-only hook): every vessel feature with its screen pixel.
VESSEL_PIXELS = """() => {
  const map = window.watchkeeper.map;
  const layer = map.getAllLayers().find((l) => l.get('name') === 'vessels');
  const size = map.getSize();
  return layer.getSource().getFeatures().map((f) => {
    const c = f.getGeometry().getCoordinates();
    const px = map.getPixelFromCoordinate(c);
    return {mmsi: f.getId(), x: c[0], y: c[1], px: px[0], py: px[1], w: size[0], h: size[1]};
  });
}"""

CLOCK_RE = re.compile(r"^\d{2}:\d{2}:\d{2}$")


def _wait_for(predicate: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def test_command_cell_page(demo_server: Any, chromium: Any, artifacts_dir: Path) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # console errors (CSP violations are reported there too); Chromium's Canvas2D readback hint is not one
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    external: list[str] = []
    base = demo_server.url
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith((base, base.replace("http", "ws", 1))) else None
        ),
    )
    try:
        page.goto(base + "/")

        # a wrong password is refused on the form
        page.get_by_test_id("login-username").fill(demo_server.username)
        page.get_by_test_id("login-password").fill(demo_server.password + "-wrong")
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("login-error").wait_for(state="visible", timeout=10_000)
        problems.clear()  # the refused login logs a 401 in the console; that is expected

        # sign in
        page.get_by_test_id("login-username").fill(demo_server.username)
        page.get_by_test_id("login-password").fill(demo_server.password)
        page.get_by_test_id("login-submit").click()
        rows = page.get_by_test_id("vessel-row")
        rows.first.wait_for(timeout=20_000)
        # the tab bar of views opens on the picture
        assert page.get_by_test_id("tab-picture").get_attribute("aria-selected") == "true"
        assert page.get_by_test_id("view-picture").is_visible()
        assert page.get_by_test_id("connection-status").inner_text().strip().lower() in {
            "live",
            "connecting…",
        }

        # the simulated picture says so
        banner = page.get_by_test_id("simulated-banner")
        banner.wait_for(state="visible", timeout=10_000)
        assert "SIMULATED" in banner.inner_text()

        # the event clock shows UTC event time and advances with the demo
        clock = page.locator("#event-clock")
        first_clock = clock.inner_text()
        assert CLOCK_RE.match(first_clock), first_clock
        assert "UTC" in page.get_by_test_id("event-clock").inner_text()

        # vessels are on the map as well as in the list
        vessels = _wait_for(lambda: page.evaluate(VESSEL_PIXELS), 10, "vessels on the map")
        assert rows.count() == len(vessels)
        before = {v["mmsi"]: (v["x"], v["y"]) for v in vessels}

        # ... and move with the live feed
        def moved() -> int:
            now = {v["mmsi"]: (v["x"], v["y"]) for v in page.evaluate(VESSEL_PIXELS)}
            return sum(1 for m, xy in now.items() if m in before and xy != before[m])

        n_moved = _wait_for(moved, 15, "a vessel to move on the map")
        assert n_moved >= 1
        _wait_for(lambda: clock.inner_text() != first_clock, 10, "the event clock to advance")
        page.wait_for_function(
            "() => document.querySelector('#conn').textContent.trim() === 'live'", timeout=10_000
        )

        # click a vessel in the list: the detail panel shows it, with its history trail
        row = rows.nth(min(2, rows.count() - 1))
        row_mmsi = row.get_attribute("data-mmsi")
        row_name = row.locator(".v-name").inner_text().strip()
        row.click()
        panel = page.get_by_test_id("detail-panel")
        panel.wait_for(state="visible", timeout=5_000)
        assert page.get_by_test_id("detail-mmsi").inner_text().strip() == row_mmsi
        assert page.get_by_test_id("detail-name").inner_text().strip() == row_name
        assert page.get_by_test_id("detail-simulated").inner_text().startswith("yes")
        assert "selected" in (row.get_attribute("class") or "")
        page.wait_for_function(
            "() => /History trail: \\d+ position/.test(document.querySelector('#trail-info').textContent)",
            timeout=10_000,
        )

        # click a vessel on the map: choose one well inside the view with no neighbour within 24 px
        vessels = page.evaluate(VESSEL_PIXELS)
        inside = [v for v in vessels if 80 < v["px"] < v["w"] - 80 and 80 < v["py"] < v["h"] - 80]

        def isolated(v: dict[str, Any]) -> bool:
            return all(
                (o["px"] - v["px"]) ** 2 + (o["py"] - v["py"]) ** 2 > 24**2
                for o in vessels
                if o["mmsi"] != v["mmsi"]
            )

        candidates = [v for v in inside if isolated(v) and str(v["mmsi"]) != row_mmsi]
        assert candidates, "no isolated vessel in view to click on the map"
        target = candidates[0]
        box = page.get_by_test_id("map").bounding_box()
        assert box is not None
        fresh = next(v for v in page.evaluate(VESSEL_PIXELS) if v["mmsi"] == target["mmsi"])
        page.mouse.click(box["x"] + fresh["px"], box["y"] + fresh["py"])
        page.wait_for_function(
            "m => document.querySelector('[data-testid=detail-mmsi]')?.textContent.trim() === String(m)",
            arg=target["mmsi"],
            timeout=5_000,
        )
        selected_row = page.locator(f"[data-testid=vessel-row][data-mmsi='{target['mmsi']}']")
        assert "selected" in (selected_row.get_attribute("class") or "")

        # geography drawn from the app's own layers: the map has them all
        names = page.evaluate("() => window.watchkeeper.map.getAllLayers().map((l) => l.get('name'))")
        for layer in ("land", "coastline", "tss", "uk_fr_boundary_1988", "places", "vessels"):
            assert layer in names, names

        time.sleep(0.5)  # let the trail and labels render once more for the screenshot
        page.screenshot(path=str(artifacts_dir / "page.png"))

        assert not external, f"requests outside the app: {external}"
        assert not problems, problems
    finally:
        context.close()
