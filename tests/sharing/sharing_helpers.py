"""Helpers for the sharing tests (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from PIL import Image

from watchkeeper.api import Runtime
from watchkeeper.core.clock import FixedClock

WALL_START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Api:
    runtime: Runtime
    client: TestClient
    clock: FixedClock
    _tokens: dict[str, str]

    def add_user(self, name: str, roles: tuple[str, ...], clearance: str) -> str:
        self.runtime.users.add(name, PASSWORD, roles, clearance, WALL_START, replace=True)
        self._tokens.pop(name, None)
        return name

    def token(self, name: str) -> str:
        if name not in self._tokens:
            resp = self.client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
            assert resp.status_code == 200, resp.text
            self._tokens[name] = resp.json()["access_token"]
        return self._tokens[name]

    def h(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(name)}"}

    def report(self, name: str, **fields: Any) -> Any:
        body = {"time": "2026-11-26T05:40:00Z", "lat": 50.95, "lon": 1.62, **fields}
        return self.client.post("/api/reports", json=body, headers=self.h(name))

    def release(
        self,
        name: str,
        object_type: str,
        object_id: str,
        marking: str,
        reason: str = "agreed with CROSS Gris-Nez",
    ) -> Any:
        body = {"object_type": object_type, "object_id": object_id, "marking": marking, "reason": reason}
        return self.client.post("/api/sharing/releases", json=body, headers=self.h(name))


def photo_b64(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> str:
    img = Image.new("RGB", size, (20, 40, 90))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return base64.b64encode(buf.getvalue()).decode()


def assert_error(resp: Any, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"]


def run_async(coro: Any) -> Any:
    """``asyncio.run(coro)`` in a thread of its own: the browser tests' Playwright (sync API) keeps an
    event loop running in the main thread for the whole session, and asyncio.run refuses to nest."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def add_incident(engine: Any, incident_id: str, marking: str = "UK-ONLY") -> str:
    """An incident in the store (desk messages attach to incidents the user may see: with the incidents
    registered as a releasable type, an id that is no incident is refused like a hidden one)."""
    from sqlalchemy.orm import Session

    from watchkeeper.incidents.models import IncidentRow

    with Session(engine) as session, session.begin():
        session.add(
            IncidentRow(
                incident_id=incident_id, opened_time=WALL_START, updated_time=WALL_START, state="detected",
                persons_estimate=40, severity="info", severity_rank=0, lat=50.95, lon=1.6, track_ids=[],
                marking=marking, simulated=True, source="observer",
            )
        )  # fmt: skip
    return incident_id
