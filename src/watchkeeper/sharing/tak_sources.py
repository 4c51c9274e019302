"""What the cell publishes to TAK beside the AIS picture: dark radar tracks, open incidents, assets and the
latest search areas of drift runs, each at its own record's marking (``sharing.tak`` filters per
destination and deletes what a destination may no longer see).

* **Tracks** (``TrackSource``): the last scan the tracker published (``runtime.latest_tracks``), dark
  tracks only — a track with AIS is the vessel the picture already publishes under its MMSI, and two
  symbols for one ship would mislead. ``a-u-S`` (unknown surface), stale after 60 s (a scan every
  2.5 s: a track not refreshed for a minute has gone).
* **Incidents** (``incident_items``): every open incident from the store, at the incident's position,
  ``b-r-f-h-c``; callsign the id, state and persons, remarks what opened it.
* **Assets** (``asset_items``): every asset of the registry at its position, ``a-f-S|A|G``, remarks
  its state; the time is the position's (or the picture's clock for an asset only known at its base).
* **Search areas** (``search_area_items``): per incident (and per run without one), the newest drift
  run: its search plan's area when planned, else the 90% containment area at the run's last hour;
  each polygon part one ``u-d-f`` shape, thinned to at most ``MAX_VERTICES`` vertices.

Sources read the store each round (every ``WATCHKEEPER_TAK_INTERVAL_S``, 5 s): a few small indexed
queries. They never raise on one bad record: the record is skipped and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from shapely.geometry import Polygon, shape
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.core.marking import Marking
from watchkeeper.incidents.store import IncidentStore
from watchkeeper.sar.models import DriftRun
from watchkeeper.sharing.tak import (
    UID_PREFIX,
    CotItem,
    CotSource,
    FunctionSource,
    asset_item,
    incident_item,
    search_area_item,
)

log = logging.getLogger(__name__)

MAX_VERTICES = 64
RECENT_RUNS = 200  # the newest runs looked at for the latest area per incident
TRACK_STALE_S = 60.0


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class TrackSource:
    """Dark radar tracks of the latest scan (``latest()`` gives the ``tracking.worker.scan_message``)."""

    name = "tracks"

    def __init__(self, latest: Callable[[], dict[str, Any] | None]) -> None:
        self.latest = latest

    def cot_items(self) -> Iterable[CotItem]:
        scan = self.latest()
        if not scan:
            return []
        out: list[CotItem] = []
        for t in scan.get("tracks", []):
            if not t.get("dark"):
                continue
            simulated = " (SIMULATED)" if t.get("simulated") else ""
            out.append(
                CotItem(
                    uid=f"{UID_PREFIX}.track.{int(t['track_id'])}",
                    cot_type="a-u-S",
                    lat=float(t["lat"]),
                    lon=float(t["lon"]),
                    time=_time(str(t["time"])),
                    marking=str(t.get("marking") or Marking.UK_ONLY.value),
                    stale_s=TRACK_STALE_S,
                    callsign=f"Dark contact {int(t['track_id'])}{simulated}",
                    remarks="radar track, no AIS",
                    course_deg=t.get("cog_deg"),
                    speed_kn=t.get("sog_kn"),
                    ce_m=t.get("position_sigma_m"),
                )
            )
        return out


def incident_items(store: IncidentStore) -> list[CotItem]:
    """Every open incident, at its own marking."""
    out: list[CotItem] = []
    for inc in store.find(Marking.UK_ONLY, open_only=True, limit=1000):
        persons = inc.get("persons_estimate")
        title = f"{inc['incident_id']} {inc['state']}" + (f", {persons} POB" if persons is not None else "")
        item = incident_item(
            inc["incident_id"], float(inc["lat"]), float(inc["lon"]), _time(inc["updated_utc"]),
            inc["marking"], title + (" (SIMULATED)" if inc.get("simulated") else ""), persons,
        )  # fmt: skip
        source = inc.get("source") or "track"
        tracks = ", ".join(str(t) for t in inc.get("track_ids") or []) or "none"
        out.append(_with_remarks(item, f"opened from {source}; tracks {tracks}; severity {inc['severity']}"))
    return out


def asset_items(registry: AssetRegistry, now: Callable[[], datetime | None]) -> list[CotItem]:
    """Every asset at its position and its own marking (``now``: the picture's clock, for assets whose
    position has no time of its own)."""
    out: list[CotItem] = []
    fallback = now()
    for a in registry.assets():
        time = a.position_time or fallback
        if time is None:
            continue  # no event time to state: nothing honest to send yet
        item = asset_item(a.id, a.kind.value, a.lat, a.lon, time, a.marking.value, a.name or a.id)
        where = a.position_source.value
        out.append(_with_remarks(item, f"{a.asset_type or a.kind.value}; {a.state.value}; position: {where}"))
    return out


def search_area_items(engine: Engine) -> list[CotItem]:
    """The newest drift run per incident (and each run without one among the newest), as areas."""
    with Session(engine) as session:
        rows = session.scalars(select(DriftRun).order_by(DriftRun.id.desc()).limit(RECENT_RUNS)).all()
        runs: list[DriftRun] = []
        seen: set[str] = set()
        for r in rows:
            if r.incident_id is not None:
                if r.incident_id in seen:
                    continue
                seen.add(r.incident_id)
            runs.append(r)
        out: list[CotItem] = []
        for run in runs:
            try:
                out.extend(_run_areas(run))
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("TAK: drift run %s has no usable area: %s", run.id, exc)
        return out


def _run_areas(run: DriftRun) -> list[CotItem]:
    plan = run.plan or {}
    label = f"Search area run {run.id}" + (f" ({run.incident_id})" if run.incident_id else "")
    if plan.get("area"):
        geometry, time = plan["area"], _plan_time(plan, run)
        label += ", planned"
    else:
        features = [
            f for f in run.geojson.get("features", []) if f.get("properties", {}).get("containment") == 0.9
        ]
        if not features:
            return []
        last = max(features, key=lambda f: str(f["properties"]["time_utc"]))
        geometry, time = last["geometry"], _time(str(last["properties"]["time_utc"]))
        label += ", 90%"
    geom = shape(geometry)
    parts: list[Polygon] = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    items = []
    for i, poly in enumerate(sorted(parts, key=lambda p: -p.area)):
        ring = _thinned(poly)
        if len(ring) < 3:
            continue
        area_id = f"{run.id}" if len(parts) == 1 else f"{run.id}-{i + 1}"
        items.append(search_area_item(area_id, ring, time, run.marking, label, stale_s=3600.0))
    return items


def _plan_time(plan: dict[str, Any], run: DriftRun) -> datetime:
    for key in ("start_utc", "time_utc", "datum_utc"):
        if isinstance(plan.get(key), str):
            return _time(plan[key])
    return run.start_time


def _thinned(poly: Polygon) -> list[tuple[float, float]]:
    """The exterior ring as (lat, lon), open (the builder closes it), at most ``MAX_VERTICES``."""
    coords = list(poly.exterior.coords)[:-1]
    tolerance = 1e-4
    while len(coords) > MAX_VERTICES and tolerance < 1.0:
        simpler = poly.simplify(tolerance, preserve_topology=True)
        if not isinstance(simpler, Polygon):
            break
        coords = list(simpler.exterior.coords)[:-1]
        tolerance *= 2.0
    return [(float(lat), float(lon)) for lon, lat, *_ in coords]


def _with_remarks(item: CotItem, remarks: str) -> CotItem:
    return replace(item, remarks=remarks)


def cell_sources(
    engine: Engine,
    latest_tracks: Callable[[], dict[str, Any] | None],
    registry: AssetRegistry,
    now: Callable[[], datetime | None],
) -> list[CotSource]:
    """The four sources a running cell adds to its TAK publisher (``sharing.wiring.install_sharing``)."""
    incidents = IncidentStore(engine)
    return [
        TrackSource(latest_tracks),
        FunctionSource("incidents", lambda: incident_items(incidents)),
        FunctionSource("assets", lambda: asset_items(registry, now)),
        FunctionSource("search_areas", lambda: search_area_items(engine)),
    ]
