"""The GeoPackages, rasters and QGIS project of a run, opened in real QGIS (headless PyQGIS).

Debian's ``python3-qgis`` (QGIS 3.22 LTR) lives in the system Python: the probe
(``_qgis_probe.py``) runs under ``/usr/bin/python3`` with ``QT_QPA_PLATFORM=offscreen`` and a
temporary profile, and reports what QGIS sees as JSON. A missing PyQGIS fails the tests with
the command that installs it (never a skip).
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tryggaplatser.publish.gate import INTERNAL_MARKING

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("_qgis_probe.py")
MAP_SUFFIXES = (".gpkg", ".tif", ".qml", ".qgz")


def _check_pyqgis() -> None:
    ok = (
        Path(SYSTEM_PYTHON).exists()
        and subprocess.run(
            [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not ok:
        pytest.fail(
            "Debian-paketet python3-qgis behövs (QGIS i systemets Python): kör `make test` som "
            "root (installerar det) eller `sudo apt-get install python3-qgis`",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def sets(demo_run, demo_project, tmp_path_factory):
    """The demo run's two sets (hotspot layers and rasters, EST brief, risk factors and their
    QGIS projects, copied out of the shared run), a background road and lake outside the output
    folders (the ``[basemap]`` files of a project), and the public QGIS project rewritten with
    them."""
    import shutil

    import geopandas as gpd
    import shapely

    from tryggaplatser.publish.gate import Gate
    from tryggaplatser.publish.qgis_project import write_qgis_project

    _check_pyqgis()
    root = tmp_path_factory.mktemp("qgis")
    out = root / "ut"
    for folder in ("internt", "publik"):
        shutil.copytree(demo_run[0] / folder, out / folder)
    x0, y0, x1, y1 = demo_project.layers["areas"].total_bounds
    data = root / "bakgrund"
    data.mkdir()
    road = shapely.LineString([(x0, y0), (x1, y1)])
    gpd.GeoDataFrame({"namn": ["Storgatan"]}, geometry=[road], crs=3006).to_file(
        data / "vagar.gpkg", layer="vagar"
    )
    lake = shapely.Point((x0 + x1) / 2, (y0 + y1) / 2).buffer((x1 - x0) / 20)
    gpd.GeoDataFrame(geometry=[lake], crs=3006).to_file(data / "vatten.gpkg", layer="vatten")
    background = [
        ("Vägar", data / "vagar.gpkg", "vagar"),
        ("Vatten", data / "vatten.gpkg", "vatten"),
    ]
    # internal: the [basemap] layers of the demo configuration (the default of finish_set);
    # public: background layers given explicitly
    write_qgis_project(out / "publik", Gate("public", quiet=True), background=background)
    # near-repeat alerts (the demo's week has none): one active, one ending
    from tryggaplatser.publish.geopackage import write_cells_gpkg

    cells = [shapely.box(x0, y0, x0 + 100, y0 + 100), shapely.box(x0 + 100, y0, x0 + 200, y0 + 100)]
    alerts = gpd.GeoDataFrame({"active_next_week": [True, False]}, geometry=cells, crs=3006)
    write_cells_gpkg(
        alerts, root / "extra" / "larm.gpkg", layer="near_repeat_larm", style="active_next_week"
    )
    return out


@pytest.fixture(scope="module")
def qgis(sets, tmp_path_factory):
    """What QGIS reports about both folders; the internal project rendered to a PNG."""
    home = tmp_path_factory.mktemp("qgis-home")
    png = home / "karta.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home),
        "PYTHONPATH": "",
    }
    folders = [str(sets / "internt"), str(sets / "publik"), str(sets.parent / "extra")]
    done = subprocess.run(
        [SYSTEM_PYTHON, str(PROBE), *folders, "--png", str(png), "--profile", str(home)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout), png


def _layers(report, folder, kind=None):
    return {
        k: v
        for k, v in report[folder]["layers"].items()
        if kind is None or (kind == "raster") == k.endswith(".tif")
    }


@pytest.mark.parametrize("folder", ["internt", "publik"])
def test_every_layer_is_valid_and_opens_styled(qgis, folder):
    report, _ = qgis
    vectors = _layers(report, folder, "vector")
    rasters = _layers(report, folder, "raster")
    assert {"hotspots.gpkg:gistar", "hotspots.gpkg:kde", "hotspots.gpkg:klassning"} <= set(vectors)
    assert {"omraden.gpkg:omraden", "omraden.gpkg:studieomrade"} <= set(vectors)
    assert any(k.startswith("est_") for k in vectors)
    for name, layer in vectors.items():
        assert layer["valid"], name
        # a stored style (never QGIS' random single colour), listed once in the style manager
        assert layer["renderer"] in ("categorizedSymbol", "graduatedSymbol", "singleSymbol"), name
        assert len(layer["styles"]) == len(set(layer["styles"])), name
    for name, layer in rasters.items():
        assert layer["valid"] and layer["renderer"] in ("paletted", "singlebandpseudocolor"), name
    assert set(rasters) == (
        {"hotspots_gi_bin.tif", "hotspots_kde_class.tif", "riskyta.tif"}
        if folder == "publik"
        else {"hotspots_gi_bin.tif", "hotspots_gistar.tif", "hotspots_kde.tif", "riskyta.tif"}
    )
    assert {"riskyta.gpkg:riskyta", "gatustrackor.gpkg:gatustrackor"} <= set(vectors)


def test_classes_have_the_maps_colours_and_swedish_labels(qgis):
    """The Gi* and category layers in the HTML maps' colours with the vocabulary's labels; the
    not-significant class is listed but not drawn, as on the maps."""
    from tryggaplatser.layers.vocab import codes, label
    from tryggaplatser.publish.maps._layers import CATEGORY_COLOURS, GI_COLOURS

    report, _ = qgis
    for folder in ("internt", "publik"):
        gi = _layers(report, folder)["hotspots.gpkg:gistar"]
        assert gi["renderer"] == "categorizedSymbol"
        assert [c[:3] for c in gi["classes"]] == [
            [str(b), label("gi_bin", b), GI_COLOURS[b]] for b in range(-3, 4)
        ]
        assert [c[3] for c in gi["classes"]] == [b != 0 for b in range(-3, 4)]
        cl = _layers(report, folder)["hotspots.gpkg:klassning"]
        assert [c[0] for c in cl["classes"]] == codes("hotspot_category")
        for value, _text, colour, drawn in cl["classes"]:
            assert drawn == (value != "inget_monster")
            if drawn:
                assert colour == CATEGORY_COLOURS[value]


def test_density_layers_use_the_maps_density_classes_with_a_decimal_comma(qgis):
    from tryggaplatser.publish.gate import density_class_labels
    from tryggaplatser.publish.maps._layers import palette

    report, _ = qgis
    names, colours = density_class_labels(), palette("RdPu", 5)
    public = _layers(report, "publik")["hotspots.gpkg:kde"]
    assert public["renderer"] == "categorizedSymbol"
    assert [c[1:3] for c in public["classes"]] == [list(p) for p in zip(names, colours)]
    internal = _layers(report, "internt")["hotspots.gpkg:kde"]
    assert internal["renderer"] == "graduatedSymbol" and len(internal["classes"]) == 5
    for (bounds, text, colour, _), name, expected in zip(
        internal["classes"], names, colours, strict=True
    ):
        assert text.startswith(name) and colour == expected
        low = f"{bounds[0]:.2f}".replace(".", ",")
        assert low in text and "." not in text.replace(name, ""), text
    raster = _layers(report, "publik")["hotspots_kde_class.tif"]
    assert [c[1:] for c in raster["classes"]] == [list(p) for p in zip(names, colours)]
    kde = _layers(report, "internt")["hotspots_kde.tif"]
    assert [c[2] for c in kde["classes"][1:]] == colours


def test_rasters_are_types_gdal_3_6_reads_with_named_classes(qgis):
    """Class rasters are Byte (GDAL type 1) with nodata 0, never the misread int8; the Gi*
    raster's codes 1–7 are named in Swedish; densities are Float32 (type 6)."""
    from tryggaplatser.layers.vocab import label
    from tryggaplatser.publish.maps._layers import GI_COLOURS

    report, _ = qgis
    for folder in ("internt", "publik"):
        gi = _layers(report, folder)["hotspots_gi_bin.tif"]
        assert gi["data_type"] == 1 and gi["nodata"] == 0
        assert gi["classes"] == [[b + 4, label("gi_bin", b), GI_COLOURS[b]] for b in range(-3, 4)]
    assert _layers(report, "publik")["hotspots_kde_class.tif"]["data_type"] == 1
    for name in ("hotspots_kde.tif", "hotspots_gistar.tif"):
        assert _layers(report, "internt")[name]["data_type"] == 6


