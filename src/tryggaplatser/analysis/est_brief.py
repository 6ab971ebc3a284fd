"""The weekly EST brief (veckolägesbild): compute it.

:func:`est_brief` **computes** everything the EST meeting works from for one ISO week — the
week's reports by area × category against the previous four weeks and the same week last year
(Poisson flag), recurring places, new and emerging hotspots, near-repeat risk windows and the
week's alerts (ranked, capped at ``max_alerts``), ranked focus places for next week, follow-up
of measures and the data quality of the week (which sources reported, which went silent) — and
returns an :class:`ESTBrief`. Nothing
is drawn, written or released here: :mod:`tryggaplatser.publish.reports.est_brief` draws the
brief and writes its files through the publishing gate.

Internal and public versions
----------------------------
The brief is internal by default. With ``mode="public"`` it also carries the *monthly overview*
the public version shows: the last complete calendar month that ended before the week was over
(for 2026-W47, October 2026), with reports per area and per category for that month and the same
month a year earlier (``month``, ``month_areas``, ``month_categories``). These are the full
counts; small counts are suppressed when the publish side releases them through the gate. Public
outputs allow month as the finest time unit (REFERENCE.md §5), so a weekly brief is never public.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._announce import announce
from .._compat import renamed
from ..errors import ArgumentError
from ..i18n import tr
from . import est as _est
from ._common import check_areas_crs, check_mode
from .near_repeat import LOCAL_TZ, band_rule, fmt_number, fmt_ratio
from .periods import last_local_day

__all__ = [
    "EMERGING_CATEGORIES",
    "NEAR_REPEAT_EXCLUDED",
    "NOT_A_PLACE",
    "ESTBrief",
    "default_week",
    "est_brief",
    "hotspot_months",
    "measure_rule",
    "month_tables",
]

#: Hotspot categories reported as "new and emerging" (codes of [hotspot_category]).
EMERGING_CATEGORIES = ("ny", "i_foljd", "intensifierande")
#: Categories never tested for near repeats: planned events are not offences.
NEAR_REPEAT_EXCLUDED = ("arrangemang",)
#: Location precisions that are not a place (Polisen's municipality centroid).
NOT_A_PLACE = ("kommun_centroid",)
#: Measure statuses that are closed.
CLOSED = _est.CLOSED_MEASURE_STATUSES


@dataclass
class ESTBrief:
    """Everything the weekly EST brief shows, computed for one ISO week.

    Attributes
    ----------
    week : str
        ISO week label (``"2026-W47"``).
    week_start, week_end : pandas.Timestamp
        ``[start, end)`` in Europe/Stockholm.
    weekly : pandas.DataFrame
        :func:`~tryggaplatser.analysis.est.weekly_counts` (area × category; ``area_id`` NA =
        no place, e.g. Polisen's municipality centroid) plus ``area_name``.
    area_totals : pandas.DataFrame
        Per area: ``count``, ``baseline_mean``, ``last_year``, ``change``, ``unusual_rows``.
    series : pandas.DataFrame
        Reports per week for the last 13 weeks (``week``, ``count``, ``last_year``).
    recurring : geopandas.GeoDataFrame
        :func:`~tryggaplatser.analysis.est.recurring_places` plus ``area_name``.
    hotspots : geopandas.GeoDataFrame or None
        ``hotspot_classify`` of the 52 weeks up to the week (None when too little data).
    emerging : geopandas.GeoDataFrame
        The cells of ``hotspots`` whose category is in :data:`EMERGING_CATEGORIES`.
    near_repeat : dict of str to pandas.DataFrame
        ``near_repeat`` result per tested category.
    near_repeat_table : pandas.DataFrame
        One row per tested category: events, window, ratio, p, summary.
    alerts : geopandas.GeoDataFrame
        :func:`~tryggaplatser.analysis.est.near_repeat_alerts`, ranked and capped at
        ``max_alerts`` (exact points: internal only); ``attrs["n_alerts"]`` and
        ``attrs["n_left_out"]`` give the number before the cap and how many it left out.
    alert_cells : geopandas.GeoDataFrame
        The shown alerts per 250 m cell and category (``rank`` of the cell's best alert, ``n``,
        ``linked_events`` (most of any of its alerts), ``window_end``, ``active_next_week``),
        in rank order.
    focus : pandas.DataFrame
        :func:`~tryggaplatser.analysis.est.focus_places` plus ``area_name``.
    measures : pandas.DataFrame
        :func:`~tryggaplatser.analysis.est.measure_followup`, filtered (see ``rules``).
    sources : pandas.DataFrame
        :func:`~tryggaplatser.analysis.est.silent_sources` plus ``organisations``.
    month : str or None
        Public version: the month shown (``"2026-10"``) and its counts in ``month_areas`` and
        ``month_categories`` (long tables with ``period``).
    parameters : list of tuple
        ``(name, value, auto, rule)`` rows for the methods box.
    rules : dict of str to str
        The stated rules and tests (Poisson flag, recurrence, silence, focus score ...).
    basemap : Basemap or None
        The run's ``[basemap]``, drawn under the brief's maps; the tables of cells carry
        ``place_name`` (street description of each cell's centre, ``""`` without a basemap).
    accuracy : ForecastAccuracy or None
        Internal brief: how accurate the focus places were over the last 12 weeks
        (:func:`~tryggaplatser.analysis.forecast.forecast_accuracy`, weekly origins, the focus
        places beside last week's counts and random places); None in public or without a
        year of history.
    """

    week: str
    week_start: pd.Timestamp
    week_end: pd.Timestamp
    areas: Any
    weekly: pd.DataFrame
    area_totals: pd.DataFrame
    series: pd.DataFrame
    recurring: Any
    hotspots: Any
    emerging: Any
    near_repeat: dict[str, pd.DataFrame]
    near_repeat_table: pd.DataFrame
    alerts: Any
    alert_cells: Any
    focus: pd.DataFrame
    measures: pd.DataFrame
    sources: pd.DataFrame
    n_incidents: int
    n_without_place: int
    month: str | None = None
    month_areas: pd.DataFrame | None = None
    month_categories: pd.DataFrame | None = None
    parameters: list[tuple[str, str, bool, str]] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)
    accuracy: Any = None
    basemap: Any = None

    @property
    def next_week(self) -> str:
        """Label of the week the focus places are proposed for."""
        return _est.week_label(self.week_end.date())


# ---------------------------------------------------------------------------------------------
# the week


def default_week(incidents, today=None, *, quiet: bool = False) -> tuple[str, str]:
    """The last complete ISO week of the data (and of the calendar), with the reason.

    A week is complete in the data when the data reach its Sunday; it is complete in the
    calendar when its Sunday is before ``today``. The later of the two constraints decides: the
    default is the latest week complete in both. Announced.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        With ``occurred_at``.
    today : date-like, optional
        Default: today's date in Stockholm.

    Returns
    -------
    (str, str)
        The ISO week label and the sentence explaining the choice.
    """
    ref = pd.Timestamp.now(tz=LOCAL_TZ).date() if today is None else pd.Timestamp(today).date()
    calendar_monday = ref - timedelta(days=ref.weekday()) - timedelta(days=7)
    if len(incidents) and "occurred_at" in incidents:
        last = pd.to_datetime(incidents["occurred_at"], utc=True).max()
        last_day = last.tz_convert(LOCAL_TZ).date()
        # the week is complete in the data when the data reach its Sunday
        data_monday = last_day - timedelta(days=last_day.weekday())
        if last_day.weekday() != 6:
            data_monday -= timedelta(days=7)
    else:
        last_day, data_monday = None, calendar_monday
    monday = min(calendar_monday, data_monday)
    week = _est.week_label(monday)
    if last_day is not None and data_monday < calendar_monday:
        why = tr(
            "Vecka {w} vald automatiskt: senaste hela vecka i data (sista händelse {d}).",
            "Week {w} chosen automatically: last complete week in the data (last incident {d}).",
            w=week,
            d=last_day.isoformat(),
        )
    else:
        why = tr(
            "Vecka {w} vald automatiskt: senaste hela kalendervecka före {d}.",
            "Week {w} chosen automatically: last complete calendar week before {d}.",
            w=week,
            d=ref.isoformat(),
        )
    announce(why, quiet=quiet)
    return week, why


def _last_complete_month(week_end: pd.Timestamp) -> pd.Period:
    """The last calendar month that had ended when the week ended."""
    last_day = last_local_day(week_end)  # a calendar day back: 24 h is wrong across DST
    month = pd.Period(last_day, freq="M")
    if last_day != month.end_time.date():
        month = month - 1
    return month


def default_public_month(incidents, today=None) -> str:
    """The month (``"YYYY-MM"``) of the public EST overview of the default week
    (:func:`default_week`, not announced): the last calendar month that had ended when the
    week ended. The public set's disclosure plan covers this month by default, so ``est``
    without ``--week`` writes the month the folder's plan has."""
    week, _ = default_week(incidents, today, quiet=True)
    _, end = _est.iso_week_bounds(week, quiet=True)
    return str(_last_complete_month(end))


# ---------------------------------------------------------------------------------------------
# computation


def _area_ids(incidents, areas) -> pd.Series:
    """area_id per incident (NA without a place or outside every area); lowest id on borders."""
    import geopandas as gpd

    out = pd.Series(pd.NA, index=incidents.index, dtype="string")
    has_place = _has_place(incidents)
    if areas is None or not len(areas) or not has_place.any():
        return out
    check_areas_crs(areas, incidents)
    pts = gpd.GeoDataFrame(
        geometry=incidents.geometry[has_place].to_numpy(),
        index=incidents.index[has_place],
        crs=incidents.crs,
    )
    joined = gpd.sjoin(pts, areas[["area_id", "geometry"]], how="inner", predicate="intersects")
    joined["area_id"] = joined["area_id"].astype("string")
    first = joined.sort_values("area_id", kind="stable")
    first = first[~first.index.duplicated(keep="first")]
    out.loc[first.index] = first["area_id"].to_numpy()
    return out


def _has_place(incidents) -> np.ndarray:
    if "location_precision" not in incidents.columns:
        return np.ones(len(incidents), bool)
    return (
        ~incidents["location_precision"].astype("string").isin(NOT_A_PLACE).fillna(False).to_numpy()
    )


def _names(areas) -> dict[str, str]:
    if areas is None or not len(areas):
        return {}
    if "name" not in areas.columns:
        return {str(a): str(a) for a in areas["area_id"]}
    return {str(a): str(n) for a, n in zip(areas["area_id"], areas["name"])}


def _name_of(names: dict[str, str], area_id: Any) -> str:
    if area_id is None or area_id is pd.NA or (isinstance(area_id, float) and math.isnan(area_id)):
        return tr(
            "Utan plats (t.ex. Polisens kommunpunkt)",
            "No place (e.g. Polisen's municipality point)",
        )
    return names.get(str(area_id), str(area_id))


def _weekly_series(incidents, week_start: pd.Timestamp, n_weeks: int = 13) -> pd.DataFrame:
    dates = _est._local_dates(incidents["occurred_at"])
    monday = week_start.date()
    idx = _est._week_index(dates, monday)
    ly_monday = _est.same_week_last_year(monday)
    ly_idx = _est._week_index(dates, ly_monday)
    rows = []
    for k in range(n_weeks - 1, -1, -1):
        rows.append(
            {
                "week": _est.week_label(monday - timedelta(days=7 * k)),
                "count": int((idx == k).sum()),
                "last_year": int((ly_idx == k).sum()),
            }
        )
    return pd.DataFrame(rows)


def _near_repeat_all(
    incidents,
    week_end: pd.Timestamp,
    *,
    months: int,
    min_events: int,
    max_events: int,
    permutations: int,
    seed: int,
    quiet: bool,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[str]]:
    from ..layers.vocab import label
    from .near_repeat import near_repeat

    start = week_end - pd.DateOffset(months=months)
    t = incidents["occurred_at"]
    window = incidents[((t >= start) & (t < week_end)).to_numpy() & _has_place(incidents)]
    results: dict[str, pd.DataFrame] = {}
    rows = []
    notes: list[str] = []
    cats = window["category"].astype("string")
    for category, n in cats.value_counts().sort_index().items():
        if category in NEAR_REPEAT_EXCLUDED or n < min_events:
            continue
        sub = window[(cats == category).to_numpy()]
        n_all = len(sub)
        if n_all > max_events:
            # an even random sample over the whole window: thinning keeps the Knox ratio (close
            # pairs and expected pairs both scale with the sampling fraction squared) and the
            # time span, which a "latest events only" cut would shrink below the time bands
            rng = np.random.default_rng(seed)
            keep = np.sort(rng.choice(n_all, size=max_events, replace=False))
            sub = sub.iloc[keep]
            notes.append(
                tr(
                    "Near-repeat för {c}: slumpmässigt urval av {m} av {n} händelser (frö {s}).",
                    "Near repeat for {c}: random sample of {m} of {n} events (seed {s}).",
                    c=label("category", category).lower(),
                    m=max_events,
                    n=n_all,
                    s=seed,
                )
            )
        result = near_repeat(sub, permutations=permutations, seed=seed, quiet=True)
        results[str(category)] = result
        w = result.attrs.get("risk_window")
        rows.append(
            {
                "category": str(category),
                "category_label": label("category", category),
                "n_events": len(sub),
                "n_in_window": n_all,
                "from": start.date().isoformat(),
                "window_m": w["distance_m"] if w else math.nan,
                "window_days": w["days"] if w else math.nan,
                "knox_ratio": w["knox_ratio"] if w else math.nan,
                "p_value": w["p_value"] if w else math.nan,
                "pattern": bool(w),
                "summary": result.attrs["summary"],
                "result": result.attrs["summary"] if w else _no_pattern(result),
            }
        )
    for note in notes:
        announce(note, quiet=quiet)
    table = pd.DataFrame(
        rows,
        columns=[
            "category",
            "category_label",
            "n_events",
            "n_in_window",
            "from",
            "window_m",
            "window_days",
            "knox_ratio",
            "p_value",
            "pattern",
            "summary",
            "result",
        ],
    )
    table = table.sort_values(
        ["pattern", "category"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return results, table, notes


def _no_pattern(result) -> str:
    """The short result of a category without a risk window."""
    return tr(
        "Inget near-repeat-mönster (första bandet räknas inte: inte signifikant efter "
        "korrigering eller kvot under {r}).",
        "No near-repeat pattern (the first band does not count: not significant after "
        "correction or ratio below {r}).",
        r=fmt_ratio(result.attrs["min_knox_ratio"]),
    )


def _alert_cells(alerts, size: float):
    import geopandas as gpd
    from shapely import box

    if not len(alerts):
        return gpd.GeoDataFrame(
            {
                "cell_id": pd.Series(dtype="string"),
                "category": pd.Series(dtype="string"),
                "rank": pd.Series(dtype="int64"),
                "n": pd.Series(dtype="int64"),
                "linked_events": pd.Series(dtype="int64"),
                "window_end": pd.Series(dtype="datetime64[ns]"),
                "active_next_week": pd.Series(dtype=bool),
            },
            geometry=gpd.GeoSeries([], crs=alerts.crs),
            crs=alerts.crs,
        )
    grouped = (
        alerts.groupby(["cell_id", "category"], sort=True)
        .agg(
            rank=("rank", "min"),
            n=("incident_id", "size"),
            linked_events=("linked_events", "max"),
            window_end=("window_end", "max"),
            active_next_week=("active_next_week", "any"),
            alert_distance_m=("alert_distance_m", "first"),
            window_days=("window_days", "first"),
        )
        .reset_index()
    )
    xy = grouped["cell_id"].str.extract(r"mE(-?\d+)N(-?\d+)$").astype(float)
    geoms = [box(x, y, x + size, y + size) for x, y in zip(xy[0], xy[1])]
    grouped = grouped.sort_values("rank", kind="stable")  # the cell's best alert
    out = gpd.GeoDataFrame(
        grouped.reset_index(drop=True), geometry=[geoms[i] for i in grouped.index], crs=alerts.crs
    )
    return out


def _select_measures(followup: pd.DataFrame, week_start: pd.Timestamp) -> pd.DataFrame:
    """Open measures, and closed ones whose due date is within the 4 weeks before the week."""
    closed = followup["status"].isin(CLOSED).fillna(False)
    recent = followup["due"] >= pd.Timestamp(week_start.date()) - pd.Timedelta(days=28)
    return followup[~closed | recent.fillna(False)].reset_index(drop=True)


class _KnoxSettings(NamedTuple):
    """The near-repeat (Knox) settings of one brief, as printed in its rules and parameters."""

    months: int
    min_events: int
    max_events: int
    permutations: int
    seed: int
    seed_auto: bool

    @classmethod
    def of(cls, months, min_events, max_events, permutations, seed) -> _KnoxSettings:
        """The settings of a brief; ``seed=None`` is the fixed default 20261127 (recorded)."""
        return cls(
            months,
            min_events,
            max_events,
            permutations,
            20261127 if seed is None else int(seed),
            seed is None,
        )


def _mode_of_public(public: bool) -> str:
    """The ``mode`` meant by the deprecated ``public`` flag."""
    return "public" if public else "internal"


@renamed(public=("mode", _mode_of_public))
def est_brief(
    incidents,
    areas=None,
    measures=None,
    week: str | None = None,
    *,
    mode: str = "internal",
    cell_size: float | None = None,
    near_repeat_months: int = 12,
    near_repeat_min_events: int = 30,
    near_repeat_max_events: int = 3000,
    permutations: int = 999,
    seed: int | None = None,
    top: int = 10,
    max_alerts: int = _est.DEFAULT_MAX_ALERTS,
    today=None,
    quiet: bool = False,
    run: Any = None,
) -> ESTBrief:
    """Compute the weekly EST brief for one ISO week.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The incidents layer (``incident_id``, ``occurred_at``, ``category``, ``source``, Point
        geometry in a metric CRS; ``location_precision`` when present: records at Polisen's
        municipality centroid count for the municipality and the sources but are never placed
        in an area, a grid cell or a near-repeat pair).
    areas : geopandas.GeoDataFrame, optional
        Areas (``area_id``, ``name``) in the same CRS.
    measures : pandas.DataFrame, optional
        The measures layer.
    week : str, optional
        ISO week ``"2026-W47"``; ``None`` = :func:`default_week` (announced).
    mode : {"internal", "public"}
        ``"public"`` also computes the monthly overview the public version shows (see the
        module notes) and leaves out the near-repeat test, which works on exact points and is
        shown internally only (``near_repeat`` is then empty and there are no alerts). The
        deprecated ``public=True``/``False`` still works (with a ``DeprecationWarning``) and
        means ``mode="public"``/``"internal"``.
    cell_size : float, optional
        Grid cell for recurring places, alerts and hotspots; ``None`` = the run's grid
        (sfhotspot's rule on all placed incidents, at least 250 m in public mode), recorded.
    near_repeat_months, near_repeat_min_events, near_repeat_max_events
        The near-repeat test runs per category over the ``near_repeat_months`` months before
        the end of the week, for categories with at least ``near_repeat_min_events`` events
        there (except :data:`NEAR_REPEAT_EXCLUDED`); a category with more than
        ``near_repeat_max_events`` events uses an even random sample of that many (seeded,
        announced): thinning keeps the Knox ratio and the time span and keeps the brief fast
        on large data.
    permutations, seed
        Monte Carlo permutations of the Knox test (999: enough for one band to be significant
        after the correction across the 20 bands) and the seed (``None`` = 20261127,
        recorded, so the brief is reproducible).
    top : int
        Number of focus places.
    max_alerts : int, default 15
        Most near-repeat alerts shown (``[est] max_alerts`` in ``tryggaplatser.toml``); the
        highest ranked are kept (see :func:`~tryggaplatser.analysis.est.near_repeat_alerts`),
        the brief says how many were left out, and only the shown alerts give focus points.
    today : date-like, optional
        Reference date for the default week. Measures are followed up as of the Monday after
        the week (the day of the EST meeting).
    quiet : bool
        Silence announcements (they are still recorded in ``parameters``).
    run : Run, optional
        The :class:`~tryggaplatser.analysis.run.Run` of the same project and mode. The brief
        uses its grid, and its hotspot classes are the run's classification of the 52 weeks up
        to the end of the week — the same cells and classes as ``tryggaplatser hotspots
        --classify --from <the Monday 52 weeks before> --to <the week's Sunday>``. ``None`` =
        a run of ``incidents`` in ``mode`` with ``cell_size``.

    Returns
    -------
    ESTBrief
    """
    from .near_repeat import check_points

    check_points(incidents, "incidents", ("occurred_at", "category", "source", "incident_id"))
    check_mode(mode)
    _check_positive_ints(
        near_repeat_months=near_repeat_months,
        near_repeat_min_events=near_repeat_min_events,
        near_repeat_max_events=near_repeat_max_events,
        permutations=permutations,
        top=top,
        max_alerts=max_alerts,
    )
    params: list[tuple[str, str, bool, str]] = []
    choices: list[str] = []
    run = _brief_run(incidents, mode, cell_size, run)
    week, start, end, size = _week_and_cell_size(
        incidents, week, run, today, quiet, params, choices
    )
    knox = _KnoxSettings.of(
        near_repeat_months, near_repeat_min_events, near_repeat_max_events, permutations, seed
    )

    inc = _incidents_in_reach(incidents, areas, end)
    placed = inc[_has_place(inc)]
    names = _names(areas)
    weekly = _est.weekly_counts(inc, "area_id", week, quiet=True)
    weekly["area_name"] = [_name_of(names, a) for a in weekly["area_id"]]
    area_totals = _area_totals(weekly)
    series = _weekly_series(inc, start)
    recurring = _est.recurring_places(placed, week, cell_size=size, quiet=True)
    recurring["area_name"] = [_name_or_dash(names, a) for a in recurring["area_id"]]
    cell_area = _cell_areas(placed, size)
    public_month = _last_complete_month(end) if mode == "public" else None
    hotspots, emerging = _hotspots(run, end, params, month=public_month)
    if emerging is not None:
        emerging = _place_emerging(emerging, size, cell_area, names)

    # near repeat works on exact points and is internal only: a public brief never runs it
    nr, nr_table, nr_notes = _near_repeat_tests(inc, end, knox, quiet, run=mode == "internal")
    alerts, alert_cells = _week_alerts(placed, week, nr, size, max_alerts, (cell_area, names))

    focus = _focus_places(recurring, weekly, hotspots, alerts, top, cell_area, names)
    _name_places(run, (recurring, emerging, alert_cells, focus), params)
    meeting_day = end.date()
    followup = _measures_to_follow_up(measures, meeting_day, start, names)
    sources = _sources_table(inc, week)

    in_week = ((inc["occurred_at"] >= start) & (inc["occurred_at"] < end)).to_numpy()
    rules = _brief_rules(weekly, recurring, sources, focus, meeting_day, knox)
    params += _brief_parameters(
        weekly, recurring, sources, meeting_day, (top, max_alerts), nr_notes, knox
    )
    brief = ESTBrief(
        week=week,
        week_start=start,
        week_end=end,
        areas=areas,
        weekly=weekly,
        area_totals=area_totals,
        series=series,
        recurring=recurring,
        hotspots=hotspots,
        emerging=emerging,
        near_repeat=nr,
        near_repeat_table=nr_table,
        alerts=alerts,
        alert_cells=alert_cells,
        focus=focus,
        measures=followup,
        sources=sources,
        n_incidents=int(in_week.sum()),
        n_without_place=int((in_week & ~_has_place(inc)).sum()),
        parameters=params,
        rules=rules,
        choices=choices,
        basemap=getattr(run, "basemap", None),
    )
    _by_mode(brief, mode, (incidents, areas, params), run, end)
    return brief


def _by_mode(brief: ESTBrief, mode: str, layers: tuple, run: Any, end: pd.Timestamp) -> None:
    """The public version's monthly overview, or the internal brief's focus-place accuracy."""
    if mode == "public":
        _public_month(brief, *layers, run=run)
    else:
        brief.accuracy = focus_accuracy(run, end)


#: Weeks over which the internal brief scores its focus places.
ACCURACY_WEEKS = 12


def focus_accuracy(run: Any, end: pd.Timestamp, weeks: int = ACCURACY_WEEKS) -> Any:
    """How accurate the focus places were over the ``weeks`` weeks up to ``end`` (weekly
    origins, the EST focus places beside last week's counts and random places, on the run's
    grid); ``None`` when there is too little history."""
    from .forecast import forecast_accuracy
    from .run import placed

    try:
        data = placed(run.incidents)
        t = pd.to_datetime(data["occurred_at"], utc=True)
        data = data[(t < end.tz_convert("UTC")).to_numpy()]
        first = (end - pd.Timedelta(weeks=weeks)).date()
        last = (end - pd.Timedelta(days=1)).date()
        return forecast_accuracy(
            data,
            run.grid,
            bandwidth=run.bandwidth,
            period=(first, last),
            step="week",
            methods=("est", "last_period", "random"),
            area_shares=(0.01,),
            places=10,
            quiet=True,
        )
    except ArgumentError:
        return None


def _near_repeat_tests(inc, end: pd.Timestamp, knox: _KnoxSettings, quiet: bool, run: bool = True):
    """The Knox test per category over the months before the end of the week (none, with
    empty tables, when ``run`` is false)."""
    return _near_repeat_all(
        inc if run else inc.iloc[:0],
        end,
        months=knox.months,
        min_events=knox.min_events,
        max_events=knox.max_events,
        permutations=knox.permutations,
        seed=knox.seed,
        quiet=quiet,
    )


def _incidents_in_reach(incidents, areas, end: pd.Timestamp):
    """The incidents of the 66 weeks up to the end of the week, with their area ids."""
    # only the 66 weeks up to the end of the week (and nothing after it) matter
    t = incidents["occurred_at"]
    horizon = end - pd.Timedelta(weeks=66)  # 13-week series a year back
    inc = incidents[((t >= horizon) & (t < end)).to_numpy()]
    return inc.assign(area_id=_area_ids(inc, areas))


def _name_or_dash(names: dict[str, str], area_id: Any) -> str:
    """The name of an area id, ``"–"`` when missing or unknown."""
    return names.get(str(area_id), "–") if pd.notna(area_id) else "–"


def _focus_places(recurring, weekly, hotspots, alerts, top: int, cell_area: dict, names: dict):
    """The ranked focus places with the area of every cell filled in."""
    focus = _est.focus_places(recurring, weekly, hotspots, alerts, top=top)
    missing = focus["area_id"].isna()
    focus.loc[missing, "area_id"] = focus.loc[missing, "cell_id"].map(cell_area)
    focus["area_name"] = [_area_name_of_cell(c, cell_area, names) for c in focus["cell_id"]]
    return focus


def _name_places(run: Any, tables: tuple, params: list) -> None:
    """Add ``place_name`` ("Storgatan vid Parkvägen", the cell's centre; ``""`` without a
    basemap or a street near) to every table of cells, and record the rule once. The focus
    places (the last table) also name the significant hot street stretch crossing the cell
    ("hotspotsträcka Storgatan 120–220 m", :meth:`Run.hot_stretches`) in their reasons."""
    for table in tables:
        if table is not None and "cell_id" in table.columns:
            table["place_name"] = run.place_names(table["cell_id"])
    focus = tables[-1]
    stretches = getattr(run, "hot_stretches", None)
    if focus is not None and len(focus) and "reasons" in focus.columns and stretches:
        # a focus place on a significant hot street stretch names it (internal runs)
        found = stretches(focus["cell_id"])
        focus["reasons"] = [
            f"{r}; " + tr("hotspotsträcka {s}", "hot-spot stretch {s}", s=s) if s else r
            for r, s in zip(focus["reasons"], found, strict=True)
        ]
    if getattr(getattr(run, "basemap", None), "roads", None) is not None:
        from .places import MAX_STREET_M, NEAR_M, place_rule

        params.append(
            (
                tr("Platsnamn", "Place names"),
                f"{MAX_STREET_M:g} m / {NEAR_M:g} m",
                True,
                place_rule(),
            )
        )


def _brief_parameters(
    weekly,
    recurring,
    sources,
    meeting_day: date,
    limits: tuple[int, int],
    nr_notes: list[str],
    knox: _KnoxSettings,
) -> list[tuple[str, str, bool, str]]:
    """The brief's parameter rows after the week and cell size, in report order; ``limits``
    are the numbers of focus places and of near-repeat alerts shown."""
    top, max_alerts = limits
    params = _count_parameters(weekly, recurring)
    params += _near_repeat_parameters(knox)
    params += _alert_parameters(max_alerts)
    params += _followup_parameters(sources, meeting_day, top)
    for note in nr_notes:
        params.append(
            (
                tr("Near-repeat, urval", "Near repeat, sample"),
                note,
                True,
                tr(
                    "högst {x} händelser per kategori",
                    "at most {x} events per category",
                    x=knox.max_events,
                ),
            )
        )
    return params


def _check_positive_ints(**values: Any) -> None:
    """Refuse any of the named arguments that is not a positive integer."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ArgumentError(
                tr(
                    "{n} måste vara ett positivt heltal, fick {v!r}",
                    "{n} must be a positive integer, got {v!r}",
                    n=name,
                    v=value,
                ),
                rule="NOT_POSITIVE",
            )


def _brief_run(incidents, mode: str, cell_size: float | None, run: Any):
    """The run the brief takes its grid and classification from (made when not given)."""
    from types import SimpleNamespace

    from .run import Run

    if run is None:
        project = SimpleNamespace(layers={"incidents": incidents}, config=None)
        return Run(project, mode, cell_size=cell_size, quiet=True)
    if run.mode != mode or (cell_size is not None and float(cell_size) != run.cell_size):
        raise ArgumentError(
            tr(
                "`run` ({m}, {c} m) passar inte veckobriefens läge {mode} och cellstorlek.",
                "`run` ({m}, {c} m) does not match the brief's mode {mode} and cell size.",
                m=run.mode,
                c=fmt_number(run.cell_size),
                mode=mode,
            ),
            rule="ARGUMENT_INVALID",
        )
    return run


def _week_and_cell_size(
    incidents, week, run: Any, today, quiet: bool, params: list, choices: list
) -> tuple[str, pd.Timestamp, pd.Timestamp, float]:
    """The ISO week (default: announced), its bounds and the run's cell size; records both."""
    if week is None:
        week, why = default_week(incidents, today, quiet=quiet)
        params.append((tr("Vecka", "Week"), week, True, why))
        choices.append(why)
    else:
        params.append((tr("Vecka", "Week"), str(week), False, ""))
    start, end = _est.iso_week_bounds(week, quiet=True)
    week = _est.week_label(start.date())
    try:
        size = run.cell_size
        chosen = run.grid.attrs["tryggaplatser"]["params"].get("cell_size", {})
    except ArgumentError:  # no placed incident at all: the brief's fixed default, no hotspots
        size, chosen = float(_est.DEFAULT_CELL_SIZE), {}
    params.append(
        (
            tr("Cellstorlek", "Cell size"),
            f"{fmt_number(size)} m",
            bool(chosen.get("auto")),
            str(chosen.get("rule", "")),
        )
    )
    return week, start, end, size


def _area_totals(weekly: pd.DataFrame) -> pd.DataFrame:
    """The week's counts per area (summed over categories), most reports first."""
    area_frame = weekly.assign(area_key=weekly["area_id"].fillna("–"))
    area_totals = (
        area_frame.groupby("area_key", sort=False)
        .agg(
            area_id=("area_id", "first"),
            area_name=("area_name", "first"),
            count=("count", "sum"),
            baseline_mean=("baseline_mean", "sum"),
            last_year=("last_year", "sum"),
            unusual_rows=("unusual", "sum"),
        )
        .reset_index(drop=True)
    )
    area_totals["change"] = area_totals["count"] - area_totals["baseline_mean"]
    area_totals = area_totals.sort_values(
        ["count", "area_name"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return area_totals


def _area_name_of_cell(cell_id: Any, cell_area: dict[str, str], names: dict[str, str]) -> str:
    """The name of the area a cell lies in, ``"–"`` when none."""
    area = cell_area.get(cell_id)
    return names.get(str(area), "–") if area is not None else "–"


def _place_emerging(emerging, size: float, cell_area: dict, names: dict):
    """Name emerging hotspot cells as analysis.est does and give them their area."""
    # the brief names cells as analysis.est does ("250mE…N…", the hotspot grid's ids)
    centre = emerging.geometry.centroid
    emerging["cell_id"] = _est.cell_ids(centre.x.to_numpy(), centre.y.to_numpy(), size)[2]
    emerging = emerging.assign(area_id=emerging["cell_id"].map(cell_area).astype("string"))
    emerging["area_name"] = [_area_name_of_cell(c, cell_area, names) for c in emerging["cell_id"]]
    return emerging


def _week_alerts(placed, week: str, nr: dict, size: float, max_alerts: int, places: tuple):
    """The week's ranked near-repeat alerts (capped), and the same per cell with their areas."""
    cell_area, names = places
    windows = {c: r for c, r in nr.items() if r.attrs.get("risk_window")}
    alerts = _est.near_repeat_alerts(
        placed, week, windows, cell_size=size, max_alerts=max_alerts, quiet=True
    )
    alert_cells = _alert_cells(alerts, size)
    alert_cells["area_id"] = alert_cells["cell_id"].map(cell_area).astype("string")
    alert_cells["area_name"] = [
        _area_name_of_cell(c, cell_area, names) for c in alert_cells["cell_id"]
    ]
    return alerts, alert_cells


def _measures_to_follow_up(measures, meeting_day: date, start: pd.Timestamp, names: dict):
    """The measures to follow up at the EST meeting, with their area names."""
    if measures is not None and len(measures):
        followup = _est.measure_followup(measures, today=meeting_day, quiet=True)
        followup = _select_measures(followup, start)
        followup["area_name"] = [_name_or_dash(names, a) for a in followup["area_id"]]
    else:
        followup = pd.DataFrame(columns=[*_est.MEASURE_FOLLOWUP_COLUMNS, "area_name"])

    return followup


def _sources_table(inc, week: str) -> pd.DataFrame:
    """Reports per source with silent sources flagged and their reporting organisations."""
    sources = _est.silent_sources(inc, week, quiet=True)
    if "reporting_org" in inc.columns:
        orgs = (
            inc.dropna(subset=["reporting_org"])
            .groupby("source")["reporting_org"]
            .agg(lambda s: "; ".join(sorted(pd.unique(s.astype(str)))[:3]))
        )
        sources["organisations"] = sources["source"].map(orgs).astype("string")
    else:
        sources["organisations"] = pd.Series(pd.NA, index=sources.index, dtype="string")

    return sources


def _brief_rules(
    weekly,
    recurring,
    sources,
    focus,
    meeting_day: date,
    knox: _KnoxSettings,
) -> dict[str, str]:
    """The rule texts the brief prints beside each part."""
    return {
        "test": weekly.attrs["test"],
        "expected_false_alarms": tr(
            "Med {m} rader väntas omkring {e} falsklarm av slumpen.",
            "With {m} rows about {e} false alarms are expected by chance.",
            m=len(weekly),
            e=fmt_number(weekly.attrs["expected_false_alarms"]),
        ),
        "recurring": recurring.attrs["rule"],
        "silent": sources.attrs["rule"],
        "focus": focus.attrs["rule"],
        "measures": measure_rule(meeting_day),
        "near_repeat": tr(
            "Knox-test per kategori med Monte Carlo-permutation av datum ({p} permutationer, "
            "frö {s}), avståndsband 0–500 m i steg om 100 m och tidsband 0–28 dagar i steg om "
            "7 dagar, över de {m} månaderna före veckans slut; kategorier med minst {n} "
            "händelser med plats. {b} Riskfönstret är den största rektangel av band som räknas "
            "och som börjar i det kortaste avståndet och tiden. {a} {k}",
            "Knox test per category with Monte Carlo permutation of dates ({p} permutations, "
            "seed {s}), distance bands 0–500 m in 100 m steps and time bands 0–28 days in "
            "7-day steps, over the {m} months before the end of the week; categories with at "
            "least {n} placed events. {b} The risk window is the largest rectangle of bands "
            "that count, starting at the shortest distance and time. {a} {k}",
            p=knox.permutations,
            s=knox.seed,
            m=knox.months,
            n=knox.min_events,
            b=band_rule(),
            a=_est.alert_rule(),
            k=_est.alert_ranking(),
        ),
    }


def _count_parameters(weekly, recurring) -> list[tuple[str, str, bool, str]]:
    """Parameters of the weekly comparison, the Poisson flag and recurring places."""
    return [
        (
            tr("Jämförelse", "Comparison"),
            tr(
                "medel av {b} föregående veckor; samma ISO-vecka året innan ({ly})",
                "mean of the {b} previous weeks; same ISO week the year before ({ly})",
                b=weekly.attrs["baseline_weeks"],
                ly=weekly.attrs["same_week_last_year"],
            ),
            False,
            "",
        ),
        (
            tr("Poissonflagga", "Poisson flag"),
            tr(
                "p < {a} och antal ≥ {m}; λ minst {f}",
                "p < {a} and count ≥ {m}; λ at least {f}",
                a=fmt_number(weekly.attrs["alpha"], 2),
                m=weekly.attrs["min_count"],
                f=fmt_number(weekly.attrs["lambda_floor"]),
            ),
            False,
            "",
        ),
        (
            tr("Återkommande platser", "Recurring places"),
            tr(
                "rapporter ≥ {m} av {w} veckor",
                "reports in ≥ {m} of {w} weeks",
                m=recurring.attrs["min_weeks"],
                w=recurring.attrs["weeks"],
            ),
            False,
            "",
        ),
    ]


def _near_repeat_parameters(knox: _KnoxSettings) -> list[tuple[str, str, bool, str]]:
    """Parameters of the near-repeat test and its random seed."""
    seed, seed_auto = knox.seed, knox.seed_auto
    return [
        (
            tr("Near-repeat", "Near repeat"),
            tr(
                "{m} månader, minst {n} händelser, högst {x} per kategori, {p} permutationer",
                "{m} months, at least {n} events, at most {x} per category, {p} permutations",
                m=knox.months,
                n=knox.min_events,
                x=knox.max_events,
                p=knox.permutations,
            ),
            False,
            "",
        ),
        (
            tr("Slumpfrö (near-repeat)", "Random seed (near repeat)"),
            str(seed),
            seed_auto,
            tr(
                "fast standardfrö så att veckobrevet kan upprepas exakt",
                "fixed default seed so the brief can be repeated exactly",
            )
            if seed_auto
            else "",
        ),
    ]


def _alert_parameters(max_alerts: int) -> list[tuple[str, str, bool, str]]:
    """Parameters of the near-repeat bands and alerts: correction, minimum ratio, link, cap."""
    from .near_repeat import ALPHA, MIN_KNOX_RATIO

    return [
        (
            tr("Near-repeat, band", "Near repeat, bands"),
            tr(
                "Benjamini–Hochberg över banden, {a} %; Knox-kvot minst {r}",
                "Benjamini–Hochberg across the bands, {a} %; Knox ratio at least {r}",
                a=fmt_number(ALPHA * 100),
                r=fmt_ratio(MIN_KNOX_RATIO),
            ),
            False,
            "",
        ),
        (
            tr("Near-repeat-larm", "Near-repeat alerts"),
            tr(
                "minst {k} länkade händelser; högst {m} visas (flest länkade, sedan senaste)",
                "at least {k} linked events; at most {m} shown (most linked, then latest)",
                k=_est.MIN_LINKED_EVENTS,
                m=max_alerts,
            ),
            False,
            tr(
                "gränsen är [est] max_alerts i tryggaplatser.toml (standard {d})",
                "the limit is [est] max_alerts in tryggaplatser.toml (default {d})",
                d=_est.DEFAULT_MAX_ALERTS,
            ),
        ),
    ]


def _followup_parameters(sources, meeting_day: date, top: int) -> list[tuple[str, str, bool, str]]:
    """Parameters of silent sources, the measures' follow-up date and the focus places."""
    return [
        (
            tr("Tysta källor", "Silent sources"),
            tr(
                "rapporterat ≥ {u} % av {h} veckor, tyst {s} vecka",
                "reported ≥ {u} % of {h} weeks, silent {s} week",
                u=fmt_number(sources.attrs["usual_share"] * 100),
                h=sources.attrs["history_weeks"],
                s=sources.attrs["silent_weeks"],
            ),
            False,
            "",
        ),
        (
            tr("Uppföljningsdag för åtgärder", "Follow-up date of measures"),
            meeting_day.isoformat(),
            True,
            tr(
                "måndagen efter veckan (EST-mötets vecka)",
                "the Monday after the week (the EST meeting's week)",
            ),
        ),
        (
            tr("Fokusplatser", "Focus places"),
            tr("de {k} med högst poäng", "the {k} with the highest score", k=top),
            False,
            "",
        ),
    ]


def measure_rule(meeting_day: date) -> str:
    """The stated follow-up rule of the brief's measures section."""
    return tr(
        "Visar öppna åtgärder och avslutade med uppföljningsdatum de senaste fyra veckorna. "
        "Försenad: inte genomförd eller avbruten och uppföljningsdatum (annars slutdatum) före "
        "{d}. Status är den som står i åtgärdslagret nu.",
        "Shows open measures and closed ones with a follow-up date in the last four weeks. "
        "Overdue: not completed or cancelled and the follow-up date (else the end date) before "
        "{d}. The status is the one in the measures layer now.",
        d=meeting_day.isoformat(),
    )


def _cell_areas(placed, size: float) -> dict[str, str]:
    """The most common area_id of the placed incidents in each grid cell (ties: lowest id)."""
    if not len(placed):
        return {}
    _, _, ids = _est.cell_ids(placed.geometry.x.to_numpy(), placed.geometry.y.to_numpy(), size)
    frame = pd.DataFrame({"cell_id": ids, "area_id": placed["area_id"].to_numpy()}).dropna()
    counts = frame.groupby(["cell_id", "area_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(
        ["cell_id", "n", "area_id"], ascending=[True, False, True], kind="stable"
    ).drop_duplicates("cell_id")
    return dict(zip(counts["cell_id"], counts["area_id"].astype(str)))


def hotspot_months(month: Any) -> tuple:
    """The public brief's hotspot window: the 12 whole calendar months ending with ``month``
    (a ``pandas.Period`` or ``"2026-10"``), as a pair of local dates (first day, last day).

    >>> hotspot_months("2026-10")
    (datetime.date(2025, 11, 1), datetime.date(2026, 10, 31))
    """
    last = pd.Period(str(month), freq="M")
    return (last - 11).start_time.date(), last.end_time.date()


def _hotspots(run: Any, end: pd.Timestamp, params: list, *, month: Any = None):
    """The run's emerging-hotspot classification of the 52 weeks up to the end of the week
    (the same object as ``hotspots --classify`` over that window); with the public ``month``,
    of the 12 whole calendar months ending with it (:func:`hotspot_months`: month is the
    finest public time unit), its cells' ``n`` the 12 months' counts on the run's grid."""
    if month is None:
        start = end - pd.Timedelta(weeks=52)
    else:
        first, last = hotspot_months(month)
        start = pd.Timestamp(first).tz_localize(LOCAL_TZ)
        end = pd.Timestamp(last + timedelta(days=1)).tz_localize(LOCAL_TZ)
    try:
        cells = run.classification(end=end, start=start)
    except ArgumentError as exc:
        params.append(
            (
                tr("Hotspotklassning", "Hotspot classification"),
                tr("inte gjord: {e}", "not done: {e}", e=exc.message),
                True,
                "",
            )
        )
        return None, None
    if month is not None:
        cells = _whole_month_counts(run, cells, hotspot_months(month), params)
    record = cells.attrs.get("tryggaplatser", {}).get("params", {})
    period = record.get("period_length", {})
    params.append(
        (
            tr("Hotspotklassning", "Hotspot classification"),
            tr(
                "Esris klasser: Gi* per period (90 % efter FDR) och Mann-Kendall-trend "
                "(Benjamini–Hochberg över cellerna) över {w}, perioder "
                "om {p}; samma som hotspots --classify för samma fönster",
                "Esri's classes: Gi* per period (90 % after FDR) and Mann-Kendall trend "
                "(Benjamini–Hochberg across the cells) over {w}, "
                "periods of {p}; the same as hotspots --classify for the same window",
                p=period.get("value", "?"),
                w=_window_text(month),
            ),
            bool(period.get("auto")),
            str(period.get("rule", "")),
        )
    )
    neighbourhood = record.get("neighbourhood", {})
    if neighbourhood:
        value = neighbourhood.get("value")
        if isinstance(value, dict):
            value = tr(
                "{c} celler inom {d} m",
                "{c} cells within {d} m",
                c=value.get("cells"),
                d=fmt_number(float(value.get("distance_m", 0))),
            )
        params.append(
            (
                tr("Gi*-grannskap", "Gi* neighbourhood"),
                str(value),
                bool(neighbourhood.get("auto")),
                str(neighbourhood.get("rule", "")),
            )
        )
    emerging = cells[cells["hotspot_category"].isin(EMERGING_CATEGORIES)].copy()
    order = {c: i for i, c in enumerate(EMERGING_CATEGORIES)}
    emerging = (
        emerging.assign(_o=emerging["hotspot_category"].map(order))
        .sort_values(["_o", "n"], ascending=[True, False], kind="stable")
        .drop(columns="_o")
    )
    return cells, emerging.reset_index(drop=True)


def _window_text(month: Any) -> str:
    """The hotspot window as the brief names it."""
    if month is None:
        return tr("52 veckor till veckans slut", "the 52 weeks to the end of the week")
    first, last = hotspot_months(month)
    return tr(
        "12 hela kalendermånader, {a} – {b}",
        "12 whole calendar months, {a} – {b}",
        a=first.strftime("%Y-%m"),
        b=last.strftime("%Y-%m"),
    )


def _whole_month_counts(run: Any, cells: Any, window: tuple, params: list) -> Any:
    """The classified cells with ``n`` = each cell's incidents in the whole months of
    ``window`` on the run's grid (the classification's periods are equal numbers of days: its
    own counts leave out an incomplete earliest part), keyed by that period in ``attrs``."""
    counts = run.hotspots(window).cells
    n = dict(zip(counts["cell_id"].astype(str), counts["n"].astype(np.int64)))
    out = cells.copy()
    out["n"] = [int(n.get(str(c), 0)) for c in out["cell_id"]]
    record = dict(cells.attrs.get("tryggaplatser") or {})
    record["period"] = tuple(window)
    record["grid"] = (counts.attrs.get("tryggaplatser") or {}).get("grid", record.get("grid"))
    out.attrs = {"tryggaplatser": record}
    params.append(
        (
            tr("Hotspotfönster (publik)", "Hotspot window (public)"),
            _window_text(window[1].strftime("%Y-%m")),
            True,
            tr(
                "publik utdata: de 12 hela kalendermånaderna till och med den publika "
                "månaden; månad är finaste publika tidsenhet",
                "public output: the 12 whole calendar months up to and including the public "
                "month; month is the finest public time unit",
            ),
        )
    )
    return out


def _public_month(brief: ESTBrief, incidents, areas, params: list, *, run: Any = None) -> None:
    """The public monthly overview: counts per area and per category, month vs a year before.

    Full counts: the publish side releases them through the gate (small counts suppressed).
    """
    month = _last_complete_month(brief.week_end)
    if run is None:
        by_area, by_cat = month_tables(incidents, areas, month)
    else:
        by_area, by_cat = run_month_tables(run, incidents, areas, month)
    brief.month = str(month)
    brief.month_areas = by_area
    brief.month_categories = by_cat
    params.append(
        (
            tr("Publik månad", "Public month"),
            str(month),
            True,
            tr(
                "senaste hela kalendermånad före veckans slut; publik utdata tillåter "
                "månad som finaste tidsenhet",
                "last complete calendar month before the week's end; public output "
                "allows month as the finest time unit",
            ),
        )
    )


def run_month_tables(run: Any, incidents, areas, month: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`month_tables` once per run (the public brief and the public set's disclosure
    plan read the same tables); a public run counts its areas without its sensitive
    categories."""
    sensitive = tuple(sorted(run.sensitive)) if run.public else ()
    return run.once(
        ("est_month_tables", str(month), id(incidents), id(areas)),
        lambda: month_tables(incidents, areas, month, sensitive=sensitive),
    )


def month_tables(
    incidents, areas, month: Any, *, sensitive: Sequence[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The public overview's counts of calendar ``month`` and the same month a year before:
    per area (``area_id``, ``period``, ``n``; every area, 0 included; an incident in one area
    at most, outside every area or without a place in none) and per category of the whole
    municipality (``category``, ``period``, ``n``). Incidents of the ``sensitive``
    categories count only for the municipality (policy: never below municipality level): an
    area's count holding them would give them away beside the area reports' counts."""
    month = pd.Period(str(month), freq="M")
    last_year = month - 12
    local = pd.to_datetime(incidents["occurred_at"], utc=True).dt.tz_convert(LOCAL_TZ)
    periods = local.dt.tz_localize(None).dt.to_period("M")
    keep = periods.isin([month, last_year]).to_numpy()
    sub = incidents[keep]
    sub = sub.assign(area_id=_area_ids(sub, areas), period=periods[keep].astype(str).to_numpy())
    cats = sub["category"].astype("string")
    in_area = sub.dropna(subset=["area_id"])
    if sensitive:
        in_area = in_area[~in_area["category"].astype(str).isin(list(sensitive)).to_numpy()]
    by_area = in_area.groupby(["area_id", "period"]).size().rename("n").reset_index()
    full = pd.MultiIndex.from_product(
        [
            sorted(_names(areas)) or sorted(by_area["area_id"].unique()),
            [str(last_year), str(month)],
        ],
        names=["area_id", "period"],
    )
    by_area = by_area.set_index(["area_id", "period"]).reindex(full, fill_value=0).reset_index()
    by_cat = (
        sub.assign(category=cats).groupby(["category", "period"]).size().rename("n").reset_index()
    )
    full_c = pd.MultiIndex.from_product(
        [sorted(by_cat["category"].unique()), [str(last_year), str(month)]],
        names=["category", "period"],
    )
    by_cat = by_cat.set_index(["category", "period"]).reindex(full_c, fill_value=0).reset_index()
    return by_area, by_cat
