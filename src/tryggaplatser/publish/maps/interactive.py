"""Interactive maps (folium/Leaflet): self-contained, offline, safe and light.

Two products:

* :func:`neighbourhood_map` — one area (or all): indicator choropleth, Gi* hotspot cells, KDE,
  incidents per grid cell, safety-walk observations, citizen dialogue;
* :func:`hotspot_map` — the EST meeting's weekly map: Gi* bins, categories over time, areas and
  focus places.

:func:`save_map` writes one HTML file that carries Leaflet (inlined from the ``xstatic-leaflet``
package) and needs no network: background tiles are optional (``tiles="none"`` by default);
the project's own ``[basemap]`` (streets with their names, water, buildings on internal maps) is
drawn from the page itself, under the data, as layers that can be switched off.

Safety (REFERENCE.md §4): every piece of user text reaches the page through
:func:`tryggaplatser.publish.safe_text.html`; our own markup is wrapped in ``Trusted``. Layers are
built from prepared, allowlisted frames (:mod:`._layers`), never with ``folium.GeoJson(gdf)``
(it embeds every column) and never with the HeatMap plugin (it embeds every coordinate). No folium
popups or tooltips are used: features carry pre-escaped HTML bound by a few lines of our own
JavaScript. Public mode follows the publishing gate (:mod:`tryggaplatser.publish.gate`).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from tryggaplatser.publish.gate import Gate
>>> areas = gpd.GeoDataFrame({"area_id": ["A1", "A2"], "name": ["Norra", "Södra"]},
...                          geometry=[box(650000, 6561000, 652000, 6563000),
...                                    box(650000, 6559000, 652000, 6561000)], crs=3006)
>>> gate = Gate("public", quiet=True)
>>> m = neighbourhood_map("A1", areas=areas, gate=gate, quiet=True)
>>> save_map(m, Path(tempfile.mkdtemp()) / "karta_omrade_norra.html", gate=gate).name
'karta_omrade_norra.html'
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring as _encode_json_string
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import ArgumentError
from ...i18n import tr
from ..safe_text import Trusted, html
from . import _layers as ml

if TYPE_CHECKING:  # pragma: no cover
    import folium

__all__ = ["hotspot_map", "map_content", "map_gate", "neighbourhood_map", "save_map", "slugify"]

COORD_DECIMALS = 6  # WGS84 degrees: ~0.1 m, finer than any grid corner needs
STREET_LABEL_ZOOM = 15  # street names are written on the map from this zoom level on
_CONTENT_KEY = "_tryggaplatser_content"
_GATE_KEY = "_tryggaplatser_gate"

# --------------------------------------------------------------------------- CSS and JS (ours)

_CSS = """
.leaflet-container{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 background:#f4f3ef}
.tp-title{background:rgba(255,255,255,.94);padding:8px 12px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:330px;font-size:12px;line-height:1.35;color:#222}
.tp-title h1{font-size:15px;margin:0 0 4px 0;color:#08306b;cursor:pointer}
.tp-title.tp-collapsed table{display:none}
.tp-title table{border-collapse:collapse}
.tp-title th{text-align:left;font-weight:600;padding:0 8px 0 0;vertical-align:top;
 white-space:nowrap}
.tp-title td{padding:0}
.tp-legend{background:rgba(255,255,255,.94);padding:6px 10px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.35);font-size:12px;line-height:1.3;max-height:55vh;
 overflow-y:auto;max-width:300px;color:#222}
.tp-legend h2{font-size:12px;margin:6px 0 3px 0;font-weight:600}
.tp-legend h2:first-child{margin-top:0}
.tp-legend .tp-row{display:flex;align-items:center;margin:1px 0}
.tp-legend i{display:inline-block;width:16px;height:12px;margin-right:6px;
 border:1px solid rgba(0,0,0,.35);flex:none}
.tp-legend i.tp-circle{border-radius:50%;width:12px;height:12px;margin:0 8px 0 2px}
.tp-legend i.tp-line{height:0;border:0;border-top:3px solid;margin-top:1px}
.tp-popup th{text-align:left;padding:1px 8px 1px 0;vertical-align:top;white-space:nowrap;
 color:#444;font-weight:600}
.tp-popup td{padding:1px 0;white-space:pre-wrap}
.tp-label{background:transparent;border:0;box-shadow:none;color:#08306b;font-weight:600;
 font-size:11px;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff}
.tp-rank{background:#00441b;border:2px solid #fff;border-radius:50%;color:#fff;
 font:700 12px/16px sans-serif;min-width:16px;padding:1px 3px;text-align:center;
 box-shadow:0 1px 3px rgba(0,0,0,.45)}
.tp-rank:before{display:none}
.tp-street{display:none;background:transparent;border:0;box-shadow:none;padding:0;color:#5a5a5a;
 font:italic 10px/1.1 sans-serif;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}
.tp-street:before{display:none}
.tp-streets .tp-street{display:block}
.tp-north{background:rgba(255,255,255,.9);border-radius:4px;padding:2px 6px;
 box-shadow:0 1px 4px rgba(0,0,0,.35);font:700 12px/1.1 sans-serif;text-align:center;color:#222}
.leaflet-control-layers{font-size:12px}
"""

_JS = """
(function () {
  "use strict";
  var TP = window.TP = {layers: {}, map: null, ready: false};
  TP.streetLabel = function (l, text) {
    // a street's name at the middle of its line, shown from cfg.streetZoom on (CSS class)
    var ll = l.getLatLngs(), seg = [], total = 0, i;
    for (i = 1; i < ll.length; i++) { seg.push(ll[i - 1].distanceTo(ll[i])); total += seg[i - 1]; }
    if (total < 120) { return null; }
    var half = total / 2, pos = ll[0];
    for (i = 0; i < seg.length; i++) {
      if (half <= seg[i]) {
        var t = seg[i] ? half / seg[i] : 0;
        pos = L.latLng(ll[i].lat + t * (ll[i + 1].lat - ll[i].lat),
                       ll[i].lng + t * (ll[i + 1].lng - ll[i].lng));
        break;
      }
      half -= seg[i];
    }
    return L.tooltip({permanent: true, direction: "center", className: "tp-street",
                      interactive: false}).setLatLng(pos).setContent(text);
  };
  TP.layer = function (spec) {
    var o = spec.o;
    var interactive = o.i !== false;
    var labels = [];
    var layer = L.geoJSON(spec.fc, {
      interactive: interactive,
      style: function (f) {
        var p = f.properties;
        return {color: p.s || o.c, weight: p.w || o.w, opacity: 0.9, fill: o.fo > 0 && !!p.f,
                fillColor: p.f, fillOpacity: o.fo, dashArray: o.d || null};
      },
      pointToLayer: function (f, ll) {
        var p = f.properties;
        return L.circleMarker(ll, {radius: p.r || o.r, color: p.s || "#ffffff", weight: o.w,
                                   opacity: 1, fillColor: p.f, fillOpacity: o.fo,
                                   interactive: interactive});
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        if (p.t) {
          l.bindTooltip(p.t, o.lab ? {permanent: true, direction: "center",
                                      className: o.lc || "tp-label"} : {sticky: true});
        }
        if (p.p) { l.bindPopup(p.p, {maxWidth: 360}); }
        if (o.sl && p.t && l.getLatLngs) {
          var label = TP.streetLabel(l, p.t);
          if (label) { labels.push(label); }
        }
      }
    });
    for (var j = 0; j < labels.length; j++) { layer.addLayer(labels[j]); }
    layer.tpKey = spec.k;
    TP.layers[spec.k] = layer;
    return layer;
  };
  TP.declutter = function () {
    // area labels step aside from the focus places' rank badges and from each other:
    // each label tries its own place, then below, above, twice below and twice above
    var boxes = [], i, k;
    var ranks = document.querySelectorAll(".tp-rank");
    for (i = 0; i < ranks.length; i++) { boxes.push(ranks[i].getBoundingClientRect()); }
    var hit = function (r) {
      for (var b = 0; b < boxes.length; b++) {
        var o = boxes[b];
        if (r.left < o.right && r.right > o.left && r.top < o.bottom && r.bottom > o.top) {
          return true;
        }
      }
      return false;
    };
    var labels = document.querySelectorAll(".tp-label");
    for (i = 0; i < labels.length; i++) { labels[i].style.marginTop = "0px"; }
    for (i = 0; i < labels.length; i++) {
      var r = labels[i].getBoundingClientRect(), h = r.height + 2;
      var steps = [0, h, -h, 2 * h, -2 * h];
      for (k = 0; k < steps.length; k++) {
        var moved = {left: r.left, right: r.right, top: r.top + steps[k],
                     bottom: r.bottom + steps[k]};
        if (!hit(moved) || k === steps.length - 1) {
          labels[i].style.marginTop = steps[k] + "px";
          boxes.push(moved);
          break;
        }
      }
    }
    // street names yield to area names, rank badges and each other
    var streets = document.querySelectorAll(".tp-street");
    for (i = 0; i < streets.length; i++) { streets[i].style.visibility = ""; }
    for (i = 0; i < streets.length; i++) {
      if (streets[i].offsetParent === null) { continue; }
      var s = streets[i].getBoundingClientRect();
      if (hit(s)) { streets[i].style.visibility = "hidden"; } else { boxes.push(s); }
    }
  };
  TP.init = function (map, cfg) {
    TP.map = map;
    var title = L.control({position: "topleft"});
    title.onAdd = function () {
      var div = L.DomUtil.create("div", "tp-title");
      div.innerHTML = cfg.title;
      L.DomEvent.disableClickPropagation(div);
      var heading = div.querySelector("h1");
      if (heading) {
        heading.title = cfg.toggle;
        heading.onclick = function () { div.classList.toggle("tp-collapsed"); };
      }
      return div;
    };
    title.addTo(map);
    var legend = L.control({position: "bottomright"});
    var legendDiv = null;
    legend.onAdd = function () {
      legendDiv = L.DomUtil.create("div", "tp-legend");
      legendDiv.innerHTML = cfg.legend;
      L.DomEvent.disableClickPropagation(legendDiv);
      L.DomEvent.disableScrollPropagation(legendDiv);
      return legendDiv;
    };
    legend.addTo(map);
    TP.syncLegend = function () {
      if (!legendDiv) { return; }
      var parts = legendDiv.querySelectorAll("[data-layer]");
      for (var i = 0; i < parts.length; i++) {
        var lyr = TP.layers[parts[i].getAttribute("data-layer")];
        parts[i].style.display = (lyr && map.hasLayer(lyr)) ? "" : "none";
      }
    };
    map.on("overlayadd overlayremove layeradd layerremove", TP.syncLegend);
    L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"}).addTo(map);
    var north = L.control({position: "bottomleft"});
    north.onAdd = function () {
      var div = L.DomUtil.create("div", "tp-north");
      div.innerHTML = "&#9650;<br>N";
      return div;
    };
    north.addTo(map);
    if (cfg.attribution) { map.attributionControl.addAttribution(cfg.attribution); }
    map.attributionControl.setPrefix(cfg.prefix);
    var streets = function () {
      var on = map.getZoom() >= cfg.streetZoom;
      map.getContainer().classList.toggle("tp-streets", on);
    };
    map.on("zoomend", streets);
    map.on("zoomend moveend overlayadd overlayremove", function () {
      window.setTimeout(TP.declutter, 0);
    });
    map.fitBounds(cfg.bounds, {padding: [12, 12], animate: false});
    streets();
    TP.declutter();
    TP.syncLegend();
    TP.ready = true;
    document.documentElement.setAttribute("data-tp-ready", "1");
  };
})();
"""


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no U+2028)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _script_safe(text)


def _script_safe(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.lru_cache(maxsize=1)
def _folium_classes():
    """Our three folium elements, defined lazily (folium is imported only when drawing)."""
    from branca.element import Element, MacroElement
    from folium.map import Layer

    class OfflineAssets(Element):
        """Leaflet JS/CSS and our small runtime, inlined into the page header as raw text.

        ``render`` returns the text itself: it is never parsed as a Jinja template.
        """

        def __init__(self) -> None:
            from ._offline import leaflet_assets

            super().__init__()
            self._name = "TpOfflineAssets"
            leaflet_js, leaflet_css, _ = leaflet_assets()
            self.text = (
                f"<style>{leaflet_css}</style>\n<script>{leaflet_js}</script>\n"
                f"<style>{_CSS}</style>\n<script>{_JS}</script>\n"
            )

        def render(self, **kwargs) -> str:
            return self.text

    class RawScript(Element):
        """Script text added to the page as it is: never parsed as a Jinja template."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def render(self, **kwargs) -> str:
            return self.text

    def render_script(element: MacroElement, script: str, kwargs: dict) -> None:
        """What ``MacroElement.render`` does for a script-only element, except that branca
        would compile the rendered script as a Jinja template: user text in it (a comment
        ``{{ … }}``) would then run as template code. Here it stays text."""
        element.get_root().script.add_child(RawScript(script), name=element.get_name())
        for child in element._children.values():
            child.render(**kwargs)

    class DataLayer(Layer):
        """A prepared layer: GeoJSON with pre-escaped tooltip/popup HTML, drawn by ``TP.layer``."""

        def __init__(self, payload: str, name: str, show: bool) -> None:
            super().__init__(name=name, overlay=True, control=True, show=show)
            self._name = "TpDataLayer"
            self.payload = payload

        def render(self, **kwargs) -> None:
            # as folium's Layer.render: a shown layer is added to the map, by folium's
            # element's script written directly, or (where that is not reachable) the element
            name, parent = self.get_name(), self._parent.get_name()
            script = _add_to_script(name, parent) if self.show else None
            if self.show and script is None:
                from folium.elements import ElementAddToElement

                self.add_child(
                    ElementAddToElement(element_name=name, element_parent_name=parent),
                    name=name + "_add",
                )
            render_script(self, f"var {name} = TP.layer({self.payload});\n", kwargs)
            if script is not None:
                self.get_root().script.add_child(RawScript(script), name=name + "_add")

    class Controls(MacroElement):
        """Title block, legend, scale bar, north arrow, banner and extent."""

        def __init__(self, config: str) -> None:
            super().__init__()
            self._name = "TpControls"
            self.config = config

        def render(self, **kwargs) -> None:
            render_script(self, f"TP.init({self._parent.get_name()}, {self.config});\n", kwargs)

    return OfflineAssets, DataLayer, Controls


def _add_to_script(name: str, parent: str) -> str | None:
    """The script of folium's ``ElementAddToElement(name, parent)`` as its macro writes it, or
    ``None`` when the macro is not where folium keeps it today (its private ``_template``).

    Branca would compile that text once more as a Jinja template for every layer of every
    map; element names have no template syntax, so the compiled template returns the text
    unchanged (tests/publish/test_maps.py compares the two)."""
    from types import SimpleNamespace

    from folium.elements import ElementAddToElement

    macro = getattr(
        getattr(getattr(ElementAddToElement, "_template", None), "module", None), "script", None
    )
    if macro is None:
        return None
    return str(macro(SimpleNamespace(element_name=name, element_parent_name=parent), {}))


# --------------------------------------------------------------------------- HTML pieces


def _popup_html(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    rows = "".join(f"<tr><th>{html(k)}</th><td>{html(v)}</td></tr>" for k, v in pairs)
    return Trusted(f'<table class="tp-popup">{rows}</table>')


def _title_html(content: ml.MapContent) -> str:
    rows = "".join(f"<tr><th>{html(k)}</th><td>{html(v)}</td></tr>" for k, v in content.facts)
    return Trusted(f"<h1>{html(content.title)}</h1><table>{rows}</table>")


def _legend_html(layers: Sequence[ml.MapLayer]) -> str:
    parts = []
    for layer in layers:
        if not layer.legend:
            continue
        rows = []
        for entry in layer.legend:
            if entry.shape == "line":
                swatch = f'<i class="tp-line" style="border-top-color:{_colour(entry.colour)}"></i>'
            elif entry.shape == "circle":
                swatch = f'<i class="tp-circle" style="background:{_colour(entry.colour)}"></i>'
            elif entry.shape == "outline":
                swatch = (
                    '<i style="background:transparent;box-sizing:border-box;'
                    f'border:2.5px solid {_colour(entry.colour)}"></i>'
                )
            else:
                swatch = f'<i style="background:{_colour(entry.colour)}"></i>'
            rows.append(f'<div class="tp-row">{swatch}<span>{html(entry.label)}</span></div>')
        parts.append(
            f'<div data-layer="{html(layer.key)}"><h2>{html(layer.legend_title)}</h2>'
            + "".join(rows)
            + "</div>"
        )
    return Trusted("".join(parts))


_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def _colour(value: Any) -> str | None:
    """A colour only if it is a hex colour (colours reach CSS and canvas styles)."""
    return value if isinstance(value, str) and _COLOUR.match(value) else None


def _feature_collection(layer: ml.MapLayer) -> str:
    """GeoJSON text of a prepared layer in WGS84: only fill, stroke, tooltip, popup, radius."""
    import shapely

    frame = layer.frame
    if len(frame) == 0:
        return '{"type":"FeatureCollection","features":[]}'
    simplify = layer.kind == "polygon" and layer.key == "areas"
    if layer.key in _SAME_ON_EVERY_MAP:  # the municipality's areas: converted once
        wkb = tuple(shapely.to_wkb(frame.geometry.to_numpy()))
        texts = _geojson_texts_of(wkb, frame.crs, simplify)
    else:
        texts = _shared_geojson_texts(frame.geometry, simplify)
    n = len(frame)
    radius = [""] * n
    if layer.kind == "point" and "n" in frame.columns:
        import numpy as np

        sizes = np.clip(3.0 + 2.2 * np.sqrt(frame["n"].to_numpy(dtype=float)), 4, 22).round(1)
        known: dict[float, str] = {}  # a few distinct sizes over thousands of markers
        radius = [
            known.get(r) or known.setdefault(r, '"r":' + _json_number(r)) for r in sizes.tolist()
        ]
    widths = [""] * n
    if "selected" in frame.columns:  # the chosen area drawn heavier
        widths = ['"w":3.5' if s else "" for s in frame["selected"].tolist()]
    # the members of _script_json({...}), written directly ("" when a member is left out)
    members = zip(
        _members(frame["fill"].tolist(), _fill_member),
        _members(frame["stroke"].tolist(), _stroke_member),
        _members(frame["tooltip"].tolist(), _tip_member),
        _popup_members(frame["popup"].tolist()),
        radius,
        widths,
    )
    features = [
        '{"type":"Feature","geometry":'
        + g
        + ',"properties":{'
        + ",".join([m for m in props if m])
        + "}}"
        for g, props in zip(texts, members)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _members(values: list, member: Callable[[Any], str]) -> list[str]:
    """``member(value)`` of every value, computed once for each distinct text (a layer's
    colours and tooltips repeat: a few classes over thousands of cells), and inside
    :func:`~._layers.shared_parts` once per set of maps (``member`` is a pure function)."""
    memo = ml.shared_memo(f"members-{member.__name__}")
    known: dict[str | None, str] = {} if memo is None else memo
    out = []
    for value in values:
        if value is None or type(value) is str:
            text = known.get(value)
            if text is None:
                text = known[value] = member(value)
            out.append(text)
        else:
            out.append(member(value))
    return out


def _popup_members(pops: list) -> list[str]:
    """The ``"p"`` member of every feature's popup ("" without one); a popup of text pairs is
    written once per set of maps (inside :func:`~._layers.shared_parts`; the same cells and
    points are on several areas' maps), else once per layer."""
    memo = ml.shared_memo("popup-members")
    known: dict[tuple, str] = {} if memo is None else memo
    # a popup of text pairs is found again by the tuple itself (the maps' point layers take
    # their rows from one layer of the whole set): id -> (pairs, text), the pairs held
    same = ml.shared_memo("popup-objects")
    out = []
    for pairs in pops:
        hit = None if same is None else same.get(id(pairs))
        if hit is not None:
            out.append(hit[1])
            continue
        if not pairs:
            out.append("")
            continue
        if not _text_pairs(pairs):  # kept only as a tuple of text pairs (the usual popup)
            out.append('"p":' + _json_text(str(_popup_html(pairs))))
            continue
        text = known.get(pairs)
        if text is None:
            text = known[pairs] = '"p":' + _json_text(str(_popup_html(pairs)))
        if same is not None:
            same[id(pairs)] = (pairs, text)
        out.append(text)
    return out


def _text_pairs(pairs: Any) -> bool:
    """Whether ``pairs`` is a tuple of (text, text) tuples (a key that stays what it is)."""
    return type(pairs) is tuple and all(
        type(p) is tuple and len(p) == 2 and type(p[0]) is str and type(p[1]) is str for p in pairs
    )


def _fill_member(value: Any) -> str:
    colour = _colour(value)
    return "" if colour is None else '"f":' + _json_text(colour)


def _stroke_member(value: Any) -> str:
    colour = _colour(value)
    return "" if colour is None else '"s":' + _json_text(colour)


def _tip_member(value: Any) -> str:
    return '"t":' + _json_text(str(html(value))) if value else ""


def _json_text(text: str) -> str:
    """``_script_json(text)`` of a string: as ``json.dumps`` writes it, then made safe."""
    return _script_safe(_encode_json_string(text))


def _json_number(value: float) -> str:
    """``_script_json(value)`` of a finite float (as ``json.dumps`` writes it)."""
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return float.__repr__(value)


#: Layers whose geometries are the same on every map of a run (all areas, whichever is chosen).
_SAME_ON_EVERY_MAP = ("areas", "indicator")


def _geojson_texts(geoms, simplify: bool) -> list[str]:
    """GeoJSON geometry texts in WGS84, coordinates rounded to :data:`COORD_DECIMALS`."""
    import shapely

    if simplify:
        geoms = geoms.simplify(1.0, preserve_topology=True)  # 1 m: invisible, far smaller
    wgs = geoms.to_crs("EPSG:4326").to_numpy()
    wgs = shapely.transform(wgs, lambda c: c.round(COORD_DECIMALS))
    return list(shapely.to_geojson(wgs))


def _shared_geojson_texts(geoms, simplify: bool) -> list[str]:
    """:func:`_geojson_texts`, each geometry converted once per set of maps.

    Inside :func:`~._layers.shared_parts` a geometry's text is kept by its WKB (its exact
    coordinates): the run's cells, the incident points and most streets and buildings appear
    on several areas' maps. A geometry's text depends on that geometry alone (every coordinate
    is transformed and rounded by itself), so a kept text is the text it would get again.
    The text is also kept by the geometry object itself (shapely geometries are immutable):
    a map's layers mostly hold the very objects of the run's cells and points, found again
    without writing their WKB."""
    import shapely

    memo = ml.shared_memo("geojson")
    if memo is None or geoms.crs is None:
        return _geojson_texts(geoms, simplify)
    known = memo.setdefault((geoms.crs.srs, simplify), {})
    # id -> (geometry, text): the geometry is held, so its id is never another object's
    same = memo.setdefault(("objects", geoms.crs.srs, simplify), {})
    objects = geoms.to_numpy()
    found = [same.get(id(g)) for g in objects]
    texts = [None if hit is None else hit[1] for hit in found]
    todo = [i for i, text in enumerate(texts) if text is None]
    if not todo:
        return texts
    keys = shapely.to_wkb(objects[todo])
    missing = [j for j, key in enumerate(keys) if key not in known]
    if missing:
        rows = [todo[j] for j in missing]
        for j, text in zip(missing, _geojson_texts(geoms.iloc[rows], simplify)):
            known[keys[j]] = text
    for i, key in zip(todo, keys):
        g = objects[i]
        texts[i] = known[key]
        same[id(g)] = (g, texts[i])
    return texts


@functools.lru_cache(maxsize=8)
def _geojson_texts_of(wkb: tuple[bytes, ...], crs: Any, simplify: bool) -> tuple[str, ...]:
    """:func:`_geojson_texts` of geometries given as WKB (cached: a pure function of them)."""
    import geopandas as gpd
    import shapely

    geoms = gpd.GeoSeries(shapely.from_wkb(list(wkb)), crs=crs)
    return tuple(_geojson_texts(geoms, simplify))


# --------------------------------------------------------------------------- folium map


def _tile_layer(tiles: str | None):
    import folium

    if tiles in (None, "", "none"):
        return None
    if tiles in ("osm", "OpenStreetMap", "openstreetmap"):
        return folium.TileLayer(
            "OpenStreetMap",
            name=html(tr("Bakgrund: OpenStreetMap", "Background: OpenStreetMap")),
            overlay=False,
            control=True,
            attr=html("© OpenStreetMap contributors"),
        )
    url = str(tiles)
    if not re.fullmatch(r"https://[^\s\"'<>`]+", url) or not all(
        p in url for p in ("{z}", "{x}", "{y}")
    ):
        raise ArgumentError(
            tr("ogiltig kakeltjänst {u!r}", "invalid tile service {u!r}", u=url),
            rule="MAP_TILES",
            fix=tr(
                "ange none, osm eller en https-adress med {z}, {x} och {y}",
                "give none, osm or an https URL with {z}, {x} and {y}",
            ),
        )
    return folium.TileLayer(
        url,
        name=html(tr("Bakgrund: kommunens karta", "Background: municipal map")),
        overlay=False,
        control=True,
        attr=html(tr("Bakgrundskarta: kommunen", "Background: the municipality")),
        max_zoom=19,
    )


def _render(
    content: ml.MapContent, *, tiles: str | None, attribution: str, gate: Any
) -> folium.Map:
    import os

    import folium
    import numpy as np

    OfflineAssets, DataLayer, Controls = _folium_classes()
    to_wgs = _to_wgs84(os.getpid())
    minx, miny, maxx, maxy = content.bounds
    lon, lat = to_wgs.transform(
        np.array([minx, maxx, minx, maxx]), np.array([miny, miny, maxy, maxy])
    )
    bounds = [
        [round(float(lat.min()), 6), round(float(lon.min()), 6)],
        [round(float(lat.max()), 6), round(float(lon.max()), 6)],
    ]
    m = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=13,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
        max_zoom=19,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    m.default_js = []  # folium's CDN links: replaced by OfflineAssets
    m.default_css = []
    root = m.get_root()
    root.title = html(content.title)
    root.header.add_child(OfflineAssets(), name="tp_offline_assets")
    tile = _tile_layer(tiles)
    if tile is not None:
        tile.add_to(m)
    for layer in content.layers:
        options = {
            "c": _first_colour(layer.frame["stroke"].tolist()),
            "w": layer.weight,
            "fo": layer.fill_opacity,
            "r": layer.radius,
            "d": layer.dash,
        }
        if layer.key == "areas":
            options["i"] = False  # outlines on top must not catch clicks meant for cells
            options["lab"] = len(layer.frame) <= 40
        if layer.key == "focus":  # the rank number stays on the cell
            options["lab"] = True
            options["lc"] = "tp-rank"
        if layer.key in ("basemap_water", "basemap_buildings"):
            options["i"] = False
        if layer.key == "basemap_roads":  # names: on hover, and as labels when zoomed in
            options["sl"] = STREET_LABEL_ZOOM
        if options["c"] is None:
            options["c"] = "#555555"
        payload = (
            '{"k":'
            + _script_json(layer.key)
            + ',"o":'
            + _script_json(options)
            + ',"fc":'
            + _feature_collection(layer)
            + "}"
        )
        DataLayer(payload, html(layer.name), layer.show).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    # the visible "INTERNT – ej för spridning" marking is added by the gate when saving
    config = {
        "title": _title_html(content),
        "legend": _legend_html(content.layers),
        "attribution": html(attribution),
        "bounds": bounds,
        "prefix": "Leaflet",
        "toggle": html(tr("Klicka för att visa/dölja detaljer", "Click to show/hide details")),
        "streetZoom": STREET_LABEL_ZOOM,
    }
    Controls(_script_json(config)).add_to(m)
    setattr(m, _CONTENT_KEY, content)
    setattr(m, _GATE_KEY, gate)
    return m


@functools.lru_cache(maxsize=1)
def _to_wgs84(pid: int) -> Any:
    """The transformer from SWEREF 99 TM to WGS84 (x = longitude), made once per process
    (``pid``: a forked worker makes its own)."""
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)


def _first_colour(values: list) -> str | None:
    """:func:`_colour` of the first value that is not missing (``"#555555"`` when all are)."""
    import pandas as pd

    for value in values:
        if value is not None and not pd.isna(value):
            return _colour(value)
    return "#555555"


def _gate_for(gate: Any, mode: str, sensitive_categories: Sequence[str], quiet: bool) -> Any:
    """The map's publishing gate: the one given (its mode wins) or a new one for ``mode``."""
    if gate is None:
        return ml.new_gate(mode, sensitive_categories, quiet)
    if mode != gate.mode and mode != "public":
        raise ArgumentError(
            tr(
                "läget {m!r} skiljer sig från grindens läge {g!r}",
                "mode {m!r} differs from the gate's mode {g!r}",
                m=mode,
                g=gate.mode,
            ),
            rule="MODE_MISMATCH",
            fix=tr("ange samma läge", "give the same mode"),
        )
    return gate


def map_gate(m: Any) -> Any:
    """The publishing gate a map was built with (for saving companion files in the same set)."""
    return getattr(m, _GATE_KEY, None)


def map_content(m: Any) -> ml.MapContent | None:
    """The prepared content a map was drawn from (used by tests and the static figures)."""
    return getattr(m, _CONTENT_KEY, None)


def map_attribution(attribution: str | None, municipality: str | None) -> str:
    """The data credit of a map: the given text, else "Data: <municipality>" (a real
    municipality's data is never called synthetic; the demo's name says it is fictional)."""
    if attribution:
        return attribution
    return tr("Data: {k}", "Data: {k}", k=municipality or tr("kommunen", "the municipality"))


def neighbourhood_map(
    area_id: Any | None,
    *,
    areas,
    cells=None,
    kde=None,
    incidents=None,
    walk_observations=None,
    dialogue=None,
    indicator: Any = None,
    mode: str = "public",
    tiles: str | None = "none",
    title_params: Mapping[str, Any] | None = None,
    sensitive_categories: Sequence[str] = (),
    snap: float = ml.MIN_SNAP,
    attribution: str | None = None,
    municipality: str | None = None,
    gate: Any = None,
    quiet: bool = False,
    basemap: Any = None,
) -> folium.Map:
    """Neighbourhood map of one area (or all areas) for planners.

    Parameters
    ----------
    area_id : str or None
        ``area_id`` (or exact name) of the area to centre on; ``None`` shows all areas.
    areas : geopandas.GeoDataFrame
        Area polygons with ``area_id`` and ``name``.
    cells : geopandas.GeoDataFrame, optional
        Result of ``hotspot_gistar``/``hotspot_classify``: square cells with ``gi_bin`` (and
        ``hotspot_category``); ``attrs["tryggaplatser"]["params"]`` is listed in the title block.
    kde : geopandas.GeoDataFrame, optional
        Result of ``hotspot_kde`` (columns ``kde`` and ``n``), drawn as classed cells.
    incidents : geopandas.GeoDataFrame, optional
        Incident points, aggregated to grid cells (public: ≥ 250 m, counts 1–4 as "<5");
        internal mode adds points snapped to ≥ ``snap`` m and merged per snapped cell.
    walk_observations : geopandas.GeoDataFrame, optional
        Safety-walk observations: coloured by status with action popups (internal), or share
        resolved per cell (public).
    dialogue : geopandas.GeoDataFrame, optional
        Citizen-dialogue pins (internal) or responses per cell (public; never free text).
    indicator : str or pandas.Series, optional
        Column of ``areas`` or a Series by ``area_id`` (``attrs["n"]`` = number of responses,
        ``attrs["label"]`` = legend title) for the choropleth, classed with mapclassify
        (Jenks natural breaks, k ≤ 5).
    mode : {"public", "internal"}
        Publishing mode (REFERENCE.md §5); internal maps carry the banner
        "INTERNT – ej för spridning".
    tiles : {"none", "osm"} or str
        Background: none (default, fully offline), OpenStreetMap, or an https tile URL with
        ``{z}/{x}/{y}``.
    title_params : mapping, optional
        Extra rows for the title block (label → value).
    sensitive_categories : sequence of str
        Incident categories never shown below municipality level in public mode.
    snap : float
        Internal mode: snap distance for incident points (at least 50 m; doubled automatically
        until at most 3 000 markers remain).
    attribution, municipality : str, optional
        Attribution text; by default "Data: <municipality>".
    quiet : bool
        Do not announce automatic choices.
    basemap : Basemap, optional
        The project's ``[basemap]`` (:func:`tryggaplatser.layers.basemap.load_basemap`):
        streets (named in tooltips and, zoomed in, as labels), water and (internal maps)
        buildings, drawn lightly under the data, clipped to the map's extent; each a layer
        "Bakgrund: …" that can be switched off.

    Returns
    -------
    folium.Map
        Write it with :func:`save_map` (which makes it self-contained).
    """
    gate = _gate_for(gate, mode, sensitive_categories, quiet)
    content = ml.neighbourhood_content(
        area_id,
        areas=areas,
        cells=cells,
        kde=kde,
        incidents=incidents,
        walk_observations=walk_observations,
        dialogue=dialogue,
        indicator=indicator,
        gate=gate,
        title_params=title_params,
        snap=snap,
        quiet=quiet,
        basemap=basemap,
    )
    content.attribution = map_attribution(attribution, municipality)
    return _render(content, tiles=tiles, attribution=content.attribution, gate=gate)


def hotspot_map(
    *,
    areas,
    cells,
    focus_places=None,
    week: str | None = None,
    mode: str = "public",
    tiles: str | None = "none",
    title_params: Mapping[str, Any] | None = None,
    attribution: str | None = None,
    municipality: str | None = None,
    gate: Any = None,
    quiet: bool = False,
    basemap: Any = None,
) -> folium.Map:
    """The EST meeting's hot-spot map for a week.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Area polygons (``area_id``, ``name``).
    cells : geopandas.GeoDataFrame
        Result of ``hotspot_classify``/``hotspot_gistar``: cells with ``gi_bin`` (−3..3) and,
        when present, ``hotspot_category`` (codes of ``[hotspot_category]`` in vocabulary.toml).
    focus_places : pandas.DataFrame or geopandas.GeoDataFrame, optional
        The EST brief's ranked focus places: ``ESTBrief.focus`` as it is (``rank``,
        ``cell_id``, ``cell_x``/``cell_y``, ``reasons``, ``area_name``), or a GeoDataFrame of
        places (``name``, optional ``rank`` and ``reason``; a point is drawn as its grid
        cell). Internal mode only: layer "Fokusplatser" with each cell outlined and labelled
        with its rank, and a popup listing the reasons. Focus places are an internal working
        list, so a public gate leaves them out (and says so).
    week : str, optional
        ISO week shown in the title, e.g. ``"2026-W47"``.
    mode, tiles, title_params, attribution, municipality
        As in :func:`neighbourhood_map`.
    gate : Gate, optional
        The output set's publishing gate (its mode wins); by default a new one for ``mode``.
    quiet : bool
        Do not announce automatic choices.
    basemap : Basemap, optional
        As in :func:`neighbourhood_map`.

    Returns
    -------
    folium.Map
    """
    gate = _gate_for(gate, mode, (), quiet)
    content = ml.hotspot_content(
        areas=areas,
        cells=cells,
        focus_places=focus_places,
        week=week,
        gate=gate,
        title_params=title_params,
        quiet=quiet,
        basemap=basemap,
    )
    content.attribution = map_attribution(attribution, municipality)
    return _render(content, tiles=tiles, attribution=content.attribution, gate=gate)


def street_map(
    stretches,
    *,
    areas=None,
    mode: str = "internal",
    period: str = "",
    params: Mapping[str, Any] | None = None,
    tiles: str | None = "none",
    attribution: str | None = None,
    municipality: str | None = None,
    gate: Any = None,
    quiet: bool = False,
    basemap: Any = None,
) -> folium.Map:
    """The street-level map: street stretches by Gi* class (internal) and by count class, for
    lighting, cleaning and guard routes (:mod:`._streets`).

    Parameters
    ----------
    stretches : geopandas.GeoDataFrame
        The run's street stretches (:meth:`tryggaplatser.Run.streets`), released here by the
        gate as ``street_stretches`` (public: stretches of at least 250 m, counts 1–4 "<5").
    areas : geopandas.GeoDataFrame, optional
        Area outlines.
    period : str
        The period shown in the title block.
    params : mapping, optional
        The stretches' provenance (``stretch_length``, ``snap_distance``).
    mode, tiles, attribution, municipality, gate, quiet, basemap
        As in :func:`neighbourhood_map`.

    Returns
    -------
    folium.Map
    """
    from ._streets import street_content

    gate = _gate_for(gate, mode, (), quiet)
    content = street_content(
        stretches,
        gate=gate,
        areas=areas,
        basemap=basemap,
        period=period,
        params=dict(params or {}),
    )
    content.attribution = map_attribution(attribution, municipality)
    return _render(content, tiles=tiles, attribution=content.attribution, gate=gate)


_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
)


def _stable_ids(text: str, ids: set[str]) -> str:
    """Replace folium's random element ids (uuid4 hex, ``ids``) by ids numbered in order of
    appearance, so the same inputs give a byte-identical map.

    Only a run of exactly 32 lower-case hex digits that is one of ``ids`` is replaced (a longer
    run, or one that is no element's id, such as a key a resident wrote in a comment, stays
    as it is). The runs are found in the UTF-8 bytes with every hex digit masked to ``x``
    (``bytes.translate`` and ``bytes.find``, a few milliseconds for a map of a megabyte; a
    regular expression tries every digit of the map's coordinates); hex digits are ASCII, so
    the bytes' runs are the text's."""
    known = {i.encode("ascii") for i in ids}
    data = text.encode("utf-8")
    mask = data.translate(_HEX_MASK)
    numbers: dict[bytes, bytes] = {}
    parts, done, start = [], 0, mask.find(_ID_RUN)
    while start >= 0:
        end = mask.find(b".", start + 32)
        end = len(mask) if end < 0 else end
        run = data[start:end] if end - start == 32 else None  # a whole run of exactly 32
        if run in known:  # an element's id
            parts += [data[done:start], numbers.setdefault(run, b"%032x" % len(numbers))]
            done = end
        start = mask.find(_ID_RUN, end)
    if not parts:
        return text
    parts.append(data[done:])
    return b"".join(parts).decode("utf-8")


#: Lower-case hex digits masked to ``x``, every other byte to ``.`` (for :func:`_stable_ids`).
_HEX_MASK = bytes(ord("x") if chr(b) in "0123456789abcdef" else ord(".") for b in range(256))
_ID_RUN = b"x" * 32


def _element_ids(root: Any) -> set[str]:
    """The ids of ``root`` and every element under it (folium's and branca's ``_id``)."""
    ids, stack = set(), [root]
    while stack:
        element = stack.pop()
        if getattr(element, "_id", None):
            ids.add(element._id)
        stack.extend(getattr(element, "_children", {}).values())
    return ids


def save_map(
    m: folium.Map, path: str | Path, *, gate: Any = None, about: dict[str, Any] | None = None
) -> Path:
    """Write a map as ONE self-contained HTML file (UTF-8) that renders with no network.

    Leaflet's JavaScript and CSS are inlined from the ``xstatic-leaflet`` package; folium's CDN
    links (jQuery, Bootstrap, Font Awesome, awesome-markers) are not used. The written page
    is checked: a ``<script>``/``<link>`` that loads anything from the web is an error.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`neighbourhood_map` or :func:`hotspot_map`.
    path : str or Path
        Output file; its folder is created.
    gate : Gate, optional
        The output set's publishing gate; by default the gate the map was built with. The page
        is written through ``Gate.write_html``: mode ``<meta>`` tag, visible marking
        "INTERNT – ej för spridning" on internal maps, audit scan and manifest entry (a public
        page with findings is removed and refused).
    about : dict, optional
        What the folder's start page shows about the map (``area``, ``period``…; see
        ``Gate.seal``).

    Returns
    -------
    Path
    """
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    text = _stable_ids(root.render(), _element_ids(root))
    found = _EXTERNAL.search(text)
    if found:
        raise ArgumentError(
            tr(
                "kartan skulle hämta resurser från nätet: {f}",
                "the map would load resources from the web: {f}",
                f=found.group(0)[:120],
            ),
            rule="MAP_NOT_OFFLINE",
            fix=tr(
                "använd bara element från tryggaplatser.publish.maps.interactive",
                "use only elements from tryggaplatser.publish.maps.interactive",
            ),
        )
    gate = gate if gate is not None else getattr(m, _GATE_KEY, None)
    if gate is None:
        raise ArgumentError(
            tr("kartan saknar publiceringsgrind", "the map has no publishing gate"),
            rule="NOT_GATED",
            fix=tr("skicka gate=Gate(...)", "pass gate=Gate(...)"),
        )
    return gate.write_html(text, path, kind="map", about=about)


def slugify(name: Any, *, max_length: int = 60) -> str:
    """An ASCII, file-name-safe slug of an area name: "Östra Hagen/Norr" → "ostra-hagen-norr".

    Swedish letters lose their diacritics (å→a, ä→a, ö→o), everything else that is not a
    letter or digit becomes "-", and an empty result becomes "omrade".
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:max_length].strip("-")
    return text or "omrade"
