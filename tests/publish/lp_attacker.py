"""A linear-programming attacker on a whole public folder (test helper, independent of the code
under test: it reads only the files, never the plan).

It reads the walk and dialogue tables of every area report and the lägesbild (HTML), the
area reports' category tables (HTML), and the indicator tables (CSV and every workbook sheet),
the year, seasonal and grid-cell tables, the perception-gap counts per area (table and
sentence), the location-precision and consequence tables and the counts of the methods boxes,
and (:func:`attack_spatial`) the GeoPackages, ``hotspots.json``, the EST overview and the maps'
popups: incident, walk-observation and dialogue cells of the area maps, street stretches.
It does what a reader with the folder and a spreadsheet could do. Every published count becomes
a variable: a number fixes it, "<5" bounds it to 1–4, ".." to ≥ 0. The same count printed in
two files (an area's walk total in its report, the municipality's in the lägesbild, the
indicator CSV and the workbook) is one variable. The relations a reader knows are added:

* a table's total row = the sum of its rows;
* the municipality ≥ the sum of its areas (= when the reader is told nothing lies outside);
* nested areas: parent = sum of children;
* a published share p (rounded) of a published or bounded denominator d bounds its numerator:
  (p − ½ unit)·d ≤ x ≤ (p + ½ unit)·d;
* in a walk row: resolved ≤ sent ≤ observed and unsafe ≤ observed;
* the area maps' walk cells add up to at most the municipality's walk total (resolved ones to
  its resolved), their dialogue cells to at most the campaigns' answers, and a cell's resolved
  observations are among its observations (:func:`relate_map_cells`).

For every suppressed cell it solves min x and max x with HiGHS (:func:`scipy.optimize.linprog`).
A cell is *determined* when max − min < 1 (its integer value follows) and *narrowed* when the
interval of a "<5" cell no longer covers 1–4.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

SMALL, HIDDEN = "<5", ".."
MUNICIPALITY = "kommun"


@dataclass
class Attack:
    """Published cells, markers and relations of one folder."""

    known: dict = field(default_factory=dict)  # key -> value
    marked: dict = field(default_factory=dict)  # key -> "<5" / ".."
    equations: list = field(default_factory=list)  # (total, parts)
    at_least: list = field(default_factory=list)  # (total, parts): total >= sum(parts)
    shares: list = field(default_factory=list)  # (numerator, denominator, low, high)
    not_above: list = field(default_factory=list)  # (small, big): small <= big, always
    conflicts: list = field(default_factory=list)

    # -- reading --------------------------------------------------------------------------
    def cell(self, key: Hashable, text: object) -> bool:
        """Record a printed count; False when ``text`` is not a count or a marker."""
        value = parse_count(text)
        if value is None:
            return False
        if isinstance(value, str):
            if key not in self.known:
                prev = self.marked.get(key)
                self.marked[key] = SMALL if SMALL in (prev, value) else value
            return True
        if key in self.known and self.known[key] != value:
            self.conflicts.append((key, self.known[key], value))
        self.known[key] = value
        self.marked.pop(key, None)
        return True

    def share(self, numerator: Hashable, denominator: Hashable, text: object) -> None:
        """A printed share "61 %" of two counts (the numerator becomes a variable)."""
        if str(text).strip() == HIDDEN:  # a withheld share: its numerator is a hidden count
            self.cell(numerator, HIDDEN)
            return
        m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*%\s*", str(text))
        if not m:
            return
        raw = m.group(1).replace(",", ".")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        p, half = float(raw) / 100, 0.5 * 10.0**-decimals / 100
        self.shares.append((numerator, denominator, max(0.0, p - half), p + half))

    # -- solving --------------------------------------------------------------------------
    def _relations(self) -> list[tuple[str, list, float, float]]:
        """Every relation as ``(kind, cells, low, high)``: ``eq`` total = Σ parts, ``ge``
        total ≥ Σ parts (cells = [total, *parts]); ``le`` cells[0] ≤ cells[1]; ``share``
        low·den ≤ num ≤ high·den (cells = [num, den])."""
        out = [("eq", [t, *ps], 0.0, 0.0) for t, ps in self.equations]
        out += [("ge", [t, *ps], 0.0, 0.0) for t, ps in self.at_least]
        out += [("le", [s, b], 0.0, 0.0) for s, b in self.not_above]
        out += [("share", [n, d], lo, hi) for n, d, lo, hi in self.shares]
        return out

    def intervals(self) -> dict:
        """``{key: (min, max)}`` for every cell printed only as "<5" or "..".

        The municipality's relations to its areas are tried as equalities first (a reader who
        assumes nothing lies outside the areas, as the issue's attack did) and kept as
        inequalities for a family of counts whose equalities the folder contradicts."""
        out = {}
        for members, relations in _components(self._relations(), self):
            targets = [k for k in members if k in self.marked and k not in self.known]
            if targets and not relations:  # a lone cell ranges over its bounds: no LP needed
                ((lower, upper),) = self._bounds(targets)
                out[targets[0]] = (float(lower), math.inf if upper is None else float(upper))
            elif targets:
                out.update(self._solve(members, relations, targets))
        return out

    def _bounds(self, members: list) -> list[tuple]:
        bounds = []
        for k in members:
            if k in self.known:
                bounds.append((self.known[k], self.known[k]))
            elif self.marked.get(k) == SMALL:
                bounds.append((1, 4))
            else:
                bounds.append((0, None))
        return bounds

    def _solve(self, members: list, relations: list, targets: list) -> dict:
        """Min and max of every target over the component's relations (HiGHS). A bound an
        earlier solution already attains needs no LP of its own (the interval is exact)."""
        from scipy.sparse import csr_matrix

        pos = {k: i for i, k in enumerate(members)}
        n = len(members)
        bounds = self._bounds(members)
        rows: dict[str, list[dict]] = {"eq": [], "ge": [], "ub": []}
        for kind, cells, low, high in relations:
            if kind in ("eq", "ge"):  # Σ parts − total (= 0 or ≤ 0)
                r = {}
                for c in cells[1:]:
                    r[pos[c]] = r.get(pos[c], 0.0) + 1.0
                r[pos[cells[0]]] = r.get(pos[cells[0]], 0.0) - 1.0
                rows[kind].append(r)
            elif kind == "le":
                rows["ub"].append({pos[cells[0]]: 1.0, pos[cells[1]]: -1.0})
            else:  # num − high·den ≤ 0 and low·den − num ≤ 0
                num, den = pos[cells[0]], pos[cells[1]]
                rows["ub"].append({num: 1.0, den: -high})
                rows["ub"].append({num: -1.0, den: low})

        def matrix(rs: list[dict]):
            if not rs:
                return None
            data = [(i, j, v) for i, r in enumerate(rs) for j, v in r.items()]
            i, j, v = zip(*data, strict=True)
            return csr_matrix((v, (i, j)), shape=(len(rs), n))

        for strict in (True, False):
            a_eq = rows["eq"] + (rows["ge"] if strict else [])
            a_ub = rows["ub"] + ([] if strict else rows["ge"])
            kw = {
                "A_eq": matrix(a_eq),
                "b_eq": np.zeros(len(a_eq)) if a_eq else None,
                "A_ub": matrix(a_ub),
                "b_ub": np.zeros(len(a_ub)) if a_ub else None,
                "bounds": bounds,
                "method": "highs",
            }
            probe = linprog(np.zeros(n), **kw)
            if probe.status == 0:
                break
        assert probe.status == 0, f"the published folder is inconsistent ({probe.message})"
        seen_lo, seen_hi = probe.x.copy(), probe.x.copy()  # values solutions attain
        # solutions that push every target still short of its bound down (up) at once: a
        # target that attains its bound in one needs no LP of its own (rounds while they help)
        lower = np.array([np.nan if b[0] is None else b[0] for b in bounds], dtype=float)
        upper = np.array([np.nan if b[1] is None else b[1] for b in bounds], dtype=float)
        idx = np.array([pos[k] for k in targets])
        for sign, seen, bound in ((1, seen_lo, lower), (-1, seen_hi, upper)):
            while True:
                open_ = idx[~(np.abs(seen[idx] - bound[idx]) < 1e-9) & ~np.isnan(bound[idx])]
                if len(open_) < 2:
                    break
                c = np.zeros(n)
                c[open_] = sign
                res = linprog(c, **kw)
                if res.status != 0:
                    break
                np.minimum(seen_lo, res.x, out=seen_lo)
                np.maximum(seen_hi, res.x, out=seen_hi)
                if not (np.abs(seen[open_] - bound[open_]) < 1e-9).any():
                    break
        out = {}
        for k in targets:
            i = pos[k]
            lower, upper = bounds[i]
            c = np.zeros(n)
            c[i] = 1
            values = []
            for sign, attained, bound in ((1, seen_lo[i], lower), (-1, seen_hi[i], upper)):
                if bound is not None and abs(attained - bound) < 1e-9:
                    values.append(float(bound))  # a solution attains the bound: exact
                    continue
                res = linprog(sign * c, **kw)
                if res.status == 3:  # unbounded
                    values.append(math.inf)
                    continue
                np.minimum(seen_lo, res.x, out=seen_lo)
                np.maximum(seen_hi, res.x, out=seen_hi)
                values.append(float(sign * res.fun))
            out[k] = (values[0], values[1])
        return out


def _components(relations: list, attack: Attack) -> list[tuple[list, list]]:
    """Groups of variables tied by relations (published values tie nothing: they are fixed),
    each with its relations and the fixed cells they name."""
    free_keys = sorted(
        {c for _, cells, _, _ in relations for c in cells if c not in attack.known}
        | (set(attack.marked) - set(attack.known)),
        key=repr,
    )
    pos = {k: i for i, k in enumerate(free_keys)}
    parent = list(range(len(free_keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, cells, _, _ in relations:
        free = [pos[c] for c in cells if c not in attack.known]
        for j in free[1:]:
            parent[find(j)] = find(free[0])
    groups: dict[int, tuple[set, list]] = {}
    for k in free_keys:
        groups.setdefault(find(pos[k]), (set(), []))[0].add(k)
    for relation in relations:
        free = [c for c in relation[1] if c not in attack.known]
        if free:
            members, rels = groups[find(pos[free[0]])]
            members.update(relation[1])  # a group needs the fixed cells of its relations too
            rels.append(relation)
    return [(sorted(members, key=repr), rels) for members, rels in groups.values()]


def determined(intervals: dict) -> dict:
    """The cells whose value follows from the folder (interval narrower than 1)."""
    return {k: iv for k, iv in intervals.items() if iv[1] - iv[0] < 1 - 1e-6}


def narrowed(intervals: dict, marked: dict) -> dict:
    """The "<5" cells whose interval no longer covers 1–4."""
    return {
        k: iv
        for k, iv in intervals.items()
        if marked.get(k) == SMALL and (iv[0] > 1 + 1e-6 or iv[1] < 4 - 1e-6)
    }


def parse_count(text: object) -> int | str | None:
    """A printed count: an int, "<5", ".." or None (not a count)."""
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, np.integer)):
        return int(text)
    if isinstance(text, float):
        return int(text) if text.is_integer() else None
    s = str(text).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if s in (SMALL, HIDDEN):
        return s
    return int(s) if re.fullmatch(r"\d+", s) else None


# ---------------------------------------------------------------------------------------------
# readers


class _Tables(HTMLParser):
    """Every ``<table>`` of a page as (caption, header row, body rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            target = self.tables[-1]
            if target["headers"]:
                target["rows"].append(self._row)
            else:
                target["headers"] = self._row
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(path: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def _scope(path: Path) -> str:
    """The area a report is about (its file name's slug); the lägesbild is the municipality."""
    name = path.stem
    return MUNICIPALITY if name.startswith("lagesbild") else name.removeprefix("omrade_")


_WALK_COLUMNS = {"Antal": "n", "Otrygga": "n_otrygg", "Skickade": "n_sent", "Åtgärdade": "n_ok"}


def read_walk_tables(attack: Attack, folder: Path) -> dict[str, list[str]]:
    """Walk tables of every area report and the lägesbild: cells, totals and the shares
    "Åtgärdsgrad" (resolved / sent). Returns the problem rows seen per scope."""
    seen: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.html")):
        scope = _scope(path)
        for t in html_tables(path):
            if not t["caption"].startswith("Trygghetsvandringarnas observationer"):
                continue
            head = t["headers"]
            rows = [r for r in t["rows"] if len(r) == len(head)]
            labels = [r[0] for r in rows if r[0] != "Totalt"]
            seen[scope] = labels
            for r in rows:
                for h, v in zip(head, r):
                    if h in _WALK_COLUMNS:
                        attack.cell(("walks", _WALK_COLUMNS[h], scope, r[0]), v)
                if "Åtgärdsgrad" in head:
                    v = r[head.index("Åtgärdsgrad")]
                    attack.share(
                        ("walks", "n_ok", scope, r[0]), ("walks", "n_sent", scope, r[0]), v
                    )
            for m in _WALK_COLUMNS.values():
                attack.equations.append(
                    (("walks", m, scope, "Totalt"), [("walks", m, scope, lab) for lab in labels])
                )
            for lab in [*labels, "Totalt"]:  # resolved ≤ sent ≤ observed, unsafe ≤ observed
                for small, big in (("n_ok", "n_sent"), ("n_sent", "n"), ("n_otrygg", "n")):
                    attack.not_above.append(
                        (("walks", small, scope, lab), ("walks", big, scope, lab))
                    )
    areas = [s for s in seen if s != MUNICIPALITY]
    if MUNICIPALITY in seen:
        for m in _WALK_COLUMNS.values():
            for lab in [*seen[MUNICIPALITY], "Totalt"]:
                parts = [("walks", m, a, lab) for a in areas if lab == "Totalt" or lab in seen[a]]
                attack.at_least.append((("walks", m, MUNICIPALITY, lab), parts))
    return seen


def read_dialogue_tables(attack: Attack, folder: Path) -> None:
    """Dialogue tables: answered pins and share unsafe per campaign; the reasons and times of
    day as shares of the unsafe pins, whose number is in the column header "(n=…)"."""
    scopes: dict[str, set] = {}
    for path in sorted(folder.glob("*.html")):
        scope = _scope(path)
        for t in html_tables(path):
            head = t["headers"]
            if head[:2] == ["Kampanj", "Antal svar (n)"]:
                for r in t["rows"]:
                    camp = r[0]
                    attack.cell(("dialogue", "n", scope, camp), r[1])
                    attack.share(
                        ("dialogue", "n_otrygg", scope, camp), ("dialogue", "n", scope, camp), r[2]
                    )
                    scopes.setdefault(scope, set()).update({("n", camp), ("n_otrygg", camp)})
            elif head and head[0] in ("Skäl", "Tid på dygnet"):
                for j, h in enumerate(head[1:], start=1):
                    m = re.fullmatch(r"(.+) \(n(?:=(.+)|<5)\)", h)
                    if not m:
                        continue
                    camp = m.group(1)
                    attack.cell(("dialogue", "n_otrygg", scope, camp), m.group(2) or SMALL)
                    for r in t["rows"]:
                        key = ("dialogue", (head[0], r[0]), scope, camp)
                        attack.share(key, ("dialogue", "n_otrygg", scope, camp), r[j])
                        scopes.setdefault(scope, set()).add(((head[0], r[0]), camp))
    for measure, camp in scopes.get(MUNICIPALITY, ()):
        parts = [
            ("dialogue", measure, a, camp)
            for a, ms in scopes.items()
            if a != MUNICIPALITY and (measure, camp) in ms
        ]
        attack.at_least.append((("dialogue", measure, MUNICIPALITY, camp), parts))


def read_category_tables(attack: Attack, folder: Path, stem: str = "indikatorer") -> None:
    """The indicator tables (CSV and the workbook's sheets): area × category with margins
    (area "totalt" = all areas) and the municipality per category (≥ the areas' total)."""
    rows = _csv_rows(folder / f"{stem}_omraden_kategorier.csv")
    rows += _xlsx_rows(folder / f"{stem}.xlsx", "Områden och kategorier")
    areas, cats = set(), set()
    for r in rows:
        a, c = str(r.get("area_id")), str(r.get("category"))
        if attack.cell(("incidents", a, c), r.get("n")):
            areas.add(a)
            cats.add(c)
    inner_a, inner_c = areas - {"totalt"}, cats - {"totalt"}
    for a in areas:
        attack.equations.append(
            (("incidents", a, "totalt"), [("incidents", a, c) for c in inner_c])
        )
    for c in cats:
        attack.equations.append(
            (("incidents", "totalt", c), [("incidents", a, c) for a in inner_a])
        )
    muni = _csv_rows(folder / f"{stem}_kommunen_kategorier.csv")
    muni += _xlsx_rows(folder / f"{stem}.xlsx", "Kommunen per kategori")
    mcats = set()
    for r in muni:
        c = str(r.get("category"))
        if attack.cell(("incidents", MUNICIPALITY, c), r.get("n")):
            mcats.add(c)
    if mcats:
        inner = mcats - {"totalt"}
        attack.equations.append(
            (("incidents", MUNICIPALITY, "totalt"), [("incidents", MUNICIPALITY, c) for c in inner])
        )
        for c in cats & mcats:
            attack.at_least.append((("incidents", MUNICIPALITY, c), [("incidents", "totalt", c)]))


def _csv_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def xlsx_sheets(path: Path) -> dict[str, list[dict]]:
    """Every data sheet of a workbook as rows keyed by column code (from the workbook's own
    sheet "Kolumnkoder", as a reader would map them)."""
    if not path.exists():
        return {}
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    codes: dict[tuple, str] = {}
    if "Kolumnkoder" in wb.sheetnames:
        for sheet, label, code in list(wb["Kolumnkoder"].iter_rows(values_only=True))[1:]:
            codes[(sheet, label)] = code
    out = {}
    for name in wb.sheetnames:
        if name in ("Kolumnkoder", "Förklaringar"):
            continue
        rows = list(wb[name].iter_rows(values_only=True))
        if not rows:
            continue
        head = [codes.get((name, h), str(h)) for h in rows[0]]
        out[name] = [dict(zip(head, r)) for r in rows[1:]]
    return out


def _xlsx_rows(path: Path, sheet: str) -> list[dict]:
    return xlsx_sheets(path).get(sheet, [])


def read_area_category_pages(attack: Attack, folder: Path, stem: str = "indikatorer") -> int:
    """The area reports' tables "Händelser per kategori": the area's count and the
    municipality's ("Kommunen, antal" = all areas) per category, the same cells as the
    indicator CSV (areas and categories matched through the CSV's names and labels). Returns
    the number of pages read."""
    area_of, _, code_of = _area_names(folder, stem)
    pages = 0
    for path in sorted(folder.glob("omrade_*.html")):
        area = area_of.get(path.stem.removeprefix("omrade_"))
        if area is None:
            continue
        for t in html_tables(path):
            if not t["caption"].startswith("Händelser per kategori"):
                continue
            pages += 1
            head = t["headers"]
            for r in t["rows"]:
                code = "totalt" if r[0] == "Alla kategorier" else code_of.get(r[0])
                if code is None:
                    continue
                attack.cell(("incidents", area, code), r[head.index("Antal")])
                if "Kommunen, antal" in head:
                    attack.cell(("incidents", "totalt", code), r[head.index("Kommunen, antal")])
    return pages


def attack_folder(folder: Path) -> tuple[Attack, dict]:
    """Read every count-bearing file of a public folder and solve the attacker's LPs."""
    attack = Attack()
    read_walk_tables(attack, folder)
    read_dialogue_tables(attack, folder)
    read_category_tables(attack, folder)
    read_area_category_pages(attack, folder)
    attack_time_and_cells(attack, folder)
    attack_spatial(attack, folder)
    attack_report_counts(attack, folder)
    relate_map_cells(attack)
    return attack, attack.intervals()


def summarise(attack: Attack, intervals: dict) -> dict:
    """Numbers for a report: suppressed cells by marker, determined and narrowed ones."""
    small = [k for k in intervals if attack.marked.get(k) == SMALL]
    return {
        "cells_published": len(attack.known),
        "cells_small": len(small),
        "cells_hidden": len(intervals) - len(small),
        "determined": len(determined(intervals)),
        "narrowed_small": len(narrowed(intervals, attack.marked)),
        "min_width": min((hi - lo for lo, hi in intervals.values()), default=math.inf),
        "conflicts": len(attack.conflicts),
    }


# ---------------------------------------------------------------------------------------------
# time and grid-cell tables of the area reports and the lägesbild
#
# A period is a pair of months ("2026-01", "2026-10"). The indicator tables' period (the area
# reports' "Händelser per kategori, 2023-12 – 2026-10") keeps the keys of
# :func:`read_category_tables`; other periods carry theirs. A reader knows that a period's count
# is the sum of its calendar months (whole months in public): every month of every area and of
# the municipality becomes a variable (never printed), so the year rows, the seasonal rows,
# the lägesbild's period, last year's same period and the areas' and municipality's figures
# of every period are tied together exactly as the calendar ties them.

_MONTH_NAMES = [
    *("januari", "februari", "mars", "april", "maj", "juni", "juli"),
    *("augusti", "september", "oktober", "november", "december"),
]


def _month_list(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    y_end, m_end = map(int, last.split("-"))
    out = []
    while (y, m) <= (y_end, m_end):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class _Calendar:
    """The folder's main period and the period totals whose months still need equations."""

    main: tuple[str, str]
    totals: set = field(default_factory=set)  # (period, scope)

    def key(self, period: tuple, scope: str, category: str = "totalt") -> tuple:
        if tuple(period) == self.main:
            return ("incidents", scope, category)
        return ("incidents", tuple(period), scope, category)

    def total(self, attack: Attack, period: tuple, scope: str, text: object) -> tuple:
        """Record a printed period total of ``scope`` (an area id, "totalt" or the
        municipality); its months are tied to it later."""
        key = self.key(period, scope)
        attack.cell(key, text)
        self.totals.add((tuple(period), scope))
        return key

    def month(self, ym: str, scope: str) -> tuple:
        return self.key((ym, ym), scope)

    def close(self, attack: Attack) -> None:
        """Every period total = its months (the main period's too, for every scope); a month
        of the municipality = the areas' month + what lies outside them (≥ 0); "totalt" (all
        areas) = the areas."""
        areas = sorted({s for _, s in self.totals} - {MUNICIPALITY, "totalt"})
        self.totals |= {(self.main, s) for s in [*areas, "totalt", MUNICIPALITY]}
        months = sorted({m for (a, b), _ in self.totals for m in _month_list(a, b)})
        for period, scope in sorted(self.totals):
            parts = [self.month(m, scope) for m in _month_list(*period)]
            if parts != [self.key(period, scope)]:
                attack.equations.append((self.key(period, scope), parts))
        for m in months:
            inner = [self.month(m, a) for a in areas]
            attack.equations.append((self.month(m, "totalt"), inner))
            attack.equations.append(
                (self.month(m, MUNICIPALITY), [self.month(m, "totalt"), ("outside", m)])
            )


def report_period(folder: Path) -> tuple[str, str] | None:
    """The area reports' period, as their category tables print it."""
    for path in sorted(folder.glob("omrade_*.html")):
        for t in html_tables(path):
            m = re.match(r"Händelser per kategori, (\d{4}-\d{2}) – (\d{4}-\d{2})", t["caption"])
            if m:
                return m.group(1), m.group(2)
    return None


def _area_names(folder: Path, stem: str = "indikatorer") -> tuple[dict, dict, dict]:
    """Area ids by page slug and by name, category codes by label (the indicator CSV)."""
    from tryggaplatser.publish.maps.interactive import slugify

    rows = _csv_rows(folder / f"{stem}_omraden_kategorier.csv")
    areas = [r for r in rows if r["area_id"] != "totalt"]
    by_slug = {slugify(str(r["name"])): r["area_id"] for r in areas}
    by_name = {str(r["name"]): r["area_id"] for r in areas}
    return by_slug, by_name, {r["label"]: r["category"] for r in rows}


def _rounded(attack: Attack, key: Hashable, text: object, factor: float, half: float) -> None:
    """A printed ``value ≈ key / factor`` rounded to ``half`` either side (a yearly
    equivalent, a mean per year): bounds the count ``key``."""
    m = re.fullmatch(r"(\d+(?:,\d+)?)", str(text).replace("\u202f", "").replace("\xa0", ""))
    if not m:
        return
    value = float(m.group(1).replace(",", "."))
    unit = ("one",)
    attack.known[unit] = 1
    attack.shares.append((key, unit, max(0.0, (value - half) * factor), (value + half) * factor))


def read_area_time_tables(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """The area reports' year tables (a year's months inside the report period; "Omräknat
    till helår" = count / days · 365) and seasonal tables (a calendar month over the years;
    "Medel per år" = total / years). Returns the number of tables read."""
    by_slug, _, _ = _area_names(folder)
    read = 0
    for path in sorted(folder.glob("omrade_*.html")):
        area = by_slug.get(path.stem.removeprefix("omrade_"))
        if area is None:
            continue
        for t in html_tables(path):
            head = t["headers"]
            if t["caption"].startswith("Händelser per år i området"):
                read += 1
                for r in t["rows"]:
                    y = r[0]
                    part = (max(cal.main[0], f"{y}-01"), min(cal.main[1], f"{y}-12"))
                    key = cal.total(attack, part, area, r[head.index("Antal")])
                    days = int(r[head.index("Dagar i perioden")])
                    _rounded(attack, key, r[head.index("Omräknat till helår")], days / 365, 0.5)
            elif t["caption"].startswith("Säsong (årshjul)"):
                read += 1
                for r in t["rows"]:
                    month = _MONTH_NAMES.index(r[0]) + 1
                    key = ("season", area, month)
                    attack.cell(key, r[head.index("Totalt")])
                    years = int(r[head.index("Antal år")])
                    _rounded(attack, key, r[head.index("Medel per år")], years, 0.05)
                    months = [m for m in _month_list(*cal.main) if int(m[5:]) == month]
                    attack.equations.append((key, [cal.month(m, area) for m in months]))
                    cal.totals.update(((m, m), area) for m in months)
    return read


def lagesbild_period(folder: Path, cal: _Calendar) -> tuple | None:
    """The lägesbild's period: its year (file name) within the data's whole months (the notes
    of its year table: "från 2023-12", "till 2026-10")."""
    for path in sorted(folder.glob("lagesbild_*.html")):
        year = re.search(r"(\d{4})", path.stem)
        if year:
            y = year.group(1)
            return max(cal.main[0], f"{y}-01"), min(cal.main[1], f"{y}-12")
    return None


def read_lagesbild_time_tables(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """The lägesbild's year table, its category table with "Samma period året före" and its
    table per area, with the relations between them. Returns the number of tables read."""
    _, by_name, code_of = _area_names(folder)
    period = lagesbild_period(folder, cal)
    read = 0
    for path in sorted(folder.glob("lagesbild_*.html")):
        for t in html_tables(path):
            head = t["headers"]
            if t["caption"].startswith("Händelser per år i hela kommunen"):
                read += 1
                for r in t["rows"]:
                    y, note = r[0], r[head.index("Anmärkning")]
                    first = re.search(r"från (\d{4}-\d{2})", note)
                    last = re.search(r"till (\d{4}-\d{2})", note)
                    part = (
                        first.group(1) if first else f"{y}-01",
                        last.group(1) if last else f"{y}-12",
                    )
                    cal.total(attack, part, MUNICIPALITY, r[head.index("Antal")])
            elif t["caption"].startswith("Händelser per kategori i hela kommunen"):
                read += 1
                prev = tuple(f"{int(p[:4]) - 1}{p[4:]}" for p in period)
                for col, per in (("Antal", period), ("Samma period året före", prev)):
                    if col not in head:
                        continue
                    cats = []
                    for r in t["rows"]:
                        code = "totalt" if r[0] == "Alla kategorier" else code_of.get(r[0], r[0])
                        attack.cell(cal.key(per, MUNICIPALITY, code), r[head.index(col)])
                        cats += [code] if code != "totalt" else []
                    total = cal.total(attack, per, MUNICIPALITY, None)
                    attack.equations.append((total, [cal.key(per, MUNICIPALITY, c) for c in cats]))
            elif t["caption"].startswith("Händelser per område"):
                read += 1
                names = []
                for r in t["rows"]:
                    area = "totalt" if r[0] == "Totalt" else by_name.get(r[0])
                    if area is not None:
                        cal.total(attack, period, area, r[head.index("Antal")])
                        names += [area] if area != "totalt" else []
                attack.equations.append(
                    (cal.key(period, "totalt"), [cal.key(period, a) for a in names])
                )
    return read


def _cell_columns(head: list[str]) -> tuple[int, int | None, int | None]:
    """Columns of the cell id, the incident count and the unsafe signals of a cell table."""
    cell = next(i for i, h in enumerate(head) if h.startswith("Ruta"))
    count = next(
        (i for i, h in enumerate(head) if h in ("Antal", "Antal händelser", "Händelser")), None
    )
    signals = head.index("Otrygga signaler") if "Otrygga signaler" in head else None
    return cell, count, signals


def read_cell_tables(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """Hotspot cells (area reports: the report period; the lägesbild: its period) and the
    perception-gap cells (the incidents of fewer categories: at most the cell's count; the
    unsafe signals). The cells shown of a period with the cells not shown and the records
    without a place make the municipality's total. Returns the number of tables read."""
    shown: dict[tuple, set] = {}
    read = 0
    for path in sorted(folder.glob("*.html")):
        if not path.stem.startswith(("omrade_", "lagesbild_")):
            continue
        period = cal.main if path.stem.startswith("omrade_") else lagesbild_period(folder, cal)
        for t in html_tables(path):
            cap = t["caption"]
            gap = cap.startswith("Upplevd otrygghet mot händelser per ruta")
            if not (gap or cap.startswith(("Hotspotceller i området", "De största hotspot"))):
                continue
            read += 1
            cell, count, signals = _cell_columns(t["headers"])
            for r in t["rows"]:
                key = grid_cell(period, r[cell])
                if gap:
                    attack.cell((*key, "gap"), r[count])
                    attack.not_above.append(((*key, "gap"), key))
                    attack.cell(("signals", *key[1:]), r[signals])
                else:
                    attack.cell(key, r[count])
                    shown.setdefault(tuple(period), set()).add(key)
    for period, keys in shown.items():
        rest = ("cells not shown", period)
        attack.equations.append((cal.key(period, MUNICIPALITY), [*sorted(keys), rest]))
        cal.totals.add((period, MUNICIPALITY))
    return read


def attack_time_and_cells(attack: Attack, folder: Path) -> dict[str, int]:
    """Read the year, seasonal, last-year and grid-cell tables of the area reports and the
    lägesbild into ``attack``; the number of tables of each kind read."""
    main = report_period(folder)
    if main is None:
        return {}
    cal = _Calendar(main)
    found = {
        "area_time": read_area_time_tables(attack, folder, cal),
        "lagesbild_time": read_lagesbild_time_tables(attack, folder, cal),
        "cells": read_cell_tables(attack, folder, cal),
    }
    cal.close(attack)
    return found


# ---------------------------------------------------------------------------------------------
# spatial and EST readers: GeoPackage attributes, hotspots.json, the EST CSVs, map popups


def _gpkg_layers(path: Path) -> dict:
    """Every data layer of a GeoPackage as a GeoDataFrame (the styles table left out)."""
    import pyogrio

    out = {}
    for name, _ in pyogrio.list_layers(path):
        if name == "layer_styles":
            continue
        out[str(name)] = pyogrio.read_dataframe(path, layer=name)
    return out


def _shown(frame, col: str) -> list:
    """A count column as a reader sees it: the number, or the "<col>_visning" marker."""
    shown = frame[f"{col}_visning"] if f"{col}_visning" in frame.columns else frame[col]
    out = []
    for v, s in zip(frame[col], shown):
        out.append(s if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    return out


def grid_cell(period: tuple | str, cell_id: str) -> tuple:
    """One variable per grid cell and period, whichever file prints it (a table of an area
    report, a GeoPackage, a map popup): the period as a pair of months, the size from the id
    (``250mE…N…``)."""
    size = re.match(r"(\d+)m", str(cell_id))
    period = period if isinstance(period, str) else tuple(period)
    return ("cell", period, int(size.group(1)) if size else 0, str(cell_id))


def _months_of(period: list) -> tuple | str:
    """A printed pair of dates (hotspots.json's ``period``) as a pair of months."""
    if len(period) != 2:
        return "/".join(period)
    return str(period[0])[:7], str(period[1])[:7]


def _grid_period(folder: Path, path: Path) -> tuple | str:
    """The period a grid file covers as a reader names it: the EST file's month and window,
    else the period printed in hotspots.json."""
    import json

    if path.name.startswith("est_"):  # the 12 whole months of the EST overview
        m = re.match(r"est_(\d{4}-\d{2})_", path.name)
        return _est_window(m.group(1)) if m else path.stem
    summary = folder / "hotspots.json"
    if summary.exists():
        return _months_of(json.loads(summary.read_text(encoding="utf-8")).get("period", []))
    return path.stem


def read_grid_layers(attack: Attack, folder: Path) -> int:
    """Cell counts of every grid GeoPackage (hotspots.gpkg layers gistar/kde, the EST
    overview's grid): one variable per (period, cell) whichever layer prints it. With
    hotspots.json, the cells of its grid sum to its placed incidents minus those outside the
    grid, and the municipality's own total (indicator tables) is at least that. Returns the
    number of cells read."""
    import json

    cells = 0
    for path in sorted(folder.glob("*.gpkg")):
        period = _grid_period(folder, path)
        for frame in _gpkg_layers(path).values():
            if "cell_id" not in frame.columns or "n" not in frame.columns:
                continue
            for cid, v in zip(frame["cell_id"], _shown(frame, "n")):
                cells += attack.cell(grid_cell(period, str(cid)), v)
    summary = folder / "hotspots.json"
    if summary.exists():
        data = json.loads(summary.read_text(encoding="utf-8"))
        period = _months_of(data.get("period", []))
        ids = {  # the cells of the grid (not the perception gap's parts of them)
            k for k in [*attack.known, *attack.marked] if k[:2] == ("cell", period) and len(k) == 4
        }
        total, outside = ("placed", period), ("placed_outside_grid", period)
        attack.cell(total, data.get("n_incidents"))
        attack.cell(outside, data.get("n_outside_grid"))
        if ids:
            attack.equations.append((total, [outside, *sorted(ids)]))
            if _csv_rows(folder / "indikatorer_kommunen_kategorier.csv"):
                attack.at_least.append((("incidents", MUNICIPALITY, "totalt"), [total]))
    return cells


def _est_window(month: str) -> tuple[str, str]:
    """The public EST overview's hotspot window: the 12 whole months ending with ``month``
    (as its text says)."""
    y, m = map(int, month.split("-"))
    y0, m0 = (y, m + 1) if m < 12 else (y + 1, 1)
    return f"{y0 - 1:04d}-{m0:02d}", month


def _month_var(month: str, scope: str, category: str = "totalt") -> tuple:
    """A calendar month's count: the same variable as the area products' months
    (:class:`_Calendar`)."""
    return ("incidents", (month, month), scope, category)


def read_est_tables(attack: Attack, folder: Path) -> int:
    """The public EST overview of a month: ``est_<month>_omraden.csv`` and
    ``est_<month>_kategorier.csv`` (the month) and the overview's own tables (the month and
    the same month a year before): an area's month is the area's calendar month of the area
    products (months tie them to their years and periods), the areas' total = the areas, the
    municipality's month = that total + what lies outside the areas = its categories. The
    hotspot cells of ``est_<month>_hotspots.gpkg`` (read by :func:`read_grid_layers`) cover
    the 12 whole months up to the month: their sum is at most the municipality's count of
    those months (= its months). Returns the number of months read."""
    names = {}
    months = 0
    for path in sorted(folder.glob("est_*_omraden.csv")):
        month = path.name.removeprefix("est_").removesuffix("_omraden.csv")
        months += 1
        for r in _csv_rows(path):
            names[str(r.get("name"))] = str(r["area_id"])
            if r.get("period") != "totalt":  # the month's own total row repeats the month
                attack.cell(_month_var(month, str(r["area_id"])), r["n"])
        for r in _csv_rows(folder / f"est_{month}_kategorier.csv"):
            if r.get("period") != "totalt":
                code = str(r["category"])
                attack.cell(_month_var(month, MUNICIPALITY, code), r["n"])
        _read_est_page(attack, folder / f"est_{month}_publik.html", names)
        _est_relations(attack, month)
    return months


def _read_est_page(attack: Attack, path: Path, names: dict) -> None:
    """The overview's two tables: areas and categories, the month and a year before."""
    if not path.exists():
        return
    labels = {}
    for r in _csv_rows(path.parent / "indikatorer_kommunen_kategorier.csv"):
        labels[str(r["label"])] = str(r["category"])
    for t in html_tables(path):
        head = t["headers"]
        if not head or head[0] not in ("Område", "Kategori"):
            continue
        for r in t["rows"]:
            for col, month in enumerate(head[1:], start=1):
                if not re.fullmatch(r"\d{4}-\d{2}", month):
                    continue
                if head[0] == "Område":
                    area = "totalt" if r[0] == "Totalt" else names.get(r[0], r[0])
                    attack.cell(_month_var(month, area), r[col])
                else:
                    code = "totalt" if r[0] == "Totalt" else labels.get(r[0], r[0])
                    attack.cell(_month_var(month, MUNICIPALITY, code), r[col])


def _est_relations(attack: Attack, month: str) -> None:
    known = [k for k in {*attack.known, *attack.marked} if isinstance(k, tuple) and len(k) >= 4]
    last_year = f"{int(month[:4]) - 1}{month[4:]}"
    for m in (month, last_year):
        areas = [k for k in known if k[1] == (m, m) and k[0] == "incidents" and k[3] == "totalt"]
        areas = [k for k in areas if k[2] not in ("totalt", MUNICIPALITY)]
        cats = [k for k in known if k[:3] == ("incidents", (m, m), MUNICIPALITY)]
        cats = [k for k in cats if k[3] != "totalt"]
        if areas:
            attack.equations.append((_month_var(m, "totalt"), areas))
            attack.equations.append(
                (_month_var(m, MUNICIPALITY), [_month_var(m, "totalt"), ("outside", m)])
            )
        if cats:
            attack.equations.append((_month_var(m, MUNICIPALITY), cats))
    window = _est_window(month)
    cells = [k for k in known if k[:2] == ("cell", window) and len(k) == 4]
    if cells:
        total = ("incidents", window, MUNICIPALITY, "totalt")
        attack.equations.append(
            (total, [_month_var(m, MUNICIPALITY) for m in _month_list(*window)])
        )
        attack.at_least.append((total, cells))


def nest_cells(attack: Attack) -> int:
    """Per grid cell, its count of a period is at most its count of any period containing it
    (hotspots.gpkg's run period ⊇ the EST overview's 12 months ⊇ the lägesbild's months).
    Returns the number of pairs."""
    by_cell: dict[tuple, list] = {}
    for k in {*attack.known, *attack.marked}:
        if k[0] == "cell" and len(k) == 4 and isinstance(k[1], tuple):
            by_cell.setdefault(k[2:], []).append(k)
    pairs = 0
    for keys in by_cell.values():
        for inner in keys:
            for outer in keys:
                a, b = inner[1], outer[1]
                if a != b and b[0] <= a[0] and a[1] <= b[1]:
                    attack.not_above.append((inner, outer))
                    pairs += 1
    return pairs


_STRETCH_COUNTS = ("n", "n_observations", "n_dialogue")


def read_street_stretches(attack: Attack, folder: Path) -> int:
    """``gatustrackor.gpkg``: incidents, walk observations and dialogue pins per stretch (a
    stretch is named by street and metres, as its map popup names it); every record lies on
    at most one stretch, so the municipality's walk and dialogue totals are at least the
    stretches' sums. Returns the number of stretches read."""
    path = folder / "gatustrackor.gpkg"
    if not path.exists():
        return 0
    frame = _gpkg_layers(path).get("gatustrackor")
    if frame is None:
        return 0
    labels = [_stretch_label(r) for _, r in frame.iterrows()]
    twice = {s for s in labels if labels.count(s) > 1}
    # a stretch is one variable; labels two streets share stay apart (by their id)
    names = [s if s not in twice else f"{s} #{i}" for s, i in zip(labels, frame["stretch_id"])]
    for col in _STRETCH_COUNTS:
        if col not in frame.columns:
            continue
        for name, v in zip(names, _shown(frame, col)):
            attack.cell(("stretch", col, name), v)
    walks = ("walks", "n", MUNICIPALITY, "Totalt")
    if walks in attack.known or walks in attack.marked:
        attack.at_least.append((walks, [("stretch", "n_observations", s) for s in names]))
    return len(names)


def _stretch_label(row) -> str:
    return f"{row.get('name') or ''} {float(row['from_m']):.0f}–{float(row['to_m']):.0f} m"


_FEATURE = re.compile(r'\{"type":\s*"Feature".*?"properties":\s*(\{[^{}]*\})', re.S)


def _map_features(path: Path) -> list[tuple[list, dict]]:
    """(coordinates, properties) of every GeoJSON feature of a self-contained map page."""
    import json

    text = path.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r'"geometry":\s*(\{"type":\s*"[A-Za-z]+",\s*"coordinates":\s*)', text):
        start = m.end()
        depth, i = 0, start
        while i < len(text):  # the coordinates array
            ch = text[i]
            depth += ch == "["
            depth -= ch == "]"
            i += 1
            if depth == 0:
                break
        try:
            coords = json.loads(text[start:i])
        except ValueError:
            continue
        props = re.search(r'"properties":\s*(\{[^{}]*\})', text[i : i + 4000])
        if props is None:
            continue
        try:
            out.append((coords, json.loads(props.group(1))))
        except ValueError:
            continue
    return out


@functools.cache
def _to_sweref():
    from pyproj import Transformer

    return Transformer.from_crs(4326, 3006, always_xy=True)


def _cell_id_of(coords: list, size: float = 250.0) -> str | None:
    """The SWEREF 99 TM grid cell (``250mE…N…``) a WGS84 square drawn on a map covers."""
    ring = coords[0] if coords and isinstance(coords[0][0], list) else coords
    if not ring or not isinstance(ring[0], list):
        return None
    lon = sum(p[0] for p in ring[:-1]) / max(1, len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / max(1, len(ring) - 1)
    x, y = _to_sweref().transform(lon, lat)
    x0, y0 = math.floor(x / size) * size, math.floor(y / size) * size
    return f"{int(size)}mE{int(x0)}N{int(y0)}"


def read_map_popups(attack: Attack, folder: Path) -> int:
    """Counts printed in the maps' tooltips and popups: incidents per grid cell of the area
    maps ("12 händelser", "<5 händelser": the cell located from its drawn square, the same
    variable as the cell in hotspots.gpkg of the same period), their walk and dialogue cells
    (:func:`_map_observation_cell`, related by :func:`relate_map_cells`) and the street map's counts
    per stretch ("Storgatan 0–254 m: 22 händelser", observations, dialogue pins). Returns the
    number of counts read."""
    import json

    summary = folder / "hotspots.json"
    period = (
        _months_of(json.loads(summary.read_text(encoding="utf-8")).get("period", []))
        if summary.exists()
        else "karta"
    )
    read = 0
    for path in sorted(folder.glob("karta_omrade_*.html")):
        for coords, props in _map_features(path):
            label = str(props.get("t", "")).replace("&lt;", "<")
            m = re.fullmatch(rf"({_COUNT}) händelser", label)
            if m is not None and (cid := _cell_id_of(coords)) is not None:
                read += attack.cell(grid_cell(period, cid), m.group(1))
            elif m is None:
                read += _map_observation_cell(attack, coords, label)
    street = folder / "gatustrackor.html"
    if street.exists():
        labels = {"Observationer från vandringar": "n_observations", "Dialogpunkter": "n_dialogue"}
        unique = {k[2] for k in [*attack.known, *attack.marked] if k[:2] == ("stretch", "n")}
        for _, props in _map_features(street):
            pop = str(props.get("p", ""))
            name = None
            for head, value in re.findall(r"<th>(.*?)</th><td>(.*?)</td>", pop):
                value = value.replace("&lt;", "<")
                if head == "Gatusträcka":
                    m = re.fullmatch(r"(.+ \d+–\d+ m): (.+) händelser", value)
                    if m and m.group(1) in unique:
                        name = m.group(1)
                        read += attack.cell(("stretch", "n", name), m.group(2))
                elif head in labels and name is not None:
                    read += attack.cell(("stretch", labels[head], name), value)
    return read


_COUNT = r"<5|\.\.|\d[\d\s\u202f\xa0]*"
_WALK_CELL = re.compile(rf"({_COUNT}) observationer, ({_COUNT}) åtgärdade")
_DIALOGUE_CELL = re.compile(rf"({_COUNT}) svar")


def _map_observation_cell(attack: Attack, coords: list, label: str) -> int:
    """An area map's walk cell ("7 observationer, <5 åtgärdade": ``("walk_cell", "n" or
    "n_ok", cell)``, resolved ≤ observed) or dialogue cell ("12 svar": ``("dialogue_cell",
    cell)``); pins and walks have no period. Returns the counts read."""
    walk, pins = _WALK_CELL.fullmatch(label), _DIALOGUE_CELL.fullmatch(label)
    cid = _cell_id_of(coords) if walk or pins else None
    if cid is None:
        return 0
    if pins:
        return attack.cell(("dialogue_cell", cid), pins.group(1))
    n, ok = ("walk_cell", "n", cid), ("walk_cell", "n_ok", cid)
    if (ok, n) not in attack.not_above:
        attack.not_above.append((ok, n))
    return attack.cell(n, walk.group(1)) + attack.cell(ok, walk.group(2))


def relate_map_cells(attack: Attack) -> int:
    """What a reader adds up from the area maps' walk and dialogue cells: the cells'
    observations (resolved ones) are at most the municipality's walk total ("Antal",
    "Åtgärdade" of the lägesbild's walk table; every observation lies in a cell, so a reader
    tries equality first), the cells' pins at most the campaigns' answered pins, and a grid
    cell's unsafe signals (the perception gap) at most its pins plus its observations.
    Returns the number of cells related."""
    seen = [k for k in {*attack.known, *attack.marked} if isinstance(k, tuple)]
    walks = sorted((k for k in seen if k[0] == "walk_cell"), key=repr)
    pins = sorted((k for k in seen if k[0] == "dialogue_cell"), key=repr)
    for m in ("n", "n_ok"):
        cells = [k for k in walks if k[1] == m]
        total = ("walks", m, MUNICIPALITY, "Totalt")
        if cells and total in seen:
            attack.at_least.append((total, cells))
    camps = [k for k in seen if k[:3] == ("dialogue", "n", MUNICIPALITY)]
    if pins and camps:
        every = ("dialogue_all", MUNICIPALITY)
        attack.equations.append((every, sorted(camps, key=repr)))
        attack.at_least.append((every, pins))
    signals = {k[3]: k for k in seen if k[0] == "signals" and len(k) == 4}
    for cid, key in signals.items():
        parts = [("dialogue_cell", cid), ("walk_cell", "n", cid)]
        if any(p in seen for p in parts):
            both = ("map_cell_points", cid)
            attack.equations.append((both, parts))
            at_most(attack, both, [key], both)
    return len(walks) + len(pins)


def attack_spatial(attack: Attack, folder: Path, *, maps: bool = True) -> dict:
    """The spatial and EST readers on a folder; what each read (``maps=False`` leaves the
    map popups out)."""
    return {
        "grid_cells": read_grid_layers(attack, folder),
        "est_months": read_est_tables(attack, folder),
        "stretches": read_street_stretches(attack, folder),
        "map_counts": read_map_popups(attack, folder) if maps else 0,
        "nested_cells": nest_cells(attack),
    }


# report counts: perception gap per area and cell, location precision, consequences
#
# What a reader relates: an area's "Otrygga signaler" = its unsafe dialogue pins (the "(n=…)"
# of its reason table, per campaign) + its unsafe walk observations ("Otrygga", total row);
# its "Händelser" in the gap are some of its incidents; the signals of the grid cells are some
# of the municipality's. A location-precision row's share is of its source's records (the rows
# of the source), "Alla källor" per precision = the sources, and all of them = every record of
# the period (the municipality's total); each block of the consequence table (severity levels,
# police reports, with their "uppgift saknas") makes up the municipality's total, of which the
# shares are; the staff row is the municipality's count of that category.

_GAP_PROSE = re.compile(
    r"Otrygga signaler \(kartnålar och vandringsobservationer\): ([^;]+); händelser: ([^.]+)\."
)


def at_most(attack: Attack, total: Hashable, parts: list, name: Hashable) -> None:
    """``sum(parts) ≤ total`` and nothing more (a slack variable ``("rest", name)`` ≥ 0)."""
    attack.equations.append((total, [*parts, ("rest", name)]))


def _page_text(path: Path) -> str:
    import html as _html

    return _html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _signal_sources(attack: Attack, scope: str) -> list:
    """The counts whose sum is the unsafe signals of ``scope``: unsafe pins per campaign and
    the unsafe walk observations (when the folder prints them)."""
    seen = set(attack.known) | set(attack.marked)
    seen |= {den for _, den, _, _ in attack.shares} | {num for num, _, _, _ in attack.shares}
    pins = sorted(
        {k for k in seen if isinstance(k, tuple) and k[:3] == ("dialogue", "n_otrygg", scope)},
        key=repr,
    )
    walk = ("walks", "n_otrygg", scope, "Totalt")
    return [*pins, *([walk] if walk in seen else [])]


def _gap_area(attack: Attack, cal: _Calendar, period: tuple, area: str, slug: str, row) -> None:
    """One area's gap counts ``row`` = (signals text, incidents text)."""
    attack.cell(("signals", slug), row[0])
    key = cal.key(period, area, "gap")
    attack.cell(key, row[1])
    attack.not_above.append((key, cal.key(period, area)))


def read_gap_area_counts(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """The lägesbild's table per area and the area reports' sentence "Otrygga signaler
    (…): N; händelser: M"; returns how many were read."""
    from tryggaplatser.publish.maps.interactive import slugify

    by_slug, by_name, _ = _area_names(folder)
    read, slugs = 0, set()
    for path in sorted(folder.glob("omrade_*.html")):
        slug = path.stem.removeprefix("omrade_")
        m = _GAP_PROSE.search(_page_text(path))
        if m and slug in by_slug:
            read += 1
            slugs.add(slug)
            _gap_area(attack, cal, cal.main, by_slug[slug], slug, (m.group(1), m.group(2)))
    period = lagesbild_period(folder, cal)
    for path in sorted(folder.glob("lagesbild_*.html")):
        for t in html_tables(path):
            if not t["caption"].startswith("Upplevd otrygghet mot händelser per område"):
                continue
            head = t["headers"]
            for r in t["rows"]:
                if r[0] not in by_name:
                    continue
                read += 1
                slugs.add(slugify(r[0]))
                counts = (r[head.index("Otrygga signaler")], r[head.index("Händelser")])
                _gap_area(attack, cal, period, by_name[r[0]], slugify(r[0]), counts)
    for slug in sorted(slugs):
        parts = _signal_sources(attack, slug)
        if parts:
            attack.at_least.append((("signals", slug), parts))
    return read


def tie_signal_cells(attack: Attack) -> int:
    """The unsafe signals of a grid cell are the same in every period (pins and walks have no
    period); the cells' signals are some of the municipality's. Returns the cells tied."""
    cells: dict[tuple, list] = {}
    for k in [*attack.known, *attack.marked]:
        if isinstance(k, tuple) and k[0] == "signals" and len(k) == 4:
            cells.setdefault(k[2:], []).append(k)
    for keys in cells.values():
        attack.equations += [(keys[0], [k]) for k in keys[1:]]
    muni = ("signals", MUNICIPALITY)
    parts = _signal_sources(attack, MUNICIPALITY)
    if parts:
        attack.at_least.append((muni, parts))
    if parts and cells:
        at_most(attack, muni, [keys[0] for keys in cells.values()], "signal cells")
    return len(cells)


def read_precision_tables(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """The location-precision tables of the area reports (their period) and the lägesbild;
    returns the number of tables read."""
    read = 0
    for path in sorted(folder.glob("*.html")):
        if not path.stem.startswith(("omrade_", "lagesbild_")):
            continue
        period = cal.main if path.stem.startswith("omrade_") else lagesbild_period(folder, cal)
        for t in html_tables(path):
            if not t["caption"].startswith("Lägesprecision per källa"):
                continue
            read += 1
            head = t["headers"]
            rows: dict[str, dict[str, tuple]] = {}
            for r in t["rows"]:
                src, prec = r[0], r[1]
                key = ("precision", tuple(period), src, prec)
                total = ("precision", tuple(period), src, "total")
                attack.cell(key, r[head.index("Antal")])
                attack.share(key, total, r[head.index("Andel")])
                rows.setdefault(src, {})[prec] = key
            for src, keys in rows.items():
                total = ("precision", tuple(period), src, "total")
                attack.equations.append((total, list(keys.values())))
            every = rows.get("Alla källor")
            if every is None:
                continue
            others = [s for s in rows if s != "Alla källor"]
            for prec, key in every.items():
                attack.equations.append((key, [rows[s][prec] for s in others if prec in rows[s]]))
            attack.equations.append(
                (
                    cal.key(period, MUNICIPALITY),
                    [("precision", tuple(period), "Alla källor", "total")],
                )
            )
    return read


def read_consequence_tables(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """The lägesbild's consequence table; returns the number of tables read."""
    _, _, code_of = _area_names(folder)
    period = lagesbild_period(folder, cal)
    read = 0
    for path in sorted(folder.glob("lagesbild_*.html")):
        for t in html_tables(path):
            if not t["caption"].startswith("Konsekvenser av händelserna"):
                continue
            read += 1
            head = t["headers"]
            total = cal.key(period, MUNICIPALITY)
            blocks: dict[str, list] = {}
            for r in t["rows"]:
                label = r[0]
                block = label.split(":")[0].split(" ")[0]
                if block in ("Allvarlighetsgrad", "Polisanmäld"):
                    key = ("consequence", tuple(period), label)
                    blocks.setdefault(block, []).append(key)
                else:
                    key = cal.key(period, MUNICIPALITY, code_of.get(label, label))
                attack.cell(key, r[head.index("Antal")])
                attack.share(key, total, r[head.index("Andel")])
            for keys in blocks.values():  # levels 1–3, ja/nej/okänd and "uppgift saknas"
                attack.equations.append((total, keys))
    return read


_METHOD_ROWS = {
    "Poster med kommunens mittpunkt (ej placerade)": "centroid",
    "Händelser i perioden": "n",
}
_PARAM = re.compile(
    r'<span class="p-name">(.*?)</span>\s*<span class="p-value">(.*?)</span>\s*'
    r'<span class="p-how">(.*?)</span>',
    re.S,
)


def method_rows(path: Path) -> list[list[str]]:
    """The rows (name, value, how chosen) of a report's methods box."""
    import html as _html

    text = path.read_text(encoding="utf-8")
    return [
        [_html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in m] for m in _PARAM.findall(text)
    ]


_P0 = re.compile(r"placerade signaler \+ händelser: (\d+) av (\d+)")


def read_method_counts(attack: Attack, folder: Path, cal: _Calendar) -> int:
    """Counts of the methods boxes: the period's records (some of the municipality's), the
    records at the municipality's centroid (those of the precision table's "Alla källor"), and
    p0's placed signals (at least the shown cells', at most the municipality's). Returns the
    number of counts read."""
    read = 0
    for path in sorted(folder.glob("*.html")):
        if not path.stem.startswith(("omrade_", "lagesbild_")):
            continue
        period = cal.main if path.stem.startswith("omrade_") else lagesbild_period(folder, cal)
        period = tuple(period)
        for r in method_rows(path):
            name = _METHOD_ROWS.get(r[0])
            if name and attack.cell(("method", period, name), r[1]):
                read += 1
            m = _P0.search(" ".join(r))
            if m:
                read += 1
                attack.cell(("signals", "placed"), m.group(1))
                attack.cell(("method", period, "p0_n"), m.group(2))
                at_most(attack, ("method", period, "p0_n"), [("signals", "placed")], period)
        n, centroid = ("method", period, "n"), ("method", period, "centroid")
        every = ("precision", period, "Alla källor", "Kommunens mittpunkt (ej platsen)")
        at_most(attack, cal.key(period, MUNICIPALITY), [n], (period, "n"))
        at_most(attack, n, [centroid], (period, "centroid"))
        at_most(attack, every, [centroid], (period, "every"))
    cells = [k for k in [*attack.known, *attack.marked] if k[0] == "signals" and len(k) == 4]
    if ("signals", "placed") in attack.known:
        at_most(attack, ("signals", MUNICIPALITY), [("signals", "placed")], "placed")
        if cells:
            at_most(attack, ("signals", "placed"), sorted(set(cells), key=repr), "shown cells")
    return read


def attack_report_counts(attack: Attack, folder: Path) -> dict[str, int]:
    """Read the perception-gap counts, the location-precision and consequence tables and the
    methods boxes' counts into ``attack`` (with :func:`attack_time_and_cells`, whose calendar
    ties the periods and the areas' months: its keys are the ones used here); the number of
    tables or counts of each kind read."""
    main = report_period(folder)
    if main is None:
        return {}
    cal = _Calendar(main)
    found = {
        "gap_areas": read_gap_area_counts(attack, folder, cal),
        "signal_cells": tie_signal_cells(attack),
        "precision": read_precision_tables(attack, folder, cal),
        "consequences": read_consequence_tables(attack, folder, cal),
        "methods": read_method_counts(attack, folder, cal),
    }
    return found
