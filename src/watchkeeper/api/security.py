"""Access tokens: JWT HS256 (pyjwt) signed with ``Settings.secret_key``.

Expiry is checked against an injected clock (wall-clock at the edge, a fixed clock in tests) rather
than pyjwt's own ``time.time()``, so expiry is testable without sleeping. Claims: ``sub`` (user name),
``roles``, ``clr`` (clearance), ``iat``, ``exp`` (POSIX seconds), ``typ`` = ``access``.
Roles in the token are a hint for the page; the server re-reads the user on every request so that
a deactivated user or a changed role takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from watchkeeper.core.errors import AuthError
from watchkeeper.store.users import UserPublic

ALGORITHM = "HS256"
_TYP = "access"
ISSUED_AT_SKEW = timedelta(seconds=60)  # clock skew tolerated between service instances


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


def issue_token(user: UserPublic, secret: str, ttl_s: int, now: datetime) -> IssuedToken:
    expires = (now + timedelta(seconds=ttl_s)).replace(microsecond=0)
    claims = {
        "sub": user.username,
        "roles": list(user.roles),
        "clr": user.clearance,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "typ": _TYP,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), expires)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    username: str
    expires_at: datetime


def verify_token(token: str, secret: str, now: datetime) -> TokenClaims:
    """The claims of a valid, unexpired access token; ``AuthError`` otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": ["sub", "exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    if claims.get("typ") != _TYP or not isinstance(claims.get("sub"), str):
        raise AuthError("invalid token: not an access token")
    exp, iat = claims["exp"], claims["iat"]
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise AuthError("invalid token: bad exp or iat")
    if datetime.fromtimestamp(iat, UTC) > now + ISSUED_AT_SKEW:
        raise AuthError("invalid token: issued in the future")
    expires_at = datetime.fromtimestamp(exp, UTC)
    if expires_at <= now:
        raise AuthError("token expired")
    return TokenClaims(str(claims["sub"]), expires_at)
