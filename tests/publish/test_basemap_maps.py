"""Maps with context: the [basemap] under the data, labels that never collide, the north arrow
off the data (publish/maps/_layers.py, figures.py, interactive.py)."""

from __future__ import annotations

import json
import re
import sys
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from synthetic import X0, Y0, make_basemap, make_layers

from tryggaplatser.i18n import language
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.maps import _layers as ml
from tryggaplatser.publish.maps.figures import NORTH_CORNERS, north_corner, static_map
from tryggaplatser.publish.maps.interactive import hotspot_map, map_content, save_map


@pytest.fixture(scope="module")
def basemap():
    return make_basemap()


def _crowded_areas() -> gpd.GeoDataFrame:
    """24 areas of 750 × 667 m with long names: labels must be placed to avoid each other."""
    boxes, names = [], []
    for i in range(24):
        col, row = i % 8, i // 8
        boxes.append(
            shapely.box(
                X0 + col * 750, Y0 + row * 1333, X0 + (col + 1) * 750, Y0 + (row + 1) * 1333
            )
        )
        names.append(f"Långnamnsområdet nummer {i + 1}")
    return gpd.GeoDataFrame(
        {"area_id": [f"B{i}" for i in range(24)], "name": names}, geometry=boxes, crs=3006
    )


def _focus() -> pd.DataFrame:
    """Three focus places of 250 m cells, one right on an area's label point."""
    corners = [(X0 + 250, Y0 + 500), (X0 + 3000, Y0 + 2000), (X0 + 5000, Y0 + 3250)]
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "cell_id": [f"250mE{int(x)}N{int(y)}" for x, y in corners],
            "cell_x": [x for x, _ in corners],
            "cell_y": [y for _, y in corners],
            "reasons": ["4 av senaste 4 veckorna"] * 3,
            "area_name": ["A", "B", "C"],
            "place_name": ["Storgatan vid Parkvägen", "Skolgatan", "Parkvägen vid Björkvägen"],
        }
    )
    frame.attrs["cell_size"] = 250.0
    return frame


@pytest.fixture(scope="module")
def est_figure(basemap):
    lay = make_layers(1500)
    with language("sv"):
        m = hotspot_map(
            areas=_crowded_areas(),
            cells=lay["cells"],
            focus_places=_focus(),
            week="2026-W47",
            mode="internal",
            quiet=True,
            basemap=basemap,
        )
        fig = static_map(m)
    fig.canvas.draw()
    return m, fig


def _boxes(fig, gid: str) -> list:
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == gid]


def test_area_labels_never_overlap_each_other_badges_or_focus_outlines(est_figure):
    m, fig = est_figure
    ax = fig.axes[0]
    labels = _boxes(fig, "area-label")
    assert len(labels) >= 18  # most of the 24 names found a place
    for a, b in combinations(labels, 2):
        assert not a.overlaps(b)
    ranks = _boxes(fig, "focus-rank")
    assert len(ranks) == 3
    streets = _boxes(fig, "street-label")
    for label in labels:
        assert not any(label.overlaps(r) for r in ranks + streets)
    # the focus outlines: their cells' screen boxes hold no area name
    focus = map_content(m).layer("focus").frame
    for geom in focus.geometry:
        (x0, y0), (x1, y1) = ax.transData.transform(
            [(geom.bounds[0], geom.bounds[1]), (geom.bounds[2], geom.bounds[3])]
        )
        for label in labels:
            assert not (label.x0 < x1 and label.x1 > x0 and label.y0 < y1 and label.y1 > y0)
    # and names are drawn above the outlines (an outline never covers a name)
    focus_z = next(c.get_zorder() for c in ax.collections if c.get_gid() == "layer-focus")
    assert all(t.get_zorder() > focus_z for t in ax.texts if t.get_gid() == "area-label")


def test_streets_drawn_thin_and_under_the_data(est_figure):
    _, fig = est_figure
    ax = fig.axes[0]
    by_gid = {c.get_gid(): c for c in ax.collections}
    roads = by_gid["layer-basemap_roads"]
    assert max(roads.get_linewidths()) <= 1.0
    data_z = min(c.get_zorder() for g, c in by_gid.items() if g in ("layer-gistar", "layer-focus"))
    assert roads.get_zorder() < data_z
    assert by_gid["layer-basemap_water"].get_zorder() < data_z
    # the street each focus place is named after is written next to it
    names = {t.get_text() for t in ax.texts if t.get_gid() == "street-label"}
    assert {"Storgatan", "Skolgatan", "Parkvägen"} <= names


