"""Stats routes: figures by period (with incident outcomes by clearance), chart export, effect analysis."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_helpers import PASSWORD, WALL_START, Api, assert_error

from watchkeeper.stats.loaders import load_paths
from watchkeeper.stats.outcomes import DailyOutcome

CROSSINGS = ("uk_small_boats_daily_arrivals.csv", "uk_small_boats_weekly_arrivals_and_french_preventions.csv")
REGIONAL = "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"


@pytest.fixture
def loaded(api: Api, shared_data: Path) -> Api:
    load_paths(api.runtime.engine, [shared_data / "crossings" / name for name in CROSSINGS])
    return api


def test_monthly_figures_match_the_daily_csv(loaded: Api, shared_data: Path) -> None:
    resp = loaded.client.get(
        "/api/stats/figures",
        params={"period": "monthly", "from": "2024-05", "to": "2024-06"},
        headers=loaded.headers(),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["marking"] == "PUBLIC" and body["outcomes"] is None and "Home Office" in body["source"]
    assert body["coverage"] == {"first_day": "2018-01-01", "last_day": "2025-08-20"}
    assert [r["month"] for r in body["rows"]] == ["2024-05", "2024-06"]
    with (shared_data / "crossings" / CROSSINGS[0]).open() as f:
        june = [r for r in csv.DictReader(f) if r["date"].startswith("2024-06")]
    got = body["rows"][1]
    people, boats = sum(int(r["migrants_arrived"]) for r in june), sum(int(r["boats_arrived"]) for r in june)
    assert (got["migrants_arrived"], got["boats_arrived"], got["days_covered"]) == (people, boats, 30)
    assert got["people_per_boat"] == pytest.approx(people / boats, abs=0.005)
    assert got["migrants_prevented_fr"] > 0 and got["events_prevented_fr"] > 0
    old = loaded.client.get(
        "/api/stats/figures",
        params={"period": "yearly", "from": "2019", "to": "2019"},
        headers=loaded.headers(),
    ).json()["rows"][0]
    assert old["migrants_arrived"] == 1843 and old["migrants_prevented_fr"] is None  # empty, not zero
    as_csv = loaded.client.get(
        "/api/stats/figures",
        params={"period": "weekly", "from": "2024-06-03", "to": "2024-06-30", "format": "csv"},
        headers=loaded.headers(),
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    weeks = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [w["week_ending"] for w in weeks] == ["2024-06-09", "2024-06-16", "2024-06-23", "2024-06-30"]


def test_bad_periods_and_roles_are_refused(loaded: Api) -> None:
    h = loaded.headers()
    for params in (
        {"period": "monthly", "from": "2024-5"},
        {"period": "daily", "from": "2024-05"},
        {"period": "monthly", "from": "2024-06", "to": "2024-05"},
        {"period": "hourly"},
    ):
        assert_error(
            loaded.client.get("/api/stats/figures", params=params, headers=h), 422, "validation_error"
        )
    loaded.runtime.users.add("admin1", PASSWORD, ("admin",), "UK-ONLY", WALL_START)
    for path in ("/api/stats/figures", "/api/stats/chart", "/api/stats/effect?date=2020-08-01"):
        assert_error(loaded.client.get(path, headers=loaded.headers("admin1")), 403, "forbidden")


def test_incident_outcomes_beside_the_figures_by_clearance(loaded: Api) -> None:
    asked: list[tuple[Any, Any]] = []

    def provider(start: date | None, end: date | None) -> list[DailyOutcome]:
        asked.append((start, end))
        return [
            DailyOutcome(date(2025, 8, 3), incidents=2, rescued=31, persons_landed_uk=60, marking="UK-FR"),
            DailyOutcome(date(2025, 8, 3), incidents=1, lost_contact=1, marking="UK-ONLY"),
            DailyOutcome(date(2025, 8, 4), marking="UK-FR"),  # a covered day with nothing: zeros
        ]

    loaded.runtime.incident_outcomes = provider  # type: ignore[attr-defined]  # what the integration wires
    params = {"period": "monthly", "from": "2025-07", "to": "2025-08"}
    officer = loaded.client.get("/api/stats/figures", params=params, headers=loaded.headers()).json()
    assert asked[0] == (date(2025, 7, 1), date(2025, 8, 31))
    assert officer["marking"] == "UK-ONLY" and officer["outcomes"]
    july, august = officer["rows"]
    assert july["cell_incidents"] is None  # no outcome data for July: empty
    assert (august["cell_incidents"], august["cell_rescued"], august["cell_lost_contact"]) == (3, 31, 1)
    auditor = loaded.client.get("/api/stats/figures", params=params, headers=loaded.headers("auditor")).json()
    assert auditor["marking"] == "UK-FR"  # cleared UK-FR: the UK-ONLY incident is neither counted nor shown
    assert (auditor["rows"][1]["cell_incidents"], auditor["rows"][1]["cell_lost_contact"]) == (2, 0)
    chart = loaded.client.get(
        "/api/stats/chart",
        params={**params, "kind": "outcomes", "format": "svg"},
        headers=loaded.headers("auditor"),
    )
    assert chart.status_code == 200 and chart.headers["x-marking"] == "UK-FR"


def test_chart_export_png_and_svg(loaded: Api) -> None:
    h = loaded.headers()
    png = loaded.client.get(
        "/api/stats/chart", params={"period": "monthly", "from": "2023-01", "to": "2024-12"}, headers=h
    )
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'filename="small_boats_arrivals_monthly.png"' in png.headers["content-disposition"]
    svg = loaded.client.get(
        "/api/stats/chart",
        params={
            "period": "weekly",
            "kind": "prevented",
            "format": "svg",
            "from": "2024-05-01",
            "to": "2024-12-31",
        },
        headers=h,
    )
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content[:2000] and b"French" in svg.content
    none = loaded.client.get(
        "/api/stats/chart", params={"kind": "prevented", "from": "2019-01", "to": "2019-12"}, headers=h
    )
    assert_error(none, 422, "not_covered")


def test_effect_of_an_operation(loaded: Api, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h = loaded.headers()
    assert_error(
        loaded.client.get("/api/stats/effect", params={"date": "2020-08-15"}, headers=h), 503, "unavailable"
    )
    monkeypatch.setenv("WATCHKEEPER_FORECAST_HISTORY_WEATHER", str(shared_data / "weather" / REGIONAL))
    resp = loaded.client.get(
        "/api/stats/effect", params={"date": "2020-08-15", "days": 60, "measure": "boats"}, headers=h
    )
    assert resp.status_code == 200, resp.text
    r = resp.json()
    assert r["operation_date"] == "2020-08-15" and r["window_days"] == 60 and r["measure"] == "boats"
    assert r["n_before"] >= 5 and r["n_after"] >= 5
    assert r["change"] == pytest.approx(r["mean_after"] - r["mean_before"])
    assert r["change_ci95"][0] <= r["change"] <= r["change_ci95"][1]
    assert REGIONAL in r["favourable_rule"] and "causal" in r["caveat"]
    outside = loaded.client.get("/api/stats/effect", params={"date": "2022-06-01"}, headers=h)
    assert_error(outside, 422, "not_covered")  # the weather ends 2021-01-31
