"""Gi* against esda: same weights, same z to 1e-9 (grid edges and clipped grids included)."""

import math
import warnings

import esda
import numpy as np
import pytest

from tryggaplatser.analysis import gistar as gi


def _esda_z(xc, yc, values, threshold):
    from libpysal.weights import DistanceBand

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(
            np.column_stack([xc, yc]), threshold=threshold, binary=True, silence_warnings=True
        )
        g = esda.G_Local(values, w, star=True, transform="B", permutations=0)
    return g.Zs


def test_toy_example_reproduced_exactly():
    pts = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], float)
    y = np.array([2, 3, 3.2, 5, 8, 7])
    z = gi.gistar_points(pts[:, 0], pts[:, 1], y, 15)
    np.testing.assert_allclose(
        z, [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331], atol=1e-8
    )


@pytest.mark.parametrize(("nrows", "ncols", "clip"), [(100, 100, False), (37, 53, True)])
def test_dense_equals_esda(nrows, ncols, clip):
    rng = np.random.default_rng(nrows)
    c = 100.0
    values = rng.poisson(rng.gamma(0.5, 2.0, (nrows, ncols))).astype(float)
    mask = np.ones((nrows, ncols), bool)
    if clip:  # an irregular study area: a disc with a hole
        rr, cc = np.mgrid[0:nrows, 0:ncols]
        d = np.hypot(rr - nrows / 2, cc - ncols / 2)
        mask = (d < nrows / 2) & (d > 4)
    z = gi.gistar_dense(values, mask, gi.footprint(c, c * math.sqrt(2)))
    rr, cc = np.nonzero(mask)
    ref = _esda_z(cc * c, -rr * c, values[mask], c * math.sqrt(2) * 1.0001)
    np.testing.assert_allclose(z[mask], ref, rtol=0, atol=1e-9)
    assert np.isnan(z[~mask]).all()


def test_wider_band_equals_esda():
    rng = np.random.default_rng(3)
    values = rng.poisson(2.0, (30, 40)).astype(float)
    z = gi.gistar_dense(values, None, gi.footprint(50.0, 120.0))
    rr, cc = np.mgrid[0:30, 0:40]
    ref = _esda_z(cc.ravel() * 50.0, rr.ravel() * -50.0, values.ravel(), 120.0 * 1.0001)
    np.testing.assert_allclose(z.ravel(), ref, atol=1e-9)


def test_constant_values_give_nan():
    assert np.isnan(gi.gistar_dense(np.ones((5, 5)))).all()


def test_fdr_bins_follow_benjamini_hochberg():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    z = np.array([3, -3, 2, 2, 2, 2, 2, 1, 1, -1.0])
    bins = gi.fdr_bins(z, p, fdr=True)
    # BH cut-offs: 10 % -> 0.06 (k=6), 5 % -> 0.008 (k=2), 1 % -> 0.001 (k=1)
    assert bins.tolist() == [3, -2, 1, 1, 1, 1, 0, 0, 0, 0]
    raw = gi.fdr_bins(z, p, fdr=False)
    assert raw.tolist() == [3, -3, 2, 2, 2, 1, 1, 0, 0, 0]


def test_pvalue_two_sided():
    np.testing.assert_allclose(gi.pvalue_two_sided(np.array([1.959963985])), [0.05], atol=1e-9)
