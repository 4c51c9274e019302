"""TAK out from the running service: incidents, assets, search areas and dark radar tracks, each at its
own record's marking, to a real pytak receiver (its RXWorker reading a TCP stream of CoT XML).

A UK-FR destination gets the UK-FR incident, asset and search area and none of the UK-ONLY ones; when the
asset is re-restricted (a controller marks it UK-ONLY in the registry) the destination gets a CoT delete
for it. Records are made through their own capabilities' paths: incidents by the watch from observer
detections (``WatchRecorder``), assets by the registry, drift runs as the sar model stores them.
"""

from __future__ import annotations

import asyncio
import warnings
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sharing_helpers import FAST_HASHER, WALL_START, run_async
from sqlalchemy import Engine
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pytak

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.watch import Watch
from watchkeeper.api import Runtime
from watchkeeper.assets.model import Asset, AssetKind, PositionSource
from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.marking import Marking
from watchkeeper.core.settings import Settings
from watchkeeper.core.types import FieldObservation, ObservationKind, TimeSource
from watchkeeper.sar.models import DriftRun
from watchkeeper.sharing.tak import TakPublisher
from watchkeeper.sharing.tak_sources import TrackSource, search_area_items
from watchkeeper.sharing.wiring import SharingSettings, install_sharing

T0 = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
TIMEOUT_S = 20.0


def _incidents(engine: Engine) -> dict[str, str]:
    """Two observer reports far apart, one UK-FR and one UK-ONLY: two incidents of their own."""

    def report(n: int, lat: float, marking: str) -> FieldObservation:
        return FieldObservation(
            obs_id=f"report:{n}", kind=ObservationKind.BOAT, event_time=T0, time_source=TimeSource.SENSOR,
            source="report:alice", sensor_uid="report:alice", lat=lat, lon=1.55, marking=marking,
            persons=30 + n, report_id=n,
        )  # fmt: skip

    watch = Watch()
    step = watch.step(
        TrackScan.from_rows(T0 + timedelta(seconds=2.5), []),
        (),
        [report(1, 50.95, "UK-FR"), report(2, 51.05, "UK-ONLY")],
    )
    WatchRecorder(engine).record(watch, step)
    return {inc.marking.value: inc.incident_id for inc in watch.book.incidents.values()}


