"""Offline assets for self-contained HTML maps.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from web CDNs; with no internet the whole
map is blank (REFERENCE.md §4). Our maps need only Leaflet, so :func:`leaflet_assets` reads
Leaflet's JavaScript and CSS from the ``xstatic-leaflet`` package (package data installed with
it, never copied into this repository), inlines the CSS images as ``data:`` URIs and makes both
safe to embed inside ``<script>``/``<style>`` elements.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

__all__ = ["LEAFLET_VERSION", "leaflet_assets"]


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xleaflet

    return Path(xleaflet.BASE_DIR)


def _version() -> str:
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)


LEAFLET_VERSION = "1.9"  # the minor version our JavaScript is written against

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


def _guard(text: str, tag: str) -> str:
    """Break any closing ``</tag`` so inlined text cannot end its element early."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


@cache
def leaflet_assets() -> tuple[str, str, str]:
    """Leaflet's minified JavaScript and CSS, ready to inline, and its version.

    Returns
    -------
    tuple of str
        ``(javascript, css, version)``. Source-map comments are removed; the CSS images
        (layer-control icon, default marker) are embedded as base64 ``data:`` URIs so the page
        requests nothing.
    """
    folder = _leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    js = _SOURCE_MAP.sub("", js)

    def _data_uri(match: re.Match[str]) -> str:
        path = folder / match.group(2)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = _CSS_URL.sub(_data_uri, css)
    return _guard(js, "script"), _guard(css, "style"), _version()
