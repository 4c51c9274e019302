"""The engine: one alert per subject, hysteresis, cooldown, deterministic ids, event time only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alert_helpers import EPOCH, Mover, alert_events, run, scan_at

from watchkeeper.alerts.engine import AlertEngine
from watchkeeper.alerts.types import AlertStatus, EventKind

AT_SEA_FR = (50.97, 1.60)


def _stop_go_stop() -> Mover:
    # stop, get going for 2.5 min (clears), stop again within the 5 min cooldown
    legs = [(150.0, 6.0, 300.0), (240.0, 0.5, 45.0), (150.0, 6.0, 300.0), (300.0, 0.5, 45.0)]
    return Mover.at(*AT_SEA_FR, legs, noise_m=8.0, seed=11)


def test_one_alert_per_subject_reopened_within_the_cooldown() -> None:
    watch, steps = run({3: _stop_go_stop()}, 840.0)
    kinds = [e.kind for e in alert_events(steps, "distress")]
    assert kinds == [EventKind.RAISED, EventKind.CLEARED, EventKind.RERAISED]
    events = alert_events(steps, "distress")
    assert len({e.alert.alert_id for e in events}) == 1
    alert = events[-1].alert
    assert alert.occurrences == 2 and alert.status is AlertStatus.ACTIVE and alert.cleared_time is None
    assert [a.rule.value for a in watch.engine.alerts.values()].count("distress") == 1


def test_outside_the_cooldown_a_new_alert() -> None:
    from watchkeeper.alerts.config import AlertSettings
    from watchkeeper.alerts.watch import Watch

    watch, steps = run({3: _stop_go_stop()}, 840.0, watch=Watch(AlertSettings({"engine.cooldown_s": 10.0})))
    kinds = [e.kind for e in alert_events(steps, "distress")]
    assert kinds == [EventKind.RAISED, EventKind.CLEARED, EventKind.RAISED]
    assert [a.rule.value for a in watch.engine.alerts.values()].count("distress") == 2


def test_replays_give_the_same_alerts_with_the_same_ids() -> None:
    a, _ = run({3: _stop_go_stop()}, 840.0)
    b, _ = run({3: _stop_go_stop()}, 840.0)
    assert [x.to_dict() for x in a.engine.alerts.values()] == [x.to_dict() for x in b.engine.alerts.values()]
    assert any(i.startswith("distress-20261005T02") for i in a.engine.alerts)


def test_scans_must_come_in_event_time_order() -> None:
    engine = AlertEngine()
    engine.step(scan_at(10.0, {1: _stop_go_stop()}))
    late = scan_at(5.0, {1: _stop_go_stop()})
    with pytest.raises(ValueError, match="before the last one"):
        engine.step(late)
    assert engine.time == EPOCH + timedelta(seconds=10.0)


def test_every_alert_carries_the_contract_fields() -> None:
    watch, _ = run({3: _stop_go_stop()}, 840.0)
    row = next(a for a in watch.engine.alerts.values() if a.rule.value == "distress").to_dict()
    for key in (
        "time_utc",
        "rule",
        "track_id",
        "lat",
        "lon",
        "severity",
        "explanation",
        "thresholds",
        "marking",
    ):
        assert row[key] not in (None, ""), key
    assert row["time_utc"].endswith("Z") and row["severity"] == "critical" and row["marking"] == "UK-ONLY"
