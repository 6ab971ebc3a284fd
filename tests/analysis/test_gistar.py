"""Gi* against esda: same weights, same z to 1e-9 (grid edges and clipped grids included)."""

import math
import warnings

import numpy as np
import pytest

from tryggaplatser.analysis import gistar as gi


def _esda_z(xc, yc, values, threshold):
    import esda  # imported here: only the worker that runs these tests pays for it
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


# --------------------------------------------------------------- the exact test, case by case


def _cases(seed):
    """Seeded (k, n, p) triples: every count from 0 to n for small n, extreme counts for large
    n, p at and near 0 and 1, each case repeated (ties) and shuffled."""
    rng = np.random.default_rng(seed)
    ks, ns, ps = [], [], []
    for n in (0, 1, 2, 3, 7, 30, 31, 500, 3687, 50_000, 1_000_000):
        probs = [0.0, 1.0, 5e-324, 1e-300, 1e-9, 1 - 1e-12, *rng.uniform(0, 1, 4)]
        probs += [*(rng.integers(1, 50, 3) / 4355.0), 9 / 4355.0]  # grid shares
        counts = np.arange(n + 1) if n <= 31 else np.r_[0, 1, 2, n - 1, n, rng.integers(0, n, 6)]
        for p in probs:
            mean = int(n * p)
            near = np.clip(mean + np.arange(-3, 4), 0, n)  # around the mode: the tails cross
            for k in np.unique(np.r_[counts, near]):
                ks.append(float(k))
                ns.append(n)
                ps.append(p)
    k, n, p = (np.repeat(np.asarray(a), 3) for a in (ks, ns, ps))
    order = rng.permutation(len(k))
    return k[order], n[order], p[order]


def test_binomial_two_sided_equals_scipy_binomtest_exactly():
    """Each case computed once equals, bit for bit, twice the smaller one-sided p-value of
    ``scipy.stats.binomtest`` (capped at 1), for every count 0…n, n = 0/1 and p at 0/1."""
    from scipy.stats import binom, binomtest

    k, n, p = _cases(1)
    fast = gi.binomial_two_sided(k, n, p)
    refs = {}
    for i in range(len(k)):
        ki, ni, pi = int(k[i]), int(n[i]), float(p[i])
        if (ki, ni, pi) not in refs:
            if ni >= 1:
                tails = (
                    binomtest(ki, ni, pi, alternative="greater").pvalue,
                    binomtest(ki, ni, pi, alternative="less").pvalue,
                )
            else:  # binomtest needs n ≥ 1: the per-value computation of the test
                tails = (binom.sf(ki - 1, ni, pi), binom.cdf(ki, ni, pi))
            refs[ki, ni, pi] = min(1.0, 2.0 * min(tails))
        assert fast[i] == refs[ki, ni, pi], (ki, ni, pi)


def test_binomial_two_sided_equals_the_vectorised_scipy_computation():
    """Against the former computation, ``binom.sf``/``binom.cdf`` over the whole array: the
    same bits, for a scalar total (a grid) and a total per value (``hotspot_change``), with
    out-of-support counts, -0.0 and a NaN share."""
    from scipy.stats import binom

    def old(local, total, share):
        upper = binom.sf(local - 1, total, share)
        lower = binom.cdf(local, total, share)
        return np.minimum(1.0, 2.0 * np.minimum(upper, lower))

    k, n, p = _cases(2)
    same = np.testing.assert_array_equal
    same(gi.binomial_two_sided(k, n, p), old(k, n, p))
    grid_k = np.rint(np.random.default_rng(3).gamma(0.8, 6.0, (40, 50)))
    grid_p = np.random.default_rng(4).choice([4, 6, 9], (40, 50)) / 2000.0
    grid_p[0, :3] = (-0.0, 1.0, np.nan)
    grid_k[1, :2] = (-1.0, 5000.0)
    for total in (0, 1, int(grid_k.sum())):
        got = gi.binomial_two_sided(grid_k, total, grid_p)
        assert got.shape == grid_k.shape
        same(got, old(grid_k, total, grid_p))
    assert gi.binomial_two_sided(np.zeros(0), 5, np.zeros(0)).shape == (0,)


def test_exact_count_pvalues_equal_scipy_over_the_whole_grid():
    """The exact test on a clipped grid with cut cells (many distinct shares) and without:
    bit for bit the former ``binom`` computation over the dense grid, NaN off the mask."""
    from scipy.stats import binom

    rng = np.random.default_rng(5)
    counts = rng.poisson(rng.gamma(0.4, 2.0, (37, 53))).astype(float)
    rr, cc = np.mgrid[0:37, 0:53]
    d = np.hypot(rr - 18, cc - 26)
    mask = d < 17
    inside = np.where(d > 15, rng.uniform(0.05, 1.0, mask.shape), 1.0)
    fp = gi.footprint(100.0, 100.0 * math.sqrt(2))
    for weight in (None, inside):
        p = gi.exact_count_pvalues(counts, mask, fp, weight)
        c = np.where(mask, counts, 0.0)
        w = np.where(mask, 1.0 if weight is None else weight, 0.0)
        total = round(float(c.sum()))
        local = np.rint(gi.correlate_binary(c, fp))
        share = np.minimum(gi.correlate_binary(w, fp) / w.sum(), 1.0)
        ref = np.minimum(
            1.0, 2.0 * np.minimum(binom.sf(local - 1, total, share), binom.cdf(local, total, share))
        )
        np.testing.assert_array_equal(p[mask], ref[mask])
        assert np.isnan(p[~mask]).all()
