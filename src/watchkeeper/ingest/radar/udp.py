"""Live ASTERIX over UDP: an asyncio datagram listener (unicast or multicast).

Transport only: each datagram is handed, with its receive time from the injected ``Clock`` and the
sender's address, to a handler — which appends it to the input log and decodes it (see
``pipeline.RadarIngest``). Radar feeds are typically multicast on a LAN; ``group`` joins one.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Callable
from datetime import datetime

from watchkeeper.core.clock import Clock

DatagramHandler = Callable[[bytes, datetime, tuple[str, int]], None]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, handler: DatagramHandler, clock: Clock) -> None:
        self.handler = handler
        self.clock = clock

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.handler(data, self.clock.now(), addr)


async def listen_udp(
    handler: DatagramHandler,
    clock: Clock,
    port: int,
    host: str = "0.0.0.0",
    group: str | None = None,
    rcvbuf: int = 4 * 1024 * 1024,
) -> asyncio.DatagramTransport:
    """Start listening; returns the transport (``close()`` it to stop). Port 0 picks a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # radar bursts after each sector
    sock.bind((host, port))
    if group is not None:
        mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("0.0.0.0"))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(handler, clock), sock=sock)
    return transport
