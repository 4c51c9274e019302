"""The Stats view in real headless Chromium on the real demo: charts drawn in the page from the real Home
Office figures, the table, PNG/SVG/CSV exports, and the effect-of-operations analysis."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from stats_demo_data import DAILY, WEEKLY, prepare

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def _monthly_people(shared_data: Path) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    with (shared_data / "crossings" / DAILY).open() as f:
        for r in csv.DictReader(f):
            sums[r["date"][:7]] += int(r["migrants_arrived"])
    return sums


def _months_with_french_estimates(shared_data: Path) -> set[str]:
    with (shared_data / "crossings" / WEEKLY).open() as f:
        return {r["week_ending"][:7] for r in csv.DictReader(f) if r["migrants_prevented_fr"]}


def test_stats_view(demo_server: Any, signed_in: Any, shared_data: Path, artifacts_dir: Path) -> None:
    prepare(demo_server, shared_data)
    page = signed_in.page
    page.get_by_test_id("tab-stats").click()
    view = page.get_by_test_id("view-stats")
    view.get_by_test_id("stats-svg").wait_for(timeout=20_000)
    # default: the last 24 months of data, drawn as bars in the page (people) with boats as a line
    bars = view.get_by_test_id("chart-bar")
    assert bars.count() == 24 == view.get_by_test_id("stats-row").count()
    labels = [bars.nth(i).get_attribute("data-label") for i in range(bars.count())]
    assert labels[0] == "2023-09" and labels[-1] == "2025-08"
    people = _monthly_people(shared_data)
    for i, month in enumerate(labels):
        assert float(bars.nth(i).get_attribute("data-value") or "nan") == people[month], month
    assert view.get_by_test_id("chart-point").count() == 24
    newest = view.get_by_test_id("stats-row").first
    assert newest.locator("td").first.text_content() == "2025-08"
    assert "Open Government Licence" in (view.get_by_test_id("stats-source").text_content() or "")
    # French estimates exist from 2024-05 only: months before are gaps, not zero bars
    view.get_by_test_id("stats-kind").select_option("prevented")
    french = _months_with_french_estimates(shared_data) & set(labels)
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=view-stats] [data-testid=chart-bar]').length === n",
        arg=len(french),
    )
    assert len(french) == 16
    # exports come from the API as files
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("csv", b"month,")):
        with page.expect_download() as dl:
            view.get_by_test_id(f"stats-export-{fmt}").click()
        content = Path(dl.value.path()).read_bytes()
        assert content.startswith(magic), (fmt, content[:40])
        assert dl.value.suggested_filename.endswith(f".{fmt}")
    # another period, typed by hand
    view.get_by_test_id("stats-period").select_option("yearly")
    view.get_by_test_id("stats-kind").select_option("arrivals")
    view.get_by_test_id("stats-from").fill("2018")
    view.get_by_test_id("stats-to").fill("2022")
    view.get_by_test_id("stats-show").click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=view-stats] [data-testid=chart-bar]').length === 5"
    )
    y2022 = view.locator("[data-testid=chart-bar][data-label='2022']")
    assert y2022.get_attribute("data-value") == "45755"
    # effect of an operation, on the real regional weather the model was trained on
    view.get_by_test_id("effect-date").fill("2020-08-15")
    view.get_by_test_id("effect-days").fill("60")
    view.get_by_test_id("effect-run").click()
    change = view.get_by_test_id("effect-change")
    change.wait_for(timeout=20_000)
    assert "[95 %" in (change.text_content() or "")
    assert "n=" in (view.get_by_test_id("effect-means").text_content() or "")
    view.screenshot(path=str(artifacts_dir / "stats.png"))
    assert signed_in.problems == []
