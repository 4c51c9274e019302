"""CoT in over the network from pytak, the real TAK client library: UDP (XML and TAK mesh), TCP (XML and
TAK stream) and mutual TLS, into the field intake. Every unit is in the input log before it is decoded,
every bad one in the rejects ledger, every observation in the store and on the bus."""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cot_helpers import make_event, run_async, xml_bytes
from sqlalchemy import Engine, func, select
from tls_helpers import make_pki

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pytak

from watchkeeper.bus.inprocess import InProcessBus
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.wire import decode_observations
from watchkeeper.ingest.cot.intake import FieldIngestor, FieldIntake, drone_subject
from watchkeeper.ingest.cot.models import ObservationRow
from watchkeeper.ingest.cot.store import FieldStore
from watchkeeper.ingest.cot.transports import CotStreamListener, CotUdpListener, tls_server_context
from watchkeeper.ingest.inputlog import InputLog, _scan, _segments
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.store.models import RejectRow

RECEIVED = datetime(2026, 11, 26, 5, 41, tzinfo=UTC)
TIMEOUT_S = 20.0


def _logged(directory: Path) -> list[tuple[str, bytes]]:
    out = []
    for seg in _segments(directory):
        with seg.open("rb") as fh:
            out += [(src, raw) for _seq, _ns, _ln, src, raw, _end in _scan(fh)]
    return out


async def _until(cond: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT_S
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def _config(url: str, proto: bool, **extra: str) -> Any:
    from configparser import ConfigParser

    cfg = ConfigParser(interpolation=None)
    cfg["client"] = {"COT_URL": url, "TAK_PROTO": "1" if proto else "0", **extra}
    return cfg["client"]


async def _pytak_send(config: Any, frames: list[bytes]) -> None:
    """Send ``frames`` (CoT XML) through pytak's own transport and TX worker (protobuf when configured)."""
    _reader, writer = await pytak.protocol_factory(config)
    worker = pytak.TXWorker(asyncio.Queue(), config, writer)
    for frame in frames:
        await worker.send_data(frame)
        await asyncio.sleep(0.01)  # UDP on loopback: one datagram at a time
    if hasattr(writer, "close"):
        writer.close()
    if hasattr(writer, "wait_closed"):
        await writer.wait_closed()


def _frames() -> tuple[list[bytes], int]:
    """Two detections, the drone's position, a ping, and one bad event (latitude 95)."""
    frames = [
        xml_bytes(make_event(uid="DJI-7", cot_type="a-f-A-M-F-Q")),
        xml_bytes(make_event(uid="DJI-7.spi", cot_type="b-m-p-s-p-i", lat=50.96, lon=1.63)),
        xml_bytes(make_event(uid="boat-1", cot_type="a-u-S", remarks="45 persons", lat=50.99, lon=1.70)),
        xml_bytes(make_event(uid="ping", cot_type="t-x-c-t", lat=0.0, lon=0.0)),
        xml_bytes(make_event(uid="bad", cot_type="a-u-G", lat=95.0)),
    ]
    return frames, 3


def _run(
    engine: Engine, tmp_path: Path, scenario: Callable[[FieldIngestor, InProcessBus], Awaitable[None]]
) -> list[bytes]:
    published: list[tuple[str, bytes]] = []

    async def main() -> list[bytes]:
        bus = InProcessBus()

        async def keep(subject: str, payload: bytes) -> None:
            published.append((subject, payload))

        await bus.subscribe("obs.>", keep)
        intake = FieldIntake(InputLog(tmp_path / "log"), RejectsLedger(engine), FieldStore(engine))
        ingestor = FieldIngestor(intake, bus)
        try:
            await scenario(ingestor, bus)
            await bus.drain()
        finally:
            await ingestor.close()
            await bus.close()
        return [p for s, p in published]

    return run_async(asyncio.wait_for(main(), 60))


def _stored(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            uid: kind for uid, kind in conn.execute(select(ObservationRow.sensor_uid, ObservationRow.kind))
        }


def _rejected(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r for (r,) in conn.execute(select(RejectRow.reason))]


@pytest.mark.parametrize("proto", [False, True], ids=["xml", "tak-protobuf"])
def test_udp_from_pytak(engine: Engine, tmp_path: Path, proto: bool) -> None:
    frames, n_obs = _frames()

    async def scenario(ingestor: FieldIngestor, bus: InProcessBus) -> None:
        listener = CotUdpListener("127.0.0.1", 0, ingestor.ingest_cot, FixedClock(RECEIVED))
        await listener.start()
        task = asyncio.create_task(listener.serve())
        try:
            await _pytak_send(_config(f"udp+wo://127.0.0.1:{listener.port}", proto), frames)
            await _until(
                lambda: ingestor.totals.accepted + len(ingestor.totals.rejects) == len(frames), "5 units"
            )
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    published = _run(engine, tmp_path, scenario)
    assert _stored(engine) == {"DJI-7": "platform", "DJI-7.spi": "point_of_interest", "boat-1": "boat"}
    assert _rejected(engine) == ["out_of_range"]
    logged = _logged(tmp_path / "log")
    assert len(logged) == len(frames)  # every datagram, the bad one included, before decoding
    assert all(src.startswith("cot:udp:") for src, _ in logged)
    if proto:
        # pytak sends TAK protobuf: mesh framing to a multicast group, stream framing to a unicast address
        assert all(raw[0] == 0xBF for _, raw in logged)
    observations = [o for p in published for o in decode_observations(p)]
    assert sorted(o.sensor_uid for o in observations) == ["DJI-7", "DJI-7.spi", "boat-1"]
    assert len(observations) == n_obs
    boat = next(o for o in observations if o.sensor_uid == "boat-1")
    assert boat.persons == 45 and boat.marking == "UK-ONLY"


@pytest.mark.parametrize("proto", [False, True], ids=["xml", "tak-stream"])
def test_tcp_from_pytak(engine: Engine, tmp_path: Path, proto: bool) -> None:
    frames, _ = _frames()
    subjects: list[str] = []

    async def scenario(ingestor: FieldIngestor, bus: InProcessBus) -> None:
        async def keep(subject: str, payload: bytes) -> None:
            subjects.append(subject)

        await bus.subscribe("obs.drone.>", keep)
        listener = CotStreamListener("127.0.0.1", 0, ingestor.ingest_cot, FixedClock(RECEIVED))
        await listener.start()
        task = asyncio.create_task(listener.serve())
        try:
            await _pytak_send(_config(f"tcp://127.0.0.1:{listener.port}", proto), frames)
            await _until(
                lambda: ingestor.totals.accepted + len(ingestor.totals.rejects) == len(frames), "5 units"
            )
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    _run(engine, tmp_path, scenario)
    assert set(_stored(engine)) == {"DJI-7", "DJI-7.spi", "boat-1"}
    assert _rejected(engine) == ["out_of_range"]
    logged = _logged(tmp_path / "log")
    assert len(logged) == len(frames)
    assert all(src.startswith("cot:tcp:") for src, _ in logged)
    assert all(raw[0] == (0xBF if proto else ord("<")) for _, raw in logged)
    assert set(subjects) == {drone_subject("DJI-7"), drone_subject("DJI-7.spi"), drone_subject("boat-1")}
    assert drone_subject("DJI-7.spi") == "obs.drone.DJI-7_spi"  # one NATS token


def test_mutual_tls_from_pytak_and_a_client_without_certificate_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path)
    frames, _ = _frames()

    async def scenario(ingestor: FieldIngestor, bus: InProcessBus) -> None:
        ctx = tls_server_context(pki.server_cert, pki.server_key, pki.ca)
        listener = CotStreamListener(
            "127.0.0.1", 0, ingestor.ingest_cot, FixedClock(RECEIVED), ssl_context=ctx
        )
        await listener.start()
        task = asyncio.create_task(listener.serve())
        try:
            tls = {
                "PYTAK_TLS_CLIENT_CERT": str(pki.client_cert),
                "PYTAK_TLS_CLIENT_KEY": str(pki.client_key),
                "PYTAK_TLS_CLIENT_CAFILE": str(pki.ca),
                "PYTAK_TLS_SERVER_EXPECTED_HOSTNAME": "localhost",
            }
            await _pytak_send(_config(f"tls://127.0.0.1:{listener.port}", False, **tls), frames)
            await _until(
                lambda: ingestor.totals.accepted + len(ingestor.totals.rejects) == len(frames), "5 units"
            )
            # no client certificate: the handshake fails, nothing is read
            bare = ssl.create_default_context(cafile=str(pki.ca))
            with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
                r, w = await asyncio.open_connection(
                    "127.0.0.1", listener.port, ssl=bare, server_hostname="localhost"
                )
                w.write(frames[0])
                await w.drain()
                await r.read(1)  # TLS 1.3 reports the refusal on the first read
                raise ConnectionError("server closed")  # read returned b'' (closed): refused too
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    _run(engine, tmp_path, scenario)
    assert set(_stored(engine)) == {"DJI-7", "DJI-7.spi", "boat-1"}
    logged = _logged(tmp_path / "log")
    assert len(logged) == len(frames)
    assert all(src.startswith("cot:tls:") for src, _ in logged)


