"""``tryggaplatser hotspots``: grid, KDE and Gi* (and optionally classification over time).

Every file goes through the publishing gate (:class:`tryggaplatser.publish.gate.Gate`) in the
mode given by ``--mode`` (default: the project's ``privacy_mode``) and is written directly into
``--out`` (e.g. ``outputs/publik/hotspots`` or ``outputs/internt/hotspots``):

``--mode internal``
    ``hotspots.gpkg`` (layers ``gistar``, ``kde`` and, with ``--classify``, ``klassning``, each
    with its QGIS style), ``kde.tif``, ``gistar.tif`` and ``gi_bin.tif`` (Cloud-Optimised
    GeoTIFFs) and ``hotspots.json`` (the parameters used, every automatic choice with its rule,
    the number of significant cells). Every file carries the marking "INTERNT – ej för
    spridning" (GeoPackage metadata, GeoTIFF tags, JSON field).
``--mode public``
    The grid is at least 250 m (an automatic cell size below that is replaced by 250 m, and
    said so; a smaller ``--cell-size`` is refused). ``hotspots.gpkg`` with counts 1–4 shown as
    "<5" (with complementary suppression, since the total is published), KDE as classes 1–5
    blanked where fewer than 5 events support it, no z-scores or p-values, the ``klassning``
    layer without counts (they cover fewer periods than ``n`` of the other layers, and the
    difference could be a small count); ``gi_bin.tif`` and
    ``kde_class.tif`` only (``gistar.tif`` and ``kde.tif`` hold values the public set may not
    show); ``hotspots.json`` without bandwidth or other parameters that would help undo the
    protection; and the disclosure report ``offentliggorande.html``/``.json``. Sensitive
    categories (``sensitive_categories`` in the configuration) are left out; asking for one
    with ``--category`` is refused.

The files are written by :func:`tryggaplatser.publish.products.write_hotspot_layers`; heavy
libraries are imported inside the command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import click

from .options import config_option, echo_error, mode_option, out_option


@click.command("hotspots")
@config_option
@click.option(
    "--incidents",
    "incidents_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Läs händelser direkt från en fil (t.ex. GeoPackage i EPSG:3006) i stället "
    "för projektets lager.",
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Kategorikod att ta med (kan upprepas). Standard: alla.",
)
@click.option(
    "--from",
    "date_from",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Första dag (ÅÅÅÅ-MM-DD, lokal tid).",
)
@click.option(
    "--to",
    "date_to",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Sista dag, inklusive (ÅÅÅÅ-MM-DD, lokal tid).",
)
@click.option(
    "--cell-size", type=float, default=None, help="Cellstorlek i meter (standard: automatisk)."
)
@click.option(
    "--bandwidth", type=float, default=None, help="KDE-bandbredd i meter (standard: automatisk)."
)
@click.option(
    "--shape",
    type=click.Choice(["square", "hexagon"]),
    default="square",
    show_default=True,
    help="Cellform: kvadrater (SCB:s rutnät) eller sexhörningar med samma area. "
    "Sexhörningar ger bara GeoPackage, inga GeoTIFF-raster.",
)
@click.option("--classify", is_flag=True, help="Klassa celler över tid (ny, bestående …).")
@mode_option
@out_option
def hotspots(
    config_path,
    incidents_path,
    categories,
    date_from,
    date_to,
    cell_size,
    bandwidth,
    shape,
    classify,
    mode,
    out_dir,
) -> None:
    """Hotspotanalys: rutnät, kerneltäthet (KDE) och Getis-Ord Gi* med FDR-korrektion.

    Allt går genom publiceringsgrinden i läget --mode och skrivs direkt i --out. Internt:
    hotspots.gpkg (med QGIS-stilar), kde.tif, gistar.tif, gi_bin.tif och hotspots.json, märkta
    "INTERNT – ej för spridning". Publikt: rutor om minst 250 m, antal 1–4 som "<5", KDE i
    klasser, gi_bin.tif och kde_class.tif, hotspots.json utan bandbredd, och
    röjandekontrollrapporten offentliggorande.html.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr
    from ..publish.products import write_hotspot_layers

    ctx = click.get_current_context()
    try:
        summary = write_hotspot_layers(
            config_path=config_path,
            incidents_path=incidents_path,
            categories=categories,
            date_from=date_from,
            date_to=date_to,
            cell_size=cell_size,
            bandwidth=bandwidth,
            shape=shape,
            classify=classify,
            mode=mode,
            out_dir=out_dir,
        )
    except TryggaplatserError as exc:
        echo_error(exc)
        ctx.exit(exc.exit_code)
    sig = summary["significant_cells"]
    click.echo(
        tr(
            "{n} händelser, {c} celler à {s} m: {h} signifikanta hotspots och {k} kalla "
            "punkter (95 %, FDR). Utdata i {out}.",
            "{n} incidents, {c} cells of {s} m: {h} significant hot spots and {k} cold "
            "spots (95 %, FDR). Output in {out}.",
            n=summary["n_incidents"],
            c=summary["n_cells"],
            s=f"{summary['cell_size_m']:g}",
            h=sig["hot_95"],
            k=sig["cold_95"],
            out=out_dir,
        )
    )
