"""The demo's fictional street network: named, covering every area, from its own random stream."""

from __future__ import annotations

import json

import numpy as np
import shapely

from tryggaplatser.datasets.generate import STREET_THEMES, make_geography
from tryggaplatser.layers.basemap import load_basemap
from tryggaplatser.layers.config import load_config


def test_demo_config_names_the_basemap(demo_dir):
    config = load_config(demo_dir / "tryggaplatser.toml")
    basemap = load_basemap(config)
    roads = basemap.roads
    assert len(roads) > 200 and roads["name"].notna().all()
    assert {"Storgatan", "Kyrkogatan", "Ringvägen", "Industrivägen"} <= set(roads["name"])
    assert len(basemap.buildings) > 100 and len(basemap.water) == 2
    assert set(basemap.source_paths) == {"roads", "buildings", "water"}


def test_every_planted_site_lies_near_a_named_street(demo_dir):
    """Each planted place (hotspots, quiet zones, the lighting measure …) has a named street
    within 160 m: half the widest street spacing (300 m) plus margin."""
    roads = load_basemap(load_config(demo_dir / "tryggaplatser.toml")).roads
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))
    sites = [s for group in truth["hotspots"].values() if isinstance(group, list) for s in group]
    assert len(sites) >= 5
    lines = shapely.union_all(roads.geometry.to_numpy())
    for site in sites:
        assert shapely.distance(shapely.Point(site["x"], site["y"]), lines) < 160, site["id"]


def test_random_points_of_every_area_lie_near_a_street(demo_dir):
    """Brute force over 200 uniform points per area: none is more than 215 m from a street
    (the diagonal half of a 300 m block is 212 m)."""
    roads = load_basemap(load_config(demo_dir / "tryggaplatser.toml")).roads
    muni = make_geography(np.random.default_rng(20261127))
    lines = shapely.union_all(roads.geometry.to_numpy())
    rng = np.random.default_rng(5)
    for geom in muni.areas.geometry:
        xmin, ymin, xmax, ymax = geom.bounds
        pts = shapely.points(rng.uniform(xmin, xmax, 600), rng.uniform(ymin, ymax, 600))
        pts = pts[shapely.contains(geom, pts)][:200]
        assert shapely.distance(pts, lines).max() < 215


def test_street_names_are_generic_theme_names(demo_dir):
    roads = load_basemap(load_config(demo_dir / "tryggaplatser.toml")).roads
    prefixes = tuple(p for theme in STREET_THEMES for p in theme)
    local = roads["name"][~roads["name"].isin(["Storgatan", "Kyrkogatan", "Ringvägen"])]
    assert local.str.endswith(("vägen", "gatan", "stigen", "gränd", "slingan", "backen")).all()
    themed = local[local.str.startswith(prefixes)]
    assert len(themed) > 0.95 * len(local)
