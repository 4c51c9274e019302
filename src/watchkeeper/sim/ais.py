"""SIMULATED AIS sentences: NMEA 0183 ``!AIVDM`` with an NMEA 4.x tag block, encoded with pyais.

Every line carries ``\\s:wk-sim,c:<unix seconds>*hh\\`` (source ``wk-sim`` marks it simulated; ``c`` is
the event time). Type 1 position reports (ITU-R M.1371-5 §3.3.7.2.2) every 10 s per vessel with 5 m
position noise (σ per axis); type 5 static and voyage data (§3.3.7.2.5, two sentences, linked by the
tag-block group ``g:<part>-2-<group id>``) every few minutes so that the picture has names.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from pyais import encode_dict

from watchkeeper.sim.identity import Identity
from watchkeeper.sim.world import SOURCE_TAG

NAV_UNDER_WAY = 0
NAV_FISHING = 7
POSITION_SIGMA_M = 5.0
POSITION_PERIOD_S = 10.0
STATIC_PERIOD_S = 360.0


def nmea_checksum(body: str) -> str:
    """XOR of the characters between the delimiters, two upper-case hex digits (NMEA 0183)."""
    x = 0
    for ch in body.encode("ascii"):
        x ^= ch
    return f"{x:02X}"


def tag_block(unix_s: int, group: str | None = None) -> str:
    """``\\[g:…,]s:wk-sim,c:<unix>*hh\\`` (NMEA 4.10 tag block, checksum over the fields)."""
    fields = (f"g:{group}," if group else "") + f"s:{SOURCE_TAG},c:{unix_s}"
    return f"\\{fields}*{nmea_checksum(fields)}\\"


def position_line(
    unix_s: int, mmsi: int, lat: float, lon: float, sog_kn: float, cog_deg: float, nav_status: int
) -> str:
    """One type 1 report as a single tagged line (no newline)."""
    cog = round(cog_deg % 360.0, 1) % 360.0
    payload = {
        "type": 1,
        "mmsi": mmsi,
        "status": nav_status,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "speed": round(min(sog_kn, 102.2), 1),
        "course": cog,
        "heading": round(cog) % 360,
        "second": unix_s % 60,
        "turn": -128,
    }
    (line,) = encode_dict(payload, talker_id="AI", sentence_type="VDM")
    return tag_block(unix_s) + line


def static_lines(unix_s: int, identity: Identity, eta: datetime, seq_id: int) -> list[str]:
    """One type 5 message as two tagged lines (group id = ``seq_id``-derived, 1–9 for the NMEA field)."""
    bow = int(identity.length_m * 0.8)
    payload = {
        "type": 5,
        "mmsi": identity.mmsi,
        "ais_version": 0,
        "imo": 0,
        "callsign": identity.callsign,
        "shipname": identity.name,
        "ship_type": identity.ship_type,
        "to_bow": bow,
        "to_stern": identity.length_m - bow,
        "to_port": max(2, identity.length_m // 14),
        "to_starboard": max(2, identity.length_m // 14),
        "epfd": 1,
        "month": eta.month,
        "day": eta.day,
        "hour": eta.hour,
        "minute": eta.minute,
        "draught": 9.0 if identity.ship_type >= 70 else 4.5,
        "destination": identity.destination,
    }
    parts = encode_dict(payload, talker_id="AI", sentence_type="VDM", seq_id=seq_id % 10)
    n = len(parts)
    return [tag_block(unix_s, f"{i + 1}-{n}-{seq_id}") + p for i, p in enumerate(parts)]


def noisy_position(
    rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Add 5 m σ GNSS noise per axis (metres → degrees on the local sphere)."""
    dn = rng.normal(0.0, POSITION_SIGMA_M, lat.shape)
    de = rng.normal(0.0, POSITION_SIGMA_M, lat.shape)
    dlat = np.degrees(dn / 6_371_000.0)
    dlon = np.degrees(de / (6_371_000.0 * np.cos(np.radians(lat))))
    return lat + dlat, lon + dlon
