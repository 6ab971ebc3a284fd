import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pyogrio
import pytest

import tryggaplatser as tp
from tryggaplatser.publish.geopackage import write_cells_gpkg


@pytest.fixture(scope="module")
def pts():
    rng = np.random.default_rng(0)
    x = np.r_[rng.uniform(0, 3000, 800), rng.normal(1500, 80, 200)]
    y = np.r_[rng.uniform(0, 3000, 800), rng.normal(1500, 80, 200)]
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=3006)


def _styles(path):
    with sqlite3.connect(path) as con:
        return con.execute(
            "SELECT f_table_name, styleName, styleQML, useAsDefault, owner FROM layer_styles"
        ).fetchall()


def test_layers_and_styles(pts, tmp_path):
    path = tmp_path / "hotspots.gpkg"
    gi = tp.hotspot_gistar(pts, cell_size=100, kde=True, quiet=True)
    write_cells_gpkg(gi, path, layer="gistar")
    write_cells_gpkg(gi, path, layer="kde", style="kde")
    write_cells_gpkg(gi, path, layer="gistar")  # replacing keeps one style per layer
    layers = dict(pyogrio.list_layers(path))
    assert {"gistar", "kde"} <= set(layers)
    back = gpd.read_file(path, layer="gistar")
    assert list(back.columns) == list(gi.columns) and len(back) == len(gi)
    assert back.crs.to_epsg() == 3006
    styles = {row[0]: row for row in _styles(path)}
    assert len(_styles(path)) == 2
    _name, _sname, qml, default, owner = styles["gistar"]
    assert default == 1 and owner == ""
    root = ET.fromstring(qml.split("\n", 1)[1])
    r = root.find("renderer-v2")
    assert r.get("type") == "categorizedSymbol" and r.get("attr") == "gi_bin"
    cats = r.findall("categories/category")
    assert [c.get("value") for c in cats] == ["-3", "-2", "-1", "0", "1", "2", "3"]
    assert cats[-1].get("label") == "Hotspot, 99 % konfidens"
    root = ET.fromstring(styles["kde"][2].split("\n", 1)[1])
    r = root.find("renderer-v2")
    assert r.get("type") == "graduatedSymbol" and r.get("attr") == "kde"
    ranges = r.findall("ranges/range")
    assert len(ranges) == 5 and float(ranges[0].get("lower")) > 0
    with sqlite3.connect(path) as con:  # registered so GDAL/QGIS see it as a table
        assert con.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name='layer_styles'"
        ).fetchone() == ("attributes",)


def test_category_style(pts, tmp_path):
    import pandas as pd

    t = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        np.random.default_rng(1).uniform(0, 700, len(pts)), unit="D"
    )
    cl = tp.hotspot_classify(pts.assign(occurred_at=t), cell_size=200, quiet=True)
    path = write_cells_gpkg(cl, tmp_path / "c.gpkg", layer="klass")
    qml = _styles(path)[0][2]
    assert 'attr="hotspot_category"' in qml and "Hotspot i följd" in qml and "Ny kallpunkt" in qml


def _renderer(qml):
    return ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")


def _symbol_colours(renderer):
    return [s.find("layer/prop[@k='color']").get("v") for s in renderer.findall("symbols/symbol")]


def test_category_colours_cover_every_class_and_match_the_maps():
    """Every hotspot class has a colour, read from the maps (no copy); the cold classes are
    blue (blue channel the largest); "inget mönster" is listed but not drawn, as on the maps."""
    from tryggaplatser.layers.vocab import codes
    from tryggaplatser.publish.geopackage import style_for
    from tryggaplatser.publish.maps._layers import CATEGORY_COLOURS as HEX

    frame = gpd.GeoDataFrame({"hotspot_category": ["ny"]}, geometry=[None], crs=3006)
    r = _renderer(style_for(frame, "hotspot_category")[1])
    cats = r.findall("categories/category")
    rgb = dict(zip([c.get("value") for c in cats], _symbol_colours(r), strict=True))
    assert list(rgb) == codes("hotspot_category")
    for code, colour in rgb.items():
        red, green, blue, _ = (int(v) for v in colour.split(","))
        if code != "inget_monster":
            assert HEX[code] == f"#{red:02x}{green:02x}{blue:02x}", code
        if code.endswith("_kall"):
            assert blue > max(red, green), code
    assert [c.get("render") for c in cats if c.get("value") == "inget_monster"] == ["false"]


