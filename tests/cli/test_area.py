"""``tryggaplatser area`` and ``tryggaplatser lagesbild`` through the CLI runner.

The commands that write a set run on the tiny project of tests/cli/bare_project.py (a second
each instead of the demo's five): what they test — the options, the files, the marking, the
one-set disclosure plan and its audit — is the same code for any project. The demo's own
public area reports and lägesbild are written by ``tryggaplatser demo`` and checked in
tests/cli/test_demo.py and tests/publish/test_release_plan.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli
from tryggaplatser.datasets import demo_config_path
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import INTERNAL_MARKING, MANIFEST

from .bare_project import write_project

pytestmark = pytest.mark.usefixtures("no_pdf")  # the reports' content, not their PDFs


@pytest.fixture(scope="module")
def config() -> str:
    return str(demo_config_path())


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_area_public_writes_report_tables_and_disclosure(tiny_config, tmp_path):
    """One area's public set through the CLI: its report, the indicator tables and the
    disclosure report, a period in whole months, a clean audit. On the tiny project: the
    command's wiring, the set's files and the one-area disclosure plan are the same for any
    project; every public area report of the demo is written by ``tryggaplatser demo``,
    audited in tests/cli/test_demo.py and attacked in tests/publish/test_release_plan.py."""
    res = _run(
        "area",
        "A1",
        "--config",
        tiny_config,
        "--mode",
        "public",
        "--no-map",
        "--year",
        "2025",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "publik"
    names = {p.name for p in out.iterdir()}
    assert "omrade_norrby.html" in names
    assert {
        "indikatorer.xlsx",
        "indikatorer_omraden_kategorier.csv",
        "indikatorer_omraden_indikatorer.csv",
        "indikatorer_kommunen_kategorier.csv",
        "offentliggorande.html",
        MANIFEST,
    } <= names
    assert "omrade_norrby.html" in res.output
    page = (out / "omrade_norrby.html").read_text(encoding="utf-8")
    assert "2025-01 – 2025-12" in page  # a public period in months
    assert scan_dir(out, "public") == []


def test_area_by_name_internal_english(tiny_config, tmp_path):
    """An area named with a letter outside ASCII, in English, for a period given by its days.
    On the tiny project: the name's resolution, the slug and the marking are the same for any
    project."""
    res = _run(
        "area",
        "Österby",
        "--config",
        tiny_config,
        "--mode",
        "internal",
        "--lang",
        "en",
        "--no-map",
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    page = (tmp_path / "internt" / "omrade_osterby.html").read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page and "Area analysis: Österby" in page


def test_lagesbild_writes_law_structured_report(tiny_config, tmp_path):
    """The public lägesbild through the CLI: the report with the law's sections and the year
    before, its workbook, a clean audit. On the tiny project (data 2024–2025, so 2025 has a
    year before): the demo's public lägesbild is written by ``tryggaplatser demo``, audited in
    tests/cli/test_demo.py and attacked in tests/publish/test_release_plan.py."""
    res = _run(
        "lagesbild",
        "--year",
        "2025",
        "--config",
        tiny_config,
        "--mode",
        "public",
        "--no-map",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    page = tmp_path / "publik" / "lagesbild_2025.html"
    assert page.exists()
    assert (tmp_path / "publik" / "lagesbild_2025_indikatorer.xlsx").exists()
    text = page.read_text(encoding="utf-8")
    assert "Analys inklusive orsaker" in text and "Samma period året före" in text
    assert scan_dir(tmp_path / "publik", "public") == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ((), "--all"),
        (("EX01", "--all"), "--all"),
        (("EX01", "--year", "2025", "--from", "2025-01-01", "--to", "2025-02-01"), "--year"),
        (("EX01", "--from", "2025-01-01"), "--to"),
    ],
)
def test_area_argument_errors_are_one_line(config, tmp_path, args, needle):
    res = _run("area", *args, "--config", config, "--out", str(tmp_path))
    assert res.exit_code == 2
    assert needle in res.output and "Traceback" not in res.output


def test_unknown_area_and_missing_config(tmp_path):
    """On the tiny project of bare_project.py: the error is the same for any project."""
    config = str(write_project(tmp_path))
    res = _run("area", "Finnsinte", "--config", config, "--no-map", "--out", str(tmp_path))
    assert res.exit_code == 2 and "Finnsinte" in res.output
    res = _run("area", "--all", "--config", str(Path(tmp_path) / "saknas.toml"))
    assert res.exit_code == 2 and "saknas.toml" in res.output


def test_unknown_area_is_said_before_the_analysis_is_computed(tmp_path, monkeypatch):
    """A mistyped area name is refused at once (it used to compute every area's analysis,
    about 9 s of CPU on the demo, before saying so); a name in another case still resolves."""
    import pytest

    from tryggaplatser.analysis.run import Run
    from tryggaplatser.errors import ArgumentError
    from tryggaplatser.publish.products import write_area_reports

    config = write_project(tmp_path)

    def computed(*args, **kwargs):
        raise AssertionError("the analysis was computed")

    monkeypatch.setattr(Run, "area_analysis", computed)
    with pytest.raises(ArgumentError) as refused:
        write_area_reports(config, tmp_path, "internal", area_ids=["Finnsinte"])
    assert refused.value.rule == "AREA_UNKNOWN" and "Finnsinte" in str(refused.value)
    from tryggaplatser.publish.maps._layers import resolve_area
    from tryggaplatser.publish.products._common import open_project

    areas = open_project(config).areas
    some_id, some_name = str(areas["area_id"].iloc[0]), str(areas["name"].iloc[0])
    assert resolve_area(areas, some_name.upper()) == (some_id, some_name)
    assert resolve_area(areas, some_id) == (some_id, some_name)


def test_library_entry_points_share_one_gate(tmp_path, tiny_project):
    """What ``tryggaplatser demo`` does: area reports and lägesbild of one public run in one
    public set (the CLI tests above cover the writers making their own run). A lägesbild of
    another year is outside the set's one disclosure plan: refused with its rule, before it
    writes anything (its tables would be suppressed table by table).

    On the tiny project (data 2024–2025): the shared run, gate and plan are the same code for
    any project; the demo's own set is audited in tests/cli/test_demo.py."""
    import pytest

    from tryggaplatser.analysis.run import Run
    from tryggaplatser.errors import GateRefusal
    from tryggaplatser.publish.gate import Gate
    from tryggaplatser.publish.products import write_area_reports, write_lagesbild

    project = tiny_project
    run = Run(project, "public", quiet=True)
    gate = Gate("public", config=project.config, quiet=True)
    paths = write_area_reports(
        project, tmp_path, area_ids=["A3"], with_map=False, gate=gate, run=run
    )
    with pytest.raises(GateRefusal) as refused:
        write_lagesbild(project, tmp_path, year=2024, with_map=False, gate=gate, run=run)
    assert refused.value.rule == "PLAN_SCOPE_MISMATCH"
    assert "lägesbild 2024-01–2024-12" in str(refused.value)
    out = tmp_path / "publik"
    assert not (out / "lagesbild_2024.html").exists()
    paths += write_lagesbild(project, tmp_path, with_map=False, gate=gate, run=run)
    assert not any(p.name.startswith("offentliggorande") for p in paths)
    paths += gate.finish(out)
    names = {p.name for p in paths}
    assert {"omrade_osterby.html", "lagesbild_2025.html", "offentliggorande.html"} <= names
    assert "omrade_osterby.html" in (out / "offentliggorande.html").read_text(encoding="utf-8")
    assert scan_dir(out, "public") == []
