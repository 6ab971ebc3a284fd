"""Benchmark: the rolling forecast evaluation (``forecast_accuracy``, issue 16).

Run: .venv/bin/python benchmarks/bench_forecast.py [n]

Prints the time of the rolling evaluation (all six methods, weekly origins, 1 000 bootstrap
draws) on

1. the demo as it is (internal run, its grid; 3 years of data give 2 years of origins after the
   364 days of history every origin needs);
2. the demo with its first year repeated one year earlier (52 weeks, so weekdays keep), which
   gives three years of weekly origins (target ≤ 10 s);
3. ``n`` incidents (default 1 000 000) made from the demo's by resampling with 30 m spatial and
   ±3 day jitter, over the same four years (target ≤ 60 s).

Imports (scipy.stats, scipy.fft) and the project load are done before the clock starts.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import scipy.fft
import scipy.stats  # noqa: F401

import tryggaplatser as tp
from tryggaplatser.analysis.run import placed


def _four_years(data):
    t = pd.to_datetime(data["occurred_at"], utc=True)
    first = data[(t < t.min() + pd.Timedelta(days=364)).to_numpy()].copy()
    first["occurred_at"] = pd.to_datetime(first["occurred_at"], utc=True) - pd.Timedelta(weeks=52)
    return pd.concat([first, data], ignore_index=True)


def _resampled(data, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(data), n)
    x = data.geometry.x.to_numpy()[pick] + rng.normal(0, 30, n)
    y = data.geometry.y.to_numpy()[pick] + rng.normal(0, 30, n)
    t = pd.DatetimeIndex(pd.to_datetime(data["occurred_at"], utc=True))[pick]
    t = t + pd.to_timedelta(rng.uniform(-3, 3, n), unit="D")
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {"occurred_at": pd.to_datetime(t, utc=True), "category": "x"},
        geometry=gpd.points_from_xy(x, y),
        crs=data.crs,
    )


def _time(label: str, data, grid, target: float | None) -> None:
    t0 = time.perf_counter()
    res = tp.forecast_accuracy(data, grid, quiet=True)
    s = time.perf_counter() - t0
    goal = f" (target ≤ {target:g} s)" if target else ""
    print(
        f"{label}: {len(data):,} incidents, {res.n_origins} weekly origins, "
        f"{len(grid):,} cells of {res.cell_size:g} m: {s:.1f} s{goal}"
    )


def main(n: int = 1_000_000) -> None:
    project = tp.load_project(tp.demo_config_path(), quiet=True)
    run = tp.Run(project, "internal", quiet=True)
    data = placed(run.incidents)
    grid = run.grid
    _time("demo", data, grid, None)
    four = _four_years(data)
    _time("demo, 3 years of origins", four, grid, 10)
    _time("resampled, 3 years of origins", _resampled(four, n), grid, 60)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
