"""The background of an output folder: ``bakgrund.gpkg``, written once per folder.

The QGIS project (:mod:`.qgis_project`) draws the municipality's ``[basemap]`` layers under the
data. Referring to the configuration's own files would tie the folder to where it was written
(a relative path such as ``../../data/basemap/vagar.gpkg`` breaks when the folder is moved), so
:func:`write_background` copies them into the folder: streets with their names (``vagar``),
buildings (``byggnader``, internal folders only — as on the maps, public maps leave them out)
and water (``vatten``), clipped to the study area's bounds (else the streets' bounds). Each
layer goes through the gate (kind ``background``: only the ``name`` column) and carries its
light QGIS style. A folder that already holds the file keeps it (one copy per folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import tr

BACKGROUND_FILE = "bakgrund.gpkg"
#: (basemap kind, layer name, label sv, label en), drawn in this order from the top
_LAYERS = (
    ("roads", "vagar", "Vägar", "Roads"),
    ("buildings", "byggnader", "Byggnader", "Buildings"),
    ("water", "vatten", "Vatten", "Water"),
)


def write_background(folder: str | Path, gate: Any) -> list[tuple[str, Path, str]]:
    """Write ``bakgrund.gpkg`` into ``folder`` from the gate's configuration's ``[basemap]``
    (once: an existing file is kept) and return its layers as ``(label, path, layer)`` for the
    project; empty without a ``[basemap]``."""
    folder = Path(folder)
    path = folder / BACKGROUND_FILE
    if path.exists():
        return _listed(path)
    config = getattr(gate, "config", None)
    if getattr(config, "basemap", None) is None:
        return []
    from ..layers.basemap import load_basemap
    from .geopackage import write_cells_gpkg

    basemap = load_basemap(config)
    if basemap is None:
        return []
    bounds = _bounds(config, basemap)
    for kind, layer, sv, en in _LAYERS:
        frame = getattr(basemap, kind, None)
        if frame is None or len(frame) == 0 or (kind == "buildings" and gate.public):
            continue
        clipped = _clip(frame, bounds, keep_name=kind == "roads")
        if len(clipped) == 0:
            continue
        gate.export(
            clipped,
            "background",
            path,
            write_cells_gpkg,
            writer_kwargs={"layer": layer, "style": f"background_{kind}", "title": tr(sv, en)},
        )
    return _listed(path) if path.exists() else []


def _listed(path: Path) -> list[tuple[str, Path, str]]:
    import pyogrio

    present = {str(name) for name, _ in pyogrio.list_layers(path)}
    return [(tr(sv, en), path, layer) for _, layer, sv, en in _LAYERS if layer in present]


def _bounds(config: Any, basemap: Any) -> tuple[float, float, float, float]:
    """The study area's bounds in the working CRS, else the streets'."""
    study = getattr(config, "study_area", None)
    if study is not None and Path(study).exists():
        import geopandas as gpd

        area = gpd.read_file(study)
        crs = basemap.roads.crs if basemap.roads is not None else area.crs
        return tuple(area.to_crs(crs).total_bounds) if crs is not None else area.total_bounds
    return tuple(basemap.roads.total_bounds)


def _clip(frame: Any, bounds, *, keep_name: bool) -> Any:
    """The features meeting ``bounds``, cut to them, with only the ``name`` column (roads)."""
    import geopandas as gpd
    import shapely

    geoms = frame.geometry.to_numpy()
    cut = shapely.clip_by_rect(geoms, *bounds)
    keep = ~(shapely.is_empty(cut) | shapely.is_missing(cut))
    data = {"name": frame["name"].astype("string").to_numpy()[keep]} if keep_name else {}
    if keep_name and "name" not in frame.columns:
        data = {}
    return gpd.GeoDataFrame(data, geometry=cut[keep], crs=frame.crs)
