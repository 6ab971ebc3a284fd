"""Issue 13: fields a municipality never recorded read "uppgift saknas", never 0.

A tiny project (four 1 km areas, 1 200 incidents over 2024–2025, one measure) without any of the
optional columns and layers: no population, no severity, no reported_to_police, no
time_precision/occurred_end, no description, no survey indicators, no police classification, no
walks, no dialogue. Every product runs on it through the CLI in both modes, without a traceback,
and the rendered text says "uppgift saknas" where it used to say 0, "–", ".." or "not on the
police list".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tryggaplatser.cli import cli

from .bare_project import write_project

MISSING = "uppgift saknas"


def _visible_text(path: Path) -> str:
    """A page's visible text (scripts and tags removed, white space collapsed)."""
    import html

    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r"<[^>]+>", " ", raw)
    return re.sub(r"\s+", " ", html.unescape(raw)).replace("\u202f", " ")


@pytest.fixture(scope="module")
def bare(tmp_path_factory, monkeypatch_module):
    """The project and the outputs of every product in both modes, with what each printed.

    The commands run without PDFs; then every report of both folders is printed in one
    Chromium session (what each command's commit does, one browser instead of one per
    command): each report gets its sealed PDF and both folders still pass the audit.
    """
    from tryggaplatser.publish.audit import scan_dir
    from tryggaplatser.publish.pdf import print_reports, reports_to_print

    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch_module.setenv("TRYGGAPLATSER_PDF", "0")
    root = tmp_path_factory.mktemp("bare")
    config = str(write_project(root))
    out = root / "ut"
    runner = CliRunner()
    printed: dict[str, str] = {}
    commands = {
        "validate": ["validate", "--config", config],
        "hotspots": ["hotspots", "--config", config, "--classify"],
        "map_all": ["map", "--config", config, "--all"],
        "map_hotspots": ["map", "--config", config, "--hotspots"],
        "area": ["area", "--config", config, "--all", "--no-map"],
        "lagesbild": ["lagesbild", "--config", config, "--no-map", "--year", "2025"],
        "est": ["est", "--config", config],
        "plan": ["plan", "--config", config, "--all", "--date", "2025-12-31"],
        "evaluate": ["evaluate", "--config", config, "--measure", "ATG-1", "--control", "A4"],
    }
    for mode in ("internal", "public"):
        for name, args in commands.items():
            if name == "plan" and mode == "public":
                continue  # a draft plan has no public form (INTERNAL_ONLY)
            extra = [] if name == "validate" else ["--mode", mode, "--out", str(out / mode)]
            res = runner.invoke(cli, [*args, *extra])
            assert res.exception is None or isinstance(res.exception, SystemExit), (
                name,
                mode,
                res.output,
            )
            assert res.exit_code == 0, (name, mode, res.output)
            assert "Traceback" not in res.output, (name, mode, res.output)
            printed[f"{mode}:{name}"] = res.output
    monkeypatch_module.setenv("TRYGGAPLATSER_PDF", "1")
    folders = {"internal": out / "internal" / "internt", "public": out / "public" / "publik"}
    reports = {mode: reports_to_print(folder) for mode, folder in folders.items()}
    assert all(reports.values()), reports
    pdfs = print_reports(folders.values())
    assert sorted(pdfs) == sorted(pdf for todo in reports.values() for _, pdf, _, _ in todo)
    for mode, folder in folders.items():
        assert reports_to_print(folder) == [], mode  # every report has its sealed PDF
        assert scan_dir(folder, mode) == [], mode
    return {"out": out, "printed": printed}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _page(bare, mode: str, name: str) -> str:
    folder = bare["out"] / mode / ("internt" if mode == "internal" else "publik")
    return _visible_text(folder / name)


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_lagesbild_without_population_drops_rates_with_a_note_never_total_0(bare, mode):
    text = _page(bare, mode, "lagesbild_2025.html")
    assert f"Befolkning per område: {MISSING}" in text
    assert "Totalt 0 " not in text  # the summed population of no recorded populations
    per_area = text.split("Händelser per område (alla kategorier)")[1][:400]
    assert "Per 1 000 inv." not in per_area and " .. " not in per_area
    assert "Uppgift saknas i källorna: allvarlighetsgrad, polisanmälan" in text
    assert "Polisanmäld: Ja 0" not in text and "Allvarlighetsgrad 1 0" not in text
    assert f"Trygghetsvandringar: {MISSING}" in text
    assert f"Enkätindikatorer: {MISSING}" in text
    assert f"Polisens klassning: {MISSING}" in text
    assert f"Befolkningsår {MISSING}" in text
    assert "över 0 områden" not in text


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_area_report_says_population_and_layers_not_recorded(bare, mode):
    text = _page(bare, mode, "omrade_norrby.html")
    assert f"Takt per invånare redovisas inte (befolkning: {MISSING})" in text
    assert "befolkning under 50" not in text
    assert f"Befolkning per område: {MISSING}" in text
    assert f"Polisens klassning: {MISSING}" in text
    assert "finns inte i polisens lista" not in text  # unknown, not "not on the list"
    assert f"Enkätindikatorer: {MISSING}" in text
    assert "Inga enkätindikatorer" not in text
    assert f"Trygghetsvandringar: {MISSING}" in text
    assert "Inga observationer från trygghetsvandringar" not in text


def test_plan_counts_sources_never_recorded_as_not_recorded(bare):
    text = _page(bare, "internal", "handlingsplan_2025_A1.html")
    facts = text.split("Förslag i prioritetsordning")[0]  # key figures: value, then label
    assert f"{MISSING} Händelser" in facts
    assert f"{MISSING} Trygghetsvandring" in facts
    assert f"{MISSING} Medborgardialog" in facts
    assert "0 Trygghetsvandring" not in facts and "0 Medborgardialog" not in facts
    assert f"Befolkning för området: {MISSING}" in facts


def test_area_map_popup_population_reads_not_recorded(bare):
    """Areas without population crashed every map (int(pd.NA)); the popup now says so."""
    html = (bare["out"] / "internal" / "internt" / "karta_omrade_norrby.html").read_text(
        encoding="utf-8"
    )
    assert MISSING in html


def test_messages_and_outputs_print_local_dates(bare):
    """Data start 2024-01-01 00:30 local (2023-12-31 23:30 UTC): nothing prints the UTC date
    or a UTC time with an offset."""
    printed = "\n".join(bare["printed"].values())
    assert "2023-12-31" not in printed and "+00:00" not in printed
    assert "2024-01-01" in printed
    for path in bare["out"].rglob("*"):
        if path.suffix in (".html", ".csv", ".json") and not path.name.startswith("karta_"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "+00:00" not in text, path.name
            assert "2023-12-31" not in text, path.name
