"""Sharing fixtures: a runtime on the migrated temp SQLite store, a movable wall clock, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sharing_helpers import FAST_HASHER, WALL_START, Api
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
    with TestClient(create_app(settings, runtime)) as client:
        a = Api(runtime, client, clock, {})
        a.add_user("officer", ("watch_officer",), "UK-ONLY")
        a.add_user("analyst", ("analyst",), "UK-ONLY")
        a.add_user("liaison", ("partner_liaison",), "UK-FR")
        a.add_user("auditor", ("auditor",), "UK-ONLY")
        a.add_user("public_officer", ("watch_officer",), "PUBLIC")
        yield a
