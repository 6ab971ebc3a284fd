"""The verbs: pinned columns, attrs, exactness against esda, classification, change."""

import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import tryggaplatser as tp
from tryggaplatser.errors import ArgumentError

ROOT = Path(__file__).resolve().parents[2]


def _incidents(seed=0, n=3000, hot=((2000, 2000, 300),), start="2023-01-01", days=3 * 365):
    rng = np.random.default_rng(seed)
    x, y = [rng.uniform(0, 5000, n)], [rng.uniform(0, 5000, n)]
    for hx, hy, k in hot:
        x.append(rng.normal(hx, 60, k))
        y.append(rng.normal(hy, 60, k))
    x, y = np.concatenate(x), np.concatenate(y)
    t = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(rng.uniform(0, days, len(x)), unit="D")
    return gpd.GeoDataFrame(
        {"occurred_at": t, "category": "skadegorelse", "w": rng.uniform(0, 2, len(x))},
        geometry=gpd.points_from_xy(x + 600000, y + 6500000),
        crs=3006,
    )


BASE = ["cell_id", "row", "col"]


def test_pinned_columns():
    d = _incidents()
    assert list(tp.hotspot_count(d, quiet=True).columns) == [*BASE, "n", "geometry"]
    assert list(tp.hotspot_count(d, weights="w", quiet=True).columns) == [
        *BASE,
        "n",
        "sum",
        "geometry",
    ]
    assert list(tp.hotspot_kde(d, quiet=True).columns) == [*BASE, "n", "kde", "geometry"]
    assert list(tp.hotspot_gistar(d, quiet=True).columns) == [
        *BASE,
        "n",
        "gistar",
        "pvalue",
        "gi_bin",
        "geometry",
    ]
    assert list(tp.hotspot_gistar(d, kde=True, quiet=True).columns) == [
        *BASE,
        "n",
        "kde",
        "gistar",
        "pvalue",
        "gi_bin",
        "geometry",
    ]
    assert list(tp.hotspot_classify(d, quiet=True).columns) == [
        *BASE,
        "n",
        "hot_periods",
        "cold_periods",
        "trend_z",
        "trend_pvalue",
        "hotspot_category",
        "geometry",
    ]
    assert list(tp.hotspot_change(d, quiet=True).columns) == [
        *BASE,
        "n_before",
        "n_after",
        "change",
        "pvalue",
        "qvalue",
        "change_bin",
        "geometry",
    ]
    assert list(tp.hotspot_dual_kde(d, d.iloc[::3], quiet=True).columns) == [
        *BASE,
        "n",
        "n_denominator",
        "kde",
        "kde_denominator",
        "dual",
        "geometry",
    ]


def test_kde_units_and_auto_choices_recorded(caplog):
    d = _incidents()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        r = tp.hotspot_kde(d, cell_size=100, bandwidth_adjust=0.5)
    rec = r.attrs["tryggaplatser"]
    assert rec["units"]["kde"] == "händelser per km² och år"
    assert rec["params"]["bandwidth"]["auto"] and "ArcGIS" in rec["params"]["bandwidth"]["rule"]
    assert rec["params"]["cell_size"] == {"value": 100.0, "auto": False}
    assert "Bandbredd" in caplog.text and "vald automatiskt" in caplog.text
    # density integrates to events per year over the grid (points near edges lose a little)
    years = (d.occurred_at.max() - d.occurred_at.min()) / pd.Timedelta(days=365.25)
    total = r.kde.sum() * 0.01 * years  # 100 m cells = 0.01 km²
    assert total == pytest.approx(len(d), rel=0.05)


