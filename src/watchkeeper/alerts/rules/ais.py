"""``ais_gap`` (a vessel's AIS silent at sea) and ``ais_spoofing`` (position jumps, impossible speeds).

**ais_gap, defined as Global Fishing Watch defines AIS gap events** (GFW ``pipe-gaps``: "an AIS gap event
when the period of time between consecutive AIS positions from a single vessel exceeds a configured
threshold"; an *open* gap when the last position is older than the threshold and nothing has come since),
with GFW's filters for a gap worth suspecting (Welch et al. 2022, *Hotspots of unseen fishing vessels*,
Sci. Adv. 8 eabq2109, code in GlobalFishingWatch/AIS-disabling-high-seas): the vessel was transmitting
regularly just before (≥ 14 satellite positions in the 12 h before the gap), where reception is good
(> 10 positions per day in the area), away from shore (> 50 nm). GFW's thresholds and ours:

=====================  ==========================  =====================================================
criterion              GFW                         the cell (setting)
=====================  ==========================  =====================================================
silence                ≥ 6 h gap event, ≥ 12 h     ``ais_gap.gap_min`` 10 min
                       suspected disabling
regular before         ≥ 14 positions in 12 h      ``ais_gap.min_prior_reports`` 6 in
                                                   ``ais_gap.prior_window_min`` 10 min
away from shore        > 50 nm                     ``ais_gap.min_shore_nm`` 1 nm
good reception         > 10 positions/day in the   last position inside the area of interest, at least
                       cell (satellite model)      ``ais_gap.aoi_margin_km`` from its edge (coastal
                                                   receivers cover the strait end to end)
=====================  ==========================  =====================================================

Minutes, not hours: a Class A ship under way reports every 2–10 s and every 3 min at anchor, and the
strait is 18 nm wide at its narrowest — a ship dark for 10 minutes here has done something. The alert
holds while the gap is open and clears when the vessel reports again (the closed gap's length is kept).

**ais_spoofing.** Between consecutive position reports of one MMSI: a jump of at least ``min_jump_m``
at an implied speed over ``max_speed_kn``, or longer than ``sog_factor`` times what its own reported SOG
allows (plus ``min_jump_m``); or a position ``inland_m`` or more inside the land. Holds ``hold_min``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from watchkeeper.alerts.config import declare
from watchkeeper.alerts.context import ScanContext
from watchkeeper.alerts.rules.base import line_utm, point, rounded, where
from watchkeeper.alerts.scan import KNOT_MPS
from watchkeeper.alerts.types import Finding, RuleName, Severity
from watchkeeper.core.types import AisReport
from watchkeeper.geo.frames import to_utm

GAP = declare(
    "ais_gap.gap_min", 10.0, "min", 1.0, 1440.0,
    "AIS silence longer than this opens a gap (GFW: 6 h for a gap event, 12 h for suspected disabling).",
)  # fmt: skip
PRIOR = declare(
    "ais_gap.min_prior_reports", 6, "reports", 1, 10000,
    "Position reports the vessel must have sent in the prior window (GFW: 14 in the 12 h before).",
)  # fmt: skip
PRIOR_WINDOW = declare(
    "ais_gap.prior_window_min", 10.0, "min", 1.0, 1440.0,
    "The window before the last report in which those reports are counted.",
)  # fmt: skip
MIN_SHORE = declare(
    "ais_gap.min_shore_nm", 1.0, "nm", 0.0, 200.0,
    "The last position must be at least this far from any shore (GFW: 50 nm), i.e. at sea, not in port.",
)  # fmt: skip
AOI_MARGIN = declare(
    "ais_gap.aoi_margin_km", 5.0, "km", 0.0, 100.0,
    "And this far inside the area of interest, where the cell's receivers hear every transmission.",
)  # fmt: skip

SPOOF_SPEED = declare(
    "ais_spoofing.max_speed_kn", 60.0, "kn", 20.0, 1000.0,
    "Implied speed between consecutive positions above which a surface vessel cannot have moved "
    "(high-speed craft make about 40 kn).",
)  # fmt: skip
SPOOF_JUMP = declare(
    "ais_spoofing.min_jump_m", 1000.0, "m", 50.0, 100000.0,
    "A jump must be at least this long to count (GNSS noise and whole-second time stamps stay far below).",
)  # fmt: skip
SPOOF_FACTOR = declare(
    "ais_spoofing.sog_factor", 3.0, "ratio", 1.5, 50.0,
    "Or a jump longer than this many times what the vessel's own reported SOG allows (plus min_jump_m).",
)  # fmt: skip
SPOOF_INLAND = declare(
    "ais_spoofing.inland_m", 2000.0, "m", 0.0, 50000.0,
    "A reported position this far or more inside the packaged land is impossible for a vessel (docks, "
    "basins and rivers lie inside the shoreline polygons, so a little inland is not).",
)  # fmt: skip
SPOOF_HOLD = declare(
    "ais_spoofing.hold_min", 10.0, "min", 1.0, 1440.0,
    "A spoofing alert holds this long after the last implausible report.",
)  # fmt: skip


@dataclass(slots=True)
class _Vessel:
    mmsi: int
    t: float
    x: float
    y: float
    lat: float
    lon: float
    sog_kn: float | None
    name: str | None
    recent: deque[float] = field(default_factory=deque)  # report times in the prior window
    gap_raised: bool = False
    prior_count: int = 0


class AisGapRule:
    names: tuple[RuleName, ...] = (RuleName.AIS_GAP,)

    def __init__(self) -> None:
        self._vessels: dict[int, _Vessel] = {}
        self._closed: list[Finding] = []

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        gap_s, prior_n = s.number(GAP.key) * 60.0, int(s.number(PRIOR.key))
        prior_s = s.number(PRIOR_WINDOW.key) * 60.0
        min_shore, margin = s.number(MIN_SHORE.key) * 1852.0, s.number(AOI_MARGIN.key) * 1000.0
        epoch = ctx.time.timestamp() - ctx.t
        for r in ctx.ais:
            if not r.has_position:
                continue
            self._report(r, r.event_time.timestamp() - epoch, prior_s)
        out: list[Finding] = []
        open_gaps = [v for v in self._vessels.values() if ctx.t - v.t > gap_s]
        if not open_gaps:
            return out
        x = np.array([v.x for v in open_gaps])
        y = np.array([v.y for v in open_gaps])
        shore = ctx.geometry.shore_m(x, y)
        inside = ctx.geometry.in_aoi(x, y, margin)
        radar = {v.history.mmsi_seen: v.track_id for v in ctx.tracks if v.history.mmsi_seen > 0}
        for v, d, ok in zip(open_gaps, shore.tolist(), inside.tolist(), strict=True):
            if not v.gap_raised and (v.prior_count < prior_n or d < min_shore or not ok):
                continue
            raise_ = not v.gap_raised
            v.gap_raised = True
            out.append(self._finding(ctx, v, ctx.t - v.t, d, radar.get(v.mmsi), raise_))
        return out

    def _report(self, r: AisReport, t: float, prior_s: float) -> None:
        assert r.lat is not None and r.lon is not None
        x, y = to_utm(r.lon, r.lat)
        v = self._vessels.get(r.mmsi)
        if v is None:
            v = self._vessels[r.mmsi] = _Vessel(r.mmsi, t, float(x), float(y), r.lat, r.lon, r.sog_kn, r.name)
        elif t < v.t:
            return  # late report: the gap logic runs on the latest report per vessel
        v.t, v.x, v.y, v.lat, v.lon, v.sog_kn = t, float(x), float(y), r.lat, r.lon, r.sog_kn
        v.name = r.name or v.name
        v.gap_raised = False  # a report closes any open gap: the alert clears (no holding finding)
        v.recent.append(t)
        while v.recent and v.recent[0] < t - prior_s:
            v.recent.popleft()
        v.prior_count = len(v.recent)

    def _finding(
        self,
        ctx: ScanContext,
        v: _Vessel,
        silent_s: float,
        shore_m: float,
        track_id: int | None,
        raise_: bool,
    ) -> Finding:
        s = ctx.settings
        values = rounded(
            {
                "silent_min": silent_s / 60.0,
                "prior_reports": v.prior_count,
                "shore_nm": shore_m / 1852.0,
                "last_sog_kn": v.sog_kn,
                "radar_track_id": track_id,
                "gfw_gap_event_h": 6.0,
                "gfw_suspected_disabling_h": 12.0,
            },
            2,
        )
        explanation = ""
        if raise_:
            radar = (
                f"; radar still holds it as track {track_id}"
                if track_id is not None
                else "; no radar track carries its MMSI"
            )
            name = f" ({v.name.strip()})" if v.name else ""
            explanation = (
                f"ais_gap: MMSI {v.mmsi}{name} silent for {silent_s / 60:.1f} min at sea (threshold "
                f"{s.number(GAP.key):.0f} min; Global Fishing Watch counts a gap from 6 h, suspected "
                "disabling "
                f"from 12 h); last position {where(v.lat, v.lon)}, {shore_m / 1852:.1f} nm from shore, after "
                f"{v.prior_count} reports in the {s.number(PRIOR_WINDOW.key):.0f} min before{radar}"
            )
        return Finding(
            rule=RuleName.AIS_GAP,
            key=f"mmsi:{v.mmsi}",
            raise_=raise_,
            hold=True,
            severity=Severity.LOW,
            track_id=track_id,
            lat=v.lat,
            lon=v.lon,
            explanation=explanation,
            values=values,
            geometry=point(v.lat, v.lon),
            mmsi=v.mmsi,
            track_ids=() if track_id is None else (track_id,),
        )


@dataclass(slots=True)
class _Last:
    t: float
    x: float
    y: float
    lat: float
    lon: float
    sog_kn: float | None
    flagged_t: float | None = None
    flag: Finding | None = None


class AisSpoofingRule:
    names: tuple[RuleName, ...] = (RuleName.AIS_SPOOFING,)

    def __init__(self) -> None:
        self._last: dict[int, _Last] = {}

    def evaluate(self, ctx: ScanContext) -> list[Finding]:
        s = ctx.settings
        max_mps, jump_min = s.number(SPOOF_SPEED.key) * KNOT_MPS, s.number(SPOOF_JUMP.key)
        factor, inland_min = s.number(SPOOF_FACTOR.key), s.number(SPOOF_INLAND.key)
        hold_s = s.number(SPOOF_HOLD.key) * 60.0
        epoch = ctx.time.timestamp() - ctx.t
        reports = [r for r in ctx.ais if r.has_position]
        fresh: dict[int, Finding] = {}
        if reports:
            lon = np.array([r.lon for r in reports], dtype=float)
            lat = np.array([r.lat for r in reports], dtype=float)
            xs, ys = to_utm(lon, lat)
            land = ctx.geometry.on_land(xs, ys)
            inland = np.where(land, ctx.geometry.shore_m(xs, ys), 0.0)
            for k, r in enumerate(reports):
                t = r.event_time.timestamp() - epoch
                x, y = float(xs[k]), float(ys[k])
                prev = self._last.get(r.mmsi)
                here = where(float(lat[k]), float(lon[k]))
                reason: str | None = None
                values: dict[str, object] = {}
                geom: dict[str, object] = point(float(lat[k]), float(lon[k]))
                if float(inland[k]) >= inland_min:
                    reason = (
                        f"reported position {float(inland[k]):.0f} m inland (threshold {inland_min:.0f} m)"
                    )
                    values = {"inland_m": float(inland[k])}
                elif prev is not None and t > prev.t:
                    dt = t - prev.t
                    jump = float(np.hypot(x - prev.x, y - prev.y))
                    implied = jump / dt
                    sog = max(r.sog_kn or 0.0, prev.sog_kn or 0.0) * KNOT_MPS
                    allowed = factor * sog * dt + jump_min
                    if jump >= jump_min and (implied > max_mps or jump > allowed):
                        reason = (
                            f"jumped {jump:.0f} m in {dt:.0f} s: {implied / KNOT_MPS:.0f} kn implied "
                            f"(threshold {max_mps / KNOT_MPS:.0f} kn), reported SOG {sog / KNOT_MPS:.1f} kn"
                        )
                        values = {
                            "jump_m": jump,
                            "dt_s": dt,
                            "implied_kn": implied / KNOT_MPS,
                            "reported_sog_kn": sog / KNOT_MPS,
                            "allowed_m": allowed,
                        }
                        geom = line_utm([prev.x, x], [prev.y, y])
                if prev is None or t >= prev.t:
                    keep = self._last.get(r.mmsi)
                    self._last[r.mmsi] = _Last(
                        t, x, y, float(lat[k]), float(lon[k]), r.sog_kn,
                        keep.flagged_t if keep else None, keep.flag if keep else None,
                    )  # fmt: skip
                if reason is None:
                    continue
                last = self._last[r.mmsi]
                first = last.flagged_t is None or t - last.flagged_t > hold_s
                finding = Finding(
                    rule=RuleName.AIS_SPOOFING,
                    key=f"mmsi:{r.mmsi}",
                    raise_=True,
                    hold=True,
                    severity=Severity.MEDIUM,
                    track_id=None,
                    lat=float(lat[k]),
                    lon=float(lon[k]),
                    explanation=f"ais_spoofing: MMSI {r.mmsi} {reason} at {here}",
                    values=rounded(values),
                    geometry=geom,
                    mmsi=r.mmsi,
                )
                if first or last.flag is None:
                    last.flag = finding
                last.flagged_t = t
                fresh[r.mmsi] = finding
        out = list(fresh.values())
        for mmsi, last in self._last.items():
            if mmsi in fresh or last.flagged_t is None or last.flag is None:
                continue
            if ctx.t - last.flagged_t <= hold_s:
                f = last.flag
                out.append(
                    Finding(
                        f.rule, f.key, False, True, f.severity, f.track_id, f.lat, f.lon, "", {}, None, f.mmsi
                    )
                )
            else:
                last.flagged_t, last.flag = None, None
        return out
