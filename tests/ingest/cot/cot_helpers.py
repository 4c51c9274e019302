"""CoT made with the real libraries (pytak builds XML, takproto makes TAK protobuf), for the CoT tests."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pytak
import takproto

EPOCH = datetime(2026, 11, 26, 5, 40, 12, 250000, tzinfo=UTC)  # a dawn launch on the French coast


def cot_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def make_event(
    uid: str = "DJI-M30T-7",
    cot_type: str = "a-f-A-M-F-Q",
    lat: float = 50.9571,
    lon: float = 1.6248,
    time: datetime = EPOCH,
    stale_s: int = 120,
    callsign: str | None = "DRONE 7",
    course: float | None = 231.5,
    speed_ms: float | None = 8.2,
    remarks: str | None = None,
    extra: dict[str, str] | None = None,
) -> ET.Element:
    """A CoT event from pytak's builder, with event times set (pytak stamps the wall clock)."""
    children = []
    if course is not None or speed_ms is not None:
        track = ET.Element("track")
        if course is not None:
            track.set("course", str(course))
        if speed_ms is not None:
            track.set("speed", str(speed_ms))
        children.append(track)
    if remarks is not None:
        r = ET.Element("remarks")
        r.text = remarks
        children.append(r)
    if extra:
        ext = ET.Element("__watchkeeper")
        for k, v in extra.items():
            ext.set(k, v)
        children.append(ext)
    detail = pytak.cot_detail(*children, flow_tag=False)
    event = pytak.cot_event(
        lat=lat, lon=lon, ce=12.5, hae=80.0, uid=uid, cot_type=cot_type, detail=detail, callsign=callsign
    )
    event.set("time", cot_time(time))
    event.set("start", cot_time(time))
    event.set("stale", cot_time(time + timedelta(seconds=stale_s)))
    return event


def xml_bytes(event: ET.Element, declaration: bool = True) -> bytes:
    return bytes(pytak.serialize_cot(event, xml_declaration=declaration))


def mesh_bytes(event: ET.Element) -> bytes:
    return bytes(takproto.xml2proto(xml_bytes(event), takproto.TAKProtoVer.MESH))


def stream_bytes(event: ET.Element) -> bytes:
    return bytes(takproto.xml2proto(xml_bytes(event), takproto.TAKProtoVer.STREAM))


def run_async(coro: Any) -> Any:
    """``asyncio.run(coro)`` in a thread of its own: the browser tests' Playwright (sync API) keeps an
    event loop running in the main thread for the whole session, and asyncio.run refuses to nest."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
