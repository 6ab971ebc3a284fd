"""Tests for analysis/rates.py: rates, Marshall EB smoothing, seasonal Mann-Kendall, aoristic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tryggaplatser.analysis.rates import (
    aoristic_hour_of_week,
    deseasonalised_mann_kendall,
    eb_smooth,
    hour_weekday_matrix,
    rate_per_1000,
    seasonal_mann_kendall,
    trend_test,
)


def test_rate_per_1000_per_year_and_missing_population():
    r = rate_per_1000([10, 3, 4], [2000, 0, np.nan], years=2.0)
    assert r[0] == pytest.approx(10 / 2000 / 2 * 1000)
    assert np.isnan(r[1]) and np.isnan(r[2])


def test_eb_matches_hand_calculation_marshall_1991():
    x = [5, 8, 60]
    n = [1000, 100, 2000]
    # by hand, Marshall (1991) global method of moments
    m = sum(x) / sum(n)
    r = [xi / ni for xi, ni in zip(x, n)]
    s2 = sum(ni * (ri - m) ** 2 for ri, ni in zip(r, n)) / sum(n)
    a = max(0.0, s2 - m / (sum(n) / 3))
    expected = [m + a / (a + m / ni) * (ri - m) for ri, ni in zip(r, n)]
    eb, prior = eb_smooth(x, n)
    np.testing.assert_allclose(eb, expected, rtol=1e-12)
    # pinned values (worked on paper: m = 0.023548, A = 2.1785e-4)
    np.testing.assert_allclose(eb, [0.006809, 0.050677, 0.029669], rtol=2e-3)
    assert prior.mean == pytest.approx(73 / 3100)
    assert prior.variance == pytest.approx(2.17851e-4, rel=1e-3)
    assert prior.n_areas == 3


def test_eb_shrinks_small_population_towards_mean():
    x = np.array([50, 52, 48, 3])
    n = np.array([5000, 5000, 5000, 40])  # the small area has a wild raw rate
    eb, prior = eb_smooth(x, n)
    raw = x / n
    assert abs(eb[3] - prior.mean) < abs(raw[3] - prior.mean)
    # the shrinkage weight grows with population: large areas move little
    shrink = np.abs(raw - eb) / np.maximum(np.abs(raw - prior.mean), 1e-12)
    assert shrink[3] > shrink[:3].max()


def test_eb_zero_prior_variance_gives_mean_and_missing_population_nan():
    eb, prior = eb_smooth([10, 10, 0], [1000, 1000, np.nan])
    assert prior.n_areas == 2
    np.testing.assert_allclose(eb[:2], prior.mean)
    assert np.isnan(eb[2])


def _series(values_by_year: dict[int, list[float]]) -> pd.DataFrame:
    rows = [
        (y, m + 1, v)
        for y, vals in values_by_year.items()
        for m, v in enumerate(vals)
        if not np.isnan(v)
    ]
    return pd.DataFrame(rows, columns=["year", "month", "count"])


def test_seasonal_mann_kendall_matches_pymannkendall():
    import pymannkendall as mk

    rng = np.random.default_rng(3)
    years = {2020 + i: list(rng.poisson(20 + 3 * i, 12).astype(float)) for i in range(5)}
    years[2020][:3] = [np.nan] * 3  # incomplete first months
    table = _series(years)
    ours = seasonal_mann_kendall(table)
    flat = np.concatenate([years[y] for y in sorted(years)])
    ref = mk.seasonal_test(flat, period=12)
    assert ours.s == pytest.approx(ref.s)
    assert ours.var_s == pytest.approx(ref.var_s)
    assert ours.z == pytest.approx(ref.z)
    assert ours.p_value == pytest.approx(ref.p)
    assert ours.slope_per_year == pytest.approx(ref.slope)
    assert ours.n_values == 57 and ours.n_seasons == 12


def test_seasonal_mann_kendall_single_year_has_no_test():
    res = seasonal_mann_kendall(_series({2024: [1.0] * 12}))
    assert np.isnan(res.p_value) and np.isnan(res.slope_per_year)


def _monthly_poisson(
    growth_per_year: float, seed: int, years: int = 3, base: float = 60.0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cycle = 1 + 0.3 * np.sin(2 * np.pi * np.arange(12) / 12)
    k = np.arange(12 * years)
    lam = base * cycle[k % 12] * (1 + growth_per_year) ** (k / 12)
    return pd.DataFrame({"year": 2024 + k // 12, "month": k % 12 + 1, "count": rng.poisson(lam)})


def test_deseasonalised_mann_kendall_matches_pymannkendall():
    import pymannkendall as mk

    table = _monthly_poisson(0.1, seed=5)
    ours = deseasonalised_mann_kendall(table)
    r = table["count"] - table.groupby("month")["count"].transform("mean")
    ref = mk.original_test(np.round(r.to_numpy(dtype=float), 9))
    assert ours.method == "mann_kendall_deseasonalised"
    assert ours.s == pytest.approx(ref.s)
    assert ours.var_s == pytest.approx(ref.var_s)
    assert ours.z == pytest.approx(ref.z)
    assert ours.p_value == pytest.approx(ref.p)
    assert ours.slope_per_year == pytest.approx(ref.slope * 12)  # per month -> per year
    assert ours.n_values == 36 and ours.n_seasons == 12


def test_trend_test_detects_planted_rise_and_not_flat():
    up = trend_test(_monthly_poisson(0.30, seed=11))
    assert up["p_value"] < 0.05 and up["z"] > 0 and up["slope_per_year"] > 0
    flat = trend_test(_monthly_poisson(0.0, seed=11))
    assert flat["p_value"] >= 0.05
    # real statistics, not placeholders
    assert flat["z"] != 0 and flat["p_value"] < 1


def test_trend_test_rejection_rate_planted_and_flat():
    up = [trend_test(_monthly_poisson(0.30, seed=s))["p_value"] < 0.05 for s in range(40)]
    flat = [trend_test(_monthly_poisson(0.0, seed=s))["p_value"] < 0.05 for s in range(40)]
    assert np.mean(up) >= 0.95
    assert np.mean(flat) <= 0.15


def test_trend_test_keys_and_seasonal_alongside():
    import pymannkendall as mk

    table = _monthly_poisson(0.05, seed=2)
    res = trend_test(table)
    for key in (
        "method",
        "s",
        "var_s",
        "z",
        "p_value",
        "slope_per_year",
        "n_values",
        "n_seasons",
        "first_month",
        "last_month",
        "seasonal_s",
        "seasonal_z",
        "seasonal_p_value",
        "seasonal_slope_per_year",
        "lag1_autocorrelation",
    ):
        assert key in res
    assert (res["first_month"], res["last_month"]) == ("2024-01", "2026-12")
    ref = mk.seasonal_test(table["count"].to_numpy(dtype=float), period=12)
    assert res["seasonal_s"] == pytest.approx(ref.s)
    assert res["seasonal_p_value"] == pytest.approx(ref.p)


def test_trend_test_single_year_is_nan():
    res = trend_test(_series({2024: [3.0] * 12}))
    assert np.isnan(res["p_value"]) and np.isnan(res["z"]) and np.isnan(res["slope_per_year"])


def _ts(values):
    return pd.Series(pd.to_datetime(values)).dt.tz_localize("Europe/Stockholm").dt.tz_convert("UTC")


def test_aoristic_exact_window_overlap_weights():
    # Monday 2024-03-04 22:30 to Tuesday 01:30 local: 1/6, 1/3, 1/3, 1/6
    start = _ts(["2024-03-04 22:30"])
    end = _ts(["2024-03-05 01:30"])
    r, b, w = aoristic_hour_of_week(start, end)
    got = dict(zip(b.tolist(), w.tolist()))
    assert got == pytest.approx({22: 1 / 6, 23: 1 / 3, 24: 1 / 3, 25: 1 / 6})
    assert set(r.tolist()) == {0}


def test_aoristic_wraps_sunday_to_monday_and_long_windows_are_uniform():
    start = _ts(["2024-03-10 23:00", "2024-03-01 00:00"])
    end = _ts(["2024-03-11 01:00", "2024-03-20 00:00"])
    r, b, w = aoristic_hour_of_week(start, end)
    first = dict(zip(b[r == 0].tolist(), w[r == 0].tolist()))
    assert first == pytest.approx({167: 0.5, 0: 0.5})
    assert (r == 1).sum() == 168
    np.testing.assert_allclose(w[r == 1], 1 / 168)


def test_aoristic_time_precision_day_week_unknown():
    start = _ts(["2024-03-06 00:00", "2024-03-06 00:00", "2024-03-06 00:00", "2024-03-06 14:10"])
    tp = pd.Series(["dag", "vecka", "okand", "exakt"])
    r, b, w = aoristic_hour_of_week(start, None, tp)
    assert 2 not in set(r.tolist())  # okand without window: left out
    np.testing.assert_allclose(w[r == 0], 1 / 24)
    assert sorted(b[r == 0].tolist()) == list(range(48, 72))  # Wednesday = day 2
    np.testing.assert_allclose(w[r == 1], 1 / 168)
    assert b[r == 3].tolist() == [2 * 24 + 14] and w[r == 3].tolist() == [1.0]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 24 * 400), st.floats(0, 400, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_aoristic_weights_sum_to_number_of_incidents(spec):
    base = pd.Timestamp("2023-01-01 00:00", tz="UTC")
    start = pd.Series([base + pd.Timedelta(minutes=7 * s) for s, _ in spec])
    end = pd.Series([st_ + pd.Timedelta(hours=d) for st_, (_, d) in zip(start, spec)])
    r, b, w = aoristic_hour_of_week(start, end)
    assert w.sum() == pytest.approx(len(spec))
    np.testing.assert_allclose(np.bincount(r, weights=w, minlength=len(spec)), 1.0)
    assert b.min() >= 0 and b.max() < 168
    m = hour_weekday_matrix(np.bincount(b, weights=w, minlength=168))
    assert m.shape == (7, 24) and m.to_numpy().sum() == pytest.approx(len(spec))


@settings(max_examples=60, deadline=None)
@given(
    first=st.integers(0, 11),
    length=st.integers(1, 40),
    mean=st.sampled_from([0.3, 3.0, 40.0]),
    seed=st.integers(0, 10_000),
    shuffle=st.booleans(),
)
def test_trend_test_on_counts_equals_the_frame_tests_exactly(first, length, mean, seed, shuffle):
    """Whole-number monthly counts take the array path; it gives every value of the frame
    tests (:func:`deseasonalised_mann_kendall`, :func:`seasonal_mann_kendall`) bit for bit."""
    rng = np.random.default_rng(seed)
    idx = np.arange(first, first + length)
    m = pd.DataFrame(
        {"year": 2022 + idx // 12, "month": idx % 12 + 1, "count": rng.poisson(mean, length)}
    )
    if shuffle:
        m = m.sample(frac=1, random_state=seed)
    got = trend_test(m, value="count")
    primary = deseasonalised_mann_kendall(m, value="count").as_dict()
    seasonal = seasonal_mann_kendall(m, value="count")
    want = {
        **primary,
        "seasonal_s": seasonal.s,
        "seasonal_var_s": seasonal.var_s,
        "seasonal_z": seasonal.z,
        "seasonal_p_value": seasonal.p_value,
        "seasonal_slope_per_year": seasonal.slope_per_year,
    }
    for key, value in want.items():
        assert got[key] == value or (np.isnan(got[key]) and np.isnan(value)), key
