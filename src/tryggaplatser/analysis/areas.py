"""Area analysis (områdesanalys): :func:`area_profile` and :func:`area_profiles_all`.

One area profile gathers, for one area and one period, the tables of the områdesanalys that
Södertälje's plan asks to be repeated regularly: incidents by category with raw and
empirical-Bayes rates per 1 000 residents compared with the municipality, the yearly trend with
a seasonal Mann-Kendall test, the aoristic hour × weekday profile, the seasonal cycle (årshjul),
hotspot cells inside the area, safety-walk observations with åtgärdsgrad, dialogue results,
survey indicators (one table per scale, never mixed) and the police classification history.

Computation only: nothing is printed, drawn or written. Every automatic choice is announced
(unless ``quiet``) and recorded in ``AreaProfile.params`` and in
``by_category.attrs["tryggaplatser"]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr
from ..layers import vocab
from ._common import attach, check_same_crs, new_record, record_param, split_code_lists
from .periods import within
from .rates import (
    LOCAL_TZ,
    aoristic_matrix,
    eb_smooth,
    hour_weekday_matrix,
    rate_per_1000,
    trend_test_arrays,
)

ALL_CATEGORIES = "alla"
TOTAL_ROW = "totalt"
#: Observation statuses that mean the finding has been passed on (everything except ``ny``).
SENT_STATUSES = ("skickad", "planerad", "pagaende", "atgardad", "ej_atgardbar", "avslagen")
#: Statuses that are a final decision on the finding.
DECIDED_STATUSES = ("atgardad", "ej_atgardbar", "avslagen")

BY_CATEGORY_COLUMNS = [
    "area_id",
    "category",
    "label",
    "count",
    "population",
    "rate_per_1000",
    "rate_eb",
    "municipality_count",
    "municipality_population",
    "municipality_rate",
    "ratio_to_municipality",
]
TREND_COLUMNS = ["year", "count", "days_in_period", "complete", "count_per_365"]
SEASONAL_COLUMNS = ["month", "label", "n_years", "total", "mean_per_year"]
WALK_COLUMNS = (
    ["problem_category", "label", "n", "n_otrygg"]
    + [f"n_{s}" for s in vocab.codes("observation_status")]
    + ["n_sent", "n_decided", "atgardsgrad", "atgardsgrad_avgjorda", "median_days_to_resolve"]
)
DIALOGUE_COLUMNS = ["campaign_id", "n", "n_otrygg", "n_trygg", "share_otrygg"]
DIALOGUE_REASON_COLUMNS = ["campaign_id", "reason", "label", "n", "share_of_otrygg"]
DIALOGUE_TIME_COLUMNS = ["campaign_id", "time_of_day", "label", "n", "share_of_otrygg"]
POLICE_COLUMNS = ["year", "classification", "label"]

_MONTHS_SV = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class AreaProfile:
    """All tables of one area's områdesanalys.

    Attributes
    ----------
    area_id, name : str
    by_category : DataFrame
        One row per incident category present in the comparison group (areas of the same
        ``area_type``) plus a last row ``category == "alla"`` for all categories. Columns
        ``BY_CATEGORY_COLUMNS``: ``count`` incidents in the area and period; ``population``;
        ``rate_per_1000`` raw rate per 1 000 residents **per year**; ``rate_eb`` Marshall (1991)
        global empirical-Bayes rate on the same scale (prior over all areas of the group);
        ``municipality_count`` distinct incidents in any area of the group;
        ``municipality_population`` the group's summed population; ``municipality_rate`` their
        rate per 1 000 per year; ``ratio_to_municipality = rate_per_1000 / municipality_rate``.
    trend : DataFrame
        ``TREND_COLUMNS``: local calendar ``year``, ``count``, ``days_in_period`` (days of that
        year inside the period), ``complete`` (whole year inside the period),
        ``count_per_365 = count / days_in_period * 365``. The test is in ``trend_test``.
    trend_test : dict
        :func:`~tryggaplatser.analysis.rates.trend_test` on the counts of the complete
        months (Mann-Kendall on deseasonalised monthly counts, Sen's slope in incidents per
        month per year): ``method, s, var_s, z, p_value, slope_per_year, n_values,
        n_seasons, first_month, last_month``, the seasonal Mann-Kendall as ``seasonal_*`` and
        ``lag1_autocorrelation``.
    hour_weekday : DataFrame
        7 × 24 (index ``weekday`` 0 = Monday, columns ``hour`` 0–23, local time), aoristic
        weights (Ratcliffe 2000); sums to the incidents with a usable time.
    seasonal : DataFrame
        ``SEASONAL_COLUMNS``: ``month`` 1–12, ``label`` month name, ``n_years`` complete
        months of that calendar month in the period, ``total`` and ``mean_per_year``
        (= total / n_years; NaN when 0).
    hotspot_cells : GeoDataFrame or None
        The given hotspot cells whose centroid lies in the area (all their columns).
    walks : DataFrame or None
        ``WALK_COLUMNS``, one row per problem category plus a last row ``"totalt"``.
        ``atgardsgrad = n_atgardad / n_sent`` (``n_sent`` = all statuses except ``ny``);
        ``atgardsgrad_avgjorda = n_atgardad / n_decided`` (``atgardad + ej_atgardbar +
        avslagen``); ``median_days_to_resolve`` = median of ``resolved_on − decided_on`` in
        days over ``atgardad`` observations having both dates.
    dialogue, dialogue_reasons, dialogue_time_of_day : DataFrame or None
        Per campaign: ``DIALOGUE_COLUMNS`` (share feeling unsafe with n), and among the
        ``otrygg`` pins the frequency of each reason and time of day
        (``share_of_otrygg`` = pins naming it / otrygg pins; a pin may name several).
    surveys : dict[str, DataFrame] or None
        One table per ``scale`` (``andel_procent``, ``index_0_6``): rows (``source``,
        ``indicator``), columns years, values ``value``. Scales are never combined.
    police_classification : DataFrame or None
        ``POLICE_COLUMNS`` sorted by year.
    params : dict
        Methods box: period, years, population year(s), smoothing prior per category, excluded
        records, assignment rule, trend test.
    monthly : DataFrame or None
        Every calendar month of the period: ``year``, ``month``, ``complete`` (the whole month
        inside the period) and ``count``, the incidents of the area in it; the year and
        seasonal tables are sums of these (the disclosure plan relates them through it).
    """

    area_id: str
    name: str
    by_category: pd.DataFrame
    trend: pd.DataFrame
    trend_test: dict
    hour_weekday: pd.DataFrame
    seasonal: pd.DataFrame
    hotspot_cells: Any = None
    walks: pd.DataFrame | None = None
    dialogue: pd.DataFrame | None = None
    dialogue_reasons: pd.DataFrame | None = None
    dialogue_time_of_day: pd.DataFrame | None = None
    surveys: dict[str, pd.DataFrame] | None = None
    police_classification: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)
    monthly: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- assignment


def _assignment_rule() -> str:
    return tr(
        "en punkt hör till det område den ligger i, per områdestyp; en punkt på en gräns "
        "(eller där områden av samma typ överlappar) räknas en gång, till området med lägst "
        "områdes-id; poster i kommunens mittpunkt placeras aldrig i ett område",
        "a point belongs to the area it lies in, per area type; a point on a boundary (or "
        "where areas of one type overlap) counts once, for the area with the lowest area id; "
        "records at the municipality centroid are never placed in an area",
    )


def assign_points(points, areas) -> pd.DataFrame:
    """Assign points to areas, once per area type.

    Rule: within each ``area_type`` (areas without a type form one group) the project's join
    :func:`tryggaplatser.layers.join.assign_areas` is applied: a point inside or on the
    boundary of several areas (a shared edge) is assigned once, to the area with the smallest
    ``area_id`` (text order); points with ``location_precision == "kommun_centroid"`` are
    never assigned (their coordinate is not the place of the event). Areas of different types
    (e.g. DeSO and stadsdel) may overlap, so a point can belong to one area of each type.

    Parameters
    ----------
    points : GeoDataFrame
    areas : GeoDataFrame with ``area_id`` (and optional ``area_type``)

    Returns
    -------
    DataFrame
        Columns ``pos`` (position in ``points``) and ``area_id``, at most one row per point and
        area type.
    """
    from ..layers.join import assign_areas

    check_same_crs(areas.crs, points.crs, "areas", "points")
    pts = points.reset_index(drop=True)
    types = (
        areas["area_type"].astype("string").fillna("").to_numpy()
        if "area_type" in areas.columns
        else np.array([""] * len(areas), dtype=object)
    )
    parts = []
    for t in sorted(set(types)):
        sub = areas.loc[types == t]
        hit = assign_areas(pts, sub)
        ok = hit.notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "pos": np.flatnonzero(ok).astype(np.int64),
                    "area_id": hit[ok].astype(str).to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {"pos": np.array([], dtype=np.int64), "area_id": np.array([], dtype=object)}
        )
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------- period


def _to_date(v) -> dt.date:
    return pd.Timestamp(v).date()


def resolve_period(
    period, occurred_at: pd.Series, record: dict, quiet: bool
) -> tuple[dt.date, dt.date]:
    """Period as inclusive local dates ``(start, end)``.

    ``period`` may be ``None`` (choose: first to last local date of the incidents), a year
    (``2025``), or a pair of dates (inclusive). Recorded as the parameter ``period``.
    """
    if period is None:
        local = pd.to_datetime(occurred_at).dt.tz_convert(LOCAL_TZ)
        if local.notna().sum() == 0:
            raise ArgumentError(
                tr("`incidents` saknar tidpunkter.", "`incidents` has no times."),
                rule="PERIOD_EMPTY",
            )
        start, end = local.min().date(), local.max().date()
        record_param(
            record,
            "period",
            (start.isoformat(), end.isoformat()),
            auto=True,
            rule=tr(
                "från första till sista händelsens datum",
                "from the first to the last incident's date",
            ),
            message=tr(
                "Period {a}–{b} vald automatiskt (första till sista händelsen).",
                "Period {a}–{b} chosen automatically (first to last incident).",
                a=start.isoformat(),
                b=end.isoformat(),
            ),
            quiet=quiet,
        )
        return start, end
    try:
        if isinstance(period, int | np.integer):
            start, end = dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
        else:
            a, b = period
            start, end = _to_date(a), _to_date(b)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            tr(
                "`period` ska vara ett år eller ett par datum (start, slut), fick {p!r}.",
                "`period` must be a year or a pair of dates (start, end), got {p!r}.",
                p=period,
            ),
            rule="PERIOD_FORMAT",
            fix=tr(
                "t.ex. period=2025 eller period=('2024-01-01', '2025-12-31')",
                "e.g. period=2025 or period=('2024-01-01', '2025-12-31')",
            ),
        ) from exc
    if end < start:
        raise ArgumentError(
            tr(
                "`period` slutar ({b}) före start ({a}).",
                "`period` ends ({b}) before it starts ({a}).",
                a=start,
                b=end,
            ),
            rule="PERIOD_ORDER",
            fix=tr("byt plats på datumen", "swap the dates"),
        )
    record_param(record, "period", (start.isoformat(), end.isoformat()), auto=False)
    return start, end


# ----------------------------------------------------------------------------- core


def _month_is_complete(
    years: np.ndarray, months: np.ndarray, start: dt.date, end: dt.date
) -> np.ndarray:
    first = pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": 1}))
    last = first + pd.offsets.MonthEnd(0)
    return ((first.dt.date >= start) & (last.dt.date <= end)).to_numpy()


def _prepare_incidents(incidents, areas, period, record, quiet):
    required = ["occurred_at", "category"]
    missing = [c for c in required if c not in incidents.columns]
    if missing:
        raise ArgumentError(
            tr(
                "`incidents` saknar kolumnerna {c}.",
                "`incidents` lacks the columns {c}.",
                c=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
            fix=tr("läs in lagret med load_project", "load the layer with load_project"),
        )
    occurred = pd.to_datetime(incidents["occurred_at"])
    if getattr(occurred.dt, "tz", None) is None:
        raise ArgumentError(
            tr(
                "`incidents.occurred_at` saknar tidszon.",
                "`incidents.occurred_at` has no time zone.",
            ),
            rule="TIME_NAIVE",
            fix=tr("lagra tider som tidszonsmedvetna UTC", "store times as timezone-aware UTC"),
        )
    start, end = resolve_period(period, occurred, record, quiet)
    local = occurred.dt.tz_convert(LOCAL_TZ)
    in_period = within(occurred, start, end)
    inc = incidents.loc[in_period]
    assignment = assign_points(inc, areas)
    n_centroid = 0
    if "location_precision" in inc.columns:
        n_centroid = int(
            (inc["location_precision"].astype("string") == "kommun_centroid").fillna(False).sum()
        )
    loc = local[in_period].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "category": inc["category"].astype(str).to_numpy(),
            "year": loc.dt.year.to_numpy(),
            "month": loc.dt.month.to_numpy(),
        }
    )
    record["params"]["excluded_kommun_centroid"] = {"value": n_centroid, "auto": False}
    record["params"]["n_incidents_in_period"] = {"value": int(in_period.sum()), "auto": False}
    record["params"]["assignment_rule"] = {"value": _assignment_rule(), "auto": False}
    return inc, frame, assignment, start, end


def _population(areas, record, quiet) -> pd.Series:
    if "population" not in areas.columns:
        pop = pd.Series(np.nan, index=areas["area_id"].astype(str).to_numpy())
    else:
        pop = pd.Series(
            pd.to_numeric(areas["population"], errors="coerce").to_numpy(dtype=float),
            index=areas["area_id"].astype(str).to_numpy(),
        )
    years = None
    if "population_year" in areas.columns:
        years = sorted(
            {int(y) for y in pd.to_numeric(areas["population_year"], errors="coerce").dropna()}
        )
    record["params"]["population_year"] = {"value": years, "auto": False}
    return pop


def _by_category(frame, assignment, areas, pop, years, record, quiet) -> pd.DataFrame:
    area_ids = areas["area_id"].astype(str).to_numpy()
    types = (
        areas["area_type"].astype("string").fillna("").to_numpy()
        if "area_type" in areas.columns
        else np.array([""] * len(areas))
    )
    type_of = dict(zip(area_ids, types, strict=True))
    a = assignment.assign(category=frame["category"].to_numpy()[assignment["pos"].to_numpy()])
    a["area_type"] = a["area_id"].map(type_of)
    rows = []
    priors: dict[str, dict] = {}
    for t in sorted(set(types)):
        ids = [i for i in area_ids if type_of[i] == t]
        at = a[a["area_type"] == t]
        cats = sorted(at["category"].unique())
        counts = (
            at.groupby(["area_id", "category"])
            .size()
            .unstack(fill_value=0)
            .reindex(index=ids, columns=cats, fill_value=0)
        )
        counts[ALL_CATEGORIES] = (
            at.drop_duplicates(["area_id", "pos"])
            .groupby("area_id")
            .size()
            .reindex(ids, fill_value=0)
        )
        muni = at.drop_duplicates("pos").groupby("category").size().reindex(cats, fill_value=0)
        muni[ALL_CATEGORIES] = at["pos"].nunique()
        p = pop.reindex(ids).to_numpy(dtype=float)
        p_ok = np.isfinite(p) & (p > 0)
        muni_pop = float(p[p_ok].sum()) if p_ok.any() else float("nan")
        for c in [*cats, ALL_CATEGORIES]:
            x = counts[c].to_numpy(dtype=float)
            eb, prior = eb_smooth(x, p)
            scale = 1000 / years
            priors[f"{t or '-'}:{c}"] = {
                "mean_per_1000_per_year": prior.mean * scale,
                "variance_per_1000_per_year": prior.variance * scale**2,
                "n_areas": prior.n_areas,
            }
            raw = rate_per_1000(x, p, years)
            mrate = float(rate_per_1000(muni[c], muni_pop, years)) if p_ok.any() else np.nan
            lab = (
                tr("Alla kategorier", "All categories")
                if c == ALL_CATEGORIES
                else vocab.label("category", c)
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = raw / mrate if mrate and np.isfinite(mrate) else np.full(len(ids), np.nan)
            rows.append(
                pd.DataFrame(
                    {
                        "area_id": ids,
                        "category": c,
                        "label": lab,
                        "count": x.astype(np.int64),
                        "population": p,
                        "rate_per_1000": raw,
                        "rate_eb": eb * 1000 / years,
                        "municipality_count": int(muni[c]),
                        "municipality_population": muni_pop,
                        "municipality_rate": mrate,
                        "ratio_to_municipality": ratio,
                    }
                )
            )
    record["params"]["eb_prior"] = {
        "value": priors,
        "auto": False,
        "rule": tr(
            "Marshall (1991), global momentmetod över alla områden av samma typ",
            "Marshall (1991), global method of moments over all areas of the same type",
        ),
    }
    if not rows:
        return pd.DataFrame(columns=BY_CATEGORY_COLUMNS)
    return pd.concat(rows, ignore_index=True)[BY_CATEGORY_COLUMNS]


def _year_days(start: dt.date, end: dt.date) -> pd.DataFrame:
    rows = []
    for y in range(start.year, end.year + 1):
        a, b = max(start, dt.date(y, 1, 1)), min(end, dt.date(y, 12, 31))
        full = (dt.date(y, 12, 31) - dt.date(y, 1, 1)).days + 1
        days = (b - a).days + 1
        rows.append((y, days, days == full))
    return pd.DataFrame(rows, columns=["year", "days_in_period", "complete"])


def _all_months(start: dt.date, end: dt.date) -> pd.DataFrame:
    months = pd.period_range(start, end, freq="M")
    df = pd.DataFrame({"year": months.year, "month": months.month})
    df["complete"] = _month_is_complete(df["year"].to_numpy(), df["month"].to_numpy(), start, end)
    return df


def _seasonal_labels() -> list[str]:
    return [tr(s, e) for s, e in zip(_MONTHS_SV, _MONTHS_EN, strict=True)]


def _clip_points(layer, areas, name):
    if layer is None or len(layer) == 0:
        return layer, pd.DataFrame({"pos": [], "area_id": []})
    check_same_crs(areas.crs, layer.crs, "areas", name)
    return layer, assign_points(layer, areas)


def _walk_table(obs: pd.DataFrame) -> pd.DataFrame:
    """The walk table of ``obs`` (one row per problem category plus the total row)."""
    return _walk_tables(obs, np.zeros(len(obs), dtype=np.int64), [0])[0]


def _walk_tables(obs: pd.DataFrame, groups: np.ndarray, keys: Iterable) -> dict:
    """Walk tables per group (e.g. per area), computed in one pass: ``groups[i]`` is the group
    of ``obs`` row i; every key of ``keys`` gets a table (only the total row when it has no
    observations). Shares are NaN when nothing was sent / decided."""
    st = obs["status"].astype("string")
    flags = {"n": np.ones(len(obs), dtype=np.int64)}
    unsafe = obs["perception"].astype("string") == "otrygg" if "perception" in obs else False
    flags["n_otrygg"] = pd.Series(unsafe, index=obs.index).fillna(False).to_numpy(dtype=np.int64)
    for s in vocab.codes("observation_status"):
        flags[f"n_{s}"] = (st == s).fillna(False).to_numpy(dtype=np.int64)
    flags["n_sent"] = st.isin(SENT_STATUSES).to_numpy(dtype=np.int64)
    flags["n_decided"] = st.isin(DECIDED_STATUSES).to_numpy(dtype=np.int64)
    f = pd.DataFrame(flags)
    f["_days"] = np.nan
    if {"decided_on", "resolved_on"} <= set(obs.columns):
        days = (pd.to_datetime(obs["resolved_on"]) - pd.to_datetime(obs["decided_on"])).dt.days
        f["_days"] = np.where((st == "atgardad").fillna(False), days.to_numpy(float), np.nan)
    f["_g"], f["problem_category"] = groups, obs["problem_category"].astype(str).to_numpy()
    sums = [c for c in f.columns if c.startswith("n")]
    agg = {**{c: (c, "sum") for c in sums}, "median_days_to_resolve": ("_days", "median")}
    per_cat = f.groupby(["_g", "problem_category"], sort=True).agg(**agg).reset_index()
    total = f.groupby("_g", sort=True).agg(**agg).reset_index()
    missing = [k for k in keys if k not in set(total["_g"])]
    empty = pd.DataFrame({"_g": missing, **{c: 0 for c in sums}, "median_days_to_resolve": np.nan})
    total = pd.concat([total, empty], ignore_index=True).assign(problem_category=TOTAL_ROW)
    t = pd.concat([per_cat.assign(_last=0), total.assign(_last=1)], ignore_index=True)
    t = t.sort_values(["_g", "_last", "problem_category"], kind="stable")
    t["label"] = [
        tr("Totalt", "Total") if c == TOTAL_ROW else vocab.label("problem_category", c)
        for c in t["problem_category"]
    ]
    t[sums] = t[sums].astype(np.int64)
    t["atgardsgrad"] = t["n_atgardad"] / t["n_sent"].where(t["n_sent"] > 0)
    t["atgardsgrad_avgjorda"] = t["n_atgardad"] / t["n_decided"].where(t["n_decided"] > 0)
    t = t.astype({"median_days_to_resolve": float})
    return _split(t, keys, WALK_COLUMNS)


def _split(frame: pd.DataFrame, keys: Iterable, columns: list[str]) -> dict:
    """``frame``'s rows per group ``_g`` (``columns`` only, fresh index), for every key of
    ``keys``; a key without rows gets an empty frame with ``columns``."""
    codes, groups = pd.factorize(frame["_g"], sort=False)
    order = np.argsort(codes, kind="stable")  # each group's rows together, in their order
    rows = frame[columns].take(order)
    bounds = np.searchsorted(codes[order], np.arange(len(groups) + 1))
    parts = {
        k: rows.iloc[bounds[i] : bounds[i + 1]].reset_index(drop=True) for i, k in enumerate(groups)
    }
    return {k: parts[k] if k in parts else pd.DataFrame(columns=columns) for k in keys}


def _dialogue_tables(d: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per campaign: shares feeling unsafe, and the reasons and times of day of the unsafe pins."""
    return _dialogue_tables_by(d, np.zeros(len(d), dtype=np.int64), [0])[0]


