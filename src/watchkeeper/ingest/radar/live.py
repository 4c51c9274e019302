"""Radar plots inside the server: raw input in, ``Plot`` batches out on the bus (``obs.radar.<sensor>``).

The live counterpart of ``pipeline.RadarIngest`` for plot rows in the scenario format
(``time_utc,sensor_id,range_m,bearing_deg``: the demo's SIMULATED radars, or a plot extractor writing
that format, e.g. over TCP with ``serve --radar-tcp``) and for ASTERIX datagrams (``serve --radar-udp``).
As for AIS, every raw row or datagram is appended to the input log (``<data dir>/inputlog-radar``, one
log for both) and fsynced before it is decoded; one that does not decode goes to the rejects ledger with
its reason. ASTERIX times of day resolve against the datagram's receive time (the nearest day).
"""

from __future__ import annotations

import asyncio
import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Engine

from watchkeeper.bus import Bus
from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.settings import Settings
from watchkeeper.core.types import Plot, Reject
from watchkeeper.core.wire import encode_plots
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.pipeline import publish_retrying
from watchkeeper.ingest.radar.asterix import decode_stream
from watchkeeper.ingest.radar.convert import AsterixPlotter
from watchkeeper.ingest.radar.scenario import parse_plot_row
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver
from watchkeeper.ingest.republish import Watermark, already_ledgered, new_rejects, unpublished_batches

RADAR_SUBJECT_PREFIX = "obs.radar."
RADAR_WATERMARK = "ingest:radar"  # its row in worker_checkpoints
ASTERIX_SOURCE_PREFIX = "asterix:"  # sources of ASTERIX datagrams in the radar log; the others are rows


@dataclass(slots=True)
class RowsResult:
    plots: list[Plot] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


class RadarRowIntake:
    """Durable intake of plot rows: log and fsync, decode, ledger. One caller at a time."""

    def __init__(self, log: InputLog, ledger: RejectsLedger, known_sensors: set[str] | None = None) -> None:
        self.log = log
        self.ledger = ledger
        self.known_sensors = known_sensors
        self.counts: Counter[str] = Counter()
        self._plotters: dict[str, AsterixPlotter] = {}  # per sender: its time of day rolls its own date
        self._datagrams: dict[str, int] = {}

    def ingest(self, source: str, lines: Sequence[tuple[int, bytes]], receive_time: datetime) -> RowsResult:
        out = RowsResult()
        if not lines:
            return out
        first = self.log.append_many(source, receive_time, list(lines))
        self.log.sync()
        return self.decode_rows(source, lines, receive_time, first)

    def decode_rows(
        self,
        source: str,
        lines: Sequence[tuple[int, bytes]],
        receive_time: datetime,
        first: int,
        seen: set[tuple[str, int]] | None = None,
    ) -> RowsResult:
        """Decode rows already in the log from ``first`` on; rejects in ``seen`` are not ledgered twice."""
        out = RowsResult()
        for i, (line_no, raw) in enumerate(lines):
            seq = first + i
            try:
                text = raw.decode("ascii").strip()
                row = next(csv.reader([text]))
                plot = parse_plot_row(row, self.known_sensors)
            except DecodeError as exc:
                out.rejects.append(Reject(source, line_no, exc.reason, exc.detail, raw, receive_time, seq))
                continue
            except (UnicodeDecodeError, StopIteration, csv.Error) as exc:
                reason = (
                    RejectReason.NOT_TEXT if isinstance(exc, UnicodeDecodeError) else RejectReason.MALFORMED
                )
                out.rejects.append(Reject(source, line_no, reason, str(exc)[:200], raw, receive_time, seq))
                continue
            out.plots.append(replace(plot, log_seq=seq))
        for reject in new_rejects(out.rejects, seen or set()):
            self.ledger.add(reject)
            self.counts[reject.reason.value] += 1
        self.ledger.flush()
        self.counts["accepted"] += len(out.plots)
        return out

    def ingest_asterix(self, source: str, datagram: bytes, receive_time: datetime) -> RowsResult:
        """One ASTERIX datagram: logged and fsynced, decoded; rejected once with the reason of its
        first failure, the plots of its good blocks kept (as ``pipeline.RadarIngest``)."""
        line_no = self._datagrams[source] = self._datagrams.get(source, 0) + 1
        seq = self.log.append(source, line_no, datagram, receive_time)
        self.log.sync()
        return self.decode_asterix(source, line_no, datagram, receive_time, seq)

    def decode_asterix(
        self,
        source: str,
        line_no: int,
        datagram: bytes,
        receive_time: datetime,
        seq: int,
        seen: set[tuple[str, int]] | None = None,
    ) -> RowsResult:
        """Decode a datagram already in the log (``seq``); not ledgered twice when in ``seen``."""
        out = RowsResult()
        plotter = self._plotters.get(source)
        if plotter is None:
            plotter = self._plotters[source] = AsterixPlotter(TimeOfDayResolver())
        error: DecodeError | None = None if datagram else DecodeError(RejectReason.EMPTY, "empty datagram")
        for block in decode_stream(datagram):
            if block.error is not None and error is None:
                error = block.error
            for rec in block.records:
                try:
                    plot = plotter.plot(rec, receive_time, seq)
                except ValueError as exc:  # a time of day outside one day
                    error = error or DecodeError(RejectReason.OUT_OF_RANGE, str(exc))
                    continue
                if plot is None:
                    continue
                if self.known_sensors is not None and plot.sensor_id not in self.known_sensors:
                    error = error or DecodeError(RejectReason.UNKNOWN_SENSOR, f"sensor {plot.sensor_id!r}")
                    continue
                out.plots.append(plot)
        if error is not None:
            reject = Reject(source, line_no, error.reason, error.detail, datagram, receive_time, seq)
            out.rejects.append(reject)
            if (source, seq) not in (seen or set()):
                self.ledger.add(reject)
                self.ledger.flush()
            self.counts[error.reason.value] += 1
        else:
            self.counts["accepted"] += 1
        return out

    def close(self) -> None:
        self.log.close()


