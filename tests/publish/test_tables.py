"""CSV and XLSX writers: Swedish Excel format, formula neutralisation, marking, gate stamp."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.gate import INTERNAL_MARKING, Gate
from tryggaplatser.publish.tables import write_csv, write_xlsx


def table(names=("Alfa", "Beta")):
    return pd.DataFrame(
        {"area_id": ["A", "B"], "name": list(names), "n": [12, 30], "population": [1000, 2000]}
    )


def test_csv_format_swedish_excel(tmp_path):
    gate = Gate("public", quiet=True)
    p = write_csv(
        table(),
        tmp_path / "t.csv",
        gate=gate,
        kind="area_table",
        rates={"per_1000": ("n", "population")},
    )
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "area_id;name;n;population;per_1000"
    assert lines[1] == "A;Alfa;12;1000;12"
    assert lines[2] == "B;Beta;30;2000;15"


def test_csv_decimal_comma(tmp_path):
    gate = Gate("public", quiet=True)
    df = pd.DataFrame({"area_id": ["A"], "n": [7], "population": [300]})
    p = write_csv(
        df,
        tmp_path / "t.csv",
        gate=gate,
        kind="area_table",
        rates={"per_1000": ("n", "population")},
    )
    assert p.read_text(encoding="utf-8-sig").splitlines()[1] == "A;7;300;23,3"


PAYLOADS = ['=HYPERLINK("http://evil","klicka")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_neutralised(tmp_path, payload):
    gate = Gate("public", quiet=True)
    p = write_csv(table(names=(payload, "Beta")), tmp_path / "t.csv", gate=gate, kind="area_table")
    import csv

    rows = list(csv.reader(p.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows[1][1] == "'" + payload
    x = write_xlsx(
        table(names=(payload, "Beta")), tmp_path / "t.xlsx", gate=gate, kind="area_table"
    )
    from openpyxl import load_workbook

    ws = load_workbook(x).active
    cell = ws.cell(row=2, column=2)
    assert cell.data_type == "s"
    # the same neutralised text as in the CSV (XLSX stores CR as LF)
    assert cell.value in (rows[1][1], rows[1][1].replace("\r", "\n"))


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_csv_and_xlsx_cells_and_headers_are_the_same_text(tmp_path, mode):
    """One function makes a cell's text for both writers: formula prefix, no bidi controls."""
    import csv

    from openpyxl import load_workbook

    gate = Gate(mode, quiet=True)
    names = ("=1+2\u202e", "Norr\u202egnäv\u202c \u2066x\u2069\u200f")
    data = gate.release(table(names=names), "area_table")
    data = data.rename(columns={"name": "@name"})
    p = write_csv(data, tmp_path / "t.csv", gate=gate)
    x = write_xlsx(data, tmp_path / "t.xlsx", gate=gate)
    rows = list(csv.reader(p.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    ws = load_workbook(x).worksheets[0]
    for r, row in enumerate(rows[1:3]):  # data rows: the same text in both files
        for c, value in enumerate(row[:2]):
            assert str(ws.cell(2 + r, c + 1).value) == value, (r, c)
    assert rows[0][1] == "'@name" and ws.cell(1, 2).value == "'@name"  # a header as a cell
    assert [r[1] for r in rows[1:3]] == ["'=1+2", "Norrgnäv x"]
    raw = p.read_bytes().decode("utf-8-sig") + str([list(r) for r in ws.values])
    assert not any(ch in raw for ch in "\u202e\u202c\u2066\u2069\u200f")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=20))
def test_no_text_becomes_formula(tmp_path, text):
    gate = Gate("internal", quiet=True)
    df = pd.DataFrame({"area_id": ["A"], "name": [text], "n": [5]})
    x = write_xlsx(df, tmp_path / "p.xlsx", gate=gate, kind="area_table")
    from openpyxl import load_workbook

    ws = load_workbook(x).worksheets[0]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_numbers_stay_numbers_in_xlsx(tmp_path):
    gate = Gate("internal", quiet=True)
    df = pd.DataFrame({"area_id": ["A"], "n": [5], "population": [100]})
    x = write_xlsx(df, tmp_path / "t.xlsx", gate=gate, kind="area_table")
    from openpyxl import load_workbook

    ws = load_workbook(x).worksheets[0]
    assert ws.title.startswith("INTERNT")
    assert ws.oddHeader.center.text == INTERNAL_MARKING  # on every printed page
    assert ws.cell(row=1, column=1).value == "Områdes-id"  # the header is the first row
    assert ws.cell(row=2, column=2).value == 5  # a number, not text
    assert ws.cell(row=2, column=2).number_format == "#,##0"


