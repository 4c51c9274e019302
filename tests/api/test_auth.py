"""Authentication: every route needs a token, login, token expiry, roles, audit, password hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_helpers import PASSWORD, Api, assert_error
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.testclient import WebSocketDenialResponse

from watchkeeper.api.app import RouteInfo, route_table
from watchkeeper.api.deps import require_roles
from watchkeeper.api.errors import install_error_handlers
from watchkeeper.api.security import issue_token
from watchkeeper.store.models import AuditEvent, User
from watchkeeper.store.users import UserPublic

PUBLIC_API = {"/api/auth/login", "/api/auth/token"}


def _concrete(path: str) -> str:
    return path.replace("{mmsi}", "227006760").replace("{name}", "tss").replace("{", "").replace("}", "")


def _api_routes(client: TestClient) -> list[RouteInfo]:
    routes = route_table(client.app)  # type: ignore[arg-type]
    return [r for r in routes if r.kind == "http" and r.path not in PUBLIC_API]


def test_every_api_route_refuses_a_request_without_a_token(api: Api) -> None:
    routes = _api_routes(api.client)
    paths = {r.path for r in routes}
    assert {"/api/picture", "/api/me", "/api/openapi.json", "/api/geo/layers"} <= paths
    for route in routes:
        for method in route.methods:
            resp = api.client.request(method, _concrete(route.path))
            assert_error(resp, 401, "unauthorized")
            assert resp.headers["www-authenticate"] == "Bearer"


def test_every_api_route_refuses_a_bad_or_forged_token(api: Api, settings) -> None:  # type: ignore[no-untyped-def]
    forged = issue_token(
        UserPublic("officer", ("admin",), "UK-ONLY", True),
        "another-secret-of-forty-characters-xxxxxx",
        3600,
        api.clock.now(),
    ).token
    for token in ("garbage", forged):
        for route in _api_routes(api.client):
            for method in route.methods:
                resp = api.client.request(
                    method, _concrete(route.path), headers={"Authorization": f"Bearer {token}"}
                )
                assert_error(resp, 401, "unauthorized")


def test_every_websocket_refuses_a_connection_without_a_valid_token(api: Api) -> None:
    ws_routes = [r for r in route_table(api.client.app) if r.kind == "websocket"]  # type: ignore[arg-type]
    assert {r.path for r in ws_routes} == {"/api/live"}
    for route in ws_routes:
        for query in ("", "?token=", "?token=garbage"):
            with (
                pytest.raises(WebSocketDenialResponse) as denied,
                api.client.websocket_connect(route.path + query),
            ):
                pass
            assert denied.value.status_code == 401
            assert denied.value.json()["error"]["code"] == "unauthorized"


def test_no_route_outside_api_but_the_static_page(api: Api) -> None:
    for route in route_table(api.client.app):  # type: ignore[arg-type]
        if route.kind == "mount":
            assert route.path in ("", "/")
        else:
            assert route.path.startswith("/api/") and not route.path.startswith("/api/api/"), route


def test_login_returns_a_token_and_the_user(api: Api) -> None:
    body = api.login()
    assert body["token_type"] == "bearer"
    assert body["user"] == {"username": "officer", "roles": ["watch_officer"], "clearance": "UK-ONLY"}
    assert body["expires_at"] == "2026-11-25T09:00:00Z"  # wall clock + token_ttl_s (3600 s)
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {"username": "officer", "roles": ["watch_officer"], "clearance": "UK-ONLY"}


def test_oauth2_form_login(api: Api) -> None:
    resp = api.client.post("/api/auth/token", data={"username": "auditor", "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    assert resp.json()["user"]["roles"] == ["auditor"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("officer", PASSWORD + "!"), ("nobody", PASSWORD), ("officer", ""), ("", PASSWORD)],
)
def test_bad_credentials_are_401_or_422(api: Api, username: str, password: str) -> None:
    resp = api.client.post("/api/auth/login", json={"username": username, "password": password})
    if username and password:
        assert_error(resp, 401, "unauthorized")
        assert "access_token" not in resp.text
    else:
        assert_error(resp, 422, "validation_error")


def test_logins_are_audited(api: Api) -> None:
    api.login()
    api.client.post("/api/auth/login", json={"username": "officer", "password": "wrong password!"})
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.time)).all()
    assert [(r.actor, r.action) for r in rows] == [("officer", "login.success"), ("officer", "login.failure")]
    assert all(r.time == api.clock.now() for r in rows)


def test_token_expires(api: Api) -> None:
    headers = api.headers()
    assert api.client.get("/api/me", headers=headers).status_code == 200
    api.clock.set(api.clock.now() + timedelta(seconds=3599))
    assert api.client.get("/api/me", headers=headers).status_code == 200
    api.clock.set(api.clock.now() + timedelta(seconds=1))
    resp = api.client.get("/api/me", headers=headers)
    assert_error(resp, 401, "unauthorized")
    assert "expired" in resp.json()["error"]["message"]


def test_a_deactivated_user_loses_access_at_once(api: Api) -> None:
    headers = api.headers()
    with api.runtime.engine.begin() as conn:
        conn.execute(User.__table__.update().where(User.username == "officer").values(active=False))
    assert_error(api.client.get("/api/me", headers=headers), 401, "unauthorized")
    assert_error(
        api.client.post("/api/auth/login", json={"username": "officer", "password": PASSWORD}),
        401,
        "unauthorized",
    )


def test_roles_and_clearance_are_stored_with_the_user(api: Api) -> None:
    user = api.runtime.users.add(
        "liaison", PASSWORD, ("partner_liaison", "analyst"), "UK-FR", api.clock.now()
    )
    assert user.roles == ("partner_liaison", "analyst")
    again = api.runtime.users.get("liaison")
    assert again is not None and again.roles == ("partner_liaison", "analyst") and again.clearance == "UK-FR"
    with pytest.raises(ValueError, match="exists"):
        api.runtime.users.add("liaison", PASSWORD, ("analyst",), "UK-FR", api.clock.now())
    with pytest.raises(ValueError):
        api.runtime.users.add("x", PASSWORD, ("captain",), "UK-FR", api.clock.now())
    with pytest.raises(ValueError):
        api.runtime.users.add("y", PASSWORD, ("analyst",), "SECRET", api.clock.now())
    with pytest.raises(ValueError, match="12"):
        api.runtime.users.add("z", "short", ("analyst",), "PUBLIC", api.clock.now())


def test_password_hash_is_argon2id_and_never_the_password(api: Api) -> None:
    stored = api.runtime.users.password_hash("officer")
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    with api.runtime.engine.connect() as conn:
        dump = "\n".join(str(tuple(row)) for row in conn.execute(select(User)).all())
    assert PASSWORD not in dump


def test_require_roles_gives_403_to_users_without_the_role(api: Api) -> None:
    # a capability's router as another engineer would write it, on an app sharing the runtime
    app = FastAPI()
    app.state.runtime = api.runtime
    install_error_handlers(app)

    @app.get("/api/analysts-only", dependencies=[Depends(require_roles("analyst", "admin"))])
    def only_analysts() -> dict[str, bool]:
        return {"ok": True}

    client = TestClient(app)
    assert_error(client.get("/api/analysts-only"), 401, "unauthorized")
    assert_error(client.get("/api/analysts-only", headers=api.headers()), 403, "forbidden")
    api.runtime.users.add("ana", PASSWORD, ("analyst",), "UK-ONLY", api.clock.now())
    resp = client.get("/api/analysts-only", headers=api.headers("ana"))
    assert resp.status_code == 200 and resp.json() == {"ok": True}


def test_openapi_is_served_to_logged_in_users_only(api: Api) -> None:
    assert_error(api.client.get("/api/openapi.json"), 401, "unauthorized")
    doc = api.client.get("/api/openapi.json", headers=api.headers()).json()
    assert "/api/picture" in doc["paths"] and "/api/vessels/{mmsi}/track" in doc["paths"]
    assert doc["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"] == {
        "scopes": {},
        "tokenUrl": "/api/auth/token",
    }
    assert api.client.get("/docs").status_code == 404  # no Swagger UI: it would load a CDN


def test_static_page_is_public_with_security_headers(api: Api) -> None:
    resp = api.client.get("/")
    assert resp.status_code == 200 and "<html" in resp.text.lower()
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "http" not in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"
    api_resp = api.client.get("/api/me", headers=api.headers())
    assert api_resp.headers["cache-control"] == "no-store"
    assert api_resp.headers["content-security-policy"] == csp
