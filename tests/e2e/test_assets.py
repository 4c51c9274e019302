"""The Assets view in real headless Chromium on the real demo: the ILLUSTRATIVE fleet on the map with its
states, a recommendation with conflicts flagged, tasking (with and without accepted conflicts) drawn as
lines with ETAs, cancel, a state change, the time-to-reach map, the posture proposal from a forecast CSV,
and what a French partner (UK-FR, no tasking role) sees."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

OUTLOOK_CSV = (
    "date,p_crossing,rag,expected_boats,expected_people\n"
    "2026-10-05,0.85,red,9,480\n2026-10-06,0.10,green,0.5,25\n2026-10-07,0.70,red,6,320\n"
)


def _layer_features(page: Any, name: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        """name => {
            const layer = window.watchkeeper.map.getLayers().getArray().find(l => l.get('name') === name);
            if (!layer) return null;
            return layer.getSource().getFeatures().map(f => ({
                type: f.getGeometry().getType(), id: f.getId() ?? null, state: f.get('state') ?? null,
                label: f.get('label') ?? null, flagged: f.get('flagged') ?? null,
                visible: layer.getVisible() }));
        }""",
        name,
    )
    return result


def _row(view: Any, asset_id: str) -> Any:
    return view.locator(f"[data-testid=asset-row][data-asset='{asset_id}']")


def _recommend(view: Any, incident: str) -> None:
    view.get_by_test_id("assets-incident").fill(incident)
    view.get_by_test_id("assets-lat").fill("50.95")
    view.get_by_test_id("assets-lon").fill("1.45")
    view.get_by_test_id("assets-persons").fill("55")
    view.get_by_test_id("assets-time").fill("2026-10-05T02:00:00Z")
    view.get_by_test_id("assets-recommend").click()
    view.get_by_test_id("assets-rec").first.wait_for(timeout=20_000)


def _task(view: Any, asset_id: str) -> None:
    view.locator(f"[data-testid=assets-rec][data-asset='{asset_id}'] [data-testid=assets-task]").click()
    view.get_by_test_id("assets-confirm").wait_for(state="visible", timeout=10_000)


def test_assets_view(
    demo_server: Any, signed_in: Any, chromium: Any, artifacts_dir: Path, tmp_path: Path
) -> None:
    page = signed_in.page
    page.get_by_test_id("tab-assets").click()
    view = page.get_by_test_id("view-assets")
    rows = view.get_by_test_id("asset-row")
    rows.first.wait_for(timeout=20_000)
    assert rows.count() == 26
    assert "not a real order of battle" in (view.get_by_test_id("assets-note").text_content() or "")
    on_map = _layer_features(page, "assets")
    assert len(on_map) == 26 and all(f["visible"] for f in on_map)
    assert {f["state"] for f in on_map} >= {"available", "maintenance"}
    incident = f"INC-E2E-{uuid.uuid4().hex[:6]}"

    # a recommendation, ranked by ETA and explained, with the conflicts flagged
    _recommend(view, incident)
    recs = view.get_by_test_id("assets-rec")
    etas = [float(e) for e in recs.evaluate_all("els => els.map(e => e.dataset.eta)") if e]
    assert len(etas) >= 10 and etas == sorted(etas)
    heli = view.locator("[data-testid=assets-rec][data-asset='HMCG-LYD']")
    assert heli.locator("[data-conflict=capacity]").count() == 1
    dock = view.locator("[data-testid=assets-rec][data-asset='BF-CPV-2']")
    assert (
        dock.get_attribute("data-feasible") == "false"
        and dock.locator("[data-conflict=unavailable]").count() == 1
    )
    assert "by sea around the coast" in (
        view.locator(
            "[data-testid=assets-rec][data-asset='BF-CUT-2'] [data-testid=assets-why]"
        ).text_content()
        or ""
    )

    # task without conflict: a line along the route to the intercept point, with the ETA
    _task(view, "BF-CUT-2")
    assert view.get_by_test_id("assets-confirm-conflict").count() == 0
    view.get_by_test_id("assets-confirm-task").click()
    expect(_row(view, "BF-CUT-2")).to_have_attribute("data-state", "tasked", timeout=15_000)
    assert "ETA" in (_row(view, "BF-CUT-2").get_by_test_id("asset-eta").text_content() or "")
    lines = _layer_features(page, "assets-taskings")
    assert any(f["type"] == "LineString" for f in lines)
    assert any(f["label"] and f["label"].startswith("BF-CUT-2 ETA") for f in lines)

    # task with a conflict: refused until accepted, then flagged on the row and on the map
    _recommend(view, incident)
    _task(view, "HMCG-LYD")
    conflict = view.get_by_test_id("assets-confirm-conflict")
    assert conflict.count() == 1 and conflict.get_attribute("data-conflict") == "capacity"
    view.get_by_test_id("assets-confirm-task").click()
    _row(view, "HMCG-LYD").locator("[data-testid=asset-flag][data-conflict=capacity]").wait_for(
        timeout=15_000
    )
    assert any(f["flagged"] for f in _layer_features(page, "assets-taskings"))

    # an asset in maintenance cannot be tasked, even accepting conflicts
    _recommend(view, incident)
    _task(view, "BF-CPV-2")
    assert view.get_by_test_id("assets-refused").count() == 1
    assert view.get_by_test_id("assets-confirm-task").is_disabled()
    view.get_by_test_id("assets-confirm-close").click()

    # cancel the cutter's tasking from its detail, then put a lifeboat on its way (state change)
    _row(view, "BF-CUT-2").click()
    view.get_by_test_id("asset-cancel").click()
    expect(_row(view, "BF-CUT-2")).to_have_attribute("data-state", "available", timeout=15_000)
    _row(view, "RNLI-DOV").click()
    view.get_by_test_id("asset-to-transiting").click()
    expect(_row(view, "RNLI-DOV")).to_have_attribute("data-state", "transiting", timeout=15_000)
    expect(view.get_by_test_id("asset-history")).to_contain_text("available → transiting", timeout=10_000)

    # time-to-reach map
    view.get_by_test_id("assets-reach-toggle").check()
    view.get_by_test_id("assets-band").first.wait_for(timeout=30_000)
    bands = _layer_features(page, "assets-reach")
    assert bands and all(f["visible"] for f in bands)

    # posture from a forecast CSV, explained
    csv_path = tmp_path / "predictions.csv"
    csv_path.write_text(OUTLOOK_CSV)
    view.get_by_test_id("posture-file").set_input_files(str(csv_path))
    totals = view.get_by_test_id("posture-totals")
    totals.wait_for(timeout=60_000)
    assert "Expected people covered" in (totals.text_content() or "") and "optimal" in (
        totals.text_content() or ""
    )
    assert "maximise the expected people covered" in (
        view.get_by_test_id("posture-objective").text_content() or ""
    )
    assert view.get_by_test_id("posture-constraints").locator("li").count() >= 5
    assert view.get_by_test_id("posture-assignment").count() >= 1
    assert len(_layer_features(page, "assets-stations")) == view.get_by_test_id("posture-assignment").count()
    busy = view.get_by_test_id("posture-day-coverage").text_content() or ""
    view.get_by_test_id("posture-day").select_option("1")  # the quiet day
    quiet = view.get_by_test_id("posture-day-coverage").text_content() or ""
    assert quiet != busy and "≈ 25 people expected" in quiet and "≈ 480 people expected" in busy
    page.screenshot(path=str(artifacts_dir / "assets.png"))
    assert signed_in.problems == []

    # a French partner: only what is released to UK-FR, and no tasking
    user, password = f"liaison{uuid.uuid4().hex[:6]}", "partner password 1234"
    demo_server.add_user(user, password, ["partner_liaison"], "UK-FR")
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    try:
        fr = context.new_page()
        problems: list[str] = []
        fr.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        fr.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
        fr.goto(demo_server.url + "/")
        fr.get_by_test_id("login-username").fill(user)
        fr.get_by_test_id("login-password").fill(password)
        fr.get_by_test_id("login-submit").click()
        fr.get_by_test_id("tab-assets").click()
        fr_view = fr.get_by_test_id("view-assets")
        fr_rows = fr_view.get_by_test_id("asset-row")
        fr_rows.first.wait_for(timeout=20_000)
        ids = set(fr_rows.evaluate_all("els => els.map(e => e.dataset.asset)"))
        assert "RNLI-DOV" in ids and "FR-PV-1" in ids and "BF-CUT-1" not in ids and "BF-CUT-2" not in ids
        assert len(_layer_features(fr, "assets")) == len(ids)
        _recommend(fr_view, "INC-FR")
        assert fr_view.get_by_test_id("assets-task").count() == 0
        assert fr_view.locator("[data-testid=assets-rec][data-asset='BF-CUT-1']").count() == 0
        fr.screenshot(path=str(artifacts_dir / "assets-partner.png"))
        assert problems == []
    finally:
        context.close()


def test_posture_from_the_real_crossing_outlook(
    demo_server: Any, signed_in: Any, shared_data: Path, artifacts_dir: Path
) -> None:
    """The weather capability's outlook (the real forecast run through the model trained on the real
    regional weather) planned into a posture on the page."""
    from stats_demo_data import prepare

    prepare(demo_server, shared_data)
    page = signed_in.page
    page.get_by_test_id("tab-assets").click()
    view = page.get_by_test_id("view-assets")
    view.get_by_test_id("asset-row").first.wait_for(timeout=20_000)
    view.get_by_test_id("posture-outlook").click()
    totals = view.get_by_test_id("posture-totals")
    totals.wait_for(timeout=60_000)
    assert "optimal" in (totals.text_content() or "")
    days = view.get_by_test_id("posture-day").locator("option")
    assert [d.split(" ")[0] for d in days.all_text_contents()] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert "people expected" in (view.get_by_test_id("posture-day-coverage").text_content() or "")
    page.screenshot(path=str(artifacts_dir / "assets-posture.png"))
    assert signed_in.problems == []
