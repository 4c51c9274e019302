"""Load test: AIS and two radars at ten times a busy coastal feed, through NATS JetStream into PostgreSQL.

    .venv/bin/python bench/load.py                  # 300 s at 5,000 AIS lines/s + 2 radars x 500 plots/2.5 s
    .venv/bin/python bench/load.py --mode split     # one `watchkeeper serve --role …` process per role
    .venv/bin/python bench/load.py --duration 30    # a short run while developing
    .venv/bin/python bench/load.py --profile ingest # py-spy one process (raw stacks kept, top frames printed)

Loopback only, bounded in count and time, stops by itself (a hard deadline kills everything it
started). What it starts, and removes afterwards: a private NATS JetStream server on a free loopback
port with its store in a temporary directory (the machine's shared NATS at :4222 holds other people's
streams and durable consumers — ``tracker``, ``alerts`` — that a load test must neither fill nor steal
from; ``--nats-url`` uses an existing server instead), a fresh PostgreSQL database ``wk_load_<hex>`` on
the local server (dropped at the end unless ``--keep-db``), and the service — ``python -m watchkeeper
serve --ais-tcp … --radar-tcp …`` with every role in one process (``--mode all``), or one process per
role (``--mode split``: ``--role ingest`` with the listeners, ``tracker``, ``alerts``, ``api``) — with
``WATCHKEEPER_BUS_URL``, ``_DATABASE_URL``, ``_DATA_DIR`` and ``_RADARS_FILE`` pointing at them. The
private server's ``max_payload`` is ``--nats-max-payload`` (NATS's default, 1MB: at this load one
scan's ``track.update`` is about 8 MB, which the bus sends as parts — ``bus/parts.py``).

Traffic (``bench/_load_traffic.py``, SIMULATED): ``--vessels`` vessels in the strait, each reporting in
turn (type 1, or 18 for a fifth of them; type 5 every 180th report of a class A vessel, two lines; one
line in ``--corrupt-every`` with a wrong checksum, for the rejects ledger), tag-block ``c:`` times in
milliseconds of the send time; and two rotating radars (Langdon Bay, Cap Gris-Nez) each sending exactly
``--plots`` plots per 2.5 s scan — detections of the vessels in range (Pd 0.98) and sea clutter for the
rest — each plot at its beam time; both radars over one plot-row connection. Each feed runs in its
own process and is a TCP server the service connects to (TCP: no line can vanish in between; UDP
receive-buffer drops are counted from /proc/net/snmp all the same).

Measured while it runs: each feed's offered and achieved rate; end-to-end lag of every line, from its
send time to (a) its position row being visible in PostgreSQL (polled every ``POLL_S``), (b) its
report on ``obs.ais`` / its plot on ``obs.radar.<sensor>`` (a NATS subscriber), and of every scan to
its ``track.update``; the RSS of each service process and of the NATS server each second, and their
CPU seconds; JetStream streams, the durable consumers' pending counts and the largest messages. After
the run (bounded drain): the loss check — every line sent is in the input log, and each is then either
accepted (position rows, vessel statics) or in the rejects ledger, counts equal exactly.

Peer, in the same run: a bare backbone — the same AIS lines published to JetStream by a paced
publisher, a pull consumer COPYing each line into a PostgreSQL table (no decoding, no picture) — at the
same offered rate for ``--peer-duration`` seconds, with its lag measured the same way (send → row
visible). Ratios printed: achieved / offered, and our lag percentiles / the bare pipeline's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench._load_* when run as a script
PG_ADMIN = os.environ.get("WATCHKEEPER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NATS_SERVER = "/usr/sbin/nats-server"
POLL_S = 0.1
DRAIN_S = 90.0

_LOG_SEQ = re.compile(rb'"log_seq":\s*(\d+)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: np.ndarray) -> dict[str, float | int | None]:
    v = values[~np.isnan(values)]
    if not v.size:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    p50, p95, p99 = np.percentile(v, [50, 95, 99])
    return {"n": int(v.size), "p50": round(float(p50), 3), "p95": round(float(p95), 3),
            "p99": round(float(p99), 3), "max": round(float(v.max()), 3)}  # fmt: skip


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` and its threads so far (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def udp_errors() -> dict[str, int]:
    """System-wide UDP receive-buffer and input errors (/proc/net/snmp)."""
    lines = [ln.split() for ln in Path("/proc/net/snmp").read_text().splitlines() if ln.startswith("Udp:")]
    return {
        k: int(v)
        for k, v in zip(lines[0][1:], lines[1][1:], strict=True)
        if k in ("InErrors", "RcvbufErrors")
    }


def sqlalchemy_to_libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


# -- the watch on the service ---------------------------------------------------------------------


@dataclass
class Watch:
    """What the monitor collects while the service runs."""

    db_seq: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    db_seen: array = field(default_factory=lambda: array("d"))  # type: ignore[type-arg]
    bus_ais_seq: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    bus_ais_seen: array = field(default_factory=lambda: array("d"))  # type: ignore[type-arg]
    bus_radar_seq: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    bus_radar_seen: array = field(default_factory=lambda: array("d"))  # type: ignore[type-arg]
    radar_by_subject: Counter[str] = field(default_factory=Counter)
    max_bytes: Counter[str] = field(default_factory=Counter)  # the largest whole message per subject
    max_part_bytes: int = 0  # the largest message on the wire (a whole, or a part of a larger one)
    tracks: list[tuple[float, str, int]] = field(default_factory=list)  # (seen, scan time, n tracks)
    rss: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    db_error: str | None = None


def poll_db(url: str, watch: Watch) -> None:
    """Every ``POLL_S``: the position rows committed since the last poll, with the time they were seen."""
    import psycopg

    last = 0
    conn = None
    while not watch.stop.is_set():
        t0 = time.time()
        try:
            if conn is None:
                conn = psycopg.connect(url, autocommit=True)
            rows = conn.execute(
                "SELECT id, log_seq FROM positions WHERE id > %s ORDER BY id", (last,)
            ).fetchall()
            seen = time.time()
            if rows:
                last = rows[-1][0]
                watch.db_seq.extend(r[1] for r in rows)
                watch.db_seen.extend([seen] * len(rows))
        except Exception as exc:  # the table appears when the service has migrated the store
            watch.db_error = str(exc).splitlines()[0]
            if conn is not None:
                conn.close()
                conn = None
        time.sleep(max(0.0, POLL_S - (time.time() - t0)))
    if conn is not None:
        conn.close()


async def watch_bus(nats_url: str, prefix: str, watch: Watch, pids: dict[str, int]) -> None:
    import nats

    from watchkeeper.bus.parts import Reassembler

    nc = await nats.connect(nats_url)
    js = nc.jetstream()

    def whole(handler: Any) -> Any:
        """Messages over max_payload come as parts (``bus/parts.py``): see each whole once."""
        parts: Reassembler[None] = Reassembler(10_000, 60.0)

        async def on_msg(msg: Any) -> None:
            watch.max_part_bytes = max(watch.max_part_bytes, len(msg.data))
            ready = parts.offer(msg.headers, msg.data, 0, None)
            parts.expire()
            if ready is not None and ready.payload is not None:
                await handler(SimpleNamespace(subject=msg.subject, data=ready.payload))

        return on_msg

    async def on_ais(msg: Any) -> None:
        seqs = [int(s) for s in _LOG_SEQ.findall(msg.data)]
        watch.max_bytes["obs.ais"] = max(watch.max_bytes["obs.ais"], len(msg.data))
        watch.bus_ais_seq.extend(seqs)
        watch.bus_ais_seen.extend([time.time()] * len(seqs))

    async def on_radar(msg: Any) -> None:
        seqs = [int(s) for s in _LOG_SEQ.findall(msg.data)]
        watch.radar_by_subject[msg.subject] += len(seqs)
        watch.bus_radar_seq.extend(seqs)
        watch.bus_radar_seen.extend([time.time()] * len(seqs))

    async def on_track(msg: Any) -> None:
        seen = time.time()
        head = msg.data[:200].decode("ascii", "replace")
        m = re.search(r'"time":\s*"([^"]+)"', head)
        watch.tracks.append((seen, m.group(1) if m else "", msg.data.count(b'"track_id"')))
        watch.max_bytes["track.update"] = max(watch.max_bytes["track.update"], len(msg.data))

    async def on_picture(msg: Any) -> None:
        watch.max_bytes["picture.update"] = max(watch.max_bytes["picture.update"], len(msg.data))

    await nc.subscribe(prefix + "obs.ais", cb=whole(on_ais))
    await nc.subscribe(prefix + "obs.radar.>", cb=whole(on_radar))
    await nc.subscribe(prefix + "track.update", cb=whole(on_track))
    await nc.subscribe(prefix + "picture.update", cb=whole(on_picture))
    tick = 0
    while not watch.stop.is_set():
        now = time.time()
        for name, pid in pids.items():
            mb = rss_mb(pid)
            if mb is not None:
                watch.rss.setdefault(name, []).append((now, mb))
        if tick % 5 == 0:
            watch.pending.append(await jetstream_state(js, now))
        tick += 1
        await asyncio.sleep(1.0)
    await nc.drain()


async def jetstream_state(js: Any, now: float) -> dict[str, Any]:
    state: dict[str, Any] = {"t": now, "streams": {}, "consumers": {}}
    try:
        for info in await js.streams_info():
            name = info.config.name
            state["streams"][name] = {"messages": info.state.messages, "bytes": info.state.bytes}
            for c in await js.consumers_info(name):
                state["consumers"][f"{name}/{c.name}"] = {
                    "pending": c.num_pending, "ack_pending": c.num_ack_pending,
                }  # fmt: skip
    except Exception as exc:
        state["error"] = str(exc)
    return state


# -- after the run ---------------------------------------------------------------------------------


def read_inputlog(directory: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per source: (seq, line_no) arrays of every record of the input log in ``directory``."""
    from watchkeeper.ingest.inputlog import read_log

    seqs: dict[str, array] = {}  # type: ignore[type-arg]
    nos: dict[str, array] = {}  # type: ignore[type-arg]
    for rec in read_log(directory):
        if rec.source not in seqs:
            seqs[rec.source], nos[rec.source] = array("q"), array("q")
        seqs[rec.source].append(rec.log_seq)
        nos[rec.source].append(rec.line_no)
    return {s: (np.frombuffer(seqs[s], dtype=np.int64), np.frombuffer(nos[s], dtype=np.int64)) for s in seqs}


