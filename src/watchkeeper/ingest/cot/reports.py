"""Observer and beach-patrol reports: the JSON body checked field by field, the photo sniffed and decoded.

A report (``POST /api/reports``) is raw input like any other: its bytes go to the input log before
this runs, and what fails here goes to the rejects ledger with the reason. Body::

    {"time": "2026-11-26T05:40:00Z",        # when it was seen (event time); omitted: receive time, flagged
     "lat": 50.95, "lon": 1.62,             # WGS84 degrees, required
     "persons": 45, "boat_type": "inflatable",
     "text": "boat launching from the beach north of the dunes",
     "marking": "UK-ONLY",                  # at most the reporter's clearance; default: the reporter's own
     "photo": {"filename": "IMG_0042.jpg", "content_base64": "..."}}

Photos: JPEG, PNG or WebP only, at most ``MAX_PHOTO_BYTES`` and ``MAX_PHOTO_PIXELS``; the type is what
Pillow finds in the bytes (never the file name or a client's word), and the image must decode whole.
SVG, HTML or anything else is refused: a photo is only ever served back as the image type found.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.marking import may_see, parse_marking
from watchkeeper.core.types import ObservationKind, TimeSource

MAX_REPORT_BYTES = 8 * 1024 * 1024  # the JSON body, photo (base64) included
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_FUTURE = timedelta(minutes=5)  # a report "seen" later than this after its receipt is refused
PHOTO_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
_FILENAME_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class BoatType(StrEnum):
    INFLATABLE = "inflatable"  # the overloaded inflatables of the crossings
    RIB = "rib"
    DINGHY = "dinghy"
    KAYAK = "kayak"
    FISHING = "fishing"
    YACHT = "yacht"
    OTHER = "other"
    UNKNOWN = "unknown"


class PhotoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field("photo", max_length=255)
    content_base64: str = Field(min_length=4)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time: datetime | None = None
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    persons: int | None = Field(None, ge=0, le=10_000)
    boat_type: BoatType | None = None
    text: str = Field("", max_length=4000)
    marking: str | None = None
    photo: PhotoIn | None = None

    @field_validator("time")
    @classmethod
    def _zone(cls, t: datetime | None) -> datetime | None:
        if t is not None and t.tzinfo is None:
            raise ValueError("give a time zone (e.g. 2026-11-26T05:40:00Z)")
        try:
            return None if t is None else t.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59:59-01:00 is past the last datetime once in UTC
            raise ValueError("time outside the years 1..9999 in UTC") from None


@dataclass(frozen=True, slots=True)
class Photo:
    media_type: str
    extension: str
    data: bytes
    sha256: str
    width: int
    height: int
    filename: str


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """A report that passed every check, ready to store."""

    reporter: str
    event_time: datetime
    time_source: TimeSource
    lat: float
    lon: float
    persons: int | None
    boat_type: str | None
    text: str
    marking: str
    photo: Photo | None

    @property
    def kind(self) -> ObservationKind:
        if self.boat_type is not None:
            return ObservationKind.BOAT
        if self.persons:
            return ObservationKind.PERSONS
        return ObservationKind.OTHER


def _reason_of(error: dict[str, Any]) -> RejectReason:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return RejectReason.MISSING_FIELD
    if kind.startswith(("greater_than", "less_than")):
        return RejectReason.OUT_OF_RANGE
    if kind.startswith(("datetime", "date", "time")):
        return RejectReason.BAD_TIME
    if kind == "value_error" and tuple(error.get("loc", ()))[:1] == ("time",):  # no zone, past year 9999
        return RejectReason.BAD_TIME
    return RejectReason.BAD_FIELD


def sniff_photo(raw: bytes, filename: str) -> Photo:
    """The photo as an allowed, whole image; ``DecodeError(bad_attachment | too_large)`` otherwise."""
    if len(raw) > MAX_PHOTO_BYTES:
        raise DecodeError(RejectReason.TOO_LARGE, f"photo of {len(raw)} bytes > {MAX_PHOTO_BYTES}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
                if fmt not in PHOTO_TYPES:
                    raise DecodeError(
                        RejectReason.BAD_ATTACHMENT, f"photo is {fmt or 'unknown'}: JPEG, PNG or WebP only"
                    )
                if width * height > MAX_PHOTO_PIXELS:
                    raise DecodeError(RejectReason.TOO_LARGE, f"photo of {width}x{height} pixels is too big")
            with Image.open(io.BytesIO(raw)) as img:
                img.load()  # decode it whole: a truncated or doctored file fails here
    except DecodeError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise DecodeError(RejectReason.BAD_ATTACHMENT, f"photo does not decode as an image: {exc}") from None
    media_type, ext = PHOTO_TYPES[fmt]
    stem = (
        _FILENAME_SAFE.sub("_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")[:80] or "photo"
    )
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return Photo(media_type, ext, raw, hashlib.sha256(raw).hexdigest(), width, height, f"{stem}.{ext}")


def parse_report(raw: bytes, reporter: str, clearance: str, receive_time: datetime) -> ReportDraft:
    """A checked report from the raw request body; ``DecodeError`` with a reason and a clear detail."""
    if not raw.strip():
        raise DecodeError(RejectReason.EMPTY, "empty report")
    if len(raw) > MAX_REPORT_BYTES:
        raise DecodeError(RejectReason.TOO_LARGE, f"report of {len(raw)} bytes > {MAX_REPORT_BYTES}")
    try:
        body = json.loads(raw)
    except UnicodeDecodeError:
        raise DecodeError(RejectReason.NOT_TEXT, "report is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DecodeError(RejectReason.MALFORMED, f"report is not JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:  # a number past 4,300 digits; arrays nested too deep
        raise DecodeError(RejectReason.MALFORMED, f"report is not usable JSON: {str(exc)[:120]}") from None
    if not isinstance(body, dict):
        raise DecodeError(RejectReason.MALFORMED, "report must be a JSON object")
    try:
        report = ReportIn.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "report"
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())) or 'report'}: {e.get('msg', 'invalid')}"
            for e in errors[:5]
        )
        raise DecodeError(_reason_of(dict(first)), detail or where) from None
    if report.time is None:
        event_time, source = receive_time, TimeSource.RECEIVE
    else:
        event_time, source = report.time, TimeSource.SENSOR
        if event_time > receive_time + MAX_FUTURE:
            raise DecodeError(RejectReason.BAD_TIME, f"time {event_time.isoformat()} is in the future")
    try:
        marking = parse_marking(report.marking or clearance).value
    except ValueError as exc:
        raise DecodeError(RejectReason.BAD_FIELD, f"marking: {exc}") from None
    if not may_see(clearance, marking):
        raise DecodeError(
            RejectReason.BAD_FIELD,
            f"marking: you may not mark a report {marking} (your clearance is {clearance})",
        )
    photo = None
    if report.photo is not None:
        try:
            data = base64.b64decode(report.photo.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise DecodeError(RejectReason.BAD_ATTACHMENT, "photo.content_base64 is not base64") from None
        photo = sniff_photo(data, report.photo.filename)
    return ReportDraft(
        reporter=reporter,
        event_time=event_time,
        time_source=source,
        lat=report.lat,
        lon=report.lon,
        persons=report.persons,
        boat_type=None if report.boat_type is None else report.boat_type.value,
        text=report.text.strip(),
        marking=marking,
        photo=photo,
    )
