"""The live picture: ``GET /api/picture``, ``GET /api/vessels/{mmsi}/track`` and WebSocket ``/api/live``.

The WebSocket takes its token as ``?token=<jwt>`` (browsers cannot set headers on a WebSocket). A
missing or bad token is refused at the handshake with HTTP 401 (when the server supports the ASGI
denial-response extension, as uvicorn does) or, failing that, accepted and closed at once with 4401.
A token that expires during the session closes it with 4401. On connect the client gets a
``snapshot``; then every ``picture.update`` bus message, filtered by the user's clearance (``LiveHub``).
A client too slow to keep up is closed with 1013 and reconnects to a fresh snapshot. Vessels are seen at
their effective marking (``UK-ONLY`` unless released, ``sharing``).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, WebSocket
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect, WebSocketState

from watchkeeper.api.deps import CurrentUser, Principal, RuntimeDep, authenticate_token, get_runtime
from watchkeeper.api.errors import ApiError, error_body
from watchkeeper.api.live import LiveClient
from watchkeeper.api.params import Int64
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.marking import combine, may_see
from watchkeeper.picture.live import vessel_to_dict
from watchkeeper.tracking.history import TrackHistory

router = APIRouter(tags=["picture"])
ws_router = APIRouter(tags=["picture"])

WS_UNAUTHORIZED = 4401
WS_TRY_AGAIN_LATER = 1013


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat().replace("+00:00", "Z")


def picture_body(runtime: Runtime, clearance: str, kind: str | None = None) -> dict[str, Any]:
    """The picture as a user cleared to ``clearance`` may see it (each vessel at its effective marking)."""
    vessels = list(runtime.picture.vessels.values())
    body: dict[str, Any] = {} if kind is None else {"kind": kind}
    body["clock"] = _iso(max((v.last_seen for v in vessels), default=None))
    body["simulated"] = any(v.simulated for v in vessels)
    marking_of = runtime.sharing.vessel_marking
    shown = [(v, marking_of(v.mmsi)) for v in vessels]
    body["vessels"] = [vessel_to_dict(v, m) for v, m in shown if may_see(clearance, m)]
    scan = runtime.sharing.resolve_tracks(runtime.latest_tracks)
    body["tracks"] = [] if scan is None else [t for t in scan["tracks"] if may_see(clearance, t["marking"])]
    body["tracks_time"] = None if scan is None else scan["time"]
    return body


@router.get("/picture", summary="Latest state of every vessel in the picture the user may see")
async def get_picture(runtime: RuntimeDep, user: CurrentUser) -> dict[str, Any]:
    # async: runs on the event loop, where the ingestor folds reports in, so the dict is never read
    # while it is being changed.
    return picture_body(runtime, user.clearance)


def _aware(name: str, t: datetime | None) -> datetime | None:
    if t is not None and t.tzinfo is None:
        raise ApiError(422, f"{name}: give a time zone (e.g. 2024-05-01T12:00:00Z)")
    return t


@router.get("/vessels/{mmsi}/track", summary="Position history of one vessel, in event-time order")
def get_track(
    runtime: RuntimeDep,
    user: CurrentUser,
    mmsi: Int64,
    start: Annotated[datetime | None, Query(alias="from", description="ISO 8601 with zone")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601 with zone")] = None,
) -> dict[str, Any]:
    marking = runtime.sharing.vessel_marking(mmsi)
    if not may_see(user.clearance, marking):
        raise ApiError(404, f"no vessel {mmsi}")  # not disclosed: same answer as an unknown vessel
    start, end = _aware("from", start), _aware("to", end)
    if start is not None and end is not None and start > end:
        raise ApiError(422, "from is after to")
    points = runtime.picture_store.history(mmsi, start, end)
    if not points and mmsi not in runtime.picture.vessels and not runtime.picture_store.history(mmsi):
        raise ApiError(404, f"no vessel {mmsi}")
    return {
        "mmsi": mmsi,
        "marking": marking,
        "points": [
            {
                "time": _iso(p.time),
                "lat": p.lat,
                "lon": p.lon,
                "sog_kn": p.sog_kn,
                "cog_deg": p.cog_deg,
                "heading_deg": p.heading_deg,
                "source": p.source,
                "time_source": p.time_source,
            }
            for p in points
        ],
    }


@router.get("/radars", summary="The radars the tracker fuses (positions, range, scan period)")
def get_radars(runtime: RuntimeDep, user: CurrentUser) -> dict[str, Any]:
    sensors = runtime.radar_sensors
    marking = runtime.settings.track_marking
    if sensors is None or not may_see(user.clearance, marking):
        return {"radars": [], "simulated": False}
    return {
        "simulated": sensors.simulated,
        "radars": [
            {
                "sensor_id": r.sensor_id,
                "lat": r.lat,
                "lon": r.lon,
                "max_range_m": r.max_range_m,
                "scan_period_s": r.scan_period_s,
                "marking": marking,
            }
            for r in sensors.radars
        ],
    }


@router.get("/tracks/{track_id}/history", summary="Stored history of one radar/fused track, in time order")
def get_track_history(
    runtime: RuntimeDep,
    user: CurrentUser,
    track_id: Int64,
    start: Annotated[datetime | None, Query(alias="from", description="ISO 8601 with zone")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO 8601 with zone")] = None,
) -> dict[str, Any]:
    start, end = _aware("from", start), _aware("to", end)
    released = runtime.sharing.overrides("track").get(str(track_id))
    points = TrackHistory(runtime.engine).history(track_id, start, end, user.clearance, released)
    if not points:
        raise ApiError(404, f"no track {track_id}")
    return {
        "track_id": track_id,
        "marking": combine(p.marking for p in points).value,
        "releases": runtime.sharing.releases_of(user.clearance, "track", str(track_id)),
        "points": [
            {
                "time": _iso(p.time),
                "lat": p.lat,
                "lon": p.lon,
                "sog_kn": p.sog_kn,
                "cog_deg": p.cog_deg,
                "mmsi": p.mmsi,
                "dark": p.dark,
                "marking": p.marking,
            }
            for p in points
        ],
    }


async def authenticate_websocket(websocket: WebSocket) -> Principal | None:
    """The principal of ``?token=``; on failure the handshake is refused (401) and ``None`` returned."""
    runtime = get_runtime(websocket)
    try:
        return authenticate_token(runtime, websocket.query_params.get("token"))
    except ApiError as exc:
        if "websocket.http.response" in websocket.scope.get("extensions", {}):
            await websocket.send_denial_response(
                JSONResponse(error_body(401, str(exc.detail)), status_code=401, headers=exc.headers)
            )
        else:
            await websocket.accept()
            await websocket.close(WS_UNAUTHORIZED, "authentication required")
        return None


@ws_router.websocket("/live")
async def live(websocket: WebSocket) -> None:
    principal = await authenticate_websocket(websocket)
    if principal is None:
        return
    runtime = get_runtime(websocket)
    await websocket.accept()
    # Join the fan-out before taking the snapshot: an update between the two is sent twice (harmless,
    # updates are idempotent states), never lost.
    client = runtime.live.connect(principal.username, principal.clearance)
    try:
        await websocket.send_text(json.dumps(picture_body(runtime, principal.clearance, "snapshot")))
        reason = await _pump(websocket, runtime, client, principal.expires_at)
        if reason is not None and websocket.application_state == WebSocketState.CONNECTED:
            code, text = reason
            await websocket.close(code, text)
    except WebSocketDisconnect:
        pass
    finally:
        runtime.live.disconnect(client)


async def _pump(
    websocket: WebSocket, runtime: Runtime, client: LiveClient, expires_at: datetime
) -> tuple[int, str] | None:
    """Forward queued updates until the client leaves (None), is dropped or its token expires."""

    async def reader() -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return

    async def writer() -> tuple[int, str]:
        while True:
            payload: bytes = await client.queue.get()
            if runtime.wall_clock.now() >= expires_at:
                return WS_UNAUTHORIZED, "token expired"
            await websocket.send_text(payload.decode("utf-8"))

    reader_task = asyncio.create_task(reader())
    writer_task = asyncio.create_task(writer())
    dropped_task = asyncio.create_task(client.dropped.wait())
    tasks = {reader_task, writer_task, dropped_task}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if writer_task in done and writer_task.exception() is None:
        return writer_task.result()
    if dropped_task in done:
        return WS_TRY_AGAIN_LATER, "too slow: reconnect"
    return None  # the client left
