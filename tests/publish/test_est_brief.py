"""The weekly EST brief on the demo municipality (analysis/ and publish/reports/est_brief.py).

The internal briefs of the demo's incidents share one run (``demo_run_internal``): the run
:func:`est_brief` makes itself when none is given, made once, so its grid and hotspot classes
are computed once for the module instead of once per brief.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from synthetic import PAYLOADS

from tryggaplatser.analysis.est import iso_week_bounds, week_label
from tryggaplatser.analysis.est_brief import _last_complete_month, default_week, est_brief
from tryggaplatser.errors import GateRefusal
from tryggaplatser.i18n import language
from tryggaplatser.publish.gate import INTERNAL_MARKING, Gate
from tryggaplatser.publish.reports.est_brief import est_report, write_est_brief

SECTIONS = (
    "Veckans rapporter",
    "Fokusplatser nästa vecka",
    "Återkommande platser",
    "Nya och framväxande hotspots",
    "Near-repeat-larm",
    "Uppföljning av beslutade åtgärder",
    "Datakvalitet",
    "Metod och parametrar",
)


@pytest.fixture(scope="module")
def demo(demo_project, demo_truth):
    return demo_project, demo_truth


@pytest.fixture(scope="module")
def demo_run_internal(demo):
    """The run :func:`est_brief` makes when none is given (of the incidents alone, internal)."""
    from types import SimpleNamespace

    from tryggaplatser.analysis.run import Run

    project, _ = demo
    return Run(SimpleNamespace(layers={"incidents": project.incidents}, config=None), "internal")


def _silent_week_brief(demo, mode: str, run=None):
    """The brief for a week in the middle of the planted silent period."""
    project, truth = demo
    weeks = truth["silent_source"].get("iso_weeks") or [
        week_label(pd.Timestamp(truth["silent_source"]["from"]) + pd.Timedelta(days=14))
    ]
    week = weeks[len(weeks) // 2]
    return est_brief(
        project.incidents, project.areas, project.measures, week, mode=mode, quiet=True, run=run
    )


@pytest.fixture(scope="module")
def silent_week(demo, demo_run_internal):
    return _silent_week_brief(demo, "internal", demo_run_internal)


@pytest.fixture(scope="module")
def silent_week_public(demo):
    return _silent_week_brief(demo, "public")


def test_public_brief_never_runs_near_repeat(silent_week_public):
    """Near repeat works on exact points and is internal only."""
    assert silent_week_public.near_repeat == {}
    assert len(silent_week_public.near_repeat_table) == 0
    assert len(silent_week_public.alerts) == 0


def test_planted_silent_source_is_flagged(demo, silent_week):
    _, truth = demo
    silent = silent_week.sources.set_index("source")
    planted = truth["silent_source"]["source"]
    assert bool(silent.loc[planted, "silent"])
    assert silent.loc[planted, "count"] == 0
    assert silent_week.sources["silent"].sum() == 1  # only the planted one


def test_planted_near_repeat_series_is_detected(demo, silent_week):
    _, truth = demo
    nr = truth["near_repeat"]
    table = silent_week.near_repeat_table.set_index("category")
    assert bool(table.loc[nr["category"], "pattern"])
    assert table.loc[nr["category"], "window_days"] >= 7


@pytest.fixture(scope="module")
def series_week(demo):
    """The planted near-repeat series' events and the ISO week with most of them."""
    project, truth = demo
    nr = truth["near_repeat"]
    inc = project.incidents
    start, end = (
        pd.Timestamp(nr["start"], tz="Europe/Stockholm"),
        pd.Timestamp(nr["end"], tz="Europe/Stockholm") + pd.Timedelta(days=1),
    )
    near = inc[
        (inc["category"] == nr["category"])
        & (inc["occurred_at"] >= start)
        & (inc["occurred_at"] < end)
        & (np.hypot(inc.geometry.x - nr["x"], inc.geometry.y - nr["y"]) <= nr["radius_m"])
    ]
    weeks = near["occurred_at"].dt.tz_convert("Europe/Stockholm").map(week_label)
    return near, weeks.value_counts().index[0]


