"""Loading the Home Office small-boat series, from CSV or from the published ODS workbook.

Three series (``Series``):

* ``daily`` — table SB_01: ``date``, people, boats, boats in uncontrolled landings (from 2023);
* ``weekly`` — table SB_02: ``week_ending`` (a Sunday), the same sums and the French prevention
  estimates (people prevented from departing or returned to France, prevented events; from 2024-05);
* ``quarterly`` — final detections by quarter × nationality × region × sex × age group.

The published workbook (``Small boats - time series.ods``) has a cover sheet, a notes sheet and one
sheet per table named ``SB_01``, ``SB_02``…; each table sheet opens with title and note rows above the
column headers ("Date", "Migrants arrived", "Boats arrived", "Boats arrived - involved in uncontrolled
landings", "Migrants prevented", "Events prevented", "Notes"), and shows "-" where there is no value.
We find the header row by its names (spelling and case as published, or our CSV names), so added title
or note rows do not move anything.

Loading is *validating* and *all or nothing*: every file is parsed and checked first (a bad row raises
``StatsLoadError`` naming the file, the row as a person counts it — header = row 1 in a CSV, the
sheet row in a workbook — and the field); only then are all rows written in one transaction, where a
revised row (same date, week or breakdown) replaces the old one. Loading the same file twice changes
nothing.
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, select, update

from watchkeeper.core.errors import RejectReason, WatchkeeperError
from watchkeeper.core.types import Reject
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.stats.models import CrossingDay, CrossingQuarterBreakdown, CrossingWeek


class Series(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: ``row`` as a person counts it (CSV header = row 1; the sheet row in a
    workbook), ``raw`` the row's cells as JSON (kept in the rejects ledger)."""

    file: str
    row: int
    field: str
    message: str
    raw: str = ""
    structural: bool = False  # the file, sheet or header is wrong, not one data row

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, field {self.field!r}: {self.message}"


