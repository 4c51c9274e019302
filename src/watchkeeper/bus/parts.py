"""Messages larger than the server's ``max_payload``: sent as consecutive parts, put back together.

NATS refuses a message over the server's ``max_payload`` (1 MB by default); one radar scan's
``track.update`` is 8 MB at high traffic. ``split`` cuts such a payload into parts of at most
``limit`` bytes, each with the headers ``Wk-Whole: <id>`` (the publisher's ``msg_id``, else a random
id) and ``Wk-Part: k/n``, and — when a ``msg_id`` is given — the dedup id ``<msg_id>.<k>``, so that a
retried publish is dropped part by part by JetStream and completes a whole begun before it (same id).

``Reassembler`` collects parts by (whole id, n) — parts of several publishers may interleave in one
stream — and hands over the whole once every part is there, with the messages it came in (to be
acknowledged together) and the highest stream sequence among them (the whole's own sequence). A whole
that stays incomplete (its publisher killed mid-way, or a live subscription that started after its
first part) must not hold back what follows for ever: after ``max_gap_messages`` further messages or
``max_gap_s`` seconds without a part of it, it is dropped with a logged reason, counted
(``dropped``), and its messages are handed back to be acknowledged. Late parts of a dropped whole
start it afresh: a publish retried after the duplicate window sends every part again and completes.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

PART_HEADER = "Wk-Part"
WHOLE_HEADER = "Wk-Whole"
MSG_ID_HEADER = "Nats-Msg-Id"
HEADER_MARGIN = 4096  # the server counts headers in max_payload: ours are well under this

T = TypeVar("T")


def split(payload: bytes, msg_id: str | None, limit: int) -> list[tuple[dict[str, str] | None, bytes]]:
    """The messages (headers, data) that carry ``payload``: itself when it fits in ``limit`` bytes."""
    if limit < 1:
        raise ValueError(f"part size limit must be positive, not {limit}")
    if len(payload) <= limit:
        return [({MSG_ID_HEADER: msg_id} if msg_id else None, payload)]
    n = -(-len(payload) // limit)
    whole = msg_id or uuid.uuid4().hex
    out: list[tuple[dict[str, str] | None, bytes]] = []
    for k in range(1, n + 1):
        headers = {WHOLE_HEADER: whole, PART_HEADER: f"{k}/{n}"}
        if msg_id:
            headers[MSG_ID_HEADER] = f"{msg_id}.{k}"
        out.append((headers, payload[(k - 1) * limit : k * limit]))
    return out


@dataclass(slots=True)
class Ready(Generic[T]):
    """What to do with what arrived: hand ``payload`` over (None: nothing, it was dropped), then
    settle ``tokens`` (the messages it came in); ``seq`` is the highest stream sequence among them."""

    payload: bytes | None
    tokens: list[T]
    seq: int


@dataclass(slots=True)
class _Pending(Generic[T]):
    n: int
    first_seq: int
    last_count: int
    last_time: float
    parts: dict[int, bytes] = field(default_factory=dict)
    tokens: list[T] = field(default_factory=list)
    seq: int = 0


class Reassembler(Generic[T]):
    def __init__(
        self,
        max_gap_messages: int,
        max_gap_s: float,
        on_drop: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,  # wall time, only to bound the wait for a part
    ) -> None:
        self.max_gap_messages = max_gap_messages
        self.max_gap_s = max_gap_s
        self.on_drop = on_drop
        self.clock = clock
        self.dropped = 0
        self._count = 0
        self._pending: dict[tuple[str, int], _Pending[T]] = {}

    def oldest_seq(self) -> int | None:
        """The stream sequence of the earliest part still waiting for its whole, if any: no
        checkpoint may be taken at or after it (a restart there would lose that part)."""
        return min((p.first_seq for p in self._pending.values()), default=None)

    def offer(self, headers: dict[str, str] | None, data: bytes, seq: int, token: T) -> Ready[T] | None:
        """A message arrived: the whole it completes (or itself, not a part), or None while parts are
        missing."""
        self._count += 1
        part = headers.get(PART_HEADER) if headers else None
        if part is None:
            return Ready(data, [token], seq)
        whole = (headers or {}).get(WHOLE_HEADER, "")
        try:
            k_text, n_text = part.split("/")
            k, n = int(k_text), int(n_text)
        except ValueError:
            k = n = 0
        if not whole or not 1 <= k <= n:
            self._drop_count(f"a part with bad headers {PART_HEADER}={part!r} {WHOLE_HEADER}={whole!r}")
            return Ready(None, [token], seq)
        key = (whole, n)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = _Pending(n, seq, self._count, self.clock())
        pending.parts[k] = data
        pending.tokens.append(token)
        pending.seq = max(pending.seq, seq)
        pending.first_seq = min(pending.first_seq, seq)
        pending.last_count = self._count
        pending.last_time = self.clock()
        if len(pending.parts) < n:
            return None
        del self._pending[key]
        return Ready(b"".join(pending.parts[i] for i in range(1, n + 1)), pending.tokens, pending.seq)

    def expire(self) -> list[Ready[T]]:
        """Drop the wholes that have waited too long for a part (logged, counted)."""
        now = self.clock()
        out: list[Ready[T]] = []
        for key, p in list(self._pending.items()):
            gap_messages = self._count - p.last_count
            gap_s = now - p.last_time
            if gap_messages <= self.max_gap_messages and gap_s <= self.max_gap_s:
                continue
            del self._pending[key]
            self._drop_count(
                f"incomplete message {key[0]} (stream seq {p.first_seq}..{p.seq}): {len(p.parts)} of "
                f"{p.n} parts, none for {gap_messages} messages / {gap_s:.1f} s"
            )
            out.append(Ready(None, p.tokens, p.seq))
        return out

    def _drop_count(self, reason: str) -> None:
        log.warning("bus: dropped %s", reason)
        self.dropped += 1
        if self.on_drop is not None:
            self.on_drop()