def _square(lat: float, lon: float, d: float = 0.02) -> dict[str, Any]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _drift_runs(engine: Engine, incidents: dict[str, str]) -> dict[str, int]:
    ids = {}
    with Session(engine) as session, session.begin():
        for marking, lat in (("UK-FR", 50.9), ("UK-ONLY", 51.1)):
            features = [
                {"type": "Feature", "geometry": _square(lat, 1.5, d),
                 "properties": {"time_utc": t, "containment": 0.9}}
                for t, d in (("2026-11-26T05:00:00Z", 0.02), ("2026-11-26T06:00:00Z", 0.04))
            ]  # fmt: skip
            row = DriftRun(
                created_at=WALL_START, created_by="analyst", incident_id=incidents[marking], marking=marking,
                object_type="piw", lat=lat, lon=1.5, start_time=T0, hours=2, particles=100,
                current_model="tidal", wind_model="constant", compute_s=0.1, request={},
                geojson={"type": "FeatureCollection", "features": features}, grids=[], plan=None,
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids[marking] = row.id
    return ids


def _assets(registry: AssetRegistry) -> dict[str, Asset]:
    fr = Asset("FR-PAT-1", AssetKind.SEA, 50.96, 1.70, 25, 12, 40, name="PATROUILLEUR", marking=Marking.UK_FR,
               position_time=T0, position_source=PositionSource.FEED)  # fmt: skip
    uk = Asset("BF-CUT-9", AssetKind.SEA, 51.08, 1.35, 25, 24, 60, name="VALIANT", marking=Marking.UK_ONLY,
               position_time=T0, position_source=PositionSource.AIS)  # fmt: skip
    registry.upsert(fr)
    registry.upsert(uk)
    return {"UK-FR": fr, "UK-ONLY": uk}


def _pytak_config() -> Any:
    cfg = ConfigParser(interpolation=None)
    cfg["peer"] = {"COT_URL": "tcp://127.0.0.1:1", "TAK_PROTO": "0"}
    return cfg["peer"]


def test_the_cell_publishes_released_records_to_a_real_pytak_peer_and_deletes_re_restricted_ones(
    engine: Engine, tmp_path: Path
) -> None:
    incidents = _incidents(engine)
    assert set(incidents) == {"UK-FR", "UK-ONLY"}
    runs = _drift_runs(engine, incidents)
    registry = AssetRegistry(engine, FixedClock(WALL_START))
    assets = _assets(registry)
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-" + "x" * 40)

    async def main() -> tuple[list[tuple[str, str, ET.Element]], list[tuple[str, str, ET.Element]]]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        rx_tasks: list[asyncio.Task[None]] = []

        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            rx_tasks.append(asyncio.create_task(pytak.RXWorker(queue, _pytak_config(), reader).run()))

        server = await asyncio.start_server(on_conn, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        runtime = Runtime(
            settings, engine=engine, wall_clock=FixedClock(WALL_START), password_hasher=FAST_HASHER
        )
        sharing = SharingSettings(
            tak_destinations=[{"name": "cross", "url": f"tcp://127.0.0.1:{port}", "clearance": "UK-FR"}],
            tak_interval_s=0.5,
        )
        publisher = install_sharing(runtime, sharing)
        assert isinstance(publisher, TakPublisher)
        publisher.refresh_steps = 10_000  # no periodic re-send inside the test
        first: list[tuple[str, str, ET.Element]] = []
        after: list[tuple[str, str, ET.Element]] = []

        async def collect(into: list[tuple[str, str, ET.Element]], n: int) -> None:
            while len(into) < n:
                ev = ET.fromstring(await queue.get())
                into.append((ev.get("uid") or "", ev.get("type") or "", ev))

        await runtime.start()
        try:
            await asyncio.wait_for(collect(first, 3), TIMEOUT_S)
            await asyncio.sleep(1.2)  # two more rounds: anything else that would (wrongly) arrive
            while not queue.empty():
                ev = ET.fromstring(queue.get_nowait())
                first.append((ev.get("uid") or "", ev.get("type") or "", ev))
            await asyncio.to_thread(registry.upsert, replace(assets["UK-FR"], marking=Marking.UK_ONLY))
            await asyncio.wait_for(collect(after, 1), TIMEOUT_S)
            await asyncio.sleep(1.2)
            while not queue.empty():
                ev = ET.fromstring(queue.get_nowait())
                after.append((ev.get("uid") or "", ev.get("type") or "", ev))
        finally:
            await runtime.stop()
            for t in rx_tasks:
                t.cancel()
            await asyncio.gather(*rx_tasks, return_exceptions=True)
            server.close()
        return first, after

    first, after = run_async(main())
    got = {(uid, typ) for uid, typ, _ in first}
    assert got == {
        (f"watchkeeper.incident.{incidents['UK-FR']}", "b-r-f-h-c"),
        ("watchkeeper.asset.FR-PAT-1", "a-f-S"),
        (f"watchkeeper.area.{runs['UK-FR']}", "u-d-f"),
    }, got
    assert len(first) == 3  # each once, and nothing UK-ONLY
    by_uid = {uid: ev for uid, _, ev in first}
    incident = by_uid[f"watchkeeper.incident.{incidents['UK-FR']}"]
    assert incident.get("access") == "UK-FR" and "31 POB" in (
        incident.find("detail/contact").get("callsign") or ""
    )  # type: ignore[union-attr]
    area = by_uid[f"watchkeeper.area.{runs['UK-FR']}"]
    assert area.get("time") == "2026-11-26T06:00:00.000Z"  # the run's last hour
    assert len(list(area.iter("link"))) == 5  # the 90% square, closed
    assert [(uid, typ) for uid, typ, _ in after] == [("watchkeeper.asset.FR-PAT-1.delete", "t-x-d-d")]
    link = after[0][2].find("detail/link")
    assert link is not None and link.get("uid") == "watchkeeper.asset.FR-PAT-1"


def test_dark_tracks_only_and_a_planned_search_area(engine: Engine) -> None:
    scan = {
        "kind": "tracks",
        "time": "2026-11-26T04:00:02.500Z",
        "tracks": [
            {"track_id": 7, "time": "2026-11-26T04:00:02.500Z", "lat": 50.97, "lon": 1.6, "sog_kn": 5.1,
             "cog_deg": 300.0, "dark": True, "marking": "UK-FR", "simulated": True, "position_sigma_m": 30.0},
            {"track_id": 8, "time": "2026-11-26T04:00:02.500Z", "lat": 51.0, "lon": 1.4, "sog_kn": 14.0,
             "cog_deg": 45.0, "dark": False, "mmsi": 227006760, "marking": "UK-ONLY"},
        ],
    }  # fmt: skip
    items = list(TrackSource(lambda: scan).cot_items())
    assert [(i.uid, i.cot_type, i.marking) for i in items] == [("watchkeeper.track.7", "a-u-S", "UK-FR")]
    assert items[0].callsign == "Dark contact 7 (SIMULATED)" and items[0].stale_s == 60.0
    assert list(TrackSource(lambda: None).cot_items()) == []
    plan_area = _square(50.8, 1.3, 0.05)
    with Session(engine) as session, session.begin():
        for incident, plan in (
            ("INC-1", None),
            ("INC-1", {"area": plan_area, "start_utc": "2026-11-26T04:30:00Z"}),
        ):
            session.add(DriftRun(
                created_at=WALL_START, created_by="analyst", incident_id=incident, marking="UK-ONLY",
                object_type="piw", lat=50.8, lon=1.3, start_time=T0, hours=1, particles=10,
                current_model="tidal", wind_model="constant", compute_s=0.1, request={},
                geojson={"type": "FeatureCollection", "features": []}, grids=[], plan=plan,
            ))  # fmt: skip
    areas = search_area_items(engine)
    assert len(areas) == 1  # the newest run of the incident only
    assert areas[0].time == datetime(2026, 11, 26, 4, 30, tzinfo=UTC)
    assert areas[0].polygon is not None and len(areas[0].polygon) == 4
    assert areas[0].callsign is not None and "planned" in areas[0].callsign


def test_a_detailed_area_is_thinned_for_tak() -> None:
    from shapely.geometry import Point

    from watchkeeper.sharing.tak_sources import MAX_VERTICES, _thinned

    circle = Point(1.5, 50.9).buffer(0.05, quad_segs=64)  # 256 vertices
    ring = _thinned(circle)
    assert 8 <= len(ring) <= MAX_VERTICES
    assert all(abs(lat - 50.9) < 0.051 and abs(lon - 1.5) < 0.051 for lat, lon in ring)  # (lat, lon) order


def test_released_records_reach_a_uk_fr_tak_destination_and_their_twins_do_not(
    engine: Engine, tmp_path: Path
) -> None:
    """A UK-ONLY incident, asset and drift run released to UK-FR through the sharing service (the API's
    path) are published to the UK-FR destination at their released marking; their UK-ONLY twins never."""
    from dataclasses import dataclass

    def report(n: int, lat: float) -> FieldObservation:
        return FieldObservation(
            obs_id=f"report:{n}", kind=ObservationKind.BOAT, event_time=T0, time_source=TimeSource.SENSOR,
            source="report:alice", sensor_uid="report:alice", lat=lat, lon=1.55, marking="UK-ONLY",
            persons=30 + n, report_id=n,
        )  # fmt: skip

    watch = Watch()
    step = watch.step(
        TrackScan.from_rows(T0 + timedelta(seconds=2.5), []), (), [report(1, 50.95), report(2, 51.05)]
    )
    WatchRecorder(engine).record(watch, step)
    released_inc, kept_inc = sorted(watch.book.incidents)
    runs = _drift_runs(engine, {"UK-FR": released_inc, "UK-ONLY": kept_inc})
    with engine.begin() as conn:  # both runs UK-ONLY to start with
        conn.execute(DriftRun.__table__.update().values(marking="UK-ONLY"))
    registry = AssetRegistry(engine, FixedClock(WALL_START))
    assets = _assets(registry)
    registry.upsert(replace(assets["UK-FR"], marking=Marking.UK_ONLY))
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-" + "x" * 40)

    @dataclass
    class Officer:
        username: str = "officer"
        roles: frozenset[str] = frozenset({"watch_officer"})
        clearance: str = "UK-ONLY"

    async def main() -> list[tuple[str, str, ET.Element]]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        rx_tasks: list[asyncio.Task[None]] = []

        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            rx_tasks.append(asyncio.create_task(pytak.RXWorker(queue, _pytak_config(), reader).run()))

        server = await asyncio.start_server(on_conn, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        runtime = Runtime(
            settings, engine=engine, wall_clock=FixedClock(WALL_START), password_hasher=FAST_HASHER
        )
        reason = "agreed with CROSS Gris-Nez"
        for object_type, object_id in (
            ("incident", released_inc), ("asset", "FR-PAT-1"), ("drift_run", str(runs["UK-FR"])),
        ):  # fmt: skip
            runtime.sharing.release(Officer(), object_type, object_id, "UK-FR", reason)
        sharing = SharingSettings(
            tak_destinations=[{"name": "cross", "url": f"tcp://127.0.0.1:{port}", "clearance": "UK-FR"}],
            tak_interval_s=0.5,
        )
        publisher = install_sharing(runtime, sharing)
        assert isinstance(publisher, TakPublisher)
        publisher.refresh_steps = 10_000
        got: list[tuple[str, str, ET.Element]] = []
        await runtime.start()
        try:
            while len(got) < 3:
                ev = ET.fromstring(await asyncio.wait_for(queue.get(), TIMEOUT_S))
                got.append((ev.get("uid") or "", ev.get("type") or "", ev))
            await asyncio.sleep(1.2)  # two more rounds: anything else that would (wrongly) arrive
            while not queue.empty():
                ev = ET.fromstring(queue.get_nowait())
                got.append((ev.get("uid") or "", ev.get("type") or "", ev))
        finally:
            await runtime.stop()
            for t in rx_tasks:
                t.cancel()
            await asyncio.gather(*rx_tasks, return_exceptions=True)
            server.close()
        return got

    got = run_async(main())
    assert {uid for uid, _, _ in got} == {
        f"watchkeeper.incident.{released_inc}",
        "watchkeeper.asset.FR-PAT-1",
        f"watchkeeper.area.{runs['UK-FR']}",
    }
    assert len(got) == 3 and all(ev.get("access") == "UK-FR" for _, _, ev in got)
