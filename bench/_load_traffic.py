"""Traffic for ``bench/load.py``: SIMULATED vessels in the strait, their AIS lines and two radars' plots.

Made fast enough to generate live at 5,000 lines/s in one Python process (a few µs a line): AIS
payloads are bit-packed here (ITU-R M.1371-5 type 1 §3.3.7.2.2, type 18 §3.3.7.2.14, type 5
§3.3.7.2.5), armoured and checksummed by hand; ``tests/bench/test_load_traffic.py`` checks every field
against pyais's decode and our own decoder. Radar plots reuse the simulator's rotating-radar model
(``sim.radar.scan``: beam time per bearing, Pd, polar noise, clutter on the sea), so the plots of a
scan arrive through the scan in bearing order, as a real radar's do.

Every vessel carries AIS and moves in a straight line (the load test measures the backbone, not the
tracker's accuracy). Positions are uniform over the sea: a chosen number inside the radars' coverage
(so that each radar sees about as many targets as it should plots), the rest elsewhere in the area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from watchkeeper.sim import world
from watchkeeper.sim.radar import scan
from watchkeeper.sim.targets import Kind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

AREA = (-2.0, 49.5, 3.5, 51.8)  # lon min, lat min, lon max, lat max: the cell's area of interest
SOURCE_TAG = "wk-load"  # tag-block s: of every line (SIMULATED traffic)
STATIC_EVERY = 180  # a vessel's every 180th report is its type 5 (every 6 min at one report per 2 s)
SHIP_TYPES = (70, 80, 60, 30, 52)  # cargo, tanker, passenger, fishing, tug

_ARMOUR = [chr(v + 48) if v < 40 else chr(v + 56) for v in range(64)]
_ARMOUR12 = [_ARMOUR[v >> 6] + _ARMOUR[v & 63] for v in range(4096)]  # two characters per 12 bits


def armour(bits: int, n_bits: int) -> tuple[str, int]:
    """AIS six-bit armour of the ``n_bits`` integer ``bits``; returns (payload, fill bits)."""
    fill = (-n_bits) % 6
    bits <<= fill
    n_chars = (n_bits + fill) // 6
    out = []
    shift = n_chars * 6
    while shift >= 12:
        shift -= 12
        out.append(_ARMOUR12[(bits >> shift) & 4095])
    if shift:
        out.append(_ARMOUR[bits & 63])
    return "".join(out), fill


def checksum(body: str) -> str:
    x = 0
    for b in body.encode("ascii"):
        x ^= b
    return f"{x:02X}"


def tag_block(unix_ms: int, group: str | None = None) -> str:
    """NMEA 4.10 tag block with ``c:`` in milliseconds (the decoder reads large values as ms)."""
    fields = (f"g:{group}," if group else "") + f"s:{SOURCE_TAG},c:{unix_ms}"
    return f"\\{fields}*{checksum(fields)}\\"


def sentence(
    payload: str, fill: int, count: int = 1, number: int = 1, seq_id: str = "", channel: str = "A"
) -> str:
    body = f"AIVDM,{count},{number},{seq_id},{channel},{payload},{fill}"
    return f"!{body}*{checksum(body)}"


def _signed(value: int, n_bits: int) -> int:
    return value & ((1 << n_bits) - 1)


def position_bits(
    msg_type: int, mmsi: int, lat: float, lon: float, sog_kn: float, cog_deg: float, second: int
) -> int:
    """168-bit type 1 (class A, under way, no turn info) or type 18 (class B) position report."""
    lon_i = _signed(round(lon * 600_000), 28)
    lat_i = _signed(round(lat * 600_000), 27)
    sog = min(round(sog_kn * 10), 1022)
    cog = round(cog_deg * 10) % 3600
    heading = round(cog_deg) % 360
    if msg_type == 18:
        x = 18
        x = (x << 2) | 0
        x = (x << 30) | mmsi
        x = (x << 8) | 0  # reserved
        x = (x << 10) | sog
        x = (x << 1) | 1  # accuracy
        x = (x << 28) | lon_i
        x = (x << 27) | lat_i
        x = (x << 12) | cog
        x = (x << 9) | heading
        x = (x << 6) | second
        x = (x << 2) | 0
        x = (x << 1) | 1  # CS unit
        x = (x << 5) | 0  # display, DSC, band, msg22, assigned
        x = (x << 1) | 0  # RAIM
        return (x << 20) | 0b1100000000000000110  # radio: SOTDMA-ish constant
    x = msg_type
    x = (x << 2) | 0  # repeat
    x = (x << 30) | mmsi
    x = (x << 4) | 0  # under way using engine
    x = (x << 8) | 0x80  # rate of turn: not available (-128)
    x = (x << 10) | sog
    x = (x << 1) | 1
    x = (x << 28) | lon_i
    x = (x << 27) | lat_i
    x = (x << 12) | cog
    x = (x << 9) | heading
    x = (x << 6) | second
    x = (x << 2) | 0  # manoeuvre
    x = (x << 3) | 0  # spare
    x = (x << 1) | 0  # RAIM
    return (x << 19) | 0b0010000000000000000


def _sixbit_text(text: str, n_chars: int) -> int:
    text = text.upper()[:n_chars].ljust(n_chars, "@")
    x = 0
    for ch in text:
        x = (x << 6) | (ord(ch) & 0x3F)
    return x


def static_bits(mmsi: int, name: str, callsign: str, ship_type: int, destination: str) -> int:
    """424-bit type 5 static and voyage data."""
    x = 5
    x = (x << 2) | 0
    x = (x << 30) | mmsi
    x = (x << 2) | 0  # AIS version
    x = (x << 30) | (9_000_000 + mmsi % 1_000_000)  # IMO
    x = (x << 42) | _sixbit_text(callsign, 7)
    x = (x << 120) | _sixbit_text(name, 20)
    x = (x << 8) | ship_type
    x = (x << 9) | 150  # to bow
    x = (x << 9) | 40  # to stern
    x = (x << 6) | 12
    x = (x << 6) | 12
    x = (x << 4) | 1  # EPFD GPS
    x = (x << 4) | 12  # ETA month
    x = (x << 5) | 24
    x = (x << 5) | 6
    x = (x << 6) | 30
    x = (x << 8) | 92  # draught 9.2 m
    x = (x << 120) | _sixbit_text(destination, 20)
    x = (x << 1) | 0  # DTE ready
    return (x << 1) | 0


@dataclass
class Vessels:
    """The SIMULATED fleet: what ``sim.radar.scan`` reads (a ``Fleet``'s moving parts) plus identities."""

    mmsi: IntArray
    msg_type: IntArray  # 1 (class A) or 18 (class B)
    lat0: FloatArray
    lon0: FloatArray
    sog_kn: FloatArray
    cog_deg: FloatArray
    t0_s: float  # time of (lat0, lon0), unix seconds
    kind: IntArray
    serial: IntArray
    active: npt.NDArray[np.bool_]
    lat: FloatArray  # positions at the last ``move_to``
    lon: FloatArray
    _dlat_per_s: FloatArray
    _dlon_per_s: FloatArray

    @property
    def size(self) -> int:
        return int(self.mmsi.size)

    def move_to(self, t_s: float) -> None:
        dt = t_s - self.t0_s
        self.lat = self.lat0 + self._dlat_per_s * dt
        self.lon = self.lon0 + self._dlon_per_s * dt

    def position(self, i: int, t_s: float) -> tuple[float, float]:
        dt = t_s - self.t0_s
        return float(self.lat0[i] + self._dlat_per_s[i] * dt), float(self.lon0[i] + self._dlon_per_s[i] * dt)


def _sea_points(
    rng: np.random.Generator, n: int, land: world.LandMask, within: tuple[world.Radar, ...] | None
) -> tuple[FloatArray, FloatArray]:
    lons: list[FloatArray] = [np.zeros(0)]
    lats: list[FloatArray] = [np.zeros(0)]
    need = n
    while need > 0:
        m = 4 * need + 16
        lon = rng.uniform(AREA[0], AREA[2], m)
        lat = rng.uniform(AREA[1], AREA[3], m)
        ok = ~land.contains(lon, lat)
        covered = world.in_coverage(lon, lat, within or world.RADARS)
        ok &= covered if within else ~covered
        lons.append(lon[ok][:need])
        lats.append(lat[ok][:need])
        need -= int(min(need, ok.sum()))
    return np.concatenate(lats), np.concatenate(lons)


def make_vessels(n: int, in_coverage: int, t0_s: float, seed: int, land: world.LandMask) -> Vessels:
    """``n`` vessels, ``in_coverage`` of them within the radars' range, at ``t0_s`` (unix seconds)."""
    rng = np.random.default_rng(seed)
    lat_c, lon_c = _sea_points(rng, in_coverage, land, world.RADARS)
    lat_o, lon_o = _sea_points(rng, n - in_coverage, land, None)
    lat0 = np.concatenate([lat_c, lat_o])
    lon0 = np.concatenate([lon_c, lon_o])
    sog = rng.uniform(2.0, 20.0, n)
    cog = rng.uniform(0.0, 360.0, n)
    ms = sog * world.KNOT_MS
    dlat = np.degrees(ms * np.cos(np.radians(cog)) / 6_371_000.0)
    dlon = np.degrees(ms * np.sin(np.radians(cog)) / (6_371_000.0 * np.cos(np.radians(lat0))))
    mids = rng.choice(np.array([232, 235, 227, 228, 205, 244, 636, 538]), n)
    mmsi = mids * 1_000_000 + rng.permutation(1_000_000)[:n]
    return Vessels(
        mmsi=mmsi.astype(np.int64),
        msg_type=np.where(rng.uniform(size=n) < 0.2, 18, 1).astype(np.int64),
        lat0=lat0,
        lon0=lon0,
        sog_kn=sog,
        cog_deg=cog,
        t0_s=t0_s,
        kind=np.full(n, int(Kind.SHIP), dtype=np.int64),
        serial=np.arange(n, dtype=np.int64),
        active=np.ones(n, dtype=bool),
        lat=lat0.copy(),
        lon=lon0.copy(),
        _dlat_per_s=dlat,
        _dlon_per_s=dlon,
    )


class AisLines:
    """Round-robin reports: vessel ``k mod n`` sends the ``k``-th line, so each vessel reports every
    ``n / rate`` seconds. Every ``STATIC_EVERY``-th report of a class A vessel is its type 5 (two
    lines, never split across sends); every ``corrupt_every``-th line has a wrong checksum (the
    rejects ledger must hold exactly those)."""

    def __init__(self, vessels: Vessels, corrupt_every: int = 1000) -> None:
        self.v = vessels
        self.k = 0
        self.corrupt_every = corrupt_every
        self.lines = 0
        self.positions = 0
        self.statics = 0  # type 5 messages (two lines each)
        self.corrupt = 0
        self._group = 0

    def take(self, n: int, t_s: float) -> list[bytes]:
        """At least ``n`` lines stamped ``t_s`` (one more when a type 5 pair ends the batch)."""
        out: list[bytes] = []
        unix_ms = int(t_s * 1000)
        second = int(t_s) % 60
        v = self.v
        while len(out) < n:
            i = self.k % v.size
            rounds = self.k // v.size
            self.k += 1
            mmsi = int(v.mmsi[i])
            if v.msg_type[i] == 1 and (rounds + i) % STATIC_EVERY == 0:
                self._group = self._group % 9 + 1
                payload, fill = armour(
                    static_bits(mmsi, f"LOAD {mmsi % 100000:05d}", f"L{mmsi % 1000000:06d}",
                                SHIP_TYPES[i % len(SHIP_TYPES)], "DOVER"),
                    424,
                )  # fmt: skip
                gid = str(self._group)
                parts = (payload[:60], payload[60:])
                for number, part in enumerate(parts, start=1):
                    part_fill = fill if number == 2 else 0
                    tag = tag_block(unix_ms, f"{number}-2-{gid}")
                    out.append((tag + sentence(part, part_fill, 2, number, gid) + "\r\n").encode())
                self.statics += 1
                continue
            lat, lon = v.position(i, t_s)
            bits = position_bits(
                int(v.msg_type[i]), mmsi, lat, lon, float(v.sog_kn[i]), float(v.cog_deg[i]), second
            )
            payload, fill = armour(bits, 168)
            line = tag_block(unix_ms) + sentence(payload, fill, channel="B" if i & 1 else "A")
            if (self.lines + len(out) + 1) % self.corrupt_every == 0:
                line = line[:-2] + ("00" if line[-2:] != "00" else "01")  # wrong checksum
                self.corrupt += 1
            else:
                self.positions += 1
            out.append((line + "\r\n").encode())
        self.lines += len(out)
        return out


@dataclass(frozen=True, slots=True)
class PlotRow:
    time_s: float
    sensor: str
    row: bytes


def iso_ms(t_s: float) -> str:
    t = datetime.fromtimestamp(round(t_s, 3), UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def radar_scan_rows(
    rng: np.random.Generator,
    radar: world.Radar,
    vessels: Vessels,
    t0_s: float,
    plots_per_scan: int,
    land: world.LandMask,
) -> list[PlotRow]:
    """Exactly ``plots_per_scan`` plots (detections, clutter filling the rest) of the scan window
    ``[t0_s, t0_s + period)`` in beam-time order, as scenario CSV rows."""
    vessels.move_to(t0_s)
    first = scan(rng, radar, vessels, t0_s, 0.0, land)  # type: ignore[arg-type]
    keep = first.time_ms.size
    if keep > plots_per_scan:
        idx = np.sort(rng.choice(keep, plots_per_scan, replace=False))
        time_ms, rng_m, brg = first.time_ms[idx], first.range_m[idx], first.bearing_deg[idx]
    else:
        time_ms, rng_m, brg = first.time_ms, first.range_m, first.bearing_deg
        n_clutter = plots_per_scan - keep
        if n_clutter:
            from watchkeeper.sim.radar import beam_time_s, sample_clutter

            c_ground, c_bearing = sample_clutter(rng, radar, n_clutter, land)
            c_time = np.round(beam_time_s(radar, t0_s, c_bearing) * 1000.0).astype(np.int64)
            time_ms = np.concatenate([time_ms, c_time])
            rng_m = np.concatenate([rng_m, np.hypot(c_ground, radar.height_m)])
            brg = np.concatenate([brg, np.round(c_bearing, 3)])
            order = np.argsort(time_ms, kind="stable")
            time_ms, rng_m, brg = time_ms[order], rng_m[order], brg[order]
    rows = []
    for t, r, b in zip(time_ms.tolist(), rng_m.tolist(), brg.tolist(), strict=True):
        ts = t / 1000.0
        rows.append(
            PlotRow(ts, radar.sensor_id, f"{iso_ms(ts)},{radar.sensor_id},{r:.1f},{b:.3f}\n".encode())
        )
    return rows
