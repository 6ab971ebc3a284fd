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
    assert cells.attrs["tryggaplatser"]["params"]["test"]["value"] == "exact"
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
