"""The releasability matrix: every route of the app, as a user of every role × every clearance, after
seeding records of every marking (``matrix_registry.py``): no JSON object marked above the user's
clearance appears anywhere in any response (JSON, NDJSON, CSV with a marking column; bytes via the
registry's marking of each concrete path; query strings the registry gives a route are walked too);
no route fails with a server error (503, a deliberate
"not available yet", is allowed); every route refuses a
request without a token.

Routes come from ``api.app.route_table`` and path parameters from the registry, so a route added by any
capability is walked with no change here.
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import itertools
import json
import re
from typing import Any

import pytest
from matrix_registry import KEPT, RELEASED, SEEDERS, SeedContext
from sharing_helpers import Api
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.api.app import route_table
from watchkeeper.core.marking import Marking, may_see
from watchkeeper.sharing.releasability import leaks
from watchkeeper.store.models import AuditEvent
from watchkeeper.store.users import Role

PUBLIC_ROUTES = {"/api/auth/login", "/api/auth/token"}
FALLBACK = "1"  # a path parameter the registry has no value for
MAX_COMBINATIONS = 64  # per route: the product of its parameters' values, bounded
_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def _bodies(resp: Any) -> list[Any]:
    """Every JSON value in a response, whatever its framing (JSON, NDJSON, CSV with a marking column)."""
    ctype = resp.headers.get("content-type", "")
    if "ndjson" in ctype:
        return [json.loads(line) for line in resp.text.splitlines() if line.strip()]
    if "json" in ctype:  # application/json, application/geo+json
        return [resp.json()] if resp.content else []
    if "csv" in ctype:
        return list(csv.DictReader(io.StringIO(resp.text)))
    return []


def _concrete_paths(path: str, params: dict[str, list[str]]) -> list[str]:
    names = _PARAM.findall(path)
    if not names:
        return [path]
    choices = [params.get(n) or [FALLBACK] for n in names]
    out = []
    for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        concrete = path
        for name, value in zip(names, combo, strict=True):
            concrete = _PARAM.sub(
                lambda m, n=name, v=value: v if m.group(1) == n else m.group(0), concrete, count=1
            )
        out.append(concrete)
    return out


@pytest.fixture
def seeded(api: Api) -> SeedContext:
    api.add_user("matrix-seed", ("watch_officer", "analyst"), "UK-ONLY")
    ctx = SeedContext(api, "matrix-seed")
    for seed in SEEDERS:
        seed(ctx)
    for role, clearance in itertools.product(Role, Marking):
        api.add_user(f"m-{role.value}-{clearance.value}", (role.value,), clearance.value)
    return ctx


def _routes(api: Api) -> list[tuple[str, str, str]]:
    """(kind, method, path) of every route but the login routes and the static page."""
    out = []
    for r in route_table(api.client.app):  # type: ignore[arg-type]
        if r.kind == "http" and r.path not in PUBLIC_ROUTES:
            out += [("http", m, r.path) for m in sorted(r.methods) if m != "HEAD"]
        elif r.kind == "websocket":
            out.append(("websocket", "WS", r.path))
    return out


def walk(seeded: SeedContext) -> tuple[list[str], int, int]:
    """(problems, requests checked, bodies walked) over every route × role × clearance."""
    api = seeded.api
    routes = _routes(api)
    problems: list[str] = []
    checked = 0
    bodies_seen = 0
    for role, clearance in itertools.product(Role, Marking):
        user = f"m-{role.value}-{clearance.value}"
        headers = api.h(user)
        for kind, method, path in routes:
            concretes = _concrete_paths(path, seeded.params)
            queries = seeded.queries.get(path, [])
            for concrete in concretes + [f"{c}?{q}" for c in concretes for q in queries]:
                where = f"{user} {method} {concrete}"
                if kind == "websocket":
                    bodies = [_websocket_first_message(api, concrete, user)]
                else:
                    body = {} if method != "GET" else None
                    resp = api.client.request(method, concrete, headers=headers, json=body)
                    if resp.status_code >= 500 and resp.status_code != 503:  # 503: deliberately unavailable
                        problems.append(f"{where}: server error {resp.status_code}")
                        continue
                    bodies = _bodies(resp)
                    marking = seeded.binaries.get(concrete)
                    if marking is not None and resp.status_code == 200 and not may_see(clearance, marking):
                        problems.append(f"{where}: served bytes marked {marking}")
                checked += 1
                for b in bodies:
                    bodies_seen += 1
                    problems += [f"{where} -> {leak}" for leak in leaks(b, clearance.value)]
    return problems, checked, bodies_seen


def test_no_route_shows_a_record_above_the_users_clearance(seeded: SeedContext) -> None:
    routes = _routes(seeded.api)
    assert {p for _, _, p in routes} >= {"/api/picture", "/api/reports", "/api/partner/records", "/api/audit"}
    problems, checked, bodies_seen = walk(seeded)
    assert not problems, "\n".join(problems[:50])
    assert checked > 18 * len(routes)  # path parameters were expanded, every user walked every route
    assert bodies_seen > checked / 2


def test_the_walk_finds_a_leaky_route(seeded: SeedContext) -> None:
    """Negative control: a route that forgets to filter is caught, and so is one that serves bytes."""
    from fastapi import APIRouter, Depends
    from fastapi.responses import Response

    from watchkeeper.api.deps import current_user

    leaky = APIRouter(dependencies=[Depends(current_user)])

    @leaky.get("/api/leaky/{report_id}")
    def leak(report_id: str) -> dict[str, Any]:
        return {"items": [{"id": report_id, "nested": [{"marking": "UK-ONLY", "text": "boat seen"}]}]}

    @leaky.get("/api/leaky-photo/{report_id}", response_class=Response)
    def leak_photo(report_id: str) -> Any:
        return Response(b"\xff\xd8\xff", media_type="image/jpeg")

    app = seeded.api.client.app
    before = len(app.router.routes)  # type: ignore[attr-defined]
    app.include_router(leaky)  # type: ignore[attr-defined]
    added = app.router.routes[before:]  # type: ignore[attr-defined]
    del app.router.routes[before:]  # type: ignore[attr-defined]
    app.router.routes[:0] = added  # type: ignore[attr-defined]  # ahead of the static page's mount
    uk_only_photo = next(p for p, m in seeded.binaries.items() if m == "UK-ONLY")
    seeded.binary(
        uk_only_photo.replace("/api/reports/", "/api/leaky-photo/").removesuffix("/photo"), "UK-ONLY"
    )
    problems, _, _ = walk(seeded)
    assert any("/api/leaky/" in p and "$.items[0].nested[0] (UK-ONLY)" in p for p in problems)
    assert any("/api/leaky-photo/" in p and "served bytes marked UK-ONLY" in p for p in problems)
    assert not any("m-watch_officer-UK-ONLY" in p for p in problems)  # cleared users see it rightly


def _websocket_first_message(api: Api, path: str, user: str) -> Any:
    """The first message (the snapshot) of a WebSocket route as ``user``. Starlette's TestClient raises
    CancelledError when it closes a /api/live session (on main too): the message received is what counts."""
    box: dict[str, Any] = {}
    try:
        with api.client.websocket_connect(f"{path}?token={api.token(user)}") as ws:
            box["msg"] = ws.receive_json()
    except concurrent.futures.CancelledError:
        pass
    assert "msg" in box, f"{user} {path}: no first message"
    return box["msg"]


def test_partner_sees_released_records_and_never_uk_only_ones(seeded: SeedContext) -> None:
    api = seeded.api
    body = api.client.get("/api/partner/records", headers=api.h("m-partner_liaison-UK-ONLY")).json()
    markings = {r["marking"] for records in body["records"].values() for r in records}
    assert markings == {"UK-FR", "PUBLIC"}  # even a UK-ONLY-cleared liaison sees at most UK-FR here
    assert body["records"]["report"] and body["records"]["vessel"] and body["records"]["observation"]


DETAIL_ROUTES = {
    "incident": "/api/incidents/{}",
    "alert": "/api/alerts/{}",
    "track": "/api/tracks/{}/history",
    "asset": "/api/assets/{}",
    "drift_run": "/api/sar/drifts/{}",
}
LIST_ROUTES = {
    "incident": ("/api/incidents", "incidents", "incident_id"),
    "alert": ("/api/alerts", "alerts", "alert_id"),
    "asset": ("/api/assets", "assets", "id"),
    "drift_run": ("/api/sar/drifts", None, "id"),
}


def test_the_liaison_sees_released_cell_records_and_never_their_uk_only_twins(seeded: SeedContext) -> None:
    """Incident, alert, track, asset and drift run: the released one in its detail, its list and the
    partner API, with its release in the UK staff's detail; the unreleased UK-ONLY twin nowhere."""
    api = seeded.api
    liaison, officer = api.h("m-partner_liaison-UK-FR"), api.h("m-watch_officer-UK-ONLY")
    assert set(RELEASED) == set(DETAIL_ROUTES) == set(KEPT)
    for object_type, route in DETAIL_ROUTES.items():
        shown = api.client.get(route.format(RELEASED[object_type]), headers=liaison)
        assert shown.status_code == 200, (object_type, shown.text)
        assert shown.json()["marking"] == "UK-FR" and not leaks(shown.json(), "UK-FR")
        assert api.client.get(route.format(KEPT[object_type]), headers=liaison).status_code == 404, (
            object_type
        )
        releases = api.client.get(route.format(RELEASED[object_type]), headers=officer).json()["releases"]
        assert [(r["from_marking"], r["to_marking"]) for r in releases] == [("UK-ONLY", "UK-FR")], object_type
    for object_type, (route, key, id_key) in LIST_ROUTES.items():
        body = api.client.get(route, headers=liaison).json()
        found = {str(r[id_key]) for r in (body if key is None else body[key])}
        assert RELEASED[object_type] in found and KEPT[object_type] not in found, object_type
    partner = api.client.get("/api/partner/records", headers=liaison).json()["records"]
    for object_type, id_key in (("incident", "incident_id"), ("alert", "alert_id"), ("asset", "id"),
                                ("drift_run", "id")):  # fmt: skip
        found = {str(r[id_key]) for r in partner[object_type]}
        assert RELEASED[object_type] in found and KEPT[object_type] not in found, object_type
    with Session(api.runtime.engine) as session:
        audited = {
            (e.object_type, e.object_id)
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "release"))
        }
    assert set(RELEASED.items()) <= audited  # one audit row per release


def test_every_route_refuses_a_request_without_a_token(seeded: SeedContext) -> None:
    api = seeded.api
    for kind, method, path in _routes(api):
        if kind != "http":
            continue
        for concrete in _concrete_paths(path, seeded.params)[:3]:
            resp = api.client.request(method, concrete)
            assert resp.status_code == 401, f"{method} {concrete}: {resp.status_code}"


def test_every_path_parameter_has_seed_values(seeded: SeedContext) -> None:
    missing = sorted(
        {f"{name} (in {path})" for _, _, path in _routes(seeded.api) for name in _PARAM.findall(path)}
        - {
            f"{name} (in {path})"
            for _, _, path in _routes(seeded.api)
            for name in _PARAM.findall(path)
            if name in seeded.params
        }
    )
    assert not missing, "give these path parameters values in tests/sharing/matrix_registry.py: " + ", ".join(
        missing
    )
