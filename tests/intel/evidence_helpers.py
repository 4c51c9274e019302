"""A small SIMULATED AIS feed through the real input log, decoder, store and rejects ledger."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.picture.store import PictureStore
from watchkeeper.sim.ais import position_line

T0 = datetime(2026, 8, 14, 3, 0, tzinfo=UTC)  # event time of the SIMULATED crossing
BOAT = 235_000_001  # the small boat of the incident
FERRY = 227_000_002  # a ferry nearby: not in the scope
SOURCE = "sim"


@dataclass
class Feed:
    log_dir: Path
    lines: dict[int, bytes]  # log_seq -> raw line as appended


def ingest_feed(engine: Engine, data_dir: Path) -> Feed:
    """Ten boat positions a minute apart, five ferry positions, two bad lines (minutes 3 and 5)."""
    log_dir = data_dir / "inputlog"
    decoder = AisDecoder(SOURCE, simulated=True)
    store, ledger = PictureStore(engine), RejectsLedger(engine)
    lines: dict[int, bytes] = {}
    plan: list[tuple[datetime, bytes]] = []
    for k in range(10):
        t = T0 + timedelta(minutes=k)
        plan.append(
            (
                t,
                position_line(
                    int(t.timestamp()), BOAT, 50.95 + 0.01 * k, 1.60 + 0.01 * k, 4.5, 320, 0
                ).encode(),
            )
        )
        if k < 5:
            plan.append(
                (t, position_line(int(t.timestamp()), FERRY, 51.0, 1.5 + 0.02 * k, 18.0, 60, 0).encode())
            )
        if k in (3, 5):
            plan.append((t + timedelta(seconds=5), b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF"))
    with InputLog(log_dir) as log:
        for n, (t, raw) in enumerate(plan, start=1):
            seq = log.append(SOURCE, n, raw, t)
            lines[seq] = raw
            log.sync()
            result = decoder.feed(raw, n, t, seq)
            for reject in result.rejects:
                ledger.add(reject)
            store.write(result.reports, [])
    ledger.flush()
    return Feed(log_dir, lines)


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tamper(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    entries = zip_entries(data)
    change(entries)
    return rezip(entries)
