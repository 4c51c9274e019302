"""A spec-driven EUROCONTROL ASTERIX decoder for the categories coastal/VTS radars send.

CAT010 (surface movement plots and tracks), CAT034 (monoradar service messages), CAT048 (monoradar
target reports), CAT062 (SDPS system tracks), CAT065 (SDPS service status). One module per category
holds its UAP and item layouts, citing the EUROCONTROL specification part and edition.

Why not a library: Croatia Control's ``asterix_decoder`` is GPL-3 (not for an Apache-2.0 runtime);
``asterix4py`` says it builds on the discontinued pyasterix and on that GPL work. See docs/design.md,
"Radar ingest".
"""

from __future__ import annotations

from watchkeeper.ingest.radar.asterix import cat010, cat034, cat048, cat062, cat065
from watchkeeper.ingest.radar.asterix.cat010 import Cat010MessageType, Cat010Record
from watchkeeper.ingest.radar.asterix.cat034 import Cat034MessageType, Cat034Record
from watchkeeper.ingest.radar.asterix.cat048 import Cat048Record
from watchkeeper.ingest.radar.asterix.cat062 import Cat062Record
from watchkeeper.ingest.radar.asterix.cat065 import Cat065MessageType, Cat065Record
from watchkeeper.ingest.radar.asterix.framing import (
    AsterixRecord,
    BlockResult,
    block_header,
    categories,
    decode_datablock,
    decode_datagram,
    decode_stream,
)

Record = AsterixRecord

__all__ = [
    "AsterixRecord",
    "BlockResult",
    "Cat010MessageType",
    "Cat010Record",
    "Cat034MessageType",
    "Cat034Record",
    "Cat048Record",
    "Cat062Record",
    "Cat065MessageType",
    "Cat065Record",
    "Record",
    "block_header",
    "cat010",
    "cat034",
    "cat048",
    "cat062",
    "cat065",
    "categories",
    "decode_datablock",
    "decode_datagram",
    "decode_stream",
]
