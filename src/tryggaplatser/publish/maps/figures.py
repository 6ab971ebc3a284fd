"""Static map figures (PNG) for reports and documents, drawn with matplotlib.

A static figure shows the same prepared, gated layers as the interactive map it mirrors
(:func:`~.interactive.neighbourhood_map` / :func:`~.interactive.hotspot_map`): pass the
``folium.Map`` (or its :class:`~._layers.MapContent`) to :func:`static_map`. The figure is in
SWEREF 99 TM (EPSG:3006), so distances on the scale bar are true metres; it carries a title
block, legend, scale bar, north arrow and attribution, and internal figures the marking
"INTERNT – ej för spridning". No background tiles are needed.

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

import textwrap
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
    from matplotlib.collections import PatchCollection

    patches, facecolors, edges = _polygon_patches(layer)
    linewidth = layer.weight * 0.9 if layer.weight else 0.0
    if layer.key == "areas" and "selected" in frame.columns:
        linewidth = [2.2 if s else 0.9 for s in frame["selected"]]
    collection = PatchCollection(
        patches,
        facecolors=facecolors,
        edgecolors=edges,
        linewidths=linewidth,
        zorder=4 if layer.key == "areas" else 2,
    )
    if layer.dash and layer.key != "focus":  # small focus cells: dashes read as brackets
        collection.set_linestyle((0, tuple(float(v) for v in layer.dash.split())))
    if layer.key == "focus":
        collection.set_zorder(6)
        _rank_labels(ax, frame)
    collection.set_gid(f"layer-{layer.key}")  # names the layer in the figure (and in SVG)
    ax.add_collection(collection)
    if layer.key == "areas" and len(frame) <= 40:
        for geom, text in zip(frame.geometry, frame["tooltip"]):
            p = geom.representative_point()
            ax.annotate(
                _plain(text),
                (p.x, p.y),
                ha="center",
                va="center",
                fontsize=7.5,
                color="#08306b",
                fontweight="bold",
                zorder=6,
                annotation_clip=True,
                path_effects=_halo(),
            )


def _polygon_patches(layer: ml.MapLayer) -> tuple[list, list, list]:
    """Matplotlib patches of a polygon layer (holes kept) with their face and edge colours."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    patches, faces, edges = [], [], []
    for geom, fill, stroke in zip(layer.frame.geometry, layer.frame["fill"], layer.frame["stroke"]):
        for poly in getattr(geom, "geoms", [geom]):
            rings = [np.asarray(poly.exterior.coords)] + [
                np.asarray(r.coords) for r in poly.interiors
            ]
            codes = np.concatenate(
                [
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY]
                    for r in rings
                ]
            )
            patches.append(PathPatch(MplPath(np.concatenate(rings), codes)))
            faces.append(fill if isinstance(fill, str) and layer.fill_opacity > 0 else "none")
            edges.append(stroke if isinstance(stroke, str) else "#555555")
    colours = [(0, 0, 0, 0) if f == "none" else to_rgba(f, layer.fill_opacity) for f in faces]
    return patches, colours, edges


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


def _north_arrow(ax: Axes) -> None:
    ax.annotate(
        "N",
        xy=(0.955, 0.95),
        xytext=(0.955, 0.86),
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
        default: the layers the interactive map shows when it opens.
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
    return drawn


def _draw_map_panel(
    fig: Figure, content: ml.MapContent, drawn: list[ml.MapLayer], *, top: float = 0.86
) -> None:
    """The map panel (from 0.08 up to ``top`` of the figure's height): layers, extent, frame,
    scale bar, north arrow and legend."""
    ax = fig.add_axes((0.02, 0.08, 0.70, min(0.78, top - 0.08)))
    ax.set_facecolor("#f4f3ef")
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
    _north_arrow(ax)
    _legend(ax, drawn)


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
        )


#: zlib level of written PNGs: 3 encodes twice as fast as PIL's default 6 for ~6 % larger maps.
PNG_COMPRESS_LEVEL = 3


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
    fig.savefig(
        path,
        format="png",
        dpi=dpi or fig.dpi,
        metadata=metadata,
        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL},
    )
    gate.seal(path, kind="figure", about=about)
    return path
