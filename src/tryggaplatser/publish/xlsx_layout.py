"""One layout for every XLSX workbook the toolkit writes (:func:`.tables.write_xlsx`).

What a planner sees when a workbook is opened in Excel or LibreOffice Calc:

* **Swedish headers** from the column vocabulary (``[column.<code>]`` in
  ``layers/vocabulary.toml``); a product may override a header (the action plan keeps the
  names its importer reads back). The machine codes — the names in the CSV files — are kept on
  the sheet **Kolumnkoder** (sheet, header, code), never in a second header row, so every data
  sheet stays one clean table that reads back with ``pandas.read_excel``.
* **Förklaringar**: what the workbook holds, period, source, mode, the small-count rules of a
  public workbook (:data:`~tryggaplatser.policy.SMALL`, :data:`~tryggaplatser.policy.HIDDEN`),
  the internal marking, and each column's definition and unit.
* **Number formats** by column kind: counts with thousands separators, rates with one decimal,
  ratios with two, shares as per cent, p-values with three decimals, dates as real date cells.
* **Column widths** fitted to the content (capped at :data:`MAX_WIDTH` characters; longer text
  wraps, and the row is made tall enough for it so wrapped text never runs into the next row),
  a frozen, bold header row and an auto-filter.
* **Print**: A4 on every sheet; portrait when the columns fit at full size, otherwise
  landscape; fitted to the page width as long as the text stays at least :data:`MIN_SCALE` of
  its size (about 8 pt), wider sheets print over several pages across with the first column
  repeated; the header row repeats on every page; header and footer carry the title, the
  internal marking, the sheet name and "Sida n av N".
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import weakref
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..i18n import tr
from ..policy import HIDDEN, INTERNAL_FLAG_MAX, INTERNAL_MARKING, MIN_COUNT, MIN_POPULATION, SMALL
from .safe_text import cell_text, text_of

__all__ = [
    "CODES_SHEET",
    "EXPLANATION_SHEET",
    "MAX_WIDTH",
    "MIN_SCALE",
    "NUMBER_FORMATS",
    "SheetColumn",
    "excel_date",
    "lay_out_workbook",
    "sheet_columns",
]

#: Excel number format per column kind (``format`` in the column vocabulary). Excel and Calc
#: show them with the reader's locale: "1 234,5" and "71 %" in Swedish.
NUMBER_FORMATS = {
    "count": "#,##0",
    "rate": "#,##0.0",
    "ratio": "0.00",
    "share": "0%",
    "p": "0.000",
    "decimal": "#,##0.0#",
    "coord": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "General",
}
#: Widest column, in characters; longer text wraps.
MAX_WIDTH = 50
#: Smallest print scale when fitting a sheet to the page width (11 pt text stays ≥ 7.7 pt).
MIN_SCALE = 0.7
EXPLANATION_SHEET = ("Förklaringar", "Explanations")
CODES_SHEET = ("Kolumnkoder", "Column codes")
_LINE_PT = 15.0  # row height of one line of 11 pt Calibri
_PORTRAIT_PT = 523.0  # A4 width minus 0.5 in margins, points
_LANDSCAPE_PT = 770.0
_HEADER_FILL = "DCE6F0"
#: Per workbook, the header style's indices in its style lists (:func:`_header_ids`).
_HEADER_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class SheetColumn:
    """One column of a data sheet: code, header, definition, unit and number format."""

    code: str
    header: str
    definition: str
    unit: str
    fmt: str


def sheet_columns(table: pd.DataFrame, headers: dict[str, str] | None = None) -> list[SheetColumn]:
    """The columns of a table with their header, definition, unit and format.

    The vocabulary ``[column.<code>]`` gives header, definition, unit and format;
    ``headers`` overrides the header. A column the vocabulary does not know keeps its name and
    gets a format from its values (:func:`_inferred_format`).
    """
    from ..i18n import get_language
    from ..layers.vocab import vocabulary

    known = vocabulary("column")
    lang = get_language()
    out = []
    for code in table.columns:
        entry = known.get(str(code), {})
        header = (headers or {}).get(str(code)) or entry.get(lang) or str(code)
        fmt = entry.get("format") or _inferred_format(table[code])
        out.append(
            SheetColumn(
                str(code),
                str(header),
                entry.get(f"def_{lang}", ""),
                entry.get(f"unit_{lang}", ""),
                fmt,
            )
        )
    return out


def _inferred_format(values: pd.Series) -> str:
    """Counts for whole numbers, three decimals below 1, else up to two decimals; dates."""
    sample = [v for v in values.head(500) if v is not None and not _missing(v)]
    if not sample:
        return "text"
    if all(isinstance(v, dt.date | pd.Timestamp) for v in sample):
        return "date"
    numbers_ = [v for v in sample if isinstance(v, numbers.Real) and not isinstance(v, bool)]
    if len(numbers_) < len(sample) / 2:
        return "text"
    if all(float(v).is_integer() for v in numbers_):
        return "count"
    return "p" if max(abs(float(v)) for v in numbers_) < 1 else "decimal"


def _missing(value: Any) -> bool:
    if isinstance(value, str | bool | int):  # never missing (what `pd.isna` says of them)
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def excel_date(value: Any) -> tuple[Any, str] | None:
    """A date or moment as an Excel date cell value and its number format, else None.

    A tz-aware timestamp becomes its local time (:data:`~tryggaplatser.policy.LOCAL_TZ`):
    a date when it is local midnight, else date and time to the minute.
    """
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            from ..policy import LOCAL_TZ

            stamp = stamp.tz_convert(LOCAL_TZ).tz_localize(None)
        if stamp == stamp.normalize():
            return stamp.date(), NUMBER_FORMATS["date"]
        return stamp.to_pydatetime().replace(second=0, microsecond=0), NUMBER_FORMATS["datetime"]
    if isinstance(value, dt.date):
        return value, NUMBER_FORMATS["date"]
    return None


def lay_out_workbook(
    wb: Any,
    columns: dict[str, list[SheetColumn]],
    *,
    public: bool,
    about: dict[str, str] | None = None,
) -> None:
    """Lay out the data sheets ``columns`` names and add the Förklaringar and Kolumnkoder
    sheets (every sheet printable on A4)."""
    about = dict(about or {})
    title = about.pop("title", "") or tr("Tabeller", "Tables")
    for ws in wb.worksheets:
        if ws.title in columns:
            _lay_out_data_sheet(ws, columns[ws.title])
            _print_setup(ws, title, public)
    prefix = "" if public else "INTERNT "
    explain = wb.create_sheet(f"{prefix}{tr(*EXPLANATION_SHEET)}"[:31])
    _fill_explanation(explain, title, columns, public=public, about=about)
    _print_setup(explain, title, public, title_rows=False)
    codes = wb.create_sheet(f"{prefix}{tr(*CODES_SHEET)}"[:31])
    rows = [(sheet, c.header, c.code) for sheet, cols in columns.items() for c in cols]
    codes.append([tr("Blad", "Sheet"), tr("Kolumn", "Column"), tr("Kod", "Code")])
    for row in rows:
        codes.append(list(row))
    for cell in codes[1]:
        _style_header(cell)
    for i, width in enumerate(_fit_widths(codes), start=1):
        codes.column_dimensions[_letter(i)].width = width
    codes.freeze_panes = "A2"
    codes.auto_filter.ref = f"A1:C{max(codes.max_row, 2)}"
    _print_setup(codes, title, public)


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _header_ids(wb: Any) -> tuple[int, int, int]:
    """The header's font, fill and alignment as registered with the workbook ``wb``: added to
    its style lists once (in the order the first ``cell.font = …`` etc. would add them), so
    each header cell takes the three indices instead of three new style objects to look up."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ids = _HEADER_IDS.get(wb)
    if ids is None:
        font = wb._fonts.add(Font(bold=True))
        fill = wb._fills.add(PatternFill("solid", fgColor=_HEADER_FILL))
        ids = (font, fill, wb._alignments.add(Alignment(wrap_text=True, vertical="top")))
        _HEADER_IDS[wb] = ids
    return ids


