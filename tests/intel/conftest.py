"""Intel fixtures: the services on the migrated temp SQLite store, a fixed wall clock."""

from __future__ import annotations

import pytest
from intel_helpers import WALL
from sqlalchemy import Engine

from watchkeeper.core.clock import FixedClock
from watchkeeper.intel.cases import CaseService
from watchkeeper.intel.service import IntelService
from watchkeeper.store.audit import AuditWriter


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WALL)


@pytest.fixture
def audit(engine: Engine, clock: FixedClock) -> AuditWriter:
    return AuditWriter(engine, clock)


@pytest.fixture
def intel(engine: Engine, audit: AuditWriter, clock: FixedClock) -> IntelService:
    return IntelService(engine, audit, clock)


@pytest.fixture
def cases(engine: Engine, audit: AuditWriter, clock: FixedClock) -> CaseService:
    return CaseService(engine, audit, clock)
