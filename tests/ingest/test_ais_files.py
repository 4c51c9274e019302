"""Every real AIS file in ../shared/data/ais/raw_nmea/ through the whole intake: counts add up, every
line is in the input log, every rejected line is in the ledger, and the stored positions equal pyais's
own decode of the same lines (ais_samples_decoded.csv, made with pyais 3.3.1)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from watchkeeper.core.clock import FixedClock
from watchkeeper.ingest.ais.report import POSITION_TYPES
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.pipeline import AisIntake, PictureWriter, ingest_files
from watchkeeper.picture.live import LivePicture
from watchkeeper.picture.store import PictureStore
from watchkeeper.store.models import Position, RejectRow

RECEIVED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def sentence(body: str) -> bytes:
    """``!<body>*hh\\n`` with its NMEA checksum (XOR of the characters between ! and *)."""
    checksum = 0
    for ch in body.encode():
        checksum ^= ch
    return f"!{body}*{checksum:02X}\n".encode()


def _ingest(paths: list[Path], engine: Engine, log_dir: Path) -> tuple[dict[str, object], InputLog]:
    intake = AisIntake(InputLog(log_dir), RejectsLedger(engine))
    writer = PictureWriter(LivePicture(), PictureStore(engine))
    counts = ingest_files(paths, intake, writer, FixedClock(RECEIVED))
    intake.close()
    return counts.as_dict(), InputLog(log_dir)


@pytest.fixture(scope="module")
def raw_files(shared_data: Path) -> list[Path]:
    files = sorted((shared_data / "ais" / "raw_nmea").iterdir())
    assert len(files) >= 15
    return files


def test_every_line_counted_logged_and_ledgered(
    raw_files: list[Path], engine: Engine, tmp_path: Path
) -> None:
    counts, log = _ingest(raw_files, engine, tmp_path / "log")
    rejected = counts["rejected"]
    assert isinstance(rejected, dict)
    n_lines = sum(len(p.read_bytes().splitlines()) for p in raw_files)
    assert counts["lines"] == n_lines
    assert counts["lines"] == counts["accepted"] + sum(rejected.values())
    records = list(log.read())
    assert len(records) == n_lines
    assert [r.log_seq for r in records] == list(range(1, n_lines + 1))
    with engine.connect() as conn:
        stored = dict(conn.execute(select(RejectRow.reason, func.count()).group_by(RejectRow.reason)).all())
    assert stored == rejected
    # the raw text of a rejected line is the line as it arrived
    with engine.connect() as conn:
        row = conn.execute(select(RejectRow).where(RejectRow.reason == "bad_checksum").limit(1)).one()
    logged = next(r for r in records if r.log_seq == row.log_seq)
    assert logged.raw == row.raw and logged.line_no == row.line_no
    # the real files hold comments, other NMEA sentences, corrupt lines and broken multi-part groups
    for reason in ("comment", "unknown_sentence", "bad_checksum", "incomplete_multipart", "empty"):
        assert rejected.get(reason, 0) > 0, reason


def _reference(shared_data: Path) -> dict[tuple[str, int], tuple[int, float, float]]:
    """Reference positions of the message types that report the sender's own position (type 8/17
    binary payloads also hold positions — of weather stations, DGNSS references — not the sender's)."""
    out = {}
    with (shared_data / "ais" / "ais_samples_decoded.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["lat"] and row["lon"] and int(row["msg_type"]) in POSITION_TYPES:
                out[(row["source_file"], int(row["line"]))] = (
                    int(row["mmsi"]),
                    float(row["lat"]),
                    float(row["lon"]),
                )
    return out


# Where we are stricter than pyais, on purpose: a position field cut off by a short payload (pyais decodes
# the bits that are there: a wrong position), a position outside ±90/±180, a line without a valid
# checksum or with text after it, a tag block whose checksum fails; and a sentence quoted inside a
# ``#`` comment line (the reference decoded those too; a comment is not traffic).
STRICTER_THAN_PYAIS = {"bad_length", "out_of_range", "malformed", "bad_checksum", "bad_tag_block", "comment"}


def test_stored_positions_equal_pyais(
    raw_files: list[Path], engine: Engine, tmp_path: Path, shared_data: Path
) -> None:
    _ingest(raw_files, engine, tmp_path / "log")
    log = InputLog(tmp_path / "log")
    where = {r.log_seq: (Path(r.source.removeprefix("file:")).name, r.line_no) for r in log.read()}
    with engine.connect() as conn:
        ours = {
            where[p.log_seq]: (p.mmsi, p.lat, p.lon)
            for p in conn.execute(select(Position.log_seq, Position.mmsi, Position.lat, Position.lon))
        }
        rejected = {
            (Path(r.source.removeprefix("file:")).name, r.line_no): r.reason
            for r in conn.execute(select(RejectRow.source, RejectRow.line_no, RejectRow.reason))
        }
    reference = _reference(shared_data)
    assert len(reference) > 2000
    assert not set(ours) - set(reference), "a position pyais does not see"
    for key, (mmsi, lat, lon) in reference.items():
        if key in ours:
            assert ours[key][0] == mmsi, key
            assert ours[key][1] == pytest.approx(lat, abs=1e-6), key
            assert ours[key][2] == pytest.approx(lon, abs=1e-6), key
        else:  # not stored: rejected, with a reason from the stricter checks above
            assert rejected.get(key) in STRICTER_THAN_PYAIS, (key, rejected.get(key), (mmsi, lat, lon))
    not_stored = len(reference) - len(ours)
    assert not_stored < 0.01 * len(reference), not_stored


def test_bad_input_kinds(engine: Engine, tmp_path: Path) -> None:
    """One file per kind of bad input named in the issue: each counted under its reason, nothing lost."""
    good = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"
    cases = {
        "checksum.nmea": (b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n", "bad_checksum"),
        "unknown_type.nmea": (
            sentence("AIVDM,1,1,,A,t5RTgt0PAso;90TKcjM8h6g208CQ,0"),
            "unknown_message_type",
        ),
        "orphan.nmea": (sentence("AIVDM,2,2,3,B,1@0000000000000,2"), "incomplete_multipart"),
        "garbage.bin": (bytes(range(256)) * 8, "not_text"),
        "empty.nmea": (b"", "empty"),
        "truncated.nmea": (good + b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcj", "truncated"),
    }
    for name, (data, _reason) in cases.items():
        (tmp_path / name).write_bytes(data)
    for name, (_data, reason) in cases.items():
        counts, _log = _ingest([tmp_path / name], engine, tmp_path / f"log-{name}")
        rejected = counts["rejected"]
        assert isinstance(rejected, dict)
        assert rejected.get(reason, 0) >= 1, (name, counts)
        assert counts["lines"] == counts["accepted"] + sum(rejected.values()), (name, counts)


def test_multipart_interleaved_and_assembled(engine: Engine, tmp_path: Path) -> None:
    """A type 5 in two parts is assembled (both lines accepted); an interleaved group is rejected whole."""
    part1 = sentence("AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0")
    part2 = sentence("AIVDM,2,2,1,A,88888888880,2")
    (tmp_path / "ok.nmea").write_bytes(part1 + part2)
    (tmp_path / "bad.nmea").write_bytes(part1 + sentence("AIVDM,3,2,1,A,88888888880,2") + part1)
    counts, _ = _ingest([tmp_path / "ok.nmea"], engine, tmp_path / "l1")
    assert counts == {"lines": 2, "accepted": 2, "rejected": {}}
    counts, _ = _ingest([tmp_path / "bad.nmea"], engine, tmp_path / "l2")
    assert counts["accepted"] == 0
    assert Counter(counts["rejected"]) == Counter({"interleaved_multipart": 2, "incomplete_multipart": 1})  # type: ignore[arg-type]
