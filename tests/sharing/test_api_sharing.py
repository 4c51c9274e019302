"""Reports, releases, the partner API, desk messages and the audit log through the real API and store."""

from __future__ import annotations

import base64
import json

import pytest
from sharing_helpers import Api, add_incident, assert_error, photo_b64
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from watchkeeper.ingest.cot.intake import field_log_dir
from watchkeeper.ingest.inputlog import _scan, _segments
from watchkeeper.sharing.audit import verify_export
from watchkeeper.store.models import AuditEvent, RejectRow

# ------------------------------------------------------------------ observer reports


def test_a_report_with_a_photo_is_stored_logged_and_its_photo_served_safely(api: Api) -> None:
    resp = api.report(
        "officer", persons=45, boat_type="inflatable", text="launching north of the dunes",
        photo={"filename": "../../etc/IMG 0042.html.jpg", "content_base64": photo_b64("JPEG")},
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    report = resp.json()
    assert report["marking"] == "UK-ONLY"  # the reporter's clearance by default
    assert (report["persons"], report["boat_type"], report["time"]) == (
        45,
        "inflatable",
        "2026-11-26T05:40:00Z",
    )
    photo = report["photo"]
    assert photo["media_type"] == "image/jpeg" and photo["marking"] == "UK-ONLY"
    assert photo["filename"] == "IMG_0042.html.jpg"  # no path, the sniffed type's extension
    got = api.client.get(photo["url"], headers=api.h("officer"))
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]
    assert got.content == base64.b64decode(photo_b64("JPEG"))
    # the raw body went to the field input log before it was checked
    logged = []
    for seg in _segments(field_log_dir(api.runtime.settings.data_dir)):
        with seg.open("rb") as fh:
            logged += [(src, raw) for _s, _n, _l, src, raw, _e in _scan(fh)]
    assert logged and logged[-1][0] == "report:officer" and b'"inflatable"' in logged[-1][1]
    # ...and it is an observation too
    obs = api.client.get("/api/observations", headers=api.h("officer")).json()["observations"]
    assert [(o["obs_id"], o["kind"], o["persons"]) for o in obs] == [(f"report:{report['id']}", "boat", 45)]


BAD_REPORTS = [
    ({"lat": 95}, 422, "out_of_range"),
    ({"lon": "east"}, 422, "bad_field"),
    ({"persons": -3}, 422, "out_of_range"),
    ({"boat_type": "submarine"}, 422, "bad_field"),
    ({"time": "2026-11-26T05:40:00"}, 422, "bad_time"),
    ({"time": "2027-01-01T00:00:00Z"}, 422, "bad_time"),  # in the future
    ({"marking": "TOP-SECRET"}, 422, "bad_field"),
    ({"surprise": 1}, 422, "bad_field"),
    (
        {"photo": {"filename": "x.svg", "content_base64": base64.b64encode(b"<svg onload='x()'/>").decode()}},
        422,
        "bad_attachment",
    ),
    ({"photo": {"filename": "x.gif", "content_base64": photo_b64("GIF")}}, 422, "bad_attachment"),
    ({"photo": {"filename": "x.jpg", "content_base64": "!!!not base64!!!"}}, 422, "bad_attachment"),
    ({"photo": {"filename": "x.jpg", "content_base64": photo_b64("JPEG")[:200]}}, 422, "bad_attachment"),
    ({"photo": {"filename": "x.png", "content_base64": photo_b64("PNG", (6000, 8000))}}, 413, "too_large"),
]


@pytest.mark.parametrize(("fields", "status", "code"), BAD_REPORTS)
def test_bad_reports_are_refused_with_a_clear_reason_and_ledgered(
    api: Api, fields: dict[str, object], status: int, code: str
) -> None:
    resp = api.report("officer", **fields)
    assert_error(resp, status, code)
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(RejectRow.source, RejectRow.reason)).all()
    assert rows == [("report:officer", code)]


def test_raw_bodies_that_are_not_reports(api: Api) -> None:
    h = {**api.h("officer"), "content-type": "application/json"}
    assert_error(api.client.post("/api/reports", content=b"", headers=h), 422, "empty")
    assert_error(api.client.post("/api/reports", content=b"{lat: 5", headers=h), 422, "malformed")
    assert_error(api.client.post("/api/reports", content=b"[1, 2]", headers=h), 422, "malformed")
    missing = api.client.post("/api/reports", content=json.dumps({"lat": 50.9}).encode(), headers=h)
    assert_error(missing, 422, "missing_field")
    assert "lon" in missing.json()["error"]["message"]
    huge = b'{"text": "' + b"x" * (9 * 1024 * 1024) + b'"}'
    assert_error(api.client.post("/api/reports", content=huge, headers=h), 413, "too_large")


def test_who_may_report_and_at_which_marking(api: Api) -> None:
    assert_error(api.report("auditor"), 403, "forbidden")
    assert_error(api.report("liaison", marking="UK-ONLY"), 422, "bad_field")  # above their clearance
    resp = api.report("liaison", text="vu depuis la plage")
    assert resp.status_code == 201 and resp.json()["marking"] == "UK-FR"


