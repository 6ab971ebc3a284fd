"""Area reports (områdesanalys) and the lägesbild: figures, planted truths, gate, escaping.

The demo project is loaded and analysed once for the module; reports are written for a few
areas only (with one static map) to keep the module well under a minute.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from tryggaplatser.analysis.perception import GAP_SIGNIFICANT
from tryggaplatser.errors import GateRefusal
from tryggaplatser.publish.audit import scan_dir
from tryggaplatser.publish.gate import INTERNAL_MARKING, TOTAL, Gate
from tryggaplatser.publish.reports.area_report import (
    area_category_table,
    area_report,
    indicator_tables,
    lagesbild_report,
    prepare_area_analysis,
    write_area_reports,
    write_indicator_tables,
    write_lagesbild,
)

sys.path.insert(0, str(Path(__file__).parent))
from lp_attacker import html_tables  # the one HTML table reader of the tests

AREAS = ["EX01", "EX05", "EX13"]


# --------------------------------------------------------------------------- HTML tables


def tables_of(path: Path) -> list[dict]:
    """Every ``<table>`` of a page as (caption, headers, rows of cell texts)."""
    return html_tables(path)


def table_with(path: Path, caption_start: str) -> dict:
    hits = [t for t in tables_of(path) if t["caption"].startswith(caption_start)]
    assert hits, f"no table '{caption_start}…' in {path.name}"
    return hits[0]


def _text(path: Path) -> str:
    """A page's visible text, tags removed and white space collapsed."""
    import html
    import re

    raw = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(raw)).replace("\u202f", " ")


def number(text: str) -> float:
    return float(text.replace("\u202f", "").replace(" ", "").replace(",", "."))


def cell_id(x: float, y: float, size: int = 250) -> str:
    return f"{size}mE{int(math.floor(x / size) * size)}N{int(math.floor(y / size) * size)}"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def project(demo_project):
    return demo_project


@pytest.fixture(scope="module")
def truth(demo_truth) -> dict:
    return demo_truth


@pytest.fixture(scope="module")
def analysis(project):
    """The data's whole months: public reports cover whole months only."""
    from tryggaplatser.analysis.periods import data_span, whole_months

    period = whole_months(*data_span(project.incidents["occurred_at"]))
    return prepare_area_analysis(project, period=period, quiet=True)


def test_area_analysis_cell_size_none_is_scb_250_m_recorded_as_automatic(analysis):
    rule = "SCB:s 250-metersrutnät, den finaste publika rutstorleken"
    for result in (analysis.cells, analysis.gap_cells, analysis.gap_areas):
        rec = result.attrs["tryggaplatser"]["params"]["cell_size"]
        assert rec == {"value": 250.0, "auto": True, "rule": rule}
    assert analysis.cells.attrs["tryggaplatser"]["grid"]["cell_size"] == 250.0


