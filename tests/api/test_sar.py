"""Drift API: authenticated, role- and marking-checked, stored with its marking, off the event loop."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time

import pytest
from api_helpers import PASSWORD, Api, assert_error
from sqlalchemy import select

from watchkeeper.store.models import AuditEvent

REQUEST = {
    "lat": 51.0,
    "lon": 1.5,
    "time": "2026-09-30T02:00:00Z",
    "object": "inflatable",
    "hours": 2,
    "particles": 100,
    "wind": {"speed_ms": 8.0, "from_deg": 225.0},
    "incident_id": "INC-2026-0042",
    "marking": "UK-FR",
    "search": {"name": "ALB Dover", "speed_kn": 20.0, "sweep_width_nm": 0.5, "start_hour": 1},
}


def test_drift_is_run_stored_and_read_back(api: Api) -> None:
    headers = api.headers()
    resp = api.client.post("/api/sar/drifts", json=REQUEST, headers=headers)
    assert resp.status_code == 201, resp.text
    run = resp.json()
    assert run["incident_id"] == "INC-2026-0042" and run["marking"] == "UK-FR"
    features = run["geojson"]["features"]
    assert len(features) == 3 * 3  # hours 0..2: areas 50 and 90, a centroid
    assert {f["properties"].get("containment") for f in features} == {0.5, 0.9, None}
    assert "not an ocean model" in run["geojson"]["watchkeeper"]["limits"]
    assert len(run["grids"]) == 3 and run["grids"][2]["cells"]
    assert run["plan"]["pattern"] == "parallel" and run["plan"]["pos"][0]["pos"] == 0.0
    exported = api.client.get(f"/api/sar/drifts/{run['id']}/geojson", headers=headers)
    assert exported.headers["content-type"].startswith("application/geo+json")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.json() == run["geojson"]
    again = api.client.get(f"/api/sar/drifts/{run['id']}", headers=headers).json()
    assert again["geojson"] == run["geojson"] and again["plan"] == run["plan"]
    listed = api.client.get("/api/sar/drifts", params={"incident_id": "INC-2026-0042"}, headers=headers)
    assert [r["id"] for r in listed.json()] == [run["id"]]
    assert api.client.get("/api/sar/drifts", params={"incident_id": "other"}, headers=headers).json() == []
    with api.runtime.engine.connect() as conn:
        audit = conn.execute(select(AuditEvent).where(AuditEvent.action == "sar.drift.create")).all()
    assert len(audit) == 1 and audit[0].object_id == str(run["id"]) and audit[0].actor == "officer"


def test_roles_and_markings_decide(api: Api) -> None:
    api.runtime.users.add("partner", PASSWORD, ("watch_officer",), "PUBLIC", api.clock.now())
    # the auditor may read but not run
    assert_error(
        api.client.post("/api/sar/drifts", json=REQUEST, headers=api.headers("auditor")), 403, "forbidden"
    )
    # a user cleared PUBLIC cannot mark a run UK-FR, and does not see one
    partner = api.headers("partner")
    assert_error(api.client.post("/api/sar/drifts", json=REQUEST, headers=partner), 403, "forbidden")
    run = api.client.post("/api/sar/drifts", json=REQUEST, headers=api.headers()).json()
    assert_error(api.client.get(f"/api/sar/drifts/{run['id']}", headers=partner), 404, "not_found")
    assert api.client.get("/api/sar/drifts", headers=partner).json() == []
    assert api.client.get(f"/api/sar/drifts/{run['id']}", headers=api.headers("auditor")).status_code == 200


def test_refused_runs_say_why(api: Api) -> None:
    headers = api.headers()
    on_land = {**REQUEST, "lat": 51.2, "lon": 1.0}
    resp = api.client.post("/api/sar/drifts", json=on_land, headers=headers)
    assert_error(resp, 422, "drift_refused")
    assert "on land" in resp.json()["error"]["message"]
    outside = {**REQUEST, "lat": 50.2, "lon": -1.0}
    resp = api.client.post("/api/sar/drifts", json=outside, headers=headers)
    assert_error(resp, 422, "drift_refused")
    assert "--currents" in resp.json()["error"]["message"]
    escape = {**REQUEST, "wind": None, "wind_source": "../../etc/passwd"}
    assert_error(api.client.post("/api/sar/drifts", json=escape, headers=headers), 422, "validation_error")
    assert_error(api.client.post("/api/sar/drifts", json={**REQUEST, "hours": 0}, headers=headers), 422,
                 "validation_error")  # fmt: skip
    assert api.client.get("/api/sar/drifts", headers=headers).json() == []


def test_info_lists_objects_and_limits(api: Api) -> None:
    info = api.client.get("/api/sar/info", headers=api.headers()).json()
    assert {o["object"] for o in info["objects"]} >= {"inflatable", "piw", "liferaft"}
    assert "not an ocean model" in info["tidal_limits"]


def test_a_run_does_not_block_the_event_loop(api: Api) -> None:
    """While a run computes in its worker thread, the event loop keeps answering."""
    from watchkeeper.api.routes import sar

    loop_ticks: list[float] = []
    slow = {**REQUEST, "particles": 2000, "hours": 6, "search": None}
    headers = api.headers()
    done = threading.Event()

    def post() -> None:
        api.client.post("/api/sar/drifts", json=slow, headers=headers)
        done.set()

    async def tick() -> None:
        while not done.is_set():
            loop_ticks.append(time.perf_counter())
            await asyncio.sleep(0.05)

    sar._warm_up()
    thread = threading.Thread(target=post)
    thread.start()
    # the TestClient's portal runs the app's event loop in another thread: schedule ticks on it
    api.client.portal.call(tick)  # type: ignore[union-attr]
    thread.join(timeout=120)
    gaps = [b - a for a, b in itertools.pairwise(loop_ticks)]
    assert len(loop_ticks) > 5, "the run finished too fast to tell"
    # a run on the event loop would stall it for the whole run: one gap as long as the run; in a worker
    # thread the loop keeps ticking (gaps stay a small part of the run, however loaded the machine is)
    run_s = loop_ticks[-1] - loop_ticks[0]
    assert max(gaps) < 0.5 * run_s, (max(gaps), run_s)


@pytest.mark.postgres
def test_drift_runs_store_on_postgresql(pg_url: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from watchkeeper.sar.models import DriftRun
    from watchkeeper.store.db import make_engine, upgrade

    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        now = datetime(2026, 9, 30, 2, tzinfo=UTC)
        with Session(engine) as session, session.begin():
            row = DriftRun(created_at=now, created_by="officer", incident_id=None, marking="UK-ONLY",
                           object_type="piw", lat=51.0, lon=1.5, start_time=now, hours=1, particles=10,
                           current_model="c", wind_model="w", compute_s=0.1, request={}, geojson={"a": 1},
                           grids=[], plan=None)  # fmt: skip
            session.add(row)
        with Session(engine) as session:
            row = session.scalars(select(DriftRun)).one()
            assert row.start_time == now and row.geojson == {"a": 1}
    finally:
        engine.dispose()
