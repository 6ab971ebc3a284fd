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


@pytest.mark.parametrize("value", ["", "abc", "2026-11-23", "1795392000.5"])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_bad_source_date_epoch_is_named_not_a_traceback(tmp_path, value, lang):
    """numpy reads ``SOURCE_DATE_EPOCH`` as it is imported and stops with a traceback on a value
    that is not whole seconds; the CLI names the variable and the rule before any command."""
    import os
    from pathlib import Path

    cli = Path(sys.executable).with_name("tryggaplatser")
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    result = subprocess.run(
        [str(cli), "--lang", lang, "demo", "--out", str(tmp_path / "ut")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "[ENVIRONMENT_INVALID]" in result.stderr and "SOURCE_DATE_EPOCH" in result.stderr
    assert result.stderr.startswith("fel: " if lang == "sv" else "error: ")
    assert ("sekunder sedan" if lang == "sv" else "seconds since") in result.stderr
    assert not (tmp_path / "ut").exists()


def test_source_date_epoch_pins_today_and_is_read_by_one_rule(monkeypatch):
    import datetime as dt

    from tryggaplatser import _clock
    from tryggaplatser.errors import ArgumentError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1795392000 ")
    assert _clock.source_date_epoch() == 1795392000
    assert _clock.today() == dt.date(2026, 11, 23)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "-5")
    with pytest.raises(ArgumentError) as info:
        _clock.today()
    assert info.value.rule == "ENVIRONMENT_INVALID"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert _clock.source_date_epoch() is None
    assert _clock.today() == dt.date.today()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "EX19"], "fel: oväntat argument: EX19 — se `tryggaplatser plan --help`"),
        (["area", "EX01", "EX02"], "fel: oväntat argument: EX02 — se `tryggaplatser area --help`"),
        (["area", "--year"], "fel: --year behöver ett värde — se `tryggaplatser area --help`"),
        (
            ["--lang", "en", "demo", "--out"],
            "error: --out needs a value — see `tryggaplatser demo --help`",
        ),
    ],
)
def test_click_usage_errors_speak_the_output_language_and_name_the_command(argv, expected, capsys):
    """click's own messages are English; the CLI says them in the output language, on one line,
    pointing to the help of the command the user typed."""
    from tryggaplatser.cli import main
    from tryggaplatser.i18n import language

    with language("sv"), pytest.raises(SystemExit) as info:  # --lang en: Swedish again after
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.strip() == expected
