"""The French liaison's page in real headless Chromium against the real demo: a report released to UK-FR
shows on the partner view, a UK-only one does not (nor does the UK-only AIS picture); the page is in
French; a desk message reaches the UK desk. Records are made through the real API as the demo user."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(150)]

PARTNER_PASSWORD = "mot de passe de la liaison"


def _wait_for(predicate: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def _api(demo_server: Any) -> httpx.Client:
    client = httpx.Client(base_url=demo_server.url, timeout=20.0)
    resp = client.post(
        "/api/auth/login", json={"username": demo_server.username, "password": demo_server.password}
    )
    assert resp.status_code == 200, resp.text
    client.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
    return client


def test_partner_page_shows_the_released_record_and_not_the_uk_only_one(
    demo_server: Any, chromium: Any, artifacts_dir: Path, scenarios_dir: Path, tmp_path: Path
) -> None:
    from alerts_e2e import replay_into_demo

    tag = uuid.uuid4().hex[:8]
    released_text = f"Released sighting {tag}: inflatable leaving Wimereux"
    secret_text = f"UK-only sighting {tag}: source report"
    replay_into_demo(demo_server.data_dir, scenarios_dir, tmp_path)
    with closing(_api(demo_server)) as api:
        # desk messages attach to an incident the French desk may see: the UK desk releases one first —
        # one of the replayed scenario's (the demo's own live incidents may take a UK-ONLY alert at any
        # scan, which rightly re-restricts a released incident)
        lines = (tmp_path / "i.jsonl").read_text().splitlines()
        incident = sorted({json.loads(line)["incident_id"] for line in lines})[0]
        api.post(
            "/api/sharing/releases",
            json={"object_type": "incident", "object_id": incident, "marking": "UK-FR",
                  "reason": "shared with CROSS Gris-Nez for the desk thread"},
        )  # fmt: skip
        assert api.get(f"/api/incidents/{incident}").json()["marking"] == "UK-FR"
        secret = api.post("/api/reports", json={"lat": 50.77, "lon": 1.61, "persons": 3, "text": secret_text})
        shared = api.post(
            "/api/reports",
            json={"lat": 50.76, "lon": 1.60, "persons": 48, "boat_type": "inflatable", "text": released_text},
        )
        assert secret.status_code == 201 and shared.status_code == 201, (secret.text, shared.text)
        assert secret.json()["marking"] == shared.json()["marking"] == "UK-ONLY"
        release = api.post(
            "/api/sharing/releases",
            json={"object_type": "report", "object_id": str(shared.json()["id"]), "marking": "UK-FR",
                  "reason": "agreed with CROSS Gris-Nez for the interception"},
        )  # fmt: skip
        assert release.status_code == 201, release.text
        uk_msg = api.post(f"/api/sharing/incidents/{incident}/messages", json={"text": "Can you confirm?"})
        assert uk_msg.status_code == 201, uk_msg.text
    demo_server.add_user("liaison-fr", PARTNER_PASSWORD, ["partner_liaison"], "UK-FR")

    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        page.goto(demo_server.url + "/?lang=fr")
        assert page.get_by_test_id("login-submit").inner_text() == "Se connecter"
        assert page.locator("label[for=login-username]").text_content() == "Nom d'utilisateur"
        page.get_by_test_id("login-username").fill("liaison-fr")
        page.get_by_test_id("login-password").fill(PARTNER_PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("tab-partner").wait_for(timeout=20_000)
        assert page.get_by_test_id("tab-partner").inner_text() == "Partenaire"
        assert page.locator("#list-title").text_content() == "Navires"
        assert page.get_by_test_id("logout").inner_text() == "Déconnexion"
        _wait_for(
            lambda: page.get_by_test_id("connection-status").text_content() == "en direct", 20, "live feed"
        )

        page.get_by_test_id("tab-partner").click()
        record = page.get_by_test_id("partner-record").filter(has_text=released_text)
        record.wait_for(timeout=20_000)
        assert record.get_attribute("data-marking") == "UK-FR"
        assert record.get_attribute("data-type") == "report"
        records_text = page.get_by_test_id("partner-records").inner_text()
        assert secret_text not in records_text
        markings = page.get_by_test_id("partner-record").evaluate_all(
            "els => els.map(e => e.dataset.marking)"
        )
        assert markings and set(markings) <= {"UK-FR", "PUBLIC"}
        # the AIS picture is UK-ONLY unless a vessel is released: nothing on the partner's list or map
        time.sleep(2.0)
        assert page.get_by_test_id("vessel-row").count() == 0

        # the French desk answers on the incident; the UK desk's message is there
        page.get_by_test_id("desk-incident").fill(incident)
        page.get_by_test_id("desk-open").click()
        page.get_by_test_id("desk-message").filter(has_text="Can you confirm?").wait_for(timeout=10_000)
        page.get_by_test_id("desk-text").fill("Départ confirmé depuis Wimereux à 05h35.")
        page.get_by_test_id("desk-send").click()
        page.get_by_test_id("desk-message").filter(has_text="Départ confirmé").wait_for(timeout=10_000)
        page.screenshot(path=str(artifacts_dir / "partner.png"))
        assert problems == []
    finally:
        context.close()

    with closing(_api(demo_server)) as api:
        thread = api.get(f"/api/sharing/incidents/{incident}/messages").json()["messages"]
        assert [(m["desk"], m["author"]) for m in thread] == [
            ("UK", demo_server.username),
            ("FR", "liaison-fr"),
        ]


def test_report_form_files_a_report_with_a_photo_and_releases_it(
    signed_in: Any, demo_server: Any, artifacts_dir: Path, scenarios_dir: Path, tmp_path: Path
) -> None:
    from alerts_e2e import replay_into_demo
    from PIL import Image

    # desk messages attach to a real incident the user may see (an unknown id is a 404, like a hidden one)
    replay_into_demo(demo_server.data_dir, scenarios_dir, tmp_path)
    incident = json.loads((tmp_path / "i.jsonl").read_text().splitlines()[-1])["incident_id"]

    photo = tmp_path / "beach.png"
    Image.new("RGB", (80, 60), (200, 170, 90)).save(photo)
    page = signed_in.page
    tag = uuid.uuid4().hex[:8]
    page.get_by_test_id("tab-reports").click()
    page.get_by_test_id("report-lat").fill("50.7625")
    page.get_by_test_id("report-lon").fill("1.5996")
    page.get_by_test_id("report-persons").fill("52")
    page.get_by_test_id("report-boat").select_option("inflatable")
    page.get_by_test_id("report-photo").set_input_files(str(photo))
    page.get_by_test_id("report-text").fill(f"Form report {tag}")
    page.get_by_test_id("report-submit").click()
    row = page.get_by_test_id("report-row").filter(has_text=f"Form report {tag}")
    row.wait_for(timeout=15_000)
    assert row.get_attribute("data-marking") == "UK-ONLY"
    _wait_for(lambda: row.locator("img").evaluate("img => img.naturalWidth") == 80, 10, "the photo")
    # a bad position is refused with the server's reason, shown in the form
    page.get_by_test_id("report-lat").fill("95")
    page.get_by_test_id("report-lon").fill("1.6")
    page.get_by_test_id("report-submit").click()
    error = page.get_by_test_id("report-error")
    error.wait_for(timeout=10_000)
    assert "lat" in error.inner_text()
    # release it to the French liaison
    row.get_by_test_id("release-marking").select_option("UK-FR")
    row.get_by_test_id("release-reason").fill("agreed with CROSS Gris-Nez")
    row.get_by_test_id("release-submit").click()
    page.get_by_test_id("report-row").filter(has_text=f"Form report {tag}").and_(
        page.locator("[data-marking='UK-FR']")
    ).wait_for(timeout=10_000)
    page.screenshot(path=str(artifacts_dir / "reports.png"))
    # the UK desk writes to the French desk about an incident
    page.get_by_test_id("tab-liaison").click()
    page.get_by_test_id("uk-desk-incident").fill(incident)
    page.get_by_test_id("uk-desk-open").click()
    page.get_by_test_id("uk-desk-text").fill(f"Boat {tag} heading NW, please confirm the launch site")
    page.get_by_test_id("uk-desk-send").click()
    message = page.get_by_test_id("uk-desk-message").filter(has_text=f"Boat {tag} heading NW")
    message.wait_for(timeout=10_000)
    assert message.inner_text().startswith("UK")
    # the refused report is the one console line: Chromium logs every 4xx resource load
    assert signed_in.problems == [
        "console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
