"""A PDF beside every HTML report (publish/pdf.py), and pages that print well (issue 15, Paper).

The printed reports are those of the session's ``tryggaplatser demo`` run (``demo_run``: every
report of both modes, written in one staged run per set, so one browser session prints its
PDFs): of each kind (area report, lägesbild, EST brief, action plan, risk factors, evaluation)
the first two of each mode are read back with PDFium (pypdfium2): page size, the text of every
page (header, footer, marking, "Sida n / N") and how far down each page its ink reaches,
measured on the rendered page.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tryggaplatser.policy import INTERNAL_MARKING, MANIFEST
from tryggaplatser.publish import pdf as pdfmod
from tryggaplatser.publish.audit import metadata_problems, pdf_page_texts, scan_file, set_findings
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.products._common import folder_for
from tryggaplatser.publish.reports.report import Report
from tryggaplatser.publish.staging import staged

pytestmark = pytest.mark.browser

A4_PT = (595.28, 841.89)
TOP_MM, BOTTOM_MM = 18, 16  # the @page margins of report.css


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]


def _ink_extent(path: Path) -> list[float]:
    """For each page: how far down the body area (between the page margins) the lowest ink
    reaches, as a share of the body height (0 = empty, 1 = full). Rendered at 36 dpi."""
    import pypdfium2 as pdfium

    out = []
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        pixels = page.render(scale=0.5, grayscale=True).to_numpy()
        gray = pixels if pixels.ndim == 2 else pixels[..., 0]
        height = gray.shape[0]
        body = gray[round(height * TOP_MM / 297) : round(height * (1 - BOTTOM_MM / 297))]
        rows = np.flatnonzero((body < 235).any(axis=1))
        out.append(float(rows.max() + 1) / body.shape[0] if len(rows) else 0.0)
        page.close()
    doc.close()
    return out


@pytest.fixture(scope="module")
def printed(demo_run) -> dict:
    out, _ = demo_run
    return {"out": out, "public": out / "publik", "internal": out / "internt"}


def _reports(folder: Path, every: bool = False) -> list[Path]:
    """The reports in ``folder``: every one, or the first two of each kind (by name: two area
    reports, two action plans, the lägesbild, the EST brief, ...)."""
    names = sorted(n for n, e in _manifest(folder).items() if e.get("kind") == "report")
    kinds: dict[str, list[str]] = {}
    for name in names:
        kinds.setdefault(re.sub(r"_.*", "", name), []).append(name)
    return [folder / name for group in kinds.values() for name in group[: None if every else 2]]


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_a_sealed_pdf_beside_every_report(printed, mode):
    folder = printed[mode]
    files = _manifest(folder)
    reports = _reports(folder, every=True)
    kinds = {re.sub(r"_.*", "", p.stem) for p in reports}
    assert {"omrade", "lagesbild"} <= kinds
    if mode == "internal":
        assert {"est", "handlingsplan"} <= kinds
    for html in reports:
        pdf = html.with_suffix(".pdf")
        assert pdf.is_file(), pdf.name
        entry = files[pdf.name]
        assert entry["kind"] == "pdf" and entry["mode"] == mode
        assert entry["sha256"] == _sha(pdf)
        assert entry["source_sha256"] == _sha(html)  # printed from this very HTML
    assert pdfmod.reports_to_print(folder) == []  # nothing left to print: none is stale
    start_page = (folder / "index.html").read_text(encoding="utf-8")
    for html in reports:  # the start page, rewritten after printing, links every PDF
        assert f'href="{html.with_suffix(".pdf").name}"' in start_page, html.name


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_every_page_is_a4_with_header_footer_and_page_numbers(printed, mode):
    import pypdfium2 as pdfium

    for html in _reports(printed[mode]):
        pdf = html.with_suffix(".pdf")
        doc = pdfium.PdfDocument(str(pdf))
        sizes = [doc[i].get_size() for i in range(len(doc))]
        doc.close()
        assert all(abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in sizes), pdf.name
        page = html.read_text(encoding="utf-8")
        title = re.search(r"<h1>([^<]+)</h1>", page).group(1).replace("&amp;", "&")
        issued = re.search(r"<dt>Framställd</dt><dd>([\d-]+)</dd>", page).group(1)
        texts = pdf_page_texts(pdf)
        assert len(texts) == len(sizes) >= 2
        for n, text in enumerate(texts, 1):
            flat = " ".join(text.split())
            assert f"Sida {n} / {len(texts)}" in flat, (pdf.name, n)
            assert "Exempelstad kommun" in flat and " ".join(title.split()) in flat
            assert f"Framställd {issued}" in flat, (pdf.name, n)
            assert (INTERNAL_MARKING in flat) == (mode == "internal"), (pdf.name, n)


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_no_page_is_left_mostly_empty(printed, mode):
    """Every page but the last is at least half full (the area reports had pages 40–80 %
    empty before forced breaks were dropped); the last holds more than a stray line."""
    for html in _reports(printed[mode]):
        extent = _ink_extent(html.with_suffix(".pdf"))
        assert all(e >= 0.5 for e in extent[:-1]), (html.name, extent)
        assert extent[-1] > 0.08, (html.name, extent)


# the A4 content width in CSS px (96 per inch) between the side margins of report.css, rounded
# down: Chromium prints a page whose layout is wider than this shrunk to fit, every text smaller
A4_CONTENT_PX = int((210 - 14 - 14) / 25.4 * 96)

_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll("table")]
    .filter(t => t.getBoundingClientRect().right > root.clientWidth)
    .map(t => (t.caption ? t.caption.textContent : t.className).slice(0, 40));
  return [root.scrollWidth - root.clientWidth, wide];
}"""


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_no_report_prints_shrunk(printed, browser, mode):
    """Every report of every kind lays out within the A4 content width in print: no element
    is wider than the page box, so Chromium prints it at full size (10 pt text). The demo's area
    reports printed at 85–88 % (a table of numeric headers that did not wrap), three action
    plans at 95–97 % (a cell id and a long name in narrow columns)."""
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1123})
    page.emulate_media(media="print")
    too_wide = {}
    try:
        for html in _reports(printed[mode], every=True):
            page.goto(html.as_uri())
            over, tables = page.evaluate(_OVERFLOW)
            if over > 0:
                too_wide[html.name] = (over, tables)
    finally:
        page.close()
    assert too_wide == {}


