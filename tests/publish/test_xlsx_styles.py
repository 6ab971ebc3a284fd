"""The XLSX layout registers its shared styles once per workbook and gives cells their
indices (publish/xlsx_layout.py); the workbook is the one the plain openpyxl way makes — a
new Font, PatternFill and Alignment assigned to every cell — part for part."""

from __future__ import annotations

import zipfile

import pandas as pd

from tryggaplatser.publish import xlsx_layout
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.report import internal_table
from tryggaplatser.publish.tables import write_xlsx


def _plain_style_header(cell) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor=xlsx_layout._HEADER_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _plain_wrap_rows(ws, widths, first_row=1) -> None:
    from openpyxl.styles import Alignment

    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.column > len(widths):
                continue
            n = xlsx_layout._line_count(cell.value, widths[cell.column - 1], bool(cell.font.b))
            if n > 1 or "\n" in cell.value:
                old = cell.alignment
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal=old.horizontal
                )
                lines = max(lines, n)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = xlsx_layout._LINE_PT * lines


def _sheets():
    long = "ett långt fynd längs gångvägen " * 4
    return {
        "Åtgärder": pd.DataFrame(
            {
                "area_id": ["A", "B", "C"],
                "evidence": [long, "kort", "två\nrader"],
                "n": [12, "<5", long],  # text in a numeric column is right-aligned
                "share": [0.25, 0.5, None],
            }
        ),
        "Regler": pd.DataFrame({"rule": [long, "kort"], "value": ["x\ny", long]}),
    }


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # the document times differ by the second of writing
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_shared_styles_give_the_workbook_of_per_cell_styles(tmp_path, monkeypatch):
    gate = Gate("internal", quiet=True)
    sheets = {k: internal_table(gate, v, name=k) for k, v in _sheets().items()}
    fast = write_xlsx(sheets, tmp_path / "fast.xlsx", gate=gate, about={"title": "T"})
    monkeypatch.setattr(xlsx_layout, "_style_header", _plain_style_header)
    monkeypatch.setattr(xlsx_layout, "_wrap_rows", _plain_wrap_rows)
    plain = write_xlsx(sheets, tmp_path / "plain.xlsx", gate=gate, about={"title": "T"})
    fast_parts, plain_parts = _parts(fast), _parts(plain)
    assert fast_parts.keys() == plain_parts.keys()
    for name in plain_parts:
        assert fast_parts[name] == plain_parts[name], name
    styles = plain_parts["xl/styles.xml"].decode()
    assert 'wrapText="1"' in styles and 'horizontal="right"' in styles  # both kinds occur
