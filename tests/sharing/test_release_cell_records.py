"""Releases of the cell's records (incident, alert, track, asset, drift run) through the running service.

The release rule is the same for every type (a releasing role, a reason, cleared for both markings;
an append-only ``releases`` row and an audit row) and each record's detail lists its releases. The live
test drives the real alerts worker (``alerts.worker.AlertService``, on the runtime's in-process bus) with
``track.update`` messages of two boats that stop at sea, releases one incident and its track through the
API half-way, and checks that the worker's book applied the release exactly as a replay given the same
releases does, that the store agrees, and what the French liaison's live feed received.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sharing_helpers import Api
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.watch import Watch
from watchkeeper.assets.model import Asset, AssetKind
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.core.marking import Marking, due
from watchkeeper.sar.models import DriftRun
from watchkeeper.sharing.store import ReleaseStore
from watchkeeper.store.models import AuditEvent
from watchkeeper.tracking.history import TrackHistory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "alerts"))
from alert_helpers import EPOCH, PERIOD, Mover, scan_at

BOATS = {
    1: Mover.at(50.97, 1.60, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)]),  # incident at 60 s, distress later
    2: Mover.at(50.90, 1.45, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)]),
}
RELEASE_AFTER_S = 100.0
END_S = 300.0


def _scan_body(t: float, released_track: bool) -> dict[str, Any]:
    marking = {1: "UK-FR" if released_track else "UK-ONLY", 2: "UK-ONLY"}
    scan = scan_at(t, BOATS, marking)
    rows = [
        {"track_id": int(scan.track_id[i]), "lat": float(scan.lat[i]), "lon": float(scan.lon[i]),
         "sog_kn": float(scan.sog_kn[i]), "cog_deg": float(scan.cog_deg[i]), "mmsi": None, "dark": True,
         "marking": marking[int(scan.track_id[i])]}
        for i in range(len(scan.track_id))
    ]  # fmt: skip
    stamp = (EPOCH + timedelta(seconds=t)).isoformat().replace("+00:00", "Z")
    return {"kind": "tracks", "time": stamp, "marking": "UK-ONLY", "tracks": rows, "ais": [], "field": []}


def _track_points(api: Api, body: dict[str, Any]) -> None:
    """The tracker's history rows for a scan (the test stands in for the tracker worker: no radars)."""
    at = datetime.fromisoformat(body["time"].replace("Z", "+00:00"))
    rows = [
        {"track_id": r["track_id"], "time": at, "lat": r["lat"], "lon": r["lon"], "sog_kn": r["sog_kn"],
         "cog_deg": r["cog_deg"], "mmsi": None, "name": None, "dark": True, "p_steady": 0.9,
         "position_sigma_m": 30.0, "simulated": True, "marking": r["marking"]}
        for r in body["tracks"]
    ]  # fmt: skip
    TrackHistory(api.runtime.engine).write_rows(rows)


def _publish(api: Api, body: dict[str, Any]) -> None:
    service = api.runtime.alerts
    before = service.steps
    _track_points(api, body)
    api.client.portal.call(api.runtime.bus.publish, "track.update", json.dumps(body).encode())  # type: ignore[union-attr]
    deadline = time.monotonic() + 20.0
    while service.steps == before:
        assert time.monotonic() < deadline, "the alerts worker did not take the scan"
        time.sleep(0.005)


def _drain(api: Api, client: Any) -> list[dict[str, Any]]:
    async def take() -> list[bytes]:
        out = []
        while not client.queue.empty():
            out.append(client.queue.get_nowait())
        return out

    return [json.loads(b) for b in api.client.portal.call(take)]  # type: ignore[union-attr]


def _wait_for_worker(api: Api) -> None:
    deadline = time.monotonic() + 20.0
    while api.runtime.alerts is None:
        assert time.monotonic() < deadline, "no alerts worker"
        time.sleep(0.01)