@pytest.fixture(scope="module")
def public_set(analysis, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("publik")
    gate = Gate("public", config=analysis.config, quiet=True)
    paths = write_area_reports(analysis, out, gate, area_ids=["EX01"], with_map=True)
    paths += write_area_reports(analysis, out, gate, area_ids=AREAS[1:], with_map=False)
    paths += write_indicator_tables(analysis, out, gate)
    paths += [write_lagesbild(analysis, out, gate, trend=analysis, with_map=False)]
    paths += gate.finish(out)
    return {"dir": out, "paths": {p.name: p for p in paths}, "gate": gate}


@pytest.fixture(scope="module")
def internal_report(analysis, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("internt")
    gate = Gate("internal", quiet=True)
    return area_report(analysis, "EX05", gate, with_map=False).write(out / "omrade_ex05.html")


# --------------------------------------------------------------------------- independent counts


def independent_counts(project, analysis, area_id: str) -> pd.Series:
    """Incidents per category in an area: shapely point-in-polygon, boundary to lowest id."""
    areas = project.areas.sort_values("area_id")
    inc = project.incidents
    local = pd.to_datetime(inc["occurred_at"]).dt.tz_convert("Europe/Stockholm").dt.date
    keep = ((local >= analysis.start) & (local <= analysis.end)).to_numpy(dtype=bool).copy()
    keep &= (
        (inc["location_precision"].astype("string") != "kommun_centroid")
        .fillna(True)
        .to_numpy(dtype=bool)
    )
    pts = inc.loc[keep]
    xy = shapely.get_coordinates(pts.geometry.to_numpy())
    taken = np.zeros(len(pts), dtype=bool)
    for aid, geom in zip(areas["area_id"], areas.geometry, strict=True):
        inside = shapely.intersects_xy(geom, xy[:, 0], xy[:, 1]) & ~taken
        if aid == area_id:
            return pts.loc[inside, "category"].astype(str).value_counts()
        taken |= inside
    raise AssertionError(area_id)


@pytest.mark.parametrize("area_id", ["EX01", "EX05"])
def test_report_counts_and_rates_equal_independent_computation(
    project, analysis, public_set, area_id
):
    expected = independent_counts(project, analysis, area_id)
    population = float(project.areas.set_index("area_id").loc[area_id, "population"])
    years = ((analysis.end - analysis.start).days + 1) / 365.25
    name = analysis.area_name(area_id)
    path = public_set["paths"][f"omrade_{_slug(name)}.html"]
    table = table_with(path, "Händelser per kategori")
    head = table["headers"]
    i_label, i_n, i_rate = 0, head.index("Antal"), head.index("Per 1\u00a0000 inv. och år")
    from tryggaplatser.layers import vocab

    labels = {vocab.label("category", c): c for c in vocab.codes("category")}
    seen = 0
    for row in table["rows"]:
        label, shown, rate = row[i_label], row[i_n], row[i_rate]
        if label == "Alla kategorier":
            assert number(shown) == expected.sum()
            assert number(rate) == pytest.approx(
                round(expected.sum() / population / years * 1000, 1), abs=0.051
            )
            continue
        n = int(expected.get(labels[label], 0))
        if shown == "<5":
            assert 1 <= n <= 4
        elif shown == "..":
            assert rate == ".."  # complementary: neither count nor rate
        else:
            assert number(shown) == n
            if n >= 5:
                assert number(rate) == pytest.approx(
                    round(n / population / years * 1000, 1), abs=0.051
                )
            seen += 1
    assert seen >= 5


def test_area_table_municipality_rows_add_up(analysis, public_set):
    table = area_category_table(analysis, public_set["gate"])
    grand = table[(table["area_id"] == "totalt") & (table["category"] == "totalt")].iloc[0]
    per_area = table[(table["area_id"] != "totalt") & (table["category"] == "totalt")]
    assert sum(number(str(v)) for v in per_area["n"]) == number(str(grand["n"]))


def test_small_population_rate_withheld(analysis, public_set):
    table = area_category_table(analysis, public_set["gate"])
    ex13 = table[(table["area_id"] == "EX13") & (table["category"] == "totalt")].iloc[0]
    assert int(ex13["population"]) < 50
    assert ex13["rate_per_1000"] == ".." and ex13["rate_eb"] == ".."


# --------------------------------------------------------------------------- planted truths


def test_stable_hotspot_shows_in_its_area(public_set, truth):
    s1 = next(h for h in truth["hotspots"]["stable"] if h["area_id"] == "EX01")
    path = public_set["paths"]["omrade_exempelstad-centrum.html"]
    hot = table_with(path, "Hotspotceller i området")
    ids = [r[0] for r in hot["rows"]]
    assert cell_id(s1["x"], s1["y"]) in ids
    text = path.read_text(encoding="utf-8")
    assert "Karta: Gi*-hotspots" in text and "data:image/svg+xml;base64," in text  # the map


def test_perception_gap_places_in_the_right_reports(analysis, public_set, truth):
    gap = truth["perception_gap"]
    p1 = gap["feels_unsafe_few_incidents"]
    s4 = gap["incidents_not_perceived"]
    path = public_set["paths"][f"omrade_{_slug(analysis.area_name(p1['area_id']))}.html"]
    cells = table_with(path, "Upplevd otrygghet mot händelser per ruta")
    near = {cell_id(p1["x"] + dx, p1["y"] + dy) for dx in (-125, 0, 125) for dy in (-125, 0, 125)}
    classes = {r[0]: r[1] for r in cells["rows"]}
    assert any(classes.get(c) == "Upplevs otryggt men få händelser" for c in near)
    text = path.read_text(encoding="utf-8")
    assert "Belysning" in text and "Öde plats" in text
    path = public_set["paths"][f"omrade_{_slug(analysis.area_name(s4['area_id']))}.html"]
    assert "Händelser men upplevs inte otryggt" in path.read_text(encoding="utf-8")
    lagesbild = next(p for n, p in public_set["paths"].items() if n.startswith("lagesbild"))
    gap_table = table_with(lagesbild, "Upplevd otrygghet mot händelser per område")
    by_area = {r[0]: r[1] for r in gap_table["rows"]}
    assert by_area[analysis.area_name(p1["area_id"])] == "Upplevs otryggt men få händelser"
    assert by_area[analysis.area_name(s4["area_id"])] == "Händelser men upplevs inte otryggt"
    # the ranking comes from the test: significant areas only, strongest first, P1's area
    # first for "insecurity without incidents" and S4's first for "incidents not perceived"
    gap_areas = analysis.gap_areas.set_index("name")
    assert set(by_area.values()) <= {
        "Upplevs otryggt men få händelser",
        "Händelser men upplevs inte otryggt",
    }
    assert set(by_area) == set(gap_areas.index[gap_areas["gap_class"].isin(GAP_SIGNIFICANT)])
    first = [r[0] for r in gap_table["rows"]]
    assert first[0] == analysis.area_name(p1["area_id"])
    unseen = [r[0] for r in gap_table["rows"] if r[1] == "Händelser men upplevs inte otryggt"]
    assert unseen[0] == analysis.area_name(s4["area_id"])
    text = _text(lagesbild)
    named = text.split("Otrygghet utan motsvarande händelser:")[1].split("Vanligaste skäl")[0]
    assert f"starkast först: {analysis.area_name(p1['area_id'])}" in named
    quiet = gap_areas.index[gap_areas["gap_class"] == "inget"]
    assert len(quiet) and not any(name in named for name in quiet)
    assert "Benjamini–Hochberg-korrigerat över områdena (FDR 5 %)" in text


# --------------------------------------------------------------------------- gate


def test_public_set_passes_audit(public_set):
    assert scan_dir(public_set["dir"], "public") == []
    names = set(public_set["paths"])
    assert {
        "indikatorer.xlsx",
        "indikatorer_omraden_kategorier.csv",
        "offentliggorande.html",
    } <= names
    assert any(n.startswith("omrade_") for n in names)


def test_public_report_has_no_hour_profile_free_text_or_marking(public_set, analysis):
    text = public_set["paths"]["omrade_exempelstad-centrum.html"].read_text(encoding="utf-8")
    assert INTERNAL_MARKING not in text
    assert "Timme × veckodag (aoristisk vikt)" not in text
    comments = analysis.dialogue["comment"].dropna().astype(str)
    long = [c for c in comments if len(c) > 25][:50]
    assert long and not any(c in text for c in long)


def test_internal_report_is_marked_and_has_hour_profile(internal_report):
    text = internal_report.read_text(encoding="utf-8")
    assert INTERNAL_MARKING in text
    assert "Timme × veckodag i fyra tidsband" in text
    assert scan_dir(internal_report.parent, "internal") == []


def test_sensitive_category_only_at_municipality_level(analysis, tmp_path):
    sens = dataclasses.replace(analysis, sensitive={"narkotika"}, _released={})
    gate = Gate("public", sensitive_categories=["narkotika"], quiet=True)
    area = area_report(sens, "EX01", gate, with_map=False).write(tmp_path / "omrade_a.html")
    cats = [r[0] for r in table_with(area, "Händelser per kategori")["rows"]]
    assert "Misstänkt narkotika" not in cats and "Stöld" in cats
    lb = lagesbild_report(sens, gate, with_map=False).write(tmp_path / "lagesbild_x.html")
    muni = [r[0] for r in table_with(lb, "Händelser per kategori i hela kommunen")["rows"]]
    assert "Misstänkt narkotika" in muni


def test_injection_in_area_names_stays_text(analysis, tmp_path):
    payload = "<img src=x onerror=alert(1)>${alert(2)}"
    profiles = dict(analysis.profiles)
    profiles["EX02"] = dataclasses.replace(profiles["EX02"], name=payload)
    evil = dataclasses.replace(analysis, profiles=profiles, _released={})
    gate = Gate("internal", quiet=True)
    page = area_report(evil, "EX02", gate, with_map=False).write(tmp_path / "omrade_x.html")
    text = page.read_text(encoding="utf-8")
    assert "<img src=x" not in text and "${alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    # internal tables hold it as the plain text it is (no spreadsheet runs markup)
    paths = write_indicator_tables(evil, tmp_path / "markup", gate)
    assert any(payload in p.read_text(encoding="utf-8-sig") for p in paths if p.suffix == ".csv")
    assert scan_dir(tmp_path / "markup", "internal") == []
    # a public table file never carries it: the gate's scan refuses it and deletes the file
    with pytest.raises(GateRefusal, match="MARKUP_EXECUTABLE"):
        write_indicator_tables(evil, tmp_path / "publik", Gate("public", quiet=True))
    assert not [p for p in (tmp_path / "publik").iterdir() if p.suffix in (".csv", ".xlsx")]


def test_formula_in_area_names_is_neutralised(analysis, tmp_path):
    profiles = dict(analysis.profiles)
    profiles["EX02"] = dataclasses.replace(profiles["EX02"], name='=HYPERLINK("x","y")')
    evil = dataclasses.replace(analysis, profiles=profiles, _released={})
    paths = write_indicator_tables(evil, tmp_path, Gate("public", quiet=True))
    csv = next(p for p in paths if p.name == "indikatorer_omraden_kategorier.csv")
    body = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in body
    assert not any(cell.startswith("=") for line in body.splitlines() for cell in line.split(";"))


# --------------------------------------------------------------------------- lägesbild


def test_lagesbild_follows_the_law(public_set):
    path = next(p for n, p in public_set["paths"].items() if n.startswith("lagesbild"))
    text = path.read_text(encoding="utf-8")
    for heading in (
        "Kartläggning av brottslighet och dess konsekvenser",
        "Annan relevant information",
        "Analys inklusive orsaker",
    ):
        assert heading in text
    assert "automatiskt genererad" in text
    assert "Återkommande platser" in text


def test_english_reports(analysis, tmp_path):
    from tryggaplatser.i18n import language

    gate = Gate("public", quiet=True)
    with language("en"):
        page = area_report(
            dataclasses.replace(analysis, _released={}), "EX01", gate, with_map=False
        ).write(tmp_path / "omrade_en.html")
    text = page.read_text(encoding="utf-8")
    assert "Incidents by category" in text and "Händelser per kategori" not in text


def test_indicator_tables_are_released(analysis, public_set):
    tables = indicator_tables(analysis, public_set["gate"])
    assert set(tables) == {"omraden_kategorier", "omraden_indikatorer", "kommunen_kategorier"}
    for t in tables.values():
        assert t.attrs["tryggaplatser"]["gate"]["mode"] == "public"
    assert len(tables["omraden_indikatorer"]) == len(analysis.profiles)


def _slug(name: str) -> str:
    from tryggaplatser.publish.maps.interactive import slugify

    return slugify(name)


def test_internal_counts_one_or_two_are_flagged(analysis, tmp_path):
    small = [
        (aid, row.label)
        for aid, prof in analysis.profiles.items()
        for row in prof.by_category.itertuples()
        if 1 <= row.count <= 2
    ]
    assert small, "the demo data has counts of 1–2 in some area and category"
    aid, label = small[0]
    gate = Gate("internal", quiet=True)
    page = area_report(analysis, aid, gate, with_map=False).write(tmp_path / "omrade_i.html")
    rows = {r[0]: r[1] for r in table_with(page, "Händelser per kategori")["rows"]}
    assert rows[label].endswith("*")
    assert "1–2 händelser: tolka försiktigt" in page.read_text(encoding="utf-8")


def test_followup_per_responsible_only_in_internal_reports(internal_report, public_set):
    """Issue 8: åtgärdsgrad, median days and overdue items per responsible in the area report;
    names of responsible organisations and overdue lists are an internal working table."""
    text = internal_report.read_text(encoding="utf-8")
    assert "Uppföljning per ansvarig" in text and "Försenade" in text
    public = public_set["paths"]["omrade_exempelstad-centrum.html"].read_text(encoding="utf-8")
    assert "Uppföljning per ansvarig" not in public


def test_a_measure_no_source_recorded_reads_uppgift_saknas_never_zero():
    from tryggaplatser.publish.reports.area_report import _consequence_rows

    none = pd.DataFrame({"category": ["klotter"] * 3, "reported_to_police": pd.NA})
    rows, missing = _consequence_rows(none)
    assert missing == ["allvarlighetsgrad", "polisanmälan"] and rows == []
    partly = pd.DataFrame(
        {"category": ["klotter"] * 4, "reported_to_police": ["ja", "nej", None, None]}
    )
    rows, missing = _consequence_rows(partly)
    counts = {r["label"]: r["n"] for r in rows}
    assert counts["Polisanmäld: uppgift saknas"] == 2 and counts["Polisanmäld: Ja"] == 1
    assert missing == ["allvarlighetsgrad"]


def test_published_rates_carry_an_exact_interval_and_small_areas_a_caveat():
    from scipy.stats import poisson

    from tryggaplatser.analysis.rates import poisson_interval
    from tryggaplatser.publish.reports.area_report import _with_rate_interval

    counts = np.arange(1, 60)
    low, high = poisson_interval(counts)
    np.testing.assert_allclose(poisson.sf(counts - 1, low), 0.025, atol=1e-9)
    np.testing.assert_allclose(poisson.cdf(counts, high), 0.025, atol=1e-9)
    table = pd.DataFrame(
        {
            "n": [40, 12, ".."],
            "population": [5000, 310, 2000],
            "rate_per_1000": [8.0, 38.7, ".."],
        }
    )
    out = _with_rate_interval(table, per=1000.0)
    assert out["rate_low"][0] == pytest.approx(round(low[39] / 5000 * 1000, 1))
    assert out["rate_high"][0] == pytest.approx(round(high[39] / 5000 * 1000, 1))
    assert out["uncertain"].tolist() == [False, True, False]  # 310 residents: a caveat
    assert out["rate_low"][2] == ".." and out["rate_high"][2] == ".."  # withheld stays withheld


def test_public_area_tables_leave_sensitive_categories_out_of_every_area_count(demo_project):
    """An area's year table and total count the same incidents as its category table: with a
    sensitive category in them, the total minus the categories would give it away below
    municipality level. The internal run counts it, so the difference is exactly its count."""
    from tryggaplatser.analysis.run import Run

    config = dataclasses.replace(demo_project.config, sensitive_categories=("narkotika",))
    project = dataclasses.replace(demo_project, config=config)
    public = Run(project, "public", quiet=True).area_analysis()
    internal = Run(project, "internal", quiet=True).area_analysis((public.start, public.end))
    assert "narkotika" in set(public.incidents["category"])  # the municipality keeps it
    for area_id, prof in public.profiles.items():
        cats = prof.by_category.set_index("category")["count"]
        assert cats.get("narkotika", 0) == 0
        total = int(cats.drop(index=["alla", "totalt"], errors="ignore").sum())
        assert int(prof.trend["count"].sum()) == total
        inside = internal.profiles[area_id]
        hidden = int(inside.by_category.set_index("category")["count"].get("narkotika", 0))
        assert int(inside.trend["count"].sum()) - total == hidden
    # so the disclosure plan keys an area's year counts as its category table's total
    from tryggaplatser.publish.reports.area_plan import area_count_category

    gate = Gate("public", sensitive_categories=["narkotika"], quiet=True)
    assert area_count_category(public, gate) == TOTAL
    counted = dataclasses.replace(internal, sensitive={"narkotika"})
    assert area_count_category(counted, gate) == "alla"


def test_public_quality_chart_counts_calendar_months_on_the_plan(analysis):
    """The public chart of reports per source counts local calendar months (weeks summed by
    the month they start in would straddle two, and the first week of the period would show
    days before it), and a month's sources add up to the municipality's month in the plan."""
    from tryggaplatser.publish.reports.area_plan import (
        MUNICIPALITY,
        incident_key,
        plan_area_set,
        source_month_key,
    )

    monthly = analysis.monthly
    local = pd.to_datetime(analysis.incidents["occurred_at"], utc=True).dt.tz_convert(
        "Europe/Stockholm"
    )
    expected = local.dt.strftime("%Y-%m").value_counts().sort_index()
    got = monthly.groupby("month")["n"].sum()
    assert got.index.min() == analysis.start.strftime("%Y-%m")
    assert got.index.max() == analysis.end.strftime("%Y-%m")
    pd.testing.assert_series_equal(got[got > 0], expected, check_names=False)
    plan = plan_area_set([analysis], Gate("public", quiet=True))
    first = monthly["month"].iloc[0]
    m = pd.Period(first, freq="M")
    month = (m.start_time.date(), m.end_time.date())
    keys = tuple(source_month_key(first, s) for s in monthly["source"].unique())
    assert (incident_key(month, MUNICIPALITY, "totalt"), keys) in plan.relations


def test_public_import_table_shows_shares_and_no_row_counts(public_set, internal_report):
    """A file's rows span every day it holds (also the days after the period's last whole
    month): its row count minus the period's counts would give those days away."""
    lagesbild = next(p for n, p in public_set["paths"].items() if n.startswith("lagesbild"))
    public = table_with(lagesbild, "Import:")
    assert public["headers"] == ["Fil", "Andel i karantän"]
    internal = table_with(internal_report, "Import:")
    assert "Lästa" in internal["headers"] and "I karantän" in internal["headers"]


def test_public_silent_sources_name_months_only(public_set, internal_report):
    """A silent source is named with its months in public (a count of weeks would place the
    silence within them); the internal version keeps the weeks."""
    import re

    lagesbild = next(p for n, p in public_set["paths"].items() if n.startswith("lagesbild"))
    public = re.search(r"Tysta källor: [^<]*", lagesbild.read_text(encoding="utf-8"))
    assert public is not None  # the demo's planted silent source
    assert "inga rapporter" in public.group(0) and "veck" not in public.group(0)
    internal = re.search(r"Tysta källor: [^<]*", internal_report.read_text(encoding="utf-8"))
    assert internal is not None and "veckor)" in internal.group(0)
