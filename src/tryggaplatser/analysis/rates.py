"""Rates, smoothing, trend tests and time weighting used by the area analysis.

Pure numerical helpers (numpy/pandas in, numpy/pandas out). They never print, draw or write.

Methods
-------
* Rates per 1 000 residents per year: ``count / population / years * 1000``.
* Empirical-Bayes smoothing: Marshall (1991), global method of moments estimator.
* Trend (used by the area analysis): Mann-Kendall test on deseasonalised monthly counts
  (each month minus the mean of its calendar month) with Sen's slope per year (Sen 1968),
  ties corrected as in Kendall (1975); see :func:`trend_test` for why not the seasonal test.
  The seasonal Mann-Kendall test (Hirsch, Slack & Smith 1982) is kept in
  :func:`seasonal_mann_kendall` and reported alongside.
* Aoristic weighting: Ratcliffe (2000, 2002) — an incident known only as a time window spreads
  one unit of weight over the hours of its window in proportion to the overlap.

References
----------
Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes estimators.
*Journal of the Royal Statistical Society C*, 40(2), 283–294.
Hirsch, R. M., Slack, J. R. & Smith, R. A. (1982). Techniques of trend analysis for monthly
water quality data. *Water Resources Research*, 18(1), 107–121.
Ratcliffe, J. H. (2000). Aoristic analysis: the spatial interpretation of unspecific temporal
events. *International Journal of Geographical Information Science*, 14(7), 669–679.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..policy import LOCAL_TZ

HOURS_PER_WEEK = 168
#: Windows longer than this are spread evenly over all 168 hours of the week.
AORISTIC_CAP_HOURS = 168.0
#: Implied window (hours) for incidents without ``occurred_end`` by ``time_precision``.
IMPLIED_WINDOW_HOURS = {"exakt": 0.0, "timme": 0.0, "dag": 24.0, "vecka": 168.0}


def rate_per_1000(count, population, years: float = 1.0):
    """Raw rate per 1 000 residents per year.

    Parameters
    ----------
    count, population : array-like
        Event counts and residents. A population that is missing or ≤ 0 gives NaN.
    years : float
        Length of the period in years (days / 365.25).

    Returns
    -------
    numpy.ndarray
        ``count / population / years * 1000``.
    """
    count = np.asarray(count, dtype=float)
    population = np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = count / population / years * 1000.0
    return np.where(population > 0, out, np.nan)


@dataclass(frozen=True)
class EBPrior:
    """The global prior of Marshall's (1991) estimator (rates per resident over the period)."""

    mean: float  # m = sum(x) / sum(n)
    variance: float  # A = max(0, s² - m / n̄)
    n_areas: int


#: Rates of areas with fewer residents than this are uncertain: they carry a caveat, are never
#: headlined and never claimed "clearly above" the municipality.
SMALL_AREA_POPULATION = 1000


