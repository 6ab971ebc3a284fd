"""``tryggaplatser demo``: the whole chain on the demo municipality, as a user runs it."""

from __future__ import annotations

import pytest

from tryggaplatser.publish.audit import scan_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_out(demo_run):
    return demo_run


def test_demo_reports_a_clean_public_audit(demo_out):
    out, text = demo_out
    assert "granskning av den publika mängden: inga fynd" in text
    assert "Traceback" not in text
    assert list(scan_dir(out / "publik", mode="public")) == []


@pytest.mark.parametrize(
    "pattern",
    [
        "hotspots.gpkg",
        "hotspots_gi_bin.tif",
        "hotspots_kde_class.tif",
        "hotspots.json",
        "karta_omrade_*.html",
        "karta_hotspots_*.html",
        "omrade_*.html",
        "lagesbild_*.html",
        "indikatorer*.csv",
        "indikatorer*.xlsx",
        "est_*.html",
        "utvardering_*.html",
        "offentliggorande.html",
        "riskfaktorer.html",
        "riskyta.gpkg",
        "gatustrackor.gpkg",
    ],
)
def test_public_set_has_every_product(demo_out, pattern):
    out, _ = demo_out
    assert list((out / "publik").glob(pattern)), pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "hotspots_gistar.tif",
        "hotspots_kde.tif",
        "hotspots.gpkg",
        "karta_omrade_*.html",
        "karta_hotspots_*.html",
        "karta_est_*.html",
        "omrade_*.html",
        "lagesbild_*.html",
        "est_*.html",
        "est_*.gpkg",
        "*plan*.xlsx",
        "*plan*.html",
        "utvardering_*.html",
        "validering.json",
    ],
)
def test_internal_set_has_every_product(demo_out, pattern):
    out, _ = demo_out
    assert list((out / "internt").glob(pattern)), pattern


def test_one_area_report_and_map_per_demo_area(demo_out):
    out, _ = demo_out
    public = out / "publik"
    assert len(list(public.glob("omrade_*.html"))) == 25
    assert len(list(public.glob("karta_omrade_*.html"))) == 25


def test_internal_set_is_marked_and_quarantine_never_public(demo_out):
    out, _ = demo_out
    internal_findings = [
        f for f in scan_dir(out / "internt", mode="internal") if f.rule == "MARKING_MISSING"
    ]
    assert internal_findings == []
    assert not [p for p in (out / "publik").rglob("*") if "karantan" in p.name]
    assert "INTERNT – ej för spridning" in (out / "internt" / "lagesbild_2026.html").read_text(
        encoding="utf-8"
    )


# --------------------------------------------------------------------------- one run, one answer


def _gistar_layer(out, folder):
    """The run's hot cells from its GeoPackage: ``{cell corner: gi_bin}`` and the cell size."""
    import json

    import geopandas as gpd

    summary = json.loads((out / folder / "hotspots.json").read_text(encoding="utf-8"))
    cells = gpd.read_file(out / folder / "hotspots.gpkg", layer="gistar")
    size = float(summary["cell_size_m"])
    b = cells.geometry.bounds
    corners = list(zip(b["minx"].round().astype(int), b["miny"].round().astype(int)))
    return dict(zip(corners, cells["gi_bin"].astype(int))), size, cells


