"""Posture: the integer programme against known answers and brute force, the outlook CSV, the plan."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from watchkeeper.assets.fleet import illustrative_fleet
from watchkeeper.assets.model import AssetState, asset_to_json
from watchkeeper.assets.outlook import OutlookDay, parse_outlook
from watchkeeper.assets.posture import (
    STATIONS,
    PostureProblem,
    PostureSettings,
    demand_points,
    plan_posture,
    solve,
    station_at_sea,
)
from watchkeeper.assets.recommend import Recommender
from watchkeeper.cli import _register, app
from watchkeeper.core.errors import DecodeError, RejectReason
from watchkeeper.geo.zones import strait_zones


def _brute_force(p: PostureProblem) -> float:
    """Best objective by enumerating every assignment (tiny problems only)."""
    n_days, _ = p.weight.shape
    n_assets, n_opts = p.allowed.shape
    cost = np.zeros((n_assets, n_opts)) if p.cost is None else p.cost
    best = -np.inf
    per_asset = [[s for s in range(n_opts) if p.allowed[a, s]] for a in range(n_assets)]
    for plan in itertools.product(*[list(itertools.product(opts, repeat=n_days)) for opts in per_asset]):
        if any(sum(p.patrol[s] for s in days) > p.budget[a] for a, days in enumerate(plan)):
            continue
        value = 0.0
        for d in range(n_days):
            covered = np.zeros(p.weight.shape[1], dtype=bool)
            for a, days in enumerate(plan):
                covered |= p.covers[a, days[d]]
                value -= cost[a, days[d]]
            value += float((p.weight[d] * covered).sum())
        best = max(best, value)
    return best


def test_known_answer_patrol_goes_to_the_busy_day() -> None:
    # One vessel, options: stand by (covers nothing) or patrol (covers both points); budget one patrol day.
    # Day 2 expects the most people: the patrol goes there, and the objective is day 2's weight.
    p = PostureProblem(
        weight=np.array([[10.0, 5.0], [40.0, 20.0], [30.0, 0.0]]),
        covers=np.array([[[False, False], [True, True]]]),
        allowed=np.array([[True, True]]),
        patrol=np.array([False, True]),
        budget=np.array([1]),
    )
    sol = solve(p)
    assert sol.status == "optimal"
    assert sol.choice.tolist() == [[0, 1, 0]]
    assert sol.covered_weight == pytest.approx(60.0)


def test_known_answer_two_assets_split_the_points() -> None:
    # Two assets, three points weighing 3, 1, 2. Asset 0 covers {0, 1} (option 1) or {2} (option 2);
    # asset 1 covers {1, 2} (option 1) or {0} (option 2). The pairs cover 6, 4, 3 and 5: (1, 1) is the
    # unique optimum.
    covers = np.zeros((2, 3, 3), dtype=bool)
    covers[0, 1, [0, 1]] = True
    covers[0, 2, [2]] = True
    covers[1, 1, [1, 2]] = True
    covers[1, 2, [0]] = True
    p = PostureProblem(
        weight=np.array([[3.0, 1.0, 2.0]]),
        covers=covers,
        allowed=np.ones((2, 3), dtype=bool),
        patrol=np.array([False, True, True]),
        budget=np.array([1, 1]),
    )
    sol = solve(p)
    assert sol.choice[:, 0].tolist() == [1, 1]
    assert sol.covered_weight == pytest.approx(6.0) and sol.covered.all()


def test_matches_brute_force_on_random_small_problems() -> None:
    rng = np.random.default_rng(42)
    for _ in range(25):
        n_assets, n_opts, n_points, n_days = 2, 3, 4, int(rng.integers(1, 4))
        covers = rng.random((n_assets, n_opts, n_points)) < 0.4
        covers[:, 0] &= rng.random((n_assets, n_points)) < 0.5  # standby covers less
        allowed = rng.random((n_assets, n_opts)) < 0.8
        allowed[:, 0] = True
        p = PostureProblem(
            weight=np.round(rng.uniform(0, 10, (n_days, n_points)), 2),
            covers=covers & allowed[:, :, None],
            allowed=allowed,
            patrol=np.array([False, True, True]),
            budget=rng.integers(0, n_days + 1, n_assets),
            cost=np.where(np.array([False, True, True])[None, :], 1e-4, 0.0) * np.ones((n_assets, 1)),
        )
        sol = solve(p)
        cost = float(sum(p.cost[a, sol.choice[a, d]] for a in range(n_assets) for d in range(n_days)))  # type: ignore[index]
        assert sol.covered_weight - cost == pytest.approx(_brute_force(p), abs=1e-6)
        patrol_days = (sol.choice > 0).sum(axis=1)
        assert np.all(patrol_days <= p.budget)
        assert np.all(p.allowed[np.arange(n_assets)[:, None], sol.choice])


def test_outlook_csv_as_the_forecast_writes_it() -> None:
    text = (
        "date,p_crossing,rag,expected_boats,expected_people,wave_m,wind_kn\n"
        "2026-10-05,0.8,red,9.1,480.5,0.3,8\n"
        "2026-10-06,0.1,green,0.4,20.0,1.2,22\n"
        "2026-10-07,1.7,red,9,450,0.2,5\n"  # p out of range
        "2026-10-08,0.5,amber,x,100,0.2,5\n"  # not a number
        "2026-10-05,0.5,amber,3,100,0.2,5\n"  # the same date again
        "06/10/2026,0.5,amber,3,100,0.2,5\n"  # not an ISO date
    )
    days, rejects = parse_outlook(text)
    assert [d.date for d in days] == [date(2026, 10, 5), date(2026, 10, 6)]
    assert days[0] == OutlookDay(date(2026, 10, 5), 0.8, 9.1, 480.5)
    assert [(r.line_no, r.reason) for r in rejects] == [
        (4, RejectReason.OUT_OF_RANGE),
        (5, RejectReason.BAD_FIELD),
        (6, RejectReason.BAD_FIELD),
        (7, RejectReason.BAD_FIELD),
    ]
    with pytest.raises(DecodeError, match="expected_people"):
        parse_outlook("date,p_crossing,expected_boats\n2026-10-05,0.5,3\n")
    with pytest.raises(DecodeError, match="no usable day"):
        parse_outlook("date,p_crossing,expected_boats,expected_people\n")


def test_stations_lie_where_they_say(recommender: Recommender) -> None:
    zones = strait_zones()
    for st in STATIONS:
        if st.kind.value == "land":
            assert recommender.router.on_land(*_utm(st.lon, st.lat)), st.name
            continue
        assert station_at_sea(recommender.router, st), f"{st.name} is not in open water"
        side = int(zones.boundary_side(st.lon, st.lat)[0])
        if side == 0:  # beyond the line's ends (south of point I): off the French coast, well east
            assert st.nation == "FR" and st.lat < 50.83 and st.lon > 1.4, st.name
            continue
        assert side == (1 if st.nation == "GB" else -1), f"{st.name} is on the wrong side of the 1988 line"


def _utm(lon: float, lat: float) -> tuple[float, float]:
    from watchkeeper.geo.frames import to_utm

    x, y = to_utm(lon, lat)
    return float(x), float(y)


OUTLOOK = [
    OutlookDay(date(2026, 10, 5), 0.85, 9.0, 480.0),
    OutlookDay(date(2026, 10, 6), 0.10, 0.5, 25.0),
    OutlookDay(date(2026, 10, 7), 0.60, 5.0, 260.0),
    OutlookDay(date(2026, 10, 8), 0.05, 0.2, 10.0),
    OutlookDay(date(2026, 10, 9), 0.90, 10.0, 540.0),
]


def test_plan_on_the_illustrative_fleet_is_explained_and_beats_standing_by(recommender: Recommender) -> None:
    prop = plan_posture(illustrative_fleet(), OUTLOOK, recommender.router)
    doc = prop.to_dict()
    assert doc["status"] == "optimal"
    assert doc["excluded"] == [{"asset_id": "BF-CPV-2", "why": "in maintenance"}]
    assert doc["totals"]["coverage"] > doc["totals"]["baseline_coverage"]
    assert "maximise the expected people covered" in doc["objective"] and len(doc["constraints"]) >= 5
    by_day = {d["date"]: d for d in doc["days"]}
    # the crews' budget (3 of 5 days) goes to the busy days: no fewer patrols on a busy day than a quiet one
    assert by_day["2026-10-09"]["patrols"] >= by_day["2026-10-08"]["patrols"]
    assert by_day["2026-10-05"]["coverage"] >= by_day["2026-10-06"]["coverage"]
    names = {p["name"] for p in doc["points"]}
    assert {"Calais", "Gravelines", "Mid-Channel 3"} <= names
    for day in doc["days"]:
        assert day["window"]["start"].endswith("T22:00:00Z")
        for a in day["assignments"]:
            if "lifeboat" in (next(x for x in prop.assets if x.id == a["asset_id"]).asset_type or ""):
                assert a["mode"] == "standby"
    patrol_counts: dict[str, int] = {}
    for day in doc["days"]:
        for a in day["assignments"]:
            patrol_counts[a["asset_id"]] = patrol_counts.get(a["asset_id"], 0) + (a["mode"] == "patrol")
    assert max(patrol_counts.values()) <= 3  # 60% of five days


def test_shares_and_weights(recommender: Recommender) -> None:
    points = demand_points(PostureSettings())
    dep = [p for p in points if p.kind == "departure"]
    mid = [p for p in points if p.kind == "mid_channel"]
    assert len(dep) == 12 and len(mid) == 5
    assert sum(p.share for p in dep) == pytest.approx(1.0) and sum(p.share for p in mid) == pytest.approx(1.0)
    assert all(int(strait_zones().boundary_side(p.lon, p.lat)[0]) in (1, -1) for p in mid)  # on the line


def test_no_crossings_expected_sends_no_patrol(recommender: Recommender) -> None:
    quiet = [replace(d, p_crossing=0.0, expected_boats=0.0, expected_people=0.0) for d in OUTLOOK[:2]]
    doc = plan_posture(illustrative_fleet(), quiet, recommender.router).to_dict()
    assert doc["totals"]["patrol_days"] == 0


def test_cli_posture_reads_the_forecast_csv(tmp_path: Path) -> None:
    fleet = [asset_to_json(a) for a in illustrative_fleet() if a.state != AssetState.MAINTENANCE]
    (tmp_path / "assets.json").write_text(json.dumps(fleet))
    (tmp_path / "predictions.csv").write_text(
        "date,p_crossing,rag,expected_boats,expected_people\n2026-10-05,0.8,red,9,480\n2026-10-06,0.2,green,1,50\n"
        "bad-date,0.5,amber,1,1\n"
    )
    _register()
    args = [
        "assets",
        "posture",
        "--assets",
        str(tmp_path / "assets.json"),
        "--outlook",
        str(tmp_path / "predictions.csv"),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [d["date"] for d in doc["days"]] == ["2026-10-05", "2026-10-06"]
    assert doc["rejected_rows"][0]["line"] == 4
