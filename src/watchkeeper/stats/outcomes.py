"""The cell's own incident outcomes, shown beside the Home Office figures.

The incidents capability owns incidents; statistics only needs their outcomes counted per day. This
module defines that input and nothing else reads incidents:

* ``DailyOutcome`` — one row per UK-local day (Europe/London) and marking: ``incidents`` (small-boat
  incidents opened that day), ``persons_landed_uk``, ``returned_fr`` (persons returned to or kept in
  France), ``rescued`` (persons rescued at sea), ``lost_contact`` (incidents closed with contact lost),
  and the ``marking`` of the incidents it counts. Counts are whole numbers ≥ 0.
* ``OutcomeProvider`` — ``provider(start, end)`` returns the rows for days ``start``..``end``
  (inclusive; ``None`` = open). **Zeros are rows**: a provider returns a row for every day its
  incidents log covers, zeros included, so that a day absent from the answer means "no data" (shown
  empty), never "nothing happened". A day may have several rows, one per marking.

Rows are filtered by the reader's clearance (``core.marking.may_see``) *before* they are summed, so a
partner never sees counts drawn from incidents not released to them. Mappings with the same keys are
accepted too (``date`` as ``datetime.date`` or ISO text), so the incidents capability can hand over
rows straight from a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from watchkeeper.core.errors import ConfigError
from watchkeeper.core.marking import DEFAULT_MARKING, may_see, parse_marking

OUTCOME_FIELDS: tuple[str, ...] = ("incidents", "persons_landed_uk", "returned_fr", "rescued", "lost_contact")
#: Column prefix of the outcomes in a figures table (``cell_incidents``, ``cell_rescued``…).
PREFIX = "cell_"


@dataclass(frozen=True, slots=True)
class DailyOutcome:
    """Outcomes of the cell's incidents on one UK-local day, for incidents of one marking."""

    date: date
    incidents: int = 0
    persons_landed_uk: int = 0
    returned_fr: int = 0
    rescued: int = 0
    lost_contact: int = 0
    marking: str = DEFAULT_MARKING.value


OutcomeProvider = Callable[[date | None, date | None], Iterable[DailyOutcome | Mapping[str, Any]]]


def as_outcome(row: DailyOutcome | Mapping[str, Any]) -> DailyOutcome:
    """A validated ``DailyOutcome`` from a row or a mapping; ``ConfigError`` naming the field otherwise."""
    if isinstance(row, DailyOutcome):
        data: dict[str, Any] = {f: getattr(row, f) for f in ("date", *OUTCOME_FIELDS, "marking")}
    else:
        data = dict(row)
    day = data.get("date")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day[:10])
        except ValueError:
            raise ConfigError(f"incident outcome: date {data.get('date')!r} is not YYYY-MM-DD") from None
    if not isinstance(day, date):
        raise ConfigError(f"incident outcome: date {data.get('date')!r} is not a date")
    counts: dict[str, int] = {}
    for name in OUTCOME_FIELDS:
        value = data.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"incident outcome {day}: {name} {value!r} is not a whole number ≥ 0")
        counts[name] = value
    try:
        marking = parse_marking(str(data.get("marking", DEFAULT_MARKING.value))).value
    except ValueError as exc:
        raise ConfigError(f"incident outcome {day}: {exc}") from None
    return DailyOutcome(date=day, marking=marking, **counts)


def outcome_frame(rows: Iterable[DailyOutcome | Mapping[str, Any]], clearance: str) -> pd.DataFrame:
    """Daily sums (index ``date``) of the rows a user cleared to ``clearance`` may see.

    A day appears when at least one visible row covers it (zeros included); other days are absent.
    """
    visible = [o for o in map(as_outcome, rows) if may_see(clearance, o.marking)]
    if not visible:
        return pd.DataFrame(
            columns=list(OUTCOME_FIELDS), index=pd.DatetimeIndex([], name="date"), dtype=float
        )
    frame = pd.DataFrame(
        [{"date": pd.Timestamp(o.date), **{f: getattr(o, f) for f in OUTCOME_FIELDS}} for o in visible]
    )
    return frame.groupby("date").sum().astype(float).sort_index()
