"""The EST brief's computation (analysis/est_brief.py) on a tiny synthetic layer: the mode, the
deprecated ``public`` flag, and the old import path."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.analysis.est_brief import ESTBrief, est_brief
from tryggaplatser.errors import ArgumentError

WEEK = "2026-W47"


@pytest.fixture(scope="module")
def layers():
    """60 incidents over September–November 2026 and the same months of 2025, in one area."""
    rng = np.random.default_rng(1)
    days = pd.to_datetime(
        [
            *pd.date_range("2025-09-01", "2025-11-22", freq="4D"),
            *pd.date_range("2026-09-01", "2026-11-22", freq="3D"),
        ]
    )
    n = len(days)
    incidents = gpd.GeoDataFrame(
        {
            "incident_id": [f"i{k}" for k in range(n)],
            "occurred_at": (days + pd.Timedelta(hours=12)).tz_localize("Europe/Stockholm"),
            "category": np.where(np.arange(n) % 2 == 0, "klotter", "skadegorelse"),
            "source": "felanmalan",
        },
        geometry=[Point(xy) for xy in 674_000 + rng.uniform(0, 900, size=(n, 2))],
        crs=3006,
    )
    areas = gpd.GeoDataFrame(
        {"area_id": ["A1"], "name": ["Centrum"]},
        geometry=[box(673_000, 673_000, 676_000, 676_000)],
        crs=3006,
    )
    return incidents, areas


def _brief(layers, **kwargs) -> ESTBrief:
    incidents, areas = layers
    return est_brief(incidents, areas, None, WEEK, quiet=True, **kwargs)


def test_public_mode_adds_the_monthly_overview_and_internal_does_not(layers):
    public = _brief(layers, mode="public")
    assert public.month == "2026-10"
    assert set(public.month_areas["period"]) == {"2025-10", "2026-10"}
    assert public.month_categories is not None
    internal = _brief(layers)  # mode="internal" is the default
    assert internal.month is None and internal.month_areas is None


def test_deprecated_public_flag_still_works_and_warns(layers):
    with pytest.warns(DeprecationWarning, match="'public' is deprecated, use 'mode'"):
        old = _brief(layers, public=True)
    new = _brief(layers, mode="public")
    assert old.month == new.month
    pd.testing.assert_frame_equal(old.month_areas, new.month_areas)
    assert old.parameters == new.parameters
    with pytest.warns(DeprecationWarning):
        assert _brief(layers, public=False).month is None


def test_an_unknown_mode_is_refused(layers):
    with pytest.raises(ArgumentError, match="okänt läge 'publik'") as err:
        _brief(layers, mode="publik")
    assert err.value.rule == "ARGUMENT_INVALID"


def test_public_and_mode_together_are_refused(layers):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(TypeError, match="'mode' or the deprecated 'public'"):
            _brief(layers, mode="public", public=True)


def test_the_old_import_path_gives_the_same_objects():
    from tryggaplatser.analysis import est_brief as analysis
    from tryggaplatser.publish.reports import est_brief as publish

    for name in ("ESTBrief", "est_brief", "default_week", "EMERGING_CATEGORIES"):
        assert getattr(publish, name) is getattr(analysis, name), name
    import tryggaplatser

    assert tryggaplatser.est_brief is analysis.est_brief


def test_public_month_of_the_week_summer_time_starts():
    """Issue 13: week 2024-W13 ends Monday 1 April 00:00 CEST; one calendar day back is
    31 March, so March is complete. 24 hours back gave 30 March and the month before."""
    from tryggaplatser.analysis.est import iso_week_bounds
    from tryggaplatser.analysis.est_brief import _last_complete_month

    assert str(_last_complete_month(iso_week_bounds("2024-W13")[1])) == "2024-03"
    assert str(_last_complete_month(iso_week_bounds("2024-W12")[1])) == "2024-02"


def test_public_month_tables_count_sensitive_categories_only_for_the_municipality(demo_project):
    """An area's month in the public overview leaves the sensitive categories out (the area
    reports do too, so the difference would give them away); the municipality keeps them."""
    import dataclasses

    from tryggaplatser.analysis.est_brief import run_month_tables
    from tryggaplatser.analysis.run import Run

    config = dataclasses.replace(demo_project.config, sensitive_categories=("narkotika",))
    project = dataclasses.replace(demo_project, config=config)
    inc, areas = project.incidents, project.areas
    tables = {
        mode: run_month_tables(Run(project, mode, quiet=True), inc, areas, "2026-10")
        for mode in ("public", "internal")
    }
    local = pd.to_datetime(inc["occurred_at"], utc=True).dt.tz_convert("Europe/Stockholm")
    october = ((local.dt.year == 2026) & (local.dt.month == 10)).to_numpy()
    drugs = inc[october & (inc["category"] == "narkotika").to_numpy()]
    # independent: point in polygon, records placed at the municipality's centre in no area
    placed = drugs[(drugs["location_precision"] != "kommun_centroid").to_numpy()]
    per_area = gpd.sjoin(placed, areas[["area_id", "geometry"]], predicate="within")
    expected = per_area.groupby("area_id").size()
    assert expected.sum() > 10
    public, internal = (t[0].set_index(["area_id", "period"])["n"] for t in tables.values())
    diff = (internal - public).xs("2026-10", level="period")
    assert (diff[diff > 0] == expected.reindex(diff[diff > 0].index)).all()
    assert int(diff.sum()) == int(expected.sum())
    cats = tables["public"][1].set_index(["category", "period"])["n"]
    assert cats[("narkotika", "2026-10")] == len(drugs)


@pytest.mark.parametrize(
    "last, month",
    [
        ("2026-11-22", "2026-10"),  # a Sunday: week 47 is complete, November is not
        ("2026-11-30", "2026-10"),  # the month's last day, a Monday: week 48 ended on the 29th
        ("2026-12-02", "2026-10"),  # November is whole in the data, but no week ended after it
        ("2026-12-06", "2026-11"),  # the Sunday after: week 49 ended in December
    ],
)
def test_default_public_month_is_the_month_est_shows_by_default(layers, last, month):
    """The public set's disclosure plan covers the EST overview's month by default: the month
    `est` without --week shows (the last month ended when the default week ended), which is
    not the data's last whole month when the data end in a month's first days."""
    from tryggaplatser.analysis.est_brief import default_public_month

    incidents, areas = layers
    extra = incidents.iloc[[0]].copy()
    extra["incident_id"] = "sist"
    extra["occurred_at"] = pd.Timestamp(f"{last} 12:00", tz="Europe/Stockholm")
    data = pd.concat([incidents, extra], ignore_index=True)
    assert default_public_month(data, today="2026-12-20") == month
    brief = est_brief(data, areas, None, None, mode="public", today="2026-12-20", quiet=True)
    assert brief.month == month
