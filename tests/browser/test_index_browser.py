"""An output folder's start page (``index.html``) in a real browser (headless Chromium, offline).

Checks what a person does first: the page opens with no console errors and no network, every
link leads to a file that opens, the map thumbnails load, an area report's link lands on its
row of the page, and a screenshot shows the page drawn (saved for the reviewer to look at).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from synthetic import PAYLOADS, make_layers

from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.maps.figures import save_figure, static_map
from tryggaplatser.publish.maps.interactive import neighbourhood_map, save_map, slugify
from tryggaplatser.publish.products._common import finish_set
from tryggaplatser.publish.reports.report import Report
from tryggaplatser.publish.tables import write_csv

pytestmark = pytest.mark.browser

AREA = "Norra " + PAYLOADS[0]


@pytest.fixture(scope="module", params=["public", "internal"])
def folder(request, tmp_path_factory) -> Path:
    """An output set as the commands leave it: a map with its PNG, the area's report and plan,
    a table, then each command's finish (three finishes, as `map`, `area` and `plan` do)."""
    mode = request.param
    lay = make_layers(1500, payload=True)
    out = tmp_path_factory.mktemp("index") / ("publik" if mode == "public" else "internt")
    slug = slugify(AREA)
    about = {"area": AREA, "period": "2025-12 – 2026-11"}
    gate = Gate(mode, quiet=True)
    m = neighbourhood_map(
        "A1", areas=lay["areas"], cells=lay["cells"], kde=lay["cells"], mode=mode, quiet=True
    )
    save_map(m, out / f"karta_omrade_{slug}.html", gate=gate, about=about)
    save_figure(static_map(m), out / f"karta_omrade_{slug}.png", gate=gate, about=about)
    finish_set(gate, out)
    gate = Gate(mode, quiet=True)
    for title, name in (
        (f"Områdesanalys: {AREA}", f"omrade_{slug}.html"),
        (f"Områdesspecifik handlingsplan – {AREA}", "handlingsplan_2026_A1.html"),
    ):
        if name.startswith("handlingsplan") and gate.public:
            continue  # plans are internal
        report = Report(
            title, gate=gate, municipality="Exempelstad kommun", period="2026", area=AREA
        )
        report.section("Händelser").paragraph("Inga.")
        report.write(out / name)
    areas = lay["areas"].drop(columns="geometry")
    areas["n"] = [12, 30, 8, 40, 22, 15]
    write_csv(
        areas[["area_id", "n"]],
        out / "indikatorer_omraden.csv",
        gate=gate,
        kind="area_table",
    )
    finish_set(gate, out)
    return out


@pytest.fixture
def open_page(browser):
    pages = []

    def _open(path: Path):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        blocked: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))

        def _route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", _route)
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_load_state("load")
        pages.append(page)
        return page, errors, blocked

    yield _open
    for page in pages:
        page.close()


def test_index_opens_and_every_link_works(open_page, folder, tmp_path):
    page, errors, blocked = open_page(folder / "index.html")
    assert errors == [] and blocked == []
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    files = sorted({h.split("#")[0] for h in hrefs if not h.startswith("#")})
    assert files, "the page links to the folder's files"
    for name in files:
        assert (folder / name).is_file(), name
    # thumbnails are drawn (the PNG loaded, not a broken image)
    sizes = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert sizes and all(w > 0 for w in sizes)
    # the HTML products open from the page with no errors either
    for name in [f for f in files if f.endswith(".html")]:
        _sub, sub_errors, sub_blocked = open_page(folder / name)
        assert sub_errors == [] and sub_blocked == [], name
    # clicking an area's report link goes to the report
    slug = slugify(AREA)
    page.click(f'#omrade-{slug} a[href="omrade_{slug}.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"omrade_{slug}.html")
    # and the report's link back lands on the area's row
    page.click(f'a[href="index.html#omrade-{slug}"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"index.html#omrade-{slug}")
    assert page.evaluate(f"() => document.getElementById('omrade-{slug}').matches(':target')")
    assert errors == []


def test_screenshot_of_the_index(open_page, folder, tmp_path):
    import numpy as np
    from PIL import Image

    page, errors, _ = open_page(folder / "index.html")
    assert errors == []
    png = tmp_path / f"index_{folder.name}.png"
    page.screenshot(path=str(png), full_page=True)
    pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert pixels.std() > 15 and len(np.unique(pixels.astype(int))) > 30
    assert page.locator("text=INTERNT – ej för spridning").count() == (
        0 if folder.name == "publik" else 1
    )
    assert page.locator("h1").inner_text() == "Utdata – översikt"
    assert page.evaluate("() => document.querySelectorAll('script').length") == 0
    keep = os.environ.get("TP_SCREENSHOTS")  # a folder to keep the screenshot in for review
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)