def test_the_audit_passes_on_both_sets_with_their_pdfs(printed):
    """The sets and the printed reports with their PDFs pass the audit (every file of the demo's
    sets is audited in tests/cli/test_demo.py)."""
    for mode in ("public", "internal"):
        folder = printed[mode]
        assert set_findings(folder, mode) == []
        for html in _reports(folder):
            for path in (html, html.with_suffix(".pdf")):
                assert scan_file(path, mode, root=folder) == [], path.name


def test_links_stay_relative_and_name_no_path_of_the_machine(printed, tmp_path):
    """Chromium writes relative links as absolute file:// addresses (here into the staging
    folder): the printed PDFs keep them relative, and the audit refuses a PDF that has one."""
    for folder in (printed["public"], printed["internal"]):
        for html in _reports(folder):
            data = html.with_suffix(".pdf").read_bytes()
            assert b"file:" not in data and str(printed["out"]).encode() not in data
            assert b"/URI (index.html" in data, html.name  # the link to the start page
            _xref_points_at_every_object(data)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.5, "Karta", url="file:///home/anna/karta.html")
    fig.savefig(tmp_path / "l.pdf")
    plt.close(fig)
    assert "METADATA_PRIVATE" in {f.rule for f in scan_file(tmp_path / "l.pdf", "public")}


def test_pdf_metadata_names_no_user_or_browser(printed):
    import pypdfium2 as pdfium

    for folder in (printed["public"], printed["internal"]):
        for html in _reports(folder):
            doc = pdfium.PdfDocument(str(html.with_suffix(".pdf")))
            info = doc.get_metadata_dict(skip_empty=True)
            doc.close()
            assert info["Creator"] == "tryggaplatser"
            assert "Author" not in info
            assert not any(metadata_problems(f"{k}={v}") for k, v in info.items())
            assert "Mozilla" not in str(info) and "HeadlessChrome" not in str(info)