def test_internal_csv_has_a_clean_header_and_a_marking_column(tmp_path):
    """Issue 15: the marking line above the header broke machine reading; the header is the
    first line and the marking is the last column of every row."""
    gate = Gate("internal", quiet=True)
    p = write_csv(table(), tmp_path / "t.csv", gate=gate, kind="area_table")
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "area_id;name;n;population;n_flagga;markning"
    assert all(line.endswith(";" + INTERNAL_MARKING) for line in lines[1:])
    back = pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["n"].tolist() == [12, 30] and (back["markning"] == INTERNAL_MARKING).all()
    from tryggaplatser.publish.audit import scan_file

    assert scan_file(p, "internal") == []
    # an empty internal table is marked by its header; a row without the marking is not
    empty = write_csv(table().head(0), tmp_path / "e.csv", gate=gate, kind="area_table")
    assert scan_file(empty, "internal") == []
    broken = tmp_path / "b.csv"
    broken.write_text("area_id;n;markning\r\nA;12;\r\n", encoding="utf-8-sig")
    assert [f.rule for f in scan_file(broken, "internal")] == ["MARKING_MISSING"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.007292166505211279, "0,007292"),
        (3.4476646142986, "3,448"),
        (-50.25380710659898, "-50,25"),
        (288.3, "288,3"),
        (652375.5, "652375,5"),
        (1e-9, "0,000000001"),
        (12.0, "12"),
    ],
)
def test_csv_numbers_are_rounded_to_four_significant_digits(tmp_path, value, text):
    gate = Gate("internal", quiet=True)
    from tryggaplatser.publish.reports.report import internal_table

    released = internal_table(gate, pd.DataFrame({"p": [value]}), name="test")
    lines = write_csv(released, tmp_path / "t.csv", gate=gate).read_text("utf-8-sig").splitlines()
    assert lines[1] == f"{text};{INTERNAL_MARKING}"


def test_unreleased_table_refused(tmp_path):
    gate = Gate("public", quiet=True)
    with pytest.raises(GateRefusal, match="släppts"):
        write_csv(table(), tmp_path / "t.csv", gate=gate)
    released = Gate("internal", quiet=True).release(table(), "area_table")
    with pytest.raises(GateRefusal):  # released internally, written publicly
        write_csv(released, tmp_path / "t.csv", gate=gate)
    ok = gate.release(table(), "area_table")
    write_csv(ok, tmp_path / "t.csv", gate=gate)


def test_xlsx_properties_have_no_user(tmp_path):
    gate = Gate("public", quiet=True)
    x = write_xlsx({"Antal": table()}, tmp_path / "t.xlsx", gate=gate, kind="area_table")
    from openpyxl import load_workbook

    wb = load_workbook(x)
    assert wb.properties.creator == "tryggaplatser"
    assert wb.sheetnames == ["Antal", "Förklaringar", "Kolumnkoder"]


def test_timestamp_cells_print_the_local_date_never_utc(tmp_path):
    """Issue 13: a tz-aware timestamp cell was written as "2023-12-31 23:30:00+00:00"; it is
    the local date and time (2024-01-01 00:30), a local midnight just the date."""
    from openpyxl import load_workbook

    from tryggaplatser.publish.reports.report import internal_table

    gate = Gate("internal", quiet=True)
    when = pd.Series(
        pd.to_datetime(["2024-01-01 00:30", "2024-06-01 00:00"]).tz_localize("Europe/Stockholm")
    ).dt.tz_convert("UTC")
    df = pd.DataFrame({"cell": ["A", "B"], "when": list(when)})
    released = internal_table(gate, df, name="test")  # an internal working table keeps dates
    text = write_csv(released, tmp_path / "t.csv", gate=gate).read_text(encoding="utf-8-sig")
    mark = ";" + INTERNAL_MARKING
    assert text.splitlines()[1:] == ["A;2024-01-01 00:30" + mark, "B;2024-06-01" + mark]
    assert "+00:00" not in text and "2023-12-31" not in text
    book = load_workbook(write_xlsx(released, tmp_path / "t.xlsx", gate=gate))
    ws = book.worksheets[0]
    # issue 15: real date cells (the local date and time), never text
    assert ws["B2"].value == dt.datetime(2024, 1, 1, 0, 30) and ws["B2"].is_date
    assert ws["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["B3"].value == dt.datetime(2024, 6, 1) and ws["B3"].number_format == "yyyy-mm-dd"
