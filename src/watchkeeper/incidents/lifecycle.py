"""The incident lifecycle: states, the transitions allowed between them, outcomes.

Every small-craft contact is first a potential search-and-rescue case::

    detected ──► monitored ──► asset_tasked ──► intercepted ──► rescued ──► landed_uk ──► closed
        │            │              │                │             └──────► returned_fr ─┘
        └────────────┴──────────────┴──► lost_contact ◄──┘  (and back to monitored when re-acquired)

``landed_uk`` and ``returned_fr`` may be inferred from a track that ends at a shore; they can be corrected
(back to ``monitored``) by a user. ``closed`` is terminal and needs an outcome. Transitions outside the
table raise ``TransitionError`` naming what is allowed.
"""

from __future__ import annotations

from enum import StrEnum

from watchkeeper.core.errors import WatchkeeperError


class IncidentState(StrEnum):
    DETECTED = "detected"
    MONITORED = "monitored"
    ASSET_TASKED = "asset_tasked"
    INTERCEPTED = "intercepted"
    RESCUED = "rescued"
    LANDED_UK = "landed_uk"
    RETURNED_FR = "returned_fr"
    LOST_CONTACT = "lost_contact"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How an incident ended (set when it closes)."""

    LANDED_UK = "landed_uk"  # the people reached the UK (landed by themselves or brought in)
    RETURNED_FR = "returned_fr"  # back to France (turned back, rescued by the French side, never left)
    RESCUED = "rescued"  # rescued at sea and taken somewhere not recorded here
    LOST_CONTACT = "lost_contact"  # never found again: the figure nobody wants to see
    NOT_A_CROSSING = "not_a_crossing"  # the contact was not a migrant boat (fishing, clutter, exercise)


S = IncidentState
ALLOWED: dict[IncidentState, frozenset[IncidentState]] = {
    S.DETECTED: frozenset(
        {
            S.MONITORED,
            S.ASSET_TASKED,
            S.INTERCEPTED,
            S.RESCUED,
            S.LANDED_UK,
            S.RETURNED_FR,
            S.LOST_CONTACT,
            S.CLOSED,
        }
    ),
    S.MONITORED: frozenset(
        {S.ASSET_TASKED, S.INTERCEPTED, S.RESCUED, S.LANDED_UK, S.RETURNED_FR, S.LOST_CONTACT, S.CLOSED}
    ),
    S.ASSET_TASKED: frozenset(
        {S.MONITORED, S.INTERCEPTED, S.RESCUED, S.LANDED_UK, S.RETURNED_FR, S.LOST_CONTACT, S.CLOSED}
    ),
    S.INTERCEPTED: frozenset({S.RESCUED, S.LANDED_UK, S.RETURNED_FR, S.CLOSED}),
    S.RESCUED: frozenset({S.LANDED_UK, S.RETURNED_FR, S.CLOSED}),
    S.LANDED_UK: frozenset({S.CLOSED, S.MONITORED}),
    S.RETURNED_FR: frozenset({S.CLOSED, S.MONITORED}),
    S.LOST_CONTACT: frozenset({S.MONITORED, S.ASSET_TASKED, S.RESCUED, S.LANDED_UK, S.RETURNED_FR, S.CLOSED}),
    S.CLOSED: frozenset(),
}

#: The outcome a state implies when the incident closes without one being given.
IMPLIED_OUTCOME: dict[IncidentState, Outcome] = {
    S.LANDED_UK: Outcome.LANDED_UK,
    S.RETURNED_FR: Outcome.RETURNED_FR,
    S.RESCUED: Outcome.RESCUED,
    S.LOST_CONTACT: Outcome.LOST_CONTACT,
}

OPEN_STATES = frozenset(s for s in IncidentState if s is not S.CLOSED)
MAX_PERSONS = 500  # more than any small boat has carried (the record is about 130); a typo guard


class TransitionError(WatchkeeperError):
    """A transition the lifecycle does not allow, or a value it refuses."""


def parse_state(value: str) -> IncidentState:
    try:
        return IncidentState(value)
    except ValueError:
        allowed = ", ".join(s.value for s in IncidentState)
        raise TransitionError(f"unknown incident state {value!r}: one of {allowed}") from None


def parse_outcome(value: str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        allowed = ", ".join(o.value for o in Outcome)
        raise TransitionError(f"unknown outcome {value!r}: one of {allowed}") from None


def check_transition(current: IncidentState, target: IncidentState) -> None:
    """``TransitionError`` unless ``current → target`` is allowed."""
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "none (closed is final)"
        raise TransitionError(f"cannot go from {current.value} to {target.value}; allowed: {allowed}")


def outcome_on_close(current: IncidentState, given: Outcome | None) -> Outcome:
    """The outcome of closing from ``current``: the one given, else the one the state implies."""
    if given is not None:
        return given
    implied = IMPLIED_OUTCOME.get(current)
    if implied is None:
        choices = ", ".join(o.value for o in Outcome)
        raise TransitionError(f"closing from {current.value} needs an outcome: one of {choices}")
    return implied


def check_persons(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_PERSONS:
        raise TransitionError(f"{what} must be a whole number from 0 to {MAX_PERSONS}, got {value!r}")
    return value
