"""Property-based fuzzing of the radar decoders (hypothesis): ASTERIX (CAT010/034/048/062/065) and the
framing of pcap, pcapng, raw/.ast and GPS recordings, NMEA ARPA ``$--TTM``/``$--TLL``, and the plot rows
of the scenario format (file ingest and the server's live intake).

Whatever the bytes, the only outcomes allowed are Plots and rejects with a ``RejectReason``: nothing
escapes ``RadarIngest`` (a file that is not a capture at all is refused whole with a ``DecodeError``),
every packet or line is counted once (``packets == accepted + rejected``), logged first, and every
reject reaches the ledger. Seeds are the real Croatia Control captures (../shared/data/radar) and the
spec-built CAT010 records of test_cat010_udp.py. The coverage-guided long run is ``bench/fuzz_radar.py``
(docs/reliability.md).
"""

from __future__ import annotations

import csv
import io
import math
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fuzz_helpers import FUZZ, FUZZ_SLOW, mutated, nmea_checksum, pcapng
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import Plot
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.radar.asterix import categories, decode_stream
from watchkeeper.ingest.radar.convert import AsterixPlotter
from watchkeeper.ingest.radar.live import RadarRowIntake
from watchkeeper.ingest.radar.nmea_arpa import parse_arpa
from watchkeeper.ingest.radar.pipeline import RadarIngest
from watchkeeper.ingest.radar.recordings import GPS_HEADER, read_pcap, split_blocks
from watchkeeper.ingest.radar.scenario import parse_plot_row
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver
from watchkeeper.store.db import make_engine, upgrade

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO.parent / "shared" / "data" / "radar" / "asterix_croatiacontrol"
PCAPS = sorted(CAPTURES.glob("*.pcap"))
START = date(2026, 10, 5)
CAT010 = [
    bytes.fromhex("0A0016F5A00102012007084030394000002E2000004D"),  # test_cat010_udp.py
    bytes.fromhex("0A0007C0010203"),
]


def _datagrams() -> list[bytes]:
    out = [payload for p in PCAPS for _t, payload in read_pcap(p)]
    for name in ("cat034.raw", "cat048.raw", "cat062cat065.raw", "cat21_re.ast"):
        out += [block for _off, block in split_blocks((CAPTURES / name).read_bytes())]
    return sorted(set(out + CAT010))


DATAGRAMS = _datagrams() if CAPTURES.is_dir() else [*CAT010]
PCAP_SEEDS = [p.read_bytes() for p in PCAPS] + [pcapng(DATAGRAMS[:6]), pcapng(DATAGRAMS[6:9], 9, True)]
GPS_SEED = (CAPTURES / "parsegps.gps").read_bytes() if CAPTURES.is_dir() else b"\x00" * GPS_HEADER
ARPA_SEEDS = [
    "RATTM,01,2.50,045.0,T,5.2,270.0,T,0.5,-3.2,N,BOAT1,T,,021500.00,A",
    "RATTM,03,1.00,010.0,R,3.0,090.0,R,0.5,2.0,K,,Q,R,235959.99,M",
    "RATTM,07,0.80,300.0,T,0.0,000.0,T,0.8,0.0,S,X,L,",
    "RATLL,02,5102.345,N,00130.500,E,TGT2,021501.00,T,",
    "RATLL,09,0001.000,S,17959.999,W,,000000.00,Q,R",
]
PLOT_ROWS = [
    "2026-10-05T02:00:00.033Z,radar_langdon,21028.7,133.837",
    "2026-10-05T02:00:00.046+01:00,radar_grisnez,0,360",
]


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="wk-fuzz-radar-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def ledger_engine(workdir: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{workdir / 'ledger.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