def test_north_arrow_goes_to_the_corner_with_least_data():
    """Data filling the upper-right corner push the arrow elsewhere; the arrow's box then
    covers none of the drawn data (checked on screen, not only by the rule)."""
    frame = ml._frame(
        [shapely.box(X0 + 3000, Y0 + 2000, X0 + 6000, Y0 + 4000)], fill=["#b2182b"], stroke=None
    )
    layer = ml.MapLayer("gistar", "Gi*", "polygon", frame)
    bounds = (X0, Y0, X0 + 6000, Y0 + 4000)
    content = ml.MapContent("Karta", "public", [layer], bounds)
    fig = static_map(content)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert north_corner(ax, [layer]) == "upper left"
    arrow = next(t for t in ax.texts if t.get_gid() == "north-arrow")
    box = arrow.get_window_extent(fig.canvas.get_renderer())
    (dx0, dy0), (dx1, dy1) = ax.transData.transform(
        [(X0 + 3000, Y0 + 2000), (X0 + 6000, Y0 + 4000)]
    )
    assert not (box.x0 < dx1 and box.x1 > dx0 and box.y0 < dy1 and box.y1 > dy0)
    # with nothing in the upper right, the arrow stays there
    empty = ml.MapContent("Karta", "public", [], bounds)
    fig2 = static_map(empty)
    assert north_corner(fig2.axes[0], []) == "upper right"
    assert set(NORTH_CORNERS) == {"upper right", "upper left", "lower right"}


def _road_features(html: str) -> list[dict]:
    """The street layer's GeoJSON features from a saved map."""
    start = html.index('{"k":"basemap_roads"')
    payload = json.JSONDecoder().raw_decode(html, start)[0]
    return payload["fc"]["features"]


def test_html_carries_clipped_named_streets_and_no_public_buildings(basemap, tmp_path):
    lay = make_layers(1500)
    sizes = {}
    for mode in ("public", "internal"):
        gate = Gate(mode, quiet=True)
        cells = lay["cells"]
        m = hotspot_map(
            areas=lay["areas"], cells=cells, mode=mode, gate=gate, quiet=True, basemap=basemap
        )
        keys = [layer.key for layer in map_content(m).layers]
        # the background lies under every data layer
        assert keys[: 2 + (mode == "internal")] == (
            ["basemap_water", "basemap_buildings", "basemap_roads"]
            if mode == "internal"
            else ["basemap_water", "basemap_roads"]
        )
        html = save_map(m, tmp_path / mode / "karta.html").read_text(encoding="utf-8")
        tips = [f["properties"].get("t", "") for f in _road_features(html)]
        assert "Storgatan" in tips and "Parkvägen" in tips
        assert "Fjärranvägen" not in html  # clipped to the map's extent
        assert "Bakgrund: Gator" in html  # a layer in the layer control
        bare = hotspot_map(
            areas=lay["areas"], cells=cells, mode=mode, gate=Gate(mode, quiet=True), quiet=True
        )
        plain = save_map(bare, tmp_path / mode / "utan.html").stat().st_size
        sizes[mode] = len(html.encode()) - plain
    assert sizes["public"] < sizes["internal"] < 120_000  # the background adds kilobytes


def test_street_labels_appear_from_the_stated_zoom(basemap, tmp_path):
    from tryggaplatser.publish.maps.interactive import STREET_LABEL_ZOOM

    lay = make_layers(500)
    m = hotspot_map(
        areas=lay["areas"], cells=lay["cells"], mode="public", quiet=True, basemap=basemap
    )
    html = save_map(m, tmp_path / "k.html").read_text(encoding="utf-8")
    assert re.search(rf'"streetZoom":\s*{STREET_LABEL_ZOOM}', html)
    assert f'"sl":{STREET_LABEL_ZOOM}' in html


