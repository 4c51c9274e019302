"""Fixtures of the crash tests: a private NATS JetStream server and two fresh PostgreSQL databases.

The service's streams and durable consumers have fixed names (``bus/nats.py``), so a test that kills and
restarts it gets a NATS server of its own (the machine's real ``nats-server``, its own port and store),
never the shared one where other runs' messages would reach its consumers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[str]:
    if not Path(NATS_SERVER).is_file():
        if os.environ.get("CI"):
            pytest.fail("nats-server is required in CI")
        pytest.skip("nats-server is not installed")
    port = _free_port()
    store = tmp_path / "nats"
    proc = subprocess.Popen(
        [NATS_SERVER, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the private nats-server did not start")
                time.sleep(0.1)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def crash_stores(pg_server: str) -> Iterator[tuple[str, str]]:
    """(live, replay): two fresh PostgreSQL databases, dropped afterwards."""
    names = [f"wk_crash_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = pg_server.rsplit("/", 1)[0]
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    with admin.connect() as conn:
        for name in names:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()
