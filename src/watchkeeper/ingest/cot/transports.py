"""CoT listeners: UDP datagrams (one event each, XML or TAK mesh), TCP and TLS streams (XML or TAK stream).

Drone ground stations and TAK clients push to the cell: these are servers. Like the AIS transports
they only supply bytes with their receive time, stamped here at the edge from the clock given, and
wait for ``on_units`` to return (back-pressure on streams; UDP has none, so a full intake queue is
logged loudly, never hidden). Each stream connection is its own source
(``cot:tcp:<port>:<peer>:<peer port>``), each UDP sender too (``cot:udp:<port>:<peer>``).

TLS: ``tls_server_context(cert, key, client_ca)`` — with a client CA the listener requires a client
certificate signed by it (mutual TLS, as TAK servers do); TLS 1.2 at least.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from watchkeeper.core.clock import Clock
from watchkeeper.ingest.cot.framing import CotStreamSplitter

log = logging.getLogger(__name__)

OnUnits = Callable[[str, list[bytes], datetime], Awaitable[object]]
OnEnd = Callable[[str], Awaitable[object]]


def tls_server_context(
    cert: Path | str, key: Path | str, client_ca: Path | str | None = None
) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert), str(key))
    if client_ca is not None:
        ctx.load_verify_locations(cafile=str(client_ca))
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, listener: CotUdpListener) -> None:
        self.listener = listener

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        received = self.listener.clock.now()
        source = f"cot:udp:{self.listener.port}:{addr[0]}"
        try:
            self.listener.queue.put_nowait((source, [data], received))
        except asyncio.QueueFull:
            log.error("CoT udp %d: datagram from %s lost, intake queue full", self.listener.port, addr[0])
            self.listener.lost += 1


class CotUdpListener:
    """CoT over UDP on ``host:port`` (``port=0``: any free port, read ``.port`` after ``start``)."""

    def __init__(
        self, host: str, port: int, on_units: OnUnits, clock: Clock, queue_size: int = 10_000
    ) -> None:
        self.host, self.port = host, port
        self.on_units, self.clock = on_units, clock
        self.queue: asyncio.Queue[tuple[str, list[bytes], datetime]] = asyncio.Queue(queue_size)
        self.lost = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _UdpProtocol(self), local_addr=(self.host, self.port)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        log.info("listening for CoT on udp:%s:%d", self.host, self.port)

    async def serve(self) -> None:
        """Start (if needed) and hand datagrams to ``on_units`` until cancelled."""
        if self._transport is None:
            await self.start()
        try:
            while True:
                source, units, received = await self.queue.get()
                await self.on_units(source, units, received)
        finally:
            self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None


class CotStreamListener:
    """CoT over TCP (or TLS when ``ssl_context`` is given) on ``host:port``."""

    def __init__(
        self,
        host: str,
        port: int,
        on_units: OnUnits,
        clock: Clock,
        *,
        ssl_context: ssl.SSLContext | None = None,
        on_end: OnEnd | None = None,
        max_clients: int = 256,
        idle_timeout_s: float = 600.0,
    ) -> None:
        self.host, self.port = host, port
        self.on_units, self.clock, self.on_end = on_units, clock, on_end
        self.ssl_context = ssl_context
        self.scheme = "tls" if ssl_context is not None else "tcp"
        self.max_clients = max_clients
        self.idle_timeout_s = idle_timeout_s
        self.clients = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.host, self.port, ssl=self.ssl_context, limit=1 << 16
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("listening for CoT on %s:%s:%d", self.scheme, self.host, self.port)

    async def serve(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        try:
            await self._server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("?", 0)
        source = f"cot:{self.scheme}:{self.port}:{peer[0]}:{peer[1]}"
        if self.clients >= self.max_clients:
            log.warning("CoT %s: refused %s, %d clients already", self.scheme, source, self.clients)
            writer.close()
            return
        self.clients += 1
        splitter = CotStreamSplitter()
        try:
            while True:
                data = await asyncio.wait_for(reader.read(65536), self.idle_timeout_s)
                if not data:
                    break
                units = splitter.feed(data)
                if units:
                    await self.on_units(source, units, self.clock.now())
            tail = splitter.flush()
            if tail:
                await self.on_units(source, tail, self.clock.now())
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            log.warning("CoT %s: %s", source, exc)
        finally:
            self.clients -= 1
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
            if self.on_end is not None:
                await self.on_end(source)
