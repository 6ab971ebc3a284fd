"""Hexagon grids: geometry, stable ids, point assignment (edges once), counts, KDE accuracy,
Gi* against esda with libpysal contiguity weights, classify/change, exports and the gate."""

import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from tryggaplatser.analysis import gistar as gi
from tryggaplatser.analysis.grid import (
    HEX_RADIUS_PER_CELL,
    grid_spec_of,
    hex_axial,
    hex_centres,
    make_grid,
)
from tryggaplatser.analysis.hotspots import (
    hex_kde_exact,
    hotspot_change,
    hotspot_classify,
    hotspot_count,
    hotspot_gistar,
    hotspot_kde,
)
from tryggaplatser.errors import ArgumentError
from tryggaplatser.layers.vocab import codes

X0, Y0 = 600000.0, 6500000.0


def _pts(x, y, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(x, y), crs=3006)


def _cloud(n=3000, seed=0, spread=3000.0):
    rng = np.random.default_rng(seed)
    x = np.r_[rng.uniform(0, spread, n), rng.normal(spread / 2, spread / 25, n // 5)] + X0
    y = np.r_[rng.uniform(0, spread, n), rng.normal(spread / 2, spread / 25, n // 5)] + Y0
    t = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 730, len(x)), unit="D"
    )
    return _pts(x, y, occurred_at=t)


# --- geometry and ids ---------------------------------------------------------------------


def test_hexagons_are_area_equivalent_pointy_top_and_recorded(caplog):
    with caplog.at_level("INFO", logger="tryggaplatser"):
        g = make_grid(_cloud(), 250, shape="hexagon")
    assert list(g.columns) == ["cell_id", "row", "col", "geometry"]
    np.testing.assert_allclose(g.area, 250.0**2, rtol=1e-9)
    b = g.geometry.iloc[0].bounds
    R = 250 * HEX_RADIUS_PER_CELL
    assert math.isclose(b[2] - b[0], math.sqrt(3) * R) and math.isclose(b[3] - b[1], 2 * R)
    assert math.isclose(b[2] - b[0], 268.64, abs_tol=0.01)  # width between opposite edges
    rec = g.attrs["tryggaplatser"]
    assert rec["params"]["shape"]["value"] == "hexagon"
    assert "samma area" in rec["params"]["shape"]["rule"]
    assert rec["grid"]["shape"] == "hexagon"
    assert "Sexhörningar med samma area som rutor à 250 m" in caplog.text
    assert g.cell_id.str.fullmatch(r"hex250m_q-?\d+_r-?\d+").all()
    assert g.cell_id.is_unique


def test_lattice_is_anchored_to_origin_and_stable_between_runs():
    a = make_grid(_cloud(seed=1), 100, shape="hexagon", quiet=True)
    b = make_grid(_cloud(seed=2, spread=5000), 100, shape="hexagon", quiet=True)
    common = a.merge(b, on="cell_id")
    assert len(common) > 0.9 * len(a)
    assert shapely.equals_exact(common.geometry_x.values, common.geometry_y.values, 1e-6).all()
    # the hexagon (0, 0) is centred on the SWEREF 99 TM origin, and ids are axial coordinates
    spec = grid_spec_of(a)
    q = spec.q0 + a.col.to_numpy()
    r = spec.r0 - a.row.to_numpy()
    assert (a.cell_id == [f"hex100m_q{i}_r{j}" for i, j in zip(q, r)]).all()
    cx, cy = hex_centres(q, r, 100.0)
    np.testing.assert_allclose(a.centroid.x, cx, atol=1e-6)
    np.testing.assert_allclose(a.centroid.y, cy, atol=1e-6)
    assert hex_centres(np.array([0]), np.array([0]), 100.0) == (0.0, 0.0)


def test_grid_covers_every_point_and_clips_to_area():
    pts = _cloud()
    g = make_grid(pts, 200, shape="hexagon", quiet=True)
    assert hotspot_count(pts, g, quiet=True).n.sum() == len(pts)
    area = gpd.GeoSeries([shapely.Point(X0 + 1500, Y0 + 1500).buffer(800)], crs=3006)
    clipped = make_grid(pts, 200, shape="hexagon", area=area, quiet=True)
    assert shapely.intersects(area.iloc[0], clipped.geometry.values).all()
    assert len(clipped) < len(g)


def test_bad_shape_and_mismatch_are_refused_in_swedish():
    pts = _cloud(300)
    with pytest.raises(ArgumentError, match="`shape` måste vara 'square' eller 'hexagon'"):
        make_grid(pts, 100, shape="triangle")
    sq = make_grid(pts, 100, quiet=True)
    with pytest.raises(ArgumentError, match="`shape` är 'hexagon' men `grid` har formen 'square'"):
        hotspot_count(pts, sq, shape="hexagon", quiet=True)


def test_runaway_hexagon_grid_is_refused():
    pts = _pts([X0, X0 + 1e6], [Y0, Y0 + 1e6])
    with pytest.raises(ArgumentError, match="sexhörningar"):
        make_grid(pts, 10, shape="hexagon", quiet=True)


def test_auto_cell_size_rule_is_reused():
    g = make_grid(_cloud(), shape="hexagon", quiet=True)
    assert g.attrs["tryggaplatser"]["params"]["cell_size"]["auto"]
    assert g.attrs["tryggaplatser"]["params"]["cell_size"]["value"] == 50.0


# --- assignment -----------------------------------------------------------------------------


def _contains(q, r, x, y, c):
    cx, cy = hex_centres(q, r, c)
    R = c * HEX_RADIUS_PER_CELL
    # a point is in the closed hexagon when its hex distance to the centre is ≤ 1
    # pointy-top: vertical edges at |dx| = √3/2·R, slanted edges with normals at ±30° from y
    dx, dy = np.abs(x - cx) / R, np.abs(y - cy) / R
    apothem = math.sqrt(3) / 2 * (1 + 1e-9)
    return (dx <= apothem) & (dx / 2 + dy * math.sqrt(3) / 2 <= apothem)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-2000, 2000, allow_nan=False), st.floats(-2000, 2000, allow_nan=False)),
        min_size=1,
        max_size=200,
    ),
    st.sampled_from([50.0, 100.0, 250.0]),
)
def test_counts_conserve_points_and_each_point_is_in_its_hexagon(xy, c):
    xy = np.array(xy) + np.array([X0, Y0])
    pts = _pts(xy[:, 0], xy[:, 1])
    res = hotspot_count(pts, cell_size=c, shape="hexagon", quiet=True)
    assert res.n.sum() == len(pts)
    q, r = hex_axial(xy[:, 0], xy[:, 1], c)
    assert _contains(q, r, xy[:, 0], xy[:, 1], c).all()


