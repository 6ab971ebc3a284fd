"""``analysis.run.Run``: one analysis per project and mode, computed once, with the mode's rules."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from tryggaplatser.analysis.hotspots import hotspot_gistar, hotspot_kde
from tryggaplatser.analysis.run import Run, placed
from tryggaplatser.errors import ArgumentError, GateRefusal


def _project(sensitive=(), n=600, seed=5):
    rng = np.random.default_rng(seed)
    xy = np.r_[rng.uniform(0, 3000, (n, 2)), rng.normal(1400, 100, (n // 2, 2))]
    start = pd.Timestamp("2025-01-10", tz="Europe/Stockholm")
    times = start + pd.to_timedelta(rng.uniform(0, 600, len(xy)), unit="D")
    cats = np.where(np.arange(len(xy)) % 10 == 0, "vald_i_nara_relation", "skadegorelse")
    precision = np.where(np.arange(len(xy)) % 50 == 0, "kommun_centroid", "exakt")
    incidents = gpd.GeoDataFrame(
        {
            "occurred_at": times.tz_convert("UTC"),
            "category": cats,
            "location_precision": precision,
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=3006,
    )
    config = SimpleNamespace(
        sensitive_categories=tuple(sensitive), study_area=None, privacy_mode="internal"
    )
    return SimpleNamespace(layers={"incidents": incidents}, config=config)


def test_each_result_is_computed_once_and_shared():
    run = Run(_project(), "internal")
    assert run.hotspots() is run.hotspots()
    assert run.hotspots(run.period) is run.hotspots()  # the run's period, asked explicitly
    assert run.classification() is run.classification()
    assert run.grid is run.grid


def test_gistar_is_on_counts_of_the_runs_grid_and_kde_is_only_a_layer():
    """The run's cells equal the verbs run directly on the same grid and incidents."""
    run = Run(_project(), "internal", cell_size=200)
    result = run.hotspots()
    data = placed(result.incidents)
    direct = hotspot_gistar(data, run.grid, quiet=True)
    np.testing.assert_allclose(result.cells["gistar"], direct["gistar"], rtol=0, atol=1e-12)
    assert (result.cells["gi_bin"].to_numpy() == direct["gi_bin"].to_numpy()).all()
    kde = hotspot_kde(data, run.grid, quiet=True)
    np.testing.assert_allclose(result.cells["kde"], kde["kde"])
    assert result.cells.attrs["tryggaplatser"]["params"]["gistar_on"]["value"] == "n"
    assert run.provenance.cell_size == 200.0


def test_municipality_centroid_records_are_never_a_place():
    project = _project()
    run = Run(project, "internal")
    centroid = (project.layers["incidents"]["location_precision"] == "kommun_centroid").sum()
    assert centroid > 0
    assert run.hotspots().cells["n"].sum() == len(project.layers["incidents"]) - centroid


def test_public_run_uses_whole_months_and_at_least_250_m():
    run = Run(_project(), "public")
    start, end = run.period
    assert start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    assert run.provenance.cell_size >= 250.0
    # printed in months: the month is the finest public time unit
    assert run.provenance.period_text == f"{start:%Y-%m} – {end:%Y-%m}"
    with pytest.raises(ArgumentError) as err:
        Run(_project(), "public", cell_size=100)
    assert err.value.rule == "PUBLIC_CELL_SIZE"


def test_public_run_leaves_sensitive_categories_out_and_refuses_to_map_them():
    project = _project(sensitive=("vald_i_nara_relation",))
    public, internal = Run(project, "public"), Run(project, "internal")
    assert "vald_i_nara_relation" not in set(public.incidents["category"])
    assert "vald_i_nara_relation" in set(internal.incidents["category"])
    with pytest.raises(GateRefusal) as err:
        Run(project, "public", categories=("vald_i_nara_relation",)).incidents  # noqa: B018
    assert err.value.rule == "SENSITIVE_CATEGORY"


def test_an_unknown_mode_or_category_is_a_clear_error():
    with pytest.raises(ArgumentError) as err:
        Run(_project(), "offentlig")
    assert "offentlig" in str(err.value)
    with pytest.raises(ArgumentError) as err:
        Run(_project(), "internal", categories=("inbrott",)).incidents  # noqa: B018
    assert err.value.rule == "CATEGORY_UNKNOWN" and "skadegorelse" in str(err.value)
