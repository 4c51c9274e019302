"""The AIS decoder of one source: raw lines in, typed ``AisReport``s and ``Reject``s out.

Pure and deterministic: no clock (the receive time is passed in), no I/O. One instance per source,
because multi-part assembly state belongs to a source: fragments are grouped by (address field,
channel, sequential message id), as IEC 61162-1 defines them; NMEA 4.x tag-block groups (``g:``)
are not needed for assembly and are not used.

Every line fed is either accepted or rejected, once: ``lines = accepted + rejected`` for every
sequence of ``feed`` calls followed by ``finish``. How lines count:

* an AIS sentence is accepted when it decodes (a multi-part message counts each of its lines, once
  the message is complete); a ``$PGHP`` Gatehouse time line is accepted (it gives the time of the
  next sentence);
* blank lines (``empty``), comments (``comment``), other NMEA sentences such as ``$GPRMC``
  (``unknown_sentence``) and everything that fails are rejected with their reason.

Event time, in order of precedence: the tag block's ``c:`` (``TAG_BLOCK``); a Gatehouse ``$PGHP``
on the line just before, a receiver prefix or a trailing receiver unix time (``SENSOR``: the
receiving station's clock); otherwise the receive time (``RECEIVE``, flagged as such). A multi-part
message takes the first such time among its fragments and the receive time of its first fragment.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from pyais.bit_vector import bit_vector
from pyais.exceptions import UnknownPartNoException
from pyais.messages import MSG_CLASS

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import AisReport, Reject, TimeSource
from watchkeeper.ingest.ais import batch
from watchkeeper.ingest.ais.fastpath import fast_decode
from watchkeeper.ingest.ais.report import REPORT_TYPES, Fields, report_fields
from watchkeeper.ingest.ais.sentence import (
    COMMON_SENTENCE,
    MAX_LINE_BYTES,
    Fragment,
    GatehouseTime,
    line_time,
    parse_line,
    tag_block_time,
)

# Types pyais decodes that ITU-R M.1371 defines (pyais also maps id 0 onto type 1: not trusted here).
_KNOWN_TYPES = frozenset(range(1, 29)) & frozenset(MSG_CLASS)
# Valid types that carry nothing for the vessel picture (binary messages, acknowledgements, safety text,
# interrogations, channel management...): their checksum and armour are checked, they are counted as
# accepted and kept in the input log, but not decoded field by field — nothing downstream reads them.
_NO_PICTURE_TYPES = _KNOWN_TYPES - REPORT_TYPES
_NO_TIME: tuple[None, None] = (None, None)
_RECEIVE = TimeSource.RECEIVE
_DIGIT_VALUE = {str(i).encode(): i for i in range(10)}
# 6-bit value of each armour character (the first character of a payload is its message type).
_ARMOUR_VALUE = {c: (c - 48 if c < 88 else c - 56) for c in [*range(48, 88), *range(96, 120)]}
_NO_PICTURE_CHARS = frozenset(c for c, t in _ARMOUR_VALUE.items() if t in _NO_PICTURE_TYPES)


@dataclass(slots=True)
class FeedResult:
    """What one or more fed lines produced."""

    reports: list[AisReport] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    accepted: int = 0  # lines accepted

    def extend(self, other: FeedResult) -> None:
        self.reports.extend(other.reports)
        self.rejects.extend(other.rejects)
        self.accepted += other.accepted


@dataclass(slots=True)
class _Line:
    line_no: int
    raw: bytes
    receive_time: datetime
    log_seq: int | None
    fragment: Fragment


@dataclass(slots=True)
class _Group:
    count: int
    lines: list[_Line]


class AisDecoder:
    """Decodes the lines of one source, in order. ``simulated`` marks every report it makes."""

    def __init__(self, source: str, simulated: bool = False) -> None:
        self.source = source
        self.simulated = simulated
        self._pending: dict[tuple[bytes, bytes, bytes], _Group] = {}
        self._gatehouse: datetime | None = None

    # -- public -------------------------------------------------------------------------------
    def feed(
        self, line: bytes, line_no: int, receive_time: datetime, log_seq: int | None = None
    ) -> FeedResult:
        """Decode one raw line (its line end, if any, included or not)."""
        out = FeedResult()
        self._feed(line, line_no, receive_time, log_seq, out)
        return out

    def feed_many(
        self, lines: list[tuple[int, bytes]], receive_time: datetime, first_log_seq: int | None = None
    ) -> FeedResult:
        """Decode a batch of (line_no, raw) with consecutive input-log sequence numbers.

        The whole batch at once: every line is matched against ``COMMON_SENTENCE``; the checksums of all
        matched lines, and every field of the 168-bit position reports among them, are computed together
        (``batch.py``, numpy). A matched line whose checksum holds skips ``parse_line`` (its fragment is
        made from the match); any other line — and any line right after a possible Gatehouse line, whose
        time it may take — goes through ``_feed``, in order, which finds the answer or the reason it fails.
        """
        out = FeedResult()
        n = len(lines)
        if n == 0:
            return out
        common = COMMON_SENTENCE.fullmatch
        matches: list[re.Match[bytes] | None] = [None] * n
        line_times: dict[int, tuple[datetime, TimeSource]] = {}  # index -> time of a line that has one
        cand: list[int] = []  # indices of the matched lines (single- or multi-part sentences)
        starts: list[int] = []  # where their sentence starts (after the tag block), in the line
        spans: list[tuple[int, int]] = []  # where their payload is, in the line
        maybe_gatehouse = self._gatehouse is not None
        for i, (_line_no, raw) in enumerate(lines):
            m = None if maybe_gatehouse or len(raw) > MAX_LINE_BYTES else common(raw)
            if m is None:
                maybe_gatehouse = b"$PGHP," in raw
                continue
            maybe_gatehouse = False
            if raw[0] == 92:  # a tag block
                try:
                    tag_time = tag_block_time(m.group(1))
                except DecodeError:
                    continue
                time, time_source = line_time(tag_time, m.group(10))
                if time is not None and time_source is not None:
                    line_times[i] = (time, time_source)
                starts.append(m.start(2))
            else:
                if m.lastindex == 10:  # receiver fields after the checksum
                    time, time_source = line_time(None, m.group(10))
                    if time is not None and time_source is not None:
                        line_times[i] = (time, time_source)
                starts.append(1)
            matches[i] = m
            cand.append(i)
            spans.append(m.span(7))
        fast: list[AisReport | None] = [None] * n
        if cand:
            out.accepted += self._decode_positions(
                lines,
                matches,
                cand,
                starts,
                spans,
                line_times,
                fast,
                receive_time,
                first_log_seq,
            )
        reports = out.reports
        source, simulated = self.source, self.simulated
        for i, (line_no, raw) in enumerate(lines):
            report = fast[i]
            if report is not None:
                reports.append(report)
                continue
            log_seq = None if first_log_seq is None else first_log_seq + i
            m = matches[i]
            if m is None:
                self._feed(raw, line_no, receive_time, log_seq, out)
                continue
            time, time_source = line_times.get(i, _NO_TIME)
            _, talker, count, number, seq_id, channel, payload, fill, _, _ = m.groups()
            if count == b"1":  # a whole message on this line, checksum good: what ``_decode`` does, inline
                if payload[0] in _NO_PICTURE_CHARS:
                    out.accepted += 1
                    continue
                try:
                    fields = fast_decode(payload, _DIGIT_VALUE[fill])
                except DecodeError:
                    fields = None  # ``_take`` below rejects it with its reason
                if fields is not None:
                    out.accepted += 1
                    reports.append(
                        AisReport(
                            event_time=receive_time if time is None else time,
                            time_source=_RECEIVE if time_source is None else time_source,
                            source=source,
                            log_seq=log_seq,
                            simulated=simulated,
                            **fields,
                        )
                    )
                    continue
            frag = Fragment(
                talker,
                _DIGIT_VALUE[count],
                _DIGIT_VALUE[number],
                seq_id,
                channel,
                payload,
                _DIGIT_VALUE[fill],
                time,
                time_source,
            )
            self._take(_Line(line_no, raw, receive_time, log_seq, frag), out)
        return out

    def _decode_positions(
        self,
        lines: list[tuple[int, bytes]],
        matches: list[re.Match[bytes] | None],
        cand: list[int],
        starts: list[int],
        spans: list[tuple[int, int]],
        line_times: dict[int, tuple[datetime, TimeSource]],
        fast: list[AisReport | None],
        receive_time: datetime,
        first_log_seq: int | None,
    ) -> int:
        """The batch checks of the matched lines ``cand``: a line whose checksum fails, or whose fragment
        number is above its count, loses its match (the general path rejects it with its reason); the
        168-bit position reports among the others are decoded at once into ``fast``. Returns how many."""
        raws = [raw for _, raw in lines]
        data = np.frombuffer(b"".join(raws), dtype=np.uint8)
        line_start = np.zeros(len(raws) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, raws), dtype=np.int64, count=len(raws)), out=line_start[1:])
        idx = np.array(cand, dtype=np.int64)
        at = line_start[idx]
        c_start = at + np.array(starts, dtype=np.int64)
        span = np.array(spans, dtype=np.int64).reshape(-1, 2)
        p_start, p_end = at + span[:, 0], at + span[:, 1]
        count, number = data[c_start + 6], data[c_start + 8]  # '<talker>,<count>,<number>,'
        ok = batch.checksums_ok(data, c_start, p_end + 2, p_end + 3) & (number <= count)
        for i in idx[~ok].tolist():
            matches[i] = None
        is_pos = (
            ok
            & (count == 49)  # a single-sentence message
            & (p_end - p_start == batch.POSITION_CHARS)
            & (data[p_end + 1] == 48)  # no fill bits
            & np.isin(data[p_start], batch.POSITION_FIRST)
        )
        if not is_pos.any():
            return 0
        rows = idx[is_pos].tolist()
        pos = batch.decode_positions(data, p_start[is_pos])
        received = (receive_time, TimeSource.RECEIVE)
        stamps = [line_times.get(i, received) for i in rows]
        times = [t for t, _ in stamps]
        sources = [s for _, s in stamps]
        seqs: list[int | None] = (
            [None] * len(rows) if first_log_seq is None else [first_log_seq + i for i in rows]
        )
        none = itertools.repeat(None)
        made = map(
            AisReport,
            pos.mmsi, pos.msg_type, times, sources, itertools.repeat(self.source), pos.lat, pos.lon,
            pos.sog_kn, pos.cog_deg, pos.heading_deg, pos.nav_status, none, none, none, none, none, seqs,
            itertools.repeat(self.simulated),
        )  # fmt: skip
        n = 0
        for i, report, good in zip(rows, made, pos.ok, strict=True):
            if good:  # out of range: ``_decode`` rejects it
                fast[i] = report
                n += 1
        return n

    def finish(self) -> FeedResult:
        """End of the source: multi-part messages still waiting for fragments are rejected."""
        out = FeedResult()
        for group in self._pending.values():
            self._reject_group(
                group, RejectReason.INCOMPLETE_MULTIPART, "source ended before the last fragment", out
            )
        self._pending.clear()
        self._gatehouse = None
        return out

    @property
    def pending_lines(self) -> int:
        """Lines held in incomplete multi-part groups (neither accepted nor rejected yet)."""
        return sum(len(g.lines) for g in self._pending.values())

    # -- internals ------------------------------------------------------------------------------
    def _reject(
        self, line_no: int, raw: bytes, rt: datetime, log_seq: int | None, err: DecodeError, out: FeedResult
    ) -> None:
        out.rejects.append(Reject(self.source, line_no, err.reason, err.detail, raw, rt, log_seq))

    def _reject_group(self, group: _Group, reason: RejectReason, detail: str, out: FeedResult) -> None:
        n = len(group.lines)
        for ln in group.lines:
            frag = ln.fragment
            text = f"fragment {frag.number}/{frag.count} ({n} held): {detail}"
            out.rejects.append(
                Reject(self.source, ln.line_no, reason, text, ln.raw, ln.receive_time, ln.log_seq)
            )

    def _feed(self, raw: bytes, line_no: int, rt: datetime, log_seq: int | None, out: FeedResult) -> None:
        gatehouse, self._gatehouse = self._gatehouse, None  # a $PGHP applies to the very next line
        try:
            parsed = parse_line(raw)
        except DecodeError as err:
            self._reject(line_no, raw, rt, log_seq, err, out)
            return
        if isinstance(parsed, GatehouseTime):
            self._gatehouse = parsed.time
            out.accepted += 1
            return
        frag = parsed
        if gatehouse is not None and frag.time_source is not TimeSource.TAG_BLOCK:
            frag.time, frag.time_source = gatehouse, TimeSource.SENSOR
        self._take(_Line(line_no, raw, rt, log_seq, frag), out)

    def _take(self, line: _Line, out: FeedResult) -> None:
        """A parsed AIS sentence: decode it, or hold it until its multi-part message is complete."""
        frag = line.fragment
        if frag.count == 1:
            self._decode([line], out)
            return
        line_no, raw, rt, log_seq = line.line_no, line.raw, line.receive_time, line.log_seq
        key = (frag.talker, frag.channel, frag.seq_id)
        group = self._pending.get(key)
        if frag.number == 1:
            if group is not None:
                del self._pending[key]
                self._reject_group(
                    group, RejectReason.INCOMPLETE_MULTIPART, "a new message began with the same id", out
                )
            self._pending[key] = _Group(frag.count, [line])
            return
        if group is None:
            orphan = DecodeError(
                RejectReason.INCOMPLETE_MULTIPART, f"fragment {frag.number}/{frag.count} without its first"
            )
            self._reject(line_no, raw, rt, log_seq, orphan, out)
            return
        if frag.count != group.count or frag.number != len(group.lines) + 1:
            del self._pending[key]
            detail = f"fragment {frag.number}/{frag.count} arrived after {len(group.lines)}/{group.count}"
            group.lines.append(line)
            self._reject_group(group, RejectReason.INTERLEAVED_MULTIPART, detail, out)
            return
        group.lines.append(line)
        if frag.number == frag.count:
            del self._pending[key]
            self._decode(group.lines, out)

    @staticmethod
    def _decode_pyais(payload: bytes, fill: int) -> Fields | None:
        """Decode with pyais; ``DecodeError`` for an unknown type or a payload pyais cannot read."""
        bv = bit_vector(payload, fill)
        msg_type = bv.get(0, 6)
        if msg_type not in _KNOWN_TYPES:
            raise DecodeError(RejectReason.UNKNOWN_MESSAGE_TYPE, f"message type {msg_type}")
        try:
            msg = MSG_CLASS[msg_type].from_vector(bv)
        except Exception as exc:  # pyais on a corrupt payload: never let it escape the loop
            reason = (
                RejectReason.BAD_FIELD if isinstance(exc, UnknownPartNoException) else RejectReason.MALFORMED
            )
            raise DecodeError(reason, f"pyais: {type(exc).__name__}: {exc}") from None
        return report_fields(msg, msg_type, len(payload) * 6 - fill)

    def _decode(self, lines: list[_Line], out: FeedResult) -> None:
        """Decode a complete message (one line, or all fragments in order): 168-bit position reports on
        the fast path (``fastpath.py``, identical to pyais), everything else with pyais."""
        first = lines[0]
        if len(lines) == 1:
            payload, fill = first.fragment.payload, first.fragment.fill_bits
        else:
            payload = b"".join(ln.fragment.payload for ln in lines)
            fill = lines[-1].fragment.fill_bits
        try:
            fields = fast_decode(payload, fill)
            if fields is None:
                msg_type = _ARMOUR_VALUE[payload[0]]
                if msg_type in _NO_PICTURE_TYPES:
                    out.accepted += len(lines)  # valid traffic that carries nothing for the picture
                    return
                fields = self._decode_pyais(payload, fill)
        except DecodeError as err:
            if len(lines) == 1:
                self._reject(first.line_no, first.raw, first.receive_time, first.log_seq, err, out)
            else:
                self._reject_group(_Group(len(lines), lines), err.reason, err.detail, out)
            return
        out.accepted += len(lines)
        if fields is None:
            return
        event_time, time_source = first.receive_time, _RECEIVE
        for ln in lines:
            if ln.fragment.time is not None and ln.fragment.time_source is not None:
                event_time, time_source = ln.fragment.time, ln.fragment.time_source
                break
        out.reports.append(
            AisReport(
                event_time=event_time,
                time_source=time_source,
                source=self.source,
                log_seq=first.log_seq,
                simulated=self.simulated,
                **fields,
            )
        )
