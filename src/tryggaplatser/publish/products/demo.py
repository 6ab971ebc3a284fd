"""The whole pipeline on the bundled demo municipality: every product set in both modes.

What ``tryggaplatser demo`` does: a public set into ``<out>/publik/`` and an internal set into
``<out>/internt/``, the public set audited at the end. Each step is one of the product writers
of :mod:`tryggaplatser.publish.products`, rendering one :class:`~tryggaplatser.Run` per mode.
"""

from __future__ import annotations


def run_demo(out_dir: str = "outputs", *, audit: bool = True, verbose: bool = False) -> dict:
    """Run every step on the demo municipality; return a summary with a readable ``text``.

    The steps, in order: load and validate the layers (quarantine into the internal set), hotspot
    layers and rasters, maps, area reports and the lägesbild, the EST brief for the last complete
    week of the data, draft action plans, the evaluation of the planted lighting measure, the
    risk factors and street stretches (``riskfaktorer``), and a final audit of the public set.
    Every automatic choice is recorded in the outputs; with
    ``verbose`` it is also announced as it is made. On a terminal a step counter shows progress.
    The demo pretends to run on the Monday after its data ends, so the same data give identical
    outputs whatever the date. Both sets are written into staging folders that replace the
    previous ``publik``/``internt`` only once everything is written and sealed
    (:mod:`..staging`): a corrupt layer or an interrupted demo leaves the previous outputs as
    they were.
    """
    import json
    import logging
    import time
    from pathlib import Path

    import pandas as pd

    from ..._announce import logger
    from ..._clock import fixed_today
    from ..._progress import interactive
    from ...datasets import demo_config_path, demo_truth_path
    from ...i18n import tr
    from ..staging import staged

    out = Path(out_dir)
    public, internal = out / "publik", out / "internt"
    truth = json.loads(Path(demo_truth_path()).read_text(encoding="utf-8"))
    data_end = pd.Timestamp(truth["period"]["end"])
    steps: list[tuple[str, float]] = []
    show = interactive()
    n_steps = 3 if audit else 2

    def step(label: str) -> None:
        steps.append((label, time.perf_counter()))
        if show:
            import click

            click.echo(f"[{len(steps)}/{n_steps}] {label} …", err=True)

    level = logger.level
    if not verbose and logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.WARNING)  # choices are in every output; the run stays readable
    started = time.perf_counter()
    try:
        with fixed_today((data_end + pd.Timedelta(days=1)).date()):
            # the sets are written into staging folders and replace the previous ones only
            # when both are finished: a corrupt layer or an interrupted run leaves them as
            # they were (a re-run replaces the previous sets completely: fresh)
            with staged(out, fresh=True) as run:
                run.folder("internal"), run.folder("public")  # before the forked jobs
                project, seconds = demo_pipeline(demo_config_path(), out, truth, step)
            findings = []
            if audit:
                from ..audit import scan_dir

                step(tr("Granskar den publika mängden", "Auditing the public set"))
                findings = list(scan_dir(public, mode="public"))
    finally:
        logger.setLevel(level)
    total = time.perf_counter() - started

    lines = _summary_lines(project, public, internal, findings if audit else None, total)
    if level <= logging.INFO:
        ends = [t for _, t in steps[1:]] + [started + total]
        lines += [f"    {t1 - t0:6.1f} s  {label}" for (label, t0), t1 in zip(steps, ends)]
        lines += [
            tr("      {s:6.1f} s  {m} mängd", "      {s:6.1f} s  {m} set", s=s, m=mode_text)
            for mode_text, s in (
                (tr("intern", "internal"), seconds.get("internal", 0.0)),
                (tr("publik", "public"), seconds.get("public", 0.0)),
            )
        ]
    return {
        "text": "\n".join(lines),
        "findings": findings,
        "public": public,
        "internal": internal,
        "seconds": total,
    }


