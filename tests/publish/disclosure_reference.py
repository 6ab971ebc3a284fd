"""The straightforward complementary suppression, kept as the tests' reference.

This is :func:`tryggaplatser.publish.disclosure.suppress` as it was before its speed-up (every
round rebuilds every group of hidden cells with ``np.unique``, walks the equations in Python and
finds a stalled cell's group by a breadth-first search). The fast version must decide exactly as
this one does (tests/publish/test_disclosure_fast.py); it is not used by the package.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tryggaplatser.i18n import tr
from tryggaplatser.policy import MIN_COUNT
from tryggaplatser.publish.disclosure import (
    _EPS,
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    LinearTable,
    _bounds,
    _Group,
    _GroupLP,
    _single_equation_intervals,
    attacker_intervals,
)


def _groups(table: LinearTable, status: np.ndarray, min_count: int) -> list[_Group]:
    """Connected groups of suppressed cells and the attacker's constraints on each.

    Groups come in the order of their first cell, cells in index order, equations in table
    order."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    values = np.asarray(table.values, dtype=float)
    hidden = status != PUBLISHED
    suppressed = np.flatnonzero(hidden)
    lo_all, hi_all = _bounds(values, status, min_count)
    # equations restricted to suppressed unknowns: sum(coef * x) = rhs
    eq, cell, coef = table.flat_equations
    unknown = hidden[cell]
    known = ~unknown
    rhs = -np.bincount(
        eq[known], weights=coef[known] * values[cell[known]], minlength=len(table.equations)
    )
    eq_u, cell_u, coef_u = eq[unknown], cell[unknown], coef[unknown]
    # connected components: every unknown of an equation joined to its first unknown
    active, first = np.unique(eq_u, return_index=True)
    root = cell_u[first[np.searchsorted(active, eq_u)]]
    n = table.size
    graph = coo_matrix((np.ones(len(cell_u)), (cell_u, root)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labs = labels[suppressed]
    order = np.argsort(labs, kind="stable")
    comps, starts = np.unique(labs[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    comp_first = {int(c): int(suppressed[order[a]]) for c, a in zip(comps, starts)}
    cells_of = {int(c): suppressed[order[a:b]] for c, a, b in zip(comps, starts, ends)}
    pos = np.zeros(n, dtype=int)
    for c in cells_of.values():
        pos[c] = np.arange(len(c))
    entry_comp = labels[cell_u]
    by_comp = np.argsort(entry_comp, kind="stable")
    e_comps, e_starts = np.unique(entry_comp[by_comp], return_index=True)
    e_ends = np.append(e_starts[1:], len(by_comp))
    entries_of = {int(c): by_comp[a:b] for c, a, b in zip(e_comps, e_starts, e_ends)}
    out = []
    for comp in sorted(cells_of, key=comp_first.get):
        cells_arr = cells_of[comp]
        cells = [int(i) for i in cells_arr]
        lo, hi = lo_all[cells_arr], hi_all[cells_arr]
        rows = entries_of.get(comp)
        if rows is None:
            out.append(_Group(cells, None, None, lo, hi))
            continue
        ids, r = np.unique(eq_u[rows], return_inverse=True)
        a_eq = np.zeros((len(ids), len(cells)))
        np.add.at(a_eq, (r, pos[cell_u[rows]]), coef_u[rows])
        b_eq = rhs[ids].astype(float)
        single = (cell_u[rows], coef_u[rows], float(b_eq[0])) if len(ids) == 1 else None
        out.append(_Group(cells, a_eq, b_eq, lo, hi, single))
    return out


def _witness(
    cells: np.ndarray, x: np.ndarray, top: int, need_low: set[int], need_high: set[int]
) -> None:
    """A feasible table ``x`` certifies every cell it puts at 1 (low) or at ``top`` (high)."""
    need_low.difference_update(int(j) for j in cells[x <= 1 + _EPS])
    need_high.difference_update(int(j) for j in cells[x >= top - _EPS])


def _certify(
    table: LinearTable,
    status: np.ndarray,
    min_count: int,
    need_low: set[int],
    need_high: set[int],
    seen: set | None = None,
) -> None:
    """Remove from ``need_low``/``need_high`` the cells a feasible table shows are protected.

    A primary cell is protected when the published table is consistent with it being 1 (its
    low end) and with it being ``min_count − 1`` (its high end). Each attacker LP returns a
    whole feasible table, which certifies the ends of *every* cell it reaches, so most cells
    need no LP of their own. Cells whose own LP shows an end out of reach stay in the sets.

    ``seen`` (kept by the caller across rounds) holds the groups already certified, keyed by
    their cells and statuses. Such a group's LP is the same as then and only its own LPs
    change its cells' entries in the sets, so checking it again would find nothing: it is
    skipped.
    """
    top = min_count - 1
    for group in _groups(table, status, min_count):
        todo = [i for i in group.cells if i in need_low or i in need_high]
        if not todo:
            continue
        if seen is not None:
            key = (tuple(group.cells), status[group.cells].tobytes())
            if key in seen:
                continue
            seen.add(key)
        if group.a_eq is None or group.single is not None:
            intervals = (
                _single_equation_intervals(group)
                if group.single is not None
                else {i: (group.lo[k], group.hi[k]) for k, i in enumerate(group.cells)}
            )
            for i in todo:
                lo, hi = intervals[i]
                if lo <= 1 + _EPS:
                    need_low.discard(i)
                if hi >= top - _EPS:
                    need_high.discard(i)
            continue
        pos = {c: k for k, c in enumerate(group.cells)}
        cells = np.array(group.cells)
        lp = _GroupLP(group)

        # one LP for many cells: push all pending cells to their low (high) end at once;
        # repeat while it certifies some, then one LP per cell left
        for sense, need in ((1.0, need_low), (-1.0, need_high)):
            while True:
                pending = [i for i in todo if i in need]
                if len(pending) < 2:
                    break
                res = lp.solve([pos[i] for i in pending], sense, cap=top if sense < 0 else None)
                if res.status != 0:
                    break
                _witness(cells, res.x, top, need_low, need_high)
                if all(i in need for i in pending):
                    break
        for i in todo:
            for sense, need in ((1.0, need_low), (-1.0, need_high)):
                if i not in need:
                    continue
                res = lp.solve(pos[i], sense)
                if res.status == 3 and sense < 0:  # unbounded above
                    need.discard(i)
                    continue
                if res.status != 0:  # numerical trouble: judge this cell by its bounds only
                    ok = (
                        group.lo[pos[i]] <= 1 + _EPS
                        if sense > 0
                        else group.hi[pos[i]] >= top - _EPS
                    )
                    if ok:
                        need.discard(i)
                    continue
                _witness(cells, res.x, top, need_low, need_high)


def _choose_partner(
    table: LinearTable,
    status: np.ndarray,
    members: np.ndarray,
    min_count: int,
    exclude: Iterable[int] = (),
    *,
    allow_keep: bool = False,
) -> int | None:
    """The cheapest published member of an equation to suppress as a complement.

    Preference: inner cells before totals; cells ≥ ``min_count`` (they have the slack to hide a
    primary cell both ways), smallest first; zeros last (they cannot absorb an increase).
    Cells the table asks to keep (:attr:`LinearTable.keep`) only with ``allow_keep``.
    """
    exclude = set(exclude)
    if not allow_keep and table.keep is not None:
        exclude |= {int(j) for j in members if table.keep[int(j)]}
    is_total = table.is_total if table.is_total is not None else np.zeros(table.size, bool)
    best, best_key = None, None
    for j in members:
        j = int(j)
        if status[j] != PUBLISHED or j in exclude:
            continue
        v = int(table.values[j])
        key = (bool(is_total[j]), 0 if v >= min_count else 1, v if v >= min_count else -v, j)
        if best_key is None or key < best_key:
            best, best_key = j, key
    return best


def suppress(
    table: LinearTable, min_count: int = MIN_COUNT, *, initial: np.ndarray | None = None
) -> np.ndarray:
    """Primary and complementary cell suppression, verified by the attacker's LP.

    Parameters
    ----------
    table : LinearTable
        Cells (inner cells and published totals) and the equations linking them.
    min_count : int
        Counts ``1 … min_count − 1`` are primary-suppressed (shown as "<5").
    initial : numpy.ndarray, optional
        Cells already known to be withheld (``SECONDARY``): cells decided elsewhere (the
        release-wide :class:`DisclosurePlan`) or cells that are never published at all (a
        count outside every published area, which a reader only knows to be ``≥ 0``).

    Returns
    -------
    numpy.ndarray
        Status per cell: ``PUBLISHED`` (0), ``PRIMARY`` (1) or ``SECONDARY`` (2).

    Raises
    ------
    RuntimeError
        Only if the equations are not of the additive kind the gate builds (a table cannot then
        be protected by hiding cells); never for margins and nested areas.

    Notes
    -----
    1. Primary: ``1 ≤ v < min_count``.
    2. No equation may contain exactly one suppressed cell (it would follow by subtraction):
       add the cheapest complement (:func:`_choose_partner`) until none does.
    3. Verify with the attacker's LP (:func:`_certify`). For every primary cell a reader can
       still narrow, suppress the cheapest published member of one of its equations.
    4. When the cell's equations have no published member left (the greedy step stalls), the
       pin comes from further away: show a "<5" neighbour as ".." (which removes its known
       bounds), else suppress the smallest published cell of any equation that touches the
       group of suppressed cells the weak cell belongs to, else show the group's "<5" cells as
       "..".

    Every step hides at least one more cell and hiding only widens what a reader must consider
    possible, so the loop ends after at most two steps per cell, and a cell found protected stays
    protected (it is never checked again). When a whole group and every equation touching it is
    hidden, each total can absorb any change of its parts, so the cells are protected.
    """
    values = np.asarray(table.values)
    small = (values >= 1) & (values < min_count)
    withheld = np.zeros(len(values), bool) if initial is None else np.asarray(initial) != PUBLISHED
    small &= ~withheld  # a withheld cell is only known to be >= 0: nothing to protect in it
    status = np.where(small, PRIMARY, PUBLISHED).astype(np.int8)
    status[withheld] = SECONDARY
    if not small.any():
        return status
    members = table.members()
    eqs_of_cell = _equations_of_cells(members)
    targets = [int(i) for i in np.flatnonzero(small)]
    # the true value is feasible: a 1 is its own low end, a min_count - 1 its own high end
    need_low = {i for i in targets if values[i] > 1}
    need_high = {i for i in targets if values[i] < min_count - 1}
    seen: set = set()  # groups certified in earlier rounds (see _certify)
    for _ in range(2 * table.size + 2):  # each round hides at least one more cell
        _close_single_suppressions(table, status, members, min_count, withheld)
        _certify(table, status, min_count, need_low, need_high, seen)
        weak = sorted(need_low | need_high)
        if not weak:
            return status
        if _pin_weak_cells(table, status, weak, members, eqs_of_cell, min_count):
            continue
        # stalled: every equation of the weak cells is fully hidden
        if not _unstall(table, status, weak[0], members, eqs_of_cell, min_count):
            break
    raise RuntimeError(
        tr(
            "röjandekontrollen kunde inte skydda tabellen: ekvationerna är inte summor av celler",
            "disclosure control could not protect the table: the equations are not sums of cells",
        )
    )


def _equations_of_cells(members: list[np.ndarray]) -> dict[int, list[int]]:
    """For each cell, the indices of the equations it is a member of."""
    eqs_of_cell: dict[int, list[int]] = {}
    for k, m in enumerate(members):
        for j in m:
            eqs_of_cell.setdefault(int(j), []).append(k)
    return eqs_of_cell


def _close_single_suppressions(
    table: LinearTable,
    status: np.ndarray,
    members: list[np.ndarray],
    min_count: int,
    withheld: np.ndarray | None = None,
) -> None:
    """Step 2: complement every equation holding exactly one suppressed cell (in place).

    A ``withheld`` cell (never published: nothing to protect in it) alone in an equation may
    be derived; the LP check still guards every primary cell it touches."""
    changed = True
    while changed:
        changed = False
        for m in members:
            sup = m[status[m] != PUBLISHED]
            if len(sup) == 1 and not (withheld is not None and withheld[sup[0]]):
                partner = _choose_partner(table, status, m, min_count)
                if partner is not None:
                    status[partner] = SECONDARY
                    changed = True


def _suppressed_component(
    i: int, status: np.ndarray, members: list[np.ndarray], eqs_of_cell: dict[int, list[int]]
) -> set[int]:
    """Suppressed cells reachable from ``i`` through equations."""
    seen, stack = {i}, [i]
    while stack:
        j = stack.pop()
        for k in eqs_of_cell.get(j, []):
            for n in members[k]:
                n = int(n)
                if n not in seen and status[n] != PUBLISHED:
                    seen.add(n)
                    stack.append(n)
    return seen


def _pin_weak_cells(
    table: LinearTable,
    status: np.ndarray,
    weak: list[int],
    members: list[np.ndarray],
    eqs_of_cell: dict[int, list[int]],
    min_count: int,
) -> bool:
    """Step 3: for each weak cell, hide the cheapest complement of its equations; any hidden?"""
    values = np.asarray(table.values)
    progressed = False
    for i in weak:
        candidates = [
            p
            for k in eqs_of_cell.get(i, [])
            if (p := _choose_partner(table, status, members[k], min_count)) is not None
        ]
        if candidates:
            status[min(candidates, key=lambda j: (int(values[j]) < min_count, int(values[j])))] = (
                SECONDARY
            )
            progressed = True
    return progressed


def _unstall(
    table: LinearTable,
    status: np.ndarray,
    i: int,
    members: list[np.ndarray],
    eqs_of_cell: dict[int, list[int]],
    min_count: int,
) -> bool:
    """Step 4: pin the stalled weak cell ``i`` from further away; False if nothing is left."""
    is_total = table.is_total if table.is_total is not None else np.zeros(table.size, bool)

    def by_total(j: int) -> tuple[bool, int]:
        return (bool(is_total[j]), j)

    neigh = [
        int(j)
        for k in eqs_of_cell.get(i, [])
        for j in members[k]
        if status[int(j)] == PRIMARY and int(j) != i
    ]
    if neigh:
        status[max(neigh, key=by_total)] = SECONDARY
        return True
    group = _suppressed_component(i, status, members, eqs_of_cell)
    frontier = {int(j) for g in group for k in eqs_of_cell.get(g, []) for j in members[k]}
    partner = _choose_partner(table, status, np.array(sorted(frontier)), min_count, allow_keep=True)
    if partner is not None:
        status[partner] = SECONDARY
        return True
    primaries = [j for j in group if status[j] == PRIMARY]
    if primaries:
        status[primaries] = SECONDARY
        return True
    return False


def _derivable(
    table: LinearTable, status: np.ndarray, min_count: int, targets: set[int]
) -> set[int]:
    """The suppressed ``targets`` whose attacker interval is narrower than ``_EPS``, from
    :func:`~tryggaplatser.publish.disclosure.attacker_intervals` (as the plan judged them
    before the speed-up)."""
    found = attacker_intervals(table, status, min_count, targets=targets)
    derivable = set()
    for i in targets:
        lo, hi = found.get(i, (0.0, np.inf))
        if hi - lo < _EPS:
            derivable.add(i)
    return derivable
