"""Browser-test fixtures: the real `watchkeeper demo` server in a subprocess and Debian's headless Chromium.

Chromium is Debian's package (``apt-get install chromium``), driven by Playwright over CDP; Playwright's
own browser downloads are not used (the machines have no internet). Missing Chromium is a skip on a
developer machine and a failure in CI (``CI`` set), like the other services in ``tests/conftest.py``.

``WATCHKEEPER_E2E_URL`` (+ ``WATCHKEEPER_E2E_USER``/``WATCHKEEPER_E2E_PASSWORD``) points the test at an
already running server instead of starting the demo, e.g. to check a deployment.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_SPEED = "30"  # event seconds per wall second: vessels visibly move within a couple of seconds
START_TIMEOUT_S = 45.0


def _unavailable(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI and is not available")
    pytest.skip(f"{what} not available on this machine")


@dataclass
class Server:
    url: str
    username: str
    password: str
    output: list[str]
    data_dir: Path | None = None  # the demo's store: tests may add users to it (``add_user``)

    def add_user(self, username: str, password: str, roles: list[str], clearance: str) -> None:
        """Add a local user to the running demo's store with the real ``watchkeeper user add``."""
        if self.data_dir is None:
            pytest.skip("adding users needs the demo started by the tests")
        cmd = [
            _watchkeeper_exe(),
            "user",
            "add",
            username,
            "--clearance",
            clearance,
            "--password-stdin",
            "--replace",
        ]
        for role in roles:
            cmd += ["--role", role]
        env = dict(os.environ, WATCHKEEPER_DATA_DIR=str(self.data_dir))
        env.pop("WATCHKEEPER_DATABASE_URL", None)
        subprocess.run(cmd, input=password + "\n", text=True, env=env, check=True, capture_output=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The demo prints its login; accept "user(name) X ... password Y" in the usual spellings.
_USER_RE = re.compile(r"user(?:name)?\s*[:=]?\s*['\"]?([A-Za-z0-9_.@-]+)", re.IGNORECASE)
_PASS_RE = re.compile(r"password\s*[:=]?\s*['\"]?(\S+?)['\"]?(?:\s|$)", re.IGNORECASE)


def parse_login(lines: list[str]) -> tuple[str, str] | None:
    user = password = None
    for line in lines:
        if user is None and (m := _USER_RE.search(line)):
            user = m.group(1)
        if password is None and (m := _PASS_RE.search(line)):
            password = m.group(1)
    return (user, password) if user and password else None


def _watchkeeper_exe() -> str:
    exe = Path(sys.executable).with_name("watchkeeper")
    if exe.exists():
        return str(exe)
    found = shutil.which("watchkeeper")
    if not found:
        pytest.fail("the watchkeeper command is not installed in this environment")
    return found


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if os.environ.get("WATCHKEEPER_E2E_URL"):
        yield Server(
            os.environ["WATCHKEEPER_E2E_URL"].rstrip("/"),
            os.environ.get("WATCHKEEPER_E2E_USER", ""),
            os.environ.get("WATCHKEEPER_E2E_PASSWORD", ""),
            [],
        )
        return
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("demo")
    cmd = [
        _watchkeeper_exe(),
        "demo",
        "--port",
        str(port),
        "--speed",
        DEMO_SPEED,
        "--data-dir",
        str(data_dir),
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1", COLUMNS="200", TERM="dumb")
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=data_dir
    )
    output: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line.rstrip("\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    login = None
    ready = False
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"`watchkeeper demo` exited with {proc.returncode}:\n" + "\n".join(output[-40:]))
            login = login or parse_login(list(output))
            if not ready:
                try:
                    ready = httpx.get(f"{url}/", timeout=1.0).status_code == 200
                except httpx.HTTPError:
                    ready = False
            if ready and login:
                break
            time.sleep(0.2)
        else:
            pytest.fail(
                f"`watchkeeper demo` not ready in {START_TIMEOUT_S:.0f} s (http={ready}, login={login}):\n"
                + "\n".join(output[-40:])
            )
        assert login is not None
        yield Server(url, login[0], login[1], output, data_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# Module scope, not session: Playwright's sync API runs an event loop in the main thread while it is open,
# and tests after the browser tests that call asyncio.run would find it running.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    path = os.environ.get("WATCHKEEPER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _unavailable("Debian chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class SignedIn:
    page: Any
    problems: list[str]  # page errors and console errors seen so far (CSP violations included)


@pytest.fixture
def signed_in(demo_server: Server, chromium: Any) -> Iterator[SignedIn]:
    """A fresh browser context signed in as the demo user, on the page with the picture live."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        page.goto(demo_server.url + "/")
        page.get_by_test_id("login-username").fill(demo_server.username)
        page.get_by_test_id("login-password").fill(demo_server.password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("vessel-row").first.wait_for(timeout=20_000)
        yield SignedIn(page, problems)
    finally:
        context.close()
