"""Tests for tryggaplatser.analysis.est (weekly EST computations)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tryggaplatser.analysis.est import (
    ALERT_COLUMNS,
    FOCUS_COLUMNS,
    MEASURE_FOLLOWUP_COLUMNS,
    RECURRING_COLUMNS,
    SILENT_SOURCE_COLUMNS,
    WEEKLY_COUNT_COLUMNS,
    cell_ids,
    focus_places,
    iso_week_bounds,
    measure_followup,
    near_repeat_alerts,
    recurring_places,
    same_week_last_year,
    silent_sources,
    weekly_counts,
)
from tryggaplatser.analysis.near_repeat import RiskWindow
from tryggaplatser.errors import ArgumentError

W47 = date(2026, 11, 16)  # Monday of 2026-W47


def make(rows, crs=3006) -> gpd.GeoDataFrame:
    """rows: (day as date, x, y, category, source, area_id); time 12:00 local."""
    days, xs, ys, cats, srcs, areas = zip(*rows)
    t = (
        pd.to_datetime([f"{d.isoformat()} 12:00" for d in days])
        .tz_localize("Europe/Stockholm")
        .tz_convert("UTC")
    )
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"i{k}" for k in range(len(rows))],
            "occurred_at": t,
            "category": list(cats),
            "source": list(srcs),
            "area_id": list(areas),
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=crs,
    )


def day(week_offset: int, weekday: int = 2) -> date:
    """A day in the week ``week_offset`` weeks before W47 (0 = W47)."""
    return W47 - timedelta(days=7 * week_offset) + timedelta(days=weekday)


def poisson_tail(k: int, lam: float) -> float:
    return 1 - sum(math.exp(-lam) * lam**j / math.factorial(j) for j in range(k))


# --------------------------------------------------------------------------- weeks


def test_iso_week_bounds():
    start, end = iso_week_bounds("2026-W47")
    assert start == pd.Timestamp("2026-11-16", tz="Europe/Stockholm")
    assert end == pd.Timestamp("2026-11-23", tz="Europe/Stockholm")
    assert iso_week_bounds("2026w47") == (start, end)
    # DST change on 2026-03-29: the week is 7 days minus one hour long
    s, e = iso_week_bounds("2026-W13")
    assert e - s == pd.Timedelta(days=7) - pd.Timedelta(hours=1)
    # 2026 has 53 ISO weeks, 2025 has 52
    assert iso_week_bounds("2026-W53")[0].date() == date(2026, 12, 28)


def test_default_week_is_last_complete_week(caplog):
    with caplog.at_level("INFO", logger="tryggaplatser"):
        start, _ = iso_week_bounds(today="2026-11-25")
    assert start.date() == W47
    assert "Vecka 2026-W47 vald automatiskt" in caplog.text
    assert iso_week_bounds(today=date(2026, 11, 23), quiet=True)[0].date() == W47
    assert iso_week_bounds(today=date(2026, 11, 22), quiet=True)[0].date() == W47 - timedelta(7)


@pytest.mark.parametrize("bad", ["2025-W53", "2026-W54", "2026-W00", "vecka 47", "2026-47x"])
def test_bad_week(bad):
    with pytest.raises(ArgumentError, match="kan inte tolka") as exc:
        iso_week_bounds(bad)
    assert exc.value.rule == "WEEK_INVALID"
    assert "2026-W47" in str(exc.value)


def test_same_week_last_year():
    assert same_week_last_year(W47) == date(2025, 11, 17)
    assert same_week_last_year(date(2026, 12, 28)) == date(2025, 12, 22)  # W53 -> W52


# --------------------------------------------------------------------------- weekly counts


def weekly_data():
    rows = []
    # A / inbrott: 5 this week, 1,0,1,0 in the previous 4 weeks, 2 in the same week last year
    rows += [(day(0, k), 100, 100, "inbrott", "polis", "A") for k in range(5)]
    rows += [
        (day(1), 100, 100, "inbrott", "polis", "A"),
        (day(3), 100, 100, "inbrott", "polis", "A"),
    ]
    rows += [(date(2025, 11, 18), 100, 100, "inbrott", "polis", "A")] * 2
    rows += [(day(5), 100, 100, "inbrott", "polis", "A")]  # week 5: outside the baseline
    # A / klotter: 4 this week, 4 in each previous week
    rows += [(day(w, k), 100, 100, "klotter", "bolag", "A") for w in range(5) for k in range(4)]
    # B / klotter: 2 this week, none before
    rows += [(day(0, k), 1100, 100, "klotter", "bolag", "B") for k in range(2)]
    # B / brand: 3 this week, 1 per week before (mean 1)
    rows += [(day(0, k), 1100, 100, "brand", "rtj", "B") for k in range(3)]
    rows += [(day(w), 1100, 100, "brand", "rtj", "B") for w in range(1, 5)]
    # next week: must not count
    rows += [(day(-1), 100, 100, "inbrott", "polis", "A")]
    return make(rows)


def test_weekly_counts_against_hand_computed_poisson():
    res = weekly_counts(weekly_data(), "area_id", "2026-W47", quiet=True)
    assert list(res.columns) == WEEKLY_COUNT_COLUMNS
    t = res.set_index(["area_id", "category"])
    a = t.loc[("A", "inbrott")]
    assert a["count"] == 5 and a["baseline_mean"] == 0.5 and a["last_year"] == 2
    assert a["change"] == 4.5
    assert a["p_value"] == pytest.approx(poisson_tail(5, 0.5), rel=1e-9)
    assert a["p_value"] == pytest.approx(0.000172, abs=1e-6)
    assert bool(a["unusual"])
    k = t.loc[("A", "klotter")]
    assert k["count"] == 4 and k["baseline_mean"] == 4
    assert k["p_value"] == pytest.approx(poisson_tail(4, 4.0), rel=1e-9)
    assert not k["unusual"]
    b = t.loc[("B", "klotter")]  # baseline 0 -> floor 0.5; p < 0.05 but count 2 < 3
    assert b["p_value"] == pytest.approx(poisson_tail(2, 0.5), rel=1e-9)
    assert b["p_value"] < 0.1 and not b["unusual"]
    f = t.loc[("B", "brand")]  # 3 vs mean 1: p = 0.0803 -> not unusual
    assert f["p_value"] == pytest.approx(poisson_tail(3, 1.0), rel=1e-9)
    assert not f["unusual"]
    assert res.iloc[0]["area_id"] == "A" and res.iloc[0]["category"] == "inbrott"
    assert "Poissontest" in res.attrs["test"] and "p < 0,05" in res.attrs["test"]
    assert res.attrs["expected_false_alarms"] == pytest.approx(len(res) * 0.05)
    assert res.attrs["week"] == "2026-W47"
    assert res.attrs["same_week_last_year"] == "2025-W47"


def test_weekly_counts_with_area_polygons_matches_column():
    data = weekly_data()
    areas = gpd.GeoDataFrame(
        {"area_id": ["A", "B"], "name": ["a", "b"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
        crs=3006,
    )
    by_col = weekly_counts(data, "area_id", "2026-W47", quiet=True)
    by_poly = weekly_counts(data.drop(columns="area_id"), areas, "2026-W47", quiet=True)
    pd.testing.assert_frame_equal(by_col, by_poly, check_like=False)
    # a point on the shared boundary goes to the lowest area_id, once
    edge = make([(day(0), 1000, 500, "inbrott", "polis", None)])
    res = weekly_counts(edge.drop(columns="area_id"), areas, "2026-W47", quiet=True)
    assert list(res["area_id"]) == ["A"] and res["count"].sum() == 1
    with pytest.raises(ArgumentError, match="olika koordinatsystem"):
        weekly_counts(data.drop(columns="area_id"), areas.to_crs(3011), "2026-W47", quiet=True)


def test_weekly_counts_does_not_mutate():
    data = weekly_data()
    before = data.copy()
    weekly_counts(data, "area_id", "2026-W47", quiet=True)
    pd.testing.assert_frame_equal(data, before)


# --------------------------------------------------------------------------- recurring places


def test_cell_ids_floor_division():
    cx, cy, ids = cell_ids([650_000, 650_249.9, 650_250, -1], [6_560_000] * 4, 250)
    assert list(cx) == [650_000, 650_000, 650_250, -250]
    assert set(cy) == {6_560_000}
    assert ids[0] == "250mE650000N6560000"  # the hotspot grid's id format
    assert ids[2] == "250mE650250N6560000"


def test_recurring_places():
    x0, y0 = 650_010, 6_560_010
    rows = [(day(w), x0, y0, "klotter", "bolag", "A") for w in (0, 1, 2)]
    rows += [(day(0, 4), x0 + 5, y0, "inbrott", "polis", "A")]
    rows += [(day(w), x0 + 1000, y0, "klotter", "bolag", "B") for w in (0, 1)]  # only 2 weeks
    rows += [(day(w), x0 + 2000, y0, "klotter", "bolag", "B") for w in (0, 1, 4)]  # w4 outside
    res = recurring_places(make(rows), "2026-W47", cell_size=250, quiet=True)
    assert list(res.columns[: len(RECURRING_COLUMNS)]) == RECURRING_COLUMNS
    week_cols = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert res.attrs["week_columns"] == week_cols
    assert list(res.columns) == [*RECURRING_COLUMNS, *week_cols, "geometry"]
    assert len(res) == 1
    row = res.iloc[0]
    assert row["cell_id"] == "250mE650000N6560000"
    assert row["weeks_with_reports"] == 3 and row["total"] == 4
    assert [row[c] for c in week_cols] == [0, 1, 1, 2]
    assert row["categories"] == "klotter;inbrott"
    assert row["area_id"] == "A"
    assert res.geometry.iloc[0].equals(box(650_000, 6_560_000, 650_250, 6_560_250))
    assert res.crs.to_epsg() == 3006


def test_recurring_default_cell_size_announced(caplog):
    rows = [(day(w), 650_010, 6_560_010, "klotter", "bolag", "A") for w in (0, 1, 2)]
    with caplog.at_level("INFO", logger="tryggaplatser"):
        res = recurring_places(make(rows), "2026-W47")
    assert "Cellstorlek 250 m vald automatiskt" in caplog.text
    assert res.attrs["cell_size"] == 250
    with pytest.raises(ArgumentError):
        recurring_places(make(rows), "2026-W47", weeks=4, min_weeks=5, quiet=True)


# --------------------------------------------------------------------------- silent sources


def test_planted_silent_source_is_detected():
    rows = [(day(w), 0, 0, "klotter", "vaktbolag", "A") for w in range(1, 13)]  # 12/12, not now
    rows += [(day(w), 0, 0, "klotter", "polis", "A") for w in range(1, 13, 2)]  # 6/12, not now
    rows += [(day(w, k), 0, 0, "klotter", "bostad", "A") for w in range(0, 13) for k in (0, 1)]
    rows += [(day(w), 0, 0, "klotter", "fältare", "A") for w in range(2, 13)]  # 11/12, not w1, w0
    res = silent_sources(make(rows), "2026-W47", quiet=True)
    assert list(res.columns) == SILENT_SOURCE_COLUMNS
    t = res.set_index("source")
    assert bool(t.loc["vaktbolag", "silent"]) and t.loc["vaktbolag", "weeks_reported"] == 12
    assert t.loc["vaktbolag", "weeks_since_last_report"] == 1
    assert t.loc["vaktbolag", "last_report"] == pd.Timestamp(day(1))
    assert not t.loc["polis", "usual"] and not t.loc["polis", "silent"]
    assert t.loc["polis", "share_weeks_reported"] == 0.5
    assert t.loc["bostad", "count"] == 2 and not t.loc["bostad", "silent"]
    assert t.loc["bostad", "median_weekly"] == 2 and t.loc["bostad", "weeks_since_last_report"] == 0
    assert t.loc["fältare", "weeks_reported"] == 11 and bool(t.loc["fältare", "silent"])
    assert list(res["source"][:2]) == ["fältare", "vaktbolag"]
    two = silent_sources(make(rows), "2026-W47", silent_weeks=2, quiet=True).set_index("source")
    assert bool(two.loc["fältare", "silent"]) and not two.loc["vaktbolag", "silent"]
    assert "75 %" in res.attrs["rule"]


# --------------------------------------------------------------------------- measures


def test_measure_followup():
    measures = pd.DataFrame(
        {
            "measure_id": ["m1", "m2", "m3", "m4", "m5"],
            "title": ["Belysning", "Röjning", "Väktare", "Klotter", "Okänt"],
            "area_id": ["A", "A", "B", "B", "B"],
            "status": ["beslutad", "genomford", "pagaende", "avbruten", "foreslagen"],
            "responsible": ["Gata", "Park", "Bolag", "Gata", None],
            "follow_up_on": ["2026-11-01", "2026-10-01", None, "2026-01-01", None],
            "end": [None, None, "2026-11-20", None, None],
        }
    )
    before = measures.copy()
    res = measure_followup(measures, today="2026-11-24")
    pd.testing.assert_frame_equal(measures, before)
    assert list(res.columns) == MEASURE_FOLLOWUP_COLUMNS
    assert list(res["measure_id"][:2]) == ["m1", "m3"]
    t = res.set_index("measure_id")
    assert bool(t.loc["m1", "overdue"]) and t.loc["m1", "days_overdue"] == 23
    assert bool(t.loc["m3", "overdue"]) and t.loc["m3", "days_overdue"] == 4  # due from `end`
    assert not t.loc["m2", "overdue"] and t.loc["m2", "days_overdue"] == 0
    assert not t.loc["m4", "overdue"]
    assert not t.loc["m5", "overdue"] and pd.isna(t.loc["m5", "days_overdue"])
    assert t.loc["m1", "status_label"] == "Beslutad"
    assert t.loc["m3", "due"] == pd.Timestamp("2026-11-20")


def test_measure_followup_default_today_announced(caplog):
    measures = pd.DataFrame({"measure_id": ["m1"], "status": ["beslutad"]})
    with caplog.at_level("INFO", logger="tryggaplatser"):
        res = measure_followup(measures)
    assert "används som referens" in caplog.text
    assert res.attrs["choices"]
    with pytest.raises(ArgumentError, match="status"):
        measure_followup(pd.DataFrame({"measure_id": ["m1"]}), today="2026-01-01")


# --------------------------------------------------------------------------- alerts and focus


def alert_data():
    rows = [
        (date(2026, 11, 18), 650_010, 6_560_010, "inbrott", "polis", "A"),  # in week, windowed
        (date(2026, 11, 16), 650_600, 6_560_010, "inbrott", "polis", "A"),  # Monday: ends W48 Sun
        (date(2026, 11, 18), 650_010, 6_560_010, "klotter", "bolag", "A"),  # no window
        (date(2026, 11, 10), 650_010, 6_560_010, "inbrott", "polis", "A"),  # previous week
        (date(2026, 11, 19), 650_010, 6_560_010, "brand", "rtj", "A"),  # window None
        (date(2026, 11, 14), 650_650, 6_560_010, "inbrott", "polis", "A"),  # links i1
    ]
    return make(rows)


def test_near_repeat_alerts():
    windows = {"inbrott": (200, 14), "brand": None, "klotter_x": RiskWindow(100, 7, 2.0, 0.01)}
    res = near_repeat_alerts(alert_data(), "2026-W47", windows, cell_size=250, quiet=True)
    assert list(res.columns) == ALERT_COLUMNS
    assert res.attrs["internal_geometry"] is True
    # both have one earlier burglary in their window: the later event ranks first
    assert list(res["incident_id"]) == ["i0", "i1"]
    assert list(res["rank"]) == [1, 2] and list(res["linked_events"]) == [2, 2]
    r = res.set_index("incident_id")
    assert r.loc["i0", "window_end"] == pd.Timestamp("2026-12-01")  # 18 Nov + 14 − 1
    assert r.loc["i1", "window_end"] == pd.Timestamp("2026-11-29")
    assert bool(r.loc["i0", "active_next_week"]) and bool(r.loc["i1", "active_next_week"])
    assert r.loc["i0", "alert_distance_m"] == 200 and r.loc["i0", "cell_id"] == (
        "250mE650000N6560000"
    )
    assert res.attrs["n_candidates"] == 2 and res.attrs["n_alerts"] == 2
    assert res.attrs["n_left_out"] == 0 and res.attrs["max_alerts"] is None
    assert "minst 2 länkade händelser" in res.attrs["rule"]
    # a near_repeat result can be passed directly: 7 days reach from 18 Nov back to 12 Nov
    # only, so i0 (previous burglary 10 Nov) is no alert; i1 (14 Nov, 50 m) still is
    nr = pd.DataFrame()
    nr.attrs["risk_window"] = {"distance_m": 100.0, "days": 7.0, "knox_ratio": 2.0, "p_value": 0.01}
    res2 = near_repeat_alerts(alert_data(), "2026-W47", {"inbrott": nr}, cell_size=250, quiet=True)
    assert list(res2["incident_id"]) == ["i1"]
    assert list(res2["window_days"]) == [7.0]
    assert list(res2["active_next_week"]) == [False]  # 16 Nov + 6 = 22 Nov (Sunday)
    assert res2.attrs["n_candidates"] == 2 and res2.attrs["n_alerts"] == 1


def linked_by_brute_force(data, monday: date, windows: dict) -> dict[str, int]:
    """{incident_id: linked events} of every week event with an earlier same-category event in
    its window, by looping over all pairs (independent of near_repeat_alerts)."""
    rows = list(data.itertuples(index=False))
    local = data["occurred_at"].dt.tz_convert("Europe/Stockholm").dt.date.tolist()
    out = {}
    for a, da in zip(rows, local):
        w = windows.get(a.category)
        if w is None or not (monday <= da < monday + timedelta(days=7)):
            continue
        n = 1
        for b, db in zip(rows, local):
            if b.incident_id == a.incident_id or b.category != a.category:
                continue
            dist = math.hypot(a.geometry.x - b.geometry.x, a.geometry.y - b.geometry.y)
            if dist < w[0] and 0 <= (da - db).days < w[1]:
                n += 1
        if n >= 2:
            out[a.incident_id] = n
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_alert_linkage_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 120
    rows = [
        (
            W47 + timedelta(days=int(d)),
            650_000 + float(x),
            6_560_000 + float(y),
            str(c),
            "polis",
            "A",
        )
        for d, x, y, c in zip(
            rng.integers(-30, 10, n),  # from 30 days before the week to 3 days after it
            rng.integers(0, 8, n) * 50.0,  # on a 50 m lattice: distances exactly at the edges
            rng.integers(0, 8, n) * 50.0,
            rng.choice(["inbrott", "klotter", "brand"], n),
        )
    ]
    data = make(rows)
    windows = {"inbrott": (200, 14), "klotter": (100, 7)}
    res = near_repeat_alerts(data, "2026-W47", windows, cell_size=250, quiet=True)
    expected = linked_by_brute_force(data, W47, windows)
    assert expected  # the draw has alerts
    assert dict(zip(res["incident_id"], res["linked_events"].tolist())) == expected
    # ranked: linked events descending, then latest event first
    key = list(zip(-res["linked_events"], -res["occurred_on"].astype("int64")))
    assert key == sorted(key) and list(res["rank"]) == list(range(1, len(res) + 1))


def test_alert_rule_edges():
    x0, y0 = 650_010, 6_560_010
    wed = W47 + timedelta(days=2)
    rows = [
        (wed, x0, y0, "inbrott", "polis", "A"),  # i0: lone in its place -> no alert
        (wed - timedelta(days=13), x0 + 5000, y0, "inbrott", "polis", "A"),  # i1: earlier
        (wed, x0 + 5000 + 199.9, y0, "inbrott", "polis", "A"),  # i2: links i1 (13 d, 199.9 m)
        (wed - timedelta(days=14), x0 + 9000, y0, "inbrott", "polis", "A"),  # i3: 14 d earlier
        (wed, x0 + 9000, y0, "inbrott", "polis", "A"),  # i4: too late for i3 -> no alert
        (wed, x0 + 12_000, y0, "inbrott", "polis", "A"),  # i5: exactly 200 m from i6 ...
        (wed - timedelta(days=1), x0 + 12_200, y0, "inbrott", "polis", "A"),  # i6 -> no alert
        (wed, x0 + 15_000, y0, "inbrott", "polis", "A"),  # i7 and i8 the same day: both
        (wed, x0 + 15_050, y0, "inbrott", "polis", "A"),  # i8 link each other
        (wed, x0 + 18_000, y0, "inbrott", "polis", "A"),  # i9: only a LATER event near -> no
        (wed + timedelta(days=1), x0 + 18_000, y0, "inbrott", "polis", "A"),  # i10: alert
        (wed - timedelta(days=2), x0, y0, "klotter", "bolag", "A"),  # other category: no link
    ]
    res = near_repeat_alerts(make(rows), "2026-W47", {"inbrott": (200, 14)}, quiet=True)
    assert dict(zip(res["incident_id"], res["linked_events"])) == {
        "i2": 2,
        "i7": 2,
        "i8": 2,
        "i10": 2,
    }
    assert res.attrs["n_candidates"] == 9  # the week's burglaries (i6 is in the week too)


def test_alerts_are_ranked_and_capped():
    x0, y0 = 650_010, 6_560_010
    wed = W47 + timedelta(days=2)
    rows = []
    # place A: 4 burglaries on Mon..Thu -> linked 1+0 (no alert), 2, 3, 4
    rows += [(W47 + timedelta(days=k), x0, y0, "inbrott", "polis", "A") for k in range(4)]
    # place B: 2 earlier + one on Friday -> linked 3 (latest of the 3s: ranks before A's 3)
    rows += [(wed - timedelta(days=k), x0 + 3000, y0, "inbrott", "polis", "A") for k in (5, 6)]
    rows += [(W47 + timedelta(days=4), x0 + 3000, y0, "inbrott", "polis", "A")]
    # place C: one earlier + Sunday -> linked 2, latest of the 2s
    rows += [(W47 - timedelta(days=1), x0 + 6000, y0, "inbrott", "polis", "A")]
    rows += [(W47 + timedelta(days=6), x0 + 6000, y0, "inbrott", "polis", "A")]
    data = make(rows)
    full = near_repeat_alerts(data, "2026-W47", {"inbrott": (100, 14)}, quiet=True)
    assert list(full["incident_id"]) == ["i3", "i6", "i2", "i8", "i1"]
    assert list(full["linked_events"]) == [4, 3, 3, 2, 2]
    capped = near_repeat_alerts(data, "2026-W47", {"inbrott": (100, 14)}, max_alerts=3, quiet=True)
    assert list(capped["incident_id"]) == ["i3", "i6", "i2"]
    assert capped.attrs["n_alerts"] == 5 and capped.attrs["n_left_out"] == 2
    assert capped.attrs["max_alerts"] == 3
    with pytest.raises(ArgumentError) as exc:
        near_repeat_alerts(data, "2026-W47", {"inbrott": (100, 14)}, max_alerts=0, quiet=True)
    assert exc.value.rule == "NOT_POSITIVE"


def test_focus_places_scoring_and_reasons():
    x0, y0 = 650_010, 6_560_010
    rows = [(day(w), x0, y0, "inbrott", "polis", "A") for w in (0, 1, 2, 3)]  # 4 of 4
    rows += [(day(w), x0 + 1000, y0, "klotter", "bolag", "B") for w in (0, 1, 2)]  # 3 of 4
    rows += [(day(w, 3), x0 + 1000, y0, "klotter", "bolag", "B") for w in (0, 1)]
    data = make(rows)
    rec = recurring_places(data, "2026-W47", cell_size=250, quiet=True)
    flags = pd.DataFrame(
        {
            "area_id": ["B"],
            "category": ["klotter"],
            "count": [5],
            "baseline_mean": [0.5],
            "last_year": [0],
            "change": [4.5],
            "p_value": [0.012],
            "unusual": [True],
        }
    )
    hot = gpd.GeoDataFrame(
        {"hotspot_category": ["ny", "historisk"]},
        geometry=[
            box(651_000, 6_560_000, 651_250, 6_560_250),
            box(655_000, 6_560_000, 655_250, 6_560_250),
        ],
        crs=3006,
    )
    alerts = near_repeat_alerts(data, "2026-W47", {"inbrott": (200, 14)}, cell_size=250, quiet=True)
    res = focus_places(rec, flags, hot, alerts)
    assert list(res.columns) == FOCUS_COLUMNS
    assert list(res["cell_id"]) == ["250mE651000N6560000", "250mE650000N6560000"]
    b, a = res.iloc[0], res.iloc[1]
    assert b["score"] == 3 + 3 + 2 and b["rank"] == 1
    assert b["reasons"] == (
        "3 av senaste 4 veckorna; ny hotspot; ovanlig ökning av klotter i området (p = 0,01)"
    )
    assert a["score"] == 4 + 2
    assert a["reasons"] == "4 av senaste 4 veckorna; near-repeat-fönster aktivt till 2026-12-01"
    assert a["cell_x"] == 650_000 and a["cell_y"] == 6_560_000
    assert "Poäng per ruta" in res.attrs["rule"]
    assert len(focus_places(rec, top=1)) == 1


def test_neighbouring_focus_cells_are_one_place():
    """Three recurring cells in an L (touching by side and corner) are one place with the best
    cell first; a cell two cells away is its own place."""
    x0, y0 = 650_010, 6_560_010
    rows = [(day(w), x0, y0, "inbrott", "polis", "A") for w in (0, 1, 2, 3)]  # best: 4 of 4
    rows += [(day(w), x0 + 250, y0, "inbrott", "polis", "A") for w in (0, 1, 2)]  # east
    rows += [(day(w), x0 + 500, y0 + 250, "inbrott", "polis", "A") for w in (0, 1, 2)]  # corner
    rows += [(day(w), x0 + 1000, y0, "inbrott", "polis", "A") for w in (1, 2, 3)]  # apart
    rec = recurring_places(make(rows), "2026-W47", cell_size=250, quiet=True)
    res = focus_places(rec)
    assert list(res["cell_id"]) == ["250mE650000N6560000", "250mE651000N6560000"]
    assert res.iloc[0]["cells"] == ("250mE650000N6560000;250mE650250N6560000;250mE650500N6560250")
    assert res.iloc[1]["cells"] == "250mE651000N6560000"
    assert list(res["rank"]) == [1, 2]


def test_est_functions_reject_wrong_crs():
    data = alert_data().to_crs(4326)
    with pytest.raises(ArgumentError, match="metriskt"):
        recurring_places(data, "2026-W47", quiet=True)
    with pytest.raises(ArgumentError, match="cell_size"):
        recurring_places(alert_data(), "2026-W47", cell_size=0, quiet=True)


def test_automatic_week_is_recorded_in_attrs(caplog):
    data = weekly_data()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        res = weekly_counts(data, "area_id", today="2026-11-25")
    assert res.attrs["week"] == "2026-W47"
    assert any("Vecka 2026-W47 vald automatiskt" in c for c in res.attrs["choices"])
    assert "Vecka 2026-W47 vald automatiskt" in caplog.text
    assert silent_sources(data, today="2026-11-25", quiet=True).attrs["week"] == "2026-W47"


def test_empty_week_gives_empty_tables_with_pinned_columns():
    empty = make([(day(30), 0, 0, "klotter", "bolag", "A")])  # only long before the week
    assert list(weekly_counts(empty, "area_id", "2026-W47", quiet=True).columns) == (
        WEEKLY_COUNT_COLUMNS
    )
    rec = recurring_places(empty, "2026-W47", cell_size=250, quiet=True)
    assert len(rec) == 0 and list(rec.columns[:7]) == RECURRING_COLUMNS
    alerts = near_repeat_alerts(empty, "2026-W47", {"klotter": (100, 7)}, cell_size=250, quiet=True)
    assert len(alerts) == 0 and list(alerts.columns) == ALERT_COLUMNS
    assert list(focus_places(rec, alerts=alerts).columns) == FOCUS_COLUMNS
    silent = silent_sources(empty, "2026-W47", quiet=True)
    assert list(silent.columns) == SILENT_SOURCE_COLUMNS and len(silent) == 0
