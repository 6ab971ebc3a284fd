"""The background map in a real browser (headless Chromium, offline): streets drawn and named,
labels from the stated zoom, area names never under a focus place's rank badge."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic import X0, Y0, make_basemap, make_layers

from tryggaplatser.publish.maps.interactive import STREET_LABEL_ZOOM, hotspot_map, save_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    lay = make_layers(1500)
    folder = tmp_path_factory.mktemp("bakgrund")
    # focus places right on the areas' label points (the centres of the 2 km blocks)
    centres = [(X0 + 1000 + 2000 * (i % 3), Y0 + 1000 + 2000 * (i // 3)) for i in range(6)]
    focus = pd.DataFrame(
        {
            "rank": range(1, 7),
            "cell_id": [f"250mE{int(x) - 125}N{int(y) - 125}" for x, y in centres],
            "cell_x": [x - 125 for x, _ in centres],
            "cell_y": [y - 125 for _, y in centres],
            "reasons": ["4 av senaste 4 veckorna"] * 6,
            "place_name": ["Storgatan vid Björkvägen"] * 6,
        }
    )
    focus.attrs["cell_size"] = 250.0
    m = hotspot_map(
        areas=lay["areas"],
        cells=lay["cells"],
        focus_places=focus,
        week="2026-W47",
        mode="internal",
        quiet=True,
        basemap=make_basemap(),
    )
    return save_map(m, folder / "karta_hotspots_2026-W47.html")


OVERLAPS = """() => {
    const boxes = sel => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0 && r.height > 0);
    const hit = (a, b) => a.left < b.right && a.right > b.left && a.top < b.bottom
        && a.bottom > b.top;
    const labels = boxes('.tp-label'), ranks = boxes('.tp-rank');
    let n = 0;
    for (const a of labels) { for (const b of ranks) { if (hit(a, b)) { n++; } } }
    for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) { if (hit(labels[i], labels[j])) { n++; } }
    }
    return [labels.length, ranks.length, n];
}"""


def test_streets_drawn_offline_and_named(open_map, written, tmp_path):
    loaded = open_map(written)
    page = loaded.page
    assert loaded.console_errors == [] and loaded.blocked == []
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.basemap_roads)") is True
    names = page.evaluate("""() => TP.layers.basemap_roads.getLayers()
        .filter(l => l.feature).map(l => l.getTooltip() && l.getTooltip().getContent())""")
    assert "Storgatan" in names and "Björkvägen" in names
    # the background can be switched off from the layer control
    row = page.locator(".leaflet-control-layers-overlays label", has_text="Bakgrund: Gator")
    row.locator("input").click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.basemap_roads)") is False
    row.locator("input").click()
    page.screenshot(path=str(tmp_path / "oversikt.png"))


def test_street_labels_only_from_the_stated_zoom(open_map, written, tmp_path):
    page = open_map(written).page
    visible = """() => [...document.querySelectorAll('.tp-street')]
        .filter(e => e.offsetParent !== null).length"""
    assert page.evaluate("() => TP.map.getZoom()") < STREET_LABEL_ZOOM
    assert page.evaluate(visible) == 0  # the whole town: no street names cluttering it
    page.evaluate(f"() => {{ TP.map.setZoom({STREET_LABEL_ZOOM}, {{animate: false}}); }}")
    page.wait_for_timeout(200)
    assert page.evaluate(visible) > 0
    shown = page.evaluate("""() => [...document.querySelectorAll('.tp-street')]
        .filter(e => e.offsetParent !== null).map(e => e.innerText)""")
    assert set(shown) <= {
        "Storgatan",
        "Parkvägen",
        "Skolgatan",
        "Björkvägen",
        "Industrivägen",
        "Kyrkogatan",
    } | {s for s in shown if s.startswith(("Östra", "Västra"))}
    page.screenshot(path=str(tmp_path / "gatunamn.png"))


def test_area_labels_step_aside_from_rank_badges(open_map, written, tmp_path):
    page = open_map(written).page
    page.wait_for_timeout(100)
    n_labels, n_ranks, overlaps = page.evaluate(OVERLAPS)
    assert n_labels == 6 and n_ranks == 6
    assert overlaps == 0
    # after zooming the labels are placed again
    page.evaluate("() => { TP.map.zoomIn(1, {animate: false}); }")
    page.wait_for_timeout(200)
    assert page.evaluate(OVERLAPS)[2] == 0
    page.screenshot(path=str(tmp_path / "etiketter.png"))
