"""Helpers for the radar ingest tests: a classic pcap writer (Ethernet/IPv4/UDP) and NMEA checksums."""

from __future__ import annotations

import struct
from pathlib import Path


def write_pcap(path: Path, payloads: list[bytes], t0: float = 1_791_165_600.0, step: float = 0.1) -> Path:
    """A little-endian µs pcap with one Ethernet/IPv4/UDP frame per payload (to port 8600)."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, payload in enumerate(payloads):
        udp = struct.pack(">HHHH", 40000, 8600, 8 + len(payload), 0) + payload
        group = bytes([239, 0, 0, 1])
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, bytes(4), group)
        frame = bytes(6) + bytes(6) + b"\x08\x00" + ip + udp
        t = t0 + i * step
        out += struct.pack("<IIII", int(t), round((t % 1) * 1e6), len(frame), len(frame)) + frame
    path.write_bytes(bytes(out))
    return path


def nmea(body: str) -> str:
    """``$<body>*hh`` with the NMEA 0183 checksum (XOR of the body's characters)."""
    x = 0
    for ch in body.encode("ascii"):
        x ^= ch
    return f"${body}*{x:02X}"
