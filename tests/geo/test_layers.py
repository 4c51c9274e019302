"""The packaged geography layers: present, valid GeoJSON, inside the area of interest, small, and true
to the shared sources (the 1988 turning points, the named places, the Dover TSS lanes' sides)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from watchkeeper.geo.frames import to_utm
from watchkeeper.geo.layers import layer_bytes, layer_names, list_layers, load_layer

AOI = (-2.0, 49.5, 3.5, 51.8)
EXPECTED = {"land", "coastline", "uk_fr_boundary_1988", "tss", "places"}


def test_manifest_lists_every_layer_with_licence_and_attribution() -> None:
    layers = list_layers()
    assert {m["name"] for m in layers} == EXPECTED
    assert layer_names() == [m["name"] for m in layers]
    for m in layers:
        assert m["title"] and m["attribution"] and m["licence"] and m["credit"]
        assert m["features"] == len(load_layer(m["name"])["features"])
        assert m["bytes"] == len(layer_bytes(m["name"]))
    tss = next(m for m in layers if m["name"] == "tss")
    assert "OpenStreetMap contributors" in tss["attribution"]
    assert tss["licence"] == "ODbL-1.0"


def test_unknown_layer_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_layer("atlantis")


def test_load_layer_returns_a_fresh_copy() -> None:
    first = load_layer("places")
    first["features"].clear()
    assert load_layer("places")["features"]


def test_packaged_total_is_small() -> None:
    total = sum(m["bytes"] for m in list_layers())
    assert total < 1_500_000, total


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layer_is_valid_geojson_inside_the_aoi(name: str) -> None:
    fc = load_layer(name)
    assert fc["type"] == "FeatureCollection"
    assert fc["features"]
    west, south, east, north = AOI
    for feat in fc["features"]:
        assert feat["type"] == "Feature"
        assert isinstance(feat["properties"], dict)
        geom = shape(feat["geometry"])
        assert geom.is_valid, (name, feat["properties"])
        assert not geom.is_empty
        minx, miny, maxx, maxy = geom.bounds
        eps = 1e-5  # coordinates are rounded to 5 decimals
        assert west - eps <= minx and maxx <= east + eps, (name, geom.bounds)
        assert south - eps <= miny and maxy <= north + eps, (name, geom.bounds)


def test_boundary_has_the_six_turning_points_of_the_1988_agreement(shared_data: Path) -> None:
    fc = load_layer("uk_fr_boundary_1988")
    points = {
        f["properties"]["point"]: f["geometry"]["coordinates"]
        for f in fc["features"]
        if "point" in f["properties"]
    }
    assert list(points) == ["I", "II", "III", "IV", "V", "VI"]
    with (
        shared_data / "geography" / "uk_fr_territorial_sea_boundary_dover_strait_1988_points.csv"
    ).open() as fh:
        rows = {r["point"]: r for r in csv.DictReader(fh)}
    lines = [shape(f["geometry"]) for f in fc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 1
    for name, (lon, lat) in points.items():
        assert lon == pytest.approx(float(rows[name]["lon_wgs84"]), abs=1e-7)
        assert lat == pytest.approx(float(rows[name]["lat_wgs84"]), abs=1e-7)
        # the packaged line passes through every turning point (to the 5-decimal rounding, ~1 m)
        assert lines[0].distance(Point(lon, lat)) < 2e-5
    # point I lies off Dungeness/Folkestone side to the SW, VI to the NE towards the North Sea
    assert points["I"][1] < points["VI"][1] and points["I"][0] < points["VI"][0]


def test_places_include_the_embarkation_communes_and_landing_towns(shared_data: Path) -> None:
    fc = load_layer("places")
    by_name = {f["properties"]["name"]: f["properties"] for f in fc["features"]}
    with (shared_data / "geography" / "coastal_places_fr_embarkation_uk_landing.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert set(by_name) == {r["name"] for r in rows}
    for name in ("Calais", "Gravelines", "Dunkerque", "Boulogne-sur-Mer", "Wimereux", "Berck"):
        assert by_name[name]["country"] == "FR"
        assert by_name[name]["category"] == "embarkation"
        assert "embarkation" in by_name[name]["role"]
    for name in ("Dover", "Folkestone", "Deal", "Hythe", "Ramsgate"):
        assert by_name[name]["country"] == "GB"
        assert by_name[name]["category"] == "landing"
    assert sum(p["category"] == "embarkation" for p in by_name.values()) == 12


def test_coastline_is_close_to_the_full_resolution_source(shared_data: Path) -> None:
    """Simplification keeps the shoreline within ~30 m of GSHHG full (tolerance 25 m + rounding)."""
    src = json.loads((shared_data / "geography" / "coastline_gshhg_full_dover_strait.geojson").read_text())
    ours = load_layer("coastline")
    assert len(ours["features"]) == len(src["features"])

    def utm(g: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(g, lambda xy: np.column_stack(to_utm(xy[:, 0], xy[:, 1])))

    src_geoms = [utm(shape(f["geometry"])) for f in src["features"]]
    our_geoms = [utm(shape(f["geometry"])) for f in ours["features"]]
    worst = max(a.hausdorff_distance(b) for a, b in zip(src_geoms, our_geoms, strict=True))
    assert worst < 30.0, worst


def test_dover_tss_lanes_follow_colreg_sides() -> None:
    """NE-bound traffic on the French side, SW-bound on the English side (Dover Strait TSS).

    The lane bearings are derived by a third party; this checks them against the rule before the page
    draws them as arrows.
    """
    lanes = {f["properties"]["osm_way_id"]: f for f in load_layer("tss")["features"]}
    ne, sw = lanes[150972342], lanes[129924698]
    assert 20 < ne["properties"]["flow_bearing_deg_derived"] < 80
    assert 200 < sw["properties"]["flow_bearing_deg_derived"] < 260
    ne_c, sw_c = shape(ne["geometry"]).centroid, shape(sw["geometry"]).centroid
    ne_x, ne_y = to_utm(ne_c.x, ne_c.y)
    sw_x, sw_y = to_utm(sw_c.x, sw_c.y)
    # across the strait (axis ~NE), "French side" = to the SE of the other lane: positive cross-track
    axis = np.array([np.sin(np.radians(45.0)), np.cos(np.radians(45.0))])
    offset = np.array([float(ne_x - sw_x), float(ne_y - sw_y)])
    cross = offset[0] * axis[1] - offset[1] * axis[0]
    assert cross > 1000.0, cross
