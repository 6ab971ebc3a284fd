"""Cell suppression: no hidden value can be recovered by linear arithmetic from what is published.

The attacker is modelled independently of the module under test: from the *published* table
(numbers, "<5", "..") and the equations every reader knows (margins, parent areas), solve
min/max of every "<5" cell with scipy's linprog. The interval must cover all of 1–4.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tryggaplatser.publish.disclosure import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    DisclosureSummary,
    LinearTable,
    attacker_intervals,
    suppress,
    write_disclosure_report,
)
from tryggaplatser.publish.gate import HIDDEN, SMALL, TOTAL, Gate


def attacker_bounds(cells: dict, equations: list[tuple]) -> dict:
    """min/max of every '<5' cell given published values and equations (independent LP)."""
    keys = list(cells)
    pos = {k: i for i, k in enumerate(keys)}
    bounds = []
    for k in keys:
        v = cells[k]
        if v == SMALL:
            bounds.append((1, 4))
        elif v == HIDDEN:
            bounds.append((0, None))
        else:
            bounds.append((float(v), float(v)))
    a_eq = np.zeros((len(equations), len(keys)))
    for r, (total, parts) in enumerate(equations):
        a_eq[r, pos[total]] = -1
        for p in parts:
            a_eq[r, pos[p]] += 1
    b_eq = np.zeros(len(equations))
    out = {}
    for k in keys:
        if cells[k] != SMALL:
            continue
        c = np.zeros(len(keys))
        c[pos[k]] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status == 0, "published table must be consistent"
        out[k] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


def assert_not_recoverable(intervals: dict) -> None:
    for key, (lo, hi) in intervals.items():
        assert lo <= 1 + 1e-6 and hi >= 4 - 1e-6, f"cell {key} narrowed to [{lo}, {hi}]"


values_st = st.one_of(st.sampled_from([0, 1, 2, 3, 4]), st.integers(5, 60))


@st.composite
def area_category_tables(draw):
    n_areas = draw(st.integers(2, 5))
    n_cats = draw(st.integers(2, 4))
    rows = []
    for a in range(n_areas):
        for c in range(n_cats):
            rows.append({"area_id": f"A{a}", "category": f"k{c}", "n": draw(values_st)})
    return pd.DataFrame(rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(area_category_tables())
def test_margins_table_no_exact_recovery(df):
    out = Gate("public", quiet=True).release(df, "area_category_table", margins=True)
    cells = {(r.area_id, r.category): r.n for r in out.itertuples()}
    areas = sorted(df.area_id.unique())
    cats = sorted(df.category.unique())
    equations = []
    for a in [*areas, TOTAL]:
        equations.append(((a, TOTAL), [(a, c) for c in cats]))
    for c in [*cats, TOTAL]:
        equations.append(((TOTAL, c), [(a, c) for a in areas]))
    assert_not_recoverable(attacker_bounds(cells, equations))
    # every published number is the true one
    truth = df.set_index(["area_id", "category"]).n
    for (a, c), v in cells.items():
        if a != TOTAL and c != TOTAL and v not in (SMALL, HIDDEN):
            assert v == truth[(a, c)]
        if a != TOTAL and c != TOTAL and v == SMALL:
            assert 1 <= truth[(a, c)] <= 4


@st.composite
def nested_tables(draw):
    """Children → parents → (totalt); both levels published with their counts."""
    n_parents = draw(st.integers(1, 3))
    rows, parents = [], {}
    for p in range(n_parents):
        kids = draw(st.integers(1, 4))
        total = 0
        for k in range(kids):
            v = draw(values_st)
            total += v
            rows.append({"area_id": f"P{p}C{k}", "n": v})
            parents[f"P{p}C{k}"] = f"P{p}"
        rows.append({"area_id": f"P{p}", "n": total})
    return pd.DataFrame(rows), parents


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_tables())
def test_nested_geographies_no_exact_recovery(data):
    df, parents = data
    out = Gate("public", quiet=True).release(
        df, "area_table", by=["area_id"], margins=True, parents=parents
    )
    cells = {r.area_id: r.n for r in out.itertuples()}
    equations = []
    for parent in set(parents.values()):
        equations.append((parent, [c for c, p in parents.items() if p == parent]))
    equations.append((TOTAL, sorted(set(parents.values()))))
    assert_not_recoverable(attacker_bounds(cells, equations))


@settings(max_examples=25, deadline=None)
@given(st.lists(values_st, min_size=1, max_size=30))
def test_grid_with_published_total(counts):
    table = LinearTable(
        np.array([*counts, sum(counts)]), ((len(counts), tuple(range(len(counts)))),)
    )
    status = suppress(table)
    shown = {
        i: (SMALL if s == PRIMARY else HIDDEN if s == SECONDARY else int(v))
        for i, (v, s) in enumerate(zip(table.values, status))
    }
    assert_not_recoverable(attacker_bounds(shown, [(len(counts), list(range(len(counts))))]))


def _category_month_table(n_cats: int, n_months: int, seed: int) -> pd.DataFrame:
    """Many small values, as in a weekly EST table by category and month."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(7))
    rows = [
        {
            "category": f"k{c:02d}",
            "month": f"2026-{m + 1:02d}",
            "n": int(rng.choice([0, 1, 2, 3, 4, 6, 15], p=p)),
        }
        for c in range(n_cats)
        for m in range(n_months)
    ]
    return pd.DataFrame(rows)


