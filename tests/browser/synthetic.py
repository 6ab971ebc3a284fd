"""Small synthetic map layers for the map tests and the benchmark (a fictional town).

Everything is made in code in EPSG:3006 near (E 650 000, N 6 560 000); nothing refers to a real
place. ``payload`` text is put into area names, categories, comments and responsible names so
the browser tests can check that it never runs.
"""

from __future__ import annotations

import numpy as np

X0, Y0 = 650_000.0, 6_560_000.0
PAYLOADS = (
    "<img src=x onerror=\"alert('img')\">",
    "<svg onload=alert('svg')></svg>",
    "${alert('tpl')}",
    "</script><script>alert('script')</script>",
    "`;alert('tick');`",
    "{{7*7}}x{{7*8}}",  # must stay text: never run as a template
)


def make_layers(
    n_incidents: int = 4000, *, seed: int = 1, payload: bool = False, cell_size: float = 250.0
) -> dict:
    """Areas (2 × 3 blocks of 2 km), Gi*/KDE cells, incidents, walks and dialogue."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    names = ["Norra Hagen", "Södra Hagen", "Åsen", "Centrum", "Östra Dalen", "Västra Dalen"]
    if payload:
        names[0] = "Norra " + PAYLOADS[0]
        names[1] = PAYLOADS[1]
        names[2] = PAYLOADS[2]
        names[3] = "Centrum " + PAYLOADS[5]
    boxes = [
        shapely.box(
            X0 + (i % 3) * 2000,
            Y0 + (i // 3) * 2000,
            X0 + (i % 3 + 1) * 2000,
            Y0 + (i // 3 + 1) * 2000,
        )
        for i in range(6)
    ]
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"A{i + 1}" for i in range(6)],
            "name": names,
            "area_type": ["stadsdel"] * 6,
            "population": [2400, 3100, 1800, 5200, 2700, 900],
            "otrygghet": [31.5, 22.0, 14.2, 40.1, 18.3, 9.9],
        },
        geometry=boxes,
        crs="EPSG:3006",
    )

    # incidents: two clusters + background, over 2025-12 .. 2026-11
    k = n_incidents
    centres = np.array([[X0 + 3000, Y0 + 1000], [X0 + 1200, Y0 + 3000]])
    which = rng.integers(0, 3, k)
    xy = np.where(
        which[:, None] < 2,
        centres[np.minimum(which, 1)] + rng.normal(0, 250, (k, 2)),
        np.column_stack([X0 + rng.uniform(0, 6000, k), Y0 + rng.uniform(0, 4000, k)]),
    )
    xy[:, 0] = np.clip(xy[:, 0], X0 + 1, X0 + 5999)
    xy[:, 1] = np.clip(xy[:, 1], Y0 + 1, Y0 + 3999)
    cats = np.array(["skadegorelse", "klotter", "brand", "ordningsstorning", "narkotika"])
    category = cats[rng.integers(0, len(cats), k)].astype(object)
    if payload:
        category[:3] = PAYLOADS[3]
    t0 = pd.Timestamp("2025-12-01", tz="UTC")
    incidents = gpd.GeoDataFrame(
        {
            "incident_id": np.arange(k).astype(str),
            "occurred_at": t0 + pd.to_timedelta(rng.uniform(0, 360 * 86400, k), unit="s"),
            "category": category,
            "source": "est",
            "description": "Fri text som aldrig ska synas" if not payload else PAYLOADS[4],
        },
        geometry=shapely.points(xy),
        crs="EPSG:3006",
    )

    # grid cells with Gi* bins and categories
    nx, ny = int(6000 / cell_size), int(4000 / cell_size)
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny))
    gx, gy = gx.ravel(), gy.ravel()
    x0 = X0 + gx * cell_size
    y0 = Y0 + gy * cell_size
    cx, cy = x0 + cell_size / 2, y0 + cell_size / 2
    d = np.minimum(
        np.hypot(cx - centres[0, 0], cy - centres[0, 1]),
        np.hypot(cx - centres[1, 0], cy - centres[1, 1]),
    )
    gi = np.select([d < 300, d < 500, d < 700, d > 2400], [3, 2, 1, -1], 0)
    counts = np.histogram2d(
        xy[:, 0], xy[:, 1], bins=[nx, ny], range=[[X0, X0 + 6000], [Y0, Y0 + 4000]]
    )[0]
    n = counts[gx, gy].astype(int)
    category_codes = np.where(
        gi == 3,
        "bestaende",
        np.where(gi == 2, "intensifierande", np.where(gi == 1, "ny", "inget_monster")),
    ).astype(object)
    if payload:
        category_codes[np.flatnonzero(gi == 3)[:2]] = PAYLOADS[1]
    cells = gpd.GeoDataFrame(
        {
            "n": n,
            "kde": np.exp(-((d / 600.0) ** 2)) * 200,
            "gistar": gi * 1.0,
            "pvalue": np.where(gi != 0, 0.01, 0.5),
            "gi_bin": gi,
            "hotspot_category": category_codes,
        },
        geometry=shapely.box(x0, y0, x0 + cell_size, y0 + cell_size),
        crs="EPSG:3006",
    )
    cells.attrs["tryggaplatser"] = {
        "params": {
            "cell_size": {"value": cell_size, "auto": True, "rule": "sfhotspot: min(b, h)/50"},
            "bandwidth": {"value": 412.0, "auto": True, "rule": "Esri: 0,9·min(SD, …)·n^-0,2"},
        }
    }

    statuses = ["ny", "skickad", "planerad", "pagaende", "atgardad", "ej_atgardbar"]
    m = 24
    wxy = np.column_stack([X0 + 600 + rng.uniform(0, 4800, m), Y0 + 400 + rng.uniform(0, 3200, m)])
    walks = gpd.GeoDataFrame(
        {
            "observation_id": [f"O{i}" for i in range(m)],
            "walk_id": "W1",
            "perception": "otrygg",
            "problem_category": ["belysning", "vegetation_skymd_sikt"] * 12,
            "priority": "hog",
            "proposed_measure": "Byt armatur vid gångtunneln",
            "responsible": "Gatukontoret",
            "status": [statuses[i % 6] for i in range(m)],
            "decided_on": pd.Timestamp("2026-03-04"),
            "due_on": pd.Timestamp("2026-09-01"),
            "resolved_on": [pd.Timestamp("2026-05-02") if i % 6 == 4 else pd.NaT for i in range(m)],
            "reason_if_not": None,
            "personnummer_extra": "19121212-1212",
        },
        geometry=shapely.points(wxy),
        crs="EPSG:3006",
    )
    walks["walk_id"] = walks["walk_id"].astype(str)
    if payload:
        walks.loc[0, "proposed_measure"] = PAYLOADS[0]
        walks.loc[0, "responsible"] = PAYLOADS[2]
        walks.loc[1, "proposed_measure"] = PAYLOADS[3]
    q = 60
    dxy = np.column_stack([X0 + rng.uniform(200, 5800, q), Y0 + rng.uniform(200, 3800, q)])
    dialogue = gpd.GeoDataFrame(
        {
            "response_id": [f"D{i}" for i in range(q)],
            "campaign_id": "K1",
            "perception": ["otrygg", "trygg", "otrygg"] * 20,
            "reasons": ["belysning;personer_grupper", "vegetation", "ode_plats"] * 20,
            "time_of_day": "kvall;natt",
            "comment": ["Mörkt vid busshållplatsen", "Bra belysning", "Ödsligt"] * 20,
        },
        geometry=shapely.points(dxy),
        crs="EPSG:3006",
    )
    if payload:
        dialogue.loc[0, "comment"] = PAYLOADS[1]
        dialogue.loc[2, "comment"] = PAYLOADS[3]
        dialogue.loc[3, "comment"] = PAYLOADS[5]
    focus = gpd.GeoDataFrame(
        {
            "name": ["Torget", "Gångtunneln" if not payload else PAYLOADS[0]],
            "rank": [1, 2],
            "reason": ["Bestående hotspot, 14 händelser", "Ny hotspot"],
        },
        geometry=shapely.points(centres),
        crs="EPSG:3006",
    )
    return {
        "areas": areas,
        "cells": cells,
        "incidents": incidents,
        "walk_observations": walks,
        "dialogue": dialogue,
        "focus_places": focus,
    }


STREETS = ["Storgatan", "Parkvägen", "Skolgatan", "Björkvägen", "Industrivägen", "Kyrkogatan"]


def make_basemap():
    """A fictional background: a street grid every 400 m over the town (east–west streets
    and north–south streets with generic names), one street 20 km away (never on these maps),
    a pond and small buildings, as :class:`tryggaplatser.layers.basemap.Basemap`."""
    import geopandas as gpd
    import shapely

    from tryggaplatser.layers.basemap import Basemap

    names, lines = [], []
    for k, y in enumerate(np.arange(Y0 + 200, Y0 + 4000, 400)):
        names.append(f"{STREETS[k % 3]}" if k < 3 else f"Östra {STREETS[k % 3]} {k}")
        lines.append(shapely.LineString([(X0 - 300, y), (X0 + 6300, y)]))
    for k, x in enumerate(np.arange(X0 + 200, X0 + 6000, 400)):
        names.append(f"{STREETS[3 + k % 3]}" if k < 3 else f"Västra {STREETS[3 + k % 3]} {k}")
        lines.append(shapely.LineString([(x, Y0 - 300), (x, Y0 + 4300)]))
    names.append("Fjärranvägen")
    lines.append(shapely.LineString([(X0 + 20_000, Y0), (X0 + 21_000, Y0)]))
    roads = gpd.GeoDataFrame({"name": names}, geometry=lines, crs="EPSG:3006")
    water = gpd.GeoDataFrame(
        {"name": ["Dammen"]}, geometry=[shapely.Point(X0 + 5200, Y0 + 700).buffer(250)], crs=3006
    )
    buildings = gpd.GeoDataFrame(
        geometry=[
            shapely.box(X0 + 230 + 90 * i, Y0 + 230, X0 + 250 + 90 * i, Y0 + 262) for i in range(40)
        ],
        crs=3006,
    )
    return Basemap(roads=roads, buildings=buildings, water=water)
