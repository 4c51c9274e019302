"""The alert queue in the real page: new alerts arrive with a visual and audible cue, a user acknowledges."""

from __future__ import annotations

from pathlib import Path

import pytest
from alerts_e2e import replay_into_demo

pytestmark = pytest.mark.browser


def test_alert_queue_cue_and_acknowledgement(
    signed_in, demo_server, scenarios_dir: Path, tmp_path, artifacts_dir
):  # type: ignore[no-untyped-def]
    page = signed_in.page
    page.get_by_test_id("tab-alerts").click()
    view = page.get_by_test_id("view-alerts")
    view.wait_for(state="visible")
    page.wait_for_timeout(1500)  # the first poll has loaded what the store had
    replay_into_demo(demo_server.data_dir, scenarios_dir, tmp_path)

    distress = view.locator('[data-testid="alert-card"][data-rule="distress"]').first
    distress.wait_for(timeout=20_000)
    # the cue: a toast with the sound attempted, the card flashing, the tab counting what is unacknowledged
    toast = page.get_by_test_id("toast").filter(has_text="distress").first
    toast.wait_for(timeout=10_000)
    assert toast.get_attribute("data-sound") in ("played", "blocked")
    assert "CRITICAL" in toast.inner_text()
    assert int(page.get_by_test_id("tab-alerts").get_attribute("data-badge") or "0") >= 4
    assert "SIMULATED" in view.get_by_test_id("alerts-simulated").inner_text()
    assert distress.get_attribute("data-severity") == "critical"
    assert "stopped or drifting at sea" in distress.get_by_test_id("alert-explanation").inner_text()
    page.screenshot(path=str(artifacts_dir / "alerts.png"))

    alert_id = distress.get_attribute("data-alert-id")
    distress.get_by_test_id("alert-ack").click()
    # acknowledged: it leaves the "unacknowledged only" queue, and shows who when all are listed
    view.locator(f'[data-testid="alert-card"][data-alert-id="{alert_id}"]').wait_for(
        state="detached", timeout=10_000
    )
    view.get_by_test_id("alerts-unacked-only").uncheck()
    card = view.locator(f'[data-testid="alert-card"][data-alert-id="{alert_id}"]')
    assert demo_server.username in card.get_by_test_id("alert-acknowledged").inner_text()
    # it is in the store, not only on the page: a fresh page shows it acknowledged
    page.reload()
    page.get_by_test_id("tab-alerts").click()
    page.get_by_test_id("alerts-unacked-only").uncheck()
    card = page.locator(f'[data-testid="alert-card"][data-alert-id="{alert_id}"]')
    card.get_by_test_id("alert-acknowledged").wait_for(timeout=10_000)
    card.click()  # shows what the rule looked at on the map
    page.screenshot(path=str(artifacts_dir / "alerts-acknowledged.png"))
    assert signed_in.problems == []
