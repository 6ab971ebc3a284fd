"""Hotspot verbs: points in, a GeoDataFrame of grid cells out (sfhotspot's ``hotspot_*`` family).

Every verb takes ``data`` (points, EPSG:3006) and either a ``grid`` from :func:`make_grid` or a
``cell_size`` (``None`` = automatic). Results keep ``cell_id``, ``row``, ``col`` and ``geometry``
and add the pinned columns listed in each docstring. Every automatic choice is announced (unless
``quiet=True``) and recorded in ``result.attrs["tryggaplatser"]["params"]`` as
``{"value": …, "auto": True, "rule": "…"}``; units are in ``attrs["tryggaplatser"]["units"]``.
Inputs are never modified; nothing here draws, writes or prints.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._announce import announce
from .._compat import renamed
from ..errors import ArgumentError
from ..i18n import tr
from ..policy import LOCAL_TZ
from . import gistar as _gi
from . import kde as _kde
from ._common import (
    attach,
    check_points,
    check_positive,
    check_same_crs,
    fmt_m,
    record_param,
    weights_array,
)
from .grid import (
    count_dense,
    dense_mask,
    flat_of_cells,
    make_grid,
    resolve_grid,
)
from .periods import aware_times, last_local_day, local_stamp
from .trend import mann_kendall

__all__ = [
    "hotspot_change",
    "hotspot_classify",
    "hotspot_count",
    "hotspot_dual_kde",
    "hotspot_gistar",
    "hotspot_kde",
    "make_grid",
]

TIME_COLUMN = "occurred_at"
DAYS_PER_YEAR = 365.25

NEIGHBOURHOOD_RULE = (
    "binära vikter, cellen själv + 8 grannar (avståndsband c·√2), analytiskt z — som sfhotspot"
)
HEX_NEIGHBOURHOOD_RULE = (
    "binära vikter, cellen själv + sina 6 grannsexhörningar (avståndsband = bredden mellan "
    "motstående sidor, √3·R), analytiskt z"
)
#: Hexagon KDE: fine square lattice spacing as a fraction of the bandwidth (δ ≤ h / 20).
HEX_FINE_PER_BANDWIDTH = 20.0
PERIOD_RULE = (
    "tidsspann ≤ 14 d → 1 d; ≤ 91 d → 7 d; ≤ 732 d → 28 d; ≤ 3653 d → 91 d; annars 1 år (sfhotspot)"
)


# --- shared steps ---------------------------------------------------------------------------


class _Prepared:
    """Validated inputs and the grid, shared by the verbs."""

    def __init__(
        self,
        data: Any,
        grid: Any,
        cell_size: float | None,
        weights: str | None,
        area: Any,
        quiet: bool,
        shape: str | None = None,
    ):
        self.x, self.y = check_points(data)
        self.w = weights_array(data, weights)
        self.cells, self.spec, self.record = resolve_grid(data, grid, cell_size, area, quiet, shape)
        self.mask = dense_mask(self.cells, self.spec)
        self.flat = flat_of_cells(self.cells, self.spec)
        self.inside = None  # share of each cell inside the study area (None: all whole)
        if "inside" in self.cells.columns:
            inside = np.zeros(self.spec.n_cells)
            inside[self.flat] = self.cells["inside"].to_numpy(dtype=float)
            self.inside = inside.reshape(self.spec.nrows, self.spec.ncols)
        self.counts, _ = count_dense(self.spec, self.x, self.y)
        self.n = self.counts.ravel()[self.flat].astype(np.int64)
        n_out = len(self.x) - int(self.n.sum())
        if len(self.x) and n_out == len(self.x):
            raise ArgumentError(
                tr(
                    "Rutnätet täcker ingen av de {n} punkterna.",
                    "The grid covers none of the {n} points.",
                    n=len(self.x),
                ),
                rule="GRID_NO_OVERLAP",
                fix=tr(
                    "kontrollera att rutnät, studieområde och punkter gäller samma plats och "
                    "koordinatsystem",
                    "check that the grid, the study area and the points cover the same place "
                    "in the same coordinate system",
                ),
            )
        self.record["n_points"] = len(self.x)
        self.record["n_outside_grid"] = n_out
        if n_out:
            msg = tr(
                "{k} av {n} punkter ligger utanför rutnätet och räknas inte.",
                "{k} of {n} points lie outside the grid and are not counted.",
                k=n_out,
                n=len(self.x),
            )
            self.record["notes"].append(msg)
            announce(msg, quiet=quiet)
        if weights is not None:
            record_param(self.record, "weights", weights, auto=False)

    def column(self, dense: np.ndarray) -> np.ndarray:
        return dense.ravel()[self.flat]


def _years(
    data: Any, period: tuple[Any, Any] | None, record: dict[str, Any], quiet: bool
) -> float | None:
    """Length of the time window in years for the per-year density; ``None`` if unknown."""
    import pandas as pd

    if period is not None:
        start, end = (pd.Timestamp(period[0]), pd.Timestamp(period[1]))
        days = (end - start) / pd.Timedelta(days=1)
        if not days > 0:
            raise ArgumentError(
                tr(
                    "`period` måste sluta efter att den börjar, fick {p!r}.",
                    "`period` must end after it starts, got {p!r}.",
                    p=period,
                ),
                rule="PERIOD_ORDER",
            )
        record_param(record, "period", [str(start), str(end)], auto=False)
        return days / DAYS_PER_YEAR
    if TIME_COLUMN not in data.columns:
        record["notes"].append(
            tr(
                "Ingen tidskolumn: tätheten anges per km² (inte per år).",
                "No time column: density is per km² (not per year).",
            )
        )
        return None
    start, end = _day_window(aware_times(data[TIME_COLUMN], "data"))
    days = (end - start) / pd.Timedelta(days=1)
    rule = WINDOW_RULE
    first, last = local_days(start, end)
    record_param(
        record,
        "period",
        [first, last],
        auto=True,
        rule=rule,
        quiet=quiet,
        message=tr(
            "Tidsfönster för täthet per år: {a} – {b} ({d:.0f} dagar, {rule}).",
            "Time window for density per year: {a} – {b} ({d:.0f} days, {rule}).",
            a=first,
            b=last,
            d=days,
            rule=rule,
        ),
    )
    return days / DAYS_PER_YEAR


WINDOW_RULE = (
    "hela dygn (Europe/Stockholm) från första händelsens dag till och med sista händelsens dag"
)


def local_days(start: Any, end: Any) -> tuple[str, str]:
    """A ``[start, end)`` window of UTC timestamps as the local calendar dates it covers,
    ``(first day, last day)`` inclusive: what every message and output prints (never the UTC
    date of a local midnight, which is a day early)."""
    import pandas as pd

    first = pd.Timestamp(start).tz_convert(LOCAL_TZ)
    return first.date().isoformat(), last_local_day(end).isoformat()


def _day_window(t: Any) -> tuple[Any, Any]:
    """``[local midnight of the first event's day, local midnight after the last event's day)``
    in UTC: the default time window of every verb."""
    import pandas as pd

    local = aware_times(t).dt.tz_convert(LOCAL_TZ)
    start = local.min().floor("D")
    end = local.max().floor("D") + pd.DateOffset(days=1)  # next local midnight, also on DST days
    return start.tz_convert("UTC"), end.tz_convert("UTC")


def _bandwidth(
    prep: _Prepared, bandwidth: float | None, bandwidth_adjust: float, quiet: bool
) -> float:
    h = check_positive(bandwidth, "bandwidth")
    adj = check_positive(bandwidth_adjust, "bandwidth_adjust", allow_none=False)
    if h is None:
        if len(prep.x) < 2:
            raise ArgumentError(
                tr(
                    "Minst två punkter behövs för automatisk bandbredd, fick {n}.",
                    "At least two points are needed for an automatic bandwidth, got {n}.",
                    n=len(prep.x),
                ),
                rule="BANDWIDTH_AUTO",
                fix=tr("ange bandwidth", "give bandwidth"),
            )
        base = _kde.auto_bandwidth(prep.x, prep.y, prep.w)
        if not base > 0:
            raise ArgumentError(
                tr(
                    "Automatisk bandbredd blev 0 (punkterna ligger på samma plats).",
                    "The automatic bandwidth is 0 (the points are at one place).",
                ),
                rule="BANDWIDTH_AUTO",
                fix=tr("ange bandwidth", "give bandwidth"),
            )
        h = base * adj
        rule = _kde.BANDWIDTH_RULE + (f" × bandwidth_adjust {adj:g}" if adj != 1 else "")
        record_param(
            prep.record,
            "bandwidth",
            round(h, 3),
            auto=True,
            rule=rule,
            quiet=quiet,
            message=tr(
                "Bandbredd {h} m vald automatiskt ({rule}).",
                "Bandwidth set to {h} m automatically ({rule}).",
                h=fmt_m(round(h)),
                rule=rule,
            ),
        )
    else:
        h = h * adj
        record_param(prep.record, "bandwidth", h, auto=False)
    record_param(prep.record, "bandwidth_adjust", adj, auto=False)
    record_param(prep.record, "kernel", "quartic", auto=False)
    return h


def _kde_column(
    prep: _Prepared,
    data: Any,
    h: float,
    period: Any,
    quiet: bool,
) -> tuple[np.ndarray, np.ndarray]:
    if prep.spec.is_hexagon:
        dens, method = _hex_kde_dense(prep, h)
    else:
        dens, method = _kde.kde_dense(prep.x, prep.y, prep.spec, h, prep.w)
    years = _years(data, period, prep.record, quiet)
    scale = 1e6 / (years if years else 1.0)
    dens = dens * scale
    prep.record["units"]["kde"] = "händelser per km² och år" if years else "händelser per km²"
    if prep.w is not None:
        prep.record["units"]["kde"] = prep.record["units"]["kde"].replace("händelser", "vikt")
    prep.record["kde_method"] = method
    return prep.column(dens), dens


def hex_kde_exact(
    x: np.ndarray,
    y: np.ndarray,
    cx: np.ndarray,
    cy: np.ndarray,
    h: float,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Exact quartic sum (per m²) at the points ``(cx, cy)``: every pair closer than ``h``
    found with :class:`scipy.spatial.cKDTree` (``O(pairs)``)."""
    from scipy.spatial import cKDTree

    out = np.zeros(len(cx))
    if len(x) == 0 or len(cx) == 0:
        return out
    centres = cKDTree(np.column_stack([cx, cy]))
    chunk = 200_000
    for start in range(0, len(x), chunk):
        sl = slice(start, start + chunk)
        pts = cKDTree(np.column_stack([x[sl], y[sl]]))
        pairs = pts.sparse_distance_matrix(centres, h, output_type="ndarray")
        val = _kde.quartic(pairs["v"] ** 2, h)
        if weights is not None:
            val = val * weights[sl][pairs["i"]]
        out += np.bincount(pairs["j"], weights=val, minlength=len(cx))
    return out


