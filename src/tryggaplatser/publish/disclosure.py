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

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ..i18n import tr

__all__ = [
    "PRIMARY",
    "PUBLISHED",
    "SECONDARY",
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
    """

    values: np.ndarray
    equations: tuple[tuple[int, tuple[int, ...]], ...] = ()
    is_total: np.ndarray | None = None

    def __post_init__(self):
        values = np.asarray(self.values)
        if values.ndim != 1:
            raise ValueError("values must be one-dimensional")
        if (values < 0).any():
            raise ValueError("counts must be non-negative")
        for total, parts in self.equations:
            if int(values[total]) != int(values[list(parts)].sum()):
                raise ValueError(f"equation {total} = sum{tuple(parts)} does not hold")

    @property
    def size(self) -> int:
        return len(self.values)

    def members(self) -> list[np.ndarray]:
        """Index arrays of every equation (total first)."""
        return [np.array([t, *p], dtype=int) for t, p in self.equations]


def _bounds(values: np.ndarray, status: np.ndarray, min_count: int) -> list[tuple]:
    out = []
    for v, s in zip(values, status):
        if s == PRIMARY:
            out.append((1.0, float(min_count - 1)))
        elif s == SECONDARY:
            out.append((0.0, None))
        else:
            out.append((float(v), float(v)))
    return out


def attacker_intervals(table: LinearTable, status: np.ndarray, min_count: int = 5, *,
                       targets: set[int] | None = None) -> dict[int, tuple[float, float]]:
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
    from scipy.optimize import linprog

    values = np.asarray(table.values, dtype=float)
    status = np.asarray(status)
    suppressed = np.flatnonzero(status != PUBLISHED)
    bounds = _bounds(values, status, min_count)
    # equations restricted to suppressed unknowns: sum(coef * x) = rhs
    eqs: list[tuple[np.ndarray, np.ndarray, float]] = []
    for total, parts in table.equations:
        idx = np.array([total, *parts], dtype=int)
        coef = np.array([-1.0] + [1.0] * len(parts))
        unknown = status[idx] != PUBLISHED
        if not unknown.any():
            continue
        rhs = -float((coef[~unknown] * values[idx[~unknown]]).sum())
        eqs.append((idx[unknown], coef[unknown], rhs))
    # connected components of suppressed cells through shared equations (union-find)
    parent = {int(i): int(i) for i in suppressed}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for idx, _, _ in eqs:
        root = find(int(idx[0]))
        for j in idx[1:]:
            parent[find(int(j))] = root
    groups: dict[int, list[int]] = {}
    for i in suppressed:
        groups.setdefault(find(int(i)), []).append(int(i))
    eqs_of: dict[int, list[int]] = {}
    for k, (idx, _, _) in enumerate(eqs):
        eqs_of.setdefault(find(int(idx[0])), []).append(k)

    result: dict[int, tuple[float, float]] = {}
    for root, cells in groups.items():
        ek = eqs_of.get(root, [])
        lo_b = {i: bounds[i][0] for i in cells}
        hi_b = {i: (np.inf if bounds[i][1] is None else bounds[i][1]) for i in cells}
        if not ek:
            for i in cells:
                result[i] = (lo_b[i], hi_b[i])
            continue
        if len(ek) == 1:
            idx, coef, rhs = eqs[ek[0]]
            # sum c_j x_j = rhs with c_j = ±1: bound x_i by the extremes of the others
            mins = np.array([lo_b[j] if c > 0 else -hi_b[j] for j, c in zip(idx, coef)])
            maxs = np.array([hi_b[j] if c > 0 else -lo_b[j] for j, c in zip(idx, coef)])
            fin_min, fin_max = np.isfinite(mins), np.isfinite(maxs)
            smin, smax = mins[fin_min].sum(), maxs[fin_max].sum()
            ninf_min, ninf_max = int((~fin_min).sum()), int((~fin_max).sum())
            for k, (i, c) in enumerate(zip(idx, coef)):
                # sum over the other members, with infinite bounds counted separately
                other_min = (-np.inf if ninf_min - (not fin_min[k]) > 0
                             else smin - (mins[k] if fin_min[k] else 0.0))
                other_max = (np.inf if ninf_max - (not fin_max[k]) > 0
                             else smax - (maxs[k] if fin_max[k] else 0.0))
                a, b = rhs - other_max, rhs - other_min  # range of c*x_i
                lo, hi = (a, b) if c > 0 else (-b, -a)
                result[int(i)] = (max(lo_b[int(i)], lo), min(hi_b[int(i)], hi))
            continue
        pos = {c: k for k, c in enumerate(cells)}
        a_eq = np.zeros((len(ek), len(cells)))
        b_eq = np.zeros(len(ek))
        for r, k in enumerate(ek):
            idx, coef, rhs = eqs[k]
            for j, c in zip(idx, coef):
                a_eq[r, pos[int(j)]] += c
            b_eq[r] = rhs
        var_bounds = [(lo_b[i], None if np.isinf(hi_b[i]) else hi_b[i]) for i in cells]
        for i in cells:
            if targets is not None and i not in targets:
                continue
            c = np.zeros(len(cells))
            c[pos[i]] = 1.0
            lo_res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
            hi_res = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
            lo = lo_res.fun if lo_res.status == 0 else lo_b[i]
            # status 3 = unbounded above
            hi = (np.inf if hi_res.status == 3 else
                  -hi_res.fun if hi_res.status == 0 else hi_b[i])
            result[i] = (float(lo), float(hi))
    return result


def _is_protected(interval: tuple[float, float], min_count: int) -> bool:
    lo, hi = interval
    return lo <= 1 + _EPS and hi >= (min_count - 1) - _EPS


def _choose_partner(table: LinearTable, status: np.ndarray, members: np.ndarray,
                    min_count: int, exclude: Iterable[int] = ()) -> int | None:
    """The cheapest published member of an equation to suppress as a complement.

    Preference: inner cells before totals; cells ≥ ``min_count`` (they have the slack to hide a
    primary cell both ways), smallest first; zeros last (they cannot absorb an increase).
    """
    exclude = set(exclude)
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


def suppress(table: LinearTable, min_count: int = 5, *, max_rounds: int = 10_000) -> np.ndarray:
    """Primary and complementary cell suppression, verified by the attacker's LP.

    Parameters
    ----------
    table : LinearTable
        Cells (inner cells and published totals) and the equations linking them.
    min_count : int
        Counts ``1 … min_count − 1`` are primary-suppressed (shown as "<5").
    max_rounds : int
        Safety limit on the verification loop.

    Returns
    -------
    numpy.ndarray
        Status per cell: ``PUBLISHED`` (0), ``PRIMARY`` (1) or ``SECONDARY`` (2).

    Notes
    -----
    1. Primary: ``1 ≤ v < min_count``.
    2. No equation may contain exactly one suppressed cell (it would follow by subtraction):
       add the cheapest complement (:func:`_choose_partner`) until none does.
    3. Verify with :func:`attacker_intervals`; for every primary cell still narrower than
       ``[1, min_count − 1]``, suppress one more member of one of its equations. When every
       member of its equations is already suppressed, a neighbouring "<5" cell is shown as ".."
       instead (which removes the known bounds that pinned it). Repeat until verified.
    """
    values = np.asarray(table.values)
    small = (values >= 1) & (values < min_count)
    status = np.where(small, PRIMARY, PUBLISHED).astype(np.int8)
    if not small.any():
        return status
    members = table.members()
    targets = {int(i) for i in np.flatnonzero(small)}
    is_total = table.is_total if table.is_total is not None else np.zeros(table.size, bool)

    def by_total(j: int) -> tuple[bool, int]:
        return (bool(is_total[j]), j)

    eqs_of_cell: dict[int, list[int]] = {}
    for k, m in enumerate(members):
        for j in m:
            eqs_of_cell.setdefault(int(j), []).append(k)

    def close_single_suppressions() -> None:
        changed = True
        while changed:
            changed = False
            for m in members:
                sup = m[status[m] != PUBLISHED]
                if len(sup) == 1:
                    partner = _choose_partner(table, status, m, min_count)
                    if partner is not None:
                        status[partner] = SECONDARY
                        changed = True

    for _ in range(max_rounds):
        close_single_suppressions()
        intervals = attacker_intervals(table, status, min_count, targets=targets)
        weak = [i for i, iv in intervals.items()
                if small[i] and not _is_protected(iv, min_count)]
        if not weak:
            return status
        progressed = False
        for i in weak:
            candidates = []
            for k in eqs_of_cell.get(i, []):
                p = _choose_partner(table, status, members[k], min_count)
                if p is not None:
                    candidates.append(p)
            if candidates:
                status[min(candidates, key=lambda j: (int(table.values[j]) < min_count,
                                                      int(table.values[j])))] = SECONDARY
                progressed = True
        if not progressed:
            # every equation around the weak cells is fully suppressed: the "<5" bounds pin them;
            # show one "<5" neighbour (preferably a total) as ".." to remove its known bounds
            i = weak[0]
            neigh = [int(j) for k in eqs_of_cell.get(i, []) for j in members[k]
                     if status[int(j)] == PRIMARY and int(j) != i]
            group = {int(j) for w in weak for k in eqs_of_cell.get(w, []) for j in members[k]}
            prim_group = [j for j in group if status[j] == PRIMARY]
            pub_group = [j for j in group if status[j] == PUBLISHED and values[j] > 0]
            prim_all = [j for j in range(table.size) if status[j] == PRIMARY]
            pub_all = [j for j in range(table.size) if status[j] == PUBLISHED and values[j] > 0]
            if neigh:
                status[max(neigh, key=by_total)] = SECONDARY
            elif status[i] == PRIMARY:
                status[i] = SECONDARY
            elif prim_group:
                status[max(prim_group, key=by_total)] = SECONDARY
            elif pub_group:
                status[pub_group] = SECONDARY
            elif prim_all:
                status[max(prim_all, key=by_total)] = SECONDARY
            elif pub_all:
                status[pub_all] = SECONDARY
            else:
                return status  # everything non-zero is hidden: nothing left to derive
    raise RuntimeError("cell suppression did not converge")  # pragma: no cover


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
    min_count: int = 5
    min_population: int = 50
    min_survey_n: int = 10
    raster_classes: int = 5

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
        }


RULE_TEXT: dict[str, tuple[str, str]] = {
    "small_counts": ("Antal 1–4 visas som ”<5”; 0 visas som 0.",
                     "Counts 1–4 are shown as “<5”; 0 is shown as 0."),
    "complementary": ("Komplementär undertryckning (”..”) där summor eller överlappande områden "
                      "publiceras, så att inget dolt värde kan räknas fram; kontrollerat med "
                      "linjärprogrammering.",
                      "Complementary suppression (“..”) wherever totals or overlapping areas are "
                      "published so no hidden value can be derived; verified by linear "
                      "programming."),
    "rates": ("Kvoter visas inte när täljaren är under 5 eller befolkningen under 50.",
              "Rates are withheld when the numerator is below 5 or the population below 50."),
    "grid": ("Endast fördefinierade områden eller rutor om minst 250 m; inga enskilda händelser.",
             "Only predefined areas or grid cells of at least 250 m; no individual events."),
    "time": ("Månad är den finaste tidsenheten.", "Month is the finest time unit."),
    "sensitive": ("Känsliga kategorier redovisas bara för hela kommunen.",
                  "Sensitive categories are reported for the whole municipality only."),
    "survey": ("Andelar från enkäter och dialoger visas bara när minst 10 har svarat.",
               "Survey and dialogue shares are shown only with at least 10 responses."),
    "free_text": ("Ingen fritext publiceras.", "No free text is published."),
    "raster": ("Täthetsytor: celler med stöd av färre än 5 händelser är tomma och värdena är "
               "indelade i klasser 1–5.",
               "Density surfaces: cells supported by fewer than 5 events are blank and values "
               "are shown as classes 1–5."),
    "allowlist": ("Endast godkända fält publiceras; all text är teckenskyddad.",
                  "Only approved fields are published; all text is escaped."),
    "metadata": ("Metadata innehåller inga användarnamn, sökvägar eller datornamn.",
                 "Metadata contains no user names, paths or host names."),
}


def write_disclosure_report(out_dir: str | Path, summary: DisclosureSummary, *,
                            title: str | None = None) -> list[Path]:
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
    from .safe_text import html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = summary.to_dict()
    data["publicerad_manad"] = date.today().strftime("%Y-%m")
    (out / "offentliggorande.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    heading = title or tr("Röjandekontroll – så har uppgifterna skyddats",
                          "Disclosure control – how the figures were protected")
    rules = [RULE_TEXT[r] for r in sorted(summary.rules) if r in RULE_TEXT]
    rule_items = "\n".join(f"<li>{html(tr(sv, en))}</li>" for sv, en in rules)
    facts: Sequence[tuple[str, object]] = [
        (tr("Minsta visade antal", "Smallest count shown"), summary.min_count),
        (tr("Rutstorlek", "Grid cell size"),
         ", ".join(f"{s} m" for s in sorted(summary.grid_sizes)) or "–"),
        (tr("Värden visade som ”<5”", "Values shown as “<5”"), summary.primary),
        (tr("Värden dolda (”..”) för att skydda andra", "Values hidden (“..”) to protect others"),
         summary.secondary),
        (tr("Undertryckta kvoter", "Rates withheld"), summary.rates_suppressed),
        (tr("Undertryckta andelar", "Shares withheld"), summary.shares_suppressed),
        (tr("Tomma rasterceller", "Blank raster cells"), summary.raster_cells_blanked),
    ]
    rows = "\n".join(f"<tr><th>{html(k)}</th><td>{html(v)}</td></tr>" for k, v in facts)
    files = "\n".join(f"<li>{html(name)}</li>" for name in sorted(summary.outputs))
    page = f"""<!DOCTYPE html>
<html lang="{html(tr('sv', 'en'))}">
<head><meta charset="utf-8"><meta name="tryggaplatser-mode" content="public">
<title>{html(heading)}</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.4}}
th{{text-align:left;padding-right:2em}}</style></head>
<body>
<h1>{html(heading)}</h1>
<p>{html(tr("Uppgifterna i den här mappen har gått igenom tryggaplatsers publiceringsgrind i "
            "publikt läge. Följande regler har tillämpats:",
            "The outputs in this folder passed tryggaplatser's publishing gate in public "
            "mode. These rules were applied:"))}</p>
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
<p>{html(tr("Teckenförklaring: ”<5” = 1–4; ”..” = dolt för att skydda ett annat värde; "
            "0 = inga händelser.",
            "Key: “<5” = 1–4; “..” = hidden to protect another value; 0 = no events."))}</p>
</body>
</html>
"""
    (out / "offentliggorande.html").write_text(page, encoding="utf-8")
    return [out / "offentliggorande.html", out / "offentliggorande.json"]
