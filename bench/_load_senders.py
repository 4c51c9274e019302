"""The load test's feeds, each run in its own process (``multiprocessing``), paced on the wall clock.

Each feed is a TCP server on loopback that the service connects to (``--ais-tcp``, the radar plot-row
listeners), so that every line is either delivered or blocks the sender: TCP has back-pressure, and
loss, if any, is the service's. A feed sends every ``TICK_S`` what is due by then (bounded, so a
blocked socket makes the feed fall behind its schedule rather than burst), and records for each send
the line number of its first line and the wall time just before ``sendall``: the send time of every
line, for the end-to-end lag. It stops by itself after ``duration_s`` and reports its counts.
"""

from __future__ import annotations

import socket
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

AIS_TICK_S = 0.01
RADAR_TICK_S = 0.02
MAX_BEHIND_S = 0.2  # at most this much of the schedule is sent in one tick when catching up
ACCEPT_TIMEOUT_S = 90.0


def _listen() -> socket.socket:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(ACCEPT_TIMEOUT_S)
    return srv


def _accept(srv: socket.socket) -> socket.socket:
    conn, _ = srv.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.settimeout(None)
    return conn


def _wait_go(pipe: Connection) -> float:
    """Block until the orchestrator says go; returns the wall time to start at."""
    msg = pipe.recv()
    assert msg[0] == "go", msg
    return float(msg[1])


def ais_feed(pipe: Connection, rate: float, duration_s: float, vessels: int, in_coverage: int,
             seed: int, corrupt_every: int, out: str) -> None:  # fmt: skip
    """AIS lines at ``rate`` lines/s for ``duration_s`` over one TCP connection."""
    from bench._load_traffic import AisLines, make_vessels

    from watchkeeper.sim import world

    srv = _listen()
    pipe.send(("port", srv.getsockname()[1]))
    fleet = make_vessels(vessels, in_coverage, time.time(), seed, world.packaged_land())
    AisLines(fleet, corrupt_every=corrupt_every).take(100, time.time())  # warm the code paths; not sent
    gen = AisLines(fleet, corrupt_every=corrupt_every)
    conn = _accept(srv)
    pipe.send(("connected", time.time()))
    t_start = _wait_go(pipe)
    firsts: list[int] = []
    sends: list[float] = []
    behind = 0.0
    blocked = 0.0
    reset: str | None = None
    while True:
        now = time.time()
        elapsed = now - t_start
        if elapsed >= duration_s:
            break
        due = int(rate * elapsed) - gen.lines
        if due > 0:
            cap = int(rate * MAX_BEHIND_S) + 1
            lines = gen.take(min(due, cap), now)
            firsts.append(gen.lines - len(lines) + 1)
            t_send = time.time()
            sends.append(t_send)
            try:
                conn.sendall(b"".join(lines))
            except OSError as exc:  # the service dropped the connection: report it, stop sending
                reset = f"{type(exc).__name__} at {t_send - t_start:.1f} s after {gen.lines} lines"
                break
            blocked += time.time() - t_send
            behind = max(behind, elapsed - gen.lines / rate)
        time.sleep(max(0.0, AIS_TICK_S - (time.time() - now)))
    t_end = time.time()
    if reset is None:
        conn.shutdown(socket.SHUT_WR)
    np.savez(out, first_line=np.array(firsts, dtype=np.int64), send_time=np.array(sends, dtype=np.float64))
    report: dict[str, Any] = {
        "connection_reset": reset,
        "lines": gen.lines,
        "positions": gen.positions,
        "statics": gen.statics,
        "corrupt": gen.corrupt,
        "messages": gen.lines - gen.statics,
        "started": t_start,
        "ended": t_end,
        "max_behind_schedule_s": round(behind, 3),
        "blocked_in_send_s": round(blocked, 3),
    }
    pipe.send(("done", report))
    # keep the connection open until told: the service must read everything before it sees EOF
    pipe.recv()
    conn.close()
    srv.close()


def radar_feed(pipe: Connection, plots_per_scan: int, duration_s: float, vessels: int, in_coverage: int,
               seed: int, out: str) -> None:  # fmt: skip
    """Two radars' plot rows over one TCP connection (``serve --radar-tcp``: a plot extractor serving
    both sites), every plot sent at its beam time."""
    from bench._load_traffic import make_vessels, radar_scan_rows

    from watchkeeper.sim import world

    radars = world.RADARS
    srv = _listen()
    pipe.send(("port", srv.getsockname()[1]))
    land = world.packaged_land()
    fleet = make_vessels(vessels, in_coverage, time.time(), seed, land)  # same seed: the AIS feed's fleet
    rng = np.random.default_rng(seed + 1)
    conn = _accept(srv)
    pipe.send(("connected", time.time()))
    t_start = _wait_go(pipe)
    period = radars[0].scan_period_s
    firsts: list[int] = []
    sends: list[float] = []
    sent: Counter[str] = Counter()
    lines = 0
    pending: list[Any] = []
    next_scan = (t_start // period + 1) * period  # scan windows aligned on whole periods (unix time)
    in_range: dict[str, int] = {}
    behind = 0.0
    while True:
        now = time.time()
        if now - t_start >= duration_s:
            break
        if next_scan - now < 0.3:  # make the next scan's plots just before its window opens
            for radar in radars:
                pending.extend(radar_scan_rows(rng, radar, fleet, next_scan, plots_per_scan, land))
                if radar.sensor_id not in in_range:
                    _, dist = world.inverse(radar.lon, radar.lat, fleet.lon, fleet.lat)
                    in_range[radar.sensor_id] = int((dist <= radar.max_range_m).sum())
            pending.sort(key=lambda r: r.time_s)
            next_scan += period
        n = 0
        while n < len(pending) and pending[n].time_s <= now and pending[n].time_s < t_start + duration_s:
            n += 1
        if n:
            firsts.append(lines + 1)
            t_send = time.time()
            sends.append(t_send)
            conn.sendall(b"".join(r.row for r in pending[:n]))
            behind = max(behind, t_send - pending[0].time_s)
            lines += n
            sent.update(r.sensor for r in pending[:n])
            del pending[:n]
        time.sleep(max(0.0, RADAR_TICK_S - (time.time() - now)))
    t_end = time.time()
    conn.shutdown(socket.SHUT_WR)
    np.savez(out, first_line=np.array(firsts, dtype=np.int64), send_time=np.array(sends, dtype=np.float64))
    pipe.send((
        "done",
        {
            "rows": dict(sent), "lines": lines, "vessels_in_range": in_range,
            "started": t_start, "ended": t_end, "max_behind_schedule_s": round(behind, 3),
        },
    ))  # fmt: skip
    pipe.recv()
    conn.close()
    srv.close()


def send_times(npz: Path, line_no: np.ndarray) -> np.ndarray:
    """The send time of each line number (1-based) from a feed's record of its sends."""
    data = np.load(npz)
    first = data["first_line"]
    times = data["send_time"]
    idx = np.searchsorted(first, line_no, side="right") - 1
    out = np.full(line_no.shape, np.nan)
    ok = idx >= 0
    out[ok] = times[idx[ok]]
    return out
