"""``tryggaplatser demo``: the whole pipeline on the bundled demo municipality.

Writes a public set into ``<out>/publik/`` and an internal set into ``<out>/internt/``; the public
set is audited at the end and the command fails if the audit finds anything.
"""

from __future__ import annotations

import click

from .options import out_option


@click.command("demo")
@out_option
@click.option("--skip-audit", is_flag=True, hidden=True, help="Hoppa över slutgranskningen.")
def demo(out_dir: str, skip_audit: bool) -> None:
    """Kör hela kedjan på den fiktiva demokommunen och skriv utdata i --out."""
    summary = run_demo(out_dir, audit=not skip_audit)
    click.echo(summary["text"])
    if summary["findings"]:
        raise SystemExit(1)


def run_demo(out_dir: str = "outputs", *, audit: bool = True) -> dict:
    """Run every step on the demo municipality; return a summary with a readable ``text``.

    The steps, in order: load and validate the layers (quarantine into the internal set), hotspot
    layers and rasters, maps, area reports and the lägesbild, the EST brief for the last complete
    week of the data, draft action plans, the evaluation of the planted lighting measure, and a
    final audit of the public set.
    """
    import json
    import logging
    import shutil
    import time
    from pathlib import Path

    import pandas as pd

    from .._announce import logger
    from ..datasets import demo_config_path, demo_truth_path
    from ..i18n import tr
    from ..layers.load import load_project

    out = Path(out_dir)
    public, internal = out / "publik", out / "internt"
    for folder in (public, internal):  # a re-run replaces the previous sets completely
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)

    config_path = demo_config_path()
    truth = json.loads(Path(demo_truth_path()).read_text(encoding="utf-8"))
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()

    def step(label: str):
        logger.info(tr("▸ {s}", "▸ {s}", s=label))
        steps.append((label, time.perf_counter()))

    step(tr("Läser och validerar lagren", "Reading and validating the layers"))
    project = load_project(config_path, quarantine_dir=internal / "karantan", quiet=True)
    reports = [r.to_dict() for r in project.reports]
    for r in reports:  # file names only: absolute paths never leave the machine's own logs
        r["file"] = Path(str(r["file"])).name
        if r.get("quarantine_file"):
            r["quarantine_file"] = Path(str(r["quarantine_file"])).name
    (internal / "validering.json").write_text(
        json.dumps(reports, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    data_end = pd.Timestamp(truth["period"]["end"])

    from .hotspots import run_hotspots

    step(tr("Hotspotanalys (rutnät, KDE, Gi*, klassning)", "Hot-spot analysis"))
    for mode, folder in (("internal", internal), ("public", public)):
        run_hotspots(config_path=str(config_path), classify=True, mode=mode,
                     out_dir=str(folder / "hotspots"), project=project)

    from .maps import run_maps

    step(tr("Kartor per område och EST-hotspotkarta", "Area maps and the EST hot-spot map"))
    for mode in ("internal", "public"):
        run_maps(config_path=str(config_path), all_areas=True, mode=mode, out_dir=str(out),
                 png=True, quiet=True, project=project)
        run_maps(config_path=str(config_path), hotspots=True, mode=mode, out_dir=str(out),
                 quiet=True, project=project)

    from ..publish.gate import Gate
    from .area import run_area_reports, run_lagesbild

    step(tr("Områdesanalyser och lägesbild", "Area analyses and the lägesbild"))
    for mode, folder in (("internal", internal), ("public", public)):
        gate = Gate(mode, config=project.config, quiet=True)
        run_area_reports(project, folder, mode, gate=gate)
        run_lagesbild(project, folder, mode, year=int(data_end.year), tables=False, gate=gate)
        gate.finish(folder)

    from .est import run_est

    step(tr("EST-veckobrev", "EST weekly brief"))
    for mode, folder in (("internal", internal), ("public", public)):
        run_est(config_path=str(config_path), mode=mode, out_dir=str(folder), project=project,
                today=data_end + pd.Timedelta(days=1))

    from .plan import run_evaluation, run_plans

    step(tr("Handlingsplaner (utkast) och utvärdering", "Draft action plans and evaluation"))
    run_plans(project, internal, "internal", plan_date=data_end)
    measure_id = truth["lighting_measure"]["measure_id"]
    for mode, folder in (("internal", internal), ("public", public)):
        run_evaluation(project, measure_id, folder, mode)

    findings = []
    if audit:
        from ..publish.audit import scan_dir

        step(tr("Granskar den publika mängden", "Auditing the public set"))
        findings = list(scan_dir(public, mode="public"))

    total = time.perf_counter() - started
    n_public = sum(1 for p in public.rglob("*") if p.is_file())
    n_internal = sum(1 for p in internal.rglob("*") if p.is_file())
    lines = [
        tr("Demokommunen: {n} (syntetiska data)", "Demo municipality: {n} (synthetic data)",
           n=project.config.name),
        tr("  publik:  {p} ({k} filer)", "  public:   {p} ({k} files)", p=public, k=n_public),
        tr("  internt: {p} ({k} filer)", "  internal: {p} ({k} files)", p=internal, k=n_internal),
    ]
    if audit:
        lines.append(
            tr("  granskning av den publika mängden: {r}", "  audit of the public set: {r}",
               r=tr("inga fynd", "no findings") if not findings
               else tr("{n} fynd", "{n} findings", n=len(findings))))
        for f in findings[:20]:
            lines.append(f"    {f}")
    lines.append(tr("  klart på {s:.0f} s", "  done in {s:.0f} s", s=total))
    if logger.isEnabledFor(logging.INFO):
        ends = [t for _, t in steps[1:]] + [started + total]
        for (label, t0), t1 in zip(steps, ends):
            lines.append(f"    {t1 - t0:6.1f} s  {label}")
    return {"text": "\n".join(lines), "findings": findings, "public": public,
            "internal": internal, "seconds": total}
