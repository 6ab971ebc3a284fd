"""The risk-factor set (``tryggaplatser riskfaktorer``): ``riskfaktorer.html`` (+ PDF), the risk
surface ``riskyta.gpkg`` + ``riskyta.tif`` and the street stretches ``gatustrackor.gpkg``.

The model and the stretches are the run's (:meth:`tryggaplatser.Run.risk_terrain`,
:meth:`tryggaplatser.Run.streets`); the rendering is
:mod:`tryggaplatser.publish.reports.risk_report`. Every file passes the gate: the surface as
``risk_surface`` (public: the run's grid of at least 250 m, no counts), the stretches as
``street_stretches`` (public: stretches of at least 250 m, counts 1–4 as "<5", no z-scores).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..staging import staged_writer
from ._common import finish_set, mode_folder, open_project
from ._heap import frozen_heap

#: Upper bounds of the relative-risk classes 1–4 of the surface (class 5: at least the last).
RISK_CLASS_BOUNDS = (1.0 + 1e-9, 1.5, 2.0, 3.0)


def risk_classes(relative_risk: np.ndarray) -> np.ndarray:
    """Classes 1–5 of the composite relative risk: 1 = no selected factor near (RR 1),
    2 = up to 1.5, 3 = up to 2, 4 = up to 3, 5 = above 3 (RR below 1 counts as class 1)."""
    rr = np.asarray(relative_risk, dtype=float)
    return (np.searchsorted(np.asarray(RISK_CLASS_BOUNDS), rr, side="left") + 1).astype(np.int64)


@staged_writer
@frozen_heap
def write_risk_factors(
    project: Any,
    out_dir: str | Path,
    mode: str | None = None,
    *,
    cell_size: float | None = None,
    period: Any = None,
    quiet: bool = True,
    run: Any = None,
) -> dict[str, Any]:
    """Fit the risk-terrain model and count the street stretches, and write the set; the
    library entry point behind ``tryggaplatser riskfaktorer``.

    Parameters
    ----------
    project : Project or path
        A loaded project or the path of its ``tryggaplatser.toml`` (needs ``[[layers.context]]``;
        street stretches need ``[basemap] roads``).
    out_dir : path
        The output folder (``publik/`` or ``internt/`` is added by mode).
    mode : {"public", "internal"}, optional
        ``None`` = the project's ``privacy_mode``.
    cell_size, period
        As in :class:`tryggaplatser.Run`.

    Returns
    -------
    dict
        ``mode``, ``cell_size``, ``significant`` (factor → (rr, lo, hi)), ``adds_nothing``
        (factors), ``stretches`` (number, or 0 without roads), ``unsnapped`` (incidents),
        ``files`` (names) and ``paths``.
    """
    from ...analysis.periods import period_label
    from ...i18n import tr
    from ..gate import Gate
    from ..reports.risk_report import write_risk_report

    project = open_project(project)
    gate = Gate(mode, config=project.config, quiet=quiet)
    if run is None or run.mode != gate.mode:
        from ...analysis.run import Run

        run = Run(project, gate.mode, cell_size=cell_size, period=period, quiet=quiet)
    risk = run.risk_terrain()
    streets = run.streets()
    if gate.public:  # the folder's one disclosure plan: a stretch shows one count everywhere
        from .areas import STRETCH_CELLS, plan_public_set

        plan_public_set(gate, run, count=STRETCH_CELLS)
    folder = mode_folder(out_dir, gate)
    municipality = getattr(project.config, "name", None) or tr("Kommunen", "The municipality")
    paths, figure = [], None
    if streets is not None:
        street_paths, figure = write_street_map(
            streets,
            folder,
            gate,
            areas=project.areas,
            basemap=getattr(project, "basemap", None),
            period=period_label(*run.period),
            municipality=municipality,
        )
        paths += street_paths
    paths.insert(
        0,
        write_risk_report(
            risk,
            streets,
            folder,
            gate,
            municipality=municipality,
            period=period_label(*run.period),
            figure=figure,
        ),
    )
    paths += write_risk_layers(risk, streets, folder, gate)
    paths += finish_set(gate, folder)
    sig = risk.significant()
    return {
        "mode": gate.mode,
        "cell_size": run.cell_size,
        "significant": {r["factor"]: (r["rr"], r["rr_lo"], r["rr_hi"]) for _, r in sig.iterrows()},
        "adds_nothing": risk.factors.loc[~risk.factors["selected"], "factor"].tolist(),
        "stretches": 0 if streets is None else len(streets.stretches),
        "unsnapped": 0
        if streets is None
        else int(streets.snapping.set_index("layer").loc["incidents", "unsnapped"]),
        "files": sorted(p.name for p in paths),
        "paths": paths,
    }


def write_risk_layers(risk: Any, streets: Any, folder: Path, gate: Any) -> list[Path]:
    """``riskyta.gpkg`` (layer ``riskyta``, styled by relative-risk class), ``riskyta.tif``
    (classes 1–5, public; the relative risk, internal; with its QGIS style ``riskyta.qml``) and
    ``gatustrackor.gpkg`` (lines by Gi* class internal, by count class public)."""
    from ..geopackage import write_cells_gpkg

    surface = risk.surface.copy()
    surface["risk_class"] = risk_classes(surface["relative_risk"].to_numpy())
    surface["relative_risk"] = surface["relative_risk"].round(3)
    surface.attrs = risk.surface.attrs
    gpkg = folder / "riskyta.gpkg"
    gpkg.unlink(missing_ok=True)
    paths = [
        gate.export(
            surface,
            "risk_surface",
            gpkg,
            write_cells_gpkg,
            writer_kwargs={"layer": "riskyta", "style": "risk_class"},
        )
    ]
    paths.append(_write_surface_raster(surface, folder, gate))
    if streets is not None:
        paths.append(_write_stretches(streets, folder, gate))
    return paths


def _write_surface_raster(surface: Any, folder: Path, gate: Any) -> Path:
    """The surface as a GeoTIFF on the run's grid (square grids only)."""
    from .hotspots import write_class_raster

    released = gate.release(surface, "risk_surface")
    path = folder / "riskyta.tif"
    tags = {**gate.metadata(), "TRYGGAPLATSER_VALUES": "risk_class 1-5"}
    if gate.public:
        write_class_raster(released, path, "risk_class", tags)
    else:
        from ...analysis.grid import grid_spec_of
        from ..rasters import write_cog

        spec = grid_spec_of(released)
        arr = np.full((spec.nrows, spec.ncols), np.nan)
        arr[released["row"].to_numpy(), released["col"].to_numpy()] = released["relative_risk"]
        write_cog(arr.astype(np.float32), path, column="relative_risk", grid=released, tags=tags)
    gate.seal(path, kind="raster")
    style = path.with_suffix(".qml")  # the raster's QGIS style (rasters.write_raster_style)
    if style.exists():
        gate.seal(style, kind="qgis_style")
    return path


