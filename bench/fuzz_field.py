"""Coverage-guided fuzzing of the field decoders with atheris (libFuzzer): CoT XML, TAK protobuf (mesh
and stream frames), the CoT stream splitter, and the observers' JSON reports (photos included).

    .venv/bin/python bench/fuzz_field.py -max_total_time=600   # a long run (docs/reliability.md)
    .venv/bin/python bench/fuzz_field.py -runs=20000           # a bounded run

The first octet of an input picks the target: ``decode_cot`` on the rest; the stream splitter fed the
rest in chunks of (second octet) bytes, each unit then decoded; or ``parse_report`` on the rest. The run
fails (libFuzzer writes the input to ``crash-*``) if anything but a ``DecodeError`` with a
``RejectReason`` escapes, or a decoded event or report holds a value out of range. Seeds:
``tests/ingest/fuzz-seeds/`` (CoT built with pytak, the TAK protobuf of each made by takproto, report
bodies with real JPEG/PNG/WebP photos).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import atheris
import pydantic  # noqa: F401  (imported before the instrumented block, so left uninstrumented)
import takproto

from _fuzz import SEEDS, run
from watchkeeper.core.errors import DecodeError, RejectReason

# our decoders and Pillow's image plugins (a photo is decoded whole) are instrumented; pydantic, protobuf
# and the XML parser (C) are not what is fuzzed here
with atheris.instrument_imports(include=["watchkeeper", "PIL"]):
    from PIL import Image

    from watchkeeper.ingest.cot.decoder import decode_cot
    from watchkeeper.ingest.cot.framing import CotStreamSplitter
    from watchkeeper.ingest.cot.reports import parse_report

    Image.init()  # the image plugins load here, inside the block, instead of lazily at the first photo

TARGETS = ("cot", "stream", "report")
RECEIVED = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def _cot(raw: bytes) -> None:
    try:
        event = decode_cot(raw)
    except DecodeError as exc:
        if not isinstance(exc.reason, RejectReason):
            raise AssertionError(f"reject without a reason: {exc!r}") from None
        return
    if not (-90 <= event.lat <= 90 and -180 <= event.lon <= 180) or event.stale < event.start:
        raise AssertionError(f"event out of range: {event}")
    for v in (event.hae, event.ce_m, event.le_m, event.speed_kn, event.course_deg):
        if v is not None and not math.isfinite(v):
            raise AssertionError(f"non-finite value in {event}")


def _stream(data: bytes) -> None:
    if len(data) < 2:
        return
    chunk, data = max(data[0], 1), data[1:]
    splitter = CotStreamSplitter(max_unit=2048)
    units: list[bytes] = []
    for i in range(0, len(data), chunk):
        units += splitter.feed(data[i : i + chunk])
    units += splitter.flush()
    for unit in units:
        if not unit or unit not in data:
            raise AssertionError(f"unit not from the stream: {unit[:40]!r}")
        _cot(unit)


def _report(raw: bytes) -> None:
    try:
        draft = parse_report(raw, "observer", "UK-FR", RECEIVED)
    except DecodeError as exc:
        if not isinstance(exc.reason, RejectReason) or not exc.detail:
            raise AssertionError(f"reject without a reason: {exc!r}") from None
        return
    if not (-90 <= draft.lat <= 90 and -180 <= draft.lon <= 180) or draft.event_time.tzinfo is None:
        raise AssertionError(f"report out of range: {draft}")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    target = TARGETS[data[0] % len(TARGETS)]
    if target == "cot":
        _cot(data[1:])
    elif target == "stream":
        _stream(data[1:])
    else:
        _report(data[1:])


def write_seeds(corpus: Path) -> None:
    def seed(name: str, target: str, body: bytes) -> None:
        (corpus / f"seed-{target}-{name}").write_bytes(bytes([TARGETS.index(target)]) + body)

    xml = {p.stem: p.read_bytes() for p in sorted((SEEDS / "cot").glob("*.xml"))}
    for name, raw in xml.items():
        seed(name, "cot", raw)
        seed(f"{name}-mesh", "cot", bytes(takproto.xml2proto(raw, takproto.TAKProtoVer.MESH)))
        stream = bytes(takproto.xml2proto(raw, takproto.TAKProtoVer.STREAM))
        seed(f"{name}-stream", "cot", stream)
        seed(name, "stream", bytes([97]) + raw + b"\n" + stream)
    for p in sorted((SEEDS / "reports").glob("*.json")):
        seed(p.stem, "report", p.read_bytes())


if __name__ == "__main__":
    run("field", write_seeds, test_one_input)
