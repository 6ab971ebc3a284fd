"""The same inputs and seed give identical outputs (issue 2): byte for byte, run after run.

Run on a small fresh copy of the demo municipality (same areas, weeks and measures, fewer
incidents) so each command runs twice in seconds; the full demo's outputs are checked in
tests/cli/test_demo.py.
"""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets.generate import generate_demo


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small_config(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("demo_small")
    generate_demo(out, size=6000)
    return str(out / "tryggaplatser.toml")


@pytest.mark.parametrize(
    "args",
    [
        ["hotspots", "--mode", "public", "--classify"],
        ["hotspots", "--mode", "internal"],
        ["map", "--area", "EX05", "--mode", "internal", "--png"],
        ["est", "--week", "2026-W39"],
        ["plan", "--area", "EX19", "--date", "2026-11-23", "--mode", "internal"],
    ],
)
def test_two_runs_write_identical_files(tmp_path, args, monkeypatch, small_config):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    config = small_config
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["-q", *args, "--config", config, "--out", str(out)])
        assert result.exit_code == 0, result.output
        runs.append(_digests(out))
    assert runs[0] and runs[0] == runs[1]
