"""Radar ingest: every packet or line to the input log first; what does not decode to the rejects ledger with
its reason and raw bytes, counted; what decodes handed on as Plots. ``packets == accepted + rejected``."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from radar_helpers import nmea, write_pcap
from sqlalchemy import Engine, select

from watchkeeper.core.types import Plot, TimeSource
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.ingest.radar.pipeline import RadarIngest
from watchkeeper.store.models import RejectRow


@pytest.fixture(scope="module")
def cat048(shared_data: Path) -> bytes:
    return (shared_data / "radar" / "asterix_croatiacontrol" / "cat048.raw").read_bytes()


@pytest.fixture(scope="module")
def cat021(shared_data: Path) -> bytes:
    data = (shared_data / "radar" / "asterix_croatiacontrol" / "cat21_re.ast").read_bytes()
    return data[: (data[1] << 8) | data[2]]  # its first block


def _ingest(tmp_path: Path, engine: Engine, path: Path, fmt: str = "auto", start: date | None = None):
    plots: list[Plot] = []
    with InputLog(tmp_path / "log") as log:
        run = RadarIngest(log, RejectsLedger(engine), start, {"25-201": "radar_test"}, on_plot=plots.append)
        run.ingest(path, fmt)
        logged = list(log.read())
    return run.summary, plots, logged


def _ledger(engine: Engine) -> list[RejectRow]:
    with engine.connect() as conn:
        return list(conn.execute(select(RejectRow.__table__).order_by(RejectRow.id)))


def test_bad_asterix_datagrams_go_to_the_ledger_with_their_reason(
    tmp_path: Path, engine: Engine, cat048: bytes, cat021: bytes
) -> None:
    cases = {
        "truncated": b"\x30\x00",  # not even a block header
        "bad_length": b"\x30\x00\x02",  # LEN < 3
        "truncated_block": cat048[:40],  # LEN 48, 40 octets
        "unknown_category": cat021,  # CAT021: not decoded here
        "fspec_overrun": b"\x30\x00\x05\xff\xff",  # FX set to the end of the block
        "undefined_item": b"\x3e\x00\x04\x40",  # CAT062 FRN 2 is a spare bit
        "item_overrun": b"\x30\x00\x14" + cat048[3:20],  # I048 items cut by a LEN of 20
        "empty_fspec": b"\x30\x00\x04\x00",
    }
    expected = {
        "truncated": "truncated", "bad_length": "bad_length", "truncated_block": "truncated",
        "unknown_category": "unknown_category", "fspec_overrun": "fspec_overrun",
        "undefined_item": "undefined_item", "item_overrun": "item_overrun", "empty_fspec": "malformed",
    }  # fmt: skip
    payloads = [cat048, *cases.values(), cat048 + cat021]  # last: a good block and a bad one together
    pcap = write_pcap(tmp_path / "bad.pcap", payloads)
    summary, plots, logged = _ingest(tmp_path, engine, pcap)
    assert summary.packets == len(payloads) == len(logged)  # every datagram logged before decoding
    assert [r.raw for r in logged] == payloads
    assert summary.accepted == 1
    assert summary.packets == summary.accepted + sum(summary.rejected.values())
    rows = _ledger(engine)
    assert [r.reason for r in rows] == [*expected.values(), "unknown_category"]
    assert [r.raw for r in rows] == payloads[1:]
    assert [r.line_no for r in rows] == list(range(2, len(payloads) + 1))
    assert all(r.detail and r.log_seq for r in rows)
    # the good block decodes alone and inside the mixed datagram: nothing readable is lost
    assert len(plots) == 2
    for p in plots:
        assert p.sensor_id == "radar_test" and p.time_source is TimeSource.SENSOR
        assert p.range_m == pytest.approx(197.68359375 * 1852.0)
        assert p.bearing_deg == pytest.approx(340.13671875)
        # time of day 27354.6015625 s resolved against the capture date (2026-10-05)
        assert p.time == datetime(2026, 10, 5, 7, 35, 54, 601562, tzinfo=UTC)
    assert RejectsLedger(engine).stored_counts() == {
        (f"file:{pcap}", reason): n
        for reason, n in {"truncated": 2, "bad_length": 1, "unknown_category": 2, "fspec_overrun": 1,
                          "undefined_item": 1, "item_overrun": 1, "malformed": 1}.items()
    }  # fmt: skip


def test_cut_pcap_keeps_what_was_whole(tmp_path: Path, engine: Engine, cat048: bytes) -> None:
    pcap = write_pcap(tmp_path / "cut.pcap", [cat048, cat048])
    cut = tmp_path / "cut2.pcap"
    cut.write_bytes(pcap.read_bytes()[:-10])  # the capture ends inside the second frame
    summary, plots, _ = _ingest(tmp_path, engine, cut)
    assert summary.packets == summary.accepted == 1 and len(plots) == 1


def test_raw_and_ast_files_frame_blocks_by_len(
    tmp_path: Path, engine: Engine, cat048: bytes, cat021: bytes
) -> None:
    raw = tmp_path / "feed.ast"
    raw.write_bytes(cat048 + cat021 + cat048 + b"\x30\x01")  # a torn last block
    summary, plots, _ = _ingest(tmp_path, engine, raw, start=date(2024, 1, 1))
    assert summary.packets == 4 and summary.accepted == 2
    assert dict(summary.rejected) == {"unknown_category": 1, "truncated": 1}
    assert [p.time.date() for p in plots] == [date(2024, 1, 1)] * 2


def test_nmea_arpa_lines(tmp_path: Path, engine: Engine) -> None:
    ttm = nmea("RATTM,01,2.50,045.0,T,5.2,270.0,T,0.5,-3.2,N,BOAT1,T,,021500.00,A")
    lines = [
        ttm,
        nmea("RATLL,02,5102.345,N,00130.500,E,TGT2,021501.00,T,"),
        nmea("RATTM,03,1.00,010.0,T,3.0,090.0,T,0.5,2.0,N,,L,,021502.00,A"),  # lost: accepted, no plot
        ttm[:-2] + "00",  # bad checksum
        nmea("RATTM,04,1.00,010.0,R,3.0,090.0,T,0.5,2.0,N,,T,,021503.00,A"),  # relative, no own heading
        nmea("RAOSD,12.0,A,10.0,M,5.0,M,,,N"),  # own-ship data, not a target
    ]
    path = tmp_path / "arpa.nmea"
    path.write_bytes("\r\n".join(lines).encode() + b"\r\n\xff\xfe\r\n")
    summary, plots, logged = _ingest(tmp_path, engine, path, start=date(2026, 10, 5))
    assert summary.packets == len(logged) == 7
    assert summary.accepted == 3
    assert dict(summary.rejected) == {"bad_checksum": 1, "bad_field": 1, "unknown_sentence": 1, "not_text": 1}
    ttm_plot, tll_plot = plots
    assert ttm_plot.range_m == pytest.approx(2.5 * 1852.0) and ttm_plot.bearing_deg == 45.0
    assert ttm_plot.sog_kn == 5.2 and ttm_plot.cog_deg == 270.0 and ttm_plot.sensor_track_id == "1"
    assert ttm_plot.time == datetime(2026, 10, 5, 2, 15, tzinfo=UTC)
    assert tll_plot.lat == pytest.approx(51 + 2.345 / 60) and tll_plot.lon == pytest.approx(1 + 30.5 / 60)
    assert math.isnan(tll_plot.range_m)
    assert {r.reason for r in _ledger(engine)} == set(summary.rejected)


def test_scenario_plot_csv(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "plots.csv"
    path.write_text(
        "time_utc,sensor_id,range_m,bearing_deg\n"
        "2026-10-05T02:00:00.033Z,radar_langdon,12000.5,45.125\n"
        "2026-10-05T02:00:00.040,radar_langdon,12000.5,45.125\n"  # no zone: refused
        "2026-10-05T02:00:00.050Z,radar_langdon,12000.5\n"
        "2026-10-05T02:00:00.060Z,radar_langdon,-3,45\n"
        "2026-10-05T02:00:00.070Z,radar_langdon,12000,north\n"
    )
    summary, plots, _ = _ingest(tmp_path, engine, path)
    assert summary.packets == 6 and summary.accepted == 2  # header + one plot
    assert dict(summary.rejected) == {"bad_field": 2, "malformed": 1, "out_of_range": 1}
    assert [(p.range_m, p.bearing_deg) for p in plots] == [(12000.5, 45.125)]
