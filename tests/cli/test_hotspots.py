import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner

from tryggaplatser.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def incidents_gpkg(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 3000
    x = np.r_[rng.uniform(0, 5000, n), rng.normal(2500, 60, 300)] + 640000
    y = np.r_[rng.uniform(0, 5000, n), rng.normal(2500, 60, 300)] + 6550000
    t = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 730, len(x)), unit="D"
    )
    cat = np.where(rng.uniform(size=len(x)) < 0.5, "klotter", "skadegorelse")
    gdf = gpd.GeoDataFrame(
        {"occurred_at": t, "category": cat}, geometry=gpd.points_from_xy(x, y), crs=3006
    )
    path = tmp_path_factory.mktemp("in") / "handelser.gpkg"
    gdf.to_file(path, engine="pyogrio")
    return path


def test_writes_gpkg_cogs_and_summary(incidents_gpkg, tmp_path):
    out = tmp_path / "ut"
    res = CliRunner().invoke(
        cli,
        [
            "hotspots",
            "--incidents",
            str(incidents_gpkg),
            "--category",
            "klotter",
            "--from",
            "2024-03-01",
            "--to",
            "2025-12-31",
            "--cell-size",
            "100",
            "--bandwidth",
            "250",
            "--classify",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "signifikanta hotspots" in res.output
    summary = json.loads((out / "hotspots.json").read_text(encoding="utf-8"))
    assert summary["params"]["cell_size"] == {"value": 100.0, "auto": False}
    assert summary["params"]["bandwidth"]["value"] == 250.0
    assert summary["filters"] == {
        "categories": ["klotter"],
        "from": "2024-03-01",
        "to": "2025-12-31",
    }
    assert summary["significant_cells"]["hot_95"] >= 1
    assert "classification" in summary
    assert set(summary["files"]) == {
        "hotspots.gpkg",
        "kde.tif",
        "gistar.tif",
        "gi_bin.tif",
        "hotspots.json",
    }
    import pyogrio

    assert {"gistar", "kde", "klassning"} <= {
        name for name, _ in pyogrio.list_layers(out / "hotspots.gpkg")
    }
    with rasterio.open(out / "gi_bin.tif") as ds:
        assert ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert str(tmp_path) not in json.dumps(ds.tags())
    assert str(tmp_path) not in (out / "hotspots.json").read_text(encoding="utf-8")


def test_unknown_category_is_one_clear_line(incidents_gpkg, tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "hotspots",
            "--incidents",
            str(incidents_gpkg),
            "--category",
            "nope",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 2
    assert "CATEGORY_UNKNOWN" in res.output and "Traceback" not in res.output


def test_missing_config(tmp_path):
    res = CliRunner().invoke(
        cli, ["hotspots", "--config", str(tmp_path / "saknas.toml"), "--out", str(tmp_path)]
    )
    assert res.exit_code == 2 and "CONFIG_MISSING" in res.output


def test_demo_config(tmp_path):
    cfg = ROOT / "data" / "tryggaplatser.toml"
    if not cfg.exists():
        pytest.skip("data/tryggaplatser.toml finns inte")
    res = CliRunner().invoke(cli, ["-q", "hotspots", "--config", str(cfg), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "hotspots.json").read_text(encoding="utf-8"))
    assert summary["significant_cells"]["hot_95"] > 0
