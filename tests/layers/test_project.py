"""load_project and the demo configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tryggaplatser.layers.load import load_project

DEMO = Path(__file__).resolve().parents[2] / "data" / "tryggaplatser.toml"


def _config(tmp_path):
    (tmp_path / "h1.csv").write_text(
        "id;tid;kategori;kalla;x;y\n1;2024-01-20 21:43;klotter;est;674000;6580000\n"
        "2;2024-01-20 21:43;Okänd sak;est;674000;6580000\n",
        encoding="utf-8",
    )
    (tmp_path / "h2.csv").write_text(
        "Nr,När,Vad,lat,lon\nA1,2024-05-01 08:00,Tags,59.19,17.62\n", encoding="utf-8"
    )
    cfg = tmp_path / "tryggaplatser.toml"
    cfg.write_text(
        '[project]\nname = "T"\nmunicipality_code = "0000"\n'
        '[[layers.incidents]]\nfile = "h1.csv"\ncrs = "EPSG:3006"\n'
        '[[layers.incidents]]\nfile = "h2.csv"\n'
        'columns = { "Nr" = "incident_id", "När" = "occurred_at", "Vad" = "category" }\n'
        'categories = { "Tags" = "klotter" }\ndefaults = { source = "app" }\n',
        encoding="utf-8",
    )
    return cfg


def test_load_project_merges_files_and_reports(tmp_path):
    project = load_project(_config(tmp_path))
    inc = project.incidents
    assert len(inc) == 2 and inc.crs.to_epsg() == 3006
    assert inc["source"].tolist() == ["est", "app"]
    assert [r.accepted for r in project.reports] == [1, 1]
    q = project.reports[0].quarantine_file
    assert q and Path(q).parent == tmp_path / "karantan"
    assert len(project.areas) == 0 and "area_id" in project.areas.columns
    assert project["walk_observations"].crs.to_epsg() == 3006


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not generated")
def test_demo_project_loads_with_every_row_accounted_for(tmp_path):
    project = load_project(DEMO, quarantine_dir=tmp_path / "k", quiet=True)
    assert len(project.incidents) > 10_000
    for r in project.reports:
        assert r.read == r.accepted + r.quarantined + r.duplicates_dropped
        assert not (r.problems_frame["severity"] == "error").any()
    polisen = project.incidents[project.incidents["source"] == "polisen"]
    assert (polisen["location_precision"] == "kommun_centroid").all()


def test_est_max_alerts_setting(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from tryggaplatser.errors import ConfigError
    from tryggaplatser.layers.config import load_config
    from tryggaplatser.publish.products import est as est_product

    cfg = tmp_path / "tryggaplatser.toml"
    head = '[project]\nname = "X"\nmunicipality_code = "9999"\n'
    cfg.write_text(head, encoding="utf-8")
    assert load_config(cfg).est_max_alerts is None  # the toolkit's default (15)
    cfg.write_text(head + "[est]\nmax_alerts = 8\n", encoding="utf-8")
    config = load_config(cfg)
    assert config.est_max_alerts == 8
    for bad in ("max_alerts = 0", "max_alerts = 2.5", 'max_alerts = "15"', "antal = 3"):
        cfg.write_text(head + f"[est]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="max_alerts"):
            load_config(cfg)
    # the setting reaches the brief (est_brief itself is tested on the demo)
    seen = {}

    def fake_brief(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop")

    import tryggaplatser.publish.reports.est_brief as report

    monkeypatch.setattr(report, "est_brief", fake_brief)
    project = SimpleNamespace(config=config, layers={}, incidents=None, areas=None)
    with pytest.raises(RuntimeError, match="stop"):
        est_product.write_est_brief_set(config_path="", project=project, out_dir=str(tmp_path))
    assert seen["max_alerts"] == 8


def test_template_documents_est_max_alerts():
    from tryggaplatser.layers.config import load_config

    template = Path(load_config.__code__.co_filename).with_name("template.toml").read_text("utf-8")
    assert "# max_alerts = 15" in template and "[est]" in template