class StatsLoadError(WatchkeeperError):
    """One or more rows failed validation; nothing was loaded."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = f" (and {len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
        super().__init__(f"nothing loaded: {shown}{more}")


_NOTE_MARK = re.compile(r"\s*[\[(]\s*notes?\s*[0-9, ]+[\])]", re.IGNORECASE)


def normalise_header(name: Any) -> str:
    """A header as a name: 'Boats arrived - involved in …' → 'boats_arrived_involved_in_…'.

    GSS-style note markers are dropped first: 'Migrants arrived [note 2]' → 'migrants_arrived'.
    """
    text = _NOTE_MARK.sub("", str(name))
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


#: normalised header → our column, for every spelling we accept (published workbook and our CSVs).
HEADER_ALIASES: dict[str, str] = {
    "date": "date",
    "day_ending": "date",
    "week_ending": "week_ending",
    "migrants_arrived": "migrants_arrived",
    "boats_arrived": "boats_arrived",
    "boats_arrived_involved_in_uncontrolled_landings": "boats_uncontrolled_landings",
    "boats_involved_in_uncontrolled_landings": "boats_uncontrolled_landings",
    "boats_uncontrolled_landings": "boats_uncontrolled_landings",
    "migrants_prevented": "migrants_prevented_fr",
    "migrants_prevented_fr": "migrants_prevented_fr",
    "events_prevented": "events_prevented_fr",
    "events_prevented_fr": "events_prevented_fr",
    "notes": "notes",
    "note": "notes",
    "quarter_end_date": "quarter_end_date",
    "year": "year",
    "quarter": "quarter",
    "method_of_entry": "method_of_entry",
    "nationality": "nationality",
    "region": "region",
    "sex": "sex",
    "age_group": "age_group",
    "age": "age_group",
    "number_of_detections": "number_of_detections",
}

#: Longer published spellings, by the start of the normalised name ("Week ending (Sunday)",
#: "Migrants prevented from departing or returned to France", …).
_HEADER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("week_ending", "week_ending"),
    ("boats_arrived_involved_in_uncontrolled", "boats_uncontrolled_landings"),
    ("migrants_prevented", "migrants_prevented_fr"),
    ("events_prevented", "events_prevented_fr"),
)


def canonical_header(name: Any) -> str | None:
    """Our column for a published or CSV header, or None when it is not one we read."""
    key = normalise_header(name)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    return next((col for prefix, col in _HEADER_PREFIXES if key.startswith(prefix)), None)


REQUIRED: dict[Series, tuple[str, ...]] = {
    Series.DAILY: ("date", "migrants_arrived", "boats_arrived"),
    Series.WEEKLY: ("week_ending", "migrants_arrived", "boats_arrived"),
    Series.QUARTERLY: (
        "quarter_end_date", "year", "quarter", "nationality", "region", "sex", "age_group",
        "number_of_detections",
    ),
}  # fmt: skip

#: Cells meaning "no value" in the published tables ("-", and the GSS shorthand [x], [z], [c]).
MISSING_MARKS = frozenset({"", "-", "–", "[x]", "[z]", "[c]", "..", "nan", "none", "n/a"})

SHEETS: dict[str, Series] = {"SB_01": Series.DAILY, "SB_02": Series.WEEKLY}


def series_of(columns: Iterable[str]) -> Series | None:
    cols = set(columns)
    if "number_of_detections" in cols:
        return Series.QUARTERLY
    if "week_ending" in cols:
        return Series.WEEKLY
    if "date" in cols and "migrants_arrived" in cols:
        return Series.DAILY
    return None


@dataclass
class ParsedTable:
    """Validated rows of one series from one file (or one workbook sheet)."""

    series: Series
    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RowError] = []
        self.raw = ""

    def fail(self, row: int, fld: str, message: str) -> None:
        self.errors.append(RowError(self.file, row, fld, message, self.raw))

    def missing(self, value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, float) and pd.isna(value):
            return True
        return isinstance(value, str) and value.strip().lower() in MISSING_MARKS

    def count(self, value: Any, row: int, fld: str, required: bool) -> int | None:
        if self.missing(value):
            if required:
                self.fail(row, fld, "is empty; a count is required")
            return None
        text = str(value).strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            self.fail(row, fld, f"{value!r} is not a number")
            return None
        if not math.isfinite(number) or number != int(number) or number < 0:  # inf, 1e400, nan: a row error
            self.fail(row, fld, f"{value!r} is not a whole number ≥ 0")
            return None
        return int(number)

    def day(self, value: Any, row: int, fld: str) -> date | None:
        if self.missing(value):
            self.fail(row, fld, "is empty; a date is required")
            return None
        if isinstance(value, pd.Timestamp):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):  # as published: day/month/year
                return pd.to_datetime(text, format="%d/%m/%Y").date()
            return date.fromisoformat(text[:10])
        except ValueError:
            self.fail(row, fld, f"{value!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
            return None

    def text(self, value: Any, row: int, fld: str) -> str | None:
        if self.missing(value):
            self.fail(row, fld, "is empty")
            return None
        return str(value).strip()


def _validate(series: Series, file: str, records: list[tuple[int, dict[str, Any]]]) -> ParsedTable:
    """Check every record (row number as shown to a person, raw cells) and build clean rows."""
    check = _Checker(file)
    table = ParsedTable(series, file)
    seen: dict[Any, int] = {}
    for row_no, cells in records:
        if all(check.missing(v) for v in cells.values()):
            continue  # blank line
        check.raw = json.dumps({k: _cell_text(v) for k, v in cells.items()}, ensure_ascii=False)
        if series is Series.QUARTERLY:
            out: dict[str, Any] = {
                "quarter_end_date": check.day(cells.get("quarter_end_date"), row_no, "quarter_end_date"),
                "year": check.count(cells.get("year"), row_no, "year", True),
                "quarter": check.count(cells.get("quarter"), row_no, "quarter", True),
                "method_of_entry": (
                    "Small boat arrivals"
                    if check.missing(cells.get("method_of_entry"))
                    else str(cells["method_of_entry"]).strip()
                ),
                "nationality": check.text(cells.get("nationality"), row_no, "nationality"),
                "region": check.text(cells.get("region"), row_no, "region"),
                "sex": check.text(cells.get("sex"), row_no, "sex"),
                "age_group": check.text(cells.get("age_group"), row_no, "age_group"),
                "number_of_detections": check.count(
                    cells.get("number_of_detections"), row_no, "number_of_detections", True
                ),
            }
            q_end, q = out["quarter_end_date"], out["quarter"]
            if q is not None and not 1 <= q <= 4:
                check.fail(row_no, "quarter", f"{q} is not 1..4")
            elif q_end is not None and q is not None and (q_end.month != 3 * q or q_end.year != out["year"]):
                check.fail(row_no, "quarter_end_date", f"{q_end} is not the end of {out['year']} Q{q}")
            key: Any = tuple(
                out[k]
                for k in ("quarter_end_date", "method_of_entry", "nationality", "region", "sex", "age_group")
            )
        else:
            key_field = "date" if series is Series.DAILY else "week_ending"
            out = {
                key_field: check.day(cells.get(key_field), row_no, key_field),
                "migrants_arrived": check.count(
                    cells.get("migrants_arrived"), row_no, "migrants_arrived", True
                ),
                "boats_arrived": check.count(cells.get("boats_arrived"), row_no, "boats_arrived", True),
                "boats_uncontrolled_landings": check.count(
                    cells.get("boats_uncontrolled_landings"), row_no, "boats_uncontrolled_landings", False
                ),
                "revised": str(cells.get("notes") or "").strip().lower().startswith("revised"),
            }
            if series is Series.WEEKLY:
                for f in ("migrants_prevented_fr", "events_prevented_fr"):
                    out[f] = check.count(cells.get(f), row_no, f, False)
                if out["week_ending"] is not None and out["week_ending"].weekday() != 6:
                    check.fail(row_no, "week_ending", f"{out['week_ending']} is not a Sunday")
            people, boats, uncontrolled = (
                out["migrants_arrived"],
                out["boats_arrived"],
                out["boats_uncontrolled_landings"],
            )
            if boats is not None and uncontrolled is not None and uncontrolled > boats:
                check.fail(
                    row_no, "boats_uncontrolled_landings", f"{uncontrolled} exceeds boats_arrived {boats}"
                )
            if people is not None and boats is not None and (people > 0) != (boats > 0):
                check.fail(
                    row_no, "boats_arrived", f"{boats} boats but {people} people: one is zero, not both"
                )
            key = out[key_field]
        if key is not None and key in seen:
            key_name = {Series.DAILY: "date", Series.WEEKLY: "week_ending"}.get(series, "quarter_end_date")
            check.fail(row_no, key_name, f"duplicate of row {seen[key]} in the same file")
        elif key is not None:
            seen[key] = row_no
        out["source"] = Path(file).name
        table.rows.append(out)
    if check.errors:
        raise StatsLoadError(check.errors)
    return table


def _cell_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | date):
        return value.isoformat()[:10]
    return value if isinstance(value, int | float | str) else str(value)


def _frame_records(frame: pd.DataFrame, first_row_no: int) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for i, raw in enumerate(frame.to_dict(orient="records")):
        records.append((first_row_no + i, {k: v for k, v in raw.items() if isinstance(k, str)}))
    return records


def parse_csv(path: Path) -> ParsedTable:
    """One CSV of any of the three series (recognised by its headers)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [canonical_header(c) or normalise_header(c) for c in frame.columns]
    series = series_of(frame.columns)
    if series is None:
        raise StatsLoadError(
            [
                RowError(
                    str(path), 1, "header", f"not a small-boat series: {list(frame.columns)}", structural=True
                )
            ]
        )
    missing = [c for c in REQUIRED[series] if c not in frame.columns]
    if missing:
        raise StatsLoadError(
            [RowError(str(path), 1, m, "column missing from the header", structural=True) for m in missing]
        )
    return _validate(series, str(path), _frame_records(frame, first_row_no=2))