def _ingest(workdir: Path, engine: Engine, data: bytes, fmt: str, own_heading: float | None = None) -> None:
    """Ingest ``data`` as a file of ``fmt`` and check the counting invariants."""
    path = workdir / f"input.{fmt}"
    path.write_bytes(data)
    plots: list[Plot] = []
    ledger = RejectsLedger(engine)
    with InputLog(workdir / f"log-{fmt}") as log:
        first = log.next_seq
        run = RadarIngest(log, ledger, START, on_plot=plots.append, own_heading_deg=own_heading)
        try:
            run.ingest(path, fmt)
        except DecodeError as exc:  # only a pcap that is neither pcap nor pcapng is refused whole
            assert fmt == "pcap" and exc.reason in (RejectReason.MALFORMED, RejectReason.TRUNCATED)
            return
        logged = log.next_seq - first
    s = run.summary
    assert s.packets == s.accepted + sum(s.rejected.values()), s.as_dict()
    assert logged == s.packets
    assert sum(n for (src, _r), n in ledger.counts.items() if src == f"file:{path}") == sum(
        s.rejected.values()
    )
    assert all(RejectReason(r) for r in s.rejected)
    assert s.plots == len(plots)
    for p in plots:
        assert p.time.tzinfo is not None and p.log_seq is not None
        if p.lat is not None:
            assert -90 <= p.lat <= 90 and p.lon is not None and -180 <= p.lon <= 180
        assert math.isnan(p.range_m) or p.range_m >= 0


# -- ASTERIX ---------------------------------------------------------------------------------------------


@st.composite
def structured_block(draw: st.DrawFn) -> bytes:
    """A data block of a decoded category with a right LEN, a random FSPEC and random item octets:
    the item decoders, not the framing, meet the damage."""
    cat = draw(st.sampled_from(sorted(categories())))
    records = b""
    for _ in range(draw(st.integers(1, 3))):
        n_octets = draw(st.integers(1, 4))
        fspec = [draw(st.integers(0, 255)) | 1 for _ in range(n_octets - 1)] + [
            draw(st.integers(0, 255)) & 0xFE
        ]
        records += bytes(fspec) + draw(st.binary(min_size=0, max_size=48))
    return bytes([cat]) + (3 + len(records)).to_bytes(2, "big") + records


def _decode_and_plot(data: bytes) -> None:
    """The packet path of ``RadarIngest``: a record either plots, or raises the one ValueError the
    pipeline turns into ``out_of_range`` (a time of day outside one day)."""
    plotter = AsterixPlotter(TimeOfDayResolver(START))
    for block in decode_stream(data):
        assert (block.error is None) or isinstance(block.error.reason, RejectReason)
        assert block.raw == data[block.offset : block.offset + len(block.raw)]
        for rec in block.records:
            try:
                plotter.plot(rec, datetime(2026, 10, 5, 12, tzinfo=UTC))
            except ValueError as exc:
                assert "time of day" in str(exc)


@FUZZ
@given(st.binary(max_size=300))
def test_asterix_random_bytes(data: bytes) -> None:
    _decode_and_plot(data)


@FUZZ
@given(mutated(DATAGRAMS))
def test_asterix_mutated_real_datagrams(data: bytes) -> None:
    _decode_and_plot(data)


@FUZZ
@given(st.lists(structured_block(), min_size=1, max_size=4).map(b"".join))
def test_asterix_structured_blocks(data: bytes) -> None:
    _decode_and_plot(data)


@FUZZ_SLOW
@given(mutated(PCAP_SEEDS, max_ops=6))
def test_pcap_and_pcapng_mutated(workdir: Path, ledger_engine: Engine, data: bytes) -> None:
    _ingest(workdir, ledger_engine, data, "pcap")


@FUZZ_SLOW
@given(
    st.lists(st.sampled_from(DATAGRAMS), min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(0, 255)),
    st.booleans(),
    st.data(),
)
def test_pcapng_structured(
    workdir: Path,
    ledger_engine: Engine,
    payloads: list[bytes],
    tsresol: int | None,
    big: bool,
    data: st.DataObject,
) -> None:
    """Any timestamp resolution (``if_tsresol``, §4.2), either byte order, then damage."""
    capture = pcapng(payloads, tsresol, big)
    _ingest(workdir, ledger_engine, data.draw(mutated([capture], max_ops=3)), "pcap")


@FUZZ_SLOW
@given(st.lists(st.one_of(mutated(DATAGRAMS), structured_block()), min_size=1, max_size=6))
def test_raw_and_gps_recordings(workdir: Path, ledger_engine: Engine, blocks: list[bytes]) -> None:
    _ingest(workdir, ledger_engine, b"".join(blocks), "raw")
    gps = GPS_SEED[:GPS_HEADER] + b"".join(b + bytes(10) for b in blocks)
    _ingest(workdir, ledger_engine, gps, "gps")


