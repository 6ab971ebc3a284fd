"""The boundary rule of assign_areas."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from tryggaplatser.errors import ArgumentError
from tryggaplatser.layers.join import assign_areas


@pytest.fixture
def areas():
    return gpd.GeoDataFrame(
        {"area_id": ["B", "A"]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
        crs=3006,
    )


def test_boundary_point_goes_to_smallest_id(areas):
    pts = gpd.GeoDataFrame(
        {"location_precision": ["exakt", "exakt", "exakt"]},
        geometry=[shapely.Point(10, 5), shapely.Point(5, 5), shapely.Point(50, 50)],
        crs=3006,
        index=[7, 8, 9],
    )
    out = assign_areas(pts, areas)
    assert out.index.tolist() == [7, 8, 9]
    assert out.tolist()[:2] == ["A", "B"] and out.isna().tolist()[2]


def test_kommun_centroid_gets_no_area(areas):
    pts = gpd.GeoDataFrame(
        {"location_precision": ["kommun_centroid"]}, geometry=[shapely.Point(5, 5)], crs=3006
    )
    assert assign_areas(pts, areas).isna().all()


def test_crs_mismatch_is_an_error(areas):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(5, 5)], crs=4326)
    with pytest.raises(ArgumentError) as exc:
        assign_areas(pts, areas)
    assert "EPSG:4326" in exc.value.message and "EPSG:3006" in exc.value.message
