"""The disclosure plan of an area set: every count the area reports, the lägesbild and the
indicator tables print, with the relations a reader knows between them.

The counts are those the analysis computed (:class:`~tryggaplatser.analysis.area_analysis.
AreaAnalysis`); this module only names each one by its dimensions and states the additive
relations, so :class:`~tryggaplatser.publish.disclosure.DisclosurePlan` can solve primary and
complementary suppression for the whole folder at once. Keys:

``("walks", measure, area, problem_category)``
    Safety-walk observations (``n``, ``n_otrygg``, ``n_sent``, ``n_atgardad``,
    ``n_decided``) of an area or of the municipality (:data:`MUNICIPALITY`), per problem
    category and :data:`~tryggaplatser.publish.gate.TOTAL`.
``("dialogue", measure, area, campaign)``
    Dialogue pins answered (``n``), unsafe (``n_otrygg``), and per reason or time of day of
    the unsafe pins (``("reason", code)``, ``("time_of_day", code)``) — these are printed as
    shares of the unsafe pins, which are counts in disguise.
``("incidents", (start, end), area, category)``
    Incidents of a period per area and category with the margins of the area × category
    table (area :data:`~tryggaplatser.publish.gate.TOTAL` = all areas) and the municipality's
    own table (:data:`MUNICIPALITY`: every record, also those outside the areas). The same key
    names a year of the area reports' and the lägesbild's year tables (the year's months inside
    the period: ``(2026-01-01, 2026-10-31)`` is the lägesbild's period *and* the year 2026 of
    the area reports), the lägesbild's "same period the year before" column, and every
    calendar month (unpublished: the months tie the periods together).
``("season", (start, end), area, month, category)``
    The seasonal table (årshjul): the incidents of one calendar month summed over the years of
    the period (:func:`season_key`).
``("cells", (start, end), cell_size, cell_id, category)``
    Incidents of a grid cell in a period (:func:`cell_key`): the hotspot tables of the area
    reports and the lägesbild, ``hotspots.gpkg`` and the area maps (the run's period), and
    (other categories) the perception-gap tables per cell.
``("placed", (start, end), what)``
    The placed records of a period and those outside its grid (``hotspots.json``).
``("stretch", measure, (start, end), stretch_id)``
    A street stretch's count (``gatustrackor.*``).
``("walk_cells", measure, cell_size, cell_id)``, ``("dialogue_cells", cell_size, cell_id)``
    The public area maps' walk observations (``n``) and resolved observations
    (``n_atgardad``) per grid cell, and their dialogue pins ("N svar") per cell
    (:func:`plan_map_cells`): pins and walks have no period, so a cell is the same in every
    map.

``("signals", area)``, ``("signals", cell_size, cell_id)``
    Unsafe signals (unsafe dialogue pins + unsafe walk observations) of an area, the
    municipality or a grid cell: the perception gap's "Otrygga signaler".
``("precision", period, source, precision)``, ``("consequence", period, indicator)``,
``("method", period, name)``
    The location-precision table (with each source's total, the denominator of its shares),
    the lägesbild's consequence table and the counts of the methods boxes
    (:func:`plan_report_counts`).

Relations: each table's total = the sum of its rows; the municipality = the sum of its areas
plus what lies outside them (an unpublished count a reader only knows is ≥ 0); answered pins =
unsafe + safe pins. In a walk row unsafe and sent observations are among the observed, decided
among the sent and resolved among the decided (:meth:`DisclosurePlan.nest`). Time: a period's
count = the sum of its calendar months (public periods are whole months), so the years of a
period sum to its total, a seasonal month is the sum of that month over the years, and the
same period last year plus its remaining months is that year's total. Cells: the cells of a
period's grid plus the placed records outside it (none: the Gi* grid is built on every placed
record) are the placed records, and these plus the records that have no place
(:data:`UNPLACED`, the municipality's centroid) the municipality's total of the period —
stated once per period, whichever products print the cells.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..disclosure import DisclosurePlan
from ..gate import TOTAL

__all__ = [
    "MUNICIPALITY",
    "UNPLACED",
    "WALK_COUNTS",
    "cell_key",
    "consequence_key",
    "dialogue_cell_key",
    "dialogue_key",
    "est_month_key",
    "incident_key",
    "layer_plan_key",
    "method_key",
    "placed_key",
    "plan_area_set",
    "plan_est_month",
    "plan_map_cells",
    "plan_report_counts",
    "plan_spatial",
    "precision_key",
    "season_key",
    "signal_cell_key",
    "signal_key",
    "source_month_key",
    "stretch_key",
    "walk_cell_key",
    "walk_key",
    "year_part",
]

#: The area key of the whole municipality (the lägesbild's own tables).
MUNICIPALITY = "kommun"
_OUTSIDE = "utanfor_omraden"
#: The area key of the records that have no place (Polisen's municipality centroids): with the
#: grid cells of a period they make up the municipality's total.
UNPLACED = "utan_plats"
#: The walk counts a report prints (and the one it releases beside them).
WALK_COUNTS = ("n", "n_otrygg", "n_sent", "n_atgardad", "n_decided")


#: (part, whole) of a walk row, wholes first: unsafe and sent observations are among all
#: observed, decided ones among the sent, resolved ones among the decided.
_WALK_NESTING = (
    ("n_otrygg", "n"),
    ("n_sent", "n"),
    ("n_decided", "n_sent"),
    ("n_atgardad", "n_decided"),
)


def walk_key(measure: str, area: str, category: str) -> tuple:
    """The plan key of a walk count (``category`` ``"totalt"`` = all problems)."""
    return ("walks", measure, str(area), str(category))


def dialogue_key(measure: Any, area: str, campaign: str) -> tuple:
    """The plan key of a dialogue count."""
    return ("dialogue", measure, str(area), str(campaign))


def incident_key(period: tuple, area: str, category: str) -> tuple:
    """The plan key of an incident count of ``period`` (a pair of dates)."""
    return ("incidents", tuple(period), str(area), str(category))


def cell_key(period: tuple, cell_size: float, cell_id: str, category: str = TOTAL) -> tuple:
    """The plan key of the incidents of grid cell ``cell_id`` (``cell_size`` metres) in
    ``period`` (a pair of dates); ``category`` ``"totalt"`` = every placed record.

    Any product that publishes the cells of the same grid and period (the hotspot tables, a
    hotspot GeoPackage, map popups) uses these keys, so the plan gives one answer per cell.
    The cells of a period with :data:`UNPLACED` sum to the municipality's total."""
    return ("cells", tuple(period), round(float(cell_size)), str(cell_id), str(category))


