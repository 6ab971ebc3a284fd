"""The audit reads every place of a workbook where text can hide, not only its cells.

Each case builds a small public workbook with openpyxl whose cells are clean and hides a
(fictional, valid-checksum) personal number in one other place: a comment, any part of any
header or footer, the sheet name, a defined name, a data validation, a hyperlink, a core, app
or custom document property. The audit must report it (``PERSONAL_DATA``) with a place naming
where it is, and never print the number. The product writer's own workbooks (marking and page
numbers in their headers and footers, a status drop-down) still pass in both modes.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from tryggaplatser.i18n import language
from tryggaplatser.publish.audit import scan_file
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.tables import write_xlsx

PNR = "19121212-1212"  # Skatteverket's fictional test number: the check digit fits


def _clean_workbook():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Områden"
    for row in (["area_id", "name", "n"], ["A", "Norr", 48], ["B", "Söder", 19]):
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    wb.properties.creator = "tryggaplatser"
    wb.properties.lastModifiedBy = "tryggaplatser"
    return wb


def _comment(wb):
    from openpyxl.comments import Comment

    wb.active["B3"].comment = Comment(f"Ring {PNR}", "tryggaplatser")


def _header_footer(item: str, part: str):
    def hide(wb):
        getattr(getattr(wb.active, item), part).text = f"Kontakt {PNR}"

    return hide


def _split_by_codes(wb):
    # formatting codes inside the number: Excel prints "19121212-1212" in bold halves
    wb.active.oddFooter.center.text = "Kontakt 1912&B1212&B-1212"


def _sheet_title(wb):
    wb.active.title = f"Pnr {PNR}"


def _defined_name(wb):
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["kontakt"] = DefinedName("kontakt", attr_text=f'"{PNR}"')


def _sheet_defined_name(wb):
    from openpyxl.workbook.defined_name import DefinedName

    wb.active.defined_names["kontakt"] = DefinedName("kontakt", attr_text=f'"{PNR}"')


def _validation(attr: str):
    def hide(wb):
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1='"Ja,Nej"', showInputMessage=True)
        if attr == "formula1":
            dv.formula1 = f'"Ja,{PNR},Nej"'  # a list item after a comma
        else:
            setattr(dv, attr, f"Fråga {PNR}")
        dv.add("C2:C10")
        wb.active.add_data_validation(dv)

    return hide


def _hyperlink(attr: str):
    def hide(wb):
        cell = wb.active["B2"]
        cell.hyperlink = "https://example.se/omraden"
        setattr(cell.hyperlink, attr, f"https://example.se/?pnr={PNR}")

    return hide


def _core_property(name: str):
    def hide(wb):
        setattr(wb.properties, name, f"Handläggare {PNR}")

    return hide


def _custom_property(wb):
    from openpyxl.packaging.custom import StringProperty

    wb.custom_doc_props.append(StringProperty(name="Handläggare", value=PNR))


APP_PROPERTIES = object()  # written into docProps/app.xml after saving (openpyxl writes its own)

HF_PLACES = [
    (item, part, f"{what} ({pages}, {side})")
    for item, what, pages in (
        ("oddHeader", "sidhuvud", "udda sidor"),
        ("oddFooter", "sidfot", "udda sidor"),
        ("evenHeader", "sidhuvud", "jämna sidor"),
        ("evenFooter", "sidfot", "jämna sidor"),
        ("firstHeader", "sidhuvud", "första sidan"),
        ("firstFooter", "sidfot", "första sidan"),
    )
    for part, side in (("left", "vänster"), ("center", "mitten"), ("right", "höger"))
]
CORE = [
    "title",
    "subject",
    "description",
    "keywords",
    "category",
    "identifier",
    "language",
    "contentStatus",
    "version",
    "revision",
]
CASES = [
    ("comment", _comment, "blad Områden, kommentar i B3"),
    *[
        (f"{item}-{part}", _header_footer(item, part), f"blad Områden, {where}")
        for item, part, where in HF_PLACES
    ],
    ("footer-split-by-codes", _split_by_codes, "blad Områden, sidfot (udda sidor, mitten)"),
    ("sheet-title", _sheet_title, "bladnamn (blad nr 1)"),
    ("defined-name", _defined_name, "definierat namn kontakt, värde"),
    ("sheet-defined-name", _sheet_defined_name, "blad Områden, definierat namn kontakt, värde"),
    ("validation-prompt", _validation("prompt"), "dataverifiering i C2:C10, indatameddelande"),
    (
        "validation-prompt-title",
        _validation("promptTitle"),
        "dataverifiering i C2:C10, rubrik för indatameddelande",
    ),
    ("validation-error", _validation("error"), "dataverifiering i C2:C10, felmeddelande"),
    ("validation-error-title", _validation("errorTitle"), "dataverifiering i C2:C10, felrubrik"),
    ("validation-list", _validation("formula1"), "dataverifiering i C2:C10, formel"),
    ("hyperlink-target", _hyperlink("target"), "blad Områden, länk i B2, mål"),
    ("hyperlink-tooltip", _hyperlink("tooltip"), "blad Områden, länk i B2, skärmtips"),
    *[(f"core-{name}", _core_property(name), f"dokumentegenskap {name}") for name in CORE],
    ("app-properties", APP_PROPERTIES, "dokumentegenskap Company"),
    ("custom-property", _custom_property, "anpassad dokumentegenskap Handläggare"),
]


def _with_app_properties(path) -> None:
    """Rewrite docProps/app.xml with a company and a manager (openpyxl neither reads nor keeps
    them, but Excel shows them under File → Info)."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["docProps/app.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel</Application>'
        f"<Company>Handläggare {PNR}</Company><Manager>Exempelstads kommun</Manager>"
        "</Properties>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _build(tmp_path, hide):
    wb = _clean_workbook()
    if hide is not APP_PROPERTIES:
        hide(wb)
    path = tmp_path / "omraden.xlsx"
    wb.save(path)
    if hide is APP_PROPERTIES:
        _with_app_properties(path)
    return path


