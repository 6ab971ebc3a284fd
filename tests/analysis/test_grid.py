import geopandas as gpd
import numpy as np
import pytest
import shapely

from tryggaplatser.analysis.grid import auto_cell_size, make_grid
from tryggaplatser.analysis.hotspots import hotspot_count
from tryggaplatser.errors import ArgumentError


def _pts(x, y, crs=3006):
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=crs)


def test_lattice_ids_and_columns():
    g = make_grid(_pts([100, 990], [50, 420]), 250, quiet=True)
    assert list(g.columns) == ["cell_id", "row", "col", "geometry"]
    assert g.cell_id.iloc[0] == "250mE0N250"  # row 0 is the northernmost
    xmin, ymin, xmax, ymax = g.total_bounds
    assert (xmin, ymin) == (0, 0) and xmax % 250 == 0 and ymax % 250 == 0
    assert g.attrs["tryggaplatser"]["params"]["cell_size"] == {"value": 250.0, "auto": False}


def test_auto_cell_size_is_announced_and_recorded(caplog):
    rng = np.random.default_rng(0)
    pts = _pts(rng.uniform(600000, 610000, 500), rng.uniform(6.5e6, 6.506e6, 500))
    with caplog.at_level("INFO", logger="tryggaplatser"):
        g = make_grid(pts)
    rec = g.attrs["tryggaplatser"]["params"]["cell_size"]
    assert rec["auto"] and rec["value"] == 100.0  # ~5 900 m / 50 = 118 -> 100
    assert "Cellstorlek 100 m vald automatiskt" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        make_grid(pts, quiet=True)
    assert caplog.text == ""


def test_auto_cell_size_ignores_a_stray_point():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 6000, 1000), rng.uniform(0, 6000, 1000)
    assert auto_cell_size(x, y) == auto_cell_size(np.r_[x, 9e5], np.r_[y, 9e5]) == 100


def test_runaway_grid_refused_with_farthest_point():
    pts = _pts([500000, 500010, 500020, 900000], [6.5e6, 6.5e6, 6.5e6, 7.5e6])
    with pytest.raises(ArgumentError, match="GRID_TOO_LARGE") as e:
        make_grid(pts, 10)
    assert "900000" in str(e.value)


def test_zero_cell_size_and_same_place_refused():
    with pytest.raises(ArgumentError, match="positivt tal"):
        make_grid(_pts([0, 1], [0, 1]), 0)
    with pytest.raises(ArgumentError, match="CELL_SIZE_AUTO"):
        make_grid(_pts([5, 5, 5], [5, 5, 5]))


def test_crs_problems():
    with pytest.raises(ArgumentError, match="CRS_NOT_METRIC"):
        make_grid(_pts([18.0, 18.1], [59.3, 59.4], crs=4326), 100)
    grid = make_grid(_pts([0, 1000], [0, 1000]), 100, quiet=True)
    other = _pts([0, 1000], [0, 1000], crs=3021)
    with pytest.raises(ArgumentError, match="EPSG:3021") as e:
        hotspot_count(other, grid)
    assert "EPSG:3006" in str(e.value)


def test_counts_conserve_points_and_edges_once():
    # points exactly on shared edges and corners of 100 m cells
    x = np.array([100.0, 200.0, 200.0, 0.0, 150.0, 299.999, 300.0])
    y = np.array([100.0, 100.0, 200.0, 0.0, 200.0, 0.0, 300.0])
    pts = _pts(x, y)
    res = hotspot_count(pts, cell_size=100, quiet=True)
    assert res["n"].sum() == len(x)
    by_id = dict(zip(res.cell_id, res.n))
    assert by_id["100mE100N100"] == 1  # (100, 100) belongs to the cell east/north of it
    assert by_id["100mE200N100"] == 1 and by_id["100mE200N200"] == 1
    # a polygon-containment check agrees: each point in exactly one half-open cell
    for px, py in zip(x, y):
        inside = (
            (res.geometry.bounds.minx <= px)
            & (px < res.geometry.bounds.maxx)
            & (res.geometry.bounds.miny <= py)
            & (py < res.geometry.bounds.maxy)
        )
        assert inside.sum() == 1


def test_clip_to_area_and_points_outside():
    rng = np.random.default_rng(2)
    pts = _pts(rng.uniform(0, 2000, 400), rng.uniform(0, 2000, 400))
    area = gpd.GeoDataFrame(geometry=[shapely.Point(1000, 1000).buffer(600)], crs=3006)
    grid = make_grid(pts, 100, area=area, quiet=True)
    assert grid.intersects(area.geometry.iloc[0]).all()
    assert len(grid) < 14 * 14
    res = hotspot_count(pts, grid, quiet=True)
    rec = res.attrs["tryggaplatser"]
    assert res.n.sum() + rec["n_outside_grid"] == 400 and rec["n_outside_grid"] > 0


def test_inputs_not_mutated():
    pts = _pts([0, 300, 400], [0, 200, 900])
    before = pts.copy()
    grid = make_grid(pts, 100, quiet=True)
    g0 = grid.copy()
    hotspot_count(pts, grid, quiet=True)
    assert pts.equals(before) and list(grid.columns) == list(g0.columns)


def test_weighted_sum_column():
    pts = _pts([10, 20, 150], [10, 20, 10]).assign(w=[1.5, 2.0, 4.0])
    res = hotspot_count(pts, cell_size=100, weights="w", quiet=True)
    assert dict(zip(res.cell_id, res["sum"])) == {"100mE0N0": 3.5, "100mE100N0": 4.0}
    assert res.n.tolist() == [2, 1]


def test_counts_conserve_points_property():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    coords = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=60)

    @settings(max_examples=40, deadline=None)
    @given(coords, st.sampled_from([5.0, 10.0, 25.0]))
    def check(xy, size):
        x = np.array([p[0] for p in xy], float) * 5  # many points on cell edges and corners
        y = np.array([p[1] for p in xy], float) * 5
        res = hotspot_count(_pts(x, y), cell_size=size, quiet=True)
        assert res.n.sum() == len(x)
        assert res.attrs["tryggaplatser"]["n_outside_grid"] == 0

    check()