def test_background_image_drawn_lightly_under_the_figure(tmp_path):
    """A GeoTIFF in another CRS (SWEREF 99 18 00) is warped onto the figure's extent: where it
    covers the map the pixels are its grey, half transparent, under the streets."""
    import numpy as np
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_bounds

    from tryggaplatser.layers.basemap import Basemap

    to3011 = Transformer.from_crs(3006, 3011, always_xy=True)
    (x0, x1), (y0, y1) = to3011.transform([X0, X0 + 3000], [Y0, Y0 + 4000])
    path = tmp_path / "ortofoto.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=60,
        height=80,
        count=1,
        dtype="uint8",
        crs="EPSG:3011",
        transform=from_bounds(x0, y0, x1, y1, 60, 80),
    ) as dst:
        dst.write(np.full((80, 60), 40, dtype="uint8"), 1)
    bounds = (X0, Y0, X0 + 6000, Y0 + 4000)
    image = ml.background_image(path, bounds, max_px=300)
    assert image.shape == (200, 300, 4)
    # the west half is covered (grey 40, opaque), the east half is transparent
    assert (image[100, 20] == [40, 40, 40, 255]).all()
    assert image[100, 280, 3] == 0
    base = make_basemap()
    layers = ml.basemap_layers(Basemap(roads=base.roads, image=path), bounds, Gate("public"))
    content = ml.MapContent("Karta", "public", layers, bounds)
    content.background_image = path
    fig = static_map(content)
    ax = fig.axes[0]
    drawn = [im for im in ax.images if im.get_gid() == "basemap-image"]
    assert len(drawn) == 1 and drawn[0].get_alpha() == ml.BASEMAP_IMAGE_OPACITY
    roads = next(c for c in ax.collections if c.get_gid() == "layer-basemap_roads")
    assert drawn[0].get_zorder() < roads.get_zorder()


def test_street_names_with_markup_arrive_escaped(basemap, tmp_path):
    """A street name is user text from the municipality's file: it reaches the map only through
    the safe-text helper (tooltip and zoomed-in label alike)."""
    import dataclasses

    evil = '<img src=x onerror="alert(1)">gatan'
    roads = basemap.roads.copy()
    roads.loc[roads["name"] == "Storgatan", "name"] = evil
    lay = make_layers(500)
    m = hotspot_map(
        areas=lay["areas"],
        cells=lay["cells"],
        mode="internal",
        quiet=True,
        basemap=dataclasses.replace(basemap, roads=roads),
    )
    html = save_map(m, tmp_path / "k.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and 'onerror="alert' not in html
    tips = [f["properties"].get("t", "") for f in _road_features(html)]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;gatan" in tips


def test_background_clipped_through_the_index_equals_clipping_every_feature(basemap):
    """The background is clipped through its spatial index; it must equal clipping every
    feature of the municipality (``intersects``, clip, simplify, multi-lines taken apart)."""
    import shapely

    roads = basemap.roads
    for k in (0, len(roads) // 2, len(roads) - 1):  # frames around three streets' middles
        middle = roads.geometry.iloc[k].interpolate(0.5, normalized=True)
        bounds = (middle.x - 600, middle.y - 450, middle.x + 600, middle.y + 450)
        (layer,) = [
            lyr
            for lyr in ml.basemap_layers(basemap, bounds, Gate("public", quiet=True))
            if lyr.key == "basemap_roads"
        ]
        box = shapely.box(*bounds)
        near = roads[roads.intersects(box)]
        clipped = shapely.simplify(
            shapely.intersection(near.geometry.to_numpy(), box),
            ml.BASEMAP_SIMPLIFY_M,
            preserve_topology=True,
        )
        kept = near.assign(geometry=clipped)[~shapely.is_empty(clipped)]
        parts = kept.explode(index_parts=False)
        parts = parts[parts.geom_type == "LineString"]
        names = parts["name"].astype(object).where(parts["name"].notna(), "").astype(str)
        assert list(shapely.to_wkb(layer.frame.geometry.to_numpy())) == list(
            shapely.to_wkb(parts.geometry.to_numpy())
        )
        assert layer.frame["tooltip"].tolist() == names.tolist()
        assert len(layer.frame) > 0
