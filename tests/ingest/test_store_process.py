"""File ingest writes through a child process (``store_process.py``): the same rows on SQLite and on
PostgreSQL, errors in the child raised in the parent, an in-memory database written in place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from watchkeeper.core.clock import FixedClock
from watchkeeper.ingest.ais.store_process import StoreProcess
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.pipeline import AisIntake, PictureWriter, ingest_files
from watchkeeper.picture.live import LivePicture
from watchkeeper.picture.store import PictureStore
from watchkeeper.store.db import make_engine, open_store
from watchkeeper.store.models import Position, RejectRow, Vessel

RECEIVED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _ingest(engine: Engine, files: list[Path], log_dir: Path) -> dict[str, object]:
    intake = AisIntake(InputLog(log_dir), RejectsLedger(engine))
    writer = PictureWriter(LivePicture(), PictureStore(engine))
    counts = ingest_files(files, intake, writer, FixedClock(RECEIVED))
    intake.close()
    return counts.as_dict()


def _stored(engine: Engine) -> tuple[list[tuple[object, ...]], int, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        positions = [
            tuple(r)
            for r in conn.execute(
                select(
                    Position.log_seq, Position.mmsi, Position.time, Position.time_source, Position.lat,
                    Position.lon, Position.sog_kn, Position.cog_deg, Position.heading_deg,
                    Position.nav_status,
                ).order_by(Position.log_seq)
            )
        ]  # fmt: skip
        rejects = conn.execute(select(func.count()).select_from(RejectRow)).scalar_one()
        vessels = [
            tuple(r) for r in conn.execute(select(Vessel.mmsi, Vessel.name, Vessel.lat).order_by(Vessel.mmsi))
        ]
    return positions, rejects, vessels


@pytest.fixture(scope="module")
def raw_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "ais" / "raw_nmea").iterdir())


@pytest.mark.postgres
def test_same_rows_on_sqlite_and_postgresql(
    raw_files: list[Path], engine: Engine, pg_url: str, tmp_path: Path
) -> None:
    counts_sqlite = _ingest(engine, raw_files, tmp_path / "log-sqlite")
    pg = open_store(pg_url)
    try:
        counts_pg = _ingest(pg, raw_files, tmp_path / "log-pg")
        assert counts_pg == counts_sqlite
        positions, rejects, vessels = _stored(engine)
        assert len(positions) > 2000 and rejects > 100 and len(vessels) > 100
        assert _stored(pg) == (positions, rejects, vessels)
    finally:
        pg.dispose()


def test_error_in_the_child_is_raised_here(engine: Engine) -> None:
    with StoreProcess(engine) as store:
        store.submit([], [(1, 2)], [])  # a positions row of the wrong arity
        with pytest.raises(RuntimeError, match="store process"):
            store.wait()
        store.submit([], [], [])  # the child goes on after an error
        store.wait()


def test_in_memory_database_is_written_in_place(raw_files: list[Path], tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    from watchkeeper.store.db import upgrade

    upgrade(engine)
    counts = _ingest(engine, raw_files[:3], tmp_path / "log")
    positions, rejects, _ = _stored(engine)
    assert counts["accepted"] and positions
    assert rejects == sum(counts["rejected"].values())  # type: ignore[attr-defined]
