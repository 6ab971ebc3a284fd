"""The audit reads content, not only the manifest (issue 14, item 3).

A small valid public set is written with the product writers (CSV and XLSX tables through the
gate, a report page, a GeoPackage of 250 m cells, a JSON summary and a PNG figure, each sealed
in the manifest). Each case of the battery crafts one leak into a copy of that set and
re-seals the manifest, so every manifest check passes: the audit must find the leak by its
content, with the right rule, name the file and the place, and never print the secret.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import MANIFEST, Gate
from tryggaplatser.publish.reports.report import Report, release_table
from tryggaplatser.publish.tables import write_csv, write_xlsx

MANIFEST_RULES = {"NOT_GATED", "MODIFIED_AFTER_SEAL", "FILE_MISSING", "SET_INCOMPLETE"}


def _areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": ["A", "B", "C", "D"],
            "name": ["Norr", "Söder", "Öster", "Väster"],
            "n": [48, 19, 77, 25],
        }
    )


def _report_page(gate: Gate, folder: Path) -> Path:
    report = Report(
        "Områdesanalys",
        gate=gate,
        municipality="Exempelstad",
        period="2026-01 – 2026-10",
        kind="Områdesanalys",
        issued="2026-11-23",
    )
    report.summary(["Fyra områden, hela månader."])
    section = report.section("Händelser", intro="Per område.")
    released = release_table(gate, _areas(), "area_table", counts=("n",))
    section.table(
        released,
        columns={"area_id": "Kod", "name": "Område", "n": "Otrygga signaler"},
        numeric=["n"],
        caption="Otrygga signaler per område, 2026-01 – 2026-10",
    )
    section.paragraph("Perioden är 2026-01 – 2026-10 (hela månader).")
    return report.write(folder / "omrade.html")


def _cells_gpkg(gate: Gate, folder: Path) -> Path:
    cells = gpd.GeoDataFrame(
        {"cell_id": ["c1", "c2", "c3"], "n": [12, 30, 9]},
        geometry=[box(650000 + 250 * i, 6550000, 650250 + 250 * i, 6550250) for i in range(3)],
        crs=3006,
    )
    path = folder / "rutor.gpkg"
    cells.to_file(path, layer="rutor", driver="GPKG")
    gate.seal(path, kind="grid_cells")
    return path


def _figure(gate: Gate, folder: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar(["A", "B"], [48, 19])
    path = folder / "figur.png"
    fig.savefig(path, metadata={"Software": "tryggaplatser"})
    plt.close(fig)
    gate.seal(path, kind="figure")
    return path


@pytest.fixture(scope="module")
def clean_set(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("publik")
    gate = Gate("public", quiet=True)
    write_csv(_areas(), folder / "omraden.csv", gate=gate, kind="area_table", counts=("n",))
    write_xlsx({"Områden": _areas()}, folder / "omraden.xlsx", gate=gate, kind="area_table")
    _report_page(gate, folder)
    _cells_gpkg(gate, folder)
    _figure(gate, folder)
    summary = folder / "sammanfattning.json"
    summary.write_text(
        json.dumps({"period": ["2026-01", "2026-10"], "omraden": 4}, ensure_ascii=False),
        encoding="utf-8",
    )
    gate.seal(summary, kind="summary")
    gate.finish(folder)
    return folder


def reseal(folder: Path) -> None:
    """Re-seal every file of the folder in its manifest, as an attacker who can write the
    manifest would: every manifest check passes afterwards."""
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for file in sorted(folder.iterdir()):
        if file.name == MANIFEST or not file.is_file():
            continue
        entry = manifest["files"].get(file.name, {"mode": "public", "kind": "file"})
        entry["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
        manifest["files"][file.name] = entry
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# crafting helpers


def _html(folder: Path, snippet: str) -> None:
    page = folder / "omrade.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", f"{snippet}</main>", 1), encoding="utf-8")


def _html_cell(folder: Path, old: str, new: str) -> None:
    page = folder / "omrade.html"
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")


def _csv(folder: Path, edit) -> None:
    path = folder / "omraden.csv"
    frame = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
    frame = edit(frame)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


def _xlsx(folder: Path, edit) -> None:
    from openpyxl import load_workbook

    path = folder / "omraden.xlsx"
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)


def _gpkg(folder: Path, **columns) -> None:
    """Rewrite the cells layer with extra or changed attribute columns."""
    path = folder / "rutor.gpkg"
    cells = gpd.read_file(path, layer="rutor")
    for name, values in columns.items():
        cells[name] = values
    path.unlink()
    cells.to_file(path, layer="rutor", driver="GPKG")


def _json(folder: Path, obj) -> None:
    (folder / "sammanfattning.json").write_text(json.dumps(obj), encoding="utf-8")


def _png_author(folder: Path, author: str) -> None:
    from PIL import Image, PngImagePlugin

    path = folder / "figur.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "tryggaplatser")
    info.add_text("Author", author)
    with Image.open(path) as im:
        im.load()
        im.save(path, pnginfo=info)


def _pdf_author(folder: Path, author: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1])
    fig.savefig(folder / "figur.pdf", metadata={"Author": author})
    plt.close(fig)


def _pdf_page(folder: Path, text: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(3, 2))
    fig.text(0.1, 0.5, text)
    fig.savefig(folder / "figur.pdf")
    plt.close(fig)


def _tiff_artist(folder: Path, artist: str) -> None:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(
        folder / "klasser.tif",
        "w",
        driver="GTiff",
        width=2,
        height=2,
        count=1,
        dtype="uint8",
        crs="EPSG:3006",
        transform=from_origin(650000, 6550500, 250, 250),
    ) as dst:
        dst.write(np.array([[[1, 2], [3, 4]]], dtype="uint8"))
        dst.update_tags(TIFFTAG_ARTIST=artist)


def _add_column(cell_value):
    def edit(wb):
        ws = wb["Områden"]
        ws.cell(row=1, column=ws.max_column + 1, value="x")
        ws.cell(row=1, column=ws.max_column + 1, value="y")
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=ws.max_column - 1, value=cell_value[0] + r)
            ws.cell(row=r, column=ws.max_column, value=cell_value[1] + r)

    return edit


def _set_cell(sheet_value, *, formula: bool):
    def edit(wb):
        ws = wb["Områden"]
        cell = ws.cell(row=3, column=2)
        cell.value = sheet_value
        cell.data_type = "f" if formula else "s"

    return edit


def _props(**values):
    def edit(wb):
        for k, v in values.items():
            setattr(wb.properties, k, v)

    return edit


def _small_xlsx_count(wb):
    ws = wb["Områden"]
    names = ("n", "Antal")  # the column code or its label
    row = next(r for r in range(1, ws.max_row + 1) if {c.value for c in ws[r]} & set(names))
    values = [c.value for c in ws[row]]
    column = next(values.index(n) for n in names if n in values) + 1
    ws.cell(row=row + 2, column=column, value=3)


# each case: (id, craft(folder), rule, file, secret the finding must not print)
CASES = [
    # formulas (an XLSX cell stored as a formula, and the same text in a text cell)
    (
        "xlsx_dde_formula",
        lambda f: _xlsx(f, _set_cell("=cmd|' /C calc'!A0", formula=True)),
        "SPREADSHEET_FORMULA",
        "omraden.xlsx",
        "calc",
    ),
    (
        "xlsx_dde_text",
        lambda f: _xlsx(f, _set_cell("=cmd|' /C calc'!A0", formula=False)),
        "SPREADSHEET_FORMULA",
        "omraden.xlsx",
        "calc",
    ),
    (
        "csv_dde_text",
        lambda f: _csv(f, lambda d: d.assign(name=["=cmd|' /C calc'!A0"] * 4)),
        "SPREADSHEET_FORMULA",
        "omraden.csv",
        "calc",
    ),
    # user names in metadata
    (
        "xlsx_creator_person",
        lambda f: _xlsx(f, _props(creator="Anna Svensson")),
        "METADATA_PRIVATE",
        "omraden.xlsx",
        "Svensson",
    ),
    (
        "xlsx_lastmodifiedby_account",
        lambda f: _xlsx(f, _props(lastModifiedBy="KOMMUN\\asv123")),
        "METADATA_PRIVATE",
        "omraden.xlsx",
        "asv123",
    ),
    (
        "xlsx_creator_account",
        lambda f: _xlsx(f, _props(creator="ad\\anna.svensson")),
        "METADATA_PRIVATE",
        "omraden.xlsx",
        "anna.svensson",
    ),
    (
        "png_author_person",
        lambda f: _png_author(f, "Anna Svensson"),
        "METADATA_PRIVATE",
        "figur.png",
        "Svensson",
    ),
    (
        "pdf_author_account",
        lambda f: _pdf_author(f, "KOMMUN\\asv123"),
        "METADATA_PRIVATE",
        "figur.pdf",
        "asv123",
    ),
    (
        "tiff_artist_person",
        lambda f: _tiff_artist(f, "Anna Svensson"),
        "METADATA_PRIVATE",
        "klasser.tif",
        "Svensson",
    ),
    (
        "html_meta_author",
        lambda f: _html_cell(f, "<head>", '<head><meta name="author" content="Anna Svensson">'),
        "METADATA_PRIVATE",
        "omrade.html",
        "Svensson",
    ),
    # coordinates written as text
    (
        "html_wgs84_pair",
        lambda f: _html(f, "<p>Platsen: 59.1953, 17.6253.</p>"),
        "COORDINATE_OFF_GRID",
        "omrade.html",
        "59.1953",
    ),
    (
        "html_wgs84_decimal_comma",
        lambda f: _html(f, "<p>Vid 59,1953 17,6253 i parken.</p>"),
        "COORDINATE_OFF_GRID",
        "omrade.html",
        "59,1953",
    ),
    (
        "html_wgs84_dms",
        lambda f: _html(f, "<p>59°11'43\"N 17°37'31\"E</p>"),
        "COORDINATE_OFF_GRID",
        "omrade.html",
        "11'43",
    ),
    (
        "html_sweref_pair",
        lambda f: _html(f, "<p>N 6563187, E 650061</p>"),
        "COORDINATE_OFF_GRID",
        "omrade.html",
        "6563187",
    ),
    (
        "html_cell_wgs84",
        lambda f: _html_cell(f, ">Norr<", ">Norr 59.19531, 17.62534<"),
        "COORDINATE_OFF_GRID",
        "omrade.html",
        "59.19531",
    ),
    (
        "json_wgs84_string",
        lambda f: _json(f, {"plats": "59.1953, 17.6253"}),
        "COORDINATE_OFF_GRID",
        "sammanfattning.json",
        "59.1953",
    ),
    # raw coordinate columns
    (
        "csv_xy_columns",
        lambda f: _csv(f, lambda d: d.assign(x=650061, y=6563187)),
        "POINTS_PUBLIC",
        "omraden.csv",
        "6563187",
    ),
    (
        "csv_latlon_columns",
        lambda f: _csv(f, lambda d: d.assign(lat="59,19531", lon="17,62534")),
        "POINTS_PUBLIC",
        "omraden.csv",
        "59,19531",
    ),
    (
        "xlsx_xy_columns",
        lambda f: _xlsx(f, _add_column((650061, 6563187))),
        "POINTS_PUBLIC",
        "omraden.xlsx",
        "6563187",
    ),
    (
        "gpkg_xy_columns",
        lambda f: _gpkg(f, easting=650061.3, northing=6563187.9),
        "POINTS_PUBLIC",
        "rutor.gpkg",
        "6563187",
    ),
    # HTML comments
    (
        "html_comment_name",
        lambda f: _html(f, "<!-- granskad av Anna Svensson -->"),
        "HTML_COMMENT",
        "omrade.html",
        "Svensson",
    ),
    ("html_comment_empty", lambda f: _html(f, "<!-- -->"), "HTML_COMMENT", "omrade.html", None),
    # counts 1–4 in count columns
    (
        "html_small_count_signals",
        lambda f: _html_cell(f, '<td class="num">48</td>', '<td class="num">3</td>'),
        "SMALL_COUNT",
        "omrade.html",
        "3",
    ),
    (
        "html_small_count_header",
        lambda f: _html_cell(f, ">Otrygga signaler<", ">Otrygga signaler (n=3)<"),
        "SMALL_COUNT",
        "omrade.html",
        "3",
    ),
    (
        "html_small_count_row_label",
        lambda f: _html(
            f,
            "<table><tr><th>Kampanj</th><th>dialog-2024</th></tr>"
            "<tr><td>Antal svar (n)</td><td>2</td></tr></table>",
        ),
        "SMALL_COUNT",
        "omrade.html",
        "2",
    ),
    (
        "csv_small_count",
        lambda f: _csv(f, lambda d: d.assign(n=["48", "3", "77", "25"])),
        "SMALL_COUNT",
        "omraden.csv",
        "3",
    ),
    (
        "csv_small_count_antal",
        lambda f: _csv(
            f, lambda d: d.rename(columns={"n": "Antal"}).assign(Antal=["48", "2", "77", "25"])
        ),
        "SMALL_COUNT",
        "omraden.csv",
        "2",
    ),
    ("xlsx_small_count", lambda f: _xlsx(f, _small_xlsx_count), "SMALL_COUNT", "omraden.xlsx", "3"),
    ("gpkg_small_count", lambda f: _gpkg(f, n=[12, 2, 9]), "SMALL_COUNT", "rutor.gpkg", "2"),
    (
        "json_small_count",
        lambda f: _json(f, {"omraden": {"A": {"antal": 3}, "B": {"n": 48}}}),
        "SMALL_COUNT",
        "sammanfattning.json",
        "3",
    ),
    (
        "json_records_small_count",
        lambda f: _json(f, [{"omrade": "A", "Otrygga signaler": 2}]),
        "SMALL_COUNT",
        "sammanfattning.json",
        "2",
    ),
    # dates finer than a month
    (
        "html_day_note",
        lambda f: _html(f, "<p>2026: 15 101 (till 2026-11-22)</p>"),
        "TIME_TOO_FINE",
        "omrade.html",
        "2026-11-22",
    ),
    (
        "html_data_end",
        lambda f: _html(f, "<p>Dataslut 2026-11-22</p>"),
        "TIME_TOO_FINE",
        "omrade.html",
        "2026-11-22",
    ),
    (
        "html_day_words",
        lambda f: _html(f, "<p>Data till 22 november 2026.</p>"),
        "TIME_TOO_FINE",
        "omrade.html",
        "22 november",
    ),
    (
        "html_week",
        lambda f: _html(f, "<p>Underlag vecka 2026-W47.</p>"),
        "TIME_TOO_FINE",
        "omrade.html",
        "W47",
    ),
    (
        "html_title_day",
        lambda f: _html_cell(f, "<title>", "<title>2026-11-22 "),
        "TIME_TOO_FINE",
        "omrade.html",
        "2026-11-22",
    ),
    (
        "pdf_page_day",
        lambda f: _pdf_page(f, "Dataslut 2026-11-22"),
        "TIME_TOO_FINE",
        "figur.pdf",
        "2026-11-22",
    ),
    (
        "pdf_page_wgs84",
        lambda f: _pdf_page(f, "Platsen 59.1953, 17.6253"),
        "COORDINATE_OFF_GRID",
        "figur.pdf",
        "59.1953",
    ),
    (
        "json_day_period",
        lambda f: _json(f, {"period": ["2023-11-27", "2026-11-22"]}),
        "TIME_TOO_FINE",
        "sammanfattning.json",
        "2026-11-22",
    ),
    (
        "csv_day_column",
        lambda f: _csv(f, lambda d: d.assign(datum="2026-11-22")),
        "TIME_TOO_FINE",
        "omraden.csv",
        "2026-11-22",
    ),
    (
        "gpkg_day_column",
        lambda f: _gpkg(f, slut="2026-11-22"),
        "TIME_TOO_FINE",
        "rutor.gpkg",
        "2026-11-22",
    ),
]


@pytest.fixture
def crafted(clean_set, tmp_path):
    folder = tmp_path / "publik"
    shutil.copytree(clean_set, folder)
    return folder


def test_the_untouched_set_is_clean(clean_set):
    files = {p.name for p in clean_set.iterdir()}
    assert {"omraden.csv", "omraden.xlsx", "omrade.html", "rutor.gpkg", "figur.png"} <= files
    assert scan_dir(clean_set) == []


@pytest.mark.parametrize(
    ("craft", "rule", "file", "secret"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_audit_finds_each_crafted_leak_by_content(crafted, craft, rule, file, secret):
    craft(crafted)
    reseal(crafted)
    findings = scan_dir(crafted)
    assert not {f.rule for f in findings} & MANIFEST_RULES, findings  # the manifest is valid
    hits = [f for f in findings if f.rule == rule and f.file == file]
    assert hits, findings
    assert all(f.place for f in hits), hits  # every finding names its place
    if secret is None:
        return
    for f in findings:
        if secret.isdigit():  # a small count: neither the kind nor the message shows it
            assert secret not in f.excerpt + f.message, f
        else:
            assert secret not in json.dumps(f.to_dict(), ensure_ascii=False), f


def test_the_issue_date_and_whole_months_are_allowed(crafted):
    """The document's own issue date ("Framställd", "Uppdaterad") and months pass."""
    _html(crafted, "<p>Uppdaterad 2026-11-23.</p><p>Perioden 2023-12 – 2026-10.</p>")
    reseal(crafted)
    assert scan_dir(crafted) == []


def test_coordinates_on_the_public_grid_and_organisations_as_authors_pass(crafted):
    """A cell corner of the public grid in text, and a municipality as workbook author."""
    _html(crafted, "<p>Rutnätets origo: N 6550000, E 650000.</p>")
    _xlsx(crafted, _props(creator="Exempelstads kommun", lastModifiedBy="tryggaplatser"))
    reseal(crafted)
    assert scan_dir(crafted) == []


def test_count_like_headers_are_told_from_shares_and_rates():
    from tryggaplatser.publish._content_rules import is_count_header

    counts = ["n", "Antal", "Antal svar (n)", "Otrygga signaler", "Händelser", "antal_svar"]
    other = ["Andel otrygga", "Per 1 000 inv. och år", "Antal år", "Kvot mot kommunen", "Gi*-klass"]
    assert all(is_count_header(h) for h in counts)
    assert not any(is_count_header(h) for h in other)