@pytest.fixture(scope="module")
def series_brief(demo, series_week, demo_run_internal):
    project, _ = demo
    inc = project.incidents
    return est_brief(
        inc, project.areas, project.measures, series_week[1], quiet=True, run=demo_run_internal
    )


def linked_before(events, target, distance: float, days: float) -> int:
    """Brute force: events of ``events`` other than ``target`` closer than ``distance`` and on
    the same day or fewer than ``days`` days before it (local dates)."""
    local = events["occurred_at"].dt.tz_convert("Europe/Stockholm").dt.date
    t_day = target.occurred_at.tz_convert("Europe/Stockholm").date()
    n = 0
    for row, d in zip(events.itertuples(index=False), local):
        if row.incident_id == target.incident_id:
            continue
        dist = np.hypot(row.geometry.x - target.geometry.x, row.geometry.y - target.geometry.y)
        n += bool(dist < distance and 0 <= (t_day - d).days < days)
    return n


def test_planted_near_repeat_series_gives_alerts_in_its_weeks(demo, series_week, series_brief):
    _, truth = demo
    nr = truth["near_repeat"]
    near, week = series_week
    brief = series_brief
    table = brief.near_repeat_table.set_index("category")
    assert table.loc[nr["category"], "pattern"]
    w = brief.near_repeat[nr["category"]].attrs["risk_window"]
    assert w["distance_m"] >= 100 and w["days"] >= 7
    # every series event of the week that repeats an earlier series event inside the window is
    # an alert (it ranks among the shown ones), with at least that many linked events
    start, end = iso_week_bounds(week)
    in_week = near[(near["occurred_at"] >= start) & (near["occurred_at"] < end)]
    repeats = {
        r.incident_id: 1 + k
        for r in in_week.itertuples(index=False)
        if (k := linked_before(near, r, w["distance_m"], w["days"]))
    }
    assert len(repeats) >= 2
    alerts = brief.alerts.set_index("incident_id")
    assert set(repeats) <= set(alerts.index)
    for incident, n in repeats.items():
        assert alerts.loc[incident, "linked_events"] >= n
    assert len(brief.alerts) <= 15 and brief.alerts.attrs["max_alerts"] == 15


def test_brief_says_how_many_alerts_are_left_out(
    demo, series_week, series_brief, demo_run_internal
):
    project, _ = demo
    n_all = series_brief.alerts.attrs["n_alerts"]
    assert n_all >= 3
    capped = est_brief(
        project.incidents,
        project.areas,
        project.measures,
        series_week[1],
        max_alerts=2,
        quiet=True,
        run=demo_run_internal,
    )
    assert len(capped.alerts) == 2 and capped.alerts.attrs["n_left_out"] == n_all - 2
    # the shown alerts are the two highest ranked of all
    assert list(capped.alerts["incident_id"]) == list(series_brief.alerts["incident_id"][:2])
    assert capped.alert_cells["n"].sum() == 2
    gate = Gate("internal", quiet=True)
    page = est_report(capped, gate, municipality=project.config.name).render()
    assert f"{n_all - 2} larm till visas inte (gräns 2)" in page
    assert "Larm: en händelse under veckan med minst en annan händelse" in page
    assert "Benjamini–Hochberg" in page and re.search(r"Knox-kvot minst 1,2(?!\d)", page)
    with language("en"):
        page_en = est_report(capped, gate, municipality=project.config.name).render()
    assert f"{n_all - 2} more alerts are not shown (limit 2)" in page_en
    full = est_report(series_brief, gate, municipality=project.config.name).render()
    assert f"Alla {len(series_brief.alerts)} larm visas (gräns 15)" in full or (
        f"{n_all - 15} larm till visas inte (gräns 15)" in full
    )


