"""Time-to-reach map: cells get the earliest arrival of any asset, vessels round the coast."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from typer.testing import CliRunner

from watchkeeper.assets.model import Asset, AssetKind, AssetState, asset_to_json
from watchkeeper.assets.motion import KNOT_MS
from watchkeeper.assets.reach import BANDS_MIN, grid_geojson, reach_grid
from watchkeeper.assets.recommend import Recommender
from watchkeeper.cli import _register, app
from watchkeeper.geo.frames import to_utm

BOULOGNE = Asset("SNSM-BOU", AssetKind.SEA, 50.727, 1.588, 20, 10, 50)
DOVER_HELI = Asset("HELI", AssetKind.AIR, 51.12, 1.30, 120, 4, 12)
BUSY = Asset("BUSY", AssetKind.SEA, 51.0, 1.5, 30, 10, 50, AssetState.TASKED)


def test_each_cell_gets_the_earliest_arrival(recommender: Recommender) -> None:
    box = (1.3, 50.65, 1.9, 51.05)
    grid = reach_grid(
        [BOULOGNE, DOVER_HELI, BUSY],
        recommender.router,
        recommender.land,
        (AssetKind.SEA, AssetKind.AIR),
        3000.0,
        box,
    )
    assert len(grid.eta_s) > 50 and np.all(np.isfinite(grid.eta_s))
    assert "BUSY" not in grid.asset_ids  # only available assets
    bx, by = to_utm(BOULOGNE.lon, BOULOGNE.lat)
    hx, hy = to_utm(DOVER_HELI.lon, DOVER_HELI.lat)
    sea = recommender.router.distances(
        np.repeat([[float(bx), float(by)]], len(grid.centres), 0), grid.centres
    )
    expect = np.minimum(
        sea / (20 * KNOT_MS), np.hypot(*(grid.centres - [float(hx), float(hy)]).T) / (120 * KNOT_MS)
    )
    np.testing.assert_allclose(grid.eta_s, expect, rtol=1e-9)
    # north of Cap Gris-Nez the lifeboat goes round the cape: later than the straight line would say
    straight = np.hypot(*(grid.centres - [float(bx), float(by)]).T) / (20 * KNOT_MS)
    north = grid.centres[:, 1] > to_utm(1.6, 50.92)[1]
    assert np.any(sea[north] / (20 * KNOT_MS) > straight[north] * 1.05)


def test_bands_cover_the_cells_and_are_ordered(recommender: Recommender) -> None:
    box = (1.3, 50.65, 1.9, 51.05)
    grid = reach_grid([BOULOGNE], recommender.router, recommender.land, (AssetKind.SEA,), 2000.0, box)
    doc = grid_geojson(grid)
    props = [f["properties"] for f in doc["features"]]
    assert [p["eta_min"] for p in props] == sorted(p["eta_min"] for p in props)
    assert sum(p["cells"] for p in props) == len(grid.eta_s)
    assert set(BANDS_MIN[:-1]) >= {p["eta_min"] for p in props}
    for f in doc["features"]:
        geom = shape(f["geometry"])
        assert geom.is_valid and geom.area > 0
        assert shapely.get_coordinates(geom)[:, 0].min() > 1.2  # lon/lat, not metres
    cells = grid_geojson(grid, merge_bands=False)
    assert len(cells["features"]) == len(grid.eta_s)
    etas = [f["properties"]["eta_s"] for f in cells["features"]]
    assert min(etas) < 10 * 60  # the cells next to the harbour


def test_cli_reach(tmp_path: Path) -> None:
    (tmp_path / "assets.json").write_text(json.dumps([asset_to_json(BOULOGNE), asset_to_json(DOVER_HELI)]))
    _register()
    out = tmp_path / "reach.geojson"
    args = ["assets", "reach", "--assets", str(tmp_path / "assets.json"), "--out", str(out), "--kind", "all"]
    result = CliRunner().invoke(app, [*args, "--cell-km", "4"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and doc["properties"]["reached"] == doc["properties"]["cells"]
