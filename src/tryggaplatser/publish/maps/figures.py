"""Static map figures (PNG) for reports and documents, drawn with matplotlib.

A static figure shows the same prepared, gated layers as the interactive map it mirrors
(:func:`~.interactive.neighbourhood_map` / :func:`~.interactive.hotspot_map`): pass the
``folium.Map`` (or its :class:`~._layers.MapContent`) to :func:`static_map`. The figure is in
SWEREF 99 TM (EPSG:3006), so distances on the scale bar are true metres; it carries a title
block, legend, scale bar, north arrow and attribution, and internal figures the marking
"INTERNT – ej för spridning". No background tiles are needed: with a ``[basemap]`` the
municipality's streets (thin grey, the focus places' streets named), water, buildings and
background image are drawn lightly under the data. Labels are placed greedily so that no area
name overlaps another, a focus place, the north arrow or the scale bar, and the north arrow
takes the corner with the least data.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tryggaplatser.publish.gate import Gate
>>> from tryggaplatser.publish.maps.interactive import neighbourhood_map
>>> areas = gpd.GeoDataFrame({"area_id": ["A1"], "name": ["Norra"]},
...                          geometry=[box(650000, 6561000, 652000, 6563000)], crs=3006)
>>> gate = Gate("public", quiet=True)
>>> m = neighbourhood_map("A1", areas=areas, gate=gate, quiet=True)
>>> fig = static_map(m)
>>> save_figure(fig, Path(tempfile.mkdtemp()) / "karta_omrade_norra.png", gate=gate).name
'karta_omrade_norra.png'
"""

from __future__ import annotations

import functools
import textwrap
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import ArgumentError
from ...i18n import tr
from . import _layers as ml

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["save_figure", "scale_bar_length", "static_map"]

_NICE = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)


