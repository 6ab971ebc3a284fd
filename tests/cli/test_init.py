"""`tryggaplatser init`."""

from __future__ import annotations

from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.layers.config import SourceSpec, load_config


def test_init_writes_loadable_commented_template(tmp_path):
    res = CliRunner().invoke(cli, ["init", str(tmp_path / "kommun")])
    assert res.exit_code == 0, res.output
    path = tmp_path / "kommun" / "tryggaplatser.toml"
    text = path.read_text(encoding="utf-8")
    cfg = load_config(path)
    assert cfg.crs == "EPSG:3006" and cfg.sources
    # every source key is explained in a comment
    for key in SourceSpec.__dataclass_fields__:
        if key != "layer":
            assert f"#   {key}" in text or f"# {key}" in text or "#   x, y" in text, key
    for key in (
        "municipality_code",
        "study_area",
        "privacy_mode",
        "pseudonymise_ids",
        "quarantine_dir",
    ):
        assert key in text


def test_init_refuses_to_overwrite(tmp_path):
    (tmp_path / "tryggaplatser.toml").write_text("egen", encoding="utf-8")
    res = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert res.exit_code == 2
    assert "finns redan" in res.stderr
    assert (tmp_path / "tryggaplatser.toml").read_text(encoding="utf-8") == "egen"
