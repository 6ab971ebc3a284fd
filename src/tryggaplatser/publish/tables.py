"""CSV and XLSX writers that go through the publishing gate.

CSV format: UTF-8 with byte-order mark, ``;`` as separator and ``,`` as decimal sign — what
Excel in Swedish locale opens correctly by double-click (and LibreOffice/pandas read with
``sep=";", decimal=","``). XLSX stores every string as a text cell, never a formula. In both,
every text cell and header is :func:`~.safe_text.cell_text`: bidi and other control characters
removed, and text starting with ``= + - @`` (or their full-width forms), tab, CR or LF prefixed
with ``'``, so the same value reads the same in the CSV and the workbook and never runs as a
formula, even after a round trip through another program.

Internal files carry the marking "INTERNT – ej för spridning": as the first line of a CSV, and
in XLSX as the sheet title, the first row and the page header.
"""

from __future__ import annotations

import csv
import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .gate import INTERNAL_MARKING, Gate
from .safe_text import cell_text, text_of

__all__ = ["write_csv", "write_xlsx"]


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
        return (str(int(f)) if f.is_integer() else repr(f)).replace(".", ",")
    if isinstance(value, pd.Timestamp | pd.Period):
        return _timestamp_text(value)
    return cell_text(value)


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
        if not gate.public:
            writer.writerow([INTERNAL_MARKING])
        writer.writerow([cell_text(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            writer.writerow([_csv_value(v) for v in row])
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
    about: dict[str, Any] | None = None,
    **release: Any,
) -> Path:
    """Write one or several tables as an XLSX workbook through the gate, and seal it.

    Strings are stored as text cells (never formulas), as :func:`~.safe_text.cell_text` makes
    them, exactly as :func:`write_csv` writes them: text that starts with ``= + - @``, tab or CR
    gets a leading ``'``. Document properties carry no user name (creator "tryggaplatser").

    Parameters
    ----------
    sheets : DataFrame or dict of str to DataFrame
        One table, or ``{sheet name: table}``.
    path : str or Path
        Output file.
    gate : Gate
        The output set's gate.
    kind : str, optional
        Output kind for :meth:`Gate.release` (applied to every sheet).
    layout : callable, optional
        ``layout(workbook)`` styles the openpyxl workbook (widths, wrap, drop-downs…) before it
        is saved and sealed, so a styled workbook is written once.
    manifest_kind : str, optional
        The file's kind in the manifest; default ``xlsx:<kind or table>``.
    about : dict, optional
        What the folder's start page shows about the file (:meth:`Gate.seal`).
    **release
        Options for :meth:`Gate.release`.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
    for i, (name, data) in enumerate(sheets.items()):
        table = _prepare(data, gate, kind, release)
        title = _sheet_title(name, i)
        if not gate.public:
            title = _sheet_title(f"INTERNT {name}", i)
        ws = wb.create_sheet(title)
        row = 1
        if not gate.public:
            ws.cell(row=1, column=1, value=INTERNAL_MARKING).font = Font(bold=True, color="B00020")
            ws.oddHeader.center.text = INTERNAL_MARKING
            row = 2
        for c, name_ in enumerate(table.columns, start=1):
            _put(ws, row, c, str(name_)).font = Font(bold=True)
        for r, values in enumerate(table.itertuples(index=False, name=None), start=row + 1):
            for c, value in enumerate(values, start=1):
                _put(ws, r, c, value)
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
    if layout is not None:
        layout(wb)
    wb.save(path)
    gate.seal(path, kind=manifest_kind or f"xlsx:{kind or 'table'}", about=about)
    return path


def _sheet_title(name: str, index: int) -> str:
    clean = "".join(ch for ch in text_of(name) if ch not in "[]:*?/\\").strip("'") or f"blad{index}"
    return clean[:31]


def _put(ws, row: int, column: int, value: Any):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ws.cell(row=row, column=column)
    if isinstance(value, bool | numbers.Number) and not isinstance(value, str):
        return ws.cell(row=row, column=column, value=value)
    if isinstance(value, pd.Timestamp | pd.Period):
        value = _timestamp_text(value)
    cell = ws.cell(row=row, column=column)
    cell.value = cell_text(value)  # neutralised as in the CSV; no controls XLSX cannot hold
    cell.data_type = "s"  # a text cell, never a formula
    return cell
