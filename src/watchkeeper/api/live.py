"""Fan-out of the live picture to WebSocket clients.

One bus subscription per app (subject ``picture.update``) feeds every connected client. Each client
has its own bounded queue: when a client cannot keep up (its queue is full) it is dropped (closed with
1013 "try again later", and the page reconnects and gets a fresh snapshot) — a slow browser must never
slow the server or the other clients. Messages are forwarded as the bytes the publisher made (already
JSON), so fan-out costs no re-encoding.
"""

from __future__ import annotations

import asyncio
import logging

from watchkeeper.picture.live import PICTURE_SUBJECT

log = logging.getLogger(__name__)

__all__ = ["PICTURE_SUBJECT", "LiveClient", "LiveHub"]

CLIENT_QUEUE = 256  # messages; at one update per second this is four minutes of backlog


class LiveClient:
    """One connected client's outbox."""

    def __init__(self, username: str, maxsize: int) -> None:
        self.username = username
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=maxsize)
        self.dropped = asyncio.Event()


class LiveHub:
    def __init__(self, maxsize: int = CLIENT_QUEUE) -> None:
        self._maxsize = maxsize
        self._clients: set[LiveClient] = set()
        self.messages = 0
        self.drops = 0

    @property
    def clients(self) -> int:
        return len(self._clients)

    def connect(self, username: str) -> LiveClient:
        client = LiveClient(username, self._maxsize)
        self._clients.add(client)
        return client

    def disconnect(self, client: LiveClient) -> None:
        self._clients.discard(client)

    async def handle(self, subject: str, payload: bytes) -> None:
        """Bus handler: put ``payload`` in every client's queue; drop clients whose queue is full."""
        self.messages += 1
        for client in list(self._clients):
            try:
                client.queue.put_nowait(payload)
            except asyncio.QueueFull:
                self.drops += 1
                log.warning("live client %s too slow: dropped", client.username)
                client.dropped.set()
                self._clients.discard(client)
