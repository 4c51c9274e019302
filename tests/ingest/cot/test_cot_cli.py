"""``watchkeeper ingest cot PATH...``: recorded CoT (XML and TAK stream) into the store, counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cot_helpers import make_event, stream_bytes, xml_bytes
from sqlalchemy import func, select
from typer.testing import CliRunner

from watchkeeper.cli import _register, app
from watchkeeper.ingest.cot.models import ObservationRow
from watchkeeper.store.db import make_engine
from watchkeeper.store.models import RejectRow

_register()


def _run(args: list[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("WATCHKEEPER_DATA_DIR", str(data_dir))
    monkeypatch.delenv("WATCHKEEPER_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["ingest", "cot", *args])
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def test_ingest_cot_counts_every_unit_and_keeps_the_bad_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = tmp_path / "drone.cot"
    recording.write_bytes(
        xml_bytes(make_event(uid="D1")) + b"\n"
        + stream_bytes(make_event(uid="B1", cot_type="a-u-S"))
        + xml_bytes(make_event(uid="P", cot_type="t-x-c-t"))
        + b"<event uid='x' type='a-u-S'><point lat='91' lon='1'/></event>"
        + xml_bytes(make_event(uid="cut"))[:60]
    )  # fmt: skip
    out = _run([str(recording), "--marking", "UK-FR"], tmp_path, monkeypatch)
    assert out == {
        "units": 5, "accepted": 3, "observations": 2, "control": 1,
        "rejected": {"missing_field": 1, "truncated": 1},
    }  # fmt: skip
    engine = make_engine(f"sqlite:///{tmp_path / 'watchkeeper.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(ObservationRow.sensor_uid, ObservationRow.marking)).all() == [
            ("D1", "UK-FR"), ("B1", "UK-FR"),
        ]  # fmt: skip
        assert conn.scalar(select(func.count()).select_from(RejectRow)) == 2
    engine.dispose()


def test_ingest_cot_refuses_a_bad_marking_and_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHKEEPER_DATA_DIR", str(tmp_path))
    f = tmp_path / "x.cot"
    f.write_bytes(b"")
    bad = CliRunner().invoke(app, ["ingest", "cot", str(f), "--marking", "SECRET"])
    assert bad.exit_code == 2 and "unknown marking" in bad.output
    missing = CliRunner().invoke(app, ["ingest", "cot", str(tmp_path / "nope.cot")])
    assert missing.exit_code == 2 and "not a readable file" in missing.output