def test_one_class_est_layers_keep_their_classes(qgis):
    report, _ = qgis
    layers = _layers(report, "internt")
    est = next(k.split(":")[0] for k in layers if k.startswith("est_2"))
    rec = layers[f"{est}:aterkommande_platser"]
    assert rec["renderer"] == "categorizedSymbol"
    assert [c[1] for c in rec["classes"]] == ["2 veckor", "3 veckor", "4 veckor"]
    assert len({c[2] for c in rec["classes"]}) == 3
    alerts = layers[f"{est}:near_repeat_larm"]
    assert [c[1] for c in alerts["classes"]] == ["Aktivt nästa vecka", "Riskfönstret slutar"]
    larm = report["extra"]["layers"]["larm.gpkg:near_repeat_larm"]
    assert larm["feature_classes"] == {"Aktivt nästa vecka": 1, "Riskfönstret slutar": 1}
    focus = layers[f"{est}:fokusplatser"]
    assert focus["labels"] and focus["features"] > 0  # ranks written on the cells


@pytest.mark.parametrize("folder", ["internt", "publik"])
def test_qgis_draws_every_cell_in_its_class(qgis, sets, folder):
    """QGIS puts each significant cell in the class of its stored gi_bin (counted with
    geopandas), and draws none of the not-significant ones."""
    import geopandas as gpd

    from tryggaplatser.layers.vocab import label

    report, _ = qgis
    cells = gpd.read_file(sets / folder / "hotspots.gpkg", layer="gistar")
    expected = {
        label("gi_bin", b): int(n) for b, n in cells["gi_bin"].value_counts().items() if b != 0
    }
    expected[""] = int((cells["gi_bin"] == 0).sum())
    assert _layers(report, folder)["hotspots.gpkg:gistar"]["feature_classes"] == expected


