"""Local users: argon2id password hashes, roles and clearance stored with each user.

Passwords are hashed with argon2-cffi's ``PasswordHasher`` (argon2id, RFC 9106 low-memory profile
defaults: t=3, m=64 MiB, p=4). The plain password never reaches the database or a log. A login for an
unknown user still runs one argon2 verification against a dummy hash so that the response time does
not tell which user names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watchkeeper.core.marking import Marking
from watchkeeper.store.models import User

MIN_PASSWORD_LENGTH = 12


class Role(StrEnum):
    """The cell's roles (DESIGN.md principle 5). Values are stored with each user."""

    WATCH_OFFICER = "watch_officer"
    ANALYST = "analyst"
    ASSET_CONTROLLER = "asset_controller"
    PARTNER_LIAISON = "partner_liaison"
    AUDITOR = "auditor"
    ADMIN = "admin"


# A user's clearance is the most restrictive marking they may see (``core.marking``).
Clearance = Marking


@dataclass(frozen=True, slots=True)
class UserPublic:
    """A user as the service hands it around: never the hash."""

    username: str
    roles: tuple[str, ...]
    clearance: str
    active: bool


_DUMMY_PASSWORD = "watchkeeper-dummy-password-for-timing"


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def _public(row: User) -> UserPublic:
    return UserPublic(row.username, tuple(row.roles or ()), row.clearance, row.active)


def _validate(username: str, roles: tuple[Role | str, ...], clearance: Clearance | str) -> list[str]:
    if not username or len(username) > 64 or not username.isprintable() or username != username.strip():
        raise ValueError(f"bad user name {username!r}")
    if not roles:
        raise ValueError("a user needs at least one role")
    out = [Role(r).value for r in roles]  # ValueError on an unknown role
    Clearance(clearance)
    return sorted(set(out), key=out.index)


class UsersRepo:
    """Users in the store. ``now`` is passed in: the store never reads a clock.

    ``hasher`` defaults to argon2-cffi's recommended parameters; tests pass a cheaper argon2id one.
    """

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = self.hasher.hash(_DUMMY_PASSWORD)

    def add(
        self,
        username: str,
        password: str,
        roles: tuple[Role | str, ...],
        clearance: Clearance | str,
        now: datetime,
        *,
        replace: bool = False,
    ) -> UserPublic:
        """Create ``username`` (or, with ``replace``, reset its password, roles and clearance)."""
        role_values = _validate(username, roles, clearance)
        check_password_policy(password)
        pw_hash = self.hasher.hash(password)
        with Session(self.engine) as session, session.begin():
            row = session.scalar(select(User).where(User.username == username))
            if row is not None and not replace:
                raise ValueError(f"user {username!r} exists")
            if row is None:
                row = User(username=username, created_at=now)
                session.add(row)
            row.password_hash = pw_hash
            row.roles = role_values
            row.clearance = Clearance(clearance).value
            row.active = True
            session.flush()
            return _public(row)

    def get(self, username: str) -> UserPublic | None:
        with Session(self.engine) as session:
            row = session.scalar(select(User).where(User.username == username))
            return None if row is None else _public(row)

    def authenticate(self, username: str, password: str) -> UserPublic | None:
        """The user when ``password`` is right and the user active; else ``None`` (same cost either way)."""
        with Session(self.engine) as session:
            row = session.scalar(select(User).where(User.username == username))
            stored = row.password_hash if row is not None else self._dummy_hash
            try:
                self.hasher.verify(stored, password)
                ok = row is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok or row is None or not row.active:
                return None
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self.hasher.hash(password)
                session.commit()
            return _public(row)

    def password_hash(self, username: str) -> str | None:
        """The stored hash (tests and audits check its scheme; it is never sent out)."""
        with Session(self.engine) as session:
            return session.scalar(select(User.password_hash).where(User.username == username))
