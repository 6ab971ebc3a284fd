"""Static PNG maps (publish/maps/figures.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from synthetic import make_layers

from tryggaplatser.errors import ArgumentError
from tryggaplatser.publish.maps.figures import save_figure, scale_bar_length, static_map
from tryggaplatser.publish.maps.interactive import (
    hotspot_map,
    map_content,
    map_gate,
    neighbourhood_map,
)


@pytest.fixture(scope="module")
def maps():
    lay = make_layers(2000, payload=True)
    out = {}
    for mode in ("public", "internal"):
        out[mode] = neighbourhood_map(
            "A4",
            areas=lay["areas"],
            cells=lay["cells"],
            incidents=lay["incidents"],
            walk_observations=lay["walk_observations"],
            indicator="otrygghet",
            mode=mode,
            quiet=True,
        )
    out["hotspots"] = hotspot_map(
        areas=lay["areas"],
        cells=lay["cells"],
        focus_places=lay["focus_places"],
        week="2026-W47",
        mode="internal",
    )  # focus places are internal only
    return out


def _texts(fig) -> str:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(texts)


def test_png_written_with_metadata_and_not_blank(maps, tmp_path):
    from PIL import Image

    m = maps["internal"]
    path = save_figure(static_map(m), tmp_path / "karta_omrade_centrum.png", gate=map_gate(m))
    image = Image.open(path)
    assert image.info.get("tryggaplatser_mode") == "internal"
    assert image.info.get("tryggaplatser_marking") == "INTERNT – ej för spridning"
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 20  # a drawn map, not a blank page
    assert (tmp_path / "utgivning.json").exists()


def test_figure_has_legend_scale_north_attribution(maps):
    fig = static_map(maps["internal"])
    text = _texts(fig)
    assert "Områdeskarta: Centrum" in text
    assert "Getis-Ord Gi*" in text  # legend section of a drawn layer
    assert "N" in text.split("\n")  # north arrow
    assert "500 m" in text or "1 km" in text  # scale bar
    assert "Data: " in text and "EPSG:3006" in text
    assert "INTERNT – ej för spridning" in text
    assert "INTERNT" not in _texts(static_map(maps["public"]))


def test_public_figure_draws_the_public_layers_only(maps):
    content = map_content(maps["public"])
    assert all(layer.kind != "point" for layer in content.layers)
    text = _texts(static_map(maps["public"], layers=["incidents", "areas"]))
    assert "<5 (färre än fem)" in text
    assert "Bandbredd" not in text


def test_dollar_payload_is_plain_text(maps):
    fig = static_map(maps["hotspots"], layers=["areas", "focus"])
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    from io import BytesIO

    fig.savefig(BytesIO(), format="png")  # mathtext would fail on "${alert('tpl')}"
    assert r"\$" in _texts(fig)


def test_unknown_layer_and_source_refused(maps, tmp_path):
    with pytest.raises(ArgumentError, match="FIGURE_LAYERS"):
        static_map(maps["public"], layers=["nope"])
    with pytest.raises(ArgumentError, match="FIGURE_SOURCE"):
        static_map(object())
    with pytest.raises(ArgumentError, match="FIGURE_FORMAT"):
        save_figure(static_map(maps["public"]), tmp_path / "x.pdf", gate=map_gate(maps["public"]))


@pytest.mark.parametrize(
    ("width", "expected"), [(2600, 500), (10_000, 2000), (400, 50), (60_000, 10_000)]
)
def test_scale_bar_length(width, expected):
    assert scale_bar_length(width) == expected


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_png_draws_the_same_cells_in_the_same_classes_as_the_html_map(mode):
    """The static figure and the interactive map render one content: every Gi* cell of the
    HTML map is one patch of the figure's Gi* layer, in the same colour."""
    import json
    import re

    from matplotlib.colors import to_hex

    lay = make_layers(2000, payload=False)
    m = neighbourhood_map("A4", areas=lay["areas"], cells=lay["cells"], mode=mode, quiet=True)
    html = m.get_root().render()
    start = html.index('TP.layer({"k":"gistar"') + len("TP.layer(")
    payload, _ = json.JSONDecoder().raw_decode(html, start)
    html_fills = sorted(f["properties"]["f"] for f in payload["fc"]["features"])
    fig = static_map(m)
    (collection,) = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "layer-gistar"]
    png_fills = sorted(to_hex(rgba, keep_alpha=False) for rgba in collection.get_facecolors())
    assert len(collection.get_paths()) == len(html_fills) > 0
    assert png_fills == [f.lower() for f in html_fills]
    assert re.fullmatch(r"#[0-9a-f]{6}", png_fills[0])


