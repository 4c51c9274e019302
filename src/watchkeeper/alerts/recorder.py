"""The edge between the watch and the rest of the service: store each step, and the live messages.

A live worker (or ``watchkeeper replay --store``) does, per scan::

    step = watch.step(scan, ais)
    for message in recorder.record(watch, step):      # stored first, then announced
        await bus.publish("picture.update", json.dumps(message).encode())

Messages are ``{"kind": "alert", "event": "raised", "marking": ..., "alert": {...}}`` and
``{"kind": "incident", "event": "opened"|"updated"|"state", "marking": ..., "incident": {...}}``; the
LiveHub filters them per user by ``marking``, the page's views listen by ``kind``. Each message is
marked as the store holds the record after the step (the store applies releases the watch may not have
applied yet: ``incidents.store``, ``alerts.store``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from watchkeeper.alerts.store import AlertStore
from watchkeeper.alerts.watch import Watch, WatchStep
from watchkeeper.incidents.store import IncidentStore


class WatchRecorder:
    def __init__(self, engine: Engine, simulated: bool = False) -> None:
        self.alerts = AlertStore(engine)
        self.incidents = IncidentStore(engine)
        self.simulated = simulated

    def record(self, watch: Watch, step: WatchStep) -> list[dict[str, Any]]:
        """Store the step's incidents, then its alerts (linked to their incidents); return the messages."""
        self.incidents.save(step.incidents, simulated=self.simulated)
        book = watch.book
        incident_of: dict[str, str] = {}
        for e in step.alerts:
            for track in e.alert.track_ids:
                if track in book.by_track:
                    incident_of[e.alert.alert_id] = book.by_track[track]
                    break
        self.alerts.save(step.alerts, incident_of, simulated=self.simulated)
        out = messages(step, self.simulated)
        return stored_markings(
            out,
            self.alerts.markings({e.alert.alert_id for e in step.alerts}),
            self.incidents.markings({e.incident.incident_id for e in step.incidents}),
        )


def stored_markings(
    out: list[dict[str, Any]], alerts: dict[str, str], incidents: dict[str, str]
) -> list[dict[str, Any]]:
    """The messages with each record's marking as stored (the message and its record)."""
    for message in out:
        kind = message["kind"]
        record = message[kind]
        stored = (alerts if kind == "alert" else incidents).get(record[f"{kind}_id"])
        if stored is not None:
            message["marking"] = record["marking"] = stored
    return out


def messages(step: WatchStep, simulated: bool = False) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in step.alerts:
        body = e.alert.to_dict()
        body["simulated"] = simulated
        out.append({"kind": "alert", "event": e.kind.value, "marking": e.alert.marking.value, "alert": body})
    last: dict[str, Any] = {}
    for ie in step.incidents:  # one message per incident and step, the latest state
        last[ie.incident.incident_id] = ie
    for ie in last.values():
        body = ie.incident.to_dict()
        body["simulated"] = simulated
        out.append(
            {
                "kind": "incident",
                "event": ie.kind.value,
                "marking": ie.incident.marking.value,
                "incident": body,
            }
        )
    return out