def _map_gistar_cells(html: str, size: float) -> dict:
    """The Gi* cells drawn in an HTML map: ``{cell corner: class label}``, read from the page."""
    import json

    from pyproj import Transformer

    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)
    decoder = json.JSONDecoder()
    drawn = {}
    start = html.find("TP.layer(")
    while start >= 0:
        payload, _ = decoder.raw_decode(html, start + len("TP.layer("))
        if payload.get("k") == "gistar":
            for feature in payload["fc"]["features"]:
                ring = feature["geometry"]["coordinates"][0]
                xs, ys = to_sweref.transform([p[0] for p in ring], [p[1] for p in ring])
                cx, cy = sum(xs[:-1]) / (len(xs) - 1), sum(ys[:-1]) / (len(ys) - 1)
                corner = (int(cx // size * size), int(cy // size * size))
                drawn[corner] = feature["properties"]["t"]
        start = html.find("TP.layer(", start + 1)
    return drawn


@pytest.mark.parametrize("folder", ["publik", "internt"])
def test_every_product_shows_the_runs_hotspots(demo_out, folder):
    """Maps, area reports and the GeoPackage of one run show the same cells in the same classes,
    and every cell size they print equals the run's (hotspots.json)."""
    import re

    import geopandas as gpd

    from tryggaplatser.datasets import demo_config_path
    from tryggaplatser.layers import vocab

    out, _ = demo_out
    bins, size, cells = _gistar_layer(out, folder)
    hot = {c: b for c, b in bins.items() if b >= 2}
    assert hot, "the demo has planted hotspots"
    # hot cells per area by centroid, from the GeoPackage and the areas layer
    areas = gpd.read_file(demo_config_path().parent / "areas" / "omraden.gpkg")
    hot_cells = cells[cells["gi_bin"] >= 2]
    centroids = gpd.GeoDataFrame(geometry=hot_cells.geometry.centroid, crs=cells.crs)
    joined = gpd.sjoin(centroids, areas[["omrade_id", "namn", "geometry"]], predicate="within")
    expected = joined.groupby("namn").size().to_dict()
    b = hot_cells.geometry.bounds.loc[joined.index]
    corners_in = {
        name: set(zip(g_x.round().astype(int), g_y.round().astype(int)))
        for name, g_x, g_y in (
            (n, b.loc[idx, "minx"], b.loc[idx, "miny"])
            for n, idx in joined.groupby("namn").groups.items()
        )
    }
    size_text = f"{size:g}".replace(".", ",")

    checked_maps = 0
    for report in sorted((out / folder).glob("omrade_*.html")):
        html = report.read_text(encoding="utf-8")
        name = re.search(r"<h1[^>]*>(?:Områdesanalys: )?([^<]+)</h1>", html)
        stated = re.search(r"Hotspotceller i området \((\d+) st\)", html)
        n = int(stated.group(1)) if stated else 0
        area_name = name.group(1).strip() if name else ""
        if area_name in expected or n:
            assert n == expected.get(area_name, 0), (report.name, area_name, n)
        for shown in re.findall(r"(?:Ruta \(|rutor om )([\d ,]+) m", html):
            assert shown.replace("\u202f", "").replace(" ", "") == size_text, report.name
        slug = report.name.removeprefix("omrade_")
        page = out / folder / f"karta_omrade_{slug}"
        drawn = _map_gistar_cells(page.read_text(encoding="utf-8"), size)
        for corner, label in drawn.items():
            assert corner in bins, (page.name, corner)
            assert label == vocab.label("gi_bin", str(bins[corner])), (page.name, corner, label)
        missing = corners_in.get(area_name, set()) - set(drawn)
        assert not missing, (page.name, sorted(missing)[:3])
        checked_maps += 1
    assert checked_maps == 25


@pytest.mark.parametrize("folder", ["publik", "internt"])
def test_raster_and_period_equal_the_runs_record(demo_out, folder):
    """The Gi* raster holds the GeoPackage's class in every cell, and every area report and
    map prints the run's period (hotspots.json)."""
    import json

    import rasterio

    from tryggaplatser.publish.rasters import GI_BIN_OFFSET

    out, _ = demo_out
    _, size, cells = _gistar_layer(out, folder)
    with rasterio.open(out / folder / "hotspots_gi_bin.tif") as src:
        band = src.read(1)
        centres = cells.geometry.centroid
        rows, cols = rasterio.transform.rowcol(src.transform, centres.x, centres.y)
        assert abs(src.res[0] - size) < 1e-6
    # gi_bin −3…+3 is stored as the uint8 code gi_bin + 4 (GDAL < 3.7 misreads int8)
    assert (band[rows, cols] == cells["gi_bin"].to_numpy() + GI_BIN_OFFSET).all()
    summary = json.loads((out / folder / "hotspots.json").read_text(encoding="utf-8"))
    start, end = summary["period"]
    in_reports = f"{start} – {end}"
    # maps print the period as their title block does: whole months in public, days internally
    in_maps = f"{start[:7]} – {end[:7]}" if folder == "publik" else in_reports
    for page in sorted((out / folder).glob("omrade_*.html")):
        assert in_reports in page.read_text(encoding="utf-8"), page.name
    for page in sorted((out / folder).glob("karta_omrade_*.html")):
        assert in_maps in page.read_text(encoding="utf-8"), page.name


@pytest.mark.parametrize(
    ("folder", "window", "dates"),
    [
        ("internt", "2026-W47", ("2026-11-16", "2026-11-22")),
        ("publik", "2026-10", ("2026-10-01", "2026-10-31")),
    ],
)
def test_week_and_month_map_equal_the_hotspots_layer_of_the_same_window(
    demo_out, tmp_path, folder, window, dates
):
    """The EST hot-spot map of a week (internal) or month (public) draws the same cells in the
    same classes as `tryggaplatser hotspots --from … --to …` writes for that window."""
    from click.testing import CliRunner

    from tryggaplatser.cli import cli
    from tryggaplatser.datasets import demo_config_path
    from tryggaplatser.layers import vocab

    out, _ = demo_out
    mode = "public" if folder == "publik" else "internal"
    args = ["hotspots", "--config", str(demo_config_path()), "--mode", mode]
    args += ["--from", dates[0], "--to", dates[1], "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args, env={"SOURCE_DATE_EPOCH": "1795392000"})
    assert result.exit_code == 0, result.output
    bins, size, _ = _gistar_layer(tmp_path, folder)
    page = out / folder / f"karta_hotspots_{window}.html"
    drawn = _map_gistar_cells(page.read_text(encoding="utf-8"), size)
    hot = {c for c, b in bins.items() if b != 0}
    assert drawn and set(drawn) == hot, (len(drawn), len(hot))
    for corner, label in drawn.items():
        assert label == vocab.label("gi_bin", str(bins[corner])), (corner, label)


# --------------------------------------------------------------------------- atomic outputs


def _tree(folder):
    """Every file and folder under ``folder`` (hidden ones too) with its bytes' digest."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def test_demo_sets_are_complete(demo_out):
    import json

    from tryggaplatser.publish.audit import set_findings

    out, _ = demo_out
    for folder, mode in (("publik", "public"), ("internt", "internal")):
        manifest = json.loads((out / folder / "utgivning.json").read_text(encoding="utf-8"))
        assert manifest["complete"] is True
        assert set_findings(out / folder, mode) == []
    assert sorted(p.name for p in out.iterdir()) == ["internt", "publik"]  # no staging left


def test_demo_prints_a_sealed_pdf_beside_every_report(demo_out):
    import json

    out, _ = demo_out
    for folder in ("publik", "internt"):
        files = json.loads((out / folder / "utgivning.json").read_text(encoding="utf-8"))["files"]
        reports = [n for n, e in files.items() if e["kind"] == "report"]
        assert len(reports) >= 25
        for name in reports:
            pdf = name.removesuffix(".html") + ".pdf"
            assert (out / folder / pdf).is_file(), pdf
            assert files[pdf]["kind"] == "pdf"
            assert files[pdf]["source_sha256"] == files[name]["sha256"]


def test_demo_with_a_corrupt_layer_leaves_the_previous_outputs_byte_identical(
    demo_out, tmp_path, monkeypatch
):
    """The demo validates before it touches anything: one truncated layer, and the previous
    outputs are the same bytes (it used to delete them first and leave 0 files)."""
    import shutil

    from click.testing import CliRunner

    import tryggaplatser.datasets as datasets
    from tryggaplatser.cli import cli

    out, _ = demo_out
    previous = tmp_path / "ut"
    shutil.copytree(out, previous)
    before = _tree(previous)
    assert len(before) > 250
    data = tmp_path / "data"
    shutil.copytree(datasets.demo_data_dir(), data)
    layer = data / "areas" / "omraden.gpkg"
    layer.write_bytes(layer.read_bytes()[: layer.stat().st_size // 2])
    monkeypatch.setattr(datasets, "demo_data_dir", lambda: data)
    res = CliRunner().invoke(cli, ["demo", "--out", str(previous)])
    assert res.exit_code != 0
    assert "FILE_CORRUPT" in res.output + str(res.exception)
    assert _tree(previous) == before


def test_public_set_prints_no_day_level_date_but_its_issue_date(demo_out):
    """Month is the finest public time unit: no file of the public set prints a date finer than
    a month (ISO dates and weeks, in any text, table, JSON value, metadata or file name), except
    the documents' own issue date after "Framställd"/"Uppdaterad" and file timestamps (a date
    with a time of day, pinned to the issue date). Read with a plain regex, not the audit;
    PDFs also by their page text when ``pdftotext`` is installed."""
    import re
    import shutil
    import subprocess

    out, _ = demo_out
    folder = out / "publik"
    day = re.compile(rb"(?<![\d-])\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d])")
    week = re.compile(rb"(?<![\w-])\d{4}-W\d{2}(?!\w)")
    issued = re.compile(rb"(?:Framst\xc3\xa4lld</dt><dd>|Framst\xc3\xa4lld |Uppdaterad )$")
    found = []
    for path in sorted(folder.iterdir()):
        if path.name == "utgivning.json":  # the manifest (not a publication) checks itself
            continue
        assert not day.search(path.name.encode()) and not week.search(path.name.encode())
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        elif path.suffix == ".pdf" and shutil.which("pdftotext"):  # the printed page text
            data += subprocess.run(
                ["pdftotext", "-q", str(path), "-"], capture_output=True, check=False
            ).stdout
        for m in [*day.finditer(data), *week.finditer(data)]:
            if issued.search(data[max(0, m.start() - 40) : m.start()]):
                continue
            if re.match(rb"[T ]\d{2}:\d{2}", data[m.end() : m.end() + 6]):
                continue  # a file timestamp (GeoPackage last_change, XLSX created/modified)
            found.append((path.name, data[max(0, m.start() - 30) : m.end() + 10]))
    assert found == []


def test_the_public_year_table_sums_whole_months_only(demo_out, demo_project):
    """The lägesbild's year table counts only whole months in public (so no part of the last
    month can be derived from it and the monthly counts); internally it counts every day."""
    import re

    import pandas as pd

    out, _ = demo_out
    local = pd.to_datetime(demo_project.incidents["occurred_at"]).dt.tz_convert("Europe/Stockholm")
    first, last = local.min(), local.max()
    start = (first + pd.offsets.MonthBegin(1)).normalize() if first.day != 1 else first.normalize()
    end = last.normalize().replace(day=1)  # exclusive: the last month is incomplete
    whole = local[(local >= start) & (local < end)]
    for folder, counted in (("publik", whole), ("internt", local)):
        page = next((out / folder).glob("lagesbild_*.html")).read_text(encoding="utf-8")
        table = page[page.index("Händelser per år") :]
        table = table[: table.index("</table>")]
        rows = re.findall(
            r"<td[^>]*>(\d{4})</td><td[^>]*>([\d\s\u00a0\u202f]+)</td><td[^>]*>([^<]*)</td>",
            table,
        )
        shown = {int(y): int(re.sub(r"\D", "", n)) for y, n, _ in rows}
        expected = counted.dt.year.value_counts().to_dict()
        assert shown == expected, folder
        notes = " ".join(note for _, _, note in rows)
        if folder == "publik":
            assert f"till {(end - pd.Timedelta(days=1)):%Y-%m})" in notes
            assert not re.search(r"\d{4}-\d{2}-\d{2}", notes)


def test_demo_products_show_the_forecast_sections(demo_out):
    """The internal EST brief scores its focus places; both lägesbilder say how predictable
    the hotspots are (issue 16)."""
    out, _ = demo_out
    brief = next((out / "internt").glob("est_*-W*.html")).read_text(encoding="utf-8")
    assert "Hur träffsäkra var fokusplatserna?" in brief
    for folder in ("publik", "internt"):
        page = (out / folder / "lagesbild_2026.html").read_text(encoding="utf-8")
        assert "Hur förutsägbara är hotspots?" in page, folder


def test_demo_products_show_the_risk_factors(demo_out):
    """The risk-factor set and the short sections in the area reports and the lägesbild
    (issue 17)."""
    out, _ = demo_out
    for folder in ("publik", "internt"):
        assert (out / folder / "riskfaktorer.pdf").exists(), folder
        page = (out / folder / "lagesbild_2026.html").read_text(encoding="utf-8")
        assert 'id="riskfaktorer"' in page, folder
        area = next((out / folder).glob("omrade_*.html")).read_text(encoding="utf-8")
        assert 'id="riskfaktorer"' in area, folder
    report = (out / "internt" / "riskfaktorer.html").read_text(encoding="utf-8")
    assert "Busshållplatser" in report and "tillför inget" in report


# --------------------------------------------------------------------------- spreadsheets in Calc


@pytest.fixture(scope="module")
def workbooks_as_pdf(demo_out, libreoffice, tmp_path_factory):
    """The XLSX of the run, printed to PDF by LibreOffice Calc headless: every kind of
    workbook, of each kind the first two (two of the 25 action plans, written by one writer)
    ``{xlsx path: [(sheet name from the footer, page text, (width, height) in pt)]}``."""
    import re
    import subprocess

    out, _ = demo_out
    pdf_dir = tmp_path_factory.mktemp("kalkyl_pdf")
    pages = {}
    for folder in ("publik", "internt"):
        kinds: dict[str, list] = {}
        for book in sorted((out / folder).glob("*.xlsx")):
            kinds.setdefault(book.name.split("_")[0].removesuffix(".xlsx"), []).append(book)
        books = [book for group in kinds.values() for book in group[:2]]
        for book, pdf in zip(books, libreoffice(books, "pdf", pdf_dir / folder), strict=True):
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
            ).stdout
            info = subprocess.run(
                ["pdfinfo", "-f", "1", "-l", "100000", str(pdf)],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            sizes = [
                (float(w), float(h))
                for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
            ]
            texts = [t for t in text.split("\f") if t.strip()]
            assert len(texts) == len(sizes), book.name
            pages[book] = [
                (_footer_sheet(t), t, size) for t, size in zip(texts, sizes, strict=True)
            ]
    return pages


def _footer_sheet(page_text: str) -> str:
    """The sheet name the footer prints ("<sheet>   Sida n av N")."""
    import re

    last = [line for line in page_text.splitlines() if line.strip()][-1]
    found = re.match(r"\s*(.*?)\s{2,}Sida \d+ av \d+\s*$", last)
    assert found, last
    return found.group(1).strip()


def test_every_workbook_prints_on_a4_with_swedish_headers_and_explanations(workbooks_as_pdf):
    """Issue 15: every sheet of every XLSX prints on A4 (not US Letter), with page numbers,
    the internal marking on every internal page, and the sheets Förklaringar and Kolumnkoder."""
    assert len(workbooks_as_pdf) >= 3
    for book, pages in workbooks_as_pdf.items():
        for _sheet, text, size in pages:
            assert sorted(round(v) for v in size) == [595, 842], (book.name, size)  # A4
            assert ("INTERNT – ej för spridning" in text) == (book.parent.name == "internt")
        sheets = [s.removeprefix("INTERNT ") for s, _t, _z in pages]
        assert sheets[-1] == "Kolumnkoder" and "Förklaringar" in sheets, book.name
        explained = "\n".join(t for s, t, _z in pages if s.endswith("Förklaringar"))
        assert "Definition" in explained and "Enhet" in explained


@pytest.mark.parametrize("folder", ["publik", "internt"])
def test_indicator_workbook_prints_legibly_in_calc(workbooks_as_pdf, demo_out, folder):
    """Issue 15: indikatorer.xlsx printed as 25 A4 pages with one column alone on page 24 and
    English code headers. Now every page of a data sheet holds every column (Swedish headers
    repeated on each page), the codes are only on Kolumnkoder, and it prints on far fewer
    pages; the public rules "<5" and ".." are explained."""
    out, _ = demo_out
    pages = workbooks_as_pdf[out / folder / "indikatorer.xlsx"]
    assert len(pages) <= 18
    headers = {
        "Områden och kategorier": ["Områdes-id", "Kategori", "Befolkning", "Kvot mot kommunen"],
        "Områden": ["Områdes-id", "Antal händelser", "Hotspotrutor", "Trend, p-värde"],
        "Kommunen per kategori": ["Kategorikod", "Kategori", "Antal"],
    }
    seen = set()
    for sheet, text, size in pages:
        name = sheet.removeprefix("INTERNT ")
        flat = " ".join(text.split())
        if name in headers:
            seen.add(name)
            words = set(flat.split())
            for header in headers[name]:  # a header may wrap: each of its words is there
                assert set(header.split()) <= words, (folder, name, header)
            for code in ("rate_eb", "ratio_to_municipality", "gap_class", "trend_p"):
                assert code not in flat, (folder, name, code)
            assert "0.007292166505211279" not in flat
        if name == "Områden och kategorier":
            assert size[0] > size[1]  # landscape: the nine columns at a legible size
    assert seen == set(headers)
    explained = " ".join(" ".join(t.split()) for s, t, _z in pages if s.endswith("Förklaringar"))
    words = {"Utjämnad", "takt", "(EB)", "invånare", "(empirisk", "Bayes),"}
    assert words <= set(explained.split())
    if folder == "publik":
        assert "”<5”" in explained and "”..”" in explained
    codes = " ".join(t for s, t, _z in pages if s.endswith("Kolumnkoder"))
    assert "rate_eb" in codes and "ratio_to_municipality" in codes


def test_action_plan_workbook_has_dates_shares_and_a_legible_print(
    workbooks_as_pdf, demo_out, libreoffice, tmp_path
):
    """Issue 15: the plan's follow-up dates were text (253 of 253), Åtgärdsgrad showed
    0.714285714285714 and the Åtgärder sheet printed on US Letter with 28 columns at about
    4 pt. Calc now reads the dates as dates and the share as a per cent, and the sheet prints
    on A4 over a few pages across, header row and first column on every page."""
    from openpyxl import load_workbook

    out, _ = demo_out
    book = sorted((out / "internt").glob("handlingsplan_*.xlsx"))[0]
    pages = workbooks_as_pdf[book]
    measures = [t for s, t, _z in pages if s == "INTERNT Åtgärder"]
    assert 2 <= len(measures) <= 6  # 28 columns over a few pages, never 4 pt on one
    for text in measures:  # header row and first column repeated: every page starts "Rang"
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines[1].split()[0] == "Rang", lines[:2]
    flat = " ".join(" ".join(t.split()) for t in measures)
    for header in ("Titel", "Ansvarig", "Status", "Uppföljning", "Underlag", "Startdatum"):
        assert header in flat
    assert "0.714285" not in " ".join(t for _s, t, _z in pages)
    # what Calc read: re-saved by LibreOffice, the follow-up cells are dates, shares are %
    resaved = libreoffice([book], "xlsx", tmp_path)[0]
    wb = load_workbook(resaved)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    follow = head.index("Uppföljning") + 1
    cells = [ws.cell(r, follow) for r in range(2, ws.max_row + 1)]
    assert cells and all(c.is_date for c in cells), [c.value for c in cells[:3]]
    if any("Uppföljning" in s for s in wb.sheetnames):
        fu = wb[next(s for s in wb.sheetnames if s.endswith("Uppföljning"))]
        col = [c.value for c in fu[1]].index("Åtgärdsgrad") + 1
        shares = [fu.cell(r, col) for r in range(2, fu.max_row + 1) if fu.cell(r, col).value]
        assert shares and all("%" in c.number_format for c in shares)


def test_the_public_est_overview_says_why_its_two_totals_differ(demo_out, demo_project):
    """The area table counts the month's reports that lie in an area, the category table every
    report of the municipality: the two "Totalt" differ by the reports no area holds, and the
    page says so, next to each table."""
    import re

    import pandas as pd

    from tryggaplatser.analysis.areas import assign_points

    out, _ = demo_out
    page = next((out / "publik").glob("est_*_publik.html"))
    month = page.name.removeprefix("est_").removesuffix("_publik.html")
    text = page.read_text(encoding="utf-8")

    def total(section: str) -> int:
        part = text[text.index(f'id="{section}"') :]
        row = re.search(r"<td[^>]*>Totalt</td><td[^>]*>([^<]+)</td>", part).group(1)
        return int(re.sub(r"\D", "", row))

    incidents = demo_project.incidents
    local = pd.to_datetime(incidents["occurred_at"]).dt.tz_convert("Europe/Stockholm")
    in_month = incidents[local.dt.strftime("%Y-%m") == month]
    placed = assign_points(in_month, demo_project.areas)["area_id"].notna().sum()
    assert (total("omraden"), total("kategorier")) == (placed, len(in_month))
    assert total("omraden") < total("kategorier")  # the demo has reports outside the areas
    assert "räknas bara i tabellen per kategori, så dess summa kan vara större" in text
    assert "även de som inte kan placeras i något område" in text
