"""The risk-terrain model: the fit equals statsmodels' GLM, relative risks reproduce a
hand-worked case, planted factors are recovered and a null factor is rejected."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import tryggaplatser as tp
from tryggaplatser.analysis.risk_terrain import (
    Z95,
    candidate_variables,
    fit_count_model,
    irls,
    lighting_context,
    risk_terrain,
)
from tryggaplatser.errors import ArgumentError

X0, Y0 = 650_000.0, 6_550_000.0


def _design(seed: int = 5, n: int = 400):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "const": 1.0,
            "prox": (rng.uniform(size=n) < 0.3).astype(float),
            "dens": rng.poisson(1.5, n).astype(float),
        }
    )
    offset = np.log(rng.uniform(0.4, 1.0, n))
    mu = np.exp(X.to_numpy() @ np.array([1.2, 0.6, 0.15]) + offset)
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu)).astype(float)
    return y, X, offset


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_irls_equals_statsmodels_glm(alpha):
    import statsmodels.api as sm  # the whole library: only the worker that runs this pays

    y, X, offset = _design()
    family = sm.families.Poisson() if alpha == 0 else sm.families.NegativeBinomial(alpha=alpha)
    ref = sm.GLM(y, X, family=family, offset=offset).fit(tol=1e-13, maxiter=300)
    beta, llf = irls(y, X.to_numpy(), offset, alpha, tol=1e-13)
    np.testing.assert_allclose(beta, ref.params.to_numpy(), rtol=0, atol=1e-8)
    assert llf == pytest.approx(ref.llf, rel=1e-10)


def _two_groups(exposed=(6, 8, 10, 8), unexposed=(3, 5, 4, 4)):
    """A 4 × 2 grid of 100 m cells: the top row lies 100 m from a road (the factor), the
    bottom row 200 m; each cell holds the given number of incidents at its centre."""
    xs = X0 + 50 + 100 * np.arange(4)
    pts, counts = [], []
    for row_y, values in ((Y0 + 150, exposed), (Y0 + 50, unexposed)):
        for x, k in zip(xs, values):
            pts += [Point(x, row_y)] * k
            counts.append(k)
    data = gpd.GeoDataFrame(geometry=pts, crs=3006)
    grid = tp.make_grid(data, 100, quiet=True)
    context = gpd.GeoDataFrame(
        {"factor": ["Väg"], "context_type": ["annat"]},
        geometry=[LineString([(X0 - 500, Y0 + 250), (X0 + 900, Y0 + 250)])],
        crs=3006,
    )
    return data, grid, context


def test_relative_risk_reproduces_a_hand_worked_case():
    # Poisson with one binary covariate: the MLE of exp(β) is the ratio of the group means,
    # 8 / 4 = 2, with se(β) = √(1/Σy₁ + 1/Σy₀) = √(1/32 + 1/16)
    data, grid, context = _two_groups()
    result = risk_terrain(data, grid, context, distances=(100.0,))
    assert len(grid) == 8
    assert result.model["family"] == "poisson"
    row = result.factors.iloc[0]
    assert bool(row["selected"]) and row["distance"] == 100.0
    se = math.sqrt(1 / 32 + 1 / 16)
    assert row["rr"] == pytest.approx(2.0, rel=1e-9)
    assert row["rr_lo"] == pytest.approx(math.exp(math.log(2) - Z95 * se), rel=1e-7)
    assert row["rr_hi"] == pytest.approx(math.exp(math.log(2) + Z95 * se), rel=1e-7)
    # the composite surface: 2 in the exposed row, 1 in the other; expected counts 8 and 4
    top = result.surface.geometry.centroid.y > Y0 + 100
    np.testing.assert_allclose(result.surface.loc[top, "relative_risk"], 2.0, rtol=1e-9)
    np.testing.assert_allclose(result.surface.loc[~top, "relative_risk"], 1.0, rtol=1e-9)
    np.testing.assert_allclose(result.surface.loc[top, "expected"], 8.0, rtol=1e-8)


def _planted(seed: int = 1):
    rng = np.random.default_rng(seed)
    w = 5000.0
    bus = rng.uniform(300, w - 300, (30, 2))
    school = rng.uniform(300, w - 300, (20, 2))
    background = rng.uniform(0, w, (8000, 2))
    k = rng.integers(0, 30, 900)
    r = 150 * np.sqrt(rng.uniform(0, 1, 900))
    a = rng.uniform(0, 2 * np.pi, 900)
    extra = bus[k] + np.c_[r * np.cos(a), r * np.sin(a)]
    xy = np.r_[background, extra] + [X0, Y0]
    data = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3006)
    grid = tp.make_grid(data, 100, quiet=True)
    feats = np.r_[bus, school] + [X0, Y0]
    context = gpd.GeoDataFrame(
        {
            "factor": ["Buss"] * 30 + ["Skola"] * 20,
            "context_type": ["busshallplats"] * 30 + ["skola"] * 20,
        },
        geometry=gpd.points_from_xy(feats[:, 0], feats[:, 1]),
        crs=3006,
    )
    return data, grid, context


def test_planted_factor_found_and_null_factor_rejected():
    data, grid, context = _planted()
    result = risk_terrain(data, grid, context)
    f = result.factors.set_index("factor")
    assert bool(f.loc["Buss", "selected"]) and f.loc["Buss", "rr_lo"] > 1
    assert not bool(f.loc["Skola", "selected"])
    assert f.loc["Skola", "delta_bic"] > -2  # would not lower BIC enough to enter
    assert list(result.significant()["factor"]) == ["Buss"]
    assert result.params["risk_distances"]["auto"] is True


def test_final_model_equals_statsmodels_on_the_same_design():
    import statsmodels.api as sm  # the whole library: only the worker that runs this pays

    data, grid, context = _planted()
    result = risk_terrain(data, grid, context)
    cols = result.model["columns"]
    X = result.design[cols[1:]].assign(const=1.0)[cols]
    y = result.surface["n"].to_numpy(float)
    fam = sm.families.NegativeBinomial(alpha=result.model["alpha"])
    if result.model["family"] == "poisson":
        fam = sm.families.Poisson()
    ref = sm.GLM(y, X, family=fam).fit(tol=1e-13, maxiter=300)
    np.testing.assert_allclose(result.model["params"], ref.params.to_numpy(), atol=1e-8)
    ours = fit_count_model(y, X, None, result.model["alpha"])
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params.to_numpy(), atol=1e-8)


def test_candidate_variables_count_features_within_each_distance():
    cells = gpd.GeoDataFrame(
        geometry=[
            Point(X0, Y0).buffer(1, cap_style=3),
            Point(X0 + 1000, Y0).buffer(1, cap_style=3),
        ],
        crs=3006,
    )
    context = gpd.GeoDataFrame(
        {"factor": ["A", "A", "A"], "context_type": ["annat"] * 3},
        geometry=[Point(X0 + 90, Y0), Point(X0, Y0 + 140), Point(X0 + 1000, Y0 + 400)],
        crs=3006,
    )
    design, info = candidate_variables(cells, context, (100.0, 150.0, 300.0))
    assert design["dens_a_100"].tolist() == [1.0, 0.0]
    assert design["dens_a_150"].tolist() == [2.0, 0.0]
    assert design["prox_a_300"].tolist() == [1.0, 0.0]
    assert set(info["n_features"]) == {3}


def test_lighting_from_walks_keeps_unsafe_lighting_observations():
    obs = gpd.GeoDataFrame(
        {
            "problem_category": ["belysning", "belysning", "klotter"],
            "perception": ["otrygg", "trygg", "otrygg"],
        },
        geometry=[Point(X0, Y0), Point(X0 + 1, Y0), Point(X0 + 2, Y0)],
        crs=3006,
    )
    ctx = lighting_context(obs)
    assert len(ctx) == 1 and set(ctx["context_type"]) == {"belysningsbrist"}
    assert lighting_context(obs.iloc[2:]) is None


def test_no_context_is_a_clear_error():
    data, grid, _ = _two_groups()
    with pytest.raises(ArgumentError, match="CONTEXT_EMPTY"):
        risk_terrain(data, grid, None)
