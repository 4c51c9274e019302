"""``GET /api/history/area``: authenticated, filtered by releasability, bad queries refused with a reason."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from api_helpers import Api, assert_error

from watchkeeper.api.deps import Principal
from watchkeeper.core.types import AisReport, TimeSource
from watchkeeper.sharing.releasability import leaks
from watchkeeper.tracking.history import TrackHistory

ROUTE = "/api/history/area"
RELEASED = {235000001: "UK-FR", 244000002: "PUBLIC"}  # 227006760 stays UK-ONLY
INSIDE, OUTSIDE = (50.95, 1.45), (50.2, 0.1)


def _seed(api: Api) -> None:
    rt, t = api.runtime, api.clock.now()
    reports = [
        AisReport(mmsi, 1, t + timedelta(minutes=k), TimeSource.SENSOR, "sim", lat, lon, 8.0, 45.0)
        for mmsi in (227006760, *RELEASED)
        for k, (lat, lon) in enumerate((INSIDE, OUTSIDE, INSIDE))
    ]
    rt.picture_store.write(reports, [rt.picture.apply(r) for r in reports])
    officer = Principal("officer", frozenset({"watch_officer"}), "UK-ONLY", t + timedelta(days=1))
    for mmsi, marking in RELEASED.items():
        rt.sharing.release(officer, "vessel", str(mmsi), marking, "agreed with CROSS Gris-Nez")
    rows = [
        {
            "track_id": 10 + i, "time": t, "lat": lat, "lon": lon, "sog_kn": 5.0, "cog_deg": 315.0,
            "mmsi": None, "name": None, "dark": True, "p_steady": 0.9, "position_sigma_m": 30.0,
            "simulated": True, "marking": marking,
        }
        for i, (marking, (lat, lon)) in enumerate(
            [("UK-ONLY", INSIDE), ("UK-FR", INSIDE), ("PUBLIC", INSIDE), ("PUBLIC", OUTSIDE)]
        )
    ]  # fmt: skip
    TrackHistory(rt.engine).write_rows(rows)


def _query(api: Api, **extra: str) -> dict[str, str]:
    t = api.clock.now()
    return {
        "bbox": "1.3,50.8,1.6,51.1",
        "from": (t - timedelta(hours=1)).isoformat(),
        "to": (t + timedelta(hours=1)).isoformat(),
        **extra,
    }


def _get(api: Api, user: str, params: dict[str, str]) -> Any:
    return api.client.get(ROUTE, params=params, headers=api.headers(user))


def test_each_user_sees_what_their_clearance_allows(api: Api) -> None:
    _seed(api)
    officer = _get(api, "officer", _query(api)).json()  # UK-ONLY clearance: everything inside
    assert [(p["mmsi"], p["marking"]) for p in officer["positions"]] == [
        (227006760, "UK-ONLY"), (235000001, "UK-FR"), (244000002, "PUBLIC"),
    ] * 2  # fmt: skip
    assert all((p["lat"], p["lon"]) == INSIDE for p in officer["positions"])
    assert [p["track_id"] for p in officer["track_points"]] == [10, 11, 12]
    assert officer["positions_truncated"] is False and officer["area"]["type"] == "Polygon"
    auditor = _get(api, "auditor", _query(api)).json()  # UK-FR clearance
    assert {p["mmsi"] for p in auditor["positions"]} == set(RELEASED)
    assert [p["track_id"] for p in auditor["track_points"]] == [11, 12]
    assert leaks(auditor, "UK-FR") == [] and leaks(officer, "UK-ONLY") == []


def test_a_polygon_and_one_kind(api: Api) -> None:
    _seed(api)
    square = {"type": "Polygon", "coordinates": [[[1.3, 50.8], [1.6, 50.8], [1.45, 51.1], [1.3, 50.8]]]}
    params = _query(api, kind="tracks")
    del params["bbox"]
    params["polygon"] = json.dumps(square)  # a triangle holding INSIDE
    body = _get(api, "officer", params).json()
    assert "positions" not in body and [p["track_id"] for p in body["track_points"]] == [10, 11, 12]
    params["kind"] = "ais"
    body = _get(api, "officer", {**params, "limit": "2"}).json()
    assert "track_points" not in body and len(body["positions"]) == 2 and body["positions_truncated"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bbox": "1,2,3"}, "four numbers"),
        ({"polygon": '{"type": "Polygon", "coordinates": [[[0,0],[1,1]]]}'}, "polygon"),
        ({"from": "2026-11-25T09:00:00"}, "time zone"),
        ({"from": "2026-11-26T09:00:00Z", "to": "2026-11-25T09:00:00Z"}, "after"),
        ({"kind": "radar"}, ""),
        ({"limit": "0"}, ""),
    ],
)
def test_a_bad_query_is_refused_with_its_reason(api: Api, change: dict[str, str], reason: str) -> None:
    params = {**_query(api), **change}
    resp = _get(api, "officer", params)
    assert_error(resp, 422, "validation_error")
    assert reason in resp.json()["error"]["message"]


def test_both_or_neither_area_is_refused(api: Api) -> None:
    params = _query(api, polygon='{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}')
    assert "bbox or polygon" in _get(api, "officer", params).json()["error"]["message"]
    del params["bbox"], params["polygon"]
    assert "bbox or polygon" in _get(api, "officer", params).json()["error"]["message"]


def test_no_token_no_answer(api: Api) -> None:
    assert api.client.get(ROUTE, params=_query(api)).status_code == 401