def test_lean_tabs_print_the_same_bytes_as_plain_tabs(printed, tmp_path, monkeypatch):
    """The printing tabs show the print media and render no frames (pdf.py): an area report
    of each mode (tables wider than the page, so printed shrunk; SVG map and charts; print-only
    rules) printed again by a plain tab, which loads it for the screen, gives the same PDF."""
    today = date(2026, 11, 23)
    jobs = []
    for mode in ("internal", "public"):
        html = next(p for p in _reports(printed[mode]) if p.name.startswith("omrade_"))
        copy = tmp_path / mode / html.name
        copy.parent.mkdir()
        copy.write_bytes(html.read_bytes())
        jobs.append((html.with_suffix(".pdf"), copy, copy.with_suffix(".pdf")))
    monkeypatch.setattr(pdfmod._Browser, "lean", False)
    pdfmod.print_pdfs([(copy, pdf) for _, copy, pdf in jobs])
    for lean, _, plain in jobs:
        assert pdfmod.normalise_pdf(plain.read_bytes(), today) == pdfmod.normalise_pdf(
            lean.read_bytes(), today
        ), lean.name


# --------------------------------------------------------------------------------------------
# small reports: printing, normalising and the PDF audit on pages made for the test


def _toy(folder: Path, mode: str, name: str, paragraphs=()) -> Path:
    report = Report(
        "Testrapport", gate=Gate(mode, quiet=True), municipality="Testkommun", period="2026"
    )
    section = report.section("Del")
    for text in paragraphs:
        section.paragraph(text)
    return report.write(folder / name)


def test_printing_twice_gives_the_same_bytes(tmp_path):
    html = _toy(tmp_path, "internal", "a.html", ["Text."])
    jobs = [(html, tmp_path / "one.pdf"), (html, tmp_path / "two.pdf")]
    pdfmod.print_pdfs(jobs)  # one session: its structure ids differ from load to load
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()


def test_normalise_orders_structure_ids_and_names_no_browser():
    raw = (
        b"/Creator (Mozilla/5.0 \\(X11\\) HeadlessChrome)\n"
        b"/CreationDate (D:20261206163921+00'00')\n"
        b"/Names [(node00000069) 1 0 R (node00000248) 2 0 R (node00001000) 3 0 R]"
    )
    out = pdfmod.normalise_pdf(raw, date(2026, 11, 23))
    assert b"(D:20261123000000+00'00')" in out and b"Mozilla" not in out
    assert b"/Creator (tryggaplatser)\n" in out
    assert b"(node00000001) 1 0 R (node00000002) 2 0 R (node00000003) 3 0 R" in out


def _xref_points_at_every_object(data: bytes) -> None:
    """Every in-use entry of the cross-reference table gives the offset where its object
    starts, and ``startxref`` the offset of the table (read independently of the writer)."""
    table = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[table:].startswith(b"xref")
    lines = data[table:].split(b"trailer")[0].splitlines()[1:]
    number = 0
    for line in lines:
        fields = line.split()
        if len(fields) == 2:  # a subsection: first object number, count
            number = int(fields[0])
            continue
        if fields[2] == b"n":
            header = b"%d %d obj" % (number, int(fields[1]))
            assert data[int(fields[0]) :].startswith(header), number
        number += 1


