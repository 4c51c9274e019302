"""Effect of operations on synthetic data with a known effect (and with none)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from watchkeeper.core.errors import TemporalNotCovered
from watchkeeper.stats.effect import effect_of_operation, favourable_days

OP = date(2022, 7, 1)


def _synthetic(rate_before: float, rate_after: float, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """A year of days; 40 % favourable; boats ~ over-dispersed counts on favourable days, rare otherwise."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-01-01", "2022-12-31", freq="D")
    wind = rng.gamma(4.0, 3.0, len(days))  # knots
    weather = pd.DataFrame({"wind_speed_kt": wind}, index=days)
    fav = favourable_days(weather, 9.0)
    rate = np.where(days < pd.Timestamp(OP), rate_before, rate_after)
    lam = np.where(fav.to_numpy(bool), rate, 0.3) * rng.gamma(2.0, 0.5, len(days))  # negative binomial
    boats = rng.poisson(lam).astype(float)
    crossings = pd.DataFrame({"boats_arrived": boats, "migrants_arrived": boats * 50}, index=days)
    return crossings, fav


def test_known_reduction_is_found_with_its_uncertainty() -> None:
    crossings, fav = _synthetic(10.0, 5.0, seed=7)
    r = effect_of_operation(crossings, fav, OP, days=150, measure="boats", resamples=1000)
    assert r.n_before > 30 and r.n_after > 30
    lo, hi = r.change_ci95
    assert hi < 0, "a halving must be detected"
    assert lo < -5.0 < hi, "the interval must contain the true change of -5 boats per favourable day"
    assert r.rate_ratio_ci95[0] < 0.5 < r.rate_ratio_ci95[1]
    assert r.dispersion > 1.0


def test_no_effect_interval_contains_zero() -> None:
    crossings, fav = _synthetic(8.0, 8.0, seed=11)
    r = effect_of_operation(crossings, fav, OP, days=150, measure="people", resamples=1000)
    assert r.change_ci95[0] < 0.0 < r.change_ci95[1]
    assert r.rate_ratio_ci95[0] < 1.0 < r.rate_ratio_ci95[1]


def test_seeded_and_refuses_a_window_without_data() -> None:
    crossings, fav = _synthetic(10.0, 5.0, seed=3)
    a = effect_of_operation(crossings, fav, OP, days=90, resamples=500)
    b = effect_of_operation(crossings, fav, OP, days=90, resamples=500)
    assert a.change_ci95 == b.change_ci95
    with pytest.raises(TemporalNotCovered):
        effect_of_operation(crossings, fav, date(2022, 12, 1), days=90)


def test_effect_cli_on_the_real_series(
    cli_app: typer.Typer, shared_data: Path, sqlite_url: str, tmp_path: Path
) -> None:
    """`stats effect` on the store loaded from the real daily CSV and the real regional weather."""
    app = cli_app
    runner = CliRunner()
    daily = shared_data / "crossings" / "uk_small_boats_daily_arrivals.csv"
    weather = shared_data / "weather" / "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
    assert runner.invoke(app, ["stats", "load", str(daily), "--database-url", sqlite_url]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "stats",
            "effect",
            "--date",
            "2020-08-15",
            "--weather",
            str(weather),
            "--days",
            "60",
            "--format",
            "json",
            "--database-url",
            sqlite_url,
        ],
    )
    assert result.exit_code == 0, result.output
    r = json.loads(result.output)
    # by hand: boats per favourable day (regional wind ≤ 10 kt = 18.52 km/h) in each window
    w = pd.read_csv(weather, parse_dates=["date"]).set_index("date")["wind_speed_kmh"]
    c = pd.read_csv(daily, parse_dates=["date"]).set_index("date")["boats_arrived"]
    before = c["2020-06-16":"2020-08-14"][w["2020-06-16":"2020-08-14"] <= 18.52]
    after = c["2020-08-15":"2020-10-13"][w["2020-08-15":"2020-10-13"] <= 18.52]
    assert (r["n_before"], r["n_after"]) == (len(before), len(after))
    assert r["mean_before"] == pytest.approx(before.mean()) and r["mean_after"] == pytest.approx(after.mean())
    assert r["change_ci95"][0] < r["change"] < r["change_ci95"][1]
    text = runner.invoke(
        app,
        [
            "stats",
            "effect",
            "--date",
            "2020-08-15",
            "--weather",
            str(weather),
            "--days",
            "60",
            "--database-url",
            sqlite_url,
        ],
    )
    assert "95% block-bootstrap CI" in text.output and "quasi-Poisson" in text.output
    outside = runner.invoke(
        app,
        ["stats", "effect", "--date", "2023-05-01", "--weather", str(weather), "--database-url", sqlite_url],
    )
    assert outside.exit_code == 2 and "without weather" in outside.output
    chart = runner.invoke(
        app,
        [
            "stats",
            "chart",
            "--period",
            "yearly",
            "--kind",
            "people_per_boat",
            "--out",
            str(tmp_path / "ppb"),
            "--database-url",
            sqlite_url,
        ],
    )
    assert chart.exit_code == 0, chart.output
    assert (tmp_path / "ppb.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "ppb.svg").is_file()
