import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import INTERNAL_MARKING

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
            "--mode",
            "internal",
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
    out = out / "internt"
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
        "hotspots_kde.tif",
        "hotspots_gistar.tif",
        "hotspots_gi_bin.tif",
        "hotspots_kde.qml",
        "hotspots_gistar.qml",
        "hotspots_gi_bin.qml",
        "hotspots.json",
    }
    # internal outputs: marked, raw values kept, every file sealed in the manifest
    assert summary["mode"] == "internal" and summary["marking"] == INTERNAL_MARKING
    assert set(summary["files"]) <= {p.name for p in out.iterdir()}
    manifest = json.loads((out / "utgivning.json").read_text(encoding="utf-8"))
    assert set(summary["files"]) <= set(manifest["files"])
    # the folder's QGIS project went through the gate like every other file
    assert manifest["files"]["qgis_projekt.qgz"]["kind"] == "qgis_project"
    assert {e["mode"] for e in manifest["files"].values()} == {"internal"}
    for name in ("hotspots_kde.tif", "hotspots_gistar.tif", "hotspots_gi_bin.tif"):
        with rasterio.open(out / name) as ds:
            assert ds.tags()["tryggaplatser_marking"] == INTERNAL_MARKING
    with rasterio.open(out / "hotspots_kde.tif") as ds:
        assert ds.dtypes[0].startswith("float")
    import sqlite3

    with sqlite3.connect(out / "hotspots.gpkg") as con:
        meta = " ".join(r[0] for r in con.execute("SELECT metadata FROM gpkg_metadata"))
    assert INTERNAL_MARKING in meta
    gi = gpd.read_file(out / "hotspots.gpkg", layer="gistar")
    assert {"n", "gistar", "pvalue", "gi_bin"} <= set(gi.columns)
    cl = gpd.read_file(out / "hotspots.gpkg", layer="klassning")
    assert {"n", "hot_periods", "trend_z", "hotspot_category"} <= set(cl.columns)
    assert scan_dir(out, mode="internal") == []
    assert any(f.rule == "INTERNAL_IN_PUBLIC" for f in scan_dir(out, mode="public"))
    import pyogrio

    assert {"gistar", "kde", "klassning"} <= {
        name for name, _ in pyogrio.list_layers(out / "hotspots.gpkg")
    }
    with rasterio.open(out / "hotspots_gi_bin.tif") as ds:
        assert ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert str(tmp_path) not in json.dumps(ds.tags())
    assert str(tmp_path) not in (out / "hotspots.json").read_text(encoding="utf-8")


def test_public_run_passes_audit(incidents_gpkg, tmp_path):
    root = tmp_path / "ut"
    out = root / "publik"
    res = CliRunner().invoke(
        cli,
        [
            "hotspots",
            "--incidents",
            str(incidents_gpkg),
            "--bandwidth",
            "412",
            "--classify",
            "--mode",
            "public",
            "--out",
            str(root),
        ],
    )
    assert res.exit_code == 0, res.output
    assert scan_dir(out, mode="public") == []
    names = {p.name for p in out.iterdir()}
    assert {
        "hotspots.gpkg",
        "hotspots_gi_bin.tif",
        "hotspots_kde_class.tif",
        "hotspots.json",
        "offentliggorande.html",
        "offentliggorande.json",
        "utgivning.json",
    } <= names
    # z-scores and raw densities stay internal
    assert not {"hotspots_gistar.tif", "hotspots_kde.tif"} & names
    text = (out / "hotspots.json").read_text(encoding="utf-8")
    summary = json.loads(text)
    assert summary["mode"] == "public" and "marking" not in summary
    assert "bandwidth" not in text and "412" not in text
    # the automatic cell size (50 m here) is replaced by the public minimum, and recorded
    assert summary["cell_size_m"] == 250.0
    assert summary["params"]["cell_size"]["value"] == 250.0
    assert "250" in summary["params"]["cell_size"]["rule"]
    import pyogrio

    assert {"gistar", "kde", "klassning"} <= {
        name for name, _ in pyogrio.list_layers(out / "hotspots.gpkg")
    }
    gi = gpd.read_file(out / "hotspots.gpkg", layer="gistar")
    assert "gi_bin" in gi.columns and not {"gistar", "pvalue", "kde"} & set(gi.columns)
    shown = pd.to_numeric(gi["n"], errors="coerce").dropna()
    assert not ((shown >= 1) & (shown < 5)).any()
    cl = gpd.read_file(out / "hotspots.gpkg", layer="klassning")
    assert "hotspot_category" in cl.columns and not {"n", "trend_z"} & set(cl.columns)
    kde = gpd.read_file(out / "hotspots.gpkg", layer="kde")
    assert "kde_class" in kde.columns and "kde" not in kde.columns
    with rasterio.open(out / "hotspots_kde_class.tif") as ds:
        assert ds.dtypes[0] == "uint8" and ds.nodata == 0
        assert set(np.unique(ds.read(1))) <= {0, 1, 2, 3, 4, 5}
        assert "bandwidth" not in json.dumps(ds.tags()).lower()
        assert ds.res == (250.0, 250.0)
    with rasterio.open(out / "hotspots_gi_bin.tif") as ds:
        assert ds.tags()["tryggaplatser_mode"] == "public"
        # uint8 codes 1–7 with a colour table: GDAL < 3.7 misread the former int8
        assert ds.dtypes[0] == "uint8" and ds.nodata == 0 and ds.colormap(1)
    assert "qgis_projekt.qgz" in names