@settings(max_examples=80, deadline=None)
@given(
    st.integers(-5000, 5000),
    st.integers(-5000, 5000),
    st.integers(0, 5),
    st.floats(0.0, 1.0),
)
def test_points_on_edges_go_north_then_east_once(q, r, edge, t):
    c = 100.0
    R = c * HEX_RADIUS_PER_CELL
    cx, cy = hex_centres(np.array([q]), np.array([r]), c)
    a0 = math.radians(30 + 60 * edge)
    a1 = math.radians(30 + 60 * (edge + 1))
    px = cx[0] + R * ((1 - t) * math.cos(a0) + t * math.cos(a1))
    py = cy[0] + R * ((1 - t) * math.sin(a0) + t * math.sin(a1))
    # neighbour across this edge (edges counter-clockwise from the upper-right one)
    nq, nr = [(0, 1), (-1, 1), (-1, 0), (0, -1), (1, -1), (1, 0)][edge]
    got_q, got_r = hex_axial(np.array([px, px]), np.array([py, py]), c)
    assert got_q[0] == got_q[1] and got_r[0] == got_r[1]
    if 1e-6 < t < 1 - 1e-6:
        cand = sorted([(r, q), (r + nr, q + nq)])[-1]  # north (larger r), then east
        assert (int(got_r[0]), int(got_q[0])) == cand
    else:  # a vertex: one of the three hexagons meeting there, the northern/eastern one
        assert _contains(got_q, got_r, np.array([px]), np.array([py]), c).all()


