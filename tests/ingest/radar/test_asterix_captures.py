"""The ASTERIX decoder on the real captures of ../shared/data/radar/asterix_croatiacontrol/, compared field
by field with the reference decodes in sample_output/ (Croatia Control's GPL ``asterix`` tool's output,
read as text: a test oracle, never run, never a dependency).

Per wire format: pcap (CAT034 + CAT048; CAT062 + CAT065), the "GPS" recording format (CAT048), raw data
blocks (CAT048; CAT062 + CAT065; CAT034) and ``.ast`` (CAT021: not a category we decode, rejected).
For every record: its octets, the list of items present and each item's octets must equal the oracle's;
then every field the oracle prints must equal ours: integers and text exactly, scaled fields by their raw
integer exactly and their value to 1 part in 10⁶ (the oracle prints 7 decimals and some of its LSB
constants are rounded, e.g. 180/2²³ for I034/120: we use the spec's exact LSB). The only
fields not compared are the Comm-B registers inside I048/250 (aircraft data we keep as hex: their BDS
register number is compared).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from asterix_oracle import (
    OracleRecord,
    expected_value,
    flatten,
    item_spec,
    read_json_lines,
    read_text,
)

from watchkeeper.ingest.radar.asterix import AsterixRecord, categories, decode_stream
from watchkeeper.ingest.radar.recordings import PcapStats, read_gps, read_pcap, split_blocks

SKIP = re.compile(r"^(spare|FX$)", re.IGNORECASE)


@pytest.fixture(scope="module")
def captures(shared_data: Path) -> Path:
    return shared_data / "radar" / "asterix_croatiacontrol"


def _records(blocks: list[bytes]) -> list[AsterixRecord]:
    out: list[AsterixRecord] = []
    for data in blocks:
        for block in decode_stream(data):
            assert block.error is None, block.error
            out.extend(block.records)
    return out


def _pcap_records(path: Path) -> list[AsterixRecord]:
    stats = PcapStats()
    records = _records([payload for _ts, payload in read_pcap(path, stats)])
    assert stats.frames == stats.udp and not stats.skipped and not stats.truncated
    return records


def _compare_text(ours: list[AsterixRecord], oracle: list[OracleRecord]) -> int:
    """Field-by-field comparison with a text reference decode; returns the number of fields compared."""
    assert len(ours) == len(oracle)
    compared = 0
    for rec, ref in zip(ours, oracle, strict=True):
        assert rec.category == ref.category
        assert rec.raw == ref.hexdata
        assert list(rec.items) == [item.key for item in ref.items]
        cat = categories()[ref.category]
        for item in ref.items:
            assert rec.raw_items[item.key] == item.octets, item.key
            pairs = flatten(item_spec(cat, item.key), rec.items[item.key])
            for label, text in item.fields:
                if SKIP.match(label):
                    continue
                if item.key == "I250" and ref.category == 48:
                    if label == "BDS register":
                        bds = [f"{v['BDS1']:X}{v['BDS2']:X}" for v in rec.items["I250"]]
                        assert text in bds
                        compared += 1
                    continue
                found = [i for i, (lab, _v, _f) in enumerate(pairs) if lab == label]
                assert found, (ref.category, item.key, label)
                _lab, value, spec = pairs.pop(found[0])
                kind, expected, raw = expected_value(text)
                if isinstance(value, str):
                    assert value == text, (item.key, label)
                elif isinstance(value, float):
                    assert kind == "scaled" and spec.scale is not None, (item.key, label)
                    assert round(value / spec.scale) == raw, (item.key, label, value, text)
                    assert value == pytest.approx(expected, rel=1e-6, abs=5e-7), (item.key, label)
                else:
                    assert kind == "int" and value == expected, (item.key, label, value, text)
                compared += 1
    return compared


def test_pcap_cat034_cat048_matches_the_reference_decode(captures: Path) -> None:
    ours = _pcap_records(captures / "cat_034_048.pcap")
    oracle = read_text(captures / "sample_output" / "cat_034_048.txt")
    assert Counter(r.category for r in ours) == {48: 128, 34: 34}
    assert _compare_text(ours, oracle) > 5000


def test_gps_recording_matches_the_reference_decode(captures: Path) -> None:
    blocks = [block for _tod, block in read_gps((captures / "parsegps.gps").read_bytes())]
    ours = _records(blocks)
    oracle = read_text(captures / "sample_output" / "parsegps.txt")
    assert _compare_text(ours, oracle) > 500


def _compare_json(path: str, expected: Any, ours: Any) -> int:
    if isinstance(expected, dict):
        keys = [k for k in expected if k not in ("FX", "spare")]
        assert set(ours) == set(keys), path
        return sum(_compare_json(f"{path}/{k}", expected[k], ours[k]) for k in keys)
    if isinstance(expected, list):
        assert len(ours) == len(expected), path
        pairs = enumerate(zip(expected, ours, strict=True))
        return sum(_compare_json(f"{path}[{i}]", e, o) for i, (e, o) in pairs)
    if isinstance(expected, float) or isinstance(ours, float):
        assert float(ours) == pytest.approx(float(expected), abs=5e-7), path
    else:
        assert ours == expected, path
    return 1


def test_pcap_cat062_cat065_matches_the_reference_json(captures: Path) -> None:
    ours = _pcap_records(captures / "cat_062_065.pcap")
    oracle = read_json_lines(captures / "sample_output" / "cat_062_065_json.txt")
    assert [r.category for r in ours] == [o["cat"] for o in oracle] == [62, 62, 65]
    compared = 0
    for rec, ref in zip(ours, oracle, strict=True):
        assert rec.raw.hex().upper() == ref["hexdata"]
        items = ref[f"CAT{ref['cat']:03d}"]
        assert list(rec.items) == list(items)
        compared += _compare_json(f"CAT{ref['cat']}", items, rec.items)
    assert compared > 150


def test_raw_cat048_block_matches_its_record_in_the_reference(captures: Path) -> None:
    blocks = [b for _off, b in split_blocks((captures / "cat048.raw").read_bytes())]
    ours = _records(blocks)
    reference = read_text(captures / "sample_output" / "cat_034_048.txt")
    oracle = [r for r in reference if r.hexdata == ours[0].raw]
    assert len(ours) == 1 and oracle
    assert _compare_text(ours, oracle[:1]) > 30


def test_raw_cat062_cat065_blocks_match_the_published_values(captures: Path) -> None:
    """No text decode ships for this file; the decoder's own published test values are the oracle."""
    ours = _records([b for _off, b in split_blocks((captures / "cat062cat065.raw").read_bytes())])
    assert [(r.category, len(r.raw)) for r in ours] == [(62, 66), (62, 114), (65, 9)]
    a, b, status = (r.items for r in ours)
    assert a["I220"] == {"RoC": -443.75} and a["I015"] == {"SID": 4}
    assert a["I290"] == {"PSR": {"PSR": 7.25}, "SSR": {"SSR": 0.0}, "MDS": {"MDS": 63.75}}
    assert a["I135"] == {"QNH": 0, "CTBA": 15700.0} and a["I136"] == {"MFL": 15700.0}
    assert a["I185"] == {"Vx": -51.25, "Vy": 170.0} and a["I070"] == {"ToT": 30911.6640625}
    assert a["I100"] == {"X": -239083.0, "Y": -106114.0} and a["I130"] == {"Alt": 43300.0}
    assert a["I060"]["Mode3A"] == "4276" and a["I040"] == {"TrkN": 4980}
    assert a["I105"] == {"Lat": pytest.approx(44.73441302776337), "Lon": pytest.approx(13.0415278673172)}
    assert a["I340"]["POS"] == {"RHO": 186.6875, "THETA": 259.453125}
    assert a["I340"]["MDC"]["ModeC"] == 157.0 and a["I340"]["TYP"]["TYP"] == 2
    assert b["I380"]["ID"] == {"ACID": "SXD4723 "} and b["I380"]["ADR"] == {"ADR": "3C0A55"}
    assert b["I105"] == {"Lat": pytest.approx(45.40080785751343), "Lon": pytest.approx(15.13318419456482)}
    assert b["I040"] == {"TrkN": 7977} and b["I070"] == {"ToT": 30911.828125}
    assert b["I185"] == {"Vx": 141.5, "Vy": -170.75} and b["I130"] == {"Alt": 35312.5}
    # I062/390 (flight plan data) is kept as octets: they are the published text
    fpl = {k: bytes.fromhex(b["I390"][k]["hex"]).decode("ascii") for k in ("CSN", "DEP", "DST", "TAC")}
    assert fpl == {"CSN": "SXD4723", "DEP": "EDDL", "DST": "HELX", "TAC": "B738"}
    assert status == {"I010": {"SAC": 25, "SIC": 100}, "I000": {"Typ": 2}, "I015": {"SID": 4},
                      "I030": {"ToD": 30913.0546875}, "I020": {"BTN": 24}}  # fmt: skip


def test_raw_cat034_sector_crossing_decoded_by_the_spec(captures: Path) -> None:
    """No reference decode ships for cat034.raw: decoded here by hand from EUROCONTROL-SPEC-0149-2B
    (Ed. 1.27): 22 | 0010 | FSPEC F6 (FRN 1-4, 6, 7) | I010 190E | I000 02 | I030 3A692B | I020 40 |
    I050 88 40 40 (COM + SSR subfields) | I060 80 00 (COM subfield)."""
    data = (captures / "cat034.raw").read_bytes()
    assert data.hex() == "220010f6190e023a692b408840408000"
    (rec,) = _records([data])
    assert rec.items["I010"] == {"SAC": 25, "SIC": 14}
    assert rec.items["I000"] == {"MsgTyp": 2}  # sector crossing
    assert rec.items["I030"] == {"ToD": 0x3A692B / 128}
    assert rec.items["I020"] == {"Azi": 0x40 * 360 / 256}
    assert rec.items["I050"]["COM"]["RDPC"] == 1 and rec.items["I050"]["SSR"]["SSRCHAB"] == 2
    assert rec.items["I060"] == {"COM": {"REDRDP": 0, "REDXMT": 0}}
    assert rec.time_of_day_s == pytest.approx(29906.3359375)
