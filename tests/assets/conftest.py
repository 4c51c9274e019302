from __future__ import annotations

import pytest
from shapely.geometry.base import BaseGeometry

from watchkeeper.assets.recommend import Recommender
from watchkeeper.geo.land import land_utm


@pytest.fixture(scope="session")
def land() -> BaseGeometry:
    return land_utm()


@pytest.fixture(scope="session")
def recommender(land: BaseGeometry) -> Recommender:
    return Recommender(land)
