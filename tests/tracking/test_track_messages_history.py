"""Track messages (JSON for the bus and the page) and the append-only track history on SQLite and the real
PostgreSQL server: migration 0004 up and down, idempotent re-application, history by track and period,
releasability."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from watchkeeper.store.db import downgrade, make_engine, upgrade
from watchkeeper.tracking.history import TrackHistory
from watchkeeper.tracking.messages import track_messages
from watchkeeper.tracking.runner import load_inputs, run_scenario
from watchkeeper.tracking.tracker import TrackOutput

KEYS = {"track_id", "time", "lat", "lon", "sog_kn", "cog_deg", "mmsi", "name", "dark", "modes", "age_s",
        "plot_updates", "ais_updates", "since_update_s", "position_sigma_m", "speed_sigma_kn", "simulated",
        "marking"}  # fmt: skip


@pytest.fixture(scope="module")
def outputs(small_cut: Path) -> list[TrackOutput]:
    return list(run_scenario(load_inputs(small_cut)))[:40]


def test_track_messages_are_json_with_the_documented_shape(outputs: list[TrackOutput]) -> None:
    out = outputs[-1]
    msgs = track_messages(out, simulated=True, marking="UK-FR")
    assert len(msgs) == len(out) > 10
    decoded = json.loads(json.dumps(msgs))
    assert decoded == msgs
    for m in msgs:
        assert set(m) == KEYS
        assert m["time"] == "2026-10-05T02:01:37.500Z"
        assert set(m["modes"]) == {"steady", "manoeuvring"}
        assert abs(sum(m["modes"].values()) - 1.0) < 1e-3
        assert m["dark"] is (m["mmsi"] is None) or m["dark"]
        assert m["simulated"] is True and m["marking"] == "UK-FR"
    with pytest.raises(ValueError, match="marking"):
        track_messages(out, marking="SECRET")


def _history_roundtrip(url: str, outputs: list[TrackOutput]) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "track_points" in inspect(engine).get_table_names()
        history = TrackHistory(engine)
        written = [history.write(o, simulated=True) for o in outputs]
        assert sum(written) == sum(len(o) for o in outputs) > 300
        # re-applying the same scans (a replay after a restart) inserts nothing
        assert [history.write(o, simulated=True) for o in outputs] == [0] * len(outputs)
        last = outputs[-1]
        track = int(last.track_id[0])
        points = history.history(track)
        assert len(points) == sum(track in o.track_id for o in outputs)
        assert [p.time for p in points] == sorted(p.time for p in points)
        assert points[-1].time == last.time_utc and points[-1].lat == pytest.approx(float(last.lat[0]))
        start, end = outputs[20].time_utc, outputs[29].time_utc
        window = history.history(track, start, end)
        assert window and all(start <= p.time <= end for p in window)
        assert len(window) == sum(track in o.track_id for o in outputs[20:30])
        assert history.history(track, end + timedelta(hours=1)) == []
        assert history.max_track_id() == max(int(o.track_id.max()) for o in outputs if len(o))
        # releasability: UK-ONLY rows are not seen by a UK-FR clearance
        assert history.history(track, clearance="UK-FR") == []
        downgrade(engine, "0002_stats_weather")
        assert "track_points" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert TrackHistory(engine).history(track) == [] and TrackHistory(engine).max_track_id() == 0
    finally:
        engine.dispose()


def test_history_on_sqlite(sqlite_url: str, outputs: list[TrackOutput]) -> None:
    _history_roundtrip(sqlite_url, outputs)


@pytest.mark.postgres
def test_history_on_postgresql(pg_url: str, outputs: list[TrackOutput]) -> None:
    _history_roundtrip(pg_url, outputs)