def _summary_lines(project, public, internal, findings, total: float) -> list[str]:
    """What the demo prints: the two folders with their file counts, the audit and the time."""
    from ...i18n import tr

    n_public = sum(1 for p in public.rglob("*") if p.is_file())
    n_internal = sum(1 for p in internal.rglob("*") if p.is_file())
    lines = [
        tr(
            "Demokommunen: {n} (syntetiska data)",
            "Demo municipality: {n} (synthetic data)",
            n=project.config.name,
        ),
        tr("  publik:  {p} ({k} filer)", "  public:   {p} ({k} files)", p=public, k=n_public),
        tr("  internt: {p} ({k} filer)", "  internal: {p} ({k} files)", p=internal, k=n_internal),
    ]
    if findings is not None:
        lines.append(
            tr(
                "  granskning av den publika mängden: {r}",
                "  audit of the public set: {r}",
                r=tr("inga fynd", "no findings")
                if not findings
                else tr("{n} fynd", "{n} findings", n=len(findings)),
            )
        )
        lines += [f"    {f}" for f in findings[:20]]
    lines.append(tr("  klart på {s:.0f} s", "  done in {s:.0f} s", s=total))
    return lines


def demo_pipeline(config_path, out, truth: dict, step):
    """The demo's steps: load once, then write the internal and the public set.

    The two sets share nothing but the loaded project, so on a machine with more than one core
    they are written at the same time in forked processes (the project is not copied): the
    public set, the draft plans and the internal set (:func:`_run_jobs`). Each set renders its
    own :class:`~tryggaplatser.Run` and prints its own PDFs when written, while the other set is
    still being written. Returns the project and the seconds each set took.
    """
    import json
    from pathlib import Path

    from ...i18n import tr
    from ...layers.load import load_project
    from ..gate import INTERNAL_MARKING, Gate
    from ._common import mode_folder

    internal = Gate("internal", quiet=True)
    step(tr("Läser och validerar lagren", "Reading and validating the layers"))
    folder = mode_folder(out, internal)
    project = load_project(config_path, quarantine_dir=folder / "karantan", quiet=True)
    reports = [r.to_dict() for r in project.reports]
    for r in reports:  # file names only: absolute paths never leave the machine
        r["file"] = Path(str(r["file"])).name
        if r.get("quarantine_file"):
            r["quarantine_file"] = Path(str(r["quarantine_file"])).name
    record = {"marking": INTERNAL_MARKING, "files": reports}
    path = folder / "validering.json"
    path.write_text(
        json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    internal.seal(path, kind="validation_report")

    step(
        tr(
            "Hotspots, kartor, områdesanalyser, lägesbild, EST-veckobrev, handlingsplaner och "
            "utvärdering (internt och publikt)",
            "Hot spots, maps, area analyses, lägesbild, EST brief, action plans and evaluation "
            "(internal and public)",
        )
    )
    # three jobs (_run_jobs): the public set, the draft plans and the internal set. The gate's
    # manifest is locked, so two jobs may seal into one folder; the plans are short, so the
    # internal set, which prints the internal folder's PDFs, finds the plans' reports written.
    _import_renderers()
    public_job = (_write_set, ("public", config_path, out, truth))
    internal_jobs = [
        (_write_plans, (config_path, out, truth)),
        (_write_set, ("internal", config_path, out, truth)),
    ]
    seconds: dict[str, float] = {}
    for part, took in _run_jobs(project, public_job, internal_jobs):
        seconds[part] = seconds.get(part, 0.0) + took
    _print_leftovers(out)
    return project, seconds


def _run_jobs(project, public_job: tuple, internal_jobs: list[tuple]) -> list:
    """The results of the public set's job and the internal set's jobs.

    On a machine with more than one core each job has its own forked process (three on two
    cores: the operating system shares the cores, so the job that lasts longest gets a core to
    itself when the others end). The public set starts first; the internal run's shared
    results are computed meanwhile and inherited by the internal jobs."""
    from .._parallel import Forked, processes

    if processes(1 + len(internal_jobs)) < 2:
        public = [_job((project, {}), *public_job)]
        inner = _internal_state(project)
        return public + [_job(inner, *job) for job in internal_jobs]
    started = Forked(_job, [public_job], (project, {}), 1)
    try:
        internal = Forked(_job, internal_jobs, _internal_state(project), len(internal_jobs))
        return internal.results() + started.results()
    except BaseException:
        started.stop()  # an error or an interruption of the internal jobs ends the public one
        raise


def _internal_state(project) -> tuple:
    """The internal jobs' state: the project and the internal run with its street stretches
    and risk terrain (which the draft plans and the internal set both use) computed."""
    from ...analysis.run import Run

    run = Run(project, "internal", quiet=True)
    run.place_reasons()
    return (project, {"internal": run})


def _import_renderers() -> None:
    """Import the rendering libraries and the project's own modules once, before the jobs fork:
    each forked job inherits them instead of importing them again (about a second of CPU per
    job on the demo machine)."""
    import importlib
    import pkgutil

    from ... import analysis, publish

    for name in (
        "matplotlib.figure",
        "matplotlib.backends.backend_agg",
        "folium",
        "mapclassify",
        "rasterio",
        "openpyxl",
        "jinja2",
    ):
        importlib.import_module(name)
    for package in (analysis, publish):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)


