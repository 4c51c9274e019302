"""API fixtures: a runtime on the migrated temp SQLite store, a movable wall clock, users, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import FAST_HASHER, PASSWORD, WALL_START, Api
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from watchkeeper.api import Runtime, create_app
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="test-secret-" + "x" * 40, token_ttl_s=3600)


@pytest.fixture
def api(engine: Engine, settings: Settings) -> Iterator[Api]:
    clock = FixedClock(WALL_START)
    runtime = Runtime(settings, engine=engine, wall_clock=clock, password_hasher=FAST_HASHER)
    runtime.users.add("officer", PASSWORD, ("watch_officer",), "UK-ONLY", WALL_START)
    runtime.users.add("auditor", PASSWORD, ("auditor",), "UK-FR", WALL_START)
    with TestClient(create_app(settings, runtime)) as client:
        yield Api(runtime, client, clock)