def test_graduated_labels_use_a_decimal_comma_and_the_maps_classes(tmp_path):
    """Numbers are classed as on the HTML maps (quantiles of the positive values) and labelled
    "27,44 – 183,30"; the density layer uses the map's classes against the mean density."""
    values = np.array([0.0, 1.5, 2.25, 10.5, 27.44, 183.3, 50.0, 80.0, 3.0, 7.0])
    frame = gpd.GeoDataFrame({"score": values}, geometry=[None] * len(values), crs=3006)
    from tryggaplatser.publish.geopackage import style_for
    from tryggaplatser.publish.maps._layers import classify, palette

    r = _renderer(style_for(frame, "score")[1])
    labels = [x.get("label") for x in r.findall("ranges/range")]
    expected = classify(values[values > 0], "Quantiles", 5)
    assert [float(x.get("upper")) for x in r.findall("ranges/range")] == expected.bins
    assert all("," in lab and "." not in lab for lab in labels), labels
    assert labels[-1] == f"{expected.bins[-2]:.2f} – 183.30".replace(".", ",")
    assert _symbol_colours(r)[-1] == "189,0,38,255"  # YlOrRd's darkest, as the maps
    assert palette("YlOrRd", 5)[-1] == "#bd0026"
    kde = frame.rename(columns={"score": "kde"})
    r = _renderer(style_for(kde, "kde")[1])
    uppers = [float(x.get("upper")) for x in r.findall("ranges/range")]
    np.testing.assert_allclose(uppers[:4], values.mean() * np.array([1, 2, 4, 8]))
    assert r.findall("ranges/range")[0].get("label").startswith("under medel (< 1 ×) (1,50 – ")


def test_one_class_layers_keep_their_whole_legend(tmp_path):
    """Recurring places that all have 2 weeks still show 2, 3 and 4 weeks (the week columns),
    and near-repeat alerts show active and ending alerts, even when the layer is empty."""
    from tryggaplatser.publish.geopackage import style_for

    rec = gpd.GeoDataFrame(
        {
            "weeks_with_reports": [2, 2],
            "2026_W45": [1, 0],
            "2026_W46": [0, 1],
            "2026_W47": [1, 1],
            "2026_W44": [0, 0],
        },
        geometry=[None, None],
        crs=3006,
    )
    cats = _renderer(style_for(rec, "weeks_with_reports")[1]).findall("categories/category")
    assert [(c.get("value"), c.get("label")) for c in cats] == [
        ("2", "2 veckor"),
        ("3", "3 veckor"),
        ("4", "4 veckor"),
    ]
    alerts = gpd.GeoDataFrame({"active_next_week": []}, geometry=[], crs=3006)
    r = _renderer(style_for(alerts, "active_next_week")[1])
    assert len(r.findall("categories/category")) == 2
    assert len(set(_symbol_colours(r))) == 2


def test_internal_layer_is_marked_and_styles_are_listed_once(pts, tmp_path):
    """An internal layer's title, abstract and map tip carry the marking; fields get Swedish
    aliases; every style row has its own name and update time (QGIS lists shared times twice)."""
    from tryggaplatser.publish.gate import INTERNAL_MARKING, Gate

    gate = Gate("internal", quiet=True)
    gi = tp.hotspot_gistar(pts, cell_size=100, kde=True, quiet=True)
    path = tmp_path / "h.gpkg"
    for layer in ("gistar", "kde"):
        write_cells_gpkg(
            gi,
            path,
            layer=layer,
            style="auto" if layer == "gistar" else "kde",
            metadata=gate.metadata(),
        )
    from tryggaplatser._clock import pin_file_times

    pin_file_times(path)
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT styleName, update_time, styleQML FROM layer_styles").fetchall()
        title, abstract = con.execute(
            "SELECT identifier, description FROM gpkg_contents WHERE table_name='gistar'"
        ).fetchone()
    assert len({r[0] for r in rows}) == len({r[1] for r in rows}) == 2
    assert title.startswith(INTERNAL_MARKING) and abstract.startswith(INTERNAL_MARKING)
    root = ET.fromstring(rows[0][2].split("\n", 1)[1])
    assert INTERNAL_MARKING in root.find("mapTip").text
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases["gi_bin"] == "Hotspotklass (Gi*)" and aliases["n"] == "Antal"
