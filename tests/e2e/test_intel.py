"""The Intel view in real headless Chromium against the real `watchkeeper demo`.

Seeds a small network through the real API (two cliques joined by one fixer, a UK-ONLY report, a
UK-FR report, a case with an arrest, a charge and a conviction), then as the demo analyst: the report
list and detail with its grading, a search hit, the network graph with the fixer highlighted as the
first key facilitator, the case and the figures. Then as an analyst cleared only UK-FR: the UK-ONLY
report is not in the list, not found by search, and the link it alone supports is not drawn.
Screenshots: ``test-artifacts/intel.png``, ``intel-network.png``, ``intel-fr.png``.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


class Seed:
    def __init__(self, base: str, user: str, password: str) -> None:
        token = httpx.post(
            f"{base}/api/auth/login", json={"username": user, "password": password}, timeout=10
        )
        token.raise_for_status()
        self.client = httpx.Client(
            base_url=base + "/api/intel",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
            timeout=20,
        )

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = self.client.post(path, json=body)
        assert resp.status_code == 201, resp.text
        out: dict[str, Any] = resp.json()
        return out


def _seed(seed: Seed, sfx: str) -> dict[str, Any]:
    src = seed.post("/sources", {"kind": "human", "identity": f"Test source {sfx} (SIMULATED)"})["id"]

    def ent(name: str, kind: str = "person") -> int:
        return int(seed.post("/entities", {"kind": kind, "name": f"{name} {sfx}", "marking": "UK-FR"})["id"])

    a = [ent(f"Organiser-{i}") for i in range(3)]
    b = [ent(f"Crew-{i}", "person") for i in range(3)]
    fixer, side = ent("Fixer"), ent("Dune-store", "address")
    grading = {"source": "2", "information": "B", "handling": "P"}
    fr = seed.post(
        "/reports",
        {
            "title": f"engines moved {sfx}",
            "body": "SIMULATED test report",
            "grading": grading,
            "source_id": src,
            "marking": "UK-FR",
        },
    )["id"]
    uk = seed.post(
        "/reports",
        {
            "title": f"SECRET-{sfx} stash",
            "body": "SIMULATED: boats hidden in the dunes",
            "grading": grading,
            "source_id": src,
            "marking": "UK-ONLY",
            "refs": [{"kind": "entity", "ref": str(fixer)}],
        },
    )["id"]
    for group in (a, b):
        for i in range(3):
            for j in range(i + 1, 3):
                seed.post(
                    "/links",
                    {
                        "source_id": group[i],
                        "target_id": group[j],
                        "type": "associate_of",
                        "marking": "UK-FR",
                        "report_ids": [fr],
                    },
                )
    seed.post("/links", {"source_id": fixer, "target_id": a[0], "type": "associate_of", "marking": "UK-FR"})
    seed.post("/links", {"source_id": fixer, "target_id": b[0], "type": "associate_of", "marking": "UK-FR"})
    hidden = seed.post(
        "/links",
        {"source_id": fixer, "target_id": side, "type": "stored_at", "marking": "UK-FR", "report_ids": [uk]},
    )["id"]
    case = seed.post(
        "/investigations",
        {
            "reference": f"OP-{sfx}",
            "title": "SIMULATED test case",
            "opened_on": "2026-05-01",
            "marking": "UK-FR",
        },
    )["id"]
    arrest = seed.post(
        f"/investigations/{case}/arrests",
        {"person_id": fixer, "arrested_at": "2026-06-01T05:00:00Z", "agency": "PAF"},
    )["id"]
    charge = seed.post(f"/arrests/{arrest}/charges", {"offence": "facilitation", "charged_on": "2026-06-02"})[
        "id"
    ]
    seed.post(
        f"/charges/{charge}/outcome",
        {"outcome": "convicted", "decided_on": "2026-10-01", "sentence": "5 years"},
    )
    return {"fixer": fixer, "side": side, "uk": uk, "fr": fr, "hidden_link": hidden, "case": case}


def _sign_in(chromium: Any, url: str, user: str, password: str) -> tuple[Any, Any, list[str]]:
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.goto(url + "/")
    page.get_by_test_id("login-username").fill(user)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("tab-intel").wait_for(timeout=20_000)
    return context, page, problems


def _graph_nodes(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.eval_on_selector_all(
        "[data-testid=intel-node]",
        """els => els.map(e => { const b = e.querySelector(".ig-dot").getBoundingClientRect(); return {
            id: Number(e.dataset.id), key: e.dataset.key === 'true',
            x: b.x + b.width / 2, y: b.y + b.height / 2, t: e.getAttribute('transform') }; })""",
    )
    return result


def test_intel_view(demo_server: Any, chromium: Any, artifacts_dir: Path) -> None:
    sfx = uuid.uuid4().hex[:6]
    ids = _seed(Seed(demo_server.url, demo_server.username, demo_server.password), sfx)

    context, page, problems = _sign_in(chromium, demo_server.url, demo_server.username, demo_server.password)
    try:
        page.get_by_test_id("tab-intel").click()
        view = page.get_by_test_id("view-intel")
        view.wait_for(state="visible")
        rows = page.locator(f"[data-testid=intel-report-row][data-id='{ids['uk']}']")
        rows.wait_for(timeout=10_000)
        assert page.locator(f"[data-testid=intel-report-row][data-id='{ids['fr']}']").count() == 1
        rows.click()
        detail = page.get_by_test_id("intel-report-detail")
        detail.wait_for(state="visible")
        assert page.get_by_test_id("intel-detail-grade").inner_text() == "3x5x2 2/B/P"
        grading = page.get_by_test_id("intel-grading").inner_text()
        assert "untested" in grading and "known indirectly to the source but corroborated" in grading
        assert (
            "you handle this source" in page.get_by_test_id("intel-source").inner_text()
        )  # the demo user handles it
        assert "Fixer" in page.get_by_test_id("intel-report-refs").inner_text()
        assert "null" not in detail.inner_text().split() and "undefined" not in detail.inner_text()

        page.get_by_test_id("intel-search").fill(f"SECRET-{sfx}")
        page.get_by_test_id("intel-search").press("Enter")
        hit = page.locator(f"[data-testid=intel-search-hit][data-type=report][data-id='{ids['uk']}']")
        hit.wait_for(timeout=10_000)
        page.screenshot(path=str(artifacts_dir / "intel.png"))

        page.get_by_test_id("intel-tab-network").click()
        page.locator(f"[data-testid=intel-node][data-id='{ids['fixer']}']").wait_for(timeout=10_000)
        nodes = {n["id"]: n for n in _graph_nodes(page)}
        assert nodes[ids["fixer"]]["key"] is True
        first = page.get_by_test_id("intel-facilitator").first
        assert first.get_attribute("data-id") == str(ids["fixer"]) and "#1" in first.inner_text()
        assert page.locator(f"[data-testid=intel-edge][data-id='{ids['hidden_link']}']").count() == 1
        # click the fixer where it is drawn: the node detail names it as a key facilitator
        fx = nodes[ids["fixer"]]
        page.mouse.click(fx["x"], fx["y"])
        page.get_by_test_id("intel-node-key").wait_for(timeout=5_000)
        assert f"Fixer {sfx}" in page.get_by_test_id("intel-node-name").inner_text()
        # drag it: the node moves and so does its link
        before = fx["t"]
        page.mouse.move(fx["x"], fx["y"])
        page.mouse.down()
        page.mouse.move(fx["x"] + 40, fx["y"] + 30, steps=5)
        page.mouse.up()
        after = page.locator(f"[data-testid=intel-node][data-id='{ids['fixer']}']").get_attribute("transform")
        assert after != before
        page.get_by_test_id("intel-network-enlarge").click()
        big = page.get_by_test_id("intel-pane-network").bounding_box()
        the_map = page.get_by_test_id("map").bounding_box()
        assert (
            abs(big["x"] - the_map["x"]) < 2 and abs(big["width"] - the_map["width"]) < 2
        )  # it covers the map
        page.screenshot(path=str(artifacts_dir / "intel-network.png"))
        page.get_by_test_id("intel-network-enlarge").click()

        page.get_by_test_id("intel-tab-cases").click()
        page.get_by_test_id("intel-figure-convictions").wait_for(timeout=10_000)
        assert int(page.get_by_test_id("intel-figure-convictions").inner_text().split()[0]) >= 1
        page.locator(f"[data-testid=intel-case-row][data-id='{ids['case']}']").click()
        page.get_by_test_id("intel-case-detail").wait_for(state="visible")
        charges = page.get_by_test_id("intel-charge").inner_text()
        assert "convicted 2026-10-01, 5 years" in charges
        assert problems == [], problems
    finally:
        context.close()

    # an analyst cleared UK-FR only: no UK-ONLY report, in the list, the search or the network
    fr_user, fr_password = f"fr-{sfx}", "fr analyst password " + sfx
    demo_server.add_user(fr_user, fr_password, ["analyst"], "UK-FR")
    context, page, problems = _sign_in(chromium, demo_server.url, fr_user, fr_password)
    try:
        page.get_by_test_id("tab-intel").click()
        page.locator(f"[data-testid=intel-report-row][data-id='{ids['fr']}']").wait_for(timeout=10_000)
        assert page.locator(f"[data-testid=intel-report-row][data-id='{ids['uk']}']").count() == 0
        page.get_by_test_id("intel-search").fill(f"SECRET-{sfx}")
        page.get_by_test_id("intel-search").press("Enter")
        page.get_by_test_id("intel-search-empty").wait_for(timeout=10_000)
        page.get_by_test_id("intel-tab-network").click()
        page.locator(f"[data-testid=intel-node][data-id='{ids['fixer']}']").wait_for(timeout=10_000)
        assert page.locator(f"[data-testid=intel-edge][data-id='{ids['hidden_link']}']").count() == 0
        assert (
            page.locator(f"[data-testid=intel-node][data-id='{ids['side']}']").count() == 1
        )  # the entity is UK-FR
        assert page.get_by_test_id("intel-facilitator").first.get_attribute("data-id") == str(ids["fixer"])
        assert str(ids["uk"]) not in page.get_by_test_id("view-intel").inner_text().split()
        page.screenshot(path=str(artifacts_dir / "intel-fr.png"))
        assert problems == [], problems
    finally:
        context.close()
