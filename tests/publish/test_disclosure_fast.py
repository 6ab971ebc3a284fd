"""The fast certification in :func:`suppress` decides exactly as the straightforward LP check.

:func:`~tryggaplatser.publish.disclosure._certify` skips groups it has already certified,
lets one LP's table certify many cells and solves each group's LPs in one HiGHS model
(:class:`~tryggaplatser.publish.disclosure._GroupLP`). None of that may change a decision: the
reference below solves, every round, ``min x_i`` and ``max x_i`` of every pending "<5" cell over
the *whole* table with :func:`scipy.optimize.linprog`, one fresh LP each, and :func:`suppress`
run with it must give the same status to every cell.
"""

from __future__ import annotations

import disclosure_reference  # the straightforward suppression, before its speed-up
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tryggaplatser.publish import disclosure
from tryggaplatser.publish.disclosure import (
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    DisclosurePlan,
    LinearTable,
    attacker_intervals,
    suppress,
)


def _whole_table_lp(table: LinearTable, status: np.ndarray, min_count: int):
    """Objective-free pieces of the attacker's LP over every cell of ``table``."""
    values = np.asarray(table.values, dtype=float)
    bounds = [
        (1.0, float(min_count - 1))
        if s == PRIMARY
        else (0.0, None)
        if s == SECONDARY
        else (float(v), float(v))
        for v, s in zip(values, status)
    ]
    a_eq = np.zeros((max(len(table.equations), 1), table.size))
    for r, (total, parts) in enumerate(table.equations):
        a_eq[r, total] -= 1
        for p in parts:
            a_eq[r, p] += 1
    return a_eq, np.zeros(len(a_eq)), bounds


def _interval(table, status, min_count, i) -> tuple[float, float]:
    a_eq, b_eq, bounds = _whole_table_lp(table, status, min_count)
    c = np.zeros(table.size)
    c[i] = 1.0
    lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert lo.status == 0, "the true table is feasible"
    return lo.fun, (np.inf if hi.status == 3 else -hi.fun)


def reference_certify(table, status, min_count, need_low, need_high, seen=None):
    """One fresh whole-table LP per pending cell and end; no groups, witnesses or caches."""
    for i in sorted(need_low | need_high):
        lo, hi = _interval(table, status, min_count, i)
        if lo <= 1 + 1e-6:
            need_low.discard(i)
        if hi >= min_count - 1 - 1e-6:
            need_high.discard(i)


