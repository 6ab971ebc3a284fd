"""Benchmark: the risk-terrain model and the street stretches (issue 17).

Run: .venv/bin/python benchmarks/bench_risk.py [n]

Prints

1. the risk-terrain model on the demo (internal run: its grid, the three context layers and the
   lighting factor from the safety walks, distances 100/150/300 m; target ≤ 10 s);
2. the street stretches of the demo (its street network, incidents, walk observations and
   dialogue pins);
3. the street stretches for ``n`` incidents (default 1 000 000) made from the demo's by
   resampling with 30 m jitter, on the demo's street network (target ≤ 30 s).

The project load and the imports (statsmodels, scipy) are done before the clock starts.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import statsmodels.api  # noqa: F401

import tryggaplatser as tp
from tryggaplatser.analysis.run import Run, placed
from tryggaplatser.analysis.streets import street_stretches


def _resampled(data, n: int, seed: int = 0):
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(data), n)
    x = data.geometry.x.to_numpy()[pick] + rng.normal(0, 30, n)
    y = data.geometry.y.to_numpy()[pick] + rng.normal(0, 30, n)
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=data.crs)


def main(n: int = 1_000_000) -> None:
    project = tp.load_project(tp.demo_config_path(), quiet=True, quarantine_dir=False)
    run = Run(project, "internal")
    _ = run.grid, run.context, run.roads
    t0 = time.perf_counter()
    risk = run.risk_terrain()
    s = time.perf_counter() - t0
    print(
        f"risk model, demo: {s:.2f} s (target ≤ 10 s); {risk.model['n_cells']} cells, "
        f"{len(risk.design.columns)} candidate variables, {len(risk.steps) - 1} selection steps"
    )
    for _, row in risk.factors.iterrows():
        rr = (
            f"RR {row['rr']:.2f} ({row['rr_lo']:.2f}–{row['rr_hi']:.2f})"
            if row["selected"]
            else "adds nothing"
        )
        print(f"    {row['factor']}: {rr}")
    t0 = time.perf_counter()
    streets = run.streets()
    s = time.perf_counter() - t0
    print(f"street stretches, demo: {s:.2f} s; {len(streets.stretches)} stretches")
    data = _resampled(placed(run.incidents), n)
    roads = run.roads
    t0 = time.perf_counter()
    big = street_stretches(roads, data)
    s = time.perf_counter() - t0
    row = big.snapping.iloc[0]
    print(
        f"street stretches, {n:,} incidents: {s:.2f} s (target ≤ 30 s); "
        f"{row['snapped']:,} snapped, {row['unsnapped']:,} not; Gi* test {big.test}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
