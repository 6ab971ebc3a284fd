"""Risk-terrain model: which features of the environment go with more incidents, and by how much.

In the spirit of Caplan & Kennedy's Risk Terrain Modeling (RTM, 2011/2016; RTMDx): every
context factor (bus stops, licensed restaurants, schools … from ``[[layers.context]]``) becomes
**candidate variables per grid cell**, for each stated distance ``d`` (1–3, ``[risk] distances``):

``prox``  1 when the cell's centre lies within ``d`` of a feature of the factor, else 0
          (RTM's "proximity");
``dens``  the number of the factor's features within ``d`` of the centre (RTM's "density",
          a count kernel of radius ``d``).

The counts of incidents per cell, :math:`y_i`, are modelled by a log-linear count regression,

.. math:: \\log E[y_i] = \\log a_i + \\beta_0 + \\sum_k \\beta_k x_{ik},

with :math:`a_i` the share of the cell inside the study area (an offset; 1 without one).
The family is Poisson when the Pearson dispersion of the intercept-only Poisson fit is at most
:data:`OVERDISPERSION`, else negative binomial (NB2, variance :math:`\\mu + \\alpha\\mu^2`) with
:math:`\\alpha` by maximum likelihood (profile likelihood, :func:`ml_alpha`). The selection's
many fits use :func:`irls` (numpy); the final model is a ``statsmodels`` GLM on the same design
(the two agree to 1e-8, tested).

**Selection** (stated criterion): forward selection by BIC (:math:`-2\\log L + k\\ln n`, the
log-likelihood penalised by the number of parameters), at most one variable per factor. At each
step every candidate of every factor not yet in the model is tried; the one with the lowest BIC
enters when it lowers BIC by at least :data:`MIN_BIC_GAIN` (2: "positive" evidence, Raftery
1995). :math:`\\alpha` is held at its intercept-only value during the selection (so BICs are
comparable) and re-estimated for the final model.

**Relative risk** of a selected variable: :math:`RR_k = e^{\\beta_k}` with the 95 % Wald
interval :math:`e^{\\beta_k \\pm 1.96\\,se_k}` — for ``prox`` the ratio of expected counts with
and without a feature within ``d``; for ``dens`` per extra feature within ``d``. The composite
**relative-risk surface** of a cell is :math:`\\prod_k RR_k^{x_{ik}} = e^{\\sum_k \\beta_k x_{ik}}`
(1 = no selected factor near). Factors that did not enter are reported as adding nothing, with
the best BIC change they would have made to the final model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr

__all__ = [
    "DEFAULT_DISTANCES",
    "MIN_BIC_GAIN",
    "OVERDISPERSION",
    "RiskTerrainResult",
    "candidate_variables",
    "fit_count_model",
    "irls",
    "lighting_context",
    "ml_alpha",
    "risk_terrain",
]

#: Candidate distances in metres when none are stated (``[risk] distances``).
DEFAULT_DISTANCES = (100.0, 150.0, 300.0)
#: A candidate enters the model only if it lowers BIC by at least this much.
MIN_BIC_GAIN = 2.0
#: Above this Pearson dispersion of the intercept-only Poisson fit the model is negative binomial.
OVERDISPERSION = 1.5
#: Normal quantile of the 95 % intervals.
Z95 = 1.959963984540054
KINDS = ("prox", "dens")


@dataclass
class RiskTerrainResult:
    """The risk-terrain model of one run.

    Attributes
    ----------
    factors : DataFrame
        One row per factor: ``factor, context_type, n_features, selected, variable, kind,
        distance, coef, se, rr, rr_lo, rr_hi, pvalue, significant, delta_bic`` (``delta_bic``:
        the BIC change when the factor entered, or the best change it would make to the final
        model when it did not; negative = better). ``selected`` False = adds nothing.
    steps : DataFrame
        The selection path: ``step, variable, factor, bic, delta_bic, entered``.
    surface : GeoDataFrame
        The grid cells with ``n`` (incidents), ``expected`` (the model's expected count) and
        ``relative_risk`` (the composite surface), plus the selected variables.
    design : DataFrame
        Every candidate variable per cell (index aligned with ``surface``).
    model : dict
        ``family``, ``alpha``, ``dispersion``, ``n_cells``, ``n_events``, ``bic_null``,
        ``bic``, ``offset`` (True when the inside share is used), ``columns`` (the final design
        columns, ``const`` first).
    params : dict
        Provenance records ``{name: {"value", "auto", "rule"}}``.
    """

    factors: pd.DataFrame
    steps: pd.DataFrame
    surface: Any
    design: pd.DataFrame
    model: dict[str, Any]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def significant(self) -> pd.DataFrame:
        """The selected factors whose 95 % interval excludes 1."""
        return self.factors[self.factors["selected"] & self.factors["significant"]]


# ---------------------------------------------------------------------------------------------
# candidate variables


def _slug(text: str) -> str:
    """An ASCII column-name fragment of a factor name."""
    fold = str(text).lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "_", fold).strip("_") or "faktor"


def candidate_variables(cells: Any, context: Any, distances: tuple[float, ...]) -> tuple:
    """The candidate variables per cell: ``prox`` and ``dens`` of every factor at every distance.

    Parameters
    ----------
    cells : GeoDataFrame
        Grid cells (their centroids are the cells' positions).
    context : GeoDataFrame
        Context features with ``factor`` (and ``context_type``), any geometry, same CRS.
    distances : tuple of float
        Distances in metres.

    Returns
    -------
    (DataFrame, DataFrame)
        The design (one column per candidate, index of ``cells``) and its description
        ``variable, factor, context_type, kind, distance, n_features``.
    """
    import shapely

    centres = shapely.centroid(cells.geometry.to_numpy())
    columns: dict[str, np.ndarray] = {}
    rows = []
    for factor, part in context.groupby("factor", sort=True):
        geoms = part.geometry.to_numpy()
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        tree = shapely.STRtree(geoms)
        ctype = str(part["context_type"].mode().iloc[0]) if "context_type" in part else ""
        for d in distances:
            pairs = tree.query(centres, predicate="dwithin", distance=float(d))
            count = np.bincount(pairs[0], minlength=len(centres)).astype(float)
            for kind, values in (("prox", (count > 0).astype(float)), ("dens", count)):
                name = f"{kind}_{_slug(factor)}_{round(d)}"
                columns[name] = values
                rows.append((name, str(factor), ctype, kind, float(d), len(geoms)))
    design = pd.DataFrame(columns, index=cells.index)
    info = pd.DataFrame(
        rows, columns=["variable", "factor", "context_type", "kind", "distance", "n_features"]
    )
    return design, info


def lighting_context(walk_observations: Any) -> Any:
    """A derived context factor from safety walks: observations of ``problem_category =
    belysning`` (lighting) as points of the factor "Belysningsbrist (trygghetsvandringar)"
    with ``context_type = belysningsbrist``; ``None`` when there are none."""
    if walk_observations is None or "problem_category" not in walk_observations.columns:
        return None
    keep = walk_observations["problem_category"].astype(str).eq("belysning").to_numpy().copy()
    if "perception" in walk_observations.columns:
        keep &= walk_observations["perception"].astype(str).ne("trygg").to_numpy()
    if not keep.any():
        return None
    out = walk_observations.loc[keep, ["geometry"]].copy()
    out["factor"] = tr("Belysningsbrist (trygghetsvandringar)", "Poor lighting (safety walks)")
    out["context_type"] = "belysningsbrist"
    return out


# ---------------------------------------------------------------------------------------------
# the count model


def _family(alpha: float):
    # statsmodels' GLM parts only: ``statsmodels.api`` imports its whole library (a third of a
    # second), the same classes
    from statsmodels.genmod import families

    if alpha > 0:
        return families.NegativeBinomial(alpha=alpha)
    return families.Poisson()


def fit_count_model(y: np.ndarray, X: pd.DataFrame, offset: np.ndarray | None, alpha: float):
    """``statsmodels`` GLM of counts ``y`` on ``X`` (with its ``const`` column): Poisson when
    ``alpha`` is 0, else negative binomial NB2 with that ``alpha``. Returns the fitted results."""
    from statsmodels.genmod.generalized_linear_model import GLM

    model = GLM(y, X, family=_family(alpha), offset=offset)
    return model.fit(method="IRLS", tol=1e-12, maxiter=200)


def irls(
    y: np.ndarray, X: np.ndarray, offset: np.ndarray | None, alpha: float, tol: float = 1e-10
) -> tuple[np.ndarray, float]:
    """The same GLM as :func:`fit_count_model` by iteratively reweighted least squares in
    numpy (log link; weights μ/(1 + αμ)), used for the many fits of the
    selection. Returns ``(coefficients, log-likelihood)``; tested against ``statsmodels``."""
    from scipy.special import gammaln

    X = np.asarray(X, float)
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.mean(), 1e-9) / max(float(np.exp(off).mean()), 1e-12))
    for _ in range(100):
        eta = X @ beta + off
        mu = np.exp(eta)
        w = mu / (1.0 + alpha * mu)
        z = eta - off + (y - mu) / mu
        xw = X * w[:, None]
        new = np.linalg.solve(xw.T @ X, xw.T @ z)
        done = np.max(np.abs(new - beta)) < tol * (1.0 + np.max(np.abs(beta)))
        beta = new
        if done:
            break
    mu = np.exp(X @ beta + off)
    if alpha > 0:
        r = 1.0 / alpha
        llf = np.sum(
            y * np.log(alpha * mu / (1 + alpha * mu))
            - r * np.log1p(alpha * mu)
            + gammaln(y + r)
            - gammaln(y + 1)
            - gammaln(r)
        )
    else:
        llf = np.sum(y * np.log(mu) - mu - gammaln(y + 1))
    return beta, float(llf)


def _bic_of(y: np.ndarray, X: pd.DataFrame, offset, alpha: float) -> float:
    """BIC = −2 log L + k ln n of the fit of ``X`` (k = number of coefficients; α is not
    counted: it is held fixed during the selection)."""
    _, llf = irls(y, X.to_numpy(float), offset, alpha)
    return float(-2.0 * llf + X.shape[1] * math.log(len(y)))


def ml_alpha(y: np.ndarray, X: pd.DataFrame, offset) -> float:
    """NB2 α by maximum likelihood: the profile log-likelihood of the NB2 GLM of ``X``
    maximised over log α (bounded search on 10⁻⁴…10²; the coefficients refitted for each α)."""
    from scipy.optimize import minimize_scalar

    Xa = X.to_numpy(float)
    res = minimize_scalar(
        lambda la: -irls(y, Xa, offset, math.exp(la), tol=1e-8)[1],
        bounds=(math.log(1e-4), math.log(1e2)),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(math.exp(res.x))


def _dispersion(y: np.ndarray, mu: np.ndarray, k: int) -> float:
    """Pearson dispersion ``Σ (y − μ)² / μ / (n − k)``."""
    return float(np.sum((y - mu) ** 2 / mu) / max(len(y) - k, 1))


def _choose_alpha(y: np.ndarray, X: pd.DataFrame, offset) -> tuple[float, float]:
    """(α, dispersion): α = 0 (Poisson) unless the Poisson fit of ``X`` is overdispersed."""
    beta, _ = irls(y, X.to_numpy(float), offset, 0.0)
    mu = np.exp(X.to_numpy(float) @ beta + (0.0 if offset is None else offset))
    dispersion = _dispersion(y, mu, X.shape[1])
    return (ml_alpha(y, X, offset) if dispersion > OVERDISPERSION else 0.0), dispersion


# ---------------------------------------------------------------------------------------------
# selection


def _forward(y, design, info, offset, alpha) -> tuple[list[str], list[tuple]]:
    """Forward selection by BIC, one variable per factor. Returns the chosen variables and the
    path ``(step, variable, factor, bic, delta_bic, entered)``."""
    n = len(y)
    chosen: list[str] = []
    X = pd.DataFrame({"const": np.ones(n)}, index=design.index)
    current = _bic_of(y, X, offset, alpha)
    path: list[tuple] = [(0, "const", "", current, 0.0, True)]
    factor_of = dict(zip(info["variable"], info["factor"]))
    step = 0
    while True:
        step += 1
        used = {factor_of[v] for v in chosen}
        best = None
        for var in info["variable"]:
            if factor_of[var] in used or design[var].std() == 0:
                continue
            bic = _bic_of(y, X.assign(**{var: design[var]}), offset, alpha)
            if best is None or bic < best[1]:
                best = (var, bic)
        if best is None:
            break
        gain = best[1] - current
        entered = gain <= -MIN_BIC_GAIN
        path.append((step, best[0], factor_of[best[0]], best[1], gain, entered))
        if not entered:
            break
        chosen.append(best[0])
        X = X.assign(**{best[0]: design[best[0]]})
        current = best[1]
    return chosen, path


def _left_out(y, design, info, offset, alpha, chosen, final_bic) -> dict[str, tuple[str, float]]:
    """For each factor not chosen: its best candidate and the BIC change it would make."""
    X = design[chosen].assign(const=1.0)[["const", *chosen]]
    used = set(info.loc[info["variable"].isin(chosen), "factor"])
    out: dict[str, tuple[str, float]] = {}
    for var, factor in zip(info["variable"], info["factor"]):
        if factor in used or design[var].std() == 0:
            out.setdefault(factor, ("", math.nan))
            continue
        bic = _bic_of(y, X.assign(**{var: design[var]}), offset, alpha)
        if factor not in out or not out[factor][0] or bic - final_bic < out[factor][1]:
            out[factor] = (var, bic - final_bic)
    return out


# ---------------------------------------------------------------------------------------------
# the front door


def risk_terrain(
    data: Any,
    grid: Any,
    context: Any,
    *,
    distances: tuple[float, ...] | None = None,
    quiet: bool = True,
) -> RiskTerrainResult:
    """Fit the risk-terrain model of ``data`` (incident points) on ``grid`` with ``context``.

    Parameters
    ----------
    data : GeoDataFrame
        Placed incidents (points) in the grid's CRS.
    grid : GeoDataFrame
        Cells from :func:`~tryggaplatser.analysis.grid.make_grid` (a run's grid).
    context : GeoDataFrame
        Context features (``factor``, ``context_type``, geometry), e.g. the project's
        ``context`` layer plus :func:`lighting_context`.
    distances : tuple of float, optional
        1–3 candidate distances in metres; ``None`` = :data:`DEFAULT_DISTANCES` (announced in
        the result's ``params``).
    quiet : bool
        Passed to the counting step.

    Returns
    -------
    RiskTerrainResult
        See the module docstring for the model, the selection and the relative risks.
    """
    from .hotspots import hotspot_count

    if context is None or len(context) == 0 or "factor" not in context.columns:
        raise ArgumentError(
            tr("Projektet saknar kontextlager.", "The project has no context layers."),
            rule="CONTEXT_EMPTY",
            fix=tr(
                "lägg till [[layers.context]] (file, name, type) i tryggaplatser.toml",
                "add [[layers.context]] (file, name, type) to tryggaplatser.toml",
            ),
        )
    auto = distances is None
    distances = tuple(sorted(float(d) for d in (distances or DEFAULT_DISTANCES)))
    cells = hotspot_count(data, grid, quiet=quiet)
    y = cells["n"].to_numpy(float)
    offset = None
    if "inside" in cells.columns and (cells["inside"] < 1 - 1e-9).any():
        offset = np.log(np.clip(cells["inside"].to_numpy(float), 1e-6, None))
    design, info = candidate_variables(cells, context.to_crs(cells.crs), distances)
    X0 = pd.DataFrame({"const": np.ones(len(y))}, index=cells.index)
    alpha0, dispersion = _choose_alpha(y, X0, offset)
    chosen, path = _forward(y, design, info, offset, alpha0)
    return _finish(y, cells, design, info, offset, (alpha0, dispersion), chosen, path, auto)


def _finish(y, cells, design, info, offset, start, chosen, path, auto) -> RiskTerrainResult:
    """The final fit (α re-estimated), the factor table, the surface and the provenance."""
    alpha0, dispersion = start
    n = len(y)
    X = design[chosen].assign(const=1.0)[["const", *chosen]]
    alpha = ml_alpha(y, X, offset) if alpha0 > 0 else 0.0
    res = fit_count_model(y, X, offset, alpha)
    bic = float(-2.0 * res.llf + X.shape[1] * math.log(n))
    left = _left_out(y, design, info, offset, alpha, chosen, bic)
    gains = {p[1]: p[4] for p in path if p[5]}
    factors = _factor_table(info, design, res, chosen, left, gains, cells, y)
    surface = cells.copy()
    beta = np.asarray(res.params, float)
    lin = X.to_numpy(float) @ beta
    surface["expected"] = np.exp(lin + (0.0 if offset is None else offset))
    surface["relative_risk"] = np.exp(lin - beta[0])
    for var in chosen:
        surface[var] = design[var].to_numpy()
    steps = pd.DataFrame(
        path, columns=["step", "variable", "factor", "bic", "delta_bic", "entered"]
    )
    model = {
        "family": "negbin" if alpha > 0 else "poisson",
        "alpha": float(alpha),
        "alpha_selection": float(alpha0),
        "dispersion": dispersion,
        "n_cells": n,
        "n_events": int(y.sum()),
        "bic_null": float(steps["bic"].iloc[0]),
        "bic": bic,
        "offset": offset is not None,
        "columns": list(X.columns),
        "params": beta,
    }
    return RiskTerrainResult(factors, steps, surface, design, model, _params(info, model, auto))


def _factor_table(info, design, res, chosen, left, gains, cells, y) -> pd.DataFrame:
    """One row per factor: selected or not, its variable and relative risk with 95 % CI."""
    rows = []
    for factor, part in info.groupby("factor", sort=True):
        var = next((v for v in chosen if v in set(part["variable"])), None)
        row = {"factor": factor, "context_type": part["context_type"].iloc[0]}
        row["n_features"] = int(part["n_features"].iloc[0])
        if var is not None:
            b, se = float(res.params[var]), float(res.bse[var])
            meta = part.set_index("variable").loc[var]
            row.update(selected=True, variable=var, kind=meta["kind"], distance=meta["distance"])
            row.update(coef=b, se=se, rr=math.exp(b), pvalue=float(res.pvalues[var]))
            row.update(rr_lo=math.exp(b - Z95 * se), rr_hi=math.exp(b + Z95 * se))
            row["delta_bic"] = float(gains.get(var, math.nan))
            exposed = design[var].to_numpy() > 0
            row["cells_exposed"] = int(exposed.sum())
            row["events_exposed"] = int(y[exposed].sum())
        else:
            best, delta = left.get(factor, ("", math.nan))
            meta = part.set_index("variable").loc[best] if best else None
            row.update(selected=False, variable=best, delta_bic=delta)
            row.update(kind=meta["kind"] if meta is not None else "")
            row.update(distance=meta["distance"] if meta is not None else math.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("coef", "se", "rr", "rr_lo", "rr_hi", "pvalue", "cells_exposed", "events_exposed"):
        if col not in out.columns:
            out[col] = math.nan
    out["significant"] = (out["rr_lo"] > 1) | (out["rr_hi"] < 1)
    order = ["factor", "context_type", "n_features", "selected", "variable", "kind", "distance"]
    order += ["coef", "se", "rr", "rr_lo", "rr_hi", "pvalue", "significant", "delta_bic"]
    order += ["cells_exposed", "events_exposed"]
    return out[order].sort_values(["selected", "rr"], ascending=[False, False], ignore_index=True)


def _params(info: pd.DataFrame, model: dict, auto: bool) -> dict[str, dict[str, Any]]:
    """Provenance of the model's choices (printed in the methods box)."""
    distances = sorted(set(info["distance"]))
    fam = model["family"]
    return {
        "risk_distances": {
            "value": ", ".join(f"{d:g} m" for d in distances),
            "auto": auto,
            "rule": tr(
                "standardavstånd (närhet och täthet inom varje avstånd)",
                "default distances (proximity and density within each distance)",
            )
            if auto
            else tr("[risk] distances", "[risk] distances"),
        },
        "risk_family": {
            "value": tr("negativ binomial (NB2)", "negative binomial (NB2)")
            if fam == "negbin"
            else "Poisson",
            "auto": True,
            "rule": tr(
                "Poisson om Pearson-dispersionen ≤ {o}, annars NB2 med α = {a:.3g} "
                "(maximum likelihood); dispersion {d:.2f}",
                "Poisson if the Pearson dispersion ≤ {o}, else NB2 with α = {a:.3g} "
                "(maximum likelihood); dispersion {d:.2f}",
                o=OVERDISPERSION,
                a=model["alpha"],
                d=model["dispersion"],
            ),
        },
        "risk_selection": {
            "value": tr("framåtval med BIC", "forward selection by BIC"),
            "auto": True,
            "rule": tr(
                "en variabel per faktor; in när BIC sjunker med minst {g:g}",
                "one variable per factor; enters when BIC falls by at least {g:g}",
                g=MIN_BIC_GAIN,
            ),
        },
    }
