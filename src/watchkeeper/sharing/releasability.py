"""Releasability rules, pure: who may change a record's marking, and JSON filtered by clearance.

Inheritance: a record made from others takes the most restrictive of their markings
(``core.marking.combine``); a record nobody marked is ``UK-ONLY``. Only a **release** makes a record
less restrictive than its sources: an explicit action by a user holding a releasing role, cleared for
both the current and the new marking, with a reason; it is stored (``releases``) and audited.

JSON filtering (``filter_json``) is how the live feed, the partner feed and exports apply a clearance
to any payload without knowing its shape: every JSON object that has a ``"marking"`` is a record; a
record above the clearance is removed from the list holding it, and a record that holds a hidden
record is hidden whole (it cannot be shown without it). A record without a marking inherits the
marking of the record around it. A payload with no marking anywhere is ``UK-ONLY`` (the safe side).
An unknown marking (or null) is treated as more restrictive than any known one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from watchkeeper.core.marking import DEFAULT_MARKING, Marking, combine, may_see, parse_marking, rank

# Roles that may release (or re-restrict) a record. A partner liaison receives releases and never makes
# them; an admin manages users, not data; an auditor reads the audit log.
RELEASER_ROLES: tuple[str, ...] = ("watch_officer", "analyst")
MIN_REASON_CHARS = 8
_UNKNOWN_RANK = 1_000  # an unknown marking string: above every known one

Resolver = Callable[[dict[str, Any]], str | None]


def inherit(sources: Iterable[str | Marking]) -> Marking:
    """The marking a record takes from its sources (most restrictive; UK-ONLY when none)."""
    return combine(sources)


def release_refusal(
    roles: Iterable[str], clearance: str, current: str, target: str, reason: str
) -> str | None:
    """Why this user may not change ``current`` to ``target`` (None: they may)."""
    if not set(roles) & set(RELEASER_ROLES):
        return f"releasing needs one of the roles: {', '.join(RELEASER_ROLES)}"
    try:
        new = parse_marking(target)
    except ValueError as exc:
        return str(exc)
    if not may_see(clearance, current):
        return "not cleared for this record"
    if not may_see(clearance, new):
        return f"you may not mark a record {new.value}: your clearance is {clearance}"
    if new.value == current:
        return f"the record is already marked {current}"
    if len(reason.strip()) < MIN_REASON_CHARS:
        return f"give the reason for the release (at least {MIN_REASON_CHARS} characters)"
    return None


_RANKS: dict[str, int] = {m.value: rank(m) for m in Marking}


def marking_rank(marking: object) -> int:
    if isinstance(marking, str):
        return _RANKS.get(marking, _UNKNOWN_RANK)
    return _UNKNOWN_RANK


def _is_record(value: dict[str, Any]) -> bool:
    """A JSON object with a ``marking`` that is a value (a string; null counts as unmarked-UK-ONLY). An
    object whose ``marking`` is itself an object or list (a schema describing the field) is no record."""
    return "marking" in value and not isinstance(value["marking"], dict | list)


class _Hidden:
    pass


HIDDEN: Any = _Hidden()


@dataclass(slots=True)
class _State:
    changed: bool = False
    marked: bool = False


def _walk(value: Any, limit: int, resolver: Resolver | None, state: _State) -> Any:
    """``value`` filtered; the very same object when nothing in it changed (no copy on the hot path)."""
    if type(value) is dict:
        if resolver is not None:
            resolved = resolver(value)
            if resolved is not None and resolved != value.get("marking"):
                value = {**value, "marking": resolved}
                state.changed = True
        if _is_record(value):
            state.marked = True
            if marking_rank(value["marking"]) > limit:
                return HIDDEN
        out: dict[str, Any] | None = None
        for key, item in value.items():
            kind = type(item)
            if kind is dict or kind is list:
                new = _walk(item, limit, resolver, state)
                if new is HIDDEN:
                    return HIDDEN
                if new is not item:
                    if out is None:
                        out = dict(value)
                    out[key] = new
        return value if out is None else out
    if type(value) is list:
        kept: list[Any] | None = None
        for i, item in enumerate(value):
            kind = type(item)
            new = _walk(item, limit, resolver, state) if kind is dict or kind is list else item
            if new is not item:
                if kept is None:
                    kept = value[:i]
                if new is HIDDEN:
                    state.changed = True
                    continue
            if kept is not None:
                kept.append(new)
        return value if kept is None else kept
    return value


def filter_json(value: Any, clearance: str, resolver: Resolver | None = None) -> tuple[Any, bool]:
    """``value`` as a user cleared to ``clearance`` may receive it: ``(HIDDEN, True)`` when nothing of
    it may be shown, else ``(filtered value, changed)``. ``resolver`` gives the effective marking of a
    record whose stored one may be out of date (a released vessel), or None to keep its own."""
    limit = marking_rank(clearance)
    state = _State()
    out = _walk(value, limit, resolver, state)
    if out is HIDDEN:
        return HIDDEN, True
    if not state.marked and marking_rank(DEFAULT_MARKING) > limit:
        return HIDDEN, True
    return out, state.changed


def resolve(value: Any, resolver: Resolver) -> tuple[Any, bool]:
    """``value`` with every record's effective marking from ``resolver`` (nothing hidden): done once per
    message, before ``filter_json`` runs once per clearance without a resolver."""
    state = _State()
    out = _walk(value, _UNKNOWN_RANK, resolver, state)
    return out, state.changed


def leaks(value: Any, clearance: str, path: str = "$") -> list[str]:
    """Paths of every JSON object in ``value`` marked above ``clearance`` (the matrix test's check)."""
    limit = marking_rank(clearance)
    found: list[str] = []
    if isinstance(value, dict):
        if _is_record(value) and marking_rank(value["marking"]) > limit:
            found.append(f"{path} ({value['marking']})")
        for key, item in value.items():
            found += leaks(item, clearance, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += leaks(item, clearance, f"{path}[{i}]")
    return found
