from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine

from watchkeeper.assets.recommend import Recommender
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.assets.service import shared_recommender
from watchkeeper.core.clock import FixedClock
from watchkeeper.geo.land import land_utm

WALL = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the room's clock (audit, recorded_at)
EVENT = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # the picture's clock (event time)


@pytest.fixture(scope="session")
def land() -> BaseGeometry:
    return land_utm()


@pytest.fixture(scope="session")
def recommender() -> Recommender:
    return shared_recommender()


@pytest.fixture
def wall_clock() -> FixedClock:
    return FixedClock(WALL)


@pytest.fixture
def registry(engine: Engine, wall_clock: FixedClock) -> AssetRegistry:
    return AssetRegistry(engine, wall_clock)
