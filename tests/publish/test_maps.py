"""Interactive maps (publish/maps/interactive.py): self-contained, gated, allowlisted, escaped."""

from __future__ import annotations

import re
import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from synthetic import PAYLOADS, X0, Y0, make_layers

from tryggaplatser.errors import ArgumentError, GateRefusal
from tryggaplatser.publish.maps import _layers as ml
from tryggaplatser.publish.maps.interactive import (
    hotspot_map,
    map_content,
    neighbourhood_map,
    save_map,
    slugify,
)

# the time window of the hot-spot maps: public maps show a month (the finest public unit)
WINDOW = {"public": "2026-10", "internal": "2026-W47"}


@pytest.fixture(scope="module")
def layers():
    return make_layers(3000, payload=True)


@pytest.fixture(scope="module")
def pages(layers, tmp_path_factory):
    """Neighbourhood and hotspot maps in both modes, written once: {name: (map, html text)}."""
    out = {}
    for mode in ("public", "internal"):
        folder = tmp_path_factory.mktemp(mode)
        m = neighbourhood_map(
            "A1",
            areas=layers["areas"],
            cells=layers["cells"],
            kde=layers["cells"],
            incidents=layers["incidents"],
            walk_observations=layers["walk_observations"],
            dialogue=layers["dialogue"],
            indicator="otrygghet",
            mode=mode,
            quiet=True,
        )
        path = save_map(m, folder / "karta_omrade_a1.html")
        out[f"area_{mode}"] = (m, path.read_text(encoding="utf-8"))
        h = hotspot_map(
            areas=layers["areas"],
            cells=layers["cells"],
            focus_places=layers["focus_places"],
            week=WINDOW[mode],
            mode=mode,
        )
        path = save_map(h, folder / f"karta_hotspots_{WINDOW[mode]}.html")
        out[f"hotspots_{mode}"] = (h, path.read_text(encoding="utf-8"))
    return out


def _data_part(text: str) -> str:
    """The page's own script (after the inlined Leaflet library)."""
    return text[text.index("TP.layer(") :]


def test_self_contained_no_cdn(pages):
    for _, text in pages.values():
        assert not re.search(r"<(script|link)\b[^>]*(src|href)\s*=\s*[\"']?(https?:)?//", text)
        for host in ("cdn.jsdelivr", "code.jquery", "cdnjs.cloudflare", "bootstrapcdn"):
            assert host not in text
        assert "leaflet-control-layers" in text  # Leaflet CSS inlined
        assert '"1.9.3"' in text  # Leaflet's own version string, from xstatic-leaflet
        assert "data:image/png;base64," in text  # CSS images inlined


def test_size_small(pages):
    for _, text in pages.values():
        assert len(text.encode()) < 1_000_000


def test_internal_marking_and_mode(pages):
    assert "INTERNT – ej för spridning" in pages["area_internal"][1]
    assert "INTERNT – ej för spridning" not in pages["area_public"][1]
    assert 'name="tryggaplatser-mode" content="public"' in pages["area_public"][1]


def test_public_shows_no_bandwidth_and_no_points(pages):
    public = _data_part(pages["area_public"][1])
    assert "Bandbredd" not in public and "412 m" not in public
    assert '"type":"Point"' not in public
    assert "Bandbredd" in _data_part(pages["area_internal"][1])
    assert '"type":"Point"' in _data_part(pages["area_internal"][1])


def test_public_small_counts_are_lt5(pages):
    content = map_content(pages["area_public"][0])
    tips = [
        t
        for lyr in content.layers
        if lyr.key in ("incidents", "dialogue")
        for t in lyr.frame["tooltip"]
    ]
    assert tips
    assert not [t for t in tips if re.match(r"^[1-4] ", t)]
    assert any(t.startswith("<5 ") for t in tips)


def test_only_allowlisted_values_reach_html(pages):
    for _, text in pages.values():
        assert "19121212-1212" not in text  # extra personal-data column
        assert "personnummer_extra" not in text
        assert "Fri text som aldrig ska synas" not in text  # incident descriptions
    for _, text in (pages["area_public"], pages["hotspots_public"]):
        assert "Mörkt vid busshållplatsen" not in text  # dialogue free text never public