def _check_category_month(df: pd.DataFrame) -> None:
    out = Gate("public", quiet=True).release(
        df, "area_category_table", by=["category", "month"], margins=True
    )
    cells = {(r.category, r.month): r.n for r in out.itertuples()}
    cats, months = sorted(df.category.unique()), sorted(df.month.unique())
    equations = [((c, TOTAL), [(c, m) for m in months]) for c in [*cats, TOTAL]]
    equations += [((TOTAL, m), [(c, m) for c in cats]) for m in [*months, TOTAL]]
    assert_not_recoverable(attacker_bounds(cells, equations))
    truth = df.set_index(["category", "month"]).n
    for key, v in cells.items():
        if TOTAL not in key and v not in (SMALL, HIDDEN):
            assert v == truth[key]


@pytest.mark.parametrize("seed", range(12))
def test_17_categories_by_2_months_with_totals_converges(seed):
    """Reported by the EST brief: 17 × 2 with totals raised "did not converge"."""
    _check_category_month(_category_month_table(17, 2, seed))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 20),
    st.integers(1, 4),
    st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 9]), min_size=80, max_size=80),
)
def test_small_value_tables_always_terminate_protected(n_cats, n_months, values):
    rows = [
        {
            "category": f"k{c:02d}",
            "month": f"2026-{m + 1:02d}",
            "n": values[(c * n_months + m) % len(values)],
        }
        for c in range(n_cats)
        for m in range(n_months)
    ]
    _check_category_month(pd.DataFrame(rows))


def test_all_cells_small_hides_what_it_must():
    """Every cell "<5": protection may need whole rows/columns and totals, but it ends."""
    df = pd.DataFrame(
        [
            {"category": f"k{c}", "month": f"2026-0{m + 1}", "n": 1 + (c + m) % 4}
            for c in range(6)
            for m in range(3)
        ]
    )
    _check_category_month(df)


def test_large_table_terminates_protected():
    """60 categories × 18 months with totals: every cell published or protected, small counts
    shown as "<5" (speed: benchmarks/bench_disclosure.py; LP proofs on the smaller tables)."""
    df = _category_month_table(60, 12, seed=7)
    df2 = _category_month_table(60, 6, seed=8).assign(
        month=lambda d: d.month.str.replace("2026", "2027")
    )
    df = pd.concat([df, df2], ignore_index=True)
    assert df.month.nunique() == 18
    out = Gate("public", quiet=True).release(
        df, "area_category_table", by=["category", "month"], margins=True
    )
    assert len(out) == (60 + 1) * (18 + 1)
    truth = df.set_index(["category", "month"]).n
    shown = out[(out.category != TOTAL) & (out.month != TOTAL) & ~out.n.isin([SMALL, HIDDEN])]
    assert (shown.n.astype(int).to_numpy() == truth.loc[zip(shown.category, shown.month)]).all()
    small = out[(out.category != TOTAL) & (out.month != TOTAL)].set_index(["category", "month"])
    assert (small.n[truth[(truth >= 1) & (truth < 5)].index] == SMALL).all()


