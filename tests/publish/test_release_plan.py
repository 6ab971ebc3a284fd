"""Disclosure control over a whole public folder: the release-wide plan against an LP attacker.

The attacker (:mod:`lp_attacker`) reads only the files of the folder — CSV and XLSX here, the
HTML reports of the demo in ``test_demo_public_set_discloses_nothing`` — and the relations any
reader knows (margins, districts made of areas, the same municipality figure in two files). It
never sees the plan. For every cell shown as "<5" or ".." it solves min/max by linear
programming; a "<5" cell must still range over 1–4 and no hidden cell may be determined.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggaplatser.publish.disclosure import PRIMARY, PUBLISHED, SECONDARY, DisclosurePlan
from tryggaplatser.publish.gate import TOTAL, Gate
from tryggaplatser.publish.tables import write_csv, write_xlsx

sys.path.insert(0, str(Path(__file__).parent))
from lp_attacker import (
    Attack,
    _csv_rows,
    attack_folder,
    attack_spatial,
    determined,
    narrowed,
    read_area_category_pages,
    summarise,
    xlsx_sheets,
)

MUNI = "kommun"


# --------------------------------------------------------------------------- the products


def _plan(counts: dict, districts: dict[str, list[str]], cats: list[str], periods: list[str]):
    """The release-wide plan of the three products below (what a product set would build)."""
    plan = DisclosurePlan()
    areas = [a for members in districts.values() for a in members]

    def key(p, a, c):
        return ("x", p, a, c)

    for p in periods:
        for a in areas:
            for c in cats:
                plan.add(key(p, a, c), counts[(p, a, c)])
            plan.add(key(p, a, TOTAL), sum(counts[(p, a, c)] for c in cats), keep=True)
        for d, members in districts.items():
            for c in [*cats, TOTAL]:
                plan.add(key(p, d, c), sum(plan.values[key(p, a, c)] for a in members))
                plan.relate(key(p, d, c), [key(p, a, c) for a in members])
        for c in [*cats, TOTAL]:
            plan.add(key(p, MUNI, c), sum(plan.values[key(p, a, c)] for a in areas), keep=True)
            plan.relate(key(p, MUNI, c), [key(p, a, c) for a in areas])
            plan.relate(key(p, MUNI, c), [key(p, d, c) for d in districts])
        for a in [*areas, *districts, MUNI]:
            plan.relate(key(p, a, TOTAL), [key(p, a, c) for c in cats])
    for c in [*cats, TOTAL]:
        plan.add(key(TOTAL, MUNI, c), sum(plan.values[key(p, MUNI, c)] for p in periods), keep=True)
        plan.relate(key(TOTAL, MUNI, c), [key(p, MUNI, c) for p in periods])
    plan.relate(key(TOTAL, MUNI, TOTAL), [key(TOTAL, MUNI, c) for c in cats])
    return plan.solve()


def publish(folder: Path, counts: dict, districts: dict, cats: list, periods: list, plan: bool):
    """Three products through the real gate: per period an area × category CSV (margins; its
    "totalt" area row is the municipality), per period a district × category sheet of one
    workbook, and the municipality per category and period as a CSV with its margins."""
    gate = Gate("public", quiet=True)
    if plan:
        gate.use_plan(_plan(counts, districts, cats, periods))
    areas = [a for members in districts.values() for a in members]

    def area_key(p):
        return lambda row, col: (
            "x",
            p,
            MUNI if row["area_id"] == TOTAL else row["area_id"],
            row["category"],
        )

    sheets = {}
    for p in periods:
        long = pd.DataFrame(
            [{"area_id": a, "category": c, "n": counts[(p, a, c)]} for a in areas for c in cats]
        )
        opts = {"plan_key": area_key(p)} if plan else {}
        write_csv(
            long,
            folder / f"omraden_{p}.csv",
            gate=gate,
            kind="area_category_table",
            by=["area_id", "category"],
            margins=True,
            **opts,
        )
        dist = pd.DataFrame(
            [
                {"area_id": d, "category": c, "n": sum(counts[(p, a, c)] for a in members)}
                for d, members in districts.items()
                for c in cats
            ]
        )
        sheets[f"stadsdelar {p}"] = gate.release(
            dist, "area_category_table", by=["area_id", "category"], margins=True, **opts
        )
    write_xlsx(sheets, folder / "stadsdelar.xlsx", gate=gate)
    muni = pd.DataFrame(
        [
            {"period": p, "category": c, "n": sum(counts[(p, a, c)] for a in areas)}
            for p in periods
            for c in cats
        ]
    )
    muni_key = {"plan_key": lambda row, col: ("x", row["period"], MUNI, row["category"])}
    write_csv(
        muni,
        folder / "kommun.csv",
        gate=gate,
        kind="area_table",
        by=["period", "category"],
        margins=True,
        **(muni_key if plan else {}),
    )
    return gate


def attack(folder: Path, districts: dict, cats: list, periods: list) -> Attack:
    """What a reader derives from the folder: the files' numbers and the relations they know."""
    a = Attack()
    areas = [x for members in districts.values() for x in members]
    for p in periods:
        for r in _csv_rows(folder / f"omraden_{p}.csv"):
            area = MUNI if r["area_id"] == TOTAL else r["area_id"]
            a.cell(("x", p, area, r["category"]), r["n"])
        for r in xlsx_sheets(folder / "stadsdelar.xlsx").get(f"stadsdelar {p}", []):
            area = MUNI if r["area_id"] == TOTAL else r["area_id"]
            a.cell(("x", p, area, r["category"]), r["n"])
    for r in _csv_rows(folder / "kommun.csv"):
        a.cell(("x", r["period"], MUNI, r["category"]), r["n"])

    def k(p, x, c):
        return ("x", p, x, c)

    for p in periods:
        for c in [*cats, TOTAL]:
            a.equations.append((k(p, MUNI, c), [k(p, x, c) for x in areas]))
            a.equations.append((k(p, MUNI, c), [k(p, d, c) for d in districts]))
            for d, members in districts.items():
                a.equations.append((k(p, d, c), [k(p, x, c) for x in members]))
        for x in [*areas, *districts, MUNI]:
            a.equations.append((k(p, x, TOTAL), [k(p, x, c) for c in cats]))
    for c in [*cats, TOTAL]:
        a.equations.append((k(TOTAL, MUNI, c), [k(p, MUNI, c) for p in periods]))
    a.equations.append((k(TOTAL, MUNI, TOTAL), [k(TOTAL, MUNI, c) for c in cats]))
    return a


