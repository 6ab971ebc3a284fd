"""Safe text: injection payloads stay text, in plain HTML and through folium."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tryggaplatser.publish.safe_text import (
    BIDI_CONTROLS,
    Trusted,
    cell_text,
    html,
    neutralise_cell,
    safe_url,
    text_of,
)

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "${alert(1)}",
    "</script><script>alert(1)</script>",
    "`+alert(1)+`",
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
    "'-alert(1)-'",
    "{{7*7}}",
    "\\u003cimg src=x onerror=alert(1)\\u003e",
]
_DANGER = re.compile(r"[<>\"'`${}\\]")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_have_no_active_characters(payload):
    out = html(payload)
    assert isinstance(out, Trusted)
    assert not _DANGER.search(out)
    # the text a reader sees is unchanged
    import html as std_html

    assert std_html.unescape(out) == payload


@given(st.text())
def test_any_text_is_inert(text):
    out = html(text)
    assert not _DANGER.search(out)


def test_missing_numbers_and_trusted():
    assert html(None) == "" and html(float("nan")) == ""
    import pandas as pd

    assert html(pd.NA) == "" and html(3.0) == "3" and html(7) == "7" and html(2.5) == "2.5"
    assert html(Trusted("<b>x</b>")) == "<b>x</b>"
    assert text_of(b"bytes") == "bytes"
    assert text_of("a\x00b\u2028c") == "abc"


def test_safe_url():
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url(" java\tscript:alert(1)") == "#"
    assert safe_url("data:text/html,<script>") == "#"
    assert safe_url("https://example.org/?a=1&b=2") == "https://example.org/?a=1&amp;b=2"
    assert safe_url("rapport.html") == "rapport.html"


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "＝1"]
)
def test_neutralise_formula_text(value):
    assert neutralise_cell(value) == "'" + value


def test_bidi_controls_are_the_unicode_bidi_control_set_and_are_removed():
    # Bidi_Control as published in Unicode's PropList.txt (15.1): 061C, 200E..200F,
    # 202A..202E, 2066..2069
    published = [(0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069)]
    expected = {chr(c) for lo, hi in published for c in range(lo, hi + 1)}
    assert set(BIDI_CONTROLS) == expected and len(BIDI_CONTROLS) == 12
    text = "fil\u202eexe.txt \u2066a\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068"
    assert text_of(text) == "filexe.txt a"
    assert html(text) == "filexe.txt a"
    assert cell_text("\u202e=1") == "'=1"  # removed first, then neutralised
    assert text_of("Ärla\u00a0Örn") == "Ärla\u00a0Örn"  # other characters stay


@pytest.mark.parametrize("value", [-5, -5.5, 0, 3, None, True, "ok", "Östra Hagen", "5-3"])
def test_neutralise_leaves_numbers_and_plain_text(value):
    assert neutralise_cell(value) == value


def _folium_page(payload: str) -> str:
    import folium

    m = folium.Map(location=[59.2, 17.6], zoom_start=12, tiles=None)
    folium.Marker(
        [59.2, 17.6], popup=folium.Popup(html(payload)), tooltip=folium.Tooltip(html(payload))
    ).add_to(m)
    folium.FeatureGroup(name=html(payload)).add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_folium_page_carries_no_executable_payload(payload):
    page = _folium_page(payload)
    assert "alert(1)</script>" not in page
    assert "<img src=x" not in page and "<svg onload" not in page
    assert "${alert" not in page and "`+alert" not in page
    assert len(re.findall(r"<script\b", page)) == page.count("</script>")


def test_folium_popup_tooltip_and_layer_name_carry_no_bidi_control():
    page = _folium_page("Söder \u202eredöS\u202c \u2067x\u2069")
    assert "Söder redöS x" in page
    assert not any(ch in page for ch in BIDI_CONTROLS)
    assert "\\u202e" not in page.lower()  # nor as a JSON escape


@pytest.mark.browser
def test_payloads_do_not_run_in_chromium(tmp_path, browser):
    import folium

    m = folium.Map(location=[59.2, 17.6], zoom_start=12, tiles=None)
    for i, payload in enumerate(PAYLOADS):
        folium.Marker(
            [59.2 + i * 0.001, 17.6],
            popup=folium.Popup(html(payload), show=True),
            tooltip=folium.Tooltip(html(payload), permanent=True),
        ).add_to(m)
        folium.FeatureGroup(name=html(payload)).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.default_js = []  # offline: Leaflet comes from xstatic below
    m.default_css = []
    page = m.get_root().render()
    from xstatic.pkg import leaflet

    base = leaflet.BASE_DIR
    from pathlib import Path

    js = Path(base, "leaflet.js").read_text(encoding="utf-8")
    css = Path(base, "leaflet.css").read_text(encoding="utf-8")
    jquery_stub = (
        "<script>window.$=function(h){var d=document.createElement('div');"
        "d.innerHTML=h;return [d.firstChild];};</script>"
    )
    page = page.replace(
        "<head>", f"<head><style>{css}</style><script>{js}</script>{jquery_stub}", 1
    )
    path = tmp_path / "karta.html"
    path.write_text(page, encoding="utf-8")
    dialogs = []
    ctx = browser.new_page()
    try:
        ctx.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        ctx.goto(path.as_uri())
        ctx.wait_for_timeout(800)
        # click every marker so tooltips/popups render
        for el in ctx.query_selector_all(".leaflet-marker-icon"):
            el.click(force=True)
        ctx.wait_for_timeout(300)
        text = ctx.inner_text("body")
    finally:
        ctx.close()
    assert dialogs == []
    assert "<img src=x onerror=alert(1)>" in text  # shown as text