def test_fields_have_swedish_aliases(qgis):
    report, _ = qgis
    gi = _layers(report, "internt")["hotspots.gpkg:gistar"]["aliases"]
    assert gi["gi_bin"] == "Hotspotklass (Gi*)" and gi["n"] == "Antal" and gi["cell_id"] == "Ruta"
    kde = _layers(report, "publik")["hotspots.gpkg:kde"]["aliases"]
    assert kde["kde_class"] == "Täthetsklass" and kde["n_visning"] == "Antal (visas)"


def test_internal_layers_carry_the_marking_inside_qgis(qgis):
    report, _ = qgis
    for name, layer in _layers(report, "internt", "vector").items():
        assert layer["title"].startswith(INTERNAL_MARKING), name
        assert layer["abstract"].startswith(INTERNAL_MARKING), name
        assert INTERNAL_MARKING in layer["map_tip"], name
    for layer in _layers(report, "publik", "vector").values():
        assert INTERNAL_MARKING not in layer["title"] + layer["abstract"] + layer["map_tip"]
    project = report["internt"]["project"]
    assert project["title"].startswith(INTERNAL_MARKING)
    assert project["title_label"] == INTERNAL_MARKING
    background = ("Vägar", "Byggnader", "Vatten")  # the municipality's own map: not marked
    assert all(n.startswith(INTERNAL_MARKING) for n in project["layers"] if n not in background)
    assert report["publik"]["project"]["title_label"] == ""