def random_table(seed: int) -> tuple[LinearTable, np.ndarray]:
    """Areas × categories with margins, areas nested in districts, a municipality total with
    an unpublished rest, and a second table of parts of the first (many small counts)."""
    rng = np.random.default_rng(seed)
    n_areas, n_cats = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    small = rng.uniform(0.3, 0.8)
    inner = np.where(
        rng.random((n_areas, n_cats)) < small,
        rng.integers(0, 5, (n_areas, n_cats)),
        rng.integers(5, 40, (n_areas, n_cats)),
    )
    values: list[int] = []
    equations: list[tuple[int, tuple[int, ...]]] = []

    def cell(v) -> int:
        values.append(int(v))
        return len(values) - 1

    grid = [[cell(v) for v in row] for row in inner]
    rows = [cell(inner[a].sum()) for a in range(n_areas)]
    cols = [cell(inner[:, c].sum()) for c in range(n_cats)]
    grand = cell(inner.sum())
    equations += [(rows[a], tuple(grid[a])) for a in range(n_areas)]
    equations += [(cols[c], tuple(grid[a][c] for a in range(n_areas))) for c in range(n_cats)]
    equations.append((grand, tuple(rows)))
    # districts: consecutive areas; the municipality = districts + what lies outside
    cut = int(rng.integers(1, n_areas))
    districts = [rows[:cut], rows[cut:]]
    dcells = [cell(sum(values[r] for r in d)) for d in districts]
    equations += [(dc, tuple(d)) for dc, d in zip(dcells, districts)]
    outside = cell(int(rng.integers(0, 6)))
    municipality = cell(values[grand] + values[outside])
    equations.append((municipality, (*dcells, outside)))
    # a part of every row (e.g. the observations sent on), itself split in two
    for a in range(n_areas):
        part = int(rng.integers(0, values[rows[a]] + 1))
        first = int(rng.integers(0, part + 1))
        p, q, r = cell(part), cell(first), cell(part - first)
        equations.append((p, (q, r)))
    hidden = np.zeros(len(values), bool)
    hidden[outside] = True
    table = LinearTable(
        np.array(values), tuple(equations), is_total=np.isin(np.arange(len(values)), rows + cols)
    )
    return table, np.where(hidden, SECONDARY, PUBLISHED).astype(np.int8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_fast_certification_decides_as_the_straightforward_lp(seed):
    table, initial = random_table(seed)
    fast = suppress(table, initial=initial)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(disclosure, "_certify", reference_certify)
        slow = suppress(table, initial=initial)
    np.testing.assert_array_equal(fast, slow)
    # and every "<5" is protected by the independent whole-table LP
    for i in np.flatnonzero(fast == PRIMARY):
        lo, hi = _interval(table, fast, 5, int(i))
        assert lo <= 1 + 1e-6 and hi >= 4 - 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_attacker_intervals_equal_the_whole_table_lp(seed):
    """The group LPs (one HiGHS model per group) give the whole-table LP's intervals."""
    table, initial = random_table(seed)
    rng = np.random.default_rng(seed)
    status = suppress(table, initial=initial)
    status[(status == PUBLISHED) & (rng.random(table.size) < 0.3)] = SECONDARY
    found = attacker_intervals(table, status)
    assert set(found) == set(np.flatnonzero(status != PUBLISHED).tolist())
    for i, (lo, hi) in found.items():
        ref_lo, ref_hi = _interval(table, status, 5, i)
        assert lo == pytest.approx(ref_lo, abs=1e-6)
        assert hi == pytest.approx(ref_hi, abs=1e-6) if np.isfinite(ref_hi) else hi == np.inf


def test_group_lp_without_highs_bindings_calls_linprog(monkeypatch):
    """Without scipy's HiGHS bindings every LP goes through linprog, with the same result."""
    table, initial = random_table(3)
    fast = suppress(table, initial=initial)
    monkeypatch.setattr(disclosure, "_highs_core", lambda: None)
    np.testing.assert_array_equal(suppress(table, initial=initial), fast)


def test_plan_solve_matches_the_reference(monkeypatch):
    """A whole :class:`DisclosurePlan` (as the area set builds) solves the same either way."""
    table, initial = random_table(11)

    def plan() -> DisclosurePlan:
        p = DisclosurePlan()
        for i, v in enumerate(table.values):
            p.add(i, int(v), published=initial[i] == PUBLISHED)
        for total, parts in table.equations:
            p.relate(total, list(parts))
        return p.solve()

    fast = plan().status
    monkeypatch.setattr(disclosure, "_certify", reference_certify)
    assert plan().status == fast


# --------------------------------------------------------------------------------------------
# the fast suppression against the straightforward one (tests/publish/disclosure_reference.py)


def random_plan(seed: int, mean: float | None = None, dims=(7, 4, 4)) -> DisclosurePlan:
    """A small release-wide plan shaped like the public set's: areas × months × categories
    with every margin, grid cells that make up each area, the municipality's figures (kept,
    with an unpublished rest outside the areas), area totals a reader can compute from kept
    figures, a count printed in two tables, and sent ≤ observed parts (many small counts, so
    the steps that pin stalled cells are reached)."""
    rng = np.random.default_rng(seed)
    n_areas, n_months, n_cats = (int(rng.integers(2, k)) for k in dims)
    mean = rng.uniform(0.5, 6) if mean is None else mean
    plan = DisclosurePlan()
    inner = rng.poisson(mean, (n_areas, n_months, n_cats))
    for (a, m, c), v in np.ndenumerate(inner):
        plan.add(("n", a, m, c), int(v))
    for a in range(n_areas):
        for m in range(n_months):
            plan.add(("n", a, m, "*"), int(inner[a, m].sum()))
            plan.relate(("n", a, m, "*"), [("n", a, m, c) for c in range(n_cats)])
        for c in range(n_cats):
            plan.add(("n", a, "*", c), int(inner[a, :, c].sum()))
            plan.relate(("n", a, "*", c), [("n", a, m, c) for m in range(n_months)])
        plan.add(("n", a, "*", "*"), int(inner[a].sum()))
        plan.relate(("n", a, "*", "*"), [("n", a, "*", c) for c in range(n_cats)])
        plan.relate(("n", a, "*", "*"), [("n", a, m, "*") for m in range(n_months)])
        # the area's grid cells (one may be a cell no product prints)
        cuts = np.sort(rng.integers(0, int(inner[a].sum()) + 1, int(rng.integers(0, 4))))
        sizes = np.diff(np.r_[0, cuts, int(inner[a].sum())])
        for g, v in enumerate(sizes):
            plan.add(("cell", a, g), int(v), published=bool(rng.random() < 0.9))
        plan.relate(("n", a, "*", "*"), [("cell", a, g) for g in range(len(sizes))])
        if rng.random() < 0.5:  # the area's total follows from two figures kept in view
            other = int(rng.integers(0, 30))
            plan.add(("other", a), other, keep=True)
            plan.add(("with other", a), int(inner[a].sum()) + other, keep=True)
            plan.relate(("with other", a), [("n", a, "*", "*"), ("other", a)])
        sent = int(rng.integers(0, int(inner[a].sum()) + 1))
        plan.add(("sent", a), sent)
        plan.nest(("sent", a), ("n", a, "*", "*"))
    outside = rng.poisson(mean, (n_months, n_cats))
    for m in range(n_months):
        total = int(inner[:, m].sum() + outside[m].sum())
        plan.add(("kommun", m), total, keep=True)
        plan.relate(("kommun", m), [("n", a, m, "*") for a in range(n_areas)], rest=("rest", m))
    plan.add(("kommun", "*"), int(inner.sum() + outside.sum()), keep=True)
    plan.relate(("kommun", "*"), [("kommun", m) for m in range(n_months)])
    plan.add(("n", 0, 0, 0), int(inner[0, 0, 0]))  # printed again in a second table
    return plan


def _solved(plan: DisclosurePlan, min_count: int, monkeypatch=None) -> dict:
    if monkeypatch is not None:
        monkeypatch.setattr(disclosure, "suppress", disclosure_reference.suppress)
        monkeypatch.setattr(disclosure, "_derivable", disclosure_reference._derivable)
    return plan.solve(min_count).status


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_fast_suppression_decides_as_the_straightforward_one(seed):
    """Every cell of a random table gets the status the straightforward suppression gives."""
    table, initial = random_table(seed)
    fast = suppress(table, initial=initial)
    np.testing.assert_array_equal(fast, disclosure_reference.suppress(table, initial=initial))


@pytest.mark.parametrize(("seed", "min_count"), [(s, 5) for s in range(40)] + [(0, 2), (1, 2)])
def test_fast_plan_decides_as_the_straightforward_one(seed, min_count, monkeypatch):
    """A release-wide plan hides the same cells either way (with a threshold of 2, a "<2" is
    known exactly, so complements beside it are derivable and shown)."""
    fast = _solved(random_plan(seed), min_count)
    assert _solved(random_plan(seed), min_count, monkeypatch) == fast


@pytest.mark.parametrize("seed", range(8))
def test_groups_equal_the_straightforward_groups(seed):
    """The groups of hidden cells and their equations are those of the straightforward
    construction (dense or sparse, the same matrix)."""
    rng = np.random.default_rng(seed)
    table, initial = random_table(seed)
    status = suppress(table, initial=initial)
    status[(status == PUBLISHED) & (rng.random(table.size) < 0.3)] = SECONDARY
    fast = disclosure._groups(table, status, 5)
    slow = disclosure_reference._groups(table, status, 5)
    assert [g.cells for g in fast] == [g.cells for g in slow]
    for f, s in zip(fast, slow):
        assert (f.a_eq is None) == (s.a_eq is None)
        if f.a_eq is not None:
            dense = f.a_eq.toarray() if hasattr(f.a_eq, "toarray") else f.a_eq
            np.testing.assert_array_equal(dense, s.a_eq)
            np.testing.assert_array_equal(f.b_eq, s.b_eq)
        np.testing.assert_array_equal(f.lo, s.lo)
        np.testing.assert_array_equal(f.hi, s.hi)
        assert (f.single is None) == (s.single is None)
        if f.single is not None:
            for a, b in zip(f.single, s.single):
                np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------
# sparse data: many small counts, hundreds of rounds that re-check the same weak cells


@pytest.mark.parametrize("seed", range(6))
def test_sparse_plan_decides_as_the_straightforward_one(seed, monkeypatch):
    """A plan of mostly 0–2 counts (as a small municipality's) hides the same cells as the
    straightforward suppression, while the fast one keeps weak cells weak by proofs carried
    over from earlier rounds (:class:`~tryggaplatser.publish.disclosure._Memory`)."""
    proven = []
    still = disclosure._still_proven

    def counting(*args):
        found = still(*args)
        proven.append(len(found))
        return found

    monkeypatch.setattr(disclosure, "_still_proven", counting)
    fast = _solved(random_plan(seed, mean=0.4 + 0.2 * seed, dims=(12, 6, 5)), 5)
    assert sum(proven) > 0, "the sparse plan reuses proofs"
    monkeypatch.undo()
    assert (
        _solved(random_plan(seed, mean=0.4 + 0.2 * seed, dims=(12, 6, 5)), 5, monkeypatch) == fast
    )


@pytest.mark.parametrize("seed", range(3))
def test_proofs_carried_over_are_sound(seed, monkeypatch):
    """Every end a proof keeps out of reach is out of reach by the independent whole-table LP
    of that round (a wrong proof would keep a protected cell weak and hide more)."""
    plan = random_plan(seed, mean=0.6, dims=(10, 5, 4))
    _, table, hidden = plan._table()
    checked = []
    still = disclosure._still_proven

    def checking(memory, todo, comps, min_count, need_low, need_high):
        found = still(memory, todo, comps, min_count, need_low, need_high)
        for i, sense in sorted(found)[: max(0, 30 - len(checked))]:  # the first 30: LPs are slow
            status = np.where(
                np.isinf(comps.hi_all), SECONDARY, np.where(comps.lo_all < comps.hi_all, PRIMARY, 0)
            ).astype(np.int8)
            lo, hi = _interval(table, status, min_count, i)
            assert (lo > 1 + 1e-6) if sense > 0 else (hi < min_count - 1 - 1e-6)
            checked.append(i)
        return found

    monkeypatch.setattr(disclosure, "_still_proven", checking)
    initial = np.where(hidden, SECONDARY, PUBLISHED).astype(np.int8)
    suppress(table, initial=initial)
    assert checked


@pytest.mark.parametrize("seed", range(8))
def test_groups_joined_round_by_round_equal_groups_found_afresh(seed):
    """Hiding cells a few at a time, the partition kept across rounds
    (:class:`~tryggaplatser.publish.disclosure._Partition`) groups the hidden cells as a
    connected-components pass over the whole table does, each round; publishing a cell again
    starts it afresh."""
    rng = np.random.default_rng(seed)
    table, status = random_table(seed)
    links = disclosure._Links.of(table, 5)
    partition = disclosure._Partition(table, links)
    eq, cell, _ = table.flat_equations

    def same_groups(a: np.ndarray, b: np.ndarray, hidden: np.ndarray) -> bool:
        pairs = {(int(x), int(y)) for x, y in zip(a[hidden], b[hidden])}
        return len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})

    order = rng.permutation(table.size)
    for step in range(0, table.size, 3):
        status[order[step : step + 3]] = SECONDARY
        if step == 6:  # a cell published again
            status[order[0]] = PUBLISHED
        hidden = status != PUBLISHED
        unknown = hidden[cell]
        afresh = disclosure._component_labels(eq[unknown], cell[unknown], table.size)
        assert same_groups(partition.labels(status), afresh, hidden)