# ------------------------------------------------------------------ releases


def test_release_makes_a_report_visible_to_the_partner_and_is_audited(api: Api) -> None:
    secret = api.report("officer", text="uk only").json()
    shared = api.report("officer", text="to share", photo={"content_base64": photo_b64("PNG")}).json()
    partner = api.h("liaison")
    assert api.client.get(f"/api/reports/{shared['id']}", headers=partner).status_code == 404
    assert api.client.get("/api/partner/records", headers=partner).json()["records"]["report"] == []

    assert_error(api.release("liaison", "report", str(shared["id"]), "UK-FR"), 403, "forbidden")
    assert_error(
        api.release("officer", "report", str(shared["id"]), "UK-FR", reason="ok"), 422, "validation_error"
    )
    assert_error(api.release("officer", "report", "999", "UK-FR"), 404, "not_found")
    assert_error(api.release("officer", "spaceship", "1", "UK-FR"), 404, "not_found")
    assert_error(api.release("public_officer", "report", str(shared["id"]), "PUBLIC"), 404, "not_found")
    resp = api.release("officer", "report", str(shared["id"]), "UK-FR")
    assert resp.status_code == 201, resp.text
    assert resp.json()["from_marking"] == "UK-ONLY" and resp.json()["to_marking"] == "UK-FR"
    # the photo is a record of its own: still UK-ONLY until released as well
    got = api.client.get(f"/api/reports/{shared['id']}", headers=partner).json()
    assert got["marking"] == "UK-FR" and got["photo"] is None
    assert api.client.get(f"/api/reports/{shared['id']}/photo", headers=partner).status_code == 404
    assert api.release("analyst", "attachment", str(shared["photo"]["id"]), "UK-FR").status_code == 201
    assert api.client.get(f"/api/reports/{shared['id']}/photo", headers=partner).status_code == 200

    records = api.client.get("/api/partner/records", headers=partner).json()["records"]
    assert [r["id"] for r in records["report"]] == [shared["id"]]
    assert secret["id"] not in [r["id"] for r in records["report"]]
    assert [o["obs_id"] for o in records["observation"]] == [f"report:{shared['id']}"]

    with api.runtime.engine.connect() as conn:
        releases = conn.execute(
            select(AuditEvent.actor, AuditEvent.object_type, AuditEvent.detail).where(
                AuditEvent.action == "release"
            )
        ).all()
        partner_reads = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.actor == "liaison", AuditEvent.action == "read")
        )
    assert [(a, t, d["to"], d["reason"]) for a, t, d in releases] == [
        ("officer", "report", "UK-FR", "agreed with CROSS Gris-Nez"),
        ("analyst", "attachment", "UK-FR", "agreed with CROSS Gris-Nez"),
    ]
    assert partner_reads >= 3


def test_a_released_vessel_reaches_the_partner_picture_and_live_feed(api: Api) -> None:
    from watchkeeper.core.types import AisReport, TimeSource

    t = api.clock.now()
    api.runtime.picture.apply(AisReport(227006760, 1, t, TimeSource.SENSOR, "sim", 50.97, 1.4, 10.0, 90.0))
    api.runtime.picture.apply(AisReport(235000001, 1, t, TimeSource.SENSOR, "sim", 51.0, 1.5, 3.0, 300.0))
    partner = api.h("liaison")
    assert api.client.get("/api/picture", headers=partner).json()["vessels"] == []
    assert api.client.get("/api/vessels/235000001/track", headers=partner).status_code == 404
    assert api.release("officer", "vessel", "235000001", "UK-FR").status_code == 201
    vessels = api.client.get("/api/picture", headers=partner).json()["vessels"]
    assert [(v["mmsi"], v["marking"]) for v in vessels] == [(235000001, "UK-FR")]
    uk = api.client.get("/api/picture", headers=api.h("officer")).json()["vessels"]
    assert {v["mmsi"]: v["marking"] for v in uk} == {227006760: "UK-ONLY", 235000001: "UK-FR"}
    # the WebSocket's snapshot is this same body (Starlette's TestClient cannot close a /api/live session
    # cleanly, on main too, so the browser test covers the socket itself)
    from watchkeeper.api.routes.picture import picture_body

    snapshot = picture_body(api.runtime, "UK-FR", "snapshot")
    assert [v["mmsi"] for v in snapshot["vessels"]] == [235000001]
    records = api.client.get("/api/partner/records", headers=partner).json()["records"]
    assert [v["mmsi"] for v in records["vessel"]] == [235000001]


# ------------------------------------------------------------------ desk messages