def lag_by_seq(
    seen_seq: array,
    seen_t: array,
    log: tuple[np.ndarray, np.ndarray],
    npz: Path,  # type: ignore[type-arg]
) -> np.ndarray:
    """Lag (s) of each observed log sequence number of one source: seen time − send time of its line."""
    from bench._load_senders import send_times

    seq = np.frombuffer(seen_seq, dtype=np.int64)
    seen = np.frombuffer(seen_t, dtype=np.float64)
    # first sighting of each: a publish retried after a lost acknowledgement reaches core-NATS
    # subscribers twice, though JetStream's duplicate window keeps one copy in the stream
    seq, first = np.unique(seq, return_index=True)
    seen = seen[first]
    log_seq, log_line = log
    order = np.argsort(log_seq)
    log_seq, log_line = log_seq[order], log_line[order]
    pos = np.searchsorted(log_seq, seq)
    ok = (pos < log_seq.size) & (log_seq[np.minimum(pos, log_seq.size - 1)] == seq)
    line = log_line[np.minimum(pos, log_seq.size - 1)][ok]
    return seen[ok] - send_times(npz, line)


def db_counts(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        positions = dict(conn.execute("SELECT source, count(*) FROM positions GROUP BY source").fetchall())
        dup = conn.execute("SELECT count(*) - count(DISTINCT log_seq) FROM positions").fetchone()[0]
        rejects = conn.execute(
            "SELECT source, reason, count(*) FROM rejects GROUP BY source, reason"
        ).fetchall()
        vessels = conn.execute("SELECT count(*), count(name) FROM vessels").fetchone()
        points = conn.execute("SELECT count(*), count(DISTINCT track_id) FROM track_points").fetchone()
    return {
        "positions": positions,
        "position_duplicates": int(dup),
        "rejects": [(s, r, int(n)) for s, r, n in rejects],
        "vessels": int(vessels[0]),
        "vessels_named": int(vessels[1]),
        "track_points": int(points[0]),
        "tracks": int(points[1]),
    }


# -- the peer: a bare NATS publish → PostgreSQL COPY pipeline --------------------------------------


def peer_publisher(nats_url: str, rate: float, duration_s: float, vessels: int, seed: int, out: str,
                   pipe: Any) -> None:  # fmt: skip
    """The same AIS lines at the same rate, published to JetStream (one message per tick's lines)."""

    async def main() -> None:
        import nats
        from bench._load_traffic import AisLines, make_vessels

        from watchkeeper.sim import world

        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        gen = AisLines(
            make_vessels(vessels, 0, time.time(), seed, world.packaged_land()), corrupt_every=10**9
        )
        pipe.send("ready")
        pipe.recv()
        t_start = time.time()
        firsts: list[int] = []
        sends: list[float] = []
        while time.time() - t_start < duration_s:
            now = time.time()
            due = int(rate * (now - t_start)) - gen.lines
            if due > 0:
                lines = gen.take(min(due, int(rate * 0.2) + 1), now)
                first = gen.lines - len(lines) + 1
                firsts.append(first)
                sends.append(time.time())
                await js.publish("peer.ais", b"".join(lines), headers={"first": str(first)})
            await asyncio.sleep(max(0.0, 0.01 - (time.time() - now)))
        np.savez(
            out, first_line=np.array(firsts, dtype=np.int64), send_time=np.array(sends, dtype=np.float64)
        )
        pipe.send(gen.lines)
        await nc.drain()

    asyncio.run(main())


def peer_consumer(nats_url: str, db_url: str, stop_at_lines: Any, pipe: Any) -> None:
    """Pull batches, COPY every line (line number, raw) into ``peer_lines``, commit, ack."""

    async def main() -> None:
        import nats
        import psycopg

        conn = psycopg.connect(db_url)
        conn.execute("CREATE TABLE peer_lines (id bigserial PRIMARY KEY, line_no bigint UNIQUE, raw bytea)")
        conn.commit()
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        psub = await js.pull_subscribe("peer.ais", durable="peer")
        pipe.send("ready")
        done = 0
        while stop_at_lines.value == 0 or done < stop_at_lines.value:
            try:
                msgs = await psub.fetch(batch=256, timeout=0.2)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            with conn.cursor() as cur, cur.copy("COPY peer_lines (line_no, raw) FROM STDIN") as copy:
                for msg in msgs:
                    first = int(msg.headers["first"])
                    for i, line in enumerate(msg.data.splitlines()):
                        copy.write_row((first + i, line))
                        done += 1
            conn.commit()
            for msg in msgs:
                await msg.ack()
        await nc.drain()
        conn.close()

    asyncio.run(main())


def run_peer(nats_url: str, db_url: str, rate: float, duration_s: float, vessels: int, seed: int,
             tmp: Path) -> dict[str, Any]:  # fmt: skip
    import nats

    async def setup() -> None:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await js.add_stream(name="PEER", subjects=["peer.>"])
        await nc.drain()

    asyncio.run(setup())
    ctx = mp.get_context("spawn")
    stop_at = ctx.Value("q", 0)
    pub_here, pub_there = ctx.Pipe()
    con_here, con_there = ctx.Pipe()
    npz = tmp / "peer_sends.npz"
    consumer = ctx.Process(target=peer_consumer, args=(nats_url, db_url, stop_at, con_there), daemon=True)
    publisher = ctx.Process(target=peer_publisher, args=(nats_url, rate, duration_s, vessels, seed, str(npz),
                                                         pub_there), daemon=True)  # fmt: skip
    consumer.start()
    publisher.start()
    for pipe in (con_here, pub_here):
        if not pipe.poll(60) or pipe.recv() != "ready":
            raise RuntimeError("the peer did not start")
    watch = Watch()
    poller = threading.Thread(target=_poll_peer, args=(sqlalchemy_to_libpq(db_url), watch), daemon=True)
    poller.start()
    pids = {"peer publisher": publisher.pid or 0, "peer consumer": consumer.pid or 0}
    pub_here.send("go")
    t0 = time.time()
    rss: dict[str, float] = {}
    while publisher.is_alive():
        for name, pid in pids.items():
            rss[name] = max(rss.get(name, 0.0), rss_mb(pid) or 0.0)
        time.sleep(0.5)
    sent = int(pub_here.recv()) if pub_here.poll(5) else 0
    stop_at.value = sent
    consumer.join(timeout=DRAIN_S)
    watch.stop.set()
    poller.join()
    if consumer.is_alive():
        consumer.kill()
    seq = np.frombuffer(watch.db_seq, dtype=np.int64)
    from bench._load_senders import send_times

    lag = np.frombuffer(watch.db_seen, dtype=np.float64) - send_times(npz, seq)
    return {"lines_sent": sent, "rows": int(seq.size), "seconds": round(time.time() - t0, 1),
            "offered_per_s": round(sent / duration_s, 1), "lag_s": pct(lag), "max_rss_mb": rss}  # fmt: skip


def _poll_peer(url: str, watch: Watch) -> None:
    import psycopg

    last = 0
    with psycopg.connect(url, autocommit=True) as conn:
        while not watch.stop.is_set():
            t0 = time.time()
            try:
                rows = conn.execute(
                    "SELECT id, line_no FROM peer_lines WHERE id > %s ORDER BY id", (last,)
                ).fetchall()
            except psycopg.errors.UndefinedTable:
                rows = []
            seen = time.time()
            if rows:
                last = rows[-1][0]
                watch.db_seq.extend(r[1] for r in rows)
                watch.db_seen.extend([seen] * len(rows))
            time.sleep(max(0.0, POLL_S - (time.time() - t0)))


# -- the run ---------------------------------------------------------------------------------------


class Stack:
    """Everything the run started, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen[bytes] | mp.process.BaseProcess]] = []
        self.cleanups: list[Any] = []

    def stop(self) -> None:
        for _name, proc in reversed(self.procs):
            if isinstance(proc, subprocess.Popen):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
            elif proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        self.procs.clear()
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as exc:
                print(f"cleanup: {exc}", file=sys.stderr)
        self.cleanups.clear()


def start_nats(tmp: Path, stack: Stack, max_payload: str) -> tuple[str, int]:
    port = free_port()
    store = tmp / "nats"
    store.mkdir()
    config = tmp / "nats.conf"
    config.write_text(f"max_payload: {max_payload}\n")
    proc = subprocess.Popen(
        [NATS_SERVER, "-c", str(config), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store),
         "-l", str(tmp / "nats.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    stack.procs.append(("nats-server", proc))
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"nats://127.0.0.1:{port}", proc.pid
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("private nats-server did not start")


def create_db(stack: Stack, keep: bool) -> str:
    from sqlalchemy import create_engine, text

    name = f"wk_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        if keep:
            print(f"kept database {name}")
            return
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})  # fmt: skip
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    stack.cleanups.append(drop)
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def sensors_file(path: Path) -> None:
    from watchkeeper.sim import world

    radars = [
        {"sensor_id": r.sensor_id, "lat": r.lat, "lon": r.lon, "height_m": r.height_m,
         "scan_period_s": r.scan_period_s, "range_sigma_m": r.range_sigma_m,
         "bearing_sigma_deg": r.bearing_sigma_deg, "max_range_m": r.max_range_m,
         "polar_frame": "geodetic"}  # slant range, true bearing: what sim.radar.scan makes
        for r in world.RADARS
    ]  # fmt: skip
    start = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    body = {"simulated": True, "generator": "bench/load.py", "start_utc": start, "radars": radars}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="ascii")


def pg_backend_rss(url: str, db: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db,))]
    return sum(rss_mb(p) or 0.0 for p in pids)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench._load_senders import ais_feed, radar_feed

    stack = Stack()
    if args.keep_dir:  # logs, input logs, send records kept for a look afterwards
        tmp = Path(args.keep_dir) / time.strftime("%Y%m%dT%H%M%S")
        tmp.mkdir(parents=True)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="wk-load-"))
        stack.cleanups.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    deadline = args.duration + args.drain + 300.0 + (args.peer_duration + 90.0 if args.peer_duration else 0.0)

    def hard_stop(signum: int, frame: object) -> None:
        print(f"hard stop after {deadline:.0f} s: stopping everything", file=sys.stderr)
        stack.stop()
        os._exit(3)

    signal.signal(signal.SIGALRM, hard_stop)
    signal.alarm(int(deadline))
    try:
        return _run(args, stack, tmp, ais_feed, radar_feed)
    finally:
        signal.alarm(0)
        stack.stop()


def _run(args: argparse.Namespace, stack: Stack, tmp: Path, ais_feed: Any, radar_feed: Any) -> dict[str, Any]:
    report: dict[str, Any] = {"command": " ".join(sys.argv), "load_average_start": os.getloadavg()}
    nats_pid = 0
    namespace = ""
    if args.nats_url:  # a shared server: our own subjects and streams, deleted afterwards
        nats_url = args.nats_url
        namespace = f"load{uuid.uuid4().hex[:8]}"
        stack.cleanups.append(lambda: asyncio.run(_delete_streams(nats_url, namespace)))
    else:
        nats_url, nats_pid = start_nats(tmp, stack, args.nats_max_payload)
    prefix = f"{namespace}." if namespace else ""
    db_url = create_db(stack, args.keep_db)
    db_name = db_url.rsplit("/", 1)[1]
    data_dir = tmp / "data"
    data_dir.mkdir()
    radars = tmp / "sensors.json"
    sensors_file(radars)

    ctx = mp.get_context("spawn")
    ais_here, ais_there = ctx.Pipe()
    radar_here, radar_there = ctx.Pipe()
    ais_npz, radar_npz = tmp / "ais_sends.npz", tmp / "radar_sends.npz"
    ais_args = (ais_there, args.ais_rate, args.duration, args.vessels, args.in_coverage, args.seed,
                args.corrupt_every, str(ais_npz))  # fmt: skip
    ais_proc = ctx.Process(target=ais_feed, daemon=True, args=ais_args)
    radar_proc = ctx.Process(
        target=radar_feed,
        daemon=True,
        args=(
            radar_there,
            args.plots,
            args.duration,
            args.vessels,
            args.in_coverage,
            args.seed,
            str(radar_npz),
        ),
    )
    for name, p in (("ais feed", ais_proc), ("radar feed", radar_proc)):
        p.start()
        stack.procs.append((name, p))
    ais_port = ais_here.recv()[1]
    radar_port = radar_here.recv()[1]

    env = dict(os.environ)
    env.update({
        "WATCHKEEPER_BUS_URL": nats_url,
        "WATCHKEEPER_BUS_NAMESPACE": namespace,
        "WATCHKEEPER_DATABASE_URL": db_url,
        "WATCHKEEPER_DATA_DIR": str(data_dir),
        "WATCHKEEPER_RADARS_FILE": str(radars),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    })  # fmt: skip
    serve = [sys.executable, "-m", "watchkeeper", "serve"]
    feeds = ["--ais-tcp", f"127.0.0.1:{ais_port}", "--radar-tcp", f"127.0.0.1:{radar_port}"]
    api = ["--port", str(free_port())]
    if args.mode == "split":
        commands = {
            "ingest": [*serve, "--role", "ingest", *feeds],
            "tracker": [*serve, "--role", "tracker"],
            "alerts": [*serve, "--role", "alerts"],
            "api": [*serve, "--role", "api", *api],
        }
    else:
        commands = {"service": [*serve, *api, *feeds]}
    services: dict[str, subprocess.Popen[bytes]] = {}
    logs = {}
    for name, cmd in commands.items():
        logs[name] = (tmp / f"{name}.log").open("wb")
        services[name] = subprocess.Popen(cmd, env=env, stdout=logs[name], stderr=subprocess.STDOUT,
                                          start_new_session=True)  # fmt: skip
        stack.procs.append((name, services[name]))
    report["service"] = {name: "watchkeeper " + " ".join(cmd[3:]) for name, cmd in commands.items()}

    watch = Watch()
    pids = {name: p.pid for name, p in services.items()}
    if nats_pid:
        pids["nats-server"] = nats_pid
    poller = threading.Thread(target=poll_db, args=(sqlalchemy_to_libpq(db_url), watch), daemon=True)
    poller.start()
    bus_thread = threading.Thread(
        target=lambda: asyncio.run(watch_bus(nats_url, prefix, watch, pids)), daemon=True
    )
    bus_thread.start()

    def service_logs() -> str:
        return "\n".join(f"--- {name}:\n" + _tail(tmp / f"{name}.log") for name in commands)

    # both feeds connected (the service is up and reading), then go together
    for pipe in (ais_here, radar_here):
        if not pipe.poll(120):
            raise RuntimeError("the service did not connect to the feeds:\n" + service_logs())
        pipe.recv()
    time.sleep(1.0)
    udp_before = udp_errors()
    cpu_before = {name: cpu_s(pid) for name, pid in pids.items()}
    t_go = time.time() + 0.5
    ais_here.send(("go", t_go))
    radar_here.send(("go", t_go))
    spy = None
    if args.profile:
        spy_bin = Path(sys.executable).parent / "py-spy"
        spy = subprocess.Popen(
            [
                str(spy_bin),
                "record",
                "--pid",
                str(pids[args.profile]),
                "--duration",
                str(int(args.duration)),
                "--rate",
                "50",
                "--format",
                "raw",
                "--output",
                str(tmp / f"profile-{args.profile}.txt"),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.procs.append(("py-spy", spy))
    print(f"running {args.duration:.0f} s: {args.ais_rate:.0f} AIS lines/s, 2 radars x {args.plots} plots "
          f"per 2.5 s; {args.mode}: {pids}", file=sys.stderr)  # fmt: skip
    pg_rss = 0.0
    while ais_proc.is_alive() and not ais_here.poll(1.0):
        pg_rss = max(pg_rss, pg_backend_rss(sqlalchemy_to_libpq(PG_ADMIN), db_name))
        for name, proc in services.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n" + service_logs())
    if not ais_here.poll(10):
        raise RuntimeError("the AIS feed ended without its counts:\n" + service_logs())
    ais_sent = ais_here.recv()[1]
    cpu_run = {name: cpu_s(pid) for name, pid in pids.items()}
    radar_sent = radar_here.recv()[1] if radar_here.poll(10) else {}
    t_end = time.time()

    # drain, bounded: every position row in the store, every plot on the bus, the consumers caught up
    want_rows = ais_sent["positions"]
    want_plots = sum(radar_sent.get("rows", {}).values())
    drained = None
    while time.time() - t_end < args.drain:
        state = watch.pending[-1] if watch.pending else {}
        behind = sum(c["pending"] + c["ack_pending"] for c in state.get("consumers", {}).values())
        if len(watch.db_seq) >= want_rows and len(watch.bus_radar_seq) >= want_plots and behind == 0 \
                and state.get("t", 0) > t_end:  # fmt: skip
            drained = round(time.time() - t_end, 1)
            break
        time.sleep(0.5)
    report["drain_s"] = drained if drained is not None else f"not drained within {args.drain:.0f} s"
    cpu_drained = {name: cpu_s(pid) for name, pid in pids.items()}
    report["cpu_s"] = {
        name: {
            "during_run": _delta(cpu_run[name], cpu_before[name]),
            "run_and_drain": _delta(cpu_drained[name], cpu_before[name]),
        }
        for name in pids
    }
    report["udp_errors_delta"] = {k: v - udp_before[k] for k, v in udp_errors().items()}
    final_state = asyncio.run(_final_state(nats_url))
    watch.stop.set()
    poller.join()
    bus_thread.join(timeout=10)
    ais_here.send("close")
    radar_here.send("close")
    for proc in services.values():
        proc.send_signal(signal.SIGINT)
    for proc in services.values():
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    for fh in logs.values():
        fh.close()

    # -- the figures --
    duration = ais_sent["ended"] - ais_sent["started"]
    ais_log = read_inputlog(data_dir / "inputlog")
    radar_log = read_inputlog(data_dir / "inputlog-radar")
    counts = db_counts(sqlalchemy_to_libpq(db_url))
    ais_sources = [s for s in ais_log if s.startswith(f"tcp:127.0.0.1:{ais_port}#")]
    ais_logged = sum(ais_log[s][0].size for s in ais_sources)
    ais_rejects = Counter()
    for source, reason, n in counts["rejects"]:
        if source in ais_sources:
            ais_rejects[reason] += n
    ais_rows = sum(n for s, n in counts["positions"].items() if s in ais_sources)
    (ais_source,) = ais_sources if len(ais_sources) == 1 else (ais_sources[0],)
    db_lag = lag_by_seq(watch.db_seq, watch.db_seen, ais_log[ais_source], ais_npz)
    bus_lag = lag_by_seq(watch.bus_ais_seq, watch.bus_ais_seen, ais_log[ais_source], ais_npz)
    radar_sources = [s for s in radar_log if s.startswith(f"tcp:127.0.0.1:{radar_port}#")]
    radar_logged = sum(radar_log[s][0].size for s in radar_sources)
    radar_rejected = sum(n for s, _r, n in counts["rejects"] if s in radar_sources)
    radar_lag = (
        lag_by_seq(watch.bus_radar_seq, watch.bus_radar_seen, radar_log[radar_sources[0]], radar_npz)
        if radar_sources else np.zeros(0)
    )  # fmt: skip
    radar_report: dict[str, Any] = {}
    for sensor, sent in radar_sent.get("rows", {}).items():
        radar_report[sensor] = {
            "rows_sent": sent, "offered_per_s": round(args.plots / 2.5, 1),
            "achieved_per_s": round(sent / duration, 1),
            "plots_on_bus": watch.radar_by_subject.get(f"{prefix}obs.radar.{sensor}", 0),
            "vessels_in_range": radar_sent.get("vessels_in_range", {}).get(sensor),
        }  # fmt: skip
    plots_seq = np.frombuffer(watch.bus_radar_seq, dtype=np.int64)
    radar_unique = int(np.unique(plots_seq).size)
    radar_dup = int(plots_seq.size - radar_unique)
    track_lag = []
    from datetime import datetime

    for seen, scan_iso, _n in watch.tracks:
        if scan_iso:
            track_lag.append(seen - datetime.fromisoformat(scan_iso.replace("Z", "+00:00")).timestamp())
    accepted = ais_logged - sum(ais_rejects.values())
    report["ais"] = {
        "offered_per_s": args.ais_rate,
        "lines_sent": ais_sent["lines"],
        "messages_sent": ais_sent["messages"],
        "achieved_per_s": round(ais_sent["lines"] / duration, 1),
        "ratio_achieved_to_offered": round(ais_sent["lines"] / duration / args.ais_rate, 3),
        "position_rows_stored_during_run_per_s": round(
            int((np.frombuffer(watch.db_seen, dtype=np.float64) <= t_end).sum()) / duration, 1
        ),
        "max_behind_schedule_s": ais_sent["max_behind_schedule_s"],
        "connection_reset_by_service": ais_sent["connection_reset"],
        "sender_blocked_s": ais_sent["blocked_in_send_s"],
        "loss_check": {
            "sent": ais_sent["lines"],
            "input_log": ais_logged,
            "lost_before_log": ais_sent["lines"] - ais_logged,
            "rejected": dict(ais_rejects),
            "corrupt_sent": ais_sent["corrupt"],
            "accepted": accepted,
            "accepted_expected": ais_sent["positions"] + 2 * ais_sent["statics"],
            "position_rows": ais_rows,
            "position_lines_sent": ais_sent["positions"],
            "position_row_duplicates": counts["position_duplicates"],
            "ok": ais_logged == ais_sent["lines"]
            and sum(ais_rejects.values()) == ais_sent["corrupt"]
            and ais_rows == ais_sent["positions"]
            and accepted == ais_sent["positions"] + 2 * ais_sent["statics"],
        },
        "lag_to_postgres_s": pct(db_lag),
        "lag_to_obs_ais_s": pct(bus_lag),
        "vessels": counts["vessels"],
        "vessels_named": counts["vessels_named"],
    }
    report["radar"] = {
        "per_sensor": radar_report,
        "loss_check": {
            "sent": radar_sent.get("lines"),
            "input_log": radar_logged,
            "rejected": radar_rejected,
            "plots_on_bus": radar_unique,
            "copies_seen_twice_on_core_nats": radar_dup,
            "ok": radar_logged == radar_sent.get("lines")
            and radar_rejected == 0
            and radar_unique == radar_logged,
        },
        "lag_to_obs_radar_s": pct(radar_lag),
        "max_behind_schedule_s": radar_sent.get("max_behind_schedule_s"),
    }
    report["tracks"] = {
        "track_updates": len(watch.tracks),
        "scans_expected": int(duration / 2.5),
        "lag_scan_end_to_track_update_s": pct(np.array(track_lag)),
        "lateness_window_s": 2.5,
        "track_points": counts["track_points"],
        "tracks": counts["tracks"],
        "max_tracks_in_update": max((n for _s, _t, n in watch.tracks), default=0),
    }
    report["memory_mb"] = {name: {"max": round(max(v for _t, v in series), 1), "end": round(series[-1][1], 1)}
                           for name, series in watch.rss.items()}  # fmt: skip
    report["memory_mb"]["postgres backends of the db (max sum of VmRSS)"] = round(pg_rss, 1)
    report["memory_mb"]["series every 30 s (s from start, MB)"] = {
        name: [(round(t - t_end + duration), round(v, 1)) for t, v in series[::30]]
        for name, series in watch.rss.items()
    }
    max_pending: dict[str, int] = {}
    for state in watch.pending:
        for name, c in state.get("consumers", {}).items():
            max_pending[name] = max(max_pending.get(name, 0), c["pending"] + c["ack_pending"])
    report["jetstream"] = {
        "max_pending_per_consumer": max_pending,
        "end": final_state,
        "largest_message_bytes": dict(watch.max_bytes),
        "largest_wire_message_bytes": watch.max_part_bytes,
    }
    report["load_average_end"] = os.getloadavg()
    if spy is not None:
        spy.wait(timeout=60)
        report["profile"] = {"process": args.profile, **top_frames(tmp / f"profile-{args.profile}.txt")}
    report["service_log_errors"] = {}
    for name in commands:
        lines = (tmp / f"{name}.log").read_text(errors="replace").splitlines()
        errors = Counter(
            ln.split(":")[-1].strip()[:120] for ln in lines if ln.startswith("nats.errors") or "ERROR" in ln
        )
        report["service_log_errors"][name] = dict(errors.most_common(10))
    if args.peer_duration:
        print(json.dumps(report, indent=2, default=str), file=sys.stderr)  # in case the peer fails
        peer_db = create_db(stack, False)
        report["peer"] = run_peer(nats_url, sqlalchemy_to_libpq(peer_db), args.ais_rate, args.peer_duration,
                                  args.vessels, args.seed, tmp)  # fmt: skip
        ours, bare = report["ais"]["lag_to_postgres_s"], report["peer"]["lag_s"]
        report["ratios"] = {
            "ais_achieved_to_offered": report["ais"]["ratio_achieved_to_offered"],
            "peer_achieved_to_offered": round(report["peer"]["offered_per_s"] / args.ais_rate, 3),
            **{f"lag_{k}_ours_to_bare": round(ours[k] / bare[k], 2) for k in ("p50", "p95", "p99", "max")
               if ours.get(k) and bare.get(k)},
        }  # fmt: skip
    return report


def top_frames(path: Path, n: int = 25) -> dict[str, Any]:
    """Share of samples in each function (inclusive, and where the sample was taken) from py-spy's raw
    (collapsed) output."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    if not path.exists():
        return {"error": "no profile written"}
    for line in path.read_text(errors="replace").splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [re.sub(r" \((?:/.*/)?([^/]+\.py):\d+\)", r" (\1)", f) for f in stack_text.split(";")]
        for f in set(frames):
            inclusive[f] += count
        leaf[frames[-1]] += count
    share = lambda c: round(100.0 * c / max(total, 1), 1)  # noqa: E731
    return {
        "samples": total,
        "inclusive_percent": {f: share(c) for f, c in inclusive.most_common(n)},
        "self_percent": {f: share(c) for f, c in leaf.most_common(n)},
    }


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def _tail(path: Path, n: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


async def _delete_streams(nats_url: str, namespace: str) -> None:
    import nats

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for info in await js.streams_info():
        if info.config.name.startswith(namespace.upper() + "_"):
            await js.delete_stream(info.config.name)
    await nc.drain()


async def _final_state(nats_url: str) -> dict[str, Any]:
    import nats

    nc = await nats.connect(nats_url)
    state = await jetstream_state(nc.jetstream(), time.time())
    await nc.drain()
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of traffic (default 300)")
    parser.add_argument("--ais-rate", type=float, default=5000.0, help="AIS lines per second")
    parser.add_argument("--plots", type=int, default=500, help="plots per 2.5 s scan, each radar")
    parser.add_argument("--vessels", type=int, default=10_000)
    parser.add_argument("--in-coverage", type=int, default=700, help="vessels within the radars' range")
    parser.add_argument("--corrupt-every", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--peer-duration", type=float, default=30.0, help="seconds of the bare peer; 0 = none"
    )
    parser.add_argument(
        "--nats-url",
        default=None,
        help="use this NATS server (own namespace, streams deleted after) instead of a private one",
    )
    parser.add_argument(
        "--mode",
        choices=("all", "split"),
        default="all",
        help="all roles in one serve process, or one process per role",
    )
    parser.add_argument(
        "--nats-max-payload",
        default="1MB",
        help="max_payload of the private NATS server (NATS's default; larger messages go as parts)",
    )
    parser.add_argument("--profile", default=None, help="py-spy this process (service, ingest, tracker, …)")
    parser.add_argument(
        "--drain", type=float, default=300.0, help="the longest wait for the backlog to clear"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--keep-dir", default=None, help="keep the run's files (logs, input logs) here")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "load"))
    args = parser.parse_args()
    report = run(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"load-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(json.dumps(report, indent=2, default=str))
    print(f"written {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
