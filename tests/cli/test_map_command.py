"""``tryggaplatser map --hotspots`` in public mode shows a month, never a week.

On the tiny project of tests/cli/bare_project.py (data 2024–2025): which window a map shows
and how it is titled is decided by the command for any project, in a second instead of the
demo's five. The demo's own weekly (internal) and monthly (public) maps are written by
``tryggaplatser demo`` and compared cell by cell with ``hotspots`` in tests/cli/test_demo.py.
"""

from __future__ import annotations

from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.publish.audit import scan_dir


def test_public_hotspot_map_is_monthly(tmp_path, tiny_config):
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "map",
            "--hotspots",
            "--week",
            "2025-W47",
            "--mode",
            "public",
            "--config",
            tiny_config,
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "publik"
    maps = sorted(p.name for p in out.glob("karta_hotspots_*.html"))
    assert maps == ["karta_hotspots_2025-10.html"]  # W47 ends inside November: October
    page = (out / maps[0]).read_text(encoding="utf-8")
    assert "W47" not in page and "vecka" not in page.lower()
    assert "Hotspotkarta, månad 2025-10" in page
    assert scan_dir(out, mode="public") == []


def test_internal_hotspot_map_keeps_the_week(tmp_path, tiny_config):
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "map",
            "--hotspots",
            "--week",
            "2025-W47",
            "--mode",
            "internal",
            "--config",
            tiny_config,
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "internt" / "karta_hotspots_2025-W47.html").exists()
