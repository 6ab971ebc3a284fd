"""Cell layers to a GeoPackage with a QGIS style stored inside it.

:func:`write_cells_gpkg` writes a finished cell GeoDataFrame as one layer and stores a QGIS
layer style (QML) in the GeoPackage's ``layer_styles`` table — the table QGIS itself uses
("Save style → In database") — marked as default, so the layer opens styled in QGIS:

* ``gi_bin``: categorised, ArcGIS's hot/cold palette (red 99/95/90 %, cream not significant,
  blue cold), labels from the ``gi_bin`` vocabulary;
* ``hotspot_category`` and ``change_bin``: categorised, labels from the vocabulary;
* ``kde``, ``n`` (or another number): graduated colour, five quantile classes of the non-zero
  values (YlOrRd); zero cells are left undrawn.

The publishing gate wraps this function; it does not decide what may be published.
"""

from __future__ import annotations

import os
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArgumentError
from ..i18n import tr

GI_BIN_COLOURS = {  # ArcGIS Hot Spot Analysis renderer
    -3: (69, 117, 181),
    -2: (132, 158, 186),
    -1: (192, 204, 190),
    0: (255, 255, 191),
    1: (250, 185, 132),
    2: (237, 117, 81),
    3: (214, 47, 39),
}
# the same colours as the maps (publish/maps/_layers.py); cold classes in blues
CATEGORY_COLOURS = {
    "ny": (255, 217, 47),
    "i_foljd": (253, 141, 60),
    "intensifierande": (215, 48, 31),
    "bestaende": (127, 0, 0),
    "avtagande": (253, 187, 132),
    "sporadisk": (174, 111, 191),
    "oscillerande": (231, 41, 138),
    "historisk": (176, 176, 176),
    "ny_kall": (198, 219, 239),
    "i_foljd_kall": (107, 174, 214),
    "intensifierande_kall": (33, 113, 181),
    "bestaende_kall": (8, 48, 107),
    "avtagande_kall": (158, 202, 225),
    "sporadisk_kall": (78, 179, 211),
    "oscillerande_kall": (65, 182, 196),
    "historisk_kall": (166, 189, 219),
    "inget_monster": (240, 240, 240),
}
CHANGE_COLOURS = {-1: (49, 130, 189), 0: (240, 240, 240), 1: (222, 45, 38)}
YLORRD = [(255, 255, 178), (254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38)]

LAYER_STYLES_SQL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
  f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT CURRENT_TIMESTAMP
)"""


# --- QML ----------------------------------------------------------------------------------------


def _fill_symbol(
    parent: ET.Element, name: str, rgb: tuple[int, int, int], alpha: int = 255
) -> None:
    sym = ET.SubElement(
        parent,
        "symbol",
        {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    layer = ET.SubElement(
        sym, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"}
    )
    props = {
        "color": f"{rgb[0]},{rgb[1]},{rgb[2]},{alpha}",
        "style": "solid",
        "outline_style": "no",
        "outline_color": "0,0,0,0",
        "outline_width": "0",
        "joinstyle": "miter",
    }
    opt = ET.SubElement(layer, "Option", {"type": "Map"})
    for k, v in props.items():
        ET.SubElement(opt, "Option", {"name": k, "type": "QString", "value": v})
    for k, v in props.items():  # QGIS < 3.26 reads <prop>
        ET.SubElement(layer, "prop", {"k": k, "v": v})


def _qml_root() -> ET.Element:
    return ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Symbology"})


def _to_text(root: ET.Element) -> str:
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )


def qml_categorized(column: str, categories: list[tuple[Any, str, tuple[int, int, int]]]) -> str:
    """QML of a categorised fill renderer: ``(value, label, rgb)`` per category."""
    root = _qml_root()
    r = ET.SubElement(
        root,
        "renderer-v2",
        {
            "type": "categorizedSymbol",
            "attr": column,
            "symbollevels": "0",
            "enableorderby": "0",
            "forceraster": "0",
        },
    )
    cats = ET.SubElement(r, "categories")
    syms = ET.SubElement(r, "symbols")
    for i, (value, label, rgb) in enumerate(categories):
        ET.SubElement(
            cats,
            "category",
            {
                "render": "true",
                "symbol": str(i),
                "value": str(value),
                "label": label,
                "type": "string",
            },
        )
        _fill_symbol(syms, str(i), rgb)
    return _to_text(root)


def qml_graduated(column: str, breaks: list[float], colours=YLORRD, decimals: int = 2) -> str:
    """QML of a graduated-colour fill renderer with classes ``[breaks[i], breaks[i+1]]``."""
    root = _qml_root()
    r = ET.SubElement(
        root,
        "renderer-v2",
        {
            "type": "graduatedSymbol",
            "attr": column,
            "graduatedMethod": "GraduatedColor",
            "symbollevels": "0",
            "enableorderby": "0",
            "forceraster": "0",
        },
    )
    ranges = ET.SubElement(r, "ranges")
    syms = ET.SubElement(r, "symbols")
    k = len(breaks) - 1
    for i in range(k):
        lo, hi = breaks[i], breaks[i + 1]
        label = f"{lo:.{decimals}f} – {hi:.{decimals}f}"
        ET.SubElement(
            ranges,
            "range",
            {
                "render": "true",
                "symbol": str(i),
                "lower": repr(float(lo)),
                "upper": repr(float(hi)),
                "label": label,
            },
        )
        colour = colours[min(len(colours) - 1, round(i * (len(colours) - 1) / max(k - 1, 1)))]
        _fill_symbol(syms, str(i), colour)
    ET.SubElement(r, "mode", {"name": "quantile"})
    return _to_text(root)


def quantile_breaks(values: np.ndarray, k: int = 5) -> list[float]:
    """Class breaks: quantiles of the positive finite values (unique, at least two)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return [0.0, 1.0]
    qs = np.unique(np.quantile(v, np.linspace(0, 1, k + 1)))
    if qs.size < 2:
        qs = np.array([qs[0], qs[0] * 1.000001 + 1e-12])
    return [float(q) for q in qs]