def season_key(period: tuple, area: str, month: int, category: str = TOTAL) -> tuple:
    """The plan key of a seasonal-table count: calendar ``month`` (1–12) summed over the years
    of ``period``."""
    return ("season", tuple(period), str(area), int(month), str(category))


def placed_key(period: tuple, what: str = "placed") -> tuple:
    """The plan key of the placed incidents of ``period`` (``hotspots.json``'s
    ``n_incidents``), or with ``what`` of a part of them (``"outside_grid"``)."""
    return ("placed", tuple(period), str(what))


def stretch_key(measure: str, period: tuple, stretch_id: str) -> tuple:
    """The plan key of a street stretch's count (``n``, ``n_observations``, ``n_dialogue``)."""
    return ("stretch", str(measure), tuple(period), str(stretch_id))


def walk_cell_key(measure: str, cell_size: float, cell_id: str) -> tuple:
    """The plan key of a grid cell's walk observations on the public area maps: ``measure``
    ``"n"`` (every observation in the cell) or ``"n_atgardad"`` (the resolved ones)."""
    return ("walk_cells", str(measure), round(float(cell_size)), str(cell_id))


def dialogue_cell_key(cell_size: float, cell_id: str) -> tuple:
    """The plan key of a grid cell's dialogue pins on the public area maps ("N svar")."""
    return ("dialogue_cells", round(float(cell_size)), str(cell_id))


def layer_plan_key(frame: Any) -> Callable[[Any, str], tuple] | None:
    """The ``plan_key`` of a layer the gate releases (``Gate.release(..., plan_key=)``): the
    run's grid cells (:func:`cell_key`) or street stretches (:func:`stretch_key`), which carry
    their period in ``attrs``; None for any other layer (suppressed on its own)."""
    record = getattr(frame, "attrs", {}).get("tryggaplatser") or {}
    period = record.get("period")
    if period is None or len(period) != 2:
        return None
    period = tuple(period)
    if "cell_id" in frame.columns:
        from ...analysis.area_analysis import cell_size_of

        size = (record.get("grid") or {}).get("cell_size") or cell_size_of(frame)
        return lambda row, col: cell_key(period, size, row["cell_id"])
    if "stretch_id" in frame.columns:
        return lambda row, col: stretch_key(col, period, row["stretch_id"])
    return None


def plan_area_set(
    analyses: Iterable[Any],
    gate: Any,
    *,
    lagesbild: Any = None,
    extra: Callable[[DisclosurePlan], None] | None = None,
) -> DisclosurePlan:
    """Solve the disclosure plan of the area reports, lägesbild and indicator tables that
    render ``analyses`` (one :class:`AreaAnalysis` per period whose area reports the set
    shows) and ``lagesbild`` (the lägesbild's analysis, if the set has one) with ``gate``;
    ``extra`` adds the cells of the set's other products before the one solve
    (:func:`plan_spatial`).

    Walk and dialogue tables do not depend on the period; incident counts, their months and
    the grid cells are planned per period; the area reports add their year and seasonal
    tables, the lägesbild its year table and last year's column. Returns the solved plan (the
    caller hands it to ``gate.use_plan`` before any product renders)."""
    plan = DisclosurePlan()
    reports = list(analyses)
    every = reports + ([lagesbild] if lagesbild is not None else [])
    if every:
        _plan_walks(plan, every[0])
        _plan_dialogue(plan, every[0])
    for analysis in every:
        _plan_incidents(plan, analysis, gate)
        _plan_months(plan, analysis, gate)
        _plan_cells(plan, analysis)
    for analysis in reports:
        _plan_area_time_tables(plan, analysis, gate)
        _plan_source_months(plan, analysis)
    if lagesbild is not None:
        _plan_municipality_years(plan, lagesbild)
        _plan_previous_year(plan, lagesbild)
    if extra is not None:  # more products of the same folder (the grid, street stretches)
        extra(plan)
    plan_report_counts(plan, every, lagesbild)
    return plan.solve()


# ---------------------------------------------------------------------------------------------
# walks


def _add_walk_table(plan: DisclosurePlan, table: Any, area: str) -> list[str]:
    """Add one walk table (rows per problem category and the total row); its categories."""
    if table is None or len(table) == 0 or int(table["n"].iloc[-1]) == 0:
        return []
    rows = table[table["problem_category"] != TOTAL]
    cats = [str(c) for c in rows["problem_category"]]
    coarse = area == MUNICIPALITY
    for m in WALK_COUNTS:
        for c, v in zip(cats, rows[m], strict=True):
            plan.add(walk_key(m, area, c), int(v), keep=coarse)
        plan.add(walk_key(m, area, TOTAL), int(rows[m].sum()), keep=True)
        plan.relate(walk_key(m, area, TOTAL), [walk_key(m, area, c) for c in cats])
    for c in [*cats, TOTAL]:  # every count of a row is a part of a bigger one in it
        for part, whole in _WALK_NESTING:
            plan.nest(walk_key(part, area, c), walk_key(whole, area, c))
    return cats


def _plan_walks(plan: DisclosurePlan, analysis: Any) -> None:
    obs = analysis.walk_observations
    if obs is None or len(obs) == 0:
        return
    areas = [a for a, p in analysis.profiles.items() if _add_walk_table(plan, p.walks, a)]
    cats = _add_walk_table(plan, analysis.municipality_walks, MUNICIPALITY)
    for m in WALK_COUNTS:
        for c in [*cats, TOTAL]:
            plan.relate(
                walk_key(m, MUNICIPALITY, c),
                [walk_key(m, a, c) for a in areas],
                rest=walk_key(m, _OUTSIDE, c),
            )


# ---------------------------------------------------------------------------------------------
# dialogue


def _add_dialogue(plan: DisclosurePlan, tables: tuple, area: str) -> set[tuple]:
    """Add one scope's dialogue tables; the measures and campaigns added."""
    base, reasons, times = tables
    added: set[tuple] = set()
    if base is None or len(base) == 0:
        return added
    for row in base.itertuples(index=False):
        camp = str(row.campaign_id)
        coarse = area == MUNICIPALITY
        plan.add(dialogue_key("n", area, camp), int(row.n_otrygg) + int(row.n_trygg), keep=coarse)
        plan.add(dialogue_key("n_otrygg", area, camp), int(row.n_otrygg), keep=coarse)
        plan.add(dialogue_key("n_trygg", area, camp), int(row.n_trygg), published=False)
        plan.relate(
            dialogue_key("n", area, camp),
            [dialogue_key("n_otrygg", area, camp), dialogue_key("n_trygg", area, camp)],
        )
        added |= {("n", camp), ("n_otrygg", camp), ("n_trygg", camp)}
    for frame, col in ((reasons, "reason"), (times, "time_of_day")):
        if frame is None or len(frame) == 0:
            continue
        for camp, code, n in zip(frame["campaign_id"], frame[col], frame["n"], strict=True):
            plan.add(
                dialogue_key((col, str(code)), area, str(camp)), int(n), keep=area == MUNICIPALITY
            )
            added.add(((col, str(code)), str(camp)))
    return added


