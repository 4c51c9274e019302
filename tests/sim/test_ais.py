"""SIMULATED AIS: decodes with pyais, right identity and time, positions within the stated noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pyais.stream import IterMessages

from watchkeeper.geo.frames import GEOD
from watchkeeper.sim.ais import nmea_checksum, tag_block

START_UNIX = 1791165600  # 2026-10-05T02:00:00Z


def _decoded(scenario: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    lines = (scenario / "ais.nmea").read_bytes().splitlines()
    pos, static = [], []
    for msg in IterMessages(lines):
        tb = msg.tag_block
        assert tb is not None
        tb.init()
        assert tb.source_station == "wk-sim"
        d = msg.decode().asdict()
        t = int(tb.receiver_timestamp)
        if d["msg_type"] == 1:
            pos.append((t, d["mmsi"], d["lat"], d["lon"], d["speed"], d["course"], int(d["status"])))
        else:
            assert d["msg_type"] == 5
            static.append((t, d["mmsi"], d["shipname"], d["callsign"], int(d["ship_type"]), d["destination"]))
    return (
        pd.DataFrame(pos, columns=["unix", "mmsi", "lat", "lon", "sog", "cog", "status"]),
        pd.DataFrame(static, columns=["unix", "mmsi", "name", "callsign", "ship_type", "destination"]),
    )


def test_tag_block_checksum_is_nmea_xor() -> None:
    # the shared scenarios' first line carries this exact tag block
    assert tag_block(1791165600) == "\\s:wk-sim,c:1791165600*70\\"
    assert nmea_checksum("s:wk-sim,c:1791165601") == "71"


def test_every_tag_block_checksum_is_valid(scenario: Path) -> None:
    for line in (scenario / "ais.nmea").read_text(encoding="ascii").splitlines():
        fields, rest = line[1:].split("*", 1)
        assert rest[:2] == nmea_checksum(fields), line


def _carried(joined: pd.DataFrame, dt_s: np.ndarray) -> np.ndarray:
    """Distance (m) from each report to its truth row carried ``dt_s`` seconds along its course."""
    lon_t, lat_t, _ = GEOD.fwd(
        joined.lon_t.to_numpy(), joined.lat_t.to_numpy(), joined.cog_deg.to_numpy(),
        joined.sog_kn.to_numpy() * 1852 / 3600 * dt_s,
    )  # fmt: skip
    _, _, dist = GEOD.inv(joined.lon.to_numpy(), joined.lat.to_numpy(), lon_t, lat_t)
    return np.asarray(dist)


def test_positions_match_truth_within_noise(scenario: Path) -> None:
    pos, _ = _decoded(scenario)
    truth = pd.read_csv(scenario / "truth.csv")
    truth["t"] = (pd.to_datetime(truth.time_utc) - pd.Timestamp("2026-10-05T02:00:00Z")).dt.total_seconds()
    ais_truth = truth[truth.has_ais]
    # Truth every 2.5 s, AIS on whole seconds: carry the truth at the frame start forward along its course,
    # and the truth at the next frame backward. A ship that enters its lane inside a frame (a new ship
    # replacing one that left) reports before its first truth sample, so only the next frame holds it.
    pos["t"] = np.floor((pos.unix - START_UNIX) / 2.5) * 2.5
    pos["dt"] = pos.unix - START_UNIX - pos.t
    fwd = pos.merge(ais_truth, on="t", suffixes=("", "_t"))
    fwd["dist"] = _carried(fwd, fwd.dt.to_numpy())
    nxt = pos.assign(t=pos.t + 2.5).merge(ais_truth, on="t", suffixes=("", "_t"))
    nxt["dist"] = _carried(nxt, nxt.dt.to_numpy() - 2.5)
    assert len(fwd) > 1000
    joined = pd.concat([fwd, nxt], ignore_index=True)
    nearest = joined.loc[joined.groupby(["unix", "mmsi"]).dist.idxmin()]
    assert len(nearest) == len(pos.drop_duplicates(["unix", "mmsi"]))
    # every report lies within 6 sigma of 5 m of the target it belongs to
    assert nearest.dist.max() < 30.0
    sigma_2d = np.sqrt(np.mean(nearest.dist.to_numpy() ** 2) / 2)
    assert 4.0 < sigma_2d < 6.0
    # one MMSI, one target; speed and course are the truth's
    assert (nearest.groupby("mmsi").target_id.nunique() == 1).all()
    assert (nearest.kind != "small_boat").all()
    assert np.abs(nearest.sog - nearest.sog_kn).max() <= 0.051
    at_report = fwd[fwd.dt == 0]  # truth sampled at the report's own time
    same_time = at_report.loc[at_report.groupby(["unix", "mmsi"]).dist.idxmin()]
    assert len(same_time) > 100
    assert np.abs((same_time.cog - same_time.cog_deg + 180) % 360 - 180).max() <= 0.051
    assert ((nearest.kind == "fishing") == (nearest.status == 7)).all()
    # every AIS vessel in the truth reports
    missing = set(ais_truth.target_id) - set(nearest.target_id)
    assert not missing


def test_static_messages_name_every_vessel_early(scenario: Path) -> None:
    pos, static = _decoded(scenario)
    assert not static.empty
    assert (static.name.str.len() > 0).all() and (static.callsign.str.len() > 0).all()
    first_static = static.groupby("mmsi").unix.min()
    first_pos = pos.groupby("mmsi").unix.min()
    assert set(first_static.index) == set(first_pos.index)
    assert ((first_static - first_pos) <= 40).all()
    assert set(static.ship_type) <= {30, 60, 70, 71, 79, 80, 81, 89}


def test_reports_every_ten_seconds(scenario: Path) -> None:
    pos, _ = _decoded(scenario)
    gaps = pos.sort_values("unix").groupby("mmsi").unix.diff().dropna()
    assert (gaps == 10).all()
