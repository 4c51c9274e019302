"""Alembic migrations up and down, one revision at a time, on SQLite and on the real PostgreSQL server.

For every revision: what it adds is what ``revisions_say`` says it does (tables; columns, indexes and triggers
on tables that were there before; functions and extensions on PostgreSQL), stepping down one revision and
up again gives exactly the schema of a straight upgrade (inspector output, triggers, functions,
extensions), and rows written before an upgrade are there, unchanged, after it. A revision added to the
chain without its entry in ``revisions_say`` fails ``test_every_revision_is_described``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from schema_snapshot import Change, Schema, change, snapshot
from sqlalchemy import Engine, create_engine, inspect, text

from watchkeeper.core.errors import ConfigError
from watchkeeper.store.db import alembic_config, downgrade, make_engine, upgrade
from watchkeeper.store.spatial import ensure_extension

FOUNDATION_TABLES = {"users", "audit_log", "rejects", "vessels", "positions"}
T = datetime(2026, 11, 25, 6, 0, tzinfo=UTC).replace(tzinfo=None)

_INTEL_APPEND_ONLY = ("intel_releases", "evidence_packages", "evidence_continuity")


def _triggers(dialect: str, tables: tuple[str, ...], prefix: str = "trg_") -> frozenset[str]:
    if dialect == "postgresql":
        return frozenset(f"{t}.{prefix}{t}_append_only" for t in tables)
    return frozenset(f"{t}.{prefix}{t}_no_{e}" for t in tables for e in ("update", "delete"))


def revisions_say(revision: str, dialect: str) -> Change:
    """What each migration file says it does, on ``dialect``."""
    pg = dialect == "postgresql"
    f = frozenset
    if revision == "0001_foundation":
        return Change(tables=f(FOUNDATION_TABLES))
    if revision == "0002_stats_weather":
        return Change(tables=f({"crossings_daily", "crossings_weekly", "crossings_quarterly"}))
    if revision == "0004":
        return Change(tables=f({"track_points"}))
    if revision == "0005":
        return Change(tables=f({"alerts", "incident_timeline", "incidents"}))
    if revision == "0006":
        return Change(tables=f({"asset_events", "assets", "taskings"}))
    if revision == "0007":
        tables = {"intel_sources", "intel_entities", "intel_identifiers", "intel_reports"}
        tables |= {"intel_report_refs", "intel_releases", "intel_links", "intel_link_reports"}
        tables |= {"investigations"}
        tables |= {"investigation_items", "intel_arrests", "intel_charges", "intel_court_outcomes"}
        tables |= {"evidence_packages", "evidence_continuity"}
        triggers = _triggers(dialect, _INTEL_APPEND_ONLY)
        if pg:
            triggers |= {f"{t}.trg_{t}_no_truncate" for t in _INTEL_APPEND_ONLY}
        return Change(tables=f(tables), triggers=triggers, functions=f({"intel_append_only"} if pg else ()))
    if revision == "0008":
        return Change(
            tables=f({"field_observations", "observer_reports", "attachments", "releases", "desk_messages"}),
            triggers=_triggers(dialect, ("audit_log", "releases"), prefix=""),
            functions=f({"wk_refuse_change"} if pg else ()),
        )
    if revision == "0009":
        return Change(tables=f({"sar_drift_runs"}))
    if revision == "0012":
        return Change(columns={"incidents": f({"source"})})
    if revision == "0010":
        return Change(tables=f({"worker_checkpoints"}))
    if revision == "0013":
        return Change(
            columns={"releases": f({"event_time"}), "incidents": f({"released_marking"}),
                     "alerts": f({"released_marking"})}
        )  # fmt: skip
    if revision == "0011":
        if pg:
            return Change(
                tables=f({"spatial_ref_sys"}),  # PostGIS's own table comes with the extension
                columns={"positions": f({"geom"}), "track_points": f({"geom"})},
                indexes={"positions": f({"ix_positions_geom"}), "track_points": f({"ix_track_points_geom"})},
                extensions=f({"postgis"}),
            )
        return Change(
            indexes={"positions": f({"ix_positions_lat_lon"}), "track_points": f({"ix_track_points_lat_lon"})}
        )
    raise KeyError(revision)


def chain() -> list[str]:
    """The revisions from base to head (one line: a branch would need the lead's re-chaining)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"more than one head: {script.get_heads()}"
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def test_every_revision_is_described() -> None:
    for revision in chain():
        for dialect in ("sqlite", "postgresql"):
            try:
                revisions_say(revision, dialect)
            except KeyError:
                pytest.fail(f"say what revision {revision} does: revisions_say in {__file__}")


# ---------------------------------------------------------------- rows written before an upgrade

SEED_ROWS: dict[str, list[dict[str, Any]]] = {
    "users": [
        {"username": "wo", "password_hash": "x", "roles": '["watch_officer"]', "clearance": "UK-ONLY",
         "active": True, "created_at": T},
    ],
    "audit_log": [{"time": T, "actor": "wo", "action": "login"}],
    "rejects": [
        {"source": "udp:10110", "line_no": 7, "reason": "bad_checksum", "detail": "*5C", "raw": b"!AIVDM",
         "receive_time": T, "log_seq": 3},
    ],
    "vessels": [
        {"mmsi": 227006760, "lat": 50.95, "lon": 1.45, "last_seen": T, "source": "udp", "simulated": False},
    ],
    "positions": [
        {"mmsi": 227006760, "time": T, "time_source": "tag_block", "msg_type": 1, "lat": 50.95, "lon": 1.45,
         "source": "udp", "log_seq": 1, "simulated": False},
        {"mmsi": 235000001, "time": T, "time_source": "receive", "msg_type": 18, "lat": 51.05, "lon": 1.71,
         "source": "udp", "log_seq": 2, "simulated": True},
    ],
    "track_points": [
        {"track_id": 4, "time": T, "lat": 50.9, "lon": 1.6, "sog_kn": 5.0, "cog_deg": 315.0, "dark": True,
         "simulated": True, "marking": "UK-FR"},
    ],
}  # fmt: skip


def _rows(engine: Engine, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        cols = ", ".join(columns)
        return [tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM {table} ORDER BY {columns[0]}"))]


def _seed(engine: Engine, tables: set[str]) -> None:
    with engine.begin() as conn:
        for table in sorted(tables & set(SEED_ROWS)):
            for row in SEED_ROWS[table]:
                names = ", ".join(row)
                marks = ", ".join(f":{k}" for k in row)
                conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row)


def _content(engine: Engine, schema: Schema) -> dict[str, list[tuple[Any, ...]]]:
    """Every seeded table's rows, on the columns it has in ``schema``."""
    return {t: _rows(engine, t, sorted(schema.tables[t].columns)) for t in SEED_ROWS if t in schema.tables}


def _same_rows_on_old_columns(
    engine: Engine, before: Schema, rows_before: dict[str, list[tuple[Any, ...]]]
) -> None:
    for table, rows in rows_before.items():
        assert len(rows) == len(SEED_ROWS[table])
        assert _rows(engine, table, sorted(before.tables[table].columns)) == rows, table


# ---------------------------------------------------------------- the walk


def _walk(url: str) -> None:
    engine = make_engine(url)
    dialect = engine.dialect.name
    revisions = chain()
    try:
        straight: dict[str, Schema] = {"base": snapshot(engine)}
        assert not straight["base"].tables
        previous = "base"
        for revision in revisions:  # up, one revision at a time, with rows written before each step
            rows_before = _content(engine, straight[previous])
            upgrade(engine, revision)
            straight[revision] = snapshot(engine)
            did = change(straight[previous], straight[revision])
            assert did == revisions_say(revision, dialect), f"{revision} on {dialect}"
            _same_rows_on_old_columns(engine, straight[previous], rows_before)
            _seed(engine, set(did.tables))
            previous = revision
        if dialect == "postgresql":
            _geom_follows_lat_lon(engine)
        for i in range(len(revisions) - 1, -1, -1):  # down one, up again, down: the schema at each step
            here, below = revisions[i], revisions[i - 1] if i else "base"
            rows_before = _content(engine, straight[here])
            downgrade(engine, below)
            assert snapshot(engine) == straight[below], f"down from {here} to {below} on {dialect}"
            kept = {t: r for t, r in rows_before.items() if t in straight[below].tables}
            _same_rows_on_old_columns(engine, straight[below], _narrow(kept, straight[here], straight[below]))
            upgrade(engine, here)
            assert snapshot(engine) == straight[here], f"down to {below} and up to {here} on {dialect}"
            downgrade(engine, below)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)  # and straight to head again in one go
        assert snapshot(engine) == straight[revisions[-1]]
    finally:
        engine.dispose()


def _narrow(
    rows: dict[str, list[tuple[Any, ...]]], wide: Schema, narrow: Schema
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows read on ``wide``'s columns, kept on the columns that ``narrow`` has (a downgrade that
    removes a column keeps the rest of the row)."""
    out = {}
    for table, table_rows in rows.items():
        names = sorted(wide.tables[table].columns)
        keep = [names.index(c) for c in sorted(narrow.tables[table].columns)]
        out[table] = [tuple(r[i] for i in keep) for r in table_rows]
    return out


def _geom_follows_lat_lon(engine: Engine) -> None:
    """Rows written before 0011 got their point; rows written after get it from the database."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO positions (mmsi, time, time_source, msg_type, lat, lon, source, simulated) "
                "VALUES (244000002, :t, 'sensor', 1, 50.5, 0.75, 'udp', false)"
            ),
            {"t": T},
        )
        for table in ("positions", "track_points"):
            rows = conn.execute(text(f"SELECT lon, lat, ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM {table}"))
            got = [tuple(r) for r in rows]
            assert got and all((x, y, 4326) == (gx, gy, srid) for x, y, gx, gy, srid in got), table
        conn.execute(text("DELETE FROM positions WHERE mmsi = 244000002"))


