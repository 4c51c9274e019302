from __future__ import annotations

import pytest
from assets_helpers import WALL
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine

from watchkeeper.assets.recommend import Recommender
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.assets.service import shared_recommender
from watchkeeper.core.clock import FixedClock
from watchkeeper.geo.land import land_utm


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
