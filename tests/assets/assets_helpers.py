"""Constants shared by the asset tests (imported by name: pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

from datetime import UTC, datetime

WALL = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the room's clock (audit, recorded_at)
EVENT = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # the picture's clock (event time)
