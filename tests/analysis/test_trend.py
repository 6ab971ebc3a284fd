import numpy as np
import pymannkendall as pymk
import pytest

from tryggaplatser.analysis.trend import mann_kendall


def test_equals_pymannkendall_with_ties():
    rng = np.random.default_rng(1)
    rows = [rng.poisson(2, 12).astype(float) for _ in range(40)]
    rows += [np.arange(10.0), np.arange(10.0)[::-1], np.r_[np.zeros(6), np.ones(6)]]
    for row in rows:
        s, z, p = mann_kendall(np.asarray(row))
        ref = pymk.original_test(row)
        assert s[0] == pytest.approx(ref.s)
        assert z[0] == pytest.approx(ref.z, abs=1e-12)
        assert p[0] == pytest.approx(ref.p, abs=1e-12)


def test_all_tied_has_no_trend():
    _s, z, p = mann_kendall(np.zeros((2, 8)))
    assert (z == 0).all() and (p == 1).all()
