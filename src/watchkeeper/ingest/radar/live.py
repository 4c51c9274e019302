"""Radar plots inside the server: raw rows in, ``Plot`` batches out on the bus (``obs.radar.<sensor>``).

The live counterpart of ``pipeline.RadarIngest`` for plot rows in the scenario format
(``time_utc,sensor_id,range_m,bearing_deg``: the demo's SIMULATED radars, or a plot extractor writing
that format). As for AIS, every raw row is appended to the input log (``<data dir>/inputlog-radar``)
and fsynced before it is decoded; a row that does not decode goes to the rejects ledger with its reason.
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
from watchkeeper.ingest.radar.scenario import parse_plot_row

RADAR_SUBJECT_PREFIX = "obs.radar."


@dataclass(slots=True)
class RowsResult:
    plots: list[Plot] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def decode_rows(
    source: str,
    lines: Sequence[tuple[int, bytes]],
    receive_time: datetime,
    first_seq: int,
    known_sensors: set[str] | None = None,
) -> RowsResult:
    """Decode logged plot rows (consecutive input-log sequence numbers from ``first_seq``): the live
    intake and the replay of the log (``picture.replaylog``) decode through this one function."""
    out = RowsResult()
    for i, (line_no, raw) in enumerate(lines):
        seq = first_seq + i
        try:
            text = raw.decode("ascii").strip()
            row = next(csv.reader([text]))
            plot = parse_plot_row(row, known_sensors)
        except DecodeError as exc:
            out.rejects.append(Reject(source, line_no, exc.reason, exc.detail, raw, receive_time, seq))
            continue
        except (UnicodeDecodeError, StopIteration, csv.Error) as exc:
            reason = RejectReason.NOT_TEXT if isinstance(exc, UnicodeDecodeError) else RejectReason.MALFORMED
            out.rejects.append(Reject(source, line_no, reason, str(exc)[:200], raw, receive_time, seq))
            continue
        out.plots.append(replace(plot, log_seq=seq))
    return out


def plots_by_sensor(plots: Sequence[Plot]) -> dict[str, list[Plot]]:
    """A batch's plots per sensor, in order of first appearance: one ``obs.radar.<sensor>`` message each."""
    by_sensor: dict[str, list[Plot]] = defaultdict(list)
    for plot in plots:
        by_sensor[plot.sensor_id].append(plot)
    return by_sensor


class RadarRowIntake:
    """Durable intake of plot rows: log and fsync, decode, ledger. One caller at a time."""

    def __init__(self, log: InputLog, ledger: RejectsLedger, known_sensors: set[str] | None = None) -> None:
        self.log = log
        self.ledger = ledger
        self.known_sensors = known_sensors
        self.counts: Counter[str] = Counter()

    def ingest(self, source: str, lines: Sequence[tuple[int, bytes]], receive_time: datetime) -> RowsResult:
        if not lines:
            return RowsResult()
        first = self.log.append_many(source, receive_time, list(lines))
        self.log.sync()
        out = decode_rows(source, lines, receive_time, first, self.known_sensors)
        for reject in out.rejects:
            self.ledger.add(reject)
            self.counts[reject.reason.value] += 1
        self.ledger.flush()
        self.counts["accepted"] += len(out.plots)
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
        self._line_no: Counter[str] = Counter()
        self._lock = asyncio.Lock()

    async def ingest_rows(self, source: str, rows: Sequence[bytes], receive_time: datetime) -> RowsResult:
        async with self._lock:
            first = self._line_no[source] + 1
            self._line_no[source] += len(rows)
            lines = list(enumerate(rows, start=first))
            result = await asyncio.to_thread(self.intake.ingest, source, lines, receive_time)
            for sensor, plots in plots_by_sensor(result.plots).items():
                await self.bus.publish(
                    RADAR_SUBJECT_PREFIX + sensor, encode_plots(plots), msg_id=f"radar:{plots[0].log_seq}"
                )
            return result

    async def close(self) -> None:
        async with self._lock:
            await asyncio.to_thread(self.intake.close)
