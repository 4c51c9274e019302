"""A comparable picture of a database's schema (SQLAlchemy inspector output plus what it does not show:
triggers, and on PostgreSQL functions, extensions and each column's exact type), and the difference
between two of them. Used by the migration tests (imported by name: pytest puts this folder on the path).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SAWarning

IGNORED_TABLES = {"alembic_version"}


@dataclass(frozen=True)
class Table:
    columns: dict[str, tuple[Any, ...]]  # name -> (type, nullable, generated expression)
    indexes: dict[str, tuple[Any, ...]]  # name -> (columns, unique)
    primary_key: tuple[str, ...]
    uniques: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[tuple[Any, ...], ...]
    checks: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    tables: dict[str, Table]
    triggers: frozenset[str]  # "table.trigger"
    functions: frozenset[str] = frozenset()  # PostgreSQL: functions of our own (not an extension's)
    extensions: frozenset[str] = frozenset()  # PostgreSQL


def _pg_columns(engine: Engine) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column) -> (format_type, generation expression) on PostgreSQL: the inspector does not
    know PostGIS types and does not say whether a column is generated."""
    sql = text(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
        "COALESCE(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = 's' "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
    )
    with engine.connect() as conn:
        return {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(sql)}


def snapshot(engine: Engine) -> Schema:
    pg = engine.dialect.name == "postgresql"
    pg_types = _pg_columns(engine) if pg else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # "Did not recognize type 'geometry'": read above
        insp = inspect(engine)
        tables = {}
        for name in sorted(set(insp.get_table_names()) - IGNORED_TABLES):
            columns = {}
            for c in insp.get_columns(name):
                kind, generated = pg_types.get((name, c["name"]), (str(c["type"]), ""))
                columns[c["name"]] = (kind, c["nullable"], generated)
            tables[name] = Table(
                columns=columns,
                indexes={
                    i["name"]: (tuple(i["column_names"]), bool(i["unique"]))
                    for i in insp.get_indexes(name)
                    if i["name"]
                },
                primary_key=tuple(insp.get_pk_constraint(name)["constrained_columns"]),
                uniques=tuple(sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(name))),
                foreign_keys=tuple(
                    sorted(
                        (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                        for f in insp.get_foreign_keys(name)
                    )
                ),
                checks=tuple(sorted(str(c["name"]) for c in insp.get_check_constraints(name))),
            )
    with engine.connect() as conn:
        if pg:
            triggers = conn.execute(
                text(
                    "SELECT c.relname || '.' || t.tgname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                )
            )
            own = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            functions = conn.execute(
                text(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    f"WHERE n.nspname = current_schema() AND {own}"
                )
            )
            extensions = conn.execute(text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
            return Schema(
                tables,
                frozenset(r[0] for r in triggers),
                frozenset(r[0] for r in functions),
                frozenset(r[0] for r in extensions),
            )
        sql = "SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = 'trigger'"
        triggers = conn.execute(text(sql))
        return Schema(tables, frozenset(r[0] for r in triggers))


@dataclass(frozen=True)
class Change:
    """What one revision does to the schema: tables it creates; columns and indexes it adds to tables
    that were there before; triggers, functions and extensions it adds. ``removed`` lists anything it
    takes away (``table``, ``table.column``, ``table.index``…)."""

    tables: frozenset[str] = frozenset()
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    indexes: dict[str, frozenset[str]] = field(default_factory=dict)
    triggers: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    extensions: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


def change(before: Schema, after: Schema) -> Change:
    old, new = set(before.tables), set(after.tables)
    removed = {*old - new}
    columns, indexes = {}, {}
    for name in sorted(old & new):
        a, b = before.tables[name], after.tables[name]
        if added := set(b.columns) - set(a.columns):
            columns[name] = frozenset(added)
        if added := set(b.indexes) - set(a.indexes):
            indexes[name] = frozenset(added)
        removed |= {f"{name}.{c}" for c in set(a.columns) - set(b.columns)}
        removed |= {f"{name}.{i}" for i in set(a.indexes) - set(b.indexes)}
    removed |= {f"trigger {t}" for t in before.triggers - after.triggers}
    removed |= {f"function {f}" for f in before.functions - after.functions}
    removed |= {f"extension {e}" for e in before.extensions - after.extensions}
    return Change(
        tables=frozenset(new - old),
        columns=columns,
        indexes=indexes,
        triggers=after.triggers - before.triggers,
        functions=after.functions - before.functions,
        extensions=after.extensions - before.extensions,
        removed=frozenset(removed),
    )
