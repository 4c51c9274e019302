"""The demo: a fresh store, a ``demo`` user with a random password, and the SIMULATED Dover Strait feed
(``watchkeeper.sim.demo.demo_feed``) replayed in event time, accelerated.

Replay pacing is the one place where wall-clock time is right: the feed's event times are mapped to
the wall clock at the edge, ``wall = wall_at_start + (event_time - first_event_time) / speed``, and
the replay sleeps until each event's wall time (anchored, so pauses never accumulate drift). Every AIS
line then goes through the real AIS ingestor (input log, pyais decoding, rejects ledger, store,
picture, ``picture.update``) as source ``sim``, flagged simulated. Radar plots are counted and not yet
used (the tracker's capability wires them in).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from watchkeeper.api.runtime import Runtime

log = logging.getLogger(__name__)

DEMO_MARKER = ".watchkeeper-demo"
DEMO_USER = "demo"
DEMO_ROLES = ("watch_officer", "analyst", "asset_controller", "auditor")
DEMO_CLEARANCE = "UK-ONLY"
SIM_SOURCE = "sim"
MAX_BATCH = 500  # AIS lines handed to the ingestor at once when the replay runs behind


@dataclass
class ReplayStats:
    ais_lines: int = 0
    radar_plots: int = 0
    batches: int = 0
    first_event: datetime | None = None
    last_event: datetime | None = None
    finished: bool = False
    lag_s: list[float] = field(default_factory=list)


def prepare_demo_dir(data_dir: Path) -> None:
    """Make ``data_dir`` a fresh demo directory: the picture starts clean on every start.

    Only a directory the demo made (it holds ``.watchkeeper-demo``) or an empty one is wiped: a
    mistyped ``--data-dir`` never deletes someone's data.
    """
    if data_dir.exists():
        if not data_dir.is_dir():
            raise FileExistsError(f"{data_dir} is not a directory")
        if any(data_dir.iterdir()) and not (data_dir / DEMO_MARKER).exists():
            raise FileExistsError(f"{data_dir} is not empty and not a demo directory: refusing to wipe it")
        # empty it rather than remove it: the directory may be the process's working directory, and a
        # deleted cwd breaks every later relative path (numpy's loadtxt, imported by OpenDrift, is one)
        for child in data_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARKER).write_text("made by `watchkeeper demo`; wiped at every demo start\n")


def demo_password() -> str:
    """A fresh random password (about 128 bits), printed at start and never written anywhere but its hash."""
    return secrets.token_urlsafe(16)


async def replay(
    runtime: Runtime,
    feed: Iterable[tuple[datetime, str, bytes]],
    speed: float,
    stats: ReplayStats | None = None,
) -> ReplayStats:
    """Feed ``feed`` to the runtime's AIS ingestor, paced at ``speed`` × event time."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    stats = stats or ReplayStats()
    loop = asyncio.get_running_loop()
    wall0 = loop.time()
    batch: list[tuple[datetime, bytes]] = []
    iterator: Iterator[tuple[datetime, str, bytes]] = iter(feed)
    for event_time, kind, payload in iterator:
        if stats.first_event is None:
            stats.first_event = event_time
        stats.last_event = event_time
        due = wall0 + (event_time - stats.first_event).total_seconds() / speed
        delay = due - loop.time()
        if batch and (delay > 0 or len(batch) >= MAX_BATCH):
            await _flush(runtime, batch, stats)
            delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            stats.lag_s.append(-delay)
            if len(stats.lag_s) > 1000:
                del stats.lag_s[:500]
        if kind == "ais":
            batch.append((event_time, payload))
            stats.ais_lines += 1
        elif kind == "radar":
            stats.radar_plots += 1
    if batch:
        await _flush(runtime, batch, stats)
    stats.finished = True
    return stats


async def _flush(runtime: Runtime, batch: list[tuple[datetime, bytes]], stats: ReplayStats) -> None:
    await runtime.ingest_ais(SIM_SOURCE, [payload for _, payload in batch], simulated=True)
    stats.batches += 1
    batch.clear()
