"""Live line transports: UDP datagrams and a TCP stream, as raw lines with their receive time.

Transports only supply bytes (pyais' ``stream.py`` idea): they never decode. Each calls
``on_lines(source, lines, receive_time)`` with whole lines and waits for it to return (back-pressure:
a slow store slows the reading, nothing is dropped in between). The receive time is stamped here, at
the edge, from the clock given. Lines are bounded: a run of more than ``MAX_LINE_BYTES`` without a line
end is passed on cut (the decoder rejects it as ``too_large``) and the rest of it is skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from watchkeeper.core.clock import Clock
from watchkeeper.ingest.ais.sentence import MAX_LINE_BYTES

log = logging.getLogger(__name__)

OnLines = Callable[[str, list[bytes], datetime], Awaitable[object]]


class LineSplitter:
    """Cuts a byte stream into lines (kept with their ``\\n``), bounding a line's length."""

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_line = max_line
        self._carry = b""
        self._skipping = False

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        buf = self._carry + data
        start = 0
        while True:
            end = buf.find(b"\n", start)
            if end < 0:
                break
            if self._skipping:
                self._skipping = False
            else:
                out.append(buf[start : end + 1])
            start = end + 1
        rest = buf[start:]
        if self._skipping:
            rest = b""
        elif len(rest) > self.max_line:
            out.append(rest[: self.max_line + 1])  # too long: pass it on cut, skip to its end
            rest = b""
            self._skipping = True
        self._carry = rest
        return out

    def flush(self) -> list[bytes]:
        """What is left when the stream ends (a last line without its line end)."""
        rest, self._carry, self._skipping = self._carry, b"", False
        return [rest] if rest else []


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(
        self, port: int, queue: asyncio.Queue[tuple[str, list[bytes], datetime]], clock: Clock
    ) -> None:
        self.port = port
        self.queue = queue
        self.clock = clock

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        received = self.clock.now()
        splitter = LineSplitter()
        lines = splitter.feed(data) + splitter.flush()  # a datagram holds whole sentences
        if not lines:
            lines = [data]  # an empty datagram is an input too: the decoder rejects it as empty
        try:
            self.queue.put_nowait((f"udp:{self.port}:{addr[0]}", lines, received))
        except asyncio.QueueFull:
            # UDP has no back-pressure: say so loudly rather than pretend (the queue holds minutes)
            log.error("UDP %d: %d lines lost, intake queue full", self.port, len(lines))


async def serve_udp(
    port: int, on_lines: OnLines, clock: Clock, host: str = "0.0.0.0", queue_size: int = 100_000
) -> None:
    """Receive NMEA datagrams on ``host:port`` until cancelled (each sender is its own source)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, list[bytes], datetime]] = asyncio.Queue(queue_size)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _UdpProtocol(port, queue, clock), local_addr=(host, port)
    )
    log.info("listening for AIS on udp:%s:%d", host, port)
    try:
        while True:
            source, lines, received = await queue.get()
            await on_lines(source, lines, received)
    finally:
        transport.close()


async def read_tcp(
    host: str,
    port: int,
    on_lines: OnLines,
    clock: Clock,
    retry_s: float = 1.0,
    max_retry_s: float = 30.0,
    on_end: Callable[[str], Awaitable[object]] | None = None,
) -> None:
    """Read an NMEA stream from ``host:port``, reconnecting with back-off, until cancelled.

    Each connection is its own source (``tcp:host:port#n``): a multi-part message cut by a dropped
    connection is rejected as incomplete (``on_end``) rather than glued to the next connection's lines.
    """
    delay = retry_s
    attempt = 0
    while True:
        attempt += 1
        source = f"tcp:{host}:{port}#{attempt}"
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            log.warning("AIS tcp %s:%d: %s; retrying in %.1f s", host, port, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_retry_s)
            continue
        delay = retry_s
        log.info("reading AIS from %s", source)
        splitter = LineSplitter()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                lines = splitter.feed(data)
                if lines:
                    await on_lines(source, lines, clock.now())
            tail = splitter.flush()
            if tail:
                await on_lines(source, tail, clock.now())
        except OSError as exc:
            log.warning("AIS %s: %s", source, exc)
        finally:
            writer.close()
            if on_end is not None:
                await on_end(source)
        await asyncio.sleep(delay)
