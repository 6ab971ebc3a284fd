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


def test_category_colours_cover_every_class_and_match_the_maps():
    """Every hotspot class has a colour, the same in the GeoPackage styles as on the maps, and
    the cold classes are blue (blue channel the largest)."""
    from tryggaplatser.layers.vocab import codes
    from tryggaplatser.publish.geopackage import CATEGORY_COLOURS as RGB
    from tryggaplatser.publish.maps._layers import CATEGORY_COLOURS as HEX

    for code in codes("hotspot_category"):
        assert code in RGB, code
        if code != "inget_monster":
            assert HEX[code] == "#{:02x}{:02x}{:02x}".format(*RGB[code]), code
        if code.endswith("_kall"):
            r, g, b = RGB[code]
            assert b > max(r, g), code
