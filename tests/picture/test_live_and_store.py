from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.picture.live import LivePicture, vessel_to_dict
from watchkeeper.picture.store import PictureStore
from watchkeeper.store.db import open_store

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def report(t: float, lat: float | None = 51.0, seq: int | None = None, **kw: object) -> AisReport:
    return AisReport(
        mmsi=235000001,
        msg_type=1 if lat is not None else 5,
        event_time=T0 + timedelta(seconds=t),
        time_source=TimeSource.TAG_BLOCK,
        source="test",
        lat=lat,
        lon=1.4 if lat is not None else None,
        sog_kn=12.0 if lat is not None else None,
        log_seq=seq,
        **kw,  # type: ignore[arg-type]
    )


def test_late_position_never_rewinds_but_static_data_applies() -> None:
    pic = LivePicture()
    pic.apply(report(10, lat=51.10))
    pic.apply(report(5, lat=50.90))  # late
    pic.apply(report(3, lat=None, name="PRIDE OF KENT", ship_type=60))  # late static data still names it
    v = pic.vessels[235000001]
    assert v.lat == 51.10 and v.last_seen == T0 + timedelta(seconds=10)
    assert v.name == "PRIDE OF KENT" and v.ship_type == 60
    assert vessel_to_dict(v)["last_seen"] == "2026-10-05T02:00:10Z"


def _write_and_read(engine: Engine) -> None:
    store = PictureStore(engine)
    pic = LivePicture()
    reports = [report(i * 10, lat=51.0 + i / 100, seq=i + 1) for i in range(5)]
    pic.apply_many(reports)
    store.write(reports, list(pic.vessels.values()))
    store.write(reports, list(pic.vessels.values()))  # idempotent on input-log sequence
    hist = store.history(235000001)
    assert [p.lat for p in hist] == [pytest.approx(51.0 + i / 100) for i in range(5)]
    assert hist[0].time == T0 and hist[0].time.tzinfo is not None
    window = store.history(235000001, T0 + timedelta(seconds=10), T0 + timedelta(seconds=30))
    assert len(window) == 3
    (vessel,) = store.load_vessels()
    assert vessel.lat == pytest.approx(51.04) and vessel.last_seen == T0 + timedelta(seconds=40)


def test_picture_store_sqlite(engine: Engine) -> None:
    _write_and_read(engine)


@pytest.mark.postgres
def test_picture_store_postgresql(pg_url: str) -> None:
    engine = open_store(pg_url)
    try:
        _write_and_read(engine)
    finally:
        engine.dispose()


def _write_many_vessels(engine: Engine) -> None:
    """A batch of many vessels and positions, most static fields unknown (NULL in every row of a column)."""
    store = PictureStore(engine)
    pic = LivePicture()
    reports = [
        AisReport(
            mmsi=235000100 + i % 7, msg_type=1, event_time=T0 + timedelta(seconds=i),
            time_source=TimeSource.TAG_BLOCK, source="test", lat=50.5 + i / 1000, lon=1.2, sog_kn=None,
            cog_deg=None, log_seq=100 + i,
        )
        for i in range(40)
    ]  # fmt: skip
    pic.apply_many(reports)
    store.write(reports, list(pic.vessels.values()))
    store.write(reports[:10], list(pic.vessels.values()))  # again: nothing added, states the same
    vessels = {v.mmsi: v for v in store.load_vessels()}
    assert sorted(vessels) == [235000100 + k for k in range(7)]
    assert all(v.name is None and v.sog_kn is None for v in vessels.values())
    assert vessels[235000100 + 39 % 7].lat == pytest.approx(50.5 + 39 / 1000)
    assert sum(len(store.history(m)) for m in vessels) == 40


def test_picture_store_many_vessels_sqlite(engine: Engine) -> None:
    _write_many_vessels(engine)


@pytest.mark.postgres
def test_picture_store_many_vessels_postgresql(pg_url: str) -> None:
    engine = open_store(pg_url)
    try:
        _write_many_vessels(engine)
    finally:
        engine.dispose()
