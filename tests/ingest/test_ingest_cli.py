"""``watchkeeper ingest ais PATH... [--db URL]``: the CLI contract, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from watchkeeper.cli import _register, app
from watchkeeper.store.db import make_engine
from watchkeeper.store.models import Position, RejectRow, Vessel

_register()


def _run(
    paths: list[Path], data_dir: Path, db: str | None, monkeypatch: pytest.MonkeyPatch
) -> dict[str, object]:
    monkeypatch.setenv("WATCHKEEPER_DATA_DIR", str(data_dir))
    args = ["ingest", "ais", *map(str, paths)] + (["--db", db] if db else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def _check(out: dict[str, object], url: str, n_lines: int) -> None:
    assert set(out) == {"lines", "accepted", "rejected"}
    rejected = out["rejected"]
    assert isinstance(rejected, dict)
    assert out["lines"] == n_lines == out["accepted"] + sum(rejected.values())
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RejectRow)) == sum(rejected.values())
        assert conn.scalar(select(func.count()).select_from(Position)) > 900
        assert conn.scalar(select(func.count()).select_from(Vessel)) > 100
    engine.dispose()


@pytest.fixture
def sample(shared_data: Path) -> list[Path]:
    return [shared_data / "ais" / "raw_nmea" / "gpsd__ais-nmea-type6-fid55.log"]


def test_cli_sqlite_default(sample: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(sample, tmp_path, None, monkeypatch)
    _check(out, f"sqlite:///{tmp_path / 'watchkeeper.db'}", len(sample[0].read_bytes().splitlines()))
    assert (tmp_path / "inputlog").is_dir()


@pytest.mark.postgres
def test_cli_postgresql(
    sample: list[Path], tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _run(sample, tmp_path, pg_url, monkeypatch)
    _check(out, pg_url, len(sample[0].read_bytes().splitlines()))


def test_cli_missing_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHKEEPER_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["ingest", "ais", str(tmp_path / "nope.nmea")])
    assert result.exit_code == 2
    assert "not a readable file" in result.output
