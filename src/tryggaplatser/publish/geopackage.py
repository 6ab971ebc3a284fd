"""Cell layers to a GeoPackage with a QGIS style stored inside it.

:func:`write_cells_gpkg` writes a finished cell GeoDataFrame as one layer and stores a QGIS
layer style (QML, :mod:`.qgis_style`) in the GeoPackage's ``layer_styles`` table — the table
QGIS itself uses ("Save style → In database") — marked as default, so the layer opens styled
in QGIS, in the colours of the HTML maps, with Swedish class labels (decimal comma) and
Swedish field aliases. Each layer's style has its own name and update time, so QGIS' style
manager lists it once.

The layer's title and abstract (``gpkg_contents.identifier`` and ``description``, which QGIS
shows as the layer's metadata) name what the layer is; on an internal layer they, and the
style's map tip, carry the marking "INTERNT – ej för spridning".

The publishing gate wraps this function; it does not decide what may be published.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ArgumentError
from ..i18n import tr

LAYER_STYLES_SQL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
  f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT CURRENT_TIMESTAMP
)"""

#: every style row gets its own update time: the day's stamp plus its row id in seconds
#: (QGIS lists styles sharing one time more than once)
STYLE_TIME_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', ?, '+' || id || ' seconds')"


def layer_title(layer: str) -> str:
    """What a layer of the toolkit is, in Swedish (or English): its title in QGIS."""
    titles = {
        "gistar": tr("Hotspots och kallpunkter (Gi*)", "Hot and cold spots (Gi*)"),
        "kde": tr("Täthet (KDE)", "Density (KDE)"),
        "klassning": tr("Hotspotkategorier över tid", "Hot-spot categories over time"),
        "hotspotklasser": tr(
            "EST: hotspotkategorier, 52 veckor", "EST: hot-spot categories, 52 weeks"
        ),
        "aterkommande_platser": tr("Återkommande platser", "Recurring places"),
        "fokusplatser": tr("Fokusplatser", "Focus places"),
        "near_repeat_larm": tr("Near repeat-larm", "Near-repeat alerts"),
        "omraden": tr("Områden", "Areas"),
        "studieomrade": tr("Kommungräns (studieområde)", "Municipal boundary (study area)"),
        "riskyta": tr("Riskyta (relativ risk per ruta)", "Risk surface (relative risk per cell)"),
        "gatustrackor": tr("Gatusträckor: händelser per sträcka", "Street stretches: incidents"),
    }
    return titles.get(layer, layer)


def style_for(
    cells: Any, style: str | None = "auto", *, marking: str = ""
) -> tuple[str, str] | None:
    """``(style name, QML)`` for a cell layer (:func:`.qgis_style.vector_style`); ``None`` for
    no style."""
    from .qgis_style import vector_qml, vector_style

    described = vector_style(cells, style, marking=marking) if style is not None else None
    if described is None:
        return None
    return described.name, vector_qml(described)


# --- writing ------------------------------------------------------------------------------------