@st.composite
def nested_tables(draw):
    """Districts of areas × categories × periods with many small counts."""
    n_districts = draw(st.integers(1, 2))
    districts = {
        f"D{d}": [f"D{d}A{i}" for i in range(draw(st.integers(2, 3)))] for d in range(n_districts)
    }
    cats = [f"k{i}" for i in range(draw(st.integers(2, 3)))]
    periods = [f"2026-0{i + 1}" for i in range(draw(st.integers(1, 2)))]
    value = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(5, 30))
    counts = {
        (p, a, c): draw(value)
        for p in periods
        for members in districts.values()
        for a in members
        for c in cats
    }
    return counts, districts, cats, periods


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=nested_tables())
def test_no_suppressed_cell_is_determined_across_the_folder(tables, tmp_path_factory):
    counts, districts, cats, periods = tables
    folder = tmp_path_factory.mktemp("mapp")
    publish(folder, counts, districts, cats, periods, plan=True)
    a = attack(folder, districts, cats, periods)
    assert not a.conflicts, "one cell printed with two values"
    intervals = a.intervals()
    assert not narrowed(intervals, a.marked), "a '<5' cell is narrowed by the folder"
    assert not determined(intervals), "a hidden cell follows from the folder"
    # every small count is hidden somewhere it is printed, and printed nowhere as a number
    small = {("x", p, x, c) for (p, x, c), v in counts.items() if 1 <= v <= 4}
    assert not small & set(a.known)


def test_per_table_suppression_alone_leaks_and_the_plan_does_not(tmp_path):
    """A crafted folder: each table is protected on its own, the folder is not."""
    districts = {"D0": ["A", "B"], "D1": ["C", "D"]}
    cats, periods = ["k0", "k1"], ["2026-01"]
    values = {"A": (3, 20), "B": (12, 9), "C": (7, 11), "D": (15, 6)}
    counts = {("2026-01", x, c): values[x][i] for x in values for i, c in enumerate(cats)}
    leaks = 0
    for use_plan in (False, True):
        folder = tmp_path / str(use_plan)
        folder.mkdir()
        publish(folder, counts, districts, cats, periods, plan=use_plan)
        a = attack(folder, districts, cats, periods)
        intervals = a.intervals()
        found = len(narrowed(intervals, a.marked)) + len(determined(intervals))
        if use_plan:
            assert found == 0
        else:
            leaks = found
    assert leaks > 0, "the crafted folder must be attackable without the plan"


def test_the_plan_gives_one_answer_per_cell_and_counts_once():
    plan = DisclosurePlan()
    for x, v in {"A": 3, "B": 11, "C": 19, "D": 18, "E": 40, "F": 22}.items():
        plan.add(("sent", x), v)
    plan.add(("sent", MUNI), 113, keep=True)
    plan.add(("sent", "utanfor"), 0, published=False)
    assert plan.relate(("sent", MUNI), [("sent", x) for x in "ABCDEF"])
    plan.solve()
    assert plan.status_of(("sent", "A")) == PRIMARY
    assert plan.status_of(("sent", MUNI)) == PUBLISHED
    assert sum(plan.status_of(("sent", x)) == SECONDARY for x in "BCDEF") == 1
    assert (plan.primary, plan.secondary) == (1, 1)
    lo, hi = plan.intervals()[("sent", "A")]
    assert lo <= 1 and hi >= 4
    gate = Gate("public", quiet=True)
    gate.use_plan(plan)
    assert (gate.summary.primary, gate.summary.secondary) == (1, 1)


