"""The tracker inside the service: ``obs.ais`` and ``obs.radar.>`` in, ``track.update`` out.

Drives the pure live core (``live.LiveTracker``): every decoded plot and AIS report is pushed in arrival
order; each scan it releases (event time, with a bounded lateness) is appended to the track history
(append-only, idempotent on (track_id, time)), published on ``track.update`` for the alerts worker and on
``picture.update`` (``kind: "tracks"``) for the page. The radars come from the sensors file the runtime
was given (``WATCHKEEPER_RADARS_FILE``, the scenario ``sensors.json`` format); without one there is no
radar picture and the worker does not start.

Scans are aligned on ``TRACK_EPOCH`` (a fixed instant), so that the live service and a replay of the same
input put their scan boundaries at the same event times. Track ids start above the largest stored one,
so a restarted tracker never reuses an id.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from watchkeeper.core.errors import DecodeError
from watchkeeper.core.wire import decode_ais, decode_plots
from watchkeeper.picture.live import PICTURE_SUBJECT
from watchkeeper.tracking.history import TrackHistory
from watchkeeper.tracking.live import LiveTracker
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.messages import iso_utc, output_time, track_messages
from watchkeeper.tracking.tracker import TrackOutput

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

TRACK_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
TRACK_SUBJECT = "track.update"


def scan_message(out: TrackOutput, *, simulated: bool, marking: str) -> dict[str, Any]:
    """One scan's confirmed tracks: the ``track.update`` / ``picture.update`` (``kind: "tracks"``) body."""
    return {
        "kind": "tracks",
        "time": iso_utc(output_time(out)),
        "simulated": simulated,
        "marking": marking,
        "tracks": track_messages(out, simulated=simulated, marking=marking),
    }


class TrackerService:
    """The worker's state: the live core, the history, what it publishes."""

    def __init__(self, runtime: Runtime) -> None:
        sensors = runtime.radar_sensors
        assert sensors is not None
        self.runtime = runtime
        self.simulated = sensors.simulated
        self.marking = runtime.settings.track_marking
        self.live = LiveTracker(radar_models(sensors.radars), TRACK_EPOCH)
        self.history = TrackHistory(runtime.engine)
        self.live.tracker.tracks.next_uid = self.history.max_track_id() + 1
        self.scans = 0
        self.late = 0

    async def on_ais(self, subject: str, payload: bytes) -> None:
        try:
            reports = decode_ais(payload)
        except DecodeError as exc:
            log.error("tracker: %s message dropped: %s", subject, exc)
            return
        outputs: list[TrackOutput] = []
        for r in reports:
            if r.has_position:
                outputs += self.live.push_ais(r)
        await self.emit(outputs)

    async def on_radar(self, subject: str, payload: bytes) -> None:
        try:
            plots = decode_plots(payload)
        except DecodeError as exc:
            log.error("tracker: %s message dropped: %s", subject, exc)
            return
        outputs: list[TrackOutput] = []
        for p in plots:
            outputs += self.live.push_plot(p)
        await self.emit(outputs)

    async def emit(self, outputs: list[TrackOutput]) -> None:
        if self.live.late.count != self.late:
            log.warning("tracker: %d inputs arrived after their scan", self.live.late.count - self.late)
            self.late = self.live.late.count
            self.live.late.drain()
        for out in outputs:
            await asyncio.to_thread(self.history.write, out, simulated=self.simulated, marking=self.marking)
            body = json.dumps(scan_message(out, simulated=self.simulated, marking=self.marking)).encode()
            msg_id = f"scan:{out.time:.3f}"
            await self.runtime.bus.publish(TRACK_SUBJECT, body, msg_id=msg_id)
            await self.runtime.bus.publish(PICTURE_SUBJECT, body)
            self.scans += 1


async def run(runtime: Runtime) -> None:
    """The tracker worker (role ``tracker``): runs until cancelled."""
    if runtime.radar_sensors is None:
        log.info("tracker: no radars configured (WATCHKEEPER_RADARS_FILE): no radar picture")
        return
    service = TrackerService(runtime)
    runtime.tracker = service
    subs = [
        await runtime.bus.subscribe("obs.ais", service.on_ais, durable="tracker-ais"),
        await runtime.bus.subscribe("obs.radar.>", service.on_radar, durable="tracker-radar"),
    ]
    try:
        await asyncio.Event().wait()
    finally:
        for sub in subs:
            await sub.unsubscribe()