def _print_leftovers(out) -> None:
    """The PDFs no job printed (a draft plan sealed after the internal set had printed), and
    the start pages rewritten once more from the complete manifests: the jobs wrote them side
    by side, so the last one written may have missed another job's last files."""
    from ..gate import Gate
    from ..pdf import print_reports, rewrite_start_pages
    from ._common import mode_folder

    gates = [Gate(mode, quiet=True) for mode in ("internal", "public")]
    folders = {mode_folder(out, gate): gate for gate in gates}
    print_reports(folders)
    rewrite_start_pages(folders)


def _job(state, func, args):
    project, runs = state
    return func(project, *args, runs=runs)


def _write_set(
    project, mode: str, config_path, out, truth: dict, runs: dict | None = None
) -> tuple[str, float]:
    """Every product of one mode into ``<out>/internt`` or ``<out>/publik``, from one run
    (``runs[mode]`` when given, else a new one)."""
    import time

    import pandas as pd

    from ...analysis.run import Run
    from ..gate import Gate
    from ..pdf import print_reports
    from ._common import finish_set, mode_folder
    from .areas import lagesbild_period, plan_area_products, write_area_reports, write_lagesbild
    from .est import write_est_brief_set
    from .hotspots import write_hotspot_layers
    from .maps import write_maps
    from .plans import write_evaluation

    started = time.perf_counter()
    data_end = pd.Timestamp(truth["period"]["end"])
    # every statistic of the set is computed once, in its run
    run = (runs or {}).get(mode)
    run = Run(project, mode, quiet=True) if run is None else run
    common = {"config_path": str(config_path), "mode": mode, "out_dir": str(out)}
    write_hotspot_layers(**common, classify=True, project=project, quiet=True, run=run)
    for hotspots in (False, True):
        write_maps(
            **common,
            all_areas=not hotspots,
            hotspots=hotspots,
            png=not hotspots,
            quiet=True,
            project=project,
            run=run,
        )
    gate = Gate(mode, config=project.config, quiet=True)
    # one disclosure plan for the area reports and the lägesbild of this folder
    _, start, end = lagesbild_period(project, int(data_end.year), public=gate.public)
    plan_area_products(gate, run, [None], lagesbild=(start, end))
    write_area_reports(project, out, mode, gate=gate, run=run)
    write_lagesbild(project, out, mode, year=int(data_end.year), tables=False, gate=gate, run=run)
    finish_set(gate, mode_folder(out, gate))
    write_est_brief_set(**common, project=project, today=data_end + pd.Timedelta(days=1), run=run)
    write_evaluation(project, truth["lighting_measure"]["measure_id"], out, mode)
    if run.context is not None:
        from .risk import write_risk_factors

        write_risk_factors(project, out, mode, run=run)
    # the set's PDFs in this job, while the other job still writes: one browser per set
    print_reports([mode_folder(out, gate)])
    return mode, time.perf_counter() - started


def _write_plans(
    project, config_path, out, truth: dict, runs: dict | None = None
) -> tuple[str, float]:
    """The draft action plans of every area (internal working documents) into the internal
    set, from the internal run (``runs["internal"]`` when given, else a new one)."""
    import time

    import pandas as pd

    from ...analysis.run import Run
    from .plans import write_action_plans

    started = time.perf_counter()
    data_end = pd.Timestamp(truth["period"]["end"])
    run = (runs or {}).get("internal")
    run = Run(project, "internal", quiet=True) if run is None else run
    write_action_plans(project, out, "internal", today=data_end, run=run)
    return "internal", time.perf_counter() - started