def poisson_interval(count, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval of a Poisson count: ``(low, high)`` with
    ``low = χ²(α/2; 2n)/2`` (0 for n = 0) and ``high = χ²(1 − α/2; 2n + 2)/2``. Divide by
    population and years (× 1 000) for the interval of a rate.

    >>> low, high = poisson_interval([0, 5, 100])
    >>> [round(float(v), 3) for v in low], [round(float(v), 3) for v in high]
    ([0.0, 1.623, 81.364], [3.689, 11.668, 121.627])
    """
    from scipy.stats import chi2

    n = np.asarray(count, dtype=float)
    low = np.where(n > 0, chi2.ppf(alpha / 2, 2 * n) / 2, 0.0)
    high = chi2.ppf(1 - alpha / 2, 2 * n + 2) / 2
    return low, high


def rate_is_uncertain(population, low, high, rate) -> np.ndarray:
    """A rate needs a caveat: the area has fewer than :data:`SMALL_AREA_POPULATION`
    residents, or its 95 % interval is wider than the rate itself."""
    pop = np.asarray(population, dtype=float)
    width = np.asarray(high, dtype=float) - np.asarray(low, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (pop < SMALL_AREA_POPULATION) | (width > np.asarray(rate, dtype=float))


def eb_smooth(count, population) -> tuple[np.ndarray, EBPrior]:
    """Empirical-Bayes smoothed rates, Marshall (1991) global method of moments.

    With counts ``x_i`` and populations ``n_i`` of the ``k`` areas with a population,
    ``r_i = x_i / n_i``, the prior mean ``m = Σx / Σn``, the weighted variance
    ``s² = Σ n_i (r_i − m)² / Σn``, the prior variance ``A = max(0, s² − m / n̄)`` with
    ``n̄ = Σn / k``, and the shrinkage weight ``C_i = A / (A + m / n_i)``:
    ``EB_i = m + C_i (r_i − m)``. Small populations get small ``C_i`` and are pulled towards
    ``m``; when ``A = 0`` every area gets ``m``.

    Parameters
    ----------
    count, population : array-like
        Counts and populations per area. Areas with a missing or non-positive population are
        left out of the prior and get NaN.

    Returns
    -------
    (numpy.ndarray, EBPrior)
        Smoothed rates per resident over the same period as the counts, and the prior.
    """
    x = np.asarray(count, dtype=float)
    n = np.asarray(population, dtype=float)
    ok = np.isfinite(n) & (n > 0) & np.isfinite(x)
    out = np.full(x.shape, np.nan)
    if not ok.any():
        return out, EBPrior(float("nan"), float("nan"), 0)
    xs, ns = x[ok], n[ok]
    m = xs.sum() / ns.sum()
    r = xs / ns
    s2 = float(np.sum(ns * (r - m) ** 2) / ns.sum())
    nbar = ns.sum() / ok.sum()
    a = max(0.0, s2 - m / nbar)
    c = np.zeros_like(ns) if m == 0 else a / (a + m / ns)
    out[ok] = m + c * (r - m)
    return out, EBPrior(float(m), float(a), int(ok.sum()))


@dataclass(frozen=True)
class TrendTest:
    """Result of :func:`seasonal_mann_kendall` or :func:`deseasonalised_mann_kendall`."""

    method: str
    s: float
    var_s: float
    z: float
    p_value: float
    slope_per_year: float
    n_values: int
    n_seasons: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _var_s(values: np.ndarray) -> float:
    n = len(values)
    _, t = np.unique(values, return_counts=True)
    return float((n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18.0)


def seasonal_mann_kendall(
    table: pd.DataFrame, *, value: str = "count", season: str = "month", time: str = "year"
) -> TrendTest:
    """Seasonal Mann-Kendall test and Sen's seasonal slope (Hirsch, Slack & Smith 1982).

    Each season (calendar month) is compared only with the same season in other years, so the
    annual cycle does not create a spurious trend and incomplete years need no scaling: a
    month that is not complete is simply left out of its season. ``S = Σ_g S_g``,
    ``Var S = Σ_g Var S_g`` (tie-corrected, covariance between seasons ignored), continuity
    corrected ``z``, two-sided normal p-value. The slope is the median of all within-season
    pairwise slopes ``(x_j − x_i) / (t_j − t_i)``, in units per year.

    Parameters
    ----------
    table : DataFrame
        One row per (season, time) with the value; missing rows are allowed.

    Returns
    -------
    TrendTest
        ``p_value`` and ``z`` are NaN when ``Var S`` is 0 (fewer than two years in every season).
    """
    seasons = []
    for _, g in table.sort_values(time).groupby(season, sort=True):
        v = g[value].to_numpy(dtype=float)
        t = g[time].to_numpy(dtype=float)
        keep = np.isfinite(v)
        if keep.any():
            seasons.append((v[keep], t[keep]))
    return _seasonal_test(seasons, sum(len(v) for v, _ in seasons), len(seasons))


def _seasonal_test(seasons: list, n_values: int, n_seasons: int) -> TrendTest:
    """The seasonal Mann-Kendall sums over ``seasons``, each ``(values, times)`` in time order
    (one computation for :func:`seasonal_mann_kendall` and its array path)."""
    s_total = 0.0
    var_total = 0.0
    slopes: list[np.ndarray] = []
    for v, t in seasons:
        if len(v) < 2:
            continue
        i, j = np.triu_indices(len(v), k=1)
        s_total += float(np.sign(v[j] - v[i]).sum())
        var_total += _var_s(v)
        slopes.append((v[j] - v[i]) / (t[j] - t[i]))
    z, p = _mk_z_p(s_total, var_total)
    slope = float(np.median(np.concatenate(slopes))) if slopes else float("nan")
    return TrendTest(
        "seasonal_mann_kendall", s_total, var_total, float(z), p, slope, n_values, n_seasons
    )


def _mk_z_p(s_total: float, var_total: float) -> tuple[float, float]:
    """Continuity-corrected ``z`` and two-sided normal p-value; NaN when ``Var S`` is 0."""
    if var_total > 0:
        z = (s_total - np.sign(s_total)) / np.sqrt(var_total)
        return float(z), float(2 * stats.norm.sf(abs(z)))
    return float("nan"), float("nan")


def deseasonalised_mann_kendall(
    table: pd.DataFrame, *, value: str = "count", season: str = "month", time: str = "year"
) -> TrendTest:
    """Mann-Kendall test with Sen's slope on a deseasonalised monthly series.

    Each value minus the mean of its season (calendar month) over the table; the residuals,
    in time order ``t = year + (month − 0.5) / 12``, get the ordinary Mann-Kendall test
    (Mann 1945; Kendall 1975): ``S = Σ_{i<j} sign(r_j − r_i)``, tie-corrected ``Var S``,
    continuity-corrected ``z``, two-sided normal p-value. The slope is Sen's (1968) median of
    all pairwise slopes ``(r_j − r_i) / (t_j − t_i)``, in units (counts per month) per year.
    Seasons with a single value carry no information on the trend and are left out.

    Returns
    -------
    TrendTest
        ``method = "mann_kendall_deseasonalised"``; ``z``, ``p_value`` and the slope are NaN
        when fewer than two years are present (no season with two values).
    """
    d = table[[season, time, value]].copy()
    d = d[np.isfinite(d[value].to_numpy(dtype=float))]
    n_per = d.groupby(season)[value].transform("size")
    d = d[n_per >= 2]
    if d.empty:
        return _residual_test(np.empty(0), np.empty(0), 0)
    v = d[value].to_numpy(dtype=float)
    r = v - d.groupby(season)[value].transform("mean").to_numpy(dtype=float)
    t = d[time].to_numpy(dtype=float) + (d[season].to_numpy(dtype=float) - 0.5) / 12.0
    return _residual_test(r, t, int(d[season].nunique()))


def _residual_test(r: np.ndarray, t: np.ndarray, n_seasons: int) -> TrendTest:
    """The Mann-Kendall test and Sen's slope of residuals ``r`` at times ``t`` (one computation
    for :func:`deseasonalised_mann_kendall` and its array path); no residuals: an empty test."""
    if not len(r):
        return TrendTest(
            "mann_kendall_deseasonalised", 0.0, 0.0, float("nan"), float("nan"), float("nan"), 0, 0
        )
    r = np.round(r, 9)  # exact ties stay ties after the subtraction
    order = np.argsort(t, kind="stable")
    r, t = r[order], t[order]
    i, j = np.triu_indices(len(r), k=1)
    s_total = float(np.sign(r[j] - r[i]).sum())
    var_total = _var_s(r)
    z, p = _mk_z_p(s_total, var_total)
    slope = float(np.median((r[j] - r[i]) / (t[j] - t[i])))
    return TrendTest(
        "mann_kendall_deseasonalised", s_total, var_total, z, p, slope, len(r), n_seasons
    )


def trend_test(monthly: pd.DataFrame, *, value: str = "count") -> dict:
    """The trend test of the area analysis on counts per complete month.

    Parameters
    ----------
    monthly : DataFrame
        Columns ``year``, ``month`` and ``value``: one row per *complete* month of the
        period (partial months must be left out by the caller; zero counts must be present).

    Returns
    -------
    dict
        Keys of :class:`TrendTest` for the primary test (``method``, ``s``, ``var_s``, ``z``,
        ``p_value``, ``slope_per_year`` in counts per month per year, ``n_values``,
        ``n_seasons``) plus ``first_month`` / ``last_month`` (``YYYY-MM``), the seasonal test
        as ``seasonal_s``, ``seasonal_var_s``, ``seasonal_z``, ``seasonal_p_value``,
        ``seasonal_slope_per_year``, and ``lag1_autocorrelation`` of the deseasonalised
        series (the test assumes independent months; a clearly positive value means the
        p-value is too small).

    Notes
    -----
    Why not the seasonal Mann-Kendall test as primary: it compares each calendar month only
    with the same month in other years, so with the usual 2–3 years each season has 1–3
    pairs, ``S`` takes few values and ``|S|`` small even under a steady trend (three years give
    at most 36 within-season pairs). Its power is low and ``S = 0`` (``z = 0``, ``p = 1``,
    Sen's slope 0) is a common outcome for a modest real increase. The Mann-Kendall test on
    the deseasonalised series uses all ``n(n−1)/2`` pairs of months (595 for 35 months):
    the seasonal cycle is removed by subtracting each calendar month's mean, so it no longer
    creates a spurious trend, and between-year differences are compared across months as
    well. Its cost is the assumption of independent months (reported as
    ``lag1_autocorrelation``) and that the month means are estimated from the same data.
    A Poisson regression with month effects would be the parametric alternative; the
    rank-based test keeps the robustness to single outlying months that the reports rely on.
    """
    counts = _whole_counts(monthly, value)
    if counts is not None:  # the same test on arrays (the area analysis: 50+ per run)
        return _trend_test_counts(*counts)
    primary = deseasonalised_mann_kendall(monthly, value=value).as_dict()
    seasonal = seasonal_mann_kendall(monthly, value=value)
    ym = monthly["year"].astype(int) * 100 + monthly["month"].astype(int)
    d = monthly.sort_values(["year", "month"])
    v = d[value].to_numpy(dtype=float)
    r = v - d.groupby("month")[value].transform("mean").to_numpy(dtype=float)
    return _with_summary(dict(primary), ym, seasonal, r)


def _with_summary(
    out: dict, ym: pd.Series | np.ndarray, seasonal: TrendTest, residuals: np.ndarray
) -> dict:
    """``out`` (the deseasonalised test) with the first and last month (``ym``: year × 100 +
    month), the seasonal test and the lag-1 autocorrelation of the ``residuals`` in time
    order: the one place :func:`trend_test` and its array version put them together."""
    if len(ym):
        out["first_month"] = f"{int(ym.min()) // 100}-{int(ym.min()) % 100:02d}"
        out["last_month"] = f"{int(ym.max()) // 100}-{int(ym.max()) % 100:02d}"
    else:
        out["first_month"] = out["last_month"] = None
    out.update(
        seasonal_s=seasonal.s,
        seasonal_var_s=seasonal.var_s,
        seasonal_z=seasonal.z,
        seasonal_p_value=seasonal.p_value,
        seasonal_slope_per_year=seasonal.slope_per_year,
    )
    ac = float("nan")
    if len(residuals) >= 3 and np.std(residuals) > 0:
        rc = residuals - residuals.mean()
        ac = float(np.sum(rc[1:] * rc[:-1]) / np.sum(rc * rc))
    out["lag1_autocorrelation"] = ac
    return out


def trend_test_arrays(year: np.ndarray, month: np.ndarray, counts: np.ndarray) -> dict:
    """:func:`trend_test` of ``counts`` per complete month given as arrays (one entry per
    ``year``/``month``), without building a frame when the array version gives the same result
    (:func:`_whole_arrays`)."""
    arrays = _whole_arrays(*(np.asarray(a, dtype=float) for a in (year, month, counts)))
    if arrays is not None:
        return _trend_test_counts(*arrays)
    monthly = pd.DataFrame({"year": year, "month": month, "count": counts})
    return trend_test(monthly, value="count")


def _whole_counts(monthly: pd.DataFrame, value: str) -> tuple | None:
    """:func:`_whole_arrays` of the ``year``, ``month`` and ``value`` columns of ``monthly``."""
    if not len(monthly):
        return None
    return _whole_arrays(*(monthly[c].to_numpy(dtype=float) for c in ("year", "month", value)))


def _whole_arrays(year: np.ndarray, month: np.ndarray, v: np.ndarray) -> tuple | None:
    """``(year, month, v)`` when :func:`_trend_test_counts` gives exactly :func:`trend_test`'s
    result: whole numbers (so every sum and mean is exact, in any order), one entry per month,
    nothing missing; else None."""
    whole = np.isfinite(v) & (v == np.round(v)) & (np.abs(v) < 2.0**40)
    if not (
        len(v)
        and whole.all()
        and (year == np.round(year)).all()
        and (month == np.round(month)).all()
    ):
        return None
    if len(np.unique(year * 100 + month)) != len(v):
        return None
    return year, month, v


def _trend_test_counts(year: np.ndarray, month: np.ndarray, v: np.ndarray) -> dict:
    """:func:`trend_test` of whole-number counts, one per (year, month) (:func:`_whole_counts`),
    on arrays: the same operations in the same order as the frame version (every group sum
    of whole numbers is exact, so a month's mean is the same however it is summed)."""
    months, inv = np.unique(month, return_inverse=True)
    size = np.bincount(inv)
    mean = np.bincount(inv, weights=v) / size  # each calendar month's mean
    # deseasonalised Mann-Kendall (:func:`deseasonalised_mann_kendall`)
    keep = size[inv] >= 2
    out = _residual_test(
        v[keep] - mean[inv[keep]],
        year[keep] + (month[keep] - 0.5) / 12.0,
        len(np.unique(month[keep])),
    ).as_dict()
    seasonal = _seasonal_counts(year, month, v, months, inv)
    by_time = np.lexsort((month, year))
    return _with_summary(out, year * 100 + month, seasonal, v[by_time] - mean[inv[by_time]])


def _seasonal_counts(year, month, v, months, inv) -> TrendTest:
    """:func:`seasonal_mann_kendall` of :func:`_trend_test_counts`'s arrays (``months`` the
    calendar months in order, ``inv`` each row's)."""
    seasons = []
    for g in range(len(months)):
        rows = np.flatnonzero(inv == g)
        rows = rows[np.argsort(year[rows], kind="stable")]
        seasons.append((v[rows], year[rows]))
    return _seasonal_test(seasons, len(v), len(months))


def _local(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts)
    if getattr(ts.dt, "tz", None) is None:
        ts = ts.dt.tz_localize("UTC")
    return ts.dt.tz_convert(LOCAL_TZ)


def _aoristic_parts(
    occurred_at: pd.Series, occurred_end: pd.Series | None, time_precision: pd.Series | None
):
    """Per incident: hour-of-week of the window start, offset within that hour, window length
    in hours (0 = exact) and whether the incident has a usable time."""
    start = _local(occurred_at).reset_index(drop=True)
    n = len(start)
    duration = np.zeros(n)
    if occurred_end is not None:
        end = pd.to_datetime(pd.Series(occurred_end).reset_index(drop=True))
        if getattr(end.dt, "tz", None) is None:
            end = end.dt.tz_localize("UTC")
        d = (end.dt.tz_convert("UTC") - start.dt.tz_convert("UTC")).dt.total_seconds() / 3600.0
        duration = np.nan_to_num(d.to_numpy(dtype=float), nan=0.0)
        duration = np.where(duration > 0, duration, 0.0)
    keep = start.notna().to_numpy()
    if time_precision is not None:
        tp = pd.Series(time_precision).reset_index(drop=True).astype("string")
        no_window = duration <= 0
        is_day = (tp == "dag").fillna(False).to_numpy(dtype=bool) & no_window
        is_week = (tp == "vecka").fillna(False).to_numpy(dtype=bool) & no_window
        unknown = (tp == "okand").fillna(False).to_numpy(dtype=bool) & no_window
        if is_day.any():
            midnight = start.dt.normalize()
            start = start.where(~pd.Series(is_day), midnight)
            duration = np.where(is_day, IMPLIED_WINDOW_HOURS["dag"], duration)
        duration = np.where(is_week, IMPLIED_WINDOW_HOURS["vecka"], duration)
        keep = keep & ~unknown
    dow = start.dt.day_of_week.to_numpy(dtype=float, na_value=0)
    hour = start.dt.hour.to_numpy(dtype=float, na_value=0)
    how = (dow * 24 + hour).astype(np.int64)
    frac = (
        start.dt.minute.to_numpy(dtype=float, na_value=0) * 60
        + start.dt.second.to_numpy(dtype=float, na_value=0)
    ) / 3600.0
    return how, frac, duration, keep


def _aoristic_accumulate(how, frac, duration, keep, groups, n_groups, cap_hours, emit):
    """Spread each kept incident's unit weight; ``emit(mask, bins, weights)`` receives the
    pieces (``mask`` selects incidents, aligned with ``bins`` and ``weights``)."""
    exact = keep & (duration <= 0) & (groups >= 0)
    long_ = keep & (duration >= cap_hours) & (groups >= 0)
    window = keep & (duration > 0) & (duration < cap_hours) & (groups >= 0)
    emit(exact, how[exact], np.ones(int(exact.sum())))
    if long_.any():
        emit(long_, None, None)
    if window.any():
        idx = np.flatnonzero(window)
        s = frac[idx]  # window start within its first hour bin
        e = s + duration[idx]  # window end, hours from the start of the first bin
        order = np.argsort(-e, kind="stable")
        idx, s, e = idx[order], s[order], e[order]
        dur = duration[idx]
        for k in range(int(np.ceil(e[0])) + 1):
            live = int(np.searchsorted(-e, -k, side="left"))  # windows still open at hour k
            if live == 0:
                break
            overlap = np.clip(np.minimum(e[:live], k + 1) - np.maximum(s[:live], k), 0.0, None)
            hit = overlap > 0
            if not hit.any():
                continue
            sel = idx[:live][hit]
            mask = np.zeros(len(how), dtype=bool)
            mask[sel] = True
            # emit in incident order so bins/weights align with the mask
            ordr = np.argsort(sel)
            emit(
                mask,
                ((how[sel] + k) % HOURS_PER_WEEK)[ordr],
                (overlap[hit] / dur[:live][hit])[ordr],
            )


def aoristic_hour_of_week(
    occurred_at: pd.Series,
    occurred_end: pd.Series | None = None,
    time_precision: pd.Series | None = None,
    *,
    cap_hours: float = AORISTIC_CAP_HOURS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aoristic weights of incidents over the 168 hours of the week (Ratcliffe 2000).

    Local time (Europe/Stockholm) is used; hour-of-week ``= weekday · 24 + hour`` with Monday
    0. An incident with an exact time (``occurred_end`` missing or not after ``occurred_at``)
    puts weight 1 on its hour. An incident with a window ``[occurred_at, occurred_end)`` spreads
    weight 1 over the hours it overlaps, in proportion to the overlap (a window 22:30–01:30
    gives 1/6, 1/3, 1/3, 1/6). A window of ``cap_hours`` (168 h) or longer tells nothing about
    the time of week and is spread evenly, 1/168 per hour. Without ``occurred_end``,
    ``time_precision`` implies a window: ``dag`` = the local calendar day (24 h from midnight),
    ``vecka`` = 168 h; ``okand`` incidents get no weight (they are left out and counted by the
    caller). Weights of every kept incident sum to 1.

    Returns
    -------
    (row, hour_of_week, weight) : numpy arrays
        Sparse triplets; ``row`` indexes the input positions.
    """
    how, frac, duration, keep = _aoristic_parts(occurred_at, occurred_end, time_precision)
    rows: list[np.ndarray] = []
    bins: list[np.ndarray] = []
    weights: list[np.ndarray] = []

    def emit(mask, b, w):
        pos = np.flatnonzero(mask)
        if b is None:  # uniform over the week
            rows.append(np.repeat(pos, HOURS_PER_WEEK))
            bins.append(np.tile(np.arange(HOURS_PER_WEEK), len(pos)))
            weights.append(np.full(len(pos) * HOURS_PER_WEEK, 1.0 / HOURS_PER_WEEK))
        else:
            rows.append(pos)
            bins.append(b)
            weights.append(w)

    _aoristic_accumulate(
        how, frac, duration, keep, np.zeros(len(how), dtype=np.int64), 1, cap_hours, emit
    )
    return (
        np.concatenate(rows).astype(np.int64),
        np.concatenate(bins).astype(np.int64),
        np.concatenate(weights),
    )


def aoristic_matrix(
    occurred_at: pd.Series,
    occurred_end: pd.Series | None,
    time_precision: pd.Series | None,
    groups: list[np.ndarray],
    n_groups: int,
    *,
    cap_hours: float = AORISTIC_CAP_HOURS,
) -> np.ndarray:
    """Aoristic hour-of-week totals per group, without materialising per-incident weights.

    Same rule as :func:`aoristic_hour_of_week`. ``groups`` is a list of integer arrays (one
    per partition, e.g. per area type), each giving every incident's group code in
    ``0..n_groups-1`` or ``-1`` for none; an incident adds its weight once per partition.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_groups, 168)``.
    """
    how, frac, duration, keep = _aoristic_parts(occurred_at, occurred_end, time_precision)
    out = np.zeros(n_groups * HOURS_PER_WEEK)
    for g in groups:
        g = np.asarray(g, dtype=np.int64)

        def emit(mask, b, w, g=g):
            if b is None:
                per = np.bincount(g[mask], minlength=n_groups) / HOURS_PER_WEEK
                out.reshape(n_groups, HOURS_PER_WEEK)[:] += per[:, None]
            else:
                out[:] += np.bincount(
                    g[mask] * HOURS_PER_WEEK + b, weights=w, minlength=n_groups * HOURS_PER_WEEK
                )

        _aoristic_accumulate(how, frac, duration, keep, g, n_groups, cap_hours, emit)
    return out.reshape(n_groups, HOURS_PER_WEEK)


def hour_weekday_matrix(weights_by_hour: np.ndarray) -> pd.DataFrame:
    """Shape a length-168 vector into the 7 × 24 weekday × hour table (Monday = 0)."""
    m = pd.DataFrame(
        np.asarray(weights_by_hour, dtype=float).reshape(7, 24),
        index=pd.RangeIndex(7, name="weekday"),
        columns=pd.RangeIndex(24, name="hour"),
    )
    return m
