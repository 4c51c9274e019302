"""Live AIS feeds for ``watchkeeper serve``: ``--ais-udp PORT`` and ``--ais-tcp HOST:PORT``.

Each listener is a background task of the runtime feeding the AIS ingestor (``ingest/transports.py``
supplies the lines; the ingestor logs, decodes, ledgers, stores and publishes them).
"""

from __future__ import annotations

from datetime import datetime

from watchkeeper.api.runtime import Runtime
from watchkeeper.core.clock import SystemClock
from watchkeeper.ingest.transports import read_tcp, serve_udp


def parse_host_port(text: str) -> tuple[str, int]:
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"--ais-tcp {text!r}: expected HOST:PORT")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"--ais-tcp {text!r}: port {port_text!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"--ais-tcp {text!r}: port out of range")
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

        runtime.add_task(f"ais-udp-{port}", udp)
    if tcp is not None:
        host, tcp_port = parse_host_port(tcp)

        async def tcp_reader(rt: Runtime) -> None:
            await read_tcp(host, tcp_port, on_lines, clock, on_end=on_end)

        runtime.add_task(f"ais-tcp-{host}:{tcp_port}", tcp_reader)