@pytest.mark.parametrize("folder", ["internt", "publik"])
def test_the_project_loads_every_layer_grouped_with_relative_paths(qgis, sets, folder):
    report, _ = qgis
    project = report[folder]["project"]
    assert project["read"] and project["crs"] == "EPSG:3006" and not project["absolute_paths"]
    assert project["groups"] == ["EST", "Hotspots", "Riskfaktorer", "Områden", "Bakgrund"]
    layers = project["layers"]
    assert all(v["valid"] for v in layers.values()), layers
    titles = (
        "Riskyta (relativ risk per ruta)",
        "Riskyta, raster (riskklasser)",
        "Gatusträckor: händelser per sträcka",
    )
    marked = [f"{INTERNAL_MARKING} – {t}" if folder == "internt" else t for t in titles]
    # the risk surface (GeoPackage and raster) and the street stretches
    assert {n for n, v in layers.items() if v["group"] == "Riskfaktorer"} == set(marked)
    n_files = len([k for k in report[folder]["layers"] if not k.startswith("bakgrund.gpkg:")])
    background = [n for n, v in layers.items() if v["group"] == "Bakgrund"]
    # every GeoPackage layer and raster, and the background: the demo's [basemap] layers
    # (internal, hooked by finish_set) or the ones given (public)
    assert background == (
        ["Vägar", "Byggnader", "Vatten"] if folder == "internt" else ["Vägar", "Vatten"]
    )
    assert len(layers) == n_files + len(background)
    renderers = {v["renderer"] for v in layers.values()}
    assert None not in renderers
    with zipfile.ZipFile(sets / folder / "qgis_projekt.qgz") as z:
        text = z.read("qgis_projekt.qgs").decode("utf-8")
    assert str(sets) not in text  # relative paths only: the folder can be moved
    assert 'source="./hotspots.gpkg|layername=gistar"' in text
    if folder == "publik":  # background given explicitly: referred to where it is
        assert 'source="../../bakgrund/vagar.gpkg|layername=vagar"' in text
    else:  # the [basemap] copied into the folder: the folder is self-contained
        assert 'source="./bakgrund.gpkg|layername=vagar"' in text
        assert 'source="../' not in text and "basemap/" not in text


def test_the_rendered_project_is_not_blank(qgis):
    """The internal project's visible layers render with several distinct colours (Gi* hot and
    cold classes, area lines, focus places, background)."""
    report, png = qgis
    render = report["internt"]["project"]["render"]
    assert png.exists() and png.stat().st_size > 10_000
    assert render["colours_over_50_px"] >= 6, render
    assert 0.05 < render["non_white_share"] < 0.95, render


def test_project_is_sealed_and_the_public_set_passes_the_audit(sets):
    """Both projects are sealed, and the sets and their map files (layers, rasters, styles,
    projects) pass the audit; every other file of the demo's sets is audited in
    tests/cli/test_demo.py."""
    from tryggaplatser.publish.audit import scan_file, set_findings
    from tryggaplatser.publish.gate import read_manifest

    for folder, mode in (("internt", "internal"), ("publik", "public")):
        manifest = read_manifest(sets / folder)
        assert manifest["qgis_projekt.qgz"]["kind"] == "qgis_project"
        assert all(f"{p.stem}.qml" in manifest for p in (sets / folder).glob("*.tif"))
        assert set_findings(sets / folder, mode) == []
        maps = [p for p in sorted((sets / folder).iterdir()) if p.suffix in MAP_SUFFIXES]
        assert {".gpkg", ".tif", ".qml", ".qgz"} == {p.suffix for p in maps}
        for path in maps:
            assert scan_file(path, mode, root=sets / folder) == [], path.name