def test_intake_is_idempotent_and_counts_add_up(engine: Engine, tmp_path: Path) -> None:
    frames, n_obs = _frames()
    store = FieldStore(engine)
    intake = FieldIntake(
        InputLog(tmp_path / "log"), RejectsLedger(engine), store, marking_for=lambda s: "UK-FR"
    )
    units = list(enumerate(frames, start=1))
    result = intake.ingest_cot("file:drone.cot", units, RECEIVED)
    assert result.counts() == {
        "accepted": 4,
        "observations": n_obs,
        "control": 1,
        "rejected": {"out_of_range": 1},
    }
    assert all(o.marking == "UK-FR" for o in result.observations)
    assert store.add_observations(result.observations) == 0  # the same batch again: nothing new
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ObservationRow)) == n_obs
    intake.close()


def test_a_declared_marking_can_only_restrict(engine: Engine, tmp_path: Path) -> None:
    intake = FieldIntake(
        InputLog(tmp_path / "log"), RejectsLedger(engine), FieldStore(engine), lambda s: "UK-FR"
    )
    raw_public = xml_bytes(make_event(uid="p", cot_type="a-u-S", extra={"marking": "PUBLIC"}))
    raw_ukonly = xml_bytes(make_event(uid="u", cot_type="a-u-S", extra={"marking": "UK-ONLY"}))
    raw_bogus = xml_bytes(make_event(uid="b", cot_type="a-u-S", extra={"marking": "SECRET"}))
    result = intake.ingest_cot("udp", [(1, raw_public), (2, raw_ukonly), (3, raw_bogus)], RECEIVED)
    assert {o.sensor_uid: o.marking for o in result.observations} == {"p": "UK-FR", "u": "UK-ONLY"}
    assert [r.reason.value for r in result.rejects] == ["bad_field"]
    intake.close()