class RadarIngestor:
    """Plot rows inside the server: blocking I/O in a worker thread; plots published per sensor."""

    def __init__(
        self, *, engine: Engine, bus: Bus, settings: Settings, known_sensors: set[str] | None = None
    ) -> None:
        self.intake = RadarRowIntake(
            InputLog(settings.data_dir / "inputlog-radar"), RejectsLedger(engine), known_sensors
        )
        self.bus = bus
        self.engine = engine
        self._line_no: Counter[str] = Counter()
        self._lock = asyncio.Lock()
        self.watermark = Watermark(engine, RADAR_WATERMARK, self.intake.log.next_seq - 1)

    async def republish_unpublished(self) -> int:
        """Publish what the radar log holds beyond the watermark (``ingest/republish.py``)."""
        async with self._lock:
            after = self.watermark.published
            batches = list(unpublished_batches(self.intake.log.directory, after))
            seen = already_ledgered(self.engine, {b.source for b in batches}, after)
            n = 0
            for batch in batches:
                recv = batch.records[0].receive_time
                if batch.source.startswith(ASTERIX_SOURCE_PREFIX):
                    for rec in batch.records:
                        assert rec.log_seq is not None
                        result = await asyncio.to_thread(
                            self.intake.decode_asterix,
                            batch.source,
                            rec.line_no,
                            rec.raw,
                            rec.receive_time,
                            rec.log_seq,
                            seen,
                        )
                        await self._publish(result, rec.log_seq, rec.log_seq)
                else:
                    result = await asyncio.to_thread(
                        self.intake.decode_rows, batch.source, batch.lines, recv, batch.first_seq, seen
                    )
                    await self._publish(result, batch.first_seq, batch.last_seq)
                self.watermark.advance(batch.last_seq)
                n += len(batch.records)
            self.watermark.flush()
            return n

    async def ingest_rows(self, source: str, rows: Sequence[bytes], receive_time: datetime) -> RowsResult:
        async with self._lock:
            first = self._line_no[source] + 1
            self._line_no[source] += len(rows)
            lines = list(enumerate(rows, start=first))
            first_seq = self.intake.log.next_seq
            result = await asyncio.to_thread(self.intake.ingest, source, lines, receive_time)
            last_seq = first_seq + len(lines) - 1
            await self._publish(result, first_seq, last_seq)
            if lines:
                await asyncio.to_thread(self.watermark.advance, last_seq)
            return result

    async def ingest_datagram(self, source: str, datagram: bytes, receive_time: datetime) -> RowsResult:
        """One ASTERIX datagram received now from ``source`` (``serve --radar-udp``)."""
        source = source if source.startswith(ASTERIX_SOURCE_PREFIX) else ASTERIX_SOURCE_PREFIX + source
        async with self._lock:
            seq = self.intake.log.next_seq
            result = await asyncio.to_thread(self.intake.ingest_asterix, source, datagram, receive_time)
            await self._publish(result, seq, seq)
            await asyncio.to_thread(self.watermark.advance, seq)
            return result

    async def _publish(self, result: RowsResult, first_seq: int, last_seq: int) -> None:
        """Publish one batch's plots per sensor; ``msg_id = radar:<sensor>:<first>-<last>`` (the
        batch's input-log records), so a batch published again after a crash is the same message."""
        by_sensor: dict[str, list[Plot]] = defaultdict(list)
        for plot in result.plots:
            by_sensor[plot.sensor_id].append(plot)
        for sensor, plots in by_sensor.items():
            msg_id = f"radar:{sensor}:{first_seq}-{last_seq}"
            await publish_retrying(
                self.bus, RADAR_SUBJECT_PREFIX + sensor, encode_plots(plots), msg_id=msg_id
            )

    async def close(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self.watermark.flush)
            await asyncio.to_thread(self.intake.close)
