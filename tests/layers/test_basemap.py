"""[basemap]: the configuration section, the loader and its errors."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from tryggaplatser.errors import ConfigError
from tryggaplatser.layers.basemap import Basemap, load_basemap
from tryggaplatser.layers.config import load_config

HEAD = '[project]\nname = "Testkommun"\nmunicipality_code = "9999"\n'


def _roads(path, crs="EPSG:3006", column="namn"):
    frame = gpd.GeoDataFrame(
        {column: ["Storgatan", "  ", "Parkvägen"]},
        geometry=[
            shapely.LineString([(0, 0), (500, 0)]),
            shapely.LineString([(0, 50), (500, 50)]),
            shapely.LineString([(250, -200), (250, 200)]),
        ],
        crs="EPSG:3006",
    ).to_crs(crs)
    frame.to_file(path, engine="pyogrio")
    return path


def _config(tmp_path, body):
    path = tmp_path / "tryggaplatser.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_config(path)


def test_no_section_no_basemap(tmp_path):
    config = _config(tmp_path, "")
    assert config.basemap is None
    assert load_basemap(config) is None


def test_empty_paths_mean_not_given(tmp_path):
    config = _config(tmp_path, '[basemap]\nroads = ""\nimage = ""\n')
    assert config.basemap is None


def test_roads_loaded_in_project_crs_with_canonical_name(tmp_path):
    (tmp_path / "bg").mkdir()
    _roads(tmp_path / "bg" / "vagar.gpkg", crs="EPSG:4326")
    config = _config(tmp_path, '[basemap]\nroads = "bg/vagar.gpkg"\nroads_name = "namn"\n')
    basemap = load_basemap(config)
    assert isinstance(basemap, Basemap)
    assert list(basemap.roads.columns) == ["name", "geometry"]
    assert basemap.roads.crs.to_epsg() == 3006
    # a blank name is a missing name, never the empty string
    assert basemap.roads["name"].isna().tolist() == [False, True, False]
    # reprojected back to metres: the first street is 500 m long within a millimetre
    assert basemap.roads.geometry.iloc[0].length == pytest.approx(500, abs=1e-3)
    assert basemap.buildings is None and basemap.water is None and basemap.image is None
    assert basemap.source_paths == {"roads": (tmp_path / "bg" / "vagar.gpkg").resolve()}


def test_missing_file_is_a_config_error(tmp_path):
    config = _config(tmp_path, '[basemap]\nroads = "saknas.gpkg"\n')
    with pytest.raises(ConfigError) as err:
        load_basemap(config)
    assert err.value.rule == "BASEMAP_FILE_MISSING"
    assert "saknas.gpkg" in str(err.value)


def test_missing_name_column_is_a_config_error(tmp_path):
    _roads(tmp_path / "vagar.gpkg", column="gatunamn")
    config = _config(tmp_path, '[basemap]\nroads = "vagar.gpkg"\nroads_name = "namn"\n')
    with pytest.raises(ConfigError) as err:
        load_basemap(config)
    assert err.value.rule == "BASEMAP_COLUMN_MISSING"
    assert "gatunamn" in str(err.value)  # the columns found are listed


def test_wrong_geometry_type_is_a_config_error(tmp_path):
    _roads(tmp_path / "vagar.gpkg")
    config = _config(tmp_path, '[basemap]\nroads = "vagar.gpkg"\nwater = "vagar.gpkg"\n')
    with pytest.raises(ConfigError) as err:
        load_basemap(config)
    assert err.value.rule == "BASEMAP_GEOMETRY"


@pytest.mark.parametrize(
    "body",
    ['[basemap]\nroad = "a.gpkg"\n', "[basemap]\nroads = 3\n", '[basemap]\nroads = ["a.gpkg"]\n'],
)
def test_bad_section_is_config_invalid(tmp_path, body):
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, body)
    assert err.value.rule == "CONFIG_INVALID"


def _geotiff(path, crs="EPSG:3006"):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    data = np.tile(np.arange(50, dtype="uint8") * 5, (40, 1))
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=50,
        height=40,
        count=1,
        dtype="uint8",
        crs=crs,
        transform=from_origin(0, 400, 10, 10),
    ) as dst:
        dst.write(data, 1)
    return path


def test_image_is_checked_and_kept_as_a_path(tmp_path):
    _roads(tmp_path / "vagar.gpkg")
    _geotiff(tmp_path / "bild.tif")
    config = _config(tmp_path, '[basemap]\nroads = "vagar.gpkg"\nimage = "bild.tif"\n')
    basemap = load_basemap(config)
    assert basemap.image == (tmp_path / "bild.tif").resolve()
    assert basemap.source_paths["image"] == basemap.image


def test_image_that_is_no_raster_or_lacks_a_crs_is_refused(tmp_path):
    (tmp_path / "bild.tif").write_bytes(b"not an image")
    config = _config(tmp_path, '[basemap]\nimage = "bild.tif"\n')
    with pytest.raises(ConfigError) as err:
        load_basemap(config)
    assert err.value.rule == "FILE_UNREADABLE"
    _geotiff(tmp_path / "utan.tif", crs=None)
    config = _config(tmp_path, '[basemap]\nimage = "utan.tif"\n')
    with pytest.raises(ConfigError) as err:
        load_basemap(config)
    assert err.value.rule == "CRS_MISSING"
