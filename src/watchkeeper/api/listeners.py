"""Live sensor feeds for ``watchkeeper serve`` (role ``ingest``): ``--ais-udp PORT``,
``--ais-tcp HOST:PORT``, ``--radar-udp PORT`` (ASTERIX datagrams) and ``--radar-tcp HOST:PORT`` (plot
rows in the scenario format, ``time_utc,sensor_id,range_m,bearing_deg``).

Each listener is a background task of the runtime feeding an ingestor (``ingest/transports.py`` and
``ingest/radar/udp.py`` supply the lines or datagrams; the ingestor logs, decodes, ledgers, stores and
publishes them). Listeners run only in a process with the ingest role.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from watchkeeper.api.runtime import Runtime
from watchkeeper.core.clock import SystemClock
from watchkeeper.ingest.radar.udp import listen_udp
from watchkeeper.ingest.transports import read_tcp, serve_udp

log = logging.getLogger(__name__)


def parse_host_port(text: str, option: str = "--ais-tcp") -> tuple[str, int]:
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"{option} {text!r}: expected HOST:PORT")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"{option} {text!r}: port {port_text!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"{option} {text!r}: port out of range")
    return host.strip("[]"), port


def add_ais_listeners(runtime: Runtime, udp_port: int | None = None, tcp: str | None = None) -> None:
    """Register the listeners asked for; ``ValueError`` on a bad address (before anything starts)."""
    clock = SystemClock()  # receive time is stamped at the edge, from the wall clock

    async def on_lines(source: str, lines: list[bytes], received: datetime) -> None:
        assert runtime.ingestor is not None
        await runtime.ingestor.ingest(source, lines, received)

    async def on_end(source: str) -> None:
        assert runtime.ingestor is not None
        await runtime.ingestor.finish(source)

    if udp_port is not None:
        if not 1 <= udp_port <= 65535:
            raise ValueError(f"--ais-udp {udp_port}: port out of range")
        port = udp_port

        async def udp(rt: Runtime) -> None:
            await serve_udp(port, on_lines, clock)

        runtime.add_task(f"ais-udp-{port}", udp, role="ingest")
    if tcp is not None:
        host, tcp_port = parse_host_port(tcp)

        async def tcp_reader(rt: Runtime) -> None:
            await read_tcp(host, tcp_port, on_lines, clock, on_end=on_end)

        runtime.add_task(f"ais-tcp-{host}:{tcp_port}", tcp_reader, role="ingest")


def add_radar_listeners(runtime: Runtime, udp_port: int | None = None, tcp: str | None = None) -> None:
    """ASTERIX over UDP and plot rows over TCP into the radar intake; ``ValueError`` on a bad address."""
    clock = SystemClock()  # receive time is stamped at the edge, from the wall clock

    if udp_port is not None:
        if not 1 <= udp_port <= 65535:
            raise ValueError(f"--radar-udp {udp_port}: port out of range")
        port = udp_port

        async def udp(rt: Runtime) -> None:
            # the datagram callback cannot await: datagrams queue here, in arrival order
            queue: asyncio.Queue[tuple[bytes, datetime, tuple[str, int]]] = asyncio.Queue(100_000)

            def on_datagram(data: bytes, received: datetime, addr: tuple[str, int]) -> None:
                try:
                    queue.put_nowait((data, received, addr))
                except asyncio.QueueFull:
                    log.error("radar UDP %d: datagram lost, intake queue full", port)

            transport = await listen_udp(on_datagram, clock, port)
            log.info("listening for ASTERIX on udp:%d", port)
            try:
                while True:
                    data, received, addr = await queue.get()
                    assert rt.radar is not None
                    await rt.radar.ingest_datagram(f"udp:{port}:{addr[0]}", data, received)
            finally:
                transport.close()

        runtime.add_task(f"radar-udp-{port}", udp, role="ingest")
    if tcp is not None:
        host, tcp_port = parse_host_port(tcp, "--radar-tcp")

        async def on_rows(source: str, lines: list[bytes], received: datetime) -> None:
            assert runtime.radar is not None
            await runtime.radar.ingest_rows(source, lines, received)

        async def tcp_reader(rt: Runtime) -> None:
            await read_tcp(host, tcp_port, on_rows, clock)

        runtime.add_task(f"radar-tcp-{host}:{tcp_port}", tcp_reader, role="ingest")
