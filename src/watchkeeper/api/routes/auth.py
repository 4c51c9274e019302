"""``/api/auth/login`` (JSON), ``/api/auth/token`` (OAuth2 password form) and ``/api/me``.

The two login routes are the only ``/api`` routes reachable without a token (``public_router``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from watchkeeper.api.auth import LoginResult, login
from watchkeeper.api.deps import CurrentUser, RuntimeDep
from watchkeeper.api.errors import ApiError

public_router = APIRouter(tags=["auth"])
router = APIRouter(tags=["auth"])


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    username: str
    roles: list[str]
    clearance: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str
    user: UserOut


def _token_out(result: LoginResult) -> TokenOut:
    return TokenOut(
        access_token=result.token.token,
        expires_at=result.token.expires_at.isoformat().replace("+00:00", "Z"),
        user=UserOut(
            username=result.user.username, roles=list(result.user.roles), clearance=result.user.clearance
        ),
    )


def _login_or_401(runtime: RuntimeDep, request: Request, username: str, password: str) -> TokenOut:
    client = request.client.host if request.client else None
    result = login(runtime, username, password, client)
    if result is None:
        raise ApiError(401, "wrong user name or password", headers={"WWW-Authenticate": "Bearer"})
    return _token_out(result)


@public_router.post(
    "/auth/login", response_model=TokenOut, summary="Log in with JSON; returns a bearer token"
)
def login_json(body: LoginRequest, request: Request, runtime: RuntimeDep) -> TokenOut:
    return _login_or_401(runtime, request, body.username, body.password)


@public_router.post(
    "/auth/token", response_model=TokenOut, summary="OAuth2 password flow (OpenAPI Authorize)"
)
def login_form(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, runtime: RuntimeDep
) -> TokenOut:
    return _login_or_401(runtime, request, form.username, form.password)


@router.get("/me", response_model=UserOut, summary="The logged-in user")
def me(user: CurrentUser) -> UserOut:
    return UserOut(username=user.username, roles=sorted(user.roles), clearance=user.clearance)