def _sheet_table(path: Path, sheet: str, series: Series, raw: pd.DataFrame) -> ParsedTable:
    """A published table sheet: skip title/note rows, find the header row by its names."""
    label = f"{path}[{sheet}]"
    key = "date" if series is Series.DAILY else "week_ending"
    for idx in range(min(len(raw), 30)):
        names = [canonical_header(v) or "" for v in raw.iloc[idx].tolist()]
        if key in names and "migrants_arrived" in names:
            break
    else:
        raise StatsLoadError(
            [RowError(label, 1, key, "no header row with this column in the first 30 rows", structural=True)]
        )
    body = raw.iloc[idx + 1 :].copy()
    body.columns = [n if n else f"_unnamed_{j}" for j, n in enumerate(names)]
    missing = [c for c in REQUIRED[series] if c not in body.columns]
    if missing:
        raise StatsLoadError(
            [RowError(label, idx + 1, m, "column missing from the header", structural=True) for m in missing]
        )
    return _validate(series, label, _frame_records(body, first_row_no=idx + 2))


def parse_ods(path: Path) -> list[ParsedTable]:
    """The published workbook: tables SB_01 (daily) and SB_02 (weekly); other sheets are skipped."""
    sheets = pd.read_excel(path, sheet_name=None, header=None, engine="odf", dtype=object)
    tables = [_sheet_table(path, name, SHEETS[name], raw) for name, raw in sheets.items() if name in SHEETS]
    if not tables:
        raise StatsLoadError(
            [RowError(str(path), 1, "sheet", f"no SB_01 or SB_02 sheet in {sorted(sheets)}", structural=True)]
        )
    return tables


