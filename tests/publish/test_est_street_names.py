"""Done when: a planner can find every focus place of the demo's EST brief by its street name
on the map. The brief names each place by its street; the EST map draws that street, with that
name, at the place."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from tryggaplatser.analysis.est_brief import est_brief
from tryggaplatser.analysis.run import Run
from tryggaplatser.i18n import language
from tryggaplatser.publish.gate import Gate
from tryggaplatser.publish.reports.est_brief import write_est_brief


@pytest.fixture(scope="module")
def written(demo_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("est")
    with language("sv"):
        run = Run(demo_project, "internal", quiet=True)
        brief = est_brief(
            demo_project.incidents,
            demo_project.areas,
            demo_project.measures,
            run=run,
            quiet=True,
        )
        gate = Gate("internal", quiet=True)
        files = write_est_brief(brief, out, gate, municipality="Exempelstad", today="2026-11-27")
    return brief, files


def _roads_on_map(html: str) -> gpd.GeoDataFrame:
    """The street layer the map draws: name (tooltip) and line, back in EPSG:3006."""
    start = html.index('{"k":"basemap_roads"')
    features = json.JSONDecoder().raw_decode(html, start)[0]["fc"]["features"]
    return gpd.GeoDataFrame(
        {"name": [f["properties"].get("t", "") for f in features]},
        geometry=[shapely.geometry.shape(f["geometry"]) for f in features],
        crs="EPSG:4326",
    ).to_crs(3006)


def test_every_focus_place_is_found_by_its_street_on_the_map(written):
    brief, files = written
    focus = brief.focus
    assert len(focus) >= 5
    report = files["html"].read_text(encoding="utf-8")
    roads = _roads_on_map(files["karta"].read_text(encoding="utf-8"))
    size = float(focus.attrs["cell_size"])
    for row in focus.itertuples(index=False):
        assert row.place_name, f"focus place {row.rank} has no street"
        street = row.place_name.split(" vid ")[0]
        # the brief names the place by its street, with the cell id as the reference
        assert row.place_name in report and row.cell_id in report
        # the map draws that street, with that name, within the place's reach
        cells = [
            shapely.box(x, y, x + size, y + size)
            for x, y in (
                (float(c.split("mE")[1].split("N")[0]), float(c.split("N")[1]))
                for c in row.cells.split(";")
            )
        ]
        place = shapely.union_all(cells)
        named = roads[roads["name"] == street]
        assert len(named), f"{street} is not drawn on the map"
        assert named.distance(place).min() <= 250, f"{street} is not drawn at place {row.rank}"


def test_the_brief_states_the_place_name_rule(written):
    brief, files = written
    report = files["html"].read_text(encoding="utf-8")
    assert "Plats (gata)" in report
    assert any(p[0] == "Platsnamn" and "250 m" in p[1] for p in brief.parameters)