def test_vertical_edge_goes_east_and_slanted_edge_goes_north():
    c = 100.0
    w = math.sqrt(3) * c * HEX_RADIUS_PER_CELL
    # midpoint between (0,0) and (1,0): vertical edge, east wins
    q, r = hex_axial(np.array([w / 2]), np.array([0.0]), c)
    assert (q[0], r[0]) == (1, 0)
    # midpoint between (0,0) and (0,1): slanted edge, north wins
    mx, my = hex_centres(np.array([0, 0]), np.array([0, 1]), c)
    q, r = hex_axial(np.array([mx.mean()]), np.array([my.mean()]), c)
    assert (q[0], r[0]) == (0, 1)


# --- KDE --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("h", "method"), [(600.0, "fft+bilinear"), (120.0, "exact")])
def test_kde_within_one_percent_of_exact_quartic_sum(h, method):
    rng = np.random.default_rng(3)
    n = 40000
    x = np.r_[rng.normal(3000, 900, n), rng.normal(2000, 60, n // 10)] + X0
    y = np.r_[rng.normal(3000, 900, n), rng.normal(4000, 60, n // 10)] + Y0
    pts = _pts(x, y)
    res = hotspot_kde(pts, cell_size=100, shape="hexagon", bandwidth=h, quiet=True)
    assert res.attrs["tryggaplatser"]["kde_method"] == method
    spec = grid_spec_of(res)
    cx, cy = spec.cell_centres(res.row.to_numpy(), res.col.to_numpy())
    # brute-force reference, in chunks of cells (per km², no time column); chunks of 25 cells
    # keep the temporaries small (chunks of 500 spent more time in page faults than in sums)
    ref = np.zeros(len(cx))
    for s in range(0, len(cx), 25):
        d2 = (cx[s : s + 25, None] - x[None, :]) ** 2 + (cy[s : s + 25, None] - y[None, :]) ** 2
        u = np.clip(1 - d2 / h**2, 0, None)
        ref[s : s + 25] = (3 / (math.pi * h * h)) * (u * u).sum(axis=1) * 1e6
    assert np.abs(res.kde.to_numpy() - ref).max() <= 0.01 * ref.max()
    np.testing.assert_allclose(
        hex_kde_exact(x, y, cx, cy, h) * 1e6, ref, rtol=1e-9, atol=1e-12 * ref.max()
    )


# --- Gi* --------------------------------------------------------------------------------------


@pytest.mark.parametrize("contiguity", ["Rook", "Queen"])
@pytest.mark.parametrize("clip", [False, True])
def test_gistar_equals_esda_with_contiguity_weights(contiguity, clip):
    import esda
    import libpysal

    pts = _cloud(4000, seed=5)
    circle = shapely.Point(X0 + 1500, Y0 + 1500).buffer(1400)
    area = gpd.GeoSeries([circle], crs=3006) if clip else None
    res = hotspot_gistar(pts, cell_size=50, shape="hexagon", area=area, quiet=True)
    assert 1000 < len(res) <= 10000
    nb = res.attrs["tryggaplatser"]["params"]["neighbourhood"]
    assert nb["value"]["cells"] == 7 and not nb["value"]["distance_m"] < 53.7
    builder = getattr(libpysal.weights, contiguity)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = builder.from_dataframe(res, use_index=False, silence_warnings=True)
        assert max(w.cardinalities.values()) == 6
        g = esda.G_Local(res.n.to_numpy(float), w, star=True, transform="B", permutations=0)
    np.testing.assert_allclose(res.gistar.to_numpy(), g.Zs, atol=1e-9, rtol=0)
    # the sparse path with a distance band of one hexagon width gives the same z
    cx, cy = grid_spec_of(res).cell_centres(res.row.to_numpy(), res.col.to_numpy())
    wdt = math.sqrt(3) * 50 * HEX_RADIUS_PER_CELL
    z_sparse = gi.gistar_points(cx, cy, res.n.to_numpy(float), wdt * (1 + 1e-9))
    np.testing.assert_allclose(res.gistar.to_numpy(), z_sparse, atol=1e-9)


def test_gistar_larger_distance_takes_rings_by_centre_distance():
    pts = _cloud(2000, seed=6)
    c = 100.0
    wdt = math.sqrt(3) * c * HEX_RADIUS_PER_CELL
    res = hotspot_gistar(pts, cell_size=c, shape="hexagon", distance=2 * wdt, quiet=True)
    assert res.attrs["tryggaplatser"]["params"]["neighbourhood"]["value"]["cells"] == 19
    cx, cy = grid_spec_of(res).cell_centres(res.row.to_numpy(), res.col.to_numpy())
    z = gi.gistar_points(cx, cy, res.n.to_numpy(float), 2 * wdt * (1 + 1e-9))
    np.testing.assert_allclose(res.gistar.to_numpy(), z, atol=1e-9)


def test_planted_hotspot_is_found_on_hexagons():
    res = hotspot_gistar(_cloud(3000, seed=7), cell_size=100, shape="hexagon", quiet=True)
    top = res.loc[res.gistar.idxmax()]
    cx, cy = top.geometry.centroid.x - X0, top.geometry.centroid.y - Y0
    assert math.hypot(cx - 1500, cy - 1500) < 200 and top.gi_bin == 3


# --- classify and change ----------------------------------------------------------------------


def test_classify_and_change_work_on_hexagons():
    pts = _cloud(3000, seed=8)
    g = make_grid(pts, 200, shape="hexagon", quiet=True)
    cl = hotspot_classify(pts, g, quiet=True)
    assert cl.attrs["tryggaplatser"]["params"]["shape"]["value"] == "hexagon"
    assert cl.attrs["tryggaplatser"]["params"]["neighbourhood"]["value"]["cells"] == 7
    assert cl.hotspot_category.isin(codes("hotspot_category")).all()
    assert (cl.hotspot_category != "inget_monster").any()
    ch = hotspot_change(pts, g, quiet=True)
    assert (ch.n_before + ch.n_after).sum() == len(pts)
    assert list(ch.cell_id) == list(g.cell_id)


# --- exports and the gate -----------------------------------------------------------------------


def test_gpkg_written_and_cog_refused(tmp_path):
    from tryggaplatser.publish.geopackage import write_cells_gpkg
    from tryggaplatser.publish.rasters import write_cog

    res = hotspot_gistar(_cloud(1000), cell_size=250, shape="hexagon", quiet=True)
    path = write_cells_gpkg(res, tmp_path / "hex.gpkg", layer="gistar", style="gi_bin")
    back = gpd.read_file(path, layer="gistar")
    assert len(back) == len(res) and (back.geom_type == "Polygon").all()
    np.testing.assert_allclose(back.area, 250.0**2, rtol=1e-9)
    with pytest.raises(ArgumentError, match="GeoTIFF-raster kräver kvadratiska celler"):
        write_cog(res, tmp_path / "x.tif", column="gi_bin")
    assert not (tmp_path / "x.tif").exists()


def test_public_gate_accepts_250_m_hexagons_and_refuses_smaller():
    from tryggaplatser.errors import GateRefusal
    from tryggaplatser.publish.gate import Gate

    pts = _cloud(3000)
    res = hotspot_gistar(pts, cell_size=250, shape="hexagon", quiet=True)
    out = Gate("public", quiet=True).release(res, "grid_cells")
    assert len(out) == len(res)
    small = hotspot_gistar(pts, cell_size=200, shape="hexagon", quiet=True)
    with pytest.raises(GateRefusal, match="200"):
        Gate("public", quiet=True).release(small, "grid_cells")


# --- CLI --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_cli_shape_hexagon_writes_gpkg_without_rasters(tmp_path, mode):
    import json

    from click.testing import CliRunner

    from tryggaplatser.cli import cli

    path = tmp_path / "handelser.gpkg"
    _cloud(3000, seed=9).to_file(path, engine="pyogrio")
    out = tmp_path / "ut"
    args = ["hotspots", "--mode", mode, "--incidents", str(path), "--shape", "hexagon"]
    res = CliRunner().invoke(cli, [*args, "--cell-size", "250", "--out", str(out)])
    assert res.exit_code == 0, res.output
    out = out / ("publik" if mode == "public" else "internt")
    assert (out / "hotspots.gpkg").exists() and not list(out.glob("*.tif"))
    summary = json.loads((out / "hotspots.json").read_text(encoding="utf-8"))
    assert summary["params"]["shape"]["value"] == "hexagon"
    assert summary["grid"]["shape"] == "hexagon"
    cells = gpd.read_file(out / "hotspots.gpkg", layer="gistar")
    assert cells.cell_id.str.startswith("hex250m_q").all()
