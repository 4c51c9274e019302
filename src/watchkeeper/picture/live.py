"""The live picture: latest state per vessel, updated from AIS reports in event time.

A report older than the state already held updates identity (name, type, destination) but never moves
the vessel back in time: late data cannot rewind the picture.
"""

from __future__ import annotations

from collections.abc import Iterable

from watchkeeper.core.marking import DEFAULT_MARKING
from watchkeeper.core.types import AisReport, VesselState

PICTURE_SUBJECT = "picture.update"  # bus subject of changes for the page (each message has a ``kind``)

_STATIC_FIELDS = ("name", "callsign", "ship_type", "destination", "imo")


class LivePicture:
    def __init__(self) -> None:
        self.vessels: dict[int, VesselState] = {}

    def apply(self, report: AisReport) -> VesselState:
        """Fold one report into the picture; returns the vessel's state after it."""
        state = self.vessels.get(report.mmsi)
        if state is None:
            state = VesselState(
                mmsi=report.mmsi,
                last_seen=report.event_time,
                source=report.source,
                simulated=report.simulated,
            )
            self.vessels[report.mmsi] = state
        if report.name or report.callsign or report.ship_type or report.destination or report.imo:
            for name in _STATIC_FIELDS:
                value = getattr(report, name)
                if value is not None and value != "":
                    setattr(state, name, value)
        if report.event_time >= state.last_seen:
            state.last_seen = report.event_time
            state.source = report.source
            state.simulated = report.simulated
            if report.lat is not None and report.lon is not None:
                state.lat, state.lon = report.lat, report.lon
                state.sog_kn, state.cog_deg = report.sog_kn, report.cog_deg
                state.heading_deg, state.nav_status = report.heading_deg, report.nav_status
            elif report.nav_status is not None:
                state.nav_status = report.nav_status
        return state

    def apply_many(self, reports: Iterable[AisReport]) -> set[int]:
        """Fold many reports; returns the MMSIs that changed."""
        changed: set[int] = set()
        for r in reports:
            self.apply(r)
            changed.add(r.mmsi)
        return changed


# A vessel's state as stored and as it leaves the service (``picture.store`` writes these columns).
VESSEL_FIELDS = (
    "mmsi", "name", "callsign", "ship_type", "destination", "imo", "lat", "lon", "sog_kn", "cog_deg",
    "heading_deg", "nav_status", "last_seen", "source", "simulated",
)  # fmt: skip


def vessel_to_dict(v: VesselState, marking: str = DEFAULT_MARKING.value) -> dict[str, object]:
    """The public JSON shape of a vessel (REST ``/api/picture``, WebSocket ``/api/live``). ``marking`` is
    the vessel's releasability: the picture is ``UK-ONLY`` unless a vessel is released (``sharing``)."""
    d: dict[str, object] = {name: getattr(v, name) for name in VESSEL_FIELDS}
    d["last_seen"] = v.last_seen.isoformat().replace("+00:00", "Z")
    d["marking"] = marking
    return d