def test_labels_anchored_outside_the_view_are_left_out():
    """A label whose point lies outside the axes is never drawn (annotation clipping): it is left
    out without taking a place, so the labels in view sit where they would sit without it. The
    reference places only the labels inside the data limits, trying every position."""
    from matplotlib.figure import Figure

    from tryggaplatser.publish.maps.figures import AREA_LABEL_OFFSETS, _Placer

    rng = np.random.default_rng(7)
    anchors = rng.uniform(-1500, 2500, size=(160, 2))
    inside = [bool(0 <= x <= 1000 and 0 <= y <= 1000) for x, y in anchors]

    def placed(all_labels: bool) -> list:
        fig = Figure(figsize=(6, 4), dpi=100)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        ax.set_xlim(0, 1000)
        ax.set_ylim(0, 1000)
        placer = _Placer(fig, ax)
        placer._in_view = lambda xy: True  # the reference tries every label it is given
        if all_labels:
            del placer._in_view  # the placer's own rule
        out = []
        for i, (x, y) in enumerate(anchors):
            if not all_labels and not inside[i]:
                out.append(None)
                continue
            style = {"ha": "center", "va": "center", "fontsize": 8}
            artist = placer.place(f"Område {i}", (x, y), AREA_LABEL_OFFSETS, **style)
            out.append(None if artist is None else tuple(artist.xyann))
        return out

    got, reference = placed(True), placed(False)
    assert got == reference
    assert sum(p is not None for p in got) > 3 and sum(inside) < len(inside)


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_a_set_of_figures_draws_its_repeated_parts_once_with_the_same_pixels(mode, tmp_path):
    """Inside ``shared_parts`` (one set of area maps), the legend and the repeated figure texts
    are drawn once and pasted into the later figures; every PNG must be byte-identical to the
    same figure saved on its own."""
    from PIL import Image

    from tryggaplatser.publish.maps._layers import shared_memo, shared_parts

    lay = make_layers(1500)
    ids = ["A1", "A2", "A4", "A6"]  # wide and tall extents: the legend sits at other pixels
    maps = [
        neighbourhood_map(
            a,
            areas=lay["areas"],
            cells=lay["cells"],
            incidents=lay["incidents"],
            walk_observations=lay["walk_observations"],
            indicator="otrygghet",
            mode=mode,
            quiet=True,
        )
        for a in ids
    ]
    for a, m in zip(ids, maps):
        save_figure(static_map(m), tmp_path / "alone" / f"karta_{a}.png", gate=map_gate(m))
    with shared_parts():
        for a, m in zip(ids, maps):
            save_figure(static_map(m), tmp_path / "set" / f"karta_{a}.png", gate=map_gate(m))
        stamps = shared_memo("figure-stamps")
    kinds = [key[0][0] for key in stamps]
    # the attribution (and the marking) is the same in every figure: kept once, pasted thrice
    assert kinds.count("figure-footer") == 1
    assert kinds.count("figure-marking") == (1 if mode == "internal" else 0)
    assert 1 <= kinds.count("legend") <= len(ids)
    assert Image.open(tmp_path / "set" / "karta_A6.png").getbbox() is not None
    for a in ids:
        alone = (tmp_path / "alone" / f"karta_{a}.png").read_bytes()
        assert (tmp_path / "set" / f"karta_{a}.png").read_bytes() == alone, a


def test_png_bytes_decode_to_the_same_pixels_and_tags_with_pillow():
    """The PNG writer against an independent decoder (Pillow): random pixels (every byte value,
    so the "Up" filter wraps modulo 256), resolution and Latin-1/UTF-8 text chunks."""
    import io

    from PIL import Image

    from tryggaplatser.publish.maps.figures import png_bytes

    rgba = np.random.default_rng(3).integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    tags = {"Software": "tryggaplatser", "marking": "INTERNT – ej för spridning", "none": None}
    image = Image.open(io.BytesIO(png_bytes(rgba, dpi=150, metadata=tags)))
    assert image.mode == "RGBA" and image.size == (53, 37)
    assert np.array_equal(np.asarray(image), rgba)
    assert image.info["Software"] == "tryggaplatser"
    assert image.info["marking"] == "INTERNT – ej för spridning"
    assert "none" not in image.info
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.02)