def test_internal_popups_show_redacted_free_text(layers, pages):
    """REFERENCE.md §5: internal maps show free text after redaction; public maps never."""
    internal = _data_part(pages["area_internal"][1])
    assert "Byt armatur vid gångtunneln" in internal  # walk observation: proposed measure
    assert "Mörkt vid busshållplatsen" in internal  # dialogue comment
    public = _data_part(pages["area_public"][1])
    assert "Byt armatur" not in public and "Mörkt vid" not in public
    walks = layers["walk_observations"].copy()
    walks.loc[2, "proposed_measure"] = "Ring Kim på 070-123 45 67 om lampan"
    walks.loc[3, "reason_if_not"] = "Fastighetsägaren kim@example.se svarar inte"
    m = neighbourhood_map(
        None, areas=layers["areas"], walk_observations=walks, mode="internal", quiet=True
    )
    popups = " ".join(v for row in map_content(m).layer("walks").frame["popup"] for _, v in row)
    assert "Ring Kim på" in popups and "om lampan" in popups
    assert "070-123 45 67" not in popups and "kim@example.se" not in popups
    assert "Fastighetsägaren" in popups  # reason_if_not shown, redacted


def test_payloads_escaped(pages):
    for _, text in pages.values():
        data = _data_part(text)
        assert "<img" not in data and "<svg" not in data and "<\\/script" not in data
        assert "${alert" not in data and "`;alert" not in data
        assert "</script><script>alert" not in text
    assert "&lt;img src=x onerror=" in pages["area_internal"][1]


def test_user_text_is_never_run_as_a_template(pages):
    """folium/branca compile a rendered element's script as a Jinja template, so a name or
    comment with ``{{ … }}`` could run as template code. User text has its braces escaped,
    and our map elements add their script as text, never as a template."""
    import folium

    from tryggaplatser.publish.maps.interactive import _folium_classes

    for name, (_, text) in pages.items():
        assert "49x56" not in text, name
    assert "&#123;&#123;7*7&#125;&#125;x" in pages["area_public"][1].replace("\\u0026", "&")
    _, data_layer, controls = _folium_classes()
    m = folium.Map(tiles=None)
    data_layer('{"t":"{{7*7}}x{%if 1%}j{%endif%}"}', "x", True).add_to(m)
    controls('{"title":"{{7*8}}"}').add_to(m)
    page = m.get_root().render()
    assert '{"t":"{{7*7}}x{%if 1%}j{%endif%}"}' in page and '{"title":"{{7*8}}"}' in page
    assert ".addTo(map_" in page  # the layer is still added to the map


def test_page_title_escaped(pages):
    title = re.search(r"<title>(.*?)</title>", pages["area_public"][1], re.S).group(1)
    assert "<img" not in title and "&lt;img" in title


def test_coordinates_rounded(pages):
    data = _data_part(pages["area_public"][1])
    coords = re.findall(r"\[(-?\d+\.\d+),(-?\d+\.\d+)\]", data)
    assert coords
    assert max(len(c.split(".")[1]) for pair in coords for c in pair) <= 6


def test_gate_refuses_fine_grid_in_public(layers):
    fine = make_layers(500, cell_size=100.0)
    with pytest.raises(GateRefusal):
        neighbourhood_map(None, areas=fine["areas"], cells=fine["cells"], mode="public")
    m = neighbourhood_map(None, areas=fine["areas"], cells=fine["cells"], mode="internal")
    assert map_content(m).layer("gistar") is not None


def test_public_incident_cells_at_least_250m(layers):
    m = neighbourhood_map("A2", areas=layers["areas"], incidents=layers["incidents"], mode="public")
    frame = map_content(m).layer("incidents").frame
    minx, miny, maxx, _ = frame.geometry.iloc[0].bounds
    assert maxx - minx >= 250 and minx % 250 == 0 and miny % 250 == 0


