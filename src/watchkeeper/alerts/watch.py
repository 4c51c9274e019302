"""The watch: tracks in, alerts and incidents out. The one object the replay CLI and the live worker drive.

::

    watch = Watch()                                   # settings: AlertSettings({...}) to override
    for scan, ais, field in feed:                     # TrackScan per radar scan, AIS and field since the last
        step = watch.step(scan, ais, field)
        publish(step.alerts, step.incidents)          # AlertEvent / IncidentEvent (to_dict() for the wire)

``step`` is pure event time: the same scans in the same order give the same alerts and incidents,
with the same ids, whether replayed from a recording or fed live. Releases of incidents and alerts
(``core.marking.Released``) are inputs too: ``step(..., releases=due)`` applies them before the scan,
and a release is due at the first scan later than its ``after`` time (``core.marking.due``), live and
in a replay alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.alerts.config import AlertSettings
from watchkeeper.alerts.engine import AlertEngine
from watchkeeper.alerts.geometry import StraitGeometry
from watchkeeper.alerts.scan import TrackScan
from watchkeeper.alerts.types import AlertEvent
from watchkeeper.core.marking import Released
from watchkeeper.core.types import AisReport, FieldObservation
from watchkeeper.incidents.book import IncidentBook, IncidentEvent


@dataclass(frozen=True, slots=True)
class WatchStep:
    alerts: list[AlertEvent]
    incidents: list[IncidentEvent]


class Watch:
    def __init__(
        self,
        settings: AlertSettings | None = None,
        geometry: StraitGeometry | None = None,
        numbered: dict[str, int] | None = None,
    ) -> None:
        self.settings = settings or AlertSettings()
        self.engine = AlertEngine(self.settings, geometry)
        self.book = IncidentBook(self.settings, numbered)

    def step(
        self,
        scan: TrackScan,
        ais: Sequence[AisReport] = (),
        field: Sequence[FieldObservation] = (),
        releases: Sequence[Released] = (),
    ) -> WatchStep:
        """``field``: the drone and observer detections of the scan's window (to the incidents);
        ``releases``: the releases due before this scan, in the order they were made."""
        self.apply(releases)
        alerts = self.engine.step(scan, ais)
        ctx = self.engine.last_context
        assert ctx is not None
        incidents = self.book.step(ctx, alerts, field)
        return WatchStep(alerts, incidents)

    def apply(self, releases: Sequence[Released]) -> None:
        for r in releases:
            if r.object_type == "incident":
                self.book.release(r.object_id, r.marking)
            elif r.object_type == "alert":
                self.engine.release(r.object_id, r.marking)
