"""What the draft plans of a run compute once and slice per area equals what one area's plan
computes alone: the recurring places of a subset of sliced :class:`CellPoints`, and
:func:`action_plan` with a :class:`PlanLayers` made once (analysis/est.py, analysis/plans.py)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from tryggaplatser.analysis.est import CellPoints, recurring_places
from tryggaplatser.analysis.plans import PlanLayers, action_plan

W47 = date(2026, 11, 16)  # Monday of ISO week 2026-W47


def _random_incidents(seed: int, n: int = 600) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, 10 * 7 * 24 * 60, n)  # the ten weeks up to the end of W47
    end = pd.Timestamp("2026-11-22 23:59", tz="Europe/Stockholm")
    when = (end - pd.to_timedelta(minutes, unit="m")).tz_convert("UTC")
    cats = np.array(["klotter", "inbrott", "brand", "Åverkan", None], dtype=object)
    areas = np.array(["A", "B", None], dtype=object)
    return gpd.GeoDataFrame(
        {
            "occurred_at": when,
            "category": rng.choice(cats, n, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
            "area_id": rng.choice(areas, n),
        },
        geometry=gpd.points_from_xy(
            650_000 + rng.integers(0, 1200, n) + rng.random(n), 6_560_000 + rng.integers(0, 900, n)
        ),
        crs=3006,
    )


def _brute_force(data: gpd.GeoDataFrame, weeks: int, min_weeks: int, size: float) -> list[tuple]:
    """Recurring cells by counting incident by incident (the definition, no vectorising)."""
    per_cell: dict[tuple[int, int], dict] = {}
    for row in data.itertuples():
        local = row.occurred_at.tz_convert("Europe/Stockholm").date()
        back = (W47 - (local - timedelta(days=local.weekday()))).days // 7  # 0 = W47
        if not 0 <= back < weeks:
            continue
        key = (math.floor(row.geometry.x / size) * size, math.floor(row.geometry.y / size) * size)
        cell = per_cell.setdefault(key, {"weeks": Counter(), "cats": Counter(), "areas": Counter()})
        cell["weeks"][back] += 1
        if not pd.isna(row.category):
            cell["cats"][row.category] += 1
        if not pd.isna(row.area_id):
            cell["areas"][row.area_id] += 1
    out = []
    for (x, y), cell in per_cell.items():
        if len(cell["weeks"]) < min_weeks:
            continue
        ranked = sorted(cell["cats"], key=lambda c, n=cell["cats"]: (-n[c], c))
        areas = sorted(cell["areas"], key=lambda a, n=cell["areas"]: (-n[a], a))
        out.append(
            (
                f"{size:.0f}mE{x:.0f}N{y:.0f}",
                len(cell["weeks"]),
                sum(cell["weeks"].values()),
                ";".join(ranked) or None,
                areas[0] if areas else None,
                [cell["weeks"][k] for k in range(weeks - 1, -1, -1)],
            )
        )
    return sorted(out, key=lambda r: (-r[1], -r[2], r[0]))


def _rows(table: pd.DataFrame) -> list[tuple]:
    weeks = table.attrs["week_columns"]
    return [
        (
            r["cell_id"],
            r["weeks_with_reports"],
            r["total"],
            None if pd.isna(r["categories"]) else r["categories"],
            None if pd.isna(r["area_id"]) else r["area_id"],
            [int(r[w]) for w in weeks],
        )
        for _, r in table.iterrows()
    ]


@pytest.mark.parametrize("seed, weeks, min_weeks", [(1, 4, 3), (2, 8, 4), (3, 10, 1), (4, 3, 3)])
def test_recurring_places_equals_counting_incident_by_incident(seed, weeks, min_weeks):
    data = _random_incidents(seed)
    res = recurring_places(data, "2026-W47", cell_size=250, weeks=weeks, min_weeks=min_weeks)
    expected = _brute_force(data, weeks, min_weeks, 250.0)
    assert len(expected) > 0
    assert _rows(res) == expected


@pytest.mark.parametrize("seed", [5, 6])
def test_recurring_places_of_sliced_points_equal_those_of_the_subset(seed):
    data = _random_incidents(seed, n=900)
    points = CellPoints.of(data, 250)
    for mask in (data.geometry.x.to_numpy() < 650_600, data["area_id"].eq("B").to_numpy()):
        alone = recurring_places(data[mask], "2026-W47", cell_size=250, weeks=6, min_weeks=2)
        sliced = recurring_places(
            data[mask], "2026-W47", cell_size=250, weeks=6, min_weeks=2, points=points.take(mask)
        )
        assert len(alone) > 0
        pd.testing.assert_frame_equal(alone, sliced, check_exact=True)
        assert alone.attrs == sliced.attrs


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


def test_plans_with_layers_prepared_once_equal_each_plan_alone(project):
    prepared = PlanLayers(
        project.incidents, project.walk_observations, project.walks, project.dialogue
    )
    recurring = 0
    for area_id in ("EX01", "EX05", "EX19"):
        kw = dict(
            areas=project.areas,
            incidents=project.incidents,
            walk_observations=project.walk_observations,
            walks=project.walks,
            dialogue=project.dialogue,
            today=date(2026, 11, 27),
            quiet=True,
        )
        alone = action_plan(area_id, None, **kw)
        shared = action_plan(area_id, None, prepared=prepared, **kw)
        pd.testing.assert_frame_equal(alone, shared, check_exact=True)
        assert alone.attrs == shared.attrs
        recurring += int((shared["source"] == "hotspot").sum())
    assert recurring > 0  # the recurring places, which use the prepared cells, are compared


def test_prepared_layers_check_each_area_s_own_incidents(project):
    """The recurring places check only the area's incidents (the rows of the prepared layers'
    checked columns): a missing time inside the area is refused, naming its row, as without
    prepared layers; the same row outside another area does not stop that area's plan."""
    from tryggaplatser.errors import ArgumentError

    incidents = project.incidents.copy()
    ex05 = project.areas[project.areas["area_id"] == "EX05"].geometry.union_all()
    row = incidents.index[PlanLayers(incidents).inside(ex05)][3]
    incidents.loc[row, "occurred_at"] = pd.NaT
    layers = (incidents, project.walk_observations, project.walks, project.dialogue)
    prepared = PlanLayers(*layers)
    kw = dict(
        areas=project.areas,
        incidents=incidents,
        walk_observations=project.walk_observations,
        walks=project.walks,
        dialogue=project.dialogue,
        today=date(2026, 11, 27),
        quiet=True,
    )
    for shared in (None, prepared):
        with pytest.raises(ArgumentError) as info:
            action_plan("EX05", 2026, prepared=shared, **kw)
        assert info.value.rule == "TIME_MISSING"
        assert f"index {row}" in str(info.value)
    assert len(action_plan("EX01", 2026, prepared=prepared, **kw)) > 0
