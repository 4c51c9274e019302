from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.ingest.inputlog import InputLog

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def test_append_sync_read_roundtrip_binary_safe(tmp_path: Path) -> None:
    log = InputLog(tmp_path)
    raws = [b"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23", b"\x00\xff\n\tbinary", b""]
    first = log.append_many("file:x", T0, list(enumerate(raws, start=1)))
    seq = log.append("udp:10110", 99, b"tail", T0)
    log.sync()
    records = list(log.read())
    assert [r.raw for r in records] == [*raws, b"tail"]
    assert [r.log_seq for r in records] == [first, first + 1, first + 2, seq]
    assert records[-1].source == "udp:10110" and records[-1].line_no == 99
    assert records[0].receive_time == T0
    assert [r.raw for r in log.read(from_seq=seq)] == [b"tail"]
    log.close()


def test_torn_tail_is_cut_and_sequence_resumes(tmp_path: Path) -> None:
    log = InputLog(tmp_path)
    log.append("s", 1, b"one", T0)
    log.append("s", 2, b"two", T0)
    log.close()
    segment = next(tmp_path.glob("inputlog-*.log"))
    with segment.open("ab") as fh:  # a crash in the middle of a record
        fh.write(b"3\t123\t3\t50\ts\npartial")
    reopened = InputLog(tmp_path)
    assert [r.raw for r in reopened.read()] == [b"one", b"two"]
    assert reopened.append("s", 3, b"three", T0) == 3
    reopened.close()
    assert [r.raw for r in InputLog(tmp_path).read()] == [b"one", b"two", b"three"]


def test_segments_rotate_and_read_in_order(tmp_path: Path) -> None:
    log = InputLog(tmp_path, segment_bytes=200)
    for i in range(50):
        log.append("s", i, f"line {i}".encode(), T0)
    log.close()
    assert len(list(tmp_path.glob("inputlog-*.log"))) > 3
    again = InputLog(tmp_path, segment_bytes=200)
    assert [r.raw for r in again.read()] == [f"line {i}".encode() for i in range(50)]
    assert [r.log_seq for r in again.read(from_seq=48)] == [48, 49, 50]


def test_log_tail_follows_another_writer_across_segments_and_skips_a_torn_record(tmp_path: Path) -> None:
    from watchkeeper.ingest.inputlog import LogTail

    t = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    log = InputLog(tmp_path, segment_bytes=200)
    tail = LogTail(tmp_path)
    assert tail.poll() == 0
    for i in range(1, 11):
        log.append("udp:1", i, b"x" * 40, t)
    log.sync()
    assert len(list(tmp_path.glob("inputlog-*.log"))) > 2
    assert tail.poll() == 10
    segment = sorted(tmp_path.glob("inputlog-*.log"))[-1]
    with segment.open("ab") as fh:
        fh.write(b"11\t0\t11\t40\tudp:1\nxxx")  # a record still being written
    assert tail.poll() == 10
    with segment.open("ab") as fh:
        fh.write(b"x" * 37 + b"\n")
    assert tail.poll() == 11
