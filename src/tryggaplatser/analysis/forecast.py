"""Does the map predict? Rolling-origin scoring of hotspot forecasts, and hotspot stability.

**Forecast accuracy** (:func:`forecast_accuracy`, REFERENCE.md §8). For each *origin* t (every
Monday, or every first of a month, 00:00 Europe/Stockholm) each method ranks the grid cells from
the events *before* t only; the top cells covering an area share a/A of the study area A (or its
own set, or a fixed number of cells) are its picks, scored on the N events in [t, t + h), n of
them in the picks:

* hit rate ``n / N``;
* PAI ``(n / N) / (a / A)`` (Chainey, Tompson & Uhlig 2008);
* PEI ``n / n*``, n* the most events any set of the same number of cells holds in [t, t + h)
  (Hunt 2016; "the same area" is read as the same number of cells);
* RRI ``(n₁ / n₀) / (N₁ / N₀)`` (Levine 2008): events in the picks in [t, t + h) over those in
  the period of the same length before t, relative to the whole area (NaN when n₀ = 0).

The methods, all on one grid: ``est`` (the EST focus-place points of
:func:`~tryggaplatser.analysis.est.focus_places`: 1 point per week with reports when a cell has
reports in ≥ 3 of the last 4 weeks, plus the points of its emerging-hotspot class; the
unusual-increase and near-repeat points are left out to keep the evaluation cheap; its own set
is the top 10 places, neighbouring candidate cells joining a place), ``last_period`` (the counts
of the period of length h before t), ``kde`` (quartic KDE of the last 364 days, binned at cell
centres), ``gistar`` (Gi* z of the last 364 days' counts; its own set the cells hot at 95 %
after FDR), ``persistent`` (the classes ``bestaende`` and ``intensifierande`` of Esri's
Emerging Hot Spot rules on 13 periods of 28 days before t, exactly as
:func:`~tryggaplatser.analysis.hotspots.hotspot_classify`; ranked by persistence, then hot
periods) and ``random`` (a seeded random order, the baseline). Ties are broken by a seeded
random order shared by all methods.

Speed: every window count is a difference of cumulative sums over a (time bin × cell) cube whose
bins are cut at exactly the days any window starts or ends — no re-gridding per origin. Gi* and
the classification periods are computed once per distinct 28-day window.

Intervals are percentile intervals of a moving-block bootstrap over origins (block length
``⌈n^(1/3)⌉`` origins, at least the horizon; consecutive origins share most of their history).

**Stability** (:func:`hotspot_stability`): the Gi* hot set (95 %) and the KDE's top cells are
recomputed with the cell size ×½ and ×2, the grid shifted half a cell, and (KDE) the bandwidth
×½ and ×2. Half-cell shifts in the four directions give only two distinct lattices (a shift
west is the shift east moved by a whole cell), so the shifted grids are east, north and both
(north-east): every distinct half-cell lattice. Each variant is read back onto the base grid
(a base cell is hot in a variant when at least half of it — 4 × 4 sample points — lies in
the variant's hot cells) and compared with the base: Jaccard overlap and the share of cells
with the same status. A cell's status *depends on the grid* when it is hot on the base grid
but not on every grid variant, or not hot on the base grid but hot on at least half of them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr
from ..policy import LOCAL_TZ
from . import gistar as _gi
from ._common import check_points, fmt_m, new_record, record_param
from .grid import dense_mask, flat_of_cells, grid_spec_of, resolve_grid

__all__ = [
    "METHODS",
    "ForecastAccuracy",
    "HotspotStability",
    "forecast_accuracy",
    "hotspot_stability",
    "score_picks",
]

#: The methods, in the order they are shown.
METHODS = ("est", "persistent", "gistar", "kde", "last_period", "random")
#: Methods with a set of their own (besides the top cells at an area share).
OWN_SETS = ("est", "persistent", "gistar")
#: History every origin needs: 13 periods of 28 days (the classification's year).
LOOKBACK_DAYS = 364
PERIOD_DAYS = 28
N_PERIODS = LOOKBACK_DAYS // PERIOD_DAYS
#: Area shares of the curves (hit rate against a/A).
CURVE_SHARES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20, 0.30)
#: The EST rule: recurring = reports in ≥ 3 of the last 4 weeks; the top 10 places.
EST_WEEKS, EST_MIN_WEEKS, EST_PLACES = 4, 3, 10
PERSISTENT_CLASSES = ("bestaende", "intensifierande")


def method_label(method: str) -> str:
    """The method's name for tables and legends."""
    return {
        "est": tr("EST-fokusplatser", "EST focus places"),
        "persistent": tr("Bestående hotspots", "Persistent hotspots"),
        "gistar": tr("Gi*-heta rutor", "Gi* hot cells"),
        "kde": tr("Långsiktig KDE", "Long-term KDE"),
        "last_period": tr("Förra periodens antal", "Last period's counts"),
        "random": tr("Slumpade platser", "Random places"),
    }[method]


