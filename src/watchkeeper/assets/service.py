"""The assets service: registry + recommender together, as the API and the CLI use them.

``shared_recommender()`` builds the sea router once per process (about a second) and keeps it; its
per-point caches are not made for concurrent writers, so every use of it here holds ``ROUTER_LOCK``
(requests run in the server's thread pool; the work is CPU-bound under the GIL anyway). Every read
filters by the caller's clearance: a recommendation or a map never reveals an asset the user may not
see.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target, asset_to_json
from watchkeeper.assets.outlook import OutlookDay
from watchkeeper.assets.posture import PostureProposal, plan_posture
from watchkeeper.assets.reach import ReachGrid, reach_grid
from watchkeeper.assets.recommend import Recommendation, Recommender
from watchkeeper.assets.registry import AssetRegistry, Tasking, iso
from watchkeeper.assets.tasking import Conflict, refused, tasking_conflicts
from watchkeeper.core.marking import Marking
from watchkeeper.core.types import VesselState
from watchkeeper.geo.frames import to_utm, to_wgs84

ROUTER_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def shared_recommender() -> Recommender:
    from watchkeeper.geo.land import land_utm

    return Recommender(land_utm())


@dataclass(slots=True)
class TaskOutcome:
    """What a tasking request came to: the tasking made (None when refused or a dry run), the
    recommendation it was judged on, its conflicts, and those that stopped it."""

    tasking: Tasking | None
    recommendation: Recommendation
    conflicts: list[Conflict]
    blocking: list[Conflict]
    route: list[list[float]] | None


def asset_public(asset: Asset, tasking: Tasking | None = None) -> dict[str, Any]:
    """The public JSON shape of an asset (API, page)."""
    doc = asset_to_json(asset)
    doc.update(
        {
            "max_kn": asset.max_kn,
            "position_time": iso(asset.position_time),
            "position_source": asset.position_source.value,
            "state_since": iso(asset.extra.get("state_since")),
            "illustrative": asset.illustrative,
            "tasking": None if tasking is None else tasking.to_dict(),
        }
    )
    return doc


class AssetService:
    def __init__(self, registry: AssetRegistry, recommender: Recommender | None = None) -> None:
        self.registry = registry
        self._recommender = recommender

    @property
    def recommender(self) -> Recommender:
        if self._recommender is None:
            self._recommender = shared_recommender()
        return self._recommender

    def sync_ais(self, vessels: list[VesselState]) -> list[str]:
        return self.registry.apply_vessels(vessels)

    def recommend(self, target: Target, at: datetime | None, clearance: str) -> list[Recommendation]:
        assets = self.registry.assets(clearance)
        with ROUTER_LOCK:
            return self.recommender.recommend(assets, target, at)

    def reach(self, clearance: str, kinds: tuple[AssetKind, ...], cell_m: float) -> ReachGrid:
        assets = self.registry.assets(clearance)
        with ROUTER_LOCK:
            rec = self.recommender
            return reach_grid(assets, rec.router, rec.land, kinds, cell_m)

    def posture(self, clearance: str, days: list[OutlookDay]) -> PostureProposal:
        assets = self.registry.assets(clearance)
        with ROUTER_LOCK:
            return plan_posture(assets, days, self.recommender.router)

    def route(self, asset: Asset, rec: Recommendation) -> list[list[float]] | None:
        """[[lat, lon], ...] from the asset to the intercept point: round the coast for vessels."""
        if rec.intercept_lat is None or rec.intercept_lon is None:
            return None
        ax, ay = to_utm(asset.lon, asset.lat)
        bx, by = to_utm(rec.intercept_lon, rec.intercept_lat)
        a, b = np.array([float(ax), float(ay)]), np.array([float(bx), float(by)])
        path = self.recommender.router.path(a, b) if asset.kind == AssetKind.SEA else np.vstack([a, b])
        if not len(path):
            return None
        lon, lat = to_wgs84(path[:, 0], path[:, 1])
        pts = [[round(float(la), 6), round(float(lo), 6)] for la, lo in zip(lat, lon, strict=True)]
        pts[0] = [asset.lat, asset.lon]  # start where the asset is (a berth inside the harbour)
        return pts

    def task(
        self,
        asset_id: str,
        incident_id: str,
        target: Target,
        target_doc: dict[str, Any],
        decided_at: datetime | None,
        event_time: datetime,
        actor: str,
        clearance: str,
        accept_conflicts: bool = False,
        dry_run: bool = False,
        marking: Marking | None = None,
    ) -> TaskOutcome:
        """Judge and (unless refused or ``dry_run``) make a tasking. The recommendation is computed as if
        the asset were available, so that a re-tasking gets its real ETA; the asset's own state and
        active tasking give the other conflicts."""
        asset = self.registry.get(asset_id, clearance)
        if asset is None:
            raise LookupError(asset_id)
        judged = replace(asset, state=AssetState.AVAILABLE)
        with ROUTER_LOCK:
            rec = self.recommender.recommend([judged], target, decided_at)[0]
            route = self.route(asset, rec)
        active = self.registry.active_incident(asset_id)
        conflicts = tasking_conflicts(asset, rec, active, incident_id)
        blocking = refused(conflicts, accept_conflicts)
        if blocking or dry_run:
            return TaskOutcome(None, rec, conflicts, blocking, route)
        start = decided_at or target.time
        tasking = self.registry.task(
            asset_id,
            incident_id,
            event_time,
            actor,
            target=target_doc,
            persons=target.persons,
            eta_s=rec.eta_s,
            eta_time=None if rec.eta_s is None else start + timedelta(seconds=rec.eta_s),
            intercept=None if rec.intercept_lat is None else (rec.intercept_lat, rec.intercept_lon or 0.0),
            route=route,
            explanation=rec.explanation,
            conflicts=conflicts,
            accepted=accept_conflicts,
            marking=marking,
        )
        return TaskOutcome(tasking, rec, conflicts, [], route)
