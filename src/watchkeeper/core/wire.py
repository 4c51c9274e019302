"""Observations on the bus: ``AisReport`` and ``Plot`` batches as JSON bytes, and back.

Subjects (DESIGN.md): ``obs.ais`` carries AIS report batches, ``obs.radar.<site>`` plot batches,
``obs.drone.<uid>`` and ``obs.report`` field-observation batches. A batch is one JSON object
``{"kind": "ais"|"plots"|"observations", "items": [...]}``; each item is the dataclass's fields with
times as ISO 8601 UTC strings and enums as their values. Decoding is strict: a message that does not
parse raises ``DecodeError`` (the consumer ledgers it, it never crashes a worker).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.core.types import AisReport, FieldObservation, ObservationKind, Plot, TimeSource

_AIS_FIELDS = tuple(f.name for f in fields(AisReport))
_PLOT_FIELDS = tuple(f.name for f in fields(Plot))


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(value: Any) -> datetime:
    t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"time {value!r} has no zone")
    return t.astimezone(UTC)


def _batch(kind: str, items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"kind": kind, "items": items}, separators=(",", ":")).encode()


def _items(payload: bytes, kind: str, what: str) -> list[Any]:
    """The items of a ``{"kind": kind, "items": [...]}`` batch; ``DecodeError`` otherwise."""
    try:
        body = json.loads(payload)
        if body.get("kind") != kind:
            raise ValueError(f"kind {body.get('kind')!r} is not {kind!r}")
        items = body["items"]
        if not isinstance(items, list):
            raise TypeError("items is not a list")
        return items
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DecodeError(RejectReason.MALFORMED, f"{what} message: {exc}") from None


def ais_items(reports: Sequence[AisReport]) -> list[dict[str, Any]]:
    """AIS reports as JSON-able dicts (the items of an ``obs.ais`` batch)."""
    items = []
    for r in reports:
        d = {name: getattr(r, name) for name in _AIS_FIELDS}
        d["event_time"] = _iso(r.event_time)
        d["time_source"] = r.time_source.value
        items.append(d)
    return items


def ais_from_items(items: Sequence[Any]) -> list[AisReport]:
    """The inverse of ``ais_items``; ``DecodeError`` when an item does not parse."""
    try:
        out = []
        for item in items:
            d = {k: item[k] for k in _AIS_FIELDS if k in item}
            d["event_time"] = _time(item["event_time"])
            d["time_source"] = TimeSource(item["time_source"])
            out.append(AisReport(**d))
        return out
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DecodeError(RejectReason.MALFORMED, f"AIS item: {exc}") from None


def encode_ais(reports: Sequence[AisReport]) -> bytes:
    return _batch("ais", ais_items(reports))


def decode_ais(payload: bytes) -> list[AisReport]:
    return ais_from_items(_items(payload, "ais", "obs.ais"))


def encode_plots(plots: Sequence[Plot]) -> bytes:
    items = []
    for p in plots:
        d = {name: getattr(p, name) for name in _PLOT_FIELDS}
        d["time"] = _iso(p.time)
        d["time_source"] = p.time_source.value
        items.append(d)
    return _batch("plots", items)


def decode_plots(payload: bytes) -> list[Plot]:
    items = _items(payload, "plots", "obs.radar")
    try:
        out = []
        for item in items:
            d = {k: item[k] for k in _PLOT_FIELDS if k in item}
            d["time"] = _time(item["time"])
            d["time_source"] = TimeSource(item["time_source"])
            out.append(Plot(**d))
        return out
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DecodeError(RejectReason.MALFORMED, f"obs.radar message: {exc}") from None


_OBS_FIELDS = tuple(f.name for f in fields(FieldObservation))


def observation_to_dict(o: FieldObservation) -> dict[str, Any]:
    """The JSON shape of a field observation (bus ``obs.drone.<uid>``/``obs.report``, API, live)."""
    d = {name: getattr(o, name) for name in _OBS_FIELDS}
    d["kind"] = o.kind.value
    d["event_time"] = _iso(o.event_time)
    d["time_source"] = o.time_source.value
    d["stale_time"] = None if o.stale_time is None else _iso(o.stale_time)
    return d


def encode_observations(observations: Sequence[FieldObservation]) -> bytes:
    """``{"kind": "observations", "items": [...]}``; each item carries its ``marking``."""
    return _batch("observations", [observation_to_dict(o) for o in observations])


def decode_observations(payload: bytes) -> list[FieldObservation]:
    return observations_from_items(_items(payload, "observations", "observation"))


def observations_from_items(items: Sequence[Any]) -> list[FieldObservation]:
    """Field observations from their dicts (``observation_to_dict``); ``DecodeError`` when malformed."""
    try:
        out = []
        for item in items:
            d = {k: item[k] for k in _OBS_FIELDS if k in item}
            d["kind"] = ObservationKind(item["kind"])
            d["event_time"] = _time(item["event_time"])
            d["time_source"] = TimeSource(item["time_source"])
            d["stale_time"] = None if item.get("stale_time") is None else _time(item["stale_time"])
            out.append(FieldObservation(**d))
        return out
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DecodeError(RejectReason.MALFORMED, f"observations message: {exc}") from None