def _plan_dialogue(plan: DisclosurePlan, analysis: Any) -> None:
    pins = analysis.dialogue
    if pins is None or len(pins) == 0:
        return
    areas = []
    for aid, prof in analysis.profiles.items():
        tables = (prof.dialogue, prof.dialogue_reasons, prof.dialogue_time_of_day)
        if _add_dialogue(plan, tables, aid):
            areas.append(aid)
    added = _add_dialogue(plan, analysis.municipality_dialogue, MUNICIPALITY)
    for measure, camp in sorted(added, key=str):
        plan.relate(
            dialogue_key(measure, MUNICIPALITY, camp),
            [dialogue_key(measure, a, camp) for a in areas],
            rest=dialogue_key(measure, _OUTSIDE, camp),
        )


# ---------------------------------------------------------------------------------------------
# incidents


def _plan_incidents(plan: DisclosurePlan, analysis: Any, gate: Any) -> None:
    """The area × category table with its margins and the municipality's category table."""
    period = (analysis.start, analysis.end)
    counts = _category_counts(analysis, gate)
    areas = list(dict.fromkeys(a for a, _ in counts))
    cats = list(dict.fromkeys(c for _, c in counts))
    for a in areas:
        for c in cats:
            plan.add(incident_key(period, a, c), counts.get((a, c), 0))
        plan.add(
            incident_key(period, a, TOTAL), sum(counts.get((a, c), 0) for c in cats), keep=True
        )
    for c in [*cats, TOTAL]:
        plan.add(
            incident_key(period, TOTAL, c),
            sum(plan.values[incident_key(period, a, c)] for a in areas),
            keep=True,
        )
    for a in [*areas, TOTAL]:
        plan.relate(incident_key(period, a, TOTAL), [incident_key(period, a, c) for c in cats])
    for c in [*cats, TOTAL]:
        plan.relate(incident_key(period, TOTAL, c), [incident_key(period, a, c) for a in areas])
    # the municipality's own table: every record of the period, per category, with its total
    every = analysis.incidents["category"].astype(str).value_counts()
    for c, n in every.items():
        plan.add(incident_key(period, MUNICIPALITY, c), int(n), keep=True)
    plan.add(incident_key(period, MUNICIPALITY, TOTAL), int(np.sum(every.to_numpy())), keep=True)
    plan.relate(
        incident_key(period, MUNICIPALITY, TOTAL),
        [incident_key(period, MUNICIPALITY, c) for c in every.index],
    )
    for c in [*cats, TOTAL]:
        plan.relate(
            incident_key(period, MUNICIPALITY, c),
            [incident_key(period, TOTAL, c)],
            rest=incident_key(period, _OUTSIDE, c),
        )


def _bare(frame: Any) -> Any:
    """``frame``'s columns without its ``attrs`` (the provenance record), to read them: pandas
    copies a frame's ``attrs`` into every column taken from it."""
    import pandas as pd

    return pd.DataFrame(frame, copy=False)


def _category_counts(analysis: Any, gate: Any) -> dict[tuple[str, str], int]:
    """The area × category counts of the area reports' table, ``{(area, category): n}`` in
    its row order (the rows of
    :func:`~tryggaplatser.publish.reports.area_report._by_category_long`: every area's
    categories but ``"alla"``, the sensitive ones left out in public mode)."""
    drop = set(analysis.sensitive) if gate.public and analysis.sensitive else set()
    drop.add("alla")
    counts: dict[tuple[str, str], int] = {}
    for aid, prof in analysis.profiles.items():
        bc = _bare(prof.by_category)
        for c, n in zip(bc["category"].astype(str), bc["count"].astype(np.int64), strict=True):
            if c not in drop:
                counts[str(aid), c] = int(n)
    return counts


# ---------------------------------------------------------------------------------------------
# time: months, years, seasons and last year


def area_count_category(analysis: Any, gate: Any) -> str:
    """The category key of an area's year and seasonal counts: every record the area's
    profile counts. That is the area's :data:`TOTAL` (a public :class:`~...analysis.run.Run`
    counts areas without the sensitive categories) unless the profiles count sensitive
    incidents that the public category table leaves out (an analysis built without a public
    run): then ``"alla"``, of which the table's total is a part."""
    if not (gate.public and analysis.sensitive):
        return TOTAL
    counted = (
        prof.by_category["count"][prof.by_category["category"].isin(analysis.sensitive)].sum()
        for prof in analysis.profiles.values()
    )
    return "alla" if any(n > 0 for n in counted) else TOTAL


def _relate_to_months(plan: DisclosurePlan, key: tuple, months: list, category: str) -> None:
    """``key`` (a period's count of the area ``key[2]``) = the sum of its calendar months."""
    plan.relate(key, [incident_key(m, key[2], category) for m in months])


def _plan_months(plan: DisclosurePlan, analysis: Any, gate: Any) -> None:
    """Unpublished monthly counts of every area and the municipality, each period total =
    the sum of its months, and each month of the municipality = its areas + outside them."""
    from ...analysis import periods

    period = (analysis.start, analysis.end)
    months = periods.month_periods(*period)
    cat = area_count_category(analysis, gate)
    _add_municipality_months(plan, analysis, months)
    areas = []
    for aid, prof in analysis.profiles.items():
        m = prof.monthly
        if m is None:
            continue
        areas.append(aid)
        for month, n in zip(months, m["count"], strict=True):
            plan.add(incident_key(month, aid, cat), int(n), published=False)
        total = incident_key(period, aid, cat)
        plan.add(total, int(m["count"].sum()), published=cat == TOTAL)
        if cat != TOTAL:  # the public category table leaves the sensitive ones out
            plan.relate(total, [incident_key(period, aid, TOTAL)], rest=(*total[:3], "kansliga"))
        _relate_to_months(plan, total, months, cat)
    _relate_to_months(plan, incident_key(period, MUNICIPALITY, TOTAL), months, TOTAL)
    for month in months:
        plan.relate(
            incident_key(month, MUNICIPALITY, TOTAL),
            [incident_key(month, a, cat) for a in areas],
            rest=incident_key(month, _OUTSIDE, cat),
        )


