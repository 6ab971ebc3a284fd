"""``tryggaplatser prognos`` on the demo: the report and the CSV, public through the gate."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path


@pytest.mark.slow
def test_prognos_public_writes_monthly_scores_through_the_gate(tmp_path):
    out = tmp_path / "ut"
    result = CliRunner().invoke(
        cli, ["prognos", "--config", str(demo_config_path()), "--mode", "public", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    folder = out / "publik"
    html = (folder / "prognos.html").read_text(encoding="utf-8")
    assert "Förutsäger kartan?" in html and "<svg" in html.replace("data:image/svg", "<svg")
    header = (folder / "prognos_poang.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("month;") and "origin" not in header and "n0" not in header
    assert (folder / "offentliggorande.html").exists()


def test_prognos_refuses_weeks_in_public(tmp_path, tiny_config):
    """Refused for any project (here the tiny one: the refusal comes after the project is
    loaded, which takes seconds for the demo)."""
    result = CliRunner().invoke(
        cli,
        [
            "prognos",
            "--config",
            tiny_config,
            "--mode",
            "public",
            "--step",
            "week",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "TIME_TOO_FINE" in result.output
