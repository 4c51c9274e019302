"""Migration 0009 (drift runs) up and down on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from watchkeeper.store.db import downgrade, make_engine, upgrade


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "sar_drift_runs" in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("sar_drift_runs")}
        assert {"incident_id", "marking", "geojson", "grids", "plan", "request"} <= columns
        downgrade(engine, "0002_stats_weather")
        assert "sar_drift_runs" not in inspect(engine).get_table_names()
        assert "crossings_daily" in inspect(engine).get_table_names()  # only ours went
        upgrade(engine)
        assert "sar_drift_runs" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)
