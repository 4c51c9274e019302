"""Property-based fuzzing of the small-boat figures loader (hypothesis): the published CSVs with cells
replaced (numbers past any count, NaN, dates out of any calendar, text) or lines damaged. The only
outcomes allowed: validated tables, or ``StatsLoadError`` naming each bad row and field — never another
exception (the loader is all or nothing, docs/design.md "Statistics")."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper.stats.loaders import StatsLoadError, parse_path

CROSSINGS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "crossings"
SEEDS = {p.name: p.read_text().splitlines()[:12] for p in sorted(CROSSINGS.glob("uk_small_boats_*.csv"))}
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "inf",
            "-inf",
            "nan",
            "1e400",
            "1e308",
            "-1",
            "2.5",
            "1,234",
            "0x10",
            "31/02/2024",
            "2024-13-01",
            "99999-01-01",
            "01/01/0000",
            "2024-02-30",
            " 7 ",
            "NaT",
        ]
    ),
    st.text(max_size=12),
    st.integers(-(10**30), 10**30).map(str),
)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="wk-fuzz-stats-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@st.composite
def damaged_csv(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    rows = [next(csv.reader([line])) for line in SEEDS[name]]
    for _ in range(draw(st.integers(1, 5))):
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(CELLS)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    if draw(st.integers(0, 4)) == 0:  # raw damage: a cut, a stray quote or separator
        pos = draw(st.integers(0, len(text)))
        text = (
            text[:pos]
            + draw(st.sampled_from(["", '"', ",", "\n", "\x00"]))
            + text[pos + draw(st.integers(0, 5)) :]
        )
    return name, text


@FUZZ
@given(sample=damaged_csv())
def test_loader_validates_or_names_the_bad_rows(workdir: Path, sample: tuple[str, str]) -> None:
    name, text = sample
    path = workdir / name
    path.write_text(text)
    try:
        tables = parse_path(path)
    except StatsLoadError as exc:
        assert exc.errors and all(e.message and e.field for e in exc.errors)
        return
    for table in tables:
        for record in table.rows:
            for key, value in record.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    assert value >= 0, (key, value)


@pytest.mark.parametrize("count", ["inf", "1e400", "nan"])
def test_found_a_count_that_is_not_finite(workdir: Path, count: str) -> None:
    """``migrants_arrived = inf`` (or ``1e400``) raised ``OverflowError`` out of the loader; ``nan`` made it
    refuse the whole file as unreadable. Each is now that row's error, naming the field."""
    path = workdir / "uk_small_boats_daily_arrivals.csv"
    path.write_text(
        "date,migrants_arrived,boats_arrived,boats_uncontrolled_landings,notes\n"
        f"2024-01-01,{count},1,,\n2024-01-02,3,1,,\n"
    )
    with pytest.raises(StatsLoadError) as err:
        parse_path(path)
    (error,) = err.value.errors
    assert (error.row, error.field) == (2, "migrants_arrived") and not error.structural
