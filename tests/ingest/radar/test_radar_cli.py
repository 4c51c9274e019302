"""``watchkeeper ingest radar PATH...`` on the real recordings, as a process: one JSON summary on stdout,
the input log and the rejects ledger on disk."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _ingest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path / "var")}
    env.pop("WATCHKEEPER_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper.cli", "ingest", "radar", *args],
        capture_output=True, text=True, timeout=300, check=False, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def captures(shared_data: Path) -> Path:
    return shared_data / "radar" / "asterix_croatiacontrol"


@pytest.mark.parametrize(
    ("name", "args", "summary"),
    [
        ("cat_034_048.pcap", (), {"packets": 100, "records": 162, "accepted": 100, "rejected": {}}),
        ("cat_062_065.pcap", (), {"packets": 1, "records": 3, "accepted": 1, "rejected": {}}),
        ("parsegps.gps", ("--date", "2024-03-01"),
         {"packets": 15, "records": 18, "accepted": 15, "rejected": {}}),
        ("cat062cat065.raw", ("--date", "2024-03-01"),
         {"packets": 2, "records": 3, "accepted": 2, "rejected": {}}),
        ("cat21_re.ast", ("--date", "2024-03-01"),
         {"packets": 2, "records": 0, "accepted": 0, "rejected": {"unknown_category": 2}}),
    ],
)  # fmt: skip
def test_ingest_radar_recordings(
    tmp_path: Path, captures: Path, name: str, args: tuple[str, ...], summary: dict[str, object]
) -> None:
    proc = _ingest(tmp_path, str(captures / name), *args)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == summary
    assert any((tmp_path / "var" / "inputlog").glob("inputlog-*.log"))
    rejected = sum(summary["rejected"].values())  # type: ignore[attr-defined]
    with sqlite3.connect(tmp_path / "var" / "watchkeeper.db") as db:
        assert db.execute("select count(*) from rejects").fetchone()[0] == rejected


def test_obsolete_cat062_edition_is_rejected_not_crashed(tmp_path: Path, captures: Path) -> None:
    """asterix.pcap holds CAT062 that does not frame under edition 1.18 (the decoder that shipped it was then
    configured for the pre-1.0 edition 0.17): every datagram is rejected with a reason, none crashes."""
    proc = _ingest(tmp_path, str(captures / "asterix.pcap"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["packets"] == 100 and out["packets"] == out["accepted"] + sum(out["rejected"].values())
    assert set(out["rejected"]) <= {"item_overrun", "malformed", "undefined_item", "out_of_range"}


def test_a_format_without_dates_needs_date(tmp_path: Path, captures: Path) -> None:
    proc = _ingest(tmp_path, str(captures / "cat048.raw"))
    assert proc.returncode == 2
    assert "--date" in proc.stderr and proc.stdout == ""
