"""Figures: the monthly CSV contract against a hand sum of the real daily CSV; charts; outcome seam."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from watchkeeper.stats.charts import figures_chart
from watchkeeper.stats.figures import Period, store_figures, with_incident_outcomes
from watchkeeper.stats.loaders import load_paths

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
    rows = list(csv.DictReader(io.StringIO(result.output)))
    for col in MONTHLY_COLUMNS:
        assert col in rows[0], col
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
    assert record["boats_uncontrolled_landings"] is None
    assert record["migrants_arrived"] == int(row["migrants_arrived"])


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


def test_incident_outcomes_sit_beside_the_figures(engine: Engine, crossings_dir: Path) -> None:
    load_paths(engine, [crossings_dir / DAILY])
    table = store_figures(engine, Period.MONTHLY).tail(3)
    month = str(table["month"].iloc[-1])
    out = with_incident_outcomes(table, {month: {"rescued": 12, "landed": 3}})
    assert list(out.columns[-2:]) == ["cell_landed", "cell_rescued"]
    assert out["cell_rescued"].tolist() == [0, 0, 12]


def test_chart_png_and_svg(engine: Engine, crossings_dir: Path, tmp_path: Path) -> None:
    load_paths(engine, [crossings_dir / DAILY, crossings_dir / WEEKLY])
    table = store_figures(engine, Period.MONTHLY)
    png, svg = figures_chart(table, tmp_path / "monthly")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()[:2000]
