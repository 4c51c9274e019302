"""The incident lifecycle: allowed transitions, outcomes on closing, persons."""

from __future__ import annotations

import itertools

import pytest

from watchkeeper.incidents.lifecycle import (
    ALLOWED,
    IncidentState,
    Outcome,
    TransitionError,
    check_persons,
    check_transition,
    outcome_on_close,
    parse_state,
)

S = IncidentState


def test_the_paths_of_the_issue_are_allowed() -> None:
    for path in (
        [S.DETECTED, S.MONITORED, S.ASSET_TASKED, S.INTERCEPTED, S.LANDED_UK, S.CLOSED],
        [S.DETECTED, S.MONITORED, S.ASSET_TASKED, S.RESCUED, S.LANDED_UK, S.CLOSED],
        [S.DETECTED, S.MONITORED, S.RETURNED_FR, S.CLOSED],
        [S.DETECTED, S.LOST_CONTACT, S.MONITORED, S.LOST_CONTACT, S.CLOSED],
    ):
        for a, b in itertools.pairwise(path):
            check_transition(a, b)


def test_closed_is_final_and_wrong_moves_name_what_is_allowed() -> None:
    assert ALLOWED[S.CLOSED] == frozenset()
    with pytest.raises(TransitionError, match="closed is final"):
        check_transition(S.CLOSED, S.MONITORED)
    with pytest.raises(
        TransitionError, match="cannot go from rescued to asset_tasked; allowed: closed, landed_uk"
    ):
        check_transition(S.RESCUED, S.ASSET_TASKED)
    with pytest.raises(TransitionError, match="unknown incident state 'sunk'"):
        parse_state("sunk")


def test_outcome_on_close() -> None:
    assert outcome_on_close(S.LANDED_UK, None) is Outcome.LANDED_UK
    assert outcome_on_close(S.LOST_CONTACT, None) is Outcome.LOST_CONTACT
    assert outcome_on_close(S.MONITORED, Outcome.NOT_A_CROSSING) is Outcome.NOT_A_CROSSING
    with pytest.raises(TransitionError, match="closing from monitored needs an outcome"):
        outcome_on_close(S.MONITORED, None)


def test_persons_are_whole_numbers_in_range() -> None:
    assert check_persons(0, "p") == 0 and check_persons(None, "p") is None
    for bad in (-1, 501, True):
        with pytest.raises(TransitionError):
            check_persons(bad, "persons_landed")
