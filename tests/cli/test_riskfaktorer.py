"""``tryggaplatser riskfaktorer``: the report, the risk surface and the street stretches, through
the gate (public: stretches of at least 250 m, counts 1–4 withheld, no z-scores)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.products.risk import risk_classes


def test_public_set_is_written_and_passes_the_audit(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "riskfaktorer",
            "--config",
            str(demo_config_path()),
            "--mode",
            "public",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "publik"
    for name in ("riskfaktorer.html", "riskfaktorer.pdf", "riskyta.gpkg", "riskyta.tif"):
        assert (folder / name).exists(), name
    stretches = gpd.read_file(folder / "gatustrackor.gpkg", layer="gatustrackor")
    assert "gistar" not in stretches.columns and "pvalue" not in stretches.columns
    # 250 m stretches; a short road stays one stretch and its counts are withheld
    assert stretches["length"].median() >= 200
    short = stretches["length"] < 125
    assert short.any() and (stretches.loc[short, "n_visning"] == "..").all()
    shown = stretches["n_visning"].astype(str)
    assert stretches.loc[shown.isin(["<5", ".."]), "n"].isna().all()
    n = pd.to_numeric(stretches["n"], errors="coerce")
    assert not ((n >= 1) & (n <= 4)).any()
    surface = gpd.read_file(folder / "riskyta.gpkg", layer="riskyta")
    assert "n" not in surface.columns and set(surface["risk_class"]) <= {1, 2, 3, 4, 5}
    assert scan_dir(folder) == []
    html = (folder / "riskfaktorer.html").read_text(encoding="utf-8")
    assert "Skolor" in html and "tillför inget" in html
    # the street map beside the report, linked from it, listed on the start page; the
    # background copied into the folder without buildings
    assert '<a href="gatustrackor.html">' in html
    street_map = (folder / "gatustrackor.html").read_text(encoding="utf-8")
    assert "stretches_n" in street_map and "stretches_gi" not in street_map
    assert " m: " in street_map and "händelser" in street_map
    assert (folder / "gatustrackor.png").exists()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="gatustrackor.html"' in index and 'href="bakgrund.gpkg"' in index
    import pyogrio

    layers = {str(n) for n, _ in pyogrio.list_layers(folder / "bakgrund.gpkg")}
    assert "byggnader" not in layers and {"vagar", "vatten"} <= layers


def test_public_gate_refuses_short_stretches():
    frame = gpd.GeoDataFrame(
        {"stretch_id": ["S1"], "name": ["Storgatan"], "n": [7]},
        geometry=[LineString([(650000, 6550000), (650100, 6550000)])],
        crs=3006,
    )
    frame.attrs = {"tryggaplatser": {"params": {"stretch_length": 100.0}}}
    with pytest.raises(GateRefusal, match="PUBLIC_STRETCH_LENGTH"):
        Gate("public", quiet=True).release(frame, "street_stretches")
    released = Gate("internal", quiet=True).release(frame, "street_stretches")
    assert int(released["n"].iloc[0]) == 7


def test_risk_classes():
    rr = np.array([0.8, 1.0, 1.2, 1.5, 1.9, 2.5, 3.0, 4.0])
    assert risk_classes(rr).tolist() == [1, 1, 2, 2, 3, 4, 4, 5]