def _add_municipality_months(plan: DisclosurePlan, analysis: Any, months: list) -> None:
    """The municipality's count of every month not yet in the plan (unpublished)."""
    from ...analysis import periods

    new = [m for m in months if incident_key(m, MUNICIPALITY, TOTAL) not in plan.values]
    if not new:
        return
    counts = periods.counts_per_month(
        analysis.incidents_all["occurred_at"], new, counts=getattr(analysis, "month_counts", None)
    )
    for month, n in zip(new, counts, strict=True):
        plan.add(incident_key(month, MUNICIPALITY, TOTAL), n, published=False)


def year_part(period: tuple, year: int) -> tuple:
    """The part of ``period`` (a pair of dates) in calendar ``year``: the period of a row of
    the year tables."""
    import datetime as dt

    start, end = period
    return max(start, dt.date(int(year), 1, 1)), min(end, dt.date(int(year), 12, 31))


def _year_parts(start: Any, end: Any) -> list[tuple]:
    """The parts of ``(start, end)`` in each calendar year."""
    return [year_part((start, end), y) for y in range(start.year, end.year + 1)]


def _plan_area_time_tables(plan: DisclosurePlan, analysis: Any, gate: Any) -> None:
    """The area reports' year table (a year's months inside the period) and seasonal table
    (a calendar month over the years), each = the sum of its months."""
    from ...analysis import periods

    period = (analysis.start, analysis.end)
    months = periods.month_periods(*period)
    cat = area_count_category(analysis, gate)
    for aid, prof in analysis.profiles.items():
        counts = dict(zip(prof.trend["year"].astype(int), prof.trend["count"].astype(int)))
        for part in _year_parts(*period):
            key = incident_key(part, aid, cat)
            plan.add(key, counts.get(part[0].year, 0))
            if part != period:
                _relate_to_months(plan, key, periods.month_periods(*part), cat)
        seas = prof.seasonal
        for month, n in zip(seas["month"].astype(int), seas["total"].astype(int), strict=True):
            key = season_key(period, aid, month, cat)
            plan.add(key, n)
            _relate_to_months(plan, key, [m for m in months if m[0].month == month], cat)


def _plan_municipality_years(plan: DisclosurePlan, analysis: Any) -> None:
    """The lägesbild's year table: every whole month of the data, per calendar year."""
    from ...analysis import periods

    occurred = analysis.incidents_all["occurred_at"]
    span = periods.whole_months(*periods.data_span(occurred))
    _add_municipality_months(plan, analysis, periods.month_periods(*span))
    years = periods.counts_per_year(occurred, span)
    for first, last, n in zip(years["first"], years["last"], years["n"], strict=True):
        key = incident_key((first, last), MUNICIPALITY, TOTAL)
        plan.add(key, int(n), keep=True)
        _relate_to_months(plan, key, periods.month_periods(first, last), TOTAL)


def previous_period(analysis: Any) -> tuple:
    """The same dates one year before the analysis period (the lägesbild's comparison)."""
    from ...analysis import periods

    return periods.year_before(analysis.start), periods.year_before(analysis.end)


def _plan_previous_year(plan: DisclosurePlan, analysis: Any) -> None:
    """The lägesbild's column "same period the year before": per category, with its total; the
    total = its months (so it is a part of last year's total in the year table)."""
    from ...analysis import periods

    prev = previous_period(analysis)
    inc = analysis.incidents_all
    sel = periods.within(inc["occurred_at"], *prev)
    if not sel.any():
        return
    counts = inc.loc[sel, "category"].astype(str).value_counts()
    current = set(analysis.incidents["category"].astype(str))
    cats = sorted(set(counts.index) | current)
    for c in cats:
        plan.add(incident_key(prev, MUNICIPALITY, c), int(counts.get(c, 0)))
        if c not in current:  # the table shows 0 for this period
            plan.add(incident_key((analysis.start, analysis.end), MUNICIPALITY, c), 0)
    total = incident_key(prev, MUNICIPALITY, TOTAL)
    plan.add(total, int(counts.sum()), keep=True)
    plan.relate(total, [incident_key(prev, MUNICIPALITY, c) for c in cats])
    months = periods.month_periods(*prev)
    _add_municipality_months(plan, analysis, months)
    _relate_to_months(plan, total, months, TOTAL)


# ---------------------------------------------------------------------------------------------
# grid cells


def _plan_cells(plan: DisclosurePlan, analysis: Any) -> None:
    """The Gi* grid of the period: hotspot cells published, the other non-empty cells not
    (:func:`plan_spatial` publishes the run period's); the cells + the placed records outside
    the grid = the placed records, and these + the records without a place (:data:`UNPLACED`)
    = the municipality's total. The perception-gap cells count fewer categories: a part of
    the cell's count."""
    from ...analysis.area_analysis import HOT_BINS
    from ...analysis.run import placed as placed_records

    cells = analysis.cells
    if cells is None or len(cells) == 0:
        return
    period = (analysis.start, analysis.end)
    shown = cells["gi_bin"].isin(HOT_BINS).to_numpy()
    incidents = analysis.incidents
    if incidents is not None and "location_precision" in incidents.columns:
        incidents = incidents[["location_precision"]]  # the rows counted, not every column
    _plan_grid(plan, period, cells, len(placed_records(incidents)), shown)
    _plan_gap_cells(plan, analysis, period)


def _plan_grid(plan: DisclosurePlan, period: tuple, cells: Any, n_placed: int, shown: Any) -> None:
    """The cells of a period's grid (``shown`` ones published, the other non-empty cells
    not): the cells + the placed records outside the grid (none: the Gi* grid is built on
    every placed record) = the placed records; these + the records without a place
    (:data:`UNPLACED`) = the municipality's total of the period. Stated once per period."""
    from ...analysis.area_analysis import cell_size_of

    size = cell_size_of(cells)
    n = cells["n"].astype(np.int64).to_numpy()
    keys = []
    for cid, v, h in zip(cells["cell_id"].astype(str), n, shown, strict=True):
        if v > 0 or h:
            keys.append(cell_key(period, size, cid))
            plan.add(keys[-1], int(v), published=bool(h))
    placed, outside = placed_key(period), placed_key(period, "outside_grid")
    plan.add(placed, n_placed, published=False)
    plan.add(outside, n_placed - int(n.sum()), published=False)
    plan.relate(placed, [outside, *keys])
    total = incident_key(period, MUNICIPALITY, TOTAL)
    plan.relate(total, [placed], rest=incident_key(period, UNPLACED, TOTAL))


