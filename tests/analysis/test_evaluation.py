"""Tests for tryggaplatser.analysis.evaluation (WDQ, WDD and the evaluation of a measure)."""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from tryggaplatser.analysis.evaluation import (
    CONTROL_COLUMNS,
    EVALUATION_COLUMNS,
    buffer_ring,
    choose_control,
    equal_periods,
    evaluate_measure,
    wdd,
    wdq,
)
from tryggaplatser.errors import ArgumentError
from tryggaplatser.i18n import language

X0, Y0 = 650_000, 6_560_000

# --------------------------------------------------------------------------- reference values


def test_wdq_reference_value_complete_displacement():
    r = wdq(100, 50, 100, 150, 100, 100)  # REFERENCE.md §2
    assert r.value == -1.0
    assert r.se is None and r.z is None and r.p_value is None
    assert r.components == {"success_measure": -0.5, "buffer_displacement_measure": 0.5}
    assert "Fullständig förflyttning" in r.interpretation


def test_wdq_interpretations():
    assert wdq(100, 50, 100, 80, 100, 100).value == pytest.approx(0.4)  # diffusion
    assert "Spridning" in wdq(100, 50, 100, 80, 100, 100).interpretation
    assert "Viss förflyttning" in wdq(100, 50, 100, 120, 100, 100).interpretation
    assert "större än vinsten" in wdq(100, 50, 100, 200, 100, 100).interpretation
    assert "saknar mening" in wdq(100, 120, 100, 80, 100, 100).interpretation
    assert math.isnan(wdq(100, 100, 100, 80, 100, 100).value)
    with pytest.raises(ArgumentError, match="kontrollområdet"):
        wdq(100, 50, 100, 80, 0, 100)
    with pytest.raises(ArgumentError, match="antal ≥ 0"):
        wdq(-1, 50, 100, 80, 100, 100)


def test_wdd_reference_value():
    r = wdd(100, 80, 100, 90)  # REFERENCE.md §2
    assert r.value == -10
    assert r.se == pytest.approx(math.sqrt(370))
    assert round(r.se, 1) == 19.2
    assert r.z == pytest.approx(-10 / math.sqrt(370))
    assert r.p_value == pytest.approx(0.60315, abs=1e-5)  # 2 (1 − Φ(0.5199))
    assert "Nettominskning med 10 händelser" in r.interpretation


def test_wdd_with_displacement_areas():
    r = wdd(100, 50, 100, 100, 100, 120, 100, 100)
    assert r.value == -30
    assert r.se == pytest.approx(math.sqrt(770))
    assert r.components["delta_displacement"] == 20
    with pytest.raises(ArgumentError, match="alla fyra"):
        wdd(100, 50, 100, 100, d0=5)
    with language("en"):
        assert wdd(10, 20, 10, 10).interpretation.startswith("No net reduction")


# --------------------------------------------------------------------------- spatial helpers


def test_buffer_ring_rules(caplog):
    small = box(0, 0, 400, 400)  # r = 225.7 m -> 0.414 r = 93 m -> floor 200 m
    with caplog.at_level("INFO", logger="tryggaplatser"):
        ring, width = buffer_ring(small)
    assert width == 200
    assert "Buffertzon 200 m vald automatiskt" in caplog.text
    assert ring.intersection(small).area == pytest.approx(0)
    large = Point(0, 0).buffer(2000, quad_segs=64)  # r = 2000 -> w = 828 m
    ring, width = buffer_ring(large, quiet=True)
    assert width == pytest.approx(2000 * (math.sqrt(2) - 1), rel=1e-3)
    assert ring.area == pytest.approx(large.area, rel=0.01)  # equal-area ring
    _, w = buffer_ring(small, 300)
    assert w == 300
    with pytest.raises(ArgumentError):
        buffer_ring(small, -5)


