"""The HTML maps in a real browser (headless Chromium, offline).

Checks what a person would: the map renders with no network and no console errors, its
layers exist and toggle from the layer control, popups open with the right text, script
payloads in area names, categories, comments and layer names never run, and a screenshot
shows a drawn map.
"""

from __future__ import annotations

import pytest
from synthetic import PAYLOADS, make_layers

from tryggaplatser.publish.maps.interactive import hotspot_map, neighbourhood_map, save_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    lay = make_layers(3000, payload=True)
    folder = tmp_path_factory.mktemp("kartor")
    out = {}
    for mode in ("public", "internal"):
        m = neighbourhood_map(
            "A2",
            areas=lay["areas"],
            cells=lay["cells"],
            kde=lay["cells"],
            incidents=lay["incidents"],
            walk_observations=lay["walk_observations"],
            dialogue=lay["dialogue"],
            indicator="otrygghet",
            mode=mode,
            title_params={PAYLOADS[0]: PAYLOADS[2]},
            quiet=True,
        )
        out[f"area_{mode}"] = save_map(m, folder / mode / "karta_omrade_sodra-hagen.html")
        h = hotspot_map(
            areas=lay["areas"],
            cells=lay["cells"],
            focus_places=lay["focus_places"],
            week="2026-W47" if mode == "internal" else None,  # public: never a week
            mode=mode,
        )
        name = "karta_hotspots_2026-W47.html" if mode == "internal" else "karta_hotspots.html"
        out[f"hotspots_{mode}"] = save_map(h, folder / mode / name)
    return out


def _open_everything(page) -> None:
    """Add every layer and open every tooltip and popup, so all payload text is in the DOM."""
    page.evaluate("""() => {
        for (const key in TP.layers) {
            const layer = TP.layers[key];
            TP.map.addLayer(layer);
            layer.eachLayer(l => {
                if (l.getTooltip && l.getTooltip()) { l.openTooltip(); }
                if (l.getPopup && l.getPopup()) { l.openPopup(); l.closePopup(); }
            });
        }
    }""")


INJECTED = """() => document.querySelectorAll(
    'img[src="x"], img[onerror], svg[onload], [onload], [onerror]').length"""


@pytest.mark.parametrize(
    "name", ["area_public", "area_internal", "hotspots_public", "hotspots_internal"]
)
def test_renders_offline_without_errors_or_injection(open_map, written, name, tmp_path):
    loaded = open_map(written[name])
    page = loaded.page
    assert loaded.console_errors == []
    assert loaded.blocked == []  # nothing asked for the network (tiles="none")
    assert page.evaluate("() => Object.keys(TP.layers).length") >= 3
    _open_everything(page)
    page.wait_for_timeout(100)
    assert loaded.dialogs == []  # no payload ran
    assert page.evaluate(INJECTED) == 0
    # the payload text is shown literally (as text) in the title block
    title = page.inner_text(".tp-title")
    if name.startswith("area"):
        assert "<img src=x onerror=" in title and "${alert('tpl')}" in title
    marking = page.locator("text=INTERNT – ej för spridning")
    assert marking.count() == (1 if name.endswith("internal") else 0)
    png = tmp_path / f"{name}.png"
    page.screenshot(path=str(png))
    _assert_not_blank(png)


def _assert_not_blank(path) -> None:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("L"), dtype=float)
    assert pixels.std() > 15, "the screenshot is (almost) one colour"
    assert len(np.unique(pixels.astype(int))) > 30


def test_layers_toggle_from_layer_control(open_map, written):
    page = open_map(written["area_internal"]).page
    keys = page.evaluate("() => Object.keys(TP.layers).sort()")
    assert keys == sorted(
        [
            "indicator",
            "kde",
            "incidents",
            "gistar",
            "categories",
            "areas",
            "points",
            "dialogue",
            "walks",
        ]
    )
    labels = page.locator(".leaflet-control-layers-overlays label")
    assert labels.count() == len(keys)
    row = page.locator(".leaflet-control-layers-overlays label", has_text="Händelser per ruta")
    checkbox = row.locator("input")
    assert not checkbox.is_checked()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.incidents)") is False
    checkbox.click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.incidents)") is True
    assert page.locator(".tp-legend [data-layer='incidents']").is_visible()
    checkbox.click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.incidents)") is False
    assert not page.locator(".tp-legend [data-layer='incidents']").is_visible()
    # Gi* is on at start and can be switched off
    gistar = page.locator(".leaflet-control-layers-overlays label", has_text="Hotspots (Gi*)")
    gistar.locator("input").click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.gistar)") is False


def test_popup_opens_with_walk_details(open_map, written):
    loaded = open_map(written["area_internal"])
    page = loaded.page
    page.evaluate("() => TP.map.removeLayer(TP.layers.indicator)")
    point = page.evaluate("""() => {
        const markers = TP.layers.walks.getLayers();
        const first = markers[0];
        TP.map.setView(first.getLatLng(), 17, {animate: false});
        const p = TP.map.latLngToContainerPoint(first.getLatLng());
        const box = TP.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=3000)
    text = popup.inner_text()
    for label in ("Problem", "Status", "Ansvarig", "Beslutad"):
        assert label in text
    assert loaded.dialogs == []


@pytest.mark.parametrize("name", ["area_public", "area_internal"])
def test_popup_text_is_literal_payload(open_map, written, name):
    """Payloads in area names reach the popups as visible text, not markup."""
    loaded = open_map(written[name])
    page = loaded.page
    texts = page.evaluate("""() => {
        const out = [];
        TP.layers.indicator.eachLayer(l => { l.openPopup();
            out.push(l.getPopup().getElement().innerText); });
        return out;
    }""")
    assert any(PAYLOADS[1] in t for t in texts), texts
    assert any(PAYLOADS[2] in t for t in texts)
    assert loaded.dialogs == [] and page.evaluate(INJECTED) == 0


def test_tooltip_shows_small_counts_as_lt5_in_public(open_map, written):
    page = open_map(written["area_public"]).page
    tips = page.evaluate("""() => {
        const out = [];
        TP.layers.incidents.eachLayer(l => out.push(l.getTooltip().getContent()));
        return out;
    }""")
    assert tips and any(t.startswith("&lt;5") or t.startswith("<5") for t in tips)
    assert not [t for t in tips if t[:2] in ("1 ", "2 ", "3 ", "4 ")]


def test_title_block_collapses(open_map, written):
    page = open_map(written["hotspots_public"]).page
    table = page.locator(".tp-title table")
    assert table.is_visible()
    page.locator(".tp-title h1").click()
    assert not table.is_visible()


def test_focus_layer_toggles_and_popup_lists_reasons(open_map, written):
    loaded = open_map(written["hotspots_internal"])
    page = loaded.page
    row = page.locator(".leaflet-control-layers-overlays label", has_text="Fokusplatser")
    checkbox = row.locator("input")
    assert checkbox.is_checked()
    assert page.locator(".tp-rank").count() == 2  # rank numbers on the cells
    checkbox.click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.focus)") is False
    checkbox.click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.focus)") is True
    text = page.evaluate("""() => {
        const first = TP.layers.focus.getLayers()[0];
        first.openPopup();
        return first.getPopup().getElement().innerText;
    }""")
    assert "Fokusplats" in text and "Skäl" in text and "Bestående hotspot" in text
    assert loaded.dialogs == []
    public = open_map(written["hotspots_public"]).page
    assert public.evaluate("() => 'focus' in TP.layers") is False
