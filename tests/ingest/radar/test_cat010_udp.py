"""CAT010 (surface movement / VTS radar) by the specification, and the UDP listener on loopback.

No real CAT010 capture exists in any public repository found (../shared/data/radar/PROVENANCE.md): the
record below is built octet by octet from EUROCONTROL-SPEC-0149-7 Ed. 1.1 (UAP FRN 1–4, 6, 8, 10)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, date, datetime

import pytest

from watchkeeper.core.clock import FixedClock
from watchkeeper.ingest.radar.asterix import Cat010MessageType, Cat010Record, decode_datagram
from watchkeeper.ingest.radar.convert import AsterixPlotter
from watchkeeper.ingest.radar.timeofday import TimeOfDayResolver
from watchkeeper.ingest.radar.udp import listen_udp

TARGET_REPORT = bytes.fromhex(
    "0A0016"  # CAT 10, LEN 22
    "F5A0"  # FSPEC: FRN 1, 2, 3, 4, 6 | FX | FRN 8, 10
    "0102"  # I010/010 SAC 1, SIC 2
    "01"  # I010/000 message type 1: target report
    "20"  # I010/020 TYP 001 (PSR), no extension
    "070840"  # I010/140 time of day 460864 / 128 = 3600.5 s
    "30394000"  # I010/040 RHO 12345 m, THETA 0x4000 · 360/2^16 = 90°
    "002E2000"  # I010/200 ground speed 46 · 2^-14 NM/s, track angle 0x2000 → 45°
    "004D"  # I010/161 track number 77
)
STATUS = bytes.fromhex("0A0007C0010203")  # FRN 1, 2: SAC 1 SIC 2, message type 3 (periodic status)


def test_cat010_target_report_by_the_spec() -> None:
    (rec,) = decode_datagram(TARGET_REPORT)
    assert isinstance(rec, Cat010Record)
    assert rec.message_type == Cat010MessageType.TARGET_REPORT
    assert rec.items["I020"]["TYP"] == 1
    assert rec.time_of_day_s == 3600.5
    assert rec.items["I040"] == {"RHO": 12345.0, "THETA": 90.0}
    assert rec.track_number == 77
    speed, course = rec.speed_course or (0.0, 0.0)
    assert speed == pytest.approx(46 * 2**-14 * 3600) and course == 45.0
    plot = AsterixPlotter(TimeOfDayResolver(date(2026, 10, 5)), {"1-2": "vts_dover"}).plot(rec)
    assert plot is not None
    assert (plot.sensor_id, plot.range_m, plot.bearing_deg) == ("vts_dover", 12345.0, 90.0)
    assert plot.sensor_track_id == "77"
    assert plot.time == datetime(2026, 10, 5, 1, 0, 0, 500000, tzinfo=UTC)


def test_cat010_status_message_is_no_plot() -> None:
    (rec,) = decode_datagram(STATUS)
    assert isinstance(rec, Cat010Record) and rec.message_type == Cat010MessageType.PERIODIC_STATUS
    assert AsterixPlotter(TimeOfDayResolver(date(2026, 10, 5))).plot(rec) is None


def test_udp_listener_hands_over_datagrams_with_their_receive_time() -> None:
    received: list[tuple[bytes, datetime, tuple[str, int]]] = []
    stamp = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)

    async def run() -> None:
        transport = await listen_udp(
            lambda d, t, a: received.append((d, t, a)), FixedClock(stamp), port=0, host="127.0.0.1"
        )
        try:
            port = transport.get_extra_info("sockname")[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
                tx.sendto(TARGET_REPORT, ("127.0.0.1", port))
                tx.sendto(STATUS, ("127.0.0.1", port))
            for _ in range(200):
                if len(received) == 2:
                    break
                await asyncio.sleep(0.01)
        finally:
            transport.close()

    asyncio.run(asyncio.wait_for(run(), timeout=10))
    assert [r[0] for r in received] == [TARGET_REPORT, STATUS]
    assert all(r[1] == stamp and r[2][0] == "127.0.0.1" for r in received)
