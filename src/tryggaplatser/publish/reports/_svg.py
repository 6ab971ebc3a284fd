"""Matplotlib's SVG writer with less repeated work, for :func:`.charts.svg_bytes`.

Its output is byte for byte what ``Figure.savefig(format="svg")`` writes (checked by
tests/publish/test_report.py). What it keeps:

- a text's size and outline in a font, once per process (:class:`KeptTextToPath`), and a
  font's line metrics (:meth:`KeptSvgRenderer._get_font_height_metrics`): the maps of a set
  repeat their legend, title block and street names, and text layout is a third of a map's
  cost;
- the CSS of a drawing style, once per figure (:class:`KeptSvgRenderer`): a map draws
  hundreds of polygons in a few styles;
- a polygon collection's transform and clip, once per collection
  (:meth:`KeptSvgRenderer.draw_path_collection`): a map's cells, buildings and streets are
  collections of hundreds of polygons, each written as a path of its own.

Imported by :func:`.charts.svg_bytes` (and :func:`font_height_metrics` by the map figures' Agg
renderer) when drawing, so matplotlib stays out of ``--help``.
"""

from __future__ import annotations

import codecs
import itertools
from typing import Any

from matplotlib import cbook, colors, rcParams
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG, _quote_escape_attrib
from matplotlib.font_manager import fontManager, get_font
from matplotlib.textpath import TextToPath

#: Kept sizes and outlines (cleared when it grows past :data:`KEPT_MAX` entries).
_KEPT: dict[tuple, Any] = {}
KEPT_MAX = 20_000


class KeptTextToPath(TextToPath):
    """A text's size and outline computed once: both depend only on the text, the font
    properties, the font files they resolve to and the kerning setting, which make the key
    (math text is measured as usual)."""

    def _key(self, *parts: Any, prop: Any) -> tuple:
        if len(_KEPT) > KEPT_MAX:
            _KEPT.clear()
        files = tuple(fontManager._find_fonts_by_props(prop))
        return (*parts, prop.copy(), files, rcParams["text.kerning_factor"])

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = self._key("size", s, prop=prop)
        if key not in _KEPT:
            _KEPT[key] = super().get_text_width_height_descent(s, prop, ismath)
        return _KEPT[key]

    def get_text_path(self, prop, s, ismath=False, *, features=None, language=None):
        if ismath:
            return super().get_text_path(prop, s, ismath, features=features, language=language)
        key = self._key("path", s, features, language, prop=prop)
        if key not in _KEPT:
            _KEPT[key] = super().get_text_path(
                prop, s, ismath, features=features, language=language
            )
        verts, codes = _KEPT[key]
        return list(verts), list(codes)


_TEXT2PATH = KeptTextToPath()