def _nest_cells(plan: DisclosurePlan, period: tuple) -> None:
    """Per cell, its count of ``period`` is at most its count of a period that contains it
    and at least that of a period inside it (every planned grid period): wholes first."""
    periods = {k[1] for k in plan.values if k[0] == "cells" and k[-1] == TOTAL}
    chain = [p for p in periods if p == period or _within(p, period) or _within(period, p)]
    chain.sort(key=lambda p: p[1].toordinal() - p[0].toordinal(), reverse=True)
    cells = {}
    for key in plan.values:
        if key[0] == "cells" and key[-1] == TOTAL and key[1] in chain:
            cells.setdefault(key[2:4], []).append(key)
    for keys in cells.values():
        keys.sort(key=lambda k: chain.index(k[1]))
        for whole, part in itertools.pairwise(keys):
            plan.nest(part, whole)


def _within(inner: tuple, outer: tuple) -> bool:
    return inner != outer and outer[0] <= inner[0] and inner[1] <= outer[1]


def gap_category(gap_cells: Any) -> str:
    """The category key of the perception gap's incident counts (the categories it counts)."""
    cats = gap_cells.attrs.get("tryggaplatser", {}).get("params", {}).get("categories", {})
    cats = cats.get("value", cats) if isinstance(cats, dict) else cats
    return "kategorier:" + ",".join(sorted(str(c) for c in cats or ()))


def _plan_gap_cells(plan: DisclosurePlan, analysis: Any, period: tuple) -> None:
    from ...analysis.area_analysis import cell_size_of
    from ...analysis.perception import GAP_SIGNIFICANT

    gap = analysis.gap_cells
    if gap is None or len(gap) == 0:
        return
    size, cat = cell_size_of(gap), gap_category(gap)
    shown = gap["gap_class"].isin(GAP_SIGNIFICANT).to_numpy()
    for cid, v, s in zip(gap["cell_id"].astype(str), gap["n_incidents"], shown, strict=True):
        whole = cell_key(period, size, cid)
        if whole not in plan.values:
            continue
        plan.add(cell_key(period, size, cid, cat), int(v), published=bool(s))
        rest = cell_key(period, size, cid, "ovriga")
        plan.relate(whole, [cell_key(period, size, cid, cat)], rest=rest)


# the grid and the street stretches


def plan_spatial(plan: DisclosurePlan, hotspots: Any, streets: Any = None) -> None:
    """Publish the run's grid cells and add its street stretches to ``plan``.

    ``hotspots`` is the run's :class:`~tryggaplatser.analysis.hotspots.HotspotResult` (the
    cells of ``hotspots.gpkg`` and the area maps, ``hotspots.json``'s totals), ``streets`` the
    :class:`~tryggaplatser.analysis.streets.StreetResult` of ``gatustrackor.*`` (or None); both
    carry their period in ``attrs``. The grid's relation (cells + outside the grid = the placed
    incidents; placed + :data:`UNPLACED` = the municipality) is the run period's, stated once
    by :func:`_plan_cells`: here every non-empty cell and ``hotspots.json``'s two totals become
    published. Every record lies on at most one stretch, so the placed incidents, the
    municipality's walk observations and its dialogue pins are at least their stretches' sums.
    A stretch too short for a public place is never shown (an unpublished cell)."""
    cells = hotspots.cells
    record = cells.attrs.get("tryggaplatser") or {}
    period = tuple(record.get("period") or ())
    if len(period) != 2:
        return
    placed, outside = placed_key(period), placed_key(period, "outside_grid")
    if placed not in plan.values and len(cells):  # no area products: the grid alone
        _plan_grid(plan, period, cells, len(hotspots.incidents), cells["n"].to_numpy() > 0)
    if placed in plan.values:  # the run period's grid is in the plan (:func:`_plan_grid`)
        plan.add(placed, len(hotspots.incidents), keep=True)
        plan.add(outside, int(record.get("n_outside_grid", 0)), keep=True)
        size = float(record["grid"]["cell_size"])
        for cid, n in zip(cells["cell_id"].astype(str), cells["n"].to_numpy(), strict=True):
            if n > 0:
                plan.add(cell_key(period, size, cid), int(n))
    if streets is not None:
        _plan_streets(plan, streets)


def _plan_streets(plan: DisclosurePlan, streets: Any) -> None:
    from ...policy import MIN_GRID_M

    frame = streets.stretches
    period = tuple((frame.attrs.get("tryggaplatser") or {}).get("period") or ())
    if len(period) != 2 or len(frame) == 0:
        return
    short = frame["length"].round(0).to_numpy(float) < MIN_GRID_M / 2  # withheld by the gate
    ids = frame["stretch_id"].astype(str).tolist()
    wholes = {
        "n": placed_key(period),
        "n_observations": walk_key("n", MUNICIPALITY, TOTAL),
        "n_dialogue": ("dialogue_pins", MUNICIPALITY),
    }
    _dialogue_pins(plan)
    for col, whole in wholes.items():
        if col not in frame.columns:
            continue
        values = frame[col].fillna(0).astype(int).to_numpy()
        keys = [stretch_key(col, period, s) for s in ids]
        for key, v, hidden in zip(keys, values, short, strict=True):
            plan.add(key, int(v), published=not hidden)
        plan.relate(whole, keys, rest=("off_stretches", col, period))


def _dialogue_pins(plan: DisclosurePlan) -> tuple | None:
    """The key of every answered pin of every campaign (a sum no product prints: the
    municipality's campaigns' pins), added once; None without dialogue tables."""
    key = ("dialogue_pins", MUNICIPALITY)
    camps = [k for k in plan.values if k[:3] == ("dialogue", "n", MUNICIPALITY)]
    if not camps:
        return None
    plan.add(key, sum(plan.values[k] for k in camps), published=False)
    plan.relate(key, camps)
    return key


