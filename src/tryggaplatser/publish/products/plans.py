"""Draft action plans per area and the evaluation of one measure (did it work?).

What ``tryggaplatser plan`` and ``tryggaplatser evaluate`` write. :func:`write_action_plans`:
per area ``handlingsplan_<year>_<area_id>`` ``.html`` (A4), ``.xlsx`` (to edit; reads back as
the measures layer) and ``.csv``; a draft plan is internal, public mode is refused.
:func:`write_evaluation`: ``utvardering_<ID>.html`` (and a CSV of the counts) with WDQ and WDD,
an automatic buffer ring and control area, equal before/after periods, a before/after change map
of the surroundings and the assumptions in plain Swedish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..._compat import renamed
from ...analysis.measures import DEFAULT_TARGET_RADIUS
from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project


def resolve_area(areas, name_or_id: str) -> str:
    from ...errors import ArgumentError
    from ...i18n import tr

    ids = areas["area_id"].astype(str)
    if (ids == name_or_id).any():
        return name_or_id
    names = areas["name"].astype(str) if "name" in areas.columns else ids
    hit = ids[names.str.casefold() == name_or_id.casefold()]
    if len(hit) == 1:
        return str(hit.iloc[0])
    raise ArgumentError(
        tr("okänt område {a!r}", "unknown area {a!r}", a=name_or_id),
        rule="AREA_UNKNOWN",
        fix=tr(
            "ange ett område-id eller namn, t.ex. {e}",
            "give an area id or name, e.g. {e}",
            e=", ".join(f"{i} ({n})" for i, n in list(zip(ids, names, strict=True))[:5]),
        ),
    )


@renamed(plan_date="today", areas="area_ids")
@staged_writer
def write_action_plans(
    project,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    area_ids: list[str] | None = None,
    year: int | None = None,
    today=None,
    quiet: bool = True,
    run=None,
) -> dict[str, Any]:
    """Draft and write action plans for some or all areas of a loaded project.

    Parameters
    ----------
    project : Project or path
        From :func:`tryggaplatser.load_project`, or the path of its ``tryggaplatser.toml``.
    out_dir : str or Path
    mode : {"internal", "public"}, optional
        ``None`` = the project's ``privacy_mode``. Public is refused (draft plans are internal).
    area_ids : list of str, optional
        Area ids or names; ``None`` = every area. (Formerly ``areas=``, which elsewhere is the
        areas layer; still accepted with a ``DeprecationWarning``.)
    year : int, optional
        Plan year; ``None`` = the year of the latest incident.
    today : date-like, optional
        The time anchor: the date of the draft; ``None`` = the real date today. (Formerly
        ``plan_date=``, still accepted with a ``DeprecationWarning``.)
    quiet : bool
    run : Run, optional
        The run whose area profiles the plans use (``None`` = a new internal run).

    Returns
    -------
    dict
        ``mode``, ``year``, ``areas`` (``{area_id: n_items}``), ``files`` (names), ``failed``
        (``{area_id: AreaFailure}``; empty unless :class:`~tryggaplatser.errors.AreasFailed`).

    Raises
    ------
    AreasFailed
        When some of several areas failed (exit code 4): the other plans are written, and
        ``exc.written`` is this summary with the failed areas under ``failed``. With one area
        its error is raised as it is.
    """
    from ...analysis.plans import PlanLayers, load_catalogue
    from ...i18n import tr
    from .._per_area import announce_failure, attempt, collecting, raise_if_failed
    from ..gate import Gate

    project = open_project(project)
    config = project.config
    gate = Gate(mode, config=config)
    from ..reports.plan_report import catalogue_sheet, refuse_public_plan

    refuse_public_plan(gate)  # before any work: a draft plan has no public form
    if run is None or run.mode != gate.mode:
        from ...analysis.run import Run

        run = Run(project, gate.mode, quiet=quiet)
    catalogue = load_catalogue(config=config)
    sheet = catalogue_sheet(catalogue, gate)  # once: every plan's workbook has the same
    layers = project.layers
    prepared = PlanLayers(  # once for every area's plan
        layers["incidents"],
        layers.get("walk_observations"),
        layers.get("walks"),
        layers.get("dialogue"),
    )
    area_layer = project.layers["areas"]
    wanted = (
        [resolve_area(area_layer, a) for a in area_ids]
        if area_ids
        else area_layer["area_id"].astype(str).tolist()
    )
    municipality = getattr(config, "name", None) or tr("Kommunen", "The municipality")
    files: list[str] = []
    counts: dict[str, int] = {}
    years: list[int] = []
    failures = []
    from ..._progress import progress

    for area_id in progress(wanted, tr("Handlingsplaner", "Action plans")):
        args = (area_id, year, project, run, catalogue, gate, out_dir, municipality, today, quiet)
        args += (prepared, sheet)
        if not collecting(wanted):
            written = _write_area_plan(*args)
        else:
            written, failure = attempt(area_id, _write_area_plan, *args)
            if failure is not None:
                announce_failure(failure)
                failures.append(failure)
                continue
        plan_year, n_items, names = written
        years.append(plan_year)
        counts[area_id] = n_items
        files += names
    used_year = years[-1] if years else year
    finish_set(gate, mode_folder(out_dir, gate))  # the folder's start page lists the plans
    summary = {"mode": gate.mode, "year": used_year, "areas": counts, "files": sorted(files)}
    summary["failed"] = {f.area_id: f for f in failures}
    raise_if_failed(failures, len(wanted), summary)
    return summary


def _write_area_plan(
    area_id,
    year,
    project,
    run,
    catalogue,
    gate,
    out_dir,
    municipality,
    today,
    quiet,
    prepared,
    sheet,
) -> tuple[int, int, list[str]]:
    """Draft and write one area's plan: ``(plan year, number of items, file names)``."""
    from ...analysis.plans import action_plan, followup_by_responsible
    from ..reports.plan_report import write_plan

    layers = project.layers
    area_layer = layers["areas"]
    plan = action_plan(
        area_id,
        year,
        areas=area_layer,
        incidents=layers["incidents"],
        walk_observations=layers.get("walk_observations"),
        walks=layers.get("walks"),
        dialogue=layers.get("dialogue"),
        catalogue=catalogue,
        today=today,
        sensitive_categories=getattr(project.config, "sensitive_categories", ()),
        profiles=run.profiles,
        places=run.place_reasons(),
        quiet=quiet,
        place_names=run.place_names,
        prepared=prepared,
    )
    followup = followup_by_responsible(
        layers.get("walk_observations"),
        layers.get("measures"),
        areas=area_layer,
        area_id=area_id,
        today=plan.attrs["plan_date"],
        quiet=True,
    )
    written = write_plan(
        plan,
        mode_folder(out_dir, gate),
        gate,
        municipality=municipality,
        followup=followup,
        catalogue=catalogue,
        catalogue_sheet=sheet,
    )
    return int(plan.attrs["year"]), len(plan), [p.name for p in written.values()]


