"""Running the service as OS processes, feeding it like sensors do, and comparing with a replay.

Imported by name (as tests/api does with api_helpers). ``Service`` starts ``python -m watchkeeper serve``
(all roles in one process, or one process per role) with its own environment; ``Feeder`` is the sensors'
side: two TCP servers the ingest role connects to (``--ais-tcp``, ``--radar-tcp``), sending a shared
scenario's AIS lines and radar plot rows in event-time order, one second of event time per batch, each
batch sent only once the ingest has acknowledged the previous one (its input logs hold it, fsynced) —
so AIS and radar reach the tracker in the order a replay takes them. ``expected`` is what ``watchkeeper
track`` / ``watchkeeper replay`` compute from the same files, and ``stored`` what the service stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.js.errors import NotFoundError
from sqlalchemy import Engine, func, select

from watchkeeper.alerts.models import AlertRow
from watchkeeper.alerts.replay import replay_scenario
from watchkeeper.bus.nats import STREAMS
from watchkeeper.incidents.models import IncidentRow
from watchkeeper.ingest.inputlog import LogTail
from watchkeeper.ingest.radar.scenario import parse_utc
from watchkeeper.tracking.history import TrackPoint
from watchkeeper.tracking.runner import load_inputs, run_scenario

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "backbone-test-password-1"
_TAG_TIME = re.compile(rb"c:(\d+)")

Event = tuple[datetime, str, bytes]


def scenario_events(scenario: Path) -> list[Event]:
    """(event time, "ais"|"radar", raw line) of the scenario, in event-time order."""
    events: list[Event] = []
    for line in (scenario / "ais.nmea").read_bytes().splitlines():
        m = _TAG_TIME.search(line)
        assert m is not None
        events.append((datetime.fromtimestamp(int(m.group(1)), UTC), "ais", line))
    rows = (scenario / "plots.csv").read_bytes().splitlines()[1:]
    events += [(parse_utc(row.split(b",", 1)[0].decode()), "radar", row) for row in rows]
    events.sort(key=lambda e: e[0])
    return events


def batches(events: list[Event], seconds: float = 1.0) -> list[dict[str, list[bytes]]]:
    out: list[dict[str, list[bytes]]] = []
    start: datetime | None = None
    for t, kind, raw in events:
        if start is None or (t - start).total_seconds() > seconds:
            out.append({"ais": [], "radar": []})
            start = t
        out[-1][kind].append(raw)
    return out


class _LineServer:
    """One TCP server the ingest connects to; ``send`` writes lines to the current connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(60)
        self.port = self.sock.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn, _ = self.sock.accept()

    def send(self, lines: list[bytes]) -> None:
        assert self.conn is not None
        self.conn.sendall(b"".join(line + b"\n" for line in lines))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.sock.close()


class Feeder:
    """The sensors: AIS and radar servers, fed batch by batch, each acknowledged before the next."""

    def __init__(self, ingest_data_dir: Path) -> None:
        self.ais = _LineServer()
        self.radar = _LineServer()
        self.ais_log = LogTail(ingest_data_dir / "inputlog")
        self.radar_log = LogTail(ingest_data_dir / "inputlog-radar")
        self.sent = {"ais": 0, "radar": 0}

    @property
    def listen_args(self) -> list[str]:
        return ["--ais-tcp", f"127.0.0.1:{self.ais.port}", "--radar-tcp", f"127.0.0.1:{self.radar.port}"]

    def connected(self) -> None:
        """Wait for the (re)started ingest role to connect to both servers."""
        self.ais.accept()
        self.radar.accept()

    def feed(self, batch_list: list[dict[str, list[bytes]]], timeout_s: float = 60.0) -> None:
        for batch in batch_list:
            if batch["ais"]:
                self.ais.send(batch["ais"])
                self.sent["ais"] += len(batch["ais"])
            if batch["radar"]:
                self.radar.send(batch["radar"])
                self.sent["radar"] += len(batch["radar"])
            deadline = time.monotonic() + timeout_s
            while self.ais_log.poll() < self.sent["ais"] or self.radar_log.poll() < self.sent["radar"]:
                assert time.monotonic() < deadline, f"ingest did not acknowledge {self.sent}"
                time.sleep(0.002)

    def close(self) -> None:
        self.ais.close()
        self.radar.close()


