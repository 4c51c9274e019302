"""Fixtures for the simulator tests: one small SIMULATED scenario written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_helpers import config

from watchkeeper.sim.scenario import write_scenario


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "scenario"
    write_scenario(out, config())
    return out
