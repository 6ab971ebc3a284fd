"""Map content shared by the interactive (folium) and static (matplotlib) maps.

Drawing takes finished results (STYLE.md habit 7): this module only turns layers and analysis
results into *prepared map layers* — small GeoDataFrames in the working CRS (EPSG:3006) holding
only the columns a map may show (``fill``, ``stroke``, ``tooltip``, ``popup``), with their legend
and plain-text labels. The HTML and PNG renderers escape and draw them; neither sees the input
frames, so no unlisted column can leak into an output (REFERENCE.md §4: ``folium.GeoJson`` embeds
every column).

Public mode follows REFERENCE.md §5: grid cells of at least 250 m, no points, counts 1–4 shown
as "<5", KDE cells supported by fewer than 5 events blanked and classed, no bandwidth, no free
text, month as the finest time unit. The publishing gate (:mod:`tryggaplatser.publish.gate`)
checks the result again before anything is written.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._announce import announce
from ...analysis._common import cell_labels, check_mode
from ...errors import ArgumentError
from ...i18n import not_recorded, tr
from ...layers import vocab
from ...policy import INTERNAL_FLAG_MAX, LOCAL_TZ, PUBLIC_MIN_CELL_SIZE
from ..reports.area_plan import dialogue_cell_key, layer_plan_key, walk_cell_key

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

MIN_SNAP = 50.0  # m, internal snapped points
MAX_POINT_MARKERS = 3000  # never more markers than this: aggregate coarser instead
WORKING_CRS = "EPSG:3006"

# ArcGIS-like Gi* bin colours (cold -> hot), bin 0 is not drawn
GI_COLOURS = {
    -3: "#4575b5",
    -2: "#849eba",
    -1: "#c0ccbe",
    0: "#ffffbf",
    1: "#fab984",
    2: "#ed7551",
    3: "#d62f27",
}
# colours of the space-time categories (after Esri's Emerging Hot Spot Analysis symbology):
# hot classes in reds, oranges and purples, cold classes in blues, historical ones grey
CATEGORY_COLOURS = {
    "ny": "#ffd92f",
    "i_foljd": "#fd8d3c",
    "intensifierande": "#d7301f",
    "bestaende": "#7f0000",
    "avtagande": "#fdbb84",
    "sporadisk": "#ae6fbf",
    "oscillerande": "#e7298a",
    "historisk": "#b0b0b0",
    "ny_kall": "#c6dbef",
    "i_foljd_kall": "#6baed6",
    "intensifierande_kall": "#2171b5",
    "bestaende_kall": "#08306b",
    "avtagande_kall": "#9ecae1",
    "sporadisk_kall": "#4eb3d3",
    "oscillerande_kall": "#41b6c4",
    "historisk_kall": "#a6bddb",
}
STATUS_COLOURS = {
    "ny": "#d7191c",
    "skickad": "#fd8d3c",
    "planerad": "#fdae61",
    "pagaende": "#2c7fb8",
    "atgardad": "#1a9641",
    "ej_atgardbar": "#7b3294",
    "avslagen": "#636363",
}
PERCEPTION_COLOURS = {"otrygg": "#c51b7d", "trygg": "#4d9221"}
# significant change between two periods (evaluation maps): decrease blue, increase red
CHANGE_COLOURS = {-1: "#2166ac", 0: "#f0f0f0", 1: "#b2182b"}
# sequential palettes (ColorBrewer), light -> dark, indexed by number of classes
_PALETTES = {
    "YlOrRd": ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    "Purples": ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"],
    "Blues": ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    "Greens": ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"],
    "RdPu": ["#feebe2", "#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177"],
}
SUPPRESSED_COLOUR = "#e8e8e8"
#: Relative-risk classes 1–5 of the risk surface (``products.risk.risk_classes``), YlOrRd: the
#: report, the street map and the QGIS styles (``riskyta.gpkg``, ``riskyta.tif``) read them here.
RISK_CLASS_COLOURS = {1: "#ffffb2", 2: "#fecc5c", 3: "#fd8d3c", 4: "#f03b20", 5: "#bd0026"}
#: Count classes of street stretches: (lowest count of the class, colour), class k = k-th row;
#: class 0 (no incidents) and withheld stretches (public "..") are drawn in
#: :data:`STRETCH_NONE_COLOUR`.
STRETCH_COUNT_CLASSES = (
    (1, "#fed976"),
    (5, "#feb24c"),
    (10, "#fd8d3c"),
    (20, "#f03b20"),
    (50, "#bd0026"),
)
STRETCH_NONE_COLOUR = "#bdbdbd"  # stretches without incidents, not significant or withheld
AREA_STROKE = "#6b6b6b"  # area boundaries
SELECTED_STROKE = "#08306b"  # the chosen area (and the study area in QGIS)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a colour swatch and its label (plain text)."""

    colour: str
    label: str
    shape: str = "box"  # box | circle | line | outline (an unfilled box)


@dataclass
class MapLayer:
    """A prepared, allowlisted map layer in EPSG:3006.

    ``frame`` holds only ``geometry``, ``fill``, ``stroke``, ``tooltip`` (plain text or "") and
    ``popup`` (a tuple of ``(label, value)`` pairs of plain text, or ``()``). Text is escaped
    by the renderer, never here.
    """

    key: str
    name: str
    kind: str  # polygon | point
    frame: gpd.GeoDataFrame
    legend_title: str = ""
    legend: list[LegendEntry] = field(default_factory=list)
    show: bool = True
    fill_opacity: float = 0.7
    weight: float = 0.5
    radius: float = 6.0
    dash: str | None = None


@dataclass
class MapContent:
    """Everything both renderers need: layers, title block and extent."""

    title: str
    mode: str
    layers: list[MapLayer]
    bounds: tuple[float, float, float, float]  # EPSG:3006
    facts: list[tuple[str, str]] = field(default_factory=list)  # title-block rows
    attribution: str = ""
    background_image: Any = None  # [basemap] image: a local GeoTIFF drawn under the figure

    def layer(self, key: str) -> MapLayer | None:
        """The layer with this key, or None."""
        return next((lyr for lyr in self.layers if lyr.key == key), None)


# --------------------------------------------------------------------------- validation


