"""``watchkeeper evidence export`` and ``evidence verify``: output format, exit codes, continuity."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from argon2 import PasswordHasher
from evidence_helpers import BOAT, ingest_feed, tamper, zip_entries
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from watchkeeper.intel import cli as intel_cli
from watchkeeper.intel.models import ContinuityEvent
from watchkeeper.store.db import open_store
from watchkeeper.store.users import UsersRepo

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()
    intel_cli.register(root)
    return root


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WATCHKEEPER_DATABASE_URL", raising=False)
    monkeypatch.delenv("WATCHKEEPER_EVIDENCE_KEY_PASSPHRASE", raising=False)
    d = tmp_path / "data"
    engine = open_store(f"sqlite:///{(d / 'watchkeeper.db').resolve()}")
    users = UsersRepo(engine, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    now = datetime(2026, 11, 25, tzinfo=UTC)
    users.add("analyst1", "correct horse battery staple", ("analyst",), "UK-ONLY", now)
    users.add("officer1", "correct horse battery staple", ("watch_officer",), "UK-ONLY", now)
    ingest_feed(engine, d)
    engine.dispose()
    return d


EXPORT = [
    "evidence",
    "export",
    "--incident",
    "INC-7",
    "--mmsi",
    str(BOAT),
    "--from",
    "2026-08-14T03:02Z",
    "--to",
    "2026-08-14T03:06:00+00:00",
]


def test_export_prints_the_documented_lines_and_verify_accepts_it(
    app: typer.Typer, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "INC-7.zip"
    res = runner.invoke(app, [*EXPORT, "--actor", "analyst1", "--out", str(out), "--data-dir", str(data_dir)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert re.fullmatch(r"package [0-9a-f-]{36}", lines[0])
    assert lines[1:3] == ["incident INC-7", "items 14 (ais_position 5, input_line 7, reject 2)"]
    assert re.fullmatch(r"head [0-9a-f]{64}", lines[3]) and re.fullmatch(r"sha256 [0-9a-f]{64}", lines[4])
    key = lines[5].split()[1]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert lines[6:] == ["marking UK-ONLY", f"written {out}", "SIMULATED"]

    ok = runner.invoke(app, ["evidence", "verify", str(out), "--expect-key", key])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith(
        f"OK package {lines[0].split()[1]} incident INC-7 items 14 {lines[3]} key {key}"
    )
    assert "warning: SIMULATED" in ok.output

    bare = runner.invoke(app, ["evidence", "verify", str(out)])
    assert bare.exit_code == 0 and "not checked against a trusted fingerprint" in bare.output

    at_home = runner.invoke(
        app, ["evidence", "verify", str(out), "--data-dir", str(data_dir), "--actor", "analyst1"]
    )
    assert at_home.exit_code == 0, at_home.output
    engine = open_store(f"sqlite:///{(data_dir / 'watchkeeper.db').resolve()}")
    with Session(engine) as s:
        actions = [
            (e.action, e.actor) for e in s.scalars(select(ContinuityEvent).order_by(ContinuityEvent.id))
        ]
    engine.dispose()
    assert actions == [("exported", "analyst1"), ("verified", "analyst1")]


def test_verify_fails_with_exit_1_on_a_changed_package(
    app: typer.Typer, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.zip"
    assert (
        runner.invoke(
            app, [*EXPORT, "--actor", "analyst1", "--out", str(out), "--data-dir", str(data_dir)]
        ).exit_code
        == 0
    )

    def change(entries: dict[str, bytes]) -> None:
        entries["items/000001.json"] = entries["items/000001.json"].replace(b'"sog_kn":4.5', b'"sog_kn":9.5')

    bad = tmp_path / "bad.zip"
    bad.write_bytes(tamper(out.read_bytes(), change))
    assert (
        zip_entries(bad.read_bytes())["items/000001.json"]
        != zip_entries(out.read_bytes())["items/000001.json"]
    )
    res = runner.invoke(app, ["evidence", "verify", str(bad), "--data-dir", str(data_dir)])
    assert res.exit_code == 1
    assert res.output.startswith("FAILED package ")
    assert "problem: item 1 (ais_position) changed: its SHA-256 is not the manifest's" in res.output
    wrong_key = runner.invoke(app, ["evidence", "verify", str(out), "--expect-key", "ab" * 32])
    assert wrong_key.exit_code == 1 and "not the expected key" in wrong_key.output


def test_export_refuses_bad_arguments_with_exit_2(app: typer.Typer, data_dir: Path, tmp_path: Path) -> None:
    base = ["--out", str(tmp_path / "x.zip"), "--data-dir", str(data_dir)]
    for args, needle in [
        ([*EXPORT, "--actor", "nobody", *base], "not an active user"),
        ([*EXPORT, "--actor", "officer1", *base], "analyst role"),
        ([*EXPORT[:7], "2026-08-14T03:02", *EXPORT[8:], "--actor", "analyst1", *base], "time zone"),
        ([*EXPORT[:7], "yesterday", *EXPORT[8:], "--actor", "analyst1", *base], "not an ISO 8601 time"),
        ([*EXPORT, "--actor", "analyst1", "--marking", "SECRET", *base], "unknown marking"),
    ]:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.output
    assert not (tmp_path / "x.zip").exists()
    res = runner.invoke(app, ["evidence", "verify", str(tmp_path / "x.zip"), "--actor", "a"])
    assert res.exit_code == 2 and "--actor needs --data-dir" in res.output
