"""Containment areas, probability grid, stranding and the CLI's GeoJSON contract."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import shapely
from sar_helpers import EPOCH, quick_run
from shapely.geometry import shape
from typer.testing import CliRunner

from watchkeeper.cli import _register, app
from watchkeeper.geo.frames import to_utm
from watchkeeper.sar.areas import containment_areas, probability_grid
from watchkeeper.sar.objects import ObjectType
from watchkeeper.sar.products import build_products, feature_collection


def test_highest_density_region_of_a_gaussian_cloud_matches_the_circle() -> None:
    rng = np.random.default_rng(7)
    sigma = 1000.0
    x, y = rng.normal(0.0, sigma, 20_000), rng.normal(0.0, sigma, 20_000)
    grid = probability_grid(x + 400_000.0, y + 5_650_000.0, len(x))
    assert grid.prob.sum() == pytest.approx(1.0)
    from watchkeeper.geo.frames import to_wgs84

    lon, lat = to_wgs84(x + 400_000.0, y + 5_650_000.0)
    _, areas = containment_areas(EPOCH, lon, lat)
    for area in areas:
        # a 2-D normal's p-region is a disc of radius sigma*sqrt(-2 ln(1-p)); smoothing widens it a bit
        radius = sigma * np.sqrt(-2.0 * np.log(1.0 - area.level))
        assert area.area_km2 == pytest.approx(np.pi * radius**2 / 1e6, rel=0.15)
        assert area.particles_inside == pytest.approx(area.level, abs=0.04)


def test_search_area_grows_with_time(tidal_run) -> None:  # type: ignore[no-untyped-def]
    products = build_products(tidal_run)
    a90 = [products.area(h, 0.9).area_km2 for h in range(len(products.hours))]  # type: ignore[union-attr]
    a50 = [products.area(h, 0.5).area_km2 for h in range(len(products.hours))]  # type: ignore[union-attr]
    assert all(later > earlier for earlier, later in itertools.pairwise(a90)), a90
    assert all(big > small for big, small in zip(a90, a50, strict=True))
    for hour in products.hours:
        for area in hour.areas:
            assert area.particles_inside >= area.level - 0.02


def _check_contract(doc: dict, start: datetime, hours: int) -> None:  # type: ignore[type-arg]
    """The GeoJSON contract of issue #8, checked independently of the code that wrote it."""
    assert doc["type"] == "FeatureCollection"
    stamps = [(start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in range(hours + 1)]
    seen_areas: dict[tuple[str, float], int] = {}
    seen_points: dict[str, int] = {}
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        geom = shape(feature["geometry"])
        props = feature["properties"]
        assert geom.is_valid and not geom.is_empty, shapely.is_valid_reason(geom)
        if feature["geometry"]["type"] == "Point":
            assert props == {"time_utc": props["time_utc"], "kind": "centroid"}
            seen_points[props["time_utc"]] = seen_points.get(props["time_utc"], 0) + 1
        else:
            assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
            assert set(props) == {"time_utc", "containment"} and props["containment"] in (0.5, 0.9)
            key = (props["time_utc"], props["containment"])
            seen_areas[key] = seen_areas.get(key, 0) + 1
            lon, lat = np.asarray(geom.exterior.coords if geom.geom_type == "Polygon"
                                  else geom.geoms[0].exterior.coords).T  # fmt: skip
            assert np.all((lon >= -180) & (lon <= 180) & (lat >= -90) & (lat <= 90))
    assert seen_points == dict.fromkeys(stamps, 1)
    assert seen_areas == {(s, level): 1 for s in stamps for level in (0.5, 0.9)}


def test_cli_writes_the_contract_geojson(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "drift.geojson"
    args = ["drift", "--lat", "51.0", "--lon", "1.5", "--time", "2026-09-30T02:00:00Z", "--object", "piw",
            "--hours", "3", "--wind-const", "9,240", "--particles", "200", "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    _check_contract(doc, EPOCH, 3)
    meta = doc["watchkeeper"]
    assert meta["current_model"].startswith("tidal-stream approximation")
    assert "not an ocean model" in meta["limits"]
    assert meta["leeway_categories"][0]["key"] == "PIW-1"
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["features"] == len(doc["features"]) == 4 * 3


def test_cli_refuses_with_the_reason(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "x.geojson"
    base = ["drift", "--time", "2026-09-30T02:00:00Z", "--object", "inflatable", "--hours", "2",
            "--wind-const", "5,200", "--particles", "50", "--out", str(out)]  # fmt: skip
    on_land = CliRunner().invoke(app, [*base, "--lat", "51.2", "--lon", "1.0"])
    assert on_land.exit_code == 2
    assert "on land" in on_land.stderr
    outside = CliRunner().invoke(app, [*base, "--lat", "50.2", "--lon", "-1.0"])
    assert outside.exit_code == 2
    assert "only in the Dover Strait" in outside.stderr and "--currents" in outside.stderr
    no_wind = CliRunner().invoke(app, [b for b in base if b not in ("--wind-const", "5,200")]
                                 + ["--lat", "51.0", "--lon", "1.5"])  # fmt: skip
    assert no_wind.exit_code == 2 and "no wind" in no_wind.stderr
    bad_object = CliRunner().invoke(
        app, [*base[:3], "--object", "kayak", *base[5:], "--lat", "51", "--lon", "1.5"]
    )
    assert bad_object.exit_code == 2 and "--object" in bad_object.output
    assert not out.exists()


def test_stranding_on_the_french_coast_is_reported_with_the_place() -> None:
    # 2.5 km off Ambleteuse, a westerly gale, no current: the boat is driven ashore
    res = quick_run(lat=50.81, lon=1.565, object_type=ObjectType.INFLATABLE, hours=4, particles=200,
                    wind_const=(15.0, 280.0))  # fmt: skip
    products = build_products(res)
    assert products.hours[-1].stranded_share > 0.8
    assert products.hours[0].stranded_share == 0.0
    top = products.stranding[0]
    assert top.place in {"Ambleteuse", "Wimereux", "Wimille", "Wissant"}
    assert top.first_time > EPOCH
    # stranded particles stay where they landed (no NaN after landing), on the coast
    landed = res.stranded[:, -1]
    assert np.isfinite(res.lon[landed, -1]).all()
    x, _ = to_utm(res.lon[landed, -1], res.lat[landed, -1])
    assert float(np.mean(x)) > float(to_utm(1.565, 50.81)[0])  # east of the start: ashore in France
    meta = feature_collection(products)["watchkeeper"]["stranding"]
    assert meta["probability"] == pytest.approx(products.hours[-1].stranded_share)
    assert meta["sites"][0]["place"] == top.place
