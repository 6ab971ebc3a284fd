"""Measure catalogue, action plans and follow-up tables (analysis/plans.py)."""

from __future__ import annotations

import re
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.analysis.plans import (
    FOLLOWUP_COLUMNS,
    PLAN_COLUMNS,
    STATUS_OVER_TIME_COLUMNS,
    action_plan,
    catalogue_entry,
    catalogue_table,
    followup_by_responsible,
    load_catalogue,
    status_over_time,
)
from tryggaplatser.errors import ArgumentError, ConfigError
from tryggaplatser.layers.config import load_config
from tryggaplatser.layers.vocab import codes

PLAN_DATE = date(2026, 11, 27)


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


@pytest.fixture(scope="module")
def truth(demo_truth):
    return demo_truth


def _plan(project, area_id, **kw):
    return action_plan(
        area_id,
        2026,
        areas=project.areas,
        incidents=project.incidents,
        walk_observations=project.walk_observations,
        walks=project.walks,
        dialogue=project.dialogue,
        today=PLAN_DATE,
        quiet=True,
        **kw,
    )


@pytest.fixture(scope="module")
def plan_ex05(project):
    return _plan(project, "EX05")


# --------------------------------------------------------------------------- catalogue


def test_catalogue_covers_every_code_of_the_three_vocabularies():
    cat = load_catalogue()
    assert {c for s, c in cat if s == "walk"} == set(codes("problem_category"))
    assert {c for s, c in cat if s == "reason"} == set(codes("reason"))
    assert {c for s, c in cat if s == "category"} == set(codes("category")) - {"arrangemang"}
    for entry in cat.values():
        assert entry.situational["sv"] and entry.situational["en"]
        assert entry.social["sv"] and entry.indicator["sv"]
        assert entry.kind in codes("measure_kind")
        assert entry.responsible_type in codes("responsible_type")


def test_catalogue_override_replaces_and_completes_entries(tmp_path):
    own = tmp_path / "katalog.toml"
    own.write_text(
        '[walk.belysning]\nresponsible_type = "fastighetsagare"\n'
        'situational = { sv = "Egen åtgärd", en = "Own measure" }\n',
        encoding="utf-8",
    )
    cat = load_catalogue(own)
    entry = catalogue_entry("walk", "belysning", cat)
    assert entry.responsible_type == "fastighetsagare"
    assert entry.text("situational") == "Egen åtgärd"
    assert entry.indicator == load_catalogue()[("walk", "belysning")].indicator  # completed


@pytest.mark.parametrize(
    "text, needle",
    [
        ('[walk.lampor]\nkind = "situationell"\n', "okänd kod"),
        ('[walk.belysning]\nkind = "magi"\n', "kind = 'magi'"),
        ('[atgarder.x]\nkind = "social"\n', "okänd del [atgarder]"),
    ],
)
def test_catalogue_override_errors_name_the_file_and_entry(tmp_path, text, needle):
    own = tmp_path / "fel.toml"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_catalogue(own)
    assert needle in str(err.value) and "fel.toml" in str(err.value)


