"""The crossing outlook the posture plans against: the CSV ``watchkeeper forecast predict`` writes.

Columns used: ``date`` (YYYY-MM-DD), ``p_crossing`` (0–1), ``expected_boats``, ``expected_people`` (≥ 0);
other columns (``rag``, weather drivers) are ignored. A bad row is rejected with its line number and
reason and the rest is kept; no usable row at all is an error. Duplicate dates: the first is kept, the
others rejected.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from watchkeeper.core.errors import DecodeError, RejectReason

REQUIRED = ("date", "p_crossing", "expected_boats", "expected_people")


@dataclass(frozen=True, slots=True)
class OutlookDay:
    date: date
    p_crossing: float
    expected_boats: float
    expected_people: float


@dataclass(frozen=True, slots=True)
class OutlookReject:
    line_no: int
    reason: RejectReason
    detail: str
    raw: str


def _number(row: dict[str, str], key: str, line: int, lo: float, hi: float) -> float:
    text = (row.get(key) or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise DecodeError(RejectReason.BAD_FIELD, f"line {line}: {key} is not a number: {text!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise DecodeError(RejectReason.OUT_OF_RANGE, f"line {line}: {key} {value} outside {lo}..{hi}")
    return value


def parse_outlook(text: str) -> tuple[list[OutlookDay], list[OutlookReject]]:
    """Days (sorted by date) and the rejected rows; ``DecodeError`` when the header lacks a column or
    no row is usable."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DecodeError(RejectReason.MALFORMED, f"outlook CSV lacks column(s) {', '.join(missing)}")
    days: dict[date, OutlookDay] = {}
    rejects: list[OutlookReject] = []
    for i, row in enumerate(reader, start=2):
        raw = ",".join(row.get(c) or "" for c in header)
        try:
            if None in row:
                raise DecodeError(RejectReason.MALFORMED, f"line {i}: more fields than the header")
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                raise DecodeError(RejectReason.BAD_FIELD, f"line {i}: date is not YYYY-MM-DD") from None
            if day in days:
                raise DecodeError(RejectReason.BAD_FIELD, f"line {i}: date {day} given twice")
            days[day] = OutlookDay(
                day,
                _number(row, "p_crossing", i, 0.0, 1.0),
                _number(row, "expected_boats", i, 0.0, 1e4),
                _number(row, "expected_people", i, 0.0, 1e6),
            )
        except DecodeError as exc:
            rejects.append(OutlookReject(i, exc.reason, exc.detail, raw))
    if not days:
        raise DecodeError(RejectReason.EMPTY, "outlook CSV has no usable day")
    return [days[d] for d in sorted(days)], rejects
