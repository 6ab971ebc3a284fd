"""``tryggaplatser map --hotspots`` in public mode shows a month, never a week."""

from __future__ import annotations

from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.publish.audit import scan_dir


def test_public_hotspot_map_is_monthly(tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "map",
            "--hotspots",
            "--week",
            "2026-W47",
            "--mode",
            "public",
            "--config",
            str(demo_config_path()),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "publik"
    maps = sorted(p.name for p in out.glob("karta_hotspots_*.html"))
    assert maps == ["karta_hotspots_2026-10.html"]  # W47 ends inside November: October
    page = (out / maps[0]).read_text(encoding="utf-8")
    assert "W47" not in page and "vecka" not in page.lower()
    assert "Hotspotkarta, månad 2026-10" in page
    assert scan_dir(out, mode="public") == []


def test_internal_hotspot_map_keeps_the_week(tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "-q",
            "map",
            "--hotspots",
            "--week",
            "2026-W47",
            "--mode",
            "internal",
            "--config",
            str(demo_config_path()),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "internt" / "karta_hotspots_2026-W47.html").exists()