def test_desk_messages_between_the_uk_and_french_desks_are_attached_to_incidents_and_audited(
    api: Api,
) -> None:
    add_incident(api.runtime.engine, "INC-2026-0042", "UK-FR")
    add_incident(api.runtime.engine, "INC-2026-0043", "UK-FR")
    r1 = api.client.post(
        "/api/sharing/incidents/INC-2026-0042/messages",
        json={"text": "Boat with about 40 persons heading NW, can you confirm launch site?"},
        headers=api.h("officer"),
    )
    assert r1.status_code == 201, r1.text
    r2 = api.client.post(
        "/api/partner/incidents/INC-2026-0042/messages",
        json={"text": "Départ confirmé depuis Équihen-Plage, 05h35.", "lang": "fr"},
        headers=api.h("liaison"),
    )
    assert r2.status_code == 201, r2.text
    api.client.post(
        "/api/partner/incidents/INC-2026-0043/messages", json={"text": "autre"}, headers=api.h("liaison")
    )
    got = api.client.get("/api/partner/incidents/INC-2026-0042/messages", headers=api.h("liaison")).json()
    assert [(m["desk"], m["author"], m["marking"]) for m in got["messages"]] == [
        ("UK", "officer", "UK-FR"), ("FR", "liaison", "UK-FR"),
    ]  # fmt: skip
    uk = api.client.get("/api/sharing/incidents/INC-2026-0042/messages", headers=api.h("officer")).json()
    assert [m["text"] for m in uk["messages"]] == [m["text"] for m in got["messages"]]
    assert_error(
        api.client.get("/api/partner/incidents/INC-2026-0042/messages", headers=api.h("officer")),
        403,
        "forbidden",
    )
    assert_error(
        api.client.post(
            "/api/partner/incidents/bad id!/messages", json={"text": "x"}, headers=api.h("liaison")
        ),
        422,
        "validation_error",
    )
    with api.runtime.engine.connect() as conn:
        n = conn.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "desk_message")
        )
    assert n == 3


def test_when_incidents_are_registered_a_partner_cannot_reach_a_uk_only_incident(api: Api) -> None:
    from watchkeeper.sharing.service import RecordType

    markings = {"INC-1": "UK-FR", "INC-2": "UK-ONLY"}
    api.runtime.sharing.register(RecordType("incident", markings.get))
    ok = api.client.get("/api/partner/incidents/INC-1/messages", headers=api.h("liaison"))
    assert ok.status_code == 200
    hidden = api.client.get("/api/partner/incidents/INC-2/messages", headers=api.h("liaison"))
    assert_error(hidden, 404, "not_found")
    assert (
        api.client.get("/api/sharing/incidents/INC-2/messages", headers=api.h("officer")).status_code == 200
    )


# ------------------------------------------------------------------ audit


def test_auditor_queries_and_exports_a_hash_chained_log_that_detects_tampering(api: Api) -> None:
    shared = api.report("officer").json()
    api.release("officer", "report", str(shared["id"]), "UK-FR")
    api.client.get("/api/reports", headers=api.h("liaison"))
    assert_error(api.client.get("/api/audit", headers=api.h("officer")), 403, "forbidden")
    events = api.client.get("/api/audit?action=release", headers=api.h("auditor")).json()["events"]
    assert [(e["actor"], e["object_id"], e["marking"]) for e in events] == [
        ("officer", str(shared["id"]), "UK-ONLY")
    ]
    page = api.client.get("/api/audit?limit=2", headers=api.h("auditor")).json()
    after = api.client.get(f"/api/audit?after_id={page['next_after_id']}", headers=api.h("auditor")).json()
    assert {e["id"] for e in page["events"]}.isdisjoint(e["id"] for e in after["events"])

    resp = api.client.get("/api/audit/export", headers=api.h("auditor"))
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
    lines = resp.content.splitlines(keepends=True)
    assert len(lines) >= 4 and verify_export(lines) is None
    row = json.loads(lines[1])
    row["actor"] = "someone-else"
    tampered = [lines[0], (json.dumps(row) + "\n").encode(), *lines[2:]]
    assert verify_export(tampered) == 1
    assert verify_export([lines[0], *lines[2:]]) == 1  # a dropped line breaks the chain too
    with api.runtime.engine.connect() as conn:
        assert (
            conn.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "audit_export")
            )
            == 1
        )


def test_audit_rows_are_seen_at_their_marking(api: Api) -> None:
    api.add_user("fr_auditor", ("auditor",), "UK-FR")
    add_incident(api.runtime.engine, "I-1", "UK-FR")
    api.client.post("/api/sharing/incidents/I-1/messages", json={"text": "hello"}, headers=api.h("officer"))
    api.report("officer")  # a UK-ONLY report: its audit row is UK-ONLY
    events = api.client.get("/api/audit", headers=api.h("fr_auditor")).json()["events"]
    assert events and all(e["marking"] in ("UK-FR", "PUBLIC") for e in events)
    assert "desk_message" in {e["action"] for e in events} and "report" not in {e["action"] for e in events}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_audit_log_is_append_only_in_the_database(api: Api, statement: str) -> None:
    api.report("officer")
    with pytest.raises(DBAPIError, match="append-only"), api.runtime.engine.begin() as conn:
        conn.execute(text(statement))