def _hex_kde_dense(prep: _Prepared, h: float, method: str | None = None) -> tuple[np.ndarray, str]:
    """Quartic density at hexagon centres, as a dense axial array (zero off the grid).

    Method, chosen by estimated cost: **fft** — the existing linear-binning + FFT path on a
    temporary fine *square* lattice of spacing ``δ = h/20`` covering the hexagon centres, then
    bilinear interpolation at each centre (interpolation error ≤ δ²/8·max|K''| = 0.125 % of a
    single kernel's peak, binning error O(δ²/h²); within 1 % of the peak, tested); or **exact**
    — the quartic sum over all point–centre pairs closer than ``h`` (:func:`hex_kde_exact`),
    used when it is cheaper (small ``h`` relative to the cell) or the fine lattice would exceed
    :data:`tryggaplatser.analysis.kde.MAX_FINE_NODES`. ``method`` (``"exact"`` or ``"fft"``)
    forces one (tests, benchmarks).
    """
    from .grid import GridSpec

    spec = prep.spec
    rows, cols = np.divmod(prep.flat, spec.ncols)
    cx, cy = spec.cell_centres(rows, cols)
    delta = h / HEX_FINE_PER_BANDWIDTH
    fx0 = math.floor(cx.min() / delta) * delta - 2 * delta
    fy0 = math.floor(cy.min() / delta) * delta - 2 * delta
    ncols_f = math.ceil((cx.max() - fx0) / delta) + 3
    nrows_f = math.ceil((cy.max() - fy0) / delta) + 3
    pad = math.ceil(HEX_FINE_PER_BANDWIDTH) + 2
    nodes = (nrows_f + 2 * pad) * (ncols_f + 2 * pad)
    hex_area = spec.cell_size**2
    cost_exact = len(prep.x) * (math.pi * h * h / hex_area + 1.0) * 40.0 + len(cx) * 20.0
    cost_fft = nodes * max(math.log2(nodes), 1.0) * 2.0 + len(prep.x) * 12.0
    out = np.zeros(spec.n_cells)
    if method is None:
        too_big = nodes > _kde.MAX_FINE_NODES
        method = "exact" if too_big or cost_exact <= cost_fft else "fft"
    if method == "exact":
        out[prep.flat] = hex_kde_exact(prep.x, prep.y, cx, cy, h, prep.w)
        return out.reshape(spec.nrows, spec.ncols), "exact"
    fine = GridSpec(fx0, fy0, delta, nrows_f, ncols_f, spec.crs)
    dens, _ = _kde.kde_dense(prep.x, prep.y, fine, h, prep.w, method="fft")
    south_up = dens[::-1, :]
    u = (cx - fx0) / delta - 0.5
    v = (cy - fy0) / delta - 0.5
    j = np.floor(u).astype(np.int64)
    i = np.floor(v).astype(np.int64)
    fu, fv = u - j, v - i
    val = (
        south_up[i, j] * (1 - fu) * (1 - fv)
        + south_up[i, j + 1] * fu * (1 - fv)
        + south_up[i + 1, j] * (1 - fu) * fv
        + south_up[i + 1, j + 1] * fu * fv
    )
    out[prep.flat] = np.maximum(val, 0.0)
    return out.reshape(spec.nrows, spec.ncols), "fft+bilinear"


