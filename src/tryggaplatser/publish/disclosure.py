"""Statistical disclosure control (röjandekontroll) for published counts, and the disclosure report.

Cell suppression
----------------
A published table is modelled as a :class:`LinearTable`: a vector of non-negative integer cells
(inner cells *and* every published total) and a list of equations ``total = sum(parts)`` that
any reader knows hold (row and column margins, grand totals, parent areas that contain child
areas, the municipality total of a grid...).

* **Primary suppression.** Cells with ``1 ≤ value < min_count`` are shown as ``"<5"``. A reader
  therefore knows such a cell lies in ``[1, min_count − 1]``. Zero is published as 0 (as SCB
  does for register counts): an empty cell reveals nothing about a person.
* **Complementary (secondary) suppression.** Cells chosen so that no primary cell can be
  narrowed by linear arithmetic on the published numbers. They are shown as ``".."`` and a
  reader only knows they are ``≥ 0``.

Protection is *verified*, not assumed: :func:`attacker_intervals` solves, for every suppressed
cell, ``min x_i`` and ``max x_i`` subject to the published equations, the known values and the
bounds above (the attacker's linear programme, solved with HiGHS through
:func:`scipy.optimize.linprog`). :func:`suppress` adds complementary suppressions until every
primary cell's feasible interval still covers the whole ``[1, min_count − 1]`` range, i.e. the
published table says nothing about it beyond "<5". Tables with margins and nested hierarchies
have totally unimodular constraint matrices, so the LP bounds are attained by integer tables:
the protection also holds against integer reasoning.

Disclosure report
-----------------
:func:`write_disclosure_report` writes ``offentliggorande.html`` and ``offentliggorande.json`` into
a public output folder: which rules were applied, how many values were suppressed, the grid
size and the minimum count. It never contains what would help undo the protection (bandwidth,
seeds, which cells were suppressed, class breaks).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import tr
from ..policy import MIN_COUNT, MIN_POPULATION, MIN_SURVEY_N, RASTER_CLASSES

__all__ = [
    "PRIMARY",
    "PUBLISHED",
    "SECONDARY",
    "DisclosurePlan",
    "DisclosureSummary",
    "LinearTable",
    "attacker_intervals",
    "suppress",
    "write_disclosure_report",
]

PUBLISHED, PRIMARY, SECONDARY = 0, 1, 2
_EPS = 1e-6


@dataclass(frozen=True)
class LinearTable:
    """Cells of a published table and the additive equations a reader knows.

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative integer value of every published cell, totals included.
    equations : sequence of (int, sequence of int)
        ``(total_index, part_indices)``: ``values[total] == values[parts].sum()``.
    is_total : numpy.ndarray of bool, optional
        Marks margin cells; complementary suppression prefers inner cells.
    keep : numpy.ndarray of bool, optional
        Cells hidden as complements only when nothing else protects (e.g. the municipality's
        figures, which a reader needs most): the greedy steps skip them, and a "<5" cell
        beside them is shown as ".." first.
    """

    values: np.ndarray
    equations: tuple[tuple[int, tuple[int, ...]], ...] = ()
    is_total: np.ndarray | None = None
    keep: np.ndarray | None = None

    def __post_init__(self):
        values = np.asarray(self.values)
        if values.ndim != 1:
            raise ValueError("values must be one-dimensional")
        if (values < 0).any():
            raise ValueError("counts must be non-negative")
        if np.issubdtype(values.dtype, np.integer) and self.equations:
            eq, cell, coef = self.flat_equations  # every equation at once: exact integers
            if not np.bincount(
                eq, weights=coef * values[cell], minlength=len(self.equations)
            ).any():
                return
        for total, parts in self.equations:
            if int(values[total]) != int(values[list(parts)].sum()):
                raise ValueError(f"equation {total} = sum{tuple(parts)} does not hold")

    @property
    def size(self) -> int:
        return len(self.values)

    def members(self) -> list[np.ndarray]:
        """Index arrays of every equation (total first)."""
        return [np.array([t, *p], dtype=int) for t, p in self.equations]

    @cached_property
    def float_values(self) -> np.ndarray:
        """``values`` as floats (built once per table; not to be changed)."""
        return np.asarray(self.values, dtype=float)

    @cached_property
    def flat_equations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every equation's members as flat arrays ``(equation, cell, coefficient)`` of
        ``sum(coef * x) == 0`` (the total −1, its parts +1), equation by equation; built once
        per table."""
        eq, cell, coef = [], [], []
        for k, (t, parts) in enumerate(self.equations):
            eq += [k] * (len(parts) + 1)
            cell += [t, *parts]
            coef += [-1.0] + [1.0] * len(parts)
        return np.array(eq, dtype=int), np.array(cell, dtype=int), np.array(coef, dtype=float)

    @cached_property
    def transposed(self) -> Any:
        """The equations' coefficients as a sparse cells × equations matrix (``Aᵀ`` of
        ``A x = 0``); built once per table."""
        from scipy.sparse import csr_matrix

        eq, cell, coef = self.flat_equations
        return csr_matrix((coef, (cell, eq)), shape=(self.size, len(self.equations)))


