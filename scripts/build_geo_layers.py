"""Build the packaged run-time geography layers from ``../shared/data/geography/``.

The page and the zone queries need the strait's geography at run time on machines with no internet, so a
small copy is packaged in ``src/watchkeeper/geo/data/``. This script is how that copy was made; rerun it
when the shared sources change:

    .venv/bin/python scripts/build_geo_layers.py [--source ../shared/data/geography]

What it does, per layer (all output WGS84 lon/lat, RFC 7946 GeoJSON):

* lines and polygons are simplified with shapely (Douglas–Peucker, ``preserve_topology``) in UTM 31N
  metres, tolerance ``SIMPLIFY_M`` (25 m): at the scale of the strait (1:50 000 – 1:500 000, a screen
  pixel is 13–130 m) the coastline is visually unchanged while the vertex count falls by ~3–5x;
* coordinates are rounded to ``DECIMALS`` (5 decimals ≈ 1.1 m north, 0.7 m east);
* properties are cut to what the product uses; licence and attribution go into ``layers.json`` and
  ``NOTICE`` beside the data.

The 1988 boundary is not simplified (it is a legal line, already a rhumb-line densification) and its six
turning points I–VI are added as Point features from the points CSV.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from watchkeeper.geo.frames import _to_utm, _to_wgs84

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "geography"
OUT = REPO / "src" / "watchkeeper" / "geo" / "data"
SIMPLIFY_M = 25.0
DECIMALS = 5

# ``attribution`` is the short credit shown on the map; ``credit`` the full one (also in data/NOTICE).
GSHHG_ATTR = "GSHHG (LGPL-3.0)"
GSHHG_CREDIT = "GSHHG v2 full resolution, P. Wessel & W. H. F. Smith (SOEST/NOAA), LGPL-3.0-or-later"
OSM_ATTR = "© OpenStreetMap contributors"
OSM_CREDIT = "© OpenStreetMap contributors, ODbL 1.0 (OpenSeaMap seamark tagging)"
TREATY_ATTR = "UK–FR Agreement 1988"
TREATY_CREDIT = (
    "UK–France Agreement on the territorial sea in the Straits of Dover, 2 Nov 1988 (public legal text)"
)
GEONAMES_ATTR = "GeoNames.org (CC BY 4.0)"
GEONAMES_CREDIT = "GeoNames.org cities1000, CC BY 4.0"


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_round(v) for v in obj]
    return obj


def _simplify(geom: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """Simplify in UTM 31N metres so the tolerance means the same on the ground everywhere."""
    fwd, inv = _to_utm(), _to_wgs84()
    utm = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    simple = utm.simplify(tolerance_m, preserve_topology=True)
    return shapely.transform(simple, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))


def _feature(geom: BaseGeometry, props: dict[str, Any]) -> dict[str, Any]:
    g = mapping(geom)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": g["type"], "coordinates": _round(g["coordinates"])},
    }


def _read(src: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((src / name).read_text(encoding="utf-8"))
    feats: list[dict[str, Any]] = data["features"]
    return feats


def build_coastline(src: Path) -> list[dict[str, Any]]:
    out = []
    for f in _read(src, "coastline_gshhg_full_dover_strait.geojson"):
        g = _simplify(shape(f["geometry"]), SIMPLIFY_M)
        if not g.is_empty:
            out.append(_feature(g, {"gshhg_id": f["properties"]["gshhg_id"]}))
    return out


def build_land(src: Path) -> list[dict[str, Any]]:
    out = []
    for f in _read(src, "land_polygons_gshhg_full_dover_strait.geojson"):
        g = _simplify(shape(f["geometry"]), SIMPLIFY_M)
        if not g.is_valid:
            g = g.buffer(0)
        # drop islets smaller than ~one screen pixel at 1:100 000 (about 0.001 km²)
        if not g.is_empty and g.area > 1e-7:
            out.append(_feature(g, {"gshhg_id": f["properties"]["gshhg_id"]}))
    return out


def build_tss(src: Path) -> list[dict[str, Any]]:
    out = []
    for f in _read(src, "traffic_separation_schemes_osm_dover_strait.geojson"):
        p = f["properties"]
        g = _simplify(shape(f["geometry"]), 10.0)
        props = {
            "osm_way_id": p["osm_way_id"],
            "seamark_type": p["seamark_type"],
            "name": p.get("seamark_name"),
            # computed by the source repository's author from the way direction, not OSM data
            "flow_bearing_deg_derived": p.get("tss_flow_bearing_deg_derived"),
        }
        out.append(_feature(g, props))
    return out


def build_boundary(src: Path) -> list[dict[str, Any]]:
    out = []
    for f in _read(src, "uk_fr_territorial_sea_boundary_dover_strait_1988.geojson"):
        if f["geometry"]["type"] != "LineString":
            continue  # the turning points are taken from the CSV below, with their ED50 text
        p = f["properties"]
        props = {
            "name": "UK–France territorial sea boundary (1988)",
            "legal_basis": p["legal_basis"],
            "north_side": p["north_side"],
            "south_side": p["south_side"],
            "datum_original": p["datum_original"],
        }
        out.append(_feature(shape(f["geometry"]), props))
    with (src / "uk_fr_territorial_sea_boundary_dover_strait_1988_points.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            geom = shape({"type": "Point", "coordinates": [float(row["lon_wgs84"]), float(row["lat_wgs84"])]})
            props = {
                "point": row["point"],
                "lat_ed50_dms": row["lat_ed50_dms"],
                "lon_ed50_dms": row["lon_ed50_dms"],
            }
            feat = _feature(geom, props)
            feat["geometry"]["coordinates"] = [float(row["lon_wgs84"]), float(row["lat_wgs84"])]
            out.append(feat)
    return out


def _category(role: str, country: str) -> str:
    if "embarkation" in role:
        return "embarkation"
    return "landing" if country == "GB" else "coastal"


def build_places(src: Path) -> list[dict[str, Any]]:
    out = []
    for f in _read(src, "coastal_places_fr_embarkation_uk_landing.geojson"):
        p = f["properties"]
        props = {
            "name": p["name"],
            "country": p["country"],
            "role": p["role"],
            "category": _category(p["role"], p["country"]),
        }
        out.append(_feature(shape(f["geometry"]), props))
    return out


LAYERS: list[dict[str, Any]] = [
    {
        "name": "land",
        "title": "Land",
        "build": build_land,
        "attribution": GSHHG_ATTR,
        "credit": GSHHG_CREDIT,
        "licence": "LGPL-3.0-or-later",
        "source": "land_polygons_gshhg_full_dover_strait.geojson",
        "note": "Clipped to the area of interest: straight edges along the AOI border are artificial.",
    },
    {
        "name": "coastline",
        "title": "Coastline",
        "build": build_coastline,
        "attribution": GSHHG_ATTR,
        "credit": GSHHG_CREDIT,
        "licence": "LGPL-3.0-or-later",
        "source": "coastline_gshhg_full_dover_strait.geojson",
        "note": "Shoreline ≈ mean high water; not a legal baseline.",
    },
    {
        "name": "uk_fr_boundary_1988",
        "title": "UK–France territorial sea boundary (1988)",
        "build": build_boundary,
        "attribution": TREATY_ATTR,
        "credit": TREATY_CREDIT,
        "licence": "public legal text",
        "source": "uk_fr_territorial_sea_boundary_dover_strait_1988.geojson + _points.csv",
        "note": "ED50 → WGS84 with PROJ (few metres). North/west of the line UK, south/east France.",
    },
    {
        "name": "tss",
        "title": "Traffic separation schemes",
        "build": build_tss,
        "attribution": OSM_ATTR,
        "credit": OSM_CREDIT,
        "licence": "ODbL-1.0",
        "source": "traffic_separation_schemes_osm_dover_strait.geojson",
        "note": "OSM seamarks, not an official chart. Flow bearings derived by a third party.",
    },
    {
        "name": "places",
        "title": "Embarkation communes and landing towns",
        "build": build_places,
        "attribution": GEONAMES_ATTR,
        "credit": GEONAMES_CREDIT,
        "licence": "CC-BY-4.0",
        "source": "coastal_places_fr_embarkation_uk_landing.geojson",
        "note": "GeoNames town centres, not beach or launch-site positions (0.2–2 km off).",
    },
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for layer in LAYERS:
        feats = layer["build"](args.source)
        fc = {"type": "FeatureCollection", "features": feats}
        path = OUT / f"{layer['name']}.geojson"
        path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        src_size = sum(
            (args.source / s.strip()).stat().st_size
            for s in layer["source"].split(" + ")[0:1]
            if (args.source / s.strip()).exists()
        )
        meta = {k: v for k, v in layer.items() if k != "build"}
        meta.update(
            {
                "file": path.name,
                "features": len(feats),
                "bytes": path.stat().st_size,
                "source_bytes": src_size,
                "simplify_m": SIMPLIFY_M if layer["name"] in ("land", "coastline") else None,
            }
        )
        manifest.append(meta)
        sys.stdout.write(
            f"{layer['name']:22s} {len(feats):4d} features {path.stat().st_size:8d} B (source {src_size} B)\n"
        )
    (OUT / "layers.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    total = sum(m["bytes"] for m in manifest)
    sys.stdout.write(f"total {total} B\n")


if __name__ == "__main__":
    main()
