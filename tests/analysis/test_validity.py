"""Gi* only where it is valid: seeded simulations under complete spatial randomness (CSR).

Under CSR no cell is a hot or cold spot, so the share of cells called significant after the
FDR correction must stay at or below α, however few or many events there are. Before the
validity rule, sparse windows lit up every event's neighbourhood.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

import tryggaplatser as tp
from tryggaplatser import errors as tp_errors
from tryggaplatser.analysis import gistar as gi

SIDE = 10_000.0  # a 10 × 10 km square …
STUDY_AREA = gpd.GeoDataFrame(geometry=[Point(5000, 5000).buffer(5000)], crs=3006)  # … clipped


def _csr(n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    r, a = 5000 * np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    x, y = 5000 + r * np.cos(a), 5000 + r * np.sin(a)
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=3006)


@pytest.mark.parametrize("n_events", [20, 200, 2_000, 20_000])
def test_share_of_significant_cells_under_csr_stays_below_alpha(n_events):
    shares_95, shares_90 = [], []
    for seed in range(5):
        cells = tp.hotspot_gistar(_csr(n_events, seed), cell_size=250, area=STUDY_AREA, quiet=True)
        assert len(cells) > 1000  # the clipped grid, cells outside the study area not tested
        shares_95.append(float((cells["gi_bin"].abs() >= 2).mean()))
        shares_90.append(float((cells["gi_bin"].abs() >= 1).mean()))
    assert max(shares_95) <= 0.05, shares_95
    assert max(shares_90) <= 0.10, shares_90


def test_no_false_cold_spots_along_the_study_area_boundary():
    """Cells cut by the boundary hold fewer events under CSR. The normal test (equal cells)
    calls them and their neighbours cold; weighting by the inside area does not."""
    from tryggaplatser.analysis.gistar import count_pvalues, fdr_bins, gistar_dense

    data = _csr(20_000, 0)
    cells = tp.hotspot_gistar(data, cell_size=250, area=STUDY_AREA, quiet=True)
    assert cells.attrs["tryggaplatser"]["params"]["test"]["value"] == "exact_area"
    assert (cells["gi_bin"] != 0).sum() == 0
    # the same counts under the normal test: false cold spots, all at the boundary
    grid = tp.make_grid(data, 250, area=STUDY_AREA, quiet=True)
    assert (grid["inside"] < 1).sum() > 100
    n = cells["n"].to_numpy(dtype=float)
    rows, cols = cells["row"].to_numpy(), cells["col"].to_numpy()
    dense = np.zeros((rows.max() + 1, cols.max() + 1))
    mask = np.zeros(dense.shape, dtype=bool)
    dense[rows, cols], mask[rows, cols] = n, True
    fp = np.ones((3, 3))
    z = gistar_dense(dense, mask, fp)
    p, test, _ = count_pvalues(dense, mask, fp, z)  # no inside shares: the normal test
    bins = fdr_bins(z[rows, cols], p[rows, cols])
    assert test == "normal" and (bins < 0).sum() > 5 and (bins > 0).sum() == 0
    edge = STUDY_AREA.geometry.iloc[0].exterior
    assert cells.geometry[bins < 0].distance(edge).max() < 400


def test_too_few_events_means_no_test_and_says_so(caplog):
    with caplog.at_level("INFO", logger="tryggaplatser"):
        cells = tp.hotspot_gistar(_csr(20, 1), cell_size=250, area=STUDY_AREA)
    record = cells.attrs["tryggaplatser"]["params"]["test"]
    assert (
        record["value"] == "none" and "för få händelser för ett signifikanstest" in record["rule"]
    )
    assert (cells["gi_bin"] == 0).all() and cells["pvalue"].isna().all()
    assert cells["n"].sum() == 20  # the counts are still there
    assert "För få händelser för ett signifikanstest (20 < 30)" in caplog.text


def test_sparse_data_use_the_exact_test_and_still_find_a_real_cluster():
    rng = np.random.default_rng(7)
    background = _csr(150, 3)
    cluster = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.normal(3000, 60, 40), rng.normal(6000, 60, 40)), crs=3006
    )
    data = gpd.GeoDataFrame(geometry=list(background.geometry) + list(cluster.geometry), crs=3006)
    cells = tp.hotspot_gistar(data, cell_size=250, area=STUDY_AREA, quiet=True)
    # the study area cuts cells at its edge, so the exact test weighs cells by inside area
    assert cells.attrs["tryggaplatser"]["params"]["test"]["value"] == "exact_area"
    hot = cells[cells["gi_bin"] >= 2]
    centre = Point(3000, 6000)
    assert len(hot) > 0 and hot.geometry.centroid.distance(centre).max() < 600


def test_exact_p_values_equal_a_brute_force_binomial():
    """The convolution-based exact test equals summing the binomial per cell by hand."""
    from scipy.stats import binom

    rng = np.random.default_rng(0)
    counts = rng.poisson(0.4, (6, 7)).astype(float)
    mask = np.ones(counts.shape, dtype=bool)
    mask[0, :2] = False
    fp = np.ones((3, 3))
    p = gi.exact_count_pvalues(counts, mask, fp)
    total, n = int(counts[mask].sum()), int(mask.sum())
    for i, j in zip(*np.nonzero(mask)):
        rows, cols = slice(max(i - 1, 0), i + 2), slice(max(j - 1, 0), j + 2)
        s = int(counts[rows, cols][mask[rows, cols]].sum())
        w = int(mask[rows, cols].sum())
        tails = binom.sf(s - 1, total, w / n), binom.cdf(s, total, w / n)
        assert p[i, j] == pytest.approx(min(1.0, 2 * min(tails)), abs=1e-12)
    assert np.isnan(p[0, 0])


# --------------------------------------------------------------------------- bad time and place


def test_one_stray_point_does_not_stretch_the_grid(caplog):
    """One point at (0, 0) among 1 000 in a municipality would build millions of cells."""
    rng = np.random.default_rng(4)
    xy = np.c_[rng.uniform(640_000, 650_000, 1000), rng.uniform(6_550_000, 6_560_000, 1000)]
    xy[17] = (0.0, 0.0)
    data = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3006)
    with caplog.at_level("WARNING", logger="tryggaplatser"):
        cells = tp.hotspot_count(data, cell_size=250)
    assert len(cells) <= 41 * 41  # the municipality's 10 × 10 km, not 2 600 × 26 000 km
    record = cells.attrs["tryggaplatser"]
    assert record["n_strays"] == 1 and record["n_outside_grid"] == 1
    assert cells["n"].sum() == 999
    assert "(0, 0), rad 17" in caplog.text


def test_a_grid_that_covers_none_of_the_points_is_an_error():
    data = _csr(200, 2)
    far = gpd.GeoDataFrame(geometry=[Point(50_000, 50_000).buffer(1000)], crs=3006)
    with pytest.raises(tp_errors.ArgumentError) as err:
        tp.hotspot_gistar(data, cell_size=250, area=far, quiet=True)
    assert err.value.rule == "GRID_NO_OVERLAP"


def test_naive_times_follow_the_import_rule_for_summer_time():
    """A naive time in the autumn's repeated hour is read as summer time (the import's rule);
    one in the spring gap is a clear error naming the row — never a raw pandas error."""
    import pandas as pd

    times = pd.to_datetime(["2025-10-26 02:30", "2025-06-01 12:00", "2025-07-01 12:00"])
    data = gpd.GeoDataFrame(
        {"occurred_at": times}, geometry=gpd.points_from_xy([0, 300, 600], [0, 300, 600]), crs=3006
    )
    kde = tp.hotspot_kde(data, cell_size=100, quiet=True)
    assert kde.attrs["tryggaplatser"]["params"]["period"]["value"] == ["2025-06-01", "2025-10-26"]
    gap = data.assign(
        occurred_at=pd.to_datetime(["2025-03-30 02:30", "2025-06-01 12:00", "2025-07-01 12:00"])
    )
    with pytest.raises(tp_errors.ArgumentError) as err:
        tp.hotspot_kde(gap, cell_size=100, quiet=True)
    assert err.value.rule == "TIME_NONEXISTENT_DST" and "rad 0" in str(err.value)


def test_trend_classes_are_corrected_across_cells():
    """Many stationary hot cells (a large, dense, steady area) have Mann-Kendall p-values that
    are uniform by chance; a class that rests on a trend (intensifying, diminishing; hot or
    cold) needs the p-value to survive Benjamini–Hochberg across the cells hot or cold in some
    period (checked with scipy's independent implementation), so none of these steady cells
    gets one."""
    import pandas as pd
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(11)
    n_bg, n_area = 4000, 30000
    r, a = 1500 * np.sqrt(rng.uniform(0, 1, n_area)), rng.uniform(0, 2 * np.pi, n_area)
    x = np.r_[rng.uniform(0, 10000, n_bg), 5000 + r * np.cos(a)]
    y = np.r_[rng.uniform(0, 10000, n_bg), 5000 + r * np.sin(a)]
    t0 = pd.Timestamp("2024-01-01", tz="Europe/Stockholm")
    times = t0 + pd.to_timedelta(rng.uniform(0, 730, n_bg + n_area), unit="D")
    data = gpd.GeoDataFrame(
        {"occurred_at": times.tz_convert("UTC")}, geometry=gpd.points_from_xy(x, y), crs=3006
    )
    cells = tp.hotspot_classify(data, cell_size=250, quiet=True)
    assert cells.attrs["tryggaplatser"]["params"]["trend_correction"]["value"] == "fdr_bh"
    tested = (cells["hot_periods"] + cells["cold_periods"]).to_numpy() > 0
    assert tested.sum() > 80  # many steady hot cells
    q = np.ones(len(cells))
    q[tested] = false_discovery_control(cells["trend_pvalue"].to_numpy()[tested])
    trend_classes = ["intensifierande", "avtagande", "intensifierande_kall", "avtagande_kall"]
    by_trend = cells["hotspot_category"].isin(trend_classes)
    assert (q[by_trend.to_numpy()] < 0.05).all()
    assert not by_trend.any()  # a steady area has no trend once the claims are corrected
