"""The street-level map ``gatustrackor.html`` in a real browser (headless Chromium, offline):
every stretch drawn along the network, the legend visible, popups naming the street and its
metres, a street name carrying a script payload shown as text."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import PAYLOADS, X0, Y0, make_basemap, make_layers

from tryggaplatser.analysis.streets import street_stretches
from tryggaplatser.publish.maps.interactive import save_map, street_map

pytestmark = pytest.mark.browser


def _stretches():
    """Stretches of the synthetic street grid (one street named with a payload), with the
    incidents and a planted cluster of 40 incidents on Storgatan near its start."""
    import geopandas as gpd
    import shapely

    basemap = make_basemap()
    roads = basemap.roads.copy()
    roads.loc[len(roads) - 2, "name"] = PAYLOADS[0]
    incidents = make_layers(1500)["incidents"]
    y = Y0 + 200  # Storgatan, the first east–west street
    rng = np.random.default_rng(3)
    cluster = gpd.GeoDataFrame(
        geometry=shapely.points(X0 + 400 + rng.uniform(0, 150, 40), np.full(40, y + 5.0)),
        crs=3006,
    )
    points = gpd.GeoDataFrame(
        geometry=np.concatenate([incidents.geometry.to_numpy(), cluster.geometry.to_numpy()]),
        crs=3006,
    )
    result = street_stretches(roads, points)
    stretches = result.stretches.copy()
    for col in ("from_m", "to_m", "length"):
        stretches[col] = stretches[col].round(0)
    stretches.attrs = {"tryggaplatser": {"params": {"stretch_length": 100.0}}}
    return stretches, result.params, basemap


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    stretches, params, basemap = _stretches()
    folder = tmp_path_factory.mktemp("gator")
    m = street_map(
        stretches,
        areas=make_layers(100)["areas"],
        mode="internal",
        period="2026-01-01 – 2026-11-30",
        params=params,
        quiet=True,
        basemap=basemap,
    )
    return save_map(m, folder / "gatustrackor.html"), stretches


def test_stretches_drawn_legend_visible_and_popups_name_the_metres(open_map, written, tmp_path):
    path, stretches = written
    loaded = open_map(path)
    page = loaded.page
    assert loaded.console_errors == [] and loaded.blocked == [] and loaded.dialogs == []
    drawn = page.evaluate("() => TP.layers.stretches_gi.getLayers().length")
    assert drawn == len(stretches)
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.stretches_gi)") is True
    # significant stretches are thick, in the Gi* colours
    hot = int((stretches["gi_bin"] > 0).sum())
    assert hot > 0
    thick = page.evaluate(
        "() => TP.layers.stretches_gi.getLayers().filter(l => l.options.weight > 3).length"
    )
    assert thick == int((stretches["gi_bin"] != 0).sum())
    legend = page.locator("[data-layer='stretches_gi']")
    assert legend.is_visible()
    assert "Gi* längs vägnätet" in legend.inner_text()
    popups = page.evaluate(
        """() => TP.layers.stretches_gi.getLayers()
        .map(l => l.getPopup() ? l.getPopup().getContent() : '')"""
    )
    top = stretches.sort_values("n", ascending=False).iloc[0]
    expected = f"Storgatan {top.from_m:.0f}–{top.to_m:.0f} m: {int(top.n)} händelser"
    assert top["name"] == "Storgatan"
    assert any(expected in p for p in popups), expected
    # the payload street name is text, not markup
    assert not any("<img" in p for p in popups) and any("&lt;img" in p for p in popups)
    page.screenshot(path=str(tmp_path / "gatustrackor.png"))


def test_count_layer_listed_and_switchable(open_map, written):
    path, _ = written
    page = open_map(path).page
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.stretches_n)") is False
    row = page.locator(".leaflet-control-layers-overlays label", has_text="antal händelser")
    row.locator("input").click()
    assert page.evaluate("() => TP.map.hasLayer(TP.layers.stretches_n)") is True
    assert page.locator("[data-layer='stretches_n']").is_visible()
