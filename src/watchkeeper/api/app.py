"""The FastAPI app: ``/api`` routers (all authenticated but login), the live WebSocket, the static page.

* Every ``/api`` route needs ``Authorization: Bearer <jwt>`` (401 otherwise), including the OpenAPI
  document at ``/api/openapi.json``. There is no Swagger UI: FastAPI's loads its JavaScript from a
  CDN, and the cell's page loads nothing from outside (CSP ``'self'``). Use the JSON with any OpenAPI
  tool; ``/api/auth/token`` takes the OAuth2 password form so their "Authorize" button works.
* The page (``watchkeeper/web/static``) is public so the login form can load; it holds no data.
* Security headers on every response; ``Cache-Control: no-store`` on API answers unless a route sets
  its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIWebSocketRoute
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper.api.deps import CurrentUser, current_user
from watchkeeper.api.errors import install_error_handlers
from watchkeeper.api.routes import load_route_modules
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.settings import Settings

API_PREFIX = "/api"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware (no body buffering): adds the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith(API_PREFIX + "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in _HEADERS if h[0] not in present)
                if is_api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def static_dir() -> Path:
    return Path(str(resources.files("watchkeeper.web").joinpath("static")))


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The app for ``runtime`` (built from ``settings`` when not given)."""
    if runtime is None:
        runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title="watchkeeper",
        summary="Dover Strait command cell: live picture, alerts, incidents, assets, weather, drift.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind authentication
    )
    app.state.runtime = runtime
    install_error_handlers(app)

    public_paths: set[str] = set()
    app.state.public_paths = public_paths  # routes answered without a token (login, token)
    for module in load_route_modules():
        public = getattr(module, "public_router", None)
        if public is not None:
            app.include_router(public, prefix=API_PREFIX)
            public_paths.update(API_PREFIX + str(getattr(r, "path", "")) for r in public.routes)
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(current_user)])
        ws = getattr(module, "ws_router", None)
        if ws is not None:
            app.include_router(ws, prefix=API_PREFIX)

    @app.get(API_PREFIX + "/openapi.json", include_in_schema=False)
    def openapi(user: CurrentUser) -> dict[str, Any]:
        return app.openapi()

    static = static_dir()
    if static.is_dir():
        app.mount("/", StaticFiles(directory=static, html=True), name="web")
    app.add_middleware(SecurityHeaders)
    return app


@dataclass(frozen=True, slots=True)
class RouteInfo:
    kind: str  # "http", "websocket" or "mount"
    path: str
    methods: frozenset[str]


def route_table(app: FastAPI) -> list[RouteInfo]:
    """Every route of ``app`` with its full path (FastAPI ≥ 0.16x keeps included routers nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        contexts: list[Any] = list(app.routes)
    else:
        contexts = list(iter_route_contexts(app.routes))
    out = []
    for ctx in contexts:
        original = getattr(ctx, "original_route", ctx)
        if isinstance(original, APIWebSocketRoute | WebSocketRoute):
            kind = "websocket"
        elif isinstance(original, Mount):
            kind = "mount"
        else:
            kind = "http"
        out.append(
            RouteInfo(kind, getattr(ctx, "path", "") or "", frozenset(getattr(ctx, "methods", None) or ()))
        )
    return out
