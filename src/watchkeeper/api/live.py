"""Fan-out of the live picture to WebSocket clients, filtered by each client's clearance.

One bus subscription per app (subject ``picture.update``) feeds every connected client. Each client
has its own bounded queue: when a client cannot keep up (its queue is full) it is dropped (closed with
1013 "try again later", and the page reconnects and gets a fresh snapshot) — a slow browser must never
slow the server or the other clients.

Releasability: a message carries ``marking`` per message or per item (any JSON object in it with a
``"marking"`` is a record; see ``sharing.releasability.filter_json``); a client receives only what its
clearance allows. A message with no marking anywhere counts as ``UK-ONLY``. Each message is filtered
once per clearance level present, not once per client; a client cleared ``UK-ONLY`` (which sees every
known marking) gets the publisher's bytes unchanged unless a ``resolver`` changed a record's marking
(a vessel released since: the resolver gives the effective marking).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from watchkeeper.core.marking import Marking, rank
from watchkeeper.picture.live import PICTURE_SUBJECT
from watchkeeper.sharing.releasability import HIDDEN, filter_json, resolve

log = logging.getLogger(__name__)

__all__ = ["PICTURE_SUBJECT", "LiveClient", "LiveHub"]

CLIENT_QUEUE = 256  # messages; at one update per second this is four minutes of backlog
_TOP = max(Marking, key=rank).value  # the widest clearance

Resolver = Callable[[dict[str, Any]], str | None]


class LiveClient:
    """One connected client's outbox."""

    def __init__(self, username: str, maxsize: int, clearance: str = Marking.PUBLIC.value) -> None:
        self.username = username
        self.clearance = clearance
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=maxsize)
        self.dropped = asyncio.Event()


class LiveHub:
    def __init__(self, maxsize: int = CLIENT_QUEUE, resolver: Resolver | None = None) -> None:
        self._maxsize = maxsize
        self._clients: set[LiveClient] = set()
        self.resolver = resolver
        self.messages = 0
        self.drops = 0
        self.withheld = 0  # (message, client) pairs not sent because of the client's clearance

    @property
    def clients(self) -> int:
        return len(self._clients)

    def connect(self, username: str, clearance: str = Marking.PUBLIC.value) -> LiveClient:
        """A client seeing up to ``clearance`` (the narrowest, PUBLIC, unless told)."""
        client = LiveClient(username, self._maxsize, clearance)
        self._clients.add(client)
        return client

    def disconnect(self, client: LiveClient) -> None:
        self._clients.discard(client)

    def _prepare(self, payload: bytes) -> tuple[Any, bool] | None:
        """The message parsed, with the resolver's markings applied (once per message)."""
        try:
            parsed = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if self.resolver is None:
            return parsed, False
        return resolve(parsed, self.resolver)

    def filtered(
        self, payload: bytes, clearance: str, prepared: tuple[Any, bool] | None = None
    ) -> bytes | None:
        """``payload`` as a client cleared to ``clearance`` may receive it (None: nothing of it)."""
        prepared = prepared or self._prepare(payload)
        if prepared is None:
            log.error("live message is not JSON: withheld from every client")
            return None
        parsed, resolved = prepared
        value, changed = filter_json(parsed, clearance)
        if value is HIDDEN:
            return None
        if not (changed or resolved):
            return payload
        return json.dumps(value, separators=(",", ":")).encode()

    async def handle(self, subject: str, payload: bytes) -> None:
        """Bus handler: put ``payload``, filtered per clearance, in every client's queue; drop clients
        whose queue is full."""
        self.messages += 1
        per_clearance: dict[str, bytes | None] = {}
        prepared: tuple[Any, bool] | None = None
        for client in list(self._clients):
            clearance = client.clearance
            if clearance not in per_clearance:
                if clearance == _TOP and self.resolver is None:
                    per_clearance[clearance] = payload
                else:
                    if prepared is None:
                        prepared = self._prepare(payload)
                        if prepared is None:
                            log.error("live message on %s is not JSON: withheld from every client", subject)
                            return
                    per_clearance[clearance] = self.filtered(payload, clearance, prepared)
            out = per_clearance[clearance]
            if out is None:
                self.withheld += 1
                continue
            try:
                client.queue.put_nowait(out)
            except asyncio.QueueFull:
                self.drops += 1
                log.warning("live client %s too slow: dropped", client.username)
                client.dropped.set()
                self._clients.discard(client)
