"""The weekly EST brief (veckolägesbild): assemble, draw and write it.

Three steps, in the toolkit's one-way data flow:

1. :func:`est_brief` **computes** everything the EST meeting works from for one ISO week — the
   week's reports by area × category against the previous four weeks and the same week last
   year (Poisson flag), recurring places, new and emerging hotspots, near-repeat risk windows and
   the week's alerts, ranked focus places for next week, follow-up of measures and the data
   quality of the week (which sources reported, which went silent) — and returns an
   :class:`ESTBrief`. Nothing is drawn or written.
2. :func:`est_report` **draws** the brief as a :class:`~tryggaplatser.publish.report.Report`
   (internal or public version, decided by the gate's mode).
3. :func:`write_est_brief` **writes** the HTML brief, the GeoPackage for QGIS and the CSV
   tables, every file through the publishing gate.

Internal and public versions
----------------------------
The EST brief is a working document for the EST meeting (municipality, police, housing
companies, guards) and is **internal by default**, marked "INTERNT – ej för spridning" on every
page. A weekly brief cannot be public: public outputs allow month as the finest time unit
(REFERENCE.md §5), and a "month to date" figure published every week would give the weekly
counts away by subtraction. The **public version** is therefore a *monthly overview*: the last
complete calendar month that ended before the week was over (for 2026-W47, October 2026), with
reports per area and per category for that month and the same month a year earlier, small
counts suppressed by the gate (with complementary suppression over the totals), and the
hotspot classification of the 250 m grid. Points, weeks, days, near-repeat alerts, focus
places, measures with owners and dates, and per-source counts are never in the public version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._announce import announce
from ..analysis import est as _est
from ..analysis.near_repeat import LOCAL_TZ, fmt_number, fmt_p
from ..errors import ArgumentError
from ..i18n import tr

__all__ = [
    "EMERGING_CATEGORIES",
    "NEAR_REPEAT_EXCLUDED",
    "ESTBrief",
    "default_week",
    "est_brief",
    "est_report",
    "write_est_brief",
]

#: Hotspot categories reported as "new and emerging" (codes of [hotspot_category]).
EMERGING_CATEGORIES = ("ny", "intensifierande", "framvaxande")
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
        :func:`~tryggaplatser.analysis.est.near_repeat_alerts` (exact points: internal only).
    alert_cells : geopandas.GeoDataFrame
        Alerts per 250 m cell and category (``n``, ``window_end``, ``active_next_week``).
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
    last_day = (week_end - pd.Timedelta(days=1)).date()
    month = pd.Period(last_day, freq="M")
    if last_day != month.end_time.date():
        month = month - 1
    return month


# ---------------------------------------------------------------------------------------------
# computation


def _area_ids(incidents, areas) -> pd.Series:
    """area_id per incident (NA without a place or outside every area); lowest id on borders."""
    import geopandas as gpd

    out = pd.Series(pd.NA, index=incidents.index, dtype="string")
    has_place = _has_place(incidents)
    if areas is None or not len(areas) or not has_place.any():
        return out
    if areas.crs != incidents.crs:
        raise ArgumentError(
            tr(
                "olika koordinatsystem: händelser {a}, områden {b}",
                "different CRSs: incidents {a}, areas {b}",
                a=incidents.crs,
                b=areas.crs,
            ),
            rule="CRS_MISMATCH",
            fix=tr(
                "transformera områdena: areas.to_crs(incidents.crs)",
                "transform the areas: areas.to_crs(incidents.crs)",
            ),
        )
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
    from ..analysis.near_repeat import near_repeat
    from ..layers.vocab import label

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
                "result": result.attrs["summary"]
                if w
                else tr(
                    "Inget near-repeat-mönster (första bandet p > 0,05).",
                    "No near-repeat pattern (first band p > 0.05).",
                ),
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


def _alert_cells(alerts, size: float):
    import geopandas as gpd
    from shapely import box

    if not len(alerts):
        return gpd.GeoDataFrame(
            {
                "cell_id": pd.Series(dtype="string"),
                "category": pd.Series(dtype="string"),
                "n": pd.Series(dtype="int64"),
                "window_end": pd.Series(dtype="datetime64[ns]"),
                "active_next_week": pd.Series(dtype=bool),
            },
            geometry=gpd.GeoSeries([], crs=alerts.crs),
            crs=alerts.crs,
        )
    grouped = (
        alerts.groupby(["cell_id", "category"], sort=True)
        .agg(
            n=("incident_id", "size"),
            window_end=("window_end", "max"),
            active_next_week=("active_next_week", "any"),
            alert_distance_m=("alert_distance_m", "first"),
            window_days=("window_days", "first"),
        )
        .reset_index()
    )
    xy = grouped["cell_id"].str.extract(r"mE(-?\d+)N(-?\d+)$").astype(float)
    geoms = [box(x, y, x + size, y + size) for x, y in zip(xy[0], xy[1])]
    grouped = grouped.sort_values(
        ["active_next_week", "n", "cell_id"], ascending=[False, False, True], kind="stable"
    )
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


def est_brief(
    incidents,
    areas=None,
    measures=None,
    week: str | None = None,
    *,
    public: bool = False,
    cell_size: float | None = None,
    near_repeat_months: int = 12,
    near_repeat_min_events: int = 30,
    near_repeat_max_events: int = 3000,
    permutations: int = 99,
    seed: int | None = None,
    top: int = 10,
    today=None,
    quiet: bool = False,
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
    public : bool
        Also compute the public monthly overview (see the module notes).
    cell_size : float, optional
        Grid cell for recurring places, alerts and hotspots; ``None`` = 250 m (SCB grid,
        announced).
    near_repeat_months, near_repeat_min_events, near_repeat_max_events
        The near-repeat test runs per category over the ``near_repeat_months`` months before
        the end of the week, for categories with at least ``near_repeat_min_events`` events
        there (except :data:`NEAR_REPEAT_EXCLUDED`); a category with more than
        ``near_repeat_max_events`` events uses an even random sample of that many (seeded,
        announced): thinning keeps the Knox ratio and the time span and keeps the brief fast
        on large data.
    permutations, seed
        Monte Carlo permutations of the Knox test and the seed (``None`` = 20261127,
        recorded, so the brief is reproducible).
    top : int
        Number of focus places.
    today : date-like, optional
        Reference date for the default week. Measures are followed up as of the Monday after
        the week (the day of the EST meeting).
    quiet : bool
        Silence announcements (they are still recorded in ``parameters``).

    Returns
    -------
    ESTBrief
    """
    from ..analysis.near_repeat import check_points

    check_points(incidents, "incidents", ("occurred_at", "category", "source", "incident_id"))
    _check_positive_ints(
        near_repeat_months=near_repeat_months,
        near_repeat_min_events=near_repeat_min_events,
        near_repeat_max_events=near_repeat_max_events,
        permutations=permutations,
        top=top,
    )
    params: list[tuple[str, str, bool, str]] = []
    choices: list[str] = []
    week, start, end, size = _week_and_cell_size(
        incidents, week, cell_size, today, quiet, params, choices
    )
    knox = _KnoxSettings(
        near_repeat_months,
        near_repeat_min_events,
        near_repeat_max_events,
        permutations,
        20261127 if seed is None else int(seed),
        seed is None,
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
    hotspots, emerging = _hotspots(placed, end, size, params, quiet)
    if emerging is not None:
        emerging = _place_emerging(emerging, size, cell_area, names)

    nr, nr_table, nr_notes = _near_repeat_tests(inc, end, knox, quiet)
    alerts, alert_cells = _week_alerts(placed, week, nr, size, cell_area, names)

    focus = _focus_places(recurring, weekly, hotspots, alerts, top, cell_area, names)
    meeting_day = end.date()
    followup = _measures_to_follow_up(measures, meeting_day, start, names)
    sources = _sources_table(inc, week)

    in_week = ((inc["occurred_at"] >= start) & (inc["occurred_at"] < end)).to_numpy()
    rules = _brief_rules(weekly, recurring, sources, focus, meeting_day, knox)
    params += _brief_parameters(weekly, recurring, sources, meeting_day, top, nr_notes, knox)
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
    )
    if public:
        _public_month(brief, incidents, areas, params)
    return brief


