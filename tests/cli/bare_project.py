"""A tiny project without any optional column or layer (tests/cli/test_missing_fields.py).

Four 1 km areas without population, 1 200 incidents over 2024–2025 with only the required
columns, one measure. Small enough that a whole ``area --all`` runs in a few seconds, so
tests/cli/test_interrupt.py runs it many times as a child process.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

AREAS = {"A1": "Norrby", "A2": "Söderby", "A3": "Österby", "A4": "Västerby"}
X0, Y0 = 650000, 6560000


def write_project(root: Path) -> Path:
    """Areas without population and incidents with only the required columns."""
    boxes = [
        shapely.box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000, Y0 + (j + 1) * 1000)
        for j in range(2)
        for i in range(2)
    ]
    gpd.GeoDataFrame(
        {"omrade_id": list(AREAS), "namn": list(AREAS.values())}, geometry=boxes, crs=3006
    ).to_file(root / "omraden.gpkg", layer="omraden")
    rng = np.random.default_rng(13)
    n = 1200
    hot = rng.random(n) < 0.35  # a persistent hot spot in Norrby
    x = np.where(hot, rng.normal(X0 + 500, 40, n), rng.uniform(X0 + 20, X0 + 1980, n))
    y = np.where(hot, rng.normal(Y0 + 500, 40, n), rng.uniform(Y0 + 20, Y0 + 1980, n))
    start = pd.Timestamp("2024-01-01 00:30")
    minutes = np.sort(rng.uniform(0, (730 * 24 - 1) * 60, n))
    minutes[0] = 0  # the first incident is 2024-01-01 00:30 local time
    times = start + pd.to_timedelta(minutes, unit="min")
    pd.DataFrame(
        {
            "id": [f"H-{i:05d}" for i in range(n)],
            "tid": times.strftime("%Y-%m-%d %H:%M"),
            "kategori": rng.choice(["skadegorelse", "klotter", "inbrott", "stold"], n),
            "x": np.round(x, 1),
            "y": np.round(y, 1),
        }
    ).to_csv(root / "handelser.csv", index=False)
    gpd.GeoDataFrame(
        {
            "atgard_id": ["ATG-1"],
            "titel": ["Ny belysning"],
            "typ": ["situationell"],
            "omrade_id": ["A1"],
            "status": ["genomford"],
            "startdatum": ["2024-12-01"],
            "slutdatum": ["2024-12-31"],
        },
        geometry=[shapely.Point(X0 + 500, Y0 + 500)],
        crs=3006,
    ).to_file(root / "atgarder.gpkg", layer="atgarder")
    config = root / "tryggaplatser.toml"
    config.write_text(
        """[project]
name = "Testkommun"
municipality_code = "9998"
crs = "EPSG:3006"
privacy_mode = "internal"
seed = 1

[[layers.areas]]
file = "omraden.gpkg"
columns = { "omrade_id" = "area_id", "namn" = "name" }

[[layers.incidents]]
file = "handelser.csv"
separator = ","
crs = "EPSG:3006"
x = "x"
y = "y"
date_format = "%Y-%m-%d %H:%M"
columns = { "id" = "incident_id", "tid" = "occurred_at", "kategori" = "category" }
defaults = { "source" = "est", "location_precision" = "exakt" }

[[layers.measures]]
file = "atgarder.gpkg"
columns = { "atgard_id" = "measure_id", "titel" = "title", "typ" = "type", \
"omrade_id" = "area_id", "status" = "status", "startdatum" = "start", "slutdatum" = "end" }
""",
        encoding="utf-8",
    )
    return config