def stretches_for_export(streets: Any) -> Any:
    """The run's stretches as the layer and the map publish them: positions and lengths in
    whole metres, and the stretch length the gate checks (``attrs``)."""
    stretches = streets.stretches.copy()
    for col in ("from_m", "to_m", "length"):
        stretches[col] = stretches[col].round(0)
    length = float(str(streets.params["stretch_length"]["value"]).split()[0])
    period = (streets.stretches.attrs.get("tryggaplatser") or {}).get("period")
    stretches.attrs = {"tryggaplatser": {"params": {"stretch_length": length}, "period": period}}
    return stretches


def write_street_map(
    streets: Any,
    folder: Path,
    gate: Any,
    *,
    areas: Any = None,
    basemap: Any = None,
    period: str = "",
    municipality: str | None = None,
) -> tuple[list[Path], Path | None]:
    """``gatustrackor.html``: the street-level map (:func:`~..maps.interactive.street_map`),
    and ``gatustrackor.png``: the same map on paper around the ten stretches with the most
    incidents (for the report; not written when no stretch has any). Returns the files and
    the PNG (or ``None``)."""
    from ...i18n import tr
    from ..maps._layers import shared_parts
    from ..maps.interactive import map_content, save_map, street_map

    with shared_parts():  # the two layers' stretches: each geometry and popup written once
        m = street_map(
            stretches_for_export(streets),
            areas=areas,
            period=period,
            params=streets.params,
            mode=gate.mode,
            gate=gate,
            municipality=municipality,
            basemap=basemap,
            quiet=True,
        )
    about = {
        "title": tr(
            "Gatusträckor: karta för belysning, städning och väktarrundor",
            "Street stretches: map for lighting, cleaning and guard routes",
        ),
        "period": period,
    }
    paths = [save_map(m, folder / "gatustrackor.html", gate=gate, about=about)]
    figure = _top_figure(map_content(m), streets)
    if figure is None:
        return paths, None
    from ..maps.figures import save_figure

    png = save_figure(figure, folder / "gatustrackor.png", gate=gate, about=about)
    return [*paths, png], png


def _top_figure(content: Any, streets: Any) -> Any:
    """The street map's content drawn on paper around the top ten stretches."""
    import dataclasses

    from ..maps._layers import _expand
    from ..maps.figures import static_map

    top = streets.top(10)
    if content is None or len(top) == 0:
        return None
    zoomed = dataclasses.replace(content, bounds=_expand(tuple(top.total_bounds), minimum=400.0))
    return static_map(zoomed, figsize=(9.0, 7.0), dpi=120)


def _write_stretches(streets: Any, folder: Path, gate: Any) -> Path:
    from ..geopackage import write_cells_gpkg
    from ..reports.area_plan import layer_plan_key

    stretches = stretches_for_export(streets)
    gpkg = folder / "gatustrackor.gpkg"
    gpkg.unlink(missing_ok=True)
    return gate.export(
        stretches,
        "street_stretches",
        gpkg,
        write_cells_gpkg,
        # internal: Gi* classes along the network, the count classes as a second style;
        # public: the count classes (as on the public street map)
        writer_kwargs={
            "layer": "gatustrackor",
            "style": "stretch_n" if gate.public else "stretch_gi",
            "extra_styles": () if gate.public else ("stretch_n",),
        },
        # the report publishes the number of snapped incidents: complementary suppression
        published_total=True,
        plan_key=layer_plan_key(stretches),
    )
