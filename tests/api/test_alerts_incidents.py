"""Alerts and incidents through the API: clearance filtering, acknowledgement, board, transitions, audit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from api_helpers import Api, assert_error
from sqlalchemy import select

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.store.models import AuditEvent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "alerts"))
from alert_helpers import Mover, run

AT_SEA_FR = (50.97, 1.60)
OFF_WISSANT = (50.893, 1.652)


@pytest.fixture
def picture(api: Api) -> dict[str, str]:
    """Two boats recorded in the store: 1 stops at sea (UK-ONLY), 2 leaves Wissant (released UK-FR)."""
    recorder = WatchRecorder(api.runtime.engine, simulated=True)
    stopper = Mover.at(*AT_SEA_FR, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)])
    leaver = Mover.at(*OFF_WISSANT, [(420.0, 5.0, 315.0)])
    watch, _ = run(
        {1: stopper, 2: leaver}, 420.0, marking={1: "UK-ONLY", 2: "UK-FR"}, on_step=recorder.record
    )
    ids = {
        a.rule.value: a.alert_id
        for a in watch.engine.alerts.values()
        if a.rule.value in ("distress", "departure")
    }
    ids["inc_1"] = watch.book.by_track[1]
    ids["inc_2"] = watch.book.by_track[2]
    return ids


def _audit(api: Api, action: str) -> list[AuditEvent]:
    with api.runtime.engine.connect() as conn:
        return list(conn.execute(select(AuditEvent).where(AuditEvent.action == action)))


def test_alerts_are_filtered_by_clearance(api: Api, picture: dict[str, str]) -> None:
    officer, auditor = api.headers("officer"), api.headers("auditor")
    body = api.client.get("/api/alerts", headers=officer).json()
    rules = {a["rule"] for a in body["alerts"]}
    assert {"distress", "departure"} <= rules and body["count"] == len(body["alerts"])
    seen = api.client.get("/api/alerts", headers=auditor).json()["alerts"]
    assert seen and {a["marking"] for a in seen} <= {"UK-FR", "PUBLIC"}
    assert picture["distress"] not in {a["alert_id"] for a in seen}
    assert_error(api.client.get(f"/api/alerts/{picture['distress']}", headers=auditor), 404, "not_found")
    one = api.client.get(f"/api/alerts/{picture['distress']}", headers=officer).json()
    assert one["thresholds"]["max_speed_kn"] == 1.5 and one["incident_id"] == picture["inc_1"]
    assert one["simulated"] is True


def test_alert_filters_and_their_errors(api: Api, picture: dict[str, str]) -> None:
    h = api.headers("officer")
    crit = api.client.get("/api/alerts", params={"min_severity": "critical"}, headers=h).json()["alerts"]
    assert crit and {a["severity"] for a in crit} == {"critical"}
    only = api.client.get("/api/alerts", params={"rule": "departure"}, headers=h).json()["alerts"]
    assert [a["alert_id"] for a in only] == [picture["departure"]]
    assert_error(
        api.client.get("/api/alerts", params={"rule": "nonsense"}, headers=h), 422, "validation_error"
    )
    assert_error(
        api.client.get("/api/alerts", params={"since": "2026-10-05T02:00:00"}, headers=h),
        422,
        "validation_error",
    )
    later = api.client.get("/api/alerts", params={"since": "2026-10-05T03:00:00Z"}, headers=h).json()
    assert later["count"] == 0


def test_acknowledge_is_audited_once_and_puts_the_incident_under_watch(
    api: Api, picture: dict[str, str]
) -> None:
    h = api.headers("officer")
    resp = api.client.post(
        f"/api/alerts/{picture['distress']}/ack", json={"note": "CROSS Gris-Nez informed"}, headers=h
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["acknowledged_by"] == "officer" and body["ack_note"] == "CROSS Gris-Nez informed"
    assert body["acknowledged_utc"].startswith("2026-11-25T08:00")  # the wall clock of the room
    again = api.client.post(f"/api/alerts/{picture['distress']}/ack", headers=h)
    assert_error(again, 409, "conflict")
    assert "acknowledged by officer" in again.json()["error"]["message"]
    events = _audit(api, "alert.acknowledge")
    assert [(e.actor, e.object_id) for e in events] == [("officer", picture["distress"])]
    incident = api.client.get(f"/api/incidents/{picture['inc_1']}", headers=h).json()
    assert incident["state"] == "monitored"
    assert any(t["actor"] == "officer" and "acknowledged" in t["text"] for t in incident["timeline"])
    assert _audit(api, "incident.transition")
    unacked = api.client.get("/api/alerts", params={"acknowledged": False}, headers=h).json()["alerts"]
    assert picture["distress"] not in {a["alert_id"] for a in unacked}
    assert_error(
        api.client.post(f"/api/alerts/{picture['departure']}/ack", headers=api.headers("auditor")),
        403,
        "forbidden",
    )


def test_settings_are_listed_with_units_and_bounds(api: Api) -> None:
    rows = api.client.get("/api/alerts/settings", headers=api.headers("officer")).json()["settings"]
    by_key = {r["key"]: r for r in rows}
    assert by_key["cpa.max_cpa_nm"]["unit"] == "nm" and by_key["cpa.max_cpa_nm"]["value"] == 0.5
    assert (
        by_key["ais_gap.gap_min"]["maximum"] == 1440.0 and "GFW" in by_key["ais_gap.gap_min"]["description"]
    )


def test_board_detail_and_clearance(api: Api, picture: dict[str, str]) -> None:
    officer, auditor = api.headers("officer"), api.headers("auditor")
    board = api.client.get("/api/incidents/board", headers=officer).json()
    columns = {c["state"]: c["incidents"] for c in board["columns"]}
    assert next(iter(columns)) == "detected" and "closed" in columns
    assert {i["incident_id"] for i in columns["detected"]} == {picture["inc_1"], picture["inc_2"]}
    assert board["open"] == 2 and board["persons_at_sea_estimate"] == 106
    their = api.client.get("/api/incidents/board", headers=auditor).json()
    assert their["open"] == 1
    assert_error(api.client.get(f"/api/incidents/{picture['inc_1']}", headers=auditor), 404, "not_found")
    detail = api.client.get(f"/api/incidents/{picture['inc_1']}", headers=officer).json()
    assert detail["timeline"][0]["kind"] == "opened" and detail["alerts"][0]["rule"] == "distress"
    assert "asset_tasked" in detail["allowed"] and detail["severity"] == "critical"


def test_transitions_notes_persons_and_daily_figures(api: Api, picture: dict[str, str]) -> None:
    h = api.headers("officer")
    iid = picture["inc_1"]
    post = api.client.post
    r = post(
        f"/api/incidents/{iid}/transition",
        json={"state": "asset_tasked", "note": "RNLI Dover tasked"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "asset_tasked"
    assert (
        post(f"/api/incidents/{iid}/persons", json={"persons_estimate": 61}, headers=h).json()[
            "persons_estimate"
        ]
        == 61
    )
    assert (
        post(f"/api/incidents/{iid}/notes", json={"text": "life jackets seen"}, headers=h).status_code == 200
    )
    assert_error(post(f"/api/incidents/{iid}/notes", json={"text": ""}, headers=h), 422, "validation_error")
    assert post(f"/api/incidents/{iid}/transition", json={"state": "rescued"}, headers=h).status_code == 200
    bad = post(f"/api/incidents/{iid}/transition", json={"state": "asset_tasked"}, headers=h)
    assert_error(bad, 409, "conflict")
    assert "allowed: closed, landed_uk, returned_fr" in bad.json()["error"]["message"]
    r = post(f"/api/incidents/{iid}/transition", json={"state": "landed_uk", "persons_landed": 58}, headers=h)
    assert r.json()["persons_landed"] == 58
    r = post(f"/api/incidents/{iid}/transition", json={"state": "closed"}, headers=h)
    assert r.json()["outcome"] == "landed_uk" and r.json()["allowed"] == []
    assert_error(
        post(f"/api/incidents/{iid}/transition", json={"state": "monitored"}, headers=h), 409, "conflict"
    )
    assert_error(
        post(f"/api/incidents/{iid}/transition", json={"state": "closed"}, headers=api.headers("auditor")),
        403,
        "forbidden",
    )
    assert_error(post("/api/incidents/INC-nope/notes", json={"text": "x"}, headers=h), 404, "not_found")
    timeline = api.client.get(f"/api/incidents/{iid}", headers=h).json()["timeline"]
    assert [t["text"] for t in timeline if t["actor"] == "officer" and t["kind"] == "note"] == [
        "life jackets seen"
    ]
    assert len(_audit(api, "incident.transition")) == 4 and len(_audit(api, "incident.note")) == 1
    days = api.client.get("/api/incidents/daily", headers=h).json()["days"]
    today = {d["date"]: d for d in days}
    # rescued and landed today (wall clock 2026-11-25), opened on 2026-10-05 (event time)
    assert today["2026-11-25"]["boats_landed_uk"] == 1 and today["2026-11-25"]["persons_landed_uk"] == 58
    assert today["2026-11-25"]["boats_rescued"] == 1 and today["2026-10-05"]["incidents"] == 2
    closed = api.client.get("/api/incidents", params={"state": "closed"}, headers=h).json()["incidents"]
    assert [i["incident_id"] for i in closed] == [iid]