def test_default_week_is_last_complete_week_of_the_data(demo):
    project, truth = demo
    week, why = default_week(project.incidents, today="2026-11-27", quiet=True)
    end = pd.Timestamp(truth["period"]["end"])  # a Sunday
    assert week == week_label(end.date() - pd.Timedelta(days=end.weekday()))
    assert week in why
    # data ending mid-week: the week before
    cut = project.incidents[
        project.incidents["occurred_at"] < iso_week_bounds(week)[0] + pd.Timedelta(days=3)
    ]
    earlier, why = default_week(cut, today="2026-11-27", quiet=True)
    assert earlier < week and "senaste hela vecka i data" in why


def test_brief_data_is_consistent(demo, silent_week):
    project, _ = demo
    b = silent_week
    start, end = iso_week_bounds(b.week)
    inc = project.incidents
    in_week = ((inc["occurred_at"] >= start) & (inc["occurred_at"] < end)).sum()
    assert b.n_incidents == in_week == b.weekly["count"].sum() == b.area_totals["count"].sum()
    assert b.series["count"].iloc[-1] == in_week
    assert list(b.focus["rank"]) == list(range(1, len(b.focus) + 1))
    assert (b.focus["reasons"].str.len() > 0).all()
    assert set(b.emerging["hotspot_category"]) <= {"ny", "i_foljd", "intensifierande"}
    # the run's grid (internal: the automatic size), one size for every cell
    sizes = b.emerging["cell_id"].str.extract(r"^(\d+)mE\d+N\d+$")[0]
    assert sizes.notna().all() and sizes.nunique() == 1
    # no data after the week is used
    assert b.sources["last_report"].max() < pd.Timestamp(end.date())


def test_internal_html_has_sections_and_marking(demo, silent_week):
    project, _ = demo
    gate = Gate("internal", quiet=True)
    page = est_report(silent_week, gate, municipality=project.config.name).render()
    for title in SECTIONS:
        assert title in page, title
    assert INTERNAL_MARKING in page
    assert "Ensidigt Poissontest" in page and "p &lt; 0,05" in page
    assert "Tyst källa: vaktare" in page
    # every cell size printed is the brief's own grid (the run's), never a fixed 250 m
    size = f"{silent_week.recurring.attrs['cell_size']:g} m"
    assert size != "250 m" and f"Ruta ({size})" in page and f"rutor om {size}" in page
    assert "250 m" not in page


def test_writes_internal_and_public_sets(demo, silent_week, silent_week_public, tmp_path):
    project, _ = demo
    files = write_est_brief(
        silent_week,
        tmp_path / "intern",
        Gate("internal", quiet=True),
        municipality=project.config.name,
    )
    names = {p.name for p in files.values()}
    assert f"est_{silent_week.week}.html" in names and f"est_{silent_week.week}.gpkg" in names
    assert all("est" in n or n.startswith("offentlig") for n in names)
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(files["gpkg"])}
    assert {"aterkommande_platser", "fokusplatser", "near_repeat_larm", "hotspotklasser"} <= layers
    import geopandas as gpd

    for layer in ("aterkommande_platser", "fokusplatser", "near_repeat_larm"):
        cells = gpd.read_file(files["gpkg"], layer=layer)  # cells rebuilt from their ids
        assert cells.geometry.notna().all() and not cells.geometry.is_empty.any(), layer
    csv = files["fokusplatser"].read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("rank;") and csv[0].endswith(";markning")  # a clean header
    assert all(line.endswith(INTERNAL_MARKING) for line in csv[1:])

    public = write_est_brief(
        silent_week_public,
        tmp_path / "publik",
        Gate("public", quiet=True),
        municipality=project.config.name,
    )
    month = silent_week_public.month
    assert month == str(_last_complete_month(iso_week_bounds(silent_week.week)[1]))
    page = public["html"].read_text(encoding="utf-8")
    assert public["html"].name == f"est_{month}_publik.html"
    assert INTERNAL_MARKING not in page
    assert "Fokusplatser" not in page and "250mE" not in page
    from tryggaplatser.publish.audit import scan_dir

    assert scan_dir(tmp_path / "publik", "public") == []


