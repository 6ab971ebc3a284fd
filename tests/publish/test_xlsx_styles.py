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


def _plain_lay_out_data_sheet(ws, cols) -> None:
    """The data sheet's layout column by column, one ``iter_rows`` per column and a new
    Alignment assigned to every cell (the first form of ``_lay_out_data_sheet``)."""
    from openpyxl.styles import Alignment

    for i, col in enumerate(cols, start=1):
        xlsx_layout._style_header(ws.cell(1, i))
        fmt = xlsx_layout.NUMBER_FORMATS.get(col.fmt, "General")
        numeric = col.fmt not in ("text", "date", "datetime")
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if fmt != "General" and cell.number_format == "General":
                cell.number_format = fmt
            right = numeric and isinstance(cell.value, str)
            cell.alignment = Alignment(vertical="top", horizontal="right" if right else None)
    widths = xlsx_layout._fit_widths(ws, cols)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[xlsx_layout._letter(i)].width = width
    xlsx_layout._wrap_rows(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{xlsx_layout._letter(max(len(cols), 1))}{max(ws.max_row, 2)}"
    ws.print_options.gridLines = True


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
    monkeypatch.setattr(xlsx_layout, "_lay_out_data_sheet", _plain_lay_out_data_sheet)
    plain = write_xlsx(sheets, tmp_path / "plain.xlsx", gate=gate, about={"title": "T"})
    fast_parts, plain_parts = _parts(fast), _parts(plain)
    assert fast_parts.keys() == plain_parts.keys()
    for name in plain_parts:
        assert fast_parts[name] == plain_parts[name], name
    styles = plain_parts["xl/styles.xml"].decode()
    assert 'wrapText="1"' in styles and 'horizontal="right"' in styles  # both kinds occur


def _plain_display_length(value, fmt: str) -> int:
    """Every format's text made, the column's one taken (the layout's first form)."""
    import datetime as dt
    import numbers

    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        f = float(value)
        shown = {
            "count": f"{f:,.0f}",
            "rate": f"{f:,.1f}",
            "ratio": f"{f:.2f}",
            "share": f"{f * 100:.0f} %",
            "p": f"{f:.3f}",
            "coord": f"{f:.0f}",
        }.get(fmt, f"{f:,.2f}")
        return len(shown)
    return max((len(line) for line in str(value).splitlines()), default=0)


def test_display_length_equals_every_format_made():
    import datetime as dt

    import numpy as np

    values = [None, True, 0, -0.0, 0.0004, 0.5, 0.995, 1, 12, -3.25, 999.95, 1234.5, 1e9, -7e12]
    values += [np.int64(42), np.float64(3.14159), float("nan"), float("inf"), 10**20]
    values += [dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4), "", "ett\nlängre ord", "<5"]
    formats = [*xlsx_layout.NUMBER_FORMATS, "okänt"]
    for value in values:
        for fmt in formats:
            expected = _plain_display_length(value, fmt)
            assert xlsx_layout._display_length(value, fmt) == expected, (value, fmt)


def test_missing_equals_pandas_isna():
    import datetime as dt

    import numpy as np

    values = ["", "x", True, False, 0, 7, 10**30, np.int64(3), np.bool_(True), 1.5, float("nan")]
    values += [np.nan, pd.NA, pd.NaT, None, dt.date(2026, 1, 1), pd.Timestamp("2026-01-01")]
    values += [[1, None], {"a": 1}]
    for value in values:
        try:
            expected = bool(pd.isna(value))
        except (TypeError, ValueError):
            expected = False
        assert xlsx_layout._missing(value) is expected, value