class KeptSvgRenderer(RendererSVG):
    """RendererSVG with the kept text converter and each style's CSS made once per figure."""

    def __init__(self, *args: Any, figure: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._text2path = _TEXT2PATH
        self._styles: dict[tuple, str] = {}
        self._figure = figure

    def _get_font_height_metrics(self, prop):
        """``(ascent, descent, line gap)`` of the font of ``prop`` as ``Text._get_layout``
        computes them from the font's tables (at the figure's dpi), kept per font file, size
        and dpi; ``(None, None, None)`` (``Text`` measures the font itself) without a figure
        or tables."""
        if self._figure is None:
            return None, None, None
        files = tuple(fontManager._find_fonts_by_props(prop))
        fontsize = prop.get_size_in_points()
        dpi = self._figure.dpi
        key = ("height", files, fontsize, dpi)
        if key not in _KEPT:
            _KEPT[key] = font_height_metrics(files, fontsize, dpi)
        return _KEPT[key]

    def _get_style(self, gc, rgbFace):
        # the key is everything RendererSVG._get_style_dict reads
        if gc.get_hatch() is not None:  # a hatch writes its pattern once: not kept
            return super()._get_style(gc, rgbFace)
        offset, dashes = gc.get_dashes()
        key = (
            None if rgbFace is None else tuple(rgbFace),
            tuple(gc.get_rgb()),
            gc.get_forced_alpha(),
            gc.get_alpha(),
            gc.get_linewidth(),
            offset,
            None if dashes is None else tuple(dashes),
            gc.get_joinstyle(),
            gc.get_capstyle(),
        )
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = super()._get_style(gc, rgbFace)
        return style

    def draw_path_collection(
        self, gc, master_transform, paths, all_transforms, offsets, offset_trans, *styles, **kw
    ):
        """What RendererSVG writes for a collection whose paths are written one by one (no
        per-path transforms, offsets other than one at the origin, links, hatches or
        sketches: the polygons of a map), with the transform, the clip and each edge colour
        worked out once and the paths written straight to the file; any other collection as
        RendererSVG draws it.

        RendererSVG inlines such a collection through ``RendererBase.draw_path_collection``:
        each path's transform is ``IdentityTransform() + master_transform``, i.e.
        ``master_transform`` itself, flipped by :meth:`_make_flip_transform`, and each path
        is written by :meth:`draw_path` with the graphics context of ``_iter_collection``,
        whose clip is the collection's."""
        # styles: face and edge colours, line widths and styles, antialiasing, links, and the
        # offset position (RendererBase's order); kw: the hatch colours
        urls = styles[5]
        if (
            len(all_transforms)
            or len(offsets) > 1
            or (len(offsets) and not (offset_trans.transform(offsets) == 0).all())
            or any(url is not None for url in urls)
            or gc.get_url() is not None
            or gc.get_hatch() is not None
            or gc.get_sketch_params() is not None
        ):
            return super().draw_path_collection(
                gc, master_transform, paths, all_transforms, offsets, offset_trans, *styles, **kw
            )
        hatchcolors = kw.get("hatchcolors")
        self._write_inline(
            gc, master_transform, paths, *styles[:6], [] if hatchcolors is None else hatchcolors
        )

    def _write_inline(self, gc, master_transform, paths, *styles) -> None:
        """The paths of a collection :meth:`draw_path_collection` writes itself, each as
        :meth:`draw_path` writes it (``styles``: the face and edge colours, line widths and
        styles, antialiasing, links and hatch colours)."""
        flip = clip_attrs = None
        writer = self.writer
        write = indent = None
        for path, gc0, rgbFace in self._inline_collection(gc, paths, *styles):
            clip = rgbFace is None
            if flip is None:  # at the first path drawn, as draw_path registers the clip
                flip = self._make_flip_transform(master_transform)
                clip_attrs = self._get_clip_attrs(gc0)
                clip_text = "".join(
                    f" {k}={_quote_escape_attrib(v)}" for k, v in clip_attrs.items()
                )
            d = self._convert_path(
                path, flip, clip=clip, simplify=path.should_simplify and clip, sketch=None
            )
            style = self._get_style(gc0, rgbFace)
            if write is None:  # the first path through the writer (it closes an open tag)
                writer.element("path", d=d, **clip_attrs, style=style)
                write = writer._XMLWriter__write
                indent = writer._XMLWriter__indentation[: len(writer._XMLWriter__tags)]
                continue
            # the same bytes as writer.element("path", d=d, **clip_attrs, style=style):
            # attributes with an empty value are left out
            write(
                f"{indent}<path"
                + (f" d={_quote_escape_attrib(d)}" if d else "")
                + clip_text
                + (f" style={_quote_escape_attrib(style)}" if style else "")
                + "/>\n"
            )

    def _inline_collection(
        self,
        gc,
        paths,
        facecolors,
        edgecolors,
        linewidths,
        linestyles,
        antialiaseds,
        urls,
        hatchcolors,
    ):
        """``RendererBase._iter_collection`` (matplotlib 3.11) for the collections
        :meth:`draw_path_collection` writes itself (one path per element, no offsets, no
        hatch): ``(path, gc, rgbFace)`` with each edge colour converted once per colour, and
        no hatch colour set (there is no hatch to draw)."""
        n_paths, n_edges = len(paths), len(edgecolors)
        n_widths, n_styles, n_urls = len(linewidths), len(linestyles), len(urls)
        if (len(facecolors) == 0 and n_edges == 0 and len(hatchcolors) == 0) or n_paths == 0:
            return

        def cycle(seq):
            return itertools.cycle(seq) if len(seq) else itertools.repeat(None)

        gc0 = self.new_gc()
        gc0.copy_properties(gc)
        if n_edges == 0:
            gc0.set_linewidth(0.0)
        rgba: dict = {}
        for path, fc, ec, lw, ls, aa, url in itertools.islice(
            zip(
                paths,
                cycle(facecolors),
                cycle(edgecolors),
                cycle(linewidths),
                cycle(linestyles),
                cycle(antialiaseds),
                cycle(urls),
            ),
            n_paths,
        ):
            if n_edges:
                if n_widths:
                    gc0.set_linewidth(lw)
                if n_styles:
                    gc0.set_dashes(*ls)
                key = ec if isinstance(ec, str) else tuple(ec)
                ec_rgba = rgba.get(key)
                if ec_rgba is None:
                    ec_rgba = rgba[key] = colors.to_rgba(ec)
                # fully transparent edges are no stroke
                if ec_rgba[3] == 0.0:
                    gc0.set_linewidth(0)
                else:
                    gc0.set_foreground(ec_rgba, isRGBA=True)
            if fc is not None and len(fc) == 4 and fc[3] == 0:
                fc = None
            gc0.set_antialiased(aa)
            if n_urls:
                gc0.set_url(url)
            yield path, gc0, fc
        gc0.restore()


def font_height_metrics(files: tuple, fontsize: float, dpi: float) -> tuple:
    """The vertical metrics ``Text._get_layout`` (matplotlib 3.11) reads from a font's
    OS/2 or hhea table, computed as it does."""
    font = get_font(list(files))
    possible = [
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ]
    for table_name, linegap_key, ascent_key, descent_key in possible:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale
    return None, None, None


class KeptSvgCanvas(FigureCanvasSVG):
    """FigureCanvasSVG drawing with :class:`KeptSvgRenderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_):
        # FigureCanvasSVG.print_svg with the kept renderer (the other options of savefig are
        # those the SVG canvas ignores: dpi, facecolor, edgecolor, orientation)
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            fig = self.figure
            dpi, fig.dpi = fig.dpi, 72
            width, height = fig.get_size_inches()
            renderer = MixedModeRenderer(
                fig,
                width,
                height,
                dpi,
                KeptSvgRenderer(
                    width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata, figure=fig
                ),
                bbox_inches_restore=bbox_inches_restore,
            )
            fig.draw(renderer)
            renderer.finalize()
