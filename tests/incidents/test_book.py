"""The incident book on synthetic pictures: opening, linking alerts and tracks, inferred outcomes, users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alert_helpers import EPOCH, Mover, run

from watchkeeper.alerts.types import Severity
from watchkeeper.incidents.book import TimelineKind
from watchkeeper.incidents.lifecycle import IncidentState, Outcome, TransitionError

OFF_WISSANT = (50.893, 1.652)
AT_SEA_FR = (50.97, 1.60)
OFF_DOVER = (51.085, 1.33)  # ~3.5 km off Dover, UK waters


def test_every_small_craft_contact_becomes_an_incident_and_ships_do_not() -> None:
    boat = Mover.at(*OFF_WISSANT, [(300.0, 5.0, 315.0)])
    ship = Mover.at(*AT_SEA_FR, [(300.0, 14.0, 54.0)], mmsi=235000010)
    blip = Mover.at(50.95, 1.45, [(20.0, 3.0, 0.0)])  # 20 s: clutter-like, never an incident
    watch, _ = run({1: boat, 2: ship, 3: blip}, 300.0)
    incs = list(watch.book.incidents.values())
    assert len(incs) == 1
    inc = incs[0]
    assert inc.track_ids == [1] and inc.state is IncidentState.DETECTED and inc.persons_estimate == 53
    assert inc.incident_id == "INC-20261005-0001"
    assert inc.timeline[0].kind is TimelineKind.OPENED
    # its departure alert is linked and sets the severity
    assert any(a.startswith("departure-") for a in inc.alert_ids) and inc.severity is Severity.HIGH
    assert inc.departed


def test_lost_contact_then_picked_up_by_a_new_track() -> None:
    lost = Mover.at(*AT_SEA_FR, [(200.0, 5.0, 300.0)])
    far_later = Mover.at(50.99, 1.52, [(200.0, 5.0, 300.0)], start_s=300.0)  # 6 km on: a new contact
    watch, _ = run({1: lost, 2: far_later}, 520.0)
    book = watch.book
    first = book.incidents[book.by_track[1]]
    assert first.state is IncidentState.LOST_CONTACT
    assert any("lost_contact" in e.text for e in first.timeline if e.kind is TimelineKind.STATE)
    assert book.by_track[2] != first.incident_id


def test_a_track_that_ends_at_the_uk_shore_is_inferred_landed() -> None:
    boat = Mover.at(*OFF_DOVER, [(420.0, 6.0, 0.0)])  # runs in to the beach and vanishes
    watch, _ = run({1: boat}, 500.0)
    inc = watch.book.incidents[watch.book.by_track[1]]
    assert inc.state is IncidentState.LANDED_UK
    assert "inferred from the track" in inc.timeline[-1].text


def test_user_transitions_notes_and_persons() -> None:
    boat = Mover.at(*AT_SEA_FR, [(200.0, 5.0, 300.0)], end_s=600.0)
    watch, _ = run({1: boat}, 120.0)
    book = watch.book
    iid = book.by_track[1]
    t = EPOCH + timedelta(minutes=5)
    book.transition(iid, IncidentState.MONITORED, "officer", t)
    book.transition(iid, IncidentState.ASSET_TASKED, "officer", t, note="Border Force cutter Valiant tasked")
    book.transition(iid, IncidentState.RESCUED, "officer", t, persons_landed=48)
    book.add_note(iid, "officer", t, "two children on board")
    book.set_persons(iid, "officer", t, 50)
    with pytest.raises(TransitionError, match="cannot go from rescued to monitored"):
        book.transition(iid, IncidentState.MONITORED, "officer", t)
    with pytest.raises(TransitionError, match="only when closing"):
        book.transition(iid, IncidentState.LANDED_UK, "officer", t, outcome=Outcome.LANDED_UK)
    book.transition(iid, IncidentState.LANDED_UK, "officer", t)
    book.transition(iid, IncidentState.CLOSED, "officer", t)
    inc = book.get(iid)
    assert inc.outcome is Outcome.LANDED_UK and inc.persons_landed == 48 and inc.persons_estimate == 50
    kinds = [e.kind for e in inc.timeline]
    assert kinds.count(TimelineKind.STATE) == 5 and TimelineKind.NOTE in kinds
    assert any(e.actor == "officer" and "Valiant" in e.text for e in inc.timeline)
    with pytest.raises(TransitionError, match="no incident"):
        book.get("INC-nope")


def test_a_book_resuming_on_a_store_continues_the_numbering(engine) -> None:  # type: ignore[no-untyped-def]
    """A restarted alerts worker must never hand out an incident id already in the store."""
    from watchkeeper.alerts.recorder import WatchRecorder
    from watchkeeper.alerts.watch import Watch

    boat = Mover.at(*OFF_WISSANT, [(300.0, 5.0, 315.0)])
    recorder = WatchRecorder(engine)
    first, _ = run({1: boat}, 300.0, on_step=recorder.record)
    assert set(first.book.incidents) == {"INC-20261005-0001"}
    assert recorder.incidents.sequence_by_day() == {"20261005": 1}
    resumed = Watch(numbered=recorder.incidents.sequence_by_day())
    second, _ = run({7: Mover.at(*OFF_WISSANT, [(300.0, 5.0, 315.0)])}, 300.0, watch=resumed)
    assert set(second.book.incidents) == {"INC-20261005-0002"}
