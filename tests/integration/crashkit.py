"""The kill -9 harness: a paced scenario feeder, the service as OS processes, and the checks.

* ``Feeder`` — two TCP servers on 127.0.0.1 (AIS NMEA lines, radar plot rows) that the service connects to
  (``serve --ais-tcp/--radar-tcp``), sending a shared SIMULATED scenario paced by event time. While either
  stream has no client (the service is down) the feed holds, like a receiver that buffers; what was written
  into a connection that then died is *in flight*: a TCP feed has no acknowledgement, so the sender cannot
  know, and the service never acknowledged it.
* ``Service`` — ``python -m watchkeeper.cli serve`` (all roles, or one ``--role``) with its env.
* ``check_acknowledged`` — what the service acknowledged is its input log (appended and fsynced before
  decoding, ``ingest/inputlog.py``): per connection, the logged lines must be exactly the lines sent on it,
  in order — all of them on a connection that ended cleanly, a prefix of them on one cut by the kill.
* ``replay_compare`` — ``watchkeeper replay-log --compare`` over the data dir: the live store must hold
  exactly what a replay of the input logs gives (picture, positions, rejects, tracks, alerts, incidents;
  a lost or a duplicated row is a difference).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import NotFoundError
from sqlalchemy import create_engine, text

from watchkeeper.ingest.inputlog import read_log
from watchkeeper.ingest.radar.scenario import parse_utc

_TAG_TIME = re.compile(rb"c:(\d+)")
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class FeedLine:
    time: datetime
    kind: str  # "ais" | "radar"
    raw: bytes  # with its line end


def scenario_lines(scenario: Path, seconds: float) -> list[FeedLine]:
    """The first ``seconds`` of event time of a scenario's AIS and radar, in event-time order."""
    lines: list[FeedLine] = []
    for raw in (scenario / "ais.nmea").read_bytes().splitlines():
        m = _TAG_TIME.search(raw)
        assert m is not None
        lines.append(FeedLine(datetime.fromtimestamp(int(m.group(1)), UTC), "ais", raw + b"\n"))
    for raw in (scenario / "plots.csv").read_bytes().splitlines()[1:]:
        lines.append(FeedLine(parse_utc(raw.split(b",", 1)[0].decode()), "radar", raw + b"\n"))
    lines.sort(key=lambda f: f.time)
    start = lines[0].time
    return [f for f in lines if (f.time - start).total_seconds() < seconds]


class Feeder(threading.Thread):
    """Serves ``lines`` at ``speed`` times event time on two TCP ports (see the module docstring)."""

    KINDS = ("ais", "radar")

    def __init__(self, lines: list[FeedLine], speed: float) -> None:
        super().__init__(daemon=True, name="feeder")
        self.lines = lines
        self.speed = speed
        self.servers = {k: socket.create_server(("127.0.0.1", 0)) for k in self.KINDS}
        self.ports = {k: s.getsockname()[1] for k, s in self.servers.items()}
        self.conns: dict[str, socket.socket | None] = dict.fromkeys(self.KINDS)
        self.sent: dict[str, list[list[bytes]]] = {k: [] for k in self.KINDS}  # per connection
        self.position = 0  # lines[:position] were written (or lost with a dead connection)
        self.done = threading.Event()
        self.error: BaseException | None = None
        self._halt = threading.Event()

    @property
    def fraction(self) -> float:
        return self.position / len(self.lines)

    def _accept(self, kind: str) -> None:
        server = self.servers[kind]
        server.settimeout(0.2)
        while not self._halt.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conns[kind] = conn
            self.sent[kind].append([])
            return

    def _alive(self, kind: str) -> bool:
        conn = self.conns[kind]
        if conn is None:
            return False
        readable, _, _ = select.select([conn], [], [], 0)
        if readable:  # the service never writes: readable means closed (EOF or reset)
            try:
                if conn.recv(1) == b"":
                    raise ConnectionResetError
            except OSError:
                conn.close()
                self.conns[kind] = None
                return False
        return True

    def _send(self, kind: str, batch: list[bytes]) -> None:
        conn = self.conns[kind]
        assert conn is not None
        self.sent[kind][-1].extend(batch)  # written, or lost in flight with the connection
        try:
            conn.sendall(b"".join(batch))
        except OSError:
            conn.close()
            self.conns[kind] = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            for conn in self.conns.values():
                if conn is not None:
                    conn.close()
            self.done.set()

    def _run(self) -> None:
        event_start = self.lines[0].time
        wall_start = time.monotonic()
        held = 0.0
        while self.position < len(self.lines) and not self._halt.is_set():
            down = [k for k in self.KINDS if not self._alive(k)]
            if down:
                t0 = time.monotonic()
                for kind in down:
                    self._accept(kind)
                held += time.monotonic() - t0
                continue
            now = event_start.timestamp() + (time.monotonic() - wall_start - held) * self.speed
            batches: dict[str, list[bytes]] = {k: [] for k in self.KINDS}
            while self.position < len(self.lines) and self.lines[self.position].time.timestamp() <= now:
                line = self.lines[self.position]
                batches[line.kind].append(line.raw)
                self.position += 1
            for kind, batch in batches.items():
                if batch:
                    self._send(kind, batch)
            time.sleep(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)
        for server in self.servers.values():
            server.close()


