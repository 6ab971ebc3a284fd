"""Cloud-Optimised GeoTIFFs of grid results (KDE, Gi* z, Gi* bins …).

:func:`write_cog` takes a finished result — a cell GeoDataFrame from the ``hotspot_*`` verbs and
a column, or a 2-D array and the grid — and writes it with GDAL's COG driver (shipped with
rasterio): 512-pixel tiles, internal overviews (averaged for continuous values, nearest for
classes), DEFLATE compression with a predictor, the grid's CRS and a nodata value (NaN for
floats, the smallest value of the type for integers). Cells outside the (clipped) grid are
nodata.

Types are ones GDAL 3.6 (QGIS 3.22 LTR on Debian bookworm and Ubuntu 22.04) reads correctly:
never ``int8``. Class rasters are ``uint8`` with a colour table in the colours of the HTML maps
and 0 as nodata: ``gi_bin`` stores the code ``gi_bin + 4`` (1 = cold spot 99 % … 4 = not
significant … 7 = hot spot 99 %, :data:`GI_BIN_OFFSET`; the tag ``TRYGGAPLATSER_CLASSES`` lists
code, bin and name), ``kde_class`` its classes 1–5. Densities and z-values are ``float32``.
With ``style=True`` a QGIS style ``<name>.qml`` is written beside the GeoTIFF (QGIS loads it
with the raster): class names in Swedish, densities in the HTML density layer's classes.

A tags block describes how the surface was made: ``TRYGGAPLATSER_COLUMN``, ``…_UNIT``,
``…_PARAMS`` (the JSON record of parameters and automatic choices from ``attrs``), ``…_VERSION``
and any ``tags`` passed in. Tags never carry absolute paths, the user's name or the host name:
such values are refused (REFERENCE.md §5, metadata). The publishing gate wraps this function;
it does not decide what may be published.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArgumentError
from ..i18n import tr

BLOCKSIZE = 512
GI_BIN_OFFSET = 4  # gi_bin −3…+3 is stored as the uint8 code 1…7 (0 = nodata)
CLASS_COLUMNS = ("gi_bin", "kde_class", "risk_class")
STYLED_COLUMNS = (*CLASS_COLUMNS, "kde", "gistar", "relative_risk")
_ABS_PATH = re.compile(r"(^|[\s\"'=(\[])(/[^\s/]+/|[A-Za-z]:[\\/]|\\\\[^\s\\]+\\)")


def _private_words() -> list[str]:
    words = []
    for getter in (getpass.getuser, socket.gethostname, lambda: os.path.expanduser("~")):
        try:
            w = getter()
        except (OSError, KeyError, ImportError):  # no user/host name available: nothing to hide
            w = ""
        if w and len(w) >= 3 and w not in ("/", "root"):
            words.append(w)
    return words


def check_tags(tags: dict[str, str]) -> None:
    """Refuse tag values holding an absolute path, the user name, the home folder or the host
    name (:class:`~tryggaplatser.errors.ArgumentError`, rule ``METADATA_PRIVATE``)."""
    private = _private_words()
    for key, value in tags.items():
        text = str(value)
        hit = None
        if _ABS_PATH.search(text):
            hit = tr("en absolut sökväg", "an absolute path")
        else:
            for word in private:
                if re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text):
                    hit = tr("användar-, mapp- eller datornamn", "a user, folder or host name")
                    break
        if hit:
            raise ArgumentError(
                tr(
                    "Taggen {k} innehåller {what}; metadata får inte avslöja sådant.",
                    "Tag {k} contains {what}; metadata must not reveal that.",
                    k=key,
                    what=hit,
                ),
                rule="METADATA_PRIVATE",
                fix=tr("använd relativa namn i taggarna", "use relative names in the tags"),
            )


def _grid_of(obj: Any):
    from ..analysis.grid import GridSpec, grid_spec_of

    if isinstance(obj, GridSpec):
        return obj
    return grid_spec_of(obj)


def dense_from_cells(cells: Any, column: str) -> tuple[np.ndarray, Any, Any]:
    """Dense ``(nrows, ncols)`` array of ``cells[column]`` (nodata outside the grid), its dtype
    and nodata value."""
    from ..analysis.grid import grid_spec_of

    if column not in cells.columns:
        raise ArgumentError(
            tr(
                "Kolumnen `{c}` finns inte; kolumner: {cols}.",
                "Column `{c}` does not exist; columns: {cols}.",
                c=column,
                cols=", ".join(map(str, cells.columns)),
            ),
            rule="COLUMNS_MISSING",
        )
    spec = grid_spec_of(cells)
    values = cells[column].to_numpy()
    if column == "gi_bin":
        values = values.astype(np.int64) + GI_BIN_OFFSET
        out = np.zeros((spec.nrows, spec.ncols), dtype=np.uint8)
        out[cells["row"].to_numpy(), cells["col"].to_numpy()] = values.astype(np.uint8)
        return out, np.uint8, 0
    dtype, nodata = _dtype_for(values)
    out = np.full((spec.nrows, spec.ncols), nodata, dtype=dtype)
    out[cells["row"].to_numpy(), cells["col"].to_numpy()] = values.astype(dtype)
    return out, dtype, nodata


def _dtype_for(values: np.ndarray) -> tuple[Any, Any]:
    if values.dtype.kind == "b":
        return np.uint8, 255
    if values.dtype.kind in "iu":
        lo, hi = (int(values.min()), int(values.max())) if values.size else (0, 0)
        if lo >= 0 and hi < 255:
            return np.uint8, 255
        for t in (np.int16, np.int32):  # never int8: GDAL < 3.7 misreads it
            info = np.iinfo(t)
            if info.min < lo and hi <= info.max:
                return t, int(info.min)
        return np.float64, float("nan")
    if values.dtype.kind == "f":
        return np.float32, float("nan")
    raise ArgumentError(
        tr(
            "Kolumnen har typen {t}; bara tal kan bli raster.",
            "The column has type {t}; only numbers can become rasters.",
            t=values.dtype,
        ),
        rule="RASTER_DTYPE",
    )


def write_cog(
    cells_or_array: Any,
    path: str | os.PathLike,
    column: str | None = None,
    *,
    tags: dict[str, Any] | None = None,
    grid: Any = None,
    nodata: float | None = None,
    include_params: bool = True,
    style: bool = True,
) -> Path:
    """Write one band as a Cloud-Optimised GeoTIFF.

    Parameters
    ----------
    cells_or_array : geopandas.GeoDataFrame or numpy.ndarray
        A result of the ``hotspot_*`` verbs (with its grid in ``attrs``) or a 2-D array in the
        grid's raster order (row 0 = north).
    path : path-like
        Output file (``.tif``); overwritten if it exists.
    column : str
        Column to write (required for a GeoDataFrame).
    tags : dict, optional
        Extra ``key: value`` tags. Values are written as text (dicts and lists as JSON).
    grid : GridSpec or cell GeoDataFrame, optional
        The grid of an array (required for arrays).
    nodata : float, optional
        Override the nodata value.
    include_params : bool
        Write the parameter record (``TRYGGAPLATSER_PARAMS``, which holds e.g. the bandwidth).
        A public-mode gate may set ``False`` (REFERENCE.md §5: no bandwidth in public metadata).
    style : bool
        For ``gi_bin``, ``kde_class``, ``kde`` and ``gistar``: write the colour table (class
        rasters) and the QGIS style ``<name>.qml`` beside the file (see the module notes).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    import rasterio

    from .. import __version__

    all_tags: dict[str, str] = {"TRYGGAPLATSER_VERSION": __version__}
    if isinstance(cells_or_array, np.ndarray):
        spec, arr, dtype, nd = _band_from_array(cells_or_array, grid, column, all_tags)
    else:
        spec, arr, dtype, nd = _band_from_cells(cells_or_array, column, include_params, all_tags)
    _check_square(spec)
    if nodata is not None:
        nd = nodata
    for key, value in (tags or {}).items():
        all_tags[str(key)] = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        )
    all_tags["TRYGGAPLATSER_GRID"] = json.dumps(
        {"cell_size": spec.cell_size, "x0": spec.x0, "y0": spec.y0, "crs": spec.crs}
    )
    check_tags(all_tags)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    styled = style and column in STYLED_COLUMNS
    if styled and column in CLASS_COLUMNS:
        all_tags["TRYGGAPLATSER_CLASSES"] = _class_tag(column)
    with rasterio.open(path, "w", **_cog_profile(spec, dtype, nd)) as dst:
        dst.write(arr, 1)
        dst.update_tags(**all_tags)
        if column:
            dst.set_band_description(1, column)
        if styled and column in CLASS_COLUMNS:
            dst.write_colormap(1, _colour_table(column))
    if styled:
        write_raster_style(path, column, arr, marking=all_tags.get("tryggaplatser_marking", ""))
    return path


