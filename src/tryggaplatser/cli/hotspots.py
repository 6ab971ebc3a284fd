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

Heavy libraries are imported inside the command so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import re

import click

from ..policy import LOCAL_TZ
from .options import config_option, mode_folder, mode_option, out_option


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
            shape=shape,
            classify=classify,
            mode=mode,
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
                rule="FILE_UNREADABLE",
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
                rule="COLUMNS_MISSING",
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
            start = pd.Timestamp(date_from).tz_localize(LOCAL_TZ)
            keep &= t >= start
        if date_to is not None:
            end = (pd.Timestamp(date_to) + pd.Timedelta(days=1)).tz_localize(LOCAL_TZ)
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


_PUBLIC_HIDDEN_PARAMS = re.compile(r"bandwidth|bandbredd|seed|fro|frö|breaks|permutation", re.I)


def _public_cell_size(data, cell_size: float | None, area, gate, quiet: bool, shape="square"):
    """The grid for the gate's mode: public grids are at least 250 m (REFERENCE.md §5)."""
    from .._announce import announce
    from ..analysis._common import fmt_m
    from ..analysis.grid import make_grid
    from ..errors import ArgumentError
    from ..i18n import tr
    from ..policy import MIN_GRID_M

    if gate.public and cell_size is not None and cell_size < MIN_GRID_M:
        raise ArgumentError(
            tr(
                "--cell-size {s} m är mindre än {m} m, den minsta rutstorleken i publik utdata.",
                "--cell-size {s} m is below {m} m, the smallest cell size in public output.",
                s=fmt_m(cell_size),
                m=MIN_GRID_M,
            ),
            rule="PUBLIC_CELL_SIZE",
            fix=tr(
                "ange --cell-size {m} eller större, utelämna den, eller använd --mode internal",
                "give --cell-size {m} or more, leave it out, or use --mode internal",
                m=MIN_GRID_M,
            ),
        )
    grid = make_grid(data, cell_size, shape=shape, area=area, quiet=quiet)
    chosen = float(grid.attrs["tryggaplatser"]["grid"]["cell_size"])
    if gate.public and chosen < MIN_GRID_M:
        announce(
            tr(
                "Publikt läge: cellstorleken {a} m (automatisk) är mindre än {m} m; {m} m "
                "används i stället.",
                "Public mode: the automatic cell size {a} m is below {m} m; {m} m is used instead.",
                a=fmt_m(chosen),
                m=MIN_GRID_M,
            ),
            quiet=quiet,
        )
        grid = make_grid(data, float(MIN_GRID_M), shape=shape, area=area, quiet=True)
        grid.attrs["tryggaplatser"]["params"]["cell_size"] = {
            "value": float(MIN_GRID_M),
            "auto": True,
            "rule": tr(
                "automatisk storlek under {m} m ersatt med {m} m (publik utdata)",
                "automatic size below {m} m replaced by {m} m (public output)",
                m=MIN_GRID_M,
            ),
        }
    return grid


def _sensitive_filter(data, categories, gate, quiet: bool):
    """Public mode: sensitive categories are never shown below municipality level."""
    from .._announce import announce
    from ..errors import GateRefusal
    from ..i18n import tr

    if not gate.public or not gate.sensitive or "category" not in data.columns:
        return data
    asked = sorted(set(categories) & gate.sensitive)
    if asked:
        raise GateRefusal(
            tr(
                "känslig kategori {c} kan inte visas i ett publikt rutnät",
                "sensitive category {c} cannot be shown on a public grid",
                c=", ".join(asked),
            ),
            rule="SENSITIVE_CATEGORY",
            fix=tr(
                "redovisa den bara för hela kommunen, eller använd --mode internal",
                "report it for the whole municipality only, or use --mode internal",
            ),
        )
    keep = ~data["category"].astype(str).isin(sorted(gate.sensitive))
    if not keep.all():
        announce(
            tr(
                "Publikt läge: {n} händelser i känsliga kategorier ({c}) ingår inte.",
                "Public mode: {n} incidents in sensitive categories ({c}) are left out.",
                n=int((~keep).sum()),
                c=", ".join(sorted(gate.sensitive)),
            ),
            quiet=quiet,
        )
    return data[keep.to_numpy()]


