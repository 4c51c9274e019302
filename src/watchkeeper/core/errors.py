"""The one error tree of watchkeeper.

::

    WatchkeeperError
    ├── DecodeError            input that cannot be decoded; carries a RejectReason
    ├── ConfigError            a setting is missing or refused
    ├── NotCovered             a question asked outside the data's area or period
    │   ├── SpatialNotCovered
    │   └── TemporalNotCovered
    └── AuthError              authentication or authorisation refused

Input that cannot be decoded is never an exception escaping an ingest loop: the decoder raises
``DecodeError`` and the ingest adapter turns it into a row of the rejects ledger.
"""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    """Why an input was rejected. Values are stable: they are counted, stored and reported."""

    EMPTY = "empty"
    NOT_TEXT = "not_text"
    TRUNCATED = "truncated"
    BAD_CHECKSUM = "bad_checksum"
    MALFORMED = "malformed"
    UNKNOWN_SENTENCE = "unknown_sentence"
    UNKNOWN_MESSAGE_TYPE = "unknown_message_type"
    INCOMPLETE_MULTIPART = "incomplete_multipart"
    INTERLEAVED_MULTIPART = "interleaved_multipart"
    OUT_OF_RANGE = "out_of_range"
    BAD_TAG_BLOCK = "bad_tag_block"
    UNKNOWN_CATEGORY = "unknown_category"
    BAD_LENGTH = "bad_length"
    BAD_FIELD = "bad_field"
    UNKNOWN_SENSOR = "unknown_sensor"
    TOO_LARGE = "too_large"
    COMMENT = "comment"  # a comment line (``#...``) in a recorded feed: kept and counted, carries no data
    FSPEC_OVERRUN = "fspec_overrun"  # ASTERIX FSPEC runs past the record data
    ITEM_OVERRUN = "item_overrun"  # an ASTERIX data item runs past the record data
    UNDEFINED_ITEM = "undefined_item"  # FSPEC/compound bit for an item the category does not define
    MISSING_FIELD = "missing_field"  # a field the format requires is absent (CoT uid, type, time)
    BAD_TIME = "bad_time"  # a time that does not parse, lacks a zone, or is out of order
    UNSAFE_XML = "unsafe_xml"  # XML with a DTD or entity declarations: refused unparsed (entity expansion)
    BAD_ATTACHMENT = "bad_attachment"  # an attachment that is not an allowed, decodable image


class WatchkeeperError(Exception):
    """Root of every error raised by watchkeeper."""


class DecodeError(WatchkeeperError):
    """An input could not be decoded. ``reason`` is counted; ``detail`` is for a human."""

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


class ConfigError(WatchkeeperError):
    """A setting is missing, malformed or refused (e.g. a demo secret outside development)."""


class NotCovered(WatchkeeperError):
    """A question was asked outside the area or period that the data covers."""


class SpatialNotCovered(NotCovered):
    """Outside the area covered."""


class TemporalNotCovered(NotCovered):
    """Outside the period covered."""


class AuthError(WatchkeeperError):
    """Authentication failed or the user may not do this."""
