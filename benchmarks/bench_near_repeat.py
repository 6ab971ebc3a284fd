"""Benchmark: near_repeat on 20 000 incidents with 99 permutations (target < 30 s).

Run: ``.venv/bin/python benchmarks/bench_near_repeat.py [n_incidents] [permutations]``.
The incidents are spread over a 15 km × 15 km town in a year, a third of them clustered in 40
neighbourhoods (so the pair count is realistic, not the sparse uniform best case).
"""

from __future__ import annotations

import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from tryggaplatser.analysis.near_repeat import near_repeat


def synthetic(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    n_clustered = n // 3
    centres = rng.uniform(0, 15_000, (40, 2))
    which = rng.integers(0, 40, n_clustered)
    clustered = centres[which] + rng.normal(0, 400, (n_clustered, 2))
    uniform = rng.uniform(0, 15_000, (n - n_clustered, 2))
    xy = np.vstack([clustered, uniform]) + np.array([640_000, 6_550_000])
    t = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.uniform(0, 365, n), unit="D")
    return gpd.GeoDataFrame(
        {"occurred_at": t, "category": "inbrott"},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=3006,
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    perms = int(sys.argv[2]) if len(sys.argv) > 2 else 99
    data = synthetic(n)
    start = time.perf_counter()
    result = near_repeat(data, permutations=perms, seed=1, quiet=True)
    elapsed = time.perf_counter() - start
    print(
        f"near_repeat: {n} incidents, {perms} permutations, "
        f"{result.attrs['n_spatial_pairs']} spatial pairs < 500 m: {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
