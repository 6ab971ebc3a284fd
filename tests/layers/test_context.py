"""Context layers ([[layers.context]]) and [risk] settings in the configuration."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from tryggaplatser.errors import ConfigError
from tryggaplatser.layers.config import load_config
from tryggaplatser.layers.load import load_project

HEAD = '[project]\nname = "Test"\nmunicipality_code = "9999"\n'


def _write(tmp_path, text: str):
    path = tmp_path / "tryggaplatser.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return path


def test_context_name_and_type_become_columns_and_bad_rows_are_quarantined(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"objekt_id": ["B1", "B2", "B3"], "slag": ["busshallplats", "busshallplats", "okand"]},
        geometry=[Point(650000, 6550000), None, Point(650100, 6550000)],
        crs=3006,
    )
    gdf.to_file(tmp_path / "hallplatser.gpkg", layer="h", engine="pyogrio")
    cfg = _write(
        tmp_path,
        '[[layers.context]]\nfile = "hallplatser.gpkg"\nname = "Busshållplatser"\n'
        'columns = { "objekt_id" = "feature_id", "slag" = "context_type" }\n',
    )
    project = load_project(cfg, quarantine_dir=tmp_path / "q", quiet=True)
    ctx = project.layers["context"]
    assert list(ctx["factor"]) == ["Busshållplatser"]
    assert list(ctx["context_type"]) == ["busshallplats"]
    (report,) = project.reports
    assert report.read == report.accepted + report.quarantined + report.duplicates_dropped
    assert report.quarantined == 2  # no geometry; an unknown type code
    rules = {p["rule"] for p in report.problems}
    assert {"GEOM_MISSING", "CATEGORY_UNKNOWN"} <= rules


def test_risk_settings_defaults_and_validation(tmp_path):
    cfg = load_config(_write(tmp_path, ""))
    assert cfg.risk.distances is None and cfg.risk.snap_distance is None
    cfg = load_config(_write(tmp_path, "[risk]\ndistances = [300, 100]\nsnap_distance = 30\n"))
    assert cfg.risk.distances == (100.0, 300.0) and cfg.risk.snap_distance == 30.0
    for bad in (
        "distances = [100, 150, 300, 500]",
        "distances = [-5]",
        "snap_distance = 0",
        "lighting_from_walks = 1",
        "colour = 3",
    ):
        with pytest.raises(ConfigError, match="CONFIG_INVALID"):
            load_config(_write(tmp_path, f"[risk]\n{bad}\n"))


def test_only_context_layers_take_name_and_type(tmp_path):
    with pytest.raises(ConfigError, match="CONFIG_INVALID"):
        load_config(_write(tmp_path, '[[layers.incidents]]\nfile = "x.csv"\nname = "A"\n'))