def plan_map_cells(plan: DisclosurePlan, walks: Any, dialogue: Any, cell_size: float) -> None:
    """Add the public area maps' observation cells to ``plan``: per grid cell of
    ``cell_size`` metres (the maps' public cell size), the walk observations and the resolved
    ones ("n observationer, r åtgärdade") and the dialogue pins ("N svar").

    A reader adds them up: the cells' observations (resolved ones) + those outside every
    cell (none: every point lies in a cell) = the municipality's walk total ("Antal",
    "Åtgärdade" of the lägesbild's walk table), and the cells' pins = every answered pin of
    the campaigns (+ the pins without an answer, unpublished). Per cell the resolved
    observations are among the observed ones: ``n = n_atgardad + the rest`` (an unpublished
    count), an equation of the plan, so a reader's ``resolved ≤ observed`` is within it.
    Every cell is planned as published (a map shows the cells that meet its frame; a cell
    that no map shows only protects more)."""
    from ..maps._layers import point_cells

    if walks is not None and len(walks) and walk_key("n", MUNICIPALITY, TOTAL) in plan.values:
        resolved = (walks["status"].astype(str) == "atgardad").to_numpy(dtype=float)
        cells = point_cells(walks, cell_size, weights=resolved)
        ids = cells["cell_id"].tolist()
        for cid, a, b in zip(ids, cells["n"], cells["resolved"], strict=True):
            whole, part = (
                walk_cell_key("n", cell_size, cid),
                walk_cell_key("n_atgardad", cell_size, cid),
            )
            plan.add(whole, int(a))
            plan.add(part, int(b))
            plan.relate(whole, [part], rest=walk_cell_key("n_ej_atgardad", cell_size, cid))
        for m in ("n", "n_atgardad"):
            plan.relate(
                walk_key(m, MUNICIPALITY, TOTAL),
                [walk_cell_key(m, cell_size, cid) for cid in ids],
                rest=("walk_cells_outside", m),
            )
    pins = _dialogue_pins(plan)
    if dialogue is not None and len(dialogue) and pins is not None:
        cells = point_cells(dialogue, cell_size)
        keys = [dialogue_cell_key(cell_size, cid) for cid in cells["cell_id"]]
        for key, v in zip(keys, cells["n"], strict=True):
            plan.add(key, int(v))
        every = ("dialogue_pins", MUNICIPALITY, "alla")  # also the pins without an answer
        plan.add(every, len(dialogue), published=False)
        plan.relate(every, [pins], rest=("dialogue_pins", MUNICIPALITY, "utan_svar"))
        plan.relate(every, keys, rest=("dialogue_cells_outside",))


def _relate_signal_cells(plan: DisclosurePlan) -> None:
    """A grid cell's unsafe signals (the perception gap) are among its dialogue pins and walk
    observations (the area maps): ``signals ≤ pins + observations``
    (:meth:`DisclosurePlan.cover`) wherever the plan has both."""
    cells = [k for k in plan.values if k[0] == "signals" and len(k) == 3 and isinstance(k[1], int)]
    for key in cells:
        size, cid = key[1], key[2]
        plan.cover(key, [dialogue_cell_key(size, cid), walk_cell_key("n", size, cid)])


# ---------------------------------------------------------------------------------------------
# the public EST overview of a month


def plan_est_month(plan: DisclosurePlan, run: Any, gate: Any, month: Any) -> None:
    """Add the public EST overview of calendar ``month`` (``"2026-10"``) to ``plan``.

    Its tables (``est_<month>_omraden.csv``, ``est_<month>_kategorier.csv`` and the
    overview's own) print, for the month and the same month a year before, each area's count
    with their total and each category's count of the municipality with theirs: the same
    month keys as the area products (:func:`incident_key`, months tie them to the years and
    periods those print), the areas' total + what lies outside them = the municipality's
    month = its categories. Its ``est_<month>_hotspots.gpkg`` prints every cell's count of
    the 12 whole months up to ``month`` (:func:`~tryggaplatser.analysis.est_brief.
    hotspot_months`): a grid of its own period (:func:`_plan_grid`), each cell at most its
    count of a longer period that contains it and at least that of one inside it
    (:meth:`DisclosurePlan.nest`)."""
    from ...analysis import periods
    from ...analysis.est_brief import hotspot_months, run_month_tables

    project = run.project
    by_area, by_cat = run_month_tables(run, project.incidents, project.areas, month)
    base = run.area_analysis(None)
    cat = area_count_category(base, gate)
    for label in sorted(set(by_area["period"].astype(str)) | set(by_cat["period"].astype(str))):
        (mp,) = periods.month_periods(*_month_dates(label))
        _add_municipality_months(plan, base, [mp])
        rows = by_area[by_area["period"].astype(str) == label]
        _plan_est_areas(plan, mp, rows, cat)
        rows = by_cat[by_cat["period"].astype(str) == label]
        keys = [incident_key(mp, MUNICIPALITY, c) for c in rows["category"].astype(str)]
        for key, n in zip(keys, rows["n"], strict=True):
            plan.add(key, int(n))
        plan.add(incident_key(mp, MUNICIPALITY, TOTAL), int(rows["n"].sum()), keep=True)
        plan.relate(incident_key(mp, MUNICIPALITY, TOTAL), keys)
    window = hotspot_months(month)
    result = run.hotspots(window)
    if result.cells is not None and len(result.cells):
        _plan_window_total(plan, base, window)
        # the GeoPackage prints every cell (an empty one is 0 whatever the plan says)
        shown = result.cells["n"].to_numpy() > 0
        _plan_grid(plan, window, result.cells, len(result.incidents), shown)
        _nest_cells(plan, window)


def source_month_key(month: str, source: str) -> tuple:
    """The plan key of a source's reports in calendar ``month`` (``"YYYY-MM"``): the public
    quality chart "Rapporter per månad och källa"."""
    return ("source_month", str(month), str(source))


def _plan_source_months(plan: DisclosurePlan, analysis: Any) -> None:
    """The reports per source and calendar month of the public quality chart: a month's
    sources add up to the municipality's month (every record of the month, as the months
    that tie the periods together count them)."""
    from ...analysis import periods

    monthly = getattr(analysis, "monthly", None)
    if monthly is None or not len(monthly):
        return
    for label, rows in monthly.groupby("month", sort=True):
        (month,) = periods.month_periods(*_month_dates(str(label)))
        _add_municipality_months(plan, analysis, [month])
        keys = [source_month_key(label, source) for source in rows["source"]]
        for key, n in zip(keys, rows["n"], strict=True):
            plan.add(key, int(n))
        plan.relate(incident_key(month, MUNICIPALITY, TOTAL), keys)


def _month_dates(label: str) -> tuple:
    import pandas as pd

    m = pd.Period(label, freq="M")
    return m.start_time.date(), m.end_time.date()


