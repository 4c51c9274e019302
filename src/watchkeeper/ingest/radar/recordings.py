"""Radar recordings: pcap/pcapng captures, raw and ``.ast`` ASTERIX streams, and the "GPS" format.

Only the standard library (``struct``): no scapy.

* **pcap** (classic libpcap, both byte orders, µs and ns resolution) and **pcapng** (Section Header,
  Interface Description, Enhanced and Simple Packet blocks), link types Ethernet (with 802.1Q/802.1ad
  VLAN tags), raw IPv4 and Linux cooked (SLL); IPv4 (no fragments) carrying UDP. What is not an
  unfragmented IPv4/UDP datagram is counted in ``PcapStats`` and skipped: it is not radar input.
* **raw / .ast**: data blocks back to back (``framing.decode_stream`` frames them by LEN).
* **GPS**: a 2,200-octet file header, then per data block the block followed by 10 "post" octets
  whose octets 6..8 hold the receive time of day in 1/128 s (as documented for Croatia Control's
  ``asterix`` tool's ``-g`` input; the header content is not used).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.core.errors import DecodeError, RejectReason

_PCAP_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
_PCAPNG_SHB = 0x0A0D0D0A
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_IPV4 = 228
LINKTYPE_LINUX_SLL = 113
GPS_HEADER = 2200
GPS_POST = 10


@dataclass(slots=True)
class PcapStats:
    """What a capture held besides the UDP datagrams yielded."""

    frames: int = 0
    udp: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _udp_payload(linktype: int, frame: bytes, stats: PcapStats) -> bytes | None:
    off = 0
    if linktype == LINKTYPE_ETHERNET:
        if len(frame) < 14:
            stats.skip("short_ethernet")
            return None
        ethertype = (frame[12] << 8) | frame[13]
        off = 14
        while ethertype in (0x8100, 0x88A8) and len(frame) >= off + 4:
            ethertype = (frame[off + 2] << 8) | frame[off + 3]
            off += 4
        if ethertype != 0x0800:
            stats.skip("not_ipv4")
            return None
    elif linktype == LINKTYPE_LINUX_SLL:
        if len(frame) < 16 or ((frame[14] << 8) | frame[15]) != 0x0800:
            stats.skip("not_ipv4")
            return None
        off = 16
    elif linktype not in (LINKTYPE_RAW, LINKTYPE_IPV4):
        stats.skip(f"linktype_{linktype}")
        return None
    if len(frame) < off + 20 or frame[off] >> 4 != 4:
        stats.skip("not_ipv4")
        return None
    ihl = (frame[off] & 0x0F) * 4
    total = (frame[off + 2] << 8) | frame[off + 3]
    flags_frag = (frame[off + 6] << 8) | frame[off + 7]
    if flags_frag & 0x3FFF:
        stats.skip("ip_fragment")
        return None
    if frame[off + 9] != 17:
        stats.skip("not_udp")
        return None
    udp = off + ihl
    if len(frame) < udp + 8:
        stats.skip("short_udp")
        return None
    udp_len = (frame[udp + 4] << 8) | frame[udp + 5]
    end = min(udp + udp_len, off + total, len(frame)) if udp_len >= 8 else len(frame)
    return frame[udp + 8 : end]


def _classic(data: bytes, stats: PcapStats) -> Iterator[tuple[datetime, bytes]]:
    order, tick = _PCAP_MAGIC[data[:4]]
    if len(data) < 24:
        raise DecodeError(RejectReason.TRUNCATED, "pcap global header")
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    rec = struct.Struct(order + "IIII")
    pos = 24
    while pos < len(data):
        if pos + 16 > len(data):
            stats.truncated = True
            return
        sec, frac, incl, _orig = rec.unpack_from(data, pos)
        pos += 16
        if pos + incl > len(data):
            stats.truncated = True
            return
        frame = data[pos : pos + incl]
        pos += incl
        stats.frames += 1
        payload = _udp_payload(linktype, frame, stats)
        if payload is not None:
            stats.udp += 1
            yield datetime.fromtimestamp(sec + frac * tick, UTC), payload


def _epoch_time(seconds: float) -> datetime | None:
    """UTC of a capture timestamp, ``None`` where it lies past year 9999 (a damaged or foreign block)."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _pcapng(data: bytes, stats: PcapStats) -> Iterator[tuple[datetime, bytes]]:
    pos = 0
    order = "<"
    interfaces: list[tuple[int, float]] = []  # (linktype, seconds per tick)
    while pos + 12 <= len(data):
        btype = struct.unpack_from(order + "I", data, pos)[0]
        if btype == _PCAPNG_SHB:
            order = "<" if data[pos + 8 : pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        blen = struct.unpack_from(order + "I", data, pos + 4)[0]
        if blen < 12 or pos + blen > len(data):
            stats.truncated = True
            return
        body = data[pos + 8 : pos + blen - 4]
        if btype == 1 and len(body) >= 8:  # Interface Description Block
            linktype = struct.unpack_from(order + "H", body, 0)[0]
            tick = 1e-6
            opt = 8
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from(order + "HH", body, opt)
                if code == 0:
                    break
                if code == 9 and olen >= 1 and opt + 4 < len(body):  # if_tsresol
                    v = body[opt + 4]
                    tick = 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0**-v
                opt += 4 + ((olen + 3) & ~3)
            interfaces.append((linktype, tick))
        elif btype == 6 and len(body) >= 20:  # Enhanced Packet Block
            iface, hi, lo, caplen, _orig = struct.unpack_from(order + "IIIII", body, 0)
            stats.frames += 1
            if iface >= len(interfaces):
                stats.skip("unknown_interface")
            else:
                linktype, tick = interfaces[iface]
                payload = _udp_payload(linktype, body[20 : 20 + caplen], stats)
                if payload is not None:
                    when = _epoch_time(((hi << 32) | lo) * tick)
                    if when is None:
                        stats.skip("bad_timestamp")
                    else:
                        stats.udp += 1
                        yield when, payload
        elif btype == 3 and len(body) >= 4:  # Simple Packet Block: no timestamp
            stats.frames += 1
            stats.skip("no_timestamp")
        pos += blen


def read_pcap(path: Path | str, stats: PcapStats | None = None) -> Iterator[tuple[datetime, bytes]]:
    """(capture time UTC, UDP payload) for each IPv4/UDP datagram of a pcap or pcapng file."""
    data = Path(path).read_bytes()
    st = stats if stats is not None else PcapStats()
    if data[:4] in _PCAP_MAGIC:
        yield from _classic(data, st)
    elif len(data) >= 4 and struct.unpack_from("<I", data, 0)[0] == _PCAPNG_SHB:
        yield from _pcapng(data, st)
    else:
        raise DecodeError(RejectReason.MALFORMED, f"{path}: neither pcap nor pcapng")


def split_blocks(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, block bytes) for back-to-back data blocks (raw/.ast files), framed by LEN.

    A block whose header cannot be trusted (LEN < 3 or past the end) is yielded with everything left,
    once: nothing after it can be framed.
    """
    pos = 0
    n = len(data)
    while pos < n:
        length = ((data[pos + 1] << 8) | data[pos + 2]) if pos + 3 <= n else 0
        if length < 3 or pos + length > n:
            yield pos, data[pos:]
            return
        yield pos, data[pos : pos + length]
        pos += length


def read_gps(data: bytes) -> Iterator[tuple[float | None, bytes]]:
    """(receive time of day in s, block bytes) for each block of a "GPS" recording.

    The time is ``None`` where the post octets are missing (a cut file); a block whose LEN cannot be
    trusted ends the file, yielded with the rest of the bytes.
    """
    pos = GPS_HEADER
    n = len(data)
    while pos < n:
        length = ((data[pos + 1] << 8) | data[pos + 2]) if pos + 3 <= n else 0
        if length < 3 or pos + length > n:
            yield None, data[pos:]
            return
        block = data[pos : pos + length]
        post = data[pos + length : pos + length + GPS_POST]
        pos += length + GPS_POST
        tod = ((post[6] << 16) | (post[7] << 8) | post[8]) / 128.0 if len(post) == GPS_POST else None
        yield tod, block
