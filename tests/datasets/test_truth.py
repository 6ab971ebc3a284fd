"""The planted ground truth in data/truth.json is really in the committed demo files."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyogrio
import shapely

REQUIRED_TRUTH_KEYS = {
    "synthetic",
    "seed",
    "crs",
    "period",
    "bbox",
    "hotspots",
    "near_repeat",
    "perception_gap",
    "lighting_measure",
    "silent_source",
    "sources",
    "areas",
}


def _near(inc: pd.DataFrame, site: dict, radius: float | None = None) -> np.ndarray:
    r = site["radius_m"] if radius is None else radius
    exact = (inc["source"] != "polisen").to_numpy()
    return exact & (np.hypot(inc["x"] - site["x"], inc["y"] - site["y"]).to_numpy() < r)


def _day(inc: pd.DataFrame) -> pd.Series:
    return inc["occurred_at"].dt.strftime("%Y-%m-%d")


def test_truth_has_documented_format(truth):
    assert set(truth) >= REQUIRED_TRUTH_KEYS
    assert truth["synthetic"] is True
    assert truth["crs"] == "EPSG:3006"
    assert truth["period"] == {"start": "2023-11-27", "end": "2026-11-22"}
    assert set(truth["hotspots"]) >= {"stable", "emerging", "fading", "quiet"}
    assert 3 <= len(truth["hotspots"]["stable"]) <= 4
    assert "fiktiv" in truth["municipality"]
    assert len(truth["areas"]) == 25


def test_incident_counts_and_sources(truth, incidents):
    assert 40_000 <= len(incidents) <= 60_000
    assert len(incidents) == truth["counts"]["incidents"]
    assert set(incidents["source"]) == set(truth["sources"])
    assert incidents["category"].notna().all()
    day = _day(incidents)
    assert day.min() >= truth["period"]["start"]
    assert day.max() <= truth["period"]["end"]


def test_stable_hotspots_active_every_year(truth, incidents):
    years = incidents["occurred_at"].dt.year
    for site in truth["hotspots"]["stable"]:
        m = _near(incidents, site)
        per_year = years[m].value_counts()
        for y in (2024, 2025, 2026):
            assert per_year.get(y, 0) > 200, (site["id"], y)


def test_emerging_hotspot_starts(truth, incidents):
    site = truth["hotspots"]["emerging"][0]
    m = _near(incidents, site)
    day = _day(incidents)
    before = (m & (day < site["start"])).sum()
    after = (m & (day >= site["start"])).sum()
    before_days = (pd.Timestamp(site["start"]) - pd.Timestamp(truth["period"]["start"])).days
    after_days = (pd.Timestamp(truth["period"]["end"]) - pd.Timestamp(site["start"])).days + 1
    assert after / after_days > 15 * before / before_days
    assert after > 300


def test_fading_hotspot_declines_but_is_still_elevated(truth, incidents):
    """F1 decays exponentially over the whole period (Esri's diminishing hot spot): each
    364-day year holds about half the previous one (half-life 365 days), and in the last 91
    days its categories are still far above the same area of the ring around it."""
    site = truth["hotspots"]["fading"][0]
    assert site["half_life_days"] == 365 and site["start"] == truth["period"]["start"]
    m = _near(incidents, site)
    days = (incidents["occurred_at"] - pd.Timestamp(site["start"])).dt.days.to_numpy()
    per_year = [int((m & (days // 364 == k)).sum()) for k in range(3)]
    assert per_year[0] > 300, per_year
    for before, after in itertools.pairwise(per_year):
        assert 0.3 * before <= after <= 0.7 * before, per_year
    cats = incidents["category"].isin(site["categories"]).to_numpy()
    last = days > days.max() - 91
    dist = np.hypot(incidents["x"] - site["x"], incidents["y"] - site["y"]).to_numpy()
    ring = (incidents["source"] != "polisen").to_numpy() & (dist >= 300) & (dist < 600)
    ring_rate = (ring & cats & last).sum() * site["radius_m"] ** 2 / (600**2 - 300**2)
    assert (m & cats & last).sum() > max(10, 5 * ring_rate)


def test_quiet_zones_have_no_cluster(truth, incidents):
    per_km2_year = len(incidents) / 65.0 / 3.0
    for q in truth["hotspots"]["quiet"]:
        m = _near(incidents, q)
        area_km2 = np.pi * (q["radius_m"] / 1000) ** 2
        assert m.sum() / area_km2 / 3.0 < per_km2_year, q["id"]


def test_near_repeat_series(truth, incidents):
    nr = truth["near_repeat"]
    day = _day(incidents)
    m = (
        (incidents["category"] == "inbrott").to_numpy()
        & _near(incidents, nr, 100)
        & (day >= nr["start"]).to_numpy()
        & (day <= nr["end"]).to_numpy()
    )
    series = incidents[m].sort_values("occurred_at")
    assert len(series) >= nr["n_events"]
    xy = series[["x", "y"]].to_numpy()
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    assert d.max() <= nr["max_distance_m"]
    gaps = series["occurred_at"].diff().dropna().dt.total_seconds() / 86400
    assert gaps.max() <= nr["max_days"]
    # background burglaries are spread out: few of them near the series outside its months
    other = (incidents["category"] == "inbrott").to_numpy() & _near(incidents, nr, 100) & ~m
    assert other.sum() < nr["n_events"] / 4


def test_silent_source_has_no_rows_in_gap(truth, demo_dir):
    ss = truth["silent_source"]
    assert ss["source"] == "vaktare"
    raw = pyogrio.read_dataframe(demo_dir / "incidents" / "vaktrapporter.gpkg", read_geometry=False)
    day = raw["tidpunkt"].str[:10]
    assert ((day >= ss["from"]) & (day <= ss["to"])).sum() == 0
    weekly = raw.groupby(pd.to_datetime(raw["tidpunkt"]).dt.strftime("%G-W%V")).size()
    assert weekly.median() > 20  # it normally reports every week
    assert len(ss["iso_weeks"]) >= 4
    assert not set(ss["iso_weeks"]) & set(weekly.index)


def test_lighting_measure_effect_and_displacement(truth, incidents, demo_dir):
    lm = truth["lighting_measure"]
    d = np.hypot(incidents["x"] - lm["x"], incidents["y"] - lm["y"]).to_numpy()
    cat = incidents["category"].isin(lm["categories"]).to_numpy()
    exact = (incidents["source"] != "polisen").to_numpy()
    day = _day(incidents).to_numpy()
    w = lm["equal_windows"]
    assert pd.Timestamp(w["before"]["end"]) - pd.Timestamp(w["before"]["start"]) == pd.Timestamp(
        w["after"]["end"]
    ) - pd.Timestamp(w["after"]["start"])
    assert w["after"]["start"] == lm["installed_on"]

    def count(zone, win):
        return int((zone & cat & exact & (day >= win["start"]) & (day <= win["end"])).sum())

    target = d < lm["radius_m"]
    ring = (d >= lm["radius_m"]) & (d < lm["buffer_m"])
    t_b, t_a = count(target, w["before"]), count(target, w["after"])
    r_b, r_a = count(ring, w["before"]), count(ring, w["after"])
    assert abs(t_a / t_b - 1 - lm["effect"]) < 0.03
    assert abs(r_a / r_b - 1 - lm["displacement"]) < 0.03
    measures = pyogrio.read_dataframe(demo_dir / "measures" / "atgarder.gpkg")
    row = measures[measures["atgard_id"] == lm["measure_id"]].iloc[0]
    assert row["startdatum"] == lm["installed_on"]
    assert row["omrade_id"] == lm["area_id"]


def test_perception_gaps(truth, incidents, demo_dir):
    unsafe = truth["perception_gap"]["feels_unsafe_few_incidents"]
    unperceived = truth["perception_gap"]["incidents_not_perceived"]
    assert _near(incidents, unsafe).sum() < 15
    assert _near(incidents, unperceived).sum() > 500

    pins = pd.read_csv(demo_dir / "dialogue" / "dialog_2024.csv", encoding="utf-8-sig")
    xy = pins["geometri_wkt"].str.extract(r"POINT \(([\d.]+) ([\d.]+)\)").astype(float)
    otrygg = (pins["upplevelse"] == "otrygg").to_numpy()
    d_unsafe = np.hypot(xy[0] - unsafe["x"], xy[1] - unsafe["y"]).to_numpy()
    d_unperc = np.hypot(xy[0] - unperceived["x"], xy[1] - unperceived["y"]).to_numpy()
    near_unsafe = otrygg & (d_unsafe < unsafe["radius_m"])
    assert near_unsafe.sum() > 100
    reasons = pins.loc[near_unsafe, "orsaker"].fillna("")
    assert (reasons.str.contains("belysning") | reasons.str.contains("ode_plats")).mean() > 0.9
    assert (otrygg & (d_unperc < unperceived["no_otrygg_pins_within_m"])).sum() == 0

    obs = pyogrio.read_dataframe(
        demo_dir / "walks" / "trygghetsvandringar.gpkg", layer="observationer"
    )
    d_obs = np.hypot(obs.geometry.x - unsafe["x"], obs.geometry.y - unsafe["y"])
    near_obs = obs[(d_obs < unsafe["radius_m"]) & (obs["upplevelse"] == "otrygg")]
    assert near_obs["problemkategori"].isin(["belysning", "ode_plats"]).sum() >= 6


def test_planted_sites_are_in_their_areas(truth, demo_dir):
    areas = pyogrio.read_dataframe(demo_dir / "areas" / "omraden.gpkg")
    geoms = dict(zip(areas["omrade_id"], areas.geometry))
    sites = [
        *truth["hotspots"]["stable"],
        *truth["hotspots"]["emerging"],
        *truth["hotspots"]["fading"],
        truth["near_repeat"],
        truth["lighting_measure"],
        truth["perception_gap"]["feels_unsafe_few_incidents"],
    ]
    for s in sites:
        assert shapely.contains_xy(geoms[s["area_id"]], s["x"], s["y"]), s
    pops = {a["area_id"]: a["population"] for a in truth["areas"]}
    assert pops == dict(zip(areas["omrade_id"], areas["befolkning"]))