def _plan_est_areas(plan: DisclosurePlan, month: tuple, rows: Any, cat: str) -> None:
    """A month's areas (each incident in one area at most) and their total; the municipality's
    month = the total + what lies outside the areas. An area's month is the area products'
    month key when it counts the same records; when it counts more (every category, where a
    public run's areas leave the sensitive ones out) it is that month plus the rest."""
    keys = []
    for aid, n in zip(rows["area_id"].astype(str), rows["n"].astype(int), strict=True):
        key = incident_key(month, aid, cat)
        part = plan.values.get(key, n)
        if part != n:  # not the same records: a key of its own, the area's month a part of it
            key = incident_key(month, aid, "est")
        plan.add(key, int(n))
        if part < n:
            plan.relate(key, [incident_key(month, aid, cat)], rest=(*key[:3], "ovriga"))
        keys.append(key)
    total = incident_key(month, TOTAL, "est")
    plan.add(total, int(rows["n"].sum()), keep=True)
    plan.relate(total, keys)
    plan.relate(incident_key(month, MUNICIPALITY, TOTAL), [total], rest=("est_outside", month))


def _plan_window_total(plan: DisclosurePlan, analysis: Any, window: tuple) -> None:
    """The municipality's count of ``window`` (whole months) = its months (unpublished)."""
    from ...analysis import periods

    months = periods.month_periods(*window)
    _add_municipality_months(plan, analysis, months)
    total = incident_key(window, MUNICIPALITY, TOTAL)
    if total not in plan.values:
        plan.add(
            total,
            sum(plan.values[incident_key(m, MUNICIPALITY, TOTAL)] for m in months),
            published=False,
        )
    _relate_to_months(plan, total, months, TOTAL)


def est_month_key(plan: DisclosurePlan, by: str, row: Any, month: str) -> tuple:
    """The plan key of a row of the EST overview's table of ``month`` (:func:`plan_est_month`):
    ``by`` ``"area_id"`` (an area or the areas' total) or ``"category"`` (the municipality's;
    ``"totalt"`` = its month)."""
    period = _month_dates(month)
    value = str(row[by])
    if by == "category":
        return incident_key(period, MUNICIPALITY, value)
    if value == TOTAL:
        return incident_key(period, TOTAL, "est")
    keys = [incident_key(period, value, c) for c in ("est", TOTAL, "alla")]
    return next((k for k in keys if k in plan.values), keys[-1])


# ---------------------------------------------------------------------------------------------
# report counts: perception gap, location precision, consequences
#
# ``("signals", area)``: unsafe signals (unsafe dialogue pins + unsafe walk observations) of an
# area or the municipality, the perception gap's "Otrygga signaler"; a reader relates them to
# the dialogue and walk tables of the area. ``("signals", cell_size, cell_id)``: of a grid
# cell. ``("precision", period, source, precision)``: records of a source by location
# precision; ``("consequence", period, indicator)``: the lägesbild's consequence table, each
# block a part of the municipality's total of the period.


def signal_key(area: str) -> tuple:
    """The plan key of the unsafe signals of an area (or :data:`MUNICIPALITY`)."""
    return ("signals", str(area))


def signal_cell_key(cell_size: float, cell_id: str) -> tuple:
    """The plan key of the unsafe signals of grid cell ``cell_id``."""
    return ("signals", round(float(cell_size)), str(cell_id))


def precision_key(period: tuple, source: str, precision: str) -> tuple:
    """The plan key of a row of the location-precision table (``precision`` ``"totalt"``:
    the source's records, the denominator of the table's shares)."""
    return ("precision", tuple(period), str(source), str(precision))


def consequence_key(period: tuple, indicator: str) -> tuple:
    """The plan key of a row of the lägesbild's consequence table; the staff row is the
    municipality's count of the category (:func:`incident_key`)."""
    if indicator == "hot_vald_personal":
        return incident_key(period, MUNICIPALITY, indicator)
    return ("consequence", tuple(period), str(indicator))


def plan_report_counts(plan: DisclosurePlan, analyses: Iterable[Any], lagesbild: Any) -> None:
    """Add the perception-gap counts per area and cell, the location-precision table of every
    analysis and the lägesbild's consequence table to ``plan`` (before it is solved)."""
    _plan_unsafe_walks(plan)
    for analysis in analyses:
        _plan_gap_areas(plan, analysis)
        _plan_gap_signal_cells(plan, analysis)
        _plan_precision(plan, analysis)
        _plan_method_counts(plan, analysis)
    if lagesbild is not None:
        _plan_consequences(plan, lagesbild)
    _relate_signal_cells(plan)


def _signal_parts(pins: dict, area: str) -> list:
    """The counts of the dialogue and walk tables whose sum is the unsafe signals of
    ``area``: unsafe pins per campaign (``pins``: :func:`_unsafe_pins`) and unsafe walk
    observations."""
    return [*pins.get(str(area), ()), walk_key("n_otrygg", area, TOTAL)]


def _unsafe_pins(plan: DisclosurePlan) -> dict[str, list]:
    """The plan's keys of unsafe dialogue pins per area (campaigns in plan order)."""
    pins: dict[str, list] = {}
    for k in plan.values:
        if k[:2] == ("dialogue", "n_otrygg"):
            pins.setdefault(k[2], []).append(k)
    return pins


def _plan_unsafe_walks(plan: DisclosurePlan) -> None:
    """A scope's unsafe walk observations are among its observations: ``n = n_otrygg + the
    rest`` (an unpublished count) in the total row. The signals tie these to the pins, so a
    reader's ``n_otrygg ≤ n`` must bound them in the plan too, not only after solving (the
    problem rows keep the nesting rule of :meth:`DisclosurePlan.nest`)."""
    totals = [k for k in plan.values if k[:2] == ("walks", "n_otrygg") and k[3] == TOTAL]
    for key in totals:
        whole = walk_key("n", key[2], key[3])
        plan.relate(whole, [key], rest=("walks", "n_ej_otrygg", key[2], key[3]))


def _plan_gap_areas(plan: DisclosurePlan, analysis: Any) -> None:
    """Unsafe signals and incidents (the gap's categories) per area: the signals = the area's
    unsafe pins + unsafe walk observations, the areas' signals a part of the municipality's;
    the incidents a part of the area's total of the period."""
    gap = analysis.gap_areas
    if gap is None or len(gap) == 0:
        return
    period, cat = (analysis.start, analysis.end), gap_category(gap)
    pins = _unsafe_pins(plan)
    areas = []
    for aid, sig, n in zip(
        gap["area_id"].astype(str), gap["n_otrygg"], gap["n_incidents"], strict=True
    ):
        plan.add(signal_key(aid), int(sig), keep=True)  # the gap's key figure
        plan.relate(signal_key(aid), _signal_parts(pins, aid), rest=("signals", aid, "ovriga"))
        areas.append(aid)
        key = incident_key(period, aid, cat)
        plan.add(key, int(n))
        plan.relate(incident_key(period, aid, TOTAL), [key], rest=(*key[:3], "ovriga:" + cat))
    whole = signal_key(MUNICIPALITY)
    if whole not in plan.values:
        parts = _signal_parts(pins, MUNICIPALITY)
        plan.add(whole, sum(plan.values.get(k, 0) for k in parts), published=False)
        plan.relate(whole, parts)
    plan.relate(whole, [signal_key(a) for a in areas], rest=signal_key(_OUTSIDE))


