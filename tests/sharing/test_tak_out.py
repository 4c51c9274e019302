"""TAK out against real CoT peers on loopback: pytak's own receiving side (UDP datagrams with TAK
protobuf through takproto; a TCP stream of CoT XML read by pytak's RXWorker). Each destination gets
only what its clearance may see; a re-restricted record is deleted from the partner's map."""

from __future__ import annotations

import asyncio
import socket
import warnings
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sharing_helpers import run_async

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pytak
import takproto

from watchkeeper.core.types import VesselState
from watchkeeper.picture.live import LivePicture
from watchkeeper.sharing.tak import (
    TAK_GROUPS,
    FunctionSource,
    PictureSource,
    TakDestination,
    TakPublisher,
    asset_item,
    cot_xml,
    incident_item,
    search_area_item,
)

T0 = datetime(2026, 11, 26, 5, 50, tzinfo=UTC)
TIMEOUT_S = 20.0


def _picture() -> LivePicture:
    pic = LivePicture()
    pic.vessels[227006760] = VesselState(227006760, T0, "sim", 50.97, 1.40, 12.0, 45.0, name="ETOILE")
    pic.vessels[235000001] = VesselState(235000001, T0, "sim", 51.02, 1.55, 4.0, 300.0, ship_type=37)
    pic.vessels[235000002] = VesselState(235000002, T0, "sim")  # no position yet: nothing to show
    return pic


def _sources(markings: dict[int, str]) -> list[Any]:
    incident = incident_item("INC-7", 50.99, 1.62, T0, "UK-FR", "Small boat, 40 POB", persons=40)
    area = search_area_item(
        "SA-1", [(50.9, 1.5), (50.9, 1.7), (51.0, 1.7), (51.0, 1.5)], T0, "PUBLIC", "Area A"
    )
    asset = asset_item("HMC-VALIANT", "sea", 51.05, 1.45, T0, "UK-ONLY", "VALIANT")
    return [
        PictureSource(_picture(), lambda mmsi: markings.get(mmsi, "UK-ONLY")),
        FunctionSource("incidents", lambda: [incident]),
        FunctionSource("areas", lambda: [area]),
        FunctionSource("assets", lambda: [asset]),
    ]


def test_cot_xml_carries_event_time_marking_and_the_area_shape() -> None:
    area = search_area_item("SA-1", [(50.9, 1.5), (50.9, 1.7), (51.0, 1.7)], T0, "PUBLIC", "Area A", 1800)
    ev = ET.fromstring(cot_xml(area))
    assert ev.get("type") == "u-d-f" and ev.get("uid") == "watchkeeper.area.SA-1"
    assert ev.get("time") == ev.get("start") == "2026-11-26T05:50:00.000Z"
    assert ev.get("stale") == "2026-11-26T06:20:00.000Z"
    assert ev.get("access") == "PUBLIC"
    links = [link.get("point") for link in ev.iter("link")]
    assert links[0] == links[-1] and len(links) == 4  # closed ring
    ext = ev.find("detail/__watchkeeper")
    assert ext is not None and ext.get("group") == TAK_GROUPS["PUBLIC"] == "WK-PUBLIC"
    # takproto reads it too (what a protobuf destination gets)
    msg = takproto.parse_proto(takproto.xml2proto(cot_xml(area), takproto.TAKProtoVer.MESH))
    assert msg.cotEvent.uid == "watchkeeper.area.SA-1" and msg.cotEvent.startTime == int(
        T0.timestamp() * 1000
    )


def test_step_filters_by_destination_clearance_resends_on_refresh_and_deletes_on_restriction() -> None:
    markings = {235000001: "UK-FR"}
    dests = [
        TakDestination("uk", "tcp://127.0.0.1:1", "UK-ONLY"),
        TakDestination("fr", "tcp://127.0.0.1:2", "UK-FR"),
        TakDestination("mcast", "udp+wo://239.2.3.1:6969"),  # multicast: PUBLIC unless told
    ]
    pub = TakPublisher(dests, _sources(markings), refresh_steps=3)

    def uids(frames: list[bytes]) -> set[str]:
        return {ET.fromstring(f).get("uid") or "" for f in frames}

    first = pub.step()
    assert uids(first["uk"]) == {
        "watchkeeper.vessel.227006760", "watchkeeper.vessel.235000001", "watchkeeper.incident.INC-7",
        "watchkeeper.area.SA-1", "watchkeeper.asset.HMC-VALIANT",
    }  # fmt: skip
    assert uids(first["fr"]) == {
        "watchkeeper.vessel.235000001",
        "watchkeeper.incident.INC-7",
        "watchkeeper.area.SA-1",
    }
    assert uids(first["mcast"]) == {"watchkeeper.area.SA-1"}
    assert dests[2].clearance == "PUBLIC"
    assert pub.step() == {"uk": [], "fr": [], "mcast": []}  # nothing changed
    markings[235000001] = "UK-ONLY"  # re-restricted
    third = pub.step()
    assert third["uk"] == [] or all(ET.fromstring(f).get("type") != "t-x-d-d" for f in third["uk"])
    deletes = [ET.fromstring(f) for f in third["fr"]]
    assert [(d.get("type"), d.find("detail/link").get("uid")) for d in deletes] == [  # type: ignore[union-attr]
        ("t-x-d-d", "watchkeeper.vessel.235000001")
    ]
    refreshed = pub.step()  # every third step: everything shown is sent again
    assert uids(refreshed["fr"]) == {"watchkeeper.incident.INC-7", "watchkeeper.area.SA-1"}


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pytak_config(url: str, proto: bool) -> Any:
    cfg = ConfigParser(interpolation=None)
    cfg["peer"] = {"COT_URL": url, "TAK_PROTO": "1" if proto else "0"}
    return cfg["peer"]