def test_single_small_cell_in_row_gets_a_complement():
    v = np.array([2, 10, 7, 8, 12, 15, 9, 18, 27])
    eq = ((4, (0, 1)), (5, (2, 3)), (6, (0, 2)), (7, (1, 3)), (8, (4, 5)), (8, (6, 7)))
    status = suppress(LinearTable(v, eq, np.array([0] * 4 + [1] * 5, bool)))
    assert status[0] == PRIMARY
    assert (status == SECONDARY).sum() >= 3  # a rectangle: row, column and the opposite corner
    assert all(status[4:] == PUBLISHED), "totals stay published when inner cells suffice"
    lo, hi = attacker_intervals(LinearTable(v, eq), status)[0]
    assert lo <= 1 and hi >= 4


def test_all_small_cells_pinned_by_bounds_are_protected():
    # total 4 = 1+1+1+1: with every cell "<5" each part would be pinned to 1
    table = LinearTable(
        np.array([4, 1, 1, 1, 1]), ((0, (1, 2, 3, 4)),), np.array([1, 0, 0, 0, 0], bool)
    )
    status = suppress(table)
    intervals = attacker_intervals(table, status)
    for i in range(5):
        if table.values[i] < 5:
            assert intervals[i][0] <= 1 and intervals[i][1] >= 4


def test_zero_stays_zero_and_is_not_suppressed():
    table = LinearTable(np.array([0, 0, 7]))
    assert list(suppress(table)) == [PUBLISHED, PUBLISHED, PUBLISHED]


def test_inconsistent_equation_rejected():
    with pytest.raises(ValueError, match="does not hold"):
        LinearTable(np.array([1, 2, 4]), ((2, (0, 1)),))


def test_report_has_no_reversible_details(tmp_path):
    s = DisclosureSummary(
        rules={"small_counts", "complementary", "grid", "raster"},
        primary=3,
        secondary=4,
        grid_sizes={250},
        outputs={"karta.html": "map"},
    )
    paths = write_disclosure_report(tmp_path, s)
    text = paths[0].read_text(encoding="utf-8")
    data = json.loads(paths[1].read_text(encoding="utf-8"))
    assert "250 m" in text and "Komplementär" in text and "<5" in text.replace("&lt;", "<")
    assert data["undertryckta_varden_primart"] == 3 and data["rutstorlek_m"] == [250]
    for secret in ("bandwidth", "bandbredd", "seed", "frö", "cell_id"):
        assert secret not in text.lower() and secret not in json.dumps(data).lower()


def test_report_covers_every_run_published_into_one_folder(tmp_path):
    """Maps, area reports and the EST overview may share a public folder: the disclosure report
    must sum them, and re-running one of them must replace, not double, its part."""
    maps = DisclosureSummary(
        rules={"grid"}, outputs={"karta.html": "map"}, primary=3, grid_sizes={250}
    )
    reports = DisclosureSummary(
        rules={"small_counts", "complementary"},
        outputs={"omrade_a.html": "report"},
        primary=4,
        secondary=2,
    )
    write_disclosure_report(tmp_path, maps)
    write_disclosure_report(tmp_path, reports)
    data = json.loads((tmp_path / "offentliggorande.json").read_text(encoding="utf-8"))
    assert data["undertryckta_varden_primart"] == 7
    assert data["undertryckta_varden_sekundart"] == 2
    assert set(data["utdata"]) == {"karta.html", "omrade_a.html"}
    assert set(data["regler"]) == {"grid", "small_counts", "complementary"}
    write_disclosure_report(tmp_path, maps)  # the map command run again
    data = json.loads((tmp_path / "offentliggorande.json").read_text(encoding="utf-8"))
    assert data["undertryckta_varden_primart"] == 7
    assert "karta.html" in (tmp_path / "offentliggorande.html").read_text(encoding="utf-8")