@staged_writer
def write_evaluation(
    project,
    measure_id: str,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    radius: float = DEFAULT_TARGET_RADIUS,
    control: str | None = None,
    buffer_width: float | None = None,
    quiet: bool = True,
) -> dict[str, Any]:
    """Evaluate one measure of the measures layer and write the report.

    ``project`` is a loaded project or the path of its ``tryggaplatser.toml``.
    The target is the measure's polygon, or ``radius`` metres around its point or line, or its
    ``area_id`` when it has no geometry; the categories are its ``linked_categories`` (all when
    empty); the installation date is its ``start``. Buffer ring and control area follow the
    automatic rules of :func:`tryggaplatser.analysis.evaluation.evaluate_measure` unless given.

    Returns
    -------
    dict
        ``measure_id``, ``mode``, ``counts`` (A0…C1), ``wdq``, ``wdd``, ``wdd_se``,
        ``control``, ``buffer_width``, ``files`` and the ``evaluation`` object itself.
    """
    from ...analysis.measures import change_around, evaluate_from_layer
    from ...i18n import tr
    from ..gate import Gate
    from ..reports.plan_report import write_evaluation as render_evaluation

    project = open_project(project)
    config = project.config
    gate = Gate(mode, config=config)
    evaluation, row, categories, incidents = evaluate_from_layer(
        project.layers,
        measure_id,
        radius=radius,
        control=control,
        buffer_width=buffer_width,
        quiet=quiet,
    )
    change = change_around(evaluation, incidents, categories)
    folder = mode_folder(out_dir, gate)
    written = render_evaluation(
        evaluation,
        folder,
        gate,
        municipality=getattr(config, "name", None) or tr("Kommunen", "The municipality"),
        title=str(row.get("title") or measure_id),
        measure_id=str(measure_id),
        change_cells=change,
    )
    extra = finish_set(gate, folder)
    return {
        "measure_id": str(measure_id),
        "mode": gate.mode,
        "counts": evaluation.counts,
        "wdq": evaluation.wdq.value,
        "wdd": evaluation.wdd.value,
        "wdd_se": evaluation.wdd.se,
        "control": evaluation.control_id,
        "buffer_width": evaluation.buffer_width,
        "files": sorted([p.name for p in written.values()] + [p.name for p in extra]),
        "evaluation": evaluation,
    }
