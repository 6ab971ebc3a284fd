"""``tryggaplatser est``: the weekly EST brief (veckolägesbild).

Writes into ``--out`` (internal mode, the default): ``est_<week>.html`` (printable A4 brief),
``est_<week>.gpkg`` (layers for QGIS: recurring places, focus places, near-repeat alert cells,
hotspot classes) and ``est_<week>_<table>.csv``. Public mode writes the public monthly overview
``est_<month>_publik.html`` with its CSV tables and disclosure report (a weekly brief is never
public: see :mod:`tryggaplatser.publish.reports.est_brief`). The files are written by
:func:`tryggaplatser.publish.products.write_est_brief_set`; heavy libraries are imported inside
the command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import click

from .options import ModeChoice, config_option, echo_error, out_option


@click.command("est")
@config_option
@click.option(
    "--week",
    default=None,
    metavar="ÅÅÅÅ-Wvv",
    help="ISO-vecka, t.ex. 2026-W47 (standard: senaste hela vecka i data).",
)
@click.option(
    "--mode",
    type=ModeChoice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="internal: veckobrevet för EST-mötet (INTERNT). public: publik "
    "månadsöversikt som klarar publiceringsgrinden.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Slumpfrö för near-repeat-testet (standard: projektets frö).",
)
@out_option
def est(config_path: str, week: str | None, mode: str, seed: int | None, out_dir: str) -> None:
    """EST-veckobrev: veckans rapporter mot normalläget, återkommande platser, nya hotspots,
    near-repeat-larm, fokusplatser nästa vecka, åtgärdsuppföljning och datakvalitet.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..publish.products import folder_for, write_est_brief_set

    ctx = click.get_current_context()
    try:
        summary = write_est_brief_set(
            config_path=config_path, week=week, mode=mode, seed=seed, out_dir=out_dir
        )
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    if not summary["n_incidents"]:
        click.echo(
            tr(
                "varning: inga rapporter vecka {w} (senaste händelsen i data: {d}) — kontrollera "
                "--week",
                "warning: no reports in week {w} (latest incident in the data: {d}) — check --week",
                w=summary["week"],
                d=summary.get("data_end") or "?",
            ),
            err=True,
        )
    if summary["mode"] == "public":
        click.echo(
            tr(
                "Publik månadsöversikt {m} (underlag vecka {w}). Filer i {o}: {files}",
                "Public monthly overview {m} (brief week {w}). Files in {o}: {files}",
                m=summary["month"],
                w=summary["week"],
                o=folder_for(out_dir, summary["mode"]),
                files=", ".join(summary["files"]),
            )
        )
        return
    click.echo(
        tr(
            "EST-veckobrev {w} ({m}): {n} rapporter, {u} ovanliga ökningar, {f} "
            "fokusplatser. Filer i {o}: {files}",
            "EST brief {w} ({m}): {n} reports, {u} unusual increases, {f} focus places. "
            "Files in {o}: {files}",
            w=summary["week"],
            m=tr("publik", "public") if summary["mode"] == "public" else tr("intern", "internal"),
            n=summary["n_incidents"],
            u=summary["n_unusual"],
            f=summary["n_focus"],
            o=folder_for(out_dir, summary["mode"]),
            files=", ".join(summary["files"]),
        )
    )
