"""KDE: linear binning + FFT within 1 % of the peak of the exact quartic sum."""

import math

import numpy as np
import pytest

from tryggaplatser.analysis import kde
from tryggaplatser.analysis.grid import GridSpec


def _points(n, seed=0):
    rng = np.random.default_rng(seed)
    stray = rng.uniform(-500, 10500, (2, 50))
    x = np.r_[rng.normal(5000, 1500, n), rng.normal(3000, 120, n // 5), stray[0]]
    y = np.r_[rng.normal(5000, 1500, n), rng.normal(6000, 120, n // 5), stray[1]]
    return x, y


@pytest.mark.parametrize("h", [150.0, 300.0, 800.0])
def test_fft_within_one_percent_of_peak(h):
    x, y = _points(20000)
    spec = GridSpec(0.0, 0.0, 100.0, 100, 100, "EPSG:3006")
    exact = kde.quartic_exact(x, y, spec, h)
    fast, method = kde.kde_dense(x, y, spec, h, method="fft")
    assert method == "fft"
    assert np.abs(fast - exact).max() <= 0.01 * exact.max()


def test_tight_cluster_small_bandwidth_worst_case():
    rng = np.random.default_rng(7)
    x = np.r_[rng.normal(3000, 50, 3000), rng.uniform(0, 10000, 100)]
    y = np.r_[rng.normal(6000, 50, 3000), rng.uniform(0, 10000, 100)]
    spec = GridSpec(0.0, 0.0, 100.0, 100, 100, "EPSG:3006")
    for h in (80.0, 130.0, 333.0):
        exact = kde.quartic_exact(x, y, spec, h)
        fast, _ = kde.kde_dense(x, y, spec, h, method="fft")
        assert np.abs(fast - exact).max() <= 0.01 * exact.max()


def test_weighted_and_integrates_to_total():
    x, y = _points(2000, 1)
    w = np.random.default_rng(2).uniform(0, 3, len(x))
    spec = GridSpec(-3000.0, -3000.0, 50.0, 340, 340, "EPSG:3006")
    dens, _ = kde.kde_dense(x, y, spec, 400.0, w)
    assert dens.sum() * 50 * 50 == pytest.approx(w.sum(), rel=2e-3)
    exact = kde.quartic_exact(x, y, spec, 400.0, w)
    assert np.abs(dens - exact).max() <= 0.01 * exact.max()


def test_kernel_integrates_to_one():
    h = 10.0
    g = np.arange(-h, h + 0.01, 0.05)
    r2 = g[None, :] ** 2 + g[:, None] ** 2
    assert kde.quartic(r2, h).sum() * 0.05**2 == pytest.approx(1.0, rel=1e-3)


def test_auto_bandwidth_is_arcgis_rule():
    x = np.array([0.0, 10, 20, 30, 40])
    y = np.zeros(5)
    sd = math.sqrt(np.mean((x - 20) ** 2))
    dm = 10.0
    expected = 0.9 * min(sd, math.sqrt(1 / math.log(2)) * dm) * 5**-0.2
    assert kde.auto_bandwidth(x, y) == pytest.approx(expected)


@pytest.mark.parametrize("h", [49.9, 50.0, 150.0, 333.0])
def test_exact_stencil_equals_brute_force_sum(h):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-300, 5300, 3000), rng.uniform(-300, 5300, 3000)
    spec = GridSpec(0.0, 0.0, 100.0, 50, 50, "EPSG:3006")
    xs = (np.arange(50) + 0.5) * 100
    ys = 5000 - (np.arange(50) + 0.5) * 100
    gx, gy = np.meshgrid(xs, ys)
    cx, cy = gx.ravel(), gy.ravel()
    brute = np.zeros(len(cx))
    for s in range(0, len(cx), 50):  # by rows of cells: small temporaries, few page faults
        r2 = (cx[s : s + 50, None] - x[None, :]) ** 2 + (cy[s : s + 50, None] - y[None, :]) ** 2
        brute[s : s + 50] = kde.quartic(r2, h).sum(axis=1)
    brute = brute.reshape(50, 50)
    np.testing.assert_allclose(kde.quartic_exact(x, y, spec, h), brute, rtol=1e-12, atol=1e-18)
