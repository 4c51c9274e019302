"""The same end-to-end test on both backbones (issue #5): the embedded one (every role in one process,
in-process bus, SQLite) and the distributed one (one OS process per role, NATS JetStream, PostgreSQL).

A shared SIMULATED scenario's AIS lines and radar plot rows go in over TCP, as sensors send them
(``serve --ais-tcp``, ``--radar-tcp``); the tracks, alerts and incidents that come out in the store —
and through the api role's HTTP — are compared with what ``watchkeeper track`` / ``watchkeeper replay``
compute from the same files, row for row. The restart test stops roles mid-stream and starts them again.
"""

from __future__ import annotations

import signal
import uuid
from pathlib import Path

import pytest
from backbone_helpers import (
    PASSWORD,
    Feeder,
    Service,
    api_get,
    assert_same_as_replay,
    batches,
    delete_streams,
    free_port,
    scenario_events,
    stored,
    wait_settled,
)
from sqlalchemy import select

from watchkeeper.store.db import make_engine
from watchkeeper.store.models import Vessel, WorkerCheckpoint

SPLIT = ("ingest", "tracker", "alerts", "api")


@pytest.fixture
def backbone(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    """(database URL, bus URL) of the backbone asked for; the servers come from the shared fixtures."""
    if request.param == "inprocess-sqlite":
        return f"sqlite:///{tmp_path / 'watchkeeper.db'}", None
    pg_url = request.getfixturevalue("pg_url")
    nats_url = request.getfixturevalue("nats_url")
    return pg_url, nats_url


def _start(service: Service, feeder: Feeder, split: bool, api_port: int) -> None:
    if split:
        service.start("ingest", ["ingest"], tuple(feeder.listen_args))
        service.start("tracker", ["tracker"])
        service.start("alerts", ["alerts"])
        service.start("api", ["api"], ("--port", str(api_port)))
    else:
        service.start("ingest", [], (*feeder.listen_args, "--port", str(api_port)))
    feeder.connected()


@pytest.mark.slow
@pytest.mark.parametrize(
    "backbone",
    ["inprocess-sqlite", pytest.param("nats-postgres", marks=[pytest.mark.nats, pytest.mark.postgres])],
    indirect=True,
)
def test_the_service_gives_the_replay_picture_on_both_backbones(
    backbone: tuple[str, str | None], scenarios_dir: Path, tmp_path: Path
) -> None:
    database_url, bus_url = backbone
    split = bus_url is not None
    scenario = scenarios_dir / "strait-night-small"
    service = Service.make(tmp_path, scenario, database_url, bus_url, f"t{uuid.uuid4().hex[:10]}")
    added = service.cli(
        "user", "add", "officer", "--role", "watch_officer", "--password-stdin", stdin=PASSWORD.encode()
    )
    assert added.returncode == 0, added.stderr
    feeder = Feeder(service.data_dir("ingest"))
    api_port = free_port()
    engine = make_engine(database_url)
    try:
        _start(service, feeder, split, api_port)
        feeder.feed(batches(scenario_events(scenario)))
        wait_settled(engine, service)
        live = assert_same_as_replay(engine, scenario)
        # the api role serves what the others made: alerts from the store, vessels from the bus
        alerts = api_get(api_port, "/api/alerts?limit=1000")
        assert len(alerts["alerts"]) == len(live.alerts)
        picture = api_get(api_port, "/api/picture")
        with engine.connect() as conn:
            vessels = set(conn.scalars(select(Vessel.mmsi)))
        assert vessels and {v["mmsi"] for v in picture["vessels"]} == vessels
        assert picture["tracks"], "the api role has not seen a scan on picture.update"
        service.alive()
    finally:
        service.stop_all()
        feeder.close()
        engine.dispose()
        delete_streams(service)


@pytest.mark.slow
@pytest.mark.nats
@pytest.mark.postgres
def test_roles_stopped_and_started_again_resume_without_loss_or_duplicates(
    pg_url: str, nats_url: str, scenarios_dir: Path, tmp_path: Path
) -> None:
    """Tracker and alerts stopped while input keeps coming, then the ingest; each started again."""
    scenario = scenarios_dir / "strait-night-small"
    service = Service.make(tmp_path, scenario, pg_url, nats_url, f"t{uuid.uuid4().hex[:10]}")
    feeder = Feeder(service.data_dir("ingest"))
    work = batches(scenario_events(scenario))
    a, b = len(work) * 2 // 5, len(work) * 7 // 10
    engine = make_engine(pg_url)
    try:
        service.start("ingest", ["ingest"], tuple(feeder.listen_args))
        service.start("tracker", ["tracker"])
        service.start("alerts", ["alerts"])
        feeder.connected()
        feeder.feed(work[:a])
        wait_settled(engine, service)
        before = stored(engine)
        assert service.stop("tracker") == 0 and service.stop("alerts") == 0
        with engine.connect() as conn:
            saved = dict(conn.execute(select(WorkerCheckpoint.name, WorkerCheckpoint.seq)).all())
        assert saved["tracker"] > 0 and saved["alerts"] > 0, saved
        feeder.feed(work[a:b])  # the ingest takes it in
        assert len(stored(engine).points) == len(before.points)  # nobody tracked it
        service.start("tracker", ["tracker"])
        service.start("alerts", ["alerts"])
        wait_settled(engine, service)
        assert "tracker: restored at OBS stream seq" in service.log_text("tracker")
        assert "alerts: restored at TRACKS stream seq" in service.log_text("alerts")
        assert service.stop("ingest", signal.SIGTERM) == 0
        service.start("ingest", ["ingest"], tuple(feeder.listen_args))
        feeder.connected()
        feeder.feed(work[b:])
        wait_settled(engine, service)
        assert_same_as_replay(engine, scenario)
        service.alive()
    finally:
        service.stop_all()
        feeder.close()
        engine.dispose()
        delete_streams(service)
