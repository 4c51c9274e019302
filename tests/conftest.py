"""Shared test fixtures: paths to ../shared, a migrated SQLite store, the real PostgreSQL server.

Services a test needs are started here when stopped; in CI (``CI`` set) a missing service is a failure,
never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from watchkeeper.store.db import make_engine, upgrade

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WATCHKEEPER_SHARED", REPO.parent / "shared")).resolve()
DATA = SHARED / "data"
SCENARIOS = SHARED / "scenarios"
ARTIFACTS = REPO / "test-artifacts"
PG_ADMIN_URL = os.environ.get("WATCHKEEPER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _unavailable(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI and could not be started")
    pytest.skip(f"{what} not available on this machine")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not DATA.is_dir():
        _unavailable(f"shared data at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    if not SCENARIOS.is_dir():
        _unavailable(f"shared scenarios at {SCENARIOS}")
    return SCENARIOS


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watchkeeper.db'}"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    eng = make_engine(sqlite_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def _pg_alive() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


def _postgis_installed() -> bool:
    eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with eng.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"))
            return found.first() is not None
    finally:
        eng.dispose()


def ensure_postgis() -> None:
    """PostGIS on the server (migration 0011 creates the extension in each database it migrates):
    when the package is missing, ``scripts/services.sh`` installs it (Debian, root or sudo)."""
    if _postgis_installed():
        return
    subprocess.run([str(REPO / "scripts" / "services.sh")], check=False, capture_output=True, timeout=900)
    if not _postgis_installed():
        _unavailable("PostGIS (Debian package postgresql-<major>-postgis-3) on the PostgreSQL server")


def ensure_postgres() -> None:
    """Start the machine's PostgreSQL cluster if it is stopped; install PostGIS there if missing."""
    if _pg_alive():
        ensure_postgis()
        return
    if shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
        for version in sorted(os.listdir("/etc/postgresql")):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
                capture_output=True,
            )
        for _ in range(30):
            if _pg_alive():
                ensure_postgis()
                return
            time.sleep(1)
    _unavailable("PostgreSQL at 127.0.0.1:5432")


@pytest.fixture(scope="session")
def pg_server() -> str:
    ensure_postgres()
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"wk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def postgis_url(pg_url: str) -> str:
    """A fresh PostgreSQL database in which a superuser already created the postgis extension (how a
    DBA prepares a production database for an application role that may not create extensions)."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        admin.dispose()
    return pg_url


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


NATS_URL = os.environ.get("WATCHKEEPER_TEST_NATS", "nats://127.0.0.1:4222")


def _nats_alive() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=2):
            return True
    except OSError:
        return False


def ensure_nats() -> None:
    """Start the machine's NATS server with JetStream if it is stopped."""
    if _nats_alive():
        return
    if Path("/usr/sbin/nats-server").exists():
        Path("/var/lib/nats-server").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "start-stop-daemon",
                "--start",
                "--oknodo",
                "--background",
                "--exec",
                "/usr/sbin/nats-server",
                "--",
                "-a",
                "127.0.0.1",
                "-p",
                "4222",
                "-js",
                "-sd",
                "/var/lib/nats-server",
                "-l",
                "/var/log/nats-server.log",
            ],
            check=False,
            capture_output=True,
        )
        for _ in range(30):
            if _nats_alive():
                return
            time.sleep(0.5)
    _unavailable("NATS JetStream at 127.0.0.1:4222")


@pytest.fixture(scope="session")
def nats_url() -> str:
    ensure_nats()
    return NATS_URL
