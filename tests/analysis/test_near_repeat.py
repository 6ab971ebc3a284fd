"""Tests for tryggaplatser.analysis.near_repeat (Knox test)."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from tryggaplatser.analysis.near_repeat import (
    MIN_KNOX_RATIO,
    NEAR_REPEAT_COLUMNS,
    band_label,
    bh_adjust,
    near_repeat,
    spatial_pairs,
)
from tryggaplatser.errors import ArgumentError
from tryggaplatser.i18n import language

X0, Y0 = 650_000.0, 6_560_000.0


def incidents(x, y, days, category="inbrott") -> gpd.GeoDataFrame:
    """Incidents at (X0 + x, Y0 + y) on day ``days`` (noon local time) after 2025-01-01."""
    days = np.asarray(days)
    t = (
        pd.Timestamp("2025-01-01 12:00", tz="Europe/Stockholm") + pd.to_timedelta(days, unit="D")
    ).tz_convert("UTC")
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"i{k}" for k in range(len(days))],
            "occurred_at": t,
            "category": category,
            "source": "test",
        },
        geometry=gpd.points_from_xy(X0 + np.asarray(x, float), Y0 + np.asarray(y, float)),
        crs=3006,
    )


def brute_force(gdf, d_edges, t_edges) -> np.ndarray:
    xy = np.column_stack([gdf.geometry.x, gdf.geometry.y])
    day = (
        gdf["occurred_at"].dt.tz_convert("Europe/Stockholm").dt.tz_localize(None).dt.normalize()
        - pd.Timestamp("1970-01-01")
    ).dt.days.to_numpy()
    counts = np.zeros((len(d_edges) - 1, len(t_edges) - 1), dtype=int)
    for a, b in itertools.combinations(range(len(gdf)), 2):
        d = float(np.hypot(*(xy[a] - xy[b])))
        t = abs(int(day[a]) - int(day[b]))
        for p in range(len(d_edges) - 1):
            for q in range(len(t_edges) - 1):
                if d_edges[p] <= d < d_edges[p + 1] and t_edges[q] <= t < t_edges[q + 1]:
                    counts[p, q] += 1
    return counts.ravel()


def test_columns_and_labels_are_pinned():
    gdf = incidents([0, 50, 120], [0, 0, 0], [0, 3, 10])
    res = near_repeat(
        gdf, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=9, seed=1, quiet=True
    )
    assert list(res.columns) == NEAR_REPEAT_COLUMNS
    assert list(res["band"]) == [
        "[0, 100) m × [0, 7) d",
        "[0, 100) m × [7, 14) d",
        "[100, 200) m × [0, 7) d",
        "[100, 200) m × [7, 14) d",
    ]
    assert band_label(0, 100, 0, 7) == "[0, 100) m × [0, 7) d"
    for key in ("summary", "risk_window", "seed", "permutations", "time_basis", "choices"):
        assert key in res.attrs


def test_band_boundaries_are_half_open():
    # pair A: distance exactly 0, 0 days   -> [0,100) x [0,7)
    # pair B: distance exactly 100, 7 days -> [100,200) x [7,14)
    gdf = pd.concat(
        [
            incidents([0, 0], [0, 0], [0, 0]),
            incidents([10_000, 10_100], [0, 0], [100, 107]),
        ],
        ignore_index=True,
    )
    res = near_repeat(
        gdf, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=5, seed=0, quiet=True
    ).set_index("band")
    assert res.loc["[0, 100) m × [0, 7) d", "observed"] == 1
    assert res.loc["[100, 200) m × [7, 14) d", "observed"] == 1
    assert res["observed"].sum() == 2
    # exactly at the last edges -> not counted at all
    gdf2 = incidents([0, 200], [0, 0], [0, 0])
    gdf3 = incidents([0, 50], [0, 0], [0, 14])
    for g in (gdf2, gdf3):
        r = near_repeat(
            g,
            distance_bands=[0, 100, 200],
            time_bands=[0, 7, 14],
            permutations=5,
            seed=0,
            quiet=True,
        )
        assert r["observed"].sum() == 0


@settings(max_examples=40, deadline=None)
@given(
    pts=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 40)),
        min_size=2,
        max_size=40,
    )
)
def test_observed_equals_brute_force(pts):
    x, y, d = zip(*pts)
    gdf = incidents(x, y, d)
    d_edges, t_edges = [0, 50, 150, 300], [0, 3, 10, 21]
    res = near_repeat(
        gdf, distance_bands=d_edges, time_bands=t_edges, permutations=1, seed=0, quiet=True
    )
    np.testing.assert_array_equal(res["observed"].to_numpy(), brute_force(gdf, d_edges, t_edges))


def test_spatial_pairs_strictly_below_max():
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [99.9, 0.0]])
    i, j, d = spatial_pairs(xy, 100.0)
    assert sorted(zip(i.tolist(), j.tolist())) == [(0, 2), (1, 2)]
    assert np.all(d < 100)


def test_seed_reproducible_and_seed_recorded():
    rng = np.random.default_rng(3)
    gdf = incidents(rng.uniform(0, 2000, 300), rng.uniform(0, 2000, 300), rng.integers(0, 200, 300))
    a = near_repeat(gdf, permutations=19, seed=42, quiet=True)
    b = near_repeat(gdf, permutations=19, seed=42, quiet=True)
    pd.testing.assert_frame_equal(a, b)
    c = near_repeat(gdf, permutations=19, seed=None, quiet=True)
    d = near_repeat(gdf, permutations=19, seed=c.attrs["seed"], quiet=True)
    pd.testing.assert_frame_equal(c, d)
    assert any("Slumpfrö" in m for m in c.attrs["choices"])


def test_defaults_are_announced_and_recorded(caplog):
    gdf = incidents([0, 10, 20], [0, 0, 0], [0, 1, 2])
    with caplog.at_level("INFO", logger="tryggaplatser"):
        res = near_repeat(gdf, permutations=5, seed=1)
    assert "Avståndsband 0–500 m i steg om 100 m" in caplog.text
    assert "Tidsband 0–28 dagar i steg om 7 dagar" in caplog.text
    assert res.attrs["distance_bands"] == [0, 100, 200, 300, 400, 500]
    assert res.attrs["time_bands"] == [0, 7, 14, 21, 28]
    caplog.clear()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        quiet = near_repeat(gdf, permutations=5, seed=1, quiet=True)
    assert caplog.text == ""
    assert len(quiet.attrs["choices"]) == 2


def planted(seed: int, n_background: int = 600, n_series: int = 60):
    """Uniform background over 5 km × 5 km and 365 days, plus clusters of near repeats."""
    rng = np.random.default_rng(seed)
    x = list(rng.uniform(0, 5000, n_background))
    y = list(rng.uniform(0, 5000, n_background))
    d = list(rng.integers(0, 365, n_background))
    for _ in range(n_series):
        cx, cy, cd = rng.uniform(0, 5000), rng.uniform(0, 5000), rng.integers(0, 350)
        for _ in range(3):  # each seed event followed by 3 repeats within 150 m and 10 days
            x.append(cx + rng.uniform(-100, 100))
            y.append(cy + rng.uniform(-100, 100))
            d.append(cd + rng.integers(0, 10))
        x.append(cx)
        y.append(cy)
        d.append(cd)
    return incidents(x, y, d)


def test_planted_near_repeat_is_detected():
    res = near_repeat(planted(7), permutations=99, seed=1, quiet=True)
    first = res.iloc[0]
    assert first["band"] == "[0, 100) m × [0, 7) d"
    assert first["knox_ratio"] > 1.5
    assert first["p_value"] <= 0.05
    window = res.attrs["risk_window"]
    assert window is not None and window["distance_m"] >= 100 and window["days"] >= 7
    assert res.attrs["summary"].startswith("Förhöjd risk inom ")
    assert "efter en händelse (inbrott)" in res.attrs["summary"]
    # far bands are not significant
    far = res[(res["distance_from"] >= 300) & (res["days_from"] >= 14)]
    assert (far["p_value"] > 0.05).mean() >= 0.75


def test_uniform_random_data_is_not_flagged():
    rng = np.random.default_rng(11)
    n = 800
    gdf = incidents(rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.integers(0, 365, n))
    res = near_repeat(gdf, permutations=99, seed=2, quiet=True)
    assert (res["p_value"] > 0.05).mean() >= 0.8
    assert res.attrs["risk_window"] is None
    assert res.attrs["summary"].startswith("Inget near-repeat-mönster")


def test_summary_format_is_swedish_and_english():
    gdf = planted(7)
    res = near_repeat(gdf, permutations=99, seed=1, quiet=True)
    w = res.attrs["risk_window"]
    assert f"inom {int(w['distance_m'])} m och {int(w['days'])} dagar" in res.attrs["summary"]
    assert "p = 0,01" in res.attrs["summary"]
    with language("en"):
        en = near_repeat(gdf, permutations=99, seed=1, quiet=True)
    assert en.attrs["summary"].startswith("Raised risk within")
    assert "p = 0.01" in en.attrs["summary"]


def test_distance_zero_pairs_go_to_first_band_or_own_band():
    gdf = incidents([0, 0, 50], [0, 0, 0], [0, 2, 4])
    res = near_repeat(
        gdf, distance_bands=[0, 1, 100], time_bands=[0, 7], permutations=3, seed=0, quiet=True
    ).set_index("band")
    assert res.loc["[0, 1) m × [0, 7) d", "observed"] == 1
    assert res.loc["[1, 100) m × [0, 7) d", "observed"] == 2


def test_input_not_mutated():
    gdf = incidents([0, 10, 20], [0, 0, 0], [0, 1, 2])
    before = gdf.copy()
    near_repeat(gdf, permutations=3, seed=0, quiet=True)
    pd.testing.assert_frame_equal(gdf, before)


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"distance_bands": [100, 50]}, "BANDS_INVALID"),
        ({"distance_bands": [0]}, "BANDS_INVALID"),
        ({"time_bands": [-1, 7]}, "BANDS_INVALID"),
        ({"permutations": 0}, "NOT_POSITIVE"),
        ({"permutations": 9.5}, "NOT_POSITIVE"),
    ],
)
def test_bad_arguments(kwargs, rule):
    gdf = incidents([0, 10], [0, 0], [0, 1])
    with pytest.raises(ArgumentError) as exc:
        near_repeat(gdf, quiet=True, **kwargs)
    assert exc.value.rule == rule


def test_bad_inputs():
    gdf = incidents([0, 10], [0, 0], [0, 1])
    with pytest.raises(ArgumentError, match="metriskt koordinatsystem"):
        near_repeat(gdf.to_crs(4326), quiet=True)
    with pytest.raises(ArgumentError, match="tidszonsmedveten"):
        near_repeat(gdf.assign(occurred_at=gdf["occurred_at"].dt.tz_localize(None)), quiet=True)
    with pytest.raises(ArgumentError, match="minst 2 händelser"):
        near_repeat(gdf.iloc[:1], quiet=True)
    with pytest.raises(ArgumentError, match="GeoDataFrame"):
        near_repeat(pd.DataFrame(gdf), quiet=True)


def test_p_values_are_permutation_ranks():
    rng = np.random.default_rng(8)
    gdf = incidents(rng.uniform(0, 1500, 200), rng.uniform(0, 1500, 200), rng.integers(0, 90, 200))
    res = near_repeat(gdf, permutations=19, seed=4, quiet=True)
    k = res["p_value"].to_numpy() * 20
    np.testing.assert_allclose(k, np.round(k))
    assert (res["p_value"] >= 1 / 20).all() and (res["p_value"] <= 1).all()
    with_expected = res[res["expected"] > 0]
    np.testing.assert_allclose(
        with_expected["knox_ratio"], with_expected["observed"] / with_expected["expected"]
    )


@pytest.mark.parametrize(
    ("geometry", "rule"),
    [
        (None, "GEOM_TYPE_UNEXPECTED"),
        (Point(), "GEOM_TYPE_UNEXPECTED"),
        (LineString([(0, 0), (5, 5)]), "GEOM_TYPE_UNEXPECTED"),
        (Point(np.inf, 0), "COORD_NONFINITE"),
    ],
)
def test_rows_without_a_usable_point_are_refused_with_their_count_and_first_index(geometry, rule):
    gdf = incidents([0, 10, 20, 30], [0, 0, 0, 0], [0, 1, 2, 3]).set_index(
        pd.Index([10, 11, 12, 13])
    )
    gdf.loc[[12, 13], "geometry"] = [geometry, geometry]
    with pytest.raises(ArgumentError) as exc:
        near_repeat(gdf, quiet=True)
    assert exc.value.rule == rule
    assert "2 " in exc.value.message and "index 12" in exc.value.message
    # a 3-D point is a point
    z = incidents([0, 10], [0, 0], [0, 1])
    z["geometry"] = [Point(X0, Y0, 5.0), Point(X0 + 10, Y0, 7.0)]
    assert near_repeat(z, permutations=9, seed=1, quiet=True)["observed"].sum() == 1


def test_nan_coordinates_are_refused():
    gdf = incidents([0, 10, 20], [0, 0, 0], [0, 1, 2])
    gdf.loc[1, "geometry"] = Point(np.nan, np.nan)
    with pytest.raises(ArgumentError, match="ogiltiga koordinater"):
        near_repeat(gdf, quiet=True)


# ------------------------------------------------------------------ correction across bands


def test_bh_adjust_hand_worked_example():
    # m = 5, sorted p 0.005, 0.01, 0.03, 0.04, 0.2: m·p/k = 0.025, 0.025, 0.05, 0.05, 0.2;
    # running minimum from the top leaves them as they are
    p = np.array([0.03, 0.005, 0.2, 0.01, 0.04])
    np.testing.assert_allclose(bh_adjust(p), [0.05, 0.025, 0.2, 0.025, 0.05])
    # the step-up: 0.04 at rank 4 of 4 (0.04 ≤ 4·0.05/4) carries 0.045 at rank 2 along
    np.testing.assert_allclose(bh_adjust(np.array([0.045, 0.04, 0.046, 0.047])), [0.047] * 4)
    # NaN is no test: it stays NaN and does not count in m
    np.testing.assert_allclose(bh_adjust(np.array([0.01, np.nan, 0.02])), [0.02, np.nan, 0.02])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_bh_adjust_equals_scipy(ps):
    from scipy.stats import false_discovery_control

    p = np.array(ps)
    np.testing.assert_allclose(bh_adjust(p), false_discovery_control(p, method="bh"), atol=1e-12)


def largest_window(raised: np.ndarray) -> tuple[int, int] | None:
    """(distance bands, time bands) of the largest all-raised rectangle at the origin, by brute
    force (ties: more distance bands)."""
    best = None
    for a in range(raised.shape[0]):
        for b in range(raised.shape[1]):
            if raised[: a + 1, : b + 1].all():
                cand = ((a + 1) * (b + 1), a + 1, b + 1)
                best = cand if best is None or cand[:2] > best[:2] else best
    return None if best is None else best[1:]


@pytest.mark.parametrize("seed", [7, 8])
def test_bands_count_only_after_correction_and_with_the_minimum_ratio(seed):
    from scipy.stats import false_discovery_control

    res = near_repeat(planted(seed), seed=1, quiet=True)  # default 999 permutations
    assert res.attrs["permutations"] == 999 and res.attrs["notes"] == []
    p_adj = false_discovery_control(res["p_value"].to_numpy(), method="bh")
    np.testing.assert_allclose(res["p_adjusted"], p_adj)
    ratio = res["knox_ratio"].to_numpy()
    expected = (p_adj <= 0.05) & (ratio > 1) & (ratio >= MIN_KNOX_RATIO)
    np.testing.assert_array_equal(res["raised"].to_numpy(), expected)
    assert res.attrs["correction"] == "benjamini_hochberg"
    assert res.attrs["min_knox_ratio"] == MIN_KNOX_RATIO == 1.2
    assert res.attrs["n_tested_bands"] == 20
    assert "Benjamini–Hochberg" in res.attrs["rule"] and "minst 1,2" in res.attrs["rule"]
    # the risk window is the largest rectangle of bands that count
    size = largest_window(expected.reshape(5, 4))
    w = res.attrs["risk_window"]
    assert size is not None and w is not None
    assert (w["distance_m"], w["days"]) == (100.0 * size[0], 7.0 * size[1])


def test_uncorrected_significance_alone_does_not_make_a_window():
    # a weak excess: one pair per series, so only the first band has a low raw p-value
    rng = np.random.default_rng(5)
    n = 700
    x, y, d = rng.uniform(0, 6000, n), rng.uniform(0, 6000, n), rng.integers(0, 365, n)
    x = np.r_[x, x[:10] + 30]
    y = np.r_[y, y[:10]]
    d = np.r_[d, d[:10] + 2]
    res = near_repeat(incidents(x, y, d), seed=3, quiet=True)
    first = res.iloc[0]
    assert first["p_value"] <= 0.05  # significant without correction ...
    assert first["p_adjusted"] > 0.05 and not first["raised"]  # ... not after it
    assert res.attrs["risk_window"] is None
    assert "efter korrigering" in res.attrs["summary"]


def test_minimum_ratio_removes_the_window():
    gdf = planted(7)
    assert near_repeat(gdf, permutations=99, seed=1, quiet=True).attrs["risk_window"]
    res = near_repeat(gdf, permutations=99, seed=1, min_knox_ratio=1e6, quiet=True)
    assert not res["raised"].any() and res["significant"].any()
    assert res.attrs["risk_window"] is None
    with pytest.raises(ArgumentError) as exc:
        near_repeat(gdf, permutations=9, seed=1, min_knox_ratio=0.5, quiet=True)
    assert exc.value.rule == "ARGUMENT_INVALID"


def test_csr_bands_are_rarely_raised_after_correction():
    # 20 seeded data sets under complete spatial-temporal randomness: without correction most
    # have a "significant" band (20 bands at 5 % each); after Benjamini–Hochberg (which holds
    # the family-wise rate at 5 % when no band has a pattern) about 1 in 20 has one, and no
    # data set gets a risk window
    raw_any, raised_any = 0, 0
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        n = 600
        gdf = incidents(rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.integers(0, 365, n))
        res = near_repeat(gdf, seed=seed, quiet=True)  # 999 permutations
        raw_any += bool((res["p_value"] <= 0.05).any())
        raised_any += bool(res["raised"].any())
        assert res.attrs["risk_window"] is None, seed
    assert raw_any >= 10
    assert raised_any <= 2


def test_too_few_permutations_for_the_correction_are_announced(caplog):
    # seed 8: a strong planted pattern in three bands, all at the smallest p of 99 permutations
    # (0.01): after the correction over 20 bands that is 0.067, so 99 permutations miss it
    gdf = planted(8)
    with caplog.at_level("INFO", logger="tryggaplatser"):
        few = near_repeat(gdf, permutations=99, seed=1)
    assert "99 permutationer räcker inte" in caplog.text and "minst 399 behövs" in caplog.text
    assert few.attrs["notes"] and few.attrs["risk_window"] is None
    assert near_repeat(gdf, permutations=399, seed=1, quiet=True).attrs["notes"] == []
    assert near_repeat(gdf, permutations=999, seed=1, quiet=True).attrs["risk_window"]


# ------------------------------------------------------------------ batched permutation counts


def pair_counts(xy, day, d_edges, t_edges) -> np.ndarray:
    """Counts per (distance band, time band) over all n(n−1)/2 pairs, by direct comparison."""
    a, b = np.triu_indices(len(day), k=1)
    d = np.hypot(xy[a, 0] - xy[b, 0], xy[a, 1] - xy[b, 1])
    t = np.abs(day[a] - day[b])
    return np.array(
        [
            np.count_nonzero((d0 <= d) & (d < d1) & (t0 <= t) & (t < t1))
            for d0, d1 in itertools.pairwise(d_edges)
            for t0, t1 in itertools.pairwise(t_edges)
        ]
    )


def tied_case(n_extra: int = 0) -> gpd.GeoDataFrame:
    """A seeded case with ties in place and day, pairs exactly at distance and day edges, and a
    dense cluster of more than 255 pairs in one band (``n_extra`` points spread far out)."""
    rng = np.random.default_rng(11)
    x = np.r_[0, 0, 0, 100, 50, 300, 120, rng.integers(0, 90, 40), rng.uniform(0, 9000, n_extra)]
    y = np.r_[0, 0, 0, 0, 0, 0, 0, rng.integers(0, 90, 40), rng.uniform(0, 9000, n_extra)]
    d = np.r_[0, 0, 7, 7, 14, 2, 9, rng.integers(0, 30, 40), rng.integers(0, 60, n_extra)]
    return incidents(x, y, d)


@pytest.mark.parametrize(
    ("d_edges", "t_edges"),
    [
        ([0, 50, 100, 300], [0, 7, 14, 21]),
        ([0, 1, 100, 200], [0, 2.5, 7, 14.5]),  # same-place band, edges between whole days
        ([10, 100, 300], [3, 7, 14]),  # first edges above 0
        ([0, 500], [0, 1000]),  # the last time edge beyond the span of the days
    ],
)
@pytest.mark.parametrize("small_batches", [False, True])
def test_permutation_counts_equal_direct_counts_of_each_seeded_shuffle(
    d_edges, t_edges, small_batches, monkeypatch
):
    import tryggaplatser.analysis.near_repeat as nr

    if small_batches:  # batches of 8 shuffles and blocks of 255 pairs
        monkeypatch.setattr(nr, "_BATCH_BYTES", 1)
        monkeypatch.setattr(nr, "_BLOCK_BYTES", 1)
    gdf = tied_case(n_extra=30)
    permutations, seed = 21, 5
    observed, perm_counts, _ = nr._knox_counts(
        gdf, np.array(d_edges, float), np.array(t_edges, float), permutations, seed
    )
    xy = np.column_stack([gdf.geometry.x, gdf.geometry.y])
    day = nr.local_days(gdf["occurred_at"])
    np.testing.assert_array_equal(observed, pair_counts(xy, day, d_edges, t_edges))
    np.testing.assert_array_equal(observed, brute_force(gdf, d_edges, t_edges))
    # the k-th shuffle is rng.permutation(days) of one stream seeded with ``seed``
    rng = np.random.default_rng(seed)
    for k in range(permutations):
        expected = pair_counts(xy, rng.permutation(day), d_edges, t_edges)
        np.testing.assert_array_equal(perm_counts[k], expected, err_msg=f"shuffle {k}")
    assert perm_counts.sum() > 0


def test_batch_of_shuffles_equals_one_shuffle_at_a_time():
    import tryggaplatser.analysis.near_repeat as nr

    gdf = tied_case(n_extra=200)
    xy = np.column_stack([gdf.geometry.x, gdf.geometry.y])
    day = nr.local_days(gdf["occurred_at"])
    day = (day - day.min()).astype(np.int32)
    d_edges, t_edges = np.array([0.0, 100, 200, 400]), np.array([0.0, 7, 14, 28])
    i, j, dist = spatial_pairs(xy, 400.0)
    dist_bin = np.searchsorted(d_edges, dist, side="right") - 1
    assert np.bincount(dist_bin).max() > 255  # a band spans several blocks of 255 pairs
    count = nr._PairCounter(i, j, dist_bin, int(day.max()), t_edges, 3, day.size)
    rng = np.random.default_rng(2)
    rows = np.stack([rng.permutation(day) for _ in range(37)])  # not a multiple of 8
    together = count(rows)
    for k, row in enumerate(rows):
        np.testing.assert_array_equal(together[k], count(row[None, :])[0])
        np.testing.assert_array_equal(together[k], pair_counts(xy, row, d_edges, t_edges))


def test_long_spans_of_days_are_counted_exactly():
    # more than 32 767 days between the first and the last incident (a wider integer type)
    gdf = incidents([0, 10, 20, 30, 2000], [0, 0, 0, 0, 0], [0, 3, 40_000, 40_006, 5])
    d_edges, t_edges = [0, 50, 100], [0, 7, 30_000, 50_000]
    res = near_repeat(
        gdf, distance_bands=d_edges, time_bands=t_edges, permutations=9, seed=1, quiet=True
    )
    np.testing.assert_array_equal(res["observed"].to_numpy(), brute_force(gdf, d_edges, t_edges))
    assert res["observed"].sum() == 6