def test_gistar_dense_counts_use_the_normal_p_value_of_esda():
    import esda
    from libpysal.weights import DistanceBand

    d = _incidents(n=1500)
    r = tp.hotspot_gistar(d, cell_size=500, quiet=True)
    assert r.attrs["tryggaplatser"]["params"]["test"]["value"] == "normal"
    cent = np.column_stack([r.geometry.centroid.x, r.geometry.centroid.y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(
            cent, threshold=500 * math.sqrt(2) * 1.0001, binary=True, silence_warnings=True
        )
        ref = esda.G_Local(r.n.to_numpy(float), w, star=True, transform="B", permutations=0)
    np.testing.assert_allclose(r.gistar, ref.Zs, atol=1e-9)
    np.testing.assert_allclose(r.pvalue, 2 * ref.p_norm, atol=1e-12)


def test_gistar_verb_equals_esda_on_grid():
    import esda
    from libpysal.weights import DistanceBand

    d = _incidents(n=1500)
    r = tp.hotspot_gistar(d, cell_size=100, quiet=True)
    assert len(r) <= 10000
    cent = np.column_stack([r.geometry.centroid.x, r.geometry.centroid.y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(
            cent, threshold=100 * math.sqrt(2) * 1.0001, binary=True, silence_warnings=True
        )
        ref = esda.G_Local(r.n.to_numpy(float), w, star=True, transform="B", permutations=0)
    np.testing.assert_allclose(r.gistar, ref.Zs, atol=1e-9)
    # 1 500 events on 2 500 cells is sparse (about 5 expected per neighbourhood): the p-values
    # come from the exact conditional binomial test, recomputed here from esda's weights
    from scipy.stats import binom

    assert r.attrs["tryggaplatser"]["params"]["test"]["value"] == "exact"
    counts, total, n_cells = r.n.to_numpy(float), int(r.n.sum()), len(r)
    local = np.array([counts[i] + counts[w.neighbors[i]].sum() for i in range(n_cells)])
    share = np.array([(1 + len(w.neighbors[i])) / n_cells for i in range(n_cells)])
    exact = np.minimum(
        1.0, 2 * np.minimum(binom.sf(local - 1, total, share), binom.cdf(local, total, share))
    )
    np.testing.assert_allclose(r.pvalue, exact, atol=1e-12)
    hot = r.loc[r.gi_bin >= 2]
    assert (
        hot.geometry.centroid.distance(gpd.points_from_xy([602000], [6502000], crs=3006)[0]).min()
        < 150
    )


def test_no_hotspot_in_pure_noise_beyond_fdr():
    rng = np.random.default_rng(5)
    d = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(0, 10000, 20000), rng.uniform(0, 10000, 20000)),
        crs=3006,
    )
    r = tp.hotspot_gistar(d, cell_size=200, quiet=True)
    assert (r.gi_bin >= 2).mean() < 0.01


def test_classify_emerging_fading_persistent():
    rng = np.random.default_rng(9)
    n = 4000
    x, y = rng.uniform(0, 6000, n), rng.uniform(0, 6000, n)
    t = rng.uniform(0, 1096, n)
    parts = [(x, y, t)]
    for cx, cy, lo, hi in ((1500, 1500, 0, 1096), (4500, 1500, 600, 1096), (1500, 4500, 0, 500)):
        k = int(400 * (hi - lo) / 1096)
        parts.append((rng.normal(cx, 50, k), rng.normal(cy, 50, k), rng.uniform(lo, hi, k)))
    x, y, t = (np.concatenate(a) for a in zip(*parts))
    d = gpd.GeoDataFrame(
        {"occurred_at": pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(t, unit="D")},
        geometry=gpd.points_from_xy(x, y),
        crs=3006,
    )
    r = tp.hotspot_classify(d, cell_size=100, quiet=True)
    assert r.attrs["tryggaplatser"]["params"]["period_length"]["value"] == "91 d"

    def cat_at(px, py):
        c = r.loc[r.geometry.contains(gpd.points_from_xy([px + 1], [py + 1])[0])]
        return c.hotspot_category.iloc[0]

    assert cat_at(1500, 1500) in {"bestaende", "intensifierande", "avtagande"}
    assert cat_at(4500, 1500) in {"ny", "i_foljd", "intensifierande"}  # hot from day 600 on
    # hot only in the first 500 days, then gone: Esri's historical needs ≥ 90 % of the periods
    # hot, so a site that stopped halfway has no pattern
    assert cat_at(1500, 4500) == "inget_monster"
    assert (r.hotspot_category == "inget_monster").mean() > 0.8
    from tryggaplatser.layers.vocab import codes

    assert set(r.hotspot_category) <= set(codes("hotspot_category"))


def test_change_finds_local_increase():
    rng = np.random.default_rng(4)
    n = 6000
    x, y, t = rng.uniform(0, 4000, n), rng.uniform(0, 4000, n), rng.uniform(0, 730, n)
    x = np.r_[x, rng.normal(2050, 30, 150)]
    y = np.r_[y, rng.normal(2050, 30, 150)]
    t = np.r_[t, rng.uniform(400, 730, 150)]
    d = gpd.GeoDataFrame(
        {"occurred_at": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(t, unit="D")},
        geometry=gpd.points_from_xy(x, y),
        crs=3006,
    )
    r = tp.hotspot_change(d, cell_size=200, quiet=True)
    assert r.n_before.sum() + r.n_after.sum() == len(d)
    up = r.loc[r.change_bin == 1]
    assert "200mE2000N2000" in set(up.cell_id)
    assert (r.change_bin != 0).sum() <= 3


def test_dual_kde_guard():
    d = _incidents(n=500)
    den = d.iloc[:50]
    r = tp.hotspot_dual_kde(d, den, cell_size=100, bandwidth=300, quiet=True)
    assert r.dual.isna().any() and np.isfinite(r.dual).any()
    guard = r.attrs["tryggaplatser"]["params"]["min_denominator"]["value"]
    assert (r.loc[r.dual.notna(), "kde_denominator"] >= guard).all()
    diff = tp.hotspot_dual_kde(
        d, den, cell_size=100, bandwidth=300, method="difference", quiet=True
    )
    assert abs(diff.dual.sum()) < 1e-9


def test_errors_are_clear():
    d = _incidents(n=100)
    with pytest.raises(ArgumentError, match="bandwidth"):
        tp.hotspot_kde(d, bandwidth=-1, quiet=True)
    with pytest.raises(ArgumentError, match="COLUMNS_MISSING"):
        tp.hotspot_count(d, weights="nope", quiet=True)
    with pytest.raises(ArgumentError, match="TOO_FEW_PERIODS"):
        tp.hotspot_classify(d, time_step="400D", quiet=True)
    bad = d.copy()
    bad.loc[bad.index[3], "geometry"] = None
    with pytest.raises(ArgumentError, match="rad 3"):
        tp.hotspot_count(bad, quiet=True)


# --- the demo truth ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_project, demo_truth):
    return demo_truth, demo_project.incidents


def _cells_near(res, spot):
    p = gpd.points_from_xy([spot["x"]], [spot["y"]], crs=3006)[0]
    return res.loc[res.geometry.distance(p) <= spot["radius_m"]]


def test_demo_planted_hotspots_found(demo):
    truth, inc = demo
    for kind in ("stable", "emerging", "fading"):
        for spot in truth["hotspots"][kind]:
            sub = inc[inc.category.isin(spot["categories"])]
            r = tp.hotspot_gistar(sub, quiet=True)
            assert (_cells_near(r, spot).gi_bin >= 2).any(), (kind, spot["id"])


def test_demo_quiet_zones_have_no_hotspot(demo):
    truth, inc = demo
    r = tp.hotspot_gistar(inc, quiet=True)
    for spot in truth["hotspots"]["quiet"]:
        assert not (_cells_near(r, spot).gi_bin >= 2).any(), spot["id"]


def test_demo_emerging_and_fading_categories(demo):
    truth, inc = demo
    for kind, ok in (
        ("emerging", {"ny", "i_foljd", "intensifierande"}),
        ("fading", {"avtagande", "historisk"}),
    ):
        for spot in truth["hotspots"][kind]:
            sub = inc[inc.category.isin(spot["categories"])]
            r = tp.hotspot_classify(sub, quiet=True)
            cats = set(_cells_near(r, spot).hotspot_category)
            assert cats & ok, (kind, spot["id"], cats)


def test_gistar_distance_band_and_kde_values_equal_esda():
    import esda
    from libpysal.weights import DistanceBand

    d = _incidents(n=800)
    r = tp.hotspot_gistar(d, cell_size=200, distance=450, kde=True, bandwidth=400, quiet=True)
    assert r.attrs["tryggaplatser"]["params"]["neighbourhood"]["value"]["cells"] == 21
    assert r.attrs["tryggaplatser"]["params"]["gistar_on"]["value"] == "kde"
    cent = np.column_stack([r.geometry.centroid.x, r.geometry.centroid.y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(cent, threshold=450 * 1.0001, binary=True, silence_warnings=True)
        ref = esda.G_Local(r.kde.to_numpy(), w, star=True, transform="B", permutations=0)
    np.testing.assert_allclose(r.gistar, ref.Zs, atol=1e-9)


def test_classify_trend_is_mann_kendall_of_period_z():
    import pymannkendall as pymk

    from tryggaplatser.analysis import gistar as gi
    from tryggaplatser.analysis.grid import grid_spec_of

    d = _incidents(n=1500, days=364)
    r = tp.hotspot_classify(d, cell_size=500, time_step="28D", quiet=True)
    periods = r.attrs["tryggaplatser"]["periods"]
    spec = grid_spec_of(r)
    t = d.occurred_at
    zs = []
    for a, b in periods:
        sub = d[(t >= pd.Timestamp(a)) & (t < pd.Timestamp(b))]
        counts = (
            tp.hotspot_count(sub, r, quiet=True).n.to_numpy(float).reshape(spec.nrows, spec.ncols)
        )
        zs.append(gi.gistar_dense(counts).ravel())
    zs = np.nan_to_num(np.array(zs).T)
    for i in (0, 7, 45, 60):
        ref = pymk.original_test(zs[i])
        assert r.trend_z.iloc[i] == pytest.approx(ref.z, abs=1e-9)
        assert r.trend_pvalue.iloc[i] == pytest.approx(ref.p, abs=1e-9)


def test_periods_are_printed_as_local_calendar_dates(caplog):
    """Data from 2024-01-01 to 2025-12-31 (Stockholm) read "2024-01-01 – 2025-12-31", not the
    UTC dates of the local midnights ("2023-12-31 – 2025-12-30")."""
    times = pd.to_datetime(["2024-01-01 00:30", "2024-06-01 12:00", "2025-12-31 23:30"])
    d = gpd.GeoDataFrame(
        {"occurred_at": times.tz_localize("Europe/Stockholm").tz_convert("UTC")},
        geometry=gpd.points_from_xy([0, 500, 900], [0, 400, 800]),
        crs=3006,
    )
    with caplog.at_level("INFO", logger="tryggaplatser"):
        kde = tp.hotspot_kde(d, cell_size=100)
    assert kde.attrs["tryggaplatser"]["params"]["period"]["value"] == ["2024-01-01", "2025-12-31"]
    assert "2024-01-01 – 2025-12-31" in caplog.text
    assert "2023-12-31" not in caplog.text and "+00:00" not in caplog.text


def test_incomplete_first_period_is_announced_as_a_local_date(caplog):
    """Issue 13: the events left out before the first whole period were announced "before
    2024-01-04 23:00:00+00:00" (the UTC moment of local midnight); they read "före 2024-01-05".

    Events from 2024-01-01 00:30 to 2024-02-29 (Stockholm, winter time throughout) span 60
    local days; seven-day periods counted back from 2024-03-01 00:00 leave 8 periods (56 days)
    starting 2024-01-05 00:00, so the events of 1–4 January (counted independently) are left out.
    """
    rng = np.random.default_rng(3)
    local = pd.Timestamp("2024-01-01 00:30", tz="Europe/Stockholm")
    offsets = np.concatenate([[0.0, 59.9], rng.uniform(0.0, 59.9, 300)])  # days
    times = (local + pd.to_timedelta(offsets, unit="D")).tz_convert("UTC")
    d = gpd.GeoDataFrame(
        {"occurred_at": times},
        geometry=gpd.points_from_xy(
            600000 + rng.uniform(0, 2000, len(times)), 6500000 + rng.uniform(0, 2000, len(times))
        ),
        crs=3006,
    )
    before = times.tz_convert("Europe/Stockholm") < pd.Timestamp(
        "2024-01-05", tz="Europe/Stockholm"
    )
    with caplog.at_level("INFO", logger="tryggaplatser"):
        res = tp.hotspot_classify(d, cell_size=250, time_step="7D")
    note = f"{int(before.sum())} händelser före 2024-01-05 ligger i en ofullständig"
    assert note in caplog.text
    assert any(note in n for n in res.attrs["tryggaplatser"]["notes"])
    assert "+00:00" not in caplog.text and "23:00" not in caplog.text


def test_default_window_ends_at_local_midnight_on_a_dst_day():
    """The last event on 31 March 2024 (summer time starts that night): the window is
    2024-03-25 – 2024-03-31, not "– 2024-04-01" (local midnight + 24 h is 01:00)."""
    times = pd.to_datetime(["2024-03-25 08:00", "2024-03-28 12:00", "2024-03-31 22:00"])
    d = gpd.GeoDataFrame(
        {"occurred_at": times.tz_localize("Europe/Stockholm").tz_convert("UTC")},
        geometry=gpd.points_from_xy([0, 500, 900], [0, 400, 800]),
        crs=3006,
    )
    kde = tp.hotspot_kde(d, cell_size=100, quiet=True)
    assert kde.attrs["tryggaplatser"]["params"]["period"]["value"] == ["2024-03-25", "2024-03-31"]
