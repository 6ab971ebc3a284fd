"""`tryggaplatser CMD --help` starts fast: no heavy library is imported to print the help."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = ["hotspots", "map", "area", "lagesbild", "est", "plan", "evaluate", "audit", "demo"]
HEAVY = ("pandas", "geopandas", "matplotlib", "folium", "rasterio", "scipy")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_imports_no_heavy_library(command):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tryggaplatser.cli import cli\n"
        f"result = CliRunner().invoke(cli, [{command!r}, '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"`{command} --help` imported {out}"
