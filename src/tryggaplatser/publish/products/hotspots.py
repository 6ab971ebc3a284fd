"""The hotspot layers of a run: ``hotspots.gpkg``, GeoTIFF rasters and ``hotspots.json``.

What ``tryggaplatser hotspots`` writes (see :func:`write_hotspot_layers` for the files of each
mode). Heavy libraries are imported inside the functions so ``tryggaplatser --help`` stays fast.
"""

from __future__ import annotations

import re

from ...analysis.periods import period_values
from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project


def load_incidents(config_path: str, incidents_path: str | None):
    """Incidents and the study area (or ``None``)."""
    from pathlib import Path

    import geopandas as gpd

    from ...errors import ConfigError, FileProblem
    from ...i18n import tr

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

    from ...layers.config import load_config
    from ...layers.load import empty_layer, load_layer

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


PUBLIC_HIDDEN_PARAMS = re.compile(r"bandwidth|bandbredd|seed|fro|frö|breaks|permutation", re.I)


def write_class_raster(rel, path, column: str, tags: dict):
    """A released class column (1–5, missing = blanked) as an integer COG with nodata 0."""
    import numpy as np

    from ...analysis.grid import grid_spec_of
    from ..rasters import write_cog

    spec = grid_spec_of(rel)
    arr = np.zeros((spec.nrows, spec.ncols), dtype=np.uint8)
    values = rel[column].fillna(0).to_numpy(dtype=np.int64)
    arr[rel["row"].to_numpy(), rel["col"].to_numpy()] = values
    return write_cog(arr, path, column=column, grid=rel, tags=tags, nodata=0)


def public_params(params: dict) -> dict:
    """Parameters safe to publish: no bandwidth, seeds or class breaks (REFERENCE.md §5)."""
    return {k: v for k, v in params.items() if not PUBLIC_HIDDEN_PARAMS.search(str(k))}


@staged_writer
def write_hotspot_layers(
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
    run=None,
) -> dict:
    """Run the hotspot analysis and write its outputs through the publishing gate.

    The library call behind ``tryggaplatser hotspots`` (also used by ``tryggaplatser demo``).

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
    run : Run, optional
        The run whose results are written (used when no filter or grid option is given).

    Returns
    -------
    dict
        The summary as written to ``hotspots.json`` (in public mode without bandwidth).

    Raises
    ------
    GateRefusal
        When an output would break a rule of the mode.
    """
    from ..gate import Gate

    project, source = _project_for(config_path, incidents_path, project, mode)
    gate = Gate(mode, config=project.config, quiet=quiet)
    period = None
    if date_from is not None or date_to is not None:
        period = (
            date_from.date() if date_from is not None else None,
            date_to.date() if date_to is not None else None,
        )
    asked = {
        "cell_size": cell_size,
        "bandwidth": bandwidth,
        "categories": tuple(categories),
        "period": period,
        "shape": shape,
    }
    if (
        run is None
        or run.mode != gate.mode
        or any(v not in (None, (), "square") for v in asked.values())
    ):
        from ...analysis.run import Run

        run = Run(project, gate.mode, quiet=quiet, **asked)
    result = run.hotspots()
    if gate.public:  # the folder's one disclosure plan: the cells show as in every other file
        from .areas import GRID_CELLS, plan_public_set

        plan_public_set(gate, run, count=GRID_CELLS)
    out = mode_folder(out_dir, gate)  # created only once the arguments are accepted
    out.mkdir(parents=True, exist_ok=True)
    cl = run.classification() if classify else None
    # the summary publishes the number of incidents, so the cell counts add up to a known
    # total: public counts get complementary suppression over it
    release = {"published_total": True} if gate.public else {}
    # public: the filter as applied, the run's whole months (the finest public time unit)
    shown = period_values(*run.period) if gate.public else None
    filters = {
        "categories": sorted(categories) or None,
        "from": (shown[0] if shown else date_from.date().isoformat()) if date_from else None,
        "to": (shown[1] if shown else date_to.date().isoformat()) if date_to else None,
    }
    files = _write_gpkg(out, gate, result, cl, release)
    files += write_area_layers(out, gate, project, run)
    files += _write_rasters(out, gate, result, shape, release, filters, quiet)
    summary = _summary(run, result, cl, gate, source, filters, auto_period=period is None)
    return _write_summary(out, gate, summary, files)


def _project_for(config_path: str, incidents_path: str | None, project, mode: str | None = None):
    """The project to analyse (a loaded one, or the incidents file alone) and its source name.

    A public run from a configuration loads every layer of the project: the folder's one
    disclosure plan covers the grid cells together with the area products (as ``map`` and
    ``area`` build it), so ``hotspots`` decides each cell as they do. An internal run needs the
    incidents only."""
    from pathlib import Path
    from types import SimpleNamespace

    if project is not None and incidents_path is None:
        return project, Path(config_path).name
    if incidents_path is None and Path(config_path).exists():
        from ...layers.config import load_config
        from ..gate import Gate

        if Gate(mode, config=load_config(config_path), quiet=True).public:
            return open_project(config_path), Path(config_path).name
    data, _, source = load_incidents(config_path, incidents_path)
    config = None
    if incidents_path is None or Path(config_path).exists():
        from ...layers.config import load_config

        config = project.config if project is not None else load_config(config_path)
    return SimpleNamespace(layers={"incidents": data}, config=config), source


def _write_gpkg(out, gate, result, cl, release: dict) -> list[str]:
    """hotspots.gpkg: the Gi* and KDE layers (and the classification) through the gate."""
    from ..geopackage import write_cells_gpkg
    from ..reports.area_plan import layer_plan_key

    gpkg = out / "hotspots.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    layers = [
        ("gistar", result.gistar, "gi_bin"),
        ("kde", result.kde, "kde_class" if gate.public else "kde"),
    ]
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
            plan_key=layer_plan_key(frame) if gate.public else None,
            **release,
        )
    return ["hotspots.gpkg"]


