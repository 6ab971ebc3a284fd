"""Tests for analysis/quality.py: the data-quality section."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from tryggaplatser.analysis.quality import (
    PRECISION_COLUMNS,
    QUARANTINE_COLUMNS,
    SILENT_COLUMNS,
    WEEK_COLUMNS,
    location_precision_share,
    quarantine_share,
    reports_per_source_week,
    silent_periods,
)
from tryggaplatser.errors import ArgumentError


def incidents(rows):
    """rows: (source, local time string, location_precision)."""
    t = pd.to_datetime([r[1] for r in rows]).tz_localize("Europe/Stockholm").tz_convert("UTC")
    return pd.DataFrame(
        {
            "source": [r[0] for r in rows],
            "occurred_at": t,
            "location_precision": [r[2] for r in rows],
        }
    )


def weekly_data():
    rows = []
    # bolag reports every week of 2024-W01..W10 except W04-W06; vaktare stops after W03
    for w in range(10):
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w, days=2)
        if w not in (3, 4, 5):
            rows.append(("bolag", f"{day:%Y-%m-%d} 12:00", "exakt"))
        if w < 3:
            rows.append(("vaktare", f"{day:%Y-%m-%d} 13:00", "adress"))
    # Monday 00:30 local is Sunday 23:30 UTC: it must count in the local ISO week
    rows.append(("polisen", "2024-01-08 00:30", "kommun_centroid"))
    return incidents(rows)


def test_reports_per_source_week_fills_zero_weeks_in_local_iso_weeks():
    w = reports_per_source_week(weekly_data())
    assert list(w.columns) == WEEK_COLUMNS
    assert set(w["source"]) == {"bolag", "vaktare", "polisen"}
    assert (w.groupby("source").size() == 10).all()
    assert w["week"].iloc[0] == "2024-W01"
    # Monday 00:30 local is Sunday 23:30 UTC: counted in local week 2
    p = w[(w["source"] == "polisen") & (w["n"] > 0)]
    assert p["week"].tolist() == ["2024-W02"]
    assert p["week_start"].iloc[0] == pd.Timestamp("2024-01-08")
    b = w[w["source"] == "bolag"].set_index("week")["n"]
    assert b["2024-W04"] == 0 and b["2024-W03"] == 1
    assert w["n"].sum() == len(weekly_data())


def test_silent_periods_inside_span_and_ongoing():
    s = silent_periods(weekly_data())
    assert list(s.columns) == SILENT_COLUMNS
    rows = {r.source: r for r in s.itertuples()}
    assert rows["bolag"].start_week == "2024-W04" and rows["bolag"].end_week == "2024-W06"
    assert rows["bolag"].n_weeks == 3 and not rows["bolag"].ongoing
    assert rows["bolag"].start == pd.Timestamp("2024-01-22")
    assert rows["bolag"].end == pd.Timestamp("2024-02-11")
    assert rows["vaktare"].start_week == "2024-W04" and rows["vaktare"].ongoing
    assert rows["vaktare"].n_weeks == 7
    # polisen: silent W03..W10 after its one report (ongoing)
    assert rows["polisen"].n_weeks == 8
    # a one-week gap is not reported with the default min_weeks=2
    assert len(silent_periods(weekly_data(), min_weeks=8)) == 1
    with pytest.raises(ArgumentError, match="NOT_POSITIVE"):
        silent_periods(weekly_data(), min_weeks=0)


def test_silent_periods_of_a_weekly_table_given_equal_computing_it():
    """The area analysis hands its weekly table to silent_periods: the same runs as when it is
    counted again; and the table given is the one read (a changed one changes the runs)."""
    data = weekly_data()
    weekly = reports_per_source_week(data)
    for min_weeks in (1, 2, 8):
        pd.testing.assert_frame_equal(
            silent_periods(data, min_weeks=min_weeks, weekly=weekly),
            silent_periods(data, min_weeks=min_weeks),
        )
    busy = weekly.assign(n=weekly["n"] + 1)
    assert len(silent_periods(data, weekly=busy)) == 0 < len(silent_periods(data))


def test_location_precision_share_flags_centroids():
    data = incidents(
        [
            ("polisen", "2024-01-01 10:00", "kommun_centroid"),
            ("polisen", "2024-01-01 11:00", "kommun_centroid"),
            ("bolag", "2024-01-01 10:00", "exakt"),
            ("bolag", "2024-01-01 10:00", None),
            ("bolag", "2024-01-01 10:00", "adress"),
            ("bolag", "2024-01-01 10:00", "exakt"),
        ]
    )
    t = location_precision_share(data)
    assert list(t.columns) == PRECISION_COLUMNS
    alla = t[t["source"] == "alla"].set_index("location_precision")
    assert alla["n"].to_dict() == {"exakt": 2, "adress": 1, "kommun_centroid": 2, "saknas": 1}
    assert alla.loc["kommun_centroid", "share"] == pytest.approx(2 / 6)
    assert alla.loc["kommun_centroid", "flagged"]
    assert not alla.loc["exakt", "flagged"]
    assert alla.loc["kommun_centroid", "label"] == "Kommunens mittpunkt (ej platsen)"
    b = t[t["source"] == "bolag"].set_index("location_precision")
    assert b.loc["exakt", "share"] == 0.5
    assert t.groupby("source")["share"].sum().round(12).eq(1).all()
    only = location_precision_share(data.drop(columns="source"), by_source=False)
    assert set(only["source"]) == {"alla"}


def test_quarantine_share_from_dicts_and_objects():
    reports = [
        {
            "file": "handelser.csv",
            "layer": "incidents",
            "read": 100,
            "accepted": 90,
            "quarantined": 8,
            "duplicates_dropped": 2,
        },
        SimpleNamespace(
            file="omraden.gpkg",
            layer="areas",
            read=10,
            accepted=10,
            quarantined=0,
            duplicates_dropped=0,
        ),
        {
            "file": "tom.csv",
            "layer": "incidents",
            "read": 0,
            "accepted": 0,
            "quarantined": 0,
            "duplicates_dropped": 0,
        },
        {
            "file": "fel.csv",
            "layer": "incidents",
            "read": 5,
            "accepted": 1,
            "quarantined": 1,
            "duplicates_dropped": 0,
        },
    ]
    q = quarantine_share(reports)
    assert list(q.columns) == QUARANTINE_COLUMNS
    r = q.set_index("file")
    assert r.loc["handelser.csv", "quarantine_share"] == pytest.approx(0.08)
    assert r.loc["handelser.csv", "balanced"]
    assert pd.isna(r.loc["tom.csv", "quarantine_share"])
    assert not r.loc["fel.csv", "balanced"]
    assert r.loc["totalt", "read"] == 115 and r.loc["totalt", "quarantined"] == 9
    assert r.loc["totalt", "quarantine_share"] == pytest.approx(9 / 115)
    with pytest.raises(ArgumentError, match="LOAD_REPORT_KEYS"):
        quarantine_share([{"file": "x.csv", "layer": "incidents"}])


def test_naive_times_refused():
    data = pd.DataFrame({"source": ["a"], "occurred_at": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(ArgumentError, match="TIME_NAIVE"):
        reports_per_source_week(data)


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_silent_source_precision_and_quarantine(demo_project, demo_truth):
    project, truth = demo_project, demo_truth
    inc = project.layers["incidents"]
    silent = truth["silent_source"]
    s = silent_periods(inc)
    hit = s[s["source"] == silent["source"]]
    assert len(hit) == 1
    assert hit["start_week"].iloc[0] == silent["iso_weeks"][0]
    assert hit["end_week"].iloc[0] == silent["iso_weeks"][-1]
    assert hit["start"].iloc[0] == pd.Timestamp(silent["from"])
    assert hit["end"].iloc[0] == pd.Timestamp(silent["to"])
    assert set(s["source"]) == {silent["source"]}  # no other source went silent
    prec = location_precision_share(inc)
    pol = prec[prec["flagged"]]
    assert set(pol["source"]) == {"polisen", "alla"}
    q = quarantine_share(project.reports)
    assert q["balanced"].all()
    assert not q["file"].str.contains("/").any()  # file names only, no absolute paths
