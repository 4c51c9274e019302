"""CoT decoding against the real libraries: XML made by pytak, TAK protobuf (mesh and stream) made by
takproto, decoded to the same event; each kind of bad input rejected with its reason; stream framing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import takproto
from cot_helpers import EPOCH, make_event, mesh_bytes, stream_bytes, xml_bytes

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import ObservationKind, TimeSource
from watchkeeper.ingest.cot.decoder import MAX_COT_BYTES, MS_TO_KN, classify, decode_cot, to_observation
from watchkeeper.ingest.cot.framing import CotStreamSplitter


@pytest.mark.parametrize("wire", ["xml", "mesh", "stream"])
def test_drone_position_decodes_identically_from_xml_and_both_protobuf_forms(wire: str) -> None:
    event = make_event()
    raw = {"xml": xml_bytes, "mesh": mesh_bytes, "stream": stream_bytes}[wire](event)
    got = decode_cot(raw)
    assert got.wire == wire
    assert got.uid == "DJI-M30T-7" and got.cot_type == "a-f-A-M-F-Q"
    assert got.time == EPOCH and got.start == EPOCH and got.stale == EPOCH + timedelta(seconds=120)
    # pytak truncates coordinates to 4 decimals (TAK-safe): that is what is on the wire
    assert got.lat == pytest.approx(50.9571) and got.lon == pytest.approx(1.6248)
    assert got.ce_m == pytest.approx(12.5) and got.hae == pytest.approx(80.0)
    assert got.callsign == "DRONE 7"
    assert got.course_deg == pytest.approx(231.5)
    assert got.speed_kn == pytest.approx(8.2 * MS_TO_KN)


def test_protobuf_round_trip_through_takproto_keeps_the_fields_the_cell_uses() -> None:
    raw = mesh_bytes(make_event(cot_type="a-u-S", remarks="inflatable, about 45 persons", callsign="SPOT 3"))
    parsed = takproto.parse_proto(bytearray(raw))  # the library's own reading of our input
    assert parsed.cotEvent.type == "a-u-S"
    got = decode_cot(raw)
    assert got.remarks == "inflatable, about 45 persons" and got.persons == 45
    obs = to_observation(got, "cot:udp:4242:127.0.0.1", 17, "UK-ONLY")
    assert obs is not None
    assert obs.kind is ObservationKind.BOAT and obs.obs_id == "cot:17"
    assert obs.event_time == EPOCH and obs.time_source is TimeSource.SENSOR
    assert obs.persons == 45 and obs.sensor_uid == got.uid and obs.marking == "UK-ONLY"


@pytest.mark.parametrize(
    ("cot_type", "kind"),
    [
        ("a-f-A-M-F-Q", ObservationKind.PLATFORM),  # our drone
        ("a-f-G-U-C", ObservationKind.PLATFORM),  # a beach patrol's TAK device
        ("b-m-p-s-p-i", ObservationKind.POINT_OF_INTEREST),  # where the drone's camera looks
        ("a-u-S", ObservationKind.BOAT),
        ("a-h-S-X", ObservationKind.BOAT),
        ("a-u-G", ObservationKind.PERSONS),  # people on the beach
        ("a-n-G-U-C-I", ObservationKind.PERSONS),
        ("a-u-A", ObservationKind.OTHER),
        ("u-d-f", ObservationKind.OTHER),
        ("t-x-c-t", None),  # ping
        ("b-t-f", None),  # GeoChat
    ],
)
def test_classification_by_cot_type(cot_type: str, kind: ObservationKind | None) -> None:
    assert classify(cot_type) == kind


def test_the_watchkeeper_detail_gives_persons_boat_type_and_a_declared_marking() -> None:
    raw = xml_bytes(
        make_event(cot_type="a-u-S", extra={"persons": "52", "boat_type": "inflatable", "marking": "UK-FR"})
    )
    got = decode_cot(raw)
    assert (got.persons, got.boat_type, got.extra["marking"]) == (52, "inflatable", "UK-FR")


def _xml(body: str) -> bytes:
    return body.encode()


GOOD_POINT = '<point lat="50.9" lon="1.6" hae="0" ce="10" le="10"/>'
T = 'time="2026-11-26T05:40:00Z" start="2026-11-26T05:40:00Z" stale="2026-11-26T05:42:00Z"'

BAD = [
    (b"", RejectReason.EMPTY),
    (b"  \r\n", RejectReason.EMPTY),
    (b"hello world", RejectReason.MALFORMED),
    (b"<event uid='x' type='a-u-S' " + T.encode() + b"><point lat='50' lon='1'/>", RejectReason.TRUNCATED),
    (b"<event uid='x' type='a-u-S'><point lat='50' lon='1'/></evnt>", RejectReason.MALFORMED),
    (_xml(f'<chat uid="x" type="a-u-S" {T}>{GOOD_POINT}</chat>'), RejectReason.UNKNOWN_MESSAGE_TYPE),
    (_xml(f'<event type="a-u-S" {T}>{GOOD_POINT}</event>'), RejectReason.MISSING_FIELD),
    (_xml(f'<event uid="x" {T}>{GOOD_POINT}</event>'), RejectReason.MISSING_FIELD),
    (_xml(f'<event uid="x" type="A U S" {T}>{GOOD_POINT}</event>'), RejectReason.BAD_FIELD),
    (_xml(f'<event uid="x" type="a-u-S" {T}></event>'), RejectReason.MISSING_FIELD),
    (_xml(f'<event uid="x" type="a-u-S" {T}><point lat="95" lon="1.6"/></event>'), RejectReason.OUT_OF_RANGE),
    (
        _xml(f'<event uid="x" type="a-u-S" {T}><point lat="50" lon="-181"/></event>'),
        RejectReason.OUT_OF_RANGE,
    ),
    (_xml(f'<event uid="x" type="a-u-S" {T}><point lat="north" lon="1"/></event>'), RejectReason.BAD_FIELD),
    (_xml(f'<event uid="x" type="a-u-S" {T}><point lat="nan" lon="1"/></event>'), RejectReason.BAD_FIELD),
    (
        _xml(f'<event uid="x" type="a-u-S" time="yesterday" start="x" stale="y">{GOOD_POINT}</event>'),
        RejectReason.BAD_TIME,
    ),
    (
        _xml(
            '<event uid="x" type="a-u-S" time="2026-11-26T05:40:00" start="2026-11-26T05:40:00" '
            f'stale="2026-11-26T05:42:00">{GOOD_POINT}</event>'
        ),
        RejectReason.BAD_TIME,
    ),
    (
        _xml(
            '<event uid="x" type="a-u-S" time="2026-11-26T05:40:00Z" start="2026-11-26T05:40:00Z" '
            f'stale="2026-11-26T05:00:00Z">{GOOD_POINT}</event>'
        ),
        RejectReason.BAD_TIME,
    ),
    (
        _xml(
            '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            f'<event uid="&lol2;" type="a-u-S" {T}>{GOOD_POINT}</event>'
        ),
        RejectReason.UNSAFE_XML,
    ),
    (
        _xml(
            f'<event uid="x" type="a-u-S" {T}>{GOOD_POINT}'
            '<detail><track course="400" speed="1"/></detail></event>'
        ),
        RejectReason.OUT_OF_RANGE,
    ),
    (b"<event>" + b"x" * MAX_COT_BYTES + b"</event>", RejectReason.TOO_LARGE),
    (b"\xbf\x01\xbf\xff\xff\xff", RejectReason.MALFORMED),  # mesh header, garbage protobuf
    (b"\xbf\x90", RejectReason.TRUNCATED),  # stream: the length varint is cut
    (b"\xbf\x20abc", RejectReason.TRUNCATED),  # stream: 32 bytes announced, 3 there
]


@pytest.mark.parametrize(("raw", "reason"), BAD, ids=[f"{r.value}-{i}" for i, (_, r) in enumerate(BAD)])
def test_bad_cot_is_rejected_with_its_reason(raw: bytes, reason: RejectReason) -> None:
    with pytest.raises(DecodeError) as err:
        decode_cot(raw)
    assert err.value.reason is reason
    assert err.value.detail  # a human-readable why


def test_a_stream_frame_with_bytes_after_it_and_a_message_without_event_are_refused() -> None:
    good = stream_bytes(make_event())
    with pytest.raises(DecodeError) as err:
        decode_cot(good + b"zz")
    assert err.value.reason is RejectReason.BAD_LENGTH
    empty_message = b"\xbf\x00"  # a zero-length TakMessage: no cotEvent
    with pytest.raises(DecodeError) as err:
        decode_cot(empty_message)
    assert err.value.reason is RejectReason.MISSING_FIELD


def test_splitter_cuts_mixed_xml_and_protobuf_streams_in_any_chunking() -> None:
    a = xml_bytes(make_event(uid="A"))
    b = stream_bytes(make_event(uid="B"))
    c = xml_bytes(make_event(uid="C"), declaration=False)
    stream = a + b"\n" + b + c + b"  \r\n" + b
    for size in (1, 3, 7, 64, len(stream)):
        splitter = CotStreamSplitter()
        units: list[bytes] = []
        for i in range(0, len(stream), size):
            units += splitter.feed(stream[i : i + size])
        units += splitter.flush()
        assert [decode_cot(u).uid for u in units] == ["A", "B", "C", "B"], size


@pytest.mark.parametrize("chunk", [4096, 1 << 20])
def test_splitter_passes_garbage_and_cut_events_on_to_be_rejected_never_drops_them(chunk: int) -> None:
    good = xml_bytes(make_event(uid="G"), declaration=False)
    huge = b"<event uid='huge'>" + b"y" * (MAX_COT_BYTES + 5000) + b"</event>"
    stream = b"GARBAGE" + good + huge + good + good[:40]
    splitter = CotStreamSplitter()
    units: list[bytes] = []
    for i in range(0, len(stream), chunk):
        units += splitter.feed(stream[i : i + chunk])
    units += splitter.flush()
    results = []
    for u in units:
        try:
            results.append(decode_cot(u).uid)
        except DecodeError as exc:
            results.append(exc.reason.value)
    assert results == ["malformed", "G", "too_large", "G", "truncated"]
