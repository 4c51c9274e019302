"""One error shape for every API error: ``{"error": {"code": str, "message": str}}``.

``code`` is stable and machine-readable (``unauthorized``, ``forbidden``, ``not_found``,
``validation_error``, ``conflict``, ``internal_error``, …); ``message`` is for a human. A 500 never
carries the exception text (it is logged instead).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(StarletteHTTPException):
    """An HTTP error with our own ``code`` (defaults from the status)."""

    def __init__(
        self, status_code: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code or _CODES.get(status_code, "error")


def error_body(status_code: int, message: str, code: str | None = None) -> dict[str, dict[str, str]]:
    return {"error": {"code": code or _CODES.get(status_code, "error"), "message": message}}


def _message(detail: object, status_code: int) -> str:
    if isinstance(detail, str) and detail:
        return detail
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "error"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None)
    return JSONResponse(
        error_body(exc.status_code, _message(exc.detail, exc.status_code), code),
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    refused = _unauthenticated(request)
    if refused is not None:
        return refused
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return JSONResponse(error_body(422, "; ".join(parts) or "invalid request"), status_code=422)


def _unauthenticated(request: Request) -> JSONResponse | None:
    """401 for a request to an authenticated route that has not authenticated yet.

    FastAPI parses a JSON body before it runs the route's dependencies, so a body that is not JSON would
    be answered 422 — with what the route expects — before the token is looked at (found by
    schemathesis: ``POST /api/sar/drifts`` without credentials). No credentials, no validation detail.
    """
    if getattr(request.state, "user", None) is not None:
        return None  # the route's authentication already ran and passed
    if request.url.path in getattr(request.app.state, "public_paths", frozenset()):
        return None
    from watchkeeper.api.deps import authenticate_token, get_runtime

    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else None
    try:
        authenticate_token(get_runtime(request), token)
    except ApiError as refused:
        return JSONResponse(
            error_body(refused.status_code, _message(refused.detail, refused.status_code), refused.code),
            status_code=refused.status_code,
            headers=refused.headers,
        )
    return None


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body(500, "internal error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