def _check_frame(frame: Any, name: str, kinds: Sequence[str], required: Sequence[str] = ()):
    """Validate a GeoDataFrame argument and return it in EPSG:3006."""
    import geopandas as gpd

    if frame is None:
        return None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ArgumentError(
            tr(
                "`{n}` måste vara en GeoDataFrame, fick {t}.",
                "`{n}` must be a GeoDataFrame, got {t}.",
                n=name,
                t=type(frame).__name__,
            ),
            rule="ARGUMENT_TYPE",
        )
    if frame.crs is None:
        raise ArgumentError(
            tr("`{n}` saknar koordinatsystem (CRS).", "`{n}` has no CRS.", n=name),
            rule="CRS_MISSING",
            fix=tr(
                "läs lagret med tryggaplatser.layers (EPSG:3006)",
                "read the layer with tryggaplatser.layers (EPSG:3006)",
            ),
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ArgumentError(
            tr(
                "`{n}` saknar kolumnerna {c}.",
                "`{n}` lacks the columns {c}.",
                n=name,
                c=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
            fix=tr(
                "använd resultatet från tryggaplatser.analysis",
                "use the result of tryggaplatser.analysis",
            ),
        )
    import shapely

    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        frame = frame[~missing]
        geoms = geoms[~missing]
    if len(frame):
        names = {
            0: "Point",
            1: "LineString",
            2: "LinearRing",
            3: "Polygon",
            4: "MultiPoint",
            5: "MultiLineString",
            6: "MultiPolygon",
            7: "GeometryCollection",
        }
        types = {names.get(int(t), str(t)) for t in np.unique(shapely.get_type_id(geoms))}
        if not types <= set(kinds):
            raise ArgumentError(
                tr(
                    "`{n}` ska ha geometrityperna {k}, fick {f}.",
                    "`{n}` must have geometry types {k}, got {f}.",
                    n=name,
                    k="/".join(kinds),
                    f="/".join(sorted(types)),
                ),
                rule="GEOM_TYPE_UNEXPECTED",
            )
    if frame.crs.to_epsg() != 3006:
        frame = frame.to_crs(WORKING_CRS)
    return frame


def _check_cells(cells: Any):
    """Validate a hot-spot grid: cells with ``gi_bin`` and/or ``hotspot_category``."""
    if cells is None:
        return None
    cells = _check_frame(cells, "cells", ("Polygon",))
    if not {"gi_bin", "hotspot_category"} & set(cells.columns):
        raise ArgumentError(
            tr(
                "`cells` saknar både gi_bin och hotspot_category",
                "`cells` has neither gi_bin nor hotspot_category",
            ),
            rule="COLUMNS_MISSING",
            fix=tr(
                "använd resultatet från hotspot_gistar eller hotspot_classify",
                "use the result of hotspot_gistar or hotspot_classify",
            ),
        )
    return cells


def cells_params(cells: Any) -> dict[str, dict[str, Any]]:
    """The automatic-parameter record of an analysis result (``attrs["tryggaplatser"]``)."""
    if cells is None:
        return {}
    meta = getattr(cells, "attrs", {}).get("tryggaplatser", {})
    params = meta.get("params", {}) if isinstance(meta, Mapping) else {}
    return {k: v if isinstance(v, Mapping) else {"value": v} for k, v in params.items()}


def cell_size_of(cells: Any) -> float | None:
    """Cell size of a grid result: from its params, else from the first cell's width."""
    if cells is None or len(cells) == 0:
        return None
    value = cells_params(cells).get("cell_size", {}).get("value")
    if value is not None:
        return float(value)
    minx, _, maxx, _ = cells.geometry.iloc[0].bounds
    return float(round(maxx - minx, 3))


def new_gate(mode: str, sensitive_categories: Sequence[str] = (), quiet: bool = False):
    """A publishing gate for one map (:class:`tryggaplatser.publish.gate.Gate`)."""
    from ..gate import Gate

    return Gate(check_mode(mode), sensitive_categories=sensitive_categories, quiet=quiet)


# --------------------------------------------------------------------------- classification


def palette(name: str, k: int) -> list[str]:
    """``k`` colours of a sequential palette, light to dark (k ≤ 6)."""
    colours = _PALETTES[name]
    k = max(1, min(k, len(colours)))
    idx = np.linspace(0, len(colours) - 1, k).round().astype(int)
    return [colours[i] for i in idx]


def _fmt(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):d}".replace("-", "−")
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    text = f"{value:.{digits}f}"
    return (text.replace(".", ",") if tr("sv", "en") == "sv" else text).replace("-", "−")


@dataclass(frozen=True)
class Classes:
    """A classification: class index per value, upper bounds, labels and a description."""

    yb: np.ndarray
    bins: list[float]
    labels: list[str]
    description: str


def classify(
    values: Any, scheme: str = "Quantiles", k: int = 5, *, integer: bool = False
) -> Classes:
    """Class values with mapclassify and make legend labels.

    Parameters
    ----------
    values : array-like
        Finite values to class.
    scheme : {"Quantiles", "FisherJenks", "EqualInterval"}
        mapclassify classifier. ``FisherJenks`` (Jenks' optimal natural breaks) is used only up
        to 1 000 values (it is quadratic); larger inputs fall back to ``Quantiles``.
    k : int
        Requested number of classes; reduced to the number of distinct values.
    integer : bool
        Values are counts: labels read "5–9" instead of "4,5–9,2".

    Returns
    -------
    Classes
        ``description`` names the scheme and the k actually used, e.g. "Kvantiler, k=5".
    """
    import mapclassify

    y = np.asarray(values, dtype=float)
    distinct = np.unique(y)
    k = int(max(1, min(k, len(distinct))))
    if scheme == "FisherJenks" and len(y) > 1000:
        scheme = "Quantiles"
    names = {
        "Quantiles": tr("kvantiler", "quantiles"),
        "FisherJenks": tr("naturliga brytpunkter (Jenks)", "natural breaks (Jenks)"),
        "EqualInterval": tr("lika intervall", "equal interval"),
    }
    if scheme not in names:
        raise ArgumentError(
            tr("okänd klassning {s!r}", "unknown classification {s!r}", s=scheme),
            rule="ARGUMENT_INVALID",
            fix=", ".join(names),
        )
    if k == 1:
        yb = np.zeros(len(y), dtype=int)
        bins = [float(distinct[0])] if len(distinct) else [0.0]
    else:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = getattr(mapclassify, scheme)(y, k=k)
        yb = np.asarray(clf.yb, dtype=int)
        bins = [float(b) for b in clf.bins]
    lows = [float(y.min()), *bins[:-1]] if len(y) else [0.0]
    labels = []
    for i, high in enumerate(bins):
        low = lows[i]
        if integer:
            low_i = math.floor(low) + (1 if i > 0 else 0)
            high_i = math.floor(high)
            labels.append(f"{low_i}" if low_i >= high_i else f"{low_i}–{high_i}")
        else:
            labels.append(f"{_fmt(low)} – {_fmt(high)}" if low != high else _fmt(high))
    return Classes(yb, bins, labels, f"{names[scheme]}, k={len(bins)}")


# --------------------------------------------------------------------------- grid helpers


def _xy(frame) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    xy = shapely.get_coordinates(frame.geometry.to_numpy())
    return xy[:, 0], xy[:, 1]


def grid_counts(
    x: np.ndarray, y: np.ndarray, size: float, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count points per grid cell aligned to multiples of ``size`` in EPSG:3006.

    The grid has corners at multiples of the cell size, like SCB's population grid (DOMAIN.md),
    so counts join to grid population. Returns the lower-left corners (x, y) of the non-empty
    cells and their counts (``np.unique`` on integer cell keys: ~30 ms for 1M points).
    """
    if len(x) == 0:
        empty = np.zeros(0)
        return empty, empty, np.zeros(0, dtype=np.int64)
    ix = np.floor(x / size).astype(np.int64)
    iy = np.floor(y / size).astype(np.int64)
    key = (ix - ix.min()) * (int(iy.max() - iy.min()) + 1) + (iy - iy.min())
    uniq, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse, weights=weights, minlength=len(uniq))
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(x))[::-1]
    return ix[first] * size, iy[first] * size, counts


def point_cells(frame, size: float, weights: np.ndarray | None = None):
    """The non-empty grid cells of ``frame``'s points (:func:`grid_counts`) as squares with
    ``cell_id`` (``"250mE…N…"``), the count ``n`` and, with ``weights``, their rounded sum
    ``resolved``. The public area maps draw these, and the set's disclosure plan plans them
    (:func:`~..reports.area_plan.plan_map_cells`)."""
    x, y = _xy(frame)
    x0, y0, n = grid_counts(x, y, size)
    counts = {"n": n}
    if weights is not None:
        counts["resolved"] = np.round(grid_counts(x, y, size, weights=weights)[2])
    cells = _cells_frame(x0, y0, size, **counts)
    cells.insert(0, "cell_id", cell_labels(x0, y0, size))
    return cells


def _cells_polygon(ids: str, size: float):
    """The union of the square cells named ``"125mE…N…;125mE…N…"`` (None if none parse)."""
    import shapely

    corners = [
        (float(m.group(1)), float(m.group(2)))
        for m in (re.match(r"^\d+(?:\.\d+)?mE(-?\d+)N(-?\d+)$", c.strip()) for c in ids.split(";"))
        if m
    ]
    if not corners:
        return None
    xy = np.array(corners)
    return shapely.union_all(_squares(xy[:, 0], xy[:, 1], size))


def _squares(x0: np.ndarray, y0: np.ndarray, size: float):
    import shapely

    return shapely.box(x0, y0, x0 + size, y0 + size)


def _frame(geometry, **columns) -> gpd.GeoDataFrame:
    """A prepared-layer frame: geometry + fill, stroke, tooltip, popup (the allowlist)."""
    import geopandas as gpd
    import pandas as pd
    from geopandas.array import from_shapely

    n = len(geometry)
    defaults = {"fill": [None] * n, "stroke": [None] * n, "tooltip": [""] * n, "popup": [()] * n}
    data = {k: list(columns[k]) if columns.get(k) is not None else v for k, v in defaults.items()}
    for key in ("fill", "stroke", "tooltip"):
        data[key] = _text_values(data[key])
    geoms = np.empty(n, dtype=object)
    geoms[:] = list(geometry)  # shapely geometries, as an array (no per-row conversion)
    # object columns: the values as pandas would store them (:func:`_text_values`), without
    # a round trip through Arrow strings that every reader of the layer would undo again
    frame = pd.DataFrame(data, dtype=object)
    frame["geometry"] = from_shapely(geoms, crs=_working_crs())
    return gpd.GeoDataFrame(frame, geometry="geometry")


def _text_values(values: list) -> list:
    """A text column's values as a pandas column of text holds them: when every value is text
    or missing, missing values are NaN and every text a ``str`` (pandas' ``str`` dtype);
    otherwise (only missing values, or other objects among them) the values as they are."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return values
    import pandas as pd

    if pd.api.types.infer_dtype(values, skipna=True) != "string":
        return values
    return [v if type(v) is str else str(v) if isinstance(v, str) else np.nan for v in values]


@functools.lru_cache(maxsize=1)
def _working_crs():
    """:data:`WORKING_CRS` as a ``pyproj.CRS`` (parsed once)."""
    import pyproj

    return pyproj.CRS(WORKING_CRS)


def _cells_frame(x0: np.ndarray, y0: np.ndarray, size: float, **counts: np.ndarray):
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {k: v.astype(np.int64) for k, v in counts.items()},
        geometry=_squares(x0, y0, size),
        crs=WORKING_CRS,
    )
    frame.attrs = {"tryggaplatser": {"params": {"cell_size": float(size)}}}
    return frame


def shown_counts(released, column: str = "n") -> tuple[np.ndarray, list[str]]:
    """Counts the gate released: (number or NaN when withheld, display text per cell)."""
    if f"{column}_visning" in released.columns:  # public: "<5", ".." or the number
        text = [str(v) for v in released[f"{column}_visning"]]
        values = np.array([float(t) if t.isdigit() else np.nan for t in text])
        return values, text
    values = released[column].to_numpy(dtype=float)
    flags = (
        released[f"{column}_flagga"].astype(str).to_numpy()
        if f"{column}_flagga" in released.columns
        else [""] * len(values)
    )
    text = [f"{int(v)} ({tr('få', 'few')})" if f else str(int(v)) for v, f in zip(values, flags)]
    return values, text


def count_layer(
    x: np.ndarray,
    y: np.ndarray,
    *,
    size: float,
    gate,
    key: str,
    name: str,
    unit: str,
    palette_name: str = "YlOrRd",
    show: bool = True,
    cells=None,
    plan_key: Callable[[Any, str], tuple] | None = None,
) -> MapLayer:
    """Points aggregated to grid cells, released by the gate, classed by count.

    Public mode: the gate shows counts 1–4 as "<5" (grey cells); internal: counts 1–2 flagged.
    ``cells`` (the run's grid cells with ``n``, e.g. ``Run.hotspots().cells``) are drawn
    instead of counting ``x``/``y``: the same counts as ``hotspots.gpkg``, released by the
    set's disclosure plan, so a cell shows one number in every file. ``plan_key`` names the
    plan's key of a cell of ``cells`` (default: :func:`~..reports.area_plan.layer_plan_key`).
    """
    if cells is not None:
        plan_key = plan_key or layer_plan_key(cells)
        cells = cells[["cell_id", "n", cells.geometry.name]]  # the columns shown, then rows
        released = gate.release(cells[cells["n"].to_numpy() > 0], "grid_cells", plan_key=plan_key)
    else:
        x0, y0, n = grid_counts(x, y, size)
        released = gate.release(_cells_frame(x0, y0, size, n=n), "grid_cells")
    values, text = shown_counts(released)
    fill = np.full(len(values), SUPPRESSED_COLOUR, dtype=object)
    legend: list[LegendEntry] = []
    shown = np.isfinite(values) & (values > 0)
    description = ""
    if shown.any():
        classes = classify(values[shown], "Quantiles", 5, integer=True)
        colours = palette(palette_name, len(classes.bins))
        fill[shown] = np.asarray(colours, dtype=object)[classes.yb]
        legend = [LegendEntry(c, lab) for c, lab in zip(colours, classes.labels)]
        description = classes.description
    if (~shown).any():
        legend.insert(
            0, LegendEntry(SUPPRESSED_COLOUR, tr("<5 (färre än fem)", "<5 (fewer than five)"))
        )
    frame = _frame(
        released.geometry.to_numpy(), fill=list(fill), tooltip=[f"{t} {unit}" for t in text]
    )
    title = tr("{u} per ruta ({s} m)", "{u} per cell ({s} m)", u=unit.capitalize(), s=_fmt(size))
    if description:
        title += f"; {description}"
    return MapLayer(
        key, name, "polygon", frame, title, legend, show=show, fill_opacity=0.65, weight=0.3
    )


def area_filter(frame, bounds: tuple[float, float, float, float] | None):
    """Rows of ``frame`` whose geometry intersects ``bounds`` (a bbox in EPSG:3006).

    Points are filtered on their coordinates (vectorised; no spatial index is built for a
    million incidents), other geometries with the frame's spatial index.
    """
    if frame is None or bounds is None or len(frame) == 0:
        return frame
    rows = _rows_within(frame, bounds)
    return frame if rows is None else frame.iloc[rows]


def _rows_within(frame, bounds) -> np.ndarray | None:
    """The positions of the rows :func:`area_filter` keeps (``None``: all of them)."""
    import shapely

    geoms = frame.geometry.to_numpy()
    if (shapely.get_type_id(geoms[:1]) == 0).all() and (shapely.get_type_id(geoms) == 0).all():
        x, y = shapely.get_x(geoms), shapely.get_y(geoms)
        minx, miny, maxx, maxy = bounds
        keep = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
        return None if keep.all() else np.flatnonzero(keep)
    return frame.sindex.query(_bbox(bounds), predicate="intersects")


def _bbox(bounds):
    import shapely

    return shapely.box(*bounds)


# --------------------------------------------------------------------------- builders


def areas_layer(areas, area_id: Any | None) -> MapLayer:
    """Area boundaries, the chosen area drawn heavier; tooltip: name; popup: type and population
    ("uppgift saknas" where the population was not recorded)."""
    # the same areas on every map of a set: their texts are written once (shared_parts)
    ids, tooltips, popups = _once("area-texts", (areas,), lambda: _area_texts(areas))
    selected = ids == str(area_id) if area_id is not None else np.zeros(len(ids), bool)
    stroke = np.where(selected, SELECTED_STROKE, AREA_STROKE)
    frame = _frame(
        areas.geometry.to_numpy(),
        fill=[None] * len(ids),
        stroke=stroke.tolist(),
        tooltip=tooltips,
        popup=popups,
    )
    frame["selected"] = selected
    legend = [LegendEntry(AREA_STROKE, tr("Områdesgräns", "Area boundary"), "line")]
    if selected.any():
        legend.insert(0, LegendEntry(SELECTED_STROKE, tr("Valt område", "Selected area"), "line"))
    return MapLayer(
        "areas",
        tr("Områden", "Areas"),
        "polygon",
        frame,
        tr("Områden", "Areas"),
        legend,
        fill_opacity=0.0,
        weight=1.5,
    )


def _area_texts(areas) -> tuple[np.ndarray, list[str], list[tuple]]:
    """The ``area_id`` of every area as text, its tooltip (the name) and its popup."""
    import pandas as pd

    ids = areas["area_id"].astype(str).to_numpy()
    names = areas["name"].to_numpy() if "name" in areas else ids
    popups = []
    for i, row in enumerate(areas.itertuples(index=False)):
        pairs = [(tr("Område", "Area"), names[i])]
        if "area_type" in areas.columns and isinstance(getattr(row, "area_type", None), str):
            pairs.append((tr("Typ", "Type"), vocab.label("area_type", row.area_type)))
        if "population" in areas.columns:
            pop = getattr(row, "population", None)
            shown = not_recorded() if pd.isna(pop) else f"{int(pop):,}".replace(",", " ")
            pairs.append((tr("Befolkning", "Population"), shown))
        popups.append(tuple(pairs))
    return ids, [str(n) for n in names], popups


def indicator_values(areas, indicator: Any) -> tuple[str, pd.Series, pd.Series | None]:
    """Resolve ``indicator`` to (label, values by area_id, n by area_id or None)."""
    import pandas as pd

    if isinstance(indicator, str):
        if indicator not in areas.columns:
            raise ArgumentError(
                tr(
                    "indikatorn {i!r} finns inte bland områdenas kolumner",
                    "indicator {i!r} is not a column of the areas",
                    i=indicator,
                ),
                rule="MAP_INDICATOR",
                fix=tr(
                    "ange en kolumn eller en pandas.Series per area_id",
                    "pass a column name or a pandas.Series by area_id",
                ),
            )
        values = pd.Series(areas[indicator].to_numpy(), index=areas["area_id"].astype(str))
        return indicator, pd.to_numeric(values, errors="coerce"), None
    if isinstance(indicator, pd.Series):
        values = pd.to_numeric(indicator, errors="coerce")
        values.index = values.index.astype(str)
        n = indicator.attrs.get("n")
        n = pd.Series(n).rename(index=str) if n is not None else None
        label = str(indicator.attrs.get("label") or indicator.name or tr("indikator", "indicator"))
        return label, values, n
    raise ArgumentError(
        tr(
            "`indicator` ska vara ett kolumnnamn eller en pandas.Series, fick {t}",
            "`indicator` must be a column name or a pandas.Series, got {t}",
            t=type(indicator).__name__,
        ),
        rule="ARGUMENT_TYPE",
    )


def choropleth_layer(
    areas, indicator: Any, gate, *, source=None, scheme: str = "FisherJenks", k: int = 5
) -> MapLayer:
    """Areas coloured by an indicator, classed with mapclassify.

    Values pass the gate first: with response counts (``indicator.attrs["n"]``) as a survey
    table (shares with n < 10 withheld in public mode), otherwise as an area layer.
    """
    import pandas as pd

    label, values, n = indicator_values(areas if source is None else source, indicator)
    ids = areas["area_id"].astype(str)
    table = pd.DataFrame(
        {"area_id": ids.to_numpy(), "value": values.reindex(ids).to_numpy(dtype=float)}
    )
    if n is not None:
        table["n"] = n.reindex(ids).to_numpy(dtype=float)
        table["indicator"] = label
        released = gate.release(table, "survey_table", shares=("value",), n="n")
    else:
        released = gate.release(table, "area_layer")
    v = pd_numeric(released["value"])
    suppressed = ~np.isfinite(v)
    fill = np.full(len(v), SUPPRESSED_COLOUR, dtype=object)
    legend: list[LegendEntry] = []
    description = ""
    if (~suppressed).any():
        classes = classify(v[~suppressed], scheme, k)
        colours = palette("Purples", len(classes.bins))
        fill[~suppressed] = np.asarray(colours, dtype=object)[classes.yb]
        legend = [LegendEntry(c, lab) for c, lab in zip(colours, classes.labels)]
        description = classes.description
    if suppressed.any():
        legend.append(
            LegendEntry(
                SUPPRESSED_COLOUR,
                tr("Uppgift saknas eller för få svar", "No data or too few responses"),
            )
        )
    names = areas["name"].astype(str).to_numpy() if "name" in areas else ids.to_numpy()
    shown = ["–" if s else _fmt(val) for val, s in zip(v, suppressed)]
    frame = _frame(
        areas.geometry.to_numpy(),
        fill=list(fill),
        tooltip=[f"{nm}: {t}" for nm, t in zip(names, shown)],
        popup=[((tr("Område", "Area"), nm), (label, t)) for nm, t in zip(names, shown)],
    )
    title = label + (f" ({description})" if description else "")
    layer = MapLayer(
        "indicator",
        tr("Indikator: {l}", "Indicator: {l}", l=label),
        "polygon",
        frame,
        title,
        legend,
        fill_opacity=0.45,
        weight=0.8,
    )
    return layer


def gistar_layer(cells) -> MapLayer:
    """Significant Gi* cells (bins ±1..±3) with ArcGIS-like colours."""
    bins = cells["gi_bin"].to_numpy().astype(float)
    keep = np.isfinite(bins) & (bins != 0)
    b = bins[keep].astype(int).tolist()
    label = {v: vocab.label("gi_bin", str(v)) for v in set(b)}  # a label per bin, not per cell
    frame = _frame(
        cells.geometry.to_numpy()[keep],
        fill=[GI_COLOURS[v] for v in b],
        tooltip=[label[v] for v in b],
    )
    legend = [
        LegendEntry(GI_COLOURS[v], vocab.label("gi_bin", str(v))) for v in (3, 2, 1, -1, -2, -3)
    ]
    return MapLayer(
        "gistar",
        tr("Hotspots (Gi*)", "Hot spots (Gi*)"),
        "polygon",
        frame,
        tr("Getis-Ord Gi*", "Getis-Ord Gi*"),
        legend,
        fill_opacity=0.75,
        weight=0.2,
    )


def category_layer(cells, *, outline: bool = False) -> MapLayer:
    """Space-time hotspot categories (new, intensifying, persistent ...).

    ``outline=True`` draws coloured cell outlines with a faint fill, so the layer can lie on
    top of the Gi* bins and both stay readable (the EST map).
    """
    cats = cells["hotspot_category"].astype("string").fillna("inget_monster").to_numpy()
    keep = cats != "inget_monster"
    c = cats[keep]
    fill = [CATEGORY_COLOURS.get(v, "#9e9e9e") for v in c]
    label = {v: vocab.label("hotspot_category", v) for v in set(c)}  # per category, not cell
    tips = [label[v] for v in c]
    frame = _frame(
        cells.geometry.to_numpy()[keep], fill=fill, stroke=fill if outline else None, tooltip=tips
    )
    present = [code for code in vocab.codes("hotspot_category") if code in set(c)]
    present += sorted(set(c) - set(present))
    legend = [
        LegendEntry(
            CATEGORY_COLOURS.get(v, "#9e9e9e"),
            vocab.label("hotspot_category", v),
            "line" if outline else "box",
        )
        for v in present
    ]
    return MapLayer(
        "categories",
        tr("Hotspotkategorier över tid", "Hot-spot categories over time"),
        "polygon",
        frame,
        tr("Klassning över tid", "Classification over time"),
        legend,
        fill_opacity=0.12 if outline else 0.75,
        weight=2.0 if outline else 0.6,
    )


def kde_layer(kde, gate, *, released=None) -> MapLayer:
    """Kernel density as classed cells, released by the gate.

    Public: the gate replaces ``kde`` by quantile classes 1–5 and blanks cells supported by
    fewer than 5 events; internal: raw densities, classed here by quantiles.

    Parameters
    ----------
    kde : geopandas.GeoDataFrame
        Result of ``hotspot_kde`` (``kde`` and ``n``).
    gate : Gate
        The map's publishing gate.
    released : geopandas.GeoDataFrame, optional
        ``gate.release(kde, "grid_cells")`` when the caller already has it (the KDE and the
        Gi* layers of one map often come from the same grid: released once).

    Returns
    -------
    MapLayer
    """
    if released is None:
        released = gate.release(kde, "grid_cells")
    from ..gate import density_class_labels, density_classes

    names = density_class_labels()
    colours = palette("RdPu", len(names))
    title = tr(
        "Täthet (KDE) jämfört med kommunens medeltäthet",
        "Density (KDE) against the municipality's mean density",
    )
    if "kde_class" in released.columns:  # public: the gate's classes
        cls = pd_numeric(released["kde_class"])
    else:  # internal: the same classes, from the densities
        values = released["kde"].to_numpy(dtype=float)
        cls = density_classes(values, float(np.nanmean(values)) if len(values) else 0.0)
    keep = np.isfinite(cls) & (cls >= 1)
    idx = (cls[keep].astype(int) - 1).tolist()
    fill = [colours[i] for i in idx]
    tip = [tr("Täthet: {c}", "Density: {c}", c=name) for name in names]  # per class, not cell
    tips = [tip[i] for i in idx]
    legend = [LegendEntry(c, lab) for c, lab in zip(colours, names, strict=True)]
    frame = _frame(released.geometry.to_numpy()[keep], fill=fill, tooltip=tips)
    return MapLayer(
        "kde",
        tr("Täthet (KDE)", "Density (KDE)"),
        "polygon",
        frame,
        title,
        legend,
        show=False,
        fill_opacity=0.6,
        weight=0.0,
    )


def pd_numeric(series) -> np.ndarray:
    """A column as floats (NA → NaN)."""
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def snapped_points_layer(
    x: np.ndarray,
    y: np.ndarray,
    *,
    snap: float,
    unit: str,
    key: str,
    name: str,
    colour: str = "#b30000",
    quiet: bool = False,
) -> tuple[MapLayer, float]:
    """Internal mode: points snapped to ≥ 50 m and merged per snapped cell (with counts).

    The snap distance doubles until at most ``MAX_POINT_MARKERS`` markers remain, so a map
    never carries one marker per incident; the choice is announced and returned.
    """
    snap = max(float(snap), MIN_SNAP)
    chosen = snap
    while True:
        x0, y0, n = grid_counts(x, y, chosen)
        if len(n) <= MAX_POINT_MARKERS:
            break
        chosen *= 2
    if chosen != snap:
        announce(
            tr(
                "Punkter fästa till {s} m (i stället för {o} m) så att kartan har högst {m} "
                "markörer.",
                "Points snapped to {s} m (instead of {o} m) so the map has at most {m} markers.",
                s=_fmt(chosen),
                o=_fmt(snap),
                m=MAX_POINT_MARKERS,
            ),
            quiet=quiet,
        )

    pts = _shared_points(x0 + chosen / 2, y0 + chosen / 2)
    tip_of: dict[int, str] = {}  # a few distinct counts over thousands of markers
    for v in np.unique(n):
        count = int(v)
        few = tr("{n} (få)", "{n} (few)", n=count) if v <= INTERNAL_FLAG_MAX else str(count)
        tip_of[count] = f"{few} {unit}"
    tips = [tip_of[int(v)] for v in n]
    frame = _frame(pts, fill=[colour] * len(n), tooltip=tips)
    frame["n"] = n.astype(int)
    legend = [
        LegendEntry(
            colour,
            tr(
                "{u}, fäst till {s} m; storlek = antal",
                "{u}, snapped to {s} m; size = count",
                u=unit.capitalize(),
                s=_fmt(chosen),
            ),
            "circle",
        )
    ]
    layer = MapLayer(
        key,
        name,
        "point",
        frame,
        name,
        legend,
        show=False,
        fill_opacity=0.7,
        weight=0.8,
        radius=4.0,
    )
    return layer, chosen


def _shared_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``shapely.points(x, y)``; inside :func:`shared_parts` a point of the same coordinates
    is made once per set of maps (the snapped markers of neighbouring areas coincide)."""
    import shapely

    memo = shared_memo("points")
    if memo is None:
        return shapely.points(x, y)
    out = np.empty(len(x), dtype=object)
    missing = []
    for i, key in enumerate(zip(x.tolist(), y.tolist())):
        point = memo.get(key) if key[0] and key[1] else None  # ±0.0 are equal keys: made anew
        if point is None:
            missing.append(i)
        else:
            out[i] = point
    if missing:
        made = shapely.points(x[missing], y[missing])
        for i, point in zip(missing, made):
            memo[(float(x[i]), float(y[i]))] = out[i] = point
    return out


def _date(value: Any) -> str:
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    from ...analysis.periods import local_date

    try:
        return local_date(value).isoformat()  # the local date of a tz-aware timestamp
    except (TypeError, ValueError):
        return str(value)


def _get(row: Mapping[str, Any], column: str) -> Any:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


#: The columns of safety-walk observations their map popups show.
_WALK_COLUMNS = (
    "status",
    "problem_category",
    "perception",
    "priority",
    "proposed_measure",
    "responsible",
    "responsible_type",
    "decided_on",
    "due_on",
    "resolved_on",
    "reason_if_not",
)


def _records(frame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of the ``columns`` it has (as ``to_dict("records")``)."""
    return frame[[c for c in columns if c in frame.columns]].to_dict("records")


def walk_points_layer(walk_observations) -> MapLayer:
    """Internal: safety-walk observations coloured by status, with action popups."""
    records = _records(walk_observations, _WALK_COLUMNS)
    fill, tips, popups = [], [], []
    for row in records:
        status = str(_get(row, "status") or "ny")
        problem = vocab.label("problem_category", _get(row, "problem_category") or "annat")
        fill.append(STATUS_COLOURS.get(status, "#636363"))
        tips.append(f"{problem} – {vocab.label('observation_status', status)}")
        pairs = [
            (tr("Problem", "Problem"), problem),
            (
                tr("Upplevelse", "Perception"),
                vocab.label("perception", _get(row, "perception") or ""),
            ),
            (tr("Prioritet", "Priority"), vocab.label("priority", _get(row, "priority") or "")),
            (tr("Föreslagen åtgärd", "Proposed measure"), _get(row, "proposed_measure") or ""),
            (
                tr("Ansvarig", "Responsible"),
                _get(row, "responsible")
                or vocab.label("responsible_type", _get(row, "responsible_type") or ""),
            ),
            (tr("Status", "Status"), vocab.label("observation_status", status)),
            (tr("Beslutad", "Decided"), _date(_get(row, "decided_on"))),
            (tr("Klart senast", "Due"), _date(_get(row, "due_on"))),
            (tr("Åtgärdad", "Resolved"), _date(_get(row, "resolved_on"))),
        ]
        if _get(row, "reason_if_not"):
            pairs.append(
                (tr("Skäl om ej åtgärdad", "Reason if not resolved"), row["reason_if_not"])
            )
        popups.append(tuple((k, str(v)) for k, v in pairs if v not in ("", None)))
    frame = _frame(walk_observations.geometry.to_numpy(), fill=fill, tooltip=tips, popup=popups)
    return MapLayer(
        "walks",
        tr("Trygghetsvandringar: observationer", "Safety walks: observations"),
        "point",
        frame,
        tr("Observationer efter status", "Observations by status"),
        _walk_legend(walk_observations),
        fill_opacity=0.9,
        weight=1.2,
        radius=7.0,
    )


def _walk_legend(walk_observations) -> list[LegendEntry]:
    """The statuses the observations have, in the vocabulary's order."""
    present = set(walk_observations["status"].astype(str)) if len(walk_observations) else set()
    return _status_legend(present)


def _status_legend(present: set) -> list[LegendEntry]:
    """The legend of the observation statuses in ``present``, in the vocabulary's order."""
    return [
        LegendEntry(STATUS_COLOURS[c], vocab.label("observation_status", c), "circle")
        for c in vocab.codes("observation_status")
        if c in present
    ]


def _codes_text(value: Any, vocabulary: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    parts = [p.strip() for p in str(value).replace(",", ";").split(";") if p.strip()]
    return ", ".join(vocab.label(vocabulary, p) for p in parts)


def dialogue_points_layer(dialogue) -> MapLayer:
    """Internal: citizen-dialogue pins coloured by perception (comments were redacted at import)."""
    records = _records(dialogue, ("perception", "reasons", "time_of_day", "comment"))
    fill, tips, popups = [], [], []
    for row in records:
        perception = str(_get(row, "perception") or "otrygg")
        label = vocab.label("perception", perception)
        fill.append(PERCEPTION_COLOURS.get(perception, "#636363"))
        reasons = _codes_text(_get(row, "reasons"), "reason")
        tips.append(label + (f": {reasons}" if reasons else ""))
        pairs = [
            (tr("Upplevelse", "Perception"), label),
            (tr("Orsaker", "Reasons"), reasons),
            (
                tr("Tid på dygnet", "Time of day"),
                _codes_text(_get(row, "time_of_day"), "time_of_day"),
            ),
            (tr("Kommentar", "Comment"), _get(row, "comment") or ""),
        ]
        popups.append(tuple((k, str(v)) for k, v in pairs if v))
    frame = _frame(dialogue.geometry.to_numpy(), fill=fill, tooltip=tips, popup=popups)
    legend = [
        LegendEntry(PERCEPTION_COLOURS[c], vocab.label("perception", c), "circle")
        for c in ("otrygg", "trygg")
    ]
    return MapLayer(
        "dialogue",
        tr("Medborgardialog", "Citizen dialogue"),
        "point",
        frame,
        tr("Medborgardialog: upplevelse", "Citizen dialogue: perception"),
        legend,
        show=False,
        fill_opacity=0.85,
        weight=0.8,
        radius=5.0,
    )


def walk_cells_layer(walk_observations, size: float, gate) -> MapLayer:
    """Public: walk observations generalised to cells: number and number resolved (gated;
    by the set's disclosure plan when it has them, :func:`~..reports.area_plan.plan_map_cells`).
    """
    resolved = (walk_observations["status"].astype(str) == "atgardad").to_numpy(dtype=float)
    measure = {"n": "n", "resolved": "n_atgardad"}
    released = gate.release(
        point_cells(walk_observations, size, weights=resolved),
        "grid_cells",
        counts=("n", "resolved"),
        plan_key=lambda row, col: walk_cell_key(measure[col], size, row["cell_id"]),
    )
    nv, nt = shown_counts(released, "n")
    rv, rt = shown_counts(released, "resolved")
    colours = palette("Greens", 4)
    ok = np.isfinite(nv) & np.isfinite(rv) & (nv > 0)
    share = np.where(ok, rv / np.where(ok, nv, 1), np.nan)
    fill = [colours[min(3, int(sh * 4))] if k else SUPPRESSED_COLOUR for k, sh in zip(ok, share)]
    tips = [
        tr("{n} observationer, {r} åtgärdade", "{n} observations, {r} resolved", n=a, r=b)
        for a, b in zip(nt, rt)
    ]
    frame = _frame(released.geometry.to_numpy(), fill=fill, tooltip=tips)
    legend = [
        LegendEntry(c, lab) for c, lab in zip(colours, ["0–24 %", "25–49 %", "50–74 %", "75–100 %"])
    ]
    legend.append(
        LegendEntry(
            SUPPRESSED_COLOUR, tr("Andel dold (färre än fem)", "Share withheld (fewer than five)")
        )
    )
    return MapLayer(
        "walks",
        tr("Trygghetsvandringar: åtgärdsgrad", "Safety walks: share resolved"),
        "polygon",
        frame,
        tr(
            "Åtgärdade observationer per ruta ({s} m)",
            "Resolved observations per cell ({s} m)",
            s=_fmt(size),
        ),
        legend,
        show=False,
        fill_opacity=0.6,
        weight=0.3,
    )


FOCUS_COLOUR = "#00441b"

#: The background map's colours: light, so the data stays in front.
BASEMAP_ROAD = "#a3a3a3"
BASEMAP_WATER = "#cfe0ec"
BASEMAP_BUILDING = "#dcd8d0"
#: Tolerance (m) when simplifying background geometries for a map: invisible, far smaller.
BASEMAP_SIMPLIFY_M = 2.0
BASEMAP_KEYS = ("basemap_water", "basemap_buildings", "basemap_roads")


def basemap_layers(basemap: Any, bounds, gate) -> list[MapLayer]:
    """The ``[basemap]`` layers of a map, clipped to its extent, drawn lightly under the data.

    Water and buildings as pale polygons, streets as thin grey lines whose tooltip is the
    street name. Geometries are clipped to ``bounds`` and simplified by
    :data:`BASEMAP_SIMPLIFY_M` so a map only carries what it shows. Buildings are left out of
    public maps: they add bulk without helping to find a place, and small axis-aligned
    rectangles would read as grid cells finer than the public grid to the audit.

    Parameters
    ----------
    basemap : Basemap or None
        From :func:`tryggaplatser.layers.basemap.load_basemap`.
    bounds : tuple
        The map's extent in EPSG:3006.
    gate : Gate
        The map's gate (its mode decides on buildings).

    Returns
    -------
    list of MapLayer
        Keys among :data:`BASEMAP_KEYS`, bottom first; empty without a basemap.
    """
    if basemap is None:
        return []
    import shapely

    box = shapely.box(*bounds)
    layers = []
    water = _clipped(getattr(basemap, "water", None), box)
    if water is not None:
        geoms, _ = water
        frame = _frame(geoms, fill=[BASEMAP_WATER] * len(geoms), stroke=None)
        layers.append(_basemap_layer("basemap_water", tr("Vatten", "Water"), "polygon", frame))
    buildings = None if gate.public else _clipped(getattr(basemap, "buildings", None), box)
    if buildings is not None:
        geoms, _ = buildings
        frame = _frame(geoms, fill=[BASEMAP_BUILDING] * len(geoms), stroke=None)
        layers.append(
            _basemap_layer("basemap_buildings", tr("Byggnader", "Buildings"), "polygon", frame)
        )
    roads = _clipped(getattr(basemap, "roads", None), box)
    if roads is not None:
        geoms, rows = roads
        parts, part_of = shapely.get_parts(geoms, return_index=True)  # as ``explode``
        lines = shapely.get_type_id(parts) == 1  # LineString
        names = _once("road-names", (basemap.roads,), lambda: _road_names(basemap.roads))
        frame = _frame(
            parts[lines],
            stroke=[BASEMAP_ROAD] * int(lines.sum()),
            tooltip=names[rows[part_of[lines]]].tolist(),
        )
        layers.append(_basemap_layer("basemap_roads", tr("Gator", "Streets"), "line", frame))
    return layers


def _road_names(roads) -> np.ndarray:
    """The name of every road as text (``""`` without one)."""
    name = roads["name"]
    return name.astype(object).where(name.notna(), "").astype(str).to_numpy()


def _clipped(frame, box) -> tuple[np.ndarray, np.ndarray] | None:
    """The geometries of ``frame`` (EPSG:3006) that meet ``box``, clipped to it and simplified
    by :data:`BASEMAP_SIMPLIFY_M`, with their rows in ``frame`` (None when none is left).

    The frame's spatial index (built once per frame) finds the geometries that meet the box:
    a map of one area clips only its own streets, not the municipality's."""
    import shapely

    if frame is None or len(frame) == 0:
        return None
    if frame.crs and frame.crs.to_epsg() != 3006:
        frame = frame.to_crs(WORKING_CRS)
    rows = np.sort(frame.sindex.query(box, predicate="intersects"))
    geoms = shapely.intersection(frame.geometry.to_numpy()[rows], box)
    geoms = shapely.simplify(geoms, BASEMAP_SIMPLIFY_M, preserve_topology=True)
    keep = ~shapely.is_empty(geoms)
    return (geoms[keep], rows[keep]) if keep.any() else None


#: Longest side (pixels) of the background image drawn under a figure, and its opacity.
BASEMAP_IMAGE_PX = 1600
BASEMAP_IMAGE_OPACITY = 0.5


def background_image(path: Any, bounds, max_px: int = BASEMAP_IMAGE_PX) -> np.ndarray | None:
    """The ``[basemap]`` image warped onto a map's extent in EPSG:3006, as RGBA bytes.

    The image is reprojected (bilinear) to a north-up grid over ``bounds`` whose longest side is
    ``max_px`` pixels; one band is shown grey (or through its colour table), three or more as
    RGB; values other than bytes are stretched between their 2nd and 98th percentiles. Pixels
    without data are transparent. ``None`` without an image or when it does not reach the map.
    """
    if path is None:
        return None
    import rasterio
    from rasterio.transform import from_bounds
    from rasterio.warp import Resampling, reproject

    minx, miny, maxx, maxy = bounds
    scale = max_px / max(maxx - minx, maxy - miny)
    width, height = max(1, round((maxx - minx) * scale)), max(1, round((maxy - miny) * scale))
    transform = from_bounds(minx, miny, maxx, maxy, width, height)
    with rasterio.open(path) as src:
        bands = [1, 2, 3] if src.count >= 3 else [1]
        out = np.zeros((len(bands), height, width), dtype="float64")
        for i, band in enumerate(bands):
            reproject(
                rasterio.band(src, band),
                out[i],
                dst_transform=transform,
                dst_crs=WORKING_CRS,
                dst_nodata=np.nan,
                resampling=Resampling.bilinear,
            )
        valid = np.isfinite(out).all(axis=0)
        colormap = src.colormap(1) if src.count == 1 and _has_colormap(src) else None
        dtype = src.dtypes[0]
    if not valid.any():
        return None
    if colormap is not None:
        lut = np.zeros((256, 3), dtype="uint8")
        for value, rgba in colormap.items():
            if 0 <= value < 256:
                lut[value] = rgba[:3]
        rgb = lut[np.nan_to_num(out[0]).round().clip(0, 255).astype("uint8")]
    else:
        if dtype != "uint8":
            lo, hi = np.nanpercentile(out[:, valid], [2, 98])
            out = (out - lo) / ((hi - lo) or 1.0) * 255.0
        rgb = np.moveaxis(np.nan_to_num(out).clip(0, 255).astype("uint8"), 0, -1)
        if rgb.shape[-1] == 1:
            rgb = np.repeat(rgb, 3, axis=-1)
    alpha = np.where(valid, 255, 0).astype("uint8")[..., None]
    return np.concatenate([rgb, alpha], axis=-1)


def _has_colormap(src: Any) -> bool:
    try:
        src.colormap(1)
    except ValueError:
        return False
    return True


def _basemap_layer(key: str, name: str, kind: str, frame) -> MapLayer:
    """A background layer: no legend, light, below everything else."""
    return MapLayer(
        key,
        tr("Bakgrund: {n}", "Background: {n}", n=name),
        kind,
        frame,
        fill_opacity=0.0 if kind == "line" else 1.0,
        weight=1.0 if kind == "line" else 0.0,
    )


def focus_frame(focus_places, size: float):
    """Focus places as a GeoDataFrame of ranked grid cells in EPSG:3006.

    Parameters
    ----------
    focus_places : pandas.DataFrame or geopandas.GeoDataFrame
        Either the EST brief's ranked list (``ESTBrief.focus`` or
        :func:`tryggaplatser.analysis.est.focus_places`: ``rank``, ``cell_id``, lower-left
        corner ``cell_x``/``cell_y``, ``reasons`` and optionally ``area_name`` and ``score``;
        the cell size is ``attrs["cell_size"]``), or a GeoDataFrame of places (``name``,
        optional ``rank`` and ``reason``/``reasons``) as points or polygons.
    size : float
        Cell size (m) for points and for a list without ``attrs["cell_size"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``rank``, ``name``, ``reasons``, ``area_name``, ``cell_id``, ``place_name``
        (street description, ``""`` when none), ``score`` and
        square cells as geometry (a point becomes the grid cell, on multiples of ``size``,
        that holds it), sorted by rank.
    """
    import geopandas as gpd
    import shapely

    n = len(focus_places)

    def column(*names: str, default: Any = "") -> list:
        for name in names:
            if name in focus_places.columns:
                return (
                    focus_places[name]
                    .astype(object)
                    .where(focus_places[name].notna(), default)
                    .tolist()
                )
        return [default] * n

    ranks = (
        pd_numeric(focus_places["rank"])
        if "rank" in focus_places.columns
        else np.arange(1, n + 1, dtype=float)
    )
    if isinstance(focus_places, gpd.GeoDataFrame):
        geoms = focus_places.geometry.to_numpy().copy()
        points = shapely.get_type_id(geoms) == 0
        if points.any():
            xy = shapely.get_coordinates(geoms[points])
            geoms[points] = _squares(
                np.floor(xy[:, 0] / size) * size, np.floor(xy[:, 1] / size) * size, size
            )
    else:
        missing = [c for c in ("cell_x", "cell_y") if c not in focus_places.columns]
        if missing:
            raise ArgumentError(
                tr(
                    "`focus_places` saknar kolumnerna {c}.",
                    "`focus_places` lacks the columns {c}.",
                    c=", ".join(missing),
                ),
                rule="COLUMNS_MISSING",
                fix=tr(
                    "använd ESTBrief.focus eller analysis.est.focus_places",
                    "use ESTBrief.focus or analysis.est.focus_places",
                ),
            )
        cell = float(focus_places.attrs.get("cell_size") or size)
        x0 = pd_numeric(focus_places["cell_x"])
        y0 = pd_numeric(focus_places["cell_y"])
        ok = np.isfinite(x0) & np.isfinite(y0)
        geoms = np.array([None] * n, dtype=object)
        geoms[ok] = _squares(x0[ok], y0[ok], cell)
        if "cells" in focus_places.columns:  # a place of several touching cells: their union
            for i, ids in enumerate(focus_places["cells"].tolist()):
                place = _cells_polygon(str(ids), cell) if ok[i] and isinstance(ids, str) else None
                if place is not None:
                    geoms[i] = place
    area_names = column("area_name")
    frame = gpd.GeoDataFrame(
        {
            "rank": ranks,
            "name": column("name", "label", "area_name"),
            "reasons": column("reasons", "reason"),
            "area_name": area_names,
            "cell_id": column("cell_id"),
            "place_name": column("place_name"),
            "score": column("score", default=None),
        },
        geometry=list(geoms),
        crs=getattr(focus_places, "crs", None) or WORKING_CRS,
    )
    frame = frame[~frame.geometry.isna()]
    if frame.crs.to_epsg() != 3006:
        frame = frame.to_crs(WORKING_CRS)
    return frame.sort_values("rank", kind="stable").reset_index(drop=True)


def _check_focus(focus_places: Any):
    """Validate ``focus_places``: a GeoDataFrame of places or the EST brief's ranked list."""
    import geopandas as gpd
    import pandas as pd

    if focus_places is None or isinstance(focus_places, gpd.GeoDataFrame):
        return _check_frame(focus_places, "focus_places", ("Point", "Polygon", "MultiPolygon"))
    if not isinstance(focus_places, pd.DataFrame):
        raise ArgumentError(
            tr(
                "`focus_places` måste vara en (Geo)DataFrame, fick {t}.",
                "`focus_places` must be a (Geo)DataFrame, got {t}.",
                t=type(focus_places).__name__,
            ),
            rule="ARGUMENT_TYPE",
        )
    return focus_places


def focus_layer(focus_places, gate, size: float) -> MapLayer | None:
    """The EST brief's ranked focus places as outlined grid cells with their rank number.

    Focus places are an internal working list (where guards and night walkers go next week):
    a public gate gets ``None`` and the map has no focus layer. Internally each place is drawn
    as the outline of its grid cell, labelled with its rank; the popup names the place and
    lists the reasons behind the rank, one per line. The renderers escape every text
    (:func:`tryggaplatser.publish.safe_text.html`).

    Parameters
    ----------
    focus_places : pandas.DataFrame or geopandas.GeoDataFrame
        See :func:`focus_frame`.
    gate : Gate
        The map's publishing gate; its mode decides.
    size : float
        Cell size (m) of the map's grid.

    Returns
    -------
    MapLayer or None
    """
    if gate.public:
        return None
    focus = focus_frame(focus_places, size)
    released = gate.release(focus[["name", "cell_id", "geometry"]], "map_layer")
    ranks = focus["rank"].to_numpy(dtype=float)
    labels = [str(int(r)) if np.isfinite(r) else "•" for r in ranks]
    popups = []
    for lab, name, row in zip(labels, released["name"].astype(str), focus.itertuples(index=False)):
        place = f"{lab}. {name}" if name else lab
        pairs = [(tr("Fokusplats", "Focus place"), place)]
        if row.place_name:
            pairs.append((tr("Gata", "Street"), str(row.place_name)))
        if row.area_name and str(row.area_name) != name:
            pairs.append((tr("Område", "Area"), str(row.area_name)))
        if row.cell_id:
            pairs.append((tr("Ruta", "Cell"), str(row.cell_id)))
        if row.score is not None and np.isfinite(float(row.score)):
            pairs.append((tr("Poäng", "Score"), _fmt(float(row.score))))
        reasons = [r.strip() for r in str(row.reasons or "").split(";") if r.strip()]
        if reasons:
            pairs.append((tr("Skäl", "Reasons"), "\n".join(f"• {r}" for r in reasons)))
        popups.append(tuple(pairs))
    n = len(released)
    frame = _frame(
        released.geometry.to_numpy(), stroke=[FOCUS_COLOUR] * n, tooltip=labels, popup=popups
    )
    legend = [
        LegendEntry(
            FOCUS_COLOUR,
            tr("Fokusplats nästa vecka (med rangnummer)", "Focus place next week (with its rank)"),
            "outline",
        )
    ]
    return MapLayer(
        "focus",
        tr("Fokusplatser", "Focus places"),
        "polygon",
        frame,
        tr("Fokusplatser", "Focus places"),
        legend,
        fill_opacity=0.0,
        weight=3.0,
        dash="6 4",
    )


# --------------------------------------------------------------------------- title facts


def period_text(incidents, mode: str) -> str:
    """First and last incident date (public: months only)."""
    if incidents is None or "occurred_at" not in incidents or len(incidents) == 0:
        return ""
    import pandas as pd

    t = pd.to_datetime(incidents["occurred_at"], utc=True, errors="coerce").dropna()
    if t.empty:
        return ""
    t = t.dt.tz_convert(LOCAL_TZ)
    fmt = "%Y-%m" if mode == "public" else "%Y-%m-%d"
    lo, hi = t.min().strftime(fmt), t.max().strftime(fmt)
    return lo if lo == hi else f"{lo} – {hi}"


_SHOWN_PARAMS = ("cell_size", "bandwidth", "neighbourhood", "fdr", "period", "period_days")


def _local_day(text: str, end: bool = False) -> str:
    """A recorded UTC timestamp as a Stockholm date (``YYYY-MM-DD``); the exclusive end of a
    ``[start, end)`` window at local midnight is shown as the last day included."""
    import pandas as pd

    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return text
    if ts.tzinfo is None:
        return text
    from ...analysis.periods import last_local_day, local_date

    return (last_local_day(ts) if end else local_date(ts)).isoformat()


def _param_value(name: str, value: Any, mode: str) -> str:
    if isinstance(value, bool):
        return tr("ja", "yes") if value else tr("nej", "no")
    if name in ("cell_size", "bandwidth", "distance") and isinstance(value, (int, float)):
        return f"{_fmt(float(value))} m"
    if isinstance(value, Mapping):
        if "distance_m" in value:
            return tr(
                "{c} celler inom {d} m",
                "{c} cells within {d} m",
                c=value.get("cells", "?"),
                d=_fmt(float(value["distance_m"])),
            )
        return ", ".join(f"{k} {_param_value(k, v, mode)}" for k, v in value.items())
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, str) for v in value)
    ):
        n = 7 if mode == "public" else 10
        lo, hi = _local_day(value[0])[:n], _local_day(value[1], end=True)[:n]
        return lo if lo == hi else f"{lo} – {hi}"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)


