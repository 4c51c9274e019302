"""Helpers shared by the intel tests (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

WALL = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class User:
    username: str
    clearance: str = "UK-ONLY"
    roles: frozenset[str] = field(default_factory=lambda: frozenset({"analyst"}))


HANDLER = User("handler")  # UK analyst who runs the sources
ANALYST = User("analyst")  # another UK analyst: reads reports, never sees the sources
FR_ANALYST = User("fr_analyst", "UK-FR")  # analyst cleared only for what is released to France
LIAISON = User("liaison", "UK-FR", frozenset({"partner_liaison"}))
