"""The strait's packaged geography layers: land, coastline, the 1988 UK–FR boundary, TSS, places.

The command cell has no internet, so the layers the page and the zone queries need at run time are
packaged in ``watchkeeper/geo/data/`` (built by ``scripts/build_geo_layers.py`` from
``../shared/data/geography/``; licences and attribution in ``data/NOTICE``). Every layer is a GeoJSON
FeatureCollection in WGS84 lon/lat (RFC 7946); ``layers.json`` carries each layer's title, attribution,
licence, source file, feature count and size.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

_PACKAGE = "watchkeeper.geo"


def _data_text(filename: str) -> str:
    return resources.files(_PACKAGE).joinpath("data", filename).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _manifest() -> tuple[dict[str, Any], ...]:
    entries: list[dict[str, Any]] = json.loads(_data_text("layers.json"))
    return tuple(entries)


def list_layers() -> list[dict[str, Any]]:
    """Metadata of every packaged layer, in drawing order (bottom first).

    Each dict has ``name``, ``title``, ``attribution``, ``licence``, ``source``, ``note``, ``file``,
    ``features`` (count), ``bytes`` (packaged size) and ``simplify_m`` (simplification tolerance in
    metres on the ground, ``None`` when not simplified). Callers get copies they may change.
    """
    return [dict(entry) for entry in _manifest()]


def layer_names() -> list[str]:
    """Names accepted by :func:`load_layer`, in drawing order."""
    return [str(entry["name"]) for entry in _manifest()]


@lru_cache(maxsize=16)
def layer_bytes(name: str) -> bytes:
    """The layer's GeoJSON as UTF-8 bytes, ready to send (raises ``KeyError`` for an unknown name)."""
    for entry in _manifest():
        if entry["name"] == name:
            return _data_text(str(entry["file"])).encode("utf-8")
    raise KeyError(name)


def load_layer(name: str) -> dict[str, Any]:
    """The layer as a GeoJSON FeatureCollection dict (a fresh copy per call).

    Raises ``KeyError`` when ``name`` is not a packaged layer.
    """
    fc: dict[str, Any] = json.loads(layer_bytes(name))
    return fc
