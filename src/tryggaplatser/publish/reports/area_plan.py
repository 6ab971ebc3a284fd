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
    own table (:data:`MUNICIPALITY`: every record, also those outside the areas).

Relations: each table's total = the sum of its rows; the municipality = the sum of its areas
plus what lies outside them (an unpublished count a reader only knows is ≥ 0); answered pins =
unsafe + safe pins. In a walk row unsafe and sent observations are among the observed, decided
among the sent and resolved among the decided (:meth:`DisclosurePlan.nest`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..disclosure import DisclosurePlan
from ..gate import TOTAL

__all__ = [
    "MUNICIPALITY",
    "WALK_COUNTS",
    "cell_key",
    "dialogue_key",
    "incident_key",
    "placed_key",
    "plan_area_set",
    "plan_spatial",
    "stretch_key",
    "walk_key",
]

#: The area key of the whole municipality (the lägesbild's own tables).
MUNICIPALITY = "kommun"
_OUTSIDE = "utanfor_omraden"
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
    """The plan key of a grid cell's incident count of ``period`` (a pair of dates) on a grid
    of ``cell_size`` metres (``category`` ``"totalt"`` = every category)."""
    return ("cell", tuple(period), round(float(cell_size)), str(cell_id), str(category))


def placed_key(period: tuple, what: str = "placed") -> tuple:
    """The plan key of the placed incidents of ``period`` (``hotspots.json``'s
    ``n_incidents``), or with ``what`` of a part of them (``"outside_grid"``)."""
    return ("placed", tuple(period), str(what))


def stretch_key(measure: str, period: tuple, stretch_id: str) -> tuple:
    """The plan key of a street stretch's count (``n``, ``n_observations``, ``n_dialogue``)."""
    return ("stretch", str(measure), tuple(period), str(stretch_id))


def plan_area_set(
    analyses: Iterable[Any], gate: Any, *, extra: Callable[[DisclosurePlan], None] | None = None
) -> DisclosurePlan:
    """Solve the disclosure plan of the area reports, lägesbild and indicator tables that
    render ``analyses`` (one :class:`AreaAnalysis` per period the set shows) with ``gate``;
    ``extra`` adds the cells of the set's other products before the one solve
    (:func:`plan_spatial`).

    Walk and dialogue tables do not depend on the period; incident counts are planned per
    period. Returns the solved plan (the caller hands it to ``gate.use_plan`` before any
    product renders)."""
    plan = DisclosurePlan()
    analyses = list(analyses)
    if analyses:
        _plan_walks(plan, analyses[0])
        _plan_dialogue(plan, analyses[0])
    for analysis in analyses:
        _plan_incidents(plan, analysis, gate)
    if extra is not None:  # more products of the same folder (the grid, street stretches)
        extra(plan)
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
    from ...analysis.areas import _walk_table

    obs = analysis.walk_observations
    if obs is None or len(obs) == 0:
        return
    areas = [a for a, p in analysis.profiles.items() if _add_walk_table(plan, p.walks, a)]
    cats = _add_walk_table(plan, _walk_table(obs), MUNICIPALITY)
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
    from ...analysis.areas import _dialogue_tables

    pins = analysis.dialogue
    if pins is None or len(pins) == 0:
        return
    areas = []
    for aid, prof in analysis.profiles.items():
        tables = (prof.dialogue, prof.dialogue_reasons, prof.dialogue_time_of_day)
        if _add_dialogue(plan, tables, aid):
            areas.append(aid)
    for measure, camp in sorted(_add_dialogue(plan, _dialogue_tables(pins), MUNICIPALITY), key=str):
        plan.relate(
            dialogue_key(measure, MUNICIPALITY, camp),
            [dialogue_key(measure, a, camp) for a in areas],
            rest=dialogue_key(measure, _OUTSIDE, camp),
        )


# ---------------------------------------------------------------------------------------------
# incidents


def _plan_incidents(plan: DisclosurePlan, analysis: Any, gate: Any) -> None:
    """The area × category table with its margins and the municipality's category table."""
    from .area_report import _by_category_long

    period = (analysis.start, analysis.end)
    long = _by_category_long(analysis, gate)
    areas = list(dict.fromkeys(long["area_id"].astype(str)))
    cats = list(dict.fromkeys(long["category"].astype(str)))
    counts = {
        (str(a), str(c)): int(n)
        for a, c, n in zip(long["area_id"], long["category"], long["n"], strict=True)
    }
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


# ---------------------------------------------------------------------------------------------
# the grid and the street stretches


def plan_spatial(plan: DisclosurePlan, hotspots: Any, streets: Any = None) -> None:
    """Add the run's grid cells and street stretches to ``plan``.

    ``hotspots`` is the run's :class:`~tryggaplatser.analysis.hotspots.HotspotResult` (the
    cells of ``hotspots.gpkg`` and the area maps, ``hotspots.json``'s totals), ``streets`` the
    :class:`~tryggaplatser.analysis.streets.StreetResult` of ``gatustrackor.*`` (or None); both
    carry their period in ``attrs``. Relations a reader knows: the cells sum to the placed
    incidents minus those outside the grid (both printed in ``hotspots.json``); the
    municipality's total of the same period is at least the placed incidents; every record
    lies on at most one stretch, so the placed incidents, the municipality's walk observations
    and its dialogue pins are at least their stretches' sums. A stretch too short for a public
    place is never shown (an unpublished cell)."""
    cells = hotspots.cells
    period = tuple((cells.attrs.get("tryggaplatser") or {}).get("period") or ())
    if len(period) != 2:
        return
    record = cells.attrs["tryggaplatser"]
    size = float(record["grid"]["cell_size"])
    placed, outside = placed_key(period), placed_key(period, "outside_grid")
    plan.add(placed, len(hotspots.incidents), keep=True)
    plan.add(outside, int(record.get("n_outside_grid", 0)), keep=True)
    keys = [cell_key(period, size, c) for c in cells["cell_id"].astype(str)]
    for key, n in zip(keys, cells["n"].to_numpy(), strict=True):
        plan.add(key, int(n))
    plan.relate(placed, [outside, *keys], rest=placed_key(period, "unexplained"))
    plan.relate(
        incident_key(period, MUNICIPALITY, TOTAL), [placed], rest=placed_key(period, "unplaced")
    )
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
    camps = [k for k in plan.values if k[:3] == ("dialogue", "n", MUNICIPALITY)]
    if camps:  # every pin of every campaign (a sum no product prints)
        plan.add(wholes["n_dialogue"], sum(plan.values[k] for k in camps), published=False)
        plan.relate(wholes["n_dialogue"], camps)
    for col, whole in wholes.items():
        if col not in frame.columns:
            continue
        values = frame[col].fillna(0).astype(int).to_numpy()
        keys = [stretch_key(col, period, s) for s in ids]
        for key, v, hidden in zip(keys, values, short, strict=True):
            plan.add(key, int(v), published=not hidden)
        plan.relate(whole, keys, rest=("off_stretches", col, period))
