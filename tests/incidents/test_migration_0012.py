"""Migration 0012 (what opened an incident) on SQLite and the real PostgreSQL server: an incident opened by
an observer's report is stored with its source, older rows read ``track``, and the database refuses
any other source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.watch import Watch
from watchkeeper.core.types import FieldObservation, ObservationKind, TimeSource
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.store.db import downgrade, make_engine, upgrade

T0 = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def _check(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "source" in {c["name"] for c in inspect(engine).get_columns("incidents")}
        report = FieldObservation(
            obs_id="report:1", kind=ObservationKind.PERSONS, event_time=T0, time_source=TimeSource.SENSOR,
            source="report:alice", sensor_uid="report:alice", lat=50.95, lon=1.62, persons=22, report_id=1,
        )  # fmt: skip
        watch = Watch()
        step = watch.step(TrackScan.from_rows(T0 + timedelta(seconds=2.5), []), (), [report])
        WatchRecorder(engine).record(watch, step)
        (iid,) = watch.book.incidents
        detail = IncidentStore(engine).detail(iid, "UK-ONLY")
        assert detail["source"] == "observer" and detail["persons_estimate"] == 22
        assert [e["kind"] for e in detail["timeline"]] == ["opened", "observation"]
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO incidents (incident_id, opened_time, updated_time, state, severity, "
                    "severity_rank, lat, lon, track_ids, marking, simulated) VALUES ('OLD-1', :t, :t, "
                    "'detected', 'info', 0, 51.0, 1.5, '[]', 'UK-ONLY', false)"
                ),
                {"t": T0.replace(tzinfo=None)},
            )
        assert IncidentStore(engine).detail("OLD-1", "UK-ONLY")["source"] == "track"
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE incidents SET source = 'rumour' WHERE incident_id = 'OLD-1'"))
        downgrade(engine, "0009")
        assert "source" not in {c["name"] for c in inspect(engine).get_columns("incidents")}
        upgrade(engine)
    finally:
        engine.dispose()


def test_migration_0012_sqlite(sqlite_url: str) -> None:
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_0012_postgresql(pg_url: str) -> None:
    _check(pg_url)