@dataclass
class Service:
    """``python -m watchkeeper serve`` processes sharing one environment (store, bus, radars)."""

    env: dict[str, str]
    base: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def make(
        cls, base: Path, scenario: Path, database_url: str, bus_url: str | None, namespace: str
    ) -> Service:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env.update(
            WATCHKEEPER_DATABASE_URL=database_url,
            WATCHKEEPER_RADARS_FILE=str(scenario / "sensors.json"),
            WATCHKEEPER_SECRET_KEY="backbone-test-secret-key-of-enough-length",
            WATCHKEEPER_BUS_NAMESPACE=namespace,
        )
        if bus_url:
            env["WATCHKEEPER_BUS_URL"] = bus_url
        return cls(env, base)

    def data_dir(self, name: str) -> Path:
        return self.base / name

    def cli(self, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        env = dict(self.env, WATCHKEEPER_DATA_DIR=str(self.data_dir("cli")))
        return subprocess.run(
            [sys.executable, "-m", "watchkeeper", *args],
            env=env,
            input=stdin,
            capture_output=True,
            timeout=120,
        )

    def start(self, name: str, roles: list[str], extra: tuple[str, ...] = ()) -> None:
        """Start process ``name`` (its own data directory) running ``roles`` (all when empty)."""
        args = [sys.executable, "-m", "watchkeeper", "serve", *(a for r in roles for a in ("--role", r))]
        env = dict(self.env, WATCHKEEPER_DATA_DIR=str(self.data_dir(name)))
        log = self.base / f"{name}.log"
        self.logs[name] = log
        with log.open("ab") as out:
            self.procs[name] = subprocess.Popen(
                [*args, *extra], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout_s: float = 60.0) -> int:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        return proc.wait(timeout=timeout_s)

    def alive(self) -> None:
        for name, proc in self.procs.items():
            assert proc.poll() is None, f"{name} exited {proc.returncode}: {self.log_text(name)[-3000:]}"

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs[name]
            try:
                self.stop(name)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def consumers_idle(service: Service) -> bool:
    """On NATS: the tracker's and the alerts worker's consumers exist and have nothing pending."""
    url = service.env.get("WATCHKEEPER_BUS_URL")
    if not url:
        return True
    ns = service.env["WATCHKEEPER_BUS_NAMESPACE"].upper()

    async def check() -> bool:
        nc = await nats.connect(url)
        try:
            js = nc.jetstream()
            for stream, durable in ((f"{ns}_OBS", "tracker"), (f"{ns}_TRACKS", "alerts")):
                try:
                    info = await js.consumer_info(stream, durable)
                except NotFoundError:
                    return False
                if info.num_pending or info.num_ack_pending:
                    return False
            return True
        finally:
            await nc.close()

    return asyncio.run(check())


def delete_streams(service: Service) -> None:
    """Remove the test's namespaced streams from the shared NATS server."""
    url = service.env.get("WATCHKEEPER_BUS_URL")
    if not url:
        return
    ns = service.env["WATCHKEEPER_BUS_NAMESPACE"].upper()

    async def delete() -> None:
        nc = await nats.connect(url)
        try:
            js = nc.jetstream()
            for spec in STREAMS:
                with contextlib.suppress(NotFoundError):
                    await js.delete_stream(f"{ns}_{spec.name}")
        finally:
            await nc.close()

    asyncio.run(delete())


def wait_settled(engine: Engine, service: Service, quiet_s: float = 3.0, timeout_s: float = 300.0) -> None:
    """Until the workers' consumers are idle (NATS) and track points, alerts and incidents have stopped
    changing for ``quiet_s`` seconds."""
    last: tuple[int, ...] = ()
    since = time.monotonic()
    deadline = since + timeout_s
    while time.monotonic() < deadline:
        service.alive()
        if not consumers_idle(service):
            since = time.monotonic()
            time.sleep(0.5)
            continue
        with engine.connect() as conn:
            now = tuple(
                int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in (TrackPoint, AlertRow, IncidentRow)
            )
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.5)
    raise AssertionError(f"the service did not settle: {last}")