def _near_repeat_tests(inc, end: pd.Timestamp, knox: _KnoxSettings, quiet: bool):
    """The Knox test per category over the months before the end of the week."""
    return _near_repeat_all(
        inc,
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


def _brief_parameters(
    weekly,
    recurring,
    sources,
    meeting_day: date,
    top: int,
    nr_notes: list[str],
    knox: _KnoxSettings,
) -> list[tuple[str, str, bool, str]]:
    """The brief's parameter rows after the week and cell size, in report order."""
    params = _count_parameters(weekly, recurring)
    params += _near_repeat_parameters(knox)
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


def _week_and_cell_size(
    incidents, week, cell_size, today, quiet: bool, params: list, choices: list
) -> tuple[str, pd.Timestamp, pd.Timestamp, float]:
    """The ISO week (default: announced), its bounds and the cell size; records both choices."""
    if week is None:
        week, why = default_week(incidents, today, quiet=quiet)
        params.append((tr("Vecka", "Week"), week, True, why))
        choices.append(why)
    else:
        params.append((tr("Vecka", "Week"), str(week), False, ""))
    start, end = _est.iso_week_bounds(week, quiet=True)
    week = _est.week_label(start.date())
    size = float(cell_size) if cell_size is not None else float(_est.DEFAULT_CELL_SIZE)
    if cell_size is None:
        params.append(
            (
                tr("Cellstorlek", "Cell size"),
                f"{fmt_number(size)} m",
                True,
                tr(
                    "SCB:s rutnät om 250 m, minsta rutstorlek i publika utdata",
                    "SCB's 250 m grid, the finest allowed in public outputs",
                ),
            )
        )
    else:
        params.append((tr("Cellstorlek", "Cell size"), f"{fmt_number(size)} m", False, ""))
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


def _week_alerts(placed, week: str, nr: dict, size: float, cell_area: dict, names: dict):
    """The week's near-repeat alerts, and the same per cell with their areas."""
    windows = {c: r for c, r in nr.items() if r.attrs.get("risk_window")}
    alerts = _est.near_repeat_alerts(placed, week, windows, cell_size=size, quiet=True)
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
            "händelser med plats. Riskfönstret är det största rektangel av signifikanta band "
            "(p ≤ 0,05) som börjar i det kortaste avståndet och tiden.",
            "Knox test per category with Monte Carlo permutation of dates ({p} permutations, "
            "seed {s}), distance bands 0–500 m in 100 m steps and time bands 0–28 days in "
            "7-day steps, over the {m} months before the end of the week; categories with at "
            "least {n} placed events. The risk window is the largest rectangle of significant "
            "bands (p ≤ 0.05) starting at the shortest distance and time.",
            p=knox.permutations,
            s=knox.seed,
            m=knox.months,
            n=knox.min_events,
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


def _hotspots(placed, end: pd.Timestamp, size: float, params: list, quiet: bool):
    """Emerging-hotspot classification over the 52 weeks before the end of the week."""
    from ..analysis.hotspots import hotspot_classify

    start = end - pd.Timedelta(weeks=52)
    window = placed[((placed["occurred_at"] >= start) & (placed["occurred_at"] < end)).to_numpy()]
    if len(window) < 20:
        params.append(
            (
                tr("Hotspotklassning", "Hotspot classification"),
                tr("inte gjord: för få händelser", "not done: too few incidents"),
                True,
                "",
            )
        )
        return None, None
    try:
        cells = hotspot_classify(
            window,
            cell_size=size,
            start=start.tz_convert("UTC"),
            end=end.tz_convert("UTC"),
            quiet=True,
        )
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
    record = cells.attrs.get("tryggaplatser", {}).get("params", {})
    period = record.get("period_length", {})
    params.append(
        (
            tr("Hotspotklassning", "Hotspot classification"),
            tr(
                "Gi* per period (90 % efter FDR) och Mann-Kendall-trend över 52 veckor till "
                "veckans slut, perioder om {p}",
                "Gi* per period (90 % after FDR) and Mann-Kendall trend over "
                "the 52 weeks to the end of the week, periods of {p}",
                p=period.get("value", "?"),
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


def _public_month(brief: ESTBrief, incidents, areas, params: list) -> None:
    """The public monthly overview: counts per area and per category, month vs a year before."""
    month = _last_complete_month(brief.week_end)
    last_year = month - 12
    local = pd.to_datetime(incidents["occurred_at"], utc=True).dt.tz_convert(LOCAL_TZ)
    periods = local.dt.tz_localize(None).dt.to_period("M")
    keep = periods.isin([month, last_year]).to_numpy()
    sub = incidents[keep]
    sub = sub.assign(area_id=_area_ids(sub, areas), period=periods[keep].astype(str).to_numpy())
    cats = sub["category"].astype("string")
    by_area = (
        sub.dropna(subset=["area_id"])
        .groupby(["area_id", "period"])
        .size()
        .rename("n")
        .reset_index()
    )
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
    brief.month = str(month)
    brief.month_areas = by_area
    brief.month_categories = by_cat
    params.append(
        (
            tr("Publik månad", "Public month"),
            str(month),
            True,
            tr(
                "senaste hela kalendermånad när veckan {w} var slut; publik utdata tillåter "
                "månad som finaste tidsenhet",
                "last complete calendar month when week {w} ended; public output "
                "allows month as the finest time unit",
                w=brief.week,
            ),
        )
    )


# ---------------------------------------------------------------------------------------------
# drawing


def _week_period_text(brief: ESTBrief) -> str:
    last = (brief.week_end - pd.Timedelta(days=1)).date()
    return tr(
        "vecka {w} ({a} – {b})",
        "week {w} ({a} – {b})",
        w=brief.week,
        a=brief.week_start.date().isoformat(),
        b=last.isoformat(),
    )


def _cat(code: Any) -> str:
    from ..layers.vocab import label

    return label("category", code) if pd.notna(code) else "–"


def est_report(
    brief: ESTBrief, gate, *, municipality: str, issued=None, map_file: str | None = None
):
    """Draw the brief as a report for the gate's mode (internal brief or public overview).

    Parameters
    ----------
    brief : ESTBrief
        From :func:`est_brief` (with ``public=True`` for a public gate).
    gate : Gate
        The output set's publishing gate.
    municipality : str
        Municipality name for the header.
    issued : date-like, optional
        Date printed on the report (default today).
    map_file : str, optional
        Internal brief: file name of the interactive map written next to it (see
        :func:`est_map`); the focus-places section links to it with a relative link.

    Returns
    -------
    tryggaplatser.publish.report.Report
    """
    if gate.public:
        return _public_report(brief, gate, municipality=municipality, issued=issued)
    return _internal_report(
        brief, gate, municipality=municipality, issued=issued, map_file=map_file
    )


def _add_parameters(report, brief: ESTBrief) -> None:
    for name, value, auto, rule in brief.parameters:
        report.parameter(name, value, auto=auto, rule=rule)


def _internal_report(
    brief: ESTBrief, gate, *, municipality: str, issued=None, map_file: str | None = None
):
    from .report import Report

    report = Report(
        tr("Veckolägesbild för EST", "Weekly situation picture for EST"),
        gate=gate,
        municipality=municipality,
        period=_week_period_text(brief),
        subtitle=tr(
            "Underlag till EST-mötet vecka {n}: vad hände, var, vad är "
            "ovanligt, vad återkommer och var ska vi vara nästa vecka.",
            "Brief for the EST meeting in week {n}: what happened, where, "
            "what is unusual, what keeps coming back and where to be next "
            "week.",
            n=brief.next_week,
        ),
        issued=issued,
        kind=tr("EST-veckobrev", "EST weekly brief"),
    )
    _internal_summary(report, brief)
    _section_reports(report, brief, gate)
    _section_focus_places(report, brief, gate, municipality, map_file)
    _section_recurring_places(report, brief, gate)
    _section_hotspots(report, brief, gate)
    _section_near_repeat(report, brief, gate)
    _section_measures(report, brief, gate)
    _section_data_quality(report, brief, gate)
    _internal_method_notes(report, brief)
    return report


def _week_totals(brief: ESTBrief) -> tuple[float, int]:
    """Mean reports of the four weeks before the week, and the same week last year."""
    base_total = (
        float(brief.series["count"].iloc[-5:-1].mean()) if len(brief.series) >= 5 else math.nan
    )
    ly_total = int(brief.series["last_year"].iloc[-1]) if len(brief.series) else 0
    return base_total, ly_total


def _internal_summary(report, brief: ESTBrief) -> None:
    """Summary: the week's reports, unusual increases, places, alerts, silent sources, delays."""
    from .report import fmt_int, fmt_num

    weekly = brief.weekly
    unusual = weekly[weekly["unusual"]]
    silent = brief.sources[brief.sources["silent"]]
    overdue = (
        brief.measures[brief.measures["overdue"].astype(bool)]
        if len(brief.measures)
        else brief.measures
    )
    active = (
        brief.alert_cells[brief.alert_cells["active_next_week"].astype(bool)]
        if len(brief.alert_cells)
        else brief.alert_cells
    )
    base_total, ly_total = _week_totals(brief)
    summary = [
        tr(
            "{n} rapporter under veckan (medel för de fyra veckorna före: {b}; samma vecka "
            "i fjol: {ly}).",
            "{n} reports in the week (mean of the four weeks before: "
            "{b}; same week last year: {ly}).",
            n=fmt_int(brief.n_incidents),
            b=fmt_num(base_total),
            ly=fmt_int(ly_total),
        )
    ]
    if len(unusual):
        top = unusual.head(3)
        summary.append(
            tr(
                "Ovanlig ökning: {x}.",
                "Unusual increase: {x}.",
                x="; ".join(
                    tr(
                        "{c} i {a} ({n} mot snitt {b})",
                        "{c} in {a} ({n} vs mean {b})",
                        c=_cat(r.category).lower(),
                        a=r.area_name,
                        n=fmt_int(r.count),
                        b=fmt_num(r.baseline_mean),
                    )
                    for r in top.itertuples()
                ),
            )
        )
    else:
        summary.append(
            tr(
                "Ingen ovanlig ökning enligt Poissontestet.",
                "No unusual increase according to the Poisson test.",
            )
        )
    summary.append(
        tr(
            "{r} återkommande platser, {e} nya eller framväxande hotspotrutor, {a} "
            "near-repeat-larm aktiva in i nästa vecka.",
            "{r} recurring places, {e} new or emerging hotspot cells, {a} near-repeat "
            "alerts active into next week.",
            r=len(brief.recurring),
            e=0 if brief.emerging is None else len(brief.emerging),
            a=len(active),
        )
    )
    if len(silent):
        summary.append(
            tr(
                "Tyst källa: {s} – veckans siffror är troligen för låga för dess kategorier.",
                "Silent source: {s} – the week's figures are probably too low for its categories.",
                s=", ".join(silent["source"]),
            )
        )
    if len(overdue):
        summary.append(
            tr("1 åtgärd är försenad.", "1 measure is overdue.")
            if len(overdue) == 1
            else tr("{n} åtgärder är försenade.", "{n} measures are overdue.", n=len(overdue))
        )
    report.summary(summary)


def _section_reports(report, brief: ESTBrief, gate) -> None:
    """Section 1 "Veckans rapporter": facts, the weekly chart and the area tables."""
    from .charts import weekly_chart
    from .report import fmt_int, fmt_num

    unusual = brief.weekly[brief.weekly["unusual"]]
    base_total, ly_total = _week_totals(brief)
    s = report.section(
        tr("Veckans rapporter", "The week's reports"),
        key="rapporter",
        intro=tr(
            "Per område och kategori, jämfört med medel för de fyra "
            "föregående veckorna och samma vecka året innan.",
            "Per area and category, compared with the mean of the four "
            "previous weeks and the same week the year before.",
        ),
    )
    s.facts(
        [
            (tr("Rapporter denna vecka", "Reports this week"), fmt_int(brief.n_incidents)),
            (tr("Medel 4 veckor före", "Mean of 4 weeks before"), fmt_num(base_total)),
            (tr("Samma vecka i fjol", "Same week last year"), fmt_int(ly_total)),
            (tr("Ovanliga ökningar", "Unusual increases"), fmt_int(len(unusual))),
        ]
    )
    s.figure(
        weekly_chart(
            list(brief.series["week"]),
            list(brief.series["count"]),
            baseline=list(brief.series["last_year"]),
            title=tr("Rapporter per vecka", "Reports per week"),
            ylabel=tr("antal", "count"),
        ),
        caption=tr(
            "Rapporter per vecka de senaste 13 veckorna (staplar; veckan i rött) "
            "och samma veckor året innan (linje).",
            "Reports per week in the last "
            "13 weeks (bars; the week in red) and the same weeks the year before "
            "(line).",
        ),
        width="88%",
    )
    _reports_tables(s, brief, gate)
    s.note(brief.rules["test"] + " " + brief.rules["expected_false_alarms"])
    if brief.n_without_place:
        s.note(
            tr(
                "{n} {r} saknar plats (Polisens händelser har kommunens mittpunkt som "
                "koordinat) och redovisas som ”utan plats”, aldrig i ett område eller en "
                "ruta.",
                "{n} {r} no place (Polisen's events carry the "
                "municipality's centre point) and are shown as “no place”, never in an area "
                "or a cell.",
                n=brief.n_without_place,
                r=tr(
                    "rapport" if brief.n_without_place == 1 else "rapporter",
                    "report has" if brief.n_without_place == 1 else "reports have",
                ),
            )
        )


def _reports_tables(s, brief: ESTBrief, gate) -> None:
    """Section 1: reports per area and per area × category."""
    from .report import fmt_num, internal_table

    weekly = brief.weekly
    totals = internal_table(
        gate,
        brief.area_totals.assign(flag=brief.area_totals["unusual_rows"] > 0),
        name="area_totals",
    )
    s.table(
        totals,
        columns={
            "area_name": tr("Område", "Area"),
            "count": tr("Denna vecka", "This week"),
            "baseline_mean": tr("Medel 4 v", "Mean 4 wk"),
            "last_year": tr("Samma v. i fjol", "Same wk last yr"),
            "change": tr("Förändring", "Change"),
            "unusual_rows": tr("Ovanliga kategorier", "Unusual categories"),
        },
        formats={"baseline_mean": fmt_num, "change": _signed},
        caption=tr("Rapporter per område", "Reports per area"),
        highlight="flag",
    )
    shown = weekly[(weekly["count"] > 0) | weekly["unusual"]].sort_values(
        ["unusual", "p_value", "count"], ascending=[False, True, False], kind="stable"
    )
    table = internal_table(
        gate,
        shown.assign(category_label=[_cat(c) for c in shown["category"]]),
        name="weekly_counts",
    )
    s.table(
        table,
        columns={
            "area_name": tr("Område", "Area"),
            "category_label": tr("Kategori", "Category"),
            "count": tr("Antal", "Count"),
            "baseline_mean": tr("Medel 4 v", "Mean 4 wk"),
            "last_year": tr("I fjol", "Last yr"),
            "change": tr("Förändring", "Change"),
            "p_value": "p",
            "unusual": tr("Ovanlig", "Unusual"),
        },
        formats={"baseline_mean": fmt_num, "change": _signed, "p_value": _p},
        caption=tr(
            "Område × kategori (ovanliga först, sedan efter p-värde)",
            "Area × category (unusual first, then by p-value)",
        ),
        highlight="unusual",
        max_rows=25,
        empty=tr("Inga rapporter under veckan.", "No reports in the week."),
    )


def _section_focus_places(report, brief: ESTBrief, gate, municipality: str, map_file) -> None:
    """Section 2 "Fokusplatser nästa vecka": the map, its link and the ranked focus places."""
    from .report import fmt_num, internal_table

    s = report.section(
        tr("Fokusplatser nästa vecka", "Focus places next week"),
        key="fokus",
        new_page=True,
        intro=tr(
            "Förslag till var väktare, fältare och nattvandrare gör mest "
            "nytta vecka {n}, rangordnade efter en poängregel med skälen "
            "utskrivna.",
            "Proposed places for guards, outreach workers "
            "and night walkers in week {n}, ranked by a points rule with "
            "the reasons spelled out.",
            n=brief.next_week,
        ),
    )
    _map_figure(s, brief, gate, municipality)
    if map_file:
        s.paragraph(_map_link(map_file))
    s.table(
        internal_table(gate, brief.focus, name="focus_places"),
        columns={
            "rank": "#",
            "area_name": tr("Område", "Area"),
            "cell_id": tr("Ruta (250 m)", "Cell (250 m)"),
            "score": tr("Poäng", "Score"),
            "reasons": tr("Skäl", "Reasons"),
        },
        formats={"score": lambda v: fmt_num(v, 0)},
        widths={"rank": "5%", "area_name": "17%", "cell_id": "22%", "score": "7%"},
        empty=tr("Inga förslag denna vecka.", "No proposals this week."),
    )
    s.note(brief.rules["focus"])


def _section_recurring_places(report, brief: ESTBrief, gate) -> None:
    """Section 3 "Återkommande platser": cells with reports in many of the recent weeks."""
    from .report import internal_table

    s = report.section(
        tr("Återkommande platser", "Recurring places"),
        key="aterkommande",
        intro=brief.rules["recurring"],
    )
    week_cols = list(brief.recurring.attrs.get("week_columns", []))
    rec = brief.recurring.assign(
        categories_label=[
            ", ".join(_cat(c) for c in str(v).split(";")[:3]) if pd.notna(v) else "–"
            for v in brief.recurring["categories"]
        ]
    )
    columns = {
        "area_name": tr("Område", "Area"),
        "cell_id": tr("Ruta (250 m)", "Cell (250 m)"),
        "weeks_with_reports": tr("Veckor", "Weeks"),
        "total": tr("Totalt", "Total"),
    }
    columns.update({c: c.split("-")[-1] for c in week_cols})
    columns["categories_label"] = tr("Vanligaste kategorier", "Most common categories")
    s.table(
        internal_table(gate, rec, name="recurring_places"),
        columns=columns,
        max_rows=20,
        numeric=week_cols,
        empty=tr("Inga återkommande platser.", "No recurring places."),
    )


def _section_hotspots(report, brief: ESTBrief, gate) -> None:
    """Section 4 "Nya och framväxande hotspots": emerging cells and all class counts."""
    from .report import fmt_int, internal_table

    s = report.section(
        tr("Nya och framväxande hotspots", "New and emerging hotspots"),
        key="hotspots",
        intro=tr(
            "Hotspotklassning av 250 m-rutor över de 52 veckorna fram till "
            "veckans slut (Gi* per period och trendtest).",
            "Hotspot classification of 250 m cells over the 52 weeks to the "
            "end of the week (Gi* per period and trend test).",
        ),
    )
    if brief.emerging is None:
        s.note(
            tr(
                "Hotspotklassningen kunde inte göras (för lite data).",
                "The hotspot classification could not be made (too little data).",
            ),
            tone="warning",
        )
    else:
        from ..layers.vocab import label

        em = brief.emerging.assign(
            category_label=[
                label("hotspot_category", c) for c in brief.emerging["hotspot_category"]
            ]
        )
        s.table(
            internal_table(gate, em, name="emerging_hotspots"),
            columns={
                "category_label": tr("Klass", "Class"),
                "area_name": tr("Område", "Area"),
                "cell_id": tr("Ruta (250 m)", "Cell (250 m)"),
                "n": tr("Händelser 52 v", "Events 52 wk"),
                "hot_periods": tr("Heta perioder", "Hot periods"),
            },
            max_rows=20,
            empty=tr("Inga nya eller framväxande hotspots.", "No new or emerging hotspots."),
        )
        counts = brief.hotspots["hotspot_category"].value_counts()
        s.paragraph(
            tr("Alla klasser: ", "All classes: ")
            + ", ".join(
                f"{label('hotspot_category', c).lower()} {fmt_int(n)}"
                for c, n in counts.items()
                if c != "inget_monster"
            )
            + "."
        )


def _section_near_repeat(report, brief: ESTBrief, gate) -> None:
    """Section 5 "Near-repeat-larm": the Knox test per category and the week's alerts."""
    from .report import internal_table

    s = report.section(
        tr("Near-repeat-larm", "Near-repeat alerts"),
        key="near-repeat",
        new_page=True,
        intro=tr(
            "Efter en händelse är risken förhöjd nära i tid och rum för "
            "vissa kategorier. Veckans händelser i sådana kategorier ger "
            "larm för sitt riskfönster.",
            "After an incident the risk is "
            "raised close in space and time for some categories. The "
            "week's incidents in such categories give alerts for their "
            "risk window.",
        ),
    )
    nr = brief.near_repeat_table
    s.table(
        internal_table(gate, nr, name="near_repeat"),
        columns={
            "category_label": tr("Kategori", "Category"),
            "n_in_window": tr("Händelser 12 mån", "Events 12 mo"),
            "n_events": tr("Testade", "Tested"),
            "result": tr("Resultat", "Result"),
        },
        widths={"category_label": "18%", "n_in_window": "10%", "n_events": "8%"},
        caption=tr("Knox-test per kategori", "Knox test per category"),
        highlight="pattern",
        empty=tr(
            "Ingen kategori hade tillräckligt många händelser.", "No category had enough events."
        ),
    )
    _alerts_table(s, brief, gate)
    s.note(brief.rules["near_repeat"])


def _alerts_table(s, brief: ESTBrief, gate) -> None:
    """Section 5: the week's near-repeat alerts per cell."""
    from .report import fmt_date, internal_table

    s.table(
        internal_table(
            gate,
            brief.alert_cells.assign(
                category_label=[_cat(c) for c in brief.alert_cells["category"]],
                window=[
                    tr("{d} m / {t} d", "{d} m / {t} d", d=fmt_number(d), t=fmt_number(w))
                    for d, w in zip(
                        brief.alert_cells.get("alert_distance_m", []),
                        brief.alert_cells.get("window_days", []),
                    )
                ],
            ),
            name="alerts",
        ),
        columns={
            "area_name": tr("Område", "Area"),
            "cell_id": tr("Ruta (250 m)", "Cell (250 m)"),
            "category_label": tr("Kategori", "Category"),
            "n": tr("Händelser", "Incidents"),
            "window": tr("Fönster", "Window"),
            "window_end": tr("Förhöjd risk till", "Raised risk until"),
            "active_next_week": tr("Aktivt nästa vecka", "Active next week"),
        },
        formats={"window_end": fmt_date},
        nowrap=("window", "cell_id"),
        highlight="active_next_week",
        max_rows=20,
        caption=tr("Veckans larm per ruta", "The week's alerts per cell"),
        empty=tr("Inga larm denna vecka.", "No alerts this week."),
    )


def _section_measures(report, brief: ESTBrief, gate) -> None:
    """Section 6 "Uppföljning av beslutade åtgärder": decided measures and their status."""
    from .report import fmt_date, internal_table

    s = report.section(
        tr("Uppföljning av beslutade åtgärder", "Follow-up of decided measures"), key="atgarder"
    )
    s.table(
        internal_table(gate, brief.measures, name="measures", free_text=("title",)),
        columns={
            "measure_id": "ID",
            "title": tr("Åtgärd", "Measure"),
            "area_name": tr("Område", "Area"),
            "status_label": tr("Status", "Status"),
            "responsible": tr("Ansvarig", "Responsible"),
            "due": tr("Uppföljning", "Follow-up"),
            "days_overdue": tr("Dagar sen", "Days late"),
        },
        formats={
            "due": fmt_date,
            "days_overdue": lambda v: "" if text_of_int(v) in ("", "0") else text_of_int(v),
        },
        widths={"title": "30%", "responsible": "20%"},
        highlight="overdue",
        nowrap=("measure_id",),
        empty=tr("Inga åtgärder att följa upp.", "No measures to follow up."),
    )
    s.note(brief.rules["measures"])


def _section_data_quality(report, brief: ESTBrief, gate) -> None:
    """Section 7 "Datakvalitet": reports per source and which sources went silent."""
    from .report import fmt_date, fmt_num, internal_table

    silent = brief.sources[brief.sources["silent"]]
    s = report.section(
        tr("Datakvalitet", "Data quality"),
        key="datakvalitet",
        intro=tr(
            "Antalet rapporter speglar rapporteringen lika mycket som "
            "händelserna: en källa som tystnat gör veckans siffror för "
            "låga.",
            "Report counts reflect reporting as much as events: a "
            "source that went silent makes the week's figures too low.",
        ),
    )
    src = brief.sources.assign(share=brief.sources["share_weeks_reported"] * 100)
    s.table(
        internal_table(gate, src, name="sources"),
        columns={
            "source": tr("Källa", "Source"),
            "organisations": tr("Organisation", "Organisation"),
            "count": tr("Denna vecka", "This week"),
            "median_weekly": tr("Median/vecka", "Median/week"),
            "share": tr("Andel veckor (%)", "Share of weeks (%)"),
            "last_report": tr("Senaste rapport", "Last report"),
            "silent": tr("Tyst", "Silent"),
        },
        formats={
            "median_weekly": fmt_num,
            "share": lambda v: fmt_num(v, 0),
            "last_report": fmt_date,
        },
        highlight="silent",
    )
    s.note(brief.rules["silent"], tone="warning" if len(silent) else "info")


def _internal_method_notes(report, brief: ESTBrief) -> None:
    """Method notes and parameters of the internal brief."""
    report.method_note(
        tr(
            "EST-veckobrevet bygger på kommunens lager (händelser, områden, åtgärder) och räknar "
            "allt automatiskt. Veckor är ISO-veckor (måndag–söndag) i svensk tid. Alla platser "
            "redovisas som rutor om 250 m i SCB:s rutnät; exakta koordinater finns aldrig i "
            "veckobrevet. Tabellerna i sin helhet finns som CSV och kartlagren som GeoPackage för "
            "QGIS.",
            "The EST brief is built from the municipality's layers (incidents, areas, "
            "measures) and computed automatically. Weeks are ISO weeks (Monday–Sunday) in Swedish "
            "time. All places are shown as 250 m cells of SCB's grid; exact coordinates are never "
            "in the brief. The full tables are in the CSV files and the map layers in the "
            "GeoPackage for QGIS.",
        )
    )
    report.method_note(brief.rules["test"])
    _add_parameters(report, brief)


def text_of_int(value: Any) -> str:
    """An integer as text, ``""`` when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


def _signed(value: Any) -> str:
    from .report import fmt_num

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt_num(value)
    return text if float(value) <= 0 or text.startswith("+") else "+" + text


def _p(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt_p(float(value))


def map_focus(brief: ESTBrief, gate) -> pd.DataFrame | None:
    """The brief's focus places for a map: ``brief.focus`` internally, ``None`` in public.

    The ranked list is drawn as it is by :func:`tryggaplatser.publish.maps.hotspot_map`
    (cells from ``cell_x``/``cell_y`` and the list's ``attrs["cell_size"]``, rank labels,
    reasons in the popups). Focus places are an internal working list: never on a public map.
    """
    if gate.public or brief.focus is None or not len(brief.focus):
        return None
    focus = brief.focus.copy()
    focus.attrs["cell_size"] = float(
        brief.focus.attrs.get("cell_size")
        or brief.recurring.attrs.get("cell_size", _est.DEFAULT_CELL_SIZE)
    )
    return focus


def est_map(brief: ESTBrief, gate, *, municipality: str):
    """The week's interactive hotspot map with the focus places, for the EST meeting.

    Parameters
    ----------
    brief : ESTBrief
        From :func:`est_brief`; needs ``hotspots`` and ``areas``.
    gate : Gate
        The output set's publishing gate (the map is built and later saved through it).
    municipality : str
        Municipality name for the attribution.

    Returns
    -------
    folium.Map or None
        ``None`` when there is no hotspot classification (too little data) or no areas.
    """
    if brief.hotspots is None or brief.areas is None or not len(brief.areas):
        return None
    from .maps import hotspot_map

    return hotspot_map(
        areas=brief.areas,
        cells=brief.hotspots,
        focus_places=map_focus(brief, gate),
        week=None if gate.public else brief.week,
        mode=gate.mode,
        gate=gate,
        municipality=municipality,
        quiet=True,
    )


def _map_link(map_file: str):
    """A paragraph with a relative link to the interactive map (file name escaped)."""
    from urllib.parse import quote

    from .safe_text import Trusted, html

    href = quote(Path(map_file).name)
    text = tr(
        "Interaktiv karta med fokusplatserna (lager, klickbara skäl): ",
        "Interactive map of the focus places (layers, clickable reasons): ",
    )
    return Trusted(f'{html(text)}<a href="{html(href)}">{html(Path(map_file).name)}</a>')


def _map_figure(section, brief: ESTBrief, gate, municipality: str) -> None:
    """A static map of the hotspot classes and the focus places (if the maps module can draw)."""
    if brief.hotspots is None or brief.areas is None or not len(brief.areas):
        return
    from .figures import static_map
    from .maps import hotspot_map

    focus = map_focus(brief, gate)
    # the public map shows no week: public outputs have month as the finest time unit
    m = hotspot_map(
        areas=brief.areas,
        cells=brief.hotspots,
        focus_places=focus,
        week=None if gate.public else brief.week,
        mode=gate.mode,
        municipality=municipality,
        quiet=True,
    )
    fig = static_map(m, figsize=(10.0, 7.0), dpi=110)
    caption = (
        tr("Hotspotklasser (250 m-rutor, 52 veckor).", "Hotspot classes (250 m cells, 52 weeks).")
        if gate.public
        else tr(
            "Hotspotklasser (250 m-rutor, 52 veckor) och fokusplatser nästa vecka (gröna "
            "rutor; rangordningen står i tabellen).",
            "Hotspot classes (250 m cells, 52 "
            "weeks) and focus places next week (green cells; the ranking is in the "
            "table).",
        )
    )
    section.figure(
        _png(fig),
        caption=caption,
        alt=tr(
            "Karta över hotspotklasser och fokusplatser", "Map of hotspot classes and focus places"
        ),
    )


def _png(fig) -> bytes:
    import io

    from .charts import CLEAN_PNG_METADATA

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        metadata=CLEAN_PNG_METADATA,
        dpi=fig.dpi,
        bbox_inches="tight",
        pad_inches=0.1,
    )
    return buffer.getvalue()


def _public_report(brief: ESTBrief, gate, *, municipality: str, issued=None):
    from .report import Report

    _check_public_brief(brief)
    month = pd.Period(brief.month, freq="M")
    last_year = str(month - 12)
    report = Report(
        tr("Trygghetsläget – månadsöversikt", "Safety situation – monthly overview"),
        gate=gate,
        municipality=municipality,
        period=tr("månad {m}", "month {m}", m=brief.month),
        subtitle=tr(
            "Publik version av EST-underlaget: rapporter per område och "
            "kategori för en hel månad. Veckodetaljer, platser och "
            "åtgärdsansvar finns bara i den interna versionen.",
            "Public version of the EST brief: reports per area and category "
            "for a whole month. Weekly detail, places and measure owners "
            "are only in the internal version.",
        ),
        issued=issued,
        kind=tr("EST – publik månadsöversikt", "EST – public monthly overview"),
    )
    wide, wide_c = _public_month_tables(gate, brief, last_year)
    _public_summary(report, brief)
    _section_public_months(report, brief, wide, wide_c, last_year)
    _section_public_hotspots(report, brief, gate, municipality)
    _public_method_notes(report, brief)
    return report


def _check_public_brief(brief: ESTBrief) -> None:
    """Refuse a brief computed without its public monthly overview."""
    if brief.month is None or brief.month_areas is None or brief.month_categories is None:
        raise ArgumentError(
            tr(
                "den publika versionen behöver est_brief(..., public=True)",
                "the public version needs est_brief(..., public=True)",
            ),
            rule="BRIEF_NOT_PUBLIC",
            fix=tr("beräkna veckobrevet med public=True", "compute the brief with public=True"),
        )


def _public_month_tables(gate, brief: ESTBrief, last_year: str):
    """Released month tables per area and per category (this month and a year before)."""
    names = _names(brief.areas)
    wide = _released_months(
        gate,
        brief.month_areas,
        "area_id",
        "area_table",
        (last_year, brief.month),
        label_of=lambda a: names.get(str(a), str(a)),
    )
    wide_c = _released_months(
        gate,
        brief.month_categories,
        "category",
        "area_category_table",
        (last_year, brief.month),
        label_of=_cat,
        sort_labels=True,
    )
    return wide, wide_c


def _public_summary(report, brief: ESTBrief) -> None:
    """Summary of the public overview: the month covered and how small counts are shown."""
    report.summary(
        [
            tr(
                "Översikten gäller {m}, den senaste hela månaden när vecka {w} var slut.",
                "The overview covers {m}, the last complete month when week {w} ended.",
                m=brief.month,
                w=brief.week,
            ),
            tr(
                "Antal 1–4 visas som ”<5” och några andra celler som ”..” så att inga små tal "
                "kan räknas fram.",
                "Counts 1–4 are shown as “<5” and some other cells as “..” so "
                "that no small number can be worked out.",
            ),
        ]
    )


def _section_public_months(report, brief: ESTBrief, wide, wide_c, last_year: str) -> None:
    """Sections "Rapporter per område" and "Rapporter per kategori" of the public overview."""
    s = report.section(tr("Rapporter per område", "Reports per area"), key="omraden")
    s.table(
        wide,
        columns={"label": tr("Område", "Area"), "now": brief.month, "before": last_year},
        numeric=("now", "before"),
    )
    s = report.section(
        tr("Rapporter per kategori, hela kommunen", "Reports per category, whole municipality"),
        key="kategorier",
    )
    s.table(
        wide_c,
        columns={"label": tr("Kategori", "Category"), "now": brief.month, "before": last_year},
        numeric=("now", "before"),
    )


def _section_public_hotspots(report, brief: ESTBrief, gate, municipality: str) -> None:
    """Section "Hotspots" of the public overview: the released hotspot map."""
    s = report.section(
        tr("Hotspots", "Hotspots"),
        key="hotspots",
        new_page=True,
        intro=tr(
            "Klassning av 250 m-rutor över 52 veckor. Rutor med få händelser visar inget antal.",
            "Classification of 250 m cells over 52 weeks. Cells with few events show no count.",
        ),
    )
    if brief.hotspots is not None:
        _map_figure(s, brief, gate, municipality)


def _public_method_notes(report, brief: ESTBrief) -> None:
    """Method note and parameters of the public overview."""
    report.method_note(
        tr(
            "Uppgifterna är rapporter från kommunens EST-rapportörer, bostadsbolag, väktare, "
            "felanmälan och Polisens öppna händelser. Antalet rapporter speglar rapporteringen "
            "lika mycket som brottsligheten. Små tal skyddas med röjandekontroll (primär och "
            "kompletterande undertryckning).",
            "The data are reports from the municipality's EST "
            "reporters, housing companies, guards, fault reports and Polisen's open events. Report "
            "counts reflect reporting as much as crime. Small numbers are protected by disclosure "
            "control (primary and complementary suppression).",
        )
    )
    report.parameter(
        tr("Månad", "Month"),
        brief.month,
        auto=True,
        rule=tr(
            "senaste hela kalendermånad; publik utdata tillåter månad som finaste tidsenhet",
            "last complete calendar month; public output allows month as the finest time unit",
        ),
    )
    report.parameter(tr("Minsta visade antal", "Smallest count shown"), "5")
    report.parameter(tr("Rutstorlek", "Cell size"), "250 m")


def released_month(gate, table: pd.DataFrame, key: str, kind: str, month: str) -> pd.DataFrame:
    """One month of a long public table (``key``, ``period``, ``n``) released by the gate.

    Each month is released on its own, with its total, so the suppression pattern of one month
    never depends on another year's numbers.
    """
    from .report import release_table

    one = table[table["period"].astype(str) == month].reset_index(drop=True)
    return release_table(gate, one, kind, counts=("n",), by=(key, "period"), margins=True)


def _released_months(
    gate,
    table: pd.DataFrame,
    key: str,
    kind: str,
    months: tuple[str, str],
    *,
    label_of,
    sort_labels: bool = False,
) -> pd.DataFrame:
    """Released months side by side: rows of ``key`` (total last), columns ``before``, ``now``.

    ``sort_labels`` orders the rows alphabetically by label (Swedish order: å, ä, ö last)."""
    from .gate import TOTAL

    columns = {}
    for name, month in zip(("before", "now"), months):
        released = released_month(gate, table, key, kind, month)
        released = released[released["period"].astype(str) != TOTAL]
        columns[name] = dict(zip(released[key].astype(str), released["n"]))
        stamp = released.attrs
    keys = list(dict.fromkeys([*columns["now"], *columns["before"]]))
    keys = [k for k in keys if k != TOTAL]
    if sort_labels:
        swedish = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})
        keys.sort(key=lambda k: str(label_of(k)).lower().translate(swedish))
    keys.append(TOTAL)
    out = pd.DataFrame(
        {
            "label": [tr("Totalt", "Total") if k == TOTAL else label_of(k) for k in keys],
            "now": [columns["now"].get(k, "") for k in keys],
            "before": [columns["before"].get(k, "") for k in keys],
        }
    )
    out.attrs = stamp  # the gate's released numbers, only placed side by side
    return out


# ---------------------------------------------------------------------------------------------
# writing


def write_est_brief(
    brief: ESTBrief, out_dir: str | Path, gate, *, municipality: str, issued=None
) -> dict[str, Path]:
    """Write the brief's HTML, GeoPackage and CSV files through the gate.

    Internal: ``est_<week>.html`` (linking to the interactive map
    ``karta_est_<week>.html`` of :func:`est_map`, written through the same gate when there is
    a hotspot classification), ``est_<week>.gpkg`` (layers ``aterkommande_platser``,
    ``fokusplatser``, ``near_repeat_larm``, ``hotspotklasser``, each with a QGIS style) and
    ``est_<week>_<table>.csv`` (veckoantal, omraden, aterkommande, fokusplatser, near_repeat,
    larm, atgarder, kallor). Public: ``est_<month>_publik.html``, ``est_<month>_omraden.csv``,
    ``est_<month>_kategorier.csv`` and ``est_<month>_hotspots.gpkg`` (grid cells through the
    gate), plus the gate's disclosure report.

    Returns
    -------
    dict of str to Path
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    if not gate.public:
        m = est_map(brief, gate, municipality=municipality)
        if m is not None:
            from .maps import save_map

            files["karta"] = save_map(m, out / f"karta_est_{brief.week}.html", gate=gate)
    report = est_report(
        brief,
        gate,
        municipality=municipality,
        issued=issued,
        map_file=files["karta"].name if "karta" in files else None,
    )
    if gate.public:
        stem = f"est_{brief.month}"
        files["html"] = report.write(out / f"{stem}_publik.html")
        _write_public_tables(brief, out, stem, gate, files)
        for path in gate.finish(out):
            files[path.stem] = path
        return files
    stem = f"est_{brief.week}"
    files["html"] = report.write(out / f"{stem}.html")
    files["gpkg"] = _write_internal_gpkg(brief, out / f"{stem}.gpkg", gate)
    _write_internal_tables(brief, out, stem, gate, files)
    return files


def _write_internal_gpkg(brief: ESTBrief, path: Path, gate) -> Path:
    from .gate import INTERNAL_MARKING
    from .geopackage import write_cells_gpkg
    from .report import internal_table

    if path.exists():
        path.unlink()
    import geopandas as gpd
    from shapely import box

    size = float(brief.recurring.attrs.get("cell_size", _est.DEFAULT_CELL_SIZE))
    crs = brief.recurring.crs

    def layer(frame, name, style):
        released = internal_table(gate, frame, name=name)
        geoms = frame.geometry.to_numpy() if hasattr(frame, "geometry") else []
        gdf = gpd.GeoDataFrame(released.reset_index(drop=True), geometry=list(geoms), crs=crs)
        for col in gdf.columns:
            if pd.api.types.is_datetime64_any_dtype(gdf[col]):
                gdf[col] = gdf[col].dt.strftime("%Y-%m-%d")
        gdf["markning"] = INTERNAL_MARKING
        write_cells_gpkg(
            gdf,
            path,
            layer=name,
            style=style,
            description=f"{INTERNAL_MARKING} – {name} {brief.week}",
        )

    rec = brief.recurring.copy()
    rec.columns = [c.replace("-", "_") for c in rec.columns]
    layer(rec, "aterkommande_platser", "weeks_with_reports")
    focus = gpd.GeoDataFrame(
        brief.focus,
        geometry=[
            box(x, y, x + size, y + size)
            for x, y in zip(brief.focus["cell_x"], brief.focus["cell_y"])
        ],
        crs=crs,
    )
    layer(focus, "fokusplatser", "score")
    layer(brief.alert_cells, "near_repeat_larm", "n" if len(brief.alert_cells) else None)
    if brief.hotspots is not None:
        cells = brief.hotspots[brief.hotspots["hotspot_category"] != "inget_monster"]
        layer(cells, "hotspotklasser", "hotspot_category")
    gate.seal(path, kind="gpkg")
    return path


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame).copy()
    geometry = getattr(frame, "_geometry_column_name", None)
    if geometry in out.columns:
        out = out.drop(columns=geometry)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def _write_internal_tables(
    brief: ESTBrief, out: Path, stem: str, gate, files: dict[str, Path]
) -> None:
    from .report import internal_table
    from .tables import write_csv

    tables = {
        "veckoantal": brief.weekly,
        "omraden": brief.area_totals,
        "aterkommande": brief.recurring,
        "fokusplatser": brief.focus,
        "near_repeat": brief.near_repeat_table,
        "larm": brief.alert_cells,
        "atgarder": brief.measures,
        "kallor": brief.sources,
    }
    if brief.emerging is not None:
        tables["nya_hotspots"] = brief.emerging
    for name, frame in tables.items():
        released = internal_table(
            gate, _csv_frame(frame), name=name, free_text=("title",) if name == "atgarder" else ()
        )
        files[name] = write_csv(released, out / f"{stem}_{name}.csv", gate=gate)


def _write_public_tables(
    brief: ESTBrief, out: Path, stem: str, gate, files: dict[str, Path]
) -> None:
    from .geopackage import write_cells_gpkg
    from .tables import write_csv

    names = _names(brief.areas)
    areas = brief.month_areas.assign(
        name=[names.get(str(a), str(a)) for a in brief.month_areas["area_id"]]
    )
    month = str(brief.month)
    files["omraden"] = write_csv(
        released_month(gate, areas, "area_id", "area_table", month),
        out / f"{stem}_omraden.csv",
        gate=gate,
    )
    files["kategorier"] = write_csv(
        released_month(gate, brief.month_categories, "category", "area_category_table", month),
        out / f"{stem}_kategorier.csv",
        gate=gate,
    )
    if brief.hotspots is not None:
        cells = gate.release(brief.hotspots, "grid_cells")
        path = out / f"{stem}_hotspots.gpkg"
        if path.exists():
            path.unlink()
        write_cells_gpkg(cells, path, layer="hotspotklasser", style="hotspot_category")
        gate.seal(path, kind="gpkg")
        files["gpkg"] = path
