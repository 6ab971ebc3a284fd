"""Benchmark: area_profiles_all and perception_gap on 1 000 000 synthetic incidents.

Run: .venv/bin/python benchmarks/bench_areas.py [n]
25 irregular areas (5 × 5 squares of 1.2 km with a vertex every 20 m), 5 years, 20 % of the
incidents known only as a time window (0.5–300 h), 7 % day precision, 3 % unknown time, 3 %
Polisen centroids.
"""

from __future__ import annotations

import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from tryggaplatser.analysis.areas import area_profiles_all
from tryggaplatser.analysis.perception import perception_gap

X0, Y0 = 600_000, 6_550_000


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    geoms, ids = [], []
    for i in range(5):
        for j in range(5):
            geoms.append(
                box(
                    X0 + i * 1200, Y0 + j * 1200, X0 + (i + 1) * 1200, Y0 + (j + 1) * 1200
                ).segmentize(20)
            )
            ids.append(f"A{i}{j}")
    areas = gpd.GeoDataFrame(
        {
            "area_id": ids,
            "name": ids,
            "area_type": "deso",
            "population": rng.integers(50, 3000, 25),
            "population_year": 2024,
        },
        geometry=geoms,
        crs=3006,
    )
    t = pd.Timestamp("2021-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 5 * 365 * 24, n), unit="h"
    )
    window = np.where(rng.random(n) < 0.2, rng.uniform(0.5, 300, n), np.nan)
    cats = [
        "klotter",
        "stold",
        "brand",
        "skadegorelse",
        "hot_vald",
        "inbrott",
        "narkotika",
        "ovrigt",
    ]
    inc = gpd.GeoDataFrame(
        {
            "incident_id": np.arange(n).astype(str),
            "occurred_at": t,
            "occurred_end": t + pd.to_timedelta(window, unit="h"),
            "category": rng.choice(cats, n),
            "time_precision": rng.choice(["exakt", "dag", "okand"], n, p=[0.9, 0.07, 0.03]),
            "location_precision": rng.choice(["exakt", "kommun_centroid"], n, p=[0.97, 0.03]),
            "source": "x",
        },
        geometry=gpd.points_from_xy(
            rng.uniform(X0 - 300, X0 + 6000, n), rng.uniform(Y0, Y0 + 6000, n)
        ),
        crs=3006,
    )
    m = min(5000, n)
    dialogue = inc.iloc[:m][["geometry"]].assign(
        response_id=np.arange(m).astype(str),
        campaign_id="k",
        perception=rng.choice(["otrygg", "trygg"], m),
        reasons="belysning",
    )
    t0 = time.perf_counter()
    area_profiles_all(areas=areas, incidents=inc, dialogue=dialogue, quiet=True)
    t1 = time.perf_counter()
    perception_gap(incidents=inc, dialogue=dialogue, quiet=True)
    t2 = time.perf_counter()
    print(f"area_profiles_all, 25 areas, {n} incidents: {t1 - t0:.1f} s")
    print(f"perception_gap (250 m cells), {n} incidents: {t2 - t1:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