def _class_tag(column: str) -> str:
    """``TRYGGAPLATSER_CLASSES``: each stored code with its class (and bin) and name."""
    from .qgis_style import raster_style

    classes = raster_style(column).classes
    return json.dumps(
        [
            {
                "code": c.value,
                **({"gi_bin": c.value - GI_BIN_OFFSET} if column == "gi_bin" else {}),
                "name": c.label,
            }
            for c in classes
        ],
        ensure_ascii=False,
    )


def _colour_table(column: str) -> dict[int, tuple[int, int, int, int]]:
    """The colour table of a class raster: the HTML maps' colours; nodata transparent."""
    from .qgis_style import raster_style

    table = {0: (0, 0, 0, 0)}
    for c in raster_style(column).classes:
        r, g, b, a = (int(v) for v in c.rgba.split(","))
        table[int(c.value)] = (r, g, b, a)
    return table


def write_raster_style(
    path: str | os.PathLike, column: str, values: np.ndarray | None = None, *, marking: str = ""
) -> Path:
    """Write the QGIS style of a raster (``<name>.qml`` beside ``path``) and return its path;
    ``values`` are the densities the ``kde`` classes are computed from."""
    from .qgis_style import raster_qml, raster_style

    if values is not None and column == "kde":
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
    qml = Path(path).with_suffix(".qml")
    qml.write_text(raster_qml(raster_style(column, values, marking=marking)), encoding="utf-8")
    return qml


