"""Street stretches: splitting, snapping (against brute force; counts conserved), the network
adjacency and Gi* on it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.stats import binom
from shapely.geometry import LineString, Point

from tryggaplatser.analysis.gistar import gistar_sparse
from tryggaplatser.analysis.streets import (
    snap_points,
    split_roads,
    street_stretches,
    stretch_adjacency,
)

X0, Y0 = 650_000.0, 6_550_000.0


def _roads():
    # a T: Storgatan west–east 0–1000 m, Parkvägen north from its middle, 300 m
    return gpd.GeoDataFrame(
        {"name": ["Storgatan", "Parkvägen"]},
        geometry=[
            LineString([(X0, Y0), (X0 + 1000, Y0)]),
            LineString([(X0 + 500, Y0), (X0 + 500, Y0 + 300)]),
        ],
        crs=3006,
    )


def test_split_roads_into_equal_stretches_of_about_the_length():
    s = split_roads(_roads(), 100.0)
    store = s[s["name"] == "Storgatan"]
    assert len(store) == 10 and len(s) == 13
    np.testing.assert_allclose(store["length"], 100.0)
    assert store["from_m"].iloc[3] == pytest.approx(300.0)
    assert s["length"].sum() == pytest.approx(1300.0)
    s = split_roads(_roads(), 400.0)  # 1000/400 → 2 stretches of 500 m; 300/400 → 1
    assert sorted(s["length"].round(6)) == [300.0, 500.0, 500.0]


def test_snapping_matches_brute_force_and_conserves_counts():
    rng = np.random.default_rng(3)
    xy = rng.uniform([X0 - 100, Y0 - 150], [X0 + 1100, Y0 + 400], (3000, 2))
    pts = [*shapely.points(xy), None, Point()]  # no geometry: never snapped
    stretches = split_roads(_roads(), 100.0)
    which, dist = snap_points(stretches, np.array(pts, dtype=object), 50.0)
    geoms = stretches.geometry.to_numpy()
    d = np.array([[shapely.distance(p, g) for g in geoms] for p in pts[:-2]])
    nearest, dmin = d.argmin(axis=1), d.min(axis=1)
    inside = dmin <= 50.0
    assert np.array_equal(which[:-2] >= 0, inside)
    # ties (a point equally far from two stretches) may go either way
    clear = inside & (np.sort(d, axis=1)[:, 1] - dmin > 1e-6)
    assert np.array_equal(which[:-2][clear], nearest[clear])
    np.testing.assert_allclose(dist[:-2][inside], dmin[inside])
    assert list(which[-2:]) == [-1, -1]

    data = gpd.GeoDataFrame(geometry=pts, crs=3006)
    result = street_stretches(_roads(), data, stretch_length=100.0, snap_distance=50.0)
    row = result.snapping.iloc[0]
    assert row["snapped"] + row["unsnapped"] == row["input"] == len(pts)
    assert row["unsnapped"] == int((~inside).sum()) + 2
    assert result.stretches["n"].sum() == row["snapped"]
    assert result.params["snap_distance"]["auto"] is False


def test_adjacency_is_shared_endpoints():
    s = split_roads(_roads(), 100.0)
    w = stretch_adjacency(s).toarray()
    ids = list(s["stretch_id"])
    # Storgatan's 5th stretch (400–500 m) meets the 6th and Parkvägen's first at the junction
    fifth = ids[4]
    neigh = {ids[j] for j in np.flatnonzero(w[ids.index(fifth)])}
    assert neigh == {ids[3], ids[5], ids[10]}
    assert w.sum(axis=1)[0] == 1  # the western end has one neighbour
    assert (w == w.T).all() and np.trace(w) == 0


def test_gistar_on_the_network_and_its_exact_test():
    rng = np.random.default_rng(8)
    roads = _roads()
    # 30 incidents near the junction, 20 spread along Storgatan
    pts = [Point(X0 + 500 + rng.normal(0, 30), Y0 + 5) for _ in range(30)]
    pts += [Point(X0 + x, Y0 - 5) for x in rng.uniform(0, 1000, 20)]
    data = gpd.GeoDataFrame(geometry=pts, crs=3006)
    result = street_stretches(roads, data, stretch_length=100.0, snap_distance=50.0)
    s = result.stretches
    w = stretch_adjacency(s)
    z = gistar_sparse(s["n"].to_numpy(float), w)
    np.testing.assert_allclose(s["gistar"], z)
    assert result.test == "exact"  # equal lengths, few events per neighbourhood
    # the exact p of the junction stretch by hand: S ~ Binomial(N, W/n)
    i = int(np.nanargmax(z))
    members = np.r_[i, np.flatnonzero(w.toarray()[i])]
    local, total, share = s["n"].to_numpy()[members].sum(), 50, len(members) / len(s)
    p = min(1.0, 2 * min(binom.sf(local - 1, total, share), binom.cdf(local, total, share)))
    assert s["pvalue"].iloc[i] == pytest.approx(p)
    assert s["gi_bin"].iloc[i] == 3


def test_place_reason_names_the_stretch_its_count_and_a_near_factor():
    from tryggaplatser.analysis.streets import PlaceReasons

    pts = [Point(X0 + 150 + i, Y0 + 10) for i in range(14)]
    data = gpd.GeoDataFrame(geometry=pts, crs=3006)
    streets = street_stretches(_roads(), data, stretch_length=100.0, snap_distance=50.0)
    near = gpd.GeoDataFrame(
        {"factor": ["Busshållplatser"], "distance": [150.0]},
        geometry=[Point(X0 + 160, Y0 + 100)],
        crs=3006,
    )
    text = PlaceReasons(streets, near).reason(data.iloc[:3])
    assert text == "Storgatan 100–200 m: 14 händelser, nära busshållplatser"
    far = near.assign(distance=50.0)
    assert PlaceReasons(streets, far).reason(data) == "Storgatan 100–200 m: 14 händelser"
    assert PlaceReasons(streets).reason(data.iloc[0:0]) is None


def test_hot_stretches_name_the_busiest_significant_stretch_crossing_a_cell():
    """Checked against a brute force over the stretches: the significant hot stretch
    (gi_bin > 0) crossing the cell's square with the most incidents; "" elsewhere."""
    from tryggaplatser.analysis.streets import StreetResult

    lines = [
        LineString([(0, 50), (100, 50)]),  # crosses cell (0, 0)
        LineString([(100, 50), (200, 50)]),  # touches cell (0, 0) at x=100, inside (100, 0)
        LineString([(0, 150), (100, 150)]),  # cell (0, 100), not significant
    ]
    stretches = gpd.GeoDataFrame(
        {
            "stretch_id": ["S1", "S2", "S3"],
            "name": ["Storgatan", "", "Parkvägen"],
            "from_m": [0.0, 100.0, 0.0],
            "to_m": [100.0, 200.0, 100.0],
            "n": [5, 9, 30],
            "gistar": [2.0, 3.0, 1.0],
            "gi_bin": [2, 3, 0],
        },
        geometry=lines,
        crs=3006,
    )
    result = StreetResult(stretches, None, "exact")
    cells = ["100mE0N0", "100mE100N0", "100mE0N100", "kommunen"]
    got = result.hot_stretches(cells)
    brute = []
    for cell in cells[:3]:
        size, x, y = 100.0, *(float(v) for v in cell[5:].split("N"))
        box = shapely.box(x, y, x + size, y + size)
        hits = stretches[(stretches["gi_bin"] > 0) & stretches.intersects(box)]
        top = hits.sort_values(["n", "gistar"], ascending=False).head(1)
        brute.append(
            ""
            if top.empty
            else f"{top.iloc[0]['name'] or 'namnlös väg'} "
            f"{top.iloc[0]['from_m']:.0f}–{top.iloc[0]['to_m']:.0f} m"
        )
    assert got == [*brute, ""]
    assert got[:3] == ["namnlös väg 100–200 m", "namnlös väg 100–200 m", ""]