def _bounds(
    values: np.ndarray, status: np.ndarray, min_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of every cell: low and high ends (``np.inf`` = unbounded)."""
    values = np.asarray(values, dtype=float)
    primary, secondary = status == PRIMARY, status == SECONDARY
    lo = np.where(primary, 1.0, np.where(secondary, 0.0, values))
    hi = np.where(primary, float(min_count - 1), np.where(secondary, np.inf, values))
    return lo, hi


@dataclass
class _Group:
    """Suppressed cells tied together by published equations, as an LP ``A x = b``."""

    cells: list[int]
    a_eq: Any  # one row per equation (dense or scipy.sparse); None: no equation binds it
    b_eq: np.ndarray | None
    lo: np.ndarray
    hi: np.ndarray  # np.inf = unbounded
    single: tuple[np.ndarray, np.ndarray, float] | None = None  # the one equation, if one
    eqs: np.ndarray | None = None  # the table's index of each row of ``a_eq``


class _Components:
    """Connected groups of suppressed cells under one status, each built as a :class:`_Group`
    only when asked for.

    Suppressed cells are connected when an equation holds both. One sparse-graph pass finds
    every group; :meth:`group` builds one group's LP (the rounds of :func:`suppress` need only
    the few groups that still hold a weak cell). Groups come in the order of their first cell,
    cells in index order, equations in table order."""

    def __init__(
        self,
        table: LinearTable,
        status: np.ndarray,
        min_count: int,
        labels: np.ndarray | None = None,
        *,
        partition: _Partition | None = None,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        """``labels``: each cell's group, named by its first (smallest) cell, if already
        known (from ``partition``, :class:`_Partition`, which also knows each group's cells);
        else found here. ``bounds``: :func:`_bounds` of ``status``, if already known."""
        self.table = table
        self.values = values = table.float_values
        self.hidden = status != PUBLISHED  # a new array: later rounds do not change it
        self.lo_all, self.hi_all = _bounds(values, status, min_count) if bounds is None else bounds
        self._partition = partition
        self._unknown = None
        if labels is None:
            eq_u, cell_u, _ = self.unknowns
            labels = _first_cell_labels(_component_labels(eq_u, cell_u, table.size))
        self.labels = labels
        self._entries = None

    @property
    def unknowns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The equations' entries on suppressed cells ``(equation, cell, coefficient)``, in
        table order (found on first use: the rounds of :func:`suppress` that build no group
        never need them)."""
        if self._unknown is None:
            eq, cell, coef = self.table.flat_equations
            unknown = self.hidden[cell]
            self._unknown = eq[unknown], cell[unknown], coef[unknown]
        return self._unknown

    @property
    def rhs(self) -> np.ndarray:
        """Each equation restricted to suppressed unknowns: ``sum(coef * x) = rhs``."""
        eq, cell, coef = self.table.flat_equations
        known = ~self.hidden[cell]
        return -np.bincount(
            eq[known],
            weights=coef[known] * self.values[cell[known]],
            minlength=len(self.table.equations),
        )

    def _by_entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The unknowns' entries sorted by component (found on first use), and the rhs."""
        if self._entries is None:
            entry_comp = self.labels[self.unknowns[1]]
            by_comp = np.argsort(entry_comp, kind="stable")
            self._entries = by_comp, entry_comp[by_comp], self.rhs
        return self._entries

    def of(self, cells: Iterable[int] | None = None) -> list[int]:
        """The components holding the suppressed ``cells`` (default: every suppressed cell),
        in the order of their first cell."""
        cells = np.flatnonzero(self.hidden) if cells is None else np.fromiter(cells, dtype=int)
        return np.unique(self.labels[cells]).tolist()  # a group's label is its first cell

    def cells(self, comp: int) -> np.ndarray:
        """The cells of component ``comp`` (a suppressed cell's label), in index order."""
        if self._partition is not None:
            return self._partition.cells(comp)
        return np.flatnonzero(self.labels == comp)

    def group(self, comp: int) -> _Group:
        """Component ``comp`` with the attacker's constraints on it (``a_eq`` sparse when
        there is more than one equation)."""
        from scipy.sparse import csc_matrix

        cells_arr = self.cells(comp)
        cells = cells_arr.tolist()
        lo, hi = self.lo_all[cells_arr], self.hi_all[cells_arr]
        by_comp, sorted_entries, rhs = self._by_entries()
        eq_u, cell_u, coef_u = self.unknowns
        a, b = np.searchsorted(sorted_entries, [comp, comp + 1])
        if a == b:
            return _Group(cells, None, None, lo, hi)
        rows = by_comp[a:b]
        ids, r = np.unique(eq_u[rows], return_inverse=True)
        cols = np.searchsorted(cells_arr, cell_u[rows])
        if len(ids) == 1:  # solved in closed form (:func:`_single_equation_intervals`)
            a_eq = np.zeros((1, len(cells)))
            np.add.at(a_eq, (r, cols), coef_u[rows])
        else:  # an LP (:class:`_GroupLP`)
            a_eq = csc_matrix((coef_u[rows], (r, cols)), shape=(len(ids), len(cells)))
            a_eq.sum_duplicates()  # the canonical form a dense matrix converts to
            a_eq.eliminate_zeros()
        b_eq = rhs[ids].astype(float)
        single = (cell_u[rows], coef_u[rows], float(b_eq[0])) if len(ids) == 1 else None
        return _Group(cells, a_eq, b_eq, lo, hi, single, ids)


def _first_cell_labels(labels: np.ndarray) -> np.ndarray:
    """The same partition, each group labelled by its first (smallest) cell."""
    groups, first = np.unique(labels, return_index=True)
    label_of = np.empty(groups.max() + 1, dtype=np.int64)
    label_of[groups] = first
    return label_of[labels]


def _component_labels(eq_u: np.ndarray, cell_u: np.ndarray, n: int) -> np.ndarray:
    """The connected group of each of ``n`` cells (a label per cell) when the unknowns
    ``cell_u`` of each equation ``eq_u`` (entries equation by equation) are connected."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    # every unknown of an equation joined to its first unknown
    starts = np.ones(len(eq_u), bool)
    starts[1:] = eq_u[1:] != eq_u[:-1]
    root = cell_u[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    graph = coo_matrix((np.ones(len(cell_u)), (cell_u, root)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


class _Partition:
    """The connected groups of hidden cells, kept across the rounds of one :func:`suppress`.

    Hiding a cell only joins groups (a round never publishes a hidden cell), so each round
    joins the groups of the equations of the cells hidden since the last one instead of
    finding every group again (:func:`_component_labels`, only for the first round or if a
    cell were published again). Labels name a group by its first cell; a published cell is
    its own group: the same partition as :func:`_component_labels`, each group named by its
    first cell (joined groups keep the smaller name). The labels are kept flat and each
    group of several cells keeps its cells (in index order), so a join relabels only the
    cells of the groups it renames."""

    def __init__(self, table: LinearTable, links: _Links):
        self.table, self.links = table, links
        self.hidden: np.ndarray | None = None
        self.label: np.ndarray | None = None
        self.groups: dict[int, np.ndarray] = {}  # label -> cells, for groups of several

    def labels(self, status: np.ndarray) -> np.ndarray:
        """Each cell's group under ``status``."""
        hidden = status != PUBLISHED
        if self.hidden is None or (self.hidden & ~hidden).any():
            self._start(hidden)
        else:
            self._join(np.flatnonzero(hidden & ~self.hidden), hidden)
        self.hidden = hidden
        return self.label.copy()

    def cells(self, label: int) -> np.ndarray:
        """The cells of the group named ``label``, in index order."""
        found = self.groups.get(label)
        return np.array([label]) if found is None else found

    def _start(self, hidden: np.ndarray) -> None:
        eq, cell, _ = self.table.flat_equations
        unknown = hidden[cell]
        labels = _component_labels(eq[unknown], cell[unknown], self.table.size)
        self.label = label = _first_cell_labels(labels)  # a group's label: its first cell
        order = np.argsort(label, kind="stable")  # cells by group, in index order within
        names, starts, sizes = np.unique(label[order], return_index=True, return_counts=True)
        self.groups = {int(n): order[a : a + c] for n, a, c in zip(names, starts, sizes) if c > 1}

    def _join(self, new: np.ndarray, hidden: np.ndarray) -> None:
        label, links = self.label, self.links
        for c in new.tolist():
            for k in links.eqs_of_cell.get(c, ()):
                m = links.members[k]
                names = label[m[hidden[m]]]
                if len(names) > 1 and (names != names[0]).any():
                    names = np.unique(names)
                    keep = int(names[0])
                    parts = [self.cells(int(r)) for r in names]
                    for r in names[1:].tolist():
                        self.groups.pop(r, None)
                    cells = np.sort(np.concatenate(parts), kind="stable")  # sorted runs: merged
                    label[cells] = keep
                    self.groups[keep] = cells


def _groups(table: LinearTable, status: np.ndarray, min_count: int) -> list[_Group]:
    """Every connected group of suppressed cells and the attacker's constraints on it
    (:class:`_Components`)."""
    comps = _Components(table, status, min_count)
    return [comps.group(c) for c in comps.of()]


def _single_equation_intervals(group: _Group) -> dict[int, tuple[float, float]]:
    """Closed-form attacker intervals for a group tied by one equation ``sum c_j x_j = rhs``."""
    idx, coef, rhs = group.single
    pos = {c: k for k, c in enumerate(group.cells)}
    lo_b = {int(i): group.lo[pos[int(i)]] for i in idx}
    hi_b = {int(i): group.hi[pos[int(i)]] for i in idx}
    # c_j = ±1: bound x_i by the extremes of the others
    mins = np.array([lo_b[int(j)] if c > 0 else -hi_b[int(j)] for j, c in zip(idx, coef)])
    maxs = np.array([hi_b[int(j)] if c > 0 else -lo_b[int(j)] for j, c in zip(idx, coef)])
    fin_min, fin_max = np.isfinite(mins), np.isfinite(maxs)
    smin, smax = mins[fin_min].sum(), maxs[fin_max].sum()
    ninf_min, ninf_max = int((~fin_min).sum()), int((~fin_max).sum())
    result = {}
    for k, (i, c) in enumerate(zip(idx, coef)):
        # sum over the other members, with infinite bounds counted separately
        other_min = (
            -np.inf if ninf_min - (not fin_min[k]) > 0 else smin - (mins[k] if fin_min[k] else 0.0)
        )
        other_max = (
            np.inf if ninf_max - (not fin_max[k]) > 0 else smax - (maxs[k] if fin_max[k] else 0.0)
        )
        a, b = rhs - other_max, rhs - other_min  # range of c*x_i
        lo, hi = (a, b) if c > 0 else (-b, -a)
        result[int(i)] = (max(lo_b[int(i)], lo), min(hi_b[int(i)], hi))
    return result


def _extreme(group: _Group, k: int | Sequence[int], sense: float, cap: float | None = None):
    """Solve ``min sense * sum(x_k)`` over the group's constraints (HiGHS).

    ``cap`` lowers the upper bound of the ``k`` cells to ``cap`` (a smaller feasible set, so
    any solution is still a table the reader must consider possible). The straightforward
    form (one :func:`scipy.optimize.linprog` call); :class:`_GroupLP` solves the same LP.
    """
    from scipy.optimize import linprog

    c = np.zeros(len(group.cells))
    c[k] = sense
    hi = group.hi.copy()
    if cap is not None:
        hi[k] = np.minimum(hi[k], cap)
    bounds = [(lo, None if np.isinf(h) else h) for lo, h in zip(group.lo, hi)]
    a_eq = group.a_eq.toarray() if hasattr(group.a_eq, "toarray") else group.a_eq
    return linprog(c, A_eq=a_eq, b_eq=group.b_eq, bounds=bounds, method="highs")


@dataclass
class _LPResult:
    """What the callers read of a solved LP, with :func:`scipy.optimize.linprog`'s status codes
    (0 optimal, 2 infeasible, 3 unbounded, 4 other)."""

    status: int
    x: np.ndarray | None = None
    fun: float | None = None
    dual: np.ndarray | None = None  # one multiplier per row (HiGHS bindings only)


def _highs_core():
    """scipy's bundled HiGHS bindings, or None (then every LP goes through ``linprog``)."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - a scipy without the bindings
        return None
    return _core if hasattr(_core, "_Highs") else None


_LOWER, _BASIC, _UPPER = 0, 1, 2  # HiGHS's basis statuses (HighsBasisStatus)
_WARM_MIN = 500  # groups of at least this many cells start from the last basis (_Bases)


@dataclass
class _Bases:
    """The basis status each cell (``col``) and equation (``row``) had in the last LP of a
    group holding it (−1: none yet), kept across the rounds of one :func:`suppress`: a group
    that grew by a few cells starts its LP from there instead of from scratch."""

    col: np.ndarray
    row: np.ndarray

    @classmethod
    def of(cls, table: LinearTable) -> _Bases:
        return cls(
            np.full(table.size, -1, dtype=np.int8), np.full(len(table.equations), -1, np.int8)
        )


class _GroupLP:
    """The attacker's LP of one group, handed to HiGHS once.

    Each :meth:`solve` changes only the objective (and the caps), so HiGHS starts from the
    previous optimal basis instead of building and presolving a new model: the optima are
    those of :func:`_extreme`, at a fraction of the cost. Without scipy's HiGHS bindings it
    calls :func:`_extreme`.
    """

    def __init__(self, group: _Group):
        self.group = group
        self.n = len(group.cells)
        self.index = np.arange(self.n, dtype=np.int32)
        self.hi = np.where(np.isinf(group.hi), np.inf, group.hi).astype(float)
        self.core = _highs_core()
        self.highs = None
        if self.core is None:
            return
        from scipy.sparse import csc_matrix

        h = self.core
        a = group.a_eq if isinstance(group.a_eq, csc_matrix) else csc_matrix(group.a_eq)
        lp = h.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n, a.shape[0]
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = group.lo.astype(float)
        lp.col_upper_ = np.where(np.isinf(self.hi), h.kHighsInf, self.hi)
        lp.row_lower_ = lp.row_upper_ = group.b_eq.astype(float)
        highs = h._Highs()
        highs.setOptionValue("output_flag", False)
        # primal simplex: each solve changes only the objective, so the last optimal basis
        # stays feasible and the primal simplex goes on from it in a few iterations (the
        # default dual simplex takes ~3x the time there); the optima are the same
        highs.setOptionValue("simplex_strategy", 4)
        if highs.passModel(lp) == h.HighsStatus.kError:  # pragma: no cover - defensive
            return
        self.highs = highs

    def warm(self, bases: _Bases) -> None:
        """Start from the statuses an earlier group's LP left its cells and equations in
        (:class:`_Bases`; a cell or equation new to the group is nonbasic at its lower bound
        and basic, respectively). Only where it makes a basis (one basic variable per row);
        else HiGHS starts afresh. The optima do not depend on where the simplex starts."""
        if self.highs is None or self.group.eqs is None:
            return
        cols, rows = bases.col[self.group.cells], bases.row[self.group.eqs]
        upper = cols == _UPPER
        cols[upper & np.isinf(self.hi)] = _LOWER  # no upper bound left to sit at
        cols[cols < 0] = _LOWER
        rows[rows < 0] = _BASIC
        if (cols == _BASIC).sum() + (rows == _BASIC).sum() != len(rows):
            return
        status = self.core.HighsBasisStatus
        lut = [status(v) for v in range(5)]
        basis = self.core.HighsBasis()
        basis.col_status = [lut[v] for v in cols.tolist()]
        basis.row_status = [lut[v] for v in rows.tolist()]
        basis.valid = True
        self.highs.setBasis(basis)

    def keep_basis(self, bases: _Bases) -> None:
        """Record the statuses of the last solve's basis in ``bases`` (for :meth:`warm`)."""
        if self.highs is None or self.group.eqs is None:
            return
        basis = self.highs.getBasis()
        if basis.valid:
            bases.col[self.group.cells] = [int(v) for v in basis.col_status]
            bases.row[self.group.eqs] = [int(v) for v in basis.row_status]

    def solve(self, k: int | Sequence[int], sense: float, cap: float | None = None) -> _LPResult:
        """``min sense * sum(x_k)``, the ``k`` cells capped at ``cap`` (as :func:`_extreme`)."""
        if self.highs is None:
            res = _extreme(self.group, k, sense, cap)
            return _LPResult(int(res.status), res.x, res.fun)
        h, highs = self.core, self.highs
        c = np.zeros(self.n)
        c[k] = sense
        highs.changeColsCost(self.n, self.index, c)
        capped = None
        if cap is not None:
            capped = np.atleast_1d(np.asarray(k, dtype=np.int32))
            upper = np.minimum(self.hi[capped], cap)
            highs.changeColsBounds(len(capped), capped, self.group.lo[capped], upper)
        highs.run()
        status = highs.getModelStatus()
        if capped is not None:
            restore = np.where(np.isinf(self.hi[capped]), h.kHighsInf, self.hi[capped])
            highs.changeColsBounds(len(capped), capped, self.group.lo[capped], restore)
        if status == h.HighsModelStatus.kOptimal:
            solution = highs.getSolution()
            x = np.array(solution.col_value)
            dual = np.array(solution.row_dual) if solution.dual_valid else None
            return _LPResult(0, x, float(c @ x), dual)
        if status == h.HighsModelStatus.kInfeasible:
            return _LPResult(2)
        if status == h.HighsModelStatus.kUnbounded:
            return _LPResult(3)
        return _LPResult(4)


def attacker_intervals(
    table: LinearTable,
    status: np.ndarray,
    min_count: int = MIN_COUNT,
    *,
    targets: set[int] | None = None,
) -> dict[int, tuple[float, float]]:
    """The interval a reader can deduce for every suppressed cell.

    Solves ``min x_i`` and ``max x_i`` subject to every published equation, the published
    values, ``1 ≤ x ≤ min_count − 1`` for cells shown as "<5" and ``x ≥ 0`` for cells shown as
    "..". Independent groups of suppressed cells are solved separately; a group tied by a single
    equation is solved in closed form.

    Parameters
    ----------
    table : LinearTable
        The table and its equations.
    status : numpy.ndarray
        ``PUBLISHED``, ``PRIMARY`` or ``SECONDARY`` per cell.
    min_count : int
        The threshold; primary cells are known to lie in ``[1, min_count − 1]``.
    targets : set of int, optional
        Only these cells need an interval (LPs are skipped for the others); default all.

    Returns
    -------
    dict
        ``{cell index: (low, high)}`` for every suppressed cell (``high`` may be ``inf``).
    """
    status = np.asarray(status)
    result: dict[int, tuple[float, float]] = {}
    for group in _groups(table, status, min_count):
        if group.a_eq is None:
            for k, i in enumerate(group.cells):
                result[i] = (float(group.lo[k]), float(group.hi[k]))
            continue
        if group.single is not None:
            result.update(_single_equation_intervals(group))
            continue
        if targets is not None and targets.isdisjoint(group.cells):
            continue
        lp = _GroupLP(group)
        for k, i in enumerate(group.cells):
            if targets is not None and i not in targets:
                continue
            lo_res, hi_res = lp.solve(k, 1.0), lp.solve(k, -1.0)
            lo = lo_res.fun if lo_res.status == 0 else group.lo[k]
            # status 3 = unbounded above
            hi = (
                np.inf if hi_res.status == 3 else -hi_res.fun if hi_res.status == 0 else group.hi[k]
            )
            result[i] = (float(lo), float(hi))
    return result


def _derivable(
    table: LinearTable, status: np.ndarray, min_count: int, targets: set[int]
) -> set[int]:
    """The suppressed ``targets`` a reader can compute from the published table: those whose
    attacker interval (:func:`attacker_intervals`) is narrower than ``_EPS``.

    The same intervals with fewer LPs: the true table is feasible, so a feasible table that
    puts a target at least half a unit from its true value shows that the target's interval is
    at least that wide. Two LPs push all open targets of a group down, then up; each LP's
    table rules out every target it moves; the targets left get their own two LPs, as in
    :func:`attacker_intervals`."""
    comps = _Components(table, status, min_count)
    values = np.asarray(table.values, dtype=float)
    found: set[int] = set()
    for comp in comps.of(targets):
        group = comps.group(comp)
        if group.a_eq is None or group.single is not None:
            intervals = (
                _single_equation_intervals(group)
                if group.single is not None
                else {i: (group.lo[k], group.hi[k]) for k, i in enumerate(group.cells)}
            )
            found.update(i for i in group.cells if i in targets and _width(intervals[i]) < _EPS)
            continue
        found |= _derivable_in_group(group, values[group.cells], targets)
    return found


def _width(interval: tuple[float, float]) -> float:
    return float(interval[1] - interval[0])


def _derivable_in_group(group: _Group, true: np.ndarray, targets: set[int]) -> set[int]:
    """:func:`_derivable` on one group with equations; ``true`` its cells' values."""
    lp = _GroupLP(group)
    remaining = {k for k, i in enumerate(group.cells) if i in targets}

    def rule_out(res: _LPResult) -> None:
        if res.status == 0:
            remaining.difference_update(np.flatnonzero(np.abs(res.x - true) >= 0.5).tolist())

    for sense in (1.0, -1.0):  # the upper push capped: the sum may be unbounded
        while len(remaining) > 1:  # again while a push rules out some
            pending = sorted(remaining)
            rule_out(lp.solve(pending, sense, cap=None if sense > 0 else true[pending].max() + 1))
            if len(remaining) == len(pending):
                break
    found = set()
    for k in sorted(remaining):
        if k not in remaining:
            continue
        lo_res, hi_res = lp.solve(k, 1.0), lp.solve(k, -1.0)
        lo = lo_res.fun if lo_res.status == 0 else group.lo[k]
        # status 3 = unbounded above
        hi = np.inf if hi_res.status == 3 else -hi_res.fun if hi_res.status == 0 else group.hi[k]
        if hi - lo < _EPS:
            found.add(group.cells[k])
        remaining.discard(k)
        rule_out(lo_res)
        rule_out(hi_res)
    return found


def _is_protected(interval: tuple[float, float], min_count: int) -> bool:
    lo, hi = interval
    return lo <= 1 + _EPS and hi >= (min_count - 1) - _EPS


def _witness(
    cells: np.ndarray, x: np.ndarray, top: int, need_low: set[int], need_high: set[int]
) -> None:
    """A feasible table ``x`` certifies every cell it puts at 1 (low) or at ``top`` (high)."""
    need_low.difference_update(cells[x <= 1 + _EPS].tolist())
    need_high.difference_update(cells[x >= top - _EPS].tolist())


@dataclass
class _Memory:
    """What :func:`_certify` keeps across the rounds of one :func:`suppress`.

    ``seen`` holds the groups already certified, keyed by their cells and statuses.
    ``proofs`` holds, per weak cell and end ``(cell, sense)``, a proof that the end is out of
    reach (:func:`_proof`): the reduced costs ``c − Aᵀy`` of the whole table's attacker LP
    ``min sense·x_cell`` for integral row multipliers ``y``. For *any* ``y`` and every table
    ``x`` with ``A x = 0`` inside the reader's bounds, ``sense·x_cell = (c − Aᵀy)·x`` is at
    least the sum of each term's minimum over its bounds (:func:`_bound`). Only the bounds
    change between rounds, so the same proof is checked again with the new bounds at the cost
    of a sum; hiding cells only widens bounds, so a proof that fails once is dropped."""

    seen: set = field(default_factory=set)
    proofs: dict = field(default_factory=dict)
    partition: _Partition | None = None  # the groups of hidden cells, joined round by round
    bases: _Bases | None = None  # the last basis of each cell and equation (large groups)
    status: np.ndarray | None = None  # the status of the last round, and its bounds
    bounds: tuple[np.ndarray, np.ndarray] | None = None

    def bounds_of(
        self, table: LinearTable, status: np.ndarray, min_count: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_bounds` of ``status``, updated from the last round's where cells changed
        (new arrays: the last round's stay as they were)."""
        if self.status is None:
            lo, hi = _bounds(table.float_values, status, min_count)
        else:
            changed = np.flatnonzero(status != self.status)
            lo, hi = self.bounds[0].copy(), self.bounds[1].copy()
            lo[changed], hi[changed] = _bounds(
                table.float_values[changed], status[changed], min_count
            )
        self.status, self.bounds = status.copy(), (lo, hi)
        return lo, hi


def _proof(
    table: LinearTable, group: _Group, k: int, sense: float, dual: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The reduced costs (cells, values) of the whole table's LP ``min sense·x`` of the
    group's ``k``-th cell for the group LP's row multipliers ``dual`` rounded to integers (the
    equations are sums: optimal multipliers are integral); None if they are not."""
    if dual is None or group.eqs is None or len(dual) != len(group.eqs):
        return None
    y = np.round(dual)
    if len(y) and np.abs(dual - y).max() > 1e-6:
        return None
    full = np.zeros(len(table.equations))
    full[group.eqs] = y
    reduced = -(table.transposed @ full)
    reduced[group.cells[k]] += sense
    cells = np.flatnonzero(reduced)
    return cells, reduced[cells]


def _bound(proof: tuple[np.ndarray, np.ndarray], lo: np.ndarray, hi: np.ndarray) -> float:
    """The least ``sense·x_cell`` a table within bounds ``lo``/``hi`` can reach by
    :class:`_Memory`'s proof (exact: integers; ``-inf`` when a term is unbounded)."""
    cells, reduced = proof
    terms = np.where(reduced > 0, reduced * lo[cells], reduced * hi[cells])
    return float(terms.sum())


def _out_of_reach(bound: float, sense: float, top: int) -> bool:
    """Does a bound on ``min sense·x`` keep ``x`` off its end (1 low, ``top`` high) by at least
    half a unit (the LP's optimum is an integer)?"""
    return bound >= (1.0 if sense > 0 else -float(top)) + 0.5


def _certify(
    table: LinearTable,
    status: np.ndarray,
    min_count: int,
    need_low: set[int],
    need_high: set[int],
    memory: _Memory | None = None,
) -> _Components:
    """Remove from ``need_low``/``need_high`` the cells a feasible table shows are protected.

    A primary cell is protected when the published table is consistent with it being 1 (its
    low end) and with it being ``min_count − 1`` (its high end). Each attacker LP returns a
    whole feasible table, which certifies the ends of *every* cell it reaches, so most cells
    need no LP of their own. Cells whose own LP shows an end out of reach stay in the sets.

    ``memory`` (kept by the caller across rounds, :class:`_Memory`) holds the groups already
    certified, keyed by their cells and statuses: such a group's LP is the same as then and
    only its own LPs change its cells' entries in the sets, so checking it again would find
    nothing: it is skipped. It also holds the proofs that kept cells weak in earlier rounds; a
    proof that still holds under today's bounds keeps the cell weak without an LP (the LP
    would find the same: its end out of reach). Returns the groups of ``status`` (for
    :func:`_unstall`).
    """
    partition = None if memory is None else memory.partition
    labels = None if partition is None else partition.labels(status)
    bounds = None if memory is None else memory.bounds_of(table, status, min_count)
    comps = _Components(table, status, min_count, labels, partition=partition, bounds=bounds)
    open_ends = need_low | need_high
    needed = np.zeros(table.size, bool)
    needed[list(open_ends)] = True
    for comp in comps.of(open_ends):
        cells = comps.cells(comp)
        if memory is not None:
            key = (cells.tobytes(), status[cells].tobytes())
            if key in memory.seen:
                continue
            memory.seen.add(key)
        todo = cells[needed[cells]].tolist()
        proven = _still_proven(memory, todo, comps, min_count, need_low, need_high)
        if proven and all(
            (i, sense) in proven
            for i in todo
            for sense, need in ((1.0, need_low), (-1.0, need_high))
            if i in need
        ):  # every open end still out of reach: no LP, no group to build
            continue
        group, weak = comps.group(comp), []
        bases = None if memory is None or len(cells) < _WARM_MIN else memory.bases
        _certify_group(group, todo, min_count, need_low, need_high, proven, weak, bases)
        if memory is not None:
            for i, sense, dual in weak:
                proof = _proof(table, group, group.cells.index(i), sense, dual)
                if proof is not None and _out_of_reach(
                    _bound(proof, comps.lo_all, comps.hi_all), sense, min_count - 1
                ):
                    memory.proofs[i, sense] = proof
    return comps


def _still_proven(
    memory: _Memory | None,
    todo: list[int],
    comps: _Components,
    min_count: int,
    need_low: set[int],
    need_high: set[int],
) -> dict:
    """The ``(cell, sense)`` ends of ``todo`` that ``memory``'s proofs still keep out of reach
    under today's bounds (failed proofs are dropped)."""
    proven: set = set()
    if memory is None:
        return proven
    ends = [
        (i, sense)
        for i in todo
        for sense, need in ((1.0, need_low), (-1.0, need_high))
        if i in need and (i, sense) in memory.proofs
    ]
    if not ends:
        return proven
    # every proof's :func:`_bound` at once (integers, or -inf: the sums are exact either way)
    proofs = [memory.proofs[end] for end in ends]
    sizes = [len(cells) for cells, _ in proofs]
    cells = np.concatenate([c for c, _ in proofs])
    reduced = np.concatenate([r for _, r in proofs])
    terms = np.where(reduced > 0, reduced * comps.lo_all[cells], reduced * comps.hi_all[cells])
    bounds = np.bincount(np.repeat(np.arange(len(ends)), sizes), terms, len(ends))
    for (i, sense), bound in zip(ends, bounds.tolist()):
        if _out_of_reach(bound, sense, min_count - 1):
            proven.add((i, sense))
        else:
            del memory.proofs[i, sense]
    return proven


def _certify_group(
    group: _Group,
    todo: list[int],
    min_count: int,
    need_low: set[int],
    need_high: set[int],
    proven: set = frozenset(),
    weak: list | None = None,
    bases: _Bases | None = None,
) -> None:
    """:func:`_certify` on one group; ``todo`` its cells still in ``need_low``/``need_high``,
    ``proven`` the ``(cell, sense)`` ends known out of reach (no LP for them; see
    :func:`_still_proven`). ``weak`` collects ``(cell, sense, row multipliers)`` of every LP
    that leaves its cell's end out of reach (for :func:`_proof`); ``bases`` (if given) starts
    the group's LP from earlier bases and records its own (:class:`_Bases`)."""
    top = min_count - 1
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
        return
    pos = {c: k for k, c in enumerate(group.cells)}
    cells = np.array(group.cells)
    lp = None

    # one LP for many cells: push all pending cells to their low (high) end at once;
    # repeat while it certifies some, then one LP per cell left
    for sense, need in ((1.0, need_low), (-1.0, need_high)):
        while True:
            pending = [i for i in todo if i in need and (i, sense) not in proven]
            if len(pending) < 2:
                break
            lp = lp or _group_lp(group, bases)
            res = lp.solve([pos[i] for i in pending], sense, cap=top if sense < 0 else None)
            if res.status != 0:
                break
            _witness(cells, res.x, top, need_low, need_high)
            if all(i in need for i in pending):
                break
    for i in todo:
        for sense, need in ((1.0, need_low), (-1.0, need_high)):
            if i not in need or (i, sense) in proven:
                continue
            lp = lp or _group_lp(group, bases)
            res = lp.solve(pos[i], sense)
            if res.status == 3 and sense < 0:  # unbounded above
                need.discard(i)
                continue
            if res.status != 0:  # numerical trouble: judge this cell by its bounds only
                ok = group.lo[pos[i]] <= 1 + _EPS if sense > 0 else group.hi[pos[i]] >= top - _EPS
                if ok:
                    need.discard(i)
                continue
            _witness(cells, res.x, top, need_low, need_high)
            if i in need and weak is not None:
                weak.append((i, sense, res.dual))
    if lp is not None and bases is not None:
        lp.keep_basis(bases)


def _group_lp(group: _Group, bases: _Bases | None) -> _GroupLP:
    """The group's LP (:class:`_GroupLP`), started from ``bases`` if given."""
    lp = _GroupLP(group)
    if bases is not None:
        lp.warm(bases)
    return lp


@dataclass
class _Links:
    """How the cells and equations of a table reach each other, built once per
    :func:`suppress`.

    ``members`` holds each equation's cells (total first), ``eqs_of_cell`` each cell's
    equations (in table order, once per membership), ``by_eq``/``by_cell`` the same incidence
    as sparse matrices, ``rank`` the order in which cells are preferred as complements
    (:func:`_choose_partner`) and ``settled`` what :func:`_close_single_suppressions` learnt in
    earlier rounds."""

    members: list[np.ndarray]
    entry_eq: np.ndarray  # every membership, equation by equation
    entry_cell: np.ndarray
    eqs_of_cell: dict[int, list[int]]
    by_eq: Any  # scipy.sparse CSR, equations × cells
    by_cell: Any  # scipy.sparse CSR, cells × equations
    rank: np.ndarray
    keep: np.ndarray
    # equations with one suppressed cell and no complement to add (while that cell is alone)
    settled: set[int] = field(default_factory=set)
    settled_mask: np.ndarray | None = None  # the same as a mask over the equations
    # the last group :func:`_unstall` looked around: its cells, the equations holding them
    # and their members, as masks (:func:`_reach`)
    reach: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    # how many suppressed cells each equation holds under the hidden cells ``counted``,
    # updated where cells changed (:meth:`counts_of`)
    counts: np.ndarray | None = None
    counted: np.ndarray | None = None

    @classmethod
    def of(cls, table: LinearTable, min_count: int) -> _Links:
        from scipy.sparse import csr_matrix

        members = table.members()
        entry_eq, entry_cell, _ = table.flat_equations
        n, m = table.size, len(table.equations)
        ones = np.ones(len(entry_eq))
        by_eq = csr_matrix((ones, (entry_eq, entry_cell)), shape=(m, n))
        by_cell = csr_matrix((ones, (entry_cell, entry_eq)), shape=(n, m))
        # the preference of _choose_partner as one number per cell: inner cells before
        # totals; cells >= min_count, smallest first; then small cells, largest first (zeros
        # last); then by index
        values = np.asarray(table.values, dtype=np.int64)
        is_total = np.zeros(n, bool) if table.is_total is None else np.asarray(table.is_total)
        small = values < min_count
        order = np.lexsort((np.arange(n), np.where(small, -values, values), small, is_total))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        keep = np.zeros(n, bool) if table.keep is None else np.asarray(table.keep, bool)
        eqs_of_cell = _equations_of_cells(members)
        return cls(members, entry_eq, entry_cell, eqs_of_cell, by_eq, by_cell, rank, keep)

    def suppressed_counts(self, status: np.ndarray) -> np.ndarray:
        """How many suppressed cells each equation holds (a cell counted once per
        membership)."""
        hidden = status[self.entry_cell] != PUBLISHED
        return np.bincount(self.entry_eq[hidden], minlength=len(self.members))

    def counts_of(self, status: np.ndarray) -> np.ndarray:
        """:meth:`suppressed_counts` of ``status``, from the last call's where cells were
        hidden or published since (the array is kept: the caller updates it as it hides
        cells and calls :meth:`counted_as` when done)."""
        hidden = status != PUBLISHED
        if self.counts is None:
            self.counts = self.suppressed_counts(status)
        else:
            for c in np.flatnonzero(hidden != self.counted).tolist():
                step = 1 if hidden[c] else -1
                for e in self.eqs_of_cell.get(c, ()):
                    self.counts[e] += step
        self.counted = hidden
        return self.counts

    def counted_as(self, status: np.ndarray) -> None:
        """Record that :attr:`counts` now holds the counts of ``status``."""
        self.counted = status != PUBLISHED


def _choose_partner(
    links: _Links, status: np.ndarray, members: np.ndarray, *, allow_keep: bool = False
) -> int | None:
    """The cheapest published member of an equation to suppress as a complement.

    Preference (:attr:`_Links.rank`): inner cells before totals; cells ≥ ``min_count`` (they
    have the slack to hide a primary cell both ways), smallest first; zeros last (they cannot
    absorb an increase). Cells the table asks to keep (:attr:`LinearTable.keep`) only with
    ``allow_keep``.
    """
    members = np.asarray(members, dtype=np.int64)
    ok = status[members] == PUBLISHED
    if not allow_keep:
        ok &= ~links.keep[members]
    if not ok.any():
        return None
    candidates = members[ok]
    return int(candidates[np.argmin(links.rank[candidates])])


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
    links = _Links.of(table, min_count)
    targets = [int(i) for i in np.flatnonzero(small)]
    # the true value is feasible: a 1 is its own low end, a min_count - 1 its own high end
    need_low = {i for i in targets if values[i] > 1}
    need_high = {i for i in targets if values[i] < min_count - 1}
    memory = _Memory(partition=_Partition(table, links), bases=_Bases.of(table))
    # weak cells whose every equation had no cell left for step 3 (no published cell outside
    # ``keep``): a round never publishes a cell, so they have none later either
    closed: set[int] = set()
    for _ in range(2 * table.size + 2):  # each round hides at least one more cell
        _close_single_suppressions(links, status, withheld)
        comps = _certify(table, status, min_count, need_low, need_high, memory)
        weak = sorted(need_low | need_high)
        if not weak:
            return status
        if not closed.issuperset(weak) and _pin_weak_cells(table, status, weak, links, min_count):
            continue
        closed.update(weak)
        # stalled: every equation of the weak cells is fully hidden
        if not _unstall(table, status, weak[0], links, comps):
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
        for j in m.tolist():
            eqs_of_cell.setdefault(j, []).append(k)
    return eqs_of_cell


def _close_single_suppressions(
    links: _Links, status: np.ndarray, withheld: np.ndarray | None = None
) -> None:
    """Step 2: complement every equation holding exactly one suppressed cell (in place).

    A ``withheld`` cell (never published: nothing to protect in it) alone in an equation may
    be derived; the LP check still guards every primary cell it touches.

    Equations are visited in table order, pass after pass until a pass hides nothing, as a
    plain loop over them would; only equations holding one suppressed cell are looked at.
    Hiding never lowers an equation's count, and an equation holding one suppressed cell with
    no complement to choose gets none later while that cell stays alone: such equations are
    remembered (:attr:`_Links.settled`) and skipped in later rounds."""
    count = links.counts_of(status)  # updated below as cells are hidden
    if links.settled_mask is None:
        links.settled_mask = np.zeros(len(links.members), bool)
        links.settled_mask[list(links.settled)] = True
    settled, settled_mask = links.settled, links.settled_mask
    now = np.flatnonzero((count == 1) & ~settled_mask).tolist()  # a heap
    while now:
        later = set()  # equations reaching one suppressed cell behind this pass
        while now:
            k = heapq.heappop(now)
            if count[k] != 1:
                continue
            m = links.members[k]
            sup = m[status[m] != PUBLISHED]
            if withheld is not None and withheld[sup[0]]:
                settled.add(k)
                settled_mask[k] = True
                continue
            partner = _choose_partner(links, status, m)
            if partner is None:
                settled.add(k)
                settled_mask[k] = True
                continue
            status[partner] = SECONDARY
            for e in links.eqs_of_cell.get(partner, ()):
                count[e] += 1
                if count[e] == 1:
                    if e > k:
                        heapq.heappush(now, e)
                    else:
                        later.add(e)
        now = sorted(later)
    links.counted_as(status)


def _suppressed_component(i: int, status: np.ndarray, links: _Links) -> np.ndarray:
    """Suppressed cells reachable from ``i`` through equations, in index order."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    hidden = status[links.entry_cell] != PUBLISHED
    eq_u, cell_u = links.entry_eq[hidden], links.entry_cell[hidden]
    starts = np.ones(len(eq_u), bool)  # every unknown joined to its equation's first
    starts[1:] = eq_u[1:] != eq_u[:-1]
    root = cell_u[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    n = len(status)
    graph = coo_matrix((np.ones(len(cell_u)), (cell_u, root)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.flatnonzero(labels == labels[i])


def _reach(links: _Links, i: int, group: np.ndarray) -> np.ndarray:
    """A mask of every member of every equation that holds a cell of ``group`` (the hidden
    cells tied to ``i``). Groups only grow within one :func:`suppress`, so when the last call
    was for a group holding ``i``, only the equations of the cells new to it are added
    (:attr:`_Links.reach`)."""
    if links.reach is not None and links.reach[0][i]:
        in_group, touching, members = links.reach
        new = group[~in_group[group]]
    else:
        n = len(links.keep)
        in_group, members = np.zeros(n, bool), np.zeros(n, bool)
        touching = np.zeros(len(links.members), bool)
        new = group
    if len(new):
        in_group[new] = True
        eqs = _row_indices(links.by_cell, new)
        eqs = np.unique(eqs[~touching[eqs]])
        touching[eqs] = True
        members[_row_indices(links.by_eq, eqs)] = True
    links.reach = (in_group, touching, members)
    return members


def _row_indices(matrix: Any, rows: np.ndarray) -> np.ndarray:
    """The column indices of the entries of ``rows`` of a CSR ``matrix`` (row by row)."""
    rows = np.asarray(rows, dtype=np.int64)
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    sizes = ends - starts
    offsets = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    return matrix.indices[offsets + np.arange(int(sizes.sum()))]


def _pin_weak_cells(
    table: LinearTable, status: np.ndarray, weak: list[int], links: _Links, min_count: int
) -> bool:
    """Step 3: for each weak cell, hide the cheapest complement of its equations; any hidden?

    An equation with no published cell to hide (outside :attr:`LinearTable.keep`) gets none
    later in the same step (hiding only removes candidates): such equations are found at once
    and skipped."""
    values = np.asarray(table.values)
    free = (status == PUBLISHED) & ~links.keep
    open_eqs = (links.by_eq @ free.astype(float)) > 0
    progressed = False
    for i in weak:
        candidates = [
            p
            for k in links.eqs_of_cell.get(i, [])
            if open_eqs[k] and (p := _choose_partner(links, status, links.members[k])) is not None
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
    links: _Links,
    comps: _Components | None = None,
) -> bool:
    """Step 4: pin the stalled weak cell ``i`` from further away; False if nothing is left.

    ``comps``: the groups of ``status`` if already found (:func:`_certify`)."""
    is_total = table.is_total if table.is_total is not None else np.zeros(table.size, bool)

    def by_total(j: int) -> tuple[bool, int]:
        return (bool(is_total[j]), j)

    neigh = [
        j
        for k in links.eqs_of_cell.get(i, [])
        for j in links.members[k].tolist()
        if status[j] == PRIMARY and j != i
    ]
    if neigh:
        status[max(neigh, key=by_total)] = SECONDARY
        return True
    group = (
        comps.cells(int(comps.labels[i]))
        if isinstance(comps, _Components)
        else _suppressed_component(i, status, links)
    )
    # every member of every equation touching the group (in index order)
    frontier = np.flatnonzero(_reach(links, i, group))
    partner = _choose_partner(links, status, frontier, allow_keep=True)
    if partner is not None:
        status[partner] = SECONDARY
        return True
    primaries = group[status[group] == PRIMARY]
    if len(primaries):
        status[primaries] = SECONDARY
        return True
    return False


# --------------------------------------------------------------------------------------------
# the release-wide plan


@dataclass
class DisclosurePlan:
    """One suppression decision for every count a public output set publishes.

    Per-table suppression protects each table on its own, but a reader holds the whole folder:
    the municipality's total in the lägesbild minus the totals printed in the other area
    reports gives the one area total hidden in its own report. The plan therefore collects
    every published count of the set *once*, under a key naming its dimensions (what is
    counted, area, category, campaign, period...), with every additive relation a reader knows
    between them (row and column totals, municipality = sum of its areas + what lies outside
    them, nested areas), and solves primary and complementary suppression over all of them
    with :func:`suppress` (greedy complements, then verified and extended with the attacker's
    linear programme). Products then look up each cell's status (:meth:`status_of`): the same
    cell gets the same answer in every file, table, header and share of the set.

    Cells added with ``published=False`` are counts no product prints (e.g. the observations
    outside every area): a reader knows only that they are ``≥ 0``.

    Examples
    --------
    Six areas and the municipality; one area's count is 3. Hiding it alone would let a reader
    subtract; the plan hides a second area too.

    >>> plan = DisclosurePlan()
    >>> for area, n in {"A": 3, "B": 11, "C": 19, "D": 18, "E": 40, "F": 22}.items():
    ...     plan.add(("sent", area), n)
    >>> plan.add(("sent", "kommun"), 113)
    >>> plan.relate(("sent", "kommun"), [("sent", a) for a in "ABCDEF"])
    True
    >>> plan = plan.solve()
    >>> [plan.status_of(("sent", a)) for a in "ABCDEF"], plan.primary, plan.secondary
    ([1, 2, 0, 0, 0, 0], 1, 1)
    """

    values: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    unpublished: set = field(default_factory=set)
    coarse: set = field(default_factory=set)
    nested: list = field(default_factory=list)
    covered: list = field(default_factory=list)
    status: dict = field(default_factory=dict)
    _related: set = field(default_factory=set, repr=False)

    def add(self, key: Any, value: int, *, published: bool = True, keep: bool = False) -> None:
        """Add a count cell (a key seen twice must carry the same value; a key added once as
        published stays published); ``keep`` marks a coarse figure (a municipality's or a
        table's total) hidden as a complement only when nothing finer can protect
        (:attr:`LinearTable.keep`)."""
        value = int(value)
        if value < 0:
            raise ValueError(f"count {key!r} is negative")
        if key in self.values and self.values[key] != value:
            raise ValueError(f"cell {key!r} added twice with {self.values[key]} and {value}")
        new = key not in self.values
        self.values[key] = value
        if published:  # printed by any product: published (e.g. a year that is one month)
            self.unpublished.discard(key)
        elif new:
            self.unpublished.add(key)
        if keep:
            self.coarse.add(key)

    def relate(self, total: Any, parts: Sequence[Any], *, rest: Any = None) -> bool:
        """Declare ``total = sum(parts)`` (parts missing from the plan count as 0).

        With ``rest`` (a key), a positive difference ``total − sum(parts)`` becomes an
        unpublished cell under that key (what lies outside the parts). Returns False, and adds
        nothing, when the parts exceed the total (overlapping parts: no equation holds).
        """
        parts = [p for p in parts if p in self.values]
        if total not in self.values or not parts:
            return False
        diff = self.values[total] - sum(self.values[p] for p in parts)
        if diff < 0 or (diff > 0 and rest is None):
            return False
        if diff > 0:
            self.add(rest, diff, published=False)
            parts = [*parts, rest]
        relation = (total, tuple(parts))
        if parts == [total] or relation in self._related:  # nothing new for a reader
            return True
        self._related.add(relation)
        self.relations.append(relation)
        return True

    def nest(self, part: Any, whole: Any) -> None:
        """Declare ``part ≤ whole`` (e.g. the sent observations of a row among all observed).

        Not an equation of the LP: after solving, a part shown as "<5" whose whole is hidden
        is shown as ".." (declare wholes before their parts). A reader then never bounds a
        "<5" by a hidden whole (sent ≤ observed ≤ 4 would narrow "<5" to 1–3), and a part
        under a published whole of at least ``min_count`` keeps its full 1–4."""
        if part in self.values and whole in self.values:
            self.nested.append((part, whole))

    def cover(self, part: Any, wholes: Sequence[Any]) -> None:
        """Declare ``part ≤ sum(wholes)`` (e.g. a grid cell's unsafe signals are among its
        dialogue pins and walk observations).

        Not an equation of the LP (tying every such cell into the solve costs minutes on a
        municipality's grid): after solving, a whole shown as "<5" that a published ``part``
        would bound from below (``part`` minus what the other wholes can hold > 1) is shown
        as ".." instead. A ".." is only known to be ≥ 0, so a lower bound does not narrow
        it, and hiding more never narrows another cell."""
        wholes = [w for w in wholes if w in self.values]
        if part in self.values and wholes:
            self.covered.append((part, tuple(wholes)))

    def _covered_wholes(self, min_count: int) -> None:
        """Show as ".." every "<5" whole a published part would narrow (:meth:`cover`)."""
        for part, wholes in self.covered:
            if self.status[part] != PUBLISHED or part in self.unpublished:
                continue
            for whole in wholes:
                if self.status[whole] != PRIMARY:
                    continue
                others = 0.0
                for w in wholes:
                    s = self.status[w]
                    if w == whole:
                        continue
                    others += (
                        self.values[w]
                        if s == PUBLISHED
                        else (min_count - 1 if s == PRIMARY else np.inf)
                    )
                if self.values[part] - others > 1:
                    self.status[whole] = SECONDARY

    def _table(self) -> tuple[list, LinearTable, np.ndarray]:
        keys = list(self.values)
        pos = {k: i for i, k in enumerate(keys)}
        values = np.array([self.values[k] for k in keys], dtype=np.int64)
        equations = tuple((pos[t], tuple(pos[p] for p in parts)) for t, parts in self.relations)
        is_total = np.zeros(len(keys), bool)
        for t, _ in self.relations:
            is_total[pos[t]] = True
        hidden = np.array([k in self.unpublished for k in keys], dtype=bool)
        keep = np.array([k in self.coarse for k in keys], dtype=bool)
        return keys, LinearTable(values, equations, is_total, keep), hidden

    def solve(self, min_count: int = MIN_COUNT) -> DisclosurePlan:
        """Primary and complementary suppression over every cell and relation (in place)."""
        keys, table, hidden = self._table()
        if not keys:
            return self
        initial = np.where(hidden, SECONDARY, PUBLISHED).astype(np.int8)
        status = suppress(table, min_count, initial=initial)
        # a complementary cell the rest of the folder already determines protects nothing:
        # show it (publishing a value a reader can compute leaves every interval unchanged)
        secondary = {int(i) for i in np.flatnonzero((status == SECONDARY) & ~hidden)}
        if secondary:
            status[sorted(_derivable(table, status, min_count, secondary))] = PUBLISHED
        self.status = {k: int(s) for k, s in zip(keys, status)}
        for part, whole in self.nested:
            if self.status[part] == PRIMARY and self.status[whole] != PUBLISHED:
                self.status[part] = SECONDARY
        self._covered_wholes(min_count)
        return self

    def status_of(self, key: Any) -> int | None:
        """``PUBLISHED``, ``PRIMARY`` or ``SECONDARY`` for a planned cell; None if unplanned."""
        return self.status.get(key)

    def __contains__(self, key: Any) -> bool:
        return key in self.status

    def _published_keys(self) -> list:
        return [k for k in self.status if k not in self.unpublished]

    @property
    def primary(self) -> int:
        """Published cells shown as "<5"."""
        return sum(self.status[k] == PRIMARY for k in self._published_keys())

    @property
    def secondary(self) -> int:
        """Published cells hidden ("..") to protect others."""
        return sum(self.status[k] == SECONDARY for k in self._published_keys())

    def intervals(self, min_count: int = MIN_COUNT) -> dict:
        """The attacker's interval of every suppressed published cell
        (:func:`attacker_intervals`)."""
        keys, table, hidden = self._table()
        status = np.array([self.status[k] for k in keys], dtype=np.int8)
        found = attacker_intervals(table, status, min_count)
        return {keys[i]: iv for i, iv in found.items() if not hidden[i]}


# --------------------------------------------------------------------------------------------
# disclosure report


@dataclass
class DisclosureSummary:
    """What the gate did to one public output set; only aggregate, non-reversible facts."""

    rules: set[str] = field(default_factory=set)
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> kind
    primary: int = 0
    secondary: int = 0
    rates_suppressed: int = 0
    shares_suppressed: int = 0
    raster_cells_blanked: int = 0
    grid_sizes: set[int] = field(default_factory=set)
    columns_dropped: int = 0
    plan_cells: int = 0  # counts solved together by the release-wide plan
    plan_relations: int = 0  # additive relations between them
    plan_scope: str = ""  # the periods the plan covers (one plan per folder)
    min_count: int = MIN_COUNT
    min_population: int = MIN_POPULATION
    min_survey_n: int = MIN_SURVEY_N
    raster_classes: int = RASTER_CLASSES

    def to_dict(self) -> dict:
        return {
            "regler": sorted(self.rules),
            "utdata": dict(sorted(self.outputs.items())),
            "undertryckta_varden_primart": self.primary,
            "undertryckta_varden_sekundart": self.secondary,
            "undertryckta_kvoter": self.rates_suppressed,
            "undertryckta_andelar": self.shares_suppressed,
            "blankade_rasterceller": self.raster_cells_blanked,
            "rutstorlek_m": sorted(self.grid_sizes),
            "minsta_visade_antal": self.min_count,
            "minsta_befolkning_for_kvot": self.min_population,
            "minsta_antal_svar_for_andel": self.min_survey_n,
            "rasterklasser": self.raster_classes,
            "borttagna_kolumner": self.columns_dropped,
            "planerade_antal": self.plan_cells,
            "planerade_samband": self.plan_relations,
            **({"plan": self.plan_scope} if self.plan_scope else {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> DisclosureSummary:
        """Inverse of :meth:`to_dict` (unknown keys ignored)."""
        return cls(
            rules=set(data.get("regler", ())),
            outputs=dict(data.get("utdata", {})),
            primary=int(data.get("undertryckta_varden_primart", 0)),
            secondary=int(data.get("undertryckta_varden_sekundart", 0)),
            rates_suppressed=int(data.get("undertryckta_kvoter", 0)),
            shares_suppressed=int(data.get("undertryckta_andelar", 0)),
            raster_cells_blanked=int(data.get("blankade_rasterceller", 0)),
            grid_sizes=set(data.get("rutstorlek_m", ())),
            columns_dropped=int(data.get("borttagna_kolumner", 0)),
            plan_cells=int(data.get("planerade_antal", 0)),
            plan_relations=int(data.get("planerade_samband", 0)),
            plan_scope=str(data.get("plan", "")),
        )

    def merged(self, other: DisclosureSummary) -> DisclosureSummary:
        """The summary of two output runs published in the same folder."""
        return DisclosureSummary(
            rules=self.rules | other.rules,
            outputs={**self.outputs, **other.outputs},
            primary=self.primary + other.primary,
            secondary=self.secondary + other.secondary,
            rates_suppressed=self.rates_suppressed + other.rates_suppressed,
            shares_suppressed=self.shares_suppressed + other.shares_suppressed,
            raster_cells_blanked=self.raster_cells_blanked + other.raster_cells_blanked,
            grid_sizes=self.grid_sizes | other.grid_sizes,
            columns_dropped=self.columns_dropped + other.columns_dropped,
            plan_cells=self.plan_cells + other.plan_cells,
            plan_relations=self.plan_relations + other.plan_relations,
            plan_scope=other.plan_scope or self.plan_scope,
            min_count=self.min_count,
            min_population=self.min_population,
            min_survey_n=self.min_survey_n,
            raster_classes=self.raster_classes,
        )


def _previous_parts(out: Path) -> list[dict]:
    """The parts (``delmangder``) of the folder's disclosure report so far (none if none)."""
    existing = out / "offentliggorande.json"
    if not existing.exists():
        return []
    try:
        return list(json.loads(existing.read_text(encoding="utf-8")).get("delmangder", []))
    except (OSError, ValueError, AttributeError):
        return []


def plan_conflicts(out: str | Path, summary: DisclosureSummary) -> list[str]:
    """The plans of the files already in folder ``out`` that differ from this run's
    (``summary.plan_scope``), for the parts this run does not rewrite whole.

    One folder, one plan: every command that writes into a public folder solves the same
    plan from its run (:func:`~.products.areas.plan_public_set`), unless it was asked for
    another period (a lägesbild of another year, an EST overview of another month, area
    reports of another period). Its counts would then be protected by a second plan, and a
    count hidden by one could be derived from a file released by the other."""
    if not summary.plan_scope:
        return []
    current = set(summary.outputs)
    return sorted(
        {
            str(p["plan"])
            for p in _previous_parts(Path(out))
            if p.get("plan")
            and p["plan"] != summary.plan_scope
            and not set(p.get("utdata", {})) <= current
        }
    )


def _accumulate(out: Path, summary: DisclosureSummary) -> tuple[DisclosureSummary, list[dict]]:
    """Combine this run with earlier runs published in the same folder.

    Several commands (maps, area reports, the EST overview…) may publish into one folder; the
    folder's report must cover all of them. Each run's summary is kept as a part
    (``delmangder``); a part whose files are all rewritten by this run is replaced, not added.
    """
    parts = _previous_parts(out)
    current = set(summary.outputs)
    parts = [p for p in parts if not set(p.get("utdata", {})) <= current]
    parts.append(summary.to_dict())
    total = DisclosureSummary(
        min_count=summary.min_count,
        min_population=summary.min_population,
        min_survey_n=summary.min_survey_n,
        raster_classes=summary.raster_classes,
    )
    for part in parts:
        total = total.merged(DisclosureSummary.from_dict(part))
    return total, parts


RULE_TEXT: dict[str, tuple[str, str]] = {
    "small_counts": (
        "Antal 1–4 visas som ”<5”; 0 visas som 0.",
        "Counts 1–4 are shown as “<5”; 0 is shown as 0.",
    ),
    "complementary": (
        "Komplementär undertryckning (”..”) över hela mappen på en gång: summor, kommunens "
        "tal och områdenas tal i alla filer räknas tillsammans, så att inget dolt värde kan "
        "räknas fram ur det som publiceras; kontrollerat med linjärprogrammering.",
        "Complementary suppression (“..”) over the whole folder at once: totals, the "
        "municipality's figures and the areas' figures in every file are solved together, "
        "so no hidden value can be derived from what is published; verified by linear "
        "programming.",
    ),
    "rates": (
        "Kvoter visas inte när täljaren är under 5 eller befolkningen under 50.",
        "Rates are withheld when the numerator is below 5 or the population below 50.",
    ),
    "grid": (
        "Endast fördefinierade områden eller rutor om minst 250 m; inga enskilda händelser.",
        "Only predefined areas or grid cells of at least 250 m; no individual events.",
    ),
    "time": ("Månad är den finaste tidsenheten.", "Month is the finest time unit."),
    "sensitive": (
        "Känsliga kategorier redovisas bara för hela kommunen.",
        "Sensitive categories are reported for the whole municipality only.",
    ),
    "survey": (
        "Andelar från enkäter och dialoger visas bara när minst 10 har svarat.",
        "Survey and dialogue shares are shown only with at least 10 responses.",
    ),
    "free_text": ("Ingen fritext publiceras.", "No free text is published."),
    "raster": (
        "Täthetsytor: celler med stöd av färre än 5 händelser är tomma och värdena är "
        "indelade i klasser 1–5.",
        "Density surfaces: cells supported by fewer than 5 events are blank and values "
        "are shown as classes 1–5.",
    ),
    "allowlist": (
        "Endast godkända fält publiceras; all text är teckenskyddad.",
        "Only approved fields are published; all text is escaped.",
    ),
    "metadata": (
        "Metadata innehåller inga användarnamn, sökvägar eller datornamn.",
        "Metadata contains no user names, paths or host names.",
    ),
}


def _report_facts(summary: DisclosureSummary) -> Sequence[tuple[str, object]]:
    """The rows of the disclosure report's table of facts."""
    return [
        (tr("Minsta visade antal", "Smallest count shown"), summary.min_count),
        (
            tr("Rutstorlek", "Grid cell size"),
            ", ".join(f"{s} m" for s in sorted(summary.grid_sizes)) or "–",
        ),
        (tr("Värden visade som ”<5”", "Values shown as “<5”"), summary.primary),
        (
            tr(
                "Värden dolda (”..”) för att skydda andra", "Values hidden (“..”) to protect others"
            ),
            summary.secondary,
        ),
        (
            tr("Antal skyddade tillsammans (samband)", "Counts protected together (relations)"),
            f"{summary.plan_cells} ({summary.plan_relations})",
        ),
        (tr("Undertryckta kvoter", "Rates withheld"), summary.rates_suppressed),
        (tr("Undertryckta andelar", "Shares withheld"), summary.shares_suppressed),
        (tr("Tomma rasterceller", "Blank raster cells"), summary.raster_cells_blanked),
    ]


def write_disclosure_report(
    out_dir: str | Path, summary: DisclosureSummary, *, title: str | None = None
) -> list[Path]:
    """Write ``offentliggorande.html`` and ``offentliggorande.json`` into a public output folder.

    Parameters
    ----------
    out_dir : str or Path
        The public output folder.
    summary : DisclosureSummary
        Aggregate facts collected by the gate (:attr:`Gate.summary`).
    title : str, optional
        Heading; default "Röjandekontroll – så har uppgifterna skyddats".

    Returns
    -------
    list of Path
        The two files written.

    Notes
    -----
    Contains only which rules were applied, totals of suppressed values, grid sizes and
    thresholds. Never bandwidths, seeds, class breaks or which cells were suppressed.
    """
    from .._clock import today
    from .safe_text import html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary, parts = _accumulate(out, summary)
    data = summary.to_dict()
    data["publicerad_manad"] = today().strftime("%Y-%m")
    data["delmangder"] = parts
    (out / "offentliggorande.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    heading = title or tr(
        "Röjandekontroll – så har uppgifterna skyddats",
        "Disclosure control – how the figures were protected",
    )
    rules = [RULE_TEXT[r] for r in sorted(summary.rules) if r in RULE_TEXT]
    rule_items = "\n".join(f"<li>{html(tr(sv, en))}</li>" for sv, en in rules)
    facts = _report_facts(summary)
    rows = "\n".join(f"<tr><th>{html(k)}</th><td>{html(v)}</td></tr>" for k, v in facts)
    files = "\n".join(f"<li>{html(name)}</li>" for name in sorted(summary.outputs))
    page = f"""<!DOCTYPE html>
<html lang="{html(tr("sv", "en"))}">
<head><meta charset="utf-8"><meta name="tryggaplatser-mode" content="public">
<title>{html(heading)}</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.4}}
th{{text-align:left;padding-right:2em}}</style></head>
<body>
<h1>{html(heading)}</h1>
<p>{
        html(
            tr(
                "Uppgifterna i den här mappen har gått igenom tryggaplatsers publiceringsgrind i "
                "publikt läge. Följande regler har tillämpats:",
                "The outputs in this folder passed tryggaplatser's publishing gate in public "
                "mode. These rules were applied:",
            )
        )
    }</p>
<ul>
{rule_items}
</ul>
<table>
{rows}
</table>
<h2>{html(tr("Filer", "Files"))}</h2>
<ul>
{files}
</ul>
<p>{
        html(
            tr(
                "Teckenförklaring: ”<5” = 1–4; ”..” = dolt för att skydda ett annat värde; "
                "0 = inga händelser.",
                "Key: “<5” = 1–4; “..” = hidden to protect another value; 0 = no events.",
            )
        )
    }</p>
</body>
</html>
"""
    (out / "offentliggorande.html").write_text(page, encoding="utf-8")
    return [out / "offentliggorande.html", out / "offentliggorande.json"]
