"""Alembic migrations run up and down on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from watchkeeper.store.db import downgrade, make_engine, upgrade

FOUNDATION_TABLES = {"users", "audit_log", "rejects", "vessels", "positions"}


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert tables >= FOUNDATION_TABLES
        downgrade(engine, "base")
        assert not (FOUNDATION_TABLES & set(inspect(engine).get_table_names()))
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= FOUNDATION_TABLES
    finally:
        engine.dispose()


def test_migrations_up_down_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_migrations_up_down_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)