@dataclass
class Service:
    """One ``watchkeeper serve`` process (``role`` None = every role in one process)."""

    env: dict[str, str]
    args: list[str]
    log_path: Path
    role: str | None = None
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    terminating: bool = False

    def start(self) -> None:
        cmd = [sys.executable, "-m", "watchkeeper.cli", "serve", *self.args]
        if self.role is not None:
            cmd += ["--role", self.role]
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n=== start {self.starts}: {' '.join(cmd)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        self.terminating = False
        log.close()

    def kill9(self) -> None:
        assert self.proc is not None and self.proc.poll() is None, "the service was not running"
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=10) == -signal.SIGKILL

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM) without waiting: several processes stop at once."""
        if self.proc is not None and self.proc.poll() is None and not self.terminating:
            self.proc.send_signal(signal.SIGTERM)
            self.terminating = True

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.terminate()
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=10)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def service_env(data_dir: Path, db_url: str, bus_url: str | None, radars: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
    env.update(
        {
            "PYTHONPATH": str(REPO / "src"),
            "WATCHKEEPER_DATA_DIR": str(data_dir),
            "WATCHKEEPER_DATABASE_URL": db_url,
            "WATCHKEEPER_RADARS_FILE": str(radars),
            "WATCHKEEPER_SECRET_KEY": "crash-test-secret-" + "x" * 32,
        }
    )
    if bus_url is not None:
        env["WATCHKEEPER_BUS_URL"] = bus_url
    return env


def log_count(directory: Path) -> int:
    return sum(1 for _ in read_log(directory)) if directory.is_dir() else 0


def wait_until(predicate: Any, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def store_figures(db_url: str) -> dict[str, int]:
    eng = create_engine(db_url)
    try:
        with eng.connect() as conn:
            out = {}
            for table in ("positions", "rejects", "track_points", "alerts", "incidents"):
                out[table] = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            return out
    finally:
        eng.dispose()


def wait_quiet(db_url: str, timeout: float = 60.0, quiet_s: float = 2.0) -> dict[str, int]:
    """Wait until the store stops changing for ``quiet_s`` (every worker's queue has run dry)."""
    deadline = time.monotonic() + timeout
    last = store_figures(db_url)
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = store_figures(db_url)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return now
    raise AssertionError(f"the store kept changing for {timeout:.0f} s")


@dataclass
class AckCheck:
    logged: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)


def check_acknowledged(data_dir: Path, feeder: Feeder, restart_seq: dict[str, int] | None) -> AckCheck:
    """Per stream: the lines logged before the kill are a prefix of the first connection's lines, and the
    lines logged after the restart are exactly the later connections' lines (nothing lost, nothing twice).
    ``restart_seq``: the last sequence number of each log when the ingest was killed; None when the ingest
    ran throughout (another role was killed): then every line sent is logged, once, in order."""
    out = AckCheck()
    for kind, log_dir in (("ais", data_dir / "inputlog"), ("radar", data_dir / "inputlog-radar")):
        records = list(read_log(log_dir))
        seqs = [r.log_seq for r in records]
        assert seqs == list(range(1, len(records) + 1)), f"{kind}: sequence numbers with a gap or twice"
        connections = feeder.sent[kind]
        out.logged[kind] = len(records)
        if restart_seq is None:
            assert len(connections) == 1, f"{kind}: the feed was cut though the ingest was not killed"
            assert [r.raw for r in records] == connections[0], f"{kind}: logged lines are not all sent"
            out.sent[kind] = len(connections[0])
            out.in_flight[kind] = 0
            continue
        before = [r.raw for r in records if r.log_seq is not None and r.log_seq <= restart_seq[kind]]
        after = [r.raw for r in records if r.log_seq is not None and r.log_seq > restart_seq[kind]]
        assert len(connections) >= 2, f"{kind}: the service did not reconnect after the restart"
        first, later = connections[0], [line for conn in connections[1:] for line in conn]
        assert before == first[: len(before)], f"{kind}: logged lines before the kill are not what was sent"
        assert after == later, f"{kind}: lines sent after the restart are not all logged exactly once"
        out.sent[kind] = len(first) + len(later)
        out.in_flight[kind] = len(first) - len(before)
    return out


