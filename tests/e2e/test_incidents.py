"""The incident board and timeline in the real page: open an incident, task an asset, note, persons."""

from __future__ import annotations

from pathlib import Path

import pytest
from alerts_e2e import replay_into_demo

pytestmark = pytest.mark.browser


def test_incident_board_timeline_and_transitions(
    signed_in, demo_server, scenarios_dir: Path, tmp_path, artifacts_dir
):  # type: ignore[no-untyped-def]
    replay_into_demo(demo_server.data_dir, scenarios_dir, tmp_path)
    page = signed_in.page
    page.get_by_test_id("tab-incidents").click()
    view = page.get_by_test_id("view-incidents")
    board = view.get_by_test_id("incident-board")
    detected = board.get_by_test_id("incident-column-detected")
    card = detected.get_by_test_id("incident-card").first
    card.wait_for(timeout=20_000)
    assert "open" in view.get_by_test_id("incident-summary").inner_text()
    incident_id = card.get_attribute("data-incident-id")
    card.click()

    detail = view.get_by_test_id("incident-detail")
    detail.get_by_test_id("incident-detail-id").wait_for()
    assert detail.get_by_test_id("incident-detail-id").inner_text() == incident_id
    timeline = detail.get_by_test_id("incident-timeline")
    assert timeline.locator('[data-kind="opened"]').count() == 1

    detail.get_by_test_id("incident-transition-state").select_option("asset_tasked")
    detail.get_by_test_id("incident-transition-note").fill("Border Force cutter tasked from Dover")
    detail.get_by_test_id("incident-transition-submit").click()
    detail.get_by_test_id("incident-state").filter(has_text="Asset tasked").wait_for(timeout=10_000)
    mine = timeline.locator(f'[data-testid="timeline-entry"][data-actor="{demo_server.username}"]')
    mine.filter(has_text="Border Force cutter tasked from Dover").wait_for()

    detail.get_by_test_id("incident-note-input").fill("about 40 seen on board, no life jackets")
    detail.get_by_test_id("incident-note-submit").click()
    timeline.locator('[data-kind="note"]').filter(has_text="no life jackets").wait_for(timeout=10_000)
    detail.get_by_test_id("incident-persons-input").fill("40")
    detail.get_by_test_id("incident-persons-submit").click()
    detail.get_by_test_id("incident-persons").filter(has_text="40").wait_for(timeout=10_000)

    # the board follows: the incident is now in the asset_tasked column
    moved = board.get_by_test_id("incident-column-asset_tasked").locator(
        f'[data-incident-id="{incident_id}"]'
    )
    moved.wait_for(timeout=10_000)
    # a move the lifecycle does not allow is not offered
    options = detail.get_by_test_id("incident-transition-state").locator("option").all_inner_texts()
    assert "Detected" not in options and "Rescued" in options
    page.screenshot(path=str(artifacts_dir / "incidents.png"))
    assert signed_in.problems == []


def test_an_incident_is_released_from_its_detail(
    signed_in, demo_server, scenarios_dir: Path, tmp_path, artifacts_dir
):  # type: ignore[no-untyped-def]
    """The release form (watch officer, analyst) on an incident: marking, release, timeline, history."""
    replay_into_demo(demo_server.data_dir, scenarios_dir, tmp_path)
    page = signed_in.page
    page.get_by_test_id("tab-incidents").click()
    view = page.get_by_test_id("view-incidents")
    card = view.get_by_test_id("incident-board").get_by_test_id("incident-card").last
    card.wait_for(timeout=20_000)
    card.click()
    detail = view.get_by_test_id("incident-detail")
    detail.get_by_test_id("incident-detail-id").wait_for()
    current = detail.get_by_test_id("incident-marking").inner_text()
    target = "PUBLIC" if current == "UK-FR" else "UK-FR"  # another test may have released it already

    form = detail.get_by_test_id("release-form")
    form.get_by_test_id("release-marking").select_option(target)
    form.get_by_test_id("release-reason").fill("shared with CROSS Gris-Nez for the rescue")
    form.get_by_test_id("release-submit").click()
    detail.get_by_test_id("incident-marking").filter(has_text=target).wait_for(timeout=10_000)
    assert target in detail.get_by_test_id("incident-released").inner_text()
    entry = detail.get_by_test_id("incident-timeline").locator('[data-kind="release"]')
    entry.filter(has_text="shared with CROSS Gris-Nez").wait_for(timeout=10_000)
    assert entry.first.get_attribute("data-actor") == demo_server.username
    releases = detail.get_by_test_id("incident-releases").get_by_test_id("incident-release")
    assert f"{current} → {target}" in releases.first.inner_text()  # newest first
    page.screenshot(path=str(artifacts_dir / "incident-released.png"))
    assert signed_in.problems == []
