"""Splitting and reassembling messages larger than the server's max_payload (``bus/parts.py``)."""

from __future__ import annotations

import os

import pytest

from watchkeeper.bus.parts import PART_HEADER, WHOLE_HEADER, Reassembler, split


def test_a_payload_that_fits_is_one_message_with_its_msg_id() -> None:
    assert split(b"abc", "src:1", 3) == [({"Nats-Msg-Id": "src:1"}, b"abc")]
    assert split(b"abc", None, 3) == [(None, b"abc")]


def test_a_larger_payload_is_cut_into_numbered_parts_with_per_part_dedup_ids() -> None:
    payload = os.urandom(10)
    parts = split(payload, "scan:7", 4)
    assert [h for h, _ in parts] == [
        {WHOLE_HEADER: "scan:7", PART_HEADER: f"{k}/3", "Nats-Msg-Id": f"scan:7.{k}"} for k in (1, 2, 3)
    ]
    assert b"".join(d for _, d in parts) == payload
    assert all(len(d) <= 4 for _, d in parts)
    anonymous = split(payload, None, 4)
    ids = {h[WHOLE_HEADER] for h, _ in anonymous if h}
    assert len(ids) == 1 and "Nats-Msg-Id" not in (anonymous[0][0] or {})
    with pytest.raises(ValueError):
        split(payload, None, 0)


def test_interleaved_parts_are_put_back_together_by_whole_with_the_last_sequence() -> None:
    a, b = os.urandom(9), os.urandom(7)
    pa, pb = split(a, "a", 3), split(b, "b", 3)
    arrivals = [pa[0], pb[0], pa[1], (None, b"small"), pb[2], pb[1], pa[2]]  # b's parts out of order
    r: Reassembler[int] = Reassembler(100, 60.0)
    out = []
    for seq, (headers, data) in enumerate(arrivals, start=1):
        if r.oldest_seq() is not None:
            assert r.oldest_seq() == 1
        ready = r.offer(headers, data, seq, seq)
        if ready is not None:
            out.append((ready.payload, sorted(ready.tokens), ready.seq))
    assert out == [(b"small", [4], 4), (b, [2, 5, 6], 6), (a, [1, 3, 7], 7)]
    assert r.oldest_seq() is None and r.dropped == 0


def test_an_incomplete_whole_is_dropped_after_the_bound_and_a_full_resend_still_comes_through() -> None:
    now = [0.0]
    drops: list[int] = []
    r: Reassembler[int] = Reassembler(2, 60.0, on_drop=lambda: drops.append(1), clock=lambda: now[0])
    parts = split(b"x" * 9, "w", 3)
    assert r.offer(*parts[0], 1, 1) is None
    assert r.offer(*parts[1], 2, 2) is None
    for seq in (3, 4):
        assert r.offer(None, b"m", seq, seq) is not None
        assert r.expire() == []  # two messages since its last part: still waiting
    assert r.offer(None, b"m", 5, 5) is not None
    (dropped,) = r.expire()
    assert (dropped.payload, dropped.tokens, dropped.seq) == (None, [1, 2], 2)
    assert r.dropped == 1 and drops == [1] and r.oldest_seq() is None
    # a retried publish after the duplicate window sends every part again: the whole comes through
    assert r.offer(*parts[2], 6, 6) is None
    assert r.offer(*parts[0], 7, 7) is None
    again = r.offer(*parts[1], 8, 8)
    assert again is not None and again.payload == b"x" * 9 and again.tokens == [6, 7, 8]
    assert r.dropped == 1
    # the time bound: a whole with no part for longer than max_gap_s
    other = split(b"y" * 9, "v", 3)
    assert r.offer(*other[0], 9, 9) is None
    now[0] = 61.0
    assert [d.tokens for d in r.expire()] == [[9]] and r.dropped == 2


def test_a_part_with_bad_headers_is_dropped_and_counted() -> None:
    r: Reassembler[int] = Reassembler(2, 60.0)
    ready = r.offer({WHOLE_HEADER: "w", PART_HEADER: "4/3"}, b"x", 1, 1)
    assert ready is not None and ready.payload is None and r.dropped == 1
    ready = r.offer({PART_HEADER: "1/2"}, b"x", 2, 2)
    assert ready is not None and ready.payload is None and r.dropped == 2