def test_internal_points_are_capped_and_snapped():
    rng = np.random.default_rng(3)
    import geopandas as gpd
    import shapely

    lay = make_layers(10)
    xy = np.column_stack([X0 + rng.uniform(0, 6000, 20000), Y0 + rng.uniform(0, 4000, 20000)])
    incidents = gpd.GeoDataFrame(
        {"incident_id": np.arange(20000).astype(str), "category": "klotter"},
        geometry=shapely.points(xy),
        crs="EPSG:3006",
    )
    m = neighbourhood_map(
        None, areas=lay["areas"], incidents=incidents, mode="internal", quiet=True
    )
    points = map_content(m).layer("points")
    assert 0 < len(points.frame) <= ml.MAX_POINT_MARKERS
    assert points.frame["n"].sum() == 20000
    snap = float(dict(map_content(m).facts)["Punkter fästa till"].split()[0])
    assert snap >= 50
    x = shapely.get_coordinates(points.frame.geometry.to_numpy())[:, 0]
    assert np.allclose((x - snap / 2) % snap, 0)  # centres of the snapping lattice


def test_municipality_centroid_records_not_drawn(layers):
    inc = layers["incidents"].copy()
    inc["location_precision"] = "exakt"
    inc.loc[inc.index[:500], "location_precision"] = "kommun_centroid"
    m = neighbourhood_map(None, areas=layers["areas"], incidents=inc, mode="internal", quiet=True)
    assert map_content(m).layer("points").frame["n"].sum() == len(inc) - 500


def test_hotspot_map_layers(pages):
    content = map_content(pages["hotspots_public"][0])
    # public: focus places are an internal working list and never shown
    assert [lyr.key for lyr in content.layers] == ["gistar", "categories", "areas"]
    internal = map_content(pages["hotspots_internal"][0])
    assert [lyr.key for lyr in internal.layers] == ["gistar", "categories", "areas", "focus"]
    # internal: each focus place is the outline of its 250 m cell, labelled with its rank
    focus = internal.layer("focus")
    assert focus.kind == "polygon" and focus.fill_opacity == 0.0
    assert focus.frame["tooltip"].tolist() == ["1", "2"]
    assert "Hotspotkarta, månad 2026-10" in content.title
    assert "Hotspotkarta för EST, vecka 2026-W47" in internal.title


def _brief_focus():
    """A ranked list shaped like ``ESTBrief.focus`` (analysis.est.focus_places + area_name)."""
    import pandas as pd

    focus = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "cell_id": ["250mE650500N6561000", "250mE652750N6560750", "250mE651000N6563000"],
            "cell_x": [650_500, 652_750, 651_000],
            "cell_y": [6_561_000, 6_560_750, 6_563_000],
            "area_id": ["A1", "A2", "A4"],
            "score": [9.0, 6.0, 3.0],
            "reasons": [
                "4 av senaste 4 veckorna; bestående hotspot; " + PAYLOADS[0],
                "ny hotspot; near-repeat-fönster aktivt till 2026-11-30",
                "3 av senaste 4 veckorna",
            ],
            "area_name": ["Norra Hagen", PAYLOADS[1], "Centrum"],
        }
    )
    focus.attrs["cell_size"] = 250.0
    return focus


@pytest.fixture(scope="module")
def focus_pages(layers, tmp_path_factory):
    """Hotspot maps drawn with an EST brief's focus list: {mode: (map, html text)}."""
    out = {}
    for mode in ("public", "internal"):
        m = hotspot_map(
            areas=layers["areas"],
            cells=layers["cells"],
            focus_places=_brief_focus(),
            week=WINDOW[mode],
            mode=mode,
            quiet=True,
        )
        path = save_map(m, tmp_path_factory.mktemp(mode) / f"karta_est_{WINDOW[mode]}.html")
        out[mode] = (m, path.read_text(encoding="utf-8"))
    return out


