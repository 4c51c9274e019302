"""Benchmark: the crossing forecast against its two baselines, on a later period than it was trained on.

Trains on the real Home Office daily crossings joined to the real weather before ``--until`` and scores,
in the same run and on the same test days: the model (primary variant), its fallback variants, the
model with week-old activity, monthly climatology, and the best wind-threshold rule found on the
training period. Prints ROC AUC, Brier score and expected calibration error side by side, the ratios
against each baseline, the reliability tables, and a rolling-origin check (four later periods).
Writes the reliability diagram (PNG, SVG) and the scores (JSON) to ``bench/out/forecast_eval/``.

    .venv/bin/python bench/forecast_eval.py [--weather PATH] [--crossings PATH] [--until 2020-07-01]

Default weather: the regional daily series for Nord-Pas-de-Calais (2018-01..2021-01), the only real
multi-year weather available; give ``--weather`` any other supported file (hourly ERA5 GRIB/NetCDF,
station CSV, Open-Meteo JSON) to score on it instead — no code change.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

import pandas as pd

from watchkeeper.stats.loaders import daily_series_from_files
from watchkeeper.weather.evaluation import BASELINES, evaluate, reliability_diagram
from watchkeeper.weather.limits import training_weather_limits
from watchkeeper.weather.sources import read_weather
from watchkeeper.weather.table import to_daily

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REGIONAL = SHARED / "weather" / "regional_daily_weather_nord_pas_de_calais_2018-01-01_2021-01-31.csv"
DAILY = SHARED / "crossings" / "uk_small_boats_daily_arrivals.csv"
OUT = Path(__file__).resolve().parent / "out" / "forecast_eval"
ORIGINS = ((date(2020, 1, 1), date(2020, 6, 30)), (date(2020, 4, 1), date(2020, 9, 30)),
           (date(2020, 7, 1), date(2020, 12, 31)), (date(2020, 10, 1), date(2021, 1, 31)))  # fmt: skip


def _row(name: str, s: dict[str, float]) -> str:
    return f"  {name:52s} {s['roc_auc']:8.3f} {s['brier']:8.3f} {s['ece']:8.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weather", type=Path, default=REGIONAL)
    ap.add_argument("--crossings", type=Path, default=DAILY)
    ap.add_argument("--until", type=date.fromisoformat, default=date(2020, 7, 1))
    ap.add_argument("--end", type=date.fromisoformat, default=None)
    ap.add_argument("--no-origins", action="store_true", help="skip the rolling-origin check")
    args = ap.parse_args()

    t0 = time.perf_counter()
    weather = to_daily(read_weather(args.weather))
    crossings = daily_series_from_files([args.crossings])
    ev = evaluate(weather, crossings, args.until, args.end, weather_source=str(args.weather), lags=(6, 13))
    elapsed = time.perf_counter() - t0

    print(f"weather:   {args.weather.name}")
    print(f"crossings: {args.crossings.name}")
    print(f"train {ev.train_period[0]}..{ev.train_period[1]} ({ev.n_train} days); "
          f"test {ev.test_period[0]}..{ev.test_period[1]} ({ev.n_test} days, "
          f"{ev.test_crossing_rate:.1%} crossing days)")  # fmt: skip
    rule = ev.wind_rule
    print(f"wind-threshold rule (from the training days): wind <= {rule.threshold_kt:.2f} kt -> "
          f"p {rule.p_calm:.3f}, else {rule.p_windy:.3f}")  # fmt: skip
    print(f"\n  {'forecast':52s} {'ROC AUC':>8s} {'Brier':>8s} {'ECE':>8s}")
    for name in ("model", *BASELINES):
        print(_row(name, ev.scores[name]))
    for name, s in ev.scores.items():
        if name not in ("model", *BASELINES):
            print(_row(name, s))
    m = ev.scores["model"]
    print("\nratios, model / baseline (AUC: higher is better; Brier, ECE: lower is better)")
    for b in BASELINES:
        s = ev.scores[b]
        print(f"  vs {b:20s} AUC x{m['roc_auc'] / s['roc_auc']:.3f}   Brier x{m['brier'] / s['brier']:.3f}   "
              f"ECE x{m['ece'] / s['ece']:.3f}")  # fmt: skip
    print(f"  beats both baselines on both scores: {ev.beats_baselines()}")
    c = ev.scores["climatology_month"]
    print(f"\ncounts (MAE per day): boats model {m['boats_mae']:.2f} vs climatology {c['boats_mae']:.2f}; "
          f"people model {m['people_mae']:.1f} vs climatology {c['people_mae']:.1f}")  # fmt: skip
    print("\nreliability (forecast probability bin: days, mean forecast, observed frequency)")
    for name, table in ev.reliability.items():
        used = table[table["count"] > 0]
        cells = "  ".join(f"{r.bin_low:.1f}: {int(r.count)} {r.mean_p:.2f}/{r.observed:.2f}"
                          for r in used.itertuples())  # fmt: skip
        print(f"  {name:18s} {cells}")

    origins = []
    if not args.no_origins:
        print("\nrolling origin (train before the first day, test that period)")
        print(f"  {'test period':24s} {'days':>5s}  {'model':>13s}  {'climatology':>13s}  {'wind rule':>13s}"
              "  (AUC/Brier)  beats")  # fmt: skip
        for start, end in ORIGINS:
            e = evaluate(weather, crossings, start, end, weather_source=str(args.weather))
            cells = "  ".join(f"{e.scores[k]['roc_auc']:.3f}/{e.scores[k]['brier']:.3f}"
                              for k in ("model", *BASELINES))  # fmt: skip
            print(f"  {start}..{end} {e.n_test:5d}  {cells}  {e.beats_baselines()}")
            origins.append({"test": [str(start), str(end)], "n_test": e.n_test, "scores": e.scores,
                            "beats_baselines": e.beats_baselines()})  # fmt: skip

    OUT.mkdir(parents=True, exist_ok=True)
    paths = reliability_diagram(ev, OUT / "reliability")
    summary = {**ev.summary(), "rolling_origin": origins, "seconds": round(elapsed, 2)}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")
    pd.concat({k: v for k, v in ev.reliability.items()}).to_csv(OUT / "reliability.csv")
    print(f"\nwrote {', '.join(str(p) for p in paths)}, {OUT / 'summary.json'}")
    print(f"train + score: {elapsed:.1f} s")
    print(f"\nlimits: {training_weather_limits(ev.model.metadata)}")


if __name__ == "__main__":
    main()