def write_area_layers(out, gate, project, run) -> list[str]:
    """omraden.gpkg: the areas (id and name) and the study area, for the QGIS project."""
    from ..geopackage import write_cells_gpkg

    areas = (getattr(project, "layers", None) or {}).get("areas")
    study = run.study_area
    layers = []
    if areas is not None and len(areas):
        keep = [c for c in ("area_id", "name") if c in areas.columns]
        layers.append(("omraden", areas[[*keep, areas.geometry.name]], "area"))
    if study is not None and len(study):
        layers.append(("studieomrade", study[[study.geometry.name]], "study_area"))
    if not layers:
        return []
    path = out / "omraden.gpkg"
    path.unlink(missing_ok=True)
    for layer, frame, style in layers:
        gate.export(
            frame,
            "area_layer",
            path,
            write_cells_gpkg,
            writer_kwargs={"layer": layer, "style": style},
        )
    return [path.name]


def _write_rasters(out, gate, result, shape, release, filters, quiet) -> list[str]:
    """The GeoTIFFs of the mode: internal kde, gistar, gi_bin; public gi_bin and KDE classes."""
    from ..rasters import write_cog
    from ..reports.area_plan import layer_plan_key

    gi, kde = result.gistar, result.kde
    tags = {**gate.metadata(), "TRYGGAPLATSER_FILTER": filters}
    if shape != "square":
        from ..._announce import announce
        from ...i18n import tr

        # GeoTIFFs are square pixels: hexagon results exist only as GeoPackage layers
        announce(
            tr(
                "Sexhörningar: inga GeoTIFF-raster skrivs (de kräver kvadratiska celler).",
                "Hexagons: no GeoTIFF rasters are written (they need square cells).",
            ),
            quiet=quiet,
        )
        return []
    if gate.public:
        # gistar (z) and raw kde are not publishable: only the bins and the KDE classes
        rasters = ((gi, "gi_bin"), (kde, "kde_class"))
    else:
        rasters = ((kde, "kde"), (gi, "gistar"), (gi, "gi_bin"))
    files = []
    for frame, column in rasters:
        path = out / f"hotspots_{column}.tif"
        rel = gate.release(frame, "grid_cells", plan_key=layer_plan_key(frame), **release)
        if column == "kde_class":
            write_class_raster(rel, path, column, tags)
        else:
            write_cog(rel, path, column=column, tags=tags)
        gate.seal(path, kind="raster")
        files.append(path.name)
        style = path.with_suffix(".qml")  # the raster's QGIS style (rasters.write_raster_style)
        if style.exists():
            gate.seal(style, kind="qgis_style")
            files.append(style.name)
    return files


def _summary(run, result, cl, gate, source, filters, *, auto_period: bool) -> dict:
    """hotspots.json's content: the run's provenance and the counts of significant cells."""
    from ...i18n import tr
    from ..gate import INTERNAL_MARKING

    gi, kde = result.gistar, result.kde
    params = {}
    for frame in (kde, gi):
        params.update(frame.attrs["tryggaplatser"]["params"])
    params["cell_size"] = run.grid.attrs["tryggaplatser"]["params"].get(
        "cell_size", params.get("cell_size")
    )
    params["period"] = {
        # months for whole months (always in public mode), else local dates
        "value": period_values(*run.period),
        "auto": auto_period,
        "rule": tr(
            "lokala kalenderdatum; publikt: hela månader",
            "local calendar dates; public: whole months",
        ),
    }
    summary = {
        "mode": gate.mode,
        "source": source,
        "period": list(params["period"]["value"]),
        "filters": filters,
        "n_incidents": len(result.incidents),
        "n_outside_grid": gi.attrs["tryggaplatser"]["n_outside_grid"],
        "n_cells": len(gi),
        "cell_size_m": run.provenance.cell_size,
        "grid": gi.attrs["tryggaplatser"]["grid"],
        "params": public_params(params) if gate.public else params,
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
    else:  # the totals are counts of the folder's plan (shown as it decided)
        _planned_totals(summary, gate, gi)
    if cl is not None:
        cl_params = cl.attrs["tryggaplatser"]["params"]
        summary["classification"] = {
            "params": public_params(cl_params) if gate.public else cl_params,
            "periods": len(cl.attrs["tryggaplatser"]["periods"]),
            "categories": {
                str(k): int(v) for k, v in cl.hotspot_category.value_counts().sort_index().items()
            },
        }
    return summary


def _planned_totals(summary: dict, gate, cells) -> None:
    """``n_incidents`` and ``n_outside_grid`` as the set's disclosure plan shows them."""
    from ...policy import HIDDEN, SMALL
    from ..disclosure import PRIMARY, PUBLISHED
    from ..reports.area_plan import placed_key

    period = (cells.attrs.get("tryggaplatser") or {}).get("period")
    if gate.plan is None or period is None:
        return
    for field, key in (
        ("n_incidents", placed_key(period)),
        ("n_outside_grid", placed_key(period, "outside_grid")),
    ):
        status = gate.planned(key)
        if status is not None and status != PUBLISHED:
            summary[field] = SMALL if status == PRIMARY else HIDDEN


def _write_summary(out, gate, summary: dict, files: list[str]) -> dict:
    """Write and seal hotspots.json listing every file of the set; close the set."""
    import json

    files = [*files, "hotspots.json"]
    if gate.public:
        files += ["offentliggorande.html", "offentliggorande.json"]
    summary["files"] = files
    path = out / "hotspots.json"
    path.write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    gate.seal(path, kind="summary")
    finish_set(gate, out)
    return summary