def _uid_of(data: Any) -> tuple[str, str]:
    """(uid, type) of what pytak's RXWorker queued: a takproto TakMessage or CoT XML bytes."""
    if hasattr(data, "cotEvent"):
        return data.cotEvent.uid, data.cotEvent.type
    ev = ET.fromstring(data)
    return ev.get("uid") or "", ev.get("type") or ""


def test_publisher_to_real_pytak_peers_over_udp_protobuf_and_tcp_xml() -> None:
    markings = {235000001: "UK-FR"}

    async def main() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        # peer 1: pytak's UDP reader + RXWorker, TAK protobuf (takproto parses each datagram)
        udp_port = _free_udp_port()
        udp_cfg = _pytak_config(f"udp+ro://127.0.0.1:{udp_port}", proto=True)
        udp_reader, _ = await pytak.protocol_factory(udp_cfg)
        udp_queue: asyncio.Queue[Any] = asyncio.Queue()
        udp_rx = pytak.RXWorker(udp_queue, udp_cfg, udp_reader)
        # peer 2: a TCP endpoint whose stream is read by pytak's RXWorker (CoT XML, </event> framing)
        tcp_queue: asyncio.Queue[Any] = asyncio.Queue()
        rx_tasks: list[asyncio.Task[None]] = []

        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            rx = pytak.RXWorker(tcp_queue, _pytak_config("tcp://127.0.0.1:1", False), reader)
            rx_tasks.append(asyncio.create_task(rx.run()))

        server = await asyncio.start_server(on_conn, "127.0.0.1", 0)
        tcp_port = server.sockets[0].getsockname()[1]
        dests = [
            TakDestination("fr", f"udp://127.0.0.1:{udp_port}", "UK-FR", protocol="proto"),
            TakDestination("public", f"tcp://127.0.0.1:{tcp_port}", "PUBLIC"),
        ]
        pub = TakPublisher(dests, _sources(markings), refresh_steps=1000)
        tasks = [asyncio.create_task(udp_rx.run()), asyncio.create_task(pub.run(interval_s=0.05))]
        got_udp: list[tuple[str, str]] = []
        got_tcp: list[tuple[str, str]] = []

        async def collect(queue: asyncio.Queue[Any], into: list[tuple[str, str]], n: int) -> None:
            while len(into) < n:
                into.append(_uid_of(await queue.get()))

        try:
            await asyncio.wait_for(collect(udp_queue, got_udp, 3), TIMEOUT_S)
            await asyncio.wait_for(collect(tcp_queue, got_tcp, 1), TIMEOUT_S)
            markings[235000001] = "UK-ONLY"  # the vessel is re-restricted: the partner's map drops it
            await asyncio.wait_for(collect(udp_queue, got_udp, 4), TIMEOUT_S)
            await asyncio.sleep(0.3)  # anything else that would (wrongly) arrive
            while not udp_queue.empty():
                got_udp.append(_uid_of(udp_queue.get_nowait()))
            while not tcp_queue.empty():
                got_tcp.append(_uid_of(tcp_queue.get_nowait()))
        finally:
            for t in tasks + rx_tasks:
                t.cancel()
            await asyncio.gather(*tasks, *rx_tasks, return_exceptions=True)
            server.close()
            udp_reader.close()
        return got_udp, got_tcp

    got_udp, got_tcp = run_async(main())
    assert set(got_udp[:3]) == {
        ("watchkeeper.vessel.235000001", "a-u-S"),
        ("watchkeeper.incident.INC-7", "b-r-f-h-c"),
        ("watchkeeper.area.SA-1", "u-d-f"),
    }
    assert got_udp[3:] == [("watchkeeper.vessel.235000001.delete", "t-x-d-d")]
    assert got_tcp == [("watchkeeper.area.SA-1", "u-d-f")]


def test_a_destination_that_is_down_is_retried_and_caught_up() -> None:
    async def main() -> list[str]:
        port = _free_udp_port()
        with socket.socket() as s:  # a TCP port with nobody listening, then a listener on it
            s.bind(("127.0.0.1", 0))
            tcp_port = s.getsockname()[1]
        pub = TakPublisher([TakDestination("d", f"tcp://127.0.0.1:{tcp_port}", "PUBLIC")], _sources({}))
        task = asyncio.create_task(pub.run(interval_s=0.05, retry_s=0.1))
        await asyncio.sleep(0.3)
        got: list[str] = []
        done = asyncio.Event()

        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.readuntil(b"</event>")
            got.append(ET.fromstring(data).get("uid") or "")
            done.set()

        server = await asyncio.start_server(on_conn, "127.0.0.1", tcp_port)
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            server.close()
        assert port > 0
        return got

    assert run_async(main()) == ["watchkeeper.area.SA-1"]


@pytest.mark.parametrize("bad", [{"url": "nowhere"}, {"protocol": "json"}, {"clearance": "SECRET"}])
def test_bad_destinations_are_refused(bad: dict[str, str]) -> None:
    args = {"name": "x", "url": "tcp://127.0.0.1:8087", **bad}
    with pytest.raises(ValueError):
        TakDestination(**args)


def test_stale_is_after_start() -> None:
    ev = ET.fromstring(cot_xml(incident_item("I", 51.0, 1.5, T0, "UK-FR", "t")))
    start = datetime.fromisoformat(ev.get("start", "").replace("Z", "+00:00"))
    stale = datetime.fromisoformat(ev.get("stale", "").replace("Z", "+00:00"))
    assert stale - start == timedelta(hours=1)
