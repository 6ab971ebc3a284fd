"""CSV and XLSX writers that go through the publishing gate.

CSV format: UTF-8 with byte-order mark, ``;`` as separator and ``,`` as decimal sign — what
Excel in Swedish locale opens correctly by double-click (and LibreOffice/pandas read with
``sep=";", decimal=","``). XLSX stores every string as a text cell, never a formula. In both,
every text cell and header is :func:`~.safe_text.cell_text`: bidi and other control characters
removed, and text starting with ``= + - @`` (or their full-width forms), tab, CR or LF prefixed
with ``'``, so the same value reads the same in the CSV and the workbook and never runs as a
formula, even after a round trip through another program.

Internal files carry the marking "INTERNT – ej för spridning". A CSV keeps a clean header on
its first line (machine-readable); the marking is its last column, ``markning``
(:data:`MARKING_COLUMN`), in every row, so it travels with any rows copied out of the file. An
XLSX carries it in the sheet titles, the page header of every sheet, the document title and the
sheet "Förklaringar". CSV numbers are rounded to four significant digits (:func:`_round`).

Every XLSX gets the one layout of :mod:`.xlsx_layout`: Swedish headers from the column
vocabulary, the sheets "Förklaringar" and "Kolumnkoder", number formats, fitted widths, frozen
header, auto-filter and A4 print setup.
"""

from __future__ import annotations

import csv
import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..policy import INTERNAL_MARKING_COLUMN as MARKING_COLUMN
from .gate import INTERNAL_MARKING, Gate
from .safe_text import cell_text, text_of
from .xlsx_layout import excel_date

__all__ = ["MARKING_COLUMN", "write_csv", "write_xlsx"]


def _prepare(
    data: pd.DataFrame, gate: Gate, kind: str | None, release: dict[str, Any]
) -> pd.DataFrame:
    if kind is not None:
        data = gate.release(data, kind, **release)
    else:
        stamp = (data.attrs.get("tryggaplatser", {}) or {}).get("gate", {})
        if stamp.get("mode") != gate.mode:
            from ..errors import GateRefusal
            from ..i18n import tr

            raise GateRefusal(
                tr(
                    "tabellen har inte släppts av grinden i läget {m}",
                    "the table was not released by the gate in mode {m}",
                    m=gate.mode,
                ),
                rule="NOT_GATED",
                fix=tr(
                    "ange kind= eller anropa gate.release() först",
                    "pass kind= or call gate.release() first",
                ),
            )
    geometry = getattr(data, "_geometry_column_name", None)
    if geometry is not None and geometry in data.columns:
        data = pd.DataFrame(data.drop(columns=[geometry]))
    return data


def _csv_value(value: Any) -> Any:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return ""
        return (str(int(f)) if f.is_integer() else _round(f)).replace(".", ",")
    if isinstance(value, pd.Timestamp | pd.Period):
        return _timestamp_text(value)
    return cell_text(value)


def _round(f: float, digits: int = 4) -> str:
    """A float as text with ``digits`` significant digits but never fewer than one decimal
    (the integer part is never rounded), without exponent or trailing zeros.

    >>> _round(0.007292166505211279), _round(-50.25380710659898), _round(652375.5)
    ('0.007292', '-50.25', '652375.5')
    """
    if not math.isfinite(f):
        return repr(f)
    decimals = max(1, digits - 1 - math.floor(math.log10(abs(f))))
    return f"{f:.{decimals}f}".rstrip("0").rstrip(".")


def _timestamp_text(value: Any) -> str:
    """A timestamp cell: a tz-aware one as its local date (time to the minute unless local
    midnight), never a UTC time with an offset; others as they are."""
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        from ..analysis.periods import local_stamp

        return local_stamp(value)
    return str(value)


def write_csv(
    data: pd.DataFrame,
    path: str | Path,
    *,
    gate: Gate,
    kind: str | None = None,
    about: dict[str, Any] | None = None,
    **release: Any,
) -> Path:
    """Write a table as CSV for Swedish Excel through the gate, and seal it.

    The first line is the header (the table's column codes); an internal CSV ends every row
    with the column :data:`MARKING_COLUMN` holding "INTERNT – ej för spridning".

    Parameters
    ----------
    data : DataFrame
        Either raw data (then give ``kind`` and the release options) or a table already
        returned by ``gate.release`` (``kind=None``).
    path : str or Path
        Output file.
    gate : Gate
        The output set's gate.
    kind : str, optional
        Output kind for :meth:`Gate.release`.
    about : dict, optional
        What the folder's start page shows about the file (:meth:`Gate.seal`).
    **release
        Options for :meth:`Gate.release` (``margins=``, ``rates=``...).

    Returns
    -------
    Path
    """
    table = _prepare(data, gate, kind, release)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        marking = [] if gate.public else [INTERNAL_MARKING]
        header = [cell_text(str(c)) for c in table.columns]
        writer.writerow(header + ([MARKING_COLUMN] if marking else []))
        for row in table.itertuples(index=False, name=None):
            writer.writerow([_csv_value(v) for v in row] + marking)
    gate.seal(path, kind=f"csv:{kind or 'table'}", about=about)
    return path