def test_public_month_is_a_complete_month():
    assert str(_last_complete_month(iso_week_bounds("2026-W47")[1])) == "2026-10"
    # the week ends on the last day of a month: that month is complete
    assert str(_last_complete_month(pd.Timestamp("2026-06-01", tz="Europe/Stockholm"))) == (
        "2026-05"
    )


def test_public_report_needs_public_data(demo, silent_week_public):
    from dataclasses import replace

    internal_only = replace(silent_week_public, month=None)
    with pytest.raises(Exception, match=r"mode=\"public\""):
        est_report(internal_only, Gate("public", quiet=True), municipality="X")


def test_user_text_payloads_stay_text(demo, silent_week):
    project, _ = demo
    areas = project.areas.copy()
    areas["name"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(areas))]
    measures = project.measures.copy()
    measures["title"] = PAYLOADS[0]
    measures["responsible"] = PAYLOADS[3]
    measures["status"] = "beslutad"
    incidents = project.incidents.copy()
    incidents["category"] = incidents["category"].replace({"klotter": PAYLOADS[1]})
    # 99 permutations: the near-repeat table names every tested category whatever its p-value
    brief = est_brief(incidents, areas, measures, silent_week.week, permutations=99, quiet=True)
    page = est_report(brief, Gate("internal", quiet=True), municipality=PAYLOADS[2]).render()
    for raw in ("<img src=x", "<svg onload", "<script>alert", "${alert"):
        assert raw not in page
    assert page.count("&lt;img src=x onerror=") >= 2


def test_public_gate_refuses_internal_version(silent_week):
    from tryggaplatser.publish.reports.est_brief import _internal_report

    with pytest.raises(GateRefusal):
        _internal_report(silent_week, Gate("public", quiet=True), municipality="X")


def test_today_is_the_time_anchor_and_issued_still_works(silent_week):
    from datetime import date

    gate = Gate("internal", quiet=True)
    report = est_report(silent_week, gate, municipality="X", today="2026-11-23")
    assert report.issued == date(2026, 11, 23)
    with pytest.warns(DeprecationWarning, match="'issued' is deprecated, use 'today'"):
        old = est_report(silent_week, gate, municipality="X", issued="2026-11-23")
    assert old.issued == report.issued


def test_brief_classes_equal_hotspots_classify_for_the_same_window(demo, tmp_path):
    """The brief takes its hotspot classes from the run: the 52 weeks up to the end of the
    week give the same cells and classes as ``hotspots --classify --from <Monday 52 weeks
    before> --to <the week's Sunday>`` in the same mode (read back from its GeoPackage)."""
    import pyogrio

    from tryggaplatser.analysis.run import Run
    from tryggaplatser.datasets import demo_config_path
    from tryggaplatser.publish.products.hotspots import write_hotspot_layers

    project, _ = demo
    week = "2026-W20"
    run = Run(project, "internal", quiet=True)
    # the classes come from the run; the near-repeat test (99 permutations) is not compared
    brief = est_brief(
        project.incidents, project.areas, None, week, permutations=99, quiet=True, run=run
    )
    _, end = iso_week_bounds(week)
    write_hotspot_layers(
        config_path=str(demo_config_path()),
        project=project,
        classify=True,
        date_from=(end - pd.Timedelta(weeks=52)).tz_localize(None),
        date_to=(end - pd.Timedelta(days=1)).tz_localize(None),
        mode="internal",
        out_dir=str(tmp_path),
        quiet=True,
    )
    written = pyogrio.read_dataframe(tmp_path / "internt" / "hotspots.gpkg", layer="klassning")
    ours = brief.hotspots.sort_values("cell_id")[["cell_id", "hotspot_category"]]
    theirs = written.sort_values("cell_id")[["cell_id", "hotspot_category"]]
    assert len(ours) == len(theirs) > 1000
    assert ours.to_numpy().tolist() == theirs.to_numpy().tolist()
    assert (ours["hotspot_category"] != "inget_monster").sum() > 10
    assert brief.parameters[1][1] == f"{run.cell_size:g} m"  # one grid for the whole brief
    assert brief.emerging["cell_id"].str.startswith(f"{run.cell_size:g}mE").all()
