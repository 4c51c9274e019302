"""Scoring a tracker against a scenario's truth: GOSPA, fragmentation, small-boat hold share.

- GOSPA (Rahmathullah, García-Fernández, Svensson 2017) with cut-off ``c`` (m), order ``p`` and
  ``alpha = 2``: ``(min_π Σ min(d, c)^p + c^p/2 · (#missed + #false))^(1/p)``, computed per truth time
  with ``linear_sum_assignment`` in UTM 31N. A pair farther than ``c`` counts as one miss and one false track.
- Only truth targets ``in_radar_coverage`` are scored, and, symmetrically, only estimates inside the
  coverage of some radar (AIS-only tracks beyond radar range are neither rewarded nor punished).
- Fragmentations: for each truth target, the number of distinct track ids that GOSPA assigned to it
  over the run, minus one (each break or id switch counts once), summed over targets.
- Small-boat hold share: share of (small boat, truth time) samples in coverage that have a track
  assigned within ``c``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from watchkeeper.geo.frames import to_utm
from watchkeeper.ingest.radar.scenario import parse_utc
from watchkeeper.tracking.measurement import RadarModel
from watchkeeper.tracking.models import FloatArray


@dataclass(slots=True)
class Truth:
    time: FloatArray  # seconds since the scenario epoch
    target_id: npt.NDArray[np.str_]
    kind: npt.NDArray[np.str_]
    xy: FloatArray
    in_coverage: npt.NDArray[np.bool_]


def load_truth(scenario_dir: Path | str, epoch: datetime) -> Truth:
    with (Path(scenario_dir) / "truth.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    t = np.array([(parse_utc(r["time_utc"]) - epoch).total_seconds() for r in rows])
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    x, y = to_utm(lon, lat)
    return Truth(
        time=t,
        target_id=np.array([r["target_id"] for r in rows]),
        kind=np.array([r["kind"] for r in rows]),
        xy=np.column_stack([x, y]),
        in_coverage=np.array([r["in_radar_coverage"] == "True" for r in rows]),
    )


@dataclass(slots=True)
class EstimateScan:
    """A tracker's estimates at one time (seconds since the epoch), UTM 31N."""

    time: float
    track_id: npt.NDArray[np.int64]
    xy: FloatArray


def gospa(
    truth_xy: FloatArray, est_xy: FloatArray, c: float = 500.0, p: float = 1.0
) -> tuple[float, list[tuple[int, int]]]:
    """GOSPA (alpha = 2) and the assigned (truth, estimate) pairs closer than ``c``."""
    m, n = truth_xy.shape[0], est_xy.shape[0]
    if m == 0 or n == 0:
        return float((c**p / 2.0 * (m + n)) ** (1.0 / p)), []
    d = np.hypot(truth_xy[:, None, 0] - est_xy[None, :, 0], truth_xy[:, None, 1] - est_xy[None, :, 1])
    dc = np.minimum(d, c) ** p
    r, k = linear_sum_assignment(dc)
    close = d[r, k] < c
    total = dc[r, k][close].sum() + c**p / 2.0 * (m + n - 2 * int(close.sum()))
    return float(total ** (1.0 / p)), [(int(a), int(b)) for a, b in zip(r[close], k[close], strict=True)]


@dataclass(slots=True)
class Score:
    gospa_mean: float
    fragmentations: int
    small_boat_hold_share: float
    scans: int
    per_scan_gospa: list[float] = field(default_factory=list)
    mean_false: float = 0.0
    mean_missed: float = 0.0


def score(
    truth: Truth,
    estimates: Iterable[EstimateScan],
    radars: Sequence[RadarModel],
    c: float = 500.0,
    p: float = 1.0,
) -> Score:
    """Score estimates at the truth times (estimates at other times are ignored)."""
    by_time: dict[float, EstimateScan] = {round(e.time, 3): e for e in estimates}
    times = np.unique(truth.time)
    g: list[float] = []
    assigned: dict[str, set[int]] = defaultdict(set)
    boat_samples = 0
    boat_held = 0
    false_total = 0
    missed_total = 0
    for t in times:
        sel = (truth.time == t) & truth.in_coverage
        txy, tid, tkind = truth.xy[sel], truth.target_id[sel], truth.kind[sel]
        est = by_time.get(round(float(t), 3))
        if est is None or est.xy.shape[0] == 0:
            exy, eid = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
        else:
            cov = np.zeros(est.xy.shape[0], dtype=bool)
            for r in radars:
                cov |= r.in_coverage(est.xy)
            exy, eid = est.xy[cov], est.track_id[cov]
        value, pairs = gospa(txy, exy, c, p)
        g.append(value)
        false_total += exy.shape[0] - len(pairs)
        missed_total += txy.shape[0] - len(pairs)
        held = np.zeros(txy.shape[0], dtype=bool)
        for a, b in pairs:
            assigned[str(tid[a])].add(int(eid[b]))
            held[a] = True
        boats = tkind == "small_boat"
        boat_samples += int(boats.sum())
        boat_held += int((held & boats).sum())
    frag = sum(max(len(ids) - 1, 0) for ids in assigned.values())
    n = max(len(g), 1)
    return Score(
        gospa_mean=float(np.mean(g)) if g else 0.0,
        fragmentations=frag,
        small_boat_hold_share=boat_held / boat_samples if boat_samples else 1.0,
        scans=len(g),
        per_scan_gospa=g,
        mean_false=false_total / n,
        mean_missed=missed_total / n,
    )
