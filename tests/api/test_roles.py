"""The process model of ``watchkeeper serve`` (``api/workers.py``): roles, the refused split, and the
radar listeners that feed the same durable radar intake as the plot rows."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from watchkeeper.api.listeners import add_radar_listeners
from watchkeeper.api.runtime import Runtime
from watchkeeper.api.workers import ROLES, check_split, parse_roles
from watchkeeper.core.errors import ConfigError
from watchkeeper.core.settings import Settings
from watchkeeper.core.wire import decode_plots
from watchkeeper.ingest.inputlog import read_log
from watchkeeper.ingest.radar.recordings import read_pcap
from watchkeeper.store.models import RejectRow

REPO = Path(__file__).resolve().parents[2]


def test_roles_default_to_all_and_unknown_ones_are_refused() -> None:
    assert parse_roles([]) == frozenset(ROLES)
    assert parse_roles(["Tracker", "alerts"]) == {"tracker", "alerts"}
    with pytest.raises(ConfigError, match="unknown roles"):
        parse_roles(["tracker", "picture"])


def test_a_split_needs_a_nats_bus() -> None:
    check_split(frozenset(ROLES), None)  # all in one process: any bus
    check_split(frozenset({"tracker"}), "nats://127.0.0.1:4222")
    with pytest.raises(ConfigError, match="WATCHKEEPER_BUS_URL=nats://"):
        check_split(frozenset({"tracker"}), None)


def test_serve_refuses_a_role_without_nats_and_listeners_without_ingest(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src"), "WATCHKEEPER_DATA_DIR": str(tmp_path)}
    split = subprocess.run(
        [sys.executable, "-m", "watchkeeper", "serve", "--role", "tracker"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert split.returncode == 2
    assert b"only a NATS bus connects: set WATCHKEEPER_BUS_URL=nats://" in split.stderr
    env["WATCHKEEPER_BUS_URL"] = "nats://127.0.0.1:4222"
    listener = subprocess.run(
        [sys.executable, "-m", "watchkeeper", "serve", "--role", "tracker", "--radar-udp", "8600"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert listener.returncode == 2
    assert b"belong to the ingest role" in listener.stderr


def _in_thread(coro: Callable[[], Awaitable[Any]]) -> Any:
    out: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(asyncio.run(coro()))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not errors, errors
    return out[0]


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_radar_udp_feeds_asterix_into_the_radar_intake(shared_data: Path, tmp_path: Path) -> None:
    """``serve --radar-udp``: each datagram logged, decoded to plots on ``obs.radar.<sensor>``; one that
    does not decode is kept in the rejects ledger with its reason."""
    capture = shared_data / "radar" / "asterix_croatiacontrol" / "cat_034_048.pcap"
    datagrams = [payload for _ts, payload in read_pcap(capture)][:40]
    garbage = b"\x30\x00\x05\xff"  # CAT048, LEN 5 but 4 octets sent
    port = _free_udp_port()
    runtime = Runtime(Settings(data_dir=tmp_path))
    add_radar_listeners(runtime, udp_port=port)

    async def run() -> list[tuple[str, bytes]]:
        got: list[tuple[str, bytes]] = []

        async def on(subject: str, payload: bytes) -> None:
            got.append((subject, payload))

        await runtime.start()
        try:
            await runtime.bus.subscribe("obs.radar.>", on)
            await asyncio.sleep(0.2)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for d in [*datagrams, garbage]:
                    s.sendto(d, ("127.0.0.1", port))
            for _ in range(100):
                await asyncio.sleep(0.05)
                assert runtime.radar is not None
                if sum(runtime.radar.intake.counts.values()) >= len(datagrams) + 1:
                    break
            await runtime.bus.drain()  # type: ignore[attr-defined]
            return got
        finally:
            await runtime.stop()

    got = _in_thread(run)
    logged = list(read_log(tmp_path / "inputlog-radar"))
    assert [r.raw for r in logged] == [*datagrams, garbage]
    assert all(r.source.startswith("asterix:udp:") for r in logged)
    plots = [p for _s, payload in got for p in decode_plots(payload)]
    assert plots and all(s == f"obs.radar.{p.sensor_id}" for s, payload in got for p in decode_plots(payload))
    assert {p.log_seq for p in plots} <= {r.log_seq for r in logged[:-1]}
    with runtime.engine.connect() as conn:
        rejects = conn.execute(select(RejectRow.reason, RejectRow.raw, RejectRow.log_seq)).all()
    assert (rejects[-1].raw, rejects[-1].log_seq) == (garbage, logged[-1].log_seq)
    assert rejects[-1].reason in {"truncated", "bad_length"}


@pytest.mark.nats
def test_an_api_process_files_observer_reports_on_its_own_input_log(nats_url: str, tmp_path: Path) -> None:
    """Reports arrive over HTTP, so the api role takes them even without the ingest role: logged in its
    own field input log (one writer per log), published on ``obs.report`` for the tracker and incidents."""
    import json
    import uuid
    from datetime import UTC, datetime

    settings = Settings(data_dir=tmp_path, bus_url=nats_url, bus_namespace=f"t{uuid.uuid4().hex[:10]}")
    runtime = Runtime(settings, roles=frozenset({"api"}))
    body = {
        "time": "2026-10-06T02:10:00Z",
        "lat": 50.93,
        "lon": 1.70,
        "persons": 30,
        "boat_type": "inflatable",
    }

    async def run() -> list[bytes]:
        got: list[bytes] = []

        async def on(subject: str, payload: bytes) -> None:
            got.append(payload)

        await runtime.start()
        try:
            await runtime.bus.subscribe("obs.report", on)
            assert runtime.field is not None, "an api process without ingest must still file reports"
            await runtime.field.report(json.dumps(body).encode(), "alice", "UK-ONLY", datetime.now(UTC))
            for _ in range(100):
                if got:
                    break
                await asyncio.sleep(0.05)
            return got
        finally:
            await runtime.stop()

    got = _in_thread(run)
    assert len(got) == 1 and b"report:" in got[0]
    logged = list(read_log(tmp_path / "inputlog-field-api"))
    assert len(logged) == 1 and json.loads(logged[0].raw)["persons"] == 30
    assert not (tmp_path / "inputlog-field").exists()