def style_for(cells: Any, style: str = "auto") -> tuple[str, str] | None:
    """``(style name, QML)`` for a cell layer; ``style="auto"`` picks ``gi_bin``, then
    ``hotspot_category``, ``change_bin``, ``kde``, ``dual``, ``n``. ``None`` for no style."""
    from ..layers.vocab import label, vocabulary

    if style is None:
        return None
    if style == "auto":
        for cand in ("gi_bin", "hotspot_category", "change_bin", "kde", "dual", "n"):
            if cand in cells.columns:
                style = cand
                break
        else:
            return None
    if style not in cells.columns:
        raise ArgumentError(
            tr(
                "Stilen `{s}` kräver kolumnen `{s}`, som saknas.",
                "Style `{s}` needs the column `{s}`, which is missing.",
                s=style,
            ),
            rule="COLUMNS_MISSING",
        )
    if style == "gi_bin":
        cats = [(b, label("gi_bin", b), GI_BIN_COLOURS[b]) for b in range(-3, 4)]
        return "gi_bin", qml_categorized("gi_bin", cats)
    if style == "hotspot_category":
        cats = [
            (c, label("hotspot_category", c), CATEGORY_COLOURS.get(c, (200, 200, 200)))
            for c in vocabulary("hotspot_category")
        ]
        return "hotspot_category", qml_categorized("hotspot_category", cats)
    if style == "change_bin":
        names = {
            -1: tr("Signifikant minskning", "Significant decrease"),
            0: tr("Ingen signifikant förändring", "No significant change"),
            1: tr("Signifikant ökning", "Significant increase"),
        }
        cats = [(b, names[b], CHANGE_COLOURS[b]) for b in (-1, 0, 1)]
        return "change_bin", qml_categorized("change_bin", cats)
    values = cells[style].to_numpy(dtype=float)
    decimals = 0 if style == "n" else 2
    return style, qml_graduated(style, quantile_breaks(values), decimals=decimals)


# --- writing ------------------------------------------------------------------------------------


def write_cells_gpkg(
    cells: Any,
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    style: str | None = "auto",
    description: str | None = None,
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
        ``"auto"`` (see :func:`style_for`), a column name, or ``None`` for no style.
    description : str, optional
        Text stored with the style.

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
    styled = style_for(cells, style) if style is not None else None
    out = cells.copy()
    for col in out.columns:
        if out[col].dtype == object and col != out.geometry.name:
            out[col] = out[col].astype("string")
    out.attrs = {}
    out.to_file(
        path, layer=layer, driver="GPKG", engine="pyogrio", layer_options={"OVERWRITE": "YES"}
    )
    if styled is not None:
        name, qml = styled
        _store_style(path, layer, out.geometry.name, f"{layer}_{name}", qml, description or name)
    return path


def _store_style(
    path: Path, layer: str, geom_col: str, name: str, qml: str, description: str
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
            con.execute("DELETE FROM layer_styles WHERE f_table_name=?", (layer,))
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
                "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                "useAsDefault, description, owner, ui) VALUES "
                "('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                (layer, geom_col, name, qml, description),
            )
    finally:
        con.close()
