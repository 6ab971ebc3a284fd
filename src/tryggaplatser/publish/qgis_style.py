"""QGIS styles (QML) for the toolkit's layers and rasters, in the colours of the HTML maps.

One description per layer, :class:`LayerStyle`, is rendered with the jinja2 templates in
``publish/templates/qgis/``: a vector style (stored in a GeoPackage's ``layer_styles`` table by
:mod:`.geopackage`) or a raster style (a ``.qml`` file beside the GeoTIFF, which QGIS loads
with the raster). The colours are read from the maps (:mod:`.maps._layers`: ``GI_COLOURS``,
``CATEGORY_COLOURS``, the palettes), never copied; labels are Swedish (or English, by
:func:`~tryggaplatser.i18n.tr`) with a decimal comma; field aliases come from the column
vocabulary ``[column.*]`` that the spreadsheets use too.

Classes cover the whole scale of a column, not only the values present, so a layer whose cells
all fall in one class still shows the full legend (weeks 2–4 of the recurring places, active
and ended near-repeat alerts).

The layer kinds (``style``):

* ``gi_bin``: categorised, the Gi* colours; "Inte signifikant" is in the legend but not drawn
  (as on the HTML maps);
* ``hotspot_category``: categorised, the space-time categories; "inget mönster" not drawn;
* ``change_bin``: categorised, significant decrease / none / increase;
* ``kde`` (internal) and ``kde_class`` (public): the density classes of the HTML density layer
  (density against the municipality's mean, :func:`~.gate.density_class_labels`, RdPu);
* ``weeks_with_reports``: categorised per number of weeks;
* ``active_next_week``: categorised, alert still active / ends this week;
* ``focus``: the focus places as outlined cells labelled with their rank;
* ``area`` / ``study_area``: outlines;
* any other numeric column: graduated, the HTML maps' quantile classes (YlOrRd).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ArgumentError
from ..i18n import tr

_TEMPLATES = "templates/qgis"


@dataclass(frozen=True)
class StyleClass:
    """One class of a style: its label, colour (``#rrggbb``) and value or range."""

    label: str
    colour: str
    value: Any = None
    lower: float | None = None
    upper: float | None = None
    render: bool = True
    alpha: int = 255
    width: str = "0.6"  # line symbols (mm)

    @property
    def hex(self) -> str:
        return self.colour.lower()

    @property
    def rgba(self) -> str:
        h = self.colour.lstrip("#")
        return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + f",{self.alpha}"


@dataclass
class LayerStyle:
    """What a QGIS style says about one layer (rendered by :func:`vector_qml` / :func:`raster_qml`).

    ``renderer`` is ``categorizedSymbol``, ``graduatedSymbol`` or ``singleSymbol`` for vectors
    and ``paletted`` or ``pseudocolor`` for rasters.
    """

    name: str
    renderer: str
    column: str | None
    classes: list[StyleClass]
    aliases: dict[str, str] = field(default_factory=dict)
    outline: bool = False
    label_field: str | None = None
    map_tip: str = ""
    marking: str = ""
    opacity: float = 1.0
    minimum: float = 0.0
    maximum: float = 0.0
    geometry: str = "polygon"


# --- numbers and names ----------------------------------------------------------------------


def number(value: float, decimals: int = 2) -> str:
    """A number as a label shows it: fixed decimals, decimal comma and a real minus in Swedish.

    >>> number(27.444), number(-1.96)
    ('27,44', '−1,96')
    """
    text = f"{float(value):.{decimals}f}"
    if tr("sv", "en") == "sv":
        text = text.replace(".", ",")
    return text.replace("-", "−")


def field_aliases(columns: Any) -> dict[str, str]:
    """Swedish (or English) names of the columns the column vocabulary knows; others are left
    out (QGIS shows the field name)."""
    from ..i18n import get_language
    from ..layers.vocab import vocabulary

    known = vocabulary("column")
    lang = get_language()
    out = {}
    for c in map(str, columns):
        if c in known:
            out[c] = known[c][lang]
        elif re.fullmatch(r"\d{4}_W\d{2}", c):  # the week columns of the EST layers
            out[c] = tr("Vecka {w}", "Week {w}", w=c.replace("_", "-"))
    return out


def _colours():
    """The HTML maps' colour definitions (imported late: the maps module pulls in pandas)."""
    from .maps import _layers

    return _layers


# --- vector styles --------------------------------------------------------------------------

_AUTO = ("gi_bin", "hotspot_category", "change_bin", "kde_class", "kde", "n")


def vector_style(
    cells: Any, style: str = "auto", *, marking: str = "", layer: str | None = None
) -> LayerStyle | None:
    """The style of a layer: ``style`` is ``"auto"`` (the first of gi_bin, hotspot_category,
    change_bin, kde_class, kde, n present), a kind named in the module notes or a numeric
    column; ``None`` for no style. ``marking`` (internal layers) goes into the map tip."""
    if style is None:
        return None
    columns = [c for c in cells.columns if c != getattr(cells, "_geometry_column_name", None)]
    if style == "auto":
        style = next((c for c in _AUTO if c in columns), None)
        if style is None:
            return None
    needs = {
        "focus": "rank",
        "area": None,
        "study_area": None,
        "stretch_gi": "gi_bin",
        "stretch_n": "n",
    }.get(style, None if style.startswith("background_") else style)
    if needs is not None and needs not in columns:
        raise ArgumentError(
            tr(
                "Stilen `{s}` kräver kolumnen `{c}`, som saknas.",
                "Style `{s}` needs the column `{c}`, which is missing.",
                s=style,
                c=needs,
            ),
            rule="COLUMNS_MISSING",
        )
    result = _style_of_kind(cells, style)
    result.aliases = field_aliases(columns)
    if result.geometry == "line" and "name" in result.aliases:  # stretches: a street's name
        result.aliases["name"] = field_aliases(["street_name"])["street_name"]
    result.marking = marking
    result.map_tip = _map_tip(columns, marking)
    return result


def _map_tip(columns: list, marking: str) -> str:
    """The HTML map tip: the marking (internal) and the cell or area name."""
    parts = [f"<b>{marking}</b>"] if marking else []
    for c in ("name", "area_name", "cell_id"):
        if c in columns:
            parts.append(f'[% "{c}" %]')
            break
    return "<br>".join(parts)


def _style_of_kind(cells: Any, style: str) -> LayerStyle:
    """The renderer and classes of one kind (see the module notes)."""
    from ..layers.vocab import codes, label

    c = _colours()
    if style == "gi_bin":
        cats = [
            StyleClass(label("gi_bin", b), c.GI_COLOURS[b], value=b, render=b != 0)
            for b in range(-3, 4)
        ]
        return LayerStyle("gi_bin", "categorizedSymbol", "gi_bin", cats)
    if style == "hotspot_category":
        cats = [
            StyleClass(
                label("hotspot_category", code),
                c.CATEGORY_COLOURS.get(code, c.SUPPRESSED_COLOUR),
                value=code,
                render=code != "inget_monster",
            )
            for code in codes("hotspot_category")
        ]
        return LayerStyle(style, "categorizedSymbol", style, cats)
    if style == "change_bin":
        names = _change_names()
        cats = [StyleClass(names[b], c.CHANGE_COLOURS[b], value=b) for b in (-1, 0, 1)]
        return LayerStyle(style, "categorizedSymbol", style, cats)
    if style == "kde_class":
        cats = [
            StyleClass(text, colour, value=i + 1)
            for i, (text, colour) in enumerate(_density_classes())
        ]
        return LayerStyle(style, "categorizedSymbol", style, cats)
    if style == "kde":
        return _kde_style(cells["kde"].to_numpy(dtype=float))
    if style == "weeks_with_reports":
        return _weeks_style(cells)
    if style == "active_next_week":
        return _alert_style()
    if style in ("focus", "area", "study_area"):
        return _outline_style(style)
    if style.startswith("background_"):  # bakgrund.gpkg: roads, buildings, water
        kind = style.removeprefix("background_")
        return background_style(kind, "line" if kind == "roads" else "polygon")
    if style == "risk_class":
        return LayerStyle(style, "categorizedSymbol", style, risk_class_styles())
    if style in ("stretch_gi", "stretch_n"):
        return _stretch_style(style)
    return _graduated_style(cells, style)


def risk_class_styles() -> list[StyleClass]:
    """The relative-risk classes 1–5 of the risk surface (``products.risk.risk_classes``) in
    the maps' colours (``RISK_CLASS_COLOURS``), labelled with their relative-risk ranges."""
    from .products.risk import RISK_CLASS_BOUNDS

    colours = _colours().RISK_CLASS_COLOURS
    edges = [1.0, *RISK_CLASS_BOUNDS[1:]]
    labels = [tr("1 (ingen vald faktor nära)", "1 (no selected factor near)")]
    labels += [f"{number(a, 1)} – {number(b, 1)}" for a, b in itertools.pairwise(edges)]
    labels.append(tr("över {r}", "above {r}", r=number(edges[-1], 1)))
    return [StyleClass(text, colours[k], value=k) for k, text in enumerate(labels, start=1)]


def _stretch_style(style: str) -> LayerStyle:
    """Street stretches as lines: by Gi* class (significant thick in the Gi* colours, the
    others thin grey) or by count class (the street map's classes, ``STRETCH_COUNT_CLASSES``)."""
    c = _colours()
    if style == "stretch_gi":
        cats = [
            StyleClass(
                label_gi(b),
                c.GI_COLOURS[b] if b else c.STRETCH_NONE_COLOUR,
                value=b,
                width="1.2" if b else "0.4",
            )
            for b in range(-3, 4)
        ]
        return LayerStyle(style, "categorizedSymbol", "gi_bin", cats, geometry="line")
    lows = [low for low, _ in c.STRETCH_COUNT_CLASSES]
    uppers = [hi - 1 for hi in lows[1:]] + [1e9]
    classes = [StyleClass("0", c.STRETCH_NONE_COLOUR, lower=0.0, upper=0.0, width="0.4")]
    for i, ((low, colour), high) in enumerate(zip(c.STRETCH_COUNT_CLASSES, uppers)):
        text = (
            f"{low}–{high:.0f}" if i + 1 < len(lows) else tr("{n} eller fler", "{n} or more", n=low)
        )
        classes.append(
            StyleClass(text, colour, lower=float(low) - 0.5, upper=float(high), width="1.2")
        )
    return LayerStyle(style, "graduatedSymbol", "n", classes, geometry="line")


def label_gi(b: int) -> str:
    """The Gi* class name of bin ``b`` (vocabulary ``gi_bin``)."""
    from ..layers.vocab import label

    return label("gi_bin", b)


def _change_names() -> dict[int, str]:
    return {
        -1: tr("Signifikant minskning", "Significant decrease"),
        0: tr("Ingen signifikant förändring", "No significant change"),
        1: tr("Signifikant ökning", "Significant increase"),
    }


def _density_classes() -> list[tuple[str, str]]:
    """The HTML density layer's class names and colours (RdPu), lowest first."""
    from .gate import density_class_labels

    names = density_class_labels()
    return list(zip(names, _colours().palette("RdPu", len(names)), strict=True))


def density_breaks(values: np.ndarray) -> list[float]:
    """Upper bounds of the density classes: the grid's mean density times 1, 2, 4, 8 and the
    largest value (as :func:`~.gate.density_classes` classes them); zero stays unclassed."""
    from ..policy import DENSITY_CLASS_BOUNDS

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    mean = float(v.mean()) if v.size else 0.0
    mean = mean if mean > 0 else 1.0
    bounds = [mean * b for b in DENSITY_CLASS_BOUNDS]
    top = max(float(v.max()) if v.size else 0.0, bounds[-1] * 2)
    return [*bounds, top]


def _kde_style(values: np.ndarray) -> LayerStyle:
    """Internal densities in the density classes of the HTML map, with their ranges."""
    uppers = density_breaks(values)
    v = values[np.isfinite(values) & (values > 0)]
    lowest = float(v.min()) if v.size else uppers[0] / 1000
    lowers = [min(lowest, uppers[0]), *uppers[:-1]]
    classes = [
        StyleClass(
            f"{text} ({number(lo)} – {number(hi)})", colour, lower=float(lo), upper=float(hi)
        )
        for (text, colour), lo, hi in zip(_density_classes(), lowers, uppers, strict=True)
    ]
    return LayerStyle("kde", "graduatedSymbol", "kde", classes)


def _weeks_style(cells: Any) -> LayerStyle:
    """Recurring places: one class per number of weeks with reports, 2 up to the weeks shown
    (the week columns ``2026_W44`` …), so one observed value still shows the whole scale."""
    weeks = [c for c in cells.columns if re.fullmatch(r"\d{4}_W\d{2}", str(c))]
    values = cells["weeks_with_reports"].dropna().astype(int)
    low = min([2, *values.tolist()])
    high = max([len(weeks), low + 1, *values.tolist()])
    colours = _colours().palette("YlOrRd", high - low + 1)
    classes = [
        StyleClass(tr("{k} veckor", "{k} weeks", k=k), colours[i], value=k)
        for i, k in enumerate(range(low, high + 1))
    ]
    return LayerStyle("weeks_with_reports", "categorizedSymbol", "weeks_with_reports", classes)


def _alert_style() -> LayerStyle:
    """Near-repeat alerts: still active next week (dark) or ending this week (light)."""
    light, dark = _colours().palette("RdPu", 2)
    classes = [
        StyleClass(tr("Aktivt nästa vecka", "Active next week"), dark, value="true"),
        StyleClass(tr("Riskfönstret slutar", "Risk window ends"), light, value="false"),
    ]
    return LayerStyle("active_next_week", "categorizedSymbol", "active_next_week", classes)


def _outline_style(kind: str) -> LayerStyle:
    """Outlined cells or areas: focus places (labelled with their rank), areas, study area."""
    c = _colours()
    colour, text, label_field = {
        "focus": (c.FOCUS_COLOUR, tr("Fokusplats", "Focus place"), "rank"),
        "area": (c.AREA_STROKE, tr("Områdesgräns", "Area boundary"), None),
        "study_area": (c.SELECTED_STROKE, tr("Kommungräns", "Municipal boundary"), None),
    }[kind]
    return LayerStyle(
        kind,
        "singleSymbol",
        None,
        [StyleClass(text, colour)],
        outline=True,
        label_field=label_field,
    )


def _graduated_style(cells: Any, column: str) -> LayerStyle:
    """Any number: the HTML maps' quantile classes of the positive values, YlOrRd; zero and
    missing cells are not drawn."""
    import pandas as pd

    values = pd.to_numeric(cells[column], errors="coerce").to_numpy(dtype=float)
    v = values[np.isfinite(values) & (values > 0)]
    if not v.size:
        v = np.array([1.0])
    integer = bool(np.all(v == np.round(v)))
    classes_ = _colours().classify(v, "Quantiles", 5, integer=integer)
    colours = _colours().palette("YlOrRd", len(classes_.bins))
    decimals = 0 if integer else 2
    lows = [float(v.min()), *classes_.bins[:-1]]
    classes = [
        StyleClass(
            f"{number(lo, decimals)} – {number(hi, decimals)}"
            if lo != hi
            else number(hi, decimals),
            colours[i],
            lower=float(lo),
            upper=float(hi),
        )
        for i, (lo, hi) in enumerate(zip(lows, classes_.bins, strict=True))
    ]
    return LayerStyle(column, "graduatedSymbol", column, classes)


#: background layers in QGIS, light under the data: roads (lines), buildings, water
BACKGROUND_COLOURS = {"roads": "#b4b4b4", "buildings": "#e6e1dc", "water": "#c6dbef"}


def background_style(kind: str, geometry: str) -> LayerStyle:
    """A light single-symbol style for a background layer (``roads``, ``buildings``, ``water``)
    of ``geometry`` ``"line"`` or ``"polygon"``."""
    colour = BACKGROUND_COLOURS.get(kind, BACKGROUND_COLOURS["buildings"])
    return LayerStyle(kind, "singleSymbol", None, [StyleClass(kind, colour)], geometry=geometry)


# --- raster styles --------------------------------------------------------------------------

#: z-value edges of the Gi* raster's colours (two-sided 90, 95 and 99 %)
Z_EDGES = (1.645, 1.96, 2.576)


def raster_style(column: str, values: np.ndarray | None = None, *, marking: str = "") -> LayerStyle:
    """The stored style of a GeoTIFF: ``gi_bin`` (codes 1–7 = bins −3…+3, see
    :data:`~.rasters.GI_BIN_OFFSET`) and ``kde_class`` paletted with the class names,
    ``kde`` and ``gistar`` pseudocolour in the HTML maps' classes."""
    from ..layers.vocab import label
    from .rasters import GI_BIN_OFFSET

    c = _colours()
    if column == "gi_bin":
        classes = [
            StyleClass(
                label("gi_bin", b),
                c.GI_COLOURS[b],
                value=b + GI_BIN_OFFSET,
                alpha=0 if b == 0 else 255,
            )
            for b in range(-3, 4)
        ]
        return LayerStyle(column, "paletted", column, classes, marking=marking)
    if column == "kde_class":
        classes = [StyleClass(t, col, value=i + 1) for i, (t, col) in enumerate(_density_classes())]
        return LayerStyle(column, "paletted", column, classes, marking=marking)
    if column == "kde":
        uppers = density_breaks(values if values is not None else np.array([]))
        classes = [StyleClass(tr("ingen täthet", "no density"), "#ffffff", upper=0.0, alpha=0)]
        classes += [
            StyleClass(text, colour, upper=hi)
            for (text, colour), hi in zip(_density_classes(), uppers, strict=True)
        ]
        return LayerStyle(
            column, "pseudocolor", column, classes, marking=marking, maximum=uppers[-1]
        )
    if column == "gistar":
        return _gistar_raster_style(marking)
    if column == "risk_class":
        return LayerStyle(column, "paletted", column, risk_class_styles(), marking=marking)
    if column == "relative_risk":
        from .products.risk import RISK_CLASS_BOUNDS

        uppers = [*RISK_CLASS_BOUNDS, 1e9]
        classes = [
            StyleClass(cls.label, cls.colour, upper=hi)
            for cls, hi in zip(risk_class_styles(), uppers, strict=True)
        ]
        return LayerStyle(
            column, "pseudocolor", column, classes, marking=marking, minimum=0.0, maximum=5.0
        )
    raise ArgumentError(
        tr("Ingen rasterstil för `{c}`.", "No raster style for `{c}`.", c=column),
        rule="ARGUMENT_INVALID",
    )


def _gistar_raster_style(marking: str) -> LayerStyle:
    """Gi* z-values in the Gi* colours at the two-sided 90/95/99 % edges (before the
    multiple-testing correction the GeoPackage's ``gi_bin`` applies)."""
    c = _colours()
    edges = [-e for e in reversed(Z_EDGES)] + list(Z_EDGES)
    classes = []
    for i, b in enumerate(range(-3, 4)):
        upper = edges[i] if i < len(edges) else 1e9
        if b < 0:
            text = tr("z under {z}", "z below {z}", z=number(upper))
        elif b == 0:
            text = tr("inte signifikant", "not significant")
        else:
            text = tr("z över {z}", "z above {z}", z=number(edges[i - 1]))
        classes.append(StyleClass(text, c.GI_COLOURS[b], upper=upper, alpha=0 if b == 0 else 255))
    return LayerStyle(
        "gistar", "pseudocolor", "gistar", classes, marking=marking, minimum=-4.0, maximum=4.0
    )


# --- rendering ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _environment():
    from importlib import resources

    import jinja2

    folder = resources.files(__package__).joinpath(_TEMPLATES)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,  # XML: every value escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render a QGIS template (``vector.qml.j2``, ``raster.qml.j2`` or ``project.qgs.j2``)."""
    return _environment().get_template(template).render(**context)


def vector_qml(style: LayerStyle) -> str:
    """The QML document of a vector layer style."""
    return render("vector.qml.j2", style=style)


def raster_qml(style: LayerStyle) -> str:
    """The QML document of a raster style (the ``.qml`` file beside a GeoTIFF)."""
    return render("raster.qml.j2", style=style)