def parse_path(path: Path) -> list[ParsedTable]:
    """Every validated table of one file: a CSV of any series, or the published ODS workbook."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".ods"}:
        raise StatsLoadError(
            [RowError(str(path), 0, "file", f"unknown file type {suffix!r} (csv, ods)", structural=True)]
        )
    try:
        return [parse_csv(path)] if suffix == ".csv" else parse_ods(path)
    except StatsLoadError:
        raise
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        # unreadable: empty, truncated or not really a CSV/ODS (pandas/odfpy say why)
        raise StatsLoadError(
            [RowError(str(path), 0, "file", f"cannot be read as {suffix[1:]}: {exc}", structural=True)]
        ) from exc


# ------------------------------------------------------------------------------------------- writing

_TABLES: dict[Series, tuple[Table, tuple[str, ...]]] = {
    Series.DAILY: (CrossingDay.__table__, ("date",)),  # type: ignore[dict-item]
    Series.WEEKLY: (CrossingWeek.__table__, ("week_ending",)),  # type: ignore[dict-item]
    Series.QUARTERLY: (
        CrossingQuarterBreakdown.__table__,  # type: ignore[dict-item]
        ("quarter_end_date", "method_of_entry", "nationality", "region", "sex", "age_group"),
    ),
}


@dataclass
class LoadReport:
    """Per series: rows inserted, rows updated (revised), rows unchanged."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, series: Series, what: str, n: int) -> None:
        self.counts.setdefault(series.value, {"inserted": 0, "updated": 0, "unchanged": 0})[what] += n


