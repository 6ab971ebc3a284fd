"""The start page of an output folder (``index.html``): every product listed, links resolve,
the gate's rules hold, user text is escaped, and every command's finish rewrites it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from tryggaplatser.i18n import language
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import INTERNAL_MARKING, MANIFEST, Gate
from tryggaplatser.publish.maps.interactive import slugify
from tryggaplatser.publish.products._common import finish_set
from tryggaplatser.publish.reports.index_page import folder_products
from tryggaplatser.publish.reports.report import Report
from tryggaplatser.publish.tables import write_csv

EVIL = "<script>alert(1)</script>Östra Hagen"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img" and a.get("src"):
            self.srcs.append(a["src"])
        if a.get("id"):
            self.ids.add(a["id"])


def _links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _png(path: Path, gate: Gate, about: dict) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in gate.metadata().items():
        info.add_itxt(key, value)
    Image.new("RGB", (40, 30), (200, 60, 60)).save(path, pnginfo=info)
    gate.seal(path, kind="figure", about=about)


def build_folder(folder: Path, mode: str, area: str = EVIL) -> Gate:
    """A small output set as the product writers leave it: an area report, its map (HTML and
    PNG), its plan (internal), a table, a hot-spot summary, then the set's finish."""
    gate = Gate(mode, quiet=True)
    folder.mkdir(parents=True, exist_ok=True)
    slug = slugify(area)
    report = Report(
        f"Områdesanalys: {area}",
        gate=gate,
        municipality="Exempelstad kommun",
        period="2026-01 – 2026-10",
        area=area,
    )
    report.section("Händelser").paragraph("Inga.")
    report.write(folder / f"omrade_{slug}.html")
    about = {"area": area, "period": "2026-01 – 2026-10"}
    page = "<html><head><title>Karta</title></head><body><p>karta</p></body></html>"
    gate.write_html(page, folder / f"karta_omrade_{slug}.html", kind="map", about=about)
    _png(folder / f"karta_omrade_{slug}.png", gate, about)
    table = pd.DataFrame({"area_id": ["A1", "A2"], "name": ["a", "b"], "n": [12, 30]})
    write_csv(table, folder / "indikatorer_omraden.csv", gate=gate, kind="area_table")
    summary = folder / "hotspots.json"
    marking = {} if gate.public else {"marking": INTERNAL_MARKING}
    summary.write_text(json.dumps({"mode": mode, **marking}), encoding="utf-8")
    gate.seal(summary, kind="summary")
    if not gate.public:
        plan = Report(
            f"Områdesspecifik handlingsplan – {area}",
            gate=gate,
            municipality="Exempelstad kommun",
            period="2026",
            area=area,
        )
        plan.section("Åtgärder").paragraph("Belysning.")
        plan.write(folder / "handlingsplan_2026_A1.html")
    finish_set(gate, folder)
    return gate