@dataclass(frozen=True)
class Picture:
    points: list[tuple[int, datetime]]
    alerts: list[tuple[str, tuple[int, ...], datetime]]
    incidents: list[tuple[str, datetime]]


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def stored(engine: Engine) -> Picture:
    with engine.connect() as conn:
        points = [(int(a), _utc(b)) for a, b in conn.execute(select(TrackPoint.track_id, TrackPoint.time))]
        alerts = [
            (str(r), tuple(int(x) for x in t), _utc(w))
            for r, t, w in conn.execute(select(AlertRow.rule, AlertRow.track_ids, AlertRow.raised_time))
        ]
        incidents = [
            (str(i), _utc(t))
            for i, t in conn.execute(select(IncidentRow.incident_id, IncidentRow.opened_time))
        ]
    return Picture(points, alerts, incidents)


@cache
def _replay(scenario: Path) -> tuple[Picture, Any]:
    watch, _summary = replay_scenario(scenario)
    inputs = load_inputs(scenario)
    epoch = inputs.sensors.start_utc
    points = [
        (int(tid), epoch + timedelta(seconds=out.time))
        for out in run_scenario(inputs)
        for tid in out.track_id
    ]
    alerts = [(a.rule.value, tuple(a.track_ids), _utc(a.raised_time)) for a in watch.engine.alerts.values()]
    incidents = [(i.incident_id, _utc(i.opened_time)) for i in watch.book.incidents.values()]
    return Picture(points, alerts, incidents), watch


def expected(scenario: Path, up_to: datetime) -> Picture:
    """The replay's picture up to ``up_to`` (the last scan the live tracker could release)."""
    full, _watch = _replay(scenario)
    return Picture(
        [p for p in full.points if p[1] <= up_to],
        [a for a in full.alerts if a[2] < up_to],
        [i for i in full.incidents if i[1] < up_to],
    )


def assert_same_as_replay(engine: Engine, scenario: Path) -> Picture:
    """The stored picture equals the replay's, row for row (no duplicate, nothing missing)."""
    live = stored(engine)
    assert len(live.points) > 5000
    last_scan = max(t for _, t in live.points)
    want = expected(scenario, last_scan)
    assert want.alerts, "the replay raised no alert: nothing compared"
    assert want.incidents, "the replay opened no incident: nothing compared"
    for what, got, exp in (
        ("track points", live.points, want.points),
        ("alerts", live.alerts, want.alerts),
        ("incidents", live.incidents, want.incidents),
    ):
        assert len(got) == len(set(got)), f"duplicate {what}"
        missing, extra = sorted(set(exp) - set(got)), sorted(set(got) - set(exp))
        assert not missing and not extra, (
            f"{what}: {len(got)} stored, {len(exp)} in the replay; "
            f"missing {len(missing)} {missing[:5]}, extra {len(extra)} {extra[:5]}"
        )
    return live


def api_get(port: int, path: str) -> Any:
    """GET ``path`` from the api role as a logged-in watch officer (created with ``user add``)."""
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            token = httpx.post(
                f"{base}/api/auth/login", json={"username": "officer", "password": PASSWORD}, timeout=10
            )
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the api role did not answer"
            time.sleep(0.3)
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    resp = httpx.get(f"{base}{path}", headers=headers, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
