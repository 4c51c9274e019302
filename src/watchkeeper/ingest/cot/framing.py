"""Cutting a CoT byte stream (TCP, TLS) into units of one event each, bounded.

A TAK stream mixes nothing: it is either CoT XML events back to back (each ``<event>…</event>``,
optionally with its own ``<?xml …?>`` prolog, whitespace between) or TAK protocol stream frames
(``0xbf`` + varint length + protobuf). The splitter handles both, and anything else as a unit of its
own that the decoder rejects (nothing is dropped unseen):

* bytes that start neither form run up to the next ``<`` or ``0xbf`` and are passed on as one unit;
* an XML event that grows past ``max_unit`` without ``</event>`` is passed on cut (the decoder rejects it
  as ``too_large``) and the rest of it is skipped up to its ``</event>``;
* a protobuf frame announcing more than ``max_unit`` bytes is passed on as its header (rejected) and the
  splitter looks for the next unit from the byte after the magic.
"""

from __future__ import annotations

from watchkeeper.core.errors import DecodeError
from watchkeeper.ingest.cot.decoder import MAX_COT_BYTES, STREAM_MAGIC, stream_frame_length

_END = b"</event>"
_WHITESPACE = b" \t\r\n\x00"


class CotStreamSplitter:
    def __init__(self, max_unit: int = MAX_COT_BYTES) -> None:
        self.max_unit = max_unit
        self._buf = b""
        self._skip_to_end = False

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        out: list[bytes] = []
        while True:
            if self._skip_to_end:
                end = self._buf.find(_END)
                if end < 0:
                    self._buf = self._buf[-(len(_END) - 1) :]
                    return out
                self._buf = self._buf[end + len(_END) :]
                self._skip_to_end = False
            buf = self._buf.lstrip(_WHITESPACE)
            self._buf = buf
            if not buf:
                return out
            if buf[0] == STREAM_MAGIC:
                try:
                    total = stream_frame_length(buf) if len(buf) > 1 else None
                except DecodeError:
                    total = 1 << 62  # a varint longer than ten bytes: not a frame header
                if total is None:
                    if len(buf) > 11:  # a varint is at most 10 bytes
                        out.append(buf[:11])
                        self._buf = buf[1:]
                        continue
                    return out
                if total > self.max_unit + 16:
                    out.append(buf[: min(len(buf), 16)])  # the header alone: rejected as malformed
                    self._buf = buf[1:]
                    continue
                if len(buf) < total:
                    return out
                out.append(buf[:total])
                self._buf = buf[total:]
            elif buf[:1] == b"<":
                end = buf.find(_END)
                if end >= 0:
                    out.append(buf[: end + len(_END)])
                    self._buf = buf[end + len(_END) :]
                elif len(buf) > self.max_unit:
                    out.append(buf[: self.max_unit + 1])
                    self._buf = buf[self.max_unit + 1 :]
                    self._skip_to_end = True
                else:
                    return out
            else:
                cut = _next_start(buf)
                if cut < 0:
                    if len(buf) > self.max_unit:
                        out.append(buf[: self.max_unit + 1])
                        self._buf = b""
                    return out  # wait: the next byte may start a unit
                out.append(buf[:cut])
                self._buf = buf[cut:]

    def flush(self) -> list[bytes]:
        """What is left when the stream ends (an event cut by the connection's end, or garbage)."""
        rest = self._buf.strip(_WHITESPACE)
        self._buf, self._skip_to_end = b"", False
        return [rest] if rest else []


def _next_start(buf: bytes) -> int:
    positions = [p for p in (buf.find(b"<"), buf.find(bytes([STREAM_MAGIC]))) if p >= 0]
    return min(positions) if positions else -1
