"""The assets API: roles, releasability, tasking with conflicts, audit, state and position changes, the
position feed with its rejects, the reach map and the posture, and the live notice."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from api_helpers import PASSWORD, WALL_START, Api, assert_error
from sqlalchemy import select

from watchkeeper.assets.fleet import illustrative_fleet
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.core.types import VesselState
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.store.models import AuditEvent

EVENT = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
TARGET = {
    "lat": 50.95,
    "lon": 1.45,
    "sog_kn": 5,
    "cog_deg": 300,
    "time_utc": "2026-10-05T02:00:00Z",
    "persons": 55,
}


@pytest.fixture
def fleet_api(api: Api) -> Api:
    api.runtime.users.add("controller", PASSWORD, ("asset_controller",), "UK-ONLY", WALL_START)
    api.runtime.users.add("liaison", PASSWORD, ("partner_liaison",), "UK-FR", WALL_START)
    api.runtime.users.add("admin", PASSWORD, ("admin",), "UK-ONLY", WALL_START)
    AssetRegistry(api.runtime.engine, api.clock).seed(illustrative_fleet())
    return api


def _audit(api: Api, action: str) -> list[AuditEvent]:
    with api.runtime.engine.connect() as conn:
        return list(conn.execute(select(AuditEvent).where(AuditEvent.action == action)))  # type: ignore[arg-type]


def test_readers_read_controllers_task_admin_does_neither(fleet_api: Api) -> None:
    api = fleet_api
    body = api.client.get("/api/assets", headers=api.headers("officer")).json()
    assert body["illustrative"] and "not a real order of battle" in body["note"]
    assert body["can_task"] is False and len(body["assets"]) == len(illustrative_fleet())
    a = body["assets"][0]
    assert {
        "id",
        "kind",
        "state",
        "lat",
        "lon",
        "marking",
        "position_source",
        "speed_kn",
        "endurance_h",
    } <= set(a)
    assert_error(api.client.get("/api/assets", headers=api.headers("admin")), 403, "forbidden")
    refused = api.client.post(
        "/api/assets/RNLI-DOV/task",
        json={"incident_id": "I1", "target": TARGET},
        headers=api.headers("officer"),
    )
    assert_error(refused, 403, "forbidden")
    assert api.client.get("/api/assets", headers=api.headers("controller")).json()["can_task"] is True


def test_a_partner_sees_only_what_is_released_to_them(fleet_api: Api) -> None:
    api = fleet_api
    h = api.headers("liaison")
    assets = api.client.get("/api/assets", headers=h).json()["assets"]
    assert assets and {a["marking"] for a in assets} == {"UK-FR"}
    assert_error(api.client.get("/api/assets/BF-CUT-1", headers=h), 404, "not_found")
    recs = api.client.post("/api/assets/recommend", json={"target": TARGET}, headers=h).json()[
        "recommendations"
    ]
    ids = {r["asset_id"] for r in recs}
    assert "BF-CUT-1" not in ids and "RNLI-DOV" in ids
    reach = api.client.get("/api/assets/reach?kind=sea&cell_km=5", headers=h).json()
    full = api.client.get(
        "/api/assets/reach?kind=sea&cell_km=5&cells=true", headers=api.headers("officer")
    ).json()
    partner_cells = api.client.get("/api/assets/reach?kind=sea&cell_km=5&cells=true", headers=h).json()
    assert reach["type"] == "FeatureCollection"
    assert not any(f["properties"]["asset_id"] == "BF-CUT-1" for f in partner_cells["features"])
    assert any(f["properties"]["asset_id"] == "BF-CUT-1" for f in full["features"])


def test_recommend_ranks_and_names_the_first_able_to_take_everyone(fleet_api: Api) -> None:
    api = fleet_api
    resp = api.client.post("/api/assets/recommend", json={"target": TARGET}, headers=api.headers("officer"))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    etas = [r["eta_s"] for r in body["recommendations"] if r["eta_s"] is not None]
    assert etas == sorted(etas)
    first_cap = next(r for r in body["recommendations"] if r["asset_id"] == body["first_with_capacity"])
    assert first_cap["feasible"] and first_cap["capacity_ok"]
    bad = api.client.post(
        "/api/assets/recommend",
        json={"target": {"lat": 95, "lon": 1, "time_utc": "x"}},
        headers=api.headers("officer"),
    )
    assert_error(bad, 422, "validation_error")


def test_task_conflicts_audit_cancel(fleet_api: Api) -> None:
    api = fleet_api
    h = api.headers("controller")
    api.runtime.picture.vessels[1] = VesselState(1, EVENT, "sim", 51.0, 1.4)  # the picture's clock: EVENT
    dry = api.client.post(
        "/api/assets/HMCG-LYD/task", json={"incident_id": "I1", "target": TARGET, "dry_run": True}, headers=h
    ).json()
    assert dry["tasking"] is None and [c["code"] for c in dry["blocking"]] == ["capacity"]
    assert dry["route"] and dry["recommendation"]["eta_s"] > 0
    refused = api.client.post(
        "/api/assets/HMCG-LYD/task", json={"incident_id": "I1", "target": TARGET}, headers=h
    )
    assert_error(refused, 409, "tasking_conflict")
    assert "capacity" in refused.json()["error"]["message"]
    ok = api.client.post("/api/assets/BF-CUT-1/task", json={"incident_id": "I1", "target": TARGET}, headers=h)
    assert ok.status_code == 200, ok.text
    tasking = ok.json()["tasking"]
    assert tasking["status"] == "active" and tasking["created_by"] == "controller"
    assert (
        tasking["created_at"] == "2026-10-05T02:00:00Z" and tasking["recorded_at"] == "2026-11-25T08:00:00Z"
    )
    assert tasking["route"][0] == [51.02, 1.45] and tasking["eta_time"] > tasking["created_at"]
    (audit,) = _audit(api, "asset.task")
    assert (
        audit.actor == "controller"
        and audit.object_id == str(tasking["id"])
        and audit.detail["asset_id"] == "BF-CUT-1"
    )
    again = api.client.post(
        "/api/assets/BF-CUT-1/task", json={"incident_id": "I2", "target": TARGET}, headers=h
    )
    assert_error(again, 409, "tasking_conflict")
    assert "I1" in again.json()["error"]["message"]
    retask = api.client.post(
        "/api/assets/BF-CUT-1/task",
        json={"incident_id": "I2", "target": TARGET, "accept_conflicts": True},
        headers=h,
    )
    assert retask.status_code == 200 and retask.json()["tasking"]["conflicts_accepted"]
    active = api.client.get("/api/taskings", headers=api.headers("officer")).json()["taskings"]
    assert [(t["asset_id"], t["incident_id"]) for t in active] == [("BF-CUT-1", "I2")]
    tid = active[0]["id"]
    assert_error(
        api.client.post(f"/api/taskings/{tid}/cancel", headers=api.headers("officer")), 403, "forbidden"
    )
    done = api.client.post(f"/api/taskings/{tid}/cancel", json={"reason": "boat found by a ferry"}, headers=h)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert_error(api.client.post(f"/api/taskings/{tid}/cancel", headers=h), 409, "conflict")
    assert _audit(api, "asset.task_cancel")[0].detail == {
        "asset_id": "BF-CUT-1",
        "reason": "boat found by a ferry",
    }
    history = api.client.get("/api/assets/BF-CUT-1", headers=h).json()["events"]
    assert [e["to_state"] for e in history] == ["available", "tasked", "tasked"]
    assert all(e["actor"] == "controller" for e in history)


def test_state_changes_and_positions_by_hand(fleet_api: Api) -> None:
    api = fleet_api
    h = api.headers("controller")
    resp = api.client.post(
        "/api/assets/RNLI-DOV/state", json={"state": "maintenance", "reason": "hull"}, headers=h
    )
    assert resp.status_code == 200, resp.text
    event = resp.json()
    assert (event["from_state"], event["to_state"], event["actor"]) == (
        "available",
        "maintenance",
        "controller",
    )
    assert event["time"] == "2026-11-25T08:00:00Z"  # no picture yet: the wall clock
    assert_error(
        api.client.post("/api/assets/RNLI-DOV/state", json={"state": "on_scene"}, headers=h), 409, "conflict"
    )
    assert_error(
        api.client.post("/api/assets/RNLI-DOV/state", json={"state": "sunk"}, headers=h),
        422,
        "validation_error",
    )
    assert _audit(api, "asset.state")[0].detail["reason"] == "hull"
    moved = api.client.post(
        "/api/assets/FR-POL-2/position",
        json={"lat": 50.93, "lon": 1.77, "time_utc": "2026-10-05T01:00:00Z"},
        headers=h,
    )
    assert moved.status_code == 200 and moved.json()["position_source"] == "manual"
    older = api.client.post(
        "/api/assets/FR-POL-2/position",
        json={"lat": 50.9, "lon": 1.7, "time_utc": "2026-10-05T00:00:00Z"},
        headers=h,
    )
    assert_error(older, 409, "conflict")


def test_position_feed_counts_and_keeps_its_rejects(fleet_api: Api) -> None:
    api = fleet_api
    registry = AssetRegistry(api.runtime.engine, api.clock)
    asset = registry.get("FR-PV-1")
    assert asset is not None
    from dataclasses import replace

    registry.upsert(replace(asset, mmsi=227000111))
    items: list[Any] = [
        {"asset_id": "FR-PV-1", "lat": 50.95, "lon": 1.55, "time_utc": "2026-10-05T02:00:00Z"},
        {"mmsi": 227000111, "lat": 50.96, "lon": 1.56, "time_utc": "2026-10-05T02:01:00Z"},
        {"asset_id": "FR-PV-1", "lat": 50.90, "lon": 1.50, "time_utc": "2026-10-05T01:00:00Z"},  # older
        {"asset_id": "FR-PV-1", "lat": "fifty", "lon": 1.5, "time_utc": "2026-10-05T02:02:00Z"},
        {"asset_id": "NOPE", "lat": 50.9, "lon": 1.5, "time_utc": "2026-10-05T02:02:00Z"},
        {"asset_id": "FR-PV-1", "lat": 50.9, "lon": 1.5, "time_utc": "yesterday"},
        "garbage",
    ]
    resp = api.client.post(
        "/api/assets/positions",
        json={"source": "blue-force", "positions": items},
        headers=api.headers("controller"),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"accepted": 2, "ignored_older": 1, "rejected": {"bad_field": 3, "malformed": 1}}
    held = registry.get("FR-PV-1")
    assert held is not None and (held.lat, held.lon) == (50.96, 1.56) and held.position_source.value == "feed"
    counts = RejectsLedger(api.runtime.engine).stored_counts("assets-feed:blue-force")
    assert counts == {("assets-feed:blue-force", "bad_field"): 3, ("assets-feed:blue-force", "malformed"): 1}


def test_posture_from_the_forecast_csv(fleet_api: Api) -> None:
    api = fleet_api
    text = (
        "date,p_crossing,rag,expected_boats,expected_people\n"
        "2026-10-05,0.8,red,9,480\n2026-10-06,0.1,green,1,40\n"
    )
    resp = api.client.post(
        "/api/assets/posture", content=text, headers={**api.headers("officer"), "Content-Type": "text/csv"}
    )
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["status"] == "optimal" and len(doc["days"]) == 2
    assert doc["totals"]["coverage"] > doc["totals"]["baseline_coverage"]
    as_json = api.client.post(
        "/api/assets/posture",
        json={
            "outlook": [
                {"date": "2026-10-05", "p_crossing": 0.8, "expected_boats": 9, "expected_people": 480}
            ]
        },
        headers=api.headers("officer"),
    )
    assert as_json.status_code == 200 and len(as_json.json()["days"]) == 1
    bad = api.client.post(
        "/api/assets/posture",
        content="date,p\n",
        headers={**api.headers("officer"), "Content-Type": "text/csv"},
    )
    assert_error(bad, 422, "validation_error")


def test_a_change_tells_the_pages_to_reread(fleet_api: Api) -> None:
    """After a change a ``picture.update`` message reaches the live fan-out: a notice to re-read, with
    no asset data in it (the shared feed is not filtered by clearance; ``/api/assets`` is)."""
    api = fleet_api
    client = api.runtime.live.connect("observer")  # the LiveHub's own client, as the WebSocket uses it
    h = api.headers("controller")
    resp = api.client.post("/api/assets/RNLI-DOV/state", json={"state": "maintenance"}, headers=h)
    assert resp.status_code == 200
    deadline = time.monotonic() + 5.0
    while client.queue.empty() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert json.loads(client.queue.get_nowait()) == {"kind": "assets", "marking": "PUBLIC"}