def _band_from_array(
    array: np.ndarray, grid: Any, column: str | None, all_tags: dict[str, str]
) -> tuple[Any, np.ndarray, Any, float]:
    """Grid, band, dtype and nodata of an array on ``grid``; records the column tag."""
    if grid is None:
        raise ArgumentError(
            tr("Ett array behöver `grid` (rutnätet).", "An array needs `grid`."),
            rule="ARGUMENT_MISSING",
        )
    spec = _grid_of(grid)
    arr = np.asarray(array)
    if arr.shape != (spec.nrows, spec.ncols):
        raise ArgumentError(
            tr(
                "Arrayen har formen {s}, rutnätet {r} × {c}.",
                "The array has shape {s}, the grid {r} × {c}.",
                s=arr.shape,
                r=spec.nrows,
                c=spec.ncols,
            ),
            rule="RASTER_SHAPE",
        )
    dtype, nd = _dtype_for(arr)
    arr = arr.astype(dtype)
    if column:
        all_tags["TRYGGAPLATSER_COLUMN"] = column
    return spec, arr, dtype, nd


def _band_from_cells(
    cells: Any, column: str | None, include_params: bool, all_tags: dict[str, str]
) -> tuple[Any, np.ndarray, Any, float]:
    """Grid, band, dtype and nodata of a cell column; records column, unit and parameter tags."""
    if column is None:
        raise ArgumentError(
            tr(
                "Ange `column` (vilken kolumn som ska bli raster).",
                "Give `column` (the column to rasterise).",
            ),
            rule="ARGUMENT_MISSING",
        )
    spec = _grid_of(cells)
    arr, dtype, nd = dense_from_cells(cells, column)
    all_tags["TRYGGAPLATSER_COLUMN"] = column
    record = cells.attrs.get("tryggaplatser", {})
    unit = record.get("units", {}).get(column)
    if unit:
        all_tags["TRYGGAPLATSER_UNIT"] = unit
    if include_params and record.get("params"):
        all_tags["TRYGGAPLATSER_PARAMS"] = json.dumps(
            record["params"], ensure_ascii=False, default=str
        )
    return spec, arr, dtype, nd


def _check_square(spec: Any) -> None:
    """Refuse a grid that is not square (a GeoTIFF holds square cells only)."""
    if getattr(spec, "shape", "square") != "square":
        raise ArgumentError(
            tr(
                "GeoTIFF-raster kräver kvadratiska celler, men rutnätet har formen {s!r}.",
                "GeoTIFF rasters need square cells, but the grid has shape {s!r}.",
                s=spec.shape,
            ),
            rule="RASTER_SHAPE",
            fix=tr(
                "exportera sexhörningarna som GeoPackage (write_cells_gpkg) eller gör om "
                "analysen med shape='square'",
                "export the hexagons as a GeoPackage (write_cells_gpkg) or re-run the analysis "
                "with shape='square'",
            ),
        )


def _cog_profile(spec: Any, dtype: Any, nd: float) -> dict[str, Any]:
    """The rasterio profile of a one-band, DEFLATE-compressed COG on ``spec``."""
    from affine import Affine

    categorical = np.dtype(dtype).kind in "iu"
    transform = Affine(
        spec.cell_size, 0.0, spec.x0, 0.0, -spec.cell_size, spec.y0 + spec.nrows * spec.cell_size
    )
    return {
        "driver": "COG",
        "width": spec.ncols,
        "height": spec.nrows,
        "count": 1,
        "dtype": np.dtype(dtype).name,
        "crs": spec.crs or None,
        "transform": transform,
        "nodata": nd,
        "compress": "DEFLATE",
        "predictor": 2 if categorical else 3,
        "blocksize": BLOCKSIZE,
        "overview_resampling": "nearest" if categorical else "average",
        "BIGTIFF": "IF_SAFER",
    }
