"""Readers of the reference decodes in ../shared/data/radar/asterix_croatiacontrol/sample_output/.

They are the output of Croatia Control's ``asterix`` tool (GPL-3): used here only as a test oracle, read
as text, never run. Two shapes:

* text (``cat_034_048.txt``, ``parsegps.txt``): per record its ``HexData``, then per item
  ``Item NNN : title``, ``[ aa bb ]`` (the item's octets) and one ``label: raw (value unit)`` line per field;
* JSON lines (``cat_062_065_json.txt``): per record ``{"cat", "hexdata", "CAT062": {"I010": {...}}}``.

``flatten`` walks one of our decoded items beside its ``ItemSpec`` and lists ``(label, value, field)``,
so a text oracle line can be matched to our field by the spec's wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchkeeper.ingest.radar.asterix.framing import Category
from watchkeeper.ingest.radar.asterix.items import Compound, Explicit, Extended, Field, Fixed, Repetitive

_ITEM = re.compile(r"^Item (\d{3}|SP|RE) : (.*)$")
_FIELD = re.compile(r"^\t([^\t:][^:]*?): (.*)$")
_SCALED = re.compile(r"^(-?\d+) \((-?[0-9.]+)(?: [^)]*)?\)$")
_CODED = re.compile(r"^(-?\d+) \((.*)\)$")


@dataclass
class OracleItem:
    key: str  # "I010"
    title: str
    octets: bytes
    fields: list[tuple[str, str]] = field(default_factory=list)  # (label, value text)


@dataclass
class OracleRecord:
    category: int
    hexdata: bytes
    items: list[OracleItem] = field(default_factory=list)


def read_text(path: Path) -> list[OracleRecord]:
    """Records of a text-format reference decode, in file order."""
    records: list[OracleRecord] = []
    category = 0
    item: OracleItem | None = None
    expect_record_hex = False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Category: "):
            category = int(line.split(":")[1])
        elif line.startswith("Data Record"):
            expect_record_hex = True
            item = None
        elif line.startswith("HexData: ") and expect_record_hex:
            records.append(OracleRecord(category, bytes.fromhex(line.split(": ", 1)[1])))
            expect_record_hex = False
        elif m := _ITEM.match(line):
            key = m.group(1)
            item = OracleItem(key if key in ("SP", "RE") else f"I{key}", m.group(2), b"")
            records[-1].items.append(item)
        elif item is not None and line.startswith("[") and not item.octets:
            item.octets = bytes.fromhex(line.strip("[] "))
        elif item is not None and (m := _FIELD.match(line)):
            item.fields.append((m.group(1).strip(), m.group(2)))  # text values keep their trailing blanks
    return records


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """One dict per record of a JSON-lines reference decode (duplicate keys: the last wins)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


Flat = list[tuple[str, Any, Field]]


def _field_pairs(spec: Fixed, value: dict[str, Any]) -> Flat:
    return [(f.label, value[f.name], f) for f in spec.fields if f.name in value]


def flatten(spec: Any, value: Any) -> Flat:
    """``(label, decoded value, field spec)`` for every field of one decoded item, in spec order."""
    if isinstance(spec, Fixed):
        return _field_pairs(spec, value)
    if isinstance(spec, Extended):
        out: Flat = []
        for part in spec.parts:
            out.extend(_field_pairs(part, value))
        return out
    if isinstance(spec, Repetitive):
        return [pair for element in value for pair in flatten(spec.element, element)]
    if isinstance(spec, Compound):
        out = []
        for sub in spec.subfields:
            if sub is not None and sub[0] in value:
                out.extend(flatten(sub[1], value[sub[0]]))
        return out
    if isinstance(spec, Explicit):
        return []
    raise TypeError(f"unknown item spec {spec!r}")


def item_spec(category: Category, key: str) -> Any:
    for entry in category.uap:
        if entry is not None and entry[0] == key:
            return entry[1]
    raise KeyError(key)


def expected_value(text: str) -> tuple[str, Any, int | None]:
    """An oracle value as (kind, value, raw integer): ("scaled", float, raw), ("int", int, None) or
    ("text", str, None)."""
    if m := _SCALED.match(text):
        return "scaled", float(m.group(2)), int(m.group(1))
    if m := _CODED.match(text):
        return "int", int(m.group(1)), None
    try:
        return "int", int(text), None
    except ValueError:
        return "text", text, None
