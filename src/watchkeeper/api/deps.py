"""Identity as a typed dependency: ``CurrentUser`` (user name, roles, clearance) and ``require_roles``.

Every router mounted under ``/api`` (see ``routes/__init__.py``) gets ``current_user`` as a router-level
dependency, so a route cannot be added without authentication; routes that need the identity take
``user: CurrentUser`` (FastAPI caches the dependency: the token is checked once per request).

The token is read from ``Authorization: Bearer <jwt>``; the user is re-read from the store on every
request, so a deactivated user or a changed role takes effect at once, not when the token expires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import HTTPConnection

from watchkeeper.api.errors import ApiError
from watchkeeper.api.runtime import Runtime
from watchkeeper.api.security import verify_token
from watchkeeper.core.errors import AuthError
from watchkeeper.store.users import Role

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user of a request."""

    username: str
    roles: frozenset[str]
    clearance: str
    expires_at: datetime

    def has_any(self, *roles: Role | str) -> bool:
        return any(str(r) in self.roles for r in roles)


def get_runtime(conn: HTTPConnection) -> Runtime:
    runtime: Runtime = conn.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def authenticate_token(runtime: Runtime, token: str | None) -> Principal:
    """The principal for ``token``; ``ApiError(401)`` when missing, invalid, expired or user inactive."""
    if not token:
        raise ApiError(401, "authentication required", headers=_CHALLENGE)
    try:
        claims = verify_token(token, runtime.settings.secret_key, runtime.wall_clock.now())
    except AuthError as exc:
        raise ApiError(401, str(exc), headers=_CHALLENGE) from exc
    user = runtime.users.get(claims.username)
    if user is None or not user.active:
        raise ApiError(401, "user unknown or inactive", headers=_CHALLENGE)
    return Principal(user.username, frozenset(user.roles), user.clearance, claims.expires_at)


def current_user(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    principal = authenticate_token(get_runtime(request), token)
    request.state.user = principal.username
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def require_roles(*roles: Role | str) -> Callable[[Principal], Principal]:
    """A dependency that lets through users holding any of ``roles`` (403 otherwise).

    ``admin`` is not a master key: it manages users; operational data needs an operational role.
    """
    wanted = tuple(Role(r).value for r in roles)
    if not wanted:
        raise ValueError("require_roles needs at least one role")

    def _check(user: CurrentUser) -> Principal:
        if not user.has_any(*wanted):
            raise ApiError(403, f"needs one of the roles: {', '.join(wanted)}")
        return user

    return _check