def test_relate_adds_what_lies_outside_as_an_unpublished_cell():
    plan = DisclosurePlan()
    plan.add("kommun", 30)
    plan.add("a", 10)
    plan.add("b", 12)
    assert plan.relate("kommun", ["a", "b"], rest="utanfor")
    assert plan.values["utanfor"] == 8 and "utanfor" in plan.unpublished
    plan.add("c", 40)
    assert not plan.relate("kommun", ["a", "b", "c"], rest="x")  # overlapping: no equation


def test_a_small_part_of_a_hidden_whole_is_shown_as_hidden():
    """sent ≤ observed: with the observed count shown as "<5", a "<5" for the sent ones
    could be narrowed by a reader (sent = 4 needs observed = 4); it becomes ".."."""
    plan = DisclosurePlan()
    for row, (observed, sent) in {"r1": (3, 2), "r2": (25, 3), "r3": (8, 5)}.items():
        plan.add(("n", row), observed)
        plan.add(("sent", row), sent)
        plan.nest(("sent", row), ("n", row))
    plan.add(("n", "tot"), 36, keep=True)
    plan.relate(("n", "tot"), [("n", r) for r in ("r1", "r2", "r3")])
    plan.solve()
    assert plan.status_of(("n", "r1")) == PRIMARY
    assert plan.status_of(("sent", "r1")) == SECONDARY  # its whole is hidden
    assert plan.status_of(("n", "r3")) == SECONDARY  # the complement of r1
    assert plan.status_of(("sent", "r2")) == PRIMARY  # under a published 25: still 1–4
    assert plan.status_of(("sent", "r3")) == PUBLISHED  # 5 is not small


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_public(demo_run):
    return demo_run[0] / "publik"


@pytest.fixture(scope="module")
def demo_attack(demo_public):
    """The whole-folder attack on the demo's public set, solved once for the tests below."""
    return attack_folder(demo_public)


def test_demo_public_set_discloses_nothing(demo_public, demo_attack):
    """The issue's attacks on the demo's public set: the lägesbild's walk totals minus the
    area reports' totals, the dialogue counts of the municipality minus its areas', shares of
    small counts, the indicator tables' margins, the years, seasons and last year's period
    tied by their months, the hotspot cells within the municipality's total — all solved
    together by LP."""
    from lp_attacker import attack_time_and_cells

    a, intervals = demo_attack
    numbers = summarise(a, intervals)
    print("LP attacker on the demo's public set:", numbers)
    assert numbers["cells_small"] > 50 and numbers["cells_hidden"] > 50  # it read the files
    assert read_area_category_pages(Attack(), demo_public) >= 20  # every area report's table
    # the year, seasonal, last-year and hotspot-cell tables of the reports and the lägesbild
    tables = attack_time_and_cells(Attack(), demo_public)
    print("time and cell tables read:", tables)
    assert tables["area_time"] >= 40 and tables["lagesbild_time"] == 3 and tables["cells"] >= 10
    assert not a.conflicts  # one answer per cell: the reports, the CSV and the workbook agree
    assert not narrowed(intervals, a.marked)
    assert not determined(intervals)
    # the walk totals of the issue are hidden or published, never derivable
    assert ("walks", "n_sent", "kommun", "Totalt") in a.known


def test_demo_disclosure_report_counts_the_plan(demo_public):
    import json

    report = json.loads((demo_public / "offentliggorande.json").read_text(encoding="utf-8"))
    print(
        "disclosure report:",
        {k: report[k] for k in report if k.startswith(("planerade", "undertryckta_varden"))},
    )
    assert report["planerade_antal"] > 1000 and report["planerade_samband"] > 100
    assert report["undertryckta_varden_sekundart"] > 0
    assert np.isfinite(report["undertryckta_varden_primart"])


def test_demo_spatial_products_share_the_plan(demo_public, demo_attack):
    """The grid cells of hotspots.gpkg (both layers), hotspots.json's totals, the area maps'
    cell counts (incidents, walk observations and resolved ones, dialogue answers),
    gatustrackor.gpkg and its map's popups, and the EST overview's CSVs: every count one
    variable, the same answer in every file, nothing hidden derivable."""
    a = Attack()
    read = attack_spatial(a, demo_public)
    print("spatial readers:", read)
    assert read["grid_cells"] > 1000 and read["map_counts"] > 1000 and read["stretches"] > 100
    assert read["est_months"] == 1
    assert read["nested_cells"] > 500  # the EST's 12 months within hotspots.gpkg's period
    assert not a.conflicts, a.conflicts[:5]  # a cell or stretch prints one count everywhere
    # solved with everything else of the folder (more relations than these files alone)
    whole, intervals = demo_attack
    assert sum(1 for k in intervals if k[0] == "cell") > 0  # small cells exist and are read
    # the area maps' walk and dialogue cells: read, some hidden, tied to the walk and
    # dialogue totals of the lägesbild (solved with the rest above)
    observed = [k for k in [*a.known, *a.marked] if k[0] in ("walk_cell", "dialogue_cell")]
    assert {k[0] for k in observed} == {"walk_cell", "dialogue_cell"} and len(observed) > 500
    assert sum(1 for k in intervals if k[0] in ("walk_cell", "dialogue_cell")) > 50
    assert not narrowed(intervals, whole.marked)
    assert not determined(intervals)


