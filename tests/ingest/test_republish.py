"""The ingest's publish watermark (``ingest/republish.py``) against the real NATS server.

A crash after the input log's fsync and before the publish leaves lines acknowledged but not on the bus;
a crash after the publish and before the watermark's save leaves the watermark behind. At the next start
both are published again: the first reach the bus, the second are dropped by JetStream as duplicates
(same ``msg_id``), and no reject is written twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from watchkeeper.bus.nats import NatsBus
from watchkeeper.core.settings import Settings
from watchkeeper.core.wire import decode_ais
from watchkeeper.ingest.pipeline import AIS_WATERMARK, AisIngestor
from watchkeeper.picture.live import LivePicture
from watchkeeper.store.checkpoints import CheckpointStore
from watchkeeper.store.models import RejectRow

pytestmark = pytest.mark.nats

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
GOOD = [
    b"\\s:wk-sim,c:1791165600*70\\!AIVDM,1,1,,A,13HVqLPP1iP8iBtM?152=Aj1P000,0*6B",
    b"\\s:wk-sim,c:1791165600*70\\!AIVDM,1,1,,A,13PU;A0P34P7?h6M9a;2?Aj1P000,0*63",
    b"\\s:wk-sim,c:1791165601*71\\!AIVDM,1,1,,A,13IklfWP0QP5Q;@M=Kb9m7p3P000,0*3C",
]
BAD = b"!AIVDM,1,1,,A,13HVqLPP1iP8iBtM?152=Aj1P000,0*00"  # checksum fails


@pytest.fixture
def bus(nats_url: str) -> Iterator[tuple[str, str]]:
    namespace = f"t{uuid.uuid4().hex[:10]}"
    yield nats_url, namespace

    async def drop() -> None:
        b = await NatsBus.connect(nats_url, namespace=namespace)
        for name in ("OBS", "TRACKS", "PICTURE", "ALERTS", "INCIDENTS", "TASKING"):
            await b.js.delete_stream(f"{namespace.upper()}_{name}")
        await b.close()

    asyncio.run(drop())


async def _obs(b: NatsBus) -> list[int]:
    """The input-log sequences of every AIS report on the OBS stream, in stream order."""
    stream = f"{b.namespace.upper()}_OBS"
    n = (await b.js.stream_info(stream)).state.messages
    seqs: list[int] = []
    for i in range(n):
        msg = await b.js.get_msg(stream, seq=i + 1)
        seqs += [r.log_seq for r in decode_ais(msg.data or b"") if r.log_seq is not None]
    return seqs


def _rejects(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(RejectRow)) or 0)


def _crash_and_restart(
    url: str, namespace: str, engine: Engine, settings: Settings, second_batch_at: datetime
) -> tuple[list[int], list[int], int, int]:
    async def run() -> tuple[list[int], list[int], int, int]:
        b = await NatsBus.connect(url, namespace=namespace)
        first = AisIngestor(engine=engine, bus=b, picture=LivePicture(), settings=settings)
        await first.ingest("udp:1", [GOOD[0], BAD], T0)  # published; watermark not saved yet (< 1 s)
        # the crash: the next batch is logged and fsynced (acknowledged), then the process dies
        first.intake.ingest("udp:1", [(3, GOOD[1]), (4, GOOD[2])], second_batch_at)
        before = await _obs(b)
        # the next start, with the watermark still where the first start left it
        again = AisIngestor(engine=engine, bus=b, picture=LivePicture(), settings=settings)
        assert again.watermark.published == 0
        republished = await again.republish_unpublished()
        after = await _obs(b)
        nothing = await again.republish_unpublished()
        await again.close()
        await b.close()
        return before, after, republished, nothing

    return asyncio.run(run())


def test_logged_but_unpublished_lines_are_published_at_the_next_start_once(
    bus: tuple[str, str], engine: Engine, tmp_path: Path
) -> None:
    url, namespace = bus
    settings = Settings(data_dir=tmp_path)
    before, after, republished, nothing = _crash_and_restart(
        url, namespace, engine, settings, T0 + timedelta(seconds=1)
    )
    assert before == [1]  # only the first batch reached the bus before the crash
    assert republished == 4  # both batches went out again, each with its msg_id (ais:1-2, ais:3-4)
    assert after == [1, 3, 4]  # ais:1-2 dropped by JetStream as a duplicate; ais:3-4 is new
    assert nothing == 0
    assert CheckpointStore(engine).load(AIS_WATERMARK).seq == 4  # type: ignore[union-attr]
    assert _rejects(engine) == 1  # the bad line's reject was not written twice


def test_batches_stamped_with_one_time_are_published_again_without_loss(
    bus: tuple[str, str], engine: Engine, tmp_path: Path
) -> None:
    """Two batches of one source with one receive time regroup as one: a new id, so nothing is lost
    (its first report comes twice; the tracker drops it by its log sequence)."""
    url, namespace = bus
    before, after, republished, _ = _crash_and_restart(
        url, namespace, engine, Settings(data_dir=tmp_path), T0
    )
    assert before == [1]
    assert republished == 4
    assert after == [1, 1, 3, 4]
