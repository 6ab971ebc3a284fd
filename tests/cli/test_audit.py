"""`tryggaplatser audit DIR`: exit codes, Swedish output, --json."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.tables import write_csv


def public_set(tmp_path):
    gate = Gate("public", quiet=True)
    df = pd.DataFrame({"area_id": ["A", "B"], "n": [12, 30]})
    write_csv(df, tmp_path / "antal.csv", gate=gate, kind="area_table", margins=True)
    gate.finish(tmp_path)
    return tmp_path


def test_clean_folder_exits_zero(tmp_path):
    result = CliRunner().invoke(cli, ["audit", str(public_set(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Inga fynd" in result.output


def test_findings_exit_one_and_are_listed(tmp_path):
    folder = public_set(tmp_path)
    (folder / "lacka.csv").write_text(
        "area_id;n;kommentar\nA;3;ring 070-123 45 67\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["audit", str(folder), "--mode", "public"])
    assert result.exit_code == 1
    assert "lacka.csv (rad 2, kolumn n): [SMALL_COUNT]" in result.output  # file, place, rule
    assert "[PERSONAL_DATA]" in result.output and "123 45 67" not in result.output
    assert "[NOT_GATED]" in result.output


def test_json_output(tmp_path):
    folder = public_set(tmp_path)
    (folder / "x.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"n": 9},
                        "geometry": {"type": "Point", "coordinates": [17.6, 59.2]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["audit", str(folder), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["mode"] == "public"
    assert {"POINTS_PUBLIC", "NOT_GATED"} <= {f["rule"] for f in data["findings"]}


def test_internal_mode(tmp_path):
    gate = Gate("internal", quiet=True)
    write_csv(
        pd.DataFrame({"area_id": ["A"], "n": [1]}), tmp_path / "t.csv", gate=gate, kind="area_table"
    )
    assert CliRunner().invoke(cli, ["audit", str(tmp_path), "--mode", "internal"]).exit_code == 0
    assert CliRunner().invoke(cli, ["audit", str(tmp_path), "--mode", "public"]).exit_code == 1


def test_registered_in_lazy_group():
    from tryggaplatser.cli import COMMANDS

    assert COMMANDS["audit"][:2] == ("tryggaplatser.cli.audit", "audit")