def test_demo_est_overview_is_whole_months_and_on_the_plan(demo_public, demo_attack):
    """The public EST overview's hotspot cells count the 12 whole months up to its month (said
    in its text, a recorded automatic choice); with its month tables (the month and a year
    before, tied by the months to the area products' years and periods) and the cells nested
    in hotspots.gpkg's, the whole folder's attacker determines nothing and every "<5" still
    spans 1–4."""
    from lp_attacker import _est_window, grid_cell, read_est_tables, read_grid_layers

    (page,) = demo_public.glob("est_*_publik.html")
    month = page.name.removeprefix("est_").removesuffix("_publik.html")
    first, last = _est_window(month)
    text = page.read_text(encoding="utf-8")
    assert f"12 hela kalendermånaderna {first} – {last}" in text
    assert "52 veckor" not in text and "Hotspotfönster" in text
    a = Attack()
    read_grid_layers(a, demo_public)
    assert read_est_tables(a, demo_public) == 1
    window = [k for k in [*a.known, *a.marked] if k[:2] == ("cell", (first, last))]
    assert len(window) > 100
    whole, intervals = demo_attack
    assert not whole.conflicts
    assert not determined(intervals)
    assert not narrowed(intervals, whole.marked)
    cell = grid_cell((first, last), window[0][3])
    assert cell in whole.known or cell in whole.marked


# --------------------------------------------------------------------------- time and cells


def _small_project():
    """Three areas over whole months 2025-01 – 2026-03; area A1 has 3 incidents in 2025 (May)
    and 21 in 2026, so its year 2025 and its May are "<5" beside published totals; two records
    have no place (the municipality's centroid)."""
    import geopandas as gpd
    from shapely.geometry import box

    rng = np.random.default_rng(3)
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["A1", "A2", "A3"],
            "name": ["Alfa", "Beta", "Gamma"],
            "area_type": "stadsdel",
            "population": [900, 1200, 1500],
        },
        geometry=[box(650000 + 1000 * i, 6550000, 651000 + 1000 * i, 6551000) for i in range(3)],
        crs=3006,
    )
    rows = []

    def add(area: int, month: str, n: int, cat: str = "skadegorelse", where: str = "exakt"):
        for _ in range(n):
            day = int(rng.integers(1, 28))
            x, y = 650000 + 1000 * area + rng.uniform(100, 900), 6550000 + rng.uniform(100, 900)
            rows.append((pd.Timestamp(f"{month}-{day:02d} 12:00"), cat, where, x, y))

    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)][:15]
    for m in months:
        add(1, m, 12)
        add(2, m, 9, "klotter")
    add(0, "2025-05", 3)
    for m in months[12:]:
        add(0, m, 7)
    add(1, "2026-02", 2, where="kommun_centroid")
    t, cat, where, x, y = zip(*rows, strict=True)
    incidents = gpd.GeoDataFrame(
        {
            "incident_id": [f"i{i}" for i in range(len(rows))],
            "occurred_at": pd.DatetimeIndex(t).tz_localize("Europe/Stockholm").tz_convert("UTC"),
            "category": cat,
            "source": "est",
            "location_precision": where,
        },
        geometry=gpd.points_from_xy(x, y),
        crs=3006,
    )
    config = SimpleNamespace(
        name="Provkommun", sensitive_categories=(), study_area=None, privacy_mode="public"
    )
    layers = {"areas": areas, "incidents": incidents}
    return SimpleNamespace(layers=layers, config=config, areas=areas, incidents=incidents)