def write_cells_gpkg(
    cells: Any,
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    style: str | None = "auto",
    description: str | None = None,
    metadata: Mapping[str, str] | None = None,
    title: str | None = None,
    extra_styles: Sequence[str] = (),
) -> Path:
    """Write a cell layer to a GeoPackage (adding to or replacing in an existing file) and
    store its QGIS style as the layer's default.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        A finished result of the ``hotspot_*`` verbs (or any polygon layer).
    path : path-like
        The ``.gpkg`` file; other layers in it are kept.
    layer : str, optional
        Layer name (default: the file stem). A layer of the same name is replaced.
    style : str or None
        ``"auto"``, a style kind or a column (:func:`.qgis_style.vector_style`), or ``None``
        for no style.
    description : str, optional
        Text stored with the style.
    metadata : mapping, optional
        The gate's metadata (:meth:`~.gate.Gate.metadata`); its ``tryggaplatser_marking``
        marks the layer internal (title, abstract and map tip).
    title : str, optional
        The layer's title in QGIS (default: :func:`layer_title`).
    extra_styles : sequence of str
        Further styles stored beside the default one (QGIS: Layer properties → Style), e.g. the
        street stretches' count classes beside their Gi* classes.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import geopandas as gpd

    if not isinstance(cells, gpd.GeoDataFrame):
        raise ArgumentError(
            tr("`cells` måste vara en GeoDataFrame.", "`cells` must be a GeoDataFrame."),
            rule="ARGUMENT_TYPE",
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    layer = layer or path.stem
    marking = str((metadata or {}).get("tryggaplatser_marking", ""))
    styled = style_for(cells, style, marking=marking) if style is not None else None
    out = cells.copy()
    for col in out.columns:
        if out[col].dtype == object and col != out.geometry.name:
            out[col] = out[col].astype("string")
    out.attrs = {}
    # GeoPackage 1.2: QGIS 3.22 (GDAL 3.6) warns about newer versions; an empty layer keeps
    # its polygon type so QGIS can style it
    out.to_file(
        path,
        layer=layer,
        driver="GPKG",
        engine="pyogrio",
        layer_options={"OVERWRITE": "YES"},
        dataset_options={"VERSION": "1.2"},
        **({"geometry_type": "Polygon"} if len(out) == 0 else {}),
    )
    _describe_layer(path, layer, title or layer_title(layer), marking)
    if styled is not None:
        name, qml = styled
        _store_style(path, layer, out.geometry.name, f"{layer}_{name}", qml, description or name)
    for extra in extra_styles:
        more = style_for(cells, extra, marking=marking)
        if more is not None:
            name, qml = more
            _store_style(
                path, layer, out.geometry.name, f"{layer}_{name}", qml, name, default=False
            )
    return path


def _describe_layer(path: Path, layer: str, title: str, marking: str) -> None:
    """Title and abstract of the layer (``gpkg_contents``), shown by QGIS as its metadata; an
    internal layer's begin with the marking."""
    abstract = tr("{t}. Skapad av tryggaplatser.", "{t}. Made by tryggaplatser.", t=title)
    if marking:
        title = f"{marking} – {title}"
        abstract = f"{marking}. {abstract}"
    con = sqlite3.connect(path)
    try:
        with con:
            taken = con.execute(
                "SELECT 1 FROM gpkg_contents WHERE identifier=? AND table_name<>?", (title, layer)
            ).fetchone()
            con.execute(
                "UPDATE gpkg_contents SET identifier=?, description=? WHERE table_name=?",
                (f"{title} ({layer})" if taken else title, abstract, layer),
            )
    finally:
        con.close()


def _store_style(
    path: Path,
    layer: str,
    geom_col: str,
    name: str,
    qml: str,
    description: str,
    *,
    default: bool = True,
) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            geom = con.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?", (layer,)
            ).fetchone()
            geom_col = geom[0] if geom else geom_col
            con.execute(LAYER_STYLES_SQL)
            has = con.execute(
                "SELECT 1 FROM gpkg_contents WHERE table_name='layer_styles'"
            ).fetchone()
            if not has:
                con.execute(
                    "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                    "description, last_change) VALUES ('layer_styles', 'attributes', "
                    "'layer_styles', '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
                )
            if default:  # a new default replaces the layer's styles
                con.execute("DELETE FROM layer_styles WHERE f_table_name=?", (layer,))
            cur = con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
                "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                "useAsDefault, description, owner, ui) VALUES "
                "('', '', ?, ?, ?, ?, '', ?, ?, '', '')",
                (layer, geom_col, name, qml, int(default), description),
            )
            con.execute(
                f"UPDATE layer_styles SET update_time = {STYLE_TIME_SQL} WHERE id=?",  # noqa: S608
                (_today_stamp(), cur.lastrowid),
            )
    finally:
        con.close()


def _today_stamp() -> str:
    from .._clock import today

    return today().isoformat()


def read_styles(path: str | os.PathLike) -> dict[str, str]:
    """The default QML style of every layer of a GeoPackage (``{layer: QML}``)."""
    con = sqlite3.connect(Path(path))
    try:
        has = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='layer_styles'"
        ).fetchone()
        if not has:
            return {}
        rows = con.execute(
            "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return {str(t): str(q) for t, q in rows}
