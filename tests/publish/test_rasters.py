import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio

import tryggaplatser as tp
from tryggaplatser.errors import ArgumentError
from tryggaplatser.publish.rasters import write_cog


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
    ("column", "dtype"), [("kde", "float32"), ("gistar", "float32"), ("gi_bin", "int8")]
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
    expected[result.row, result.col] = result[column].to_numpy()
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
