"""Replay a data dir's input logs through the live pipeline: decoders, picture, tracker, rules, incidents.

DESIGN.md principle 1: the core is a deterministic function of the ordered input, so the input logs alone
give back the picture (vessel states, positions), the tracks (track points) and the alerts and incidents
the live service made from them. ``LogReplay`` feeds the logged records, batch by batch, through the same
objects the service's ingestors and workers use, at the same granularity:

* an AIS batch (one ``AisIngestor.ingest`` call: consecutive records of one source with one receive time)
  is decoded by that source's ``AisDecoder``, its rejects ledgered, its reports folded into the picture and
  stored (``PictureWriter``), then handed to the tracker as one ``obs.ais`` message;
* a radar batch (one ``RadarIngestor.ingest_rows`` call, or one ASTERIX datagram) is decoded by the live
  radar intake's ``decode_rows`` / ``decode_asterix`` and handed to the tracker as one
  ``obs.radar.<sensor>`` message per sensor, in order of first appearance;
* messages go through the bus's JSON framing (``core.wire``) both ways, as live;
* the tracker step (``LiveTracker``, scans aligned on ``TRACK_EPOCH``), the history write, the scan's AIS
  window and the ``track.update`` body are those of ``tracking.worker``; the watch step and its recording
  those of ``alerts.worker``.

Batches of the two logs are merged in receive-time order (the order the ingestors published them).
Scans are released exactly as live (watermark, no flush at the end): what the live tracker had not released
when its input stopped is not released here either.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Engine

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.watch import Watch
from watchkeeper.alerts.worker import scan_from_message
from watchkeeper.core.types import AisReport, Plot
from watchkeeper.core.wire import ais_from_items, decode_ais, decode_plots, encode_ais, encode_plots
from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.inputlog import InputLog, read_log
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.pipeline import PictureWriter
from watchkeeper.ingest.radar.live import ASTERIX_SOURCE_PREFIX, RadarRowIntake, RowsResult
from watchkeeper.ingest.radar.scenario import ScenarioSensors
from watchkeeper.picture.live import LivePicture
from watchkeeper.picture.store import PictureStore
from watchkeeper.tracking.history import TrackHistory
from watchkeeper.tracking.live import LiveTracker
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.messages import output_time
from watchkeeper.tracking.tracker import TrackOutput
from watchkeeper.tracking.worker import TRACK_EPOCH, scan_message

AIS_LOG = "inputlog"
RADAR_LOG = "inputlog-radar"
FIELD_LOG = "inputlog-field"
SIMULATED_AIS_SOURCES = ("sim",)  # the demo's feed (api/demo.py SIM_SOURCE): its reports are SIMULATED


@dataclass(slots=True)
class LogBatch:
    """Consecutive records of one log with one source and one receive time: one live ingest call."""

    kind: str  # "ais" | "radar"
    source: str
    receive_time: datetime
    first_seq: int
    lines: list[tuple[int, bytes]]


def read_batches(directory: Path, kind: str) -> Iterator[LogBatch]:
    """The log in ``directory`` as batches, in sequence order (nothing if it does not exist)."""
    if not directory.is_dir():
        return
    batch: LogBatch | None = None
    for rec in read_log(directory):
        assert rec.log_seq is not None
        if (
            batch is not None
            and rec.source == batch.source
            and rec.receive_time == batch.receive_time
            and rec.log_seq == batch.first_seq + len(batch.lines)
        ):
            batch.lines.append((rec.line_no, rec.raw))
            continue
        if batch is not None:
            yield batch
        batch = LogBatch(kind, rec.source, rec.receive_time, rec.log_seq, [(rec.line_no, rec.raw)])
    if batch is not None:
        yield batch


def merged_batches(data_dir: Path) -> Iterator[LogBatch]:
    """AIS and radar batches of ``data_dir`` merged by receive time (AIS first on a tie)."""
    order = {"ais": 0, "radar": 1}
    streams = [read_batches(data_dir / AIS_LOG, "ais"), read_batches(data_dir / RADAR_LOG, "radar")]
    return heapq.merge(*streams, key=lambda b: (b.receive_time, order[b.kind], b.first_seq))


@dataclass(slots=True)
class ReplayCounts:
    ais_lines: int = 0
    ais_reports: int = 0
    radar_rows: int = 0
    plots: int = 0
    rejects: int = 0
    scans: int = 0
    late_inputs: int = 0
    last_seq: dict[str, int] = field(default_factory=lambda: {"ais": 0, "radar": 0})

    def as_dict(self) -> dict[str, object]:
        return {
            "ais_lines": self.ais_lines,
            "ais_reports": self.ais_reports,
            "radar_rows": self.radar_rows,
            "plots": self.plots,
            "rejects": self.rejects,
            "scans": self.scans,
            "late_inputs": self.late_inputs,
            "last_seq": dict(self.last_seq),
        }


class LogReplay:
    """The live pipeline over logged batches, writing into ``engine`` (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        radars: ScenarioSensors | None = None,
        *,
        track_marking: str = "UK-ONLY",
    ) -> None:
        self.ledger = RejectsLedger(engine)
        self.writer = PictureWriter(LivePicture(), PictureStore(engine))
        self._decoders: dict[str, AisDecoder] = {}
        self.known_sensors = None if radars is None else {r.sensor_id for r in radars.radars}
        # the live radar intake's decoding (rows and ASTERIX datagrams; it ledgers its rejects itself);
        # it never appends here: the log it would write to is not given
        self.radar = RadarRowIntake(cast(InputLog, None), self.ledger, self.known_sensors)
        self.tracker = None if radars is None else LiveTracker(radar_models(radars.radars), TRACK_EPOCH)
        self.simulated_radar = bool(radars is not None and radars.simulated)
        self.track_marking = track_marking
        self.history = TrackHistory(engine)
        self.watch = Watch()
        self.recorder = WatchRecorder(engine, simulated=False)
        self._ais: list[AisReport] = []  # pushed to the tracker, not yet attached to a released scan
        self.counts = ReplayCounts()

    @property
    def picture(self) -> LivePicture:
        return self.writer.picture

    def run(self, data_dir: Path | str) -> ReplayCounts:
        for batch in merged_batches(Path(data_dir)):
            self.apply(batch)
        return self.counts

    def apply(self, batch: LogBatch) -> None:
        last = batch.first_seq + len(batch.lines) - 1
        self.counts.last_seq[batch.kind] = max(self.counts.last_seq[batch.kind], last)
        if batch.kind == "ais":
            self._ais_batch(batch)
        else:
            self._radar_batch(batch)

    # -- ingest ---------------------------------------------------------------------------------------
    def _ais_batch(self, batch: LogBatch) -> None:
        decoder = self._decoders.get(batch.source)
        if decoder is None:
            simulated = batch.source in SIMULATED_AIS_SOURCES
            decoder = self._decoders[batch.source] = AisDecoder(batch.source, simulated=simulated)
        result = decoder.feed_many(batch.lines, batch.receive_time, batch.first_seq)
        self.counts.ais_lines += len(batch.lines)
        self._ledger(result.rejects)
        if not result.reports:
            return
        self.counts.ais_reports += len(result.reports)
        states = self.writer.apply(result.reports)
        self.writer.persist(result.reports, states)
        self._tracker_ais(decode_ais(encode_ais(result.reports)))

    def _radar_batch(self, batch: LogBatch) -> None:
        self.counts.radar_rows += len(batch.lines)
        if batch.source.startswith(ASTERIX_SOURCE_PREFIX):  # one datagram at a time, as live
            for i, (line_no, raw) in enumerate(batch.lines):
                seq = batch.first_seq + i
                self._radar_result(
                    self.radar.decode_asterix(batch.source, line_no, raw, batch.receive_time, seq)
                )
        else:
            self._radar_result(
                self.radar.decode_rows(batch.source, batch.lines, batch.receive_time, batch.first_seq)
            )

    def _radar_result(self, result: RowsResult) -> None:
        self.counts.rejects += len(result.rejects)
        self.counts.plots += len(result.plots)
        by_sensor: dict[str, list[Plot]] = defaultdict(list)  # one message per sensor (RadarIngestor)
        for plot in result.plots:
            by_sensor[plot.sensor_id].append(plot)
        for plots in by_sensor.values():
            self._tracker_plots(decode_plots(encode_plots(plots)))

    def _ledger(self, rejects: list) -> None:  # type: ignore[type-arg]
        for reject in rejects:
            self.ledger.add(reject)
        self.ledger.flush()
        self.counts.rejects += len(rejects)

    # -- tracker (tracking.worker.TrackerService) -----------------------------------------------------
    def _tracker_ais(self, reports: list[AisReport]) -> None:
        if self.tracker is None:
            return
        outputs: list[TrackOutput] = []
        for r in reports:
            if r.has_position:
                outputs += self.tracker.push_ais(r)
                self._ais.append(r)
        self._emit(outputs)

    def _tracker_plots(self, plots: list[Plot]) -> None:
        if self.tracker is None:
            return
        outputs: list[TrackOutput] = []
        for p in plots:
            outputs += self.tracker.push_plot(p)
        self._emit(outputs)

    def _take_ais(self, before: datetime) -> list[AisReport]:
        taken = sorted((r for r in self._ais if r.event_time < before), key=lambda r: r.event_time)
        self._ais = [r for r in self._ais if r.event_time >= before]
        return taken

    def _emit(self, outputs: list[TrackOutput]) -> None:
        assert self.tracker is not None
        self.counts.late_inputs = self.tracker.late.count
        self.tracker.late.drain()
        for out in outputs:
            self.history.write(out, simulated=self.simulated_radar, marking=self.track_marking)
            ais = self._take_ais(output_time(out))
            message = scan_message(out, simulated=self.simulated_radar, marking=self.track_marking, ais=ais)
            self._alerts(json.loads(json.dumps(message)))
            self.counts.scans += 1

    # -- alerts (alerts.worker.AlertService) ----------------------------------------------------------
    def _alerts(self, body: dict[str, object]) -> None:
        scan = scan_from_message(body)
        ais = ais_from_items(body.get("ais", []))  # type: ignore[arg-type]
        if self.watch.engine.time is not None and scan.time <= self.watch.engine.time:
            return
        step = self.watch.step(scan, ais)
        self.recorder.simulated = bool(body.get("simulated"))
        self.recorder.record(self.watch, step)
