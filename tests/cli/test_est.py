"""``tryggaplatser est`` through the CLI runner.

The command's files, names, marking and audit are the same code for any project, so they run
on the tiny project of tests/cli/bare_project.py (about a second each instead of the demo's
four). What the brief says on the demo (its planted silent source and near-repeat series) is
tested in tests/publish/test_est_brief.py; the demo's own internal and public briefs are
written by ``tryggaplatser demo`` and checked in tests/cli/test_demo.py.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.publish.gate import INTERNAL_MARKING

pytestmark = pytest.mark.usefixtures("no_pdf")  # the reports' content, not their PDFs


@pytest.fixture(scope="module")
def week():
    """A week inside the tiny project's data (2024–2025), not its default (last) week."""
    return "2025-W40"


def test_est_writes_the_brief_files(tmp_path, week, tiny_config):
    out = tmp_path / "ut"
    res = CliRunner().invoke(
        cli, ["est", "--config", tiny_config, "--week", week, "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    out = out / "internt"
    names = sorted(p.name for p in out.iterdir())
    assert f"est_{week}.html" in names and f"est_{week}.gpkg" in names
    csvs = [n for n in names if n.endswith(".csv")]
    assert len(csvs) >= 8 and all(n.startswith(f"est_{week}_") for n in csvs)
    page = (out / f"est_{week}.html").read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page and "Veckolägesbild för EST" in page
    # the interactive EST map with the focus places, linked from the brief
    assert f"karta_est_{week}.html" in names
    assert f'href="karta_est_{week}.html"' in page
    assert f"EST-veckobrev {week} (intern)" in res.output


def test_est_public_mode_writes_the_monthly_overview(tmp_path, week, tiny_config):
    root = tmp_path / "ut"
    out = root / "publik"
    res = CliRunner().invoke(
        cli,
        [
            "est",
            "--config",
            tiny_config,
            "--week",
            week,
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
    assert not any(n.endswith(".gpkg") and week in n for n in names)
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
