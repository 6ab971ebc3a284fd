"""Forecast accountability (issue 16, REFERENCE.md §8): hit rate, PAI, PEI and RRI checked by
hand on small cases; the rolling evaluation checked against a planted truth and against chance;
hotspot stability against a shifted lattice worked out by hand."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import tryggaplatser as tp
from tryggaplatser.analysis.forecast import (
    _Cube,
    block_bootstrap_index,
    forecast_accuracy,
    hotspot_stability,
    score_picks,
)
from tryggaplatser.errors import ArgumentError

# ------------------------------------------------------------------ hand-worked measures


def test_measures_by_hand():
    # 5 cells of equal area; picks cells 0 and 1 (a/A = 2/5)
    after = np.array([6, 2, 1, 0, 1])  # N = 10 in (t, t + h]
    before = np.array([3, 4, 1, 2, 0])  # N0 = 10 the period before
    picked = np.array([True, True, False, False, False])
    s = score_picks(picked, after, before)
    # hit rate n/N = 8/10; PAI = 0.8 / 0.4 = 2.0
    assert s["n"] == 8 and s["N"] == 10
    assert s["hit_rate"] == pytest.approx(0.8)
    assert s["pai"] == pytest.approx(2.0)
    # n* = the best two cells of the next period: 6 + 2 = 8 -> PEI = 1
    assert s["pei"] == pytest.approx(1.0)
    # RRI = (n1/n0)/(N1/N0) = (8/7)/(10/10)
    assert s["rri"] == pytest.approx(8 / 7)


def test_measures_by_hand_with_cell_areas_and_a_poor_pick():
    after = np.array([0, 1, 5, 4])  # N = 10
    before = np.array([2, 2, 0, 1])  # N0 = 5
    area = np.array([1.0, 0.5, 1.0, 0.5])  # A = 3
    picked = np.array([True, True, False, False])
    s = score_picks(picked, after, before, area)
    assert s["area_share"] == pytest.approx(1.5 / 3)
    assert s["hit_rate"] == pytest.approx(0.1)
    assert s["pai"] == pytest.approx(0.1 / 0.5)
    assert s["pei"] == pytest.approx(1 / 9)  # best two cells: 5 + 4
    assert s["rri"] == pytest.approx((1 / 4) / (10 / 5))
    # nothing in the picks the period before: RRI undefined, not infinite
    s0 = score_picks(np.array([False, False, True, False]), after, before, area)
    assert math.isnan(s0["rri"])


def test_cube_windows_equal_brute_force_counts():
    rng = np.random.default_rng(5)
    day = rng.integers(0, 100, 500)
    cell = rng.integers(0, 7, 500)
    bounds = np.array([10, 25, 40, 41, 90])
    cube = _Cube(day, cell, 7, bounds)
    for a, b in [(10, 25), (25, 90), (40, 41), (10, 90)]:
        want = np.bincount(cell[(day >= a) & (day < b)], minlength=7)
        assert (cube.window(a, b) == want).all()
    with pytest.raises(KeyError):
        cube.window(11, 25)


def test_block_bootstrap_keeps_blocks_and_length():
    idx = block_bootstrap_index(10, 50, 3, np.random.default_rng(0))
    assert idx.shape == (50, 10)
    assert idx.min() >= 0 and idx.max() <= 9
    assert (np.diff(idx[:, :3], axis=1) == 1).all()  # the first block is consecutive


# ------------------------------------------------------------------ a small planted town


def _town(seed: int = 1, weeks: int = 80) -> gpd.GeoDataFrame:
    """Uniform background on 2 × 2 km (64 cells of 250 m) plus one fixed hotspot of 2 × 2
    cells (500 m) that holds many events every week."""
    rng = np.random.default_rng(seed)
    n_bg, n_hot = 30 * weeks, 20 * weeks
    start = pd.Timestamp("2024-01-01", tz="Europe/Stockholm")
    t = start + pd.to_timedelta(rng.uniform(0, 7 * weeks, n_bg + n_hot), unit="D")
    x = np.r_[rng.uniform(650_000, 652_000, n_bg), rng.uniform(650_750, 651_250, n_hot)]
    y = np.r_[rng.uniform(6_560_000, 6_562_000, n_bg), rng.uniform(6_560_750, 6_561_250, n_hot)]
    return gpd.GeoDataFrame(
        {"occurred_at": t.tz_convert("UTC"), "category": "skadegorelse"},
        geometry=gpd.points_from_xy(x, y),
        crs=3006,
    )


@pytest.fixture(scope="module")
def town_result():
    data = _town()
    grid = tp.make_grid(data, 250, quiet=True)
    return forecast_accuracy(data, grid, quiet=True, n_boot=500)


def test_the_planted_hotspot_is_found_and_chance_is_chance(town_result):
    res = town_result
    # 4 cells of 64 hold 20 + 30·4/64 of every 50 events: the top 10 cells catch them
    expected_hit = (20 + 30 * 4 / 64) / 50
    for method in ("gistar", "persistent", "est", "kde"):
        assert res.at(method, "places", 10)["hit_rate"] > 0.95 * expected_hit, method
    # the hotspot is the method's own set: PAI = hit rate / (4/64) is near 0.44·16 = 7
    assert res.at("persistent", "own", None)["pai"] > 5
    for method in ("persistent", "kde", "last_period"):
        assert res.at(method, "share", 0.05)["pai"] > 3, method
    rnd = res.at("random", "share", 0.10)
    assert rnd["pai_lo"] < 1.1 and rnd["pai_hi"] > 0.9
    assert res.n_origins == len(res.scores["origin"].unique()) > 20


def test_scores_table_columns_and_no_look_ahead(town_result):
    s = town_result.scores
    assert {"origin", "end", "method", "hit_rate", "pai", "pei", "rri"} <= set(s.columns)
    first = pd.Timestamp(s["origin"].min())
    assert first >= pd.Timestamp("2024-01-01") + pd.Timedelta(days=364)
    assert (pd.to_datetime(s["origin"]).dt.day_of_week == 0).all()  # Mondays
    assert ((s["pei"].dropna() >= 0) & (s["pei"].dropna() <= 1 + 1e-12)).all()


def test_the_evaluation_is_reproducible_and_the_seed_matters():
    data = _town(weeks=60)
    grid = tp.make_grid(data, 250, quiet=True)
    kw = dict(methods=("random", "last_period"), n_boot=200, quiet=True)
    a = forecast_accuracy(data, grid, seed=3, **kw)
    b = forecast_accuracy(data, grid, seed=3, **kw)
    c = forecast_accuracy(data, grid, seed=4, **kw)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert not a.scores[a.scores.method == "random"]["n"].equals(
        c.scores[c.scores.method == "random"]["n"]
    )


def test_too_little_history_is_a_clear_error():
    data = _town(weeks=40)
    with pytest.raises(ArgumentError) as err:
        forecast_accuracy(data, cell_size=250, quiet=True)
    assert err.value.rule == "TOO_FEW_ORIGINS"


def test_the_front_door_exports_the_verbs():
    assert "forecast_accuracy" in tp.__all__ and "hotspot_stability" in tp.__all__
    assert tp.forecast_accuracy is forecast_accuracy


# ------------------------------------------------------------------ stability


def test_offset_grid_shifts_the_lattice():
    data = _town(weeks=2)
    base = tp.make_grid(data, 250, quiet=True)
    shifted = tp.make_grid(data, 250, offset=(125, 0), quiet=True)
    x0 = base.attrs["tryggaplatser"]["grid"]["x0"]
    sx0 = shifted.attrs["tryggaplatser"]["grid"]["x0"]
    assert x0 % 250 == 0 and (sx0 - 125) % 250 == 0
    assert shifted.attrs["tryggaplatser"]["params"]["offset"]["value"] == [125.0, 0.0]


def test_stability_of_a_cell_aligned_hotspot():
    """The hotspot fills 2 × 2 cells of the base grid exactly: on the 125 m grid it is the same
    area (its 16 quarters), so those base cells stay hot; a half-cell shift smears it over
    3 × 3 cells."""
    data = _town(weeks=30)
    grid = tp.make_grid(data, 250, quiet=True)
    st = hotspot_stability(data, grid, quiet=True)
    v = st.variants.set_index(["hot_set", "variant"])
    assert st.base_hot >= 1
    hot_cell = st.cells.loc[st.cells["gistar_hot"], "cell_id"].tolist()
    assert "250mE651000N6561000" in hot_cell and "250mE650750N6560750" in hot_cell
    assert v.loc[("gistar", "cell_half"), "jaccard"] >= 0.5
    assert 0 <= v.loc[("gistar", "cell_double"), "jaccard"] <= 1
    assert set(v.index.get_level_values("variant")) == {
        "cell_half",
        "cell_double",
        "shift_east",
        "shift_north",
        "shift_northeast",
        "bandwidth_half",
        "bandwidth_double",
    }
    assert ((st.variants["agreement"] >= 0) & (st.variants["agreement"] <= 1)).all()
    assert st.cells["grid_dependent"].dtype == bool


# ------------------------------------------------------------------ the demo's planted truth


@pytest.mark.slow
def test_demo_persistent_hotspots_beat_random(demo_project):
    run = tp.Run(demo_project, "public")
    res = run.forecast("month")
    persistent = res.at("persistent", "share", 0.05)
    rnd = res.at("random", "share", 0.05)
    assert persistent["pai_lo"] > 2.5 * rnd["pai_hi"]
    assert rnd["pai_lo"] < 1.1 and rnd["pai_hi"] > 0.9
    # the demo's four stable planted hotspots lie in persistent cells
    assert res.at("persistent", "own", None)["hit_rate"] > 0.05
