"""An observer's report through the running service becomes part of an incident on the page's API.

The shared SIMULATED scenario's radar rows go in through the radar ingestor (input log, bus, the tracker
and alerts workers on the in-process bus), as live; an observer posts two reports through the JSON
report API: one beside a young small-craft track (it opens that track's incident, source ``observer``,
with the persons seen and the most restrictive marking), one far from any contact (an incident of its
own, released to UK-FR as the observer marked it). Both appear in the incidents' timelines on
``/api/incidents/{id}``; the French liaison sees the second and not the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from watchkeeper.api import Runtime, create_app
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.settings import Settings
from watchkeeper.geo.frames import to_utm, to_wgs84
from watchkeeper.ingest.radar.scenario import parse_utc

WALL_START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def service(engine: Engine, tmp_path: Path, scenarios_dir: Path) -> Iterator[tuple[Runtime, TestClient]]:
    scenario = scenarios_dir / "strait-night-small"
    settings = Settings(
        data_dir=tmp_path,
        secret_key="test-secret-" + "x" * 40,
        token_ttl_s=3600,
        radars_file=scenario / "sensors.json",
    )
    runtime = Runtime(settings, engine=engine, wall_clock=FixedClock(WALL_START), password_hasher=FAST_HASHER)
    runtime.users.add("observer", PASSWORD, ("watch_officer",), "UK-ONLY", WALL_START)
    runtime.users.add("liaison", PASSWORD, ("partner_liaison",), "UK-FR", WALL_START)
    with TestClient(create_app(settings, runtime)) as client:
        yield runtime, client


def _headers(client: TestClient, name: str) -> dict[str, str]:
    resp = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _rows(scenarios_dir: Path) -> list[tuple[datetime, bytes]]:
    rows = (scenarios_dir / "strait-night-small" / "plots.csv").read_bytes().splitlines()[1:]
    return [(parse_utc(r.split(b",", 1)[0].decode()), r) for r in rows]


def _feed(runtime: Runtime, client: TestClient, rows: list[tuple[datetime, bytes]]) -> None:
    """Radar rows in one-second bursts on the app's own event loop, then let every worker run dry."""
    portal = client.portal
    assert portal is not None and runtime.radar is not None
    burst: list[bytes] = []
    start = rows[0][0]
    for t, raw in rows:
        if (t - start).total_seconds() > 1.0:
            portal.call(runtime.radar.ingest_rows, "file:plots.csv", burst, WALL_START)
            burst, start = [], t
        burst.append(raw)
    if burst:
        portal.call(runtime.radar.ingest_rows, "file:plots.csv", burst, WALL_START)
    for _ in range(3):
        portal.call(runtime.bus.drain)  # type: ignore[attr-defined]


def _small_craft(scan: dict[str, Any]) -> dict[str, Any]:
    boats = [t for t in scan["tracks"] if t.get("dark") and float(t["sog_kn"]) < 15.0]
    assert boats, "no small craft in the first half minute: nothing to report"
    return min(boats, key=lambda t: int(t["track_id"]))


def _report(client: TestClient, h: dict[str, str], **body: Any) -> dict[str, Any]:
    resp = client.post("/api/reports", json=body, headers=h)
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


def test_observer_reports_become_incident_observations(
    service: tuple[Runtime, TestClient], scenarios_dir: Path
) -> None:
    runtime, client = service
    rows = _rows(scenarios_dir)
    t0 = rows[0][0]
    _feed(runtime, client, [r for r in rows if r[0] < t0 + timedelta(seconds=30)])
    scan = runtime.latest_tracks
    assert scan is not None
    boat = _small_craft(scan)
    scan_time = datetime.fromisoformat(scan["time"].replace("Z", "+00:00"))
    seen_at = scan_time + timedelta(seconds=1)  # in the next scan's window, not yet released
    x, y = to_utm(float(boat["lon"]), float(boat["lat"]))
    near_lon, near_lat = to_wgs84(float(x) + 80.0, float(y))
    far_lon, far_lat = to_wgs84(float(x) - 12_000.0, float(y) + 9_000.0)
    h = _headers(client, "observer")
    iso = seen_at.isoformat().replace("+00:00", "Z")
    near = _report(client, h, time=iso, lat=float(near_lat), lon=float(near_lon), persons=47,
                   boat_type="inflatable", marking="UK-FR", text="dinghy low in the water")  # fmt: skip
    far = _report(client, h, time=iso, lat=float(far_lat), lon=float(far_lon), persons=9, marking="UK-FR")
    _feed(
        runtime, client, [r for r in rows if t0 + timedelta(seconds=30) <= r[0] < t0 + timedelta(seconds=45)]
    )

    listed = client.get("/api/incidents", headers=h)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    incidents = body["incidents"] if isinstance(body, dict) else body
    by_track = [i for i in incidents if int(boat["track_id"]) in i["track_ids"]]
    assert len(by_track) == 1, incidents
    on_track = client.get(f"/api/incidents/{by_track[0]['incident_id']}", headers=h).json()
    assert on_track["source"] == "observer"  # the report opened it: the track was too young for its own
    assert on_track["persons_estimate"] == 47
    assert on_track["marking"] == "UK-ONLY"  # the track's UK-ONLY over the report's UK-FR
    obs = [e for e in on_track["timeline"] if e["kind"] == "observation"]
    assert [e["detail"]["obs_id"] for e in obs] == [f"report:{near['id']}"]
    assert obs[0]["detail"]["track_id"] == int(boat["track_id"])
    assert 40.0 < obs[0]["detail"]["distance_m"] < 200.0
    assert "dinghy low in the water" in obs[0]["text"]

    alone = [i for i in incidents if not i["track_ids"]]
    assert len(alone) == 1, incidents
    own = client.get(f"/api/incidents/{alone[0]['incident_id']}", headers=h).json()
    assert own["source"] == "observer" and own["persons_estimate"] == 9 and own["marking"] == "UK-FR"
    assert np.isclose(own["lat"], far_lat, atol=1e-5) and np.isclose(own["lon"], far_lon, atol=1e-5)
    assert [e["detail"]["obs_id"] for e in own["timeline"] if e["kind"] == "observation"] == [
        f"report:{far['id']}"
    ]

    partner = _headers(client, "liaison")
    assert client.get(f"/api/incidents/{alone[0]['incident_id']}", headers=partner).status_code == 200
    assert client.get(f"/api/incidents/{by_track[0]['incident_id']}", headers=partner).status_code == 404