def test_focus_layer_from_brief_list(focus_pages):
    content = map_content(focus_pages["internal"][0])
    focus = content.layer("focus")
    assert focus.name == "Fokusplatser"
    assert focus.frame["tooltip"].tolist() == ["1", "2", "3"]
    # cells from the lower-left corners and the list's cell size
    assert focus.frame.geometry.iloc[0].bounds == (650_500, 6_561_000, 650_750, 6_561_250)
    popups = [dict(p) for p in focus.frame["popup"]]
    assert popups[0]["Fokusplats"] == "1. Norra Hagen"
    assert popups[0]["Ruta"] == "250mE650500N6561000"
    assert popups[0]["Skäl"].splitlines() == [
        "• 4 av senaste 4 veckorna",
        "• bestående hotspot",
        "• " + PAYLOADS[0],
    ]
    assert "near-repeat-fönster aktivt till 2026-11-30" in popups[1]["Skäl"]
    text = _data_part(focus_pages["internal"][1])
    assert '"k":"focus"' in text and '"lab":true' in text
    assert "bestående hotspot" in text  # the reasons reach the popups ...
    for payload in PAYLOADS[:2]:  # ... escaped by the safe-text helper
        assert payload not in text


def test_public_maps_never_show_focus_places(focus_pages, pages, caplog):
    import logging

    for _, text in (focus_pages["public"], pages["hotspots_public"], pages["area_public"]):
        data = _data_part(text)
        assert '"k":"focus"' not in data
        assert "Fokusplats" not in data and "veckorna" not in data
    assert map_content(focus_pages["public"][0]).layer("focus") is None
    layers = make_layers(300)
    logger = logging.getLogger("tryggaplatser")
    own = not logger.propagate  # the CLI tests turn propagation off
    if own:
        logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="tryggaplatser"):
            hotspot_map(
                areas=layers["areas"],
                cells=layers["cells"],
                focus_places=_brief_focus(),
                mode="public",
            )
    finally:
        if own:
            logger.removeHandler(caplog.handler)
    assert any("Fokusplatserna visas inte" in r.getMessage() for r in caplog.records)


def test_focus_places_need_cells_or_geometry(layers):
    with pytest.raises(ArgumentError, match="cell_x"):
        hotspot_map(
            areas=layers["areas"],
            cells=layers["cells"],
            focus_places=_brief_focus().drop(columns=["cell_x"]),
            mode="internal",
            quiet=True,
        )


def test_title_block_lists_automatic_parameters(pages):
    facts = dict(map_content(pages["area_internal"][0]).facts)
    assert facts["Cellstorlek"].startswith("250 m (automatiskt")
    assert facts["Bandbredd (KDE)"].startswith("412 m")
    assert "k=" in facts["Indikator"]
    assert "Bandbredd (KDE)" not in dict(map_content(pages["area_public"][0]).facts)


def test_tiles_options(layers):
    args = {"areas": layers["areas"], "mode": "internal"}
    osm = neighbourhood_map(None, tiles="osm", **args).get_root().render()
    assert "tile.openstreetmap.org" in osm
    url = "https://karta.example.se/tiles/{z}/{x}/{y}.png"
    assert url in neighbourhood_map(None, tiles=url, **args).get_root().render()
    for bad in ("javascript:alert(1)", "http://x/{z}/{x}/{y}.png", "https://x/tiles.png"):
        with pytest.raises(ArgumentError, match="MAP_TILES"):
            neighbourhood_map(None, tiles=bad, **args)


def test_unknown_area_lists_choices(layers):
    with pytest.raises(ArgumentError, match="A1") as err:
        neighbourhood_map("Nowhere", areas=layers["areas"])
    assert err.value.rule == "AREA_UNKNOWN"
    # an exact name works as well as an id
    assert "Åsen" in map_content(neighbourhood_map("A3", areas=make_layers(10)["areas"])).title


def test_unknown_mode_refused(layers):
    with pytest.raises(ValueError):
        neighbourhood_map(None, areas=layers["areas"], mode="secret")