def _dialogue_tables_by(d: pd.DataFrame, groups: np.ndarray, keys: Iterable) -> dict:
    """:func:`_dialogue_tables` per group (e.g. per area) in one pass; every key of ``keys``
    gets its three tables (empty ones when it has no pins)."""
    perc = d["perception"].astype("string")
    is_unsafe = (perc == "otrygg").fillna(False).to_numpy()
    campaign = d["campaign_id"].astype(str).to_numpy()
    base = (
        pd.DataFrame(
            {
                "_g": groups,
                "campaign_id": campaign,
                "otrygg": is_unsafe,
                "trygg": (perc == "trygg").fillna(False).to_numpy(),
            }
        )
        .groupby(["_g", "campaign_id"], sort=True)
        .agg(n=("otrygg", "size"), n_otrygg=("otrygg", "sum"), n_trygg=("trygg", "sum"))
        .reset_index()
    )
    base["share_otrygg"] = base["n_otrygg"] / (base["n_otrygg"] + base["n_trygg"]).replace(
        0, np.nan
    )
    n_unsafe = base.set_index(["_g", "campaign_id"])["n_otrygg"]

    def freq_per_pin(col: str, vocab_name: str, out_col: str) -> pd.DataFrame | None:
        if col not in d.columns or not is_unsafe.any():
            return None
        pins = np.flatnonzero(is_unsafe)
        s = split_code_lists(d[col].iloc[pins])
        t = pd.DataFrame(
            {"_g": groups[pins], "campaign_id": campaign[pins], "_pin": pins, out_col: s}
        ).explode(out_col)
        t[out_col] = t[out_col].astype("string").str.strip()
        t = t[t[out_col].notna() & (t[out_col] != "")].drop_duplicates(["_pin", out_col])
        t = t.groupby(["_g", "campaign_id", out_col]).size().rename("n").reset_index()
        t["label"] = [vocab.label(vocab_name, c) for c in t[out_col]]
        idx = pd.MultiIndex.from_arrays([t["_g"], t["campaign_id"]])
        t["share_of_otrygg"] = t["n"].to_numpy() / n_unsafe.reindex(idx).to_numpy()
        return t.sort_values(
            ["_g", "campaign_id", "n", out_col], ascending=[True, True, False, True]
        )

    reasons = freq_per_pin("reasons", "reason", "reason")
    times = freq_per_pin("time_of_day", "time_of_day", "time_of_day")

    keys = list(keys)
    parts = [
        _split(frame, keys, columns)
        if frame is not None
        else dict.fromkeys(keys, pd.DataFrame(columns=columns))
        for frame, columns in (
            (base, DIALOGUE_COLUMNS),
            (reasons, DIALOGUE_REASON_COLUMNS),
            (times, DIALOGUE_TIME_COLUMNS),
        )
    ]
    return {key: tuple(p[key] for p in parts) for key in keys}


