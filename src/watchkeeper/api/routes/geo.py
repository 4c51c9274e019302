"""Geography layers for the map: ``GET /api/geo/layers`` and ``GET /api/geo/layers/{name}`` (GeoJSON).

Served from the packaged layers (``watchkeeper.geo.layers``): the cell has no internet and the page
uses no tile server. The GeoJSON bytes are sent as packaged (no re-encoding).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from watchkeeper.api.errors import ApiError

router = APIRouter(tags=["geography"])


@router.get("/geo/layers", summary="The packaged geography layers, in drawing order")
def list_geo_layers() -> list[dict[str, Any]]:
    from watchkeeper.geo.layers import list_layers

    return list_layers()


@router.get(
    "/geo/layers/{name}",
    summary="One layer as a GeoJSON FeatureCollection (WGS84 lon/lat)",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def get_geo_layer(name: str) -> Response:
    from watchkeeper.geo.layers import layer_bytes

    try:
        body = layer_bytes(name)
    except KeyError:
        raise ApiError(404, f"no layer {name!r}") from None
    return Response(
        body, media_type="application/geo+json", headers={"Cache-Control": "private, max-age=3600"}
    )
