"""The demo's planted risk factors are recovered, the null factor is rejected, and snapping to
the demo's street network conserves every layer's count."""

from __future__ import annotations

import pytest

from tryggaplatser.analysis.run import Run, in_period, placed


@pytest.fixture(scope="module")
def run(demo_project):
    return Run(demo_project, "internal")


def test_planted_factors_found_and_schools_add_nothing(run, demo_truth):
    factors = run.risk_terrain().factors.set_index("factor")
    planted = demo_truth["risk_factors"]["factors"]
    assert {f["effect"] for f in planted} == {True, False}
    for f in planted:
        row = factors.loc[f["factor"]]
        assert row["n_features"] == f["features"]
        if f["effect"]:
            assert bool(row["selected"]), f["factor"]
            assert row["rr"] > 1 and row["rr_lo"] > 1, f["factor"]  # CI excludes 1
            assert row["distance"] <= 2 * f["radius_m"]
        else:
            assert not bool(row["selected"]), f["factor"]


def test_snapping_conserves_counts(run):
    streets = run.streets()
    assert streets is not None
    snap = streets.snapping.set_index("layer")
    expected = {
        "incidents": len(placed(in_period(run.incidents, run.period))),
        "walk_observations": len(run.layer("walk_observations")),
        "dialogue": len(run.layer("dialogue")),
    }
    for layer, n in expected.items():
        assert snap.loc[layer, "input"] == n
        assert snap.loc[layer, "snapped"] + snap.loc[layer, "unsnapped"] == n
    s = streets.stretches
    assert s["n"].sum() == snap.loc["incidents", "snapped"]
    assert s["n_observations"].sum() == snap.loc["walk_observations", "snapped"]
    assert s["n_dialogue"].sum() == snap.loc["dialogue", "snapped"]
