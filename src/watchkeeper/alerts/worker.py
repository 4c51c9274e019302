"""The alert rules and incidents inside the service: ``track.update`` in, alerts and incidents out.

Drives the pure watch (``watch.Watch``: alert engine + incident book), scan by scan, exactly as
``watchkeeper replay`` does: each scan's tracks with the AIS reports and the drone/observer detections of
its window, which the tracker attaches to the message (so what the rules and the incidents see is what the
tracker used, in any delivery order).
Each step is stored first (``recorder.WatchRecorder``: alerts, incidents, timeline), then announced on
``picture.update`` (``kind: "alert"`` / ``"incident"``, filtered per user by marking in the live hub) and on
``alert.<rule>`` / ``incident.<event>`` for other consumers (partner feeds, TAK out).

Releases of incidents and alerts made through the API are read from the store's ``releases`` (once a
scan, those made since the last read) and handed to the watch at the first scan later than their event
time (``core.marking.due``), as a replay given the same releases does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watchkeeper.alerts.recorder import WatchRecorder
from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.watch import Watch
from watchkeeper.core.errors import DecodeError
from watchkeeper.core.marking import Released, due
from watchkeeper.core.wire import ais_from_items, observations_from_items
from watchkeeper.picture.live import PICTURE_SUBJECT
from watchkeeper.sharing.store import ReleaseStore

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

WATCH_RELEASES = ("incident", "alert")  # the record types the watch holds


def scan_from_message(body: dict[str, Any]) -> TrackScan:
    """A ``track.update`` message (``tracking.worker.scan_message``) as the engine's input."""
    time = datetime.fromisoformat(str(body["time"]).replace("Z", "+00:00"))
    return TrackScan.from_rows(time, body["tracks"])


class AlertService:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.recorder = WatchRecorder(runtime.engine, simulated=False)
        # a restarted worker continues the incident numbering of the store
        self.watch = Watch(numbered=self.recorder.incidents.sequence_by_day())
        self.steps = 0
        # releases made from now on reach the watch (earlier ones are in the store's records already)
        self.releases = ReleaseStore(runtime.engine)
        self._release_seen = self.releases.last_id()
        self.pending: list[Released] = []

    def _new_releases(self) -> list[Released]:
        found = self.releases.since(self._release_seen, WATCH_RELEASES)
        if found:
            self._release_seen = found[-1].id
        return [r.to_released() for r in found]

    async def on_tracks(self, subject: str, payload: bytes) -> None:
        try:
            body = json.loads(payload)
            scan = scan_from_message(body)
            ais = ais_from_items(body.get("ais", []))
            field = observations_from_items(body.get("field", []))
        except (ValueError, KeyError, TypeError, DecodeError) as exc:
            log.error("alerts: %s message dropped: %s", subject, exc)
            return
        if self.watch.engine.time is not None and scan.time <= self.watch.engine.time:
            return  # a scan already processed (redelivered): the store has its results
        self.pending += await asyncio.to_thread(self._new_releases)
        releases, self.pending = due(self.pending, scan.time)
        step = self.watch.step(scan, ais, field, releases)
        self.recorder.simulated = bool(body.get("simulated"))
        messages = await asyncio.to_thread(self.recorder.record, self.watch, step)
        for message in messages:
            data = json.dumps(message).encode()
            await self.runtime.bus.publish(PICTURE_SUBJECT, data)
            if message["kind"] == "alert":
                alert = message["alert"]
                subject_out = f"alert.{alert['rule']}"
                msg_id = f"alert:{alert['alert_id']}:{message['event']}:{alert.get('last_utc')}"
            else:
                subject_out = f"incident.{message['event']}"
                msg_id = f"incident:{message['incident']['incident_id']}:{body['time']}"
            await self.runtime.bus.publish(subject_out, data, msg_id=msg_id)
        self.steps += 1


async def run(runtime: Runtime) -> None:
    """The alerts worker (role ``alerts``): runs until cancelled."""
    service = AlertService(runtime)
    runtime.alerts = service
    sub = await runtime.bus.subscribe("track.update", service.on_tracks, durable="alerts")
    try:
        await asyncio.Event().wait()
    finally:
        await sub.unsubscribe()
