"""kill -9 of the whole service (every role in one process) during sustained ingest, on NATS + PostgreSQL.

The service reads AIS and radar from a paced feeder over TCP (``serve --ais-tcp/--radar-tcp``), is killed
with SIGKILL mid-stream, restarted, and finishes the feed. Then: every line it acknowledged (its input log)
is the line that was sent, once, in order; and ``replay-log --compare`` finds the live store equal to a
replay of the input logs — same picture, positions, rejects, tracks, alerts and incidents, nothing lost,
nothing twice. See ``crashkit`` for the definitions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from crashkit import run_kill_test

pytestmark = [pytest.mark.nats, pytest.mark.postgres, pytest.mark.slow]


def test_kill9_all_in_one_loses_nothing_acknowledged_and_replays_exactly(
    scenarios_dir: Path,
    tmp_path: Path,
    crash_stores: tuple[str, str],
    private_nats: str,
    artifacts_dir: Path,
) -> None:
    live_url, replay_url = crash_stores
    run_kill_test(None, scenarios_dir, tmp_path, live_url, replay_url, private_nats, artifacts_dir)