# -- NMEA ARPA ---------------------------------------------------------------------------------------------

_FIELD_VALUES = st.one_of(
    st.sampled_from(["", "T", "R", "N", "K", "S", "L", "Q", "A", "M", "E", "W", "nan", "inf", "-0", "1e309"]),
    st.text(alphabet="0123456789.-+eE", max_size=12),
    st.text(max_size=6),
)


@st.composite
def arpa_sentence(draw: st.DrawFn) -> str:
    """A real TTM/TLL with fields replaced, added or cut, its checksum recomputed (so the field
    decoders, not the checksum, meet the damage) — or, sometimes, left stale."""
    fields = draw(st.sampled_from(ARPA_SEEDS)).split(",")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(fields)))
        op = draw(st.sampled_from(["replace", "insert", "cut"]))
        if op == "replace" and i < len(fields) and i > 0:
            fields[i] = draw(_FIELD_VALUES)
        elif op == "insert":
            fields.insert(max(i, 1), draw(_FIELD_VALUES))
        elif op == "cut" and len(fields) > 1:
            del fields[max(i, 1) :]
    body = ",".join(fields)
    return nmea_checksum(body) if draw(st.booleans()) else f"${body}*00"


def _arpa(line: str, heading: float | None) -> None:
    try:
        target = parse_arpa(line, heading)
    except DecodeError as exc:
        assert isinstance(exc.reason, RejectReason)
        return
    for v in (target.range_m, target.bearing_deg, target.speed_kn, target.course_deg, target.cpa_m):
        assert v is None or math.isfinite(v)
    assert target.bearing_deg is None or 0 <= target.bearing_deg < 360
    assert target.utc_tod_s is None or 0 <= target.utc_tod_s < 86_401
    assert 0 <= target.target_number <= 999


@FUZZ
@given(arpa_sentence(), st.one_of(st.none(), st.floats(0, 359.9)))
def test_arpa_structured(line: str, heading: float | None) -> None:
    _arpa(line, heading)


@FUZZ
@given(mutated([nmea_checksum(s).encode() for s in ARPA_SEEDS]))
def test_arpa_mutated_lines_through_the_pipeline(workdir: Path, ledger_engine: Engine, line: bytes) -> None:
    _ingest(
        workdir, ledger_engine, line + b"\n" + nmea_checksum(ARPA_SEEDS[0]).encode() + b"\n", "nmea", 12.0
    )


# -- plot rows (scenario CSV and the live intake) -------------------------------------------------------

_TIMES = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda t: t.isoformat()),
    st.sampled_from(["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2026-10-05T02:00:00", ""]),
    st.text(max_size=30),
)
_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "-inf", "1e400", "", "0x10", "1_000", " 5 "]),
)


@st.composite
def plot_row(draw: st.DrawFn) -> bytes:
    cells = [
        draw(_TIMES),
        draw(st.sampled_from(["radar_langdon", "", "x y", '"q"'])),
        draw(_NUMBERS),
        draw(_NUMBERS),
    ]
    if draw(st.booleans()):
        cells = draw(st.permutations(cells))
    if draw(st.integers(0, 4)) == 0:
        cells.append(draw(st.text(max_size=5)))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    text = buf.getvalue()
    if draw(st.integers(0, 3)) == 0:  # raw damage: quotes, CRs, NULs, non-UTF-8 where the writer put none
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.sampled_from(['"', "\r", "\x00", ",", "\ufffd"])) + text[pos:]
    raw = text.encode("utf-8")
    return raw + b"\xff" if draw(st.integers(0, 9)) == 0 else raw


