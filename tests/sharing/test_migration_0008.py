"""Migration 0008 up and down on SQLite and the real PostgreSQL: tables, and the append-only triggers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from watchkeeper.store.db import downgrade, make_engine, upgrade

TABLES = {"field_observations", "observer_reports", "attachments", "releases", "desk_messages"}
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC).replace(tzinfo=None)


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine, "0008")
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO audit_log (time, actor, action) VALUES (:t, 'a', 'read')"), {"t": NOW}
            )
            conn.execute(
                text(
                    "INSERT INTO releases (object_type, object_id, from_marking, to_marking, actor, reason, "
                    "time) "
                    "VALUES ('report', '1', 'UK-ONLY', 'UK-FR', 'a', 'agreed with the CROSS', :t)"
                ),
                {"t": NOW},
            )
        for statement in (
            "UPDATE audit_log SET actor = 'b'",
            "DELETE FROM audit_log",
            "UPDATE releases SET to_marking = 'PUBLIC'",
            "DELETE FROM releases",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        downgrade(engine, "0002_stats_weather")
        assert not (TABLES & set(inspect(engine).get_table_names()))
        with (
            engine.begin() as conn
        ):  # the triggers went with the migration: the foundation table is as it was
            conn.execute(text("DELETE FROM audit_log"))
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(engine, "base")
        assert not (TABLES & set(inspect(engine).get_table_names()))
    finally:
        engine.dispose()


def test_0008_up_down_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_0008_up_down_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)
