"""The audit finds each kind of leak in each file type, and passes clean gated outputs."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.audit import metadata_problems, redact, scan_dir, scan_file
from tryggaplatser.publish.gate import INTERNAL_MARKING, Gate
from tryggaplatser.publish.safe_text import html


def rules(path, mode="public"):
    return {f.rule for f in scan_file(path, mode, manifest=False)}


@pytest.mark.parametrize(
    "text,found",
    [
        ("pnr 19850101-1234", True),
        ("850161-1234", True),
        ("8501011234", False),
        ("8112189876", True),
        ("070-123 45 67", True),
        ("+46 70 123 45 67", True),
        ("08-123 456 78", True),
        ("anna@example.se", True),
        ("ABC 123", True),
        ("ABC12D", True),
        ("5000-K123456-24", True),
        ("SHA256", False),
        ("2026-03-01", False),
        ("17.61234", False),
        ("map_3f2a8501011234bc", False),
    ],
)
def test_pii_patterns(tmp_path, text, found):
    p = tmp_path / "x.txt"
    p.write_text(f"Kommentar: {text} slut", encoding="utf-8")
    assert ("PERSONAL_DATA" in rules(p)) is found
    if found:
        assert text not in redact(f"a {text} b")


def test_findings_are_masked(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("area_id;kommentar\nA;ring 070-123 45 67\n", encoding="utf-8")
    finding = next(f for f in scan_file(p, "public", manifest=False) if f.rule == "PERSONAL_DATA")
    assert "123 45 67" not in finding.excerpt


def test_csv_rules(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(
        "\ufeffarea_id;n;datum;kommentar\n"
        "A;3;2026-03-14;Det var väldigt otryggt vid busshållplatsen igår kväll ja\n"
        'B;=HYPERLINK("http://x");2026-03;\n',
        encoding="utf-8",
    )
    assert {"SMALL_COUNT", "TIME_TOO_FINE", "FREE_TEXT", "SPREADSHEET_FORMULA"} <= rules(p)
    assert rules(p, "internal") >= {"SPREADSHEET_FORMULA", "MARKING_MISSING"}
    assert "SMALL_COUNT" not in rules(p, "internal")


@pytest.mark.parametrize(
    ("cell", "small"),
    [
        ("2,000", False),  # English thousands: 2000 (the public lägesbild in English)
        ("1,000", False),
        ("12,345", False),
        ("3", True),
        ("3,0", True),  # a decimal comma: still 3
        ("3.0", True),
        ("2\u202f000", False),  # Swedish thousands
    ],
)
def test_counts_grouped_by_thousands_are_not_small(tmp_path, cell, small):
    """English reports print 2000 as ``2,000``; the audit read it as 2,0 (a decimal comma) and
    refused every public set written with ``--lang en``."""
    p = tmp_path / "r.html"
    p.write_text(
        "<html lang='en'><head><title>Report</title></head><body><table>"
        "<tr><th>Campaign</th><th>Responses (n)</th></tr>"
        f"<tr><td>dialog-2026</td><td>{cell}</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert ("SMALL_COUNT" in rules(p)) is small


def test_html_rules(tmp_path):
    p = tmp_path / "k.html"
    p.write_text(
        "<html><head><meta name='author' content='/home/anna/projekt'></head><body>"
        "<img src=x onerror=alert(1)><a href='javascript:alert(1)'>x</a>"
        '<script>var d = {"type": "FeatureCollection", "features": [{"type": '
        '"Feature", "properties": {"n": 2, "namn": "\\u003cimg src=x onerror=alert(1)'
        '\\u003e"}, "geometry": {"type": "Point", "coordinates": [17.6, 59.2]}}]};'
        "L.marker([59.2012345, 17.6123456]).addTo(m);</script>"
        "<script>alert(document.cookie)</script>"
        f"<div>{INTERNAL_MARKING}</div></body></html>",
        encoding="utf-8",
    )
    found = rules(p)
    assert {
        "MARKUP_EXECUTABLE",
        "METADATA_PRIVATE",
        "POINTS_PUBLIC",
        "COORDINATE_OFF_GRID",
        "SMALL_COUNT",
        "PERSONAL_DATA",
        "INTERNAL_IN_PUBLIC",
    } <= found


def _report(cell_html: str) -> str:
    return (
        "<html><head><title>Rapport</title></head><body><table>"
        "<tr><th>Område</th><th>Andel</th></tr>"
        f"<tr><td>{cell_html}</td><td>12 %</td></tr></table></body></html>"
    )


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<script>alert(1)</script>",
        "<iframe src=javascript:alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "<details open ontoggle=alert(1)>",
    ],
)
def test_html_table_escaped_payload_passes_raw_is_flagged(tmp_path, payload):
    """Escaped markup in a report cell is text; the same markup raw is executable."""
    escaped = tmp_path / "escaped.html"
    escaped.write_text(_report(html(payload)), encoding="utf-8")
    assert "&lt;" in escaped.read_text(encoding="utf-8")
    assert "MARKUP_EXECUTABLE" not in rules(escaped)
    assert "MARKUP_EXECUTABLE" not in rules(escaped, "internal")
    raw = tmp_path / "raw.html"
    raw.write_text(_report(payload), encoding="utf-8")
    assert "MARKUP_EXECUTABLE" in rules(raw)
    assert "MARKUP_EXECUTABLE" in rules(raw, "internal")


def test_internal_report_with_escaped_area_name_is_written(tmp_path):
    """An internal report whose area name is an escaped payload is sealed, not refused."""
    gate = Gate("internal", quiet=True)
    page = _report(html("<img src=x onerror=alert(1)>"))
    path = gate.write_html(page, tmp_path / "rapport.html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in path.read_text(encoding="utf-8")
    assert not scan_dir(tmp_path, mode="internal")
    raw = _report("<img src=x onerror=alert(1)>")
    with pytest.raises(GateRefusal, match="MARKUP_EXECUTABLE"):
        gate.write_html(raw, tmp_path / "rapport_ra.html")


def _xlsx(path, rows, *, marking=True):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if marking:
        ws.append([INTERNAL_MARKING])
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text cells, as our writer stores them
    wb.save(path)
    return path


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markup_text_in_csv_and_xlsx_cells_is_text_internally_refused_publicly(tmp_path, payload):
    """No spreadsheet runs markup: in an internal table it is just text. A public file
    travels (open data, web pages inserting cells raw): there it is still a finding."""
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(f"{INTERNAL_MARKING}\narea_id;name;n\nA;{payload};12\n", encoding="utf-8")
    xlsx_path = _xlsx(tmp_path / "t.xlsx", [["area_id", "name", "n"], ["A", payload, 12]])
    for path in (csv_path, xlsx_path):
        assert rules(path, "internal") == set(), path.name
        assert "MARKUP_EXECUTABLE" in rules(path, "public"), path.name


def test_formula_like_text_cell_in_xlsx_is_flagged_unless_neutralised(tmp_path):
    raw = _xlsx(tmp_path / "r.xlsx", [["area_id", "name"], ["A", '=HYPERLINK("http://x","y")']])
    assert "SPREADSHEET_FORMULA" in rules(raw, "internal")
    assert "SPREADSHEET_FORMULA" in rules(raw, "public")
    done = _xlsx(tmp_path / "d.xlsx", [["area_id", "name"], ["A", '\'=HYPERLINK("http://x")']])
    assert rules(done, "internal") == set()
    numbers = _xlsx(tmp_path / "n.xlsx", [["area_id", "n"], ["A", -5], ["B", "-5"]])
    assert rules(numbers, "internal") == set()


def test_escaped_payloads_in_folium_pass(tmp_path):
    import folium

    m = folium.Map(location=[59.2, 17.6], tiles=None)
    for payload in [
        "<img src=x onerror=alert(1)>",
        "${alert(1)}",
        "</script><script>alert(1)</script>",
    ]:
        folium.Marker(
            [59.2, 17.6], popup=folium.Popup(html(payload)), tooltip=folium.Tooltip(html(payload))
        ).add_to(m)
    p = tmp_path / "k.html"
    p.write_text(m.get_root().render(), encoding="utf-8")
    found = {f.rule for f in scan_file(p, "public", manifest=False)}
    assert "MARKUP_EXECUTABLE" not in found
    # the same page built without the safe-text helper is caught
    m2 = folium.Map(location=[59.2, 17.6], tiles=None)
    folium.Marker(
        [59.2, 17.6],
        popup=folium.Popup("</script><script>alert(1)</script>"),
        tooltip="<img src=x onerror=alert(1)>",
    ).add_to(m2)
    p2 = tmp_path / "k2.html"
    p2.write_text(m2.get_root().render(), encoding="utf-8")
    assert "MARKUP_EXECUTABLE" in rules(p2)


def test_coordinates_on_grid_lattice_pass(tmp_path):
    from pyproj import Transformer

    tf = Transformer.from_crs(3006, 4326, always_xy=True)
    lng, lat = tf.transform(650125.0, 6550375.0)  # a 250 m cell centre
    p = tmp_path / "k.html"
    p.write_text(
        f"<html><body><script>L.marker([{lat:.7f}, {lng:.7f}]);"
        "var m = L.map('x', {center: [59.2012345, 17.6123456]});</script></body></html>",
        encoding="utf-8",
    )
    assert "COORDINATE_OFF_GRID" not in rules(p)


def geojson(tmp_path, geoms, props):
    gdf = gpd.GeoDataFrame(props, geometry=geoms, crs=3006).to_crs(4326)
    p = tmp_path / "lager.geojson"
    p.write_text(gdf.to_json(), encoding="utf-8")
    return p


def test_geojson_points_and_fine_grid(tmp_path):
    p = geojson(tmp_path, [Point(650000, 6550000)], {"n": [7]})
    assert "POINTS_PUBLIC" in rules(p)
    p = geojson(tmp_path, [box(650000, 6550000, 650100, 6550100)], {"n": [7]})
    assert "PUBLIC_CELL_SIZE" in rules(p)
    p = geojson(tmp_path, [box(650000, 6550000, 650250, 6550250)], {"n": [7]})
    assert rules(p) == set()


def test_gpkg_rules(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"n": [2], "pnr": ["19850101-1234"]}, geometry=[Point(650000, 6550000)], crs=3006
    )
    p = tmp_path / "x.gpkg"
    gdf.to_file(p, driver="GPKG", metadata={"source": "/home/anna/hemligt.csv"})
    assert {"POINTS_PUBLIC", "SMALL_COUNT", "PERSONAL_DATA", "METADATA_PRIVATE"} <= rules(p)


def test_tiff_rules(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    p = tmp_path / "kde.tif"
    with rasterio.open(
        p,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:3006",
        transform=from_origin(650000, 6551000, 100, 100),
    ) as dst:
        dst.write(np.linspace(0.01, 3.7, 16, dtype="float32").reshape(1, 4, 4))
        dst.update_tags(TRYGGAPLATSER_PARAMS='{"bandwidth": 600}', SOURCE="C:\\Users\\anna\\x")
    assert {"PUBLIC_CELL_SIZE", "RASTER_UNCLASSED", "METADATA_PRIVATE"} <= rules(p)


def test_png_and_pdf_metadata(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    fig.savefig(tmp_path / "f.png", metadata={"Author": "/home/anna/figur"})
    fig.savefig(tmp_path / "f.pdf", metadata={"Author": "/Users/anna"})
    fig.savefig(tmp_path / "ok.png")
    plt.close(fig)
    assert "METADATA_PRIVATE" in rules(tmp_path / "f.png")
    assert "METADATA_PRIVATE" in rules(tmp_path / "f.pdf")
    assert rules(tmp_path / "ok.png") == set()


def test_xlsx_formula_and_metadata(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["area_id", "n"])
    wb.active.append(["A", "=1+1"])
    wb.properties.creator = "/home/anna"
    wb.save(tmp_path / "t.xlsx")
    assert {"SPREADSHEET_FORMULA", "METADATA_PRIVATE"} <= rules(tmp_path / "t.xlsx")


def test_user_and_host_names_in_metadata():
    import getpass
    import socket

    names = [
        n
        for n in (getpass.getuser(), socket.gethostname())
        if len(n) >= 3 and n not in ("root", "user", "admin", "runner", "localhost")
    ]
    for n in names:
        assert metadata_problems(f"skapad av {n}")
    assert metadata_problems("tryggaplatser 0.1") == []


def test_manifest_rules_and_clean_set(tmp_path):
    gate = Gate("public", quiet=True)
    gate.write_html(
        "<html><head><title>Karta</title></head><body><p>ok</p></body></html>",
        tmp_path / "karta.html",
    )
    gate.finish(tmp_path)
    assert scan_dir(tmp_path) == []
    (tmp_path / "extra.txt").write_text("hej", encoding="utf-8")
    assert {f.rule for f in scan_dir(tmp_path)} == {"NOT_GATED"}
    (tmp_path / "extra.txt").unlink()
    with (tmp_path / "karta.html").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert {f.rule for f in scan_dir(tmp_path)} == {"MODIFIED_AFTER_SEAL"}
    manifest = json.loads((tmp_path / "utgivning.json").read_text(encoding="utf-8"))
    assert all(e["mode"] == "public" for e in manifest["files"].values())


def test_unreadable_file_is_a_finding(tmp_path):
    (tmp_path / "trasig.gpkg").write_bytes(b"not a geopackage")
    assert "FILE_UNREADABLE" in rules(tmp_path / "trasig.gpkg")


def test_release_then_audit_property_small_counts(tmp_path):
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"area_id": [f"A{i}" for i in range(12)], "n": rng.integers(0, 9, 12)})
    from tryggaplatser.publish.tables import write_csv

    gate = Gate("public", quiet=True)
    write_csv(df, tmp_path / "t.csv", gate=gate, kind="area_table", margins=True)
    assert scan_dir(tmp_path) == []


@pytest.mark.parametrize("crs", [3006, 4326])
def test_cell_sizes_measured_on_arrays_equal_ring_by_ring(crs):
    """A GeoPackage's rings are measured all at once (:func:`_first_small_cell`); the
    reference is the ring-by-ring measurement GeoJSON rings get: the same first small cell,
    to the metre, for rectangles of many sizes, rings of 3–6 points and crooked rings."""
    from tryggaplatser.publish.audit import _first_small_cell, _small_cells, _to_3006

    rng = np.random.default_rng(12)
    transform = _to_3006(crs)
    degree = 1 / 60_000 if crs == 4326 else 1.0  # about a metre
    found = 0
    for _ in range(200):
        rings = []
        for _ in range(rng.integers(1, 25)):
            x0, y0 = (
                (rng.uniform(6e5, 7e5), rng.uniform(6.5e6, 6.6e6))
                if crs == 3006
                else (rng.uniform(15, 18), rng.uniform(58, 60))
            )
            side = rng.choice([100, 124, 125, 248, 248.9, 249.1, 250, 260]) * degree
            w = side * rng.choice([1, 1, 1.004, 0.5, 2])
            pts = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + side), (x0, y0 + side), (x0, y0)]
            n = rng.choice([3, 4, 5, 5, 6])
            pts = pts[:n] if n <= 5 else [*pts, (x0 + degree, y0)]
            if rng.random() < 0.15:  # a corner off by up to 3 m: no rectangle, or still one
                pts[1] = (pts[1][0] + rng.uniform(-3, 3) * degree, pts[1][1])
            rings.append(np.array(pts))
        expected = next(_small_cells(rings, transform), None)
        assert _first_small_cell(rings, transform) == expected
        found += expected is not None
    assert 0 < found < 200  # both outcomes were tried
