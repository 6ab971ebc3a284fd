"""``tryggaplatser est`` through the CLI runner, on the demo municipality."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path, demo_truth_path
from tryggaplatser.publish.gate import INTERNAL_MARKING

pytestmark = pytest.mark.usefixtures("no_pdf")  # the reports' content, not their PDFs


@pytest.fixture(scope="module")
def silent_week():
    truth = json.loads(demo_truth_path().read_text(encoding="utf-8"))
    weeks = truth["silent_source"]["iso_weeks"]
    return weeks[len(weeks) // 2]


def test_est_writes_the_brief_files(tmp_path, silent_week):
    out = tmp_path / "ut"
    res = CliRunner().invoke(
        cli, ["est", "--config", str(demo_config_path()), "--week", silent_week, "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    out = out / "internt"
    names = sorted(p.name for p in out.iterdir())
    assert f"est_{silent_week}.html" in names and f"est_{silent_week}.gpkg" in names
    csvs = [n for n in names if n.endswith(".csv")]
    assert len(csvs) >= 8 and all(n.startswith(f"est_{silent_week}_") for n in csvs)
    page = (out / f"est_{silent_week}.html").read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page and "Veckolägesbild för EST" in page
    # the interactive EST map with the focus places, linked from the brief
    assert f"karta_est_{silent_week}.html" in names
    assert f'href="karta_est_{silent_week}.html"' in page
    assert f"EST-veckobrev {silent_week} (intern)" in res.output


def test_est_public_mode_writes_the_monthly_overview(tmp_path, silent_week):
    root = tmp_path / "ut"
    out = root / "publik"
    res = CliRunner().invoke(
        cli,
        [
            "est",
            "--config",
            str(demo_config_path()),
            "--week",
            silent_week,
            "--mode",
            "public",
            "--out",
            str(root),
        ],
    )
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    html = [n for n in names if n.endswith("_publik.html")]
    assert len(html) == 1 and html[0].startswith("est_")
    assert not any(n.endswith(".gpkg") and silent_week in n for n in names)
    res = CliRunner().invoke(cli, ["audit", str(out), "--mode", "public"])
    assert res.exit_code == 0, res.output


def test_bad_week_is_one_clear_line(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["est", "--config", str(demo_config_path()), "--week", "2026-W60", "--out", str(tmp_path)],
    )
    assert res.exit_code == 2
    assert "ISO-vecka" in res.output and "Traceback" not in res.output


def test_missing_config_is_one_clear_line(tmp_path):
    res = CliRunner().invoke(cli, ["est", "--config", str(tmp_path / "nej.toml")])
    assert res.exit_code == 2 and "Konfigurationsfilen finns inte" in res.output