def test_a_report_prints_to_the_same_valid_bytes_in_folders_of_any_length(tmp_path):
    """Links are cut to the report's folder and the creator renamed, which changes lengths:
    the cross-reference table is rewritten, so every object is found where the table says,
    and a report printed in a long and a short folder name gives the same bytes (before, the
    links were padded to the folder's length)."""
    pdfs = []
    for folder in (tmp_path / "a", tmp_path / ("b" * 60) / "djup"):
        folder.mkdir(parents=True)
        html = _toy(folder, "internal", "r.html", ["Text med en länk till startsidan."])
        pdfmod.print_pdfs([(html, folder / "r.pdf")])
        pdfs.append((folder / "r.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]
    _xref_points_at_every_object(pdfs[0])
    assert b"/URI (index.html" in pdfs[0] and b"file:" not in pdfs[0]
    assert b"/Creator (tryggaplatser)\n" in pdfs[0]


def test_each_pdf_is_handed_on_while_the_browser_prints_the_next(tmp_path):
    """``on_pdf`` (where ``print_reports`` seals) gets each PDF as soon as it is written,
    normalised, while the later reports are still printing: with two tabs and three reports,
    the first PDF is handed on before the third exists."""
    jobs = []
    for name in ("a", "b", "c"):
        html = _toy(tmp_path, "public", f"{name}.html", [f"Rapport {name}."])
        jobs.append((html, tmp_path / f"{name}.pdf"))
    seen = []

    def on_pdf(html, pdf):
        assert (
            pdf.read_bytes().startswith(b"%PDF") and b"/Creator (tryggaplatser)" in pdf.read_bytes()
        )
        seen.append((html, pdf, sum(p.exists() for _, p in jobs)))

    pdfmod.print_pdfs(jobs, tabs=2, on_pdf=on_pdf)
    assert sorted((h, p) for h, p, _ in seen) == sorted(jobs)
    assert seen[0][2] == 1  # only the first PDF existed when it was handed on


def test_internal_pdf_without_the_marking_on_a_page_is_refused(tmp_path):
    html = _toy(tmp_path, "public", "p.html", ["Publik text."])
    pdf = tmp_path / "p.pdf"
    pdfmod.print_pdfs([(html, pdf)])
    assert scan_file(pdf, "public", manifest=False) == []
    rules = {f.rule for f in scan_file(pdf, "internal", manifest=False)}
    assert "MARKING_MISSING" in rules


def test_personal_data_in_a_pdf_is_found_but_not_across_table_cells(tmp_path):
    """Text extraction puts one space between table cells: "12 054" then "0", "0", "0" read
    "12 054 0 0 0", which looks like a phone number; only one run of text counts."""
    style = "<style>@page { size: A4; } td { padding: 0 4mm; }</style>"
    html = tmp_path / "x.html"
    html.write_text(
        f"<html><head>{style}</head><body><p>Ring 070-123 45 67 om något händer.</p></body></html>",
        encoding="utf-8",
    )
    cells = "".join(f"<td>{c}</td>" for c in ("a.xlsx", "12\u202f054", "0", "0", "0,0 %"))
    table = tmp_path / "y.html"
    table.write_text(
        f"<html><head>{style}</head><body><table><tr>{cells}</tr></table></body></html>",
        encoding="utf-8",
    )
    pdfmod.print_pdfs([(html, tmp_path / "x.pdf"), (table, tmp_path / "y.pdf")])
    found = scan_file(tmp_path / "x.pdf", "public", manifest=False)
    assert [f.rule for f in found] == ["PERSONAL_DATA"]
    assert "054 0 0" in " ".join(pdf_page_texts(tmp_path / "y.pdf")[0].split())
    assert scan_file(tmp_path / "y.pdf", "public", manifest=False) == []


def test_without_chromium_the_set_is_written_without_pdfs(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("TRYGGAPLATSER_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "out"
    with staged(out):
        _toy(folder_for(out, "public"), "public", "r.html", ["Text."])
    assert (out / "publik" / "r.html").is_file()
    assert not (out / "publik" / "r.pdf").exists()
    assert "PDF_UNAVAILABLE" in caplog.text
    # the program the user named is the one that is missing, not Chromium in general
    named = str(tmp_path / "no-such-browser")
    assert f"TRYGGAPLATSER_CHROMIUM={named} är inget program" in caplog.text or (
        len(named) > 200 and "no-such-browser är inget program" in caplog.text  # a cut path
    )


def test_without_any_chromium_the_warning_says_how_to_install_it(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("TRYGGAPLATSER_CHROMIUM", raising=False)
    monkeypatch.setattr(pdfmod, "find_chromium", lambda: None)
    out = tmp_path / "out"
    with staged(out):
        _toy(folder_for(out, "public"), "public", "r.html", ["Text."])
    assert not (out / "publik" / "r.pdf").exists()
    assert "Ingen PDF skrevs för 1 rapport: Chromium saknas (installera Debian" in caplog.text