def _survey_tables(s: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Survey indicators of one area: one ``(source, indicator) × year`` table per scale."""
    return _survey_tables_by(s, np.zeros(len(s), dtype=np.int64), [0])[0]


def _survey_tables_by(s: pd.DataFrame, groups: np.ndarray, keys: Iterable) -> dict:
    """:func:`_survey_tables` per group (e.g. per area), pivoted once."""
    out: dict = {key: {} for key in keys}
    if len(s) == 0:
        return out
    big = s.assign(_g=groups, _scale=s["scale"].astype(str)).pivot_table(
        index=["_g", "_scale", "source", "indicator"],
        columns="year",
        values="value",
        aggfunc="first",
    )
    for (key, scale), t in big.groupby(level=["_g", "_scale"], sort=True):
        if key not in out:
            continue
        t = t.droplevel(["_g", "_scale"]).dropna(axis=1, how="all")
        t.columns.name = "year"
        t.attrs["scale"] = scale
        out[key][scale] = t
    return out


def area_profiles_all(
    *,
    areas,
    incidents,
    walk_observations=None,
    dialogue=None,
    survey_indicators=None,
    police_classification=None,
    hotspot_cells=None,
    period=None,
    area_ids=None,
    secondary=None,
    quiet: bool = False,
) -> dict[str, AreaProfile]:
    """Area profiles of all areas (or of ``area_ids``), computed in one vectorised pass.

    Incidents are assigned to areas once (:func:`assign_points`), then every table is a
    ``groupby`` over that assignment. Parameters and outputs are as in :func:`area_profile`;
    ``secondary`` takes the tables of :func:`secondary_tables` already computed (they do not
    depend on the period, so a run computes them once for all its periods).

    Returns
    -------
    dict[str, AreaProfile]
        Keyed by ``area_id`` in the order of ``areas``.
    """
    if "area_id" not in areas.columns:
        raise ArgumentError(
            tr("`areas` saknar kolumnen area_id.", "`areas` lacks area_id."), rule="COLUMNS_MISSING"
        )
    record = new_record()
    all_ids, wanted = _wanted_area_ids(areas, area_ids)
    check_same_crs(areas.crs, incidents.crs, "areas", "incidents")
    inc, frame, assignment, start, end = _prepare_incidents(incidents, areas, period, record, quiet)
    days = (end - start).days + 1
    years = days / 365.25
    record["params"]["years"] = {"value": years, "auto": False}
    pop = _population(areas, record, quiet)
    by_cat = _by_category(frame, assignment, areas, pop, years, record, quiet)
    monthly = _monthly_counts(frame, assignment)
    months = _all_months(start, end)
    year_days = _year_days(start, end)
    month_labels = _seasonal_labels()
    hw = _hour_weekday_weights(inc, assignment, areas, all_ids, wanted, record)
    if secondary is None or hotspot_cells is not None:
        layers = _SecondaryLayers.assign(
            areas,
            walk_observations,
            dialogue,
            hotspot_cells,
            survey_indicators,
            police_classification,
        )
        secondary = layers.all_tables(wanted)
    name_of = dict(
        zip(
            all_ids,
            (
                areas["name"].astype(str)
                if "name" in areas.columns
                else areas["area_id"].astype(str)
            ),
            strict=True,
        )
    )
    _record_trend_test(record)
    out: dict[str, AreaProfile] = {}
    by_cat_groups = dict(tuple(by_cat.groupby("area_id", sort=False)))
    month_counts = _month_counts_by_area(monthly, months, wanted)
    for i, aid in enumerate(wanted):
        bc = by_cat_groups.get(aid, pd.DataFrame(columns=BY_CATEGORY_COLUMNS)).reset_index(
            drop=True
        )
        attach(bc, record)
        trend, test, seas, per_month = _time_tables(
            month_counts[i], months, year_days, month_labels
        )
        params = {k: v["value"] for k, v in record["params"].items()}
        params["trend_test_result"] = test
        out[aid] = AreaProfile(
            area_id=aid,
            name=name_of[aid],
            by_category=bc,
            trend=trend,
            trend_test=test,
            hour_weekday=hour_weekday_matrix(hw[i]),
            seasonal=seas,
            **secondary[aid],
            params=params,
            monthly=per_month,
        )
    return out


def secondary_tables(
    areas, walk_observations=None, dialogue=None, survey_indicators=None, police_classification=None
) -> dict[str, dict]:
    """Per area, the profile tables of the secondary layers (safety walks, dialogue, surveys,
    police classification). Campaigns and walks are shown as they are, so these tables do not
    depend on the period: compute them once and pass them to :func:`area_profiles_all`."""
    layers = _SecondaryLayers.assign(
        areas, walk_observations, dialogue, None, survey_indicators, police_classification
    )
    return layers.all_tables(areas["area_id"].astype(str).tolist())


def _wanted_area_ids(areas, area_ids) -> tuple[list[str], list[str]]:
    """All area ids of ``areas`` and the ones asked for (all when ``area_ids`` is ``None``)."""
    all_ids = areas["area_id"].astype(str).tolist()
    if area_ids is None:
        wanted = all_ids
    else:
        wanted = [str(a) for a in area_ids]
        unknown = [a for a in wanted if a not in all_ids]
        if unknown:
            raise ArgumentError(
                tr("Okänt område {a!r}.", "Unknown area {a!r}.", a=unknown[0]),
                rule="AREA_UNKNOWN",
                fix=tr("välj bland: {ids}", "choose from: {ids}", ids=", ".join(all_ids[:30])),
            )
    return all_ids, wanted


def _monthly_counts(frame: pd.DataFrame, assignment: pd.DataFrame) -> pd.Series:
    """Incident counts per (area_id, year, month)."""
    a_year = frame["year"].to_numpy()[assignment["pos"].to_numpy()]
    a_month = frame["month"].to_numpy()[assignment["pos"].to_numpy()]
    return (
        pd.DataFrame(
            {"area_id": assignment["area_id"].to_numpy(), "year": a_year, "month": a_month}
        )
        .groupby(["area_id", "year", "month"])
        .size()
        .rename("count")
    )


def _hour_weekday_weights(inc, assignment, areas, all_ids, wanted, record) -> np.ndarray:
    """Aoristic hour × weekday weights per wanted area (one pass), recorded in ``record``."""
    tp = inc["time_precision"] if "time_precision" in inc.columns else None
    end_col = inc["occurred_end"] if "occurred_end" in inc.columns else None
    code = pd.Index(wanted)
    a_code = code.get_indexer(assignment["area_id"])
    keep = a_code >= 0
    type_of = dict(
        zip(
            all_ids,
            (
                areas["area_type"].astype("string").fillna("").tolist()
                if "area_type" in areas.columns
                else [""] * len(all_ids)
            ),
            strict=True,
        )
    )
    a_type = assignment["area_id"].map(type_of).to_numpy()
    partitions = []
    for t in sorted(set(a_type[keep])):
        sel = keep & (a_type == t)
        per_pos = np.full(len(inc), -1, dtype=np.int64)
        per_pos[assignment["pos"].to_numpy()[sel]] = a_code[sel]
        partitions.append(per_pos)
    hw = aoristic_matrix(inc["occurred_at"], end_col, tp, partitions, len(wanted))
    n_no_time = 0
    if tp is not None:
        has_end = (
            pd.to_datetime(end_col).notna().to_numpy()
            if end_col is not None
            else np.zeros(len(inc), dtype=bool)
        )
        n_no_time = int(
            ((tp.astype("string") == "okand").fillna(False).to_numpy() & ~has_end).sum()
        )
    record["params"]["aoristic"] = {
        "value": {"cap_hours": 168, "excluded_time_unknown": n_no_time},
        "auto": False,
        "rule": tr(
            "Ratcliffe (2000): vikten 1 fördelas över fönstrets timmar efter överlapp; "
            "fönster ≥ 168 h sprids jämnt över veckan",
            "Ratcliffe (2000): weight 1 spread over the window's hours by overlap; "
            "windows ≥ 168 h spread evenly over the week",
        ),
    }
    return hw


def _record_trend_test(record: dict) -> None:
    """Record which trend test the profiles use."""
    record["params"]["trend_test"] = {
        "value": "mann_kendall_deseasonalised",
        "auto": False,
        "rule": tr(
            "Mann-Kendall på säsongsrensade månadsantal (varje hel månad minus "
            "medelvärdet för sin kalendermånad; delmånader i periodens början och slut "
            "utelämnas, månader utan händelser räknas som 0); Sens lutning i händelser "
            "per månad och år; säsongs-Mann-Kendall (Hirsch m.fl. 1982) redovisas "
            "bredvid (seasonal_*)",
            "Mann-Kendall on deseasonalised monthly counts (each complete month minus "
            "the mean of its calendar month; partial months at the ends of the period "
            "left out, months without incidents count as 0); Sen's slope in incidents "
            "per month per year; seasonal Mann-Kendall (Hirsch et al. 1982) reported "
            "alongside (seasonal_*)",
        ),
    }


def _month_counts_by_area(monthly: pd.Series, months: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """Counts per (area of ``ids``, month of ``months``), zero where ``monthly`` has none."""
    counts = np.zeros((len(ids), len(months)), dtype=np.int64)
    row = {aid: k for k, aid in enumerate(ids)}
    col = {(int(y), int(mo)): k for k, (y, mo) in enumerate(zip(months["year"], months["month"]))}
    for (aid, y, mo), n in monthly.items():
        k, c = row.get(aid), col.get((int(y), int(mo)))
        if k is not None and c is not None:
            counts[k, c] = int(n)
    return counts


def _time_tables(counts: np.ndarray, months, year_days, month_labels):
    """Yearly trend table, trend test, seasonal table and monthly counts of one area from its
    ``counts`` per month of ``months`` (one row of :func:`_month_counts_by_area`); the frames
    are built from arrays (this runs once per area and period)."""
    m_year, m_month = months["year"].to_numpy(), months["month"].to_numpy()
    complete = months["complete"].to_numpy(dtype=bool)
    t_year = year_days["year"].to_numpy()
    per_year = np.zeros(len(t_year), dtype=np.int64)
    np.add.at(per_year, np.searchsorted(t_year, m_year), counts)
    days = year_days["days_in_period"].to_numpy()
    trend = pd.DataFrame(
        {
            "year": t_year,
            "count": per_year,
            "days_in_period": days,
            "complete": year_days["complete"].to_numpy(),
            "count_per_365": per_year / days * 365,
        }
    )[TREND_COLUMNS]
    test = trend_test_arrays(m_year[complete], m_month[complete], counts[complete])
    month = m_month[complete] - 1
    total = np.zeros(12, dtype=np.int64)
    np.add.at(total, month, counts[complete])
    n_years = np.bincount(month, minlength=12).astype(np.int64)
    seas = pd.DataFrame(
        {
            "month": np.arange(1, 13, dtype=np.int64),
            "label": month_labels,
            "n_years": n_years,
            "total": total,
            "mean_per_year": total / np.where(n_years == 0, np.nan, n_years),
        }
    )
    per_month = pd.DataFrame(
        {"year": m_year, "month": m_month, "complete": complete, "count": counts}
    )
    return trend, test, seas, per_month


@dataclass
class _SecondaryLayers:
    """The secondary layers of :func:`area_profiles_all`, each assigned to areas once."""

    walk_obs: Any
    walk_assign: Any
    dia: Any
    dia_assign: Any
    hot_centroids: Any
    hotspot_cells: Any
    survey_indicators: Any
    police_classification: Any

    @classmethod
    def assign(
        cls, areas, walk_observations, dialogue, hotspot_cells, survey_indicators, police
    ) -> _SecondaryLayers:
        """Check CRSs and assign walk observations, dialogue pins and hotspot cells to areas."""
        walk_obs, walk_assign = _clip_points(walk_observations, areas, "walk_observations")
        dia, dia_assign = _clip_points(dialogue, areas, "dialogue")
        hot_centroids = None
        if hotspot_cells is not None and len(hotspot_cells):
            check_same_crs(areas.crs, hotspot_cells.crs, "areas", "hotspot_cells")
            import geopandas as gpd

            cent = gpd.GeoDataFrame(
                geometry=hotspot_cells.geometry.centroid.to_numpy(), crs=hotspot_cells.crs
            )
            hot_centroids = assign_points(cent, areas)
        return cls(
            walk_obs,
            walk_assign,
            dia,
            dia_assign,
            hot_centroids,
            hotspot_cells,
            survey_indicators,
            police,
        )

    def tables(self, aid: str) -> dict:
        """The AreaProfile fields built from the secondary layers, for one area."""
        return self.all_tables([aid])[aid]

    def all_tables(self, ids: list[str]) -> dict[str, dict]:
        """:meth:`tables` of every area of ``ids``, each layer grouped by area in one pass."""
        walks = dialogue = surveys = None
        if self.walk_obs is not None and len(self.walk_obs):
            obs, groups = self._by_area(self.walk_obs, self.walk_assign)
            walks = _walk_tables(obs, groups, ids)
        if self.dia is not None and len(self.dia):
            pins, groups = self._by_area(self.dia, self.dia_assign)
            dialogue = _dialogue_tables_by(pins, groups, ids)
        if self.survey_indicators is not None:
            s = self.survey_indicators
            surveys = _survey_tables_by(s, s["area_id"].astype(str).to_numpy(), ids)
        police = self._police(ids)
        out = {}
        for aid in ids:
            d_t, d_r, d_tod = dialogue[aid] if dialogue is not None else (None, None, None)
            out[aid] = {
                "hotspot_cells": self._hot_cells(aid),
                "walks": walks[aid] if walks is not None else None,
                "dialogue": d_t,
                "dialogue_reasons": d_r,
                "dialogue_time_of_day": d_tod,
                "surveys": surveys[aid] if surveys is not None else None,
                "police_classification": police[aid],
            }
        return out

    @staticmethod
    def _by_area(layer, assignment) -> tuple[Any, np.ndarray]:
        """The rows of ``layer`` assigned to an area (a row once per area it belongs to, in
        layer order within each area) and the area id of each."""
        a = assignment.sort_values(["area_id", "pos"], kind="stable")
        return layer.iloc[a["pos"].to_numpy()], a["area_id"].astype(str).to_numpy()

    def _hot_cells(self, aid: str) -> Any:
        if self.hot_centroids is None:
            return None
        pos = self.hot_centroids.loc[self.hot_centroids["area_id"] == aid, "pos"].to_numpy()
        return self.hotspot_cells.iloc[np.sort(pos)].copy()

    def _police(self, ids: list[str]) -> dict:
        """The police classification history of every area of ``ids`` (None without it)."""
        pc = self.police_classification
        if pc is None:
            return dict.fromkeys(ids)
        p = pc.assign(_g=pc["area_id"].astype(str).to_numpy())
        p = p.sort_values(["_g", "year"], kind="stable")
        p["label"] = [vocab.label("police_classification", c) for c in p["classification"]]
        return _split(p, ids, POLICE_COLUMNS)


def area_profile(
    area_id,
    *,
    areas,
    incidents,
    walk_observations=None,
    dialogue=None,
    survey_indicators=None,
    police_classification=None,
    hotspot_cells=None,
    period=None,
    quiet: bool = False,
) -> AreaProfile:
    """The områdesanalys of one area for one period.

    Parameters
    ----------
    area_id : str
        An ``area_id`` of ``areas``.
    areas : GeoDataFrame
        The areas layer (``area_id``, ``name``, ``population``, ``population_year``,
        ``area_type``). Empirical-Bayes priors and the municipality comparison use all areas
        of the same ``area_type`` as ``area_id``.
    incidents : GeoDataFrame
        The incidents layer (``occurred_at`` tz-aware, optional ``occurred_end`` and
        ``time_precision``). Records with ``location_precision == "kommun_centroid"`` are
        never placed in an area.
    walk_observations, dialogue : GeoDataFrame, optional
        Point layers, assigned to the area by location.
    survey_indicators, police_classification : DataFrame, optional
        Tables with ``area_id``.
    hotspot_cells : GeoDataFrame, optional
        Grid cells (e.g. from ``analysis.hotspots``); cells whose centroid is in the area are
        returned.
    period : None, int or (start, end)
        ``None`` = from the first to the last incident (announced); a year; or inclusive local
        dates.
    quiet : bool
        Silence announcements (the record stays in ``params``).

    Returns
    -------
    AreaProfile
        See :class:`AreaProfile` for every table and its columns.

    Notes
    -----
    Rates are per 1 000 residents per year: ``count / population / years · 1000`` with
    ``years = days in period / 365.25``. Empirical-Bayes smoothing: Marshall (1991), global
    method of moments. Trend: seasonal Mann-Kendall (Hirsch, Slack & Smith 1982) on monthly
    counts of complete months, so partial first/last years need no scaling; the yearly table
    also shows ``count_per_365``. Hour × weekday: aoristic weighting (Ratcliffe 2000).
    The whole municipality (all areas) is computed in the same pass since the EB prior and the
    comparison need it; use :func:`area_profiles_all` for many areas.
    """
    return area_profiles_all(
        areas=areas,
        incidents=incidents,
        walk_observations=walk_observations,
        dialogue=dialogue,
        survey_indicators=survey_indicators,
        police_classification=police_classification,
        hotspot_cells=hotspot_cells,
        period=period,
        area_ids=[area_id],
        quiet=quiet,
    )[str(area_id)]
