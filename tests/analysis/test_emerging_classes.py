"""Emerging hot spot classes against Esri's published definitions (REFERENCE.md §7).

Three checks: hand-worked series through ``classify_series``; every possible short series
against a literal, cell-by-cell transcription of the published table; planted sites through
``hotspot_classify`` end to end; and complete spatial randomness, under which at most 1 % of
the cells may get any class.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import tryggaplatser as tp
from tryggaplatser.analysis.hotspots import classify_series
from tryggaplatser.layers.vocab import codes

UP, DOWN, FLAT = (3.0, 0.001), (-3.0, 0.001), (3.0, 0.5)  # (trend z, trend p)


def _one(hot: str, trend=FLAT, cold: str | None = None) -> str:
    """The class of one cell: ``hot``/``cold`` as strings of 0/1 per period."""
    h = np.array([[c == "1" for c in hot]])
    k = None if cold is None else np.array([[c == "1" for c in cold]])
    return str(classify_series(h, np.array([trend[0]]), np.array([trend[1]]), k)[0])


# (hot series, trend, cold series, class) — worked by hand from the table, 12 periods unless
# said otherwise (hot share ≥ 90 % means ≥ 11 of 12, or 9 of 10)
HAND_WORKED = [
    ("000000000001", FLAT, None, "ny"),  # hot in the final period, never before
    ("000000000001", UP, None, "ny"),
    ("000000000011", FLAT, None, "i_foljd"),  # one run of ≥ 2 ending in the final period
    ("000001111111", UP, None, "i_foljd"),  # 7/12 < 90 %: the trend does not matter
    ("111111111111", UP, None, "intensifierande"),
    ("011111111111", UP, None, "intensifierande"),  # 11/12 ≥ 90 %
    ("111111111111", FLAT, None, "bestaende"),
    ("111101111111", FLAT, None, "bestaende"),
    ("0111111111", FLAT, None, "bestaende"),  # 9/10 = 90 % exactly: ≥ 90 %, not consecutive
    ("111111111111", DOWN, None, "avtagande"),
    ("110111111111", DOWN, None, "avtagande"),
    ("100000000001", FLAT, None, "sporadisk"),  # on-again off-again, never cold
    ("010010000011", UP, None, "sporadisk"),
    ("100111111111", FLAT, None, "sporadisk"),  # 10/12 < 90 %, interrupted
    ("100000000001", FLAT, "000010000000", "oscillerande"),  # cold in an earlier period
    ("010000000011", FLAT, "100000000000", "oscillerande"),
    ("000000000011", FLAT, "100000000000", "i_foljd"),  # consecutive comes first
    ("111111111110", FLAT, None, "historisk"),  # not hot in the final period, ≥ 90 %
    ("111111111110", UP, None, "historisk"),
    ("1111111110", DOWN, None, "historisk"),
    ("000000000000", FLAT, None, "inget_monster"),
    ("000000000010", FLAT, None, "inget_monster"),  # hot once, not in the final period
    ("111111000000", DOWN, None, "inget_monster"),  # 50 %, not hot at the end
    ("111111111100", FLAT, None, "inget_monster"),  # 10/12 < 90 %, not hot at the end
    # cold spots mirror the rules; the trend is mirrored too (intensifying cold = falling z)
    ("000000000000", FLAT, "000000000001", "ny_kall"),
    ("000000000000", FLAT, "000000000111", "i_foljd_kall"),
    ("000000000000", DOWN, "111111111111", "intensifierande_kall"),
    ("000000000000", FLAT, "111111111111", "bestaende_kall"),
    ("000000000000", UP, "111111111111", "avtagande_kall"),
    ("000000000000", FLAT, "100100000001", "sporadisk_kall"),
    ("000100000000", FLAT, "100000000001", "oscillerande_kall"),
    ("000000000000", FLAT, "111111111110", "historisk_kall"),
    # hot classes are tried before cold ones
    ("111111111110", FLAT, "000000000001", "historisk"),
]


@pytest.mark.parametrize(("hot", "trend", "cold", "expected"), HAND_WORKED)
def test_hand_worked_series_get_esri_class(hot, trend, cold, expected):
    assert _one(hot, trend, cold) == expected


def test_every_class_is_a_vocabulary_code_and_framvaxande_is_gone():
    got = {case[-1] for case in HAND_WORKED}
    assert got == set(codes("hotspot_category"))  # one hand-worked series per class
    assert "framvaxande" not in codes("hotspot_category")


def _table(hot: tuple, cold: tuple, up: bool, down: bool) -> str:
    """REFERENCE.md §7 written out literally for one cell (hot side first, then cold with the
    roles and the trend swapped; historical takes the cells not hot in the final period)."""
    for on, off, rise, fall, suffix in ((hot, cold, up, down, ""), (cold, hot, down, up, "_kall")):
        n = len(on)
        share = sum(on) / n
        first = on.index(True) if any(on) else n
        run = on[-1] and all(on[first:])
        if on[-1] and sum(on) == 1:
            return "ny" + suffix
        if run and sum(on) >= 2 and share < 0.9:
            return "i_foljd" + suffix
        if share >= 0.9 and on[-1] and rise:
            return "intensifierande" + suffix
        if share >= 0.9 and on[-1] and not rise and not fall:
            return "bestaende" + suffix
        if share >= 0.9 and on[-1] and fall:
            return "avtagande" + suffix
        if on[-1] and share < 0.9 and not run and not any(off):
            return "sporadisk" + suffix
        if on[-1] and share < 0.9 and any(off[:-1]):
            return "oscillerande" + suffix
        if not on[-1] and share >= 0.9:
            return "historisk" + suffix
    return "inget_monster"


@pytest.mark.parametrize("n", [4, 7, 10])
def test_every_short_series_matches_the_table(n):
    """All 3ⁿ hot/cold/neither series × three trends, against the literal transcription."""
    states = np.array(list(itertools.product((0, 1, -1), repeat=n)))
    states = np.repeat(states, 3, axis=0)
    trend = np.tile(np.array([UP, DOWN, FLAT]), (len(states) // 3, 1))
    hot, cold = states == 1, states == -1
    got = classify_series(hot, trend[:, 0], trend[:, 1], cold)
    want = [
        _table(tuple(h), tuple(c), t[0] > 0 and t[1] < 0.05, t[0] < 0 and t[1] < 0.05)
        for h, c, t in zip(hot.tolist(), cold.tolist(), trend)
    ]
    assert got.tolist() == want


# --- planted sites, end to end -------------------------------------------------------------

T0 = pd.Timestamp("2024-01-01", tz="Europe/Stockholm")
DAYS, N = 30, 12  # twelve 30-day periods
SITES = {  # centre of a 3 × 3-cell site (250 m cells) and its events per period
    "bestaende": ((625, 625), [50] * N),
    "ny": ((2125, 625), [0] * (N - 1) + [60]),
    "i_foljd": ((3625, 625), [0] * (N - 3) + [60] * 3),
    "historisk": ((625, 2125), [60] * (N - 1) + [0]),
    "intensifierande": ((2125, 2125), [35 + 8 * k for k in range(N)]),
    "avtagande": ((3625, 2125), [140 - 8 * k for k in range(N)]),
    "sporadisk": ((625, 3625), [60 if k in (1, 5, 11) else 0 for k in range(N)]),
    "oscillerande": ((2125, 3625), [60 if k in (6, 11) else 0 for k in range(N)]),
}
# a 3 × 3-cell hole in the background: always (persistent cold), in the final period only (new
# cold) and in the first two periods only (the oscillating site's cold past)
HOLES = {"bestaende_kall": ((4375, 4375), range(N)), "ny_kall": ((4375, 625), [N - 1])}
HOLES["oscillerande"] = (SITES["oscillerande"][0], [0, 1])


def _planted(seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xs, ys, ts = [], [], []
    for k in range(N):
        x, y = rng.uniform(0, 5000, 2400), rng.uniform(0, 5000, 2400)
        keep = np.ones(len(x), dtype=bool)
        for (cx, cy), periods in HOLES.values():
            if k in periods:
                keep &= ~((abs(x - cx) < 375) & (abs(y - cy) < 375))
        xs.append(x[keep])
        ys.append(y[keep])
        ts.append(k * DAYS + rng.uniform(0, DAYS, keep.sum()))
        for (cx, cy), counts in SITES.values():
            xs.append(cx + rng.uniform(-375, 375, counts[k]))
            ys.append(cy + rng.uniform(-375, 375, counts[k]))
            ts.append(k * DAYS + rng.uniform(0, DAYS, counts[k]))
    times = T0 + pd.to_timedelta(np.concatenate(ts), unit="D")
    return gpd.GeoDataFrame(
        {"occurred_at": times.tz_convert("UTC")},
        geometry=gpd.points_from_xy(np.concatenate(xs), np.concatenate(ys)),
        crs=3006,
    )


def test_planted_sites_get_their_esri_class():
    cells = tp.hotspot_classify(
        _planted(),
        cell_size=250,
        start=T0,
        end=T0 + pd.Timedelta(days=DAYS * N),
        time_step=f"{DAYS}D",
        quiet=True,
    )
    assert len(cells.attrs["tryggaplatser"]["periods"]) == N
    centre = cells.geometry.centroid
    found = {}
    for name, ((x, y), _) in {**SITES, **HOLES}.items():
        at = (abs(centre.x - x) < 1) & (abs(centre.y - y) < 1)
        found[name] = cells.loc[at.to_numpy(), "hotspot_category"].iloc[0]
    assert found == {name: name for name in found}, found


# --- complete spatial randomness -----------------------------------------------------------

STUDY_AREA = gpd.GeoDataFrame(geometry=[Point(5000, 5000).buffer(5000)], crs=3006)


def _csr(n: int, seed: int) -> gpd.GeoDataFrame:
    """n uniform points in a 10 km disc (the clipped 10 × 10 km square), uniform times over
    two years."""
    rng = np.random.default_rng(seed)
    r, a = 5000 * np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    times = pd.Timestamp("2024-01-01", tz="Europe/Stockholm") + pd.to_timedelta(
        rng.uniform(0, 730, n), unit="D"
    )
    return gpd.GeoDataFrame(
        {"occurred_at": times.tz_convert("UTC")},
        geometry=gpd.points_from_xy(5000 + r * np.cos(a), 5000 + r * np.sin(a)),
        crs=3006,
    )


@pytest.mark.parametrize("n_events", [2_000, 20_000])
def test_under_csr_at_most_one_percent_of_cells_get_a_class(n_events):
    for seed in range(3):
        cells = tp.hotspot_classify(
            _csr(n_events, seed), cell_size=250, area=STUDY_AREA, quiet=True
        )
        assert len(cells) > 1000 and len(cells.attrs["tryggaplatser"]["periods"]) >= 24
        share = float((cells["hotspot_category"] != "inget_monster").mean())
        assert share <= 0.01, (seed, share, cells["hotspot_category"].value_counts().to_dict())