def param_facts(cells: Any, mode: str) -> list[tuple[str, str]]:
    """Title-block rows from an analysis result's automatic-parameter record.

    Every automatically chosen parameter is listed (value + "automatiskt"), plus the cell size
    and the multiple-testing correction; the KDE bandwidth is never shown in public mode
    (REFERENCE.md §5).
    """
    labels = {
        "cell_size": tr("Cellstorlek", "Cell size"),
        "bandwidth": tr("Bandbredd (KDE)", "Bandwidth (KDE)"),
        "neighbourhood": tr("Gi*-grannskap", "Gi* neighbourhood"),
        "fdr": tr("FDR-korrigering", "FDR correction"),
        "period": tr("Analysperiod", "Analysis period"),
        "period_days": tr("Period för klassning", "Classification period"),
        "period_length": tr("Periodlängd", "Period length"),
        "test": tr("Signifikanstest", "Significance test"),
    }
    rows = []
    for name, rec in cells_params(cells).items():
        if mode == "public" and "bandwidth" in name:
            continue
        if name == "place_names":  # how tables name places; the map shows the streets
            continue
        if not rec.get("auto") and name not in _SHOWN_PARAMS:
            continue
        text = _param_value(name, rec.get("value"), mode)
        if name == "test":  # the test in words, with its rule (too few events, exact, normal)
            text = str(rec.get("rule") or text)
        if rec.get("auto"):
            text += tr(" (automatiskt)", " (automatic)")
        rows.append((labels.get(name, name.replace("_", " ").capitalize()), text))
    return rows


