"""The input log: every raw input appended, durably, before it is decoded.

An append-only sequence of segment files ``<dir>/inputlog-<first seq, 12 digits>.log``. A record is a
header line ``seq<TAB>receive_ns<TAB>line_no<TAB>length<TAB>source<LF>`` followed by ``length`` raw bytes
and a LF, so the log is binary-safe and still readable with ``less``. Sequence numbers are global and
strictly increasing; after a crash a torn last record is cut off on open (it was never acknowledged,
since ``sync()`` had not returned).

Durability contract: input is acknowledged only after ``sync()`` (flush + fsync) returns.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from watchkeeper.core.types import RawInput

SEGMENT_BYTES = 64 * 1024 * 1024
_PREFIX = "inputlog-"
_SUFFIX = ".log"


def _segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{_PREFIX}*{_SUFFIX}"))


def _first_seq(path: Path) -> int:
    return int(path.name[len(_PREFIX) : -len(_SUFFIX)])


def _scan(fh: BinaryIO) -> Iterator[tuple[int, int, int, str, bytes, int]]:
    """Yield (seq, receive_ns, line_no, source, raw, end_offset) for each whole record."""
    while True:
        header = fh.readline()
        if not header:
            return
        if not header.endswith(b"\n"):
            return  # torn header
        try:
            seq_s, ns_s, line_s, len_s, source_b = header[:-1].split(b"\t", 4)
            seq, ns, line_no, length = int(seq_s), int(ns_s), int(line_s), int(len_s)
        except ValueError:
            return  # torn or corrupt header: stop at the last whole record
        body = fh.read(length + 1)
        if len(body) != length + 1 or body[-1:] != b"\n":
            return  # torn body
        yield seq, ns, line_no, source_b.decode("utf-8", "replace"), body[:-1], fh.tell()


class InputLog:
    """Append-only, segmented, fsync'd log of raw inputs."""

    def __init__(self, directory: Path | str, segment_bytes: int = SEGMENT_BYTES) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.segment_bytes = segment_bytes
        self._next_seq = 1
        self._fh: BinaryIO | None = None
        self._size = 0
        self._recover()

    def _recover(self) -> None:
        segments = _segments(self.directory)
        if not segments:
            return
        last = segments[-1]
        good_end = 0
        last_seq = _first_seq(last) - 1
        with last.open("rb") as fh:
            for seq, _ns, _ln, _src, _raw, end in _scan(fh):
                last_seq, good_end = seq, end
        if good_end != last.stat().st_size:
            with last.open("r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())
        self._next_seq = last_seq + 1
        self._size = good_end
        self._fh = last.open("ab")

    @property
    def next_seq(self) -> int:
        return self._next_seq

    def _open_segment(self) -> BinaryIO:
        if self._fh is None or self._size >= self.segment_bytes:
            if self._fh is not None:
                self.sync()
                self._fh.close()
            path = self.directory / f"{_PREFIX}{self._next_seq:012d}{_SUFFIX}"
            self._fh = path.open("ab")
            self._size = 0
        return self._fh

    def append(self, source: str, line_no: int, raw: bytes, receive_time: datetime) -> int:
        """Append one raw input; returns its sequence number. Not durable until ``sync()``."""
        fh = self._open_segment()
        seq = self._next_seq
        ns = int(receive_time.timestamp() * 1_000_000) * 1000
        header = f"{seq}\t{ns}\t{line_no}\t{len(raw)}\t{source}\n".encode()
        fh.write(header)
        fh.write(raw)
        fh.write(b"\n")
        self._size += len(header) + len(raw) + 1
        self._next_seq = seq + 1
        return seq

    def append_many(self, source: str, receive_time: datetime, lines: list[tuple[int, bytes]]) -> int:
        """Append (line_no, raw) pairs from one source; returns the sequence number of the first."""
        fh = self._open_segment()
        first = self._next_seq
        ns = int(receive_time.timestamp() * 1_000_000) * 1000
        seq = first
        parts: list[bytes] = []
        tail = f"\t{ns}\t".encode()
        src = f"\t{source}\n".encode()
        for line_no, raw in lines:
            parts.append(b"%d%s%d\t%d%s%s\n" % (seq, tail, line_no, len(raw), src, raw))
            seq += 1
        blob = b"".join(parts)
        fh.write(blob)
        self._size += len(blob)
        self._next_seq = seq
        return first

    def sync(self) -> None:
        """Flush and fsync: everything appended so far survives a crash once this returns."""
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self.sync()
            self._fh.close()
            self._fh = None

    def __enter__(self) -> InputLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, from_seq: int = 1) -> Iterator[RawInput]:
        """Replay the log from ``from_seq`` in sequence order."""
        if self._fh is not None:
            self._fh.flush()
        return read_log(self.directory, from_seq)


def read_log(directory: Path | str, from_seq: int = 1) -> Iterator[RawInput]:
    """Read the log in ``directory`` from ``from_seq`` without opening it for writing.

    For readers beside a live writer (replay, evidence export): nothing is truncated or created, and
    a record still being written at the tail is not returned until it is whole.
    """
    segments = _segments(Path(directory))
    for i, path in enumerate(segments):
        nxt = _first_seq(segments[i + 1]) if i + 1 < len(segments) else None
        if nxt is not None and nxt <= from_seq:
            continue
        with path.open("rb") as fh:
            for seq, ns, line_no, source, raw, _end in _scan(fh):
                if seq < from_seq:
                    continue
                yield RawInput(
                    source=source,
                    line_no=line_no,
                    raw=raw,
                    receive_time=datetime.fromtimestamp(ns / 1e9, UTC),
                    log_seq=seq,
                )


class LogTail:
    """Follows a log written by another process: ``poll()`` returns the last sequence whole on disk.

    For a sender waiting for its input to be acknowledged (durable) before the next (tests, tools):
    reads only what was appended since the previous poll; a record still being written is not counted.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.last_seq = 0
        self._segment: Path | None = None
        self._offset = 0

    def poll(self) -> int:
        while True:
            segments = _segments(self.directory)
            if not segments:
                return self.last_seq
            if self._segment is None:
                self._segment, self._offset = segments[0], 0
            with self._segment.open("rb") as fh:
                fh.seek(self._offset)
                for seq, _ns, _ln, _src, _raw, end in _scan(fh):
                    self.last_seq, self._offset = seq, end
            later = [p for p in segments if p > self._segment]
            if not later or self._offset < self._segment.stat().st_size:
                return self.last_seq
            self._segment, self._offset = later[0], 0
