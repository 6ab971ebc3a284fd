"""The same inputs and seed give identical outputs (issue 2): byte for byte, run after run."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
def test_two_runs_write_identical_files(tmp_path, args, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    config = str(demo_config_path())
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["-q", *args, "--config", config, "--out", str(out)])
        assert result.exit_code == 0, result.output
        runs.append(_digests(out))
    assert runs[0] and runs[0] == runs[1]
