"""Migration 0005 up and down, and the alert/incident stores, on SQLite and the real PostgreSQL server."""

from __future__ import annotations

import pytest
from alert_helpers import Mover, run
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.store import AlertFilter, AlertStore
from watchkeeper.incidents.lifecycle import IncidentState, Outcome
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.store.db import downgrade, make_engine, upgrade

TABLES = {"alerts", "incidents", "incident_timeline"}


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO incidents (incident_id, opened_time, updated_time, state, severity,"
                    " severity_rank, lat, lon, track_ids, marking, simulated) VALUES ('x',"
                    " '2026-10-05 02:00:00', '2026-10-05 02:00:00', 'sunk', 'low', 1, 51.0, 1.4, '[]',"
                    " 'UK-ONLY', false)"
                )
            )
        recorder = WatchRecorder(engine, simulated=True)
        boat = Mover.at(50.97, 1.60, [(120.0, 6.0, 300.0), (300.0, 0.6, 45.0)])
        watch, _ = run({1: boat}, 420.0, marking="UK-FR", on_step=recorder.record)
        alerts = AlertStore(engine).find("UK-FR", AlertFilter(rule="distress"))
        assert len(alerts) == 1 and alerts[0]["values"]["speed_kn"] <= 1.5 and alerts[0]["marking"] == "UK-FR"
        assert alerts[0]["time_utc"].endswith("Z") and alerts[0]["incident_id"] == watch.book.by_track[1]
        board = IncidentStore(engine).board("UK-FR")
        assert board["open"] == 1
        detail = IncidentStore(engine).detail(watch.book.by_track[1], "UK-ONLY")
        assert detail["state"] == IncidentState.DETECTED.value and len(detail["timeline"]) >= 2
        assert AlertStore(engine).find("PUBLIC") == []
        downgrade(engine, "0002_stats_weather")
        assert not (TABLES & set(inspect(engine).get_table_names()))
        assert "crossings_daily" in inspect(engine).get_table_names()
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_migration_0005_and_stores_on_sqlite(sqlite_url: str) -> None:
    _roundtrip(sqlite_url)


@pytest.mark.postgres
def test_migration_0005_and_stores_on_postgresql(pg_url: str) -> None:
    _roundtrip(pg_url)


def test_a_system_change_does_not_undo_what_a_user_did(sqlite_url: str) -> None:
    from datetime import UTC, datetime

    engine = make_engine(sqlite_url)
    upgrade(engine)
    recorder = WatchRecorder(engine)
    boat = Mover.at(51.085, 1.33, [(420.0, 6.0, 0.0)])  # runs in to the Dover beach and vanishes
    holder: dict[str, object] = {}

    def record(w, step):  # type: ignore[no-untyped-def]
        recorder.record(w, step)
        iid = w.book.by_track.get(1)
        if iid and "closed" not in holder:  # a user closes it (not a crossing) before the track ends
            IncidentStore(engine).transition(
                iid, "officer", "UK-ONLY", IncidentState.CLOSED, datetime(2026, 10, 5, 2, 3, tzinfo=UTC),
                note="fishing dinghy, known", outcome=Outcome.NOT_A_CROSSING,
            )  # fmt: skip
            holder["closed"] = iid

    watch, _ = run({1: boat}, 500.0, on_step=record)
    detail = IncidentStore(engine).detail(str(holder["closed"]), "UK-ONLY")
    assert detail["state"] == "closed" and detail["outcome"] == "not_a_crossing"
    notes = [t["text"] for t in detail["timeline"] if t["kind"] == "note" and t["actor"] == "system"]
    assert any("not applied: the incident is closed" in n for n in notes)
    assert watch.book.incidents[str(holder["closed"])].state is IncidentState.LANDED_UK  # the book's own view
    engine.dispose()