@FUZZ_SLOW
@given(st.lists(st.one_of(plot_row(), mutated([r.encode() for r in PLOT_ROWS])), min_size=1, max_size=8))
def test_plot_rows_file_and_live(workdir: Path, ledger_engine: Engine, rows: list[bytes]) -> None:
    rows = [r.replace(b"\n", b" ") for r in rows]
    _ingest(
        workdir, ledger_engine, b"time_utc,sensor_id,range_m,bearing_deg\n" + b"\n".join(rows) + b"\n", "csv"
    )
    with InputLog(workdir / "log-live") as log:
        intake = RadarRowIntake(log, RejectsLedger(ledger_engine), {"radar_langdon"})
        lines = list(enumerate(rows, start=1))
        result = intake.ingest("fuzz", lines, datetime(2026, 10, 5, tzinfo=UTC))
    assert len(result.plots) + len(result.rejects) == len(rows)
    assert all(isinstance(r.reason, RejectReason) for r in result.rejects)
    for p in result.plots:
        assert p.time.tzinfo is not None and 0 <= p.range_m < 1e6 and 0 <= p.bearing_deg < 360


@FUZZ
@given(st.lists(st.one_of(_TIMES, _NUMBERS, st.text(max_size=10)), max_size=6))
def test_parse_plot_row_cells(row: list[str]) -> None:
    try:
        plot = parse_plot_row(row)
    except DecodeError as exc:
        assert isinstance(exc.reason, RejectReason)
    else:
        assert plot.time.tzinfo is not None and math.isfinite(plot.range_m)


# -- found by the fuzzers (kept as regression cases) ---------------------------------------------------


def test_found_pcapng_timestamp_past_year_9999(workdir: Path, ledger_engine: Engine) -> None:
    """``if_tsresol`` 0 (1 s ticks) with the µs timestamp of a real capture: year 56,761,748. Once a
    ``ValueError`` out of ``read_pcap``; now the packet is counted as ``bad_timestamp`` and skipped."""
    _ingest(workdir, ledger_engine, pcapng(DATAGRAMS[:2], tsresol=0), "pcap")
    _ingest(workdir, ledger_engine, pcapng(DATAGRAMS[:2], tsresol=0x80), "pcap")


def test_found_pcapng_tsresol_option_without_its_value(workdir: Path, ledger_engine: Engine) -> None:
    """An Interface Description Block ending on an ``if_tsresol`` option header (code 9, length 1) whose
    value octet is missing: once an ``IndexError``."""
    capture = pcapng(DATAGRAMS[:1])
    shb_len = int.from_bytes(capture[4:8], "little")
    idb = (
        (1).to_bytes(4, "little")
        + (24).to_bytes(4, "little")
        + bytes([1, 0, 0, 0])
        + (65535).to_bytes(4, "little")
    )
    idb += bytes([9, 0, 1, 0]) + (24).to_bytes(4, "little")
    _ingest(workdir, ledger_engine, capture[:shb_len] + idb, "pcap")


def test_found_plot_row_time_past_year_9999_in_utc(workdir: Path, ledger_engine: Engine) -> None:
    """``9999-12-31T23:59:59-01:00``: valid ISO 8601, one hour past the last datetime once in UTC; once an
    ``OverflowError`` out of ``parse_plot_row``; now ``bad_field``."""
    with pytest.raises(DecodeError) as err:
        parse_plot_row(["9999-12-31T23:59:59-01:00", "radar_langdon", "100", "10"])
    assert err.value.reason == RejectReason.BAD_FIELD
    with pytest.raises(DecodeError):
        parse_plot_row(["0001-01-01T00:00:00+01:00", "radar_langdon", "100", "10"])


def test_found_plot_row_with_a_bare_cr(workdir: Path, ledger_engine: Engine) -> None:
    """``2026-10-05T02:00:00Z,radar\rlangdon,1,2``: a CR inside an unquoted field made the csv module raise
    ``csv.Error`` out of the file ingest; now the line is rejected as ``malformed``."""
    header = b"time_utc,sensor_id,range_m,bearing_deg\n"
    _ingest(
        workdir,
        ledger_engine,
        header + b"2026-10-05T02:00:00Z,radar\rlangdon,1,2\n" + PLOT_ROWS[0].encode(),
        "csv",
    )


def test_found_arpa_sentence_not_ascii() -> None:
    """``$RATTM,\x80,...``: a non-ASCII character made the checksum raise ``UnicodeEncodeError``."""
    with pytest.raises(DecodeError) as err:
        parse_arpa(nmea_checksum("RATTM,01,2.50").replace("01", "\x80"))
    assert err.value.reason == RejectReason.NOT_TEXT