def _plan_gap_signal_cells(plan: DisclosurePlan, analysis: Any) -> None:
    """Unsafe signals per grid cell: the significant cells published, the other cells not;
    all cells + the signals without a cell = the municipality's signals."""
    from ...analysis.area_analysis import cell_size_of
    from ...analysis.perception import GAP_SIGNIFICANT

    gap = analysis.gap_cells
    if gap is None or len(gap) == 0 or signal_key(MUNICIPALITY) not in plan.values:
        return
    size = cell_size_of(gap)
    shown = gap["gap_class"].isin(GAP_SIGNIFICANT).to_numpy()
    keys = []
    for cid, v, s in zip(gap["cell_id"].astype(str), gap["n_otrygg"], shown, strict=True):
        if int(v) > 0 or s:
            keys.append(signal_cell_key(size, cid))
            plan.add(keys[-1], int(v), published=bool(s))
    plan.relate(signal_key(MUNICIPALITY), keys, rest=("signals", "utan_ruta"))


def _plan_precision(plan: DisclosurePlan, analysis: Any) -> None:
    """The location-precision table: rows per source and precision, each source's total (the
    denominator of its shares, which a reader can work out), the all-sources block = the
    sources, and its total = the municipality's records of the period; the records at the
    municipality's centroid are among those without a place."""
    from ...analysis.quality import ALL_SOURCES

    prec = analysis.precision
    if prec is None or len(prec) == 0:
        return
    period = (analysis.start, analysis.end)
    sources = list(dict.fromkeys(prec["source"].astype(str)))
    kinds = list(dict.fromkeys(prec["location_precision"].astype(str)))
    for s, p, n in zip(
        prec["source"].astype(str), prec["location_precision"].astype(str), prec["n"]
    ):
        plan.add(precision_key(period, s, p), int(n))
    for s in sources:
        total = precision_key(period, s, TOTAL)
        parts = [precision_key(period, s, p) for p in kinds]
        plan.add(total, sum(plan.values.get(k, 0) for k in parts), keep=s == ALL_SOURCES)
        plan.relate(total, parts)
    if ALL_SOURCES in sources:
        every = [s for s in sources if s != ALL_SOURCES]
        for p in [*kinds, TOTAL]:
            plan.relate(
                precision_key(period, ALL_SOURCES, p), [precision_key(period, s, p) for s in every]
            )
        plan.relate(
            incident_key(period, MUNICIPALITY, TOTAL), [precision_key(period, ALL_SOURCES, TOTAL)]
        )
        plan.relate(
            incident_key(period, UNPLACED, TOTAL),
            [precision_key(period, ALL_SOURCES, "kommun_centroid")],
            rest=incident_key(period, UNPLACED, "ovriga"),
        )


def _plan_consequences(plan: DisclosurePlan, analysis: Any) -> None:
    """The lägesbild's consequence table: severity levels and police reports (each block,
    with its "not recorded" row, a part of the municipality's records of the period) and
    the staff category (the municipality's count of it)."""
    from .area_report import _consequence_rows

    period = (analysis.start, analysis.end)
    rows, _ = _consequence_rows(analysis.incidents)
    total = incident_key(period, MUNICIPALITY, TOTAL)
    blocks: dict[str, list] = {}
    for row in rows:
        key = consequence_key(period, row["indicator"])
        plan.add(key, int(row["n"]))
        blocks.setdefault(row["indicator"].split("_")[0], []).append(key)
    staff = consequence_key(period, "hot_vald_personal")
    plan.add(staff, int((analysis.incidents["category"].astype(str) == "hot_vald_personal").sum()))
    for block, keys in blocks.items():
        plan.relate(total, keys, rest=("consequence", period, block, "ovriga"))


def method_key(period: tuple, name: str) -> tuple:
    """The plan key of a count printed in a report's methods box (``name``: the parameter,
    e.g. ``"excluded_kommun_centroid"``)."""
    return ("method", tuple(period), str(name))


def _param(attrs: Any, name: str) -> Any:
    rec = (attrs or {}).get("tryggaplatser", {}).get("params", {}).get(name)
    return rec.get("value") if isinstance(rec, dict) else rec


def _plan_method_counts(plan: DisclosurePlan, analysis: Any) -> None:
    """The methods box's counts: the period's records (a part of the municipality's), the
    records at the municipality's centroid (among the period's records and among the
    precision table's centroid rows; the gap's among them) and the records without a known
    time. (Public reports print the gap's p0 as a share only: its counts would tie every grid
    cell of the period together.)"""
    period = (analysis.start, analysis.end)
    attrs = next(iter(analysis.profiles.values())).by_category.attrs
    n, centroid = _param(attrs, "n_incidents_in_period"), _param(attrs, "excluded_kommun_centroid")
    aoristic = _param(attrs, "aoristic")
    key_n, key_c = method_key(period, "n_incidents_in_period"), method_key(period, "centroid")
    if n is not None:
        plan.add(key_n, int(n), keep=True)
        plan.relate(incident_key(period, MUNICIPALITY, TOTAL), [key_n], rest=(*key_n, "ovriga"))
    if centroid is not None:
        plan.add(key_c, int(centroid))
        plan.relate(key_n, [key_c], rest=(*key_c, "placerade"))
        every = precision_key(period, "alla", "kommun_centroid")
        plan.relate(every, [key_c], rest=(*key_c, "ovriga"))
    if isinstance(aoristic, dict) and aoristic.get("excluded_time_unknown") is not None:
        key_t = method_key(period, "time_unknown")
        plan.add(key_t, int(aoristic["excluded_time_unknown"]))
        plan.relate(key_n, [key_t], rest=(*key_t, "ovriga"))
    gap = analysis.gap_cells
    if gap is None or len(gap) == 0:
        return
    gap_c = _param(gap.attrs, "excluded_kommun_centroid")
    if gap_c is not None:
        plan.add(method_key(period, "gap_centroid"), int(gap_c))
        plan.relate(key_c, [method_key(period, "gap_centroid")], rest=(*key_c, "ovriga_kat"))
