"""``tryggaplatser prognos``: does the map predict? Forecast scores and hotspot stability.

Writes into ``--out``: ``prognos.html`` (hit rate, PAI, PEI and RRI of the EST focus places,
persistent hotspots, Gi*, KDE, last period's counts and random places at every origin, with
bootstrap intervals and a curve of hit rate against area share; and how much the hotspots
depend on the grid) and ``prognos_poang.csv`` (the scores per origin and method). Public mode:
monthly origins, cells of at least 250 m, rows on 1–4 events withheld, and the disclosure report.
The files are written by :func:`tryggaplatser.publish.products.write_forecast_report`.
"""

from __future__ import annotations

import click

from .options import config_option, echo_error, mode_option, out_option


@click.command("prognos")
@config_option
@mode_option
@click.option(
    "--step",
    type=click.Choice(["week", "month"]),
    default=None,
    help="Utgångspunkt varje vecka eller månad (standard: vecka internt, månad publikt).",
)
@click.option("--cell-size", type=float, default=None, help="Rutstorlek i meter (standard: välj).")
@click.option(
    "--no-stability", is_flag=True, help="Hoppa över kontrollen av hur kartan beror på rutnätet."
)
@out_option
def prognos(
    config_path: str,
    mode: str | None,
    step: str | None,
    cell_size: float | None,
    no_stability: bool,
    out_dir: str,
) -> None:
    """Förutsäger kartan? Träffandel, PAI, PEI och RRI för fokusplatser och hotspots över
    tid, jämfört med slumpade platser, och hur mycket hotspots beror på rutnätet.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..publish.gate import mode_text
    from ..publish.products import folder_for, write_forecast_report

    ctx = click.get_current_context()
    try:
        summary = write_forecast_report(
            config_path,
            out_dir,
            mode,
            step=step,
            cell_size=cell_size,
            stability=not no_stability,
        )
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    click.echo(
        tr(
            "Prognosuppföljning ({m}): {n} utgångspunkter (varje {s}), rutor à {c:g} m. Filer i "
            "{o}: {files}",
            "Forecast accountability ({m}): {n} origins (every {s}), {c:g} m cells. Files in "
            "{o}: {files}",
            m=mode_text(summary["mode"]),
            n=summary["n_origins"],
            s=tr("vecka", "week") if summary["step"] == "week" else tr("månad", "month"),
            c=summary["cell_size"],
            o=folder_for(out_dir, summary["mode"]),
            files=", ".join(summary["files"]),
        )
    )
