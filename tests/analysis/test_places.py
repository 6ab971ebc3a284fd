"""Place names (analysis/places.py) against a brute-force reference."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tryggaplatser.analysis.places import (
    MAX_STREET_M,
    NEAR_M,
    cell_centres,
    describe_cells,
    describe_places,
    place_rule,
)
from tryggaplatser.i18n import language

NAMES = ["Storgatan", "Parkvägen", "Skolgatan", "Björkvägen", "Industrivägen", None]


def _roads(rng, n=60):
    starts = rng.uniform(0, 3000, (n, 2))
    ends = starts + rng.normal(0, 400, (n, 2))
    return gpd.GeoDataFrame(
        {"name": [NAMES[i % len(NAMES)] for i in range(n)]},
        geometry=[shapely.LineString([a, b]) for a, b in zip(starts, ends)],
        crs=3006,
    )


def _brute(point, roads, max_street=MAX_STREET_M, near=NEAR_M) -> str:
    """Per name the nearest part; streets by (distance, name); the rule spelled out."""
    best: dict[str, float] = {}
    for name, geom in zip(roads["name"], roads.geometry):
        if name is None or name != name:  # missing (None or NaN): not a named street
            continue
        d = point.distance(geom)
        if d <= max_street:
            best[name] = min(best.get(name, np.inf), d)
    ranked = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
    if not ranked:
        return ""
    if len(ranked) > 1 and ranked[1][1] <= near:
        return f"{ranked[0][0]} vid {ranked[1][0]}"
    return ranked[0][0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    roads = _roads(rng)
    points = [shapely.Point(x, y) for x, y in rng.uniform(-200, 3200, (300, 2))]
    with language("sv"):
        got = describe_places(points, roads)
        expected = [_brute(p, roads) for p in points]
    assert got == expected
    # the reference reaches every branch: no street, one street, two streets
    assert "" in got and any(" vid " in g for g in got)
    assert any(g and " vid " not in g for g in got)


def test_polygons_are_described_by_their_centre():
    roads = gpd.GeoDataFrame(
        {"name": ["Storgatan", "Parkvägen"]},
        geometry=[
            shapely.LineString([(0, 125), (1000, 125)]),
            shapely.LineString([(900, 0), (900, 1000)]),
        ],
        crs=3006,
    )
    cell = shapely.box(0, 0, 250, 250)  # centre (125, 125) lies on Storgatan
    with language("sv"):
        assert describe_places(gpd.GeoSeries([cell], crs=3006), roads) == ["Storgatan"]
        # the cell id gives the same centre
        assert describe_cells(["250mE0N0", "not a cell", None], roads) == ["Storgatan", "", ""]
        # a point, by contrast, is described where it is
        assert describe_places([shapely.Point(895, 200)], roads) == ["Parkvägen vid Storgatan"]


def test_cell_centres_from_ids():
    centres = cell_centres(["250mE648250N6555750", "125mE10N20", "hex250m_q1_r2"])
    assert (centres[0].x, centres[0].y) == (648375.0, 6555875.0)
    assert (centres[1].x, centres[1].y) == (72.5, 82.5)
    assert centres[2] is None


def test_distances_are_parameters_and_stated():
    roads = gpd.GeoDataFrame(
        {"name": ["Storgatan"]}, geometry=[shapely.LineString([(0, 0), (100, 0)])], crs=3006
    )
    point = [shapely.Point(50, 300)]
    assert describe_places(point, roads) == [""]  # 300 m > 250 m
    assert describe_places(point, roads, max_street_m=350) == ["Storgatan"]
    with language("sv"):
        assert "250 m" in place_rule() and "150 m" in place_rule()


def test_no_roads_no_descriptions():
    points = [shapely.Point(0, 0)]
    assert describe_places(points, None) == [""]
    empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs=3006)
    assert describe_places(points, empty) == [""]
    assert describe_places([], empty) == []


def test_run_describes_each_cell_once_and_records_the_rule():
    from tryggaplatser.analysis.run import Run

    rng = np.random.default_rng(4)
    roads = _roads(rng)
    xy = rng.uniform(0, 3000, (400, 2))
    import pandas as pd

    times = pd.Timestamp("2025-01-03", tz="Europe/Stockholm") + pd.to_timedelta(
        rng.uniform(0, 300, len(xy)), unit="D"
    )
    incidents = gpd.GeoDataFrame(
        {"occurred_at": times.tz_convert("UTC"), "category": "skadegorelse"},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=3006,
    )
    project = SimpleNamespace(
        layers={"incidents": incidents}, config=None, basemap=SimpleNamespace(roads=roads)
    )
    run = Run(project, "internal")
    ids = list(run.grid["cell_id"].head(50))
    with language("sv"):
        first = run.place_names(ids)
        assert first == describe_cells(ids, roads)
        assert run.place_names(ids[:3]) == first[:3]
        record = run.hotspots().cells.attrs["tryggaplatser"]["params"]["place_names"]
    assert record["value"] == "250 m / 150 m"
    # without a basemap: no descriptions and no parameter
    bare = Run(SimpleNamespace(layers={"incidents": incidents}, config=None), "internal")
    assert bare.place_names(ids[:2]) == ["", ""]
    assert "place_names" not in bare.hotspots().cells.attrs["tryggaplatser"]["params"]