def _write_class_raster(rel, path, column: str, tags: dict):
    """A released class column (1–5, missing = blanked) as an integer COG with nodata 0."""
    import numpy as np

    from ..analysis.grid import grid_spec_of
    from ..publish.rasters import write_cog

    spec = grid_spec_of(rel)
    arr = np.zeros((spec.nrows, spec.ncols), dtype=np.uint8)
    values = rel[column].fillna(0).to_numpy(dtype=np.int64)
    arr[rel["row"].to_numpy(), rel["col"].to_numpy()] = values
    return write_cog(arr, path, column=column, grid=rel, tags=tags, nodata=0)


def _public_params(params: dict) -> dict:
    """Parameters safe to publish: no bandwidth, seeds or class breaks (REFERENCE.md §5)."""
    return {k: v for k, v in params.items() if not _PUBLIC_HIDDEN_PARAMS.search(str(k))}


def run_hotspots(
    *,
    config_path: str,
    incidents_path: str | None = None,
    categories: tuple[str, ...] = (),
    date_from=None,
    date_to=None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    shape: str = "square",
    classify: bool = False,
    mode: str | None = None,
    out_dir: str = "outputs",
    project=None,
    quiet: bool = False,
) -> dict:
    """Run the hotspot analysis and write its outputs through the publishing gate.

    The work of the ``hotspots`` command, also used by ``tryggaplatser demo``.

    Parameters
    ----------
    config_path : str
        The project configuration (``privacy_mode``, ``sensitive_categories``, incident files).
    incidents_path : str, optional
        Read incidents from this file instead of the project's layers.
    categories : tuple of str
        Category codes to keep (default: all).
    date_from, date_to : datetime, optional
        First and last day (inclusive, local time).
    cell_size : float, optional
        Cell size in metres; ``None`` chooses (public mode: at least 250 m, announced).
    bandwidth : float, optional
        KDE bandwidth in metres; ``None`` chooses.
    shape : {"square", "hexagon"}
        Cell shape (:func:`tryggaplatser.analysis.grid.make_grid`). Hexagons are written to the
        GeoPackage only: GeoTIFF rasters need square cells, so none are written (announced).
    classify : bool
        Also classify cells over time (``klassning`` layer).
    mode : {"public", "internal"}, optional
        Publishing mode; ``None`` takes the configuration's ``privacy_mode`` (``"internal"``
        without a configuration).
    out_dir : str
        Folder the files are written into (directly, no sub-folder).
    project : Project, optional
        An already loaded project (its incidents and configuration are used).
    quiet : bool
        Silence announcements.

    Returns
    -------
    dict
        The summary as written to ``hotspots.json`` (in public mode without bandwidth).

    Raises
    ------
    GateRefusal
        When an output would break a rule of the mode.
    """
    import json
    from pathlib import Path

    from ..analysis.hotspots import hotspot_classify, hotspot_gistar, hotspot_kde
    from ..publish.gate import INTERNAL_MARKING, Gate
    from ..publish.geopackage import write_cells_gpkg
    from ..publish.rasters import write_cog

    config = None
    if project is not None and incidents_path is None:
        config = project.config
        data = project.incidents
        area = None
        study = config.study_area
        if study is not None and Path(study).exists():
            import geopandas as gpd

            area = gpd.read_file(study, engine="pyogrio").to_crs(data.crs)
        source = Path(config_path).name
    else:
        data, area, source = _load_incidents(config_path, incidents_path)
        if incidents_path is None or Path(config_path).exists():
            from ..layers.config import load_config

            config = project.config if project is not None else load_config(config_path)
    gate = Gate(mode, config=config, quiet=quiet)
    data = _filter(data, categories, date_from, date_to)
    data = _sensitive_filter(data, categories, gate, quiet)
    grid = _public_cell_size(data, cell_size, area, gate, quiet, shape)
    out = mode_folder(out_dir, gate)  # created only once the arguments are accepted
    out.mkdir(parents=True, exist_ok=True)
    kde = hotspot_kde(data, grid, bandwidth=bandwidth, quiet=quiet)
    gi = hotspot_gistar(data, grid, quiet=quiet)
    cl = hotspot_classify(data, grid, quiet=quiet) if classify else None
    # the summary publishes the number of incidents, so the cell counts add up to a known
    # total: public counts get complementary suppression over it
    release = {"published_total": True} if gate.public else {}
    gpkg = out / "hotspots.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    layers = [("gistar", gi, "gi_bin"), ("kde", kde, None if gate.public else "kde")]
    if cl is not None:
        # public: the classified periods' counts would differ from the full counts by the
        # (possibly small) number of events outside them, so only the categories are shown
        shown = cl.drop(columns=["n"]) if gate.public and "n" in cl.columns else cl
        layers.append(("klassning", shown, "hotspot_category"))
    for layer, frame, style in layers:
        gate.export(
            frame,
            "grid_cells",
            gpkg,
            write_cells_gpkg,
            writer_kwargs={"layer": layer, "style": style},
            **release,
        )
    files = ["hotspots.gpkg"]
    filters = {
        "categories": sorted(categories) or None,
        "from": date_from.date().isoformat() if date_from else None,
        "to": date_to.date().isoformat() if date_to else None,
    }
    tags = {**gate.metadata(), "TRYGGAPLATSER_FILTER": filters}
    if shape != "square":
        from .._announce import announce
        from ..i18n import tr

        # GeoTIFFs are square pixels: hexagon results exist only as GeoPackage layers
        rasters = ()
        announce(
            tr(
                "Sexhörningar: inga GeoTIFF-raster skrivs (de kräver kvadratiska celler).",
                "Hexagons: no GeoTIFF rasters are written (they need square cells).",
            ),
            quiet=quiet,
        )
    elif gate.public:
        # gistar (z) and raw kde are not publishable: only the bins and the KDE classes
        rasters = ((gi, "gi_bin"), (kde, "kde_class"))
    else:
        rasters = ((kde, "kde"), (gi, "gistar"), (gi, "gi_bin"))
    for frame, column in rasters:
        path = out / f"hotspots_{column}.tif"
        rel = gate.release(frame, "grid_cells", **release)
        if column == "kde_class":
            _write_class_raster(rel, path, column, tags)
        else:
            write_cog(rel, path, column=column, tags=tags)
        gate.seal(path, kind="raster")
        files.append(path.name)
    params = {}
    for frame in (kde, gi):
        params.update(frame.attrs["tryggaplatser"]["params"])
    params["cell_size"] = grid.attrs["tryggaplatser"]["params"].get(
        "cell_size", params.get("cell_size")
    )
    summary = {
        "mode": gate.mode,
        "source": source,
        "filters": filters,
        "n_incidents": len(data),
        "n_outside_grid": gi.attrs["tryggaplatser"]["n_outside_grid"],
        "n_cells": len(gi),
        "cell_size_m": grid.attrs["tryggaplatser"]["grid"]["cell_size"],
        "grid": gi.attrs["tryggaplatser"]["grid"],
        "params": _public_params(params) if gate.public else params,
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
    if not gate.public:
        summary["marking"] = INTERNAL_MARKING
    if cl is not None:
        cl_params = cl.attrs["tryggaplatser"]["params"]
        summary["classification"] = {
            "params": _public_params(cl_params) if gate.public else cl_params,
            "periods": len(cl.attrs["tryggaplatser"]["periods"]),
            "categories": {
                str(k): int(v) for k, v in cl.hotspot_category.value_counts().sort_index().items()
            },
        }
    files.append("hotspots.json")
    if gate.public:
        files += ["offentliggorande.html", "offentliggorande.json"]
    summary["files"] = files
    path = out / "hotspots.json"
    path.write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    gate.seal(path, kind="summary")
    gate.finish(out)
    return summary
