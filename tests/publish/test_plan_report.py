"""Plan outputs (HTML, XLSX, CSV) and the evaluation report (publish/reports/plan_report.py)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from tryggaplatser.analysis.evaluation import evaluate_measure
from tryggaplatser.analysis.plans import PLAN_COLUMNS, action_plan, followup_by_responsible
from tryggaplatser.errors import GateRefusal
from tryggaplatser.layers.load import load_layer
from tryggaplatser.publish.gate import INTERNAL_MARKING, Gate
from tryggaplatser.publish.reports.plan_report import (
    PLAN_HEADERS,
    change_map_figure,
    evaluation_report,
    plan_report,
    write_evaluation,
    write_plan,
)

PLAN_DATE = date(2026, 11, 27)


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


def _plan(project, area_id):
    return action_plan(
        area_id,
        2026,
        areas=project.areas,
        incidents=project.incidents,
        walk_observations=project.walk_observations,
        walks=project.walks,
        dialogue=project.dialogue,
        today=PLAN_DATE,
        quiet=True,
    )


@pytest.fixture(scope="module")
def written(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    files = {}
    for area_id in ("EX19", "EX01"):
        plan = _plan(project, area_id)
        fu = followup_by_responsible(
            project.walk_observations,
            project.measures,
            areas=project.areas,
            area_id=area_id,
            today=PLAN_DATE,
        )
        files[area_id] = (
            plan,
            write_plan(
                plan, out, Gate("internal", quiet=True), municipality="Exempelstad", followup=fu
            ),
        )
    return files


def test_plan_files_have_plan_in_their_names(written):
    for _plan, files in written.values():
        assert set(files) == {"html", "xlsx", "csv"}
        assert all("plan" in p.name for p in files.values())


def test_xlsx_headers_widths_frozen_row_and_no_formulas(written):
    for plan, files in written.values():
        wb = load_workbook(files["xlsx"])
        ws = wb.worksheets[0]
        assert INTERNAL_MARKING.split(" ")[0] in ws.title
        assert ws.oddHeader.center.text == INTERNAL_MARKING
        headers = [c.value for c in ws[1]]
        assert headers[: len(PLAN_COLUMNS)] == [PLAN_HEADERS[c] for c in PLAN_COLUMNS]
        assert {"Titel", "Ansvarig", "Status", "Uppföljning", "Underlag"} <= set(headers)
        assert ws.freeze_panes == "A2"
        widths = {
            ws.cell(1, i + 1).value: ws.column_dimensions[ws.cell(1, i + 1).column_letter].width
            for i in range(len(headers))
        }
        assert widths["Underlag"] >= 40 and widths["Titel"] >= 30 and widths["Rang"] <= 8
        assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$1"  # A4
        assert ws.max_row == len(plan) + 1
        assert any("Föreslagen" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_xlsx_dates_are_dates_shares_are_per_cent_and_wrapped_rows_are_tall(written):
    """Issue 15: follow-up dates were text, Åtgärdsgrad showed 0.714285714285714 and wrapped
    text ran into the next row."""
    for plan, files in written.values():
        wb = load_workbook(files["xlsx"])
        ws = wb.worksheets[0]
        head = [c.value for c in ws[1]]
        for name, code in (("Uppföljning", "follow_up_on"), ("Startdatum", "start")):
            col = head.index(name) + 1
            for r, expected in enumerate(plan[code], start=2):
                cell = ws.cell(r, col)
                if pd.isna(expected):
                    assert cell.value is None
                    continue
                assert cell.is_date and cell.number_format == "yyyy-mm-dd", (name, cell.value)
                assert cell.value.date() == pd.Timestamp(expected).date()
        evidence = head.index("Underlag") + 1
        width = ws.column_dimensions[ws.cell(1, evidence).column_letter].width
        for r in range(2, ws.max_row + 1):
            text = ws.cell(r, evidence).value or ""
            if len(text) > width:  # a wrapped cell: its row holds every line
                assert ws.cell(r, evidence).alignment.wrap_text
                lines = -(-len(text) // int(width))
                assert ws.row_dimensions[r].height >= 15 * lines * 0.9, (r, text)
        assert isinstance(ws.cell(2, head.index("Rang") + 1).value, int)
        follow = [s for s in wb.sheetnames if s.endswith("Uppföljning")]
        if follow:
            fu = wb[follow[0]]
            col = [c.value for c in fu[1]].index("Åtgärdsgrad") + 1
            shares = [fu.cell(r, col) for r in range(2, fu.max_row + 1)]
            assert all(c.number_format == "0%" for c in shares if c.value is not None)
        assert any(s.endswith("Förklaringar") for s in wb.sheetnames)
        codes = wb[next(s for s in wb.sheetnames if s.endswith("Kolumnkoder"))]
        pairs = {(r[1], r[2]) for r in codes.iter_rows(min_row=2, values_only=True)}
        assert ("Uppföljning", "follow_up_on") in pairs and ("Id", "measure_id") in pairs


def test_edited_xlsx_reads_back_as_the_measures_layer(written, tmp_path):
    plan, files = written["EX19"]
    wb = load_workbook(files["xlsx"])
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    status = headers.index("Status") + 1
    responsible = headers.index("Ansvarig") + 1
    ws.cell(2, status).value = "Genomförd"
    ws.cell(2, responsible).value = "Exempelstad kommun, parkenheten"
    edited = tmp_path / "redigerad.xlsx"
    wb.save(edited)
    res = load_layer(edited, "measures", quarantine_dir=False, quiet=True)
    data = res.data
    assert res.report.accepted == len(plan) and res.report.quarantined == 0
    assert data["measure_id"].tolist() == plan["measure_id"].tolist()
    assert data["status"].iloc[0] == "genomford"
    assert (data["status"].iloc[1:] == "foreslagen").all()
    assert data["responsible"].iloc[0] == "Exempelstad kommun, parkenheten"
    assert data["type"].tolist() == plan["type"].tolist()
    assert data["decided_by"].tolist() == plan["decided_by"].tolist()
    assert (pd.to_datetime(data["follow_up_on"]) == pd.Timestamp("2027-05-27")).all()


def test_html_plan_is_a_marked_report_with_the_priority_rule(written):
    plan, files = written["EX01"]
    page = files["html"].read_text(encoding="utf-8")
    assert INTERNAL_MARKING in page and "Områdesspecifik handlingsplan" in page
    assert "Prioritetsregel" in page and "styrka (1–3)" in page
    assert plan["title"].iloc[0] in page or plan["title"].iloc[0][:30] in page
    assert "Åtgärdsgrad" in page


def test_csv_is_marked_and_swedish(written):
    _, files = written["EX19"]
    text = files["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("Rang;Prioritet (poäng)") and text[0].endswith(";markning")
    assert all(line.endswith(INTERNAL_MARKING) for line in text[1:])


def _with_payloads(project, cells):
    full = _plan(project, "EX03")
    plan = full.head(2).copy()
    plan.attrs = full.attrs
    for (row, col), value in cells.items():
        plan.loc[row, col] = value
    return plan


def test_markup_payloads_stay_text_in_html(project):
    plan = _with_payloads(
        project,
        {
            (0, "title"): "<script>alert(1)</script>",
            (1, "responsible"): "AB <img src=x onerror=alert(2)>",
            (1, "evidence"): "{{ 7*7 }} ${x}",
        },
    )
    page = plan_report(plan, Gate("internal", quiet=True), municipality="<b>X</b>").render()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "<b>X</b>" not in page
    assert "{{ 7*7 }}" not in page and "&#123;&#123; 7*7 &#125;&#125;" in page


def test_markup_payloads_are_released_as_text_in_internal_files(project, tmp_path):
    """An internal plan whose text holds markup is written: escaped in the HTML, the same
    plain text in the XLSX and CSV (where no program runs it), and passes the audit."""
    from tryggaplatser.publish.audit import scan_dir

    payload = "<script>alert(1)</script>"
    plan = _with_payloads(project, {(0, "responsible"): payload})
    files = write_plan(plan, tmp_path, Gate("internal", quiet=True), municipality="X")
    page = files["html"].read_text(encoding="utf-8")
    assert payload not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    ws = load_workbook(files["xlsx"]).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert ws.cell(2, headers.index("Ansvarig") + 1).value == payload
    assert payload in files["csv"].read_text(encoding="utf-8-sig")
    assert scan_dir(tmp_path, mode="internal") == []


def test_formula_payloads_stay_text_in_xlsx_and_csv(project, tmp_path):
    plan = _with_payloads(
        project,
        {
            (0, "title"): '=HYPERLINK("http://evil.example","x")',
            (0, "responsible"): "-2+3",
            (1, "problem"): "@SUM(A1:A2)",
        },
    )
    files = write_plan(plan, tmp_path, Gate("internal", quiet=True), municipality="X")
    ws = load_workbook(files["xlsx"]).worksheets[0]
    headers = [c.value for c in ws[1]]
    expected = {
        (2, "Titel"): '\'=HYPERLINK("http://evil.example","x")',
        (2, "Ansvarig"): "'-2+3",
        (3, "Problem"): "'@SUM(A1:A2)",
    }
    for (row, col), value in expected.items():
        cell = ws.cell(row, headers.index(col) + 1)
        assert cell.data_type == "s" and cell.value == value, (row, col, cell.value)
    csv = files["csv"].read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv and "'@SUM" in csv and "'-2+3" in csv


def test_public_plan_is_refused(written, tmp_path):
    plan, _ = written["EX19"]
    with pytest.raises(GateRefusal, match="internt arbetsunderlag"):
        write_plan(plan, tmp_path, Gate("public", quiet=True), municipality="X")
    assert not list(tmp_path.glob("*.xlsx"))


# --------------------------------------------------------------------------- evaluation


@pytest.fixture(scope="module")
def evaluation(project):
    m = project.measures.set_index("measure_id").loc["ATG-2025-001"]
    return evaluate_measure(
        project.incidents,
        m.geometry.buffer(200),
        installed_on=m["start"],
        areas=project.areas,
        categories=m["linked_categories"].split(";"),
        quiet=True,
    )


def _fmt(v, d):
    return f"{v:.{d}f}".replace(".", ",")


def test_evaluation_report_numbers_equal_evaluate_measure(evaluation, tmp_path):
    files = write_evaluation(
        evaluation,
        tmp_path,
        Gate("internal", quiet=True),
        municipality="Exempelstad",
        title="Ny belysning",
        measure_id="ATG-2025-001",
    )
    page = files["html"].read_text(encoding="utf-8")
    ev = evaluation
    assert _fmt(ev.wdd.se, 1) in page
    assert _fmt(ev.wdq.value, 2) in page
    assert f"{ev.wdd.value:.0f}" in page.replace("\u2212", "-")
    for zone in ev.table.itertuples():
        assert f">{zone.before}<" in page and f">{zone.after}<" in page
    for text in ev.assumptions:
        assert text.split(" (")[0][:40] in page
    assert "Kontrollområde" in page and "automatiskt" in page
    rows = files["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "Zon;Före;Efter;Förändring;Förändring %;markning"
    assert rows[1].endswith(INTERNAL_MARKING)


def test_public_evaluation_suppresses_small_counts_and_withholds_statistics(evaluation, tmp_path):
    small = evaluation.table.copy()
    small.loc[small["zone"] == "buffer", ["before", "after"]] = [3, 2]
    from dataclasses import replace

    ev = replace(evaluation, table=small)
    report = evaluation_report(
        ev, Gate("public", quiet=True), municipality="X", title="Ljus", measure_id="M1"
    )
    page = report.render()
    assert "&lt;5" in page or "<5" in page
    assert "WDQ och WDD visas inte" in page
    assert "INTERNT" not in page


def test_change_map_figure(evaluation, project):
    from tryggaplatser.analysis.hotspots import hotspot_change

    inc = project.incidents
    inc = inc[inc["category"].isin(evaluation.categories).to_numpy()]
    cells = hotspot_change(
        inc,
        cell_size=250,
        boundary=pd.Timestamp(evaluation.periods.after_start).tz_localize("Europe/Stockholm"),
        quiet=True,
    )
    for mode in ("internal", "public"):
        fig = change_map_figure(cells, evaluation.zones, mode=mode, title="T")
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert "Målområde" in labels and "Buffertzon" in labels
        assert math.isfinite(fig.get_figwidth())


def test_catalogue_sheet_made_once_gives_the_same_files(written, tmp_path):
    """A set's plans share one catalogue sheet (:func:`catalogue_sheet`, made once by
    ``write_action_plans``): the files equal those of a plan that makes its own."""
    import zipfile

    from tryggaplatser.publish.reports.plan_report import catalogue_sheet

    gate = Gate("internal", quiet=True)
    sheet = catalogue_sheet(None, gate)
    for area_id, (plan, own) in written.items():
        out = tmp_path / area_id
        shared = write_plan(
            plan, out, gate, municipality="Exempelstad", followup=None, catalogue_sheet=sheet
        )
        alone = write_plan(plan, tmp_path / f"{area_id}-alone", gate, municipality="Exempelstad")
        for kind in ("html", "csv"):
            assert shared[kind].read_bytes() == alone[kind].read_bytes(), (area_id, kind)
        with zipfile.ZipFile(shared["xlsx"]) as a, zipfile.ZipFile(alone["xlsx"]) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                if name != "docProps/core.xml":  # its creation time
                    assert a.read(name) == b.read(name), (area_id, name)
        book = load_workbook(shared["xlsx"])
        assert any("Åtgärdskatalog" in ws.title for ws in book.worksheets)
        assert own["xlsx"].exists()


def test_report_tables_from_shown_columns_equal_those_from_the_whole_plan(
    written, project, monkeypatch
):
    """The plan report's tables are formatted from the columns they show: the page equals the
    one formatted from the whole released plan (dates, missing values and all)."""
    from tryggaplatser.publish.reports import plan_report as pr

    gate = Gate("internal", quiet=True)
    gappy = _with_payloads(
        project, {(0, "responsible"): None, (1, "follow_up_on"): None, (1, "place"): None}
    )
    plans = [plan for plan, _ in written.values()] + [gappy, gappy.head(0)]
    shown = [plan_report(p, gate, municipality="X").render() for p in plans]
    monkeypatch.setattr(pr, "_shown", lambda released, columns: released)
    whole = [plan_report(p, gate, municipality="X").render() for p in plans]
    for a, b in zip(shown, whole, strict=True):
        assert a == b
