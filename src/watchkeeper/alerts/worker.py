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

Restart (on a durable bus, NATS): the watch (alert engine and incident book) is checkpointed in the store
with the TRACKS stream sequence it covers (``bus/checkpointing.py``, name ``alerts``); a restarted
worker restores it and resumes after that sequence. A scan at or before the watch's time is a
redelivery and is skipped; what a restored worker re-derives is stored idempotently (alerts and
incidents upserted by id, timeline entries recorded once) and published with the same ``msg_id``.
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
from watchkeeper.bus.checkpointing import Checkpointer, run_checkpointed
from watchkeeper.core.errors import DecodeError
from watchkeeper.core.marking import Released, due
from watchkeeper.core.wire import ais_from_items, observations_from_items
from watchkeeper.picture.live import PICTURE_SUBJECT
from watchkeeper.sharing.store import ReleaseStore

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

WATCH_RELEASES = ("incident", "alert")  # the record types the watch holds
CHECKPOINT_NAME = "alerts"
CHECKPOINT_FORMAT = "alerts/2"  # change when the pickled state changes shape


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
        self.skipped = 0  # scans delivered again (at or before the watch's time)
        self.checkpoints: Checkpointer | None = None

    def _new_releases(self) -> list[Released]:
        found = self.releases.since(self._release_seen, WATCH_RELEASES)
        if found:
            self._release_seen = found[-1].id
        return [r.to_released() for r in found]

    def snapshot(self) -> dict[str, Any]:
        # the releases read and not yet applied belong to the state: a restored worker neither misses nor
        # repeats one
        return {
            "watch": self.watch,
            "steps": self.steps,
            "release_seen": self._release_seen,
            "pending": self.pending,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.watch, self.steps = state["watch"], state["steps"]
        self._release_seen = state.get("release_seen", self._release_seen)
        self.pending = list(state.get("pending", self.pending))

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
            self.skipped += 1
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
    await run_checkpointed(
        runtime, service, CHECKPOINT_NAME, CHECKPOINT_FORMAT, "track.update", service.on_tracks, "TRACKS"
    )