def test_the_clean_workbook_has_no_finding(tmp_path):
    """The cases' workbook before anything is hidden in it: each finding below is the place's."""
    assert scan_file(_build(tmp_path, lambda wb: None), "public", manifest=False) == []


@pytest.mark.parametrize("hide,where", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_personal_number_outside_the_cells_is_found(tmp_path, hide, where):
    path = _build(tmp_path, hide)
    with language("sv"):
        findings = scan_file(path, "public", manifest=False)
    personal = [f for f in findings if f.rule == "PERSONAL_DATA"]
    assert personal, (where, findings)
    assert any(where in f.place for f in personal), [f.place for f in personal]
    for f in findings:
        assert PNR not in f.excerpt + f.place + f.message
        assert "19121212" not in f.place


def test_places_are_english_via_tr(tmp_path):
    path = _build(tmp_path, _header_footer("evenFooter", "right"))
    with language("en"):
        places = {f.place for f in scan_file(path, "public", manifest=False)}
    assert "sheet Områden, footer (even pages, right)" in places


def test_comment_author_naming_a_person_is_an_author_field(tmp_path):
    from openpyxl.comments import Comment

    path = _build(tmp_path, lambda wb: setattr(wb.active["B2"], "comment", Comment("ok", "Anna")))
    with language("sv"):
        findings = scan_file(path, "internal", manifest=False)
    assert [f.place for f in findings if f.rule == "METADATA_PRIVATE"] == [
        "blad Områden, kommentar i B2"
    ]


def _plan_layout(wb):
    from tryggaplatser.publish.reports.plan_report import _layout_plan_sheet

    _layout_plan_sheet(wb, ["area_id", "status"])


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_the_writers_workbooks_pass(tmp_path, mode):
    """Marking, title with the period and page numbers in headers and footers, the status
    drop-down of a plan: none of them is a finding (internally the marking is seen)."""
    gate = Gate(mode, quiet=True)
    table = pd.DataFrame({"area_id": ["A", "B"], "status": ["proposed", "decided"], "n": [48, 19]})
    path = write_xlsx(
        {"Åtgärder": table},
        tmp_path / "plan.xlsx",
        gate=gate,
        kind="area_table",
        layout=_plan_layout,
        about={"title": "Handlingsplan 2026 – Norr, 2025-01 – 2025-12"},
    )
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    assert ws.oddFooter.right.text and ws.oddHeader.left.text  # the layout wrote them
    assert ws.data_validations.dataValidation  # and the drop-down
    assert scan_file(path, mode, manifest=False) == []


def test_a_sheet_name_with_a_finding_is_not_repeated_in_its_places(tmp_path):
    from openpyxl.comments import Comment

    def hide(wb):
        _sheet_title(wb)
        wb.active["B3"].comment = Comment(f"Ring {PNR}", "tryggaplatser")
        wb.active["B2"].value = f"Norr {PNR}"

    with language("sv"):
        findings = scan_file(_build(tmp_path, hide), "public", manifest=False)
    places = {f.place for f in findings if f.rule == "PERSONAL_DATA"}
    assert places == {
        "bladnamn (blad nr 1)",
        "blad nr 1, kommentar i B3",
        "blad nr 1: rad 2, kolumn name",
    }
