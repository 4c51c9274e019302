"""Migration 0007 up and down on SQLite and PostgreSQL; append-only tables; models match the migration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from watchkeeper.intel import models as intel_models
from watchkeeper.store.db import downgrade, make_engine, upgrade
from watchkeeper.store.models import Base

INTEL_TABLES = {t for t in Base.metadata.tables if t.startswith(("intel_", "investigation", "evidence_"))}


def _seed_append_only_rows(engine: Engine) -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO intel_sources (reference, handler, kind, identity, created_at) "
                "VALUES ('SRC-1', 'h', 'human', 'x', :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO intel_reports (reference, title, body, grading_system, source_grade,"
                " information_grade,"
                " handling_code, source_id, marking, recorded_by, recorded_at)"
                " VALUES ('IR-1', 't', 'b', '3x5x2', '1', 'A', 'P', 1, 'UK-ONLY', 'h', :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO intel_releases (report_id, from_marking, to_marking, handling_code,"
                " released_by, time) VALUES (1, 'UK-ONLY', 'UK-FR', 'P', 'h', :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO evidence_packages (package_id, incident_ref, scope, item_count, head_sha256,"
                " manifest_sha256, file_sha256, key_fingerprint, simulated, marking, exported_by, created_at)"
                " VALUES ('p1', 'INC-1', '{}', 0, 'h', 'm', 'f', 'k', false, 'UK-ONLY', 'a', :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO evidence_continuity (package_id, time, actor, action, file_sha256)"
                " VALUES ('p1', :t, 'a', 'exported', 'f')"
            ),
            {"t": now},
        )


def _check_append_only(engine: Engine) -> None:
    _seed_append_only_rows(engine)
    for table, column in [
        ("intel_releases", "released_by"),
        ("evidence_packages", "head_sha256"),
        ("evidence_continuity", "actor"),
    ]:
        for sql in (f"UPDATE {table} SET {column} = 'forged'", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
                conn.execute(text(sql))
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1
    if engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE evidence_continuity"))
    # the other intel tables are ordinary: a report is re-marked when released
    with engine.begin() as conn:
        conn.execute(text("UPDATE intel_reports SET marking = 'UK-FR'"))


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= INTEL_TABLES
        _check_append_only(engine)
        downgrade(engine, "0002_stats_weather")
        assert not INTEL_TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)  # and up again (the PostgreSQL function was dropped with the tables)
        assert set(inspect(engine).get_table_names()) >= INTEL_TABLES
        _check_append_only(engine)
        downgrade(engine, "base")
        upgrade(engine)
    finally:
        engine.dispose()


def test_intel_migration_up_down_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_intel_migration_up_down_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)


def _intel_diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    def mine(d: object) -> bool:
        text_ = repr(d)
        return any(t in text_ for t in INTEL_TABLES)

    return [d for d in diffs if mine(d)]


def test_models_match_the_migration_sqlite(engine: Engine) -> None:
    assert intel_models.APPEND_ONLY_TABLES
    assert len(INTEL_TABLES) == 15
    assert _intel_diffs(engine) == []


@pytest.mark.postgres
def test_models_match_the_migration_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        assert _intel_diffs(engine) == []
    finally:
        engine.dispose()
