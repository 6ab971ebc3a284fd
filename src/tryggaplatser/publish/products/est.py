"""The EST set of a week: the internal weekly brief or the public monthly overview.

What ``tryggaplatser est`` writes into ``<out>/internt`` (internal mode): ``est_<week>.html``
(printable A4 brief), ``est_<week>.gpkg`` (layers for QGIS: recurring places, focus places,
near-repeat alert cells, hotspot classes) and ``est_<week>_<table>.csv``; in public mode, into
``<out>/publik``, the monthly overview ``est_<month>_publik.html`` with its CSV tables and
disclosure report (a weekly brief is never public: see
:mod:`tryggaplatser.publish.reports.est_brief`).
"""

from __future__ import annotations

from ...policy import LOCAL_TZ
from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project


@staged_writer
def write_est_brief_set(
    *,
    config_path: str,
    week: str | None = None,
    mode: str = "internal",
    seed: int | None = None,
    out_dir: str = "outputs",
    today=None,
    project=None,
    run=None,
) -> dict:
    """Write the EST set of ``tryggaplatser est`` (also used by ``tryggaplatser demo``); return a
    summary.

    ``project`` is an already loaded project (``config_path`` is then not read again).

    Parameters
    ----------
    config_path : str
        The project's ``tryggaplatser.toml``.
    week : str, optional
        ISO week; ``None`` = the last complete week of the data (announced).
    mode : {"internal", "public"}
    seed : int, optional
        Near-repeat seed; default the project's ``seed`` (or the toolkit's fixed default).
    out_dir : str
        Output folder.
    today : date-like, optional
        Reference date for the default week (tests).
    run : Run, optional
        The project's run in this mode (its grid and classification are used); ``None`` = a
        new run of the project.

    Returns
    -------
    dict
        ``week``, ``month`` (public mode), ``mode``, ``n_incidents``, ``n_unusual``,
        ``n_focus``, ``files``.
    """
    from ...i18n import tr
    from ..gate import Gate
    from ..reports.est_brief import est_brief, write_est_brief

    if week is not None:  # a bad week is refused before the (slow) loading
        from ...analysis.est import iso_week_bounds

        iso_week_bounds(week, quiet=True)
    project = open_project(config_path if project is None else project)
    config = project.config
    if seed is None:
        seed = getattr(config, "seed", 0) or None
    gate = Gate(mode, config=config)
    measures = project.layers.get("measures")
    max_alerts = getattr(config, "est_max_alerts", None)
    if run is None or run.mode != gate.mode:
        from ...analysis.run import Run

        run = Run(project, gate.mode, quiet=True)
    brief = est_brief(
        project.incidents,
        project.areas,
        measures,
        week,
        mode=gate.mode,
        seed=seed,
        today=today,
        run=run,
        **({} if max_alerts is None else {"max_alerts": max_alerts}),
    )
    if gate.public:  # the folder's one disclosure plan, with this overview's month
        from .areas import plan_public_set

        plan_public_set(gate, run, est_month=brief.month, count=())
    municipality = getattr(config, "name", None) or tr("Kommunen", "The municipality")
    folder = mode_folder(out_dir, gate)
    files = write_est_brief(brief, folder, gate, municipality=municipality)
    # the folder's start page lists the brief (a public overview closed its gate already)
    finish_set(gate, folder, disclosure=not gate.public)
    return {
        "week": brief.week,
        "month": brief.month,
        "mode": mode,
        "n_incidents": brief.n_incidents,
        "n_unusual": int(brief.weekly["unusual"].sum()),
        "n_focus": len(brief.focus),
        "files": sorted(p.name for p in files.values()),
        "data_end": data_end(project.incidents),
    }


def data_end(incidents) -> str | None:
    """The local date of the latest incident (for the empty-week warning), or None."""
    try:
        t = incidents["occurred_at"].max()
        return t.tz_convert(LOCAL_TZ).date().isoformat()
    except (KeyError, AttributeError, TypeError, ValueError):
        return None
