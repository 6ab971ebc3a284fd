"""The perception-gap test under complete spatial randomness (issue 13, item 6).

Unsafe signals and incidents are drawn uniformly over the same study area (a disc of 3 km
radius, so edge cells are partly outside it), independently, for several sizes. No place has
a gap, so every gap class is a false discovery: the share of cells with a gap class must stay
at or below ``alpha``, and with Benjamini–Hochberg under this global null the share of runs
with *any* gap cell is at most ``alpha`` too (a per-cell test at p ≤ alpha without the
correction flags cells in most runs).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from tryggaplatser.analysis.perception import GAP_SIGNIFICANT, perception_gap

X0, Y0, R = 650_000.0, 6_550_000.0, 3_000.0
T = pd.Timestamp("2025-05-01 20:00", tz="UTC")
ALPHA = 0.05
SIZES = [(20, 200), (200, 2_000), (2_000, 20_000), (1_000, 1_000)]
RUNS = 20


def uniform_in_disc(rng, n: int) -> gpd.GeoSeries:
    r = R * np.sqrt(rng.uniform(0, 1, n))
    t = rng.uniform(0, 2 * np.pi, n)
    return gpd.GeoSeries(gpd.points_from_xy(X0 + r * np.cos(t), Y0 + r * np.sin(t)), crs=3006)


def csr_gap(seed: int, n_signals: int, n_incidents: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    incidents = gpd.GeoDataFrame(
        {"incident_id": np.arange(n_incidents).astype(str), "occurred_at": T, "category": "stold"},
        geometry=uniform_in_disc(rng, n_incidents),
    )
    dialogue = gpd.GeoDataFrame(
        {"response_id": np.arange(n_signals).astype(str), "perception": "otrygg"},
        geometry=uniform_in_disc(rng, n_signals),
    )
    return perception_gap(
        incidents=incidents, dialogue=dialogue, cell_size=250, alpha=ALPHA, quiet=True
    )


@pytest.mark.parametrize(("n_signals", "n_incidents"), SIZES)
def test_gap_classes_stay_at_or_below_alpha_under_csr(n_signals, n_incidents):
    shares, any_gap, uncorrected = [], 0, 0
    for seed in range(RUNS):
        gap = csr_gap(1000 * n_signals + seed, n_signals, n_incidents)
        flagged = gap["gap_class"].isin(GAP_SIGNIFICANT).to_numpy()
        shares.append(flagged.mean())
        any_gap += bool(flagged.any())
        uncorrected += bool((gap["p_value"] <= ALPHA).any())
        assert gap["n_otrygg"].sum() == n_signals and gap["n_incidents"].sum() == n_incidents
    assert np.mean(shares) <= ALPHA and max(shares) <= ALPHA
    assert any_gap <= ALPHA * RUNS + 2  # P(any false gap) ≤ alpha; slack for 20 runs
    if n_signals >= 200:  # the correction matters: uncorrected per-cell tests do flag cells
        assert uncorrected >= RUNS // 2
