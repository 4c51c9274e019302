"""Recommendations: ranking, explanations, infeasibility with a reason, and the CLI contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target
from watchkeeper.assets.recommend import Recommender
from watchkeeper.cli import _register, app

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
MID_CHANNEL = Target(lat=50.95, lon=1.45, sog_kn=5, cog_deg=300, time=T0, persons=55)


def sea(
    id_: str, lat: float, lon: float, kn: float = 25, endurance: float = 12, cap: int = 60, **kw
) -> Asset:  # type: ignore[no-untyped-def]
    return Asset(id_, AssetKind.SEA, lat, lon, kn, endurance, cap, **kw)


def test_nearer_faster_asset_ranks_first_and_all_are_explained(recommender: Recommender) -> None:
    fleet = [
        sea("far", 50.91, 0.97),  # Dungeness
        sea("near", 51.11, 1.33),  # Dover
        Asset("heli", AssetKind.AIR, 51.12, 0.95, 140, 4, 18),
    ]
    recs = recommender.recommend(fleet, MID_CHANNEL)
    assert [r.asset_id for r in recs] == ["heli", "near", "far"]
    assert [r.eta_s for r in recs] == sorted(r.eta_s for r in recs)  # type: ignore[type-var]
    assert all(r.feasible for r in recs)
    assert "capacity 18 < 55" in recs[0].explanation and "capacity" in recs[0].conflicts
    assert "by sea around the coast" in recs[1].explanation


def test_unavailable_short_endurance_and_unreachable_are_infeasible_with_reason(
    recommender: Recommender,
) -> None:
    fleet = [
        sea("busy", 51.11, 1.33, state=AssetState.TASKED),
        sea("thirsty", 50.91, 0.97, endurance=0.7),
        sea("slow", 51.11, 1.33, kn=2),  # cannot catch a 5 kn boat heading away... it heads NW towards Dover
        Asset("inland", AssetKind.SEA, 50.63, 3.06, 25, 12, 60),
    ]
    by_id = {r.asset_id: r for r in recommender.recommend(fleet, MID_CHANNEL)}
    assert not by_id["busy"].feasible and "tasked" in by_id["busy"].explanation
    assert not by_id["thirsty"].feasible and "endurance" in by_id["thirsty"].conflicts
    assert not by_id["inland"].feasible and "no sea route" in by_id["inland"].explanation
    assert by_id["inland"].eta_s is None


def test_boat_that_lands_before_the_cutter_arrives(recommender: Recommender) -> None:
    near_kent = Target(lat=51.05, lon=1.15, sog_kn=6, cog_deg=330, time=T0, persons=40)  # 1-2 nm off Hythe
    recs = recommender.recommend([sea("dungeness", 50.91, 0.97, kn=8)], near_kent)
    assert not recs[0].feasible and "target_lands_first" in recs[0].conflicts


def test_cli_contract(tmp_path: Path) -> None:
    assets = [
        {
            "id": "A",
            "kind": "sea",
            "lat": 51.11,
            "lon": 1.33,
            "speed_kn": 25,
            "endurance_h": 12,
            "capacity_persons": 60,
            "state": "available",
        },
        {
            "id": "B",
            "kind": "air",
            "lat": 51.12,
            "lon": 0.95,
            "speed_kn": 140,
            "endurance_h": 4,
            "capacity_persons": 18,
            "state": "available",
        },
        {
            "id": "C",
            "kind": "sea",
            "lat": 50.96,
            "lon": 1.86,
            "speed_kn": 22,
            "endurance_h": 12,
            "capacity_persons": 80,
            "state": "maintenance",
        },
    ]
    (tmp_path / "assets.json").write_text(json.dumps(assets))
    (tmp_path / "target.json").write_text(
        json.dumps(
            {
                "lat": 50.95,
                "lon": 1.45,
                "sog_kn": 5,
                "cog_deg": 300,
                "time_utc": "2026-10-05T02:00:00Z",
                "persons": 55,
            }
        )
    )
    _register()
    result = CliRunner().invoke(
        app,
        [
            "assets",
            "recommend",
            "--assets",
            str(tmp_path / "assets.json"),
            "--target",
            str(tmp_path / "target.json"),
            "--time",
            "2026-10-05T02:05:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["asset_id"] for r in rows] == ["B", "A", "C"]
    for r in rows:
        assert {"asset_id", "eta_s", "intercept_lat", "intercept_lon", "feasible", "explanation"} <= set(r)
    assert rows[2]["feasible"] is False and rows[2]["eta_s"] is None


def test_cli_rejects_bad_input_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "assets.json").write_text('[{"id": "X", "kind": "boat"}]')
    (tmp_path / "target.json").write_text('{"lat": 50.9}')
    _register()
    result = CliRunner().invoke(
        app,
        [
            "assets",
            "recommend",
            "--assets",
            str(tmp_path / "assets.json"),
            "--target",
            str(tmp_path / "target.json"),
        ],
    )
    assert result.exit_code != 0
    assert "bad input" in result.output