def _small_set_analyses(project) -> tuple:
    """The small project's analyses of the set: the whole period and the lägesbild's 2026."""
    import datetime as dt

    from tryggaplatser.analysis.area_analysis import prepare_area_analysis

    whole = prepare_area_analysis(project, period=(dt.date(2025, 1, 1), dt.date(2026, 3, 31)))
    year = prepare_area_analysis(project, period=(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    return whole, year


def _publish_small_set(folder: Path, project, plan: bool, *, maps: bool = False, analyses=None):
    """Area reports, indicator tables and the lägesbild 2026 (with last year's column) of the
    small project, through one gate; with ``plan`` the release-wide plan of the set; with
    ``maps`` also one public area map per area (:func:`_write_area_maps`), whose walk and
    dialogue cells the plan then covers. ``analyses``: those of :func:`_small_set_analyses`,
    when a test publishes the same project twice (publishing reads them, never changes them:
    the tests below assert the same leaks either way)."""
    import datetime as dt

    from tryggaplatser.analysis.periods import local_times
    from tryggaplatser.publish.reports import area_report
    from tryggaplatser.publish.reports.area_plan import plan_area_set, plan_map_cells

    whole, year = analyses or _small_set_analyses(project)
    gate = Gate("public", config=project.config, quiet=True)
    layers = project.layers

    def cells(p):
        plan_map_cells(p, layers.get("walk_observations"), layers.get("dialogue"), 250.0)

    solved = None
    if plan:
        solved = plan_area_set([whole], gate, lagesbild=year, extra=cells if maps else None)
        gate.use_plan(solved)
    if maps:
        _write_area_maps(folder, project, gate)
    area_report.write_area_reports(whole, folder, gate, with_map=False)
    area_report.write_indicator_tables(whole, folder, gate)
    day = local_times(project.incidents["occurred_at"]).dt.date
    previous = project.incidents[((day >= dt.date(2025, 1, 1)) & (day <= dt.date(2025, 3, 31)))]
    area_report.write_lagesbild(year, folder, gate, trend=whole, previous=previous, with_map=False)
    return solved, (whole, year)


def test_year_season_and_last_year_tables_leak_per_table_and_not_with_the_plan(tmp_path):
    """Per table, A1's year 2025 ("<5") is its total (24, category table) minus its 2026 (21,
    year table, and the lägesbild's table per area), and its May is that year: the attacker
    finds 3 twice. With the plan nothing is determined and every "<5" still spans 1–4."""
    from lp_attacker import attack_time_and_cells

    project = _small_project()
    analyses = _small_set_analyses(project)  # the same for both sets
    found = {}
    for plan in (False, True):
        folder = tmp_path / f"plan_{plan}"
        folder.mkdir()
        _publish_small_set(folder, project, plan, analyses=analyses)
        a, intervals = attack_folder(folder)
        tables = attack_time_and_cells(Attack(), folder)
        assert tables == {"area_time": 6, "lagesbild_time": 3, "cells": tables["cells"]}
        assert not a.conflicts
        found[plan] = determined(intervals) | narrowed(intervals, a.marked)
        if plan:
            assert not determined(intervals) and not narrowed(intervals, a.marked)
            assert all(
                lo <= 1 and hi >= 4 for k, (lo, hi) in intervals.items() if a.marked[k] == "<5"
            )
    year_2025 = ("incidents", ("2025-01", "2025-12"), "A1", "totalt")
    time_found = {k for k in found[False] if k[0] in ("incidents", "season")}
    assert time_found == {year_2025, ("season", "A1", 5)}  # the centroid rows: next test
    assert not found[True]


def test_grid_cells_and_unplaced_records_make_the_municipality_total():
    """The Gi* grid of a period covers every placed record: its cells (plus none outside the
    grid) are the placed records, and these plus the records without a place (the
    municipality's centroid) the municipality's total, in the plan's keys — stated once."""
    import datetime as dt

    from tryggaplatser.analysis.area_analysis import prepare_area_analysis
    from tryggaplatser.publish.reports.area_plan import (
        MUNICIPALITY,
        UNPLACED,
        cell_key,
        incident_key,
        placed_key,
        plan_area_set,
    )

    project = _small_project()
    period = (dt.date(2025, 1, 1), dt.date(2026, 3, 31))
    analysis = prepare_area_analysis(project, period=period)
    plan = plan_area_set([analysis], Gate("public", quiet=True))
    cells = {k: v for k, v in plan.values.items() if k[0] == "cells" and k[-1] == TOTAL}
    assert cells and all(k[1] == period and k[2] == 250 for k in cells)
    assert cell_key(period, 250.0, next(iter(cells))[3]) in cells
    assert sum(cells.values()) == len(project.incidents) - 2  # independent: the rows we made
    assert plan.values[incident_key(period, UNPLACED, TOTAL)] == 2
    assert plan.values[incident_key(period, MUNICIPALITY, TOTAL)] == len(project.incidents)
    total, placed = incident_key(period, MUNICIPALITY, TOTAL), placed_key(period)
    assert plan.values[placed] == len(project.incidents) - 2
    grid = [(t, p) for t, p in plan.relations if set(cells) & set(p)]
    assert grid == [(placed, (placed_key(period, "outside_grid"), *cells))]
    assert (total, (placed, incident_key(period, UNPLACED, TOTAL))) in plan.relations


def test_a_key_published_once_stays_published_and_relations_are_kept_once():
    plan = DisclosurePlan()
    plan.add("month", 3, published=False)
    plan.add("year", 3)
    plan.add("month", 3)  # the year is this one month: printed
    plan.add("month", 3, published=False)
    assert "month" not in plan.unpublished
    assert plan.relate("year", ["month"]) and plan.relate("year", ["month"])
    assert plan.relations == [("year", ("month",))]
    assert plan.relate("month", ["month"]) and len(plan.relations) == 1  # x = x says nothing


@pytest.mark.parametrize("signals", [9, 7])
def test_a_published_part_never_narrows_a_small_whole(signals):
    """``DisclosurePlan.cover``: a cell's unsafe signals (published) are among its pins ("<5":
    3) and its walk observations (6). With 9 signals a reader would know pins ≥ 3, so the pins
    are shown as ".."; with 7 (pins ≥ 1) they stay "<5". Checked by the attacker's LP with
    the reader's relation signals ≤ pins + observations."""
    from lp_attacker import at_most

    plan = DisclosurePlan()
    for key, value in (("pins", 3), ("walks", 6), ("signals", signals)):
        plan.add(key, value)
    plan.cover("signals", ["pins", "walks"])
    plan.solve()
    assert plan.status_of("pins") == (SECONDARY if signals == 9 else PRIMARY)
    markers = {PRIMARY: "<5", SECONDARY: ".."}
    for as_small in (False, True):  # True: the pins shown as "<5" whatever the plan decided
        a = Attack()
        for key in ("pins", "walks", "signals"):
            text = markers.get(plan.status_of(key), plan.values[key])
            a.cell(key, "<5" if as_small and key == "pins" else text)
        a.equations.append(("both", ["pins", "walks"]))
        at_most(a, "both", ["signals"], "both")
        intervals = a.intervals()
        assert not determined(intervals)
        # as "<5" the pins would be narrowed to 3–4 (what the plan's ".." prevents)
        assert bool(narrowed(intervals, a.marked)) == (as_small and signals == 9)


def test_est_month_is_on_the_plan_with_the_area_months_and_nested_cells():
    """The EST overview's month tables use the area products' month keys (the same records:
    one area type), the municipality's month = its categories = the areas + outside, and the
    12 months' cells are a grid of their own period, each cell nested in the run period's."""
    import datetime as dt

    import pandas as pd

    from tryggaplatser.analysis.run import Run
    from tryggaplatser.publish.reports.area_plan import (
        MUNICIPALITY,
        cell_key,
        incident_key,
        placed_key,
        plan_area_set,
        plan_est_month,
    )

    project = _small_project()
    gate = Gate("public", quiet=True)
    run = Run(project, "public", quiet=True)
    plan = plan_area_set(
        [run.area_analysis(None)], gate, extra=lambda p: plan_est_month(p, run, gate, "2026-02")
    )
    feb = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    local = pd.to_datetime(project.incidents["occurred_at"], utc=True).dt.tz_convert(
        "Europe/Stockholm"
    )
    in_feb = ((local.dt.year == 2026) & (local.dt.month == 2)).to_numpy()
    # independent: the rows we made
    assert plan.values[incident_key(feb, MUNICIPALITY, TOTAL)] == int(in_feb.sum())
    assert incident_key(feb, "A1", TOTAL) not in plan.unpublished  # printed by the EST
    window = (dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    cells = [k for k in plan.values if k[:2] == ("cells", window) and k[-1] == TOTAL]
    in_window = ((local.dt.date >= window[0]) & (local.dt.date <= window[1])).to_numpy()
    assert sum(plan.values[k] for k in cells) == int(in_window.sum()) - int(
        (in_window & (project.incidents["location_precision"] == "kommun_centroid")).sum()
    )
    assert (placed_key(window), (placed_key(window, "outside_grid"), *cells)) in plan.relations
    run_period = run.resolve(None)
    nested = {(part[1], whole[1]) for part, whole in plan.nested if part[0] == "cells"}
    assert (window, tuple(run_period)) in nested
    assert all(plan.values[k] > 0 for k in cells)  # an empty cell needs no place in the plan
    for k in cells:
        assert (k, cell_key(run_period, k[2], k[3])) in plan.nested


# --------------------------------------------------------------------------- report counts


def _project_with_signals():
    """The small project with a severity per incident (three of level 3 in 2026), 20 unsafe
    walk observations and 3 unsafe dialogue pins in area A1."""
    import geopandas as gpd

    project = _small_project()
    inc = project.incidents
    day = inc["occurred_at"].dt.tz_convert("Europe/Stockholm")
    severity = np.ones(len(inc), dtype=int)
    severity[np.flatnonzero((day.dt.year == 2026).to_numpy())[:3]] = 3
    inc["severity"] = severity
    rng = np.random.default_rng(5)

    def points(n):
        xy = 650000 + rng.uniform(100, 900, n), 6550000 + rng.uniform(100, 900, n)
        return gpd.points_from_xy(*xy)

    walks = gpd.GeoDataFrame(
        {
            "observation_id": [f"o{i}" for i in range(20)],
            "walk_id": "w1",
            "perception": "otrygg",
            "problem_category": "belysning",
            "status": "ny",
        },
        geometry=points(20),
        crs=3006,
    )
    dialogue = gpd.GeoDataFrame(
        {
            "response_id": ["a", "b", "c"],
            "campaign_id": "dialog-2026",
            "perception": "otrygg",
            "reasons": "belysning",
            "time_of_day": "kvall",
        },
        geometry=points(3),
        crs=3006,
    )
    project.layers.update(walk_observations=walks, dialogue=dialogue)
    return project


def test_gap_precision_and_consequence_counts_leak_per_table_and_not_with_the_plan(tmp_path):
    """Per table, A1's unsafe pins (3: "<5" in its dialogue tables) are its "Otrygga signaler"
    (23, the perception-gap sentence) minus its unsafe walk observations (20); the records at
    the municipality's centroid ("<5") are the period's total minus the exact ones; severity 3
    ("<5") is the total minus levels 1 and 2. With the plan nothing is determined and every
    "<5" still spans 1–4."""
    from lp_attacker import attack_report_counts, attack_time_and_cells

    project = _project_with_signals()
    analyses = _small_set_analyses(project)  # the same for both sets
    found = {}
    for plan in (False, True):
        folder = tmp_path / f"plan_{plan}"
        folder.mkdir()
        _publish_small_set(folder, project, plan, analyses=analyses)
        a, intervals = attack_folder(folder)
        attack_time_and_cells(Attack(), folder)
        read = attack_report_counts(Attack(), folder)
        assert read["gap_areas"] == 6 and read["precision"] == 4 and read["consequences"] == 1
        assert read["methods"] >= 4  # centroid records and the period's count per report
        assert not a.conflicts
        found[plan] = determined(intervals) | narrowed(intervals, a.marked)
        if plan:
            assert not determined(intervals) and not narrowed(intervals, a.marked)
            small = [iv for k, iv in intervals.items() if a.marked[k] == "<5"]
            assert small and all(lo <= 1 and hi >= 4 for lo, hi in small)
    kinds = {k[0] for k in found[False]}
    assert {"dialogue", "precision", "consequence"} <= kinds
    assert found[False][("dialogue", "n_otrygg", "alfa", "dialog-2026")] == (3.0, 3.0)
    assert found[False][("consequence", ("2026-01", "2026-03"), "Allvarlighetsgrad 3")] == (3, 3)
    centroid = (
        "precision",
        ("2026-01", "2026-03"),
        "Alla källor",
        "Kommunens mittpunkt (ej platsen)",
    )
    assert found[False][centroid] == (2.0, 2.0)
    assert not found[True]


# --------------------------------------------------------------------------- area maps' cells


def _project_with_map_cells():
    """The small project with 24 walk observations and 24 dialogue pins in area A1, in four
    250 m cells along its southern edge: observations 6, 7, 8 and 3 (resolved 5, 5, 5 and 2),
    pins 10, 12, 2 and 0. One problem category and one campaign, so the lägesbild prints the
    totals 24 (observations), 17 (resolved) and 24 (pins)."""
    import geopandas as gpd

    project = _small_project()
    rng = np.random.default_rng(11)

    def points(counts):
        xs, ys = [], []
        for cell, n in enumerate(counts):
            xs += list(650000 + 250 * cell + rng.uniform(20, 230, n))
            ys += list(6550000 + rng.uniform(20, 230, n))
        return gpd.points_from_xy(xs, ys)

    observed, resolved = (6, 7, 8, 3), (5, 5, 5, 2)
    status = [s for n, r in zip(observed, resolved) for s in ["atgardad"] * r + ["ny"] * (n - r)]
    walks = gpd.GeoDataFrame(
        {
            "observation_id": [f"o{i}" for i in range(len(status))],
            "walk_id": "w1",
            "perception": "otrygg",
            "problem_category": "belysning",
            "status": status,
        },
        geometry=points(observed),
        crs=3006,
    )
    pins = (10, 12, 2)
    dialogue = gpd.GeoDataFrame(
        {
            "response_id": [f"r{i}" for i in range(sum(pins))],
            "campaign_id": "dialog-2026",
            "perception": ["otrygg", "trygg"] * (sum(pins) // 2),
            "reasons": "belysning",
            "time_of_day": "kvall",
        },
        geometry=points(pins),
        crs=3006,
    )
    project.layers.update(walk_observations=walks, dialogue=dialogue)
    return project


def _write_area_maps(folder: Path, project, gate) -> None:
    """One public area map per area with the walk and dialogue cells, through ``gate``."""
    from tryggaplatser.publish.maps.interactive import neighbourhood_map, save_map, slugify

    walks, pins = project.layers["walk_observations"], project.layers["dialogue"]
    for aid, name in zip(project.areas["area_id"], project.areas["name"], strict=True):
        m = neighbourhood_map(
            aid, areas=project.areas, walk_observations=walks, dialogue=pins, gate=gate, quiet=True
        )
        save_map(m, folder / f"karta_omrade_{slugify(name)}.html")


def test_map_walk_and_dialogue_cells_leak_per_layer_and_not_with_the_plan(tmp_path):
    """Per layer, the area maps show every walk and dialogue cell but the small ones, so the
    lägesbild's totals minus the shown cells give them away: 24 − (6 + 7 + 8) = 3
    observations, 17 − 15 = 2 resolved, 24 − 22 = 2 pins. With the maps' cells on the set's
    plan nothing is determined, every "<5" still spans 1–4, and a cell shows one value in
    every map."""
    from lp_attacker import read_map_popups, relate_map_cells

    project = _project_with_map_cells()
    analyses = _small_set_analyses(project)  # the same for both sets
    found = {}
    for plan in (False, True):
        folder = tmp_path / f"plan_{plan}"
        folder.mkdir()
        _publish_small_set(folder, project, plan, maps=True, analyses=analyses)
        a, intervals = attack_folder(folder)
        read = Attack()
        assert read_map_popups(read, folder) >= 3 * 4  # 3 maps × (4 walk + 3 dialogue cells)
        assert relate_map_cells(read) == 2 * 4 + 3  # every cell's counts read, once
        assert ("walks", "n", MUNI, "Totalt") in a.known  # the totals the maps add up to
        assert not a.conflicts
        found[plan] = determined(intervals) | narrowed(intervals, a.marked)
        if plan:
            assert not found[plan]
            small = [iv for k, iv in intervals.items() if a.marked[k] == "<5"]
            assert small and all(lo <= 1 and hi >= 4 for lo, hi in small)
    cells = {k: v for k, v in found[False].items() if k[0] in ("walk_cell", "dialogue_cell")}
    corner = "250mE650750N6550000"
    assert cells[("walk_cell", "n", corner)] == (3.0, 3.0)
    assert cells[("walk_cell", "n_ok", corner)] == (2.0, 2.0)
    assert cells[("dialogue_cell", "250mE650500N6550000")] == (2.0, 2.0)


# --------------------------------------------------------------------------- one plan per folder


def test_plan_conflicts_name_the_other_plans_of_a_folder(tmp_path):
    """The folder's disclosure report records each part's plan; a set with another plan
    conflicts with the parts it does not rewrite whole, never with its own plan's."""
    import json

    from tryggaplatser.publish.disclosure import DisclosureSummary, plan_conflicts

    parts = [
        {"utdata": {"omrade_a.html": "report", "karta.html": "map"}, "plan": "områden A"},
        {"utdata": {"lagesbild_2025.html": "report"}, "plan": "områden B"},
        {"utdata": {"gammal.csv": "table"}},  # written before plans were recorded
    ]
    (tmp_path / "offentliggorande.json").write_text(
        json.dumps({"delmangder": parts}), encoding="utf-8"
    )
    same = DisclosureSummary(outputs={"omrade_b.html": "report"}, plan_scope="områden A")
    assert plan_conflicts(tmp_path, same) == ["områden B"]
    other = DisclosureSummary(outputs={"lagesbild_2024.html": "report"}, plan_scope="områden C")
    assert plan_conflicts(tmp_path, other) == ["områden A", "områden B"]
    rewrite = DisclosureSummary(outputs={"lagesbild_2025.html": "r"}, plan_scope="områden A")
    assert plan_conflicts(tmp_path, rewrite) == []  # B's only file is rewritten by this set
    assert plan_conflicts(tmp_path, DisclosureSummary(outputs={"x": "y"})) == []  # no plan
    assert DisclosureSummary.from_dict(same.to_dict()).plan_scope == "områden A"


def test_a_public_folder_refuses_files_of_another_plan(tmp_path, tiny_project):
    """One folder, one plan. The area reports record their plan (the run's period, the
    latest year's lägesbild, the last whole month's EST overview); a lägesbild of 2024 into
    the same folder would be protected by another plan, so it is refused with its rule and
    the folder stays as it was; the default lägesbild shares the folder's plan.

    On the tiny project (data 2024–2025, last whole month 2025-11): the plan and the gate are
    the same code for any project, and its public set is written in seconds, not the demo's
    twenty."""
    import hashlib
    import json

    from tryggaplatser.errors import GateRefusal
    from tryggaplatser.publish.products import write_area_reports, write_lagesbild

    out = tmp_path / "publik"
    write_area_reports(tiny_project, tmp_path, "public", area_ids=["A1"], with_map=False)
    plan = json.loads((out / "offentliggorande.json").read_text(encoding="utf-8"))["plan"]
    assert plan.startswith("områden ") and "lägesbild 2025-01–2025-11" in plan
    assert plan.endswith("EST 2025-11")

    def digest() -> str:
        files = sorted(p for p in out.rglob("*") if p.is_file())
        return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()

    before = digest()
    with pytest.raises(GateRefusal) as refused:
        write_lagesbild(tiny_project, tmp_path, "public", year=2024, with_map=False)
    assert refused.value.rule == "PLAN_SCOPE_MISMATCH"
    assert "lägesbild 2024-01–2024-12" in refused.value.message
    assert digest() == before and not (out / "lagesbild_2024.html").exists()
    write_lagesbild(tiny_project, tmp_path, "public", with_map=False)
    assert (out / "lagesbild_2025.html").exists()