def test_saved_png_has_the_pixels_matplotlib_writes(maps, tmp_path):
    from PIL import Image

    m = maps["public"]
    fig = static_map(m)
    fig.savefig(tmp_path / "matplotlib.png", format="png", dpi=fig.dpi)
    save_figure(fig, tmp_path / "karta.png", gate=map_gate(m))
    ours = np.asarray(Image.open(tmp_path / "karta.png"))
    assert np.array_equal(ours, np.asarray(Image.open(tmp_path / "matplotlib.png")))
    save_figure(fig, tmp_path / "karta_100.png", gate=map_gate(m), dpi=100)
    assert Image.open(tmp_path / "karta_100.png").size == (1100, 800)
    assert fig.dpi == 150  # the figure keeps its own resolution


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_the_shared_renderer_draws_the_pixels_of_matplotlibs_own(mode):
    """Map figures share one Agg renderer per size, which keeps each text's glyph layout:
    drawn twice (the second time from kept layouts), a figure has exactly the pixels that
    matplotlib's own canvas draws."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from tryggaplatser.publish.maps.figures import _pixels

    lay = make_layers(1500)
    m = neighbourhood_map(
        "A2",
        areas=lay["areas"],
        cells=lay["cells"],
        incidents=lay["incidents"],
        indicator="otrygghet",
        mode=mode,
        quiet=True,
    )
    shared = static_map(m)
    first = np.asarray(_pixels(shared)).copy()
    again = np.asarray(_pixels(shared)).copy()
    own = static_map(m)
    canvas = FigureCanvasAgg(own)
    canvas.draw()
    reference = np.asarray(canvas.buffer_rgba())
    assert type(shared.canvas) is not FigureCanvasAgg  # the shared canvas was used
    assert np.array_equal(first, reference) and np.array_equal(again, reference)


def test_polygon_paths_keep_every_part_and_hole_in_order():
    """Polygon layers are taken apart in one pass: each polygon of a multipolygon becomes one
    path of its exterior and holes, with the row's colours, as a ring-by-ring reference
    builds it."""
    import geopandas as gpd
    import shapely
    from matplotlib.path import Path as MplPath

    from tryggaplatser.publish.maps import _layers as ml
    from tryggaplatser.publish.maps.figures import _polygon_paths

    outer = shapely.box(0, 0, 10, 10)
    holed = shapely.Polygon(outer.exterior.coords, [shapely.box(2, 2, 4, 4).exterior.coords])
    twice = shapely.Polygon(
        shapely.box(20, 0, 40, 20).exterior.coords,
        [shapely.box(22, 2, 24, 4).exterior.coords, shapely.box(30, 10, 35, 15).exterior.coords],
    )
    geoms = [holed, shapely.MultiPolygon([outer, twice]), shapely.box(50, 0, 51, 1)]
    frame = gpd.GeoDataFrame(
        {"fill": ["#ff0000", None, "#00ff00"], "stroke": [None, "#0000ff", "#111111"]},
        geometry=geoms,
        crs=3006,
    )
    layer = ml.MapLayer("cells", "Rutor", "polygon", frame, fill_opacity=0.5)
    paths, faces, edges = _polygon_paths(layer)
    expected = []
    for geom, fill, stroke in zip(geoms, frame["fill"], frame["stroke"]):
        for poly in getattr(geom, "geoms", [geom]):
            rings = [np.asarray(poly.exterior.coords)] + [
                np.asarray(r.coords) for r in poly.interiors
            ]
            codes = np.concatenate([[1] + [2] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in rings])
            expected.append((np.concatenate(rings), codes, fill, stroke))
    assert len(paths) == len(expected) == 4
    for path, face, edge, (verts, codes, fill, stroke) in zip(paths, faces, edges, expected):
        assert np.array_equal(path.vertices, verts) and np.array_equal(path.codes, codes)
        assert (face[3] == 0) == (not isinstance(fill, str))
        assert edge == (stroke if isinstance(stroke, str) else "#555555")


def test_many_anchors_are_in_view_as_each_is_alone():
    """The placer tests a map's label anchors at once; each answer must be the one-anchor
    test (points on and near the axes' edge included)."""
    from matplotlib.figure import Figure

    from tryggaplatser.publish.maps.figures import _Placer

    fig = Figure(figsize=(6, 4), dpi=100)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 1000)
    placer = _Placer(fig, ax)
    rng = np.random.default_rng(5)
    xy = np.vstack([rng.uniform(-100, 1100, (300, 2)), [[0, 0], [1000, 1000], [-2, 500]]])
    many = placer.in_view(xy[:, 0], xy[:, 1])
    assert list(many) == [placer._in_view((x, y)) for x, y in xy]
    assert 0 < many.sum() < len(xy)