def write_tables(conn: Connection, tables: Sequence[ParsedTable]) -> LoadReport:
    """Upsert validated rows on ``conn`` (the caller's transaction). Later tables win on the same key."""
    report = LoadReport()
    merged: dict[Series, dict[Any, dict[str, Any]]] = {}
    for t in tables:
        _, keys = _TABLES[t.series]
        bucket = merged.setdefault(t.series, {})
        for row in t.rows:
            bucket[tuple(row[k] for k in keys)] = row
    for series, rows in merged.items():
        table, keys = _TABLES[series]
        value_cols = [c.name for c in table.columns if c.name not in keys and c.name != "id"]
        existing = {
            tuple(r[k] for k in keys): r
            for r in conn.execute(select(*[table.c[c] for c in (*keys, *value_cols)])).mappings()
        }
        to_insert, to_update = [], []
        for key, row in rows.items():
            old = existing.get(key)
            if old is None:
                to_insert.append(row)
            elif any(old[c] != row.get(c) for c in value_cols if c != "source"):
                to_update.append(row)
            else:
                report.add(series, "unchanged", 1)
        if to_insert:
            conn.execute(insert(table), to_insert)
        if to_update:
            where = and_(*[table.c[k] == bindparam(f"k_{k}") for k in keys])
            stmt = update(table).where(where).values({c: bindparam(f"v_{c}") for c in value_cols})
            params = [
                {**{f"k_{k}": r[k] for k in keys}, **{f"v_{c}": r.get(c) for c in value_cols}}
                for r in to_update
            ]
            conn.execute(stmt, params)
        report.add(series, "inserted", len(to_insert))
        report.add(series, "updated", len(to_update))
    return report


def load_paths(
    engine: Engine,
    paths: Sequence[Path],
    ledger: RejectsLedger | None = None,
    receive_time: datetime | None = None,
) -> LoadReport:
    """Validate every file, then write all of them in one transaction (all or nothing).

    When a row fails, nothing is written to the series tables; with a ``ledger``, every failing row
    is kept there (source = file, line = row, reason, detail naming the field, raw = the row's cells)
    and made durable before ``StatsLoadError`` is raised. ``receive_time`` (the edge's wall clock)
    stamps those rejects.
    """
    tables: list[ParsedTable] = []
    errors: list[RowError] = []
    for path in paths:
        try:
            tables.extend(parse_path(Path(path)))
        except StatsLoadError as exc:
            errors.extend(exc.errors)
    if errors:
        if ledger is not None:
            record_rejects(ledger, errors, receive_time)
        raise StatsLoadError(errors)
    with engine.begin() as conn:
        return write_tables(conn, tables)


def record_rejects(ledger: RejectsLedger, errors: Sequence[RowError], receive_time: datetime | None) -> None:
    """Keep each failing row in the rejects ledger (reason ``bad_field``, or ``malformed`` for a file
    or header that is not a small-boat table) and flush it."""
    if receive_time is None:
        raise ValueError("receive_time is required to keep rejects")
    for err in errors:
        reason = RejectReason.MALFORMED if err.structural else RejectReason.BAD_FIELD
        ledger.add(
            Reject(
                source=f"stats:{err.file}",
                line_no=err.row,
                reason=reason,
                detail=f"field {err.field!r}: {err.message}",
                raw=err.raw.encode(),
                receive_time=receive_time,
            )
        )
    ledger.flush()


def daily_series_from_files(paths: Sequence[Path]) -> pd.DataFrame:
    """The validated daily series (SB_01) of ``paths``, index ``date``: what the forecast trains on.

    Later files win on the same date (a revised row replaces the old one), as in the store.
    """
    rows: dict[date, dict[str, Any]] = {}
    for path in paths:
        for table in parse_path(Path(path)):
            if table.series is Series.DAILY:
                for r in table.rows:
                    rows[r["date"]] = r
    if not rows:
        raise StatsLoadError(
            [RowError(str(p), 0, "date", "no daily (SB_01) rows", structural=True) for p in paths]
        )
    frame = pd.DataFrame(
        [
            {
                "date": pd.Timestamp(d),
                "migrants_arrived": r["migrants_arrived"],
                "boats_arrived": r["boats_arrived"],
                "boats_uncontrolled_landings": r["boats_uncontrolled_landings"],
            }
            for d, r in sorted(rows.items())
        ]
    )
    return frame.set_index("date").astype(float)
