"""The generator: determinism, small and large variants, file sizes, the CLI command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyogrio
from click.testing import CliRunner

from tryggaplatser.datasets import demo_config_path, demo_data_dir, demo_truth_path
from tryggaplatser.datasets.generate import generate_demo

from .conftest import SMALL_SIZE, read_incidents


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_demo_paths_found():
    assert demo_config_path().name == "tryggaplatser.toml"
    assert demo_truth_path().parent == demo_data_dir()


def test_same_seed_same_files(small_demo, tmp_path):
    again = tmp_path / "again"
    generate_demo(again, size=SMALL_SIZE)
    assert _digests(small_demo) == _digests(again)
    # and the data content, independent of file encoding details
    pd.testing.assert_frame_equal(read_incidents(small_demo), read_incidents(again))


def test_other_seed_other_data(small_demo, tmp_path):
    other = tmp_path / "other"
    generate_demo(other, size=SMALL_SIZE, seed=7)
    a, b = read_incidents(small_demo), read_incidents(other)
    assert not a["x"].head(100).equals(b["x"].head(100))


def test_committed_data_matches_generator(demo_dir, tmp_path, truth):
    """data/ is exactly what the generator produces (regenerate with `generate-demo`)."""
    fresh = tmp_path / "fresh"
    generate_demo(fresh, size=truth["size"], seed=truth["seed"])
    committed = {k: v for k, v in _digests(demo_dir).items() if not k.startswith("karantan")}
    assert committed == _digests(fresh)


def test_small_mode_scales(small_demo):
    truth = json.loads((small_demo / "truth.json").read_text(encoding="utf-8"))
    # the planted risk-factor incidents are appended to the size (their own random stream)
    added = truth["risk_factors"]["added_incidents"]
    assert added == sum(
        f["features"] * f["extra_incidents_per_feature"] for f in truth["risk_factors"]["factors"]
    )
    assert truth["counts"]["incidents"] == SMALL_SIZE + added
    assert truth["near_repeat"]["n_events"] == 40
    assert len(read_incidents(small_demo)) == truth["counts"]["incidents"]


def test_file_sizes(demo_dir):
    files = [p for p in demo_dir.rglob("*") if p.is_file() and "karantan" not in p.parts]
    assert all(p.stat().st_size < 4 * 1024 * 1024 for p in files)
    assert sum(p.stat().st_size for p in files) < 20 * 1024 * 1024


def test_large_variant_layout(tmp_path):
    """The canonical-file layout of the large variant, forced on a small size (the layout does
    not depend on it; ``large`` is chosen by size only when not given)."""
    out = tmp_path / "large"
    truth = generate_demo(out, size=2000, large=True, n_dialogue=200)
    from tryggaplatser.layers.config import load_config

    for name, suffix in (("tryggaplatser.toml", ".gpkg"), ("tryggaplatser_csv.toml", ".csv")):
        cfg = load_config(out / name)
        (inc,) = cfg.sources_for("incidents")
        assert inc.file.suffix == suffix and inc.file.exists()
    csv = pd.read_csv(out / "incidents" / "handelser.csv")
    gpkg = pyogrio.read_dataframe(out / "incidents" / "handelser.gpkg", read_geometry=False)
    assert len(csv) == len(gpkg) == truth["counts"]["incidents"]
    assert {"incident_id", "occurred_at", "category", "source", "x", "y"} <= set(csv.columns)
    assert csv["incident_id"].is_unique


def test_cli_generate_demo(tmp_path):
    from tryggaplatser.cli import cli

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli, ["generate-demo", "--size", "1000", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "händelser" in result.output
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["seed"] == 5


def test_cli_refuses_large_variant_into_data():
    from tryggaplatser.cli import cli

    result = CliRunner().invoke(cli, ["generate-demo", "--size", "1000000"])
    assert result.exit_code != 0
    assert "--out" in result.output