def test_equal_periods():
    p = equal_periods("2025-06-15", "2026-07-31")
    assert (p.before_start, p.before_end) == (date(2024, 6, 1), date(2025, 6, 1))
    assert (p.after_start, p.after_end) == (date(2025, 7, 1), date(2026, 7, 1))
    assert p.months == 12
    short = equal_periods(date(2025, 6, 15), date(2025, 10, 30))  # Jul, Aug, Sep complete
    assert short.months == 3
    assert short.before == (date(2025, 3, 1), date(2025, 6, 1))
    assert short.after == (date(2025, 7, 1), date(2025, 10, 1))
    assert equal_periods("2025-12-01", "2026-01-31").after == (date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ArgumentError, match="för lite data"):
        equal_periods("2025-06-15", "2025-07-30")
    with pytest.raises(ArgumentError, match="kan inte tolka"):
        equal_periods("igår", "2025-07-30")


# --------------------------------------------------------------------------- planted measure


def layout():
    """Target A (400 m square), adjacent B, near C (600 m away), far D (control) and E."""
    areas = gpd.GeoDataFrame(
        {"area_id": ["A", "B", "C", "D", "E"], "name": list("ABCDE")},
        geometry=[
            box(X0 + a, Y0 + b, X0 + c, Y0 + d)
            for a, b, c, d in [
                (0, 0, 400, 400),
                (400, 0, 800, 400),
                (1000, 0, 1400, 400),
                (5000, 0, 5400, 400),
                (9000, 0, 9400, 400),
            ]
        ],
        crs=3006,
    )
    return areas


def make_incidents(spec) -> gpd.GeoDataFrame:
    """spec: list of (x, y, date string, n, category)."""
    rows = []
    for x, y, when, n, cat in spec:
        rows += [(X0 + x, Y0 + y, when, cat)] * n
    xs, ys, whens, cats = zip(*rows)
    t = (
        pd.to_datetime([f"{w} 22:00" for w in whens])
        .tz_localize("Europe/Stockholm")
        .tz_convert("UTC")
    )
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"i{k}" for k in range(len(rows))],
            "occurred_at": t,
            "category": list(cats),
            "source": "test",
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=3006,
    )


def planted():
    """Target −50 %, buffer +20 %, control and its ring flat; noise in other categories."""
    s = "skadegorelse"
    spec = [
        (200, 200, "2025-01-15", 100, s),
        (200, 200, "2026-01-15", 50, s),  # target
        (500, 200, "2025-01-15", 100, s),
        (500, 200, "2026-01-15", 120, s),  # buffer
        (5200, 200, "2025-01-15", 100, s),
        (5200, 200, "2026-01-15", 100, s),  # control D
        (5500, 200, "2025-01-15", 40, s),
        (5500, 200, "2026-01-15", 40, s),  # D's ring
        (9200, 200, "2025-01-15", 30, s),
        (9200, 200, "2026-01-15", 30, s),  # area E
        (1200, 200, "2025-01-15", 99, s),  # near area C: closest count but too near
        (200, 200, "2025-06-20", 500, s),  # installation month: left out
        (200, 200, "2026-01-15", 400, "klotter"),  # other category
        (200, 200, "2026-07-31", 1, "klotter"),  # sets the data end
    ]
    return make_incidents(spec)


def test_choose_control_rule():
    table = choose_control(
        layout(),
        "A",
        planted(),
        (date(2024, 6, 1), date(2025, 6, 1)),
        categories="skadegorelse",
        quiet=True,
    )
    assert list(table.columns) == CONTROL_COLUMNS
    assert table.attrs["chosen"] == "D"
    assert table.attrs["target_before_count"] == 100
    t = table.set_index("area_id")
    assert not t.loc["B", "eligible"]  # touches the target and its buffer
    assert not t.loc["C", "eligible"] and t.loc["C", "before_count"] == 99  # within 1 km
    assert t.loc["D", "before_count"] == 100 and bool(t.loc["D", "chosen"])
    assert t.loc["E", "difference"] == 70
    assert "minst 1000 m" in table.attrs["rule"]
    with pytest.raises(ArgumentError, match="inget kontrollområde"):
        choose_control(
            layout(),
            "A",
            planted(),
            (date(2024, 6, 1), date(2025, 6, 1)),
            categories="skadegorelse",
            min_distance=50_000,
            quiet=True,
        )


