"""The tracker inside the service: ``obs.ais`` and ``obs.radar.>`` in, ``track.update`` out.

Drives the pure live core (``live.LiveTracker``): every decoded plot and AIS report is pushed in arrival
order; each scan it releases (event time, with a bounded lateness) is appended to the track history
(append-only, idempotent on (track_id, time)), published on ``track.update`` for the alerts worker and on
``picture.update`` (``kind: "tracks"``) for the page.

One subscription takes all observations (``obs.>``), so AIS and radar arrive in the order they were
published (one JetStream consumer over the OBS stream, one in-process queue): two subscriptions would
let one stream run ahead of the other and make inputs late at random — live would no longer equal replay.
Each ``track.update`` carries the AIS position reports of its scan window (``ais``), so the alerts worker
steps on exactly what the tracker used, whatever the delivery order of other subjects. Drone and observer
detections (``obs.drone.<uid>``, ``obs.report``) come on the same subscription: boats with a circular
error are position measurements for the tracker (``tracking.field``), and every detection of a boat or
of persons rides on the ``track.update`` of its window (``field``) to the incidents, the same way.

The radars come from the sensors file the runtime was given (``WATCHKEEPER_RADARS_FILE``, the scenario
``sensors.json`` format); without one there is no radar picture and the worker does not start.

Releases of tracks (``sharing``: a track has the radar picture's marking, ``WATCHKEEPER_TRACK_MARKING``,
unless released) are read from the store's ``releases`` before each scan is sent, and mark that track in
the scans later than the release's event time (its message, its history rows): the alerts and
incidents on it inherit the released marking, as a replay given the same releases would.

Scans are aligned on ``TRACK_EPOCH`` (a fixed instant), so that the live service and a replay of the same
input put their scan boundaries at the same event times. Track ids start above the largest stored one,
so a restarted tracker never reuses an id.

Restart (on a durable bus, NATS): the worker's state — the live core, the AIS not yet attached to a
scan, the input-log sequences seen per subject — is checkpointed in the store with the OBS stream
sequence it covers (``bus/checkpointing.py``, name ``tracker``); a restarted tracker restores it and
resumes after that sequence, so its tracks continue with the same ids. Inputs are deduplicated by their
input-log sequence per subject (an ingest that publishes again after a crash, beyond JetStream's
duplicate window), and what a restored worker re-derives is written and published idempotently
(track points unique on (track, time), ``msg_id = scan:<time>``). On the in-process bus nothing
outlives the process and there is no checkpoint.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from watchkeeper.bus.checkpointing import Checkpointer, run_checkpointed
from watchkeeper.core.errors import DecodeError
from watchkeeper.core.marking import Released, due
from watchkeeper.core.types import AisReport, FieldObservation
from watchkeeper.core.wire import (
    ais_items,
    decode_ais,
    decode_observations,
    decode_plots,
    observation_to_dict,
)
from watchkeeper.incidents.field import concerns_incidents
from watchkeeper.picture.live import PICTURE_SUBJECT
from watchkeeper.sharing.store import ReleaseStore
from watchkeeper.tracking.history import TrackHistory, point_rows
from watchkeeper.tracking.live import LiveTracker
from watchkeeper.tracking.measurement import radar_models
from watchkeeper.tracking.messages import iso_utc, output_time, track_messages
from watchkeeper.tracking.tracker import TrackOutput

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

TRACK_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
TRACK_SUBJECT = "track.update"
CHECKPOINT_NAME = "tracker"
CHECKPOINT_FORMAT = "tracker/2"
FIELD_IDS_KEPT = 50_000  # change when the pickled state changes shape


def scan_message(
    out: TrackOutput,
    *,
    simulated: bool,
    marking: str,
    ais: Sequence[AisReport] = (),
    field: Sequence[FieldObservation] = (),
) -> dict[str, Any]:
    """One scan's confirmed tracks: the ``track.update`` / ``picture.update`` (``kind: "tracks"``) body,
    with the AIS position reports and the drone/observer detections of the scan's window
    (``[previous scan, this scan)``). Each detection keeps its own marking (the live hub filters it)."""
    return {
        "kind": "tracks",
        "time": iso_utc(output_time(out)),
        "simulated": simulated,
        "marking": marking,
        "tracks": track_messages(out, simulated=simulated, marking=marking),
        "ais": ais_items(ais),
        "field": [observation_to_dict(o) for o in field],
    }


class TrackerService:
    """The worker's state: the live core, the history, what it publishes."""

    def __init__(self, runtime: Runtime) -> None:
        sensors = runtime.radar_sensors
        assert sensors is not None
        self.runtime = runtime
        self.simulated = sensors.simulated
        self.marking = runtime.settings.track_marking
        self.history = TrackHistory(runtime.engine)
        self.live = LiveTracker(
            radar_models(sensors.radars), TRACK_EPOCH, first_track_id=self.history.max_track_id() + 1
        )
        self.scans = 0
        self.late = 0
        self.checkpoints: Checkpointer | None = None
        self.duplicates = 0  # inputs dropped because their input-log sequence was seen already
        self._ais: list[AisReport] = []  # pushed, not yet attached to a released scan
        self._field: list[FieldObservation] = []  # the same for boat and persons detections
        self.releases = ReleaseStore(runtime.engine)
        self.released: dict[int, str] = {}  # track id → its marking by release, from the scan after it
        self._pending: list[Released] = []
        self._release_seen = 0
        self._seen: dict[str, int] = {}  # subject -> highest input-log sequence taken
        self._seen_field: dict[str, None] = {}  # obs_id of the detections taken (insertion-ordered)
        self._releases_due(None)  # every track release made before this start applies at once

    def _releases_due(self, scan_time: datetime | None) -> None:
        found = self.releases.since(self._release_seen, ("track",))
        if found:
            self._release_seen = found[-1].id
        self._pending += [r.to_released() for r in found]
        if scan_time is None:
            ready, self._pending = self._pending, []
        else:
            ready, self._pending = due(self._pending, scan_time)
        for r in ready:
            if r.object_id.isdigit():
                self.released[int(r.object_id)] = r.marking.value

    def _mark(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            row["marking"] = self.released.get(row["track_id"], row["marking"])
        return rows

    def snapshot(self) -> dict[str, Any]:
        """The state a checkpoint keeps (everything the next input's effect depends on)."""
        return {
            "live": self.live,
            "ais": self._ais,
            "field": self._field,
            "seen": self._seen,
            "seen_field": self._seen_field,
            "scans": self.scans,
            "releases": (self.released, self._pending, self._release_seen),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.live, self._ais, self._field, self._seen, self.scans = (
            state["live"],
            state["ais"],
            state["field"],
            state["seen"],
            state["scans"],
        )
        self._seen_field = state["seen_field"]
        self.released, self._pending, self._release_seen = state["releases"]
        self._releases_due(None)  # releases made while the worker was down apply at once, as at a start
        self.late = self.live.late.count

    def _fresh(self, subject: str, items: Sequence[Any]) -> list[Any]:
        """The items not taken before: input-log sequences increase per subject (one ingest per log
        publishes in log order), so anything at or below the highest seen is a duplicate."""
        seen = self._seen.get(subject, 0)
        fresh = [x for x in items if x.log_seq is None or x.log_seq > seen]
        self.duplicates += len(items) - len(fresh)
        top = max((x.log_seq for x in fresh if x.log_seq is not None), default=seen)
        self._seen[subject] = max(seen, top)
        return fresh

    def _fresh_field(self, items: Sequence[FieldObservation]) -> list[FieldObservation]:
        """Detections not taken before, by their stable ``obs_id`` (they carry no per-subject log sequence:
        CoT and reports share one field log). The ids kept are bounded: detections are a few a minute, and
        a redelivery comes within the checkpoint interval."""
        seen = self._seen_field
        fresh = [o for o in items if o.obs_id not in seen]
        self.duplicates += len(items) - len(fresh)
        for o in fresh:
            seen[o.obs_id] = None
        while len(seen) > FIELD_IDS_KEPT:
            del seen[next(iter(seen))]
        return fresh

    async def on_observations(self, subject: str, payload: bytes) -> None:
        outputs: list[TrackOutput] = []
        try:
            if subject == "obs.ais":
                for r in self._fresh(subject, decode_ais(payload)):
                    if r.has_position:
                        outputs += self.live.push_ais(r)
                        self._ais.append(r)
            elif subject.startswith("obs.radar."):
                for p in self._fresh(subject, decode_plots(payload)):
                    outputs += self.live.push_plot(p)
            elif subject.startswith("obs.drone.") or subject == "obs.report":
                for o in self._fresh_field(decode_observations(payload)):
                    if concerns_incidents(o):
                        outputs += self.live.push_field(o)
                        self._field.append(o)
            else:
                return
        except DecodeError as exc:
            log.error("tracker: %s message dropped: %s", subject, exc)
        await self.emit(outputs)

    def _take_field(self, before: datetime) -> list[FieldObservation]:
        taken = sorted(
            (o for o in self._field if o.event_time < before), key=lambda o: (o.event_time, o.obs_id)
        )
        self._field = [o for o in self._field if o.event_time >= before]
        return taken

    def _take_ais(self, before: datetime) -> list[AisReport]:
        taken = sorted((r for r in self._ais if r.event_time < before), key=lambda r: r.event_time)
        self._ais = [r for r in self._ais if r.event_time >= before]
        return taken

    async def emit(self, outputs: list[TrackOutput]) -> None:
        if self.live.late.count != self.late:
            log.warning("tracker: %d inputs arrived after their scan", self.live.late.count - self.late)
            self.late = self.live.late.count
            self.live.late.drain()
        for out in outputs:
            await asyncio.to_thread(self._releases_due, output_time(out))
            rows = self._mark(point_rows(out, simulated=self.simulated, marking=self.marking))
            await asyncio.to_thread(self.history.write_rows, rows)
            ais = self._take_ais(output_time(out))
            field = self._take_field(output_time(out))
            message = scan_message(out, simulated=self.simulated, marking=self.marking, ais=ais, field=field)
            self._mark(message["tracks"])
            body = json.dumps(message).encode()
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
    await run_checkpointed(
        runtime, service, CHECKPOINT_NAME, CHECKPOINT_FORMAT, "obs.>", service.on_observations, "OBS"
    )