@pytest.fixture(scope="module", params=["public", "internal"])
def folder(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(request.param) / ("publik" if request.param == "public" else "x")
    build_folder(out, request.param)
    return out


def test_index_lists_every_file_of_the_manifest_except_itself(folder):
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert manifest["index.html"]["kind"] == "index"
    links = _links(folder / "index.html")
    linked = {unquote(h.split("#")[0]) for h in links.hrefs}
    assert set(manifest) - {"index.html"} <= linked
    assert "index.html" not in linked  # the page does not list itself
    assert MANIFEST in linked  # the footer points to the list with checksums


def test_every_link_and_thumbnail_resolves(folder):
    links = _links(folder / "index.html")
    for href in links.hrefs + links.srcs:
        target, _, anchor = href.partition("#")
        if target:
            assert "/" not in target and ":" not in target, href  # relative, in the folder
            assert (folder / unquote(target)).is_file(), href
        else:
            assert anchor in links.ids, href
    slug = slugify(EVIL)
    assert f"karta_omrade_{slug}.png" in links.srcs  # the map's thumbnail


def test_index_passes_the_modes_rules(folder):
    page = (folder / "index.html").read_text(encoding="utf-8")
    if folder.name == "publik":
        assert scan_dir(folder, "public") == []
        assert INTERNAL_MARKING not in page
        assert (
            not (folder / "offentliggorande.json").read_text(encoding="utf-8").count("index.html")
        )  # the start page is not an output the disclosure report accounts for
    else:
        assert scan_dir(folder, "internal") == []
        assert INTERNAL_MARKING in page
        assert 'class="tryggaplatser-internt"' in page  # the visible banner


def test_user_text_is_escaped(folder):
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Östra Hagen" in page


def test_area_row_joins_report_map_and_plan_and_the_report_links_to_it(folder):
    slug = slugify(EVIL)
    page = (folder / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'id="omrade-{slug}".*?</div>\s*</div>', page, re.S)
    assert row, "the area has a row"
    text = row.group(0)
    assert f'href="omrade_{slug}.html"' in text
    assert f'href="karta_omrade_{slug}.html"' in text
    assert ('href="handlingsplan_2026_A1.html"' in text) == (folder.name != "publik")
    report = (folder / f"omrade_{slug}.html").read_text(encoding="utf-8")
    assert f'href="index.html#omrade-{slug}"' in report


def test_a_public_set_has_no_plan_column_and_says_where_the_plans_are(folder):
    """Draft plans are internal only: the public page shows no column that is always empty, and
    says why; the internal page keeps the column (with "–" for an area without a plan)."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    head = re.search(r'<div class="row head" role="row">(.*?)</div>', page, re.S).group(1)
    columns = re.findall(r'role="columnheader">([^<]*)<', head)
    if folder.name == "publik":
        assert columns == ["Område", "Period", "Områdesrapport", "Karta"]
        assert "Områden: rapporter och kartor" in page
        assert "handlingsplanerna är interna arbetsunderlag" in page
        assert 'class="grid areas no-plans"' in page
    else:
        assert columns == ["Område", "Period", "Områdesrapport", "Karta", "Handlingsplan"]
        assert "Områden: rapporter, kartor och handlingsplaner" in page
        assert 'class="grid areas" role="table"' in page


def test_products_are_grouped_by_kind_with_audience_and_period(folder):
    by_key = {p.key: p for p in folder_products(folder)}
    slug = slugify(EVIL)
    assert by_key[f"karta_omrade_{slug}"].files == [
        f"karta_omrade_{slug}.html",
        f"karta_omrade_{slug}.png",
    ]
    assert by_key["indikatorer"].section == "tables"
    assert by_key["hotspots"].section == "layers"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "analytiker och GIS" in page
    assert "2026-01 – 2026-10" in page
    assert ("allmänheten" in page) == (folder.name == "publik")


def test_each_finish_rewrites_the_page_with_what_is_there(tmp_path):
    folder = tmp_path / "internt"
    gate = build_folder(folder, "internal", area="Norra")
    assert "utvardering_X.csv" not in (folder / "index.html").read_text(encoding="utf-8")
    extra = folder / "utvardering_X.csv"
    extra.write_text(f"{INTERNAL_MARKING}\na;b\n1;2\n", encoding="utf-8")
    gate.seal(extra, kind="csv:table")
    (folder / "hotspots.json").unlink()  # gone from the folder: no dead link
    finish_set(gate, folder)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="utvardering_X.csv"' in page
    assert 'href="hotspots.json"' not in page
    assert "Utvärdering av åtgärder" in page


def test_english_page(tmp_path):
    with language("en"):
        build_folder(tmp_path / "publik", "public", area="North")
    page = (tmp_path / "publik" / "index.html").read_text(encoding="utf-8")
    assert "Outputs – overview" in page and 'lang="en"' in page
    assert "Utdata" not in page
