"""Tests for analysis/perception.py: perception_gap."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.analysis.perception import AREA_COLUMNS, CELL_COLUMNS, perception_gap
from tryggaplatser.errors import ArgumentError
from tryggaplatser.i18n import language
from tryggaplatser.layers import vocab

X0, Y0 = 600_000.0, 6_550_000.0
C = 250.0
T = pd.Timestamp("2025-05-01 20:00", tz="UTC")


def pts_in_cell(col: int, row: int, n: int, rng) -> list[Point]:
    x = X0 + col * C + rng.uniform(10, C - 10, n)
    y = Y0 + row * C + rng.uniform(10, C - 10, n)
    return [Point(a, b) for a, b in zip(x, y)]


def bg(col: int, row: int) -> int:
    """Background incidents in a cell: 1 or 2."""
    return 1 + (col * 3 + row) % 2


def layout():
    """A 10 × 4 block of cells with background noise and three planted cells.

    (2, 1): many otrygg pins (belysning, ode_plats), one incident -> otrygg_fa_handelser
    (7, 2): many incidents, no otrygg signal                       -> handelser_ej_upplevt
    (5, 0): many of both                                           -> bada_hoga
    """
    rng = np.random.default_rng(7)
    inc_geoms, inc_cats = [], []
    for col in range(10):
        for row in range(4):
            k = bg(col, row)
            inc_geoms += pts_in_cell(col, row, k, rng)
            inc_cats += ["stold"] * k
    for col, row, k in ((7, 2, 30), (5, 0, 25)):
        inc_geoms += pts_in_cell(col, row, k, rng)
        inc_cats += ["skadegorelse"] * k
    # noise that must be ignored: planned events and a centroid record in the planted cell
    inc_geoms += pts_in_cell(2, 1, 20, rng)
    inc_cats += ["arrangemang"] * 20
    inc = gpd.GeoDataFrame(
        {
            "incident_id": [f"i{i}" for i in range(len(inc_cats))],
            "occurred_at": T,
            "category": inc_cats,
            "source": "x",
            "location_precision": "exakt",
        },
        geometry=inc_geoms,
        crs=3006,
    )
    centroid = inc.iloc[[0]].copy()
    centroid["location_precision"] = "kommun_centroid"
    centroid.geometry = pts_in_cell(2, 1, 1, rng)
    centroid["incident_id"] = "polisen1"
    inc = pd.concat([inc, centroid], ignore_index=True)

    d_geoms, d_perc, d_reasons = [], [], []
    d_geoms += pts_in_cell(2, 1, 12, rng)
    d_perc += ["otrygg"] * 12
    d_reasons += ["belysning;ode_plats"] * 8 + ["belysning"] * 3 + ["personer_grupper"]
    d_geoms += pts_in_cell(5, 0, 8, rng)
    d_perc += ["otrygg"] * 8
    d_reasons += ["narkotika;personer_grupper"] * 8
    for col, row in ((0, 0), (3, 3), (8, 1), (9, 3)):  # background single pins
        d_geoms += pts_in_cell(col, row, 1, rng)
        d_perc += ["otrygg"]
        d_reasons += ["trafik"]
    d_geoms += pts_in_cell(7, 2, 3, rng)  # people feel safe at the incident cell
    d_perc += ["trygg"] * 3
    d_reasons += [None] * 3
    dia = gpd.GeoDataFrame(
        {
            "response_id": [f"d{i}" for i in range(len(d_perc))],
            "campaign_id": "k1",
            "perception": d_perc,
            "reasons": d_reasons,
        },
        geometry=d_geoms,
        crs=3006,
    )
    obs = gpd.GeoDataFrame(
        {
            "observation_id": ["o1", "o2", "o3"],
            "walk_id": "w",
            "perception": ["otrygg", "otrygg", "trygg"],
            "problem_category": ["belysning", "vegetation_skymd_sikt", "annat"],
            "status": "ny",
        },
        geometry=pts_in_cell(2, 1, 2, rng) + pts_in_cell(7, 2, 1, rng),
        crs=3006,
    )
    areas = gpd.GeoDataFrame(
        {"area_id": ["V", "O"], "name": ["Väst", "Öst"]},
        geometry=[
            box(X0, Y0, X0 + 5 * C, Y0 + 4 * C),
            box(X0 + 5 * C, Y0, X0 + 10 * C, Y0 + 4 * C),
        ],
        crs=3006,
    )
    return inc, dia, obs, areas


def cell_id(col, row):
    return f"250mE{X0 + col * C:.0f}N{Y0 + row * C:.0f}"


def test_planted_cells_get_their_classes():
    inc, dia, obs, areas = layout()
    gap = perception_gap(
        incidents=inc, dialogue=dia, walk_observations=obs, areas=areas, quiet=True
    )
    assert list(gap.columns) == CELL_COLUMNS
    assert len(gap) == 40
    g = gap.set_index("cell_id")
    assert g.loc[cell_id(2, 1), "gap_class"] == "otrygg_fa_handelser"
    assert g.loc[cell_id(7, 2), "gap_class"] == "handelser_ej_upplevt"
    assert g.loc[cell_id(5, 0), "gap_class"] == "bada_hoga"
    others = g.drop(index=[cell_id(2, 1), cell_id(7, 2), cell_id(5, 0)])
    assert set(others["gap_class"]) == {"inget"}
    planted = g.loc[cell_id(2, 1)]
    assert planted["n_incidents"] == bg(2, 1)  # background only (no arrangemang, centroid)
    assert planted["n_dialogue_otrygg"] == 12 and planted["n_walk_otrygg"] == 2
    assert planted["n_otrygg"] == 14
    assert planted["top_reasons"] == "belysning;ode_plats;personer_grupper"
    assert planted["top_reason_labels"] == "Belysning; Öde plats; Personer/grupper"
    assert planted["gap_label"] == vocab.label("perception_gap", "otrygg_fa_handelser")
    assert planted["area_id"] == "V"
    assert g.loc[cell_id(7, 2), "n_trygg"] == 4 and g.loc[cell_id(7, 2), "area_id"] == "O"
    assert gap.geometry.iloc[0].bounds[2] - gap.geometry.iloc[0].bounds[0] == C
    params = gap.attrs["tryggaplatser"]["params"]
    assert params["excluded_kommun_centroid"]["value"] == 1
    assert params["categories"]["value"] == ["skadegorelse", "stold"]
    assert params["thresholds"]["value"]["otrygg_threshold"] >= 3


def test_stated_rule_thresholds_and_percentiles():
    inc, dia, obs, _areas = layout()
    gap = perception_gap(incidents=inc, dialogue=dia, walk_observations=obs, quiet=True)
    n = gap["n_incidents"].to_numpy()
    q = np.quantile(n[n > 0], 0.75)
    assert ((n >= max(3, q)) == gap["incident_high"].to_numpy()).all()
    o = gap["n_otrygg"].to_numpy()
    assert ((o >= max(3, np.quantile(o[o > 0], 0.75))) == gap["otrygg_high"].to_numpy()).all()
    assert gap.loc[gap["n_otrygg"] == 0, "otrygg_pct"].eq(0).all()
    assert gap["incident_pct"].max() == 1.0
    assert gap["area_id"].isna().all()  # no areas given


def test_by_area():
    inc, dia, obs, areas = layout()
    gap = perception_gap(
        incidents=inc,
        dialogue=dia,
        walk_observations=obs,
        areas=areas,
        by="area",
        min_count=1,
        quiet=True,
    )
    assert list(gap.columns) == AREA_COLUMNS
    g = gap.set_index("area_id")
    west_cells = [(c, r) for c in range(5) for r in range(4)]
    expected_inc = sum(bg(c, r) for c, r in west_cells)
    all_bg = sum(bg(c, r) for c in range(10) for r in range(4))
    assert g.loc["V", "n_incidents"] == expected_inc
    assert g.loc["V", "n_dialogue_otrygg"] == 12 + 2  # planted + (0,0), (3,3)
    assert g.loc["O", "n_incidents"] == all_bg - expected_inc + 30 + 25
    assert g.loc["V", "top_reasons"].split(";")[0] == "belysning"


def test_english_labels_and_errors():
    inc, dia, _obs, _areas = layout()
    with language("en"):
        gap = perception_gap(incidents=inc, dialogue=dia, quiet=True)
    assert "Feels unsafe but few incidents" in set(gap["gap_label"])
    with pytest.raises(ArgumentError, match="ARGUMENT_INVALID"):
        perception_gap(incidents=inc, dialogue=dia, by="grid")
    with pytest.raises(ArgumentError, match="ARGUMENT_MISSING"):
        perception_gap(incidents=inc, dialogue=dia, by="area")
    with pytest.raises(ArgumentError, match="CRS_MISMATCH"):
        perception_gap(incidents=inc, dialogue=dia.to_crs(3011))


def test_auto_categories_announced(caplog):
    inc, dia, _obs, _areas = layout()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        perception_gap(incidents=inc, dialogue=dia)
    assert "arrangemang" in caplog.text


def test_cell_size_none_chooses_scb_250_m_announced_and_recorded(caplog):
    inc, dia, _obs, _areas = layout()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        auto = perception_gap(incidents=inc, dialogue=dia)
    assert "Cellstorlek 250 m vald automatiskt (SCB:s 250-metersrutnät" in caplog.text
    rec = auto.attrs["tryggaplatser"]["params"]["cell_size"]
    assert rec == {
        "value": 250.0,
        "auto": True,
        "rule": "SCB:s 250-metersrutnät, den finaste publika rutstorleken",
    }
    given = perception_gap(incidents=inc, dialogue=dia, cell_size=250, quiet=True)
    assert given.attrs["tryggaplatser"]["params"]["cell_size"] == {"value": 250.0, "auto": False}
    pd.testing.assert_frame_equal(auto, given)
    with language("en"):
        en = perception_gap(incidents=inc, dialogue=dia, quiet=True)
    assert en.attrs["tryggaplatser"]["params"]["cell_size"]["rule"] == (
        "SCB's 250 m grid, the finest public cell size"
    )


def test_vocabulary_has_the_four_classes():
    v = vocab.vocabulary("perception_gap")
    assert list(v) == ["bada_hoga", "otrygg_fa_handelser", "handelser_ej_upplevt", "inget"]
    assert all(set(e) == {"sv", "en"} for e in v.values())


# ----------------------------------------------------------------------------- demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_planted_perception_gap_places(demo_project, demo_truth):
    project, truth = demo_project, demo_truth
    inc = project.layers["incidents"]
    dia = project.layers["dialogue"]
    obs = project.layers["walk_observations"]
    areas = project.layers["areas"]
    gap = perception_gap(
        incidents=inc, dialogue=dia, walk_observations=obs, areas=areas, quiet=True
    )
    centres = gpd.GeoSeries(gap.geometry.centroid, crs=gap.crs)
    places = truth["perception_gap"]
    for key, cls, signal in (
        ("feels_unsafe_few_incidents", "otrygg_fa_handelser", "n_otrygg"),
        ("incidents_not_perceived", "handelser_ej_upplevt", "n_incidents"),
    ):
        p = places[key]
        near = centres.distance(Point(p["x"], p["y"])) <= p["radius_m"] + C / np.sqrt(2)
        sub = gap[near.to_numpy()]
        assert len(sub), key
        # the cell carrying most of the planted signal gets the planted class
        best = sub.sort_values(signal, ascending=False).iloc[0]
        assert best["gap_class"] == cls, (key, best.to_dict())
        if "reasons" in p:
            assert set(p["reasons"]) & set(best["top_reasons"].split(";"))


@pytest.mark.slow
def test_demo_planted_places_by_area(demo_project, demo_truth):
    project, truth = demo_project, demo_truth
    layers = project.layers
    gap = perception_gap(
        incidents=layers["incidents"],
        dialogue=layers["dialogue"],
        walk_observations=layers["walk_observations"],
        areas=layers["areas"],
        by="area",
        quiet=True,
    ).set_index("area_id")
    unsafe = truth["perception_gap"]["feels_unsafe_few_incidents"]
    # the planted unsafe place's area has the most otrygg signals of all areas
    assert gap["n_otrygg"].idxmax() == unsafe["area_id"]
    assert gap.loc[unsafe["area_id"], "otrygg_high"]
    assert gap.loc[unsafe["area_id"], "top_reasons"].split(";")[:2] == ["belysning", "ode_plats"]


def test_inputs_not_mutated():
    inc, dia, obs, areas = layout()
    copies = [x.copy() for x in (inc, dia, obs, areas)]
    perception_gap(incidents=inc, dialogue=dia, walk_observations=obs, areas=areas, quiet=True)
    perception_gap(
        incidents=inc, dialogue=dia, walk_observations=obs, areas=areas, by="area", quiet=True
    )
    for before, after in zip(copies, (inc, dia, obs, areas)):
        pd.testing.assert_frame_equal(before, after)
