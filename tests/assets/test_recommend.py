"""Recommendations: ranking, explanations, infeasibility with a reason, drift, a scenario, the CLI."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from watchkeeper.assets.fleet import illustrative_fleet
from watchkeeper.assets.model import Asset, AssetKind, AssetState, Target
from watchkeeper.assets.motion import KNOT_MS, TargetMotion
from watchkeeper.assets.recommend import Recommender
from watchkeeper.cli import _register, app
from watchkeeper.geo.frames import to_utm

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
    assert by_id["busy"].conflicts == ["unavailable"]
    assert not by_id["thirsty"].feasible and "endurance" in by_id["thirsty"].conflicts
    assert not by_id["inland"].feasible and "no sea route" in by_id["inland"].explanation
    assert by_id["inland"].eta_s is None and by_id["inland"].conflicts == ["unreachable"]
    assert "needs 30 min" in by_id["thirsty"].explanation


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


def test_drift_is_part_of_the_targets_motion(recommender: Recommender) -> None:
    dover = [sea("dover", 51.11, 1.33)]
    still = Target(lat=50.98, lon=1.50, sog_kn=0.0, cog_deg=0.0, time=T0, persons=50)
    towards = replace(still, drift_kn=1.5, drift_deg=315.0)  # carried towards Dover
    away = replace(still, drift_kn=1.5, drift_deg=135.0)
    eta = {
        name: recommender.recommend(dover, t)[0]
        for name, t in (("still", still), ("to", towards), ("away", away))
    }
    assert eta["to"].eta_s < eta["still"].eta_s < eta["away"].eta_s  # type: ignore[operator]
    # the intercept point moved with the drift: north-west of the still boat's position
    assert eta["to"].intercept_lat > still.lat and eta["to"].intercept_lon < still.lon  # type: ignore[operator]


def test_a_decision_later_than_the_report_extrapolates_the_boat(recommender: Recommender) -> None:
    dover = [sea("dover", 51.11, 1.33)]
    now = recommender.recommend(dover, MID_CHANNEL)[0]
    later = recommender.recommend(dover, MID_CHANNEL, at=datetime(2026, 10, 5, 2, 30, tzinfo=UTC))[0]
    assert later.eta_s < now.eta_s  # type: ignore[operator]  # 30 min closer to Dover by then


def _scenario_boats(scenarios_dir: Path, n: int) -> list[Target]:
    rows = list(csv.DictReader((scenarios_dir / "strait-night-small" / "truth.csv").open()))
    last = rows[-1]["time_utc"]
    boats = [r for r in rows if r["time_utc"] == last and r["kind"] == "small_boat"][:n]
    return [
        Target(
            float(r["lat"]),
            float(r["lon"]),
            float(r["sog_kn"]),
            float(r["cog_deg"]),
            datetime.fromisoformat(r["time_utc"].replace("Z", "+00:00")),
            int(r["persons"]),
        )
        for r in boats
    ]


def test_ranking_on_the_simulated_scenario(recommender: Recommender, scenarios_dir: Path) -> None:
    """The small boats of a SIMULATED scenario against the illustrative fleet: every ranking is sorted by
    ETA, every feasible vessel's ETA solves the route equation and no earlier time does, and the first
    feasible asset able to take everyone is named."""
    fleet = illustrative_fleet()
    by_id = {a.id: a for a in fleet}
    router = recommender.router
    boats = _scenario_boats(scenarios_dir, 4)
    assert len(boats) == 4
    for boat in boats:
        recs = recommender.recommend(fleet, boat)
        etas = [r.eta_s for r in recs if r.eta_s is not None]
        assert etas == sorted(etas) and len(recs) == len(fleet)
        assert all(r.eta_s is None for r in recs[len(etas) :])
        motion = TargetMotion.from_target(boat).stopped_at(
            recommender.landing_time(TargetMotion.from_target(boat))
        )
        checked = 0
        for r in recs:
            asset = by_id[r.asset_id]
            if asset.kind != AssetKind.SEA or r.eta_s is None:
                continue
            x, y = to_utm(asset.lon, asset.lat)
            a = np.array([[float(x), float(y)]])
            s = asset.max_kn * KNOT_MS
            d = router.distances(a, motion.at(r.eta_s))[0]
            assert d == pytest.approx(s * r.eta_s, abs=s * 2.0), r.asset_id  # within 2 s
            early = r.eta_s - 60.0
            if early > 0:
                assert router.distances(a, motion.at(early))[0] > s * early, r.asset_id
            checked += 1
        assert checked >= 8
        assert by_id["BF-CPV-2"].state == AssetState.MAINTENANCE
        assert next(r for r in recs if r.asset_id == "BF-CPV-2").conflicts == ["unavailable"]
        capable = [r for r in recs if r.feasible and r.capacity_ok]
        assert capable and by_id[capable[0].asset_id].capacity_persons >= (boat.persons or 0)


def test_cli_takes_a_predicted_track(tmp_path: Path) -> None:
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
        }
    ]
    target = {
        "lat": 50.95,
        "lon": 1.45,
        "sog_kn": 0,
        "cog_deg": 0,
        "time_utc": "2026-10-05T02:00:00Z",
        "persons": 50,
    }
    tracked = dict(target, track=[{"time_utc": "2026-10-05T03:00:00Z", "lat": 51.05, "lon": 1.35}])
    _register()
    out = {}
    for name, doc in (("still", target), ("tracked", tracked)):
        (tmp_path / "assets.json").write_text(json.dumps(assets))
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
        args = [
            "assets",
            "recommend",
            "--assets",
            str(tmp_path / "assets.json"),
            "--target",
            str(tmp_path / f"{name}.json"),
        ]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        out[name] = json.loads(result.stdout)[0]
    assert out["tracked"]["eta_s"] < out["still"]["eta_s"]  # the track brings the boat towards Dover
    assert out["tracked"]["intercept_lat"] > 50.95