def _finish(prep: _Prepared, columns: dict[str, np.ndarray]) -> Any:
    out = prep.cells
    geom = out.geometry.name
    for name, values in columns.items():
        out[name] = values
    order = ["cell_id", "row", "col", *columns, geom]
    out = out[order]
    return attach(out, prep.record, prep.spec.to_dict())


# --- verbs ----------------------------------------------------------------------------------


def hotspot_count(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    *,
    shape: str | None = None,
    weights: str | None = None,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Count points per grid cell.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Points in a projected CRS in metres (EPSG:3006).
    grid : geopandas.GeoDataFrame, optional
        Cells from :func:`make_grid` (same CRS as ``data``); built automatically if ``None``.
    cell_size : float, optional
        Cell side in metres when ``grid`` is ``None`` (``None`` = automatic, see
        :func:`tryggaplatser.analysis.grid.auto_cell_size`).
    weights : str, optional
        Column of non-negative weights; adds the column ``sum``.
    shape : {"square", "hexagon"}, optional
        Cell shape of an automatic grid (``None`` = square, or the shape of ``grid``; a
        ``shape`` that contradicts ``grid`` is refused). Hexagons are pointy-top with the area
        of the square of ``cell_size``; see :func:`tryggaplatser.analysis.grid.make_grid`.
    area : GeoDataFrame or geometry, optional
        Clip an automatic grid to this polygon.
    quiet : bool
        Do not announce automatic choices.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n[, sum], geometry``. Each point is counted in exactly one
        cell (half-open cells, see :mod:`tryggaplatser.analysis.grid`); points outside the grid
        are reported in ``attrs["tryggaplatser"]["n_outside_grid"]``.
    """
    prep = _Prepared(data, grid, cell_size, weights, area, quiet, shape)
    cols: dict[str, np.ndarray] = {"n": prep.n}
    if prep.w is not None:
        sums, _ = count_dense(prep.spec, prep.x, prep.y, prep.w)
        cols["sum"] = prep.column(sums)
    return _finish(prep, cols)


def hotspot_kde(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    *,
    shape: str | None = None,
    bandwidth_adjust: float = 1.0,
    weights: str | None = None,
    period: tuple[Any, Any] | None = None,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Quartic kernel density at cell centres, in events per km² per year.

    Parameters
    ----------
    data, grid, cell_size, shape, weights, area, quiet
        As in :func:`hotspot_count`.
    bandwidth : float, optional
        Kernel radius ``h`` in metres. ``None`` uses ArcGIS's rule
        ``h = 0.9 · min(SD, √(1/ln 2)·Dm) · n^(−0.2)`` (SD standard distance, Dm median distance
        to the mean centre; Esri "How Kernel Density works"), announced and recorded.
    bandwidth_adjust : float
        Multiplies the bandwidth (automatic or given), as in sfhotspot.
    period : (start, end), optional
        Time window for the per-year scaling; ``None`` = first to last ``occurred_at`` (at least
        one day). Without an ``occurred_at`` column the density is per km².

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n, kde, geometry``. ``kde`` =
        ``Σ_i w_i K_h(‖centre − p_i‖) · 10⁶ / years`` with the quartic kernel
        ``K_h(r) = 3/(πh²)·(1 − r²/h²)²`` (Silverman 1986), i.e. events (or weight) per km² per
        year; the unit is in ``attrs["tryggaplatser"]["units"]["kde"]`` and the evaluation method
        (linear binning + FFT, or exact) in ``attrs["tryggaplatser"]["kde_method"]``. Points
        beyond the grid edge still contribute to cells within ``h``. For hexagons the density
        is evaluated at the hexagon centres: FFT on a fine square lattice (δ = h/20) with
        bilinear interpolation (``"fft+bilinear"``), or the exact pairwise sum (``"exact"``),
        whichever is cheaper; both within 1 % of the peak of the exact sum.
    """
    prep = _Prepared(data, grid, cell_size, weights, area, quiet, shape)
    h = _bandwidth(prep, bandwidth, bandwidth_adjust, quiet)
    kde_col, _ = _kde_column(prep, data, h, period, quiet)
    return _finish(prep, {"n": prep.n, "kde": kde_col})


def _distance(prep: _Prepared, distance: float | None, quiet: bool) -> np.ndarray:
    c = prep.spec.cell_size
    hexagon = prep.spec.is_hexagon
    width = math.sqrt(3.0) * prep.spec.hex_radius
    d = check_positive(distance, "distance")
    if d is None:
        d = width if hexagon else c * math.sqrt(2.0)
        rule = HEX_NEIGHBOURHOOD_RULE if hexagon else NEIGHBOURHOOD_RULE
        record_param(
            prep.record,
            "neighbourhood",
            {"distance_m": round(d, 3), "weights": "binary", "cells": 7 if hexagon else 9},
            auto=True,
            rule=rule,
            quiet=quiet,
            message=tr("Grannskap för Gi*: {rule}.", "Gi* neighbourhood: {rule}.", rule=rule),
        )
    fp = _gi.hex_footprint(width, d) if hexagon else _gi.footprint(c, d)
    if d is not None and "neighbourhood" not in prep.record["params"]:
        record_param(
            prep.record,
            "neighbourhood",
            {"distance_m": d, "weights": "binary", "cells": int(fp.sum())},
            auto=False,
        )
    return fp


def hotspot_gistar(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    *,
    shape: str | None = None,
    kde: bool = False,
    bandwidth_adjust: float = 1.0,
    weights: str | None = None,
    distance: float | None = None,
    fdr: bool = True,
    period: tuple[Any, Any] | None = None,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Getis-Ord Gi* hot and cold spots per cell, with FDR-corrected confidence bins.

    Parameters
    ----------
    data, grid, cell_size, shape, weights, area, quiet
        As in :func:`hotspot_count`.
    bandwidth, bandwidth_adjust, period
        As in :func:`hotspot_kde`; used only with ``kde=True``.
    kde : bool
        Compute Gi* on the KDE values instead of the counts (``n``, or ``sum`` with weights).
    distance : float, optional
        Neighbourhood radius in metres: binary weights for all cells whose centres are within
        ``distance`` of the cell's centre, the cell itself included (the "star"). ``None`` =
        ``c·√2``, the cell and its 8 neighbours, as sfhotspot's ``hotspot_gistar``. Hexagons:
        ``None`` = the width between opposite edges (``√3·R ≈ 1.0746·c``), the cell and its 6
        neighbours (the same weights as libpysal's Rook or Queen contiguity of the hexagons);
        a larger ``distance`` takes further rings by centre distance.
    fdr : bool
        Bins after the False Discovery Rate correction (Benjamini–Hochberg at 90/95/99 %), as
        ArcGIS's Optimized Hot Spot Analysis. ``False`` uses the raw p-values.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n[, kde], gistar, pvalue, gi_bin, geometry``: ``gistar`` the
        analytic Gi* z (Ord & Getis 1995; equal to
        ``esda.G_Local(y, w, star=True, transform="B", permutations=0).Zs``), ``pvalue``
        two-sided, ``gi_bin`` −3…+3 (±3/±2/±1 = hot/cold at 99/95/90 %). Grid edges and clipped
        cells have fewer neighbours; they are not padded.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> xy = np.r_[rng.uniform(0, 2000, (400, 2)), rng.normal(1125, 150, (200, 2))]
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3006)
    >>> cells = hotspot_gistar(pts, cell_size=250, quiet=True)
    >>> list(cells.columns)
    ['cell_id', 'row', 'col', 'n', 'gistar', 'pvalue', 'gi_bin', 'geometry']
    >>> top = cells.loc[cells.gistar.idxmax()]
    >>> int(cells.n.sum()), top.cell_id, int(top.gi_bin)
    (600, '250mE1000N1000', 3)
    """
    prep = _Prepared(data, grid, cell_size, weights, area, quiet, shape)
    fp = _distance(prep, distance, quiet)
    cols: dict[str, np.ndarray] = {"n": prep.n}
    if kde:
        h = _bandwidth(prep, bandwidth, bandwidth_adjust, quiet)
        cols["kde"], values = _kde_column(prep, data, h, period, quiet)
        on = "kde"
    elif prep.w is not None:
        values, _ = count_dense(prep.spec, prep.x, prep.y, prep.w)
        cols["sum"] = prep.column(values)
        on = "sum"
    else:
        values = prep.counts.astype(float)
        on = "n"
    record_param(prep.record, "gistar_on", on, auto=False)
    record_param(prep.record, "fdr", bool(fdr), auto=False)
    z = _gi.gistar_dense(values, prep.mask, fp)
    if on == "n":  # counts: the test that is valid for this many events (gistar.count_test)
        p_dense, test, expected = _gi.count_pvalues(prep.counts, prep.mask, fp, z, prep.inside)
        _record_test(prep, test, expected, quiet)
        if test == "none":
            z = np.full(z.shape, np.nan)
        p = prep.column(p_dense)
    else:
        p = _gi.pvalue_two_sided(prep.column(z))
    zc = prep.column(z)
    cols.update({"gistar": zc, "pvalue": p, "gi_bin": _gi.fdr_bins(zc, p, fdr)})
    if not np.isfinite(zc).any() and on != "n":
        prep.record["notes"].append(
            tr(
                "Alla celler har samma värde: Gi* saknas (NaN).",
                "All cells have the same value: Gi* is undefined (NaN).",
            )
        )
    return _finish(prep, cols)


def _record_test(prep: _Prepared, test: str, expected: float, quiet: bool) -> None:
    """Record (and announce when it is not the usual one) which significance test was used."""
    rules = {
        "normal": (
            "Gi* z, normalfördelningens p-värde",
            "Gi* z, normal p-value",
        ),
        "exact": (
            "exakt binomialtest av grannskapets antal givet totalen (glesa data: i medel "
            "{e} förväntade händelser per grannskap < {m})",
            "exact binomial test of the neighbourhood count given the total (sparse data: "
            "{e} expected events per neighbourhood on average < {m})",
        ),
        "none": (
            "för få händelser för ett signifikanstest ({n} < {k}): bara antal och täthet",
            "too few events for a significance test ({n} < {k}): counts and density only",
        ),
        "exact_area": (
            "exakt binomialtest av grannskapets antal givet totalen, varje ruta vägd med sin "
            "yta inom studieområdet (rutor som gränsen skär väntas rymma färre händelser; "
            "normalfördelningen skulle ge falska kalla punkter längs gränsen)",
            "exact binomial test of the neighbourhood count given the total, each cell weighted "
            "by its area inside the study area (cells cut by the boundary are expected to hold "
            "fewer events; the normal test would give false cold spots along it)",
        ),
    }
    sv, en = rules[test]
    text = tr(
        sv,
        en,
        e=f"{expected:.1f}".replace(".", ",") if tr("sv", "en") == "sv" else f"{expected:.1f}",
        m=f"{_gi.MIN_EXPECTED:g}",
        n=int(prep.n.sum()),
        k=_gi.MIN_EVENTS,
    )
    record_param(prep.record, "test", test, auto=True, rule=text)
    if test not in ("normal", "exact_area"):
        prep.record["notes"].append(text[:1].upper() + text[1:] + ".")
        announce(text[:1].upper() + text[1:] + ".", quiet=quiet)


# --- classification over time ---------------------------------------------------------------


def auto_period_days(span_days: float) -> int:
    """sfhotspot's period rule (``hotspot_classify.R``): span ≤ 14 d → 1 d; ≤ 91 d → 7 d;
    ≤ 732 d → 28 d; ≤ 3 653 d → 91 d; else 365 d."""
    for limit, days in ((14, 1), (91, 7), (732, 28), (3653, 91)):
        if span_days <= limit:
            return days
    return 365


def _times(data: Any, name: str = "data"):
    import pandas as pd

    if TIME_COLUMN not in data.columns:
        raise ArgumentError(
            tr(
                "`{name}` saknar tidskolumnen `{c}`.",
                "`{name}` has no time column `{c}`.",
                name=name,
                c=TIME_COLUMN,
            ),
            rule="COLUMNS_MISSING",
            fix=tr(
                "läs in händelser med tryggaplatser.load_layer",
                "read incidents with tryggaplatser.load_layer",
            ),
        )
    t = pd.to_datetime(data[TIME_COLUMN])
    if t.isna().any():
        first = int(np.flatnonzero(t.isna().to_numpy())[0])
        raise ArgumentError(
            tr(
                "`{name}` rad {row} saknar tidpunkt i `{c}`.",
                "`{name}` row {row} has no time in `{c}`.",
                name=name,
                row=first,
                c=TIME_COLUMN,
            ),
            rule="TIME_MISSING",
        )
    return aware_times(t, name)


HOT_LEVEL = 1  # gi_bin ≥ 1: hot at 90 % after FDR, as Esri's Emerging Hot Spot Analysis
PERSISTENT_SHARE = 0.9
TREND_ALPHA = 0.05

#: Category codes of the hot classes in Esri's order; the cold classes are ``<code>_kall``.
HOT_CLASSES = (
    "ny",
    "i_foljd",
    "intensifierande",
    "bestaende",
    "avtagande",
    "sporadisk",
    "oscillerande",
    "historisk",
)
NO_PATTERN = "inget_monster"


def _esri_classes(on: np.ndarray, off: np.ndarray, rising: np.ndarray, falling: np.ndarray):
    """The eight Esri conditions, in Esri's order, for one side (hot or cold).

    ``on`` is the side's per-period flag (hot, or cold), ``off`` the other side's; ``rising``
    and ``falling`` the significant trends that intensify and diminish this side."""
    n = on.shape[1]
    final = on[:, -1]
    count = on.sum(axis=1)
    share = count / n
    big = share >= PERSISTENT_SHARE
    # length of the run of flagged periods that ends with the final period
    gaps = ~on[:, ::-1]
    run = np.where(gaps.any(axis=1), np.argmax(gaps, axis=1), n)
    single_run = final & (count == run)
    return [
        final & (count == 1),  # new
        single_run & (run >= 2) & ~big,  # consecutive
        big & final & rising,  # intensifying
        big & final & ~rising & ~falling,  # persistent
        big & final & falling,  # diminishing
        final & ~big & ~single_run & ~off.any(axis=1),  # sporadic
        final & ~big & off[:, :-1].any(axis=1),  # oscillating
        big & ~final,  # historical
    ]


def classify_series(
    hot: np.ndarray,
    trend_z: np.ndarray,
    trend_p: np.ndarray,
    cold: np.ndarray | None = None,
    alpha: float = TREND_ALPHA,
) -> np.ndarray:
    """Esri's Emerging Hot Spot category codes from ``(cells, periods)`` boolean hot (and cold)
    flags and each cell's Mann-Kendall trend (``trend_z``, p-value ``trend_p``, significant at
    ``p < alpha``). The rules and their order are those of :func:`hotspot_classify`."""
    hot = np.asarray(hot, dtype=bool)
    cold = np.zeros(hot.shape, dtype=bool) if cold is None else np.asarray(cold, dtype=bool)
    sig = np.asarray(trend_p, dtype=float) < alpha
    z = np.asarray(trend_z, dtype=float)
    up, down = sig & (z > 0), sig & (z < 0)
    rules = list(zip(_esri_classes(hot, cold, up, down), HOT_CLASSES))
    rules += zip(_esri_classes(cold, hot, down, up), (f"{c}_kall" for c in HOT_CLASSES))
    cat = np.full(hot.shape[0], NO_PATTERN, dtype=object)
    done = np.zeros(hot.shape[0], dtype=bool)
    for cond, code in rules:
        sel = cond & ~done
        cat[sel] = code
        done |= sel
    return cat


@renamed(period="time_step")
def hotspot_classify(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    *,
    shape: str | None = None,
    time_step: str | Any = None,
    start: Any = None,
    end: Any = None,
    distance: float | None = None,
    fdr: bool = True,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Classify cells by how their hot- and cold-spot status changes over time (Esri's
    Emerging Hot Spot Analysis classes, exactly as published).

    The time window (``start``–``end``, default first–last ``occurred_at``) is cut into n equal
    periods counted backwards from ``end``; an incomplete earliest part shorter than one period
    is left out (announced). Each period gets Gi* on its counts (as :func:`hotspot_gistar`,
    same grid, neighbourhood and validity rule) and a cell is *hot* in a period when its bin is
    ≥ +1 and *cold* when it is ≤ −1 (significant at 90 % after FDR, as Esri). A period with
    too few events for a test leaves every cell neither hot nor cold. The *hot share* is the
    share of the n periods in which the cell is hot.

    **Trend.** The Mann-Kendall test on each cell's series of Gi* z. One test per cell is many
    claims, so the p-values of the cells that are hot or cold in some period are corrected
    across those cells (Benjamini–Hochberg); a trend is significant when its q-value is
    < 0.05. The correction is recorded (``trend_correction``); ``trend_pvalue`` is uncorrected.

    **Classes** (Esri's definitions; the first that matches decides, in this order):

    1. ``ny`` (new): hot in the final period and never before.
    2. ``i_foljd`` (consecutive): a single uninterrupted run of ≥ 2 hot periods ending in the
       final period, never hot before the run, hot share < 90 %.
    3. ``intensifierande`` (intensifying): hot share ≥ 90 %, hot in the final period,
       significant increasing trend.
    4. ``bestaende`` (persistent): hot share ≥ 90 %, hot in the final period, no significant
       trend. (Esri's persistent does not name the final period; a cell with hot share ≥ 90 %
       that is not hot in the final period is Esri's historical, rule 8, whatever its trend.)
    5. ``avtagande`` (diminishing): hot share ≥ 90 %, hot in the final period, significant
       decreasing trend.
    6. ``sporadisk`` (sporadic): hot in the final period, hot share < 90 %, on-again
       off-again (hot before, not in one run up to the final period), never cold.
    7. ``oscillerande`` (oscillating): hot in the final period, cold in some earlier period,
       hot share < 90 % (and not new or consecutive).
    8. ``historisk`` (historical): not hot in the final period, hot share ≥ 90 %.

    Then the same eight rules for cold spots with hot and cold swapped, codes
    ``ny_kall``, ``i_foljd_kall``, …, ``historisk_kall``; for cold spots the trend is read
    mirrored (intensifying cold = significant *decreasing* z). Hot classes are tried before
    cold ones. Anything else is ``inget_monster`` (no pattern): e.g. a cell hot in fewer than
    90 % of the periods but not in the final one. Swedish and English labels are in the
    ``hotspot_category`` vocabulary.

    Parameters
    ----------
    data, grid, cell_size, shape, area, quiet
        As in :func:`hotspot_count`; ``data`` needs ``occurred_at``.
    time_step : str or pandas.Timedelta, optional
        Length of one time step (period), e.g. ``"28D"``. ``None`` uses sfhotspot's rule on the
        window length (:func:`auto_period_days`). (Formerly ``period=``, which elsewhere means
        the time window; the old keyword still works with a ``DeprecationWarning``.)
    start, end : datetime-like, optional
        Time window; events outside it are left out. Naive date-times are Europe/Stockholm
        local time. Default: whole local days from the first event's day to the last's.
    distance, fdr
        As in :func:`hotspot_gistar`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n, hot_periods, cold_periods, trend_z, trend_pvalue,
        hotspot_category, geometry``; ``n`` counts events in the classified periods,
        ``hot_periods`` and ``cold_periods`` the periods in which the cell was hot and cold.
        Period boundaries are in ``attrs["tryggaplatser"]["periods"]``.
    """
    import pandas as pd

    check_points(data)
    sub, t, t_start, t_end = _classify_window(data, start, end)
    span_days = (t_end - t_start) / pd.Timedelta(days=1)
    prep = _Prepared(sub, grid, cell_size, None, area, quiet, shape)
    if start is None or end is None:
        first_day, last_day = local_days(t_start, t_end)
        record_param(
            prep.record,
            "window",
            [first_day, last_day],
            auto=True,
            rule=WINDOW_RULE,
            quiet=quiet,
            message=tr(
                "Tidsfönster {a} – {b} ({rule}).",
                "Time window {a} – {b} ({rule}).",
                a=first_day,
                b=last_day,
                rule=WINDOW_RULE,
            ),
        )
    plen = _period_length(prep, time_step, span_days, quiet)
    n_periods = _count_periods(span_days, plen)
    first = t_end - n_periods * plen
    pidx, used = _period_index(prep, t, first, t_end, plen, n_periods, quiet)
    fp = _distance(prep, distance, quiet)
    record_param(prep.record, "fdr", bool(fdr), auto=False)
    cube, zs, hot, cold = _period_gistar(prep, pidx, used, n_periods, fp, fdr)
    _, tz, tp = mann_kendall(zs)
    # one trend test per cell: the claims across cells are corrected (Benjamini–Hochberg)
    tq = _bh_adjust(np.where(hot.any(axis=1) | cold.any(axis=1), tp, np.nan))
    record_param(
        prep.record,
        "trend_correction",
        "fdr_bh",
        auto=False,
        rule=tr(
            "Mann-Kendall-trenden testas per cell som är het eller kall i någon period; "
            "p-värdena korrigeras över de cellerna (Benjamini–Hochberg, FDR {a})",
            "the Mann-Kendall trend is tested per cell that is hot or cold in some period; the "
            "p-values are corrected across those cells (Benjamini–Hochberg, FDR {a})",
            a=TREND_ALPHA,
        ),
    )
    cat = classify_series(hot, tz, np.where(np.isfinite(tq), tq, 1.0), cold)
    prep.record["periods"] = [
        [str(first + k * plen), str(first + (k + 1) * plen)] for k in range(n_periods)
    ]
    prep.record["hot_level"] = "gi_bin >= 1 (90 % efter FDR)" if fdr else "gi_bin >= 1 (90 %)"
    n_used = cube.sum(axis=0).ravel()[prep.flat].astype(np.int64)
    return _finish(
        prep,
        {
            "n": n_used,
            "hot_periods": hot.sum(axis=1).astype(np.int32),
            "cold_periods": cold.sum(axis=1).astype(np.int32),
            "trend_z": tz,
            "trend_pvalue": tp,
            "hotspot_category": cat,
        },
    )


def _classify_window(data: Any, start: Any, end: Any):
    """The events inside ``start``–``end``, their times, and the window's two ends (UTC)."""
    t_all = _times(data)
    keep = np.ones(len(data), dtype=bool)
    if start is not None:
        keep &= (t_all >= _as_utc(start)).to_numpy()
    if end is not None:
        keep &= (t_all <= _as_utc(end)).to_numpy()
    if not keep.any():
        raise ArgumentError(
            tr("Inga händelser i tidsfönstret.", "No events in the time window."),
            rule="FILTER_EMPTY",
        )
    sub = data.loc[keep] if not keep.all() else data
    t = t_all[keep]
    d_start, d_end = _day_window(t)
    t_start = _as_utc(start) if start is not None else d_start
    t_end = _as_utc(end) if end is not None else d_end
    return sub, t, t_start, t_end


def _period_length(prep: _Prepared, time_step: Any, span_days: float, quiet: bool):
    """The period length: given (checked positive) or chosen by rule and announced."""
    import pandas as pd

    if time_step is None:
        pdays = auto_period_days(span_days)
        plen = pd.Timedelta(days=pdays)
        record_param(
            prep.record,
            "period_length",
            f"{pdays} d",
            auto=True,
            rule=PERIOD_RULE,
            quiet=quiet,
            message=tr(
                "Periodlängd {d} dagar vald automatiskt ({rule}).",
                "Period length set to {d} days automatically ({rule}).",
                d=pdays,
                rule=PERIOD_RULE,
            ),
        )
    else:
        plen = pd.Timedelta(time_step)
        if plen <= pd.Timedelta(0):
            raise ArgumentError(
                tr(
                    "`time_step` måste vara positiv, fick {p!r}.",
                    "`time_step` must be positive, got {p!r}.",
                    p=time_step,
                ),
                rule="NOT_POSITIVE",
            )
        record_param(prep.record, "period_length", str(plen), auto=False)
    return plen


def _count_periods(span_days: float, plen: Any) -> int:
    """Whole periods in the window; at least 4 are needed for the trend test."""
    import pandas as pd

    n_periods = int(span_days // (plen / pd.Timedelta(days=1)))
    if n_periods < 4:
        raise ArgumentError(
            tr(
                "Tidsfönstret ({d:.0f} dagar) räcker bara till {k} perioder à {p}; minst 4 behövs "
                "för trendtestet.",
                "The time window ({d:.0f} days) gives only {k} periods of {p}; at least 4 are "
                "needed for the trend test.",
                d=span_days,
                k=n_periods,
                p=plen,
            ),
            rule="TOO_FEW_PERIODS",
            fix=tr(
                "välj ett kortare tidssteg (time_step=)", "choose a shorter time step (time_step=)"
            ),
        )
    return n_periods


def _period_index(
    prep: _Prepared, t: Any, first: Any, t_end: Any, plen: Any, n_periods: int, quiet: bool
):
    """Period number of every event, and which events fall in a whole period (rest announced)."""
    pidx = np.floor(((t - first) / plen).to_numpy(dtype=float)).astype(np.int64)
    pidx = np.where((t == t_end).to_numpy(), n_periods - 1, pidx)
    pidx = np.minimum(pidx, n_periods - 1)
    used = pidx >= 0
    dropped = int((~used).sum())
    if dropped:
        msg = tr(
            "{k} händelser före {d} ligger i en ofullständig första period och utelämnas.",
            "{k} events before {d} fall in an incomplete first period and are left out.",
            k=dropped,
            d=local_stamp(first),
        )
        prep.record["notes"].append(msg)
        announce(msg, quiet=quiet)
    return pidx, used


def _period_gistar(prep: _Prepared, pidx, used, n_periods: int, fp, fdr: bool):
    """Count cube (period × row × col), Gi* z per cell and period, and the hot and cold
    flags."""
    spec = prep.spec
    flat_pts = spec.flat_index(prep.x, prep.y)
    ok = used & (flat_pts >= 0)
    cube = np.bincount(
        pidx[ok] * spec.n_cells + flat_pts[ok], minlength=n_periods * spec.n_cells
    ).reshape(n_periods, spec.nrows, spec.ncols)
    zs = np.zeros((len(prep.flat), n_periods))
    hot = np.zeros((len(prep.flat), n_periods), dtype=bool)
    cold = np.zeros((len(prep.flat), n_periods), dtype=bool)
    for k in range(n_periods):
        z_dense = _gi.gistar_dense(cube[k].astype(float), prep.mask, fp)
        p_dense, _, _ = _gi.count_pvalues(cube[k], prep.mask, fp, z_dense, prep.inside)
        z, p = prep.column(z_dense), prep.column(p_dense)
        bins = _gi.fdr_bins(z, p, fdr)  # no test in a period with too few events: all 0
        zs[:, k] = np.nan_to_num(z, nan=0.0)
        hot[:, k] = bins >= HOT_LEVEL
        cold[:, k] = bins <= -HOT_LEVEL
    return cube, zs, hot, cold


def _as_utc(value: Any):
    import pandas as pd

    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(LOCAL_TZ)
    return ts.tz_convert("UTC")


# --- change between two periods -------------------------------------------------------------


def _bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) over the finite entries."""
    q = np.full(p.shape, np.nan)
    fin = np.flatnonzero(np.isfinite(p))
    m = len(fin)
    if m == 0:
        return q
    order = fin[np.argsort(p[fin])]
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q[order] = np.minimum(ranked, 1.0)
    return q


def hotspot_change(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    *,
    shape: str | None = None,
    boundary: Any = None,
    start: Any = None,
    end: Any = None,
    expected: str = "area",
    alpha: float = 0.05,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Counts before and after a date per cell, and whether the change is significant.

    The test is the exact conditional binomial test for two Poisson counts (Przyborowski &
    Wilenski 1940): given the cell's total ``n = n_before + n_after``, ``n_after`` is
    Binomial(n, π₀) under "no change". With ``expected="area"`` (default) π₀ is the share of all
    events in the grid that fall after the boundary, so a cell is flagged only when it changed
    *differently from the whole area* (a general rise is not a local hot spot); with
    ``expected="time"`` π₀ is the after period's share of the time window. The two-sided p-value
    doubles the smaller tail (capped at 1). Cells with no events are not tested. Significance is
    judged on Benjamini–Hochberg q-values at ``alpha`` over the tested cells.

    Parameters
    ----------
    data, grid, cell_size, shape, area, quiet
        As in :func:`hotspot_count`; ``data`` needs ``occurred_at``.
    boundary : datetime-like, optional
        First instant of the "after" period. ``None`` = the middle of the time window
        (announced). Naive date-times are read as Europe/Stockholm local time.
    start, end : datetime-like, optional
        Time window (default: first and last event), read like ``boundary``.
    expected : {"area", "time"}
        Null hypothesis, see above.
    alpha : float
        FDR level for ``change_bin``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n_before, n_after, change, pvalue, qvalue, change_bin,
        geometry``: ``change = n_after − n_before``, ``change_bin`` +1 significant increase,
        −1 significant decrease, 0 otherwise.
    """
    if expected not in ("area", "time"):
        raise ArgumentError(
            tr(
                "`expected` måste vara 'area' eller 'time', fick {v!r}.",
                "`expected` must be 'area' or 'time', got {v!r}.",
                v=expected,
            ),
            rule="ARGUMENT_INVALID",
        )
    check_points(data)
    t = _times(data)
    t_start = _as_utc(start) if start is not None else t.min()
    t_end = _as_utc(end) if end is not None else t.max()
    keep = ((t >= t_start) & (t <= t_end)).to_numpy()
    sub = data.loc[keep] if not keep.all() else data
    t = t[keep]
    prep = _Prepared(sub, grid, cell_size, None, area, quiet, shape)
    b = _change_boundary(prep, boundary, t_start, t_end, quiet)
    after = (t >= b).to_numpy()
    nb, _ = count_dense(prep.spec, prep.x[~after], prep.y[~after])
    na, _ = count_dense(prep.spec, prep.x[after], prep.y[after])
    n0 = prep.column(nb).astype(np.int64)
    n1 = prep.column(na).astype(np.int64)
    tot = n0 + n1
    share = n1.sum() / max(tot.sum(), 1) if expected == "area" else (t_end - b) / (t_end - t_start)
    record_param(
        prep.record, "expected", {"kind": expected, "after_share": float(share)}, auto=False
    )
    record_param(prep.record, "alpha", alpha, auto=False)
    p, q, change_bin = _change_test(n0, n1, share, alpha)
    prep.record["n_before"] = int(n0.sum())
    prep.record["n_after"] = int(n1.sum())
    return _finish(
        prep,
        {
            "n_before": n0,
            "n_after": n1,
            "change": n1 - n0,
            "pvalue": p,
            "qvalue": q,
            "change_bin": change_bin,
        },
    )


def _change_boundary(prep: _Prepared, boundary: Any, t_start: Any, t_end: Any, quiet: bool):
    """The before/after boundary: given or the window's middle (announced); must lie inside."""
    if boundary is None:
        b = t_start + (t_end - t_start) / 2
        rule = "mitten av tidsfönstret"
        record_param(
            prep.record,
            "boundary",
            str(b),
            auto=True,
            rule=rule,
            quiet=quiet,
            message=tr(
                "Brytpunkt före/efter {b} vald automatiskt ({rule}).",
                "Before/after boundary set to {b} automatically ({rule}).",
                b=b,
                rule=rule,
            ),
        )
    else:
        b = _as_utc(boundary)
        record_param(prep.record, "boundary", str(b), auto=False)
    if not (t_start < b <= t_end):
        raise ArgumentError(
            tr(
                "Brytpunkten {b} ligger utanför tidsfönstret {a} – {e}.",
                "The boundary {b} is outside the time window {a} – {e}.",
                b=b,
                a=t_start,
                e=t_end,
            ),
            rule="CHANGE_BOUNDARY",
        )
    return b


def _change_test(n0: np.ndarray, n1: np.ndarray, share: float, alpha: float):
    """Two-sided conditional binomial p-values, BH q-values and the ±1/0 change bin per cell."""
    tot = n0 + n1
    p = np.full(len(tot), np.nan)
    tested = tot > 0
    p[tested] = _gi.binomial_two_sided(n1[tested], tot[tested], share)
    q = _bh_adjust(p)
    sig = np.isfinite(q) & (q <= alpha)
    expected_after = tot * share
    direction = np.sign(n1 - expected_after).astype(np.int8)
    change_bin = np.where(sig, direction, 0).astype(np.int8)
    return p, q, change_bin


# --- two surfaces ---------------------------------------------------------------------------


def hotspot_dual_kde(
    data: Any,
    denominator: Any,
    grid: Any = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    *,
    shape: str | None = None,
    method: str = "ratio",
    bandwidth_adjust: float = 1.0,
    weights: str | None = None,
    denominator_weights: str | None = None,
    min_denominator: float | None = None,
    area: Any = None,
    quiet: bool = False,
) -> Any:
    """Compare two kernel-density surfaces: ``data`` relative to ``denominator``.

    Both surfaces use the same grid and bandwidth (automatic from ``data`` by the rule of
    :func:`hotspot_kde`) and are densities per km² (per year when the layer has
    ``occurred_at``). Typical uses: incidents relative to population (``denominator_weights`` =
    population column), or "feels unsafe" pins relative to incidents.

    ``method="ratio"`` gives ``kde / kde_denominator``; ``"log_ratio"`` its natural log;
    ``"difference"`` gives the difference of the two surfaces each scaled to sum to 1 over the
    grid (share of the numerator minus share of the denominator, so different units compare).
    Tiny-denominator guard: ratios are NaN where ``kde_denominator < min_denominator``. ``None``
    sets it to the peak density of a single (unit-weight) denominator event,
    ``3/(πh²)`` per m² in the surface's unit — a ratio needs at least about one event's worth of
    denominator support (announced).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id, row, col, n, n_denominator, kde, kde_denominator, dual, geometry``.
    """
    if method not in ("ratio", "log_ratio", "difference"):
        raise ArgumentError(
            tr(
                "`method` måste vara 'ratio', 'log_ratio' eller 'difference', fick {m!r}.",
                "`method` must be 'ratio', 'log_ratio' or 'difference', got {m!r}.",
                m=method,
            ),
            rule="ARGUMENT_INVALID",
        )
    prep = _Prepared(data, grid, cell_size, weights, area, quiet, shape)
    check_points(denominator, "denominator")
    check_same_crs(data.crs, denominator.crs, "data", "denominator")
    h = _bandwidth(prep, bandwidth, bandwidth_adjust, quiet)
    kde_num, _ = _kde_column(prep, data, h, None, quiet)
    grid_cells = prep.cells.copy()
    grid_cells.attrs = {"tryggaplatser": {"grid": prep.spec.to_dict(), "params": {}}}
    den = hotspot_kde(denominator, grid_cells, None, h, weights=denominator_weights, quiet=True)
    kde_den = den["kde"].to_numpy()
    den_rec = den.attrs["tryggaplatser"]
    prep.record["units"]["kde_denominator"] = den_rec["units"].get("kde")
    record_param(prep.record, "method", method, auto=False)
    if method == "difference":
        s1, s2 = kde_num.sum(), kde_den.sum()
        dual = (kde_num / s1 if s1 > 0 else kde_num) - (kde_den / s2 if s2 > 0 else kde_den)
        prep.record["units"]["dual"] = "andelsskillnad"
    else:
        mind = check_positive(min_denominator, "min_denominator")
        if mind is None:
            years = _years(denominator, None, {"params": {}, "units": {}, "notes": []}, True)
            mind = 3.0 / (math.pi * h * h) * 1e6 / (years if years else 1.0)
            rule = "toppvärdet av en enda händelse i nämnarytan, 3/(πh²)"
            record_param(
                prep.record,
                "min_denominator",
                mind,
                auto=True,
                rule=rule,
                quiet=quiet,
                message=tr(
                    "Minsta nämnare {v:.3g} vald automatiskt ({rule}).",
                    "Minimum denominator set to {v:.3g} automatically ({rule}).",
                    v=mind,
                    rule=rule,
                ),
            )
        else:
            record_param(prep.record, "min_denominator", mind, auto=False)
        ok = kde_den >= mind
        dual = np.full(len(kde_num), np.nan)
        dual[ok] = kde_num[ok] / kde_den[ok]
        if method == "log_ratio":
            with np.errstate(divide="ignore"):
                dual[ok] = np.log(dual[ok])
        prep.record["units"]["dual"] = "kvot" if method == "ratio" else "log(kvot)"
        prep.record["n_guarded"] = int((~ok).sum())
    return _finish(
        prep,
        {
            "n": prep.n,
            "n_denominator": den["n"].to_numpy(),
            "kde": kde_num,
            "kde_denominator": kde_den,
            "dual": dual,
        },
    )