def test_public_automatic_cell_size_is_announced(incidents_gpkg, tmp_path, caplog):
    import logging

    from tryggaplatser.publish.products import write_hotspot_layers

    with caplog.at_level(logging.INFO, logger="tryggaplatser"):
        summary = write_hotspot_layers(
            config_path=str(tmp_path / "saknas.toml"),
            incidents_path=str(incidents_gpkg),
            mode="public",
            out_dir=str(tmp_path / "ut"),
        )
    assert summary["cell_size_m"] == 250.0
    assert "Publikt läge: cellstorleken 50 m (automatisk) är mindre än 250 m; 250 m används" in (
        caplog.text
    )


def test_public_fine_cell_size_refused(incidents_gpkg, tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "hotspots",
            "--incidents",
            str(incidents_gpkg),
            "--cell-size",
            "100",
            "--mode",
            "public",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 2
    assert "PUBLIC_CELL_SIZE" in res.output and "250 m" in res.output
    assert "Traceback" not in res.output
    assert not list(tmp_path.iterdir())


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


def test_demo_hotspot_layers_find_hot_cells_and_pass_the_audit(demo_run):
    """The demo's hotspot layers in both sets (``tryggaplatser demo`` writes them with the
    ``hotspots`` command's writer, from the demo's configuration) find hot cells at 95 %, and
    every hotspot file passes the audit of its mode. The command's own wiring in both modes is
    run twice on a fresh demo-like municipality in tests/test_reproducible.py."""
    from tryggaplatser.publish.audit import scan_file

    out, _ = demo_run
    for mode, folder in (("internal", out / "internt"), ("public", out / "publik")):
        summary = json.loads((folder / "hotspots.json").read_text(encoding="utf-8"))
        assert summary["significant_cells"]["hot_95"] > 0
        files = sorted(folder.glob("hotspots*"))
        assert {"hotspots.gpkg", "hotspots.json", "hotspots_gi_bin.tif"} <= {f.name for f in files}
        assert [f for path in files for f in scan_file(path, mode, root=folder)] == []


def test_public_hotspots_builds_the_folders_one_plan(tmp_path, monkeypatch):
    """A public ``hotspots`` run from a configuration solves the same disclosure plan as the
    area products of the folder (``map --all``): the grid cells are decided together with the
    area tables, whichever command writes them (it used to plan the grid alone)."""
    from tryggaplatser.publish.gate import Gate

    from .bare_project import write_project

    (tmp_path / "projekt").mkdir()
    config = str(write_project(tmp_path / "projekt"))
    plans = {}
    use_plan = Gate.use_plan

    def recording(self, plan, **kwargs):
        plans.setdefault(command, dict(plan.status))
        return use_plan(self, plan, **kwargs)

    monkeypatch.setattr(Gate, "use_plan", recording)
    runner = CliRunner()
    for command, args in {"hotspots": ["hotspots"], "map": ["map", "--all"]}.items():
        out = str(tmp_path / command)
        res = runner.invoke(cli, [*args, "--config", config, "--mode", "public", "--out", out])
        assert res.exit_code == 0, res.output
    assert set(plans) == {"hotspots", "map"}
    assert any(key[0] == "walks" or key[0] == "incidents" for key in plans["map"])
    assert plans["hotspots"] == plans["map"]
