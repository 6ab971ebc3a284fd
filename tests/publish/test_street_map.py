"""The street-level map's content (``publish/maps/_streets.py``) and the folder's background
``bakgrund.gpkg`` (``publish/background.py``)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.maps._layers import STRETCH_COUNT_CLASSES
from tryggaplatser.publish.maps._streets import street_content, stretch_count_classes


def _stretches(counts, length=300.0):
    lines = [
        shapely.LineString([(650000 + i * length, 6550000), (650000 + (i + 1) * length, 6550000)])
        for i in range(len(counts))
    ]
    frame = gpd.GeoDataFrame(
        {
            "stretch_id": [f"S{i:06d}" for i in range(len(counts))],
            "name": ["Storgatan <b>"] * len(counts),
            "from_m": [i * length for i in range(len(counts))],
            "to_m": [(i + 1) * length for i in range(len(counts))],
            "length": [length] * len(counts),
            "n": counts,
            "gistar": np.linspace(-3, 3, len(counts)),
            "pvalue": [0.01] * len(counts),
            "gi_bin": [0] * (len(counts) - 1) + [3],
        },
        geometry=lines,
        crs=3006,
    )
    frame.attrs = {"tryggaplatser": {"params": {"stretch_length": length}}}
    return frame


COUNTS = [0, 1, 4, 5, 9, 10, 19, 20, 49, 50, 390]


def _brute_class(n: int) -> int:
    return sum(n >= low for low, _ in STRETCH_COUNT_CLASSES)


def test_count_classes_match_a_brute_force_count_internal():
    released = Gate("internal", quiet=True).release(_stretches(COUNTS), "street_stretches")
    classes, text = stretch_count_classes(released)
    assert classes.tolist() == [_brute_class(n) for n in COUNTS]
    # internal: counts 1–2 flagged as few, the others as they are
    assert [t for t, n in zip(text, COUNTS) if not 1 <= n <= 2] == [
        str(n) for n in COUNTS if not 1 <= n <= 2
    ]
    assert text[1] == "1 (få)"


def test_public_small_counts_are_one_class_and_z_scores_never_reach_the_map():
    gate = Gate("public", quiet=True)
    content = street_content(_stretches(COUNTS), gate=gate)
    keys = [layer.key for layer in content.layers]
    assert keys == ["stretches_n"]  # no Gi* layer in public
    layer = content.layer("stretches_n")
    assert set(layer.frame.columns) == {
        "geometry",
        "fill",
        "stroke",
        "tooltip",
        "popup",
        "selected",
    }
    pops = [dict(p) for p in layer.frame["popup"]]
    shown = [p["Gatusträcka"] for p in pops]
    assert shown[1] == "Storgatan <b> 300–600 m: <5 händelser"  # escaped by the renderer
    assert not any("Gi*" in p for p in pops)
    assert "<5" in [e.label for e in layer.legend]


def test_internal_map_has_the_gi_layer_with_every_stretch():
    content = street_content(_stretches(COUNTS), gate=Gate("internal", quiet=True))
    gi = content.layer("stretches_gi")
    assert gi is not None and gi.show and len(gi.frame) == len(COUNTS)
    assert gi.frame["selected"].tolist() == [False] * (len(COUNTS) - 1) + [True]
    assert (
        dict(gi.frame["popup"].iloc[-1])["Gatusträcka"]
        == "Storgatan <b> 3000–3300 m: 390 händelser"
    )
    assert not content.layer("stretches_n").show


@pytest.mark.parametrize("mode", ["internal", "public"])
def test_background_is_written_once_clipped_and_without_public_buildings(tmp_path, mode):
    import pyogrio

    from tryggaplatser.datasets import demo_config_path
    from tryggaplatser.layers.config import load_config
    from tryggaplatser.publish.background import BACKGROUND_FILE, write_background
    from tryggaplatser.publish.gate import read_manifest

    config = load_config(demo_config_path())
    gate = Gate(mode, config=config, quiet=True)
    listed = write_background(tmp_path, gate)
    path = tmp_path / BACKGROUND_FILE
    layers = [layer for _, _, layer in listed]
    assert layers == (
        ["vagar", "byggnader", "vatten"] if mode == "internal" else ["vagar", "vatten"]
    )
    assert {str(n) for n, _ in pyogrio.list_layers(path)} >= set(layers)
    roads = gpd.read_file(path, layer="vagar")
    assert list(roads.columns) == ["name", "geometry"] and roads["name"].notna().any()
    study = gpd.read_file(config.study_area).to_crs(roads.crs).total_bounds
    x0, y0, x1, y1 = roads.total_bounds
    assert x0 >= study[0] - 1e-6 and y0 >= study[1] - 1e-6
    assert x1 <= study[2] + 1e-6 and y1 <= study[3] + 1e-6
    assert read_manifest(tmp_path)[BACKGROUND_FILE]["kind"] == "background"
    before = path.stat().st_mtime_ns
    assert write_background(tmp_path, gate) == listed  # once per folder
    assert path.stat().st_mtime_ns == before
