"""The live tracking core: plots and AIS reports pushed as they arrive, tracks out per radar scan.

Pure and event-time driven (no clock, no I/O): the live worker pushes each decoded ``Plot`` and
``AisReport`` in *arrival* order; ``LiveTracker`` buffers them and releases them to the ``Tracker`` in
*event-time* scans, exactly as ``runner.run_scenario`` slices a recording, so live and replay give the
same tracks for the same inputs (tested).

- Scans are ``scan_period_s`` long and aligned on ``epoch``: the step at scan time ``k·period`` gets every
  input with event time in ``[(k−1)·period, k·period)``.
- Lateness: inputs may arrive out of event-time order by up to ``lateness_s``. The *watermark* is the
  latest event time pushed minus ``lateness_s``; the step at ``k·period`` runs once the watermark has
  reached ``k·period``. A radar's plots arrive in sector bursts and the two radars and the AIS feed have
  their own delays, so the default, one scan period, covers a burst from each.
- An input whose event time falls in a scan already released is *late*: it cannot change tracks already
  emitted, so it is not applied; it is kept in ``late`` (with a count) for the worker to log.
- Drone and observer detections (``push_field``) are buffered into the scan of their event time like the
  rest but never move the watermark: they are sparse and stamped by clocks the cell does not keep (a
  ground station's), so one wrong clock must not release the radar's scans early and make them late.
- ``advance(event_time)`` moves the watermark without an input (a radar's north marker, a heartbeat);
  ``flush()`` releases everything buffered (end of a replay).

Driving it (the live worker): ``outputs = live.push_plot(plot)`` / ``live.push_ais(report)`` for every
decoded input, publishing each returned ``TrackOutput`` (``messages.track_messages``) and appending it to
the history (``history.TrackHistory.write``); drain ``live.late`` into the log now and then. Keep
``epoch`` fixed (e.g. midnight UTC of the service's first day): scans are aligned on it, so a replay of the
input log gives the same scans, tracks and ids. A restart that does not replay the whole log starts ids
above the stored ones (``first_track_id=TrackHistory(engine).max_track_id() + 1``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.core.types import AisReport, FieldObservation, Plot
from watchkeeper.tracking.field import is_measurement
from watchkeeper.tracking.measurement import RadarModel
from watchkeeper.tracking.tracker import Tracker, TrackerConfig, TrackOutput

Input = Plot | AisReport | FieldObservation


@dataclass(slots=True)
class LateInputs:
    """Inputs that arrived after their scan had been released (not applied)."""

    items: list[Input] = field(default_factory=list)
    count: int = 0

    def drain(self) -> list[Input]:
        out, self.items = self.items, []
        return out


class LiveTracker:
    """Buffers inputs by event time and steps a :class:`Tracker` scan by scan (see module docstring)."""

    def __init__(
        self,
        radars: Sequence[RadarModel],
        epoch: datetime,
        config: TrackerConfig | None = None,
        lateness_s: float | None = None,
        first_track_id: int = 1,
    ) -> None:
        self.tracker = Tracker(radars, epoch, config, first_track_id)
        self.epoch = epoch
        self.period = self.tracker.scan_period_s
        self.lateness_s = self.period if lateness_s is None else float(lateness_s)
        if self.lateness_s < 0:
            raise ValueError("lateness_s must be ≥ 0")
        self._buffer: dict[int, list[Input]] = {}  # step index → inputs of its window
        self._next_step: int | None = None  # first step not yet released
        self._max_seen = -math.inf  # latest event time pushed (s since epoch)
        self.late = LateInputs()

    # ---- inputs -----------------------------------------------------------------------------
    def push_plot(self, plot: Plot) -> list[TrackOutput]:
        return self._push(plot, self.tracker.seconds(plot.time))

    def push_ais(self, report: AisReport) -> list[TrackOutput]:
        return self._push(report, self.tracker.seconds(report.event_time))

    def push_field(self, obs: FieldObservation) -> list[TrackOutput]:
        """A drone/observer detection: buffered for its scan if it is a position measurement
        (``field.is_measurement``; the others are not the tracker's). Never moves the watermark."""
        if not is_measurement(obs, self.tracker.config.detections):
            return []
        return self._push(obs, self.tracker.seconds(obs.event_time), moves_watermark=False)

    def push(self, item: Input) -> list[TrackOutput]:
        if isinstance(item, Plot):
            return self.push_plot(item)
        if isinstance(item, FieldObservation):
            return self.push_field(item)
        return self.push_ais(item)

    def advance(self, event_time: datetime) -> list[TrackOutput]:
        """Move the watermark to ``event_time − lateness`` without an input; release what is due."""
        self._max_seen = max(self._max_seen, self.tracker.seconds(event_time))
        return self._release(self._max_seen - self.lateness_s)

    def flush(self) -> list[TrackOutput]:
        """Release every buffered input (up to the step after the last one), e.g. at the end of a replay."""
        if not self._buffer:
            return []
        last = max(self._buffer)
        return self._release(last * self.period)

    @property
    def pending(self) -> int:
        """Inputs buffered, not yet released."""
        return sum(len(v) for v in self._buffer.values())

    # ---- internals --------------------------------------------------------------------------
    def _step_of(self, t: float) -> int:
        """The step whose window ``[(k−1)·period, k·period)`` holds event time ``t``."""
        return math.floor(t / self.period) + 1

    def _push(self, item: Input, t: float, moves_watermark: bool = True) -> list[TrackOutput]:
        k = self._step_of(t)
        if self._next_step is not None and k < self._next_step:
            self.late.items.append(item)
            self.late.count += 1
            return []
        self._buffer.setdefault(k, []).append(item)
        if not moves_watermark:
            return []
        if self._next_step is None:
            self._next_step = k - 1  # start with the (empty) scan at or before the first input
            for early in [j for j in self._buffer if j < self._next_step]:  # detections before it
                items = self._buffer.pop(early)
                self.late.items.extend(items)
                self.late.count += len(items)
        self._max_seen = max(self._max_seen, t)
        return self._release(self._max_seen - self.lateness_s)

    def _release(self, watermark: float) -> list[TrackOutput]:
        out: list[TrackOutput] = []
        if self._next_step is None:
            return out
        while self._next_step * self.period <= watermark + 1e-9:
            k = self._next_step
            items = self._buffer.pop(k, [])
            plots = [i for i in items if isinstance(i, Plot)]
            reports = [i for i in items if isinstance(i, AisReport)]
            field = [i for i in items if isinstance(i, FieldObservation)]
            out.append(self.tracker.step_at(k * self.period, plots, reports, field))
            self._next_step = k + 1
        return out
