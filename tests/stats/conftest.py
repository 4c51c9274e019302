"""Fixtures for the statistics tests: the real Home Office CSVs (read in place) and a published-layout ODS."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer

DAILY = "uk_small_boats_daily_arrivals.csv"
WEEKLY = "uk_small_boats_weekly_arrivals_and_french_preventions.csv"
QUARTERLY = "uk_small_boat_detections_quarterly_by_nationality_sex_age_2018Q1-2023Q4.csv"


@pytest.fixture(scope="session")
def crossings_dir(shared_data: Path) -> Path:
    return shared_data / "crossings"


@pytest.fixture
def cli_app() -> typer.Typer:
    return stats_app()


@pytest.fixture
def ods_writer() -> Any:
    return write_ods


def stats_app() -> typer.Typer:
    """A bare app with only this capability's commands (independent of the other capabilities)."""
    from watchkeeper.stats.cli import register as register_stats
    from watchkeeper.weather.cli import register as register_weather

    app = typer.Typer()
    register_stats(app)
    register_weather(app)
    return app


def write_ods(
    path: Path, sheets: dict[str, tuple[Sequence[str], Sequence[str], Sequence[Sequence[Any]]]]
) -> Path:
    """An ODS workbook in the published layout: per sheet, title/note rows, the header row, data rows.

    Dates become ODS date cells, ints float cells, strings (e.g. "-") string cells, as in the gov.uk file.
    """
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, (preamble, header, rows) in sheets.items():
        table = Table(name=name)
        for line in preamble:
            tr = TableRow()
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=line))
            tr.addElement(cell)
            table.addElement(tr)
        tr = TableRow()
        for h in header:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=h))
            tr.addElement(cell)
        table.addElement(tr)
        for row in rows:
            tr = TableRow()
            for v in row:
                if isinstance(v, date):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat())
                    cell.addElement(P(text=v.strftime("%d/%m/%Y")))
                elif isinstance(v, int | float):
                    cell = TableCell(valuetype="float", value=str(v))
                    cell.addElement(P(text=str(v)))
                elif v is None:
                    cell = TableCell()
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
