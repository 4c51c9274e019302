"""The Outlook view in real headless Chromium on the real demo: the real forecast run through the model
trained on the real regional weather, with RAG bands, expected boats and people, drivers and limits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from stats_demo_data import prepare

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_outlook_view(demo_server: Any, signed_in: Any, shared_data: Path, artifacts_dir: Path) -> None:
    prepare(demo_server, shared_data)
    page = signed_in.page
    page.get_by_test_id("tab-outlook").click()
    view = page.get_by_test_id("view-outlook")
    days = view.get_by_test_id("outlook-day")
    days.first.wait_for(timeout=20_000)
    assert [days.nth(i).get_attribute("data-date") for i in range(days.count())] == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
    ]
    token = httpx.post(
        f"{demo_server.url}/api/auth/login",
        json={"username": demo_server.username, "password": demo_server.password},
    ).json()
    api = httpx.get(
        f"{demo_server.url}/api/weather/outlook", headers={"Authorization": f"Bearer {token['access_token']}"}
    ).json()
    for i, day in enumerate(api["days"]):
        card = days.nth(i)
        rag_text = card.get_by_test_id("outlook-rag").text_content() or ""
        pct = int(re.search(r"(\d+)%", rag_text).group(1))  # type: ignore[union-attr]
        assert pct == round(day["p_crossing"] * 100)
        assert (
            card.get_attribute("data-rag")
            == day["rag"]
            == ("red" if pct > 55 else "green" if pct < 35 else "amber")
        )
        assert rag_text.startswith({"red": "RED", "amber": "AMBER", "green": "GREEN"}[day["rag"]])
        expected = card.get_by_test_id("outlook-expected").text_content() or ""
        assert f"≈ {round(day['expected_people']):,}" in expected
        drivers = card.get_by_test_id("outlook-drivers")
        assert "kt" in (drivers.locator("[data-driver=wind_speed_kt]").text_content() or "")
        assert drivers.locator("[data-driver=wave_height_m]").count() == 1
        assert card.get_by_test_id("outlook-pushes").locator("li").count() == 3
    bars = view.get_by_test_id("chart-bar")
    assert bars.count() == 3
    limits = view.get_by_test_id("outlook-limits").text_content() or ""
    assert "Nord-Pas-de-Calais, 2018-01 to 2021-01" in limits
    assert "not the Met Office" in (view.get_by_test_id("outlook-probability-label").text_content() or "")
    assert "issued 2026-09-30 12:30 UTC" in (view.get_by_test_id("outlook-source").text_content() or "")
    assert "wind_speed_kt without recent activity" in (
        view.get_by_test_id("outlook-variant").text_content() or ""
    )
    view.screenshot(path=str(artifacts_dir / "outlook.png"))
    assert signed_in.problems == []