def test_public_monthly_est_layer_stays_inside_the_municipality(sets, demo_project):
    """Every cell of the public EST layer touches the study area (the run's grid is clipped
    to it), the same cells as the public hotspot layers."""
    import geopandas as gpd

    from tryggaplatser.layers.config import load_config

    study = gpd.read_file(load_config(demo_project.config.path).study_area).union_all()
    path = next((sets / "publik").glob("est_*_hotspots.gpkg"))
    cells = gpd.read_file(path, layer="hotspotklasser")
    assert len(cells) and cells.intersects(study).all()
    grid = gpd.read_file(sets / "publik" / "hotspots.gpkg", layer="gistar")
    assert set(cells["cell_id"]) == set(grid["cell_id"])


def test_risk_layers_are_styled_in_the_maps_colours(qgis, sets):
    """The risk surface by relative-risk class (the maps' colours, decimal comma), the street
    stretches as lines — by Gi* class internally, by count class publicly — with Swedish
    aliases, and the risk raster with its classes."""
    import geopandas as gpd

    from tryggaplatser.layers.vocab import label
    from tryggaplatser.publish.maps._layers import (
        GI_COLOURS,
        RISK_CLASS_COLOURS,
        STRETCH_COUNT_CLASSES,
        STRETCH_NONE_COLOUR,
    )

    report, _ = qgis
    for folder in ("internt", "publik"):
        layers = _layers(report, folder)
        surface = layers["riskyta.gpkg:riskyta"]
        assert surface["valid"] and surface["renderer"] == "categorizedSymbol"
        assert [c[0] for c in surface["classes"]] == ["1", "2", "3", "4", "5"]
        assert [c[2] for c in surface["classes"]] == [RISK_CLASS_COLOURS[k] for k in range(1, 6)]
        assert surface["classes"][1][1] == "1,0 – 1,5" and surface["classes"][4][1] == "över 3,0"
        assert surface["aliases"]["risk_class"] == "Riskklass"
        stretches = layers["gatustrackor.gpkg:gatustrackor"]
        assert stretches["valid"] and stretches["geometry"] == 1  # lines
        assert stretches["symbol_types"] == [1]  # line symbols, not fills
        assert stretches["aliases"]["name"] == "Gata"
        assert stretches["aliases"]["from_m"] == "Från (m)"
        frame = gpd.read_file(sets / folder / "gatustrackor.gpkg", layer="gatustrackor")
        if folder == "internt":
            assert stretches["renderer"] == "categorizedSymbol"
            assert [c[:3] for c in stretches["classes"]] == [
                [str(b), label("gi_bin", b), GI_COLOURS[b] if b else STRETCH_NONE_COLOUR]
                for b in range(-3, 4)
            ]
            drawn = stretches["feature_classes"]
            assert drawn[label("gi_bin", 3)] == int((frame["gi_bin"] == 3).sum())
            assert sum(drawn.values()) == len(frame)
            assert len(stretches["styles"]) == 2  # Gi* (default) and count classes
        else:
            assert stretches["renderer"] == "graduatedSymbol"
            assert [c[2] for c in stretches["classes"]] == [STRETCH_NONE_COLOUR] + [
                c for _, c in STRETCH_COUNT_CLASSES
            ]
            n = frame["n"]
            drawn = stretches["feature_classes"]
            assert drawn["10–19"] == int(((n >= 10) & (n <= 19)).sum())
    raster = _layers(report, "publik")["riskyta.tif"]
    assert raster["renderer"] == "paletted" and raster["data_type"] == 1
    assert [c[2] for c in raster["classes"]] == [RISK_CLASS_COLOURS[k] for k in range(1, 6)]
    assert _layers(report, "internt")["riskyta.tif"]["renderer"] == "singlebandpseudocolor"
