"""``/api/intel``: roles, releasability and audit through HTTP, evidence export and download.

Same shape as ``tests/api``: a real runtime on the migrated temp SQLite store, a fixed wall clock,
FastAPI's TestClient, and the API's one error shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from evidence_helpers import BOAT, ingest_feed
from fastapi.testclient import TestClient
from intel_helpers import WALL
from sqlalchemy import Engine

from watchkeeper.api import Runtime, create_app
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.settings import Settings
from watchkeeper.intel.evidence.keys import installation_fingerprint
from watchkeeper.intel.evidence.package import verify_bytes

PASSWORD = "correct horse battery staple"
USERS = {
    "analyst": (("analyst",), "UK-ONLY"),
    "fr_analyst": (("analyst",), "UK-FR"),
    "liaison": (("partner_liaison",), "UK-FR"),
    "officer": (("watch_officer",), "UK-ONLY"),
    "auditor": (("auditor",), "UK-ONLY"),
    "admin": (("admin",), "UK-ONLY"),
}


class Client:
    def __init__(self, client: TestClient, runtime: Runtime) -> None:
        self.client, self.runtime, self._tokens = client, runtime, {}  # type: ignore[var-annotated]

    def _h(self, user: str) -> dict[str, str]:
        if user not in self._tokens:
            r = self.client.post("/api/auth/login", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self._tokens[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[user]}"}

    def get(self, user: str, path: str, **kw: Any) -> Any:
        return self.client.get("/api" + path, headers=self._h(user), **kw)

    def post(self, user: str, path: str, body: Any) -> Any:
        return self.client.post("/api" + path, headers=self._h(user), json=body)


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[Client]:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 40, token_ttl_s=3600)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    runtime = Runtime(settings, engine=engine, wall_clock=FixedClock(WALL), password_hasher=hasher)
    for name, (roles, clearance) in USERS.items():
        runtime.users.add(name, PASSWORD, roles, clearance, WALL)
    with TestClient(create_app(settings, runtime)) as client:
        yield Client(client, runtime)


def _error(resp: Any, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return str(body["error"]["message"])


def _seed(api: Client) -> dict[str, int]:
    src = api.post(
        "analyst", "/intel/sources", {"kind": "human", "identity": "M., contact via Calais"}
    ).json()["id"]
    a = api.post(
        "analyst", "/intel/entities", {"kind": "person", "name": "Organiser A", "marking": "UK-FR"}
    ).json()["id"]
    b = api.post(
        "analyst",
        "/intel/entities",
        {
            "kind": "boat",
            "name": "grey 9 m inflatable",
            "marking": "UK-FR",
            "identifiers": [{"kind": "hull_serial", "value": "CN-XYZ 0042"}],
        },
    ).json()["id"]
    grading = {"source": "2", "information": "B", "handling": "P"}
    uk = api.post(
        "analyst",
        "/intel/reports",
        {
            "title": "launch from Gravelines",
            "body": "Stored at the lock-keeper's",
            "grading": grading,
            "source_id": src,
            "marking": "UK-ONLY",
            "refs": [
                {"kind": "entity", "ref": str(a)},
                {"kind": "place", "ref": "Gravelines", "lat": 50.99, "lon": 2.12},
            ],
        },
    )
    assert uk.status_code == 201, uk.text
    fr = api.post(
        "analyst",
        "/intel/reports",
        {
            "title": "boat bought",
            "body": "paid cash",
            "grading": grading,
            "source_id": src,
            "marking": "UK-FR",
        },
    ).json()["id"]
    link = api.post(
        "analyst",
        "/intel/links",
        {"source_id": a, "target_id": b, "type": "owns", "marking": "UK-FR", "report_ids": [uk.json()["id"]]},
    )
    assert link.status_code == 201, link.text
    return {"src": src, "a": a, "b": b, "uk": uk.json()["id"], "fr": fr, "link": link.json()["id"]}


def test_roles_decide_who_reaches_intelligence(api: Client) -> None:
    for user in ("officer", "auditor", "admin"):
        for path in (
            "/intel/reports",
            "/intel/entities",
            "/intel/network",
            "/intel/search?q=boat",
            "/intel/investigations",
        ):
            _error(api.get(user, path), 403, "forbidden")
    assert "analyst" in _error(
        api.post("liaison", "/intel/entities", {"kind": "person", "name": "x"}), 403, "forbidden"
    )
    for user in ("analyst", "officer", "auditor"):
        assert api.get(user, "/intel/figures").status_code == 200
    _error(api.get("admin", "/intel/figures"), 403, "forbidden")
    _error(api.get("analyst", "/intel/audit"), 403, "forbidden")
    assert api.get("auditor", "/intel/audit").status_code == 200
    assert api.get("liaison", "/intel/reports").status_code == 200


def test_without_clearance_a_report_is_not_read_searched_or_networked(api: Client) -> None:
    ids = _seed(api)
    assert api.get("analyst", f"/intel/reports/{ids['uk']}").json()["body"] == "Stored at the lock-keeper's"
    _error(api.get("fr_analyst", f"/intel/reports/{ids['uk']}"), 404, "not_found")
    assert [r["id"] for r in api.get("fr_analyst", "/intel/reports").json()] == [ids["fr"]]
    assert (
        api.get("analyst", "/intel/search", params={"q": "lock-keeper"}).json()["hits"][0]["id"] == ids["uk"]
    )
    assert api.get("fr_analyst", "/intel/search", params={"q": "lock-keeper"}).json()["hits"] == []
    assert api.get("liaison", "/intel/search", params={"q": "Gravelines"}).json()["hits"] == []
    hull = api.get("fr_analyst", "/intel/search", params={"q": "cnxyz0042"}).json()["hits"]
    assert [(h["type"], h["id"], h["match"]) for h in hull] == [("entity", ids["b"], "identifier")]
    full = api.get("analyst", "/intel/network").json()
    assert [e["id"] for e in full["edges"]] == [ids["link"]] and [r["id"] for r in full["reports"]] == [
        ids["uk"]
    ]
    fr = api.get("fr_analyst", "/intel/network").json()
    assert {n["id"] for n in fr["nodes"]} == {ids["a"], ids["b"]}
    assert fr["edges"] == [] and fr["reports"] == []
    assert str(ids["uk"]) not in str([fr["edges"], fr["reports"]])


def test_source_protection_grading_errors_and_handling_code_c(api: Client) -> None:
    ids = _seed(api)
    assert (
        api.get("analyst", f"/intel/reports/{ids['uk']}").json()["source"]["identity"]
        == "M., contact via Calais"
    )
    api.client.app.state.runtime.users.add("analyst2", PASSWORD, ("analyst",), "UK-ONLY", WALL)  # type: ignore[attr-defined]
    assert api.get("analyst2", f"/intel/reports/{ids['uk']}").json()["source"] == {
        "protected": True,
        "id": None,
        "reference": None,
        "kind": None,
        "identity": None,
        "handler": None,
    }
    assert api.get("analyst2", "/intel/sources").json() == []
    bad = api.post(
        "analyst",
        "/intel/reports",
        {
            "title": "t",
            "body": "b",
            "source_id": ids["src"],
            "grading": {"source": "5", "information": "A", "handling": "P"},
        },
    )
    assert "source evaluation '5' is not valid" in _error(bad, 422, "validation_error")
    no_cond = api.post(
        "analyst",
        "/intel/reports",
        {
            "title": "t",
            "body": "b",
            "source_id": ids["src"],
            "grading": {"source": "1", "information": "A", "handling": "C"},
        },
    )
    assert "needs the handling conditions" in _error(no_cond, 422, "validation_error")
    c = api.post(
        "analyst",
        "/intel/reports",
        {
            "title": "t",
            "body": "b",
            "source_id": ids["src"],
            "grading": {"source": "1", "information": "A", "handling": "C", "conditions": "OCRIEST only"},
        },
    ).json()["id"]
    msg = _error(api.post("analyst2", f"/intel/reports/{c}/release", {"marking": "UK-FR"}), 403, "forbidden")
    assert "handling code C" in msg
    released = api.post("analyst", f"/intel/reports/{c}/release", {"marking": "UK-FR"})
    assert released.status_code == 200 and released.json()["marking"] == "UK-FR"
    seen = api.get("liaison", f"/intel/reports/{c}").json()
    assert seen["grading"]["code"] == "1/A/C" and seen["grading"]["conditions"] == "OCRIEST only"
    _error(api.post("analyst", f"/intel/reports/{c}/release", {"marking": "PUBLIC"}), 403, "forbidden")


def test_every_read_is_in_the_audit_trail_for_the_auditor(api: Client) -> None:
    ids = _seed(api)
    api.get("fr_analyst", f"/intel/reports/{ids['fr']}")
    api.get("fr_analyst", f"/intel/reports/{ids['uk']}")
    api.get("fr_analyst", "/intel/search", params={"q": "boat"})
    api.get("fr_analyst", "/intel/network")
    rows = api.get("auditor", "/intel/audit", params={"actor": "fr_analyst"}).json()
    assert [r["action"] for r in rows] == [
        "intel.network.read",
        "intel.search",
        "intel.report.denied",
        "intel.report.read",
    ]
    assert rows[2]["object_id"] == str(ids["uk"])
    mine = [e for e in api.runtime.audit.recent(5) if e.actor == "auditor"]
    assert mine and mine[0].action == "audit.read"


def test_investigations_and_figures_over_http(api: Client) -> None:
    ids = _seed(api)
    inv = api.post(
        "analyst",
        "/intel/investigations",
        {"reference": "OP-ELM", "title": "Boat supply", "opened_on": "2026-05-01", "marking": "UK-FR"},
    )
    assert inv.status_code == 201, inv.text
    iid = inv.json()["id"]
    _error(
        api.post(
            "analyst",
            "/intel/investigations",
            {"reference": "OP-ELM", "title": "x", "opened_on": "2026-05-01"},
        ),
        409,
        "conflict",
    )
    assert (
        api.post(
            "analyst", f"/intel/investigations/{iid}/items", {"kind": "entity", "ref": str(ids["a"])}
        ).status_code
        == 201
    )
    arrest = api.post(
        "analyst",
        f"/intel/investigations/{iid}/arrests",
        {"person_id": ids["a"], "arrested_at": "2026-06-02T05:00:00Z", "agency": "PAF"},
    )
    assert arrest.status_code == 201, arrest.text
    charge = api.post(
        "analyst",
        f"/intel/arrests/{arrest.json()['id']}/charges",
        {"offence": "facilitation", "charged_on": "2026-06-03"},
    ).json()
    out = api.post(
        "analyst",
        f"/intel/charges/{charge['id']}/outcome",
        {"outcome": "convicted", "decided_on": "2026-10-20", "sentence": "4 years"},
    )
    assert out.status_code == 201 and out.json()["outcome"]["outcome"] == "convicted"
    f = api.get("officer", "/intel/figures").json()
    assert (f["live_investigations"], f["arrests"], f["charges"], f["convictions"]) == (1, 1, 1, 1)
    assert api.get("officer", "/intel/figures", params={"from": "2026-11-01"}).json()["convictions"] == 0
    detail = api.get("fr_analyst", f"/intel/investigations/{iid}").json()
    assert detail["arrests"][0]["person_name"] == "Organiser A"
    _error(
        api.get("analyst", "/intel/figures", params={"from": "2026-05-02", "to": "2026-05-01"}),
        422,
        "validation_error",
    )


def test_evidence_export_download_verify_and_continuity(api: Client) -> None:
    data_dir = api.runtime.settings.data_dir
    ingest_feed(api.runtime.engine, data_dir)
    body = {
        "incident_ref": "INC-2026-0814-01",
        "from": "2026-08-14T03:02:00Z",
        "to": "2026-08-14T03:06:00Z",
        "mmsis": [BOAT],
    }
    _error(api.post("auditor", "/intel/evidence", body), 403, "forbidden")
    made = api.post("analyst", "/intel/evidence", body)
    assert made.status_code == 201, made.text
    pkg = made.json()
    assert (
        pkg["items"] == 14
        and pkg["simulated"]
        and pkg["key_fingerprint"] == installation_fingerprint(data_dir)
    )
    _error(api.get("auditor", f"/intel/evidence/{pkg['package_id']}/download"), 403, "forbidden")
    dl = api.get("analyst", f"/intel/evidence/{pkg['package_id']}/download")
    assert dl.status_code == 200 and dl.headers["content-type"] == "application/zip"
    verdict = verify_bytes(dl.content, pkg["key_fingerprint"])
    assert verdict.ok and verdict.head == pkg["head_sha256"]
    assert api.post("auditor", f"/intel/evidence/{pkg['package_id']}/verify", {}).json()["ok"] is True
    events = api.get("auditor", f"/intel/evidence/{pkg['package_id']}/continuity").json()
    assert [(e["action"], e["actor"]) for e in events] == [
        ("exported", "analyst"),
        ("downloaded", "analyst"),
        ("verified", "auditor"),
    ]
    assert [p["package_id"] for p in api.get("auditor", "/intel/evidence").json()] == [pkg["package_id"]]
    _error(api.get("analyst", "/intel/evidence/nope/download"), 404, "not_found")
    naive = {**body, "from": "2026-08-14T03:02:00"}
    assert "time zone" in _error(api.post("analyst", "/intel/evidence", naive), 422, "validation_error")
