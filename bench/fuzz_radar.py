"""Coverage-guided fuzzing of the radar decoders with atheris (libFuzzer), seeded with the real captures.

    .venv/bin/python bench/fuzz_radar.py -max_total_time=600   # a long run (docs/reliability.md)
    .venv/bin/python bench/fuzz_radar.py -runs=20000           # a bounded run

The first octet of an input picks the format, the rest is the file: pcap/pcapng, raw/.ast, GPS, NMEA
ARPA, plot CSV — each ingested by ``RadarIngest`` (input log on a temporary directory, rejects ledger on
SQLite) — or a bare ASTERIX datagram decoded and plotted, as the pipeline does, without the file round
trip (fastest, so the mutator spends most of its time in the item decoders). The run fails (libFuzzer
writes the input to ``crash-*``) if anything but a ``DecodeError`` for a file that is no capture at all
escapes, or a packet is not counted exactly once (``packets == accepted + rejected``, every reject in the
ledger, every packet in the input log).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import atheris

from _fuzz import SHARED, run

# the store, the input log and their libraries are not what is fuzzed: imported uninstrumented (instrumenting
# SQLAlchemy costs a minute of start-up and fills the coverage map with its edges)
from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.store.db import make_engine, upgrade

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.ingest.radar.asterix import decode_stream
    from watchkeeper.ingest.radar.convert import AsterixPlotter
    from watchkeeper.ingest.radar.pipeline import RadarIngest
    from watchkeeper.ingest.radar.recordings import read_pcap, split_blocks
    from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver

CAPTURES = SHARED / "data" / "radar" / "asterix_croatiacontrol"
SCENARIO_PLOTS = SHARED / "scenarios" / "strait-night-small" / "plots.csv"
FORMATS = ("asterix", "pcap", "raw", "gps", "nmea", "csv")
START = date(2026, 10, 5)
NOON = datetime(2026, 10, 5, 12, tzinfo=UTC)


def _nmea(body: str) -> bytes:
    x = 0
    for ch in body.encode():
        x ^= ch
    return f"${body}*{x:02X}\n".encode()


ARPA = b"".join(
    _nmea(b)
    for b in (
        "RATTM,01,2.50,045.0,T,5.2,270.0,T,0.5,-3.2,N,BOAT1,T,,021500.00,A",
        "RATLL,02,5102.345,N,00130.500,E,TGT2,021501.00,T,",
        "RATTM,04,1.00,010.0,R,3.0,090.0,T,0.5,2.0,N,,T,,021503.00,A",
    )
)
RESET_EVERY = 5000  # a fresh input log and ledger now and then: a long run must not fill the disk


class Workspace:
    def __init__(self) -> None:
        shm = Path("/dev/shm")
        self.root = Path(tempfile.mkdtemp(prefix="wk-fuzz-radar-", dir=shm if shm.is_dir() else None))
        self.runs = 0
        self._open()

    def _open(self) -> None:
        self.engine = make_engine(f"sqlite:///{self.root / 'ledger.db'}")
        upgrade(self.engine)
        self.log = InputLog(self.root / "log")

    def tick(self) -> None:
        self.runs += 1
        if self.runs % RESET_EVERY == 0:
            self.log.close()
            self.engine.dispose()
            for p in self.root.iterdir():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            self._open()


WS: Workspace | None = None


def _asterix(data: bytes) -> None:
    plotter = AsterixPlotter(TimeOfDayResolver(START))
    for block in decode_stream(data):
        if block.error is not None and not isinstance(block.error.reason, RejectReason):
            raise AssertionError(f"reject without a reason: {block.error!r}")
        for rec in block.records:
            try:
                plotter.plot(rec, NOON)
            except ValueError as exc:  # the one the pipeline turns into out_of_range
                if "time of day" not in str(exc):
                    raise


def _file(fmt: str, data: bytes) -> None:
    global WS
    if WS is None:
        WS = Workspace()
    WS.tick()
    path = WS.root / f"input.{fmt}"
    path.write_bytes(data)
    ledger = RejectsLedger(WS.engine)
    first = WS.log.next_seq
    ingest = RadarIngest(WS.log, ledger, START, own_heading_deg=12.0)
    try:
        ingest.ingest(path, fmt)
    except DecodeError as exc:
        if fmt == "pcap" and exc.reason in (RejectReason.MALFORMED, RejectReason.TRUNCATED):
            return  # not a capture at all: refused whole, with its reason
        raise
    s = ingest.summary
    rejected = sum(s.rejected.values())
    if s.packets != s.accepted + rejected or WS.log.next_seq - first != s.packets:
        raise AssertionError(f"counts {s.as_dict()}, logged {WS.log.next_seq - first}")
    if sum(ledger.counts.values()) != rejected:
        raise AssertionError(f"ledger {dict(ledger.counts)} vs {s.as_dict()}")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    if fmt == "asterix":
        _asterix(data[1:])
    else:
        _file(fmt, data[1:])


def write_seeds(corpus: Path) -> None:
    def seed(name: str, fmt: str, body: bytes) -> None:
        (corpus / f"seed-{fmt}-{name}").write_bytes(bytes([FORMATS.index(fmt)]) + body)

    for p in sorted(CAPTURES.glob("*.pcap")):
        seed(p.stem, "pcap", p.read_bytes())
        for i, (_t, payload) in enumerate(read_pcap(p)):
            if i < 20:
                seed(f"{p.stem}-{i:02d}", "asterix", payload)
    for p in (*CAPTURES.glob("*.raw"), *CAPTURES.glob("*.ast")):
        seed(p.stem, "raw", p.read_bytes())
        for i, (_off, block) in enumerate(split_blocks(p.read_bytes())):
            seed(f"{p.stem}-{i:02d}", "asterix", block)
    seed("parsegps", "gps", (CAPTURES / "parsegps.gps").read_bytes())
    seed("cat010-target", "asterix", bytes.fromhex("0A0016F5A00102012007084030394000002E2000004D"))
    seed("cat010-status", "asterix", bytes.fromhex("0A0007C0010203"))
    seed("arpa", "nmea", ARPA)
    if SCENARIO_PLOTS.is_file():
        seed("plots", "csv", b"".join(SCENARIO_PLOTS.read_bytes().splitlines(keepends=True)[:12]))


if __name__ == "__main__":
    run("radar", write_seeds, test_one_input)