def replay_compare(data_dir: Path, live_url: str, replay_url: str, radars: Path) -> dict[str, Any]:
    """``watchkeeper replay-log --compare``; returns its JSON summary (with ``exit``)."""
    env = service_env(data_dir, live_url, None, radars)
    proc = subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", "replay-log", "--db", replay_url, "--compare"],
        env=env,
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )
    try:
        summary: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"replay-log failed ({proc.returncode}): {proc.stderr.decode()[-3000:]}"
        ) from None
    summary["exit"] = proc.returncode
    return summary


def differences(summary: dict[str, Any]) -> dict[str, Any]:
    return {name: t for name, t in summary.get("tables", {}).items() if not t["equal"]}


FEED_S = float(os.environ.get("WK_CRASH_FEED_S", "100"))  # event seconds of strait-night-small fed
SPEED = float(os.environ.get("WK_CRASH_SPEED", "5"))  # event time per wall time (5: a 2.5 s scan every 0.5 s)
KILL_AT = 0.45  # share of the feed written when the kill lands
ROLES = ("ingest", "tracker", "alerts", "api")
DOWN_S = 2.0  # a killed worker role stays down this long while the ingest goes on (a backlog to catch up)
NO_DUPLICATES = ("positions", "track_points", "alerts", "incidents", "incident_timeline")
CONSUMERS = (("OBS", "tracker"), ("TRACKS", "alerts"))  # the stateful workers' durable consumers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def checkpoint_seq(db_url: str, name: str) -> int:
    """The stream sequence worker ``name``'s saved checkpoint covers (0 without one)."""
    eng = create_engine(db_url)
    try:
        with eng.connect() as conn:
            seq = conn.execute(
                text("SELECT seq FROM worker_checkpoints WHERE name = :n"), {"n": name}
            ).scalar()
        return int(seq or 0)
    except Exception:  # the table is not there yet (the roles are still migrating)
        return 0
    finally:
        eng.dispose()


def consumers_idle(bus_url: str) -> bool:
    """The tracker's and the alerts worker's consumers have nothing pending or unacknowledged."""

    async def check() -> bool:
        nc = await nats.connect(bus_url)
        try:
            js = nc.jetstream()
            for stream, durable in CONSUMERS:
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


def services_for(
    role: str | None, env: dict[str, str], feeds: list[str], tmp_path: Path, api_port: int
) -> dict[str, Service]:
    """The service as OS processes: every role in one (``role`` None), or one process per role — each
    with a data dir of its own; the ingest's is the one with the input logs."""
    if role is None:
        return {"all-in-one": Service(env, ["--port", str(api_port), *feeds], tmp_path / "all-in-one.log")}
    out = {}
    for name in ROLES:
        role_env = env if name == "ingest" else dict(env, WATCHKEEPER_DATA_DIR=str(tmp_path / f"data-{name}"))
        args = feeds if name == "ingest" else ["--port", str(api_port)] if name == "api" else []
        out[name] = Service(role_env, args, tmp_path / f"{name}.log", role=name)
    return out


def kill_mid_stream(
    role: str | None, services: dict[str, Service], feeder: Feeder, live_url: str, api_port: int
) -> dict[str, Any]:
    """Wait until the victim is busy mid-stream, kill -9 it, and say where it was."""
    victim = services["all-in-one" if role is None else role]
    wait_until(lambda: feeder.fraction >= KILL_AT, 120, "the feed to reach the kill point")
    if role in ("tracker", "alerts"):  # it has handled part of the stream and saved a checkpoint
        wait_until(lambda: checkpoint_seq(live_url, role) > 0, 30, f"a {role} checkpoint")
    if role == "api" or role is None:
        wait_until(lambda: port_open(api_port), 30, "the api to listen")
    for svc in services.values():
        assert svc.alive(), svc.log_path.read_text()[-3000:]
    at_kill: dict[str, Any] = {"store": store_figures(live_url)}
    if role in ("tracker", "alerts"):
        at_kill["checkpoint_seq"] = checkpoint_seq(live_url, role)
    victim.kill9()
    at_kill["lines_written"] = feeder.position
    return at_kill


