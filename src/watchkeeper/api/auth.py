"""Login: check the password, audit the attempt, issue a token.

Every attempt is audited (``login.success`` / ``login.failure`` with the client address); the failure
response never says whether the user name or the password was wrong, and an unknown user costs the
same argon2 verification as a known one (see ``store/users.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.api.runtime import Runtime
from watchkeeper.api.security import IssuedToken, issue_token
from watchkeeper.store.users import UserPublic

MAX_PASSWORD_BYTES = 1024  # argon2 hashes anything, but a megabyte "password" is an attack, not a login


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: UserPublic
    token: IssuedToken


def login(runtime: Runtime, username: str, password: str, client: str | None) -> LoginResult | None:
    """A token for a right password, ``None`` otherwise (both audited)."""
    user = None
    if len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES and len(username) <= 64:
        user = runtime.users.authenticate(username, password)
    if user is None:
        runtime.audit.write(username[:64] or "-", "login.failure", "user", username[:64], {"client": client})
        return None
    token = issue_token(
        user, runtime.settings.secret_key, runtime.settings.token_ttl_s, runtime.wall_clock.now()
    )
    runtime.audit.write(user.username, "login.success", "user", user.username, {"client": client})
    return LoginResult(user, token)