def test_live_worker_applies_a_release_as_a_replay_does_and_the_liaison_sees_it(api: Api) -> None:
    _wait_for_worker(api)
    liaison = api.runtime.live.connect("liaison", "UK-FR")
    t = 0.0
    while t <= RELEASE_AFTER_S:
        _publish(api, _scan_body(t, released_track=False))
        t += PERIOD
    book = api.runtime.alerts.watch.book
    released_id, other_id = book.by_track[1], book.by_track[2]
    assert _drain(api, liaison) == []  # everything so far is UK-ONLY

    # the officer releases incident and track 1 to the French liaison; a liaison may not release
    assert api.release("liaison", "incident", released_id, "UK-FR").status_code == 403
    assert api.release("officer", "incident", released_id, "UK-FR", reason="short").status_code == 422
    assert api.release("officer", "incident", "INC-NONE", "UK-FR").status_code == 404
    resp = api.release("officer", "incident", released_id, "UK-FR")
    assert resp.status_code == 201, resp.text
    assert resp.json()["event_time"] == "2026-10-05T02:01:00Z"  # its last entry in event time: opened
    assert api.release("officer", "track", "1", "UK-FR").status_code == 201
    detail = api.client.get(f"/api/incidents/{released_id}", headers=api.h("liaison"))
    assert detail.status_code == 200 and detail.json()["marking"] == "UK-FR"
    assert detail.json()["released"] == "UK-FR"
    assert api.client.get(f"/api/incidents/{other_id}", headers=api.h("liaison")).status_code == 404
    history = api.client.get("/api/tracks/1/history", headers=api.h("liaison"))
    assert history.status_code == 200 and {p["marking"] for p in history.json()["points"]} == {"UK-FR"}
    assert api.client.get("/api/tracks/2/history", headers=api.h("liaison")).status_code == 404
    officer_view = api.client.get(f"/api/incidents/{released_id}", headers=api.h("officer")).json()
    assert [r["to_marking"] for r in officer_view["releases"]] == ["UK-FR"]
    assert [e["kind"] for e in officer_view["timeline"]].count("release") == 1

    while t <= END_S:
        _publish(api, _scan_body(t, released_track=True))
        t += PERIOD

    # the worker's book applied the release at the first scan after its event time, like a replay
    replay = Watch()
    pending = [r.to_released() for r in ReleaseStore(api.runtime.engine).since(0, ("incident", "alert"))]
    k = 0
    while k * PERIOD <= END_S:
        body = _scan_body(k * PERIOD, released_track=k * PERIOD > RELEASE_AFTER_S)
        scan = TrackScan.from_rows(EPOCH + timedelta(seconds=k * PERIOD), body["tracks"])
        now, pending = due(pending, scan.time)
        replay.step(scan, (), (), now)
        k += 1
    live = api.runtime.alerts.watch.book
    for iid in (released_id, other_id):
        a, b = live.incidents[iid], replay.book.incidents[iid]
        assert (a.marking, a.released) == (b.marking, b.released)
        seen = [(e.time, e.kind, e.text) for e in a.timeline]
        assert seen == [(e.time, e.kind, e.text) for e in b.timeline]
    assert live.incidents[released_id].marking is Marking.UK_FR  # the UK-FR distress alert kept it released
    assert live.incidents[other_id].marking is Marking.UK_ONLY
    stored = api.runtime.sharing.marking_of
    assert stored("incident", released_id) == "UK-FR" and stored("incident", other_id) == "UK-ONLY"

    # the liaison's live feed: the released incident's update and its UK-FR alert, nothing of boat 2
    got = _drain(api, liaison)
    incidents = {m["incident"]["incident_id"] for m in got if m.get("kind") == "incident"}
    alerts = {m["alert"]["track_id"] for m in got if m.get("kind") == "alert"}
    assert incidents == {released_id} and alerts == {1}
    assert all(m["marking"] in ("UK-FR", "PUBLIC") for m in got)
    api.runtime.live.disconnect(liaison)

    # one audit row per release, with its id; the releases table is append-only
    with Session(api.runtime.engine) as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "release")).all()
        assert {(r.object_type, r.object_id) for r in rows} == {("incident", released_id), ("track", "1")}
        assert all(isinstance(r.detail, dict) and r.detail["release_id"] for r in rows)
    try:
        with api.runtime.engine.begin() as conn:
            conn.execute(text("UPDATE releases SET to_marking = 'PUBLIC'"))
        raise AssertionError("a release was changed")
    except DBAPIError:
        pass


def test_assets_drift_runs_and_alerts_are_released_by_the_same_rule(api: Api) -> None:
    registry = AssetRegistry(api.runtime.engine, api.clock)
    registry.seed([
        Asset("UK-CUT-1", AssetKind.SEA, 51.0, 1.4, 20, 24, 60, marking=Marking.UK_ONLY),
        Asset("UK-CUT-2", AssetKind.SEA, 51.0, 1.3, 20, 24, 60, marking=Marking.UK_ONLY),
    ])  # fmt: skip
    now = api.clock.now()
    with Session(api.runtime.engine) as session, session.begin():
        runs = []
        for _ in range(2):
            row = DriftRun(
                created_at=now, created_by="officer", incident_id=None, marking="UK-ONLY", object_type="piw",
                lat=51.0, lon=1.5, start_time=now, hours=1, particles=10, current_model="tidal",
                wind_model="constant", compute_s=0.1, request={},
                geojson={"type": "FeatureCollection", "features": []}, grids=[], plan=None,
            )  # fmt: skip
            session.add(row)
            session.flush()
            runs.append(row.id)
    assert api.release("analyst", "asset", "UK-CUT-1", "UK-FR").status_code == 201
    assert api.release("officer", "drift_run", str(runs[0]), "UK-FR").status_code == 201
    assert api.release("public_officer", "asset", "UK-CUT-2", "UK-FR").status_code == 404  # not cleared
    h = api.h("liaison")
    asset = api.client.get("/api/assets/UK-CUT-1", headers=h)
    assert asset.status_code == 200 and asset.json()["marking"] == "UK-FR"
    assert api.client.get("/api/assets/UK-CUT-2", headers=h).status_code == 404
    run = api.client.get(f"/api/sar/drifts/{runs[0]}", headers=h)
    assert run.status_code == 200 and run.json()["marking"] == "UK-FR"
    assert api.client.get(f"/api/sar/drifts/{runs[1]}", headers=h).status_code == 404
    officer = api.client.get("/api/assets/UK-CUT-1", headers=api.h("officer")).json()
    assert [(r["from_marking"], r["to_marking"], r["actor"]) for r in officer["releases"]] == [
        ("UK-ONLY", "UK-FR", "analyst")
    ]
    partner = api.client.get("/api/partner/records", headers=h).json()["records"]
    assert [a["id"] for a in partner["asset"]] == ["UK-CUT-1"]
    assert [r["id"] for r in partner["drift_run"]] == [runs[0]]
    record_types = api.client.get("/api/sharing/markings", headers=h).json()["record_types"]
    assert {"incident", "alert", "track", "asset", "drift_run"} <= set(record_types)
