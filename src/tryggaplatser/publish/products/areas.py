"""The area set of a run: one report per area, the lägesbild of a year, their indicator tables.

What ``tryggaplatser area`` and ``tryggaplatser lagesbild`` write: ``omrade_<slug>.html`` per
area plus ``indikatorer_*.csv`` and ``indikatorer.xlsx``; ``lagesbild_<year>.html`` and
``lagesbild_<year>_indikatorer_*``. Public sets also get the disclosure report. The rendering
itself is :mod:`tryggaplatser.publish.reports.area_report`; these functions choose the run,
the period and the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project
from ._heap import frozen_heap


@staged_writer
@frozen_heap
def write_area_reports(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    area_ids: list[str] | None = None,
    period: Any = None,
    with_map: bool = True,
    tables: bool = True,
    gate: Any = None,
    quiet: bool = True,
    run: Any = None,
) -> list[Path]:
    """Write area reports (all areas by default) and the indicator tables; the library entry
    point behind ``tryggaplatser area`` (also used by ``tryggaplatser demo``).

    The reports render :func:`tryggaplatser.publish.reports.area_report.write_area_reports`.

    Parameters
    ----------
    project : Project or path
        From :func:`tryggaplatser.load_project`, or the path of its ``tryggaplatser.toml``.
    out_dir : str or Path
        Output folder.
    mode : {"public", "internal"}, optional
        ``None`` = the project's ``privacy_mode``.
    area_ids : list of str, optional
        Area ids or names; ``None`` = every area.
    period : None, int or (start, end)
        As in :func:`tryggaplatser.publish.reports.area_report.prepare_area_analysis`.
    with_map : bool
        Static hotspot map in every report.
    tables : bool
        Write ``indikatorer_*.csv`` and ``indikatorer.xlsx``.
    gate : Gate, optional
        The output set's gate when the caller writes more into the same folder (e.g.
        ``tryggaplatser demo``): then ``mode`` is ignored and the caller calls
        ``finish_set(gate, mode_folder(out_dir, gate))`` once, so one disclosure report covers
        the whole set (and the folder's start page is written once).
        ``None`` = a new gate, finished here.
    quiet : bool
        Silence announcements.
    run : Run, optional
        The run whose results the reports render (:class:`tryggaplatser.Run`); ``None`` = a
        new run of the project in the gate's mode. Public runs cover whole months.

    Returns
    -------
    list of Path
        Every file written (reports, tables, and for public sets the disclosure report).

    Raises
    ------
    AreasFailed
        When the reports of some of several areas failed (exit code 4): the other reports, the
        tables (and the disclosure report) are written, ``exc.written`` lists their paths and
        ``exc.failures`` the failed areas with their rules. With one area its error is raised
        as it is.
    """
    from ...analysis.run import Run
    from .._per_area import collecting, raise_if_failed
    from ..gate import Gate
    from ..maps._layers import resolve_area
    from ..reports.area_report import write_area_reports as render_area_reports
    from ..reports.area_report import write_indicator_tables

    project = open_project(project)
    own_gate = gate is None
    if own_gate:
        gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        run = Run(project, gate.mode, quiet=quiet)
    folder = mode_folder(out_dir, gate)
    for area in area_ids or ():  # an unknown area is said before anything is computed
        resolve_area(project.areas, area)
    analysis = run.area_analysis(period)
    plan_area_products(gate, run, [period])
    targets = list(area_ids or analysis.profiles)
    failures: list | None = [] if collecting(targets) else None
    paths = render_area_reports(
        analysis,
        folder,
        gate,
        area_ids=area_ids,
        with_map=with_map,
        failures=failures,
        risk=risk_factors(run),
    )
    if tables:
        paths += write_indicator_tables(analysis, folder, gate)
    if own_gate:
        paths += finish_set(gate, folder)
    raise_if_failed(failures or [], len(targets), paths)
    return paths


@staged_writer
@frozen_heap
def write_lagesbild(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    year: int | None = None,
    with_map: bool = True,
    tables: bool = True,
    gate: Any = None,
    quiet: bool = True,
    run: Any = None,
) -> list[Path]:
    """Write the lägesbild for ``year`` (default: the year of the latest incident, announced)
    with its indicator tables; the library entry point behind ``tryggaplatser lagesbild``.

    The period is the calendar year, cut at the latest incident when the year is not over
    (announced); the comparison column is the same dates one year earlier. ``gate`` works as
    in :func:`write_area_reports`; ``project`` may be a configuration path as there.

    Returns
    -------
    list of Path
        Every file written.
    """
    from ...analysis import periods
    from ...analysis.run import Run
    from ..gate import Gate
    from ..reports.area_report import write_indicator_tables
    from ..reports.area_report import write_lagesbild as render_lagesbild

    project = open_project(project)
    own_gate = gate is None
    if own_gate:
        gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        run = Run(project, gate.mode, quiet=quiet)
    local = periods.local_times(project.incidents["occurred_at"])
    year, start, end = lagesbild_period(project, year, public=gate.public, quiet=quiet)
    plan_area_products(gate, run, [], lagesbild=(start, end))
    analysis = run.area_analysis((start, end))
    trend = run.area_analysis(None)
    ldate = local.dt.date
    prev_start, prev_end = periods.year_before(start), periods.year_before(end)
    previous = project.incidents[((ldate >= prev_start) & (ldate <= prev_end)).to_numpy()]
    folder = mode_folder(out_dir, gate)
    paths = [
        render_lagesbild(
            analysis,
            folder,
            gate,
            trend=trend,
            previous=previous if len(previous) else None,
            with_map=with_map,
            forecast=_predictability(run),
            risk=risk_factors(run),
        )
    ]
    if tables:
        paths += write_indicator_tables(
            analysis, folder, gate, stem=f"lagesbild_{int(year)}_indikatorer"
        )
    if own_gate:
        paths += finish_set(gate, folder)
    return paths


def risk_factors(run: Any) -> Any:
    """``(risk-terrain model, street stretches or None)`` of the run for the reports'
    "Riskfaktorer" sections; ``None`` when the project has no context layers."""
    if run.context is None:
        return None
    return run.risk_terrain(), run.streets()


def lagesbild_period(
    project: Any, year: int | None, *, public: bool, quiet: bool = True
) -> tuple[int, Any, Any]:
    """The lägesbild's year and period ``(year, start, end)``: ``year`` ``None`` = the year of
    the latest incident (announced); the calendar year, cut at the latest incident when the
    year is not over (announced; whole months in public mode)."""
    from ..._announce import announce
    from ...analysis import periods
    from ...i18n import tr

    local = periods.local_times(project.incidents["occurred_at"])
    if year is None:
        year = int(local.max().year)
        announce(
            tr(
                "År {y} valt automatiskt (senaste händelsens år).",
                "Year {y} chosen automatically (the latest incident's year).",
                y=year,
            ),
            quiet=quiet,
        )
    year = int(year)
    start, end = periods.year_period(year, local.max().date(), public=public)
    if end < start.replace(month=12, day=31):
        announce(
            tr(
                "Året {y} är ofullständigt i data: lägesbilden gäller {a}–{b}, och "
                "jämförelsen samma datum året före.",
                "The year {y} is incomplete in the "
                "data: the lägesbild covers {a}–{b}, compared with the same dates the year "
                "before.",
                y=year,
                a=start.isoformat(),
                b=end.isoformat(),
            ),
            quiet=quiet,
        )
    return year, start, end


#: The kinds of plan cells (first element of a key) each writer prints and counts.
AREA_CELLS = ("walks", "dialogue", "incidents", "season")
GRID_CELLS = ("cells", "placed")
STRETCH_CELLS = ("stretch",)
MAP_CELLS = ("walk_cells", "dialogue_cells")


def plan_area_products(gate: Any, run: Any, periods: list, *, lagesbild: Any = None) -> None:
    """Hand the set's disclosure plan to the gate of the area products (before rendering);
    ``periods`` are the periods their reports show, ``lagesbild`` the lägesbild's period
    (:func:`plan_public_set`)."""
    plan_public_set(gate, run, periods, lagesbild=lagesbild, count=AREA_CELLS)


def plan_public_set(
    gate: Any,
    run: Any,
    periods: list | None = None,
    *,
    lagesbild: Any = None,
    est_month: str | None = None,
    count: tuple[str, ...] | None = None,
) -> None:
    """Hand the public set's one disclosure plan to ``gate`` (solved once per run).

    The plan (:func:`~..reports.area_plan.plan_area_set` with
    :func:`~..reports.area_plan.plan_spatial`) covers every count the folder's products print
    with the run's results: the area reports of the run's period (and of ``periods``), the
    lägesbild of ``lagesbild`` (default: the latest year, whole months), the indicator tables,
    the grid cells of ``hotspots.gpkg``, ``hotspots.json`` and the area maps, the area maps'
    walk-observation and dialogue cells (:func:`_plan_area_maps`), the street stretches, and
    the public EST overview of ``est_month`` (default: the month ``est`` shows for its default
    week, :func:`~...analysis.est_brief.default_public_month`; its month
    tables and 12 months' hotspot cells, :func:`~..reports.area_plan.plan_est_month`). Every
    command that writes into the folder builds the same plan from its run
    (:meth:`~...analysis.run.Run.once`), so a file is the same whichever command wrote it, and
    a count hidden in one file cannot be recovered from another. ``count`` names the kinds of
    cells this gate's products print (:meth:`~..gate.Gate.use_plan`). A gate that has a plan
    keeps it."""
    if not gate.public:
        return
    from ..reports.area_plan import plan_area_set, plan_est_month, plan_spatial

    shown = [None]
    for p in periods or ():
        if p is not None and run.resolve(p) not in [run.resolve(q) for q in shown]:
            shown.append(p)
    if lagesbild is None:
        lagesbild = _year_period(run)
    situation = None if lagesbild is None else run.resolve(lagesbild)
    if est_month is None and situation is not None:  # the month `est` shows by default
        from ...analysis.est_brief import default_public_month

        est_month = default_public_month(run.project.incidents)
    scope = plan_scope(shown, run, situation, est_month)
    if gate.plan is not None:  # the gate keeps its plan, if it covers the same periods
        _check_scope(gate, scope)
        return
    key = (
        "disclosure_plan",
        tuple(run.resolve(p) for p in shown),
        situation,
        est_month,
        tuple(sorted(gate.sensitive)),
    )

    def extra(plan):
        plan_spatial(plan, run.hotspots(), run.streets() if run.roads is not None else None)
        if project_has_areas(run):
            _plan_area_maps(plan, run)
        if est_month is not None and project_has_areas(run):
            plan_est_month(plan, run, gate, est_month)

    def solve():
        if not project_has_areas(run):  # only the grid and the stretches (``hotspots``)
            return plan_area_set([], gate, extra=extra)
        return plan_area_set(
            [run.area_analysis(p) for p in shown],
            gate,
            lagesbild=None if situation is None else run.area_analysis(situation),
            extra=extra,
        )

    gate.use_plan(run.once(key, solve), count=count, scope=scope)


def _check_scope(gate: Any, scope: str) -> None:
    """Refuse (``PLAN_SCOPE_MISMATCH``) a product of other periods than the gate's plan covers:
    its counts would be suppressed table by table, outside the set's one plan."""
    planned = gate.summary.plan_scope
    if planned and scope != planned:
        from ...errors import GateRefusal
        from ...i18n import tr

        raise GateRefusal(
            tr(
                "mängdens röjandeplan gäller {o}; den här produkten gäller {p}",
                "the set's disclosure plan covers {o}; this product covers {p}",
                o=planned,
                p=scope,
            ),
            rule="PLAN_SCOPE_MISMATCH",
            fix=tr(
                "skriv den med en egen grind till en egen mapp (--out)",
                "write it with a gate of its own into a folder of its own (--out)",
            ),
        )


def plan_scope(shown: list, run: Any, situation: Any, est_month: str | None) -> str:
    """The periods a folder's plan covers, as its disclosure report records them
    in months, as public periods are (``"områden 2023-12–2026-10; lägesbild 2026-01–2026-10;
    EST 2026-10"``): a
    command asked for another period (a lägesbild of another year, area reports of another
    period, an EST overview of another month) has another plan, which a folder holding files
    of this one refuses (:meth:`~..gate.Gate.finish`)."""

    def dates(period: Any) -> str:
        return "–".join(str(d)[:7] for d in period)

    parts = ["områden " + ", ".join(dates(run.resolve(p)) for p in shown)]  # the same words in
    if situation is not None:  # every language: the record is compared, not read
        parts.append("lägesbild " + dates(situation))
    if est_month is not None:
        parts.append(f"EST {est_month}")
    return "; ".join(parts)


def _plan_area_maps(plan: Any, run: Any) -> None:
    """The walk-observation and dialogue cells of the public area maps
    (:func:`~..reports.area_plan.plan_map_cells`), on the maps' cell size."""
    from ..maps._layers import cell_size_of, public_cell_size
    from ..reports.area_plan import plan_map_cells

    base = run.area_analysis(None)
    size = public_cell_size(cell_size_of(run.hotspots().cells), "public")
    plan_map_cells(plan, base.walk_observations, base.dialogue, size)


def project_has_areas(run: Any) -> bool:
    """Whether the run's project has areas (the EST overview's tables need them)."""
    areas = getattr(run.project, "areas", None)
    return areas is not None and len(areas) > 0


def _year_period(run: Any) -> tuple | None:
    """The lägesbild's default period (the latest year, whole months), or None."""
    project = run.project
    if getattr(project, "incidents", None) is None or not len(project.incidents):
        return None
    _, start, end = lagesbild_period(project, None, public=True)
    return (start, end)


def _predictability(run: Any) -> Any:
    """The lägesbild's forecast scores: monthly origins over the run's period, the hotspot
    methods the map shows (Gi*, KDE) beside last month's counts and random places; ``None``
    when the data cover too little time."""
    from ...errors import ArgumentError

    try:
        return run.forecast("month", ("gistar", "kde", "last_period", "random"))
    except ArgumentError:
        return None
