"""Radar file ingest: log every packet/line, decode, reject with a reason, hand Plots on.

The unit of input ("packet") is what the wire delivers whole: a UDP datagram of a pcap, a data block
of a raw/``.ast``/GPS recording, a line of NMEA or CSV. Each is appended to the ``InputLog`` before
it is decoded. A packet is *accepted* when everything in it decodes; otherwise it is *rejected* once,
with the reason of its first failing block, into the ``RejectsLedger`` — and the records of its good
blocks are still decoded and passed on (a datagram with one CAT001 block among CAT048 blocks loses
nothing that could be read). ``packets == accepted + sum(rejected)``.

Time: with ``start_date`` the times of day roll forward from that date (``TimeOfDayResolver``);
without it a pcap's capture times are the reference; raw/GPS/NMEA/CSV files need ``start_date``
(NMEA, CSV carry their own full or partial time).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from watchkeeper.core.errors import ConfigError, DecodeError, RejectReason
from watchkeeper.core.types import Plot, Reject
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.radar.asterix import AsterixRecord, decode_stream
from watchkeeper.ingest.radar.convert import AsterixPlotter
from watchkeeper.ingest.radar.nmea_arpa import arpa_plot, parse_arpa
from watchkeeper.ingest.radar.recordings import read_gps, read_pcap, split_blocks
from watchkeeper.ingest.radar.scenario import PLOT_COLUMNS, parse_plot_row
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver

Format = Literal["auto", "pcap", "raw", "ast", "gps", "nmea", "csv"]
FORMATS: tuple[str, ...] = ("auto", "pcap", "raw", "ast", "gps", "nmea", "csv")
_EXT = {
    ".pcap": "pcap",
    ".pcapng": "pcap",
    ".cap": "pcap",
    ".gps": "gps",
    ".ast": "ast",
    ".raw": "raw",
    ".bin": "raw",
    ".nmea": "nmea",
    ".txt": "nmea",
    ".log": "nmea",
    ".csv": "csv",
}


def detect_format(path: Path) -> str:
    """From the extension, else from the first octets (pcap magic, ``$`` of NMEA); raw otherwise."""
    fmt = _EXT.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    head = path.open("rb").read(4)
    if head[:4] in (
        b"\xd4\xc3\xb2\xa1",
        b"\xa1\xb2\xc3\xd4",
        b"\x4d\x3c\xb2\xa1",
        b"\xa1\xb2\x3c\x4d",
        b"\n\r\r\n",
    ):
        return "pcap"
    if head[:1] in (b"$", b"!"):
        return "nmea"
    return "raw"


@dataclass(slots=True)
class IngestSummary:
    packets: int = 0
    records: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    plots: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "packets": self.packets,
            "records": self.records,
            "accepted": self.accepted,
            "rejected": dict(sorted(self.rejected.items())),
        }


PlotSink = Callable[[Plot], None]
RecordSink = Callable[[AsterixRecord], None]


class RadarIngest:
    """One ingest run over files; ``on_plot``/``on_record`` receive what decodes, in input order."""

    def __init__(
        self,
        inputlog: InputLog,
        ledger: RejectsLedger,
        start_date: date | None = None,
        sensor_names: Mapping[str, str] | None = None,
        on_plot: PlotSink | None = None,
        on_record: RecordSink | None = None,
        arpa_sensor_id: str = "arpa",
        own_heading_deg: float | None = None,
    ) -> None:
        self.inputlog = inputlog
        self.ledger = ledger
        self.start_date = start_date
        self.sensor_names = dict(sensor_names or {})
        self.on_plot = on_plot
        self.on_record = on_record
        self.arpa_sensor_id = arpa_sensor_id
        self.own_heading_deg = own_heading_deg
        self.summary = IngestSummary()

    # -- shared -------------------------------------------------------------------------------
    def _reject(
        self, source: str, line_no: int, exc: DecodeError, raw: bytes, recv: datetime, seq: int
    ) -> None:
        self.summary.rejected[exc.reason.value] += 1
        self.ledger.add(Reject(source, line_no, exc.reason, exc.detail, raw, recv, seq))

    def _emit(self, plot: Plot | None) -> None:
        if plot is not None:
            self.summary.plots += 1
            if self.on_plot is not None:
                self.on_plot(plot)

    def _asterix_packet(
        self,
        plotter: AsterixPlotter,
        source: str,
        line_no: int,
        raw: bytes,
        recv: datetime,
        reference: datetime | None,
    ) -> None:
        seq = self.inputlog.append(source, line_no, raw, recv)
        self.summary.packets += 1
        error: DecodeError | None = None if raw else DecodeError(RejectReason.EMPTY, "empty packet")
        for block in decode_stream(raw):
            if block.error is not None and error is None:
                error = block.error
            for rec in block.records:
                self.summary.records += 1
                if self.on_record is not None:
                    self.on_record(rec)
                try:
                    self._emit(plotter.plot(rec, reference, seq))
                except ValueError as exc:  # a time of day outside one day
                    if error is None:
                        error = DecodeError(RejectReason.OUT_OF_RANGE, str(exc))
        if error is None:
            self.summary.accepted += 1
        else:
            self._reject(source, line_no, error, raw, recv, seq)

    def _resolver(self, need_date: bool, path: Path) -> TimeOfDayResolver:
        if need_date and self.start_date is None:
            raise ConfigError(f"{path}: this format has no date: give --date YYYY-MM-DD")
        return TimeOfDayResolver(self.start_date)

    # -- formats ------------------------------------------------------------------------------
    def ingest(self, path: Path | str, fmt: str = "auto") -> None:
        path = Path(path)
        if fmt == "auto":
            fmt = detect_format(path)
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r}")
        source = f"file:{path}"
        recv = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if fmt == "pcap":
            plotter = AsterixPlotter(self._resolver(False, path), self.sensor_names)
            for n, (ts, payload) in enumerate(read_pcap(path), start=1):
                ref = None if self.start_date is not None else ts
                self._asterix_packet(plotter, source, n, payload, ts, ref)
        elif fmt in ("raw", "ast"):
            plotter = AsterixPlotter(self._resolver(True, path), self.sensor_names)
            for n, (_off, block) in enumerate(split_blocks(path.read_bytes()), start=1):
                self._asterix_packet(plotter, source, n, block, recv, None)
        elif fmt == "gps":
            plotter = AsterixPlotter(self._resolver(True, path), self.sensor_names)
            for n, (_tod, block) in enumerate(read_gps(path.read_bytes()), start=1):
                self._asterix_packet(plotter, source, n, block, recv, None)
        elif fmt == "nmea":
            self._nmea(path, source, recv)
        else:
            self._csv(path, source, recv)
        self.ledger.flush()
        self.inputlog.sync()

    def _lines(self, path: Path) -> Iterable[tuple[int, bytes]]:
        with path.open("rb") as fh:
            for n, line in enumerate(fh, start=1):
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield n, line

    def _nmea(self, path: Path, source: str, recv: datetime) -> None:
        resolver = self._resolver(True, path)
        for n, raw in self._lines(path):
            seq = self.inputlog.append(source, n, raw, recv)
            self.summary.packets += 1
            try:
                text = raw.decode("ascii")
            except UnicodeDecodeError:
                self._reject(source, n, DecodeError(RejectReason.NOT_TEXT, "not ASCII"), raw, recv, seq)
                continue
            try:
                target = parse_arpa(text, self.own_heading_deg)
            except DecodeError as exc:
                self._reject(source, n, exc, raw, recv, seq)
                continue
            self.summary.records += 1
            self.summary.accepted += 1
            self._emit(arpa_plot(target, self.arpa_sensor_id, resolver, None, seq))

    def _csv(self, path: Path, source: str, recv: datetime) -> None:
        header_seen = False
        for n, raw in self._lines(path):
            seq = self.inputlog.append(source, n, raw, recv)
            self.summary.packets += 1
            try:
                row = csv_row(raw)
            except DecodeError as exc:
                row, bad_row = None, exc
            if not header_seen:
                header_seen = True
                if row is not None and tuple(h.strip() for h in row) == PLOT_COLUMNS:
                    self.summary.accepted += 1
                    continue
                self._reject(
                    source, n, DecodeError(RejectReason.MALFORMED, f"header {row!r}"), raw, recv, seq
                )
                return
            if row is None:
                self._reject(source, n, bad_row, raw, recv, seq)
                continue
            try:
                plot = parse_plot_row(row)
            except DecodeError as exc:
                self._reject(source, n, exc, raw, recv, seq)
                continue
            self.summary.records += 1
            self.summary.accepted += 1
            self._emit(replace(plot, log_seq=seq))


def csv_row(raw: bytes) -> list[str]:
    """The cells of one CSV line; ``DecodeError(malformed)`` where the csv module refuses it (a bare CR
    inside an unquoted field) or finds no row."""
    try:
        return next(csv.reader([raw.decode("utf-8", "replace")]))
    except (csv.Error, StopIteration) as exc:
        raise DecodeError(RejectReason.MALFORMED, f"CSV: {exc or 'no row'}") from None
