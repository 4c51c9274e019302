"""kill -9 of each role, one OS process per role, during sustained ingest, on NATS + PostgreSQL.

The service runs split (``serve --role ingest|tracker|alerts|api``, four processes on a private
nats-server, a fresh PostgreSQL database); the ingest reads AIS and radar from a paced feeder over TCP.
One role is killed with SIGKILL mid-stream (after the feed is 45 % written; the tracker and the alerts
worker once they have saved a checkpoint), kept down for a moment while the rest goes on (the ingest: the
feed holds, as a buffering receiver does), restarted, and the feed finishes. Then: every line the ingest
acknowledged (its input log) is the line that was sent, once, in order; no duplicate rows (positions,
track points, alerts, incidents, incident timeline); and ``replay-log --compare`` finds the live store
equal to a replay of the input logs. See ``crashkit``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from crashkit import ROLES, run_kill_test

pytestmark = [pytest.mark.nats, pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.parametrize("role", ROLES)
def test_kill9_of_one_role_loses_nothing_acknowledged_and_replays_exactly(
    role: str,
    scenarios_dir: Path,
    tmp_path: Path,
    crash_stores: tuple[str, str],
    private_nats: str,
    artifacts_dir: Path,
) -> None:
    live_url, replay_url = crash_stores
    result = run_kill_test(role, scenarios_dir, tmp_path, live_url, replay_url, private_nats, artifacts_dir)
    assert result["killed"] == role and result["victim_starts"] == 2
