"""One QGIS project per output folder: ``qgis_projekt.qgz`` holding every layer of the run.

:func:`write_qgis_project` looks at what the folder holds when a set is finished
(:func:`~.products._common.finish_set`): every layer of every GeoPackage (with the style stored
in it, :mod:`.geopackage`) and every GeoTIFF (with its ``.qml`` style, :mod:`.rasters`), and
writes a QGIS 3.22+ project (``.qgs`` XML from a jinja2 template, zipped as ``.qgz``) with
relative paths, so the folder can be moved or copied as a whole. QGIS is not needed to write it.

Layers are grouped and ordered top to bottom: "EST", "Hotspots", "Riskfaktorer" (risk surface
and street stretches), "Områden" (the areas and the study area), anything else, then "Bakgrund"
(the municipality's own background layers, ``background``: by default ``bakgrund.gpkg`` in the
folder, :mod:`.background`, so no path leads out of the folder). The Gi* layer, the focus
places, the street stretches, the areas and the background are shown when the project opens;
the other layers are listed, ready to tick. An internal project carries the marking
"INTERNT – ej för spridning" in its title, in every layer's name and as a title label
on the map (QGIS' title decoration).
"""

from __future__ import annotations

import os
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import tr
from .background import BACKGROUND_FILE

PROJECT_FILE = "qgis_projekt.qgz"

#: groups top to bottom: (name, file-name pattern)
_GROUPS = (
    (("EST", "EST"), r"est_.*"),
    (("Hotspots", "Hot spots"), r"hotspots.*"),
    (("Riskfaktorer", "Risk factors"), r"(riskyta|gatustrackor).*"),
    (("Områden", "Areas"), r"omraden.*"),
)
_SHOWN = {"gistar", "fokusplatser", "omraden", "studieomrade", "gatustrackor"}


@dataclass
class ProjectLayer:
    """One layer of the project as the template writes it."""

    id: str
    name: str
    source: str
    provider: str
    type: str
    style: str
    abstract: str = ""
    visible: bool = False
    labels: bool = False


def write_qgis_project(
    folder: str | Path,
    gate: Any,
    *,
    background: Sequence[tuple[str, str | Path, str]] = (),
    crs: str | None = None,
) -> Path | None:
    """Write ``qgis_projekt.qgz`` into ``folder`` and seal it through ``gate``.

    Parameters
    ----------
    folder : path-like
        A finished output folder (``publik`` or ``internt``).
    gate : Gate
        The folder's gate (mode and marking; seals the project into the manifest).
    background : sequence of (label, path, layer name)
        Background vector layers (roads, buildings, water): a GeoPackage or other OGR file and
        the layer in it, referred to by a path relative to the folder.
    crs : str, optional
        The project's CRS (default: the first GeoPackage layer's, else EPSG:3006).

    Returns
    -------
    pathlib.Path or None
        The project, or ``None`` when the folder holds no layer.
    """
    from .gate import folder_lock

    folder = Path(folder)
    with folder_lock(folder):  # two jobs finishing into one folder write it in turn
        return _write_locked(folder, gate, background, crs)


def _write_locked(folder: Path, gate: Any, background, crs: str | None) -> Path | None:
    marking = "" if gate.public else str(gate.metadata().get("tryggaplatser_marking", ""))
    groups, extent, found_crs = _collect(folder, marking)
    if background:
        groups.append((tr("Bakgrund", "Background"), _background(folder, background)))
    groups = [(name, layers) for name, layers in groups if layers]
    if not groups:
        return None
    from .qgis_style import render

    title = tr("Trygghetsanalys – alla lager", "Safety analysis – every layer")
    if marking:
        title = f"{marking} – {title}"
    text = render(
        "project.qgs.j2",
        title=title,
        abstract=tr(
            "Lager skrivna av tryggaplatser; sökvägarna är relativa till projektfilen.",
            "Layers written by tryggaplatser; the paths are relative to the project file.",
        ),
        marking=marking,
        crs=_crs_xml(crs or found_crs or "EPSG:3006"),
        groups=[{"name": name, "layers": layers} for name, layers in groups],
        extent=extent,
    )
    path = folder / PROJECT_FILE
    _write_qgz(path, text)
    gate.seal(path, kind="qgis_project")
    return path


def _collect(folder: Path, marking: str) -> tuple[list, tuple, str | None]:
    """The folder's layers by group, the extent of the vector layers (rounded out to whole
    kilometres) and the CRS of the first one."""
    grouped: dict[str, list[ProjectLayer]] = {}
    order = [tr(*names) for names, _ in _GROUPS]
    bounds: list[tuple[float, float, float, float]] = []
    crs = None
    for path in sorted(folder.glob("*.gpkg")):
        if path.name == BACKGROUND_FILE:  # the background: its own group, drawn last
            continue
        try:
            layers, layer_bounds, layer_crs = _gpkg_layers(path, marking)
        except sqlite3.Error:  # being written by another job: its own finish lists it
            continue
        grouped.setdefault(_group_of(path.name), []).extend(layers)
        bounds += layer_bounds
        crs = crs or layer_crs
    for path in sorted(folder.glob("*.tif")):
        grouped.setdefault(_group_of(path.name), []).append(_raster_layer(path, marking))
    order += [g for g in grouped if g not in order]
    return [(g, grouped.get(g, [])) for g in order], _extent(bounds), crs


def _group_of(name: str) -> str:
    for names, pattern in _GROUPS:
        if re.fullmatch(pattern, name):
            return tr(*names)
    return tr("Övrigt", "Other")


