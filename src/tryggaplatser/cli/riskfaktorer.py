"""``tryggaplatser riskfaktorer``: which features of the environment go with more incidents, and
which street stretches have the most.

Writes into ``--out``: ``riskfaktorer.html`` (+ PDF: the factors with relative risks and 95 %
intervals, the factors that add nothing, the selection by BIC, the top street stretches and how
many points could not be snapped), ``riskyta.gpkg`` + ``riskyta.tif`` (the composite
relative-risk surface on the run's grid) and ``gatustrackor.gpkg`` (counts and Gi* per street
stretch, styled for QGIS). Needs ``[[layers.context]]``; the stretches need ``[basemap] roads``.
The files are written by :func:`tryggaplatser.publish.products.write_risk_factors`.
"""

from __future__ import annotations

import click

from .options import config_option, echo_error, mode_option, out_option


@click.command("riskfaktorer")
@config_option
@mode_option
@click.option("--cell-size", type=float, default=None, help="Rutstorlek i meter (standard: välj).")
@out_option
def riskfaktorer(config_path: str, mode: str | None, cell_size: float | None, out_dir: str) -> None:
    """Riskfaktorer i miljön (riskterrängmodell) med relativ risk, och gatusträckor med flest
    händelser.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..publish.gate import mode_text
    from ..publish.products import folder_for, write_risk_factors

    ctx = click.get_current_context()
    try:
        summary = write_risk_factors(config_path, out_dir, mode, cell_size=cell_size)
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    click.echo(
        tr(
            "Riskfaktorer ({m}): {s} säkra faktorer, {z} tillför inget; {k} gatusträckor "
            "({u} händelser för långt från vägnätet). Filer i {o}: {files}",
            "Risk factors ({m}): {s} reliable factors, {z} add nothing; {k} street stretches "
            "({u} incidents too far from the road network). Files in {o}: {files}",
            m=mode_text(summary["mode"]),
            s=len(summary["significant"]),
            z=len(summary["adds_nothing"]),
            k=summary["stretches"],
            u=summary["unsnapped"],
            o=folder_for(out_dir, summary["mode"]),
            files=", ".join(summary["files"]),
        )
    )
