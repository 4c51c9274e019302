"""Figures: the monthly CSV contract against a hand sum of the real daily CSV; charts; outcome seam."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from watchkeeper.core.errors import ConfigError
from watchkeeper.stats.charts import figures_chart, render_chart
from watchkeeper.stats.figures import Period, store_figures
from watchkeeper.stats.loaders import load_paths
from watchkeeper.stats.outcomes import DailyOutcome, outcome_frame

DAILY = "uk_small_boats_daily_arrivals.csv"
WEEKLY = "uk_small_boats_weekly_arrivals_and_french_preventions.csv"
MONTHLY_COLUMNS = [
    "month", "migrants_arrived", "boats_arrived", "boats_uncontrolled_landings",
    "migrants_prevented_fr", "events_prevented_fr",
]  # fmt: skip


def _load_cli(cli_app: typer.Typer, url: str, crossings_dir: Path) -> None:
    result = CliRunner().invoke(
        cli_app,
        ["stats", "load", str(crossings_dir / DAILY), str(crossings_dir / WEEKLY), "--database-url", url],
    )
    assert result.exit_code == 0, result.output
    assert "daily: 2789 inserted" in result.output


def test_monthly_csv_matches_hand_sum_of_daily_csv(
    cli_app: typer.Typer, sqlite_url: str, crossings_dir: Path
) -> None:
    _load_cli(cli_app, sqlite_url, crossings_dir)
    result = CliRunner().invoke(
        cli_app, ["stats", "monthly", "--from", "2024-05", "--to", "2024-06", "--format", "csv",
                  "--database-url", sqlite_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ",".join(MONTHLY_COLUMNS)  # exactly the contract's columns
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["month"] for r in rows] == ["2024-05", "2024-06"]
    # hand sum straight from the CSV files, with the csv module (not our code)
    with (crossings_dir / DAILY).open() as f:
        june = [r for r in csv.DictReader(f) if r["date"].startswith("2024-06")]
    with (crossings_dir / WEEKLY).open() as f:
        june_weeks = [r for r in csv.DictReader(f) if r["week_ending"].startswith("2024-06")]
    assert len(june) == 30 and len(june_weeks) == 5
    got = rows[1]
    assert int(got["migrants_arrived"]) == sum(int(r["migrants_arrived"]) for r in june)
    assert int(got["boats_arrived"]) == sum(int(r["boats_arrived"]) for r in june)
    assert int(got["boats_uncontrolled_landings"]) == sum(
        int(float(r["boats_uncontrolled_landings"])) for r in june
    )
    assert int(got["migrants_prevented_fr"]) == sum(
        int(float(r["migrants_prevented_fr"])) for r in june_weeks
    )
    assert int(got["events_prevented_fr"]) == sum(int(float(r["events_prevented_fr"])) for r in june_weeks)


def test_monthly_is_empty_where_the_source_has_none(
    cli_app: typer.Typer, sqlite_url: str, crossings_dir: Path
) -> None:
    _load_cli(cli_app, sqlite_url, crossings_dir)
    result = CliRunner().invoke(
        cli_app, ["stats", "monthly", "--from", "2019-08", "--to", "2019-08", "--database-url", sqlite_url]
    )
    row = next(csv.DictReader(io.StringIO(result.output)))
    assert int(row["migrants_arrived"]) > 0
    assert row["boats_uncontrolled_landings"] == ""  # not published before 2023
    assert row["migrants_prevented_fr"] == "" and row["events_prevented_fr"] == ""  # French data from 2024-05
    js = CliRunner().invoke(
        cli_app, ["stats", "monthly", "--from", "2019-08", "--to", "2019-08", "--format", "json",
                  "--database-url", sqlite_url],
    )  # fmt: skip
    record = json.loads(js.output)[0]
    assert list(record) == MONTHLY_COLUMNS
    assert record["boats_uncontrolled_landings"] is None
    assert record["migrants_arrived"] == int(row["migrants_arrived"])


def test_monthly_options_people_per_boat_and_strict_bounds(
    cli_app: typer.Typer, sqlite_url: str, crossings_dir: Path
) -> None:
    _load_cli(cli_app, sqlite_url, crossings_dir)
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["stats", "monthly", "--from", "2022-08", "--to", "2022-08", "--people-per-boat",
                  "--database-url", sqlite_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(result.output)))
    assert list(row) == [*MONTHLY_COLUMNS, "people_per_boat"]
    ppb = int(row["migrants_arrived"]) / int(row["boats_arrived"])
    assert float(row["people_per_boat"]) == pytest.approx(ppb, abs=0.005)
    for bad in ("2022-8", "2022-08-01", "Aug 2022"):
        refused = runner.invoke(cli_app, ["stats", "monthly", "--from", bad, "--database-url", sqlite_url])
        assert refused.exit_code == 2 and "YYYY-MM" in refused.output
    yearly = runner.invoke(cli_app, ["stats", "yearly", "--from", "2021", "--to", "2022", "--format", "json",
                                     "--database-url", sqlite_url])  # fmt: skip
    assert [r["year"] for r in json.loads(yearly.output)] == ["2021", "2022"]
    assert json.loads(yearly.output)[1]["migrants_arrived"] == 45_755


def test_periods_agree_and_people_per_boat(engine: Engine, crossings_dir: Path) -> None:
    load_paths(engine, [crossings_dir / DAILY, crossings_dir / WEEKLY])
    yearly = store_figures(engine, Period.YEARLY).set_index("year")
    monthly = store_figures(engine, Period.MONTHLY)
    weekly = store_figures(engine, Period.WEEKLY)
    daily = pd.read_csv(crossings_dir / DAILY)
    assert int(yearly.loc["2022", "migrants_arrived"]) == 45_755  # published calendar-year figure
    assert int(monthly["migrants_arrived"].sum()) == int(daily["migrants_arrived"].sum())
    assert int(weekly["boats_arrived"].sum()) == int(daily["boats_arrived"].sum())
    y2022 = yearly.loc["2022"]
    assert abs(y2022["people_per_boat"] - y2022["migrants_arrived"] / y2022["boats_arrived"]) < 0.01
    # our weekly sums equal the published SB_02 weekly sums
    sb02 = pd.read_csv(crossings_dir / WEEKLY).set_index("week_ending")
    ours = weekly.set_index("week_ending")
    common = sb02.index.intersection(ours.index)
    assert len(common) > 390
    assert (ours.loc[common, "migrants_arrived"].astype(int) == sb02.loc[common, "migrants_arrived"]).all()


def test_incident_outcomes_sit_beside_the_figures_filtered_by_clearance(
    engine: Engine, crossings_dir: Path
) -> None:
    load_paths(engine, [crossings_dir / DAILY])
    rows = [  # the shape the incidents capability hands over: one row per day and marking, zeros included
        DailyOutcome(date(2025, 8, d), incidents=1, rescued=d, persons_landed_uk=10, marking="UK-FR")
        for d in range(1, 11)
    ] + [
        {"date": "2025-08-05", "incidents": 2, "lost_contact": 1, "returned_fr": 3, "marking": "UK-ONLY"},
        {"date": "2025-09-02", "incidents": 0, "marking": "UK-FR"},  # a covered day with nothing: a zero
    ]
    for clearance, incidents, lost in (("UK-ONLY", 12, 1), ("UK-FR", 10, 0)):
        outcomes = outcome_frame(rows, clearance)
        table = store_figures(engine, Period.MONTHLY, date(2025, 7, 1), None, outcomes).set_index("month")
        assert list(table.index) == ["2025-07", "2025-08", "2025-09"]
        assert pd.isna(table.loc["2025-07", "cell_incidents"])  # no outcome data for July: empty, not 0
        assert table.loc["2025-08", "cell_incidents"] == incidents
        assert table.loc["2025-08", "cell_lost_contact"] == lost
        assert table.loc["2025-08", "cell_rescued"] == sum(range(1, 11))
        assert table.loc["2025-09", "cell_incidents"] == 0
        assert pd.isna(table.loc["2025-09", "migrants_arrived"])  # Home Office data end 2025-08-20
        assert table.loc["2025-08", "days_covered"] == 20
    assert outcome_frame(rows, "PUBLIC").empty
    with pytest.raises(ConfigError, match="rescued"):
        outcome_frame([{"date": "2025-08-01", "rescued": -1}], "UK-ONLY")
    with pytest.raises(ConfigError, match="marking"):
        outcome_frame([{"date": "2025-08-01", "marking": "SECRET"}], "UK-ONLY")


def test_chart_png_and_svg(engine: Engine, crossings_dir: Path, tmp_path: Path) -> None:
    load_paths(engine, [crossings_dir / DAILY, crossings_dir / WEEKLY])
    table = store_figures(engine, Period.MONTHLY)
    png, svg = figures_chart(table, tmp_path / "monthly")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert "<svg" in text[:2000] and "Open Government Licence" in text
    for kind in ("people_per_boat", "landings", "prevented"):
        assert render_chart(table, kind, "svg").lstrip().startswith(b"<?xml")
    # French estimates start 2024-05: a 2019 chart of them has nothing to show and says so
    with pytest.raises(ConfigError, match="migrants_prevented_fr"):
        render_chart(store_figures(engine, Period.MONTHLY, date(2019, 1, 1), date(2019, 12, 31)), "prevented")
    with pytest.raises(ConfigError, match="unknown chart"):
        render_chart(table, "pie")