@pytest.mark.parametrize("seed", range(6))
def test_state_kept_across_rounds_equals_state_found_afresh(seed):
    """Hiding cells a few at a time, what one :func:`suppress` keeps across rounds equals what
    a pass over the whole table finds: each group's cells (:class:`_Partition`), each
    equation's suppressed cells (:meth:`_Links.counts_of`), the bounds a reader knows
    (:meth:`_Memory.bounds_of`) and the members of the equations around a growing group
    (:func:`_reach`)."""
    rng = np.random.default_rng(seed)
    table, status = random_table(seed)
    links = disclosure._Links.of(table, 5)
    partition = disclosure._Partition(table, links)
    memory = disclosure._Memory()
    order = rng.permutation(table.size)
    for step in range(0, table.size, 2):
        status[order[step : step + 2]] = SECONDARY
        labels = partition.labels(status)
        for label in np.unique(labels[status != PUBLISHED]).tolist():
            np.testing.assert_array_equal(partition.cells(label), np.flatnonzero(labels == label))
        np.testing.assert_array_equal(links.counts_of(status), links.suppressed_counts(status))
        lo, hi = memory.bounds_of(table, status, 5)
        want_lo, want_hi = disclosure._bounds(table.values, status, 5)
        np.testing.assert_array_equal(lo, want_lo)
        np.testing.assert_array_equal(hi, want_hi)
        i = int(order[0])
        if status[i] != PUBLISHED:
            group = partition.cells(int(labels[i]))
            in_group = np.zeros(table.size)
            in_group[group] = 1.0
            touching = (links.by_eq @ in_group) > 0
            around = (links.by_cell @ touching.astype(float)) > 0
            np.testing.assert_array_equal(disclosure._reach(links, i, group), around)