def _plain(text: Any) -> str:
    """Text for matplotlib: ``$`` escaped so user text is never read as mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def scale_bar_length(width_m: float, fraction: float = 0.2) -> float:
    """A round scale-bar length close to ``fraction`` of the map width (in metres)."""
    target = max(width_m * fraction, 1.0)
    return float(max([v for v in _NICE if v <= target] or [_NICE[0]]))


def _content(source: Any) -> ml.MapContent:
    if isinstance(source, ml.MapContent):
        return source
    from .interactive import map_content

    content = map_content(source)
    if content is None:
        raise ArgumentError(
            tr(
                "static_map behöver en karta från neighbourhood_map/hotspot_map eller dess "
                "innehåll",
                "static_map needs a map from neighbourhood_map/hotspot_map or its content",
            ),
            rule="FIGURE_SOURCE",
            fix=tr(
                "bygg kartan med tryggaplatser.publish.maps.interactive",
                "build the map with tryggaplatser.publish.maps.interactive",
            ),
        )
    return content


def _draw_layer(ax: Axes, layer: ml.MapLayer) -> None:
    frame = layer.frame
    if len(frame) == 0:
        return
    if layer.kind == "line":  # background streets: thin grey lines under everything
        import shapely
        from matplotlib.collections import LineCollection

        lines = [np.asarray(shapely.get_coordinates(g)) for g in frame.geometry]
        if layer.key in ml.BASEMAP_KEYS:
            colours, widths, z = ml.BASEMAP_ROAD, 0.6, 1.2
        else:  # data lines (street stretches): their own colours, thick when selected
            colours = list(frame["stroke"])
            thick = frame["selected"] if "selected" in frame.columns else [False] * len(frame)
            widths, z = [2.4 if t else layer.weight * 0.6 for t in thick], 3
        collection = LineCollection(
            lines, colors=colours, linewidths=widths, zorder=z, capstyle="round"
        )
        collection.set_gid(f"layer-{layer.key}")
        ax.add_collection(collection, autolim=False)  # the map's extent is set, not fitted
        return
    if layer.kind == "point":
        import shapely

        xy = shapely.get_coordinates(frame.geometry.to_numpy())
        if "n" in frame.columns:
            radius = np.clip(3.0 + 2.2 * np.sqrt(frame["n"].to_numpy(dtype=float)), 4, 22)
        else:
            radius = np.full(len(frame), layer.radius)
        edge = [s if isinstance(s, str) else "white" for s in frame["stroke"]]
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(radius * 0.9) ** 2,
            c=list(frame["fill"]),
            edgecolors=edge,
            linewidths=max(layer.weight, 0.5),
            alpha=layer.fill_opacity,
            zorder=5,
        )
        return
    from matplotlib.collections import PathCollection

    paths, facecolors, edges = _polygon_paths(layer)
    linewidth = layer.weight * 0.9 if layer.weight else 0.0
    if layer.key == "areas" and "selected" in frame.columns:
        linewidth = [2.2 if s else 0.9 for s in frame["selected"]]
    background = layer.key in ml.BASEMAP_KEYS
    collection = PathCollection(  # paths, not patches: no artist per polygon
        paths,
        facecolors=facecolors,
        edgecolors="none" if background else edges,
        linewidths=0.0 if background else linewidth,
        zorder=4 if layer.key == "areas" else 1.0 if background else 2,
    )
    if layer.dash and layer.key != "focus":  # small focus cells: dashes read as brackets
        collection.set_linestyle((0, tuple(float(v) for v in layer.dash.split())))
    if layer.key == "focus":
        collection.set_zorder(6)
        _rank_labels(ax, frame)
    collection.set_gid(f"layer-{layer.key}")  # names the layer in the figure (and in SVG)
    ax.add_collection(collection, autolim=False)  # the map's extent is set, not fitted


def _polygon_paths(layer: ml.MapLayer) -> tuple[list, list, list]:
    """Matplotlib paths of a polygon layer (holes kept) with their face and edge colours."""
    import shapely
    from matplotlib.colors import to_rgba
    from matplotlib.path import Path as MplPath

    # every polygon of every row (a multipolygon's parts in order), its rings (exterior first)
    # and their vertices, taken apart at once
    polygons, row_of = shapely.get_parts(layer.frame.geometry.to_numpy(), return_index=True)
    rings, polygon_of = shapely.get_rings(polygons, return_index=True)
    sizes = shapely.get_num_coordinates(rings)
    vertices = shapely.get_coordinates(rings)
    codes = np.full(len(vertices), MplPath.LINETO, dtype=MplPath.code_type)
    ends = np.cumsum(sizes)
    codes[ends - sizes] = MplPath.MOVETO
    codes[ends - 1] = MplPath.CLOSEPOLY
    ring_ends = np.cumsum(np.bincount(polygon_of, minlength=len(polygons)))
    bounds = np.concatenate([[0], ends[ring_ends - 1]]) if len(polygons) else np.zeros(1, int)
    fills, strokes = layer.frame["fill"].tolist(), layer.frame["stroke"].tolist()
    paths, faces, edges = [], [], []
    for k, row in enumerate(row_of):
        start, stop = bounds[k], bounds[k + 1]
        paths.append(MplPath(vertices[start:stop], codes[start:stop]))
        fill, stroke = fills[row], strokes[row]
        faces.append(fill if isinstance(fill, str) and layer.fill_opacity > 0 else "none")
        edges.append(stroke if isinstance(stroke, str) else "#555555")
    colours = [(0, 0, 0, 0) if f == "none" else to_rgba(f, layer.fill_opacity) for f in faces]
    return paths, colours, edges


def _rank_labels(ax: Axes, frame: Any) -> None:
    """The rank number of every focus place in a small badge at its north-east corner."""
    for geom, label in zip(frame.geometry, frame["tooltip"]):
        _, _, maxx, maxy = geom.bounds
        ax.annotate(
            _plain(label),
            (maxx, maxy),
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="white",
            zorder=7,
            annotation_clip=True,
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": "#00441b", "edgecolor": "white"},
            gid="focus-rank",
        )


def _halo():
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _scale_bar(ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    minx, miny, maxx, maxy = bounds
    length = scale_bar_length(maxx - minx)
    x0 = minx + 0.04 * (maxx - minx)
    y0 = miny + 0.04 * (maxy - miny)
    h = 0.012 * (maxy - miny)
    from matplotlib.patches import Rectangle

    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 4, y0),
                length / 4,
                h,
                zorder=8,
                facecolor="#222222" if i % 2 == 0 else "white",
                edgecolor="#222222",
                linewidth=0.8,
            )
        )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(
        x0, y0 + 1.8 * h, "0", fontsize=7, ha="center", va="bottom", zorder=8, path_effects=_halo()
    )
    ax.text(
        x0 + length,
        y0 + 1.8 * h,
        _plain(label),
        fontsize=7,
        ha="center",
        va="bottom",
        zorder=8,
        path_effects=_halo(),
    )


#: Corners the north arrow may take (axes fractions of the arrow's tip), in order of preference;
#: the lower-left corner holds the scale bar.
NORTH_CORNERS = {
    "upper right": (0.955, 0.95),
    "upper left": (0.045, 0.95),
    "lower right": (0.955, 0.14),
}
#: The box (axes fractions, width × height) the arrow needs in its corner.
NORTH_BOX = (0.09, 0.15)


def north_corner(ax: Axes, drawn: Sequence[ml.MapLayer]) -> str:
    """The corner of :data:`NORTH_CORNERS` whose box covers the least data.

    Data are the drawn layers other than the background and the area outlines (cells, points,
    focus places; points count as their marker's square). Ties go to the first corner in the
    order of :data:`NORTH_CORNERS`, so an empty corner at the upper right is kept.

    The union of the data is taken over the shapes whose bounds meet a corner's box (the
    others add nothing inside a box), a few percent of a map's cells. Areas from that union
    can differ from those of the union of all shapes in their last bits only, so when two
    corners come within :data:`_NEAR_TIE` of the box's area (and are not both empty) the
    corner is chosen from the union of all shapes, as before.
    """
    import shapely

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    geoms = []
    for layer in drawn:
        if layer.key in ml.BASEMAP_KEYS or layer.key in ("areas", "indicator"):
            continue
        g = layer.frame.geometry.to_numpy()
        if layer.kind == "point":
            g = shapely.buffer(g, 0.012 * w, cap_style="square")
        geoms.extend(g)
    bw, bh = NORTH_BOX
    boxes = {
        corner: (
            x0 + (fx - bw / 2) * w,
            y0 + (fy - bh + 0.01) * h,
            x0 + (fx + bw / 2) * w,
            y0 + fy * h,
        )
        for corner, (fx, fy) in NORTH_CORNERS.items()
    }

    def coverage(data: Any) -> dict[str, float]:
        return {
            corner: 0.0 if data is None else float(shapely.intersection(shapely.box(*b), data).area)
            for corner, b in boxes.items()
        }

    near = np.zeros(len(geoms), dtype=bool)
    if geoms:
        gx0, gy0, gx1, gy1 = shapely.bounds(np.asarray(geoms, dtype=object)).T
        for bx0, by0, bx1, by1 in boxes.values():
            near |= (gx0 <= bx1) & (bx0 <= gx1) & (gy0 <= by1) & (by0 <= gy1)
    near_geoms = [g for g, keep in zip(geoms, near) if keep]
    covered = coverage(shapely.union_all(near_geoms) if near_geoms else None)
    best = min(NORTH_CORNERS, key=covered.__getitem__)  # min keeps the first of equal corners
    tolerance = _NEAR_TIE * bw * w * bh * h
    if any(
        corner != best
        and abs(area - covered[best]) <= tolerance
        and not (area == 0.0 and covered[best] == 0.0)
        for corner, area in covered.items()
    ):  # a near tie: the union of all shapes decides, as it always did
        covered = coverage(shapely.union_all(geoms) if geoms else None)
        best = min(NORTH_CORNERS, key=covered.__getitem__)
    return best


#: Relative difference (of a corner box's area) below which :func:`north_corner` treats two
#: corners' covered areas as a tie to be decided by the union of all shapes.
_NEAR_TIE = 1e-6


def _north_arrow(ax: Axes, corner: str = "upper right") -> Any:
    fx, fy = NORTH_CORNERS[corner]
    return ax.annotate(
        "N",
        xy=(fx, fy),
        xytext=(fx, fy - 0.09),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        zorder=9,
        arrowprops={
            "facecolor": "#222222",
            "edgecolor": "#222222",
            "width": 4,
            "headwidth": 11,
            "headlength": 10,
        },
        gid="north-arrow",
    )


def _legend(ax: Axes, layers: Sequence[ml.MapLayer]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = [], []
    for layer in layers:
        if not layer.legend:
            continue
        handles.append(Patch(visible=False))
        labels.append(_plain(textwrap.fill(layer.legend_title, 42)))
        for entry in layer.legend:
            if entry.shape == "line":
                handles.append(Line2D([], [], color=entry.colour, linewidth=2.2))
            elif entry.shape == "circle":
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        linestyle="",
                        markersize=7,
                        markerfacecolor=entry.colour,
                        markeredgecolor="white",
                    )
                )
            elif entry.shape == "outline":
                handles.append(Patch(facecolor="none", edgecolor=entry.colour, linewidth=2.0))
            else:
                handles.append(Patch(facecolor=entry.colour, edgecolor="#555555", linewidth=0.5))
            labels.append(_plain(textwrap.fill(entry.label, 48)))
    if not handles:
        return
    spec = tuple(
        (layer.legend_title, tuple((e.shape, e.colour, e.label) for e in layer.legend))
        for layer in layers
        if layer.legend
    )
    legend = ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7.5,
        frameon=True,
        framealpha=0.95,
        borderaxespad=0.0,
        handlelength=1.6,
    )
    for handle, text in zip(legend.legend_handles, legend.get_texts()):
        if isinstance(handle, Patch) and not handle.get_visible():
            text.set_fontweight("bold")
            text.set_x(-20)
    _STAMP_KEYS[legend] = ("legend", spec)


def _pin_legend(ax: Axes) -> None:
    """Anchor the legend's upper-left corner at a whole pixel (within half a pixel of the
    map's upper right + 1 %), so that figures with the same legend draw it with the same
    pixels and a set of maps draws it once (:func:`_stamped_pixels`)."""
    legend = ax.get_legend()
    if legend is None:
        return
    fig = ax.get_figure(root=True)
    ax.apply_aspect()
    x, y = ax.transAxes.transform((1.01, 1.0))
    legend.set_bbox_to_anchor(
        (round(x) / fig.bbox.width, round(y) / fig.bbox.height), transform=fig.transFigure
    )


def static_map(
    source: Any,
    *,
    layers: Sequence[str] | None = None,
    figsize: tuple[float, float] = (11.0, 8.0),
    dpi: int = 150,
) -> Figure:
    """Draw a map as a matplotlib figure.

    Parameters
    ----------
    source : folium.Map or MapContent
        A map from :func:`~.interactive.neighbourhood_map` or
        :func:`~.interactive.hotspot_map` (its prepared, gated layers are drawn), or the content
        itself.
    layers : sequence of str, optional
        Layer keys to draw (``"indicator"``, ``"kde"``, ``"incidents"``, ``"gistar"``,
        ``"categories"``, ``"walks"``, ``"dialogue"``, ``"areas"``, ``"points"``, ``"focus"``);
        default: the layers the interactive map shows when it opens. The ``[basemap]``
        background (water, buildings, streets and the image) is drawn under any choice.
    figsize, dpi
        Figure size in inches and resolution.

    Returns
    -------
    matplotlib.figure.Figure
        With title block, legend, scale bar, north arrow and attribution.
    """
    from matplotlib.figure import Figure

    content = _content(source)
    drawn = _drawn_layers(content, layers)
    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    details = _detail_lines(content)
    # the map panel starts below the title block, whatever the number of detail lines
    top = 0.905 - (len(details) * 0.0185 + 0.012 if details else 0.0)
    _draw_map_panel(fig, content, drawn, top=top)
    _title_block(fig, content, details)
    _footer_and_marking(fig, content)
    return fig


def _drawn_layers(content: ml.MapContent, layers: Sequence[str] | None) -> list[ml.MapLayer]:
    """The layers to draw: the named ones (unknown keys refused) or those shown on opening."""
    known = {layer.key for layer in content.layers}
    if layers is not None:
        unknown = sorted(set(layers) - known)
        if unknown:
            raise ArgumentError(
                tr("okända lager {u}", "unknown layers {u}", u=", ".join(unknown)),
                rule="FIGURE_LAYERS",
                fix=tr("välj bland: {k}", "choose from: {k}", k=", ".join(sorted(known))),
            )
        drawn = [layer for layer in content.layers if layer.key in set(layers)]
    else:
        drawn = [layer for layer in content.layers if layer.show]
    # the background is drawn with any choice of layers (it is not data)
    background = [lyr for lyr in content.layers if lyr.key in ml.BASEMAP_KEYS and lyr.show]
    return background + [lyr for lyr in drawn if lyr.key not in ml.BASEMAP_KEYS]


def _draw_map_panel(
    fig: Figure, content: ml.MapContent, drawn: list[ml.MapLayer], *, top: float = 0.86
) -> None:
    """The map panel (from 0.08 up to ``top`` of the figure's height): layers, extent, frame,
    scale bar, north arrow and legend."""
    ax = fig.add_axes((0.02, 0.08, 0.70, min(0.78, top - 0.08)))
    ax.set_facecolor("#f4f3ef")
    image = ml.background_image(content.background_image, content.bounds)
    if image is not None:  # the [basemap] image, lightly, under everything
        minx, miny, maxx, maxy = content.bounds
        ax.imshow(
            image,
            extent=(minx, maxx, miny, maxy),
            origin="upper",
            alpha=ml.BASEMAP_IMAGE_OPACITY,
            zorder=0.5,
            interpolation="bilinear",
            gid="basemap-image",
        )
    for layer in drawn:
        _draw_layer(ax, layer)
    minx, miny, maxx, maxy = content.bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#777777")
        spine.set_linewidth(0.8)
    _scale_bar(ax, content.bounds)
    arrow = _north_arrow(ax, north_corner(ax, drawn))
    _legend(ax, drawn)
    _place_labels(fig, ax, drawn, arrow)
    _pin_legend(ax)


# --------------------------------------------------------------------------- labels


class _Placer:
    """Greedy label placement: a label takes the first candidate position whose box overlaps
    no box placed before it (obstacles first); a label with no free position is left out."""

    def __init__(self, fig: Figure, ax: Axes) -> None:
        ax.apply_aspect()
        self.renderer = _agg_canvas(fig).get_renderer()
        self.ax = ax
        self.axbox = ax.get_window_extent(self.renderer)
        self.boxes: list[Any] = []
        # the boxes' extents (min x, min y, max x, max y), for testing a candidate against all
        self._extents = np.empty((16, 4))
        # the axes' outline and its transform, built once (``Axes.contains_point`` builds them
        # on every call)
        self.view = (ax.patch.get_path(), ax.patch.get_transform())

    def block(self, artist: Any, pad: float = 2.0) -> None:
        """Keep labels off ``artist`` (a text or annotation already drawn)."""
        self.add(artist.get_window_extent(self.renderer).expanded(1.0, 1.0).padded(pad))

    def add(self, box: Any) -> None:
        """Keep labels off ``box`` (display coordinates)."""
        n = len(self.boxes)
        if n == len(self._extents):
            self._extents = np.concatenate([self._extents, np.empty_like(self._extents)])
        (x0, y0), (x1, y1) = box.get_points()
        self._extents[n] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        self.boxes.append(box)

    def free(self, box: Any) -> bool:
        """Whether ``box`` lies inside the axes and overlaps no kept box (as
        ``Bbox.overlaps``: touching edges overlap)."""
        axbox = self.axbox
        inside = (
            box.x0 >= axbox.x0 and box.x1 <= axbox.x1 and box.y0 >= axbox.y0 and box.y1 <= axbox.y1
        )
        if not inside:
            return False
        (x0, y0), (x1, y1) = box.get_points()
        e = self._extents[: len(self.boxes)]
        hit = (
            (min(x0, x1) <= e[:, 2])
            & (e[:, 0] <= max(x0, x1))
            & (min(y0, y1) <= e[:, 3])
            & (e[:, 1] <= max(y0, y1))
        )
        return not hit.any()

    def place(
        self,
        text: str,
        xy: tuple[float, float],
        offsets,
        within: Any = None,
        visible: bool | None = None,
        **style: Any,
    ) -> Any:
        """Annotate ``text`` at ``xy`` (data) moved by the first free offset (points); with
        ``within`` (a polygon) the label's centre must stay inside it. ``visible`` is
        :meth:`in_view` of ``xy`` when the caller has it (else it is tested here).

        The label is laid out once: a candidate's box is that box moved by the offset (an
        offset in points moves the text rigidly), so trying a position costs no text layout."""
        import shapely

        if not (self._in_view(xy) if visible is None else visible):
            # never drawn: left out, not laid out (its empty extent would otherwise reserve
            # a phantom place in the map's lower-left corner)
            return None
        from matplotlib.text import Text

        artist = self.ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", **style)
        if artist.arrow_patch is None:
            # ``Annotation.get_window_extent`` without its test of the anchor (made above):
            # the text's extent at its position
            artist.update_positions(self.renderer)
            base = Text.get_window_extent(artist, self.renderer).padded(1.5)
        else:
            base = artist.get_window_extent(self.renderer).padded(1.5)
        to_pixels = self.ax.figure.dpi / 72.0
        for dx, dy in offsets:
            box = base.translated(dx * to_pixels, dy * to_pixels)
            if within is not None:
                cx, cy = self.ax.transData.inverted().transform(
                    [((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)]
                )[0]
                if not within.contains(shapely.Point(cx, cy)):
                    continue
            if self.free(box):
                artist.xyann = (dx, dy)
                self.add(box)
                return artist
        artist.remove()
        return None

    def _in_view(self, xy: tuple[float, float]) -> bool:
        """Whether a label anchored at ``xy`` (data) can show: an annotation whose point lies
        outside the axes is not drawn (matplotlib's ``annotation_clip``: the same test as
        ``Axes.contains_point``, the axes patch with a radius of 1 pixel)."""
        path, transform = self.view
        return bool(path.contains_point(self.ax.transData.transform([xy])[0], transform, 1.0))

    def in_view(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """:meth:`_in_view` of many anchors at once (the same test, point by point)."""
        if len(x) == 0:
            return np.zeros(0, dtype=bool)
        path, transform = self.view
        pixels = self.ax.transData.transform(np.column_stack([x, y]).astype(float))
        return np.asarray(path.contains_points(pixels, transform, 1.0), dtype=bool)


#: Offsets (points) an area label tries, its own place first.
AREA_LABEL_OFFSETS = (
    (0, 0),
    *(
        (dx, dy)
        for r in (11, 22, 33, 44)
        for dx, dy in ((0, -r), (0, r), (-2.5 * r, 0), (2.5 * r, 0), (-2 * r, -r), (2 * r, r))
    ),
)
#: Offsets (points) a street label tries around its street's point.
STREET_LABEL_OFFSETS = ((0, 7), (0, -7), (0, 16), (0, -16), (0, 26), (0, -26), (36, 0), (-36, 0))


def _place_labels(fig: Figure, ax: Axes, drawn: Sequence[ml.MapLayer], arrow: Any) -> None:
    """Area names and a few street names, placed so that none overlaps another label, a focus
    place's rank badge, the north arrow or the scale bar. Area labels are drawn above the focus
    outlines (with a white halo), so an outline never covers a name."""
    placer = _Placer(fig, ax)
    placer.add(_arrow_extent(placer, arrow).expanded(1.0, 1.0).padded(4))
    for artist in ax.texts:  # scale-bar text and the focus places' rank badges
        if artist is not arrow:  # blocked above, with a wider margin (its extent is costly)
            placer.block(artist)
    for patch in ax.patches:  # the scale bar's blocks
        placer.add(patch.get_window_extent(placer.renderer).padded(2))
    focus = next((lyr for lyr in drawn if lyr.key == "focus"), None)
    if focus is not None:  # names never sit on a focus place's outline
        from matplotlib.transforms import Bbox

        for geom in focus.frame.geometry:
            (x0, y0), (x1, y1) = ax.transData.transform(
                [(geom.bounds[0], geom.bounds[1]), (geom.bounds[2], geom.bounds[3])]
            )
            placer.add(Bbox([[x0, y0], [x1, y1]]).padded(2))
    _street_labels(placer, drawn, focus_only=True)
    areas = next((lyr for lyr in drawn if lyr.key == "areas"), None)
    if areas is not None and 0 < len(areas.frame) <= 40:
        _area_labels(placer, areas.frame)
    if focus is None:
        _street_labels(placer, drawn)


#: Window extents of north arrows, by what makes them (see :func:`_arrow_extent`).
_ARROW_EXTENTS: dict[tuple, np.ndarray] = {}


def _arrow_extent(placer: _Placer, arrow: Any) -> Any:
    """The north arrow's window extent (``arrow.get_window_extent``), kept: the arrow is drawn
    in axes fractions, so its extent follows from its text, font, corner and arrow, the map
    panel's box in pixels and the resolution, and a set's maps of one size repeat them (the
    arrow's outline is clipped to its text box point by point, a few milliseconds a map)."""
    from matplotlib.transforms import Bbox

    fig = placer.ax.get_figure(root=True)
    key = (
        arrow.get_text(),
        arrow.get_fontproperties().copy(),
        tuple(arrow.xy),
        tuple(arrow.xyann),
        arrow.xycoords,
        arrow.anncoords,
        repr(sorted(arrow.arrowprops.items())) if arrow.arrowprops else None,
        arrow.get_horizontalalignment(),
        arrow.get_verticalalignment(),
        tuple(placer.axbox.bounds),
        tuple(fig.bbox.bounds),
        fig.dpi,
        type(placer.renderer),
    )
    points = _ARROW_EXTENTS.get(key)
    if points is None:
        if len(_ARROW_EXTENTS) >= 64:
            _ARROW_EXTENTS.clear()
        points = _ARROW_EXTENTS[key] = arrow.get_window_extent(placer.renderer).get_points()
    return Bbox(points.copy())


def _area_labels(placer: _Placer, frame: Any) -> None:
    """Each area's name at its representative point, the chosen area first, then by size."""
    import shapely

    geoms = frame.geometry.to_numpy()
    order = np.argsort(-shapely.area(geoms), kind="stable")
    if "selected" in frame.columns:  # the chosen area first
        selected = frame["selected"].to_numpy()
        order = sorted(order, key=lambda i: not bool(selected[i]))
    points = shapely.point_on_surface(geoms)  # ``representative_point``
    x, y = shapely.get_x(points), shapely.get_y(points)
    visible = placer.in_view(x, y)
    tooltips = frame["tooltip"].tolist()
    for i in order:
        if not visible[i]:  # never drawn (annotation clipping): left out
            continue
        xy = (float(x[i]), float(y[i]))
        style = {
            "ha": "center",
            "va": "center",
            "fontsize": 7.5,
            "color": "#08306b",
            "fontweight": "bold",
            "zorder": 7.5,
            "annotation_clip": True,
            "path_effects": _halo(),
        }
        text = _plain(tooltips[i])
        # inside its own area if there is room, else beside it rather than not at all
        artist = placer.place(
            text, xy, AREA_LABEL_OFFSETS, within=geoms[i], visible=True, **style
        ) or placer.place(text, xy, AREA_LABEL_OFFSETS, visible=True, **style)
        if artist is not None:
            artist.set_gid("area-label")


#: Most street names written on a figure.
MAX_STREET_LABELS = 8


def _focus_street(popup: Any) -> str:
    """The street a focus place is named after, from its popup's "Gata" row:
    "Storgatan vid Parkvägen" → "Storgatan" (``""`` when the place has no street)."""
    for key, value in popup or ():
        if key == tr("Gata", "Street"):
            return str(value).split(tr(" vid ", " at "), 1)[0].strip()
    return ""


def _street_labels(placer: _Placer, drawn: Sequence[ml.MapLayer], focus_only: bool = False) -> None:
    """A few street names in grey italics: with focus places, the street each is named after
    (else the nearest), at its point nearest the place, in rank order; without focus places
    (and not ``focus_only``) the longest streets in view."""
    import shapely

    roads = next((lyr for lyr in drawn if lyr.key == "basemap_roads"), None)
    if roads is None or len(roads.frame) == 0:
        return
    names = roads.frame["tooltip"].astype(str).to_numpy()
    named = np.array([len(n) > 0 for n in names], dtype=bool)
    if not named.any():
        return
    geoms = roads.frame.geometry.to_numpy()[named]
    names = names[named]
    focus = next((lyr for lyr in drawn if lyr.key == "focus"), None)
    spots: list[tuple[str, Any]] = []
    if focus is not None and len(focus.frame):
        tree = shapely.STRtree(geoms)
        centres = shapely.centroid(focus.frame.geometry.to_numpy())
        for centre, popup in zip(centres, focus.frame["popup"]):
            street = _focus_street(popup)
            same = np.flatnonzero(names == street)
            if len(same):
                j = int(same[np.argmin(shapely.distance(geoms[same], centre))])
            else:
                j = int(tree.nearest(centre))
            at = shapely.line_interpolate_point(
                geoms[j], shapely.line_locate_point(geoms[j], centre)
            )
            spots.append((names[j], at))
    elif focus_only:
        return
    else:
        order = np.argsort(-shapely.length(geoms), kind="stable")
        middles = shapely.line_interpolate_point(geoms[order], 0.5, normalized=True)
        spots = list(zip(names[order], middles))
    if not spots:
        return
    points = np.array([point for _, point in spots], dtype=object)
    x, y = shapely.get_x(points), shapely.get_y(points)
    visible = placer.in_view(x, y)
    seen: set[str] = set()
    placed: list[Any] = []
    (x0, x1) = placer.ax.get_xlim()
    spread = 0.12 * (x1 - x0)  # the longest streets' names spread over the map, not bunched
    for k, (name, point) in enumerate(spots):
        if len(seen) >= MAX_STREET_LABELS:
            break
        if name in seen or not visible[k]:  # a name out of view is never drawn
            continue
        if focus is None and any(point.distance(p) < spread for p in placed):
            continue
        artist = placer.place(
            _plain(name),
            (float(x[k]), float(y[k])),
            STREET_LABEL_OFFSETS,
            visible=True,
            ha="center",
            va="center",
            fontsize=6.5,
            fontstyle="italic",
            color="#4d4d4d",
            zorder=7.2,
            annotation_clip=True,
            path_effects=_halo(),
        )
        if artist is not None:
            artist.set_gid("street-label")
            seen.add(name)
            placed.append(point)


def _detail_lines(content: ml.MapContent) -> list[str]:
    """The facts after the first three, wrapped into at most three lines."""
    rest = content.facts[3:]
    if not rest:
        return []
    return textwrap.wrap("   ·   ".join(f"{k}: {v}" for k, v in rest), 190)[:3]


def _title_block(fig: Figure, content: ml.MapContent, details: list[str]) -> None:
    """The title, the facts line and the detail lines above the map."""
    fig.text(
        0.02,
        0.955,
        _plain(content.title),
        fontsize=15,
        fontweight="bold",
        color="#08306b",
        va="bottom",
    )
    facts = "   ·   ".join(f"{k}: {v}" for k, v in content.facts[:3])
    fig.text(0.02, 0.93, _plain(facts), fontsize=8.5, va="top", color="#333333")
    if details:
        fig.text(
            0.02,
            0.905,
            _plain("\n".join(details)),
            fontsize=7.5,
            va="top",
            color="#555555",
            linespacing=1.4,
            gid="figure-details",
        )


def _footer_and_marking(fig: Figure, content: ml.MapContent) -> None:
    """The attribution line and, on internal maps, the marking in the top right corner."""
    attribution = content.attribution or tr("Data: kommunen", "Data: the municipality")
    fig.text(
        0.02,
        0.045,
        _plain(
            attribution
            + tr(
                ". Koordinatsystem SWEREF 99 TM (EPSG:3006). Framställd med tryggaplatser.",
                ". Coordinate system SWEREF 99 TM (EPSG:3006). Made with tryggaplatser.",
            )
        ),
        fontsize=7,
        color="#555555",
        va="top",
        gid="figure-footer",
    )
    if content.mode == "internal":
        from ...policy import INTERNAL_MARKING, INTERNAL_MARKING_EN

        mark = INTERNAL_MARKING if tr("sv", "en") == "sv" else INTERNAL_MARKING_EN
        fig.text(
            0.99,
            0.975,
            mark,
            fontsize=11,
            fontweight="bold",
            color="white",
            ha="right",
            va="top",
            bbox={"boxstyle": "round,pad=0.35", "facecolor": "#b00020", "edgecolor": "none"},
            gid="figure-marking",
        )


# --------------------------------------------------------------------------- stamps

#: What makes a figure part's pixels: the legend's layers (set by :func:`_legend`).
_STAMP_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Figure texts that repeat across a set's maps (facts of the run, attribution, marking).
STAMPED_TEXTS = ("figure-details", "figure-footer", "figure-marking")


def _stamp_parts(fig: Figure) -> list[tuple[Any, tuple, tuple[float, float]]]:
    """The parts of ``fig`` that a set's maps repeat: the legend and the repeated figure texts,
    each with what makes its pixels (its content) and its anchor in pixels."""
    from matplotlib.colors import to_rgba

    parts = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None and legend.get_visible() and legend in _STAMP_KEYS:
            box = legend.get_bbox_to_anchor()
            parts.append((legend, _STAMP_KEYS[legend], (box.x0, box.y1)))
    for text in fig.texts:
        if text.get_gid() not in STAMPED_TEXTS or not text.get_visible():
            continue
        patch = text.get_bbox_patch()
        key = (
            text.get_gid(),
            text.get_text(),
            text.get_fontproperties(),
            to_rgba(text.get_color()),
            text.get_horizontalalignment(),
            text.get_verticalalignment(),
            text.get_linespacing(),
            text.get_rotation(),
            None if patch is None else _patch_key(patch),
        )
        anchor = text.get_transform().transform(text.get_unitless_position())
        parts.append((text, key, (float(anchor[0]), float(anchor[1]))))
    return parts


def _patch_key(patch: Any) -> tuple:
    """What makes a text's box look as it does: colours, line and box style."""
    style = patch.get_boxstyle()
    return (
        tuple(patch.get_facecolor()),
        tuple(patch.get_edgecolor()),
        patch.get_linewidth(),
        type(style).__name__,
        tuple(sorted(vars(style).items())),
    )


def _agg_canvas(fig: Figure) -> Any:
    """The figure's Agg canvas: its own if it has one, else one that shares its renderer
    (:func:`_shared_canvas_class`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else _shared_canvas_class()(fig)


#: Agg renderers shared by the map figures of one size and resolution (at most a few sizes).
_RENDERERS: dict[tuple, Any] = {}
_MAX_RENDERERS = 4


@functools.lru_cache(maxsize=1)
def _shared_canvas_class() -> type:
    """An Agg canvas whose renderer is shared by every figure of the same size and resolution.

    Matplotlib keeps the measured size of each text per renderer: with one renderer, a text
    that a set's maps repeat (legend rows, area and street names, the facts) is measured
    once instead of once per figure. A renderer's pixels are the last figure drawn with it,
    so they are read right after drawing (as :func:`save_figure` does); a renderer is cleared
    before every drawing, so the pixels are those of a new renderer.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer_class = _layout_caching_renderer_class()

    class SharedRendererCanvas(FigureCanvasAgg):
        def get_renderer(self):
            w, h = self.get_width_height(physical=True)
            key = (w, h, self.figure.dpi)
            renderer = _RENDERERS.get(key)
            if renderer is None:
                while len(_RENDERERS) >= _MAX_RENDERERS:
                    _RENDERERS.pop(next(iter(_RENDERERS)))
                renderer = _RENDERERS[key] = renderer_class(w, h, self.figure.dpi)
            self.renderer, self._lastKey = renderer, key
            if hasattr(renderer, "figure_ref"):
                renderer.figure_ref = weakref.ref(self.figure)
            return renderer

    return SharedRendererCanvas


#: Font line metrics kept by the shared renderers: (font files, size, dpi) → (ascent,
#: descent, line gap), as ``Text._get_layout`` computes them.
_FONT_HEIGHTS: dict[tuple, tuple] = {}
#: Glyph layouts kept by the shared renderers: (text, font, size, dpi, features, language).
_LAYOUTS: dict[tuple, Any] = {}
_MAX_LAYOUTS = 4096


def _layout_caching_renderer_class() -> type:
    """Matplotlib's Agg renderer, keeping the glyph layout of each text it draws.

    Laying out a line of text (``FT2Font._layout``, shaping with its fallback fonts) costs
    about a millisecond, and a set's maps draw the same legend rows, names and facts again
    and again. The layout is a function of the text, the font, its size and the resolution,
    so a kept layout is the one matplotlib would compute; the glyphs are rendered at the
    text's position as usual. ``draw_text`` is matplotlib 3.11's own, with the layout kept;
    other matplotlib versions get the plain renderer.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag

    if matplotlib.__version__.split(".")[:2] != ["3", "11"]:
        return RendererAgg

    from matplotlib.font_manager import fontManager

    from ..reports._svg import font_height_metrics

    class LayoutCachingRenderer(RendererAgg):
        def __init__(self, width, height, dpi):
            super().__init__(width, height, dpi)
            # texts drawn as paths (the labels' white halo) keep their outlines too
            self._text2path = _path_caching_text_to_path_class()()
            self.figure_ref: Any = None  # the figure it last drew or measured (a weakref)

        def _get_font_height_metrics(self, prop):
            """``(ascent, descent, line gap)`` of the font of ``prop``, as ``Text._get_layout``
            reads them from the font's tables at its figure's resolution (that of the figure
            the renderer serves), kept per font files, size and resolution."""
            figure = self.figure_ref() if self.figure_ref is not None else None
            dpi = self.dpi if figure is None else figure.dpi
            files = tuple(fontManager._find_fonts_by_props(prop))
            key = (files, prop.get_size_in_points(), dpi)
            metrics = _FONT_HEIGHTS.get(key)
            if metrics is None:
                metrics = _FONT_HEIGHTS[key] = font_height_metrics(files, key[1], dpi)
            return metrics

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath:
                return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            font = self._prepare_font(prop)
            features = mtext.get_fontfeatures() if mtext is not None else None
            language = mtext.get_language() if mtext is not None else None
            size = prop.get_size_in_points()
            key = (s, font, size, self.dpi, features, language)
            try:
                items = _LAYOUTS.get(key)
            except TypeError:  # features or language that cannot be a key: laid out each time
                key, items = None, None
            if items is None:
                items = font._layout(
                    s, flags=get_hinting_flag(), features=features, language=language
                )
                if key is not None:
                    if len(_LAYOUTS) >= _MAX_LAYOUTS:
                        _LAYOUTS.clear()
                    _LAYOUTS[key] = items
            self._draw_text_glyphs_and_boxes(
                gc,
                x,
                y,
                angle,
                ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items),
                [],
            )

    return LayoutCachingRenderer


#: Text outlines kept by :func:`_path_caching_text_to_path_class`: (font, text, features,
#: language) → (vertices, codes).
_TEXT_PATHS: dict[tuple, tuple] = {}


@functools.lru_cache(maxsize=1)
def _path_caching_text_to_path_class() -> type:
    """Matplotlib's ``TextToPath``, keeping the outline of each text it converts.

    A text with a path effect (the white halo of area and street names) is drawn as its
    outline, laid out glyph by glyph on every drawing. The outline is a function of the text
    and the font (converted at the fixed ``FONT_SCALE``; the renderer scales and moves it), so
    a kept outline is the one matplotlib would compute. Kept as arrays, which the renderer's
    ``Path`` uses as they are (it never changes them)."""
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextToPath

    class PathCachingTextToPath(TextToPath):
        def get_text_path(self, prop, s, ismath=False, *, features=None, language=None):
            if ismath:
                return super().get_text_path(prop, s, ismath, features=features, language=language)
            key = (self._get_font(prop), s, features, language)
            try:
                hit = _TEXT_PATHS.get(key)
            except TypeError:  # features or language that cannot be a key
                return super().get_text_path(prop, s, features=features, language=language)
            if hit is None:
                verts, codes = super().get_text_path(prop, s, features=features, language=language)
                verts = np.asarray(verts, dtype=float).reshape(-1, 2)
                codes = np.asarray(codes, dtype=MplPath.code_type)
                verts.flags.writeable = codes.flags.writeable = False
                if len(_TEXT_PATHS) >= _MAX_LAYOUTS:
                    _TEXT_PATHS.clear()
                hit = _TEXT_PATHS[key] = (verts, codes)
            return hit

    return PathCachingTextToPath


def _pixels(fig: Figure) -> Any:
    """The figure's RGBA pixels, drawn as :meth:`Figure.savefig` draws them."""
    canvas = _agg_canvas(fig)
    canvas.draw()
    return canvas.buffer_rgba()


def _stamped_pixels(fig: Figure, stamps: dict) -> Any:
    """The figure's RGBA pixels as :meth:`Figure.savefig` draws them, with the parts a set's
    maps repeat (:func:`_stamp_parts`) pasted from ``stamps`` when an earlier figure drew them.

    Drawing text is most of a map figure's cost, and the legend and the run's facts are the
    same in most of a set's maps. A part is drawn last, onto white: the rest of the figure
    never touches its pixels (checked, else the whole figure is drawn as usual), so drawing it
    last gives the pixels it gets in its usual place in the drawing order. Its pixels are kept
    by content, size and sub-pixel position, and pasted into a later figure at a whole-pixel
    shift only where that figure is white too.
    """
    canvas = _agg_canvas(fig)
    parts = _stamp_parts(fig)
    for artist, _, _ in parts:
        artist.set_visible(False)
    try:
        canvas.draw()
    finally:
        for artist, _, _ in parts:
            artist.set_visible(True)
    # one 32-bit word per RGBA pixel (a view: pasting writes into the canvas)
    rgba = np.asarray(canvas.buffer_rgba())
    pixels = rgba.view(np.uint32).reshape(rgba.shape[:2])
    height, white = pixels.shape[0], np.uint32(0xFFFFFFFF)
    for artist, key, (x, y) in parts:
        ix, iy = int(np.floor(x + 1e-6)), int(np.floor(y + 1e-6))
        full_key = (key, fig.dpi, round(x - ix, 6) + 0.0, round(y - iy, 6) + 0.0)
        hit = stamps.get(full_key)
        if hit is not None:
            stamp, (row, col) = hit
            row, col = row + height - iy, col + ix
            region = pixels[max(row, 0) : row + stamp.shape[0], max(col, 0) : col + stamp.shape[1]]
            if region.shape == stamp.shape and (region == white).all():
                region[...] = stamp
                continue
        before = pixels.copy()
        artist.draw(canvas.get_renderer())
        changed = pixels != before
        rows = np.flatnonzero(changed.any(axis=1))  # the rows and columns the part drew on
        if len(rows) == 0:
            continue
        cols = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
        box = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        if not (before[box] == white).all():  # the part meets other drawing: draw as usual
            canvas.draw()
            break
        stamps[full_key] = (pixels[box].copy(), (rows[0] - (height - iy), cols[0] - ix))
    return canvas.buffer_rgba()


#: zlib level of written PNGs: 3 encodes twice as fast as 6 for ~10 % larger maps.
PNG_COMPRESS_LEVEL = 3


def png_bytes(rgba: np.ndarray, *, dpi: float, metadata: dict[str, Any]) -> bytes:
    """A PNG file of 8-bit RGBA pixels (rows top down) with its resolution and text chunks.

    Every row is filtered as "Up" (its bytes minus the bytes above), computed with numpy:
    a map is mostly flat colour, so the rows compress well, and encoding takes half the
    time of Pillow's encoder, which tries five filters on every row (files ~4 % larger).
    ``metadata`` values are written as ``tEXt`` (Latin-1) or ``iTXt`` (UTF-8) chunks, as
    Pillow writes them.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    height, width, _ = rgba.shape
    rows = rgba.reshape(height, width * 4)
    raw = np.empty((height, width * 4 + 1), np.uint8)
    raw[:, 0] = 2  # filter type "Up"
    raw[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=raw[1:, 1:])  # modulo 256, as PNG defines it
    per_metre = int(dpi / 0.0254 + 0.5)
    parts = [
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
    ]
    for key, value in metadata.items():
        if value is None:
            continue
        try:
            parts.append(chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
        except UnicodeEncodeError:  # uncompressed, no language tag
            parts.append(chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode()))
    parts.append(chunk(b"IDAT", zlib.compress(raw, PNG_COMPRESS_LEVEL)))  # no copy to bytes
    parts.append(chunk(b"IEND", b""))
    return b"".join(parts)


def save_figure(
    fig: Figure,
    path: str | Path,
    *,
    gate: Any,
    dpi: int | None = None,
    about: dict[str, Any] | None = None,
) -> Path:
    """Write a figure as PNG with the gate's metadata tags and seal it (``Gate.seal``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        From :func:`static_map`.
    path : str or Path
        Output ``.png``; its folder is created.
    gate : Gate
        The output set's publishing gate (e.g. ``maps.map_gate(m)``): its ``metadata()`` tags
        (mode; marking for internal figures) are written into the PNG, then the file is
        audited and recorded in the folder's manifest.
    dpi : int, optional
        Resolution; default the figure's.
    about : dict, optional
        What the folder's start page shows about the figure (``area``, ``period``…; see
        ``Gate.seal``).
    """
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ArgumentError(
            tr(
                "statiska kartor skrivs som PNG, inte {s!r}",
                "static maps are written as PNG, not {s!r}",
                s=path.suffix,
            ),
            rule="FIGURE_FORMAT",
            fix=tr("använd filändelsen .png", "use the extension .png"),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Software": "tryggaplatser", **gate.metadata()}
    stamps = ml.shared_memo("figure-stamps")  # a set of maps: repeated parts drawn once
    kept = fig.dpi
    fig.dpi = dpi or kept  # drawn at the asked resolution, as ``Figure.savefig`` does
    try:
        pixels = np.asarray(_stamped_pixels(fig, stamps) if stamps is not None else _pixels(fig))
        path.write_bytes(png_bytes(pixels, dpi=fig.dpi, metadata=metadata))
    finally:
        fig.dpi = kept
    gate.seal(path, kind="figure", about=about)
    return path
