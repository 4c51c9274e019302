"""Drift test fixtures (helpers are in ``sar_helpers``)."""

from __future__ import annotations

import pytest
from sar_helpers import quick_run

from watchkeeper.sar.drift import DriftResult
from watchkeeper.sar.objects import ObjectType


@pytest.fixture(scope="session")
def tidal_run() -> DriftResult:
    """One 6-hour inflatable run on the tidal approximation with a moderate south-westerly."""
    return quick_run(object_type=ObjectType.INFLATABLE, hours=6, particles=600, wind_const=(8.0, 225.0),
                     current_const=None)  # fmt: skip