def _style_header(cell: Any) -> None:
    """Bold, filled, wrapped at the top: what ``cell.font = Font(bold=True)``, ``cell.fill =
    …`` and ``cell.alignment = …`` set, by index (:func:`_header_ids`)."""
    from openpyxl.styles.cell_style import StyleArray

    font, fill, alignment = _header_ids(cell.parent.parent)
    if not cell._style:
        cell._style = StyleArray()
    cell._style.fontId = font
    cell._style.fillId = fill
    cell._style.alignmentId = alignment


def _lay_out_data_sheet(ws: Any, cols: list[SheetColumn]) -> None:
    """Header style, number formats, fitted widths, wrapped tall rows, freeze and filter."""
    from openpyxl.styles import Alignment
    from openpyxl.styles.cell_style import StyleArray

    last = _letter(max(len(cols), 1))
    # the two alignments of data cells, each registered with the workbook once (as the first
    # `cell.alignment = …` would): a cell then takes its index, not a new style to look up
    alignment_ids: dict[bool, int] = {}
    # column by column, each column's cells in one tuple (as many `iter_rows` of one column
    # each give, row by row); the header cell first, as before
    columns = ws.iter_cols(min_row=2, max_col=len(cols)) if cols else ()
    for col, cells in zip(cols, _after_header(ws, columns)):
        fmt = NUMBER_FORMATS.get(col.fmt, "General")
        numeric = col.fmt not in ("text", "date", "datetime")
        for cell in cells:
            if fmt != "General" and cell.number_format == "General":
                cell.number_format = fmt
            right = numeric and isinstance(cell.value, str)  # "<5", ".." beside numbers
            if right not in alignment_ids:
                alignment = Alignment(vertical="top", horizontal="right" if right else None)
                alignment_ids[right] = ws.parent._alignments.add(alignment)
            if not cell._style:
                cell._style = StyleArray()
            cell._style.alignmentId = alignment_ids[right]
    widths = _fit_widths(ws, cols)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = width
    _wrap_rows(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 2)}"
    ws.print_options.gridLines = True


