"""Compare what two stores hold of the picture, the tracks, the alerts and the incidents, row for row.

Rows are compared as multisets of every column except surrogate keys (``id``) and what people add
afterwards (an alert's acknowledgement), so a duplicate row counts as a difference. Times, floats, JSON and
bytes are compared exactly as stored (floats by their ``repr``: the same computation gives the same bits).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, inspect, select

# (table, columns left out): the tables a replay of the input logs rebuilds
COMPARED_TABLES: tuple[tuple[str, frozenset[str]], ...] = (
    ("vessels", frozenset()),
    ("positions", frozenset({"id"})),
    ("rejects", frozenset({"id"})),
    ("track_points", frozenset({"id"})),
    ("alerts", frozenset({"acknowledged_by", "acknowledged_at", "ack_note"})),
    ("incidents", frozenset()),
    ("incident_timeline", frozenset({"id"})),
)
EXAMPLES = 3


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, bytes | memoryview):
        return bytes(v).hex()
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return v


def table_rows(
    engine: Engine, name: str, leave_out: frozenset[str]
) -> tuple[list[str], Counter[tuple[Any, ...]]]:
    """The rows of ``name`` as a multiset of tuples (columns sorted by name); empty if no such table."""
    if not inspect(engine).has_table(name):
        return [], Counter()
    table = Table(name, MetaData(), autoload_with=engine)
    columns = sorted(c.name for c in table.columns if c.name not in leave_out)
    with engine.connect() as conn:
        rows = conn.execute(select(*[table.c[c] for c in columns]))
        return columns, Counter(tuple(_value(v) for v in row) for row in rows)


@dataclass(frozen=True, slots=True)
class TableDiff:
    table: str
    live: int
    replay: int
    only_live: int
    only_replay: int
    duplicates_live: int
    examples: list[dict[str, Any]]

    @property
    def equal(self) -> bool:
        return self.only_live == 0 and self.only_replay == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "live": self.live,
            "replay": self.replay,
            "only_live": self.only_live,
            "only_replay": self.only_replay,
            "duplicates_live": self.duplicates_live,
            "equal": self.equal,
            "examples": self.examples,
        }


def compare_table(live: Engine, replay: Engine, name: str, leave_out: frozenset[str]) -> TableDiff:
    columns, a = table_rows(live, name, leave_out)
    columns_b, b = table_rows(replay, name, leave_out)
    if columns_b and columns and columns != columns_b:
        raise ValueError(f"{name}: the two stores have different columns ({columns} / {columns_b})")
    columns = columns or columns_b
    only_a, only_b = a - b, b - a
    examples: list[dict[str, Any]] = []
    for side, rows in (("live", only_a), ("replay", only_b)):
        for row in list(rows)[:EXAMPLES]:
            examples.append({"only_in": side, **dict(zip(columns, row, strict=True))})
    return TableDiff(
        table=name,
        live=sum(a.values()),
        replay=sum(b.values()),
        only_live=sum(only_a.values()),
        only_replay=sum(only_b.values()),
        duplicates_live=sum(n - 1 for n in a.values() if n > 1),
        examples=examples,
    )


def compare_stores(live: Engine, replay: Engine) -> list[TableDiff]:
    return [compare_table(live, replay, name, leave_out) for name, leave_out in COMPARED_TABLES]