def merge_facts(*groups: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Concatenate title-block rows, keeping the first of duplicate labels."""
    seen: set[str] = set()
    out = []
    for group in groups:
        for label, value in group:
            if label not in seen and value not in ("", None):
                seen.add(label)
                out.append((label, str(value)))
    return out


# --------------------------------------------------------------------------- map contents


def mode_label(mode: str) -> str:
    """The mode as shown in title blocks."""
    return (
        tr("Publik", "Public")
        if mode == "public"
        else tr("Intern – ej för spridning", "Internal – not for distribution")
    )


def resolve_area(areas, area_id: Any) -> tuple[str, str]:
    """(area_id, name) of the chosen area; accepts an id or an exact name."""
    ids, names = _area_keys(areas)
    key = str(area_id)
    hit = ids == key
    if not hit.any():
        folded = key.casefold()
        hit = np.array([isinstance(n, str) and n.casefold() == folded for n in names], bool)
    if not hit.any():
        known = ", ".join(f"{i} ({n})" for i, n in list(zip(ids, names))[:8])
        raise ArgumentError(
            tr("området {a!r} finns inte", "area {a!r} does not exist", a=key),
            rule="AREA_UNKNOWN",
            fix=tr("välj ett av: {k}", "choose one of: {k}", k=known),
        )
    i = int(np.flatnonzero(hit)[0])
    return ids[i], names[i]


def _area_keys(areas) -> tuple[np.ndarray, np.ndarray]:
    """``area_id`` and ``name`` of every area as text (the id when there are no names), once
    per set of maps (:func:`shared_parts`)."""

    def keys() -> tuple[np.ndarray, np.ndarray]:
        ids = areas["area_id"].astype(str).to_numpy()
        return ids, areas["name"].astype(str).to_numpy() if "name" in areas else ids

    return _once("area-keys", (areas,), keys)


def _expand(bounds, margin: float = 0.08, minimum: float = 300.0):
    minx, miny, maxx, maxy = bounds
    pad = max(minimum, margin * max(maxx - minx, maxy - miny))
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def public_cell_size(size: float | None, mode: str) -> float:
    """The cell size to aggregate points to: at least 250 m in public mode."""
    size = float(size) if size else PUBLIC_MIN_CELL_SIZE
    return max(size, PUBLIC_MIN_CELL_SIZE) if mode == "public" else size


def usable_incidents(incidents, gate):
    """Incidents that may be drawn at their place.

    Records located at the municipality centroid (``location_precision = kommun_centroid``,
    e.g. Polisen's open events) are never drawn as if they happened there; in public mode the
    gate's sensitive categories are left out (never shown below municipality level).
    """
    if incidents is None:
        return None
    keep = np.ones(len(incidents), dtype=bool)
    if "location_precision" in incidents.columns:
        keep &= (
            (incidents["location_precision"].astype("string") != "kommun_centroid")
            .fillna(True)
            .to_numpy(dtype=bool)
        )
    if gate.public and gate.sensitive and "category" in incidents.columns:
        keep &= ~incidents["category"].astype(str).isin(sorted(gate.sensitive)).to_numpy()
    return incidents[keep]


def _released_points_within(frame, bounds, gate, layer: str, geometry_only: bool = False):
    """``gate.release`` of the points of ``frame`` within ``bounds`` (internal maps).

    Inside :func:`shared_parts` the whole layer is released once and each map takes its rows:
    the release works row by row (columns kept, free text redacted, points snapped), so the
    rows of the released layer are the released rows."""
    if geometry_only:
        frame = _once(f"{layer}-geometry", (frame,), lambda: frame[[frame.geometry.name]])
    if _SHARED.get() is None:
        return gate.release(area_filter(frame, bounds), "points", layer=layer)
    released = _once(
        f"released-{layer}", (frame, gate), lambda: gate.release(frame, "points", layer=layer)
    )
    rows = _rows_within(frame, bounds) if bounds is not None and len(frame) else None
    return released if rows is None else released.iloc[rows]


def _released_xy_within(frame, bounds, gate, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """The coordinates of :func:`_released_points_within` (geometry only).

    Inside :func:`shared_parts` the coordinates of every released point and of every point
    are taken once, and each map takes the released coordinates of its own points."""
    import shapely

    if _SHARED.get() is None or bounds is None:
        return _xy(_released_points_within(frame, bounds, gate, layer, True))
    released = _released_points_within(frame, None, gate, layer, True)
    empty = _once(
        f"{layer}-released-empty",
        (released,),
        lambda: bool(shapely.is_empty(released.geometry.to_numpy()).any()),
    )
    if len(frame) == 0 or empty:
        return _xy(_released_points_within(frame, bounds, gate, layer, True))
    x, y = _once(f"{layer}-released-xy", (released,), lambda: _xy(released))
    px, py = _once(f"{layer}-xy", (frame,), lambda: _point_xy(frame))
    if px is None:  # not all points: the rows by the spatial index
        rows = _rows_within(frame, bounds)
    else:
        minx, miny, maxx, maxy = bounds
        keep = (px >= minx) & (px <= maxx) & (py >= miny) & (py <= maxy)
        rows = None if keep.all() else np.flatnonzero(keep)
    return (x, y) if rows is None else (x[rows], y[rows])


def _point_xy(frame) -> tuple[np.ndarray | None, np.ndarray | None]:
    """x and y of a frame of points as :func:`_rows_within` reads them (None, None if the
    frame holds other geometries)."""
    import shapely

    geoms = frame.geometry.to_numpy()
    if not (shapely.get_type_id(geoms) == 0).all():
        return None, None
    return shapely.get_x(geoms), shapely.get_y(geoms)


_SHARED: ContextVar[dict | None] = ContextVar("tryggaplatser_shared_map_parts", default=None)


@contextmanager
def shared_parts() -> Iterator[None]:
    """Within this block, the parts of a neighbourhood map that do not depend on the chosen
    area (the released area layer, the choropleth, the drawable incidents) are prepared once
    for the same inputs and reused by every map: ``map --all`` draws one map per area.

    The inputs must not change inside the block (they are recognised by identity and held
    until the block ends, so an identity is never reused for another object)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared_memo(name: str) -> dict | None:
    """Inside :func:`shared_parts`, a dict kept under ``name`` until the block ends (for
    parts recognised by their content rather than their inputs); ``None`` outside it."""
    memo = _SHARED.get()
    return None if memo is None else memo.setdefault(("memo", name), {})


def _once(name: str, inputs: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or inside :func:`shared_parts` its result for the same ``inputs``."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    key = (name, *map(id, inputs))
    if key not in memo:
        memo[key] = (inputs, compute())  # the inputs are held: their ids stay theirs
    return memo[key][1]


def _once_released(name: str, inputs: tuple, gate, compute: Callable[[], Any]) -> Any:
    """:func:`_once` of a part that the gate releases: a reused part adds again what its
    release recorded in the gate's summary (suppressed values, rules), so the set's
    disclosure report counts it once per map, as if it had been released again."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    key = (name, *map(id, inputs))
    if key in memo:
        gate.add_summary(memo[key][2])
        return memo[key][1]
    before = gate.take_summary()
    try:
        result = compute()
    finally:
        recorded = gate.take_summary()
        gate.add_summary(before)
        gate.add_summary(recorded)
    memo[key] = (inputs, result, recorded)
    return result


def neighbourhood_content(
    area_id: Any | None,
    *,
    areas,
    cells=None,
    kde=None,
    incidents=None,
    walk_observations=None,
    dialogue=None,
    indicator: Any = None,
    gate,
    title_params: Mapping[str, Any] | None = None,
    snap: float = MIN_SNAP,
    quiet: bool = False,
    basemap: Any = None,
) -> MapContent:
    """Prepare the layers of a neighbourhood map (see ``maps.neighbourhood_map``)."""
    mode = gate.mode
    inputs = (areas, cells, kde, incidents, walk_observations, dialogue)
    # the same inputs for every area's map: checked once
    areas, cells, kde, incidents, walk_observations, dialogue = _once(
        "checked", inputs, lambda: _checked_neighbourhood_inputs(*inputs)
    )
    chosen_id, chosen_name, bounds, title = _neighbourhood_extent(areas, area_id)
    incidents = _once("incidents", (incidents, gate), lambda: usable_incidents(incidents, gate))
    size = public_cell_size(cell_size_of(cells) or cell_size_of(kde), mode)
    # all areas: classes are municipality-wide
    visible_areas = _once("areas", (areas, gate), lambda: gate.release(areas, "area_layer"))
    layers: list[MapLayer] = []
    facts: list[tuple[str, str]] = []
    if indicator is not None:
        chor = _once(
            "choropleth",
            (visible_areas, indicator, gate, areas),
            lambda: choropleth_layer(visible_areas, indicator, gate, source=areas),
        )
        layers.append(chor)
        facts.append((tr("Indikator", "Indicator"), chor.legend_title))
    cells_here = area_filter(cells, bounds)  # the map's cells, taken once for its layers
    released_cells = (
        gate.release(cells_here, "grid_cells", plan_key=layer_plan_key(cells))
        if cells is not None
        else None
    )
    if kde is not None:
        same = kde is cells  # one grid with kde and Gi*: release it once
        layers.append(
            kde_layer(
                cells_here if same else area_filter(kde, bounds),
                gate,
                released=released_cells if same else None,
            )
        )
    if incidents is not None and len(incidents):
        grid = cells_here if cells is not None and {"n", "cell_id"} <= set(cells.columns) else None
        counts, fact = _incident_count_layer(
            incidents, bounds, size, gate, show=cells is None, cells=grid
        )
        layers.append(counts)
        facts.append(fact)
    if cells is not None:
        layers += _cell_class_layers(released_cells)
    if mode == "public":
        layers += _public_observation_layers(walk_observations, dialogue, bounds, size, gate)
    layers.append(areas_layer(visible_areas, chosen_id))
    if mode == "internal":
        point_layers, point_facts = _internal_point_layers(
            incidents, walk_observations, dialogue, bounds, gate, snap, quiet
        )
        layers += point_layers
        facts += point_facts
    period = _once("period", (incidents, gate), lambda: period_text(incidents, mode))
    facts = merge_facts(
        [(tr("Område", "Area"), chosen_name or tr("alla", "all"))],
        [(tr("Period", "Period"), period)],
        [(tr("Läge", "Mode"), mode_label(mode))],
        param_facts(cells, mode),
        param_facts(kde, mode),
        facts,
        [(str(k), str(v)) for k, v in (title_params or {}).items()],
    )
    layers = basemap_layers(basemap, bounds, gate) + layers
    content = MapContent(title, mode, layers, bounds, facts)
    content.background_image = getattr(basemap, "image", None)
    return content


def _checked_neighbourhood_inputs(areas, cells, kde, incidents, walk_observations, dialogue):
    """The frames of a neighbourhood map, validated and in EPSG:3006 (:func:`_check_frame`)."""
    areas = _check_frame(areas, "areas", ("Polygon", "MultiPolygon"), ("area_id",))
    if areas is None or len(areas) == 0:
        raise ArgumentError(
            tr("`areas` är tomt", "`areas` is empty"),
            rule="AREAS_EMPTY",
            fix=tr("läs in områdeslagret", "load the areas layer"),
        )
    return (
        areas,
        _check_cells(cells),
        _check_frame(kde, "kde", ("Polygon",), ("kde",)),
        _check_frame(incidents, "incidents", ("Point",)),
        _check_frame(walk_observations, "walk_observations", ("Point",), ("status",)),
        _check_frame(dialogue, "dialogue", ("Point",)),
    )


def _neighbourhood_extent(areas, area_id: Any | None) -> tuple[Any, Any, tuple, str]:
    """The chosen area's id and name, the map bounds and the title (all areas if None)."""
    if area_id is not None:
        import shapely

        chosen_id, chosen_name = resolve_area(areas, area_id)
        chosen = areas.geometry.to_numpy()[_area_keys(areas)[0] == chosen_id]
        bounds = _expand(shapely.union_all(chosen).bounds)
        title = tr("Områdeskarta: {n}", "Area map: {n}", n=chosen_name)
    else:
        chosen_id, chosen_name = None, None
        bounds = _expand(areas.total_bounds, margin=0.02)
        title = tr("Områdeskarta: alla områden", "Area map: all areas")
    return chosen_id, chosen_name, bounds, title


def _incident_count_layer(
    incidents, bounds, size: float, gate, *, show: bool, cells=None
) -> tuple[MapLayer, tuple[str, str]]:
    """The incidents-per-cell layer of a neighbourhood map and its title-block fact (the
    run's ``cells`` when the map has them, :func:`count_layer`)."""
    if cells is None:
        x, y = _xy(area_filter(incidents, bounds))
    else:  # the cells carry the counts: the points are not counted again
        x = y = np.zeros(0)
    counts = count_layer(
        x,
        y,
        size=size,
        gate=gate,
        key="incidents",
        name=tr("Händelser per ruta", "Incidents per cell"),
        unit=tr("händelser", "incidents"),
        show=show,
        cells=cells,
    )
    fact = (
        tr("Händelser per ruta", "Incidents per cell"),
        tr(
            "rutor {s} m, {c}",
            "cells {s} m, {c}",
            s=_fmt(size),
            c=counts.legend_title.split("; ", 1)[-1],
        ),
    )
    return counts, fact


def _cell_class_layers(released) -> list[MapLayer]:
    """Gi* and hotspot-category layers of released cells (whichever columns they carry)."""
    layers = []
    if "gi_bin" in released.columns:
        layers.append(gistar_layer(released))
    if "hotspot_category" in released.columns:
        cat = category_layer(released)
        cat.show = False
        layers.append(cat)
    return layers


def _public_observation_layers(walk_observations, dialogue, bounds, size: float, gate):
    """Public mode: walk observations and dialogue responses as counts per cell, drawn where
    the cells meet ``bounds``. Each cell counts every point in it, not only those inside the
    map's frame, so a cell shows one count in every map (a frame's part of a cell would be a
    second, smaller count of the same place). With the set's disclosure plan the cells are
    released as the plan decided (:func:`~..reports.area_plan.plan_map_cells`): they add up
    to the municipality's published walk and dialogue totals, so per-layer suppression alone
    would let a reader subtract."""
    layers = []
    for name, points, cells_layer in (
        ("walk", walk_observations, walk_cells_layer),
        ("dialogue", dialogue, _dialogue_cells_layer),
    ):
        if points is not None and len(points):
            cells = _once_released(
                f"{name}-cells-{size!r}",
                (points, gate),
                gate,
                lambda points=points, build=cells_layer: build(points, size, gate),
            )
            layers.append(_cells_within(cells, bounds))
    return layers


def _dialogue_cells_layer(dialogue, size: float, gate) -> MapLayer:
    """Public: citizen-dialogue responses per cell of the whole municipality (gated; by the
    set's disclosure plan when it has them)."""
    return count_layer(
        np.zeros(0),
        np.zeros(0),
        cells=point_cells(dialogue, size),
        plan_key=lambda row, col: dialogue_cell_key(size, row["cell_id"]),
        size=size,
        gate=gate,
        key="dialogue",
        name=tr("Medborgardialog: svar per ruta", "Citizen dialogue: responses per cell"),
        unit=tr("svar", "responses"),
        palette_name="Blues",
        show=False,
    )


def _cells_within(layer: MapLayer, bounds) -> MapLayer:
    """``layer`` with only the cells that meet ``bounds`` (all of them without bounds)."""
    from dataclasses import replace

    return replace(layer, frame=area_filter(layer.frame, bounds))


def _internal_point_layers(
    incidents, walk_observations, dialogue, bounds, gate, snap: float, quiet: bool
) -> tuple[list[MapLayer], list[tuple[str, str]]]:
    """Internal mode: snapped incident points, dialogue and walk points, with their facts."""
    layers: list[MapLayer] = []
    facts: list[tuple[str, str]] = []
    if incidents is not None and len(incidents):
        x, y = _released_xy_within(incidents, bounds, gate, "incidents")
        points, chosen = snapped_points_layer(
            x,
            y,
            snap=snap,
            unit=tr("händelser", "incidents"),
            key="points",
            name=tr("Händelser, fästa punkter", "Incidents, snapped points"),
            quiet=quiet,
        )
        layers.append(points)
        facts.append((tr("Punkter fästa till", "Points snapped to"), f"{_fmt(chosen)} m"))
    if dialogue is not None and len(dialogue):
        layers.append(_point_layer_within(dialogue, bounds, gate, "dialogue"))
    if walk_observations is not None and len(walk_observations):
        layers.append(_point_layer_within(walk_observations, bounds, gate, "walk_observations"))
    return layers, facts


def _point_layer_within(frame, bounds, gate, layer: str) -> MapLayer:
    """The internal layer of dialogue pins or walk observations within ``bounds``.

    Inside :func:`shared_parts` the layer of every point is built once and each map takes its
    rows: the layer is built row by row from the released rows (the walks' legend lists the
    statuses of the map's own observations)."""
    build = dialogue_points_layer if layer == "dialogue" else walk_points_layer
    if _SHARED.get() is None:
        return build(_released_points_within(frame, bounds, gate, layer))
    released = _released_points_within(frame, None, gate, layer)
    whole = _once(f"layer-{layer}", (released,), lambda: build(released))
    rows = _rows_within(frame, bounds) if bounds is not None and len(frame) else None
    if rows is None:
        return whole
    from dataclasses import replace

    part = replace(whole, frame=whole.frame.iloc[rows].reset_index(drop=True))
    if layer == "walk_observations":  # as _walk_legend(released.iloc[rows])
        statuses = _once(
            "walk-statuses", (released,), lambda: released["status"].astype(str).to_numpy()
        )
        part.legend = _status_legend(set(statuses[rows].tolist()))
    return part


def hotspot_content(
    *,
    areas,
    cells,
    focus_places=None,
    week: str | None = None,
    gate,
    title_params: Mapping[str, Any] | None = None,
    quiet: bool = False,
    basemap: Any = None,
) -> MapContent:
    """Prepare the layers of the EST hotspot map (see ``maps.hotspot_map``)."""
    mode = gate.mode
    areas = _check_frame(areas, "areas", ("Polygon", "MultiPolygon"), ("area_id",))
    cells = _check_cells(cells)
    if cells is None:
        raise ArgumentError(
            tr("`cells` saknas", "`cells` is missing"),
            rule="ARGUMENT_MISSING",
            fix=tr(
                "kör hotspot_gistar/hotspot_classify först",
                "run hotspot_gistar/hotspot_classify first",
            ),
        )
    focus_places = _check_focus(focus_places)
    size = cell_size_of(cells) or PUBLIC_MIN_CELL_SIZE
    parts = [
        b
        for b in (
            areas.total_bounds if areas is not None and len(areas) else None,
            cells.total_bounds if len(cells) else None,
        )
        if b is not None
    ]
    if not parts:
        raise ArgumentError(
            tr("kartan har inget innehåll", "the map has no content"), rule="MAP_EMPTY"
        )
    stacked = np.vstack(parts)
    bounds = _expand(
        (stacked[:, 0].min(), stacked[:, 1].min(), stacked[:, 2].max(), stacked[:, 3].max()),
        margin=0.02,
    )
    released = gate.release(cells, "grid_cells", plan_key=layer_plan_key(cells))
    layers = [gistar_layer(released)] if "gi_bin" in released.columns else []
    if "hotspot_category" in released.columns:
        layers.append(category_layer(released, outline=bool(layers)))
    if areas is not None and len(areas):
        layers.append(areas_layer(gate.release(areas, "area_layer"), None))
    if focus_places is not None and len(focus_places):
        focus = focus_layer(focus_places, gate, size)
        if focus is not None:
            layers.append(focus)
        else:  # public: focus places are an internal working list
            announce(
                tr(
                    "Fokusplatserna visas inte på den publika kartan (intern arbetslista).",
                    "The focus places are not shown on the public map (internal working list).",
                ),
                quiet=quiet or gate.quiet,
            )
    monthly = bool(week) and "W" not in str(week)  # public maps show a month ("2026-10")
    if not week:
        title = tr("Hotspotkarta för EST", "EST hot-spot map")
    elif monthly:
        title = tr("Hotspotkarta, månad {w}", "Hot-spot map, month {w}", w=week)
    else:
        title = tr("Hotspotkarta för EST, vecka {w}", "EST hot-spot map, week {w}", w=week)
    period_label = tr("Månad", "Month") if monthly else tr("Vecka", "Week")
    facts = merge_facts(
        [(period_label, week or "")],
        [(tr("Läge", "Mode"), mode_label(mode))],
        param_facts(cells, mode),
        [(tr("Cellstorlek", "Cell size"), f"{_fmt(size)} m")],
        [(str(k), str(v)) for k, v in (title_params or {}).items()],
    )
    layers = basemap_layers(basemap, bounds, gate) + layers
    content = MapContent(title, mode, layers, bounds, facts)
    content.background_image = getattr(basemap, "image", None)
    return content