def run_kill_test(
    role: str | None,
    scenarios_dir: Path,
    tmp_path: Path,
    live_url: str,
    replay_url: str,
    bus_url: str,
    artifacts_dir: Path,
) -> dict[str, object]:
    """Feed, kill ``role`` (None: the all-in-one process) mid-stream, restart it, finish, check."""
    started = time.monotonic()
    scenario = scenarios_dir / "strait-night-small"
    radars = scenario / "sensors.json"
    data_dir = tmp_path / "data"
    lines = scenario_lines(scenario, FEED_S)
    feeder = Feeder(lines, SPEED)
    env = service_env(data_dir, live_url, bus_url, radars)
    feeds = [
        "--ais-tcp",
        f"127.0.0.1:{feeder.ports['ais']}",
        "--radar-tcp",
        f"127.0.0.1:{feeder.ports['radar']}",
    ]
    api_port = free_port()
    services = services_for(role, env, feeds, tmp_path, api_port)
    victim_name = "all-in-one" if role is None else role
    victim = services[victim_name]
    ingest_killed = role in (None, "ingest")
    feeder.start()
    try:
        for svc in services.values():
            svc.start()
        at_kill = kill_mid_stream(role, services, feeder, live_url, api_port)
        phases = {"killed": time.monotonic() - started}
        restart_seq = {
            "ais": log_count(data_dir / "inputlog"),
            "radar": log_count(data_dir / "inputlog-radar"),
        }
        # the kill landed mid-stream: input acknowledged before it, more of the feed still to come
        assert restart_seq["ais"] > 0 and restart_seq["radar"] > 0
        assert at_kill["lines_written"] < len(lines) * 0.75
        if not ingest_killed:
            time.sleep(DOWN_S)  # the ingest goes on: a backlog for the restarted role
            at_kill["lines_written_while_down"] = feeder.position - at_kill["lines_written"]
            assert at_kill["lines_written_while_down"] > 0
        victim.start()
        assert feeder.done.wait(120), "the feed did not finish"
        assert feeder.error is None, feeder.error
        phases["fed"] = time.monotonic() - started
        wait_until(lambda: consumers_idle(bus_url), 90, "the tracker and alerts consumers to catch up")
        phases["caught_up"] = time.monotonic() - started
        figures = wait_quiet(live_url, quiet_s=1.0)  # the consumers are idle: only the last writes
        if role in (None, "api"):
            wait_until(lambda: port_open(api_port), 60, "the restarted api to listen")
        for svc in services.values():
            assert svc.alive(), svc.log_path.read_text()[-3000:]
    finally:
        for svc in services.values():
            svc.terminate()
        for svc in services.values():
            svc.stop()
        feeder.stop()
        for name, svc in services.items():
            if svc.log_path.is_file():
                (artifacts_dir / f"crash-{victim_name}-{name}.log").write_bytes(svc.log_path.read_bytes())
    phases["stopped"] = time.monotonic() - started
    ack = check_acknowledged(data_dir, feeder, restart_seq if ingest_killed else None)
    summary = replay_compare(data_dir, live_url, replay_url, radars)
    name = f"crash-{victim_name}"
    (artifacts_dir / f"{name}-compare.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")
    tables = summary.get("tables", {})
    result: dict[str, object] = {
        "killed": victim_name,
        "processes": list(services),
        "lines_fed": len(lines),
        "at_kill": at_kill,
        "acknowledged_before_kill": restart_seq,
        "logged": ack.logged,
        "in_flight_lost_at_kill": ack.in_flight,
        "victim_starts": victim.starts,
        "store": figures,
        "duplicates": {t: tables[t]["duplicates_live"] for t in NO_DUPLICATES if t in tables},
        "replay_equal": summary["equal"],
        "differing_tables": {n: (t["live"], t["only_live"]) for n, t in differences(summary).items()},
        "replay_s": summary.get("replay_s"),
        "run_s": round(time.monotonic() - started, 1),
        "phases_s": {k: round(v, 1) for k, v in phases.items()},
    }
    (artifacts_dir / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    assert summary["exit"] == 0, json.dumps(differences(summary), indent=1, default=str)[:6000]
    for table in NO_DUPLICATES:
        assert tables[table]["duplicates_live"] == 0, f"{table}: duplicate rows in the live store"
    assert tables["track_points"]["live"] > 300 and tables["positions"]["live"] > 50
    assert tables["alerts"]["live"] > 0 and tables["incidents"]["live"] > 0
    return result
