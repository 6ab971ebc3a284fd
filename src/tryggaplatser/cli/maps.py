"""``tryggaplatser map``: neighbourhood maps and the EST hot-spot map as self-contained HTML.

Writes into ``--out``/``publik`` or ``--out``/``internt`` (by mode): ``karta_omrade_<slug>.html``
for each chosen area and ``karta_hotspots_<week>.html`` for the EST map, optionally with PNG
figures of the same maps (``--png``). Every file passes the publishing gate. Heavy libraries
are imported inside the command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import click

from .options import config_option, echo_error, mode_option, out_option


@click.command("map")
@config_option
@click.option("--area", "area", default=None, help="Område (namn eller id) att kartlägga.")
@click.option("--all", "all_areas", is_flag=True, help="En områdeskarta för varje område.")
@click.option("--hotspots", "hotspots", is_flag=True, help="EST-hotspotkartan för en vecka.")
@click.option(
    "--week",
    default=None,
    help="ISO-vecka för --hotspots, t.ex. 2026-W47 (standard: sista veckan med händelser).",
)
@mode_option
@click.option(
    "--tiles",
    default="none",
    show_default=True,
    help="Bakgrund: none, osm eller en https-adress med {z}/{x}/{y}.",
)
@click.option(
    "--indicator",
    default=None,
    help="Enkätindikator för koropleten (standard: den första i projektet).",
)
@click.option("--png", is_flag=True, help="Skriv även statiska PNG-kartor.")
@out_option
def map_command(
    config_path: str,
    area: str | None,
    all_areas: bool,
    hotspots: bool,
    week: str | None,
    mode: str | None,
    tiles: str,
    indicator: str | None,
    png: bool,
    out_dir: str,
) -> None:
    """Kartor: områdeskartor (--area NAMN eller --all) och EST-hotspotkartan (--hotspots).

    HTML-filerna är fristående och fungerar utan internet; bakgrundskarta är valfri.
    """
    from ..errors import AreasFailed, TryggaplatserError
    from ..i18n import tr
    from ..publish.products import write_maps

    ctx = click.get_current_context()
    try:
        paths = write_maps(
            config_path=config_path,
            area=area,
            all_areas=all_areas,
            hotspots=hotspots,
            week=week,
            mode=mode,
            tiles=tiles,
            indicator=indicator,
            png=png,
            out_dir=out_dir,
        )
    except AreasFailed as exc:  # the other areas' maps are written
        for path in exc.written or []:
            click.echo(str(path))
        listed = ", ".join(f"{f.area_id} [{f.rule}]" for f in exc.failures)
        click.echo(tr("Ej skrivna: {l}.", "Not written: {l}.", l=listed))
        echo_error(exc)
        ctx.exit(exc.exit_code)
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    for path in paths:
        click.echo(str(path))
