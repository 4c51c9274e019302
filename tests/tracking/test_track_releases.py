"""The tracker worker marks a released track in the scans after the release (its message and its
history rows): the alerts and incidents on it inherit the released marking, as a replay would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import Engine

from watchkeeper.ingest.radar.scenario import load_sensors
from watchkeeper.sharing.store import ReleaseStore
from watchkeeper.tracking.worker import TrackerService

T = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def test_a_track_release_applies_from_the_first_scan_after_its_event_time(
    engine: Engine, scenarios_dir: Path
) -> None:
    releases = ReleaseStore(engine)
    releases.add("track", "5", "UK-ONLY", "PUBLIC", "officer", "made before the start", T, T)
    runtime = SimpleNamespace(
        engine=engine,
        radar_sensors=load_sensors(scenarios_dir / "strait-night-small"),
        settings=SimpleNamespace(track_marking="UK-ONLY"),
    )
    service = TrackerService(runtime)  # type: ignore[arg-type]
    assert service.released == {5: "PUBLIC"}  # releases made before a start apply at once
    releases.add(
        "track", "7", "UK-ONLY", "UK-FR", "officer", "agreed with CROSS", T, T + timedelta(seconds=10)
    )
    service._releases_due(T + timedelta(seconds=10))  # the scan the releaser saw: not yet
    rows = [{"track_id": 7, "marking": "UK-ONLY"}, {"track_id": 8, "marking": "UK-ONLY"}]
    assert [r["marking"] for r in service._mark([dict(r) for r in rows])] == ["UK-ONLY", "UK-ONLY"]
    service._releases_due(T + timedelta(seconds=12.5))
    assert [r["marking"] for r in service._mark([dict(r) for r in rows])] == ["UK-FR", "UK-ONLY"]
    assert service._pending == []
