"""The service end to end: CoT listeners and TAK out configured by settings start with the app; a drone's
CoT sent over UDP comes out of the API and the live hub; a released vessel goes out to TAK."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sharing_helpers import FAST_HASHER, PASSWORD, WALL_START
from sqlalchemy import Engine

from watchkeeper.api import Runtime, create_app
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.settings import Settings
from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.sharing.tak import TakPublisher
from watchkeeper.sharing.wiring import SharingSettings, install_sharing

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest" / "cot"))
from cot_helpers import make_event, xml_bytes


def _free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cot_over_udp_reaches_the_api_and_a_released_vessel_reaches_tak(
    engine: Engine, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-" + "x" * 40)
    runtime = Runtime(settings, engine=engine, wall_clock=FixedClock(WALL_START), password_hasher=FAST_HASHER)
    runtime.users.add("officer", PASSWORD, ("watch_officer",), "UK-ONLY", WALL_START)
    cot_port = _free_port(socket.SOCK_DGRAM)
    tak_sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tak_sink.bind(("127.0.0.1", 0))
    tak_sink.settimeout(10.0)
    sharing = SharingSettings(
        cot_host="127.0.0.1",
        cot_udp_port=cot_port,
        cot_marking="UK-FR",
        tak_destinations=[
            {"name": "fr", "url": f"udp://127.0.0.1:{tak_sink.getsockname()[1]}", "clearance": "UK-FR"}
        ],
        tak_interval_s=0.5,
    )
    publisher = install_sharing(runtime, sharing)
    assert isinstance(publisher, TakPublisher)
    try:
        with TestClient(create_app(settings, runtime)) as client:
            token = client.post("/api/auth/login", json={"username": "officer", "password": PASSWORD}).json()
            h = {"Authorization": f"Bearer {token['access_token']}"}
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
                tx.sendto(
                    xml_bytes(make_event(uid="DJI-9", cot_type="a-u-S", remarks="30 persons")),
                    ("127.0.0.1", cot_port),
                )
            deadline = time.monotonic() + 15
            found: list[dict[str, object]] = []
            while time.monotonic() < deadline and not found:
                found = client.get("/api/observations", headers=h).json()["observations"]
                time.sleep(0.1)
            assert [(o["sensor_uid"], o["kind"], o["persons"], o["marking"]) for o in found] == [
                ("DJI-9", "boat", 30, "UK-FR")
            ]
            # a vessel released to UK-FR goes out to the UK-FR TAK destination
            t = WALL_START
            runtime.picture.apply(AisReport(235000001, 1, t, TimeSource.SENSOR, "sim", 51.0, 1.5, 3.0, 300.0))
            body = {
                "object_type": "vessel",
                "object_id": "235000001",
                "marking": "UK-FR",
                "reason": "agreed with CROSS",
            }
            assert client.post("/api/sharing/releases", json=body, headers=h).status_code == 201
            data, _ = tak_sink.recvfrom(65536)
            assert b'uid="watchkeeper.vessel.235000001"' in data and b'access="UK-FR"' in data
    finally:
        tak_sink.close()
