"""Tests for analysis/areas.py: area_profile and area_profiles_all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.analysis.areas import (
    BY_CATEGORY_COLUMNS,
    DIALOGUE_COLUMNS,
    DIALOGUE_REASON_COLUMNS,
    SEASONAL_COLUMNS,
    TREND_COLUMNS,
    WALK_COLUMNS,
    AreaProfile,
    area_profile,
    area_profiles_all,
    assign_points,
)
from tryggaplatser.errors import ArgumentError

X0, Y0 = 600_000.0, 6_550_000.0
CATS = ["klotter", "stold", "brand"]


def make_areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "area_id": ["A", "B", "C", "D", "S"],
            "name": ["Alby", "Bby", "Cby", "Dby", "Stadsdel Väst"],
            "area_type": ["deso", "deso", "deso", "deso", "stadsdel"],
            "population": [5000, 200, 3000, 50, 8000],
            "population_year": 2024,
        },
        geometry=[
            box(X0, Y0, X0 + 1000, Y0 + 1000),
            box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
            box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000),
            box(X0 + 1000, Y0 + 1000, X0 + 2000, Y0 + 2000),
            box(X0, Y0, X0 + 1000, Y0 + 2000),
        ],
        crs=3006,
    )


def make_incidents(n: int = 3000, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2022-03-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 3 * 365 * 24, n), unit="h"
    )
    window = np.where(rng.random(n) < 0.3, rng.uniform(0.5, 200, n), np.nan)
    prec = np.where(rng.random(n) < 0.05, "kommun_centroid", "exakt")
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"i{i}" for i in range(n)],
            "occurred_at": t,
            "occurred_end": t + pd.to_timedelta(window, unit="h"),
            "category": rng.choice(CATS, n),
            "source": rng.choice(["bolag", "vaktare"], n),
            "location_precision": prec,
        },
        geometry=gpd.points_from_xy(
            rng.uniform(X0 - 200, X0 + 2000, n), rng.uniform(Y0, Y0 + 2000, n)
        ),
        crs=3006,
    )


def manual_counts(incidents, areas, start, end):
    """Independent point-in-polygon loop with shapely (no sjoin)."""
    out = {}
    local = incidents["occurred_at"].dt.tz_convert("Europe/Stockholm").dt.date
    for _, a in areas.iterrows():
        for cat in CATS:
            out[(a["area_id"], cat)] = 0
        for geom, c, d, p in zip(
            incidents.geometry, incidents["category"], local, incidents["location_precision"]
        ):
            if p == "kommun_centroid" or not (start <= d <= end):
                continue
            if a.geometry.contains(geom):
                out[(a["area_id"], c)] += 1
    return out


@pytest.fixture(scope="module")
def layers():
    return make_areas(), make_incidents()


def test_counts_and_rates_equal_independent_computation(layers):
    areas, inc = layers
    period = ("2022-06-01", "2024-05-31")
    profiles = area_profiles_all(areas=areas, incidents=inc, period=period, quiet=True)
    start, end = dt.date(2022, 6, 1), dt.date(2024, 5, 31)
    years = ((end - start).days + 1) / 365.25
    manual = manual_counts(inc, areas, start, end)
    for aid, prof in profiles.items():
        assert isinstance(prof, AreaProfile)
        assert list(prof.by_category.columns) == BY_CATEGORY_COLUMNS
        bc = prof.by_category.set_index("category")
        pop = areas.set_index("area_id").loc[aid, "population"]
        for cat in CATS:
            assert bc.loc[cat, "count"] == manual[(aid, cat)], (aid, cat)
            assert bc.loc[cat, "rate_per_1000"] == pytest.approx(
                manual[(aid, cat)] / pop / years * 1000
            )
        assert bc.loc["alla", "count"] == sum(manual[(aid, c)] for c in CATS)
        assert bc.index[-1] == "alla"
    # municipality comparison: distinct incidents in any deso, over the deso population
    deso = profiles["A"].by_category.set_index("category")
    for cat in CATS:
        total = sum(manual[(a, cat)] for a in "ABCD")
        assert deso.loc[cat, "municipality_count"] == total
        assert deso.loc[cat, "municipality_rate"] == pytest.approx(total / 8250 / years * 1000)
        assert deso.loc[cat, "ratio_to_municipality"] == pytest.approx(
            deso.loc[cat, "rate_per_1000"] / deso.loc[cat, "municipality_rate"]
        )
    # the overlapping stadsdel is its own comparison group
    s = profiles["S"].by_category.set_index("category")
    assert s.loc["klotter", "municipality_population"] == 8000


def test_eb_column_pulls_small_area_towards_group_mean(layers):
    areas, inc = layers
    prof = area_profile("D", areas=areas, incidents=inc, quiet=True)
    bc = prof.by_category.set_index("category")
    for cat in [*CATS, "alla"]:
        raw, eb, muni = bc.loc[cat, ["rate_per_1000", "rate_eb", "municipality_rate"]]
        assert abs(eb - muni) <= abs(raw - muni) + 1e-9
    assert "-" not in "".join(prof.params["eb_prior"])  # keyed by area type
    assert "deso:alla" in prof.params["eb_prior"]


def test_kommun_centroid_never_placed_and_boundary_rule():
    areas = make_areas()
    t = pd.Timestamp("2024-05-05 12:00", tz="UTC")
    inc = gpd.GeoDataFrame(
        {
            "incident_id": ["e1", "e2", "c1"],
            "occurred_at": [t] * 3,
            "category": ["stold"] * 3,
            "source": ["x"] * 3,
            "location_precision": ["exakt", "exakt", "kommun_centroid"],
        },
        geometry=[
            Point(X0 + 1000, Y0 + 500),  # edge between A and B
            Point(X0 + 1000, Y0 + 1000),  # corner of A, B, C, D
            Point(X0 + 500, Y0 + 500),
        ],  # inside A, but a centroid record
        crs=3006,
    )
    a = assign_points(inc, areas)
    got = sorted(map(tuple, a[["pos", "area_id"]].to_numpy().tolist()))
    # each boundary point once per area type: lowest area_id among touching areas
    assert got == [(0, "A"), (0, "S"), (1, "A"), (1, "S")]
    prof = area_profile("A", areas=areas, incidents=inc, quiet=True)
    assert prof.params["excluded_kommun_centroid"] == 1
    assert prof.by_category.set_index("category").loc["alla", "count"] == 2


def test_trend_seasonal_and_hour_weekday(layers):
    areas, inc = layers
    prof = area_profile("A", areas=areas, incidents=inc, quiet=True)
    assert list(prof.trend.columns) == TREND_COLUMNS
    assert list(prof.seasonal.columns) == SEASONAL_COLUMNS
    assert prof.trend["year"].tolist() == [2022, 2023, 2024, 2025]
    assert prof.trend["complete"].tolist() == [False, True, True, False]
    total = prof.by_category.set_index("category").loc["alla", "count"]
    assert prof.trend["count"].sum() == total
    row = prof.trend.iloc[0]
    assert row["count_per_365"] == pytest.approx(row["count"] / row["days_in_period"] * 365)
    assert prof.trend_test["method"] == "mann_kendall_deseasonalised"
    assert 0 <= prof.trend_test["p_value"] <= 1
    assert "seasonal_p_value" in prof.trend_test
    assert "trend_test" in prof.params and "trend_test_result" in prof.params

    assert prof.hour_weekday.shape == (7, 24)
    assert prof.hour_weekday.to_numpy().sum() == pytest.approx(total)
    assert prof.seasonal["month"].tolist() == list(range(1, 13))
    assert prof.seasonal["label"].iloc[0] == "januari"
    # complete months only: 2022-03 .. 2025-01 gives 3 Januaries and 2 Februaries
    assert prof.seasonal.set_index("month").loc[2, "n_years"] == 2
    assert prof.seasonal.set_index("month").loc[1, "n_years"] == 3


def test_trend_test_uses_complete_months_and_matches_pymannkendall(layers):
    import pymannkendall as mk

    areas, inc = layers
    prof = area_profile("A", areas=areas, incidents=inc, quiet=True)
    t = prof.trend_test
    start, end = (pd.Period(d, "M") for d in (t["first_month"], t["last_month"]))
    # the same monthly series, rebuilt independently: complete months, zero months kept
    local = pd.to_datetime(inc["occurred_at"]).dt.tz_convert("Europe/Stockholm")
    from tryggaplatser.analysis.areas import assign_points

    a = assign_points(inc, areas)
    pos = a.loc[a["area_id"] == "A", "pos"].to_numpy()
    per = local.iloc[pos].dt.tz_localize(None).dt.to_period("M")
    per = per[(per >= start) & (per <= end)]
    idx = pd.period_range(start, end, freq="M")
    counts = per.value_counts().reindex(idx, fill_value=0).to_numpy(dtype=float)
    assert t["n_values"] == len(idx)
    ref = mk.seasonal_test(counts, period=12)
    assert t["seasonal_s"] == pytest.approx(ref.s)
    assert t["seasonal_p_value"] == pytest.approx(ref.p)
    month = idx.month.to_numpy()
    r = counts - pd.Series(counts).groupby(month).transform("mean").to_numpy()
    ref2 = mk.original_test(np.round(r, 9))
    assert t["s"] == pytest.approx(ref2.s)
    assert t["p_value"] == pytest.approx(ref2.p)


def test_period_auto_is_announced_and_recorded(layers, caplog):
    areas, inc = layers
    with caplog.at_level("INFO", logger="tryggaplatser"):
        prof = area_profile("B", areas=areas, incidents=inc)
    assert "vald automatiskt" in caplog.text
    assert prof.params["period"][0] == "2022-03-01"
    assert prof.by_category.attrs["tryggaplatser"]["params"]["period"]["auto"] is True
    caplog.clear()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        area_profile("B", areas=areas, incidents=inc, quiet=True)
    assert caplog.text == ""


def test_period_year_and_errors(layers):
    areas, inc = layers
    prof = area_profile("A", areas=areas, incidents=inc, period=2023, quiet=True)
    assert prof.params["period"] == ("2023-01-01", "2023-12-31")
    assert prof.trend["year"].tolist() == [2023]
    with pytest.raises(ArgumentError, match="PERIOD_ORDER"):
        area_profile("A", areas=areas, incidents=inc, period=("2024-01-01", "2023-01-01"))
    with pytest.raises(ArgumentError, match="Okänt område 'Z'"):
        area_profile("Z", areas=areas, incidents=inc)
    with pytest.raises(ArgumentError, match="CRS_MISMATCH"):
        area_profile("A", areas=areas, incidents=inc.to_crs(3011))


def test_inputs_not_mutated(layers):
    areas, inc = layers
    a0, i0 = areas.copy(), inc.copy()
    area_profile("A", areas=areas, incidents=inc, quiet=True)
    pd.testing.assert_frame_equal(areas, a0)
    pd.testing.assert_frame_equal(inc, i0)


def test_walks_dialogue_surveys_police_hotspots(layers):
    areas, inc = layers
    pts = [Point(X0 + 100 + 10 * i, Y0 + 100) for i in range(6)]
    obs = gpd.GeoDataFrame(
        {
            "observation_id": list("123456"),
            "walk_id": "w1",
            "perception": ["otrygg"] * 5 + ["trygg"],
            "problem_category": [
                "belysning",
                "belysning",
                "belysning",
                "klotter",
                "klotter",
                "annat",
            ],
            "status": ["atgardad", "atgardad", "ny", "avslagen", "pagaende", "ny"],
            "decided_on": pd.to_datetime(
                ["2024-01-01", "2024-01-01", None, "2024-02-01", "2024-02-01", None]
            ),
            "resolved_on": pd.to_datetime(["2024-01-11", "2024-01-31", None, None, None, None]),
        },
        geometry=pts,
        crs=3006,
    )
    outside = obs.iloc[[0]].copy()
    outside["observation_id"] = "x"
    outside.geometry = [Point(X0 + 1500, Y0 + 500)]
    obs = pd.concat([obs, outside], ignore_index=True)
    dia = gpd.GeoDataFrame(
        {
            "response_id": list("abcd"),
            "campaign_id": ["k1", "k1", "k1", "k2"],
            "perception": ["otrygg", "otrygg", "trygg", "otrygg"],
            "reasons": ["belysning;ode_plats", "belysning", None, "narkotika"],
            "time_of_day": ["kvall;natt", "kvall", "dag", "natt"],
        },
        geometry=[Point(X0 + 300, Y0 + 300)] * 4,
        crs=3006,
    )
    surveys = pd.DataFrame(
        {
            "source": ["ntu", "ntu", "polisens_trygghetsmatning", "ntu"],
            "year": [2023, 2024, 2024, 2024],
            "area_id": ["A", "A", "A", "B"],
            "indicator": [
                "otrygg_sen_kvall_andel",
                "otrygg_sen_kvall_andel",
                "problemindex",
                "otrygg_sen_kvall_andel",
            ],
            "value": [31.0, 28.0, 2.4, 12.0],
            "scale": ["andel_procent", "andel_procent", "index_0_6", "andel_procent"],
        }
    )
    police = pd.DataFrame(
        {
            "area_id": ["A", "A", "B"],
            "year": [2023, 2021, 2023],
            "classification": ["utsatt", "riskomrade", "ej_listad"],
        }
    )
    cells = gpd.GeoDataFrame(
        {"cell_id": ["c1", "c2"], "gi_bin": [3, 0]},
        geometry=[box(X0, Y0, X0 + 250, Y0 + 250), box(X0 + 1000, Y0, X0 + 1250, Y0 + 250)],
        crs=3006,
    )
    prof = area_profile(
        "A",
        areas=areas,
        incidents=inc,
        walk_observations=obs,
        dialogue=dia,
        survey_indicators=surveys,
        police_classification=police,
        hotspot_cells=cells,
        quiet=True,
    )
    w = prof.walks.set_index("problem_category")
    assert list(prof.walks.columns) == WALK_COLUMNS
    assert w.loc["totalt", "n"] == 6  # the observation in B is not in A
    assert w.loc["belysning", "n_atgardad"] == 2
    assert w.loc["belysning", "n_sent"] == 2
    assert w.loc["belysning", "atgardsgrad"] == 1.0
    assert w.loc["totalt", "n_sent"] == 4
    assert w.loc["totalt", "atgardsgrad"] == pytest.approx(2 / 4)
    assert w.loc["totalt", "atgardsgrad_avgjorda"] == pytest.approx(2 / 3)
    assert w.loc["belysning", "median_days_to_resolve"] == 20.0
    assert w.loc["belysning", "label"] == "Belysning"

    assert list(prof.dialogue.columns) == DIALOGUE_COLUMNS
    d = prof.dialogue.set_index("campaign_id")
    assert d.loc["k1", "n"] == 3 and d.loc["k1", "n_otrygg"] == 2
    assert d.loc["k1", "share_otrygg"] == pytest.approx(2 / 3)
    assert list(prof.dialogue_reasons.columns) == DIALOGUE_REASON_COLUMNS
    r = prof.dialogue_reasons[prof.dialogue_reasons["campaign_id"] == "k1"]
    assert r["reason"].tolist() == ["belysning", "ode_plats"]
    assert r["share_of_otrygg"].tolist() == [1.0, 0.5]
    t = prof.dialogue_time_of_day
    assert t[t["campaign_id"] == "k1"].set_index("time_of_day")["n"].to_dict() == {
        "kvall": 2,
        "natt": 1,
    }

    assert set(prof.surveys) == {"andel_procent", "index_0_6"}
    pct = prof.surveys["andel_procent"]
    assert pct.loc[("ntu", "otrygg_sen_kvall_andel"), 2023] == 31.0
    assert list(pct.columns) == [2023, 2024]
    assert prof.surveys["index_0_6"].shape == (1, 1)

    assert prof.police_classification["year"].tolist() == [2021, 2023]
    assert prof.police_classification["label"].tolist() == ["Riskområde", "Utsatt område"]
    assert prof.hotspot_cells["cell_id"].tolist() == ["c1"]


def test_all_areas_consistent_with_single(layers):
    areas, inc = layers
    all_ = area_profiles_all(areas=areas, incidents=inc, period=2023, quiet=True)
    assert list(all_) == ["A", "B", "C", "D", "S"]
    one = area_profile("C", areas=areas, incidents=inc, period=2023, quiet=True)
    pd.testing.assert_frame_equal(all_["C"].by_category, one.by_category)
    pd.testing.assert_frame_equal(all_["C"].hour_weekday, one.hour_weekday)


# ----------------------------------------------------------------------------- demo

ROOT = Path(__file__).resolve().parents[2]


def _layer(project, name):
    return project.layers[name]


@pytest.mark.slow
def test_demo_area_counts_match_truth_populations(demo_project, demo_truth):
    project, truth = demo_project, demo_truth
    areas, inc = _layer(project, "areas"), _layer(project, "incidents")
    profiles = area_profiles_all(areas=areas, incidents=inc, quiet=True)
    for a in truth["areas"]:
        prof = profiles[str(a["area_id"])]
        bc = prof.by_category.set_index("category")
        assert bc.loc["alla", "population"] == a["population"]
        assert prof.hour_weekday.to_numpy().sum() <= bc.loc["alla", "count"] + 1e-6
    # the stable hotspot's area has more of its category than the municipality rate
    for spot in truth["hotspots"]["stable"]:
        bc = profiles[str(spot["area_id"])].by_category.set_index("category")
        for cat in spot["categories"]:
            assert bc.loc[cat, "ratio_to_municipality"] > 1


@pytest.mark.slow
def test_demo_hotspot_cells_inside_area(demo_project, demo_truth):
    project, truth = demo_project, demo_truth
    from tryggaplatser.analysis import hotspots

    inc = project.layers["incidents"]
    cells = hotspots.hotspot_gistar(
        inc[inc["location_precision"] != "kommun_centroid"], cell_size=250, quiet=True
    )
    spot = truth["hotspots"]["stable"][0]
    prof = area_profile(
        spot["area_id"],
        areas=project.layers["areas"],
        incidents=inc,
        hotspot_cells=cells,
        quiet=True,
    )
    h = prof.hotspot_cells
    assert len(h) < len(cells)
    at_spot = h[h.geometry.contains(Point(spot["x"], spot["y"]))]
    assert len(at_spot) == 1 and at_spot["gi_bin"].iloc[0] >= 2


def test_minimal_incident_columns_and_empty_period(layers):
    areas, inc = layers
    minimal = inc[["incident_id", "occurred_at", "category", "source", "geometry"]]
    prof = area_profile("A", areas=areas, incidents=minimal, period=2023, quiet=True)
    total = prof.by_category.set_index("category").loc["alla", "count"]
    assert prof.hour_weekday.to_numpy().sum() == pytest.approx(total)  # all exact: weight 1
    empty = area_profile("A", areas=areas, incidents=inc, period=2030, quiet=True)
    assert empty.by_category["category"].tolist() == ["alla"]
    assert empty.trend["count"].tolist() == [0]
    assert np.isnan(empty.trend_test["p_value"])