def test_each_revision_down_and_up_sqlite(sqlite_url: str) -> None:
    _walk(sqlite_url)


@pytest.mark.postgres
def test_each_revision_down_and_up_postgresql(pg_url: str) -> None:
    _walk(pg_url)


# ---------------------------------------------------------------- PostGIS: who may create it


@pytest.fixture
def app_role_db(pg_server: str) -> Iterator[tuple[str, str]]:
    """A database owned by a fresh login role that is no superuser (as an application's role is):
    (admin URL of that database, URL as the application role)."""
    role = f"wk_app_{uuid.uuid4().hex[:10]}"
    name = f"wk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{role}"'))
    base = pg_server.rsplit("/", 1)[0]
    app = base.replace("postgres@", f"{role}@", 1) + f"/{name}"
    try:
        yield base + f"/{name}", app
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.mark.postgres
def test_an_application_role_is_told_to_ask_a_superuser(app_role_db: tuple[str, str]) -> None:
    _, app_url = app_role_db
    engine = make_engine(app_url)
    try:
        with pytest.raises(ConfigError, match="have a superuser run CREATE EXTENSION postgis"):
            upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_extension_a_dba_created_is_used_and_left_in_place(app_role_db: tuple[str, str]) -> None:
    admin_url, app_url = app_role_db
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    engine = make_engine(app_url)
    try:
        with admin.connect() as conn:
            conn.execute(text("CREATE EXTENSION postgis"))
        upgrade(engine)
        assert "geom" in {c["name"] for c in _columns(engine, "positions")}
        downgrade(engine, "0009")
        assert "geom" not in {c["name"] for c in _columns(engine, "positions")}
        with engine.connect() as conn:  # not ours to drop: it stays
            assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    finally:
        engine.dispose()
        admin.dispose()


def _columns(engine: Engine, table: str) -> list[dict[str, Any]]:
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return list(inspect(engine).get_columns(table))


@pytest.mark.postgres
def test_a_server_without_the_extension_is_told_which_package(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
            with pytest.raises(ConfigError, match=rf"install the package postgresql-{major}-postgis-3"):
                ensure_extension(conn, "postgis_no_such_extension")
    finally:
        engine.dispose()