# ---------------------------------------------------------------------------------------------
# the measures (REFERENCE.md §8)


def score_picks(
    picked: np.ndarray,
    after: np.ndarray,
    before: np.ndarray | None = None,
    area: np.ndarray | None = None,
) -> dict[str, float]:
    """Hit rate, PAI, PEI and RRI of one pick of cells.

    ``picked`` is a boolean mask over cells, ``after`` the events per cell in [t, t + h),
    ``before`` in the period of the same length before t (for RRI), ``area`` each cell's area
    (default 1 per cell). n* (PEI) is the most events any ``picked.sum()`` cells hold.
    """
    picked = np.asarray(picked, dtype=bool)
    after = np.asarray(after, dtype=float)
    area = np.ones(len(after)) if area is None else np.asarray(area, dtype=float)
    k = int(picked.sum())
    n, total = float(after[picked].sum()), float(after.sum())
    best = float(np.sort(after)[::-1][:k].sum())
    share = float(area[picked].sum() / area.sum())
    out = {"cells": k, "area_share": share, "n": n, "N": total, "n_star": best}
    out["hit_rate"] = n / total if total > 0 else math.nan
    out["pai"] = out["hit_rate"] / share if share > 0 else math.nan
    out["pei"] = n / best if best > 0 else math.nan
    if before is not None:
        before = np.asarray(before, dtype=float)
        n0, total0 = float(before[picked].sum()), float(before.sum())
        out.update(n0=n0, N0=total0)
        out["rri"] = (n / n0) / (total / total0) if n0 > 0 and total > 0 else math.nan
    return out


# ---------------------------------------------------------------------------------------------
# the window cube


class _Cube:
    """Counts per grid cell for any window of local days ``[a, b)`` whose ends are among
    ``bounds``: cumulative sums over a cube of (segment between bounds × cell)."""

    def __init__(self, day: np.ndarray, cell: np.ndarray, n_cells: int, bounds: np.ndarray):
        self.bounds = np.unique(np.asarray(bounds, dtype=np.int64))
        seg = np.searchsorted(self.bounds, day, side="right")
        nseg = len(self.bounds) + 1
        counts = np.bincount(seg * n_cells + cell, minlength=nseg * n_cells)
        self.cum = np.cumsum(counts.reshape(nseg, n_cells), axis=0, dtype=np.int64)

    def before(self, b: int) -> np.ndarray:
        """Events per cell on days < ``b``."""
        i = int(np.searchsorted(self.bounds, b))
        if i >= len(self.bounds) or self.bounds[i] != b:
            raise KeyError(b)
        return self.cum[i]

    def window(self, a: int, b: int) -> np.ndarray:
        return self.before(b) - self.before(a)


def _day_numbers(times: Any) -> np.ndarray:
    """Local calendar days (Europe/Stockholm) as days since 1970-01-01."""
    local = pd.to_datetime(pd.Series(times), utc=True).dt.tz_convert(LOCAL_TZ)
    return local.dt.tz_localize(None).to_numpy("datetime64[D]").astype(np.int64)