def write_xlsx(
    sheets: pd.DataFrame | dict[str, pd.DataFrame],
    path: str | Path,
    *,
    gate: Gate,
    kind: str | None = None,
    layout: Callable[[Any], None] | None = None,
    manifest_kind: str | None = None,
    headers: dict[str, str] | None = None,
    about: dict[str, str] | None = None,
    manifest_about: dict[str, Any] | None = None,
    **release: Any,
) -> Path:
    """Write one or several tables as an XLSX workbook through the gate, and seal it.

    Strings are stored as text cells (never formulas), as :func:`~.safe_text.cell_text` makes
    them, exactly as :func:`write_csv` writes them: text that starts with ``= + - @``, tab or CR
    gets a leading ``'``. Dates and timestamps are date cells (local calendar dates). Document
    properties carry no user name (creator "tryggaplatser"). Every workbook gets the layout of
    :mod:`.xlsx_layout` (Swedish headers, the sheets "Förklaringar" and "Kolumnkoder", number
    formats, widths, A4 print setup).

    Parameters
    ----------
    sheets : DataFrame or dict of str to DataFrame
        One table, or ``{sheet name: table}``; columns are machine codes.
    path : str or Path
        Output file.
    gate : Gate
        The output set's gate.
    kind : str, optional
        Output kind for :meth:`Gate.release` (applied to every sheet).
    layout : callable, optional
        ``layout(workbook)`` adds product-specific touches (drop-downs…) after the common
        layout, before the workbook is saved and sealed, so it is written once.
    manifest_kind : str, optional
        The file's kind in the manifest; default ``xlsx:<kind or table>``.
    headers : dict of str to str, optional
        Column code → header, overriding the column vocabulary (``[column.*]``).
    about : dict of str to str, optional
        Lines of the sheet "Förklaringar": ``title`` (also the printed page header), then any
        ``{label: text}`` such as period and source.
    manifest_about : dict, optional
        What the folder's start page shows about the file (:meth:`Gate.seal` ``about``).
    **release
        Options for :meth:`Gate.release`.
    """
    from openpyxl import Workbook

    from .xlsx_layout import lay_out_workbook, sheet_columns

    if isinstance(sheets, pd.DataFrame):
        sheets = {"data": sheets}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "tryggaplatser"
    wb.properties.lastModifiedBy = "tryggaplatser"
    wb.properties.title = INTERNAL_MARKING if not gate.public else "tryggaplatser"
    wb.properties.keywords = f"tryggaplatser_mode={gate.mode}"
    columns = {}
    for i, (name, data) in enumerate(sheets.items()):
        table = _prepare(data, gate, kind, release)
        title = _sheet_title(name if gate.public else f"INTERNT {name}", i)
        ws = wb.create_sheet(title)
        columns[ws.title] = sheet_columns(table, headers)
        for c, col in enumerate(columns[ws.title], start=1):
            _put(ws, 1, c, col.header)
        for r, values in enumerate(table.itertuples(index=False, name=None), start=2):
            for c, value in enumerate(values, start=1):
                _put(ws, r, c, value)
    lay_out_workbook(wb, columns, public=gate.public, about=about)
    if layout is not None:
        layout(wb)
    wb.save(path)
    gate.seal(path, kind=manifest_kind or f"xlsx:{kind or 'table'}", about=manifest_about)
    return path


def _sheet_title(name: str, index: int) -> str:
    clean = "".join(ch for ch in text_of(name) if ch not in "[]:*?/\\").strip("'") or f"blad{index}"
    return clean[:31]


def _put(ws, row: int, column: int, value: Any):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ws.cell(row=row, column=column)
    if isinstance(value, bool | numbers.Number) and not isinstance(value, str):
        return ws.cell(row=row, column=column, value=value)
    if value is pd.NaT:
        return ws.cell(row=row, column=column)
    dated = excel_date(value)
    if dated is not None:  # a real date cell, never text
        cell = ws.cell(row=row, column=column, value=dated[0])
        cell.number_format = dated[1]
        return cell
    if isinstance(value, pd.Timestamp | pd.Period):
        value = _timestamp_text(value)
    cell = ws.cell(row=row, column=column)
    cell.value = cell_text(value)  # neutralised as in the CSV; no controls XLSX cannot hold
    cell.data_type = "s"  # a text cell, never a formula
    return cell
