"""Helpers shared by the API tests (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from watchkeeper.api import Runtime
from watchkeeper.core.clock import FixedClock

WALL_START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
# argon2id at low cost (time 1, 1 MiB) keeps the tests fast; the product uses argon2-cffi's defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Api:
    runtime: Runtime
    client: TestClient
    clock: FixedClock

    def login(self, username: str = "officer", password: str = PASSWORD) -> dict[str, Any]:
        resp = self.client.post("/api/auth/login", json={"username": username, "password": password})
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    def headers(self, username: str = "officer") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(username)['access_token']}"}


def assert_error(resp: Any, status: int, code: str) -> None:
    """The one error shape of the API."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
