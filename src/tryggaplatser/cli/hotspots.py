"""``tryggaplatser hotspots``: grid, KDE and Gi* (and optionally classification over time).

Writes into ``--out``: ``hotspots.gpkg`` (layers ``gistar``, ``kde`` and, with ``--classify``,
``klassning``, each with its QGIS style stored in the file), ``kde.tif``, ``gistar.tif`` and
``gi_bin.tif`` (Cloud-Optimised GeoTIFFs) and ``hotspots.json`` (the parameters used, every
automatic choice with its rule, and the number of significant cells). Heavy libraries are imported
inside the command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import click

from .options import config_option, out_option


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
@click.option("--classify", is_flag=True, help="Klassa celler över tid (ny, bestående …).")
@out_option
def hotspots(
    config_path,
    incidents_path,
    categories,
    date_from,
    date_to,
    cell_size,
    bandwidth,
    classify,
    out_dir,
) -> None:
    """Hotspotanalys: rutnät, kerneltäthet (KDE) och Getis-Ord Gi* med FDR-korrektion.

    Skriver hotspots.gpkg (med QGIS-stilar), kde.tif, gistar.tif, gi_bin.tif och hotspots.json
    i --out.
    """
    from ..errors import TryggaplatserError
    from ..i18n import tr

    ctx = click.get_current_context()
    try:
        summary = run_hotspots(
            config_path=config_path,
            incidents_path=incidents_path,
            categories=categories,
            date_from=date_from,
            date_to=date_to,
            cell_size=cell_size,
            bandwidth=bandwidth,
            classify=classify,
            out_dir=out_dir,
        )
    except TryggaplatserError as exc:
        click.echo(f"{tr('fel', 'error')}: {exc}", err=True)
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


def _load_incidents(config_path: str, incidents_path: str | None):
    """Incidents and the study area (or ``None``)."""
    from pathlib import Path

    import geopandas as gpd

    from ..errors import ConfigError, FileProblem
    from ..i18n import tr

    if incidents_path is not None:
        path = Path(incidents_path)
        if not path.exists():
            raise FileProblem(
                tr("Filen finns inte.", "The file does not exist."),
                file=path.name,
                rule="FILE_MISSING",
            )
        data = gpd.read_file(path, engine="pyogrio")
        if "occurred_at" in data.columns:
            import pandas as pd

            data["occurred_at"] = pd.to_datetime(data["occurred_at"], utc=True)
        return data, None, path.name
    path = Path(config_path)
    if not path.exists():
        raise ConfigError(
            tr("Konfigurationsfilen finns inte.", "The configuration file does not exist."),
            file=path.name,
            rule="CONFIG_MISSING",
            fix=tr("ange --config eller --incidents", "give --config or --incidents"),
        )
    import pandas as pd

    from ..layers.config import load_config
    from ..layers.load import empty_layer, load_layer

    config = load_config(path)
    # only the incident files: the other layers are not needed here (as load_project does it)
    parts = [
        load_layer(spec, crs=None, config=config, quiet=True).data
        for spec in config.sources_for("incidents")
    ]
    if not parts:
        incidents = empty_layer("incidents", config.crs)
    elif len(parts) == 1:
        incidents = parts[0]
    else:
        incidents = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
    area = None
    study = config.study_area
    if study is not None and Path(study).exists():
        area = gpd.read_file(study, engine="pyogrio").to_crs(incidents.crs)
    return incidents, area, path.name


def _filter(data, categories, date_from, date_to):
    import pandas as pd

    from ..errors import ArgumentError
    from ..i18n import tr

    if categories:
        if "category" not in data.columns:
            raise ArgumentError(
                tr(
                    "Händelserna saknar kolumnen category.",
                    "The incidents have no column category.",
                ),
                rule="CATEGORY_MISSING",
            )
        unknown = sorted(set(categories) - set(data["category"].dropna().astype(str)))
        if unknown:
            present = ", ".join(sorted(data["category"].dropna().astype(str).unique()))
            raise ArgumentError(
                tr(
                    "Kategorin {u} finns inte bland händelserna; finns: {p}.",
                    "Category {u} does not occur among the incidents; present: {p}.",
                    u=", ".join(unknown),
                    p=present,
                ),
                rule="CATEGORY_UNKNOWN",
            )
        data = data[data["category"].isin(categories)]
    if date_from is not None or date_to is not None:
        t = pd.to_datetime(data["occurred_at"], utc=True)
        keep = pd.Series(True, index=data.index)
        if date_from is not None:
            start = pd.Timestamp(date_from).tz_localize("Europe/Stockholm")
            keep &= t >= start
        if date_to is not None:
            end = (pd.Timestamp(date_to) + pd.Timedelta(days=1)).tz_localize("Europe/Stockholm")
            keep &= t < end
        data = data[keep]
    if len(data) == 0:
        raise ArgumentError(
            tr(
                "Inga händelser kvar efter filtret (kategori/datum).",
                "No incidents left after the filter (category/dates).",
            ),
            rule="FILTER_EMPTY",
        )
    return data


def run_hotspots(
    *,
    config_path: str,
    incidents_path: str | None = None,
    categories: tuple[str, ...] = (),
    date_from=None,
    date_to=None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    classify: bool = False,
    out_dir: str = "outputs",
) -> dict:
    """The work of the command (also used by ``tryggaplatser demo``); returns the summary."""
    import json
    from pathlib import Path

    from ..analysis.grid import make_grid
    from ..analysis.hotspots import hotspot_classify, hotspot_gistar, hotspot_kde
    from ..publish.geopackage import write_cells_gpkg
    from ..publish.rasters import write_cog

    data, area, source = _load_incidents(config_path, incidents_path)
    data = _filter(data, categories, date_from, date_to)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    grid = make_grid(data, cell_size, area=area)
    kde = hotspot_kde(data, grid, bandwidth=bandwidth)
    gi = hotspot_gistar(data, grid)
    gpkg = out / "hotspots.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    write_cells_gpkg(gi, gpkg, layer="gistar", style="gi_bin")
    write_cells_gpkg(kde, gpkg, layer="kde", style="kde")
    filters = {
        "categories": sorted(categories) or None,
        "from": date_from.date().isoformat() if date_from else None,
        "to": date_to.date().isoformat() if date_to else None,
    }
    tags = {"TRYGGAPLATSER_FILTER": filters}
    files = ["hotspots.gpkg"]
    for frame, column in ((kde, "kde"), (gi, "gistar"), (gi, "gi_bin")):
        write_cog(frame, out / f"{column}.tif", column=column, tags=tags)
        files.append(f"{column}.tif")
    params = {}
    for frame in (kde, gi):
        params.update(frame.attrs["tryggaplatser"]["params"])
    summary = {
        "source": source,
        "filters": filters,
        "n_incidents": len(data),
        "n_outside_grid": gi.attrs["tryggaplatser"]["n_outside_grid"],
        "n_cells": len(gi),
        "cell_size_m": grid.attrs["tryggaplatser"]["grid"]["cell_size"],
        "grid": gi.attrs["tryggaplatser"]["grid"],
        "params": params,
        "units": kde.attrs["tryggaplatser"]["units"],
        "kde_method": kde.attrs["tryggaplatser"].get("kde_method"),
        "significant_cells": {
            "hot_99": int((gi.gi_bin == 3).sum()),
            "hot_95": int((gi.gi_bin >= 2).sum()),
            "hot_90": int((gi.gi_bin >= 1).sum()),
            "cold_95": int((gi.gi_bin <= -2).sum()),
            "by_bin": {str(b): int((gi.gi_bin == b).sum()) for b in range(-3, 4)},
        },
    }
    if classify:
        cl = hotspot_classify(data, grid)
        write_cells_gpkg(cl, gpkg, layer="klassning", style="hotspot_category")
        summary["classification"] = {
            "params": cl.attrs["tryggaplatser"]["params"],
            "periods": len(cl.attrs["tryggaplatser"]["periods"]),
            "categories": {
                str(k): int(v) for k, v in cl.hotspot_category.value_counts().sort_index().items()
            },
        }
    files.append("hotspots.json")
    summary["files"] = files
    (out / "hotspots.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return summary