def _after_header(ws: Any, columns: Any) -> Any:
    """Each column's data cells, after its header cell is styled (:func:`_style_header`)."""
    for i, cells in enumerate(columns, start=1):
        _style_header(ws.cell(1, i))
        yield cells


#: How a number shows per column format (:func:`_display_length`); others as "decimal".
_SHOWN = {
    "count": "{:,.0f}",
    "rate": "{:,.1f}",
    "ratio": "{:.2f}",
    "p": "{:.3f}",
    "coord": "{:.0f}",
}


def _display_length(value: Any, fmt: str) -> int:
    """Characters a cell shows (longest line of text; formatted numbers)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        f = float(value)
        if fmt == "share":
            return len(f"{f * 100:.0f} %")
        return len(_SHOWN.get(fmt, "{:,.2f}").format(f))
    return max((len(line) for line in str(value).splitlines()), default=0)


def _fit_widths(ws: Any, cols: list[SheetColumn] | None = None) -> list[float]:
    """Width per column: the longest value (≤ :data:`MAX_WIDTH`), at least the header's longest
    word (headers wrap) and 6 characters."""
    widths = []
    for i, column in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 5000)), start=1):
        fmt = cols[i - 1].fmt if cols and i <= len(cols) else "text"
        head = str(column[0].value or "")
        words = max((len(w) for w in head.split()), default=0)
        longest = max((_display_length(c.value, fmt) for c in column[1:]), default=0)
        wanted = max(longest, words + 1, min(len(head), 14), 6) + 2
        widths.append(float(min(wanted, MAX_WIDTH)))
    return widths


@functools.lru_cache(maxsize=8192)
def _line_count(text: str, width: float, bold: bool = False) -> int:
    """Lines a text takes in a column ``width`` characters wide (greedy word wrap; a little
    pessimistic so the row is never too short)."""
    capacity = max(1, int(width / (1.1 if bold else 1.0)) - 1)
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        used, count = 0, 1
        for word in paragraph.split():
            length = len(word)
            while length > capacity:  # a long word breaks anywhere
                count += 1 if used else 0
                length -= capacity
                used = 0
            if used and used + 1 + length > capacity:
                count += 1
                used = length
            else:
                used += (1 if used else 0) + length
        lines += count
    return lines


def _wrap_rows(ws: Any, widths: list[float], first_row: int = 1) -> None:
    """Wrap cells longer than their column and make each row tall enough for its text."""
    from openpyxl.styles import Alignment
    from openpyxl.styles.cell_style import StyleArray

    fonts = ws.parent._fonts  # a cell's font by its index (no style proxy per cell)
    alignments = ws.parent._alignments
    wrapped: dict[Any, int] = {}  # the old alignment's horizontal -> the wrapped alignment's id
    bold_of: dict[int, bool] = {}  # a font's index -> whether it is bold
    n_widths = len(widths)
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or cell.column > n_widths:
                continue
            width = widths[cell.column - 1]
            if not cell._style:  # as the `cell.font` getter does
                cell._style = StyleArray()
            font_id = cell._style.fontId
            bold = bold_of.get(font_id)
            if bold is None:
                bold = bold_of[font_id] = bool(fonts[font_id].b)
            n = _line_count(value, width, bold)
            if n > 1 or "\n" in value:
                # as `cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=
                # cell.alignment.horizontal)`, registered once per horizontal
                horizontal = alignments[cell._style.alignmentId].horizontal
                if horizontal not in wrapped:
                    wrapped[horizontal] = alignments.add(
                        Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
                    )
                cell._style.alignmentId = wrapped[horizontal]
                lines = max(lines, n)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = _LINE_PT * lines


def _print_setup(ws: Any, title: str, public: bool, *, title_rows: bool = True) -> None:
    """A4; portrait if the columns fit at full size, else landscape; fit to the page width
    at a scale ≥ :data:`MIN_SCALE` (wider sheets over several pages across, first column
    repeated); header row on every page; header and footer."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    used = max(ws.max_column, 1)
    total = sum(
        5.25 * (ws.column_dimensions[_letter(i)].width or 13) + 3.75 for i in range(1, used + 1)
    )
    if total <= _PORTRAIT_PT:
        ws.page_setup.orientation = "portrait"
        across = 1
    else:
        ws.page_setup.orientation = "landscape"
        across = max(1, math.ceil(total * MIN_SCALE / _LANDSCAPE_PT))
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = across
    ws.page_setup.fitToHeight = 0
    ws.page_margins = PageMargins(
        left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    if title_rows:
        ws.print_title_rows = "1:1"
        if across > 1:
            ws.print_title_cols = "A:A"
    ws.oddHeader.left.text = text_of(title)  # the title may hold an area's name
    ws.oddHeader.left.size = 9
    if not public:
        ws.oddHeader.center.text = INTERNAL_MARKING
        ws.oddHeader.center.color = "B00020"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = tr("Sida &P av &N", "Page &P of &N")
    ws.oddFooter.right.size = 9


def _rules(public: bool, columns: dict[str, list[SheetColumn]]) -> list[tuple[str, str]]:
    """The mode and the small-count rules, as (key, text) lines."""
    if public:
        return [
            (tr("Läge", "Mode"), tr("Publik version", "Public version")),
            (
                f"”{SMALL}”",
                tr(
                    "1–{k} (det exakta antalet visas inte i publika tabeller).",
                    "1–{k} (the exact count is not shown in public tables).",
                    k=MIN_COUNT - 1,
                ),
            ),
            (
                f"”{HIDDEN}”",
                tr(
                    "Dolt: värdet skulle låta ett litet antal räknas fram ur summorna, eller så "
                    "visas ingen takt eftersom antalet är under {m} eller befolkningen under {p}.",
                    "Hidden: the value would let a small count be recovered from the totals, "
                    "or no rate is shown because the count is below {m} or the population "
                    "below {p}.",
                    m=MIN_COUNT,
                    p=MIN_POPULATION,
                ),
            ),
        ]
    lines = [
        (tr("Läge", "Mode"), tr("Intern version", "Internal version")),
        (
            tr("Märkning", "Marking"),
            tr(
                "{mark}: arbetsmaterial för EST och analytiker; sprid inte utanför "
                "organisationen. Alla antal visas, även små.",
                "{mark}: working material for EST and analysts; do not share outside the "
                "organisation. Every count is shown, also small ones.",
                mark=INTERNAL_MARKING,
            ),
        ),
    ]
    if any(c.code == "n_flagga" for cols in columns.values() for c in cols):
        lines.append(
            (
                tr("Små antal", "Small counts"),
                tr(
                    "1–{k} markeras i kolumnen ”Tolka försiktigt”.",
                    "1–{k} are marked in the column “Interpret with care”.",
                    k=INTERNAL_FLAG_MAX,
                ),
            )
        )
    return lines


def _fill_explanation(
    ws: Any,
    title: str,
    columns: dict[str, list[SheetColumn]],
    *,
    public: bool,
    about: dict[str, str],
) -> None:
    """The Förklaringar sheet: about lines (merged B:D), rules, then one row per column."""
    from openpyxl.styles import Alignment, Font

    widths = [22.0, 30.0, 70.0, 26.0]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = w
    ws.append([cell_text(tr("Förklaringar", "Explanations") + f" – {title}")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.row_dimensions[1].height = 20
    lines = [
        *about.items(),
        *_rules(public, columns),
        (
            tr("Kolumnkoder", "Column codes"),
            tr(
                "Bladet {s} ger varje kolumns kod, som i CSV-filerna.",
                "The sheet {s} gives each column's code, as in the CSV files.",
                s=tr(*CODES_SHEET),
            ),
        ),
    ]
    for key, text in lines:
        ws.append([cell_text(key), cell_text(text)])
        r = ws.max_row
        ws.cell(r, 1).font = Font(bold=True)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        n = _line_count(str(text), sum(widths[1:]))
        if n > 1:
            ws.row_dimensions[r].height = _LINE_PT * n + 2
    ws.append([])
    start = ws.max_row + 1
    heads = [("Blad", "Sheet"), ("Kolumn", "Column"), ("Definition",) * 2, ("Enhet", "Unit")]
    ws.append([tr(*h) for h in heads])
    for cell in ws[start]:
        _style_header(cell)
    for sheet, cols in columns.items():
        for c in cols:
            ws.append([sheet, c.header, c.definition or "–", c.unit or "–"])
    _wrap_rows(ws, widths, first_row=start + 1)