def test_config_plans_catalogue_key(tmp_path):
    cfg = tmp_path / "tryggaplatser.toml"
    cfg.write_text(
        '[project]\nname = "X"\nmunicipality_code = "9999"\n[plans]\ncatalogue = "egen.toml"\n',
        encoding="utf-8",
    )
    config = load_config(cfg)
    assert config.plans_catalogue == (tmp_path / "egen.toml").resolve()
    (tmp_path / "egen.toml").write_text('[reason.annat]\nkind = "social"\n', encoding="utf-8")
    assert load_catalogue(config=config)[("reason", "annat")].kind == "social"
    cfg.write_text(
        '[project]\nname = "X"\nmunicipality_code = "9999"\n[plans]\nfoo = 1\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="plans"):
        load_config(cfg)


def test_catalogue_entry_falls_back_and_table_has_labels():
    assert catalogue_entry("walk", "belysning").theme == "belysning"
    with pytest.raises(ArgumentError, match="okänd källa"):
        catalogue_entry("foo", "belysning")
    table = catalogue_table()
    assert {"source", "code", "problem", "situational", "indicator"} <= set(table.columns)
    assert "Belysning" in set(table["problem"])


# --------------------------------------------------------------------------- action plan


def test_plan_columns_ranking_and_measure_fields(plan_ex05):
    plan = plan_ex05
    assert list(plan.columns) == PLAN_COLUMNS
    assert len(plan) >= 3
    assert plan["rank"].tolist() == list(range(1, len(plan) + 1))
    assert plan["priority_score"].is_monotonic_decreasing
    assert plan["priority_score"].between(1, 6).all()
    assert plan["measure_id"].iloc[0] == "PLAN-2026-EX05-01"
    assert set(plan["status"]) == {"foreslagen"}
    assert set(plan["type"]) <= set(codes("measure_kind"))
    assert set(plan["decided_by"]) <= set(codes("decided_by"))
    assert (plan["follow_up_on"] == pd.Timestamp("2027-05-27")).all()  # plan date + 6 months
    assert plan["evidence"].str.contains("Källa").all()
    assert plan.attrs["priority_rule"].startswith("Prioritet = styrka")
    assert plan.attrs["year"] == 2026 and plan.attrs["area_id"] == "EX05"


def test_planted_perception_gap_reasons_become_dialogue_items(plan_ex05, truth):
    planted = truth["perception_gap"]["feels_unsafe_few_incidents"]
    assert planted["area_id"] == "EX05"
    dialogue = plan_ex05[plan_ex05["source"] == "dialogue"]
    assert set(planted["reasons"]) & set(dialogue["linked_reasons"])


def test_walk_items_link_observations_and_take_the_responsible(plan_ex05, project):
    walk = plan_ex05[plan_ex05["source"] == "walk"]
    assert len(walk)
    ids = ";".join(walk["linked_observations"]).split(";")
    obs = project.walk_observations.set_index("observation_id").loc[ids]
    assert set(obs["status"]) <= {"ny", "skickad", "planerad", "pagaende"}
    assert set(obs["perception"]) == {"otrygg"}
    known = set(obs["responsible"].dropna())
    assert set(walk["responsible"]) & known


def test_plan_text_has_no_exact_coordinates(plan_ex05):
    text = " ".join(
        plan_ex05[["place", "problem", "evidence", "title"]].astype(str).to_numpy().ravel()
    )
    text = re.sub(r"250mE\d+N\d+", "", text)  # 250 m grid cells are allowed
    assert not re.search(r"\d{6}", text)


def test_agreement_between_sources_raises_priority(project):
    plan = _plan(project, "EX19")
    supported = plan[plan["priority_reasons"].str.contains("stöds även av")]
    assert len(supported)
    for theme, group in plan.groupby("theme"):
        if group["source"].nunique() > 1:
            assert group["priority_reasons"].str.contains("stöds även av").all(), theme


def test_plan_errors(project):
    with pytest.raises(ArgumentError, match="finns inte") as err:
        _plan(project, "EX99")
    assert "EX01" in str(err.value)
    with pytest.raises(ArgumentError, match="koordinatsystem"):
        action_plan(
            "EX01",
            2026,
            areas=project.areas.to_crs(3011),
            incidents=project.incidents,
            today=PLAN_DATE,
            quiet=True,
        )
    with pytest.raises(ArgumentError, match="follow_up_months"):
        _plan(project, "EX01", follow_up_months=0)


def test_sensitive_categories_never_become_items(project):
    plan = _plan(project, "EX01", sensitive_categories=("hot_vald", "narkotika"))
    linked = ";".join(plan["linked_categories"].dropna())
    assert "hot_vald" not in linked and "narkotika" not in linked


def test_plan_does_not_modify_inputs(project):
    before = project.walk_observations.copy()
    _plan(project, "EX03")
    pd.testing.assert_frame_equal(before, project.walk_observations)


# --------------------------------------------------------------------------- follow-up


def _observations():
    rows = [
        ("o1", "atgardad", "Gatuenheten", "2026-01-01", "2026-01-11", "2026-02-01"),
        ("o2", "atgardad", "Gatuenheten", "2026-01-01", "2026-01-21", "2026-02-01"),
        ("o3", "pagaende", "Gatuenheten", "2026-01-01", None, "2026-03-01"),
        ("o4", "ny", "Parkenheten", None, None, None),
        ("o5", "ej_atgardbar", "Parkenheten", "2026-01-01", None, "2026-12-01"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["observation_id", "status", "responsible", "decided_on", "resolved_on", "due_on"],
    )
    for c in ("decided_on", "resolved_on", "due_on"):
        frame[c] = pd.to_datetime(frame[c])
    return gpd.GeoDataFrame(frame, geometry=[Point(10, 10)] * 5, crs="EPSG:3006")


def _measures():
    frame = pd.DataFrame(
        {
            "measure_id": ["m1", "m2", "m3"],
            "status": ["genomford", "pagaende", "foreslagen"],
            "responsible": ["Gatuenheten", "Gatuenheten", "Polisen"],
            "start": pd.to_datetime(["2025-01-01", "2026-01-01", None]),
            "end": pd.to_datetime(["2025-01-31", None, None]),
            "follow_up_on": pd.to_datetime([None, "2026-04-01", None]),
            "area_id": ["A", "A", "B"],
        }
    )
    return frame


def test_followup_by_responsible_values():
    table = followup_by_responsible(_observations(), _measures(), today="2026-06-01")
    assert list(table.columns) == FOLLOWUP_COLUMNS
    walk = table[table["kind"] == "vandringsfynd"].set_index("responsible")
    gata = walk.loc["Gatuenheten"]
    assert (gata["n"], gata["n_open"], gata["n_resolved"], gata["n_overdue"]) == (3, 1, 2, 1)
    assert gata["atgardsgrad"] == pytest.approx(2 / 3)
    assert gata["median_days_to_resolve"] == 15
    total = walk.loc["totalt"]
    assert total["n"] == 5 and total["atgardsgrad"] == pytest.approx(2 / 4)  # 'ny' not counted
    meas = table[table["kind"] == "atgard"].set_index("responsible")
    assert meas.loc["Gatuenheten", "n_overdue"] == 1
    assert meas.loc["Gatuenheten", "median_days_to_resolve"] == 30
    assert meas.loc["totalt", "atgardsgrad"] == pytest.approx(1 / 2)  # foreslagen not counted
    assert "Åtgärdsgrad" in table.attrs["rule"]


def test_followup_for_one_area():
    areas = gpd.GeoDataFrame(
        {"area_id": ["A", "B"]},
        geometry=[box(0, 0, 100, 100), box(200, 0, 300, 100)],
        crs="EPSG:3006",
    )
    table = followup_by_responsible(
        _observations(), _measures(), areas=areas, area_id="B", today="2026-06-01"
    )
    assert set(table["kind"]) == {"atgard"}
    assert table.loc[table["responsible"] == "totalt", "n"].item() == 1


def test_status_over_time():
    table = status_over_time(_observations(), _measures(), today="2026-06-01")
    assert list(table.columns) == STATUS_OVER_TIME_COLUMNS
    row = table[(table["kind"] == "vandringsfynd") & (table["year"] == 2026)].iloc[0]
    assert (row["n"], row["n_resolved"]) == (4, 2)
    assert np.isclose(row["atgardsgrad"], 0.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranked_plan_orders_by_the_priority_rule_and_its_ties(seed):
    """The rank is priority, strength and cases (descending), then source order and problem
    (ascending), items equal in all of them in their original order: as a stable sort of
    the table on those columns."""
    from tryggaplatser.analysis.plans import _ranked_plan

    rng = np.random.default_rng(seed)
    rows = [
        {
            "priority_score": int(rng.integers(1, 4)),
            "_strength": int(rng.integers(1, 3)),
            "_n": int(rng.integers(5, 8)),
            "_order": int(rng.integers(0, 3)),
            "problem": str(rng.choice(["Klotter", "Belysning", "Ödsligt", "belysning"])),
            "evidence": f"rad {k}",  # tells equal items apart
            "follow_up_on": pd.Timestamp("2027-05-27"),
        }
        for k in range(40)
    ]
    table = pd.DataFrame(rows)
    expected = table.sort_values(
        ["priority_score", "_strength", "_n", "_order", "problem"],
        ascending=[False, False, False, True, True],
        kind="stable",
    )
    plan = _ranked_plan(rows, 2026, "EX01")
    assert plan["evidence"].tolist() == expected["evidence"].tolist()
    assert plan["rank"].tolist() == list(range(1, 41))
    assert plan["measure_id"].iloc[0] == "PLAN-2026-EX01-01"
