"""Shared pieces of the decoder fuzz tests: byte mutation of real seeds, NMEA checksums, a pcapng writer.

Mutations of real inputs reach far deeper into a parser than random bytes do: the first octets, the
lengths and the checksums are right, so the parser gets past its framing before it meets the damage.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# modest budgets: the whole fuzz set must stay well under a minute on two shared cores
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_INTERESTING = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes], max_ops: int = 4) -> bytes:
    """A seed with up to ``max_ops`` bit flips, insertions, deletions, truncations, splices with another
    seed, interesting octets (0, 0x7f, 0x80, 0xff) or big-endian 16-bit values (lengths) written in."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice", "octet", "u16"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "truncate":
            del data[pos:]
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            data[pos:] = other[draw(st.integers(0, len(other))) :]
        elif op == "octet" and data:
            data[pos] = draw(st.sampled_from(_INTERESTING))
        elif op == "u16" and len(data) >= 2:
            pos = min(pos, len(data) - 2)
            data[pos : pos + 2] = draw(st.sampled_from([0, 1, 2, 3, 0x7FFF, 0x8000, 0xFFFF])).to_bytes(
                2, "big"
            )
    return bytes(data)


def nmea_checksum(body: str) -> str:
    """``$<body>*hh`` with the NMEA 0183 checksum, so a mutated body still gets past the checksum."""
    x = 0
    for ch in body.encode("ascii", "replace"):
        x ^= ch
    return f"${body}*{x:02X}"


def pcapng(payloads: Sequence[bytes], tsresol: int | None = None, big_endian: bool = False) -> bytes:
    """A pcapng capture: Section Header, one Ethernet Interface Description (with ``if_tsresol`` when
    given) and one Enhanced Packet Block per IPv4/UDP payload. No pcapng radar capture is public; this
    is the layout of the pcapng specification (draft-ietf-opsawg-pcapng, §4.1, 4.2, 4.3)."""
    o = ">" if big_endian else "<"

    def block(btype: int, body: bytes) -> bytes:
        body += b"\x00" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack(o + "II", btype, n) + body + struct.pack(o + "I", n)

    out = block(0x0A0D0D0A, struct.pack(o + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    options = b""
    if tsresol is not None:
        options = struct.pack(o + "HH", 9, 1) + bytes([tsresol, 0, 0, 0]) + struct.pack(o + "HH", 0, 0)
    out += block(1, struct.pack(o + "HHI", 1, 0, 65535) + options)
    ticks = 1_791_165_600 * 10**6
    for i, payload in enumerate(payloads):
        udp = struct.pack(">HHHH", 40000, 8600, 8 + len(payload), 0) + payload
        ip = struct.pack(
            ">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, bytes(4), bytes([239, 0, 0, 1])
        )
        frame = bytes(12) + b"\x08\x00" + ip + udp
        t = ticks + i * 100_000
        epb = struct.pack(o + "IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(frame), len(frame)) + frame
        out += block(6, epb)
    return out