def test_cells_without_result_columns_refused(layers):
    with pytest.raises(ArgumentError, match="gi_bin"):
        hotspot_map(areas=layers["areas"], cells=layers["cells"][["n", "geometry"]])


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Östra Hagen/Norr", "ostra-hagen-norr"),
        ("Åsen", "asen"),
        ("../../etc", "etc"),
        (PAYLOADS[0], "img-src-x-onerror-alert-img"),
        ("", "omrade"),
        ("€€", "omrade"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_classify_labels_and_k():
    c = ml.classify([1, 2, 3, 10, 20, 30, 100], "Quantiles", 3, integer=True)
    assert len(c.bins) == 3 and c.description.endswith("k=3")
    assert c.labels[0].startswith("1")
    single = ml.classify([4, 4, 4], "FisherJenks", 5)
    assert single.bins == [4.0] and single.description.endswith("k=1")


def test_grid_counts_matches_bincount():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1000, 5000)
    y = rng.uniform(0, 1000, 5000)
    x0, y0, n = ml.grid_counts(x, y, 250)
    assert n.sum() == 5000 and len(n) == 16
    expected = np.histogram2d(x, y, bins=4, range=[[0, 1000], [0, 1000]])[0]
    got = np.zeros((4, 4))
    got[(x0 // 250).astype(int), (y0 // 250).astype(int)] = n
    assert np.array_equal(got, expected)


# --------------------------------------------------------------------------- CLI


def _run(args):
    from click.testing import CliRunner

    from tryggaplatser.cli import cli

    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize("args", [[], ["--area", "A1", "--all"], ["--all", "--week", "2026-W47"]])
def test_cli_map_needs_one_target(args, tmp_path):
    result = _run(["map", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--area" in result.output or "--week" in result.output


def test_cli_week_format():
    from tryggaplatser.analysis.periods import week_bounds

    start, end = week_bounds("2026-W47")
    assert str(start.tz_convert("Europe/Stockholm").date()) == "2026-11-16"
    assert (end - start).days == 7
    with pytest.raises(ArgumentError, match="2026-W60"):
        week_bounds("2026-W60")


def test_cli_map_area_public_passes_audit(tmp_path, tiny_config):
    """One area's public map through the CLI, named by the area's name, passes the audit. On
    the tiny project: the command is the same for any project; every public area map of the
    demo is written by ``tryggaplatser demo`` and audited in tests/cli/test_demo.py."""
    name = "Norrby"
    result = _run(
        [
            "-q",
            "map",
            "--config",
            tiny_config,
            "--area",
            name,
            "--mode",
            "public",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "publik" / f"karta_omrade_{slugify(name)}.html"
    assert written.exists() and str(written) in result.output
    audit = _run(["audit", str(tmp_path / "publik"), "--mode", "public"])
    assert audit.exit_code == 0, audit.output


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_maps_drawn_with_shared_parts_equal_maps_drawn_alone(layers, mode, tmp_path):
    """``map --all`` prepares what every area's map shares once (``shared_parts``): each page
    equals the page drawn on its own."""

    def page(area: str, folder: Path) -> str:
        m = neighbourhood_map(
            area,
            areas=layers["areas"],
            cells=layers["cells"],
            kde=layers["cells"],
            incidents=layers["incidents"],
            walk_observations=layers["walk_observations"],
            dialogue=layers["dialogue"],
            indicator="otrygghet",
            mode=mode,
            quiet=True,
        )
        return save_map(m, folder / f"karta_{area}.html").read_text(encoding="utf-8")

    (tmp_path / "alone").mkdir()
    (tmp_path / "shared").mkdir()
    alone = {a: page(a, tmp_path / "alone") for a in ("A1", "A2", "A3")}
    with ml.shared_parts():
        shared = {a: page(a, tmp_path / "shared") for a in ("A1", "A2", "A3")}
    assert shared == alone
    assert len(set(alone.values())) == 3  # three different maps


def test_feature_properties_are_the_json_the_encoder_writes():
    """Feature properties are written without ``json.dumps``: the same text, made safe."""
    from tryggaplatser.publish.maps.interactive import _json_number, _json_text, _script_json

    texts = [*PAYLOADS, "Storgatan 1", 'a"b\\c', "tab\tnl\nctl\x01", "\u2028\u2029", "åäö €", ""]
    for text in texts:
        assert _json_text(text) == _script_json(text)
    for value in (4.0, 3.3000000000000003, 22.0, 0.1, 1e20):
        assert _json_number(value) == _script_json(value)
    with pytest.raises(ValueError):
        _json_number(float("nan"))


def test_public_dialogue_and_walk_cells_show_one_count_in_every_area_map(demo_project):
    """Two overlapping map frames draw a shared cell with the same count, and that count is
    every point of the cell (floor division on the 250 m grid), not the frame's part of it."""
    from tryggaplatser.publish.gate import Gate

    walks, dialogue = demo_project.walk_observations, demo_project.dialogue
    x, y = dialogue.geometry.x.to_numpy(), dialogue.geometry.y.to_numpy()
    cx, cy = np.median(x), np.median(y)
    frames = [
        (cx - 1500, cy - 1500, cx + 100, cy + 100),
        (cx - 100, cy - 100, cx + 1500, cy + 1500),
    ]
    gate = Gate("public", quiet=True)
    shown = []
    for bounds in frames:
        layers = ml._public_observation_layers(walks, dialogue, bounds, 250.0, gate)
        tips = {}
        for layer in layers:
            for geom, tip in zip(layer.frame.geometry, layer.frame["tooltip"], strict=True):
                tips[(layer.key, round(geom.bounds[0]), round(geom.bounds[1]))] = tip
        shown.append(tips)
    shared = set(shown[0]) & set(shown[1])
    assert len(shared) >= 4  # the frames overlap by a few cells
    assert all(shown[0][k] == shown[1][k] for k in shared)
    cells = {}
    for ix, iy in zip(np.floor(x / 250).astype(int), np.floor(y / 250).astype(int), strict=True):
        cells[(ix * 250, iy * 250)] = cells.get((ix * 250, iy * 250), 0) + 1
    for (key, x0, y0), tip in shown[0].items():
        if key == "dialogue" and tip.split()[0].isdigit():
            assert int(tip.split()[0]) == cells[(x0, y0)]


def test_public_maps_with_shared_parts_record_the_same_disclosure_summary(layers):
    """The municipality's walk and dialogue cells are released once per set of maps inside
    ``shared_parts``; the gate's summary (suppressed values, rules) must still count every
    map, exactly as when each map releases them itself."""
    from tryggaplatser.publish.gate import Gate

    def summary(shared: bool) -> dict:
        gate = Gate("public", quiet=True)
        with ml.shared_parts() if shared else nullcontext():
            for area in ("A1", "A2", "A3"):
                neighbourhood_map(
                    area,
                    areas=layers["areas"],
                    cells=layers["cells"],
                    walk_observations=layers["walk_observations"],
                    dialogue=layers["dialogue"],
                    gate=gate,
                    quiet=True,
                )
        return gate.summary.to_dict()

    alone, shared = summary(False), summary(True)
    assert alone["undertryckta_varden_primart"] > 0  # the layers do withhold small counts
    # the areas layer's release was already shared before (its dropped columns count once)
    del alone["borttagna_kolumner"], shared["borttagna_kolumner"]
    assert shared == alone


def test_geojson_of_a_set_of_maps_equals_each_geometry_converted_alone():
    """Inside ``shared_parts`` a geometry's GeoJSON is kept by its WKB; the texts must equal
    the conversion of each layer on its own, whatever repeats between layers."""
    import geopandas as gpd
    import shapely

    from tryggaplatser.publish.maps.interactive import _geojson_texts, _shared_geojson_texts

    rng = np.random.default_rng(11)
    x = X0 + rng.integers(0, 40, 300) * 125.0
    y = Y0 + rng.integers(0, 40, 300) * 125.0
    squares = gpd.GeoSeries(shapely.box(x, y, x + 125, y + 125), crs=3006)
    points = gpd.GeoSeries(shapely.points(x + rng.uniform(0, 1, 300), y), crs=3006)
    layers = [squares.iloc[:200], squares.iloc[100:], points, points.iloc[::-1], squares]
    with ml.shared_parts():
        shared = [_shared_geojson_texts(g, False) for g in layers]
    assert shared == [_geojson_texts(g, False) for g in layers]


def test_stable_ids_number_runs_of_exactly_32_hex_digits_as_a_regex_would():
    """The byte scan of ``_stable_ids`` against its definition written as a regular
    expression: every maximal run of exactly 32 lower-case hex digits that is an element's id
    is numbered in order of first appearance; shorter and longer runs, upper-case digits and
    32-digit runs that are no element's id stay as they are."""
    import random

    from tryggaplatser.publish.maps.interactive import _stable_ids

    def reference(text: str, known: set[str]) -> str:
        ids: dict[str, str] = {}

        def number(match: re.Match) -> str:
            run = match.group(0)
            return ids.setdefault(run, f"{len(ids):032x}") if run in known else run

        return re.sub(r"[0-9a-f]{32,}", number, text)

    rng = random.Random(12)
    other = "0123456789abcdefABCDEF åäö.,-_x\n\"'{}é"
    changed = kept = 0
    for _ in range(2000):
        pieces: list[str] = []
        for _ in range(rng.randint(0, 10)):
            r = rng.random()
            if r < 0.35:
                n = rng.choice([5, 31, 32, 32, 33, 64])
                pieces.append("".join(rng.choice("0123456789abcdef") for _ in range(n)))
            elif r < 0.45 and pieces:
                pieces.append(rng.choice(pieces))  # an id met again keeps its number
            else:
                pieces.append("".join(rng.choice(other) for _ in range(rng.randint(0, 8))))
        text = "".join(pieces)
        runs = re.findall(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", text)
        known = {run for run in runs if rng.random() < 0.7}  # the others: a resident's text
        kept += len(set(runs) - known)
        assert _stable_ids(text, known) == reference(text, known), text
        changed += _stable_ids(text, known) != text
    assert changed > 100 and kept > 50  # the cases do renumber ids and keep other runs


def test_a_32_digit_key_in_a_residents_comment_stays_on_the_map(tmp_path):
    """Only folium's own element ids are renumbered: a comment holding a run of 32 hex
    digits (a key pasted from a case system) is shown as written, and the map is still the
    same bytes from run to run."""
    key = "0123456789abcdef0123456789abcdef"
    small = make_layers(400)
    walks = small["walk_observations"].copy()
    walks["proposed_measure"] = f"Ärende {key}: byt armaturen"
    pages = []
    for name in ("a.html", "b.html"):
        m = neighbourhood_map(
            "A1", areas=small["areas"], walk_observations=walks, mode="internal", quiet=True
        )
        pages.append(save_map(m, tmp_path / name).read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert f"Ärende {key}: byt armaturen" in pages[0]


def test_prepared_layer_text_columns_hold_what_a_pandas_column_holds():
    """Prepared layers keep their text columns as objects (no Arrow strings); each value must
    be what pandas itself stores for the same list: NaN for a missing value among texts, a
    plain ``str`` for a NumPy string, the values unchanged when not all are text."""
    import math

    import pandas as pd
    import shapely

    def same(a, b) -> bool:
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return type(a) is type(b) and a == b

    cases = [
        ["#aaaaaa", None, "#bbbbbb"],
        [np.str_("#aaaaaa"), "#bbbbbb", None],
        [None, None, None],
        [float("nan"), "x", pd.NA],
        [1.5, "x", None],
        ["a", "b", "c"],
    ]
    points = shapely.points(np.arange(3.0), np.arange(3.0))
    for values in cases:
        frame = ml._frame(points, fill=values, stroke=values, tooltip=values)
        for column in ("fill", "stroke", "tooltip"):
            got, want = frame[column].tolist(), pd.Series(values).tolist()
            assert all(same(g, w) for g, w in zip(got, want, strict=True)), (values, got)
    frame = ml._frame(points, popup=[(("a", "b"),), (), (("c", "d"), ("e", "f"))])
    assert frame["popup"].tolist() == [(("a", "b"),), (), (("c", "d"), ("e", "f"))]
    assert frame["tooltip"].tolist() == ["", "", ""] and frame.crs.to_epsg() == 3006


def test_layer_added_to_the_map_as_folium_writes_it():
    """A shown layer's ``addTo`` script is written from folium's macro without branca's
    second pass as a Jinja template: the text must be what that pass gives."""
    from branca.element import Figure
    from folium.elements import ElementAddToElement

    from tryggaplatser.publish.maps.interactive import _add_to_script

    for name, parent in (("tp_data_layer_0a1b", "map_ff00"), ("layer_x", "map_y")):
        figure = Figure()
        element = ElementAddToElement(element_name=name, element_parent_name=parent)
        figure.add_child(element)
        element.render()
        folium_text = figure.script._children[element.get_name()].render()
        assert _add_to_script(name, parent) == folium_text
        assert f"{name}.addTo({parent});" in folium_text


def test_popups_of_a_set_of_maps_equal_popups_written_alone():
    """Inside ``shared_parts`` a popup of text pairs is written once and found again by its
    tuple; a popup that is not plain text pairs (here trusted markup equal to a plain text)
    must still be written by itself, as outside the block."""
    from tryggaplatser.publish.maps.interactive import _popup_members
    from tryggaplatser.publish.safe_text import Trusted

    plain = (("Kommentar", "<b>hej</b>"),)
    trusted = (("Kommentar", Trusted("<b>hej</b>")),)
    layers = [[plain, (), trusted, plain], [trusted, plain], [(("Kommentar", "<b>hej</b>"),)]]
    alone = [_popup_members(pops) for pops in layers]
    with ml.shared_parts():
        shared = [_popup_members(pops) for pops in layers]
    assert shared == alone
    assert alone[0][0] != alone[0][2]  # the trusted markup is not escaped


def test_resolve_area_by_id_or_by_name_in_any_case():
    """An area is found by its id, else by its name regardless of case (first match), as a
    linear search over the rows finds it; a missing name never matches."""
    import geopandas as gpd
    from shapely.geometry import box

    areas = gpd.GeoDataFrame(
        {"area_id": ["A1", "A2", "A3", "7"], "name": ["Norra", None, "Östra Hagen", "A1"]},
        geometry=[box(0, 0, 1, 1)] * 4,
        crs=3006,
    )

    def reference(key: str):
        rows = list(zip(areas["area_id"], areas["name"], strict=True))
        for i, _ in rows:
            if i == key:
                return i, next(n for j, n in rows if j == i)
        for i, n in rows:
            if isinstance(n, str) and n.casefold() == key.casefold():
                return i, n
        return None

    for key in ("A1", "A3", "norra", "ÖSTRA HAGEN", "7", "a1"):
        got = ml.resolve_area(areas, key)
        want = reference(key)
        assert got[0] == want[0] and (got[1] == want[1] or want[1] is None), key
    with pytest.raises(ArgumentError):
        ml.resolve_area(areas, "Södra")


def test_layer_added_by_folium_s_element_where_its_macro_is_not_reachable(monkeypatch):
    """Where folium no longer keeps the macro where ``_add_to_script`` reads it, a shown layer
    is added by folium's own element, to the same page."""
    import folium

    import tryggaplatser.publish.maps.interactive as im

    def page() -> str:
        _, data_layer, _ = im._folium_classes()
        m = folium.Map(tiles=None)
        m._id = "fixed0"
        for i, show in enumerate((True, False, True)):
            layer = data_layer('{"type":"FeatureCollection","features":[]}', f"L{i}", show)
            layer._id = f"fixed{i + 1}"
            layer.add_to(m)
        return m.get_root().render()

    direct = page()
    assert direct.count(".addTo(map_fixed0);") >= 2
    monkeypatch.setattr(im, "_add_to_script", lambda name, parent: None)
    assert page() == direct