def _as_day(d: dt.date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def _as_date(day: int) -> dt.date:
    return np.datetime64(int(day), "D").astype(object)


def _origins(first: int, last: int, step: str, horizon: int) -> list[tuple[int, int]]:
    """``(origin, end of the test window)`` for every origin whose history starts on or after
    ``first`` + 364 days and whose test window ends by ``last`` (exclusive)."""
    earliest = _as_date(first + LOOKBACK_DAYS)
    if step == "week":
        start = earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)
        days = [_as_day(start) + 7 * i for i in range(0, max(0, (last - first) // 7 + 2))]
        pairs = [(d, d + 7 * horizon) for d in days]
    else:
        m = pd.Period(earliest, "M") + (0 if earliest.day == 1 else 1)
        pairs = []
        while True:
            a = _as_day(m.start_time.date())
            b = _as_day((m + horizon).start_time.date())
            if b > last:
                break
            pairs.append((a, b))
            m += 1
    return [(a, b) for a, b in pairs if b <= last]


def _check_step(step: Any, horizon: Any, area_shares: Any, n_boot: Any, alpha: Any) -> None:
    if step not in ("week", "month"):
        raise ArgumentError(
            tr(
                "`step` måste vara 'week' eller 'month', fick {v!r}.",
                "`step` must be 'week' or 'month', got {v!r}.",
                v=step,
            ),
            rule="ARGUMENT_INVALID",
        )
    if not (isinstance(horizon, int) and horizon >= 1) or not (
        isinstance(n_boot, int) and n_boot >= 100
    ):
        raise ArgumentError(
            tr(
                "`horizon` måste vara ett heltal ≥ 1 och `n_boot` ≥ 100.",
                "`horizon` must be an integer ≥ 1 and `n_boot` ≥ 100.",
            ),
            rule="ARGUMENT_INVALID",
        )
    shares = np.asarray(list(area_shares), dtype=float)
    if not len(shares) or ((shares <= 0) | (shares >= 1)).any() or not 0 < alpha < 1:
        raise ArgumentError(
            tr(
                "`area_shares` måste ligga mellan 0 och 1 och `alpha` mellan 0 och 1.",
                "`area_shares` must lie between 0 and 1 and `alpha` between 0 and 1.",
            ),
            rule="ARGUMENT_INVALID",
        )


# ---------------------------------------------------------------------------------------------
# the methods


@dataclass
class _Setup:
    """The grid and the events on it, shared by every method."""

    spec: Any
    mask: np.ndarray
    flat: np.ndarray
    area: np.ndarray
    fp: np.ndarray
    inside: np.ndarray | None
    cell: np.ndarray  # each event's position among the grid's cells
    day: np.ndarray  # each event's local day number
    cube: _Cube | None = None

    def dense(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros(self.spec.n_cells)
        out[self.flat] = values
        return out.reshape(self.spec.nrows, self.spec.ncols)

    def column(self, dense: np.ndarray) -> np.ndarray:
        return dense.ravel()[self.flat]


class _Windows:
    """Gi* z and hot/cold flags of every 28-day window ending on a given day, computed once."""

    def __init__(self, setup: _Setup, fdr: bool = True):
        self.setup, self.fdr = setup, fdr
        self.memo: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if end not in self.memo:
            self.memo[end] = _gistar_flags(
                self.setup, self.setup.cube.window(end - PERIOD_DAYS, end)
            )
        return self.memo[end]


def _gistar_flags(setup: _Setup, counts: np.ndarray, fdr: bool = True):
    """Gi* z (0 where undefined), and the hot (bin ≥ 1) and the 95 % bins of counts per cell,
    by the same valid test as :func:`~tryggaplatser.analysis.hotspots.hotspot_gistar`."""
    dense = setup.dense(counts)
    z_dense = _gi.gistar_dense(dense, setup.mask, setup.fp)
    p_dense, _, _ = _gi.count_pvalues(dense, setup.mask, setup.fp, z_dense, setup.inside)
    z, p = setup.column(z_dense), setup.column(p_dense)
    bins = _gi.fdr_bins(z, p, fdr)
    return np.nan_to_num(z, nan=0.0), bins


def _classes(setup: _Setup, windows: _Windows, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Esri's emerging-hotspot class per cell for the 13 periods of 28 days before ``t``, and
    the number of hot periods (the rules of ``hotspot_classify``)."""
    from .hotspots import HOT_LEVEL, _bh_adjust, classify_series
    from .trend import mann_kendall

    ends = [t - PERIOD_DAYS * j for j in range(N_PERIODS - 1, -1, -1)]
    flags = [windows(e) for e in ends]
    zs = np.column_stack([z for z, _ in flags])
    hot = np.column_stack([b >= HOT_LEVEL for _, b in flags])
    cold = np.column_stack([b <= -HOT_LEVEL for _, b in flags])
    _, tz, tp = mann_kendall(zs)
    tq = _bh_adjust(np.where(hot.any(axis=1) | cold.any(axis=1), tp, np.nan))
    cat = classify_series(hot, tz, np.where(np.isfinite(tq), tq, 1.0), cold)
    return cat, hot.sum(axis=1)


def _est_points(setup: _Setup, t: int, cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The EST focus-place points per cell (see the module docstring) and the recurring total."""
    from .est import HOTSPOT_POINTS

    weeks = [setup.cube.window(t - 7 * (j + 1), t - 7 * j) for j in range(EST_WEEKS)]
    with_reports = sum((w > 0).astype(int) for w in weeks)
    total = sum(weeks)
    recurring = with_reports >= EST_MIN_WEEKS
    points = np.where(recurring, with_reports, 0).astype(float)
    points += np.array([HOTSPOT_POINTS.get(str(c), 0) for c in cat], dtype=float)
    return points, np.where(recurring, total, 0)


def _est_places(setup: _Setup, order: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The cells of the top 10 places: candidates (points > 0) in rank order; a candidate
    touching a place's cell (8-neighbours) joins it, others start a place while < 10 exist."""
    rows = setup.flat // setup.spec.ncols
    cols = setup.flat % setup.spec.ncols
    label = np.full((setup.spec.nrows + 2, setup.spec.ncols + 2), -1)
    picked = np.zeros(len(points), dtype=bool)
    n_places = 0
    for i in order[points[order] > 0]:
        r, c = rows[i] + 1, cols[i] + 1
        near = label[r - 1 : r + 2, c - 1 : c + 2]
        home = near[near >= 0]
        if len(home):
            label[r, c] = home.min()
        elif n_places < EST_PLACES:
            label[r, c] = n_places
            n_places += 1
        else:
            continue
        picked[i] = True
    return picked


def _kde_kernel(cell_size: float, h: float) -> np.ndarray:
    from .kde import quartic

    reach = math.floor(h / cell_size)
    off = np.arange(-reach, reach + 1) * cell_size
    return quartic(off[None, :] ** 2 + off[:, None] ** 2, h)


def _rankings(setup: _Setup, windows: _Windows, t: int, h_days: int, kernel, rng, methods):
    """Per method: the cell order (best first) and its own set (or None), from days < t."""
    from .kde import _fft_same

    n = len(setup.flat)
    tie = rng.random(n)
    shuffle = rng.random(n)
    long_term = setup.cube.window(t - LOOKBACK_DAYS, t)
    keys: dict[str, tuple] = {}
    own: dict[str, np.ndarray] = {}
    if "est" in methods or "persistent" in methods:
        cat, hot_periods = _classes(setup, windows, t)
        points, total = _est_points(setup, t, cat)
        persistent = np.isin(cat, PERSISTENT_CLASSES)
        keys["est"] = (tie, total, points)
        keys["persistent"] = (tie, long_term, hot_periods, persistent)
        own["persistent"] = persistent
    if "gistar" in methods:
        z, bins = _gistar_flags(setup, long_term)
        keys["gistar"] = (tie, long_term, z)
        own["gistar"] = bins >= 2
    if "kde" in methods:
        kde = setup.column(_fft_same(setup.dense(long_term.astype(float)), kernel))
        keys["kde"] = (tie, np.round(kde, 12))
    keys["last_period"] = (tie, setup.cube.window(t - h_days, t))
    keys["random"] = (shuffle,)
    out = {m: np.lexsort(tuple(-np.asarray(k, dtype=float) for k in keys[m])) for m in methods}
    if "est" in methods:
        own["est"] = _est_places(setup, out["est"], points)
    return {m: (out[m], own.get(m)) for m in methods}


# ---------------------------------------------------------------------------------------------
# forecast_accuracy


@dataclass
class ForecastAccuracy:
    """Scores of the methods at every origin, with bootstrap intervals over origins.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per origin, method and selection: ``origin`` (local date), ``end`` (first day
        after the test window), ``method``, ``selection`` (``"share"``, ``"own"`` or
        ``"places"``), ``target`` (the asked area share, or the number of cells), ``cells``,
        ``area_share`` (a/A), ``n``, ``N``, ``n_star``, ``n0``, ``N0``, ``hit_rate``, ``pai``,
        ``pei``, ``rri``.
    summary : pandas.DataFrame
        Per method and selection: mean over origins of ``hit_rate``, ``pai``, ``pei``, ``rri``
        and ``area_share``, each measure with ``_lo``/``_hi`` (the 1 − alpha interval).
    curve : pandas.DataFrame
        Per method and area share of :data:`CURVE_SHARES`: ``hit_rate`` mean, ``lo``, ``hi``.
    params : dict
        The choices (``step``, ``horizon``, ``bandwidth`` …), each ``{"value", "auto", "rule"}``.
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    curve: pd.DataFrame
    params: dict = field(default_factory=dict)
    cell_size: float = math.nan
    step: str = "week"
    horizon: int = 1

    @property
    def n_origins(self) -> int:
        return int(self.scores["origin"].nunique()) if len(self.scores) else 0

    def at(self, method: str, selection: str = "share", target: float | None = 0.05) -> pd.Series:
        """The summary row of ``method`` at one selection (default: 5 % of the area)."""
        s = self.summary
        rows = s[(s["method"] == method) & (s["selection"] == selection)]
        if target is not None and selection != "own":
            rows = rows[np.isclose(rows["target"].astype(float), target)]
        return rows.iloc[0]


def forecast_accuracy(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    *,
    period: Any = None,
    step: str = "week",
    horizon: int = 1,
    area_shares: tuple[float, ...] | list[float] = (0.01, 0.05, 0.10),
    places: int | None = 10,
    methods: tuple[str, ...] | list[str] | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 20261127,
    area: Any = None,
    quiet: bool = False,
) -> ForecastAccuracy:
    """Were the hotspots where things then happened? Rolling-origin scores of six methods.

    See the module docstring for the methods and the measures (REFERENCE.md §8).

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Placed incidents with ``occurred_at`` (EPSG:3006).
    grid, cell_size
        The grid (from :func:`~tryggaplatser.make_grid` or a run's ``Run.grid``), or its cell
        size (``None`` = choose, announced).
    bandwidth : float, optional
        KDE bandwidth in metres; ``None`` = ArcGIS's rule on all events (announced).
    period : None, int or (start, end)
        Score only the origins whose test window lies in this window (local dates,
        inclusive); history before it is still used. ``None`` = every origin with 364 days of
        history and a whole test window in the data.
    step : {"week", "month"}
        Origins every Monday or every first of the month (00:00 Europe/Stockholm).
    horizon : int
        Length h of the test window in steps (the "last period" is as long).
    area_shares : sequence of float
        Area shares a/A at which every method's top cells are scored.
    places : int, optional
        Also score every method's top ``places`` cells (``None`` = not).
    methods : sequence of str, optional
        A subset of :data:`METHODS` (default all).
    n_boot, alpha, seed
        Bootstrap draws, interval level 1 − ``alpha``, and the seed of the random places, the
        tie-breaks and the bootstrap (same seed → same result).
    area : polygon, optional
        Study area when ``grid`` is not given.
    """
    _x, _ = check_points(data)
    _check_step(step, horizon, area_shares, n_boot, alpha)
    methods = _check_methods(methods)
    cells, spec, record = resolve_grid(data, grid, cell_size, area, quiet)
    record = {**new_record(), "params": dict(record.get("params", {}))}
    h = _forecast_bandwidth(data, bandwidth, record, quiet)
    setup, days = _setup(data, cells, spec)
    first, last = int(days.min()), int(days.max()) + 1
    pairs = _origins(first, last, step, horizon)
    if period is not None:
        from .periods import as_date_pair

        lo, hi = as_date_pair(period)
        lo_d = _as_day(lo) if lo else first
        hi_d = _as_day(hi) + 1 if hi else last
        pairs = [(a, b) for a, b in pairs if a >= lo_d and b <= hi_d]
    _check_origins(pairs, first, last)
    _record_choices(record, step, horizon, len(pairs), quiet)
    scores, curves = _evaluate(setup, days, pairs, methods, area_shares, places, h, seed)
    scores = scores[SCORE_COLUMNS]
    summary, curve = _summarise(scores, curves, n_boot, alpha, seed, horizon)
    return ForecastAccuracy(
        scores, summary, curve, record["params"], float(spec.cell_size), step, horizon
    )


def _check_methods(methods: Any) -> tuple[str, ...]:
    chosen = tuple(METHODS if methods is None else methods)
    unknown = sorted(set(chosen) - set(METHODS))
    if unknown or not chosen:
        raise ArgumentError(
            tr(
                "Okänd metod {u}; finns: {m}.",
                "Unknown method {u}; available: {m}.",
                u=", ".join(unknown) or "–",
                m=", ".join(METHODS),
            ),
            rule="ARGUMENT_INVALID",
        )
    return tuple(m for m in METHODS if m in chosen)


def _forecast_bandwidth(data: Any, bandwidth: Any, record: dict, quiet: bool) -> float:
    from ._common import check_positive
    from .kde import BANDWIDTH_RULE, auto_bandwidth

    h = check_positive(bandwidth, "bandwidth")
    if h is not None:
        record_param(record, "bandwidth", h, auto=False)
        return float(h)
    x, y = check_points(data)
    h = float(auto_bandwidth(x, y))
    record_param(
        record,
        "bandwidth",
        round(h, 1),
        auto=True,
        rule=BANDWIDTH_RULE,
        quiet=quiet,
        message=tr(
            "Bandbredd {h} m för KDE-metoden vald automatiskt ({rule}).",
            "Bandwidth {h} m for the KDE method set automatically ({rule}).",
            h=fmt_m(round(h)),
            rule=BANDWIDTH_RULE,
        ),
    )
    return h


def _setup(data: Any, cells: Any, spec: Any) -> tuple[_Setup, np.ndarray]:
    from .hotspots import _distance

    if "occurred_at" not in data.columns:
        raise ArgumentError(
            tr("`data` saknar kolumnen occurred_at.", "`data` has no column occurred_at."),
            rule="COLUMNS_MISSING",
        )
    x, y = check_points(data)
    mask = dense_mask(cells, spec)
    flat = flat_of_cells(cells, spec)
    pos = np.full(spec.n_cells, -1)
    pos[flat] = np.arange(len(flat))
    where = spec.flat_index(x, y)
    cell = np.where(where >= 0, pos[np.maximum(where, 0)], -1)
    days = _day_numbers(data["occurred_at"])
    keep = (cell >= 0) & ~pd.isna(data["occurred_at"]).to_numpy()
    area = cells["inside"].to_numpy(float) if "inside" in cells.columns else np.ones(len(flat))
    inside = None
    if "inside" in cells.columns:
        inside = np.zeros(spec.n_cells)
        inside[flat] = area
        inside = inside.reshape(spec.nrows, spec.ncols)
    fp = _distance(_FakePrep(spec), None, True)
    return _Setup(spec, mask, flat, area, fp, inside, cell[keep], days[keep]), days[keep]


class _FakePrep:
    """The little of ``hotspots._Prepared`` that the Gi* neighbourhood rule reads."""

    def __init__(self, spec: Any):
        self.spec = spec
        self.record = new_record()


def _check_origins(pairs: list, first: int, last: int) -> None:
    if len(pairs) < 2:
        raise ArgumentError(
            tr(
                "För kort historik för en prognosutvärdering: data {a} – {b} ger {k} "
                "utgångspunkter med 364 dagars historik och helt testfönster; minst 2 behövs.",
                "Too little history for a forecast evaluation: data {a} – {b} give {k} origins "
                "with 364 days of history and a whole test window; at least 2 are needed.",
                a=_as_date(first).isoformat(),
                b=_as_date(last - 1).isoformat(),
                k=len(pairs),
            ),
            rule="TOO_FEW_ORIGINS",
            fix=tr(
                "använd data som täcker mer än ett år, eller step='week'",
                "use data covering more than a year, or step='week'",
            ),
        )


def _record_choices(record: dict, step: str, horizon: int, n: int, quiet: bool) -> None:
    record_param(record, "step", step, auto=False)
    record_param(record, "horizon", horizon, auto=False)
    record_param(
        record,
        "history",
        f"{LOOKBACK_DAYS} d",
        auto=True,
        rule=tr(
            "varje metod ser bara händelser före utgångspunkten; långsiktiga metoder de "
            "senaste 364 dagarna (13 perioder à 28 dagar, som klassificeringen)",
            "every method sees only the events before the origin; the long-term methods the "
            "last 364 days (13 periods of 28 days, as the classification)",
        ),
    )
    record_param(record, "origins", n, auto=False)


def _evaluate(setup, days, pairs, methods, shares, places, h, seed):
    """Per origin and method: cumulative hits along the method's order, read at every
    selection. Returns the score rows and the hit rates at :data:`CURVE_SHARES`."""
    bounds = {b for a, e in pairs for b in (a, e, a - (e - a), a - LOOKBACK_DAYS)}
    bounds |= {a - 7 * j for a, _ in pairs for j in range(EST_WEEKS + 1)}
    bounds |= {a - PERIOD_DAYS * j for a, _ in pairs for j in range(N_PERIODS + 1)}
    setup.cube = _Cube(setup.day, setup.cell, len(setup.flat), np.array(sorted(bounds)))
    windows = _Windows(setup)
    kernel = _kde_kernel(setup.spec.cell_size, h)
    rng = np.random.default_rng(seed)
    rows, curves = [], []
    for a, e in pairs:
        after, before = setup.cube.window(a, e), setup.cube.window(a - (e - a), a)
        ranked = _rankings(setup, windows, a, e - a, kernel, rng, methods)
        best = np.cumsum(np.sort(after)[::-1])
        for m in methods:
            order, own = ranked[m]
            rows += _origin_rows(setup, a, e, m, order, own, after, before, best, shares, places)
            curves.append((a, m, _curve_hits(setup, order, after)))
    return pd.DataFrame(rows), curves


def _origin_rows(setup, a, e, method, order, own, after, before, best, shares, places):
    cum_area = np.cumsum(setup.area[order])
    total_area = cum_area[-1]
    selections = []
    for s in shares:
        k = int(min(np.searchsorted(cum_area, s * total_area - 1e-9) + 1, len(order)))
        selections.append(("share", float(s), order[:k]))
    if places:
        selections.append(("places", float(places), order[: min(places, len(order))]))
    if own is not None:
        selections.append(("own", math.nan, np.flatnonzero(own)))
    out = []
    for kind, target, idx in selections:
        picked = np.zeros(len(after), dtype=bool)
        picked[idx] = True
        row = score_picks(picked, after, before, setup.area)
        row.update(origin=_as_date(a), end=_as_date(e), method=method, selection=kind)
        row["target"] = target
        out.append(row)
    return out


def _curve_hits(setup: _Setup, order: np.ndarray, after: np.ndarray) -> np.ndarray:
    cum_area = np.cumsum(setup.area[order])
    hits = np.cumsum(after[order])
    k = np.minimum(
        np.searchsorted(cum_area, np.array(CURVE_SHARES) * cum_area[-1] - 1e-9), len(order) - 1
    )
    total = after.sum()
    return hits[k] / total if total > 0 else np.full(len(k), np.nan)


SCORE_COLUMNS = [
    "origin",
    "end",
    "method",
    "selection",
    "target",
    "cells",
    "area_share",
    "n",
    "N",
    "n_star",
    "n0",
    "N0",
    "hit_rate",
    "pai",
    "pei",
    "rri",
]
MEASURES = ("hit_rate", "pai", "pei", "rri")


def block_bootstrap_index(n: int, n_boot: int, block: int, rng) -> np.ndarray:
    """``(n_boot, n)`` origin indices of a moving-block bootstrap (blocks of ``block``
    consecutive origins, starts drawn uniformly, cut to n)."""
    block = max(1, min(block, n))
    n_blocks = math.ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, -1)
    return idx[:, :n]


def _interval(values: np.ndarray, idx: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """Mean over origins (NaN ignored) and its percentile bootstrap interval."""
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any():
        return math.nan, math.nan, math.nan
    draws = v[idx]
    ok = np.isfinite(draws)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(ok, draws, 0).sum(axis=1) / ok.sum(axis=1)
    means = means[np.isfinite(means)]
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2]) if len(means) else (math.nan,) * 2
    return float(np.nanmean(v)), float(lo), float(hi)


def _summarise(scores, curves, n_boot, alpha, seed, horizon):
    origins = sorted(scores["origin"].unique())
    n = len(origins)
    block = max(horizon, math.ceil(n ** (1 / 3)))
    idx = block_bootstrap_index(n, n_boot, block, np.random.default_rng(seed + 1))
    rows = []
    for (m, sel, target), g in scores.groupby(["method", "selection", "target"], dropna=False):
        g = g.set_index("origin").reindex(origins)
        row = {"method": m, "selection": sel, "target": target}
        row["area_share"] = float(g["area_share"].mean())
        row["cells"] = float(g["cells"].mean())
        for measure in MEASURES:
            row[measure], row[f"{measure}_lo"], row[f"{measure}_hi"] = _interval(
                g[measure].to_numpy(), idx, alpha
            )
        rows.append(row)
    summary = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate(METHODS)}
    summary = summary.sort_values(
        ["selection", "target", "method"], key=lambda s: s.map(order) if s.name == "method" else s
    ).reset_index(drop=True)
    summary.attrs["block"] = block
    curve_rows = []
    for m in dict.fromkeys(c[1] for c in curves):
        hits = np.array([c[2] for c in curves if c[1] == m])  # origins × shares
        for j, share in enumerate(CURVE_SHARES):
            mean, lo, hi = _interval(hits[:, j], idx, alpha)
            curve_rows.append(
                {"method": m, "area_share": share, "hit_rate": mean, "lo": lo, "hi": hi}
            )
    return summary, pd.DataFrame(curve_rows)


# ---------------------------------------------------------------------------------------------
# hotspot stability


#: Hot sets compared: Gi* cells hot at 95 % after FDR, and the KDE's top cells by area share.
GI_HOT_BIN = 2
KDE_TOP_SHARE = 0.05
#: Sample points per base cell (per side) when a variant is read back onto the base grid.
SAMPLES = 4


@dataclass
class HotspotStability:
    """How much the hot sets change with the grid and the bandwidth.

    Attributes
    ----------
    variants : pandas.DataFrame
        One row per hot set (``gistar``, ``kde``) and variant: ``variant`` (``cell_half``,
        ``cell_double``, ``shift_east``, ``shift_north``, ``shift_northeast``, ``bandwidth_half``,
        ``bandwidth_double``), ``kind`` (``cell_size``, ``offset``, ``bandwidth``),
        ``cell_size``, ``bandwidth``, ``n_hot`` (base cells hot in the variant), ``jaccard``
        (|B ∩ V| / |B ∪ V| with the base hot set B) and ``agreement`` (share of base cells
        with the same status).
    cells : geopandas.GeoDataFrame
        The base grid's cells with ``gistar_hot``, ``gistar_votes`` (in how many of the five
        grid variants the cell is hot), ``kde_hot``, ``kde_votes`` (of seven), and
        ``grid_dependent`` (Gi*; see the module docstring).
    base_hot : int
        Gi* hot cells on the base grid.
    stable_share : float
        Share of the base Gi* hot cells hot in every grid variant (NaN without hot cells).
    """

    variants: pd.DataFrame
    cells: Any
    base_hot: int
    stable_share: float
    params: dict = field(default_factory=dict)

    @property
    def grid_dependent(self) -> int:
        return int(self.cells["grid_dependent"].sum())


def _variant_grids(data: Any, c: float, area: Any) -> list[tuple[str, str, float, Any]]:
    from .grid import make_grid

    out = [
        ("cell_half", "cell_size", c / 2, make_grid(data, c / 2, area=area, quiet=True)),
        ("cell_double", "cell_size", c * 2, make_grid(data, c * 2, area=area, quiet=True)),
    ]
    for name, off in (
        ("shift_east", (c / 2, 0.0)),
        ("shift_north", (0.0, c / 2)),
        ("shift_northeast", (c / 2, c / 2)),
    ):
        grid = make_grid(data, c, area=area, offset=off, quiet=True)
        out.append((name, "offset", c, grid))
    return out


def _on_base(base_spec: Any, base_flat: np.ndarray, cells: Any, hot: np.ndarray) -> np.ndarray:
    """Base cells at least half inside ``cells``' hot cells (``SAMPLES``² points each)."""
    spec = grid_spec_of(cells)
    dense = np.zeros(spec.n_cells, dtype=bool)
    dense[flat_of_cells(cells, spec)[hot]] = True
    rows, cols = np.divmod(base_flat, base_spec.ncols)
    cx, cy = base_spec.cell_centres(rows, cols)
    frac = (np.arange(SAMPLES) + 0.5) / SAMPLES - 0.5
    votes = np.zeros(len(base_flat))
    for fx in frac:
        for fy in frac:
            idx = spec.flat_index(cx + fx * base_spec.cell_size, cy + fy * base_spec.cell_size)
            votes += np.where(idx >= 0, dense[np.maximum(idx, 0)], False)
    return votes >= SAMPLES * SAMPLES / 2


def _kde_top(values: np.ndarray, share: float) -> np.ndarray:
    k = max(1, round(share * len(values)))
    order = np.lexsort((np.arange(len(values)), -np.nan_to_num(values, nan=-np.inf)))
    hot = np.zeros(len(values), dtype=bool)
    hot[order[:k]] = values[order[:k]] > 0
    return hot


def hotspot_stability(
    data: Any,
    grid: Any = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    *,
    area: Any = None,
    quiet: bool = False,
) -> HotspotStability:
    """Would the hotspot map look the same on a slightly different grid?

    The Gi* hot cells (95 % after FDR, on counts) and the KDE's top 5 % of cells are computed
    on the base grid, on grids with half and double the cell size, on the base grid shifted half
    a cell east, north and north-east, and (KDE) with half and double the bandwidth; each
    variant is read back onto the base grid and compared (see the module docstring).

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        The points (EPSG:3006).
    grid, cell_size, bandwidth, area, quiet
        As in :func:`~tryggaplatser.hotspot_kde`; ``area`` clips the variant grids (default:
        none, or the base grid's own clipping is kept only on the base grid).
    """
    from .hotspots import hotspot_gistar, hotspot_kde

    base = hotspot_kde(data, grid, cell_size, bandwidth, area=area, quiet=quiet)
    h = float(base.attrs["tryggaplatser"]["params"]["bandwidth"]["value"])
    spec = grid_spec_of(base)
    flat = flat_of_cells(base, spec)
    gi = hotspot_gistar(data, grid=base, quiet=True)
    hot = {"gistar": gi["gi_bin"].to_numpy() >= GI_HOT_BIN}
    hot["kde"] = _kde_top(base["kde"].to_numpy(), KDE_TOP_SHARE)
    rows, votes = [], {"gistar": np.zeros(len(flat), int), "kde": np.zeros(len(flat), int)}
    grid_variants = _variant_grids(data, spec.cell_size, area)
    for name, kind, c, vgrid in grid_variants:
        vgi = hotspot_gistar(data, grid=vgrid, quiet=True)["gi_bin"].to_numpy() >= GI_HOT_BIN
        vkde = hotspot_kde(data, grid=vgrid, bandwidth=h, quiet=True)["kde"].to_numpy()
        for which, vhot in (("gistar", vgi), ("kde", _kde_top(vkde, KDE_TOP_SHARE))):
            mapped = _on_base(spec, flat, vgrid, vhot)
            votes[which] += mapped
            rows.append(_compare(which, name, kind, c, h, hot[which], mapped))
    for name, f in (("bandwidth_half", 0.5), ("bandwidth_double", 2.0)):
        vkde = hotspot_kde(data, grid=base, bandwidth=h * f, quiet=True)["kde"].to_numpy()
        mapped = _kde_top(vkde, KDE_TOP_SHARE)
        votes["kde"] += mapped
        rows.append(_compare("kde", name, "bandwidth", spec.cell_size, h * f, hot["kde"], mapped))
    cells = base[["cell_id", "row", "col", "geometry"]].copy()
    n_grid = len(grid_variants)
    cells["gistar_hot"] = hot["gistar"]
    cells["gistar_votes"] = votes["gistar"]
    cells["kde_hot"] = hot["kde"]
    cells["kde_votes"] = votes["kde"]
    base_hot, v = hot["gistar"], votes["gistar"]
    cells["grid_dependent"] = (base_hot & (v < n_grid)) | (~base_hot & (2 * v >= n_grid))
    n_hot = int(hot["gistar"].sum())
    stable = (
        float((hot["gistar"] & (votes["gistar"] == n_grid)).sum() / n_hot) if n_hot else math.nan
    )
    params = {"bandwidth": {"value": round(h, 1), "auto": bandwidth is None}}
    return HotspotStability(pd.DataFrame(rows), cells, n_hot, stable, params)


def _compare(which, name, kind, c, h, base_hot, mapped) -> dict[str, Any]:
    union = int((base_hot | mapped).sum())
    return {
        "hot_set": which,
        "variant": name,
        "kind": kind,
        "cell_size": float(c),
        "bandwidth": float(h),
        "n_hot": int(mapped.sum()),
        "jaccard": (int((base_hot & mapped).sum()) / union) if union else math.nan,
        "agreement": float((base_hot == mapped).mean()),
    }