def _corner_by_all_shapes(ax, drawn) -> str:
    """The north arrow's corner as the union of every data shape decides it (reference)."""
    import shapely

    from tryggaplatser.publish.maps.figures import NORTH_BOX, NORTH_CORNERS

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    geoms = []
    for layer in drawn:
        g = layer.frame.geometry.to_numpy()
        if layer.kind == "point":
            g = shapely.buffer(g, 0.012 * w, cap_style="square")
        geoms.extend(g)
    data = shapely.union_all(geoms) if geoms else None
    bw, bh = NORTH_BOX

    def covered(corner):
        fx, fy = NORTH_CORNERS[corner]
        box = shapely.box(
            x0 + (fx - bw / 2) * w, y0 + (fy - bh + 0.01) * h, x0 + (fx + bw / 2) * w, y0 + fy * h
        )
        return 0.0 if data is None else float(shapely.intersection(box, data).area)

    return min(NORTH_CORNERS, key=covered)


@pytest.mark.parametrize("case", ["random", "covered", "points", "empty", "one corner"])
def test_north_corner_from_the_shapes_near_the_corners_is_that_of_all_shapes(case):
    """The corner chosen from the shapes whose bounds meet a corner's box is the one the union
    of all shapes gives: random cells, a map covered by cells (every corner fully covered, a
    near tie decided by all shapes), points, no data, and data in one corner only."""
    import shapely
    from matplotlib.figure import Figure

    from tryggaplatser.publish.maps import _layers as ml
    from tryggaplatser.publish.maps.figures import north_corner

    rng = np.random.default_rng(11)
    size, n = 125.0, 48
    x0, y0 = 650_000.0, 6_560_000.0
    fig = Figure(figsize=(11, 8), dpi=150)
    ax = fig.add_axes((0.02, 0.08, 0.7, 0.78))
    ax.set_xlim(x0, x0 + n * size)
    ax.set_ylim(y0, y0 + 0.8 * n * size)
    cells = [
        shapely.box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size)
        for i in range(n)
        for j in range(n)
    ]
    if case == "random":
        geoms, kind = [c for c in cells if rng.random() < 0.45], "polygon"
    elif case == "covered":
        geoms, kind = cells, "polygon"
    elif case == "points":
        xy = rng.uniform([x0, y0], [x0 + n * size, y0 + 0.8 * n * size], (400, 2))
        geoms, kind = list(shapely.points(xy)), "point"
    elif case == "empty":
        geoms, kind = [], "polygon"
    else:  # the upper right only
        geoms = [c for c in cells if c.bounds[0] > x0 + 0.9 * n * size]
        kind = "polygon"
    frame = ml._frame(geoms, fill=["#b2182b"] * len(geoms), stroke=None)
    drawn = [ml.MapLayer("gistar", "Gi*", kind, frame)]
    assert north_corner(ax, drawn) == _corner_by_all_shapes(ax, drawn)
    if case == "one corner":
        assert north_corner(ax, drawn) == "upper left"


def test_kept_arrow_extent_and_font_metrics_are_matplotlibs(maps):
    """The north arrow's kept extent is the one matplotlib computes for each map, and texts
    measured by the shared renderer (with its kept line metrics) have the extents a plain
    Agg renderer gives them (multi-line texts included)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from tryggaplatser.publish.maps.figures import _agg_canvas, _arrow_extent, _Placer

    for key in ("internal", "public", "hotspots", "internal"):
        fig = static_map(maps[key])
        ax = fig.axes[0]
        arrow = next(t for t in ax.texts if t.get_gid() == "north-arrow")
        placer = _Placer(fig, ax)
        kept = _arrow_extent(placer, arrow)
        assert np.array_equal(kept.get_points(), arrow.get_window_extent().get_points())
        fig.text(0.5, 0.5, "Två rader\nmed radavstånd", fontsize=7.5, linespacing=1.4)
        shared = _agg_canvas(fig).get_renderer()
        texts = [t for t in fig.texts if t.get_text()] + [t for t in ax.texts if t.get_text()]
        extents = [t.get_window_extent(shared).get_points() for t in texts]
        plain = FigureCanvasAgg(fig).get_renderer()
        assert type(plain) is not type(shared)
        for text, extent in zip(texts, extents):
            assert np.array_equal(extent, text.get_window_extent(plain).get_points())
