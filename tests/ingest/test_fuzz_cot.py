"""Property-based fuzzing of the field decoders (hypothesis): CoT XML, TAK protobuf (mesh and stream),
the CoT stream splitter, the durable field intake, and the observers' JSON reports.

The only outcomes allowed: a typed ``CotEvent``/``ReportDraft`` whose values are in range, or a
``DecodeError`` with a ``RejectReason``; the intake counts every unit once. Seeds:
``tests/ingest/fuzz-seeds/`` (CoT events built with pytak, as the CoT tests build them; TAK protobuf
made from them by takproto; report bodies with real JPEG/PNG/WebP photos made by Pillow). The long run is
``bench/fuzz_field.py`` (docs/reliability.md).
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import takproto
from fuzz_helpers import FUZZ, FUZZ_SLOW, mutated
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from takproto.proto import TakMessage

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.marking import Marking
from watchkeeper.ingest.cot.decoder import MAX_COT_BYTES, CotEvent, decode_cot
from watchkeeper.ingest.cot.framing import CotStreamSplitter
from watchkeeper.ingest.cot.intake import FieldIntake
from watchkeeper.ingest.cot.reports import parse_report
from watchkeeper.ingest.cot.store import FieldStore
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.store.db import make_engine, upgrade

SEEDS_DIR = Path(__file__).resolve().parent / "fuzz-seeds"
XML_SEEDS = [p.read_bytes() for p in sorted((SEEDS_DIR / "cot").glob("*.xml"))]
PROTO_SEEDS = [
    bytes(takproto.xml2proto(x, ver))
    for x in XML_SEEDS
    for ver in (takproto.TAKProtoVer.MESH, takproto.TAKProtoVer.STREAM)
]
COT_SEEDS = XML_SEEDS + PROTO_SEEDS
REPORT_SEEDS = [p.read_bytes() for p in sorted((SEEDS_DIR / "reports").glob("*.json"))]
RECEIVED = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def check_event(raw: bytes) -> CotEvent | None:
    """decode_cot: an event with sane values, or a DecodeError with a reason — nothing else."""
    try:
        event = decode_cot(raw)
    except DecodeError as exc:
        assert isinstance(exc.reason, RejectReason)
        return None
    assert event.uid and event.cot_type
    assert -90 <= event.lat <= 90 and -180 <= event.lon <= 180
    assert event.time.tzinfo is not None and event.start <= event.stale
    assert event.course_deg is None or 0 <= event.course_deg < 360
    assert event.speed_kn is None or (event.speed_kn >= 0 and math.isfinite(event.speed_kn))
    for v in (event.hae, event.ce_m, event.le_m):
        assert v is None or math.isfinite(v)
    assert event.persons is None or 0 <= event.persons <= 10_000
    return event


@FUZZ
@given(st.binary(max_size=400))
def test_cot_random_bytes(raw: bytes) -> None:
    check_event(raw)
    check_event(b"\xbf" + raw)
    check_event(b"\xbf\x01\xbf" + raw)


@FUZZ
@given(mutated(COT_SEEDS, max_ops=6))
def test_cot_mutated_seeds(raw: bytes) -> None:
    check_event(raw)


_ATTR_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "nan",
            "inf",
            "-1",
            "1e309",
            "361",
            "9999999",
            "9999-12-31T23:59:59-01:00",
            "0001-01-01T00:00:00+01:00",
            "2026-11-26T05:40:12",
            "2026-11-26T05:40:12Z",
            "a-f-A",
            "UK-FR",
            "SECRET",
            "10001",
            "-0",
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def xml_with_attributes_changed(draw: st.DrawFn) -> bytes:
    """A seed with attribute values replaced (times, numbers, types, markings): past the XML parser, the
    field checks meet the damage."""
    text = draw(st.sampled_from(XML_SEEDS)).decode()
    for _ in range(draw(st.integers(1, 4))):
        starts = [i for i in range(len(text)) if text.startswith('="', i)]
        i = draw(st.sampled_from(starts)) + 2
        j = text.index('"', i)
        value = draw(_ATTR_VALUES).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        text = text[:i] + value + text[j:]
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(xml_with_attributes_changed())
def test_cot_xml_fields(raw: bytes) -> None:
    check_event(raw)


_DOUBLES = st.one_of(st.floats(), st.sampled_from([0.0, 90.0, -180.0, 360.0, 9999999.0]))
_MS = st.one_of(st.integers(0, 2**64 - 1), st.sampled_from([0, 1, 1_795_000_000_000, 253_402_300_800_000]))


@st.composite
def tak_message(draw: st.DrawFn) -> bytes:
    """A TakMessage with every field the decoder reads drawn at random, framed mesh or stream."""
    msg = TakMessage()
    cot = msg.cotEvent
    cot.type = draw(st.sampled_from(["a-f-A-M-F-Q", "a-u-S", "t-x-c-t", "b-m-p-s-p-i", "", "x"]))
    cot.uid = draw(st.one_of(st.just("DRONE-1"), st.text(max_size=10)))
    cot.how = draw(st.text(max_size=20))
    cot.sendTime, cot.startTime, cot.staleTime = draw(_MS), draw(_MS), draw(_MS)
    cot.lat = draw(st.one_of(st.floats(-90, 90), _DOUBLES))
    cot.lon = draw(st.one_of(st.floats(-180, 180), _DOUBLES))
    cot.sendTime = draw(st.one_of(st.integers(1_700_000_000_000, 1_800_000_000_000), _MS))
    cot.staleTime = draw(st.one_of(st.integers(1_800_000_000_000, 1_900_000_000_000), _MS))
    cot.hae, cot.ce, cot.le = (draw(_DOUBLES) for _ in range(3))
    if draw(st.booleans()):
        cot.detail.track.course, cot.detail.track.speed = draw(_DOUBLES), draw(_DOUBLES)
    if draw(st.booleans()):
        cot.detail.contact.callsign = draw(st.text(max_size=10))
    if draw(st.booleans()):
        cot.detail.group.name = draw(st.text(max_size=10))
    if draw(st.booleans()):
        cot.detail.xmlDetail = draw(
            st.one_of(
                st.sampled_from(
                    ['<__watchkeeper persons="99999"/>', "<remarks>4 pob</remarks>", "</detail><x>"]
                ),
                st.text(max_size=40),
            )
        )
    payload = msg.SerializeToString()
    if draw(st.booleans()):
        return b"\xbf\x01\xbf" + payload
    return b"\xbf" + _varint(len(payload)) + payload


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


@FUZZ
@given(tak_message())
def test_tak_protobuf_fields(raw: bytes) -> None:
    check_event(raw)


@FUZZ
@given(st.lists(st.sampled_from(XML_SEEDS + PROTO_SEEDS[1::2]), min_size=1, max_size=6), st.data())
def test_stream_splitter_gives_back_the_units_however_the_bytes_arrive(
    units: list[bytes], data: st.DataObject
) -> None:
    """Whole events back to back (XML and TAK stream frames: a TCP stream carries no mesh frames), cut
    into arbitrary chunks: the same units come out, in order."""
    stream = b"\n".join(units)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    splitter = CotStreamSplitter()
    out: list[bytes] = []
    for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        out += splitter.feed(stream[a:b])
    out += splitter.flush()
    assert out == [u.strip(b" \t\r\n\x00") for u in units]


@FUZZ
@given(st.lists(st.one_of(mutated(COT_SEEDS), st.binary(max_size=50)), max_size=6), st.integers(1, 64))
def test_stream_splitter_on_damaged_streams(units: list[bytes], chunk: int) -> None:
    stream = b"".join(units)
    splitter = CotStreamSplitter(max_unit=512)
    out: list[bytes] = []
    for i in range(0, len(stream), chunk):
        out += splitter.feed(stream[i : i + chunk])
    out += splitter.flush()
    for unit in out:
        # a piece of what arrived (an oversized frame's header is passed on, then rescanned from the byte
        # after its magic: framing.py); a unit longer than max_unit is the decoder's to refuse (too_large)
        assert unit and unit in stream
        check_event(unit)


@pytest.fixture(scope="module")
def field_intake() -> Iterator[tuple[FieldIntake, Engine]]:
    d = Path(tempfile.mkdtemp(prefix="wk-fuzz-field-"))
    eng = make_engine(f"sqlite:///{d / 'store.db'}")
    upgrade(eng)
    intake = FieldIntake(InputLog(d / "log"), RejectsLedger(eng), FieldStore(eng), lambda s: "UK-FR")
    yield intake, eng
    intake.close()
    eng.dispose()
    shutil.rmtree(d, ignore_errors=True)


@FUZZ_SLOW
@given(
    st.lists(
        st.one_of(mutated(COT_SEEDS), xml_with_attributes_changed(), tak_message()), min_size=1, max_size=8
    )
)
def test_field_intake_counts_every_unit(field_intake: tuple[FieldIntake, Engine], units: list[bytes]) -> None:
    intake, _ = field_intake
    result = intake.ingest_cot("fuzz", list(enumerate(units, start=1)), RECEIVED)
    assert result.accepted + len(result.rejects) == len(units)
    assert result.control + len(result.observations) == result.accepted
    assert all(isinstance(r.reason, RejectReason) and r.raw == units[r.line_no - 1] for r in result.rejects)
    assert all(Marking(o.marking) for o in result.observations)


# -- observers' reports ---------------------------------------------------------------------------------


def check_report(raw: bytes, clearance: str = "UK-FR") -> None:
    try:
        draft = parse_report(raw, "observer", clearance, RECEIVED)
    except DecodeError as exc:
        assert isinstance(exc.reason, RejectReason) and exc.detail
        return
    assert -90 <= draft.lat <= 90 and -180 <= draft.lon <= 180
    assert draft.event_time.tzinfo is not None
    assert draft.persons is None or 0 <= draft.persons <= 10_000
    if draft.photo is not None:
        assert draft.photo.media_type in ("image/jpeg", "image/png", "image/webp")
        assert "/" not in draft.photo.filename and "\\" not in draft.photo.filename


_JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(
            ["9999-12-31T23:59:59-01:00", "2026-11-26T05:40:00", "UK-ONLY", "inflatable", "AAAA"]
        ),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def report_body(draw: st.DrawFn) -> bytes:
    """A seed report with fields replaced, removed or added (any JSON value), re-serialised."""
    doc = json.loads(draw(st.sampled_from(REPORT_SEEDS)))
    keys = ["time", "lat", "lon", "persons", "boat_type", "text", "marking", "photo", "extra"]
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(keys))
        if draw(st.booleans()):
            doc[key] = draw(_JSON_VALUES)
        else:
            doc.pop(key, None)
    if isinstance(doc.get("photo"), dict) and draw(st.booleans()):
        photo = doc["photo"].get("content_base64", "")
        cut = draw(st.integers(0, len(photo)))
        doc["photo"]["content_base64"] = photo[:cut] + draw(
            st.sampled_from(["", "=", "AAAA", "!!", photo[cut:]])
        )
    return json.dumps(doc, allow_nan=True).encode()


@FUZZ
@given(report_body(), st.sampled_from(["UK-ONLY", "UK-FR", "PUBLIC"]))
def test_report_fields(raw: bytes, clearance: str) -> None:
    check_report(raw, clearance)


@FUZZ
@given(st.one_of(mutated(REPORT_SEEDS, max_ops=6), st.binary(max_size=200)))
def test_report_mutated_bytes(raw: bytes) -> None:
    check_report(raw)


def test_found_cot_time_past_year_9999_in_utc() -> None:
    """``time="9999-12-31T23:59:59-01:00"``: valid ISO 8601, an hour past the last datetime once in UTC;
    once an ``OverflowError`` out of ``decode_cot``; now ``bad_time``."""
    raw = XML_SEEDS[0].replace(b'time="2026-11-26T05:40:12.250Z"', b'time="9999-12-31T23:59:59-01:00"')
    assert raw != XML_SEEDS[0]
    with pytest.raises(DecodeError) as err:
        decode_cot(raw)
    assert err.value.reason == RejectReason.BAD_TIME


def test_found_tak_protobuf_with_non_finite_height_or_speed() -> None:
    """A TakMessage with ``hae = NaN`` and ``track.speed = inf`` (found by test_tak_protobuf_fields) was
    accepted with a NaN height and an infinite speed; XML refuses them, and so does protobuf now."""
    for field_name in ("hae", "ce", "le", "speed"):
        msg = TakMessage()
        cot = msg.cotEvent
        cot.type, cot.uid, cot.lat, cot.lon = "a-u-S", "BOAT-1", 50.9, 1.6
        cot.sendTime, cot.staleTime = 1_795_000_000_000, 1_795_000_060_000
        cot.detail.track.course = 10.0
        target = cot.detail.track if field_name == "speed" else cot
        setattr(target, field_name, math.nan if field_name != "speed" else math.inf)
        with pytest.raises(DecodeError) as err:
            decode_cot(b"\xbf\x01\xbf" + msg.SerializeToString())
        assert err.value.reason == RejectReason.BAD_FIELD


@pytest.mark.parametrize("encoding", [b"nan", b"utf-32", b"cp037"])
def test_found_cot_xml_declaring_an_encoding_python_lacks_or_the_bytes_break(encoding: bytes) -> None:
    """``<?xml version="1.0" encoding="nan"?>``: once a ``LookupError`` out of ``decode_cot`` (found by
    test_cot_xml_fields); ``utf-32`` a ``ValueError`` (expat takes no multi-byte codec)."""
    raw = XML_SEEDS[0].replace(b'encoding="UTF-8"', b'encoding="' + encoding + b'"')
    assert raw != XML_SEEDS[0]
    with pytest.raises(DecodeError) as err:
        decode_cot(raw)
    assert isinstance(err.value.reason, RejectReason)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # RecursionError in json.loads
        b'{"lat": ' + b"1" * 5000 + b', "lon": 1}',  # ValueError: integer string conversion limit
        b'{"lat": 50, "lon": 1, "time": "9999-12-31T23:59:59-01:00"}',  # OverflowError in the validator
    ],
    ids=["deep_nesting", "5000_digit_number", "time_past_9999_in_utc"],
)
def test_found_report_bodies_that_escaped(body: bytes) -> None:
    """Bodies that once raised out of ``parse_report`` (a 500 from ``POST /api/reports``)."""
    assert len(body) <= MAX_COT_BYTES * 2
    with pytest.raises(DecodeError) as err:
        parse_report(body, "observer", "UK-FR", RECEIVED)
    assert err.value.reason in (RejectReason.MALFORMED, RejectReason.BAD_TIME, RejectReason.BAD_FIELD)
