"""The forecast set: ``prognos.html`` and ``prognos_poang.csv`` (``tryggaplatser prognos``).

The scores and the stability checks are the run's (:meth:`tryggaplatser.Run.forecast`,
:meth:`tryggaplatser.Run.stability`); the rendering is
:mod:`tryggaplatser.publish.reports.forecast_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project


@staged_writer
def write_forecast_report(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    step: str | None = None,
    cell_size: float | None = None,
    period: Any = None,
    stability: bool = True,
    quiet: bool = True,
    run: Any = None,
) -> dict[str, Any]:
    """Score the hotspot methods and the EST focus places on the project's history and write
    the report and the CSV; the library entry point behind ``tryggaplatser prognos``.

    Parameters
    ----------
    project : Project or path
        A loaded project or the path of its ``tryggaplatser.toml``.
    out_dir : path
        The output folder (``publik/`` or ``internt/`` is added by mode).
    mode : {"public", "internal"}, optional
        ``None`` = the project's ``privacy_mode``.
    step : {"week", "month"}, optional
        Origins every week or month; ``None`` = month in public mode, week internally. Public
        mode refuses weeks.
    cell_size, period
        As in :class:`tryggaplatser.Run` (public: at least 250 m, whole months); the period
        says which test windows are scored.
    stability : bool
        Also check how much the hotspots depend on the grid and the bandwidth.

    Returns
    -------
    dict
        ``mode``, ``step``, ``n_origins``, ``cell_size``, ``summary`` (the summary table),
        ``files`` (names) and ``paths``.
    """
    from ...i18n import tr
    from ..gate import Gate
    from ..reports.forecast_report import write_forecast_report as render

    project = open_project(project)
    gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        from ...analysis.run import Run

        run = Run(project, gate.mode, cell_size=cell_size, period=period, quiet=quiet)
    result = run.forecast(step)
    checks = run.stability() if stability else None
    folder = mode_folder(out_dir, gate)
    municipality = getattr(project.config, "name", None) or tr("Kommunen", "The municipality")
    from ...analysis.periods import period_label

    paths = render(
        result,
        checks,
        folder,
        gate,
        municipality=municipality,
        period=period_label(*run.period),  # months (public: the finest time unit)
    )
    paths += finish_set(gate, folder)  # disclosure report (public) and the start page
    return {
        "mode": gate.mode,
        "step": result.step,
        "n_origins": result.n_origins,
        "cell_size": result.cell_size,
        "summary": result.summary,
        "files": sorted(p.name for p in paths),
        "paths": paths,
    }
