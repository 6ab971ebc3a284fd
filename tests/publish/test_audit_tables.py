"""The audit walks only the rows of a table that may have a finding (issue 12, item 8: speed).

Each distinct value of a column is judged once, and only rows holding a value that may add a
finding (or mark the file) are walked cell by cell. These tests plant leaks in tables of every
kind the audit reads (CSV, GeoPackage attributes, HTML tables, GeoJSON properties) and in
seeded random tables of mixed values, and compare the findings, in order, with the findings of
the walk of every row (the audit before the shortcut): the shortcut may skip work, never a
finding.
"""

from __future__ import annotations

import datetime
import json
import random

import geopandas as gpd
import pytest
from shapely.geometry import box

from tryggaplatser.publish import audit
from tryggaplatser.publish.audit import scan_file


def _every_row(self, rows, *args):
    return range(len(rows))


def _both_ways(monkeypatch, run):
    """``run()``'s findings with the shortcut, and with every row walked."""
    fast = run()
    with monkeypatch.context() as m:
        m.setattr(audit._Collector, "_rows_to_walk", _every_row)
        full = run()
    return fast, full


def _places(findings):
    return [(f.rule, f.place) for f in findings]


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_a_leak_planted_in_a_gpkg_attribute_is_found(tmp_path, monkeypatch, mode):
    rows = 40
    gdf = gpd.GeoDataFrame(
        {
            "cell_id": [f"E{674000 + 250 * i}N6580000" for i in range(rows)],
            "n": [12 + i for i in range(rows)],
            "hotspot_category": ["Ingen signifikans"] * rows,
            "markning": ["INTERNT – ej för spridning"] * rows,
        },
        geometry=[box(674000 + 250 * i, 6580000, 674250 + 250 * i, 6580250) for i in range(rows)],
        crs=3006,
    )
    gdf.loc[17, "hotspot_category"] = "ring 19121212-1212"
    gdf.loc[29, "n"] = 3
    path = tmp_path / "hotspots.gpkg"
    gdf.to_file(path, driver="GPKG", layer="celler")
    fast, full = _both_ways(monkeypatch, lambda: scan_file(path, mode, manifest=False))
    assert fast == full
    assert ("PERSONAL_DATA", "celler: rad 18, kolumn hotspot_category") in _places(fast)
    small = ("SMALL_COUNT", "celler: rad 30, kolumn n")
    assert (small in _places(fast)) == (mode == "public")


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_leaks_planted_in_a_csv_are_found(tmp_path, monkeypatch, mode):
    lines = ["område;n;kommentar;datum;markning"]
    lines += [f"A{i};{20 + i};inget;2026-03;INTERNT – ej för spridning" for i in range(60)]
    lines[12] = "A11;2;inget;2026-03;INTERNT – ej för spridning"  # a small count
    lines[30] = "A29;40;ring 070-123 45 67;2026-03;INTERNT – ej för spridning"
    lines[41] = "A40;41;inget;2026-03-14;INTERNT – ej för spridning"  # a day
    lines[50] = "=HYPERLINK(1);42;inget;2026-03;INTERNT – ej för spridning"
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, full = _both_ways(monkeypatch, lambda: scan_file(path, mode, manifest=False))
    assert fast == full
    rules = {f.rule for f in fast}
    assert {"PERSONAL_DATA", "SPREADSHEET_FORMULA"} <= rules
    assert ({"SMALL_COUNT", "TIME_TOO_FINE"} <= rules) == (mode == "public")


def test_leaks_planted_in_an_html_table_and_geojson_are_found(tmp_path, monkeypatch):
    cells = "".join(f"<tr><td>Område {i}</td><td>{30 + i}</td></tr>" for i in range(30))
    page = tmp_path / "r.html"
    page.write_text(
        "<html><head><title>t</title></head><body><table><tr><th>Område</th><th>Antal</th>"
        f"</tr>{cells}<tr><td>Norr</td><td>4</td></tr>"
        "<tr><td>anna@example.se</td><td>50</td></tr></table></body></html>",
        encoding="utf-8",
    )
    features = [
        {
            "type": "Feature",
            "geometry": None,
            "properties": {"name": f"Område {i}", "antal": 2 if i == 7 else 10 + i},
        }
        for i in range(20)
    ]
    geojson = tmp_path / "g.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    for path in (page, geojson):
        fast, full = _both_ways(monkeypatch, lambda p=path: scan_file(p, "public", manifest=False))
        assert fast == full
        assert "SMALL_COUNT" in {f.rule for f in fast}
    assert "PERSONAL_DATA" in {f.rule for f in scan_file(page, "public", manifest=False)}


VALUES = [
    None,
    "",
    " ",
    "Norr",
    "Ingen signifikans",
    "E674500N6580250",
    "19121212-1212",
    "121212-1212",
    "0701234567",
    "anna@example.se",
    "ABC 123",
    "/home/anna/x",
    "=SUM(A1)",
    "-3",
    "+5",
    "@x",
    "\tx",
    "2026-11-22",
    "2026-11-22 10:15",
    "2026-W47",
    "2026-03",
    "Framställd 2026-11-23",
    "59.334591, 18.063240",
    "INTERNT – ej för spridning",
    "<img src=x onerror=alert(1)>",
    "en lång fritext med många ord som någon skrev in här utan någon tanke alls",
    "Antal",
    "Otrygga signaler",
    "Andel otrygga",
    "n=3",
    "3",
    " 2 ",
    "4,0",
    "12",
    0,
    1,
    2,
    4,
    5,
    12,
    1.0,
    3.0,
    4.5,
    0.25,
    float("nan"),
    True,
    False,
    b"\x00\x01",
    datetime.date(2026, 3, 1),
    datetime.datetime(2026, 3, 1, 10, 15),
]
HEADERS = ["område", "n", "antal_svar", "kommentar", "andel", "x", "datum", "namn", "Antal"]


def test_random_tables_give_the_findings_of_the_walk_of_every_row(monkeypatch):
    rng = random.Random(20261207)
    compared = found = 0
    for _ in range(400):
        width = rng.randint(1, 5)
        header = rng.sample(HEADERS, width)
        common = rng.sample(VALUES, 6)  # tables repeat their values
        rows = [
            [rng.choice(common) if rng.random() < 0.8 else rng.choice(VALUES) for _ in header]
            for _ in range(rng.randint(0, 30))
        ]
        rows = [r[: rng.randint(0, width)] if rng.random() < 0.1 else r for r in rows]  # ragged
        for mode in ("public", "internal"):
            for csv_cells, markup in ((True, True), (False, False), (True, False)):

                def run(mode=mode, csv_cells=csv_cells, markup=markup, header=header, rows=rows):
                    col = audit._Collector("t", mode)
                    col.table(header, rows, csv_cells=csv_cells, markup=markup, where="lager")
                    return col.items, col.marked

                fast, full = _both_ways(monkeypatch, run)
                assert fast == full, (mode, csv_cells, markup, header, rows)
                compared += 1
                found += bool(full[0])
    assert compared == 2400 and found > 1000


def test_a_table_of_other_values_is_walked_row_by_row():
    col = audit._Collector("t", "public")
    rows = [["Norr", 12], ["Söder", [3]], ["Öster", 3]]  # a list is no value of a reader
    assert list(col._rows_to_walk(rows, {1}, [], False, True)) == [0, 1, 2]
    col.table(["område", "n"], rows)
    assert [f.place for f in col.items] == ["rad 4, kolumn n"]