def test_planted_effect_and_displacement_are_recovered(caplog):
    data = planted()
    before = data.copy()
    with caplog.at_level("INFO", logger="tryggaplatser"):
        ev = evaluate_measure(
            data, "A", areas=layout(), installed_on="2025-06-15", categories=["skadegorelse"]
        )
    pd.testing.assert_frame_equal(data, before)
    assert list(ev.table.columns) == EVALUATION_COLUMNS
    assert ev.control_id == "D" and ev.buffer_width == 200
    assert ev.counts == {"A0": 100, "A1": 50, "B0": 100, "B1": 120, "C0": 100, "C1": 100}
    t = ev.table.set_index("zone")
    assert t.loc["target", "change_pct"] == pytest.approx(-50)
    assert t.loc["buffer", "change_pct"] == pytest.approx(20)
    assert t.loc["control_buffer", "before"] == 40
    assert ev.wdq.value == pytest.approx((1.2 - 1) / (0.5 - 1))  # -0.4: partial displacement
    assert "Viss förflyttning" in ev.wdq.interpretation
    assert ev.wdd.value == -30
    assert ev.wdd.se == pytest.approx(math.sqrt(150 + 200 + 220 + 80))
    assert ev.periods.months == 12
    assert any("Kontrollområdet antas följa samma trend" in a for a in ev.assumptions)
    assert "Kontrollområde D valt automatiskt" in caplog.text
    assert "Dataslut valt automatiskt från senaste händelsen: sista hela månaden 2026-07" in (
        caplog.text
    )
    assert set(ev.zones["zone"]) == {"target", "buffer", "control", "control_buffer"}


def test_evaluate_with_given_geometries_and_noisy_poisson_effect():
    rng = np.random.default_rng(5)
    spec = []
    for x, lam0, lam1 in [
        (200, 1000, 500),
        (500, 1000, 1200),
        (5200, 1000, 1000),
        (5500, 400, 400),
    ]:
        spec.append((x, 200, "2025-02-10", int(rng.poisson(lam0)), "inbrott"))
        spec.append((x, 200, "2026-02-10", int(rng.poisson(lam1)), "inbrott"))
    data = make_incidents(spec)
    areas = layout()
    target = areas.loc[areas["area_id"] == "A"]
    control = areas.loc[areas["area_id"] == "D"].geometry.iloc[0]
    ev = evaluate_measure(
        data,
        target,
        control=control,
        buffer_width=200.0,
        installed_on=date(2025, 6, 15),
        data_end="2026-06-30",
        quiet=True,
    )
    t = ev.table.set_index("zone")
    assert t.loc["target", "change_pct"] == pytest.approx(-50, abs=8)
    assert t.loc["buffer", "change_pct"] == pytest.approx(20, abs=8)
    assert -1 < ev.wdq.value < 0
    assert ev.wdq.value == pytest.approx(-0.4, abs=0.2)
    assert ev.wdd.value < 0 and ev.wdd.p_value < 0.05


def test_evaluate_errors():
    data = planted()
    with pytest.raises(ArgumentError, match="areas"):
        evaluate_measure(
            data, box(X0, Y0, X0 + 400, Y0 + 400), installed_on="2025-06-15", quiet=True
        )
    with pytest.raises(ArgumentError, match="överlappar"):
        evaluate_measure(
            data, "A", areas=layout(), control="B", installed_on="2025-06-15", quiet=True
        )
    with pytest.raises(ArgumentError, match="finns inte"):
        evaluate_measure(data, "Z", areas=layout(), installed_on="2025-06-15", quiet=True)