def _gpkg_layers(path: Path, marking: str) -> tuple[list[ProjectLayer], list, str | None]:
    """Every feature table of a GeoPackage with its stored style, title and abstract."""
    from .geopackage import layer_title, read_styles

    styles = read_styles(path)
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT c.table_name, c.identifier, c.description, c.min_x, c.min_y, c.max_x, "
            "c.max_y, s.organization, s.organization_coordsys_id FROM gpkg_contents c "
            "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = c.srs_id "
            "WHERE c.data_type = 'features' ORDER BY c.rowid"
        ).fetchall()
    finally:
        con.close()
    layers, bounds, crs = [], [], None
    for table, ident, about, x0, y0, x1, y1, org, code in rows:
        title = ident if ident and ident != table else layer_title(table)
        if marking and not title.startswith(marking):
            title = f"{marking} – {title}"
        body, labels = _style_body(styles.get(table, ""))
        layers.append(
            ProjectLayer(
                id=_layer_id(path.stem, table),
                name=title,
                source=f"./{path.name}|layername={table}",
                provider="ogr",
                type="vector",
                style=body,
                abstract=about or "",
                visible=table in _SHOWN,
                labels=labels,
            )
        )
        if None not in (x0, y0, x1, y1):
            bounds.append((x0, y0, x1, y1))
        if org and code is not None and int(code) > 0:
            crs = crs or f"{str(org).upper()}:{int(code)}"
    return layers, bounds, crs


def _raster_layer(path: Path, marking: str) -> ProjectLayer:
    """A GeoTIFF with the style beside it (``<name>.qml``), hidden when the project opens."""
    from .reports.index_page import product_title

    qml = path.with_suffix(".qml")
    body, _ = _style_body(qml.read_text(encoding="utf-8") if qml.exists() else "")
    # a raster beside a GeoPackage of the same name (riskyta) has its own title
    title = product_title(f"{path.stem}_raster") or product_title(path.stem) or path.stem
    return ProjectLayer(
        id=_layer_id(path.stem, "raster"),
        name=f"{marking} – {title}" if marking else title,
        source=f"./{path.name}",
        provider="gdal",
        type="raster",
        style=body,
    )


def _background(folder: Path, background: Sequence[tuple[str, str | Path, str]]) -> list:
    """The background layers, shown, with relative paths and a light style (a GeoPackage's
    lines as lines, anything else as a light fill)."""
    from .qgis_style import background_style, vector_qml

    out = []
    for i, (label, path, layer) in enumerate(background):
        rel = Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
        rel = rel if rel.startswith(".") else f"./{rel}"
        kind = _BACKGROUND_KINDS.get(layer) or (
            ("roads", "buildings", "water")[i] if i < 3 else "buildings"
        )
        style = background_style(kind, _geometry_of(Path(path), layer))
        body, _ = _style_body(vector_qml(style))
        out.append(
            ProjectLayer(
                id=_layer_id(f"bakgrund_{i}", layer),
                name=str(label),
                source=f"{rel}|layername={layer}",
                provider="ogr",
                type="vector",
                style=body,
                visible=True,
            )
        )
    return out


#: the layers of ``bakgrund.gpkg`` (and of the demo's [basemap] files) by name
_BACKGROUND_KINDS = {"vagar": "roads", "byggnader": "buildings", "vatten": "water"}


def _geometry_of(path: Path, layer: str) -> str:
    """``"line"`` for a GeoPackage line layer, else ``"polygon"``."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name=?",
                (layer,),
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return "polygon"
    return "line" if row and "LINE" in str(row[0]).upper() else "polygon"


def _style_body(qml: str) -> tuple[str, bool]:
    """The inside of a QML document (what a project holds in its ``<maplayer>``) and whether
    it turns labels on."""
    if not qml.strip():
        return "", False
    # our own QML, written by this run into the folder (no external entities)
    root = ET.fromstring(re.sub(r"^<!DOCTYPE[^>]*>\s*", "", qml.strip()))  # noqa: S314
    body = "\n".join(ET.tostring(child, encoding="unicode") for child in root)
    return body, root.get("labelsEnabled") == "1"


def _layer_id(stem: str, table: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{stem}_{table}")


def _extent(bounds: list) -> tuple[float, float, float, float]:
    """The union of the layers' bounds, rounded outward to whole kilometres (no coordinate
    finer than the public grid in the project)."""
    import math

    if not bounds:
        return (0.0, 0.0, 1000.0, 1000.0)
    x0 = math.floor(min(b[0] for b in bounds) / 1000) * 1000
    y0 = math.floor(min(b[1] for b in bounds) / 1000) * 1000
    x1 = math.ceil(max(b[2] for b in bounds) / 1000) * 1000
    y1 = math.ceil(max(b[3] for b in bounds) / 1000) * 1000
    return (float(x0), float(y0), float(x1), float(y1))


def _crs_xml(crs: str) -> str:
    """A ``<spatialrefsys>`` QGIS reads without its own database: WKT and the authority id."""
    from xml.sax.saxutils import escape

    import pyproj

    c = pyproj.CRS.from_user_input(crs)
    auth = c.to_authority()
    authid = f"{auth[0]}:{auth[1]}" if auth else ""
    return (
        f"<spatialrefsys><wkt>{escape(c.to_wkt('WKT2_2019'))}</wkt>"
        f"<authid>{escape(authid)}</authid><description>{escape(c.name)}</description>"
        "</spatialrefsys>"
    )


def _write_qgz(path: Path, text: str) -> None:
    """The ``.qgz``: a zip holding the ``.qgs``, with the issue date as every member's time
    (same inputs, same bytes)."""
    from .._clock import today

    day = today()
    info = zipfile.ZipInfo(path.with_suffix(".qgs").name, (day.year, day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(info, text.encode("utf-8"))
