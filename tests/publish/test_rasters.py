import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio

import tryggaplatser as tp
from tryggaplatser.errors import ArgumentError
from tryggaplatser.publish.rasters import GI_BIN_OFFSET, write_cog


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(0)
    x = np.r_[rng.uniform(0, 60000, 3000), rng.normal(30000, 300, 500)]
    y = np.r_[rng.uniform(0, 60000, 3000), rng.normal(30000, 300, 500)]
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x + 4e5, y + 6.4e6), crs=3006)
    return tp.hotspot_gistar(pts, cell_size=100, kde=True, quiet=True)


def _is_cog(ds):
    return ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"


@pytest.mark.parametrize(
    ("column", "dtype"), [("kde", "float32"), ("gistar", "float32"), ("gi_bin", "uint8")]
)
def test_cog_roundtrip(result, tmp_path, column, dtype):
    path = write_cog(result, tmp_path / f"{column}.tif", column=column, tags={"source": "demo"})
    with rasterio.open(path) as ds:
        assert _is_cog(ds)
        assert ds.crs.to_epsg() == 3006
        assert ds.dtypes[0] == dtype
        assert ds.profile["compress"] == "deflate" and ds.profile["tiled"]
        assert ds.block_shapes[0] == (512, 512)
        assert ds.overviews(1)  # 600 × 600 cells -> internal overviews
        assert ds.res == (100.0, 100.0)
        a = ds.read(1)
        tags = ds.tags()
    assert tags["TRYGGAPLATSER_COLUMN"] == column and tags["source"] == "demo"
    params = json.loads(tags["TRYGGAPLATSER_PARAMS"])
    assert params["cell_size"]["value"] == 100.0
    if column == "kde":
        assert tags["TRYGGAPLATSER_UNIT"] == "händelser per km²"  # no time column
    expected = np.zeros(a.shape, dtype=a.dtype)
    # gi_bin −3…+3 is stored as the code 1…7 (GDAL < 3.7 misreads int8)
    offset = GI_BIN_OFFSET if column == "gi_bin" else 0
    expected[result.row, result.col] = result[column].to_numpy() + offset
    np.testing.assert_allclose(a, expected, rtol=1e-6)
    # the cell at row/col lies where the raster says
    cell = result.iloc[1234]
    with rasterio.open(path) as ds:
        r, c = ds.index(cell.geometry.centroid.x, cell.geometry.centroid.y)
    assert (r, c) == (cell.row, cell.col)


def test_clipped_cells_are_nodata(tmp_path):
    import shapely

    rng = np.random.default_rng(1)
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(0, 3000, 300), rng.uniform(0, 3000, 300)), crs=3006
    )
    area = gpd.GeoSeries([shapely.Point(1500, 1500).buffer(1000)], crs=3006)
    res = tp.hotspot_kde(pts, cell_size=100, bandwidth=300, area=area, quiet=True)
    with rasterio.open(write_cog(res, tmp_path / "k.tif", column="kde")) as ds:
        a = ds.read(1, masked=True)
    assert a.mask.sum() == a.size - len(res)


def test_private_tags_refused(result, tmp_path):
    with pytest.raises(ArgumentError, match="METADATA_PRIVATE"):
        write_cog(result, tmp_path / "x.tif", column="kde", tags={"src": "/home/anna/in.gpkg"})
    with pytest.raises(ArgumentError, match="METADATA_PRIVATE"):
        write_cog(result, tmp_path / "x.tif", column="kde", tags={"src": r"C:\Users\x\a.csv"})


def test_array_input(result, tmp_path):
    from tryggaplatser.analysis.grid import grid_spec_of

    spec = grid_spec_of(result)
    arr = np.arange(spec.n_cells, dtype=float).reshape(spec.nrows, spec.ncols)
    with rasterio.open(write_cog(arr, tmp_path / "a.tif", grid=result)) as ds:
        assert ds.read(1)[0, 1] == 1.0 and ds.bounds.left == spec.x0
    with pytest.raises(ArgumentError, match="ARGUMENT_MISSING"):
        write_cog(arr, tmp_path / "b.tif")


def test_params_can_be_left_out(result, tmp_path):
    path = write_cog(result, tmp_path / "p.tif", column="kde", include_params=False)
    with rasterio.open(path) as ds:
        assert "TRYGGAPLATSER_PARAMS" not in ds.tags()
        assert "TRYGGAPLATSER_COLUMN" in ds.tags()


def test_class_raster_has_colour_table_names_and_style(result, tmp_path):
    """gi_bin: uint8 with nodata 0, a colour table in the maps' Gi* colours, the class names in
    a tag and a QGIS paletted style beside the file with the Swedish names."""
    import xml.etree.ElementTree as ET

    from tryggaplatser.publish.maps._layers import GI_COLOURS

    path = write_cog(result, tmp_path / "gi_bin.tif", column="gi_bin")
    with rasterio.open(path) as ds:
        assert ds.nodata == 0 and ds.dtypes[0] == "uint8"
        table = ds.colormap(1)
        classes = json.loads(ds.tags()["TRYGGAPLATSER_CLASSES"])
    for b in (-3, -2, -1, 1, 2, 3):
        assert "#{:02x}{:02x}{:02x}".format(*table[b + GI_BIN_OFFSET][:3]) == GI_COLOURS[b]
    assert {c["code"]: c["gi_bin"] for c in classes} == {b + 4: b for b in range(-3, 4)}
    root = ET.parse(path.with_suffix(".qml")).getroot()
    entries = root.findall("pipe/rasterrenderer/colorPalette/paletteEntry")
    assert root.find("pipe/rasterrenderer").get("type") == "paletted"
    assert [e.get("value") for e in entries] == [str(v) for v in range(1, 8)]
    assert entries[-1].get("label") == "Hotspot, 99 % konfidens"
    assert entries[-1].get("color") == GI_COLOURS[3]


def test_density_raster_style_uses_the_maps_density_classes(result, tmp_path):
    """kde: float32 and a pseudocolour style whose class edges are the grid's mean density
    times 1, 2, 4, 8 (the HTML density layer's classes), in its RdPu colours."""
    import xml.etree.ElementTree as ET

    from tryggaplatser.publish.maps._layers import palette

    path = write_cog(result, tmp_path / "kde.tif", column="kde")
    items = ET.parse(path.with_suffix(".qml")).getroot().findall(".//colorrampshader/item")
    mean = result["kde"].mean()
    uppers = [float(i.get("value")) for i in items]
    assert uppers[0] == 0.0 and items[0].get("alpha") == "0"  # zero density is not drawn
    np.testing.assert_allclose(uppers[1:5], [mean, 2 * mean, 4 * mean, 8 * mean], rtol=1e-9)
    assert [i.get("color") for i in items[1:]] == palette("RdPu", 5)
    assert items[1].get("label") == "under medel (< 1 ×)"
