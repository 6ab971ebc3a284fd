"""`tryggaplatser validate` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli

GOOD = (
    "id;tid;kategori;kalla;x;y;beskrivning;anmalare\n"
    "1;2024-01-20 21:43;klotter;est;674000;6580000;ring 070-123 45 67;Kalle\n"
    "2;2024-03-31 02:30;brand;est;674100;6580100;;Lisa\n"
    "3;2024-02-01 10:00;okänd;est;674200;6580200;;Lisa\n"
    "4;2024-02-01 10:00;brand;est;674300;6580300;;Lisa\n"
)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "handelser.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_validate_json(runner, good_csv, tmp_path):
    q = tmp_path / "karantan"
    res = runner.invoke(
        cli,
        [
            "validate",
            str(good_csv),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--json",
            "--quarantine-dir",
            str(q),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    obj = json.loads(lines[0])
    for key in (
        "file",
        "layer",
        "read",
        "accepted",
        "quarantined",
        "duplicates_dropped",
        "problems",
        "quarantine_file",
    ):
        assert key in obj
    assert (obj["read"], obj["accepted"], obj["quarantined"]) == (4, 2, 2)
    assert obj["quarantine_file"].startswith(str(q))
    rules = {p["rule"] for p in obj["problems"]}
    assert {"TIME_NONEXISTENT_DST", "CATEGORY_UNKNOWN", "COLUMN_DROPPED", "PII_REDACTED"} <= rules
    for p in obj["problems"]:
        assert {"row", "field", "rule", "message"} <= set(p)
    assert "070-123" not in res.stdout


def test_validate_summary_in_swedish(runner, good_csv, tmp_path):
    res = runner.invoke(
        cli,
        [
            "validate",
            str(good_csv),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--quarantine-dir",
            str(tmp_path / "k"),
        ],
    )
    assert res.exit_code == 0
    assert (
        "handelser.csv (händelser): 4 rader lästa, 2 godkända, 2 i karantän, 0 dubbletter borttagna"
    ) in res.stdout
    assert "rad 3, occurred_at: lokal tid som inte finns" in res.stdout
    assert "karantänfil (intern)" in res.stdout


def test_validate_summary_in_english(runner, good_csv, tmp_path):
    res = runner.invoke(
        cli,
        [
            "--lang",
            "en",
            "validate",
            str(good_csv),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--quarantine-dir",
            str(tmp_path / "k"),
        ],
    )
    assert res.exit_code == 0
    assert "4 rows read, 2 accepted, 2 quarantined" in res.stdout


def test_corrupt_file_exit_2_no_traceback(runner, tmp_path):
    bad = tmp_path / "trasig.gpkg"
    bad.write_bytes(b"\x13\x37" * 4000)
    res = runner.invoke(cli, ["validate", str(bad), "--layer", "areas"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"fel: {bad}: [FILE_CORRUPT]")
    assert " — exportera filen på nytt" in err[0]


def test_corrupt_file_json(runner, tmp_path):
    bad = tmp_path / "trasig.csv"
    bad.write_bytes(b"")
    res = runner.invoke(cli, ["validate", str(bad), "--layer", "incidents", "--json"])
    assert res.exit_code == 2
    obj = json.loads(res.stdout)
    assert obj["error"]["rule"] == "FILE_CORRUPT"
    assert obj["problems"][0]["rule"] == "FILE_CORRUPT"


def test_missing_crs_exit_2(runner, good_csv):
    res = runner.invoke(cli, ["validate", str(good_csv), "--layer", "incidents"])
    assert res.exit_code == 2
    assert "[CRS_MISSING]" in res.stderr and "Traceback" not in res.output


def test_layer_required_with_path(runner, good_csv):
    res = runner.invoke(cli, ["validate", str(good_csv)])
    assert res.exit_code == 2
    assert "--layer" in res.output


def test_validate_config(runner, tmp_path, good_csv):
    (tmp_path / "tryggaplatser.toml").write_text(
        '[project]\nname = "T"\nmunicipality_code = "0000"\n'
        '[[layers.incidents]]\nfile = "handelser.csv"\ncrs = "EPSG:3006"\n'
        '[[layers.areas]]\nfile = "saknas.gpkg"\n',
        encoding="utf-8",
    )
    res = runner.invoke(
        cli, ["validate", "--config", str(tmp_path / "tryggaplatser.toml"), "--json"]
    )
    assert res.exit_code == 2  # the missing areas file
    objs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert [o["layer"] for o in objs] == ["areas", "incidents"] or [o["layer"] for o in objs] == [
        "incidents",
        "areas",
    ]
    by_layer = {o["layer"]: o for o in objs}
    assert by_layer["areas"]["error"]["rule"] == "FILE_UNREADABLE"
    assert by_layer["incidents"]["quarantine_file"].startswith(str(tmp_path / "karantan"))


def test_bad_config_exit_2(runner, tmp_path):
    (tmp_path / "tryggaplatser.toml").write_text("[project\n", encoding="utf-8")
    res = runner.invoke(cli, ["validate", "--config", str(tmp_path / "tryggaplatser.toml")])
    assert res.exit_code == 2
    assert "ogiltig TOML" in res.stderr and "Traceback" not in res.output


def test_help_lists_options(runner):
    res = runner.invoke(cli, ["validate", "--help"])
    assert res.exit_code == 0
    for opt in ("--layer", "--crs", "--study-area", "--json", "--config"):
        assert opt in res.output


def test_every_row_failing_exit_2_with_report(runner, tmp_path):
    path = tmp_path / "alla_fel.csv"
    path.write_text(
        "id;tid;kategori;kalla;x;y\n1;igår;klotter;est;674000;6580000\n"
        "2;2024-01-01 10:00;påhittad;est;674000;6580000\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        cli,
        [
            "validate",
            str(path),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--json",
            "--quarantine-dir",
            str(tmp_path / "k"),
        ],
    )
    assert res.exit_code == 2
    obj = json.loads(res.stdout)
    assert obj["error"]["rule"] == "NO_VALID_ROWS"
    assert (obj["read"], obj["accepted"], obj["quarantined"]) == (2, 0, 2)
    assert obj["quarantine_file"]
    assert "Traceback" not in res.output


def test_study_area_option(runner, good_csv, tmp_path):
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame(geometry=[shapely.box(673000, 6579000, 674150, 6580150)], crs=3006).to_file(
        tmp_path / "grans.gpkg"
    )
    res = runner.invoke(
        cli,
        [
            "validate",
            str(good_csv),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--study-area",
            str(tmp_path / "grans.gpkg"),
            "--json",
            "--quarantine-dir",
            str(tmp_path / "k"),
        ],
    )
    assert res.exit_code == 0
    obj = json.loads(res.stdout)
    outside = [p["row"] for p in obj["problems"] if p["rule"] == "OUTSIDE_STUDY_AREA"]
    assert outside == [5]


def test_main_entry_point_exit_codes(tmp_path, good_csv, capsys):
    """Through main() as the console script runs it (not only the CliRunner)."""
    from tryggaplatser.cli import main

    bad = tmp_path / "trasig.gpkg"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(bad), "--layer", "areas"])
    assert exc.value.code == 2
    main(
        [
            "validate",
            str(good_csv),
            "--layer",
            "incidents",
            "--crs",
            "EPSG:3006",
            "--quarantine-dir",
            str(tmp_path / "k"),
        ]
    )  # returns normally: exit code 0
    assert "Traceback" not in capsys.readouterr().err


def test_empty_point_and_long_line_through_config(runner, tmp_path):
    """Issue 14: an empty point used to end `validate` with a GEOSException traceback."""
    long_line = "3;2024-01-21 21:43;brand;est;POINT (674100 6580000)" + " " * 80
    (tmp_path / "handelser.csv").write_text(
        "id;tid;kategori;kalla;wkt\n"
        "1;2024-01-20 21:43;klotter;est;POINT (674000 6580000)\n"
        "2;2024-01-20 21:43;brand;est;POINT EMPTY\n" + long_line + "\n",
        encoding="utf-8",
    )
    (tmp_path / "tryggaplatser.toml").write_text(
        '[project]\nname = "T"\nmunicipality_code = "0000"\n'
        '[[layers.incidents]]\nfile = "handelser.csv"\ncrs = "EPSG:3006"\n'
        "[limits]\nmax_line_chars = 100\n",
        encoding="utf-8",
    )
    res = runner.invoke(cli, ["validate", "--config", str(tmp_path / "tryggaplatser.toml")])
    assert res.exit_code == 0, res.output
    assert res.exception is None and "Traceback" not in res.output
    assert "3 rader lästa, 1 godkända, 2 i karantän, 0 dubbletter borttagna" in res.stdout
    assert "rad 3, geometry: geometrin är tom" in res.stdout
    assert f"rad 4, wkt: raden är {len(long_line)} tecken lång; gränsen är 100" in res.stdout


def test_unknown_crs_names_its_rule(runner, good_csv):
    res = runner.invoke(
        cli, ["validate", str(good_csv), "--layer", "incidents", "--crs", "EPSG:999999", "--json"]
    )
    assert res.exit_code == 2 and "Traceback" not in res.output
    error = json.loads(res.stdout)["error"]
    assert error["rule"] == "CRS_UNKNOWN"
    assert "EPSG:999999" in error["message"]


def test_validate_config_checks_the_basemap(runner, good_csv, tmp_path):
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame(
        {"gatunamn": ["Storgatan"]},
        geometry=[shapely.LineString([(674000, 6580000), (674500, 6580000)])],
        crs=3006,
    ).to_file(tmp_path / "vagar.gpkg")
    head = (
        '[project]\nname = "T"\nmunicipality_code = "9999"\n'
        f'[[layers.incidents]]\nfile = "{good_csv.name}"\ncrs = "EPSG:3006"\n'
        'columns = { "tid" = "occurred_at", "kategori" = "category", "kalla" = "source" }\n'
    )
    config = tmp_path / "tryggaplatser.toml"
    config.write_text(head + '[basemap]\nroads = "vagar.gpkg"\nroads_name = "namn"\n', "utf-8")
    res = runner.invoke(cli, ["validate", "--config", str(config)])
    assert res.exit_code == 2
    assert "BASEMAP_COLUMN_MISSING" in res.output
    config.write_text(head + '[basemap]\nroads = "vagar.gpkg"\nroads_name = "gatunamn"\n', "utf-8")
    res = runner.invoke(cli, ["validate", "--config", str(config)])
    assert res.exit_code == 0, res.output
    assert "[basemap]: 1 gator (1 med namn)" in res.output
