"""The load test's traffic is what it claims to be, and the load test runs, checks and stops by itself.

The AIS lines are bit-packed by hand for speed (``bench/_load_traffic.py``): every field is checked here
against pyais's decode and against our own decoder; the radar rows must parse as scenario plot rows. The
smoke run is the real thing in miniature (private NATS server, fresh PostgreSQL database, ``watchkeeper
serve``, TCP feeds) at a low rate for a few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from pyais import decode

from watchkeeper.ingest.ais.decoder import AisDecoder
from watchkeeper.ingest.radar.scenario import parse_plot_row
from watchkeeper.sim import world

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # bench/ is not a package of the product
from bench._load_traffic import AisLines, make_vessels, radar_scan_rows  # noqa: E402

T0 = 1_796_000_000.0  # a fixed instant (2026-11-29), unix seconds


@pytest.fixture(scope="module")
def land() -> world.LandMask:
    return world.packaged_land()


def _sentence(line: bytes) -> str:
    return line.decode().strip().rsplit("\\", 1)[-1]


def test_ais_lines_decode_as_pyais_and_our_decoder_read_them(land: world.LandMask) -> None:
    vessels = make_vessels(400, 100, T0, seed=3, land=land)
    gen = AisLines(vessels, corrupt_every=97)
    t = T0 + 12.345
    lines = gen.take(3000, t)
    assert gen.lines == len(lines) >= 3000
    assert gen.positions + 2 * gen.statics + gen.corrupt == gen.lines
    assert gen.statics > 0 and 0 < gen.corrupt <= gen.lines // 97  # only single-line reports are spoilt

    # pyais, the oracle: every single-sentence position report, field by field
    by_mmsi = {int(m): i for i, m in enumerate(vessels.mmsi)}
    checked = 0
    for line in lines:
        s = _sentence(line)
        if ",2,1," in s or ",2,2," in s:
            continue
        try:
            msg = decode(s, error_if_checksum_invalid=True).asdict()
        except Exception:  # the corrupted lines: a wrong checksum
            continue
        i = by_mmsi[msg["mmsi"]]
        lat, lon = vessels.position(i, t)
        assert msg["msg_type"] == vessels.msg_type[i]
        lsb = 0.5 / 600_000 + 0.5e-6  # half the AIS resolution (1/10,000 min), and pyais rounds to 6 places
        assert msg["lat"] == pytest.approx(lat, abs=lsb) and msg["lon"] == pytest.approx(lon, abs=lsb)
        assert msg["speed"] == pytest.approx(round(vessels.sog_kn[i], 1), abs=0.051)
        assert msg["course"] == pytest.approx(round(vessels.cog_deg[i], 1) % 360, abs=0.051)
        assert msg["second"] == int(t) % 60
        checked += 1
    assert checked == gen.positions

    # ours: every line accepted but the corrupted ones, rejected for their checksum; statics name vessels
    result = AisDecoder("load").feed_many(list(enumerate(lines, start=1)), datetime.fromtimestamp(t, UTC), 1)
    assert result.accepted == gen.lines - gen.corrupt
    assert [r.reason.value for r in result.rejects] == ["bad_checksum"] * gen.corrupt
    positions = [r for r in result.reports if r.lat is not None]
    statics = [r for r in result.reports if r.msg_type == 5]
    assert len(positions) == gen.positions and len(statics) == gen.statics
    assert all(r.name and r.name.startswith("LOAD ") for r in statics)
    assert {r.event_time for r in result.reports} == {datetime.fromtimestamp(int(t * 1000) / 1000, UTC)}
    assert all(r.time_source.value == "tag_block" for r in result.reports)


def test_radar_scan_has_exactly_the_plots_asked_in_beam_order(land: world.LandMask) -> None:
    vessels = make_vessels(2000, 600, T0, seed=4, land=land)
    rng = np.random.default_rng(1)
    radar = world.RADARS[0]
    rows = radar_scan_rows(rng, radar, vessels, T0, 500, land)
    assert len(rows) == 500
    times = [r.time_s for r in rows]
    assert times == sorted(times) and times[0] >= T0 and times[-1] < T0 + radar.scan_period_s
    plots = [parse_plot_row(r.row.decode().strip().split(","), {radar.sensor_id}) for r in rows]
    assert all(0 < p.range_m <= radar.max_range_m + 200 for p in plots)
    assert {p.sensor_id for p in plots} == {radar.sensor_id}
    few = radar_scan_rows(rng, radar, vessels, T0 + 2.5, 50, land)  # more targets in range than plots
    assert len(few) == 50


@pytest.mark.postgres
@pytest.mark.nats
@pytest.mark.slow
def test_load_smoke_run_counts_every_line_and_stops_by_itself(pg_server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--duration", "4", "--ais-rate", "300",
         "--plots", "40", "--vessels", "400", "--in-coverage", "60", "--peer-duration", "2",
         "--drain", "60", "--out", str(out)],
        capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert time.monotonic() - t0 < 400
    (path,) = out.glob("load-*.json")
    report = json.loads(path.read_text())
    ais = report["ais"]
    assert ais["loss_check"]["ok"], ais["loss_check"]
    assert ais["loss_check"]["sent"] == ais["lines_sent"] > 900
    assert ais["loss_check"]["rejected"] == {"bad_checksum": ais["loss_check"]["corrupt_sent"]}
    assert ais["lag_to_postgres_s"]["n"] == ais["loss_check"]["position_rows"]
    assert report["radar"]["loss_check"]["ok"], report["radar"]["loss_check"]
    # radar flowed (at least one scan of one radar: a loaded machine connects the feed late, so not the
    # full 4 s worth) and every plot sent is accounted for (the loss check above)
    assert report["radar"]["loss_check"]["sent"] >= 40
    assert report["memory_mb"]["service"]["max"] > 0
    assert report["peer"]["rows"] == report["peer"]["lines_sent"] > 0
    assert "ais_achieved_to_offered" in report["ratios"]