def test_stretches_are_shapelys_substrings_of_winding_roads():
    # reference: shapely.ops.substring of each (from_m, to_m) on random many-vertex roads
    from shapely.ops import substring

    rng = np.random.default_rng(7)
    lines = [
        LineString(np.cumsum(rng.normal(0, 40, (n, 2)), axis=0) + np.array([X0, Y0]))
        for n in (2, 5, 40, 200)
    ]
    roads = gpd.GeoDataFrame({"name": list("abcd")}, geometry=lines, crs=3006)
    for length in (30.0, 100.0, 333.0):
        s = split_roads(roads, length)
        for row in s.itertuples():
            line = lines["abcd".index(row.name)]
            ref = line if row.from_m == 0 and row.to_m == line.length else None
            ref = ref or substring(line, row.from_m, row.to_m)
            assert shapely.to_wkb(row.geometry) == shapely.to_wkb(ref)


def test_snapping_equals_the_trees_nearest_search_also_at_ties():
    # points at shared stretch ends (equidistant from two stretches) and random points:
    # the same stretch and distance as STRtree.query_nearest
    s = split_roads(_roads(), 100.0)
    rng = np.random.default_rng(3)
    ends = shapely.get_coordinates(shapely.get_point(s.geometry.to_numpy(), 0))
    xy = np.vstack(
        [
            ends,
            ends + np.array([0.0, 7.0]),
            rng.uniform((X0 - 60, Y0 - 60), (X0 + 1060, Y0 + 360), (500, 2)),
        ]
    )
    pts = gpd.GeoSeries(shapely.points(xy), crs=3006)
    which, dist = snap_points(s, pts, 50.0)
    idx, d = shapely.STRtree(s.geometry.to_numpy()).query_nearest(
        pts.to_numpy(), max_distance=50.0, return_distance=True, all_matches=False
    )
    ref_w = np.full(len(pts), -1)
    ref_d = np.full(len(pts), np.nan)
    ref_w[idx[0]], ref_d[idx[0]] = idx[1], d
    np.testing.assert_array_equal(which, ref_w)
    np.testing.assert_array_equal(dist, ref_d)
    assert (which == -1).any() and (which >= 0).any()
