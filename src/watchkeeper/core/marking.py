"""Releasability markings: who may see a record (DESIGN.md principle 5).

Every record that leaves the service — track, alert, incident, report, asset, attachment — carries one
marking. Markings are ordered from most to least restrictive; a user's *clearance* is the most
restrictive marking they may see, and they see everything less restrictive too::

    UK-ONLY   UK staff of the cell only
    UK-FR     released to the French counterparts (Calais liaison)
    PUBLIC    may be published

A record derived from several sources takes the most restrictive of their markings (``combine``)
unless a user with the right role releases it (audited, in ``sharing/``). A release stands while what
joins the record later is no more restrictive than it; a more restrictive source re-restricts the
record (``with_source``): nobody released what that source brought. Enforcement is in the
service layer: routes, WebSocket messages, exports and partner feeds all filter with ``may_see``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Marking(StrEnum):
    """A releasability marking. Values are stored with each record and each user's clearance."""

    UK_ONLY = "UK-ONLY"
    UK_FR = "UK-FR"
    PUBLIC = "PUBLIC"


# Restrictiveness: higher is more restrictive.
_RANK: dict[Marking, int] = {Marking.PUBLIC: 0, Marking.UK_FR: 1, Marking.UK_ONLY: 2}

DEFAULT_MARKING = Marking.UK_ONLY  # what a record gets when nobody said otherwise: the safe side


def parse_marking(value: str | Marking) -> Marking:
    """A marking from its stored text; ``ValueError`` naming the allowed values otherwise."""
    try:
        return Marking(value)
    except ValueError:
        allowed = ", ".join(m.value for m in Marking)
        raise ValueError(f"unknown marking {value!r}: one of {allowed}") from None


def rank(marking: str | Marking) -> int:
    return _RANK[parse_marking(marking)]


def may_see(clearance: str | Marking, marking: str | Marking) -> bool:
    """True when a user cleared to ``clearance`` may see a record marked ``marking``."""
    return rank(marking) <= rank(clearance)


def combine(markings: Iterable[str | Marking]) -> Marking:
    """The most restrictive of ``markings`` (a record inherits it from its sources);
    ``DEFAULT_MARKING`` when there are none."""
    found = [parse_marking(m) for m in markings]
    if not found:
        return DEFAULT_MARKING
    return max(found, key=_RANK.__getitem__)


def with_source(
    marking: str | Marking, source: str | Marking, released: str | Marking | None = None
) -> tuple[Marking, bool]:
    """A record's marking once ``source`` joins it: the most restrictive of the two, and whether a
    release (``released``: the marking a user released the record to, None when not released) lapses
    because the new source is more restrictive than it. A source no more restrictive than the release
    leaves the released marking as it is."""
    new = combine([marking, source])
    lapsed = released is not None and rank(new) > rank(released)
    return new, lapsed


def visible_markings(clearance: str | Marking) -> tuple[Marking, ...]:
    """Every marking a user cleared to ``clearance`` may see (for ``WHERE marking IN (...)``)."""
    limit = rank(clearance)
    return tuple(m for m in Marking if _RANK[m] <= limit)


@dataclass(frozen=True, slots=True)
class Released:
    """A release as the live core applies it (the watch's incidents and alerts, the tracker's tracks).

    ``after`` is the event time it takes effect after: the record's last event-time change when it was
    released. The live workers and a replay apply it before the first scan later than ``after``, so the
    same input and the same releases give the same picture, alerts and incidents."""

    object_type: str
    object_id: str
    marking: Marking
    after: datetime


def due(pending: Sequence[Released], scan_time: datetime) -> tuple[list[Released], list[Released]]:
    """``(to apply before the scan at scan_time, still waiting)``; the order of ``pending`` is kept (the
    order the releases were made in)."""
    now = [r for r in pending if r.after < scan_time]
    return now, [r for r in pending if r.after >= scan_time]
