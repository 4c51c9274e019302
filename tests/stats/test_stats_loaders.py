"""Loading the Home Office series: idempotent, revisions replace, bad rows refused whole, atomic."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.stats.loaders import (
    ParsedTable,
    Series,
    StatsLoadError,
    canonical_header,
    load_paths,
    write_tables,
)
from watchkeeper.stats.models import CrossingDay, CrossingQuarterBreakdown, CrossingWeek
from watchkeeper.store.models import RejectRow

DAILY = "uk_small_boats_daily_arrivals.csv"
WEEKLY = "uk_small_boats_weekly_arrivals_and_french_preventions.csv"
QUARTERLY = "uk_small_boat_detections_quarterly_by_nationality_sex_age_2018Q1-2023Q4.csv"
WALL = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # receive time stamped by the loading edge


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def _head(src: Path, dst: Path, n: int, edit: dict[int, dict[str, str]] | None = None) -> Path:
    """The first ``n`` data rows of a real CSV, with optional edits {data row index: {field: value}}."""
    with src.open() as f:
        rows = list(csv.DictReader(f))[:n]
    for i, change in (edit or {}).items():
        rows[i].update(change)
    with dst.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return dst


def test_load_real_csvs_then_reload_is_idempotent(engine: Engine, crossings_dir: Path) -> None:
    paths = [crossings_dir / DAILY, crossings_dir / WEEKLY, crossings_dir / QUARTERLY]
    first = load_paths(engine, paths)
    assert first.counts["daily"]["inserted"] == 2789
    assert first.counts["weekly"]["inserted"] == 398
    assert first.counts["quarterly"]["inserted"] == 2920
    second = load_paths(engine, paths)
    assert second.counts["daily"] == {"inserted": 0, "updated": 0, "unchanged": 2789}
    assert second.counts["quarterly"]["unchanged"] == 2920
    assert _count(engine, CrossingDay) == 2789
    assert _count(engine, CrossingWeek) == 398
    with engine.connect() as conn:
        people = conn.execute(select(func.sum(CrossingDay.migrants_arrived))).scalar_one()
        revised = conn.execute(select(func.count()).where(CrossingDay.revised.is_(True))).scalar_one()
        q_total = conn.execute(select(func.sum(CrossingQuarterBreakdown.number_of_detections))).scalar_one()
    assert people == 179_135  # total stated in PROVENANCE.md
    assert revised == 8
    assert q_total == 114_345


def test_revised_row_replaces_old_one(engine: Engine, crossings_dir: Path, tmp_path: Path) -> None:
    original = _head(crossings_dir / DAILY, tmp_path / "daily_v1.csv", 40)
    load_paths(engine, [original])
    # 2018-01-10 (row index 9) revised upward, as a later edition would publish it
    revised = _head(
        crossings_dir / DAILY, tmp_path / "daily_v2.csv", 40,
        {9: {"migrants_arrived": "17", "boats_arrived": "2", "notes": "Revised"}},
    )  # fmt: skip
    report = load_paths(engine, [revised])
    assert report.counts["daily"] == {"inserted": 0, "updated": 1, "unchanged": 39}
    assert _count(engine, CrossingDay) == 40
    with engine.connect() as conn:
        row = conn.execute(select(CrossingDay).where(CrossingDay.date == date(2018, 1, 10))).one()
    assert (row.migrants_arrived, row.boats_arrived, row.revised, row.source) == (17, 2, True, "daily_v2.csv")


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        ({"migrants_arrived": "12x"}, "migrants_arrived", "not a number"),
        ({"boats_arrived": "-1"}, "boats_arrived", "whole number"),
        ({"date": "2018-02-30"}, "date", "not a date"),
        ({"migrants_arrived": "40", "boats_arrived": "0"}, "boats_arrived", "one is zero"),
        ({"boats_arrived": ""}, "boats_arrived", "empty"),
    ],
)
def test_bad_row_names_file_row_field_and_loads_nothing(
    engine: Engine, crossings_dir: Path, tmp_path: Path, edit: dict[str, str], field: str, words: str
) -> None:
    good = _head(crossings_dir / WEEKLY, tmp_path / "weekly_ok.csv", 30)
    bad = _head(crossings_dir / DAILY, tmp_path / "daily_bad.csv", 50, {36: edit})
    with pytest.raises(StatsLoadError) as caught:
        load_paths(engine, [good, bad])
    err = caught.value.errors[0]
    assert err.file.endswith("daily_bad.csv")
    assert err.row == 38  # data row index 36 → line 38 (header is line 1)
    assert err.field == field
    assert words in err.message
    assert "daily_bad.csv, row 38" in str(caught.value)
    assert _count(engine, CrossingDay) == 0
    assert _count(engine, CrossingWeek) == 0  # the good file was not half-loaded either


def test_duplicate_date_in_one_file_is_refused(engine: Engine, crossings_dir: Path, tmp_path: Path) -> None:
    bad = _head(crossings_dir / DAILY, tmp_path / "dup.csv", 10, {5: {"date": "2018-01-02"}})
    with pytest.raises(StatsLoadError, match=r"row 7, field 'date': duplicate of row 3"):
        load_paths(engine, [bad])


def test_write_is_one_transaction(engine: Engine) -> None:
    """A row the database refuses (CHECK constraint) after good rows rolls back the whole load."""
    rows = [
        {"date": date(2020, 1, d), "migrants_arrived": 5, "boats_arrived": 1,
         "boats_uncontrolled_landings": None, "revised": False, "source": "t"}
        for d in range(1, 11)
    ]  # fmt: skip
    rows.append({**rows[0], "date": date(2020, 1, 11), "migrants_arrived": -3})  # bypasses validation
    with pytest.raises(IntegrityError), engine.begin() as conn:
        write_tables(conn, [ParsedTable(Series.DAILY, "t", rows)])
    assert _count(engine, CrossingDay) == 0


SB01_HEADER = [
    "Date",
    "Migrants arrived",
    "Boats arrived",
    "Boats arrived - involved in uncontrolled landings",
    "Notes",
]
SB02_HEADER = [
    "Week ending", "Migrants arrived", "Boats arrived", "Boats arrived - involved in uncontrolled landings",
    "Migrants prevented", "Events prevented", "Notes",
]  # fmt: skip
PREAMBLE = [
    "SB_01: Migrants detected crossing the English Channel in small boats, by date",
    "This worksheet contains one table. Some cells refer to notes which can be found in the Notes worksheet.",
    "Source: Home Office analysis of Border Force data",
]


def _published_rows(frame: pd.DataFrame, key: str, cols: list[str]) -> list[list[object]]:
    out = []
    for r in frame.itertuples(index=False):
        row: list[object] = [pd.Timestamp(getattr(r, key)).date()]
        for c in cols:
            v = getattr(r, c)
            row.append("-" if pd.isna(v) else int(v))
        row.append("" if pd.isna(r.notes) else r.notes)
        out.append(row)
    return out


def test_published_ods_layout_loads_like_the_csv(
    engine: Engine, crossings_dir: Path, tmp_path: Path, ods_writer: Any
) -> None:
    daily = pd.read_csv(crossings_dir / DAILY)
    daily = daily[(daily["date"] >= "2023-01-01") & (daily["date"] < "2023-07-01")]
    weekly = pd.read_csv(crossings_dir / WEEKLY)
    weekly = weekly[weekly["week_ending"] >= "2024-04-01"].head(20)
    ods = ods_writer(
        tmp_path / "Small_boats_-_time_series.ods",
        {
            "Cover_sheet": (["Migrants detected crossing the English Channel"], ["Contents"], []),
            "Notes": (["Notes"], ["Note number", "Note text"], [["1", "Data are provisional"]]),
            "SB_01": (PREAMBLE, SB01_HEADER, _published_rows(
                daily, "date", ["migrants_arrived", "boats_arrived", "boats_uncontrolled_landings"])),
            "SB_02": (["SB_02: by week"], SB02_HEADER, _published_rows(
                weekly, "week_ending", ["migrants_arrived", "boats_arrived", "boats_uncontrolled_landings",
                                        "migrants_prevented_fr", "events_prevented_fr"])),
        },
    )  # fmt: skip
    report = load_paths(engine, [ods])
    assert report.counts["daily"]["inserted"] == len(daily) == 181
    assert report.counts["weekly"]["inserted"] == 20
    with engine.connect() as conn:
        total = conn.execute(select(func.sum(CrossingDay.migrants_arrived))).scalar_one()
        revised = conn.execute(select(func.count()).where(CrossingDay.revised.is_(True))).scalar_one()
        prevented = conn.execute(select(func.sum(CrossingWeek.migrants_prevented_fr))).scalar_one()
        missing_fr = conn.execute(
            select(func.count()).where(CrossingWeek.migrants_prevented_fr.is_(None))
        ).scalar_one()
    assert total == int(daily["migrants_arrived"].sum())
    assert revised == int((daily["notes"] == "Revised").sum()) > 0
    assert prevented == int(weekly["migrants_prevented_fr"].sum())
    assert missing_fr == int(weekly["migrants_prevented_fr"].isna().sum()) > 0  # "-" stays empty
    # the CSV of the same rows is the same data: reloading it changes nothing
    csv_path = tmp_path / "same.csv"
    daily.to_csv(csv_path, index=False)
    assert load_paths(engine, [csv_path]).counts["daily"]["unchanged"] == 181


def test_bad_cell_in_ods_names_sheet_row_and_field(engine: Engine, tmp_path: Path, ods_writer: Any) -> None:
    rows: list[list[object]] = [[date(2023, 1, d), 10 * d, d, 0, ""] for d in range(1, 8)]
    rows[4][2] = "lots"
    ods = ods_writer(tmp_path / "bad.ods", {"SB_01": (PREAMBLE, SB01_HEADER, rows)})
    with pytest.raises(StatsLoadError) as caught:
        load_paths(engine, [ods])
    err = caught.value.errors[0]
    # 3 preamble rows + header → first data row is sheet row 5; the 5th data row is row 9
    assert (err.file, err.row, err.field) == (f"{ods}[SB_01]", 9, "boats_arrived")
    assert _count(engine, CrossingDay) == 0


def test_migration_downgrades(engine: Engine) -> None:
    from watchkeeper.store.db import downgrade

    downgrade(engine, "0002_stats_weather-1")
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert "crossings_daily" not in names
    assert "users" in names


@pytest.mark.postgres
def test_load_on_postgresql(pg_url: str, crossings_dir: Path) -> None:
    from watchkeeper.store.db import downgrade, make_engine, upgrade

    eng = make_engine(pg_url)
    try:
        upgrade(eng)
        paths = [crossings_dir / DAILY, crossings_dir / WEEKLY]
        assert load_paths(eng, paths).counts["daily"]["inserted"] == 2789
        assert load_paths(eng, paths).counts["daily"]["unchanged"] == 2789
        downgrade(eng, "0002_stats_weather-1")
        with eng.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('crossings_daily')")).scalar_one() is None
    finally:
        eng.dispose()


def test_refused_rows_are_kept_in_the_rejects_ledger(
    engine: Engine, crossings_dir: Path, tmp_path: Path
) -> None:
    """Nothing half-loaded, nothing lost: good rows stay out of the store, bad ones go to the ledger."""
    bad = _head(crossings_dir / DAILY, tmp_path / "daily_bad.csv", 20,
                {3: {"boats_arrived": "two"}, 11: {"migrants_arrived": "-4"}})  # fmt: skip
    ledger = RejectsLedger(engine)
    with pytest.raises(StatsLoadError):
        load_paths(engine, [bad], ledger, WALL)
    assert _count(engine, CrossingDay) == 0
    with engine.connect() as conn:
        kept = conn.execute(
            select(
                RejectRow.line_no, RejectRow.reason, RejectRow.source, RejectRow.detail, RejectRow.raw
            ).order_by(RejectRow.line_no)
        ).all()
    assert [(r.line_no, r.reason) for r in kept] == [(5, "bad_field"), (13, "bad_field")]
    assert kept[0].source == f"stats:{bad}" and "boats_arrived" in kept[0].detail
    assert json.loads(kept[0].raw)["boats_arrived"] == "two"  # the row itself is kept
    assert ledger.stored_counts(f"stats:{bad}") == {(f"stats:{bad}", "bad_field"): 2}


def test_unreadable_and_unknown_files_are_refused_with_a_reason(engine: Engine, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    broken = tmp_path / "broken.ods"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    other = tmp_path / "figures.txt"
    other.write_text("date,migrants_arrived\n")
    notours = tmp_path / "trains.csv"
    notours.write_text("station,passengers\nDover,12\n")
    ledger = RejectsLedger(engine)
    with pytest.raises(StatsLoadError) as caught:
        load_paths(engine, [empty, broken, other, notours], ledger, WALL)
    by_file = {Path(e.file).name: e for e in caught.value.errors}
    assert set(by_file) == {"empty.csv", "broken.ods", "figures.txt", "trains.csv"}
    assert "cannot be read" in by_file["empty.csv"].message
    assert "unknown file type" in by_file["figures.txt"].message
    assert "not a small-boat series" in by_file["trains.csv"].message
    assert all(e.structural for e in caught.value.errors)
    assert sum(ledger.stored_counts().values()) == 4
    assert {r for _, r in ledger.stored_counts()} == {"malformed"}


def test_weekly_rows_are_checked(engine: Engine, crossings_dir: Path, tmp_path: Path) -> None:
    bad = _head(crossings_dir / WEEKLY, tmp_path / "weekly_bad.csv", 12,
                {2: {"week_ending": "2018-01-20"}, 4: {"week_ending": "2018-01-07"}})  # fmt: skip
    with pytest.raises(StatsLoadError) as caught:
        load_paths(engine, [bad])
    got = {(e.row, e.field, e.message.split(" ")[-1]) for e in caught.value.errors}
    assert (4, "week_ending", "Sunday") in got  # 2018-01-20 is a Saturday
    assert (6, "week_ending", "file") in got  # duplicate of row 2
    assert _count(engine, CrossingWeek) == 0


def test_published_sheet_with_header_on_row_one_text_dates_and_note_marks(
    engine: Engine, crossings_dir: Path, tmp_path: Path, ods_writer: Any
) -> None:
    """The layout readers of the gov.uk workbook rely on (header first, 'dd/mm/yyyy' text dates), with
    GSS note marks in the headers; the same rows as the real CSV load to the same store."""
    daily = pd.read_csv(crossings_dir / DAILY)
    daily = daily[(daily["date"] >= "2022-12-20") & (daily["date"] < "2023-01-15")]
    header = ["Date", "Migrants arrived [note 2]", "Boats arrived [note 3]",
              "Boats arrived - involved in uncontrolled landings [note 4]", "Notes"]  # fmt: skip
    rows = [
        [pd.Timestamp(r.date).strftime("%d/%m/%Y"), int(r.migrants_arrived), int(r.boats_arrived),
         "-" if pd.isna(r.boats_uncontrolled_landings) else int(r.boats_uncontrolled_landings),
         "" if pd.isna(r.notes) else r.notes]
        for r in daily.itertuples(index=False)
    ]  # fmt: skip
    ods = ods_writer(tmp_path / "text_dates.ods", {"Cover_sheet": ([], ["Title"], []),
                                                    "SB_01": ([], header, rows)})  # fmt: skip
    assert load_paths(engine, [ods]).counts["daily"]["inserted"] == len(daily) == 26
    with engine.connect() as conn:
        dec31 = conn.execute(select(CrossingDay).where(CrossingDay.date == date(2022, 12, 31))).one()
        jan2 = conn.execute(select(CrossingDay).where(CrossingDay.date == date(2023, 1, 2))).one()
    src = daily.set_index("date")
    assert dec31.migrants_arrived == int(src.loc["2022-12-31", "migrants_arrived"])
    assert dec31.boats_uncontrolled_landings is None  # "-" before 2023
    assert jan2.boats_uncontrolled_landings == int(src.loc["2023-01-02", "boats_uncontrolled_landings"])
    csv_path = tmp_path / "same.csv"
    daily.to_csv(csv_path, index=False)
    assert load_paths(engine, [csv_path]).counts["daily"]["unchanged"] == 26


def test_header_spellings() -> None:
    assert canonical_header("Migrants arrived [note 2]") == "migrants_arrived"
    assert canonical_header("Week ending (Sunday)") == "week_ending"
    assert canonical_header("Migrants prevented from departing or returned to France [note 5]") == (
        "migrants_prevented_fr"
    )
    assert (
        canonical_header("Boats arrived - involved in uncontrolled landings") == "boats_uncontrolled_landings"
    )
    assert canonical_header("Boats arrived") == "boats_arrived"
    assert canonical_header("Weather") is None
