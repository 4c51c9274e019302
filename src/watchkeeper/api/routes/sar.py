"""Drift and search areas: ``/api/sar/...``.

* ``GET  /sar/info`` — object types, their Leeway categories, the tidal approximation's limits, and
  whether the drift model is loaded (the first call starts loading it in the background: ~4 s).
* ``POST /sar/drifts`` — run a drift for a position, time and object (optionally an ``incident_id``
  and a search asset), store it with its ``marking``, return it. Watch officers and asset controllers.
* ``GET  /sar/drifts[?incident_id=]`` — stored runs the user may see (summaries, newest first).
* ``GET  /sar/drifts/{run_id}`` — one run: GeoJSON (the CLI's contract), grids, search plan.
* ``GET  /sar/drifts/{run_id}/geojson`` — the run's GeoJSON alone, as a file (export).

The model runs in a worker thread (``_EXECUTOR``, one run at a time: OpenDrift's random generator is
process-global), so a long run never blocks the server's event loop; the store write happens there too.
Wind: a constant given by the operator, or a file of the weather layer by name from
``<data_dir>/weather/`` (no path: nothing outside that folder is readable through this route).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.api.deps import CurrentUser, Principal, RuntimeDep, require_roles
from watchkeeper.api.errors import ApiError
from watchkeeper.api.params import Int64
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.marking import Marking, may_see, visible_markings

router = APIRouter(tags=["drift"])

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drift")
_WARM = threading.Event()
_WARMING = threading.Lock()
MAX_API_PARTICLES = 10_000
MAX_API_HOURS = 48

Creator = Annotated[Principal, Depends(require_roles("watch_officer", "asset_controller"))]


class WindIn(BaseModel):
    speed_ms: float = Field(ge=0, le=60, description="10 m wind speed, m/s")
    from_deg: float = Field(ge=0, le=360, description="direction the wind blows FROM, degrees true")


class CurrentIn(BaseModel):
    speed_ms: float = Field(ge=0, le=5, description="current speed, m/s")
    toward_deg: float = Field(ge=0, le=360, description="direction the current sets TOWARD, degrees true")


class SearchIn(BaseModel):
    name: str = Field("asset", max_length=64)
    speed_kn: float = Field(gt=0, le=200, description="search speed, knots")
    sweep_width_nm: float = Field(gt=0, le=50, description="effective sweep width, nautical miles")
    track_spacing_nm: float | None = Field(None, gt=0, le=50, description="default: the sweep width")
    endurance_h: float | None = Field(None, gt=0, le=48)
    pattern: Literal["parallel", "expanding_square"] = "parallel"
    start_hour: int = Field(1, ge=0, le=MAX_API_HOURS, description="hours after the last known position")
    pod_curve: Literal["exponential", "inverse_cube"] = "exponential"


class DriftIn(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    time: AwareDatetime = Field(description="time of the last known position (with a zone)")
    object: Literal["inflatable", "piw", "liferaft", "smallboat"]
    hours: int = Field(ge=1, le=MAX_API_HOURS)
    particles: int = Field(2000, ge=50, le=MAX_API_PARTICLES)
    wind: WindIn | None = None
    wind_source: str | None = Field(None, max_length=128, description="a file name in <data_dir>/weather")
    current: CurrentIn | None = None
    seed_radius_m: float = Field(100.0, gt=0, le=20_000, description="uncertainty of the position, m")
    incident_id: str | None = Field(None, max_length=64)
    marking: Marking = Marking.UK_ONLY
    search: SearchIn | None = None


def _warm_up() -> None:
    from watchkeeper.sar.drift import landmask

    with _WARMING:
        if not _WARM.is_set():
            landmask()
            _WARM.set()


def _wind_file(runtime: Runtime, name: str) -> Path:
    folder = (runtime.settings.data_dir / "weather").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise ApiError(422, f"no weather file {name!r} in the data directory's weather folder")
    return path


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
        "incident_id": row.incident_id,
        "marking": row.marking,
        "object": row.object_type,
        "lat": row.lat,
        "lon": row.lon,
        "start_utc": row.start_time.isoformat(),
        "hours": row.hours,
        "particles": row.particles,
        "current_model": row.current_model,
        "wind_model": row.wind_model,
        "compute_s": round(row.compute_s, 3),
    }


def _full(row: Any) -> dict[str, Any]:
    return {
        **_summary(row),
        "request": row.request,
        "geojson": row.geojson,
        "grids": row.grids,
        "plan": row.plan,
    }


def _run_and_store(runtime: Runtime, body: DriftIn, user: Principal, created_at: datetime) -> dict[str, Any]:
    from watchkeeper.sar.drift import DriftRequest
    from watchkeeper.sar.models import DriftRun
    from watchkeeper.sar.objects import ObjectType
    from watchkeeper.sar.search import Pattern, PodCurve, SearchAsset
    from watchkeeper.sar.service import SearchRequest, compute

    _warm_up()
    request = DriftRequest(
        lat=body.lat,
        lon=body.lon,
        start=body.time,
        object_type=ObjectType(body.object),
        hours=body.hours,
        particles=body.particles,
        wind_const=(body.wind.speed_ms, body.wind.from_deg) if body.wind else None,
        wind_file=_wind_file(runtime, body.wind_source) if body.wind_source else None,
        current_const=(body.current.speed_ms, body.current.toward_deg) if body.current else None,
        seed_radius_m=body.seed_radius_m,
    )
    search = None
    if body.search is not None:
        s = body.search
        search = SearchRequest(
            SearchAsset(s.name, s.speed_kn, s.sweep_width_nm, s.track_spacing_nm, s.endurance_h),
            Pattern(s.pattern),
            min(s.start_hour, body.hours),
            PodCurve(s.pod_curve),
        )
    answer = compute(request, search)
    res = answer.products.result
    row = DriftRun(
        created_at=created_at,
        created_by=user.username,
        incident_id=body.incident_id,
        marking=str(body.marking),
        object_type=body.object,
        lat=body.lat,
        lon=body.lon,
        start_time=res.times[0],
        hours=body.hours,
        particles=body.particles,
        current_model=res.current_model[:255],
        wind_model=res.wind_model[:255],
        compute_s=answer.compute_s,
        request=body.model_dump(mode="json"),
        geojson=answer.geojson,
        grids=answer.grids,
        plan=answer.plan,
    )
    with Session(runtime.engine) as session, session.begin():
        session.add(row)
        session.flush()
        out = _full(row)
    return out


@router.get("/sar/info", summary="Drift objects, the tidal approximation's limits, model readiness")
async def sar_info(user: CurrentUser) -> dict[str, Any]:
    from watchkeeper.sar.objects import ObjectType, categories_for
    from watchkeeper.sar.tidal import LIMITS_TEXT, STRAIT_BOX

    if not _WARM.is_set():
        asyncio.get_running_loop().run_in_executor(_EXECUTOR, _warm_up)
    objects = [
        {
            "object": kind.value,
            "categories": [
                {"key": c.key, "description": c.description, "share": share,
                 "downwind_slope_pct": c.downwind_slope_pct, "downwind_offset_cms": c.downwind_offset_cms}
                for c, share in categories_for(kind)
            ],
        }
        for kind in ObjectType
    ]  # fmt: skip
    return {
        "objects": objects,
        "tidal_limits": LIMITS_TEXT,
        "tidal_box": list(STRAIT_BOX),
        "ready": _WARM.is_set(),
        "max_particles": MAX_API_PARTICLES,
        "max_hours": MAX_API_HOURS,
    }


@router.post("/sar/drifts", status_code=201, summary="Run and store a drift (and a search plan)")
async def create_drift(body: DriftIn, user: Creator, runtime: RuntimeDep) -> dict[str, Any]:
    if not may_see(user.clearance, body.marking):
        raise ApiError(403, f"your clearance {user.clearance} cannot mark a run {body.marking}")
    created_at = runtime.wall_clock.now()
    loop = asyncio.get_running_loop()
    try:
        out = await loop.run_in_executor(_EXECUTOR, _run_and_store, runtime, body, user, created_at)
    except WatchkeeperError as exc:
        raise ApiError(422, str(exc), code="drift_refused") from exc
    runtime.audit.write(
        user.username,
        "sar.drift.create",
        "sar_drift_run",
        str(out["id"]),
        {"incident_id": body.incident_id, "marking": str(body.marking), "object": body.object},
    )
    return out


@router.get("/sar/drifts", summary="Stored drift runs the user may see, newest first")
def list_drifts(
    user: CurrentUser,
    runtime: RuntimeDep,
    incident_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    from watchkeeper.sar.models import DriftRun

    query = select(DriftRun).where(DriftRun.marking.in_([str(m) for m in visible_markings(user.clearance)]))
    if incident_id is not None:
        query = query.where(DriftRun.incident_id == incident_id)
    with Session(runtime.engine) as session:
        rows = session.scalars(query.order_by(DriftRun.id.desc()).limit(limit)).all()
        return [_summary(r) for r in rows]


@router.get(
    "/sar/drifts/{run_id}/geojson",
    summary="One run's GeoJSON (the CLI's contract), for export",
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def get_drift_geojson(run_id: Int64, user: CurrentUser, runtime: RuntimeDep) -> JSONResponse:
    from watchkeeper.sar.models import DriftRun

    with Session(runtime.engine) as session:
        row = session.get(DriftRun, run_id)
        if row is None or not may_see(user.clearance, row.marking):
            raise ApiError(404, f"no drift run {run_id}")
        return JSONResponse(
            row.geojson,
            media_type="application/geo+json",
            headers={"Content-Disposition": f'attachment; filename="drift-{run_id}.geojson"'},
        )


@router.get("/sar/drifts/{run_id}", summary="One stored drift run: GeoJSON, grids, search plan")
def get_drift(run_id: Int64, user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    from watchkeeper.sar.models import DriftRun

    with Session(runtime.engine) as session:
        row = session.get(DriftRun, run_id)
        if row is None or not may_see(user.clearance, row.marking):
            raise ApiError(404, f"no drift run {run_id}")
        body = _full(row)
    body["releases"] = runtime.sharing.releases_of(user.clearance, "drift_run", str(run_id))
    return body
