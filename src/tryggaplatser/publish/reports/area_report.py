"""Area analysis (områdesanalys) and the municipal lägesbild as printable reports and tables.

Two products, both built on the shared report infrastructure (:mod:`.report`) and the one
publishing gate (:mod:`.gate`):

* :func:`area_report` — one area's områdesanalys: incidents by category (counts, raw and
  empirical-Bayes rates per 1 000 residents and year, compared with the municipality), the
  trend and its test, the hour × weekday profile (internal only), the årshjul, hotspot cells
  with a static map, safety-walk findings with åtgärdsgrad, dialogue results, survey
  indicators (one table per scale), police classification, perceived insecurity versus
  incidents with the reasons people gave, data quality and a methods box;
* :func:`lagesbild_report` — the municipality's lägesbild for a year, structured as the law
  (2023:196) asks: (1) kartläggning av brottslighet och dess konsekvenser, (2) annan relevant
  information, (3) analys inklusive orsaker, the last written as data-driven sentences that
  are marked as generated.

The numbers come from one :class:`AreaAnalysis` (:func:`prepare_area_analysis`), so every
report and the indicator tables (:func:`indicator_tables`, written as CSV and XLSX by
:func:`write_indicator_tables`) show the same released figures. The area × category table is
released **once** for all areas, with margins, so complementary suppression holds across all
reports of a set: no hidden cell can be recovered by subtracting figures of different reports.

Publishing rules (REFERENCE.md §5), applied by the gate: in public mode counts 1–4 are "<5",
complementary cells "..", rates withheld when the count is below 5 or the population below 50,
shares only with n ≥ 10, no free text, no points, month as the finest time, sensitive categories
only at municipality level. Derived figures (EB rates, ratios, åtgärdsgrad, median days) are
shown only where the figures they are derived from were published. Internal reports carry the
marking "INTERNT – ej för spridning".

Examples
--------
A whole loaded project takes tens of seconds even for a 500-incident demo, so this is a plain
code block rather than a doctest; ``tests/publish/test_area_report.py`` runs the same calls on
the bundled demo::

    from tryggaplatser.layers.load import load_project
    project = load_project("data/tryggaplatser.toml")
    analysis = prepare_area_analysis(project, period=2026)
    gate = Gate("public", config=project.config)
    area_report(analysis, "EX01", gate).write("outputs/omrade_ex01.html")
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...analysis.area_analysis import (
    DEFAULT_CELL_SIZE,
    HOT_BINS,
    AreaAnalysis,
    cell_size_of,
    prepare_area_analysis,
    recurring_hotspots,
)
from ...analysis.perception import DEFAULT_MIN_RATIO, GAP_SIGNIFICANT, gap_test_text
from ...analysis.rates import SMALL_AREA_POPULATION
from ...errors import ArgumentError
from ...i18n import get_language, not_recorded, tr
from ...layers import vocab
from ..disclosure import PRIMARY, PUBLISHED, SECONDARY
from ..gate import HIDDEN, MIN_COUNT, MIN_SURVEY_N, SMALL, TOTAL, Gate
from ..param_text import param_label, param_value
from .report import (
    Report,
    Section,
    fmt_int,
    fmt_num,
    internal_table,
    mode_text,
    release_table,
)

__all__ = [
    "AreaAnalysis",
    "AreaReport",
    "area_file_name",
    "area_report",
    "indicator_tables",
    "lagesbild_file_name",
    "lagesbild_report",
    "prepare_area_analysis",
    "write_area_reports",
    "write_indicator_tables",
    "write_lagesbild",
]

_WEEKDAYS_SV = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
_WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTH_ABBR_SV = [
    "jan",
    "feb",
    "mar",
    "apr",
    "maj",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
]
_MONTH_ABBR_EN = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


# ---------------------------------------------------------------------------------------------
# small helpers


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or value is None or value is pd.NA:
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return not (isinstance(value, float) and math.isnan(value))
    return False


def _num(value: Any) -> float | None:
    """A released value as a number, or ``None`` when it was withheld ("<5", "..", missing)."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace("\u202f", "").replace(" ", ""))
        except ValueError:
            return None
    return None


def _pct(value: Any, decimals: int = 0) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt_num(100 * float(value), decimals) + " %"


def _share_if(numerator: Any, denominator: Any, gate: Gate, *, min_n: int = MIN_SURVEY_N) -> Any:
    """A share of two released counts: withheld ("..") in public mode when either count was
    withheld or the denominator is below ``min_n``; NaN when the denominator is 0."""
    num, den = _num(numerator), _num(denominator)
    if num is None or den is None:
        return HIDDEN
    if den <= 0:
        return float("nan")
    if gate.public and den < min_n:
        return HIDDEN
    return num / den


def _label(vocab_name: str, code: Any) -> str:
    try:
        return vocab.label(vocab_name, code)
    except KeyError:
        return str(code)


#: Labels of data sources and survey indicators that have no vocabulary of their own
#: (a municipality's own codes are shown as they are).
_SOURCE_LABELS = {
    "est": ("EST-rapporter", "EST reports"),
    "bostadsbolag": ("Bostadsbolag", "Housing company"),
    "vaktare": ("Väktare", "Security guards"),
    "felanmalan": ("Felanmälan", "Fault reports"),
    "polisen": ("Polisen (öppna händelser)", "Police (open events)"),
    "raddningstjanst": ("Räddningstjänsten", "Rescue service"),
    "saknas": ("Källa saknas", "Source missing"),
    "alla": ("Alla källor", "All sources"),
}
_INDICATOR_LABELS = {
    "otrygg_sen_kvall_andel": ("Otrygg ute sent på kvällen", "Unsafe out late in the evening"),
    "problemindex": ("Problemindex", "Problem index"),
}


def _source_label(code: Any) -> str:
    pair = _SOURCE_LABELS.get(str(code))
    return tr(*pair) if pair else str(code)


def _indicator_label(code: Any) -> str:
    pair = _INDICATOR_LABELS.get(str(code))
    return tr(*pair) if pair else str(code).replace("_", " ").capitalize()


def _cat_label(code: Any) -> str:
    if code == TOTAL:
        return tr("Alla kategorier", "All categories")
    return _label("category", code)


def _period_months(start: dt.date, end: dt.date) -> str:
    months = _MONTH_ABBR_SV if tr("sv", "en") == "sv" else _MONTH_ABBR_EN
    return f"{months[start.month - 1]} {start.year} – {months[end.month - 1]} {end.year}"


def _population_fmt(value: Any) -> str:
    """A population as shown in tables: "uppgift saknas" when it was not recorded (never 0)."""
    return fmt_int(value) if _is_number(value) else not_recorded()


#: Columns of rates per resident: left out of a table when no area has a population.
_RATE_COLUMNS = (
    "population",
    "rate_per_1000",
    "rate_ci",
    "rate_eb",
    "muni_rate",
    "ratio_to_municipality",
)


def _without_rates_if_no_population(
    section: Section, table: pd.DataFrame, columns: dict[str, str]
) -> dict[str, str]:
    """``columns`` without the rate columns, and a note, when no area of ``table`` has a
    recorded population (a rate per resident cannot be computed: "uppgift saknas", not 0)."""
    population = pd.to_numeric(table["population"], errors="coerce")
    if population.notna().any():
        return columns
    section.paragraph(
        tr(
            "Befolkning per område: {m}. Takter per 1 000 invånare kan inte beräknas och "
            "redovisas inte; tabellen visar antal.",
            "Population by area: {m}. Rates per 1,000 residents cannot be computed and are "
            "not shown; the table shows counts.",
            m=not_recorded(),
        )
    )
    return {k: v for k, v in columns.items() if k not in _RATE_COLUMNS}


def _rate_fmt(value: Any) -> str:
    return fmt_num(value, 1) if _is_number(value) else (value if isinstance(value, str) else "–")


# ---------------------------------------------------------------------------------------------
# released tables shared by all reports of a set


def _by_category_long(analysis: AreaAnalysis, gate: Gate) -> pd.DataFrame:
    """Area × category counts of every area (sensitive categories left out in public mode)."""
    if not analysis.profiles:
        return pd.DataFrame(columns=["area_id", "name", "category", "n", "population"])
    # one frame from the profiles' columns (a frame per area and a concat cost ten times more)
    ids: list[str] = []
    names: list[str] = []
    categories: list[str] = []
    counts, populations = [], []
    for aid, prof in analysis.profiles.items():
        bc = prof.by_category
        bc = bc[(bc["category"] != "alla").to_numpy()]
        ids += [aid] * len(bc)
        names += [prof.name] * len(bc)
        categories += bc["category"].astype(str).tolist()
        counts.append(bc["count"].astype(np.int64).to_numpy())
        populations.append(bc["population"].astype(float).to_numpy())
    long = pd.DataFrame(
        {
            "area_id": pd.Series(ids, dtype="str"),
            "name": pd.Series(names, dtype="str"),
            "category": pd.Series(categories, dtype="str"),
            "n": np.concatenate(counts),
            "population": np.concatenate(populations),
        }
    )
    if gate.public and analysis.sensitive:
        long = long[~long["category"].isin(analysis.sensitive)]
    return long


def _released(analysis: AreaAnalysis, gate: Gate, key: str, build: Any) -> Any:
    """Build set-wide content once per gate and language (the same figures in every report).

    The cache lives on the analysis, keyed weakly by the gate object, so a table released by
    one gate is never served to another.
    """
    cache = analysis._released.setdefault(gate, {})
    full_key = (key, get_language())
    if full_key not in cache:
        cache[full_key] = build()
    return cache[full_key]


def area_category_table(analysis: AreaAnalysis, gate: Gate) -> pd.DataFrame:
    """The released area × category table with margins, rates and derived columns.

    Released by :meth:`Gate.release` (``area_category_table``, ``margins=True``, rates per
    1 000 residents **per year**: ``per = 1000 / years``), then completed with ``label``,
    ``rate_eb`` (empirical-Bayes rate of the profile, shown only where the raw rate was
    published) and ``ratio_to_municipality`` (area rate / the municipality row's rate of the
    same category, both published). Rows with ``area_id == "totalt"`` are the municipality
    (all areas of the group); rows with ``category == "totalt"`` all categories.
    """

    from .area_plan import incident_key

    period = (analysis.start, analysis.end)

    def build() -> pd.DataFrame:
        long = _by_category_long(analysis, gate)
        table = release_table(
            gate,
            long,
            "area_category_table",
            by=["area_id", "category"],
            counts=("n",),
            margins=True,
            rates={"rate_per_1000": ("n", "population")},
            per=1000.0 / analysis.years,
            plan_key=lambda row, col: incident_key(period, row["area_id"], row["category"]),
        )
        table["label"] = [_cat_label(c) for c in table["category"]]
        eb = {}
        for aid, prof in analysis.profiles.items():
            for cat, value in zip(
                prof.by_category["category"], prof.by_category["rate_eb"], strict=True
            ):
                eb[(aid, TOTAL if cat == "alla" else cat)] = float(value)
        table["rate_eb"] = [
            round(eb.get((a, c), float("nan")), 1)
            if _is_number(r)
            else (HIDDEN if isinstance(r, str) else float("nan"))
            for a, c, r in zip(
                table["area_id"], table["category"], table["rate_per_1000"], strict=True
            )
        ]
        muni = table[table["area_id"] == TOTAL].set_index("category")["rate_per_1000"]
        ratios = []
        for c, r in zip(table["category"], table["rate_per_1000"], strict=True):
            m = muni.get(c)
            ratios.append(
                round(float(r) / float(m), 2)
                if _is_number(r) and _is_number(m) and float(m) > 0
                else (HIDDEN if isinstance(r, str) else float("nan"))
            )
        table["ratio_to_municipality"] = ratios
        return _with_rate_interval(table, per=1000.0 / analysis.years)

    return _released(analysis, gate, "area_category", build)


def _with_rate_interval(table: pd.DataFrame, *, per: float) -> pd.DataFrame:
    """Add the exact 95 % Poisson interval of every published rate (``rate_low``,
    ``rate_high``, from the published count and population: nothing new is disclosed) and
    ``uncertain`` (small area or an interval wider than the rate; see
    :func:`~tryggaplatser.analysis.rates.rate_is_uncertain`). Withheld rates stay withheld."""
    from ...analysis.rates import poisson_interval, rate_is_uncertain

    n = np.array([_num(v) if _is_number(v) else np.nan for v in table["n"]], dtype=float)
    pop = pd.to_numeric(table["population"], errors="coerce").to_numpy(dtype=float)
    shown = np.array([_is_number(v) for v in table["rate_per_1000"]]) & np.isfinite(n)
    low, high = poisson_interval(np.where(shown, n, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = low / pop * per, high / pop * per
    hidden = [HIDDEN if isinstance(r, str) else float("nan") for r in table["rate_per_1000"]]
    table["rate_low"] = [round(v, 1) if ok else h for v, ok, h in zip(low, shown, hidden)]
    table["rate_high"] = [round(v, 1) if ok else h for v, ok, h in zip(high, shown, hidden)]
    rate = np.array([_num(v) if ok else np.nan for v, ok in zip(table["rate_per_1000"], shown)])
    table["uncertain"] = shown & rate_is_uncertain(pop, low, high, rate)
    return table


def _interval_text(low: Any, high: Any) -> str:
    """ "3,5–4,6" for a published interval; "–" or the withheld marker otherwise."""
    if _is_number(low) and _is_number(high):
        return f"{fmt_num(low, 1)}\u2060–\u2060{fmt_num(high, 1)}"  # word joiners: one line
    return low if isinstance(low, str) else "–"


def municipality_category_table(
    analysis: AreaAnalysis, gate: Gate, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """All incidents of the period per category for the whole municipality (with margin).

    Includes records never placed in an area (Polisen's municipality centroids, points outside
    every area) and sensitive categories (municipality level is allowed). With ``previous``
    (incidents of the previous period) a column ``n_previous`` is added.
    """

    from .area_plan import MUNICIPALITY, incident_key, previous_period

    def build() -> pd.DataFrame:
        counts = analysis.incidents["category"].astype(str).value_counts()
        frame = pd.DataFrame({"category": counts.index, "n": counts.to_numpy(np.int64)})
        opts: dict[str, Any] = {"counts": ("n",)}
        if previous is not None:
            prev = previous["category"].astype(str).value_counts()
            frame["n_previous"] = frame["category"].map(prev).fillna(0).astype(np.int64)
            missing = prev.index.difference(frame["category"])
            if len(missing):
                frame = pd.concat(
                    [
                        frame,
                        pd.DataFrame(
                            {
                                "category": missing,
                                "n": 0,
                                "n_previous": prev.loc[missing].to_numpy(np.int64),
                            }
                        ),
                    ],
                    ignore_index=True,
                )
            opts["counts"] = ("n", "n_previous")
        frame = frame.sort_values(["n", "category"], ascending=[False, True])
        period = (analysis.start, analysis.end)
        table = release_table(
            gate,
            frame,
            "area_table",
            by=["category"],
            margins=True,
            plan_key=lambda row, col: incident_key(
                period if col == "n" else previous_period(analysis), MUNICIPALITY, row["category"]
            ),
            **opts,
        )
        table["label"] = [_cat_label(c) for c in table["category"]]
        return table

    return _released(analysis, gate, f"municipality_category:{previous is not None}", build)


# ---------------------------------------------------------------------------------------------
# charts (finished tables in, figures out)


def first_wide(
    frame: pd.DataFrame, index: Sequence[str], column: str, value: str, *, sort: bool = True
) -> pd.DataFrame:
    """``frame.pivot_table(index=index, columns=column, values=value, aggfunc="first",
    sort=sort).reset_index()`` for the small tables of a report, without pandas' groupby.

    The same frame: each cell the first value of its (index, column) group, rows and columns
    in the order of the keys' codes (sorted, or as they first appear with ``sort=False``).
    Frames whose pivot drops something (a missing key, a group without any value: pandas
    then orders the rows its own way) and frames outside what it reproduces (empty,
    categorical keys, values neither float, text nor object, several index keys unsorted) go to
    ``pivot_table``.
    """
    keys = [*index, column]
    values = frame[value]
    simple = (
        len(frame)
        and (sort or len(index) == 1)
        and (values.dtype in (np.float64, object) or values.dtype == "str")
        and not any(isinstance(frame[k].dtype, pd.CategoricalDtype) for k in keys)
    )
    factorized = [pd.factorize(frame[k], sort=sort) for k in keys] if simple else []
    vals = values.to_numpy()
    missing = pd.isna(vals)
    cells: dict[tuple, Any] = {}
    groups: set[tuple] = set()
    first_row: dict[tuple, int] = {}
    for i, key in enumerate(zip(*(codes.tolist() for codes, _ in factorized), strict=True)):
        groups.add(key)
        first_row.setdefault(key[:-1], i)
        if not missing[i] and key not in cells:
            cells[key] = vals[i]
    if not simple or len(cells) < len(groups) or any(-1 in key for key in groups):
        table = frame.pivot_table(
            index=list(index), columns=column, values=value, aggfunc="first", sort=sort
        )
        return table.reset_index()
    rows = sorted(first_row)
    position = {r: j for j, r in enumerate(rows)}
    taken = [first_row[r] for r in rows]
    data: dict[Any, Any] = {k: frame[k].iloc[taken].reset_index(drop=True) for k in index}
    by_column: dict[int, np.ndarray] = {}
    for key, v in cells.items():
        col = by_column.get(key[-1])
        if col is None:
            col = by_column[key[-1]] = np.full(len(rows), np.nan, dtype=vals.dtype)
        col[position[key[:-1]]] = v
    labels = factorized[-1][1]
    for c in sorted(by_column):
        data[labels[c]] = pd.Series(by_column[c], dtype=values.dtype)
    out = pd.DataFrame(data)
    out.columns.name = column
    return out


def _seasonal_chart(values: Sequence[float | None], title: str):
    """Årshjul: a polar bar chart of the mean per month (withheld months drawn as gaps)."""
    from .svgcharts import seasonal_chart

    months = _MONTH_ABBR_SV if tr("sv", "en") == "sv" else _MONTH_ABBR_EN
    return seasonal_chart(values, title, months=months)


def _heat_chart(matrix: pd.DataFrame, title: str):
    """Hour × weekday heat map (aoristic weights), weekdays as rows, hours as columns."""
    from .svgcharts import heat_chart

    rows = _WEEKDAYS_SV if tr("sv", "en") == "sv" else _WEEKDAYS_EN
    xlabel = tr("Timme (lokal tid)", "Hour (local time)")
    return heat_chart(matrix.to_numpy(dtype=float).tolist(), rows, title, xlabel)


def _lines_chart(
    series: dict[str, tuple[list[str], list[float | None]]],
    title: str,
    ylabel: str,
    max_ticks: int = 12,
):
    """One line per source over weeks or months (withheld values are gaps)."""
    from .svgcharts import lines_chart

    return lines_chart(series, title, ylabel, max_ticks=max_ticks)


def _place_names(released: pd.DataFrame, analysis: AreaAnalysis) -> list[str]:
    """The street description of each released cell (computed by the run; ``""`` when none)."""
    names = analysis.place_names or {}
    return [names.get(str(c), "") for c in released["cell_id"]]


def _street_header(table: pd.DataFrame) -> dict[str, str]:
    """The street column's header when any row has a street description, else no column."""
    if "place_name" in table.columns and any(table["place_name"].astype(str).str.len() > 0):
        return {"place_name": tr("Plats (gata)", "Place (street)")}
    return {}


def _static_area_map(analysis: AreaAnalysis, area_id: str | None, gate: Gate):
    """The static map (PNG figure) of the hotspot cells for one area or all areas."""
    from ..maps import _layers as ml
    from ..maps.figures import static_map
    from ..maps.interactive import map_attribution

    # the map's content only: the static figure needs no interactive (folium) rendering
    content = ml.neighbourhood_content(
        area_id,
        areas=analysis.areas,
        cells=analysis.cells,
        gate=gate,
        quiet=True,
        basemap=analysis.basemap,
    )
    content.attribution = map_attribution(None, analysis.municipality)
    return static_map(content, figsize=(8.0, 6.4), dpi=110)


# ---------------------------------------------------------------------------------------------
# sections shared by the area report and the lägesbild


def _area_rows(analysis: AreaAnalysis, gate: Gate, table: pd.DataFrame, area_id: str):
    """The rows of ``area_id`` (or the municipality's, ``TOTAL``) in the released category
    table, as ``table[table["area_id"] == area_id]``; the table is split once per gate."""

    def build() -> dict:
        groups = table.groupby("area_id", sort=False).indices
        return {a: table.iloc[rows] for a, rows in groups.items()}

    rows = _released(analysis, gate, ("area_rows", id(table)), build).get(area_id)
    return table.iloc[:0] if rows is None else rows


def _section_categories(
    section: Section, table: pd.DataFrame, area_id: str, analysis: AreaAnalysis, gate: Gate
) -> None:
    rows = _area_rows(analysis, gate, table, area_id).copy()
    muni = _released(
        analysis,
        gate,
        ("municipality_rows", id(table)),
        lambda: _area_rows(analysis, gate, table, TOTAL).set_index("category"),
    )
    rows["muni_n"] = rows["category"].map(muni["n"])
    rows["muni_rate"] = rows["category"].map(muni["rate_per_1000"])
    rows["_o"] = (rows["category"] == TOTAL).astype(int)
    rows["_n"] = [-(_num(v) or 0) for v in rows["n"]]
    rows = rows.sort_values(["_o", "_n", "label"]).drop(columns=["_o", "_n"])
    rows["is_total"] = rows["category"] == TOTAL
    rows["rate_ci"] = [_interval_text(a, b) for a, b in zip(rows["rate_low"], rows["rate_high"])]
    flagged = False
    if "n_flagga" in rows.columns:  # internal mode: counts 1–2 flagged by the gate
        marks = rows["n_flagga"].fillna("").astype(str) != ""
        flagged = bool(marks.any())
        rows["n"] = [f"{fmt_int(v)}*" if m else v for v, m in zip(rows["n"], marks, strict=True)]
    columns = _without_rates_if_no_population(
        section,
        table,
        {
            "label": tr("Kategori", "Category"),
            "n": tr("Antal", "Count"),
            "rate_per_1000": tr("Per 1 000 inv. och år", "Per 1,000 res. and year"),
            "rate_ci": tr("95 % KI", "95 % CI"),
            "rate_eb": tr("EB-utjämnad", "EB-smoothed"),
            "muni_n": tr("Kommunen, antal", "Municipality, count"),
            "muni_rate": tr("Kommunen, per 1 000", "Municipality, per 1,000"),
            "ratio_to_municipality": tr("Kvot mot kommunen", "Ratio to municipality"),
        },
    )
    if "rate_per_1000" in columns and not _is_number(rows["population"].iloc[0]):
        section.paragraph(
            tr(
                "Befolkning: {m}. Takter per 1 000 invånare kan inte beräknas för området.",
                "Population: {m}. Rates per 1,000 residents cannot be computed for the area.",
                m=not_recorded(),
            )
        )
    section.table(
        rows,
        columns=columns,
        formats={
            "n": fmt_int,
            "muni_n": fmt_int,
            "rate_per_1000": _rate_fmt,
            "rate_eb": _rate_fmt,
            "muni_rate": _rate_fmt,
            "ratio_to_municipality": lambda v: (
                fmt_num(v, 2) if _is_number(v) else (v if isinstance(v, str) else "–")
            ),
        },
        numeric=["n", "muni_n", "rate_per_1000", "rate_eb", "muni_rate", "ratio_to_municipality"],
        caption=tr(
            "Händelser per kategori, {p}. Kommunen = alla områden av samma typ.",
            "Incidents by category, {p}. Municipality = all areas of the same type.",
            p=analysis.period_text,
        ),
        widths={"label": "30%"},
    )
    if flagged:
        section.paragraph(
            tr(
                "* 1–2 händelser: tolka försiktigt (intern markering).",
                "* 1–2 incidents: interpret with care (internal flag).",
            )
        )


def _section_trend(section: Section, prof: Any, gate: Gate, analysis: AreaAnalysis) -> None:
    from .area_plan import area_count_category, incident_key, year_part

    trend = prof.trend
    frame = pd.DataFrame({"year": trend["year"].astype(int), "n": trend["count"].astype(int)})
    cat, period = area_count_category(analysis, gate), (analysis.start, analysis.end)
    released = release_table(
        gate,
        frame,
        "area_table",
        by=["year"],
        counts=("n",),
        plan_key=lambda row, col: incident_key(year_part(period, row["year"]), prof.area_id, cat),
    )
    released["days"] = trend["days_in_period"].to_numpy()
    released["complete"] = trend["complete"].to_numpy()
    released["per_365"] = [
        round(_num(n) / d * 365)
        if _num(n) is not None and d
        else (n if isinstance(n, str) else float("nan"))
        for n, d in zip(released["n"], released["days"], strict=True)
    ]
    section.table(
        released,
        columns={
            "year": tr("År", "Year"),
            "n": tr("Antal", "Count"),
            "days": tr("Dagar i perioden", "Days in period"),
            "complete": tr("Helt år", "Whole year"),
            "per_365": tr("Omräknat till helår", "Scaled to a full year"),
        },
        formats={"year": str, "n": fmt_int, "per_365": fmt_int},
        numeric=["n", "per_365"],
        caption=tr("Händelser per år i området", "Incidents per year in the area"),
    )
    section.paragraph(_trend_sentence(prof.trend_test))


def _trend_sentence(test: dict) -> str:
    p, slope, n = test.get("p_value"), test.get("slope_per_year"), test.get("n_values", 0)
    if p is None or (isinstance(p, float) and math.isnan(p)) or not n:
        return tr(
            "Trendtest: för få hela månader för ett test.",
            "Trend test: too few complete months for a test.",
        )
    if p < 0.05:
        direction = (
            tr("ökande", "increasing") if (slope or 0) > 0 else tr("minskande", "decreasing")
        )
        verdict = tr(
            "en statistiskt säkerställd {d} trend",
            "a statistically significant {d} trend",
            d=direction,
        )
    else:
        verdict = tr("ingen statistiskt säkerställd trend", "no statistically significant trend")
    return tr(
        "Trendtest (Mann-Kendall på {n} säsongsrensade hela månader): {v} (z = {z}, p = {p}); "
        "Sens lutning {s} händelser per månad och år.",
        "Trend test (Mann-Kendall on {n} deseasonalised complete months): {v} (z = {z}, "
        "p = {p}); Sen's slope {s} incidents per month per year.",
        n=n,
        v=verdict,
        z=fmt_num(test.get("z", float("nan")), 2),
        p=fmt_num(p, 3),
        s=fmt_num(slope, 2),
    )


def _section_time(section: Section, prof: Any, gate: Gate, analysis: AreaAnalysis) -> None:
    """The annual cycle; internal reports add the hour × weekday profile."""
    _time_seasonal(section, prof, gate, analysis)
    if gate.public:
        section.note(
            tr(
                "Fördelningen över timme och veckodag visas bara i den interna "
                "versionen: publika utdata redovisar tid som finast per månad.",
                "The hour × weekday profile is shown in the internal version only: "
                "public outputs show time by month at the finest.",
            )
        )
        return
    _time_hour_weekday(section, prof, gate)


def _time_seasonal(section: Section, prof: Any, gate: Gate, analysis: AreaAnalysis) -> None:
    """Mean incidents per calendar month: chart and released table."""
    from .area_plan import area_count_category, season_key

    seas = prof.seasonal
    frame = pd.DataFrame({"month": seas["month"].astype(int), "n": seas["total"].astype(int)})
    cat, period = area_count_category(analysis, gate), (analysis.start, analysis.end)
    released = release_table(
        gate,
        frame,
        "area_table",
        by=["month"],
        counts=("n",),
        plan_key=lambda row, col: season_key(period, prof.area_id, row["month"], cat),
    )
    released["label"] = seas["label"].to_numpy()
    released["n_years"] = seas["n_years"].to_numpy()
    released["mean"] = [
        (_num(n) / y) if _num(n) is not None and y else (n if isinstance(n, str) else float("nan"))
        for n, y in zip(released["n"], released["n_years"], strict=True)
    ]
    values = [v if _is_number(v) else None for v in released["mean"]]
    if any(v for v in values):
        section.figure(
            _seasonal_chart(
                values, tr("Årshjul: medelantal per månad", "Annual cycle: mean count per month")
            ),
            caption=tr(
                "Årshjul: medelantal händelser per kalendermånad (hela "
                "månader i perioden). Grå = undertryckt.",
                "Annual cycle: mean incidents per calendar month (complete "
                "months of the period). Grey = suppressed.",
            ),
            width="55%",
        )
    section.table(
        released,
        columns={
            "label": tr("Månad", "Month"),
            "n_years": tr("Antal år", "Years"),
            "n": tr("Totalt", "Total"),
            "mean": tr("Medel per år", "Mean per year"),
        },
        formats={
            "n": fmt_int,
            "mean": lambda v: (
                fmt_num(v, 1) if _is_number(v) else (v if isinstance(v, str) else "–")
            ),
        },
        numeric=["n", "mean", "n_years"],
        caption=tr("Säsong (årshjul)", "Seasonal cycle"),
    )


def _time_hour_weekday(section: Section, prof: Any, gate: Gate) -> None:
    """Internal only: hour × weekday heat chart and four time bands (aoristic weight)."""
    hw = prof.hour_weekday
    total = float(np.nansum(hw.to_numpy()))
    if total > 0:
        section.figure(
            _heat_chart(
                hw, tr("Timme × veckodag (aoristisk vikt)", "Hour × weekday (aoristic weight)")
            ),
            caption=tr(
                "Händelser per timme och veckodag; händelser kända bara som "
                "ett tidsfönster fördelas över fönstrets timmar (aoristisk "
                "metod, Ratcliffe 2000). Summa {n}.",
                "Incidents per hour and weekday; incidents known only as a "
                "time window are spread over its hours (aoristic method, "
                "Ratcliffe 2000). Sum {n}.",
                n=fmt_num(total, 0),
            ),
        )
        frame = hw.copy()
        frame.index = _WEEKDAYS_SV if tr("sv", "en") == "sv" else _WEEKDAYS_EN
        bands = pd.DataFrame(
            {
                tr("Veckodag", "Weekday"): frame.index,
                "00–06": frame.iloc[:, 0:6].sum(axis=1).round(0).to_numpy(),
                "06–12": frame.iloc[:, 6:12].sum(axis=1).round(0).to_numpy(),
                "12–18": frame.iloc[:, 12:18].sum(axis=1).round(0).to_numpy(),
                "18–24": frame.iloc[:, 18:24].sum(axis=1).round(0).to_numpy(),
            }
        )
        section.table(
            internal_table(gate, bands, name="hour_weekday"),
            caption=tr(
                "Timme × veckodag i fyra tidsband (aoristisk vikt)",
                "Hour × weekday in four time bands (aoristic weight)",
            ),
        )


def _section_hotspots(
    section: Section, prof: Any, analysis: AreaAnalysis, gate: Gate, with_map: bool
) -> None:
    hot = prof.hotspot_cells
    if hot is None or len(hot) == 0:
        section.paragraph(
            tr(
                "Inga hotspotceller (Gi*, 95 % eller 99 % konfidens efter "
                "FDR-korrigering) i området under perioden.",
                "No hotspot cells (Gi*, 95 % or 99 % confidence after FDR "
                "correction) in the area in the period.",
            )
        )
    else:
        released = release_table(
            gate, _grid_for_gate(hot), "grid_cells", plan_key=_cell_plan_key(analysis)
        )
        released = released.assign(
            bin_label=[_label("gi_bin", b) for b in released["gi_bin"]],
            _n=[-(_num(v) or 0) for v in released["n"]],
            place_name=_place_names(released, analysis),
        ).sort_values(["gi_bin", "_n"], ascending=[False, True])
        count_col = "n_visning" if "n_visning" in released.columns else "n"
        section.table(
            released,
            columns={
                **_street_header(released),
                "cell_id": tr(
                    "Ruta ({c} m, nedre vänstra hörnet)",
                    "Cell ({c} m, lower-left corner)",
                    c=fmt_int(cell_size_of(analysis.cells)),
                ),
                count_col: tr("Antal händelser", "Incidents"),
                "bin_label": tr("Gi*-klass", "Gi* class"),
            },
            formats={count_col: fmt_int},
            numeric=[count_col],
            max_rows=20,
            caption=tr(
                "Hotspotceller i området ({n} st), sorterade efter klass och antal",
                "Hotspot cells in the area ({n}), by class and count",
                n=len(hot),
            ),
        )
    if with_map:
        section.figure(
            _static_area_map(analysis, prof.area_id, gate),
            caption=tr(
                "Karta: Gi*-hotspots (rutor om {c} m) i och kring området.",
                "Map: Gi* hotspots ({c} m cells) in and around the area.",
                c=fmt_int(cell_size_of(analysis.cells)),
            ),
            width="92%",
        )


def _cell_plan_key(analysis: AreaAnalysis, category: str = TOTAL) -> Any:
    """The plan key of a released grid-cell row of the analysis period
    (:func:`~.area_plan.cell_key`); ``category`` names what the cell counts."""
    from .area_plan import cell_key

    period, size = (analysis.start, analysis.end), cell_size_of(analysis.cells)
    return lambda row, col: cell_key(period, size, row["cell_id"], category)


def _grid_for_gate(cells: Any) -> Any:
    """A copy of grid cells whose provenance names the cell size as a plain number.

    The analyses record ``params["cell_size"]`` as ``{"value", "auto", "rule"}``; the gate's
    grid rule reads a number, so the released copy carries only that number.
    """
    out = cells.copy()
    out.attrs = {"tryggaplatser": {"params": {"cell_size": cell_size_of(cells)}}}
    return out


def _walk_release(
    walks: pd.DataFrame, gate: Gate, area: str, analysis: AreaAnalysis | None = None
) -> pd.DataFrame:
    """The walk table of ``area`` (an area id or ``MUNICIPALITY``) as the set's plan
    releases it; with ``analysis`` released once per gate (:func:`_released`): an area
    report shows it in its summary and in its walk section."""
    if analysis is not None:
        return _released(analysis, gate, ("walks", area), lambda: _walk_release(walks, gate, area))
    from .area_plan import WALK_COUNTS, walk_key

    frame = walks[["problem_category", *WALK_COUNTS]].copy()
    frame = frame[frame["problem_category"] != "totalt"]
    released = release_table(
        gate,
        frame,
        "area_table",
        by=["problem_category"],
        counts=WALK_COUNTS,
        margins=True,
        plan_key=lambda row, col: walk_key(col, area, row["problem_category"]),
    )
    released["label"] = [
        tr("Totalt", "Total") if c == TOTAL else _label("problem_category", c)
        for c in released["problem_category"]
    ]
    released["atgardsgrad"] = [
        _share_if(a, s, gate)
        for a, s in zip(released["n_atgardad"], released["n_sent"], strict=True)
    ]
    median = dict(
        zip(
            walks["problem_category"].replace({"totalt": TOTAL}),
            walks["median_days_to_resolve"],
            strict=True,
        )
    )
    released["median_days"] = [
        median.get(c, float("nan"))
        if (_num(a) or 0) >= (MIN_COUNT if gate.public else 1)
        else (HIDDEN if isinstance(a, str) else float("nan"))
        for c, a in zip(released["problem_category"], released["n_atgardad"], strict=True)
    ]
    released["is_total"] = released["problem_category"] == TOTAL
    return released


def _section_walks(
    section: Section,
    walks: pd.DataFrame | None,
    gate: Gate,
    scope: str,
    *,
    area: str,
    recorded: bool = True,
    analysis: AreaAnalysis | None = None,
) -> None:
    """Walk observations of the scope (``area``: an area id or ``MUNICIPALITY``); "uppgift
    saknas" when the project has no walks at all (``recorded=False``), "inga observationer"
    when it has some, but none in the scope. With ``analysis`` the released table is shared
    with the summary (:func:`_walk_release`)."""
    if not recorded:
        section.paragraph(
            tr(
                "Trygghetsvandringar: {m} (projektet har inga observationer från "
                "trygghetsvandringar).",
                "Safety walks: {m} (the project has no safety-walk observations).",
                m=not_recorded(),
            )
        )
        return
    if walks is None or len(walks) == 0 or int(walks["n"].iloc[-1]) == 0:
        section.paragraph(
            tr(
                "Inga observationer från trygghetsvandringar {s}.",
                "No safety-walk observations {s}.",
                s=scope,
            )
        )
        return
    released = _walk_release(walks, gate, area, analysis)
    total = released[released["is_total"]].iloc[0]
    section.facts(
        [
            (tr("Observationer", "Observations"), fmt_int(total["n"])),
            (
                tr("Åtgärdsgrad (åtgärdade / skickade)", "Share resolved (resolved / sent)"),
                _pct(total["atgardsgrad"]),
            ),
            (
                tr("Mediantid till åtgärd", "Median days to resolve"),
                fmt_num(total["median_days"], 0) + tr(" dagar", " days")
                if _is_number(total["median_days"])
                else text_or_dash(total["median_days"]),
            ),
        ]
    )
    section.table(
        released,
        columns={
            "label": tr("Problem", "Problem"),
            "n": tr("Antal", "Count"),
            "n_otrygg": tr("Otrygga", "Unsafe"),
            "n_sent": tr("Skickade", "Sent"),
            "n_atgardad": tr("Åtgärdade", "Resolved"),
            "atgardsgrad": tr("Åtgärdsgrad", "Share resolved"),
            "median_days": tr("Mediandagar", "Median days"),
        },
        formats={c: fmt_int for c in ("n", "n_otrygg", "n_sent", "n_atgardad")}
        | {
            "atgardsgrad": _pct,
            "median_days": lambda v: fmt_num(v, 0) if _is_number(v) else text_or_dash(v),
        },
        numeric=["n", "n_otrygg", "n_sent", "n_atgardad", "atgardsgrad", "median_days"],
        caption=tr(
            "Trygghetsvandringarnas observationer per problem och status. Åtgärdsgrad "
            "= åtgärdade / skickade till ansvarig (alla status utom ny).",
            "Safety-walk observations by problem and status. Share resolved = "
            "resolved / sent to the responsible party (all statuses except new).",
        ),
    )


def text_or_dash(value: Any) -> str:
    """A withheld marker as is; anything else missing as ``–``."""
    return value if isinstance(value, str) and value else "–"


def _section_dialogue(
    section: Section,
    dialogue: pd.DataFrame | None,
    reasons: pd.DataFrame | None,
    times: pd.DataFrame | None,
    gate: Gate,
    scope: str,
    *,
    area: str,
) -> None:
    """Dialogue results of the scope (``area``: an area id or ``MUNICIPALITY``); counts and
    shares as the set's plan releases them."""
    from .area_plan import dialogue_key

    if dialogue is None or len(dialogue) == 0:
        section.paragraph(
            tr("Inga svar från medborgardialog {s}.", "No citizen-dialogue responses {s}.", s=scope)
        )
        return
    base = dialogue.copy()
    base["n_answered"] = base["n_otrygg"] + base["n_trygg"]
    rel = release_table(
        gate,
        base[["campaign_id", "n_answered", "share_otrygg"]].rename(columns={"n_answered": "n"}),
        "survey_table",
        shares=("share_otrygg",),
        n="n",
        by=("campaign_id",),
        plan_key=lambda row, col: dialogue_key(
            "n" if col == "n" else "n_otrygg", area, row["campaign_id"]
        ),
    )
    section.table(
        rel,
        columns={
            "campaign_id": tr("Kampanj", "Campaign"),
            "n": tr("Antal svar (n)", "Responses (n)"),
            "share_otrygg": tr("Andel otrygga", "Share unsafe"),
        },
        formats={"n": fmt_int, "share_otrygg": _pct},
        numeric=["n", "share_otrygg"],
        caption=tr(
            "Medborgardialog: andel kartnålar markerade som otrygga, per kampanj "
            "(kampanjer redovisas var för sig, aldrig sammanslagna).",
            "Citizen dialogue: share of map pins marked unsafe, per campaign "
            "(campaigns are never pooled).",
        ),
    )
    _dialogue_reason_tables(section, base, reasons, times, gate, area)


def _dialogue_reason_tables(
    section: Section,
    base: pd.DataFrame,
    reasons: pd.DataFrame | None,
    times: pd.DataFrame | None,
    gate: Gate,
    area: str,
) -> None:
    """The reasons and times of day of the unsafe pins, one column per campaign, each share
    of the unsafe pins released by the plan (numerator and denominator are counts)."""
    from .area_plan import dialogue_key

    n_unsafe = dict(zip(base["campaign_id"], base["n_otrygg"], strict=True))
    for frame, code_col, title in (
        (reasons, "reason", tr("Skäl", "Reason")),
        (times, "time_of_day", tr("Tid på dygnet", "Time of day")),
    ):
        if frame is None or len(frame) == 0:
            continue
        f = frame[["campaign_id", code_col, "label", "share_of_otrygg"]].copy()
        f["n"] = f["campaign_id"].map(n_unsafe).astype(np.int64)
        rel = release_table(
            gate,
            f.rename(columns={code_col: "indicator"}),
            "survey_table",
            shares=("share_of_otrygg",),
            n="n",
            by=("campaign_id", "label", "indicator"),
            plan_key=lambda row, col, c=code_col: dialogue_key(
                "n_otrygg" if col == "n" else (c, str(row["indicator"])),
                area,
                row["campaign_id"],
            ),
        )
        wide = first_wide(rel, ["label"], "campaign_id", "share_of_otrygg", sort=False)
        wide.attrs = rel.attrs
        order = [c for c in wide.columns if c != "label"]
        # the header's n is the released count (public: 1–4 shown as "<5")
        shown = dict(zip(rel["campaign_id"], rel["n"], strict=True))
        section.table(
            wide,
            columns={"label": title} | {c: _n_header(c, shown.get(c, 0)) for c in order},
            formats={c: _pct for c in order},
            numeric=order,
            caption=tr(
                "{t} bland otrygga kartnålar (andel av de otrygga; en nål kan ange flera)",
                "{t} among unsafe pins (share of the unsafe pins; a pin may name several)",
                t=title,
            ),
        )


def _n_header(campaign: str, n: object) -> str:
    """A campaign column's header with its count: ``dialog-2024 (n=38)``, ``(n<5)``."""
    return f"{campaign} (n<5)" if str(n) == SMALL else f"{campaign} (n={n})"


def _section_surveys(
    section: Section, surveys: pd.DataFrame | None, gate: Gate, scope: str
) -> None:
    if surveys is None:  # the project has no survey indicators at all
        section.paragraph(
            tr(
                "Enkätindikatorer: {m} (projektet har inga enkätindikatorer).",
                "Survey indicators: {m} (the project has no survey indicators).",
                m=not_recorded(),
            )
        )
        return
    if len(surveys) == 0:
        section.paragraph(tr("Inga enkätindikatorer {s}.", "No survey indicators {s}.", s=scope))
        return
    cols = [
        c
        for c in ("source", "year", "area_id", "indicator", "value", "scale", "n")
        if c in surveys.columns
    ]
    released = release_table(gate, surveys[cols], "survey_table", shares=("value",), n="n")
    for scale, g in released.groupby("scale", sort=True):
        g = g.assign(
            source_label=[_label("survey_source", s) for s in g["source"]],
            indicator=[_indicator_label(i) for i in g["indicator"]],
            year=g["year"].astype(int).astype(str),
        )
        wide = first_wide(g, ["source_label", "indicator"], "year", "value")
        wide.attrs = released.attrs
        years = [c for c in wide.columns if c not in ("source_label", "indicator")]
        unit = _label("survey_scale", scale)
        section.table(
            wide,
            columns={
                "source_label": tr("Källa", "Source"),
                "indicator": tr("Indikator", "Indicator"),
            }
            | {y: y for y in years},
            formats={
                y: (lambda v: fmt_num(v, 1) if _is_number(v) else text_or_dash(v)) for y in years
            },
            numeric=years,
            caption=tr(
                "Enkätindikatorer, skala: {u} (skalor blandas aldrig)",
                "Survey indicators, scale: {u} (scales are never mixed)",
                u=unit,
            ),
        )


def _police_release(police: pd.DataFrame, gate: Gate) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "area_id": police["area_id"].astype(str),
            "year": police["year"].astype(int),
            "indicator": "polisens_klassning",
            "value": [_label("police_classification", c) for c in police["classification"]],
        }
    )
    return release_table(gate, frame, "area_layer")


def _section_gap(section: Section, analysis: AreaAnalysis, area_id: str, gate: Gate) -> None:
    from .area_plan import signal_key

    row = analysis.gap_areas[analysis.gap_areas["area_id"].astype(str) == area_id]
    if len(row):
        r = row.iloc[0]
        section.paragraph(
            tr(
                "Hela området klassas som: {c}. Otrygga signaler (kartnålar och vandrings"
                "observationer): {o}; händelser: {i}. Vanligaste skäl: {r}.",
                "The area as a whole is classed as: {c}. Unsafe signals (pins and walk "
                "observations): {o}; incidents: {i}. Most frequent reasons: {r}.",
                c=r["gap_label"],
                o=_planned_text(gate, signal_key(area_id), r["n_otrygg"]),
                i=_planned_text(gate, _gap_incident_key(analysis, area_id), r["n_incidents"]),
                r=r["top_reason_labels"] or tr("inga angivna", "none given"),
            )
        )
    cells = analysis.gap_cells
    cells = cells[
        (cells["area_id"].astype("string") == area_id).fillna(False).to_numpy()
        & cells["gap_class"].isin(GAP_SIGNIFICANT).to_numpy()
    ]
    if len(cells) == 0:
        section.paragraph(
            tr(
                "Ingen ruta i området har signifikant fler eller färre otrygga signaler än "
                "händelserna där motsvarar ({t}).",
                "No cell in the area has significantly more or fewer unsafe signals than its "
                "incidents predict ({t}).",
                t=gap_rule(analysis.gap_cells),
            )
        )
        return
    released = _by_gap_test(_gap_cells_release(cells, gate, analysis), cells, "cell_id")
    section.table(
        released,
        columns={
            "cell_id": tr("Ruta", "Cell"),
            "gap_label": tr("Klass", "Class"),
            "n_otrygg_visning": tr("Otrygga signaler", "Unsafe signals"),
            "n_incidents_visning": tr("Händelser", "Incidents"),
            "reasons": tr("Vanligaste skäl", "Most frequent reasons"),
        },
        numeric=["n_otrygg_visning", "n_incidents_visning"],
        max_rows=25,
        caption=tr(
            "Upplevd otrygghet mot händelser per ruta ({c} m), rutor med signifikant skillnad "
            "mot kommunens kvot, starkast först: {t}.",
            "Perceived insecurity versus incidents per cell ({c} m), cells with a significant "
            "gap against the municipality's ratio, strongest first: {t}.",
            c=fmt_int(DEFAULT_CELL_SIZE),
            t=gap_rule(analysis.gap_cells),
        ),
        widths={"reasons": "34%"},
    )


def gap_rule(gap: Any) -> str:
    """The perception-gap test of a result, in words, from its recorded ``alpha`` and
    ``min_n``."""
    params = gap.attrs["tryggaplatser"]["params"]
    by = "cell" if "cell_id" in gap.columns else "area"
    ratio = params.get("min_ratio", {}).get("value", DEFAULT_MIN_RATIO)
    return gap_test_text(params["alpha"]["value"], params["min_n"]["value"], by, ratio)


def _by_gap_test(released: pd.DataFrame, tested: Any, key: str) -> pd.DataFrame:
    """Released gap rows in the order of the test: "feels unsafe" first, then "not
    perceived"; within a class by q-value, then by ``key`` (the q-values are not shown)."""
    q = pd.Series(tested["q_value"].to_numpy(), index=tested[key].astype(str).to_numpy())
    order = {c: i for i, c in enumerate(GAP_SIGNIFICANT)}
    return released.assign(
        _o=released["gap_class"].map(order), _q=released[key].astype(str).map(q)
    ).sort_values(["_o", "_q", key])


def _planned_text(gate: Gate, key: Any, value: Any) -> str:
    """A count printed in prose or a header as the set's plan releases it ("<5", ".."); an
    unplanned count as :func:`_count_text`."""
    status = gate.planned(key)
    if status is None or _num(value) is None:
        return _count_text(value, gate)
    return SMALL if status == PRIMARY else HIDDEN if status == SECONDARY else fmt_int(value)


def _gap_incident_key(analysis: AreaAnalysis, area_id: str) -> tuple:
    """The plan key of an area's incidents in the perception gap's categories."""
    from .area_plan import gap_category, incident_key

    return incident_key((analysis.start, analysis.end), area_id, gap_category(analysis.gap_areas))


def _released_shown(gate: Gate, n: Any, *keys: Any) -> bool:
    """Whether a public share of ``n`` may be printed: the count shown and, with the set's
    plan, every planned key (numerator and denominator) published."""
    if _num(n) is None:
        return False
    return all(gate.planned(k) in (None, PUBLISHED) for k in keys)


def _count_text(value: Any, gate: Gate) -> str:
    v = _num(value)
    if v is None:
        return "–"
    if gate.public and 1 <= v < MIN_COUNT:
        return SMALL
    return fmt_int(v)


def _gap_cells_release(cells: Any, gate: Gate, analysis: AreaAnalysis) -> pd.DataFrame:
    from .area_plan import gap_category, signal_cell_key

    incidents = _cell_plan_key(analysis, gap_category(analysis.gap_cells))
    size = cell_size_of(analysis.gap_cells)

    def key(row: Any, col: str) -> tuple:
        if col == "n_incidents":
            return incidents(row, col)
        return signal_cell_key(size, row["cell_id"])

    released = release_table(
        gate,
        _grid_for_gate(cells),
        "grid_cells",
        counts=("n_incidents", "n_otrygg"),
        by=("gap_class", "gap_label", "top_reason_labels"),
        plan_key=key,
    )
    for col in ("n_incidents", "n_otrygg"):
        vis = f"{col}_visning"
        if vis not in released.columns:
            released[vis] = [fmt_int(v) for v in released[col]]
    # reasons of very few people are not shown publicly (each pin is one person's answer)
    released["reasons"] = [
        r if (not gate.public or (_num(n) or 0) >= MIN_COUNT) else HIDDEN
        for r, n in zip(released["top_reason_labels"], released["n_otrygg"], strict=True)
    ]
    return released


def _section_quality(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Data quality of the whole set (sources per week/month, silent sources, location
    precision, import); built once per gate and reused by every report of the set."""

    def build() -> list:
        scratch = Section(section.title, section.key, _report=section._report)
        _build_quality(scratch, analysis, gate)
        return scratch.blocks

    section.blocks.extend(_released(analysis, gate, "quality", build))


def _build_quality(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Data quality of the whole set, one block after another."""
    _quality_reports_per_source(section, analysis, gate)
    _quality_silent_sources(section, analysis, gate)
    _quality_location_precision(section, analysis, gate)
    _quality_import(section, analysis, gate)


def _quality_reports_per_source(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Reports per source and week (internal) or calendar month (public), as a line chart."""
    from .area_plan import source_month_key

    weekly = analysis.weekly
    if len(weekly):
        if gate.public:  # calendar months, each count as the set's disclosure plan has it
            released = release_table(
                gate,
                analysis.monthly,
                "area_table",
                by=["source", "month"],
                counts=("n",),
                plan_key=lambda row, col: source_month_key(row["month"], row["source"]),
            )
            unit = tr("Rapporter per månad", "Reports per month")
            key = "month"
        else:
            released = internal_table(
                gate, weekly[["source", "week", "n"]], name="reports_per_source_week"
            )
            unit = tr("Rapporter per vecka", "Reports per week")
            key = "week"
        series = {}
        for source, g in released.groupby("source", sort=True):
            series[_source_label(source)] = (list(g[key].astype(str)), [_num(v) for v in g["n"]])
        section.figure(
            _lines_chart(series, tr("{u} och källa", "{u} by source", u=unit), unit),
            caption=tr(
                "{u} per källa (hela kommunen) – ett fall till noll betyder "
                "oftast att källan slutat rapportera, inte att det blivit "
                "lugnt.",
                "{u} per source (whole municipality) – a drop to "
                "zero usually means the source stopped reporting, not that "
                "things got quiet.",
                u=unit,
            ),
        )


def _quality_silent_sources(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Sources that were silent for two weeks or more (weeks internally, months publicly)."""
    silent = analysis.silent
    if len(silent):
        items = []
        for r in silent.itertuples(index=False):
            months = _period_months(pd.Timestamp(r.start).date(), pd.Timestamp(r.end).date())
            # public: the months only (a count of weeks would place the silence within them)
            length = "" if gate.public else tr(" ({n} veckor)", " ({n} weeks)", n=r.n_weeks)
            items.append(
                tr(
                    "{s}: inga rapporter {w}{n}{o}.",
                    "{s}: no reports {w}{n}{o}.",
                    s=_source_label(r.source),
                    w=months if gate.public else f"{r.start_week} – {r.end_week}",
                    n=length,
                    o=tr(", pågår", ", ongoing") if r.ongoing else "",
                )
            )
        section.note(tr("Tysta källor: ", "Silent sources: ") + " ".join(items), tone="warning")
    else:
        section.paragraph(
            tr(
                "Ingen källa har varit tyst i två veckor eller mer.",
                "No source was silent for two weeks or more.",
            )
        )


def _quality_location_precision(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Location precision per source, municipality-centroid rows highlighted."""
    prec = analysis.precision
    if len(prec):
        from .area_plan import precision_key

        frame = prec.loc[prec["n"] > 0, ["source", "location_precision", "n"]].copy()
        period = (analysis.start, analysis.end)
        released = release_table(
            gate,
            frame,
            "area_table",
            by=["source", "location_precision"],
            counts=("n",),
            plan_key=lambda row, col: precision_key(
                period, row["source"], row["location_precision"]
            ),
        )
        totals = prec.groupby("source")["n"].sum()
        released["label"] = [
            tr("Saknas", "Missing") if c == "saknas" else _label("location_precision", c)
            for c in released["location_precision"]
        ]
        released["source_label"] = [_source_label(s) for s in released["source"]]
        released["share"] = [
            _share_if(n, totals.get(s, 0), gate, min_n=1)
            if _released_shown(
                gate, n, precision_key(period, s, p), precision_key(period, s, TOTAL)
            )
            else HIDDEN
            for n, s, p in zip(
                released["n"], released["source"], released["location_precision"], strict=True
            )
        ]
        released["flagged"] = released["location_precision"] == "kommun_centroid"
        section.table(
            released,
            columns={
                "source_label": tr("Källa", "Source"),
                "label": tr("Lägesprecision", "Precision"),
                "n": tr("Antal", "Count"),
                "share": tr("Andel", "Share"),
            },
            formats={"n": fmt_int, "share": _pct},
            numeric=["n", "share"],
            highlight="flagged",
            caption=tr(
                "Lägesprecision per källa. Markerade rader (kommunens mittpunkt, t.ex. "
                "Polisens öppna händelser) placeras aldrig i något område eller ruta.",
                "Location precision by source. Highlighted rows (municipality "
                "centroid, e.g. Polisen's open events) are never placed in an area or "
                "cell.",
            ),
        )


def _quality_import(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """Import: rows read, accepted, quarantined and dropped as duplicates per file."""
    quarantine = analysis.quarantine
    if len(quarantine):
        frame = quarantine[quarantine["file"] != "totalt"][
            ["file", "read", "accepted", "quarantined", "duplicates_dropped"]
        ]
        frame = frame.groupby("file", as_index=False, sort=True).sum()
        released = release_table(
            gate,
            frame,
            "area_table",
            by=["file"],
            margins=True,
            counts=("read", "accepted", "quarantined", "duplicates_dropped"),
        )
        released["share"] = [
            _share_if(q, r, gate, min_n=1)
            for q, r in zip(released["quarantined"], released["read"], strict=True)
        ]
        released["file"] = [tr("Totalt", "Total") if f == TOTAL else f for f in released["file"]]
        counts = {
            "read": tr("Lästa", "Read"),
            "accepted": tr("Godkända", "Accepted"),
            "quarantined": tr("I karantän", "Quarantined"),
            "duplicates_dropped": tr("Dubbletter", "Duplicates"),
        }
        if gate.public:  # a file's rows span every day it holds, also after the period's end
            counts = {}
        section.table(
            released,
            columns={"file": tr("Fil", "File")}
            | counts
            | {"share": tr("Andel i karantän", "Share quarantined")},
            formats=dict.fromkeys(counts, fmt_int) | {"share": lambda v: _pct(v, 1)},
            numeric=[*counts, "share"],
            caption=_import_caption(gate),
        )


def _import_caption(gate: Gate) -> str:
    """The import table's caption: public versions show shares only, since a file's row
    counts minus the period's counts would give the days after its last whole month away."""
    if gate.public:
        return tr(
            "Import: andel rader i karantän per fil (antalen visas bara i den interna "
            "versionen: filerna har också rader från dagar utanför periodens hela månader)",
            "Import: share of rows quarantined per file (the counts are shown in the internal "
            "version only: the files also hold rows from days outside the period's whole months)",
        )
    return tr(
        "Import: rader per fil (lästa = godkända + karantän + dubbletter)",
        "Import: rows per file (read = accepted + quarantined + duplicates)",
    )


def _methods(report: Report, analysis: AreaAnalysis, prof: Any | None) -> None:
    """The methods box: profile, Gi* and perception-gap parameters, mode and the method note."""
    record = {}
    if prof is not None:
        record = prof.by_category.attrs
    else:
        first = next(iter(analysis.profiles.values()))
        record = first.by_category.attrs
    params = (record.get("tryggaplatser", {}) or {}).get("params", {}) or {}
    for name, rec in params.items():
        if not isinstance(rec, dict):
            continue
        report.parameter(
            param_label(name),
            _profile_parameter_value(name, _planned_param(report.gate, analysis, name, rec)),
            auto=bool(rec.get("auto")),
            rule=str(rec.get("rule") or ""),
            group=tr("Områdesprofil", "Area profile"),
        )
    report.parameters_from(analysis.cells.attrs, group=tr("Hotspots (Gi*)", "Hotspots (Gi*)"))
    report.parameter(
        tr("Hotspotklasser", "Hotspot classes"),
        "Gi* bin ≥ 2 (95 %, 99 %)",
        rule=tr("rutor vars mittpunkt ligger i området", "cells whose centre lies in the area"),
    )
    report.parameters_from(
        _planned_gap_attrs(report.gate, analysis),
        group=tr("Upplevd otrygghet", "Perceived insecurity"),
    )
    report.parameter(
        tr("Publiceringsläge", "Publishing mode"),
        mode_text(report.gate.mode),
        rule=tr(
            "publikt: antal 1–4 visas som <5, kompletterande undertryckning "
            "(..) över marginaler, takter bara när antal ≥ 5 och "
            "befolkning ≥ 50, andelar bara när n ≥ 10, ingen fritext",
            "public: counts 1–4 shown as <5, complementary suppression (..) "
            "over margins, rates only when count ≥ 5 and population ≥ 50, "
            "shares only when n ≥ 10, no free text",
        ),
    )
    _methods_note(report, analysis)


#: Counts of the methods box by parameter name, and their names in the set's plan.
_METHOD_COUNTS = {
    "n_incidents_in_period": "n_incidents_in_period",
    "excluded_kommun_centroid": "centroid",
}


def _planned_param(gate: Gate, analysis: AreaAnalysis, name: str, rec: dict) -> Any:
    """A profile parameter's value with its counts as the set's plan releases them."""
    from .area_plan import method_key

    period, value = (analysis.start, analysis.end), rec.get("value")
    if name in _METHOD_COUNTS and _is_number(value):
        return _planned_text(gate, method_key(period, _METHOD_COUNTS[name]), value)
    if name == "aoristic" and isinstance(value, dict) and "excluded_time_unknown" in value:
        n = value["excluded_time_unknown"]
        text = _planned_text(gate, method_key(period, "time_unknown"), n)
        return {**value, "excluded_time_unknown": text}
    return value


def _planned_gap_attrs(gate: Gate, analysis: AreaAnalysis) -> dict:
    """The perception gap's provenance with its count of centroid records as the plan
    releases it; public: p0 as a share, without the counts it is made of."""
    from ...provenance import thaw
    from .area_plan import method_key

    attrs = thaw(analysis.gap_cells.attrs)
    params = attrs.get("tryggaplatser", {}).get("params", {})
    rec = params.get("excluded_kommun_centroid")
    if isinstance(rec, dict) and _is_number(rec.get("value")):
        key = method_key((analysis.start, analysis.end), "gap_centroid")
        rec["value"] = _planned_text(gate, key, rec["value"])
    p0 = params.get("p0")
    if gate.public and isinstance(p0, dict) and p0.get("rule"):
        # the counts behind p0 ("k av n") would publish the placed records of every cell
        p0["rule"] = re.sub(r":\s*\d+ (av|of) \d+\s*$", "", str(p0["rule"]))
    return attrs


def _profile_parameter_value(name: str, value: Any) -> Any:
    """An area-profile parameter's value as shown in the methods box."""
    if name == "population_year" and not _is_number(value) and not str(value or "").strip():
        return not_recorded()
    if name == "eb_prior" and isinstance(value, dict):
        prior = next((v for k, v in value.items() if k.endswith(":alla")), None)
        if prior and not prior.get("n_areas"):  # no area has a population
            return tr(
                "{m} (ingen befolkning: ingen utjämning)",
                "{m} (no population: no smoothing)",
                m=not_recorded(),
            )
        value = (
            tr(
                "medel {m} per 1 000 och år över {a} områden ({n} kategorier "
                "utjämnade var för sig)",
                "mean {m} per 1,000 and year over {a} areas ({n} categories smoothed separately)",
                m=fmt_num(prior["mean_per_1000_per_year"], 1),
                a=prior["n_areas"],
                n=len(value) - 1,
            )
            if prior
            else len(value)
        )
    elif name == "aoristic" and isinstance(value, dict):
        value = tr(
            "tak {c} h; {e} utan känd tid uteslutna",
            "cap {c} h; {e} without a known time excluded",
            c=value.get("cap_hours"),
            e=value.get("excluded_time_unknown"),
        )
    else:
        value = param_value(name, value)
    return value


def _methods_note(report: Report, analysis: AreaAnalysis) -> None:
    """The methods note: rates, EB smoothing, trend, Gi* and the perception gap."""
    gap = gap_rule(analysis.gap_cells)
    report.method_note(
        tr(
            "Takter är per 1 000 invånare och år: antal / befolkning / år × 1 000, med år = "
            "dagar i perioden / 365,25. EB-utjämnad takt: Marshalls (1991) globala empiriska "
            "Bayes-skattning, som drar takter i små områden mot kommunens nivå. Trend: "
            "Mann-Kendall med Sens lutning på säsongsrensade hela månader (varje månad minus "
            "sin kalendermånads medelvärde; säsongs-Mann-Kendall enligt Hirsch, Slack & Smith "
            "1982 redovisas bredvid). Hotspots: "
            "Getis-Ord Gi* med FDR-korrigering (Benjamini–Hochberg). Upplevd otrygghet mot "
            "händelser: {g}. Händelser med lägesprecision 'kommunens mittpunkt' placeras "
            "aldrig i ett område.",
            "Rates are per 1,000 residents and year: count / population / years × 1,000, with "
            "years = days in the period / 365.25. EB-smoothed rate: Marshall's (1991) global "
            "empirical-Bayes estimate, which pulls the rates of small areas towards the "
            "municipality's level. Trend: Mann-Kendall with Sen's slope on deseasonalised "
            "complete months (each month minus its calendar month's mean; the seasonal "
            "Mann-Kendall of Hirsch, Slack & Smith 1982 alongside). Hotspots: Getis-Ord Gi* "
            "with FDR correction (Benjamini–Hochberg). "
            "Perceived insecurity versus incidents: {g}. Records with location precision "
            "'municipality centroid' are never placed in an area.",
            g=gap,
        )
    )


# ---------------------------------------------------------------------------------------------
# the area report


class AreaReport(Report):
    """A :class:`~.report.Report` with the page rules of the area reports added.

    ``templates/area_report.css`` keeps the key figures with the table they summarise (the
    page rules of tables are the shared report's). Everything else — gate, marking,
    escaping, methods box — is the shared report's.
    """

    def render(self) -> str:
        """The HTML document of :meth:`Report.render` with ``area_report.css`` added."""
        from importlib import resources

        page = super().render()
        css = (
            resources.files(__package__)
            .joinpath("templates", "area_report.css")
            .read_text(encoding="utf-8")
        )
        return page.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)


def _section_followup(section: Section, analysis: AreaAnalysis, area_id: str, gate: Gate) -> None:
    """Internal: follow-up per responsible organisation (åtgärdsgrad, median days, overdue) for
    walk findings and decided measures in the area, as of the report's issue date."""
    from ..._clock import today
    from ...analysis.plans import followup_by_responsible
    from .report import internal_table

    if analysis.walk_observations is None and analysis.measures is None:
        return
    table = followup_by_responsible(
        analysis.walk_observations,
        analysis.measures,
        areas=analysis.areas,
        area_id=area_id,
        today=today(),
        quiet=True,
    )
    if not len(table):
        return
    table = table.assign(
        kind=table["kind"]
        .map(
            {
                "vandringsfynd": tr("Vandringsfynd", "Walk findings"),
                "atgard": tr("Åtgärd", "Measure"),
            }
        )
        .fillna(table["kind"]),
        atgardsgrad=(table["atgardsgrad"] * 100).round(0),
    )
    section.paragraph(
        tr(
            "Uppföljning per ansvarig den {d}: åtgärdsgrad = andel åtgärdade av de fynd som "
            "skickats "
            "vidare; försenade = öppna med passerat klart-datum.",
            "Follow-up per responsible on {d}: share resolved = resolved among the findings passed "
            "on; overdue = open with a passed due date.",
            d=today().isoformat(),
        )
    )
    section.table(
        internal_table(gate, table, name="followup_by_responsible"),
        columns={
            "kind": tr("Slag", "Kind"),
            "responsible": tr("Ansvarig", "Responsible"),
            "n": tr("Antal", "Number"),
            "n_open": tr("Öppna", "Open"),
            "n_resolved": tr("Åtgärdade", "Resolved"),
            "atgardsgrad": tr("Åtgärdsgrad (%)", "Share resolved (%)"),
            "median_days_to_resolve": tr("Mediandagar till åtgärd", "Median days to fix"),
            "n_overdue": tr("Försenade", "Overdue"),
        },
        caption=tr("Uppföljning per ansvarig (internt)", "Follow-up per responsible (internal)"),
    )


def area_report(
    analysis: AreaAnalysis, area_id: str, gate: Gate, *, with_map: bool = True, risk: Any = None
) -> Report:
    """Build the områdesanalys of one area as a :class:`~.report.Report`.

    Parameters
    ----------
    analysis : AreaAnalysis
        From :func:`prepare_area_analysis`.
    area_id : str
        An ``area_id`` of the analysis (or an area's exact name).
    gate : Gate
        The output set's publishing gate; every table passes it.
    with_map : bool
        Draw the static hotspot map (about a second per area).
    risk : (RiskTerrainResult, StreetResult or None), optional
        :meth:`Run.risk_terrain` and :meth:`Run.streets`: adds the short "Riskfaktorer"
        section (the significant factors, the area's top street stretches).

    Returns
    -------
    Report
        Write it with :meth:`Report.write` (through the gate).
    """
    _require_whole_months(gate, analysis)
    area_id = _resolve_area(analysis, area_id)
    prof = analysis.profiles[area_id]
    table = area_category_table(analysis, gate)
    report = AreaReport(
        tr("Områdesanalys: {n}", "Area analysis: {n}", n=prof.name),
        gate=gate,
        municipality=analysis.municipality,
        period=analysis.period_text,
        kind=tr("Områdesanalys", "Area analysis"),
        area=prof.name,
        subtitle=tr(
            "Händelser, trygghet och åtgärder i området",
            "Incidents, perceived safety and measures in the area",
        ),
    )
    report.summary(_area_summary(analysis, prof, table, gate))

    _area_incident_sections(report, analysis, prof, table, area_id, gate, with_map)
    if risk is not None:
        from .risk_report import risk_section

        within = analysis.areas.loc[analysis.areas["area_id"] == area_id].geometry
        risk_section(report, *risk, gate, within=within.iloc[0] if len(within) else None)
    _area_people_sections(report, analysis, prof, area_id, gate)
    _area_surveys_and_police(report, analysis, area_id, gate)
    s = report.section(tr("Datakvalitet", "Data quality"), key="datakvalitet", new_page=True)
    _section_quality(s, analysis, gate)
    _methods(report, analysis, prof)
    return report


def _area_incident_sections(
    report: Report,
    analysis: AreaAnalysis,
    prof: Any,
    table: pd.DataFrame,
    area_id: str,
    gate: Gate,
    with_map: bool,
) -> None:
    """The area report's incident sections: categories, trend, time and hotspots."""
    s = report.section(tr("Händelser per kategori", "Incidents by category"), key="kategorier")
    _section_categories(s, table, area_id, analysis, gate)
    if gate.public and analysis.sensitive:
        s.note(
            tr(
                "Känsliga kategorier redovisas bara för hela kommunen.",
                "Sensitive categories are reported for the whole municipality only.",
            )
        )
    s = report.section(tr("Trend över åren", "Trend over the years"), key="trend")
    _section_trend(s, prof, gate, analysis)
    s = report.section(
        tr("När: årshjul och tid på dygnet", "When: annual cycle and time of day"), key="tid"
    )
    _section_time(s, prof, gate, analysis)
    s = report.section(
        tr("Hotspots i området", "Hotspots in the area"), key="hotspots", new_page=True
    )
    _section_hotspots(s, prof, analysis, gate, with_map)


def _area_people_sections(
    report: Report, analysis: AreaAnalysis, prof: Any, area_id: str, gate: Gate
) -> None:
    """The area report's sections on what people say: perception gap, walks, dialogue."""
    s = report.section(
        tr("Upplevd otrygghet och varför", "Perceived insecurity and why"),
        key="upplevd",
        intro=tr(
            "Var säger människor att de känner sig otrygga (kartnålar, "
            "vandringsobservationer) jämfört med var händelser "
            "registreras – och vilka skäl anger de?",
            "Where do people say they feel unsafe (pins, walk "
            "observations) compared with where incidents are recorded – "
            "and which reasons do they give?",
        ),
    )
    _section_gap(s, analysis, area_id, gate)
    s = report.section(tr("Trygghetsvandringar", "Safety walks"), key="vandringar")
    _section_walks(
        s,
        prof.walks,
        gate,
        tr("i området", "in the area"),
        area=area_id,
        recorded=analysis.walk_observations is not None,
        analysis=analysis,
    )
    if not gate.public:
        _section_followup(s, analysis, area_id, gate)
    s = report.section(tr("Medborgardialog", "Citizen dialogue"), key="dialog")
    _section_dialogue(
        s,
        prof.dialogue,
        prof.dialogue_reasons,
        prof.dialogue_time_of_day,
        gate,
        tr("i området", "in the area"),
        area=area_id,
    )


def _area_surveys_and_police(
    report: Report, analysis: AreaAnalysis, area_id: str, gate: Gate
) -> None:
    """The area report's surveys and the police classification of the area over time."""
    s = report.section(
        tr("Enkäter och polisens klassning", "Surveys and police classification"), key="enkater"
    )
    surveys = analysis.survey_indicators
    if surveys is not None:
        surveys = surveys[surveys["area_id"].astype(str) == area_id]
    _section_surveys(s, surveys, gate, tr("för området", "for the area"))
    police = analysis.police_classification
    if police is None:  # no classification in the project: unknown, not "not on the list"
        s.paragraph(
            tr(
                "Polisens klassning: {m} (projektet har inget lager med polisens klassning).",
                "Police classification: {m} (the project has no police classification layer).",
                m=not_recorded(),
            )
        )
        return
    police = police[police["area_id"].astype(str) == area_id]
    if len(police):
        released = _police_release(police.sort_values("year"), gate)
        s.table(
            released,
            columns={
                "year": tr("År", "Year"),
                "value": tr("Polisens klassning", "Police classification"),
            },
            formats={"year": str},
            widths={"year": "15%"},
            numeric=[],
            caption=tr(
                "Polisens klassning av området över tid", "Police classification of the area"
            ),
        )
    else:
        s.paragraph(
            tr(
                "Området finns inte i polisens lista över utsatta områden.",
                "The area is not on the police list of vulnerable areas.",
            )
        )


def _resolve_area(analysis: AreaAnalysis, area_id: str) -> str:
    key = str(area_id)
    if key in analysis.profiles:
        return key
    by_name = {p.name: a for a, p in analysis.profiles.items()}
    if key in by_name:
        return by_name[key]
    lower = {p.name.lower(): a for a, p in analysis.profiles.items()}
    if key.lower() in lower:
        return lower[key.lower()]
    raise ArgumentError(
        tr("Okänt område {a!r}.", "Unknown area {a!r}.", a=key),
        rule="AREA_UNKNOWN",
        fix=tr(
            "ange ett område-id eller namn: {ids}",
            "give an area id or name: {ids}",
            ids=", ".join(f"{a} ({p.name})" for a, p in list(analysis.profiles.items())[:30]),
        ),
    )


def _summary_rate(t: Any) -> str:
    """The summary's first line: incidents, the rate and (when the rate is certain enough) its
    ratio to the municipality; an uncertain rate gets its interval and a caveat instead."""
    rate, ratio = t["rate_per_1000"], t["ratio_to_municipality"]
    if _is_number(rate) and _is_number(ratio) and bool(t.get("uncertain", False)):
        return tr(
            "{n} händelser under perioden ({r} per 1 000 invånare och år, 95 % KI {i}). "
            "Takten är osäker (litet område eller brett intervall) och jämförs inte med "
            "kommunens nivå.",
            "{n} incidents in the period ({r} per 1,000 residents and year, 95 % CI "
            "{i}). The rate is uncertain (a small area or a wide interval) and is not "
            "compared with the municipality's level.",
            n=fmt_int(t["n"]),
            r=_rate_fmt(rate),
            i=_interval_text(t["rate_low"], t["rate_high"]),
        )
    if _is_number(rate) and _is_number(ratio):
        return tr(
            "{n} händelser under perioden ({r} per 1 000 invånare och år; {q} gånger "
            "kommunens nivå).",
            "{n} incidents in the period ({r} per 1,000 residents and year; {q} times "
            "the municipality's level).",
            n=fmt_int(t["n"]),
            r=_rate_fmt(rate),
            q=fmt_num(ratio, 2),
        )
    if not _is_number(t.get("population")):
        return tr(
            "{n} händelser under perioden. Takt per invånare redovisas inte (befolkning: {m}).",
            "{n} incidents in the period. No rate per resident is shown (population: {m}).",
            n=fmt_int(t["n"]),
            m=not_recorded(),
        )
    return tr(
        "{n} händelser under perioden. Takt per invånare redovisas inte "
        "(befolkning under 50 eller för få händelser).",
        "{n} incidents in the period. No rate per resident is shown (population "
        "under 50 or too few incidents).",
        n=fmt_int(t["n"]),
    )


def _summary_above(high: pd.DataFrame) -> str | None:
    """Categories clearly above the municipality's level (≥ 1.5 ×, at least 5 incidents,
    never on an uncertain rate), the three largest ratios."""
    high = high[[(_is_number(v) and v >= 1.5) for v in high["ratio_to_municipality"]]]
    high = high[[(_num(n) or 0) >= MIN_COUNT for n in high["n"]]] if len(high) else high
    if len(high):
        high = high[~high["uncertain"].astype(bool).to_numpy()]
    if not len(high):
        return None
    high = high.sort_values("ratio_to_municipality", ascending=False).head(3)
    return tr(
        "Klart över kommunens nivå: {c}.",
        "Clearly above the municipality's level: {c}.",
        c="; ".join(
            f"{lab} ({fmt_num(q, 1)}×)"
            for lab, q in zip(high["label"], high["ratio_to_municipality"], strict=True)
        ),
    )


def _area_summary(analysis: AreaAnalysis, prof: Any, table: pd.DataFrame, gate: Gate) -> list[str]:
    items = []
    rows = _area_rows(analysis, gate, table, prof.area_id)
    total = rows[rows["category"] == TOTAL]
    if len(total):
        items.append(_summary_rate(total.iloc[0]))
    above = _summary_above(rows[(rows["category"] != TOTAL)])
    if above:
        items.append(above)
    items.append(_trend_sentence(prof.trend_test))
    hot = prof.hotspot_cells
    items.append(
        tr(
            "{n} hotspotceller (Gi*, 95–99 %) i området.",
            "{n} hotspot cells (Gi*, 95–99 %) in the area.",
            n=0 if hot is None else len(hot),
        )
    )
    unsafe = _unsafe_gap_cells(analysis, gate).get(prof.area_id)
    if unsafe is not None:
        reasons = _top_labels(unsafe, gate)
        items.append(
            tr(
                "{n} rutor med signifikant fler otrygga signaler än händelserna där motsvarar{r}.",
                "{n} cells with significantly more unsafe signals than their incidents predict{r}.",
                n=len(unsafe),
                r=tr(" – skäl: {x}", " – reasons: {x}", x=reasons) if reasons else "",
            )
        )
    if prof.walks is not None and int(prof.walks["n"].iloc[-1]) > 0:
        released = _walk_release(prof.walks, gate, prof.area_id, analysis)
        t = released[released["is_total"]].iloc[0]
        items.append(
            tr(
                "Trygghetsvandringar: {n} observationer, åtgärdsgrad {a}.",
                "Safety walks: {n} observations, share resolved {a}.",
                n=fmt_int(t["n"]),
                a=_pct(t["atgardsgrad"]),
            )
        )
    return items


def _unsafe_gap_cells(analysis: AreaAnalysis, gate: Gate) -> dict[str, pd.DataFrame]:
    """The gap cells with more unsafe signals than their incidents predict, per area (their
    reason labels and unsafe counts), split once per gate."""

    def build() -> dict[str, pd.DataFrame]:
        gap = analysis.gap_cells
        unsafe = gap[gap["gap_class"] == "otrygg_fa_handelser"]
        cells = pd.DataFrame(
            unsafe[[c for c in ("top_reason_labels", "n_otrygg") if c in unsafe.columns]]
        )
        rows: dict[str, list[int]] = {}
        for i, area in enumerate(unsafe["area_id"].astype("string")):
            if area is not pd.NA:
                rows.setdefault(area, []).append(i)
        return {area: cells.iloc[r] for area, r in rows.items()}

    return _released(analysis, gate, "unsafe_gap_cells", build)


def _top_labels(cells: pd.DataFrame, gate: Gate, top: int = 3) -> str:
    """Most frequent reason labels over cells, counted per cell (public: cells with ≥ 5)."""
    counts: dict[str, int] = {}
    for labels, n in zip(cells["top_reason_labels"], cells["n_otrygg"], strict=True):
        if gate.public and n < MIN_COUNT:
            continue
        for lab in str(labels or "").split("; "):
            if lab:
                counts[lab] = counts.get(lab, 0) + 1
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return ", ".join(k for k, _ in best)


# ---------------------------------------------------------------------------------------------
# the lägesbild


def _require_whole_months(gate: Gate, *analyses: AreaAnalysis | None) -> None:
    """A public report covers whole months (REFERENCE.md §5: the month is the finest public
    time unit); an analysis of another period is refused before anything is written."""
    from ...analysis.periods import is_whole_months

    for analysis in analyses:
        if (
            gate.public
            and analysis is not None
            and not is_whole_months(analysis.start, analysis.end)
        ):
            raise ArgumentError(
                tr(
                    "Publika rapporter gäller hela månader; perioden {p} gör det inte.",
                    "Public reports cover whole months; the period {p} does not.",
                    p=analysis.period_text,
                ),
                rule="TIME_TOO_FINE",
                fix=tr(
                    "använd Run i publikt läge eller en period av hela månader, t.ex. "
                    "period=whole_months(*data_span(...))",
                    "use a public Run or a period of whole months, e.g. "
                    "period=whole_months(*data_span(...))",
                ),
            )


def lagesbild_report(
    analysis: AreaAnalysis,
    gate: Gate,
    *,
    trend: AreaAnalysis | None = None,
    previous: Any = None,
    with_map: bool = True,
    forecast: Any = None,
    risk: Any = None,
) -> Report:
    """Build the municipality's lägesbild for the analysis period (normally one year).

    Structured as the law (2023:196) asks:

    1. *Kartläggning av brottslighet och dess konsekvenser*: extent by category (with the
       previous year), per-area table (counts, rates, EB rates, ratio to the municipality),
       trend over the years, hotspots (table and map), consequences (severity, reported to
       the police, incidents against staff, perceived insecurity);
    2. *Annan relevant information*: dialogue, safety walks, surveys, police classification,
       data quality;
    3. *Analys inklusive orsaker*: sentences generated from the numbers — perception gap with
       reasons, patterns by place type and time, recurring places, areas with significant
       trends — clearly marked as generated.

    Parameters
    ----------
    analysis : AreaAnalysis
        For the year (``prepare_area_analysis(project, period=year)``).
    gate : Gate
    trend : AreaAnalysis, optional
        The same project over all years (trend tests per area); default: none (only the
        municipality's yearly counts are shown).
    previous : GeoDataFrame, optional
        Incidents of the previous year, for the comparison column.
    with_map : bool
        Draw the municipality's hotspot map.
    forecast : ForecastAccuracy, optional
        :meth:`Run.forecast` (monthly): adds the short section on how predictable the
        hotspots are.
    risk : (RiskTerrainResult, StreetResult or None), optional
        Adds the short "Riskfaktorer" section (significant factors, top street stretches).

    Returns
    -------
    Report
    """
    _require_whole_months(gate, analysis, trend)
    table = area_category_table(analysis, gate)
    muni = municipality_category_table(analysis, gate, previous)
    label_year = (
        str(analysis.start.year)
        if analysis.start.year == analysis.end.year
        else analysis.period_text
    )
    report = AreaReport(
        tr("Lägesbild {y}", "Situation picture {y}", y=label_year),
        gate=gate,
        municipality=analysis.municipality,
        period=analysis.period_text,
        kind=tr("Lägesbild enligt lag (2023:196)", "Lägesbild under Act 2023:196"),
        subtitle=tr(
            "Kartläggning av brottslighet och otrygghet, annan relevant "
            "information och analys av orsaker",
            "Mapping of crime and insecurity, other relevant information and an analysis of causes",
        ),
    )
    findings = _generated_findings(analysis, gate, trend)
    report.summary(_lagesbild_summary(analysis, muni, table, gate) + findings[:2])

    _lagesbild_mapping(report, analysis, gate, muni, table, with_map)
    if forecast is not None:
        from .forecast_report import lagesbild_forecast_section

        lagesbild_forecast_section(report, forecast, gate)
    if risk is not None:
        from .risk_report import risk_section

        risk_section(report, *risk, gate)
    first = next(iter(analysis.profiles.values()))
    _lagesbild_other_information(report, analysis, gate)
    _lagesbild_analysis(report, analysis, gate, findings)
    _methods(report, analysis, None)
    if first is not None and trend is not None:
        report.parameter(
            tr("Trendperiod", "Trend period"),
            trend.period_text,
            rule=tr(
                "alla år i data, för trendtest per område",
                "all years in the data, for the trend tests per area",
            ),
        )
    return report


def _lagesbild_mapping(
    report: Report,
    analysis: AreaAnalysis,
    gate: Gate,
    muni: pd.DataFrame,
    table: pd.DataFrame,
    with_map: bool,
) -> None:
    """Section (1), kartläggning: extent by category and area, consequences, trend, hotspots."""
    s = report.section(
        tr(
            "Kartläggning av brottslighet och dess konsekvenser",
            "Mapping of crime and its consequences",
        ),
        key="kartlaggning",
        intro=tr(
            "Omfattning, fördelning över områden, utveckling över tid och "
            "var händelserna koncentreras.",
            "Extent, distribution over areas, development over time and "
            "where incidents concentrate.",
        ),
    )
    cols = {"label": tr("Kategori", "Category"), "n": tr("Antal", "Count")}
    if "n_previous" in muni.columns:
        cols["n_previous"] = tr("Samma period året före", "Same period the year before")
    s.table(
        muni,
        columns=cols,
        formats={c: fmt_int for c in cols if c != "label"},
        numeric=[c for c in cols if c != "label"],
        caption=tr(
            "Händelser per kategori i hela kommunen (alla källor, även poster som "
            "inte kan placeras i ett område)",
            "Incidents by category in the whole "
            "municipality (all sources, also records that cannot be placed in an "
            "area)",
        ),
    )
    per_area = table[(table["category"] == TOTAL)].copy()
    per_area["is_total"] = per_area["area_id"] == TOTAL
    per_area["_n"] = [-(_num(v) or 0) for v in per_area["n"]]
    per_area = per_area.sort_values(["is_total", "_n"])
    per_area["rate_ci"] = [
        _interval_text(a, b) + (" ⚠" if u else "")
        for a, b, u in zip(per_area["rate_low"], per_area["rate_high"], per_area["uncertain"])
    ]
    columns = _without_rates_if_no_population(
        s,
        per_area[~per_area["is_total"]],
        {
            "name": tr("Område", "Area"),
            "population": tr("Befolkning", "Population"),
            "n": tr("Antal", "Count"),
            "rate_per_1000": tr("Per 1 000 inv. och år", "Per 1,000 res. and year"),
            "rate_ci": tr("95 % KI", "95 % CI"),
            "rate_eb": tr("EB-utjämnad", "EB-smoothed"),
            "ratio_to_municipality": tr("Kvot mot kommunen", "Ratio to municipality"),
        },
    )
    s.table(
        per_area,
        columns=columns,
        formats={
            "n": fmt_int,
            "population": _population_fmt,
            "rate_per_1000": _rate_fmt,
            "rate_eb": _rate_fmt,
            "ratio_to_municipality": lambda v: fmt_num(v, 2) if _is_number(v) else text_or_dash(v),
        },
        numeric=["population", "n", "rate_per_1000", "rate_eb", "ratio_to_municipality"],
        widths={"name": "28%"},
        caption=tr(
            "Händelser per område (alla kategorier), sorterade efter antal. ⚠ = osäker takt "
            "(färre än {p} invånare eller ett intervall bredare än takten).",
            "Incidents per area (all categories), by count. ⚠ = uncertain rate (fewer than {p} "
            "residents or an interval wider than the rate).",
            p=fmt_int(SMALL_AREA_POPULATION),
        )
        if "rate_per_1000" in columns
        else tr(
            "Händelser per område (alla kategorier), sorterade efter antal.",
            "Incidents per area (all categories), by count.",
        ),
    )
    _lagesbild_consequences(s, analysis, gate)
    _lagesbild_trend(s, analysis, gate)
    _lagesbild_hotspots(s, analysis, gate, with_map)


def _lagesbild_other_information(report: Report, analysis: AreaAnalysis, gate: Gate) -> None:
    """Section (2), annan relevant information: dialogue, walks, surveys, police, quality."""
    s = report.section(
        tr("Annan relevant information", "Other relevant information"),
        key="annan-information",
        new_page=True,
        intro=tr(
            "Medborgardialog, trygghetsvandringar, enkäter, polisens klassning och datakvalitet.",
            "Citizen dialogue, safety walks, surveys, police classification and data quality.",
        ),
    )
    from .area_plan import MUNICIPALITY

    # the municipality's tables as the analysis computed them (once; the set's plan reads them)
    d_t, d_r, d_tod = analysis.municipality_dialogue or (None, None, None)
    _section_dialogue(
        s, d_t, d_r, d_tod, gate, tr("i kommunen", "in the municipality"), area=MUNICIPALITY
    )
    walks = analysis.walk_observations
    _section_walks(
        s,
        analysis.municipality_walks,
        gate,
        tr("i kommunen", "in the municipality"),
        area=MUNICIPALITY,
        recorded=walks is not None,
    )
    _lagesbild_surveys_and_police(s, analysis, gate)
    s.paragraph(
        tr(
            "Datakvalitet: vilka källor som rapporterat, tysta perioder, lägesprecision "
            "och import.",
            "Data quality: which sources reported, silent periods, location precision and import.",
        )
    )
    _section_quality(s, analysis, gate)


def _lagesbild_surveys_and_police(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    """The lägesbild's survey indicators (latest two years) and the police classification of
    areas; each reads "uppgift saknas" when the project has none."""
    s = section
    surveys = analysis.survey_indicators
    if surveys is not None and len(surveys):
        latest = surveys[surveys["year"] >= surveys["year"].max() - 1]
        _section_surveys_by_area(s, latest, analysis, gate)
    else:
        _section_surveys(s, None, gate, tr("i kommunen", "in the municipality"))
    police = analysis.police_classification
    if police is None or len(police) == 0:
        s.paragraph(
            tr(
                "Polisens klassning: {m} (projektet har inget lager med polisens klassning).",
                "Police classification: {m} (the project has no police classification layer).",
                m=not_recorded(),
            )
        )
    else:
        released = _police_release(police.sort_values(["area_id", "year"]), gate)
        released["name"] = [analysis.area_name(a) for a in released["area_id"]]
        s.table(
            released,
            columns={
                "name": tr("Område", "Area"),
                "year": tr("År", "Year"),
                "value": tr("Polisens klassning", "Police classification"),
            },
            formats={"year": str},
            caption=tr("Polisens klassning av områden", "Police classification of areas"),
        )


def _lagesbild_analysis(
    report: Report, analysis: AreaAnalysis, gate: Gate, findings: list[str]
) -> None:
    """Section (3), analys inklusive orsaker: the generated findings and the gap table."""
    s = report.section(
        tr("Analys inklusive orsaker", "Analysis including causes"), key="analys", new_page=True
    )
    s.note(
        tr(
            "Texten i detta avsnitt är automatiskt genererad ur siffrorna ovan. Den pekar ut "
            "mönster; orsaker ska bedömas av analytiker och samverkansparter innan den "
            "används i beslut.",
            "The text in this section is generated automatically from "
            "the figures above. It points out patterns; causes must be judged by analysts "
            "and partners before the text is used in decisions.",
        ),
        tone="warning",
    )
    s.bullets(findings)
    _lagesbild_gap_table(s, analysis, gate)


def _lagesbild_summary(
    analysis: AreaAnalysis, muni: pd.DataFrame, table: pd.DataFrame, gate: Gate
) -> list[str]:
    items = []
    total = muni[muni["category"] == TOTAL]
    if len(total):
        t = total.iloc[0]
        text = tr(
            "{n} registrerade händelser i kommunen under perioden",
            "{n} recorded incidents in the municipality in the period",
            n=fmt_int(t["n"]),
        )
        if "n_previous" in muni.columns and _num(t["n_previous"]):
            change = (_num(t["n"]) or 0) / _num(t["n_previous"]) - 1
            text += tr(
                " ({c} mot föregående period)",
                " ({c} against the previous period)",
                c=("+" if change >= 0 else "") + fmt_num(100 * change, 0) + " %",
            )
        items.append(text + ".")
    cats = muni[(muni["category"] != TOTAL)].copy()
    cats["_n"] = [_num(v) or 0 for v in cats["n"]]
    top = cats.sort_values("_n", ascending=False).head(3)
    if len(top):
        items.append(
            tr(
                "Vanligast: {c}.",
                "Most common: {c}.",
                c=", ".join(
                    f"{lab} ({fmt_int(n)})" for lab, n in zip(top["label"], top["n"], strict=True)
                ),
            )
        )
    return items


def _lagesbild_trend(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    from ...analysis import periods
    from .area_plan import MUNICIPALITY, incident_key

    occurred = analysis.incidents_all["occurred_at"]
    # public: whole months only, so no year's total lets a part of a month be derived
    span = periods.whole_months(*periods.data_span(occurred)) if gate.public else None
    years = periods.counts_per_year(occurred, span)
    first = dict(zip(years["year"], years["first"], strict=True))
    last = dict(zip(years["year"], years["last"], strict=True))
    released = release_table(
        gate,
        years[["year", "n"]],
        "area_table",
        by=["year"],
        counts=("n",),
        plan_key=lambda row, col: incident_key(
            (first[row["year"]], last[row["year"]]), MUNICIPALITY, TOTAL
        ),
    )
    fmt = "%Y-%m" if gate.public else "%Y-%m-%d"
    released["note"] = [
        tr("ofullständigt år (från {d})", "incomplete year (from {d})", d=first[y].strftime(fmt))
        if (first[y].month, first[y].day) != (1, 1)
        else tr("ofullständigt år (till {d})", "incomplete year (to {d})", d=last[y].strftime(fmt))
        if (last[y].month, last[y].day) != (12, 31)
        else ""
        for y in released["year"]
    ]
    section.table(
        released,
        columns={
            "year": tr("År", "Year"),
            "n": tr("Antal", "Count"),
            "note": tr("Anmärkning", "Note"),
        },
        formats={"year": str, "n": fmt_int},
        numeric=["n"],
        caption=tr(
            "Händelser per år i hela kommunen (alla hela månader i data)",
            "Incidents per year in the whole municipality (all whole months in the data)",
        )
        if gate.public
        else tr(
            "Händelser per år i hela kommunen (alla år i data)",
            "Incidents per year in the whole municipality (all years in the data)",
        ),
    )


def _lagesbild_hotspots(
    section: Section, analysis: AreaAnalysis, gate: Gate, with_map: bool
) -> None:
    cells = analysis.cells
    hot = cells[cells["gi_bin"].isin(HOT_BINS)]
    if len(hot) == 0:
        section.paragraph(
            tr(
                "Inga statistiskt säkerställda hotspots under perioden.",
                "No statistically significant hotspots in the period.",
            )
        )
        return
    released = release_table(
        gate, _grid_for_gate(hot), "grid_cells", plan_key=_cell_plan_key(analysis)
    )
    import geopandas as gpd

    from ...analysis.areas import assign_points

    cent = gpd.GeoDataFrame(geometry=hot.geometry.centroid.to_numpy(), crs=hot.crs)
    where = assign_points(cent, analysis.areas).drop_duplicates("pos").set_index("pos")["area_id"]
    released["name"] = [
        analysis.area_name(where[i]) if i in where.index else "–" for i in range(len(released))
    ]
    released["bin_label"] = [_label("gi_bin", b) for b in released["gi_bin"]]
    released["_n"] = [-(_num(v) or 0) for v in released["n"]]
    released["place_name"] = _place_names(released, analysis)
    released = released.sort_values(["gi_bin", "_n"], ascending=[False, True])
    count_col = "n_visning" if "n_visning" in released.columns else "n"
    section.table(
        released,
        columns={
            **_street_header(released),
            "cell_id": tr("Ruta", "Cell"),
            "name": tr("Område", "Area"),
            count_col: tr("Antal", "Count"),
            "bin_label": tr("Gi*-klass", "Gi* class"),
        },
        formats={count_col: fmt_int},
        numeric=[count_col],
        max_rows=10,
        caption=tr(
            "De största hotspotcellerna ({n} celler med 95–99 % konfidens)",
            "The largest hotspot cells ({n} cells at 95–99 % confidence)",
            n=len(hot),
        ),
    )
    if with_map:
        section.figure(
            _static_area_map(analysis, None, gate),
            caption=tr(
                "Karta: Gi*-hotspots i hela kommunen.",
                "Map: Gi* hotspots in the whole municipality.",
            ),
            width="85%",
        )


def _consequence_rows(inc: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """Rows of the consequence table, and the measures no source recorded ("uppgift saknas":
    a column that was never filled in is missing, not zero). Records without a value in a
    partly filled column get their own "uppgift saknas" row."""
    missing_text = tr("uppgift saknas", "not recorded")
    rows: list[dict] = []
    missing: list[str] = []
    sev = pd.to_numeric(inc["severity"], errors="coerce") if "severity" in inc.columns else None
    if sev is None or sev.notna().sum() == 0:
        missing.append(tr("allvarlighetsgrad", "severity"))
    else:
        for level in (1, 2, 3):
            label = tr("Allvarlighetsgrad {s}", "Severity {s}", s=level)
            rows.append(
                {"indicator": f"severity_{level}", "label": label, "n": int((sev == level).sum())}
            )
        if sev.isna().any():
            label = tr("Allvarlighetsgrad: {m}", "Severity: {m}", m=missing_text)
            rows.append(
                {"indicator": "severity_missing", "label": label, "n": int(sev.isna().sum())}
            )
    rep = (
        inc["reported_to_police"].astype("string") if "reported_to_police" in inc.columns else None
    )
    if rep is None or rep.notna().sum() == 0:
        missing.append(tr("polisanmälan", "police report"))
    else:
        for code in ("ja", "nej", "okand"):
            label = tr(
                "Polisanmäld: {c}", "Reported to police: {c}", c=_label("reported_to_police", code)
            )
            rows.append(
                {
                    "indicator": f"police_{code}",
                    "label": label,
                    "n": int((rep == code).fillna(False).sum()),
                }
            )
        if rep.isna().any():
            label = tr("Polisanmäld: {m}", "Reported to police: {m}", m=missing_text)
            rows.append({"indicator": "police_missing", "label": label, "n": int(rep.isna().sum())})
    return rows, missing


def _lagesbild_consequences(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    inc = analysis.incidents
    section.paragraph(
        tr(
            "Konsekvenser: allvarlighetsgrad, polisanmälan, hot och våld mot "
            "personal samt upplevd otrygghet.",
            "Consequences: severity, reports "
            "to the police, threats and violence against staff, and perceived "
            "insecurity.",
        )
    )
    rows, missing = _consequence_rows(inc)
    if missing:
        section.paragraph(
            tr(
                "Uppgift saknas i källorna: {m}.",
                "Not recorded in the sources: {m}.",
                m=", ".join(missing),
            )
        )
    staff = int((inc["category"].astype(str) == "hot_vald_personal").sum())
    rows.append(
        {"indicator": "hot_vald_personal", "label": _cat_label("hot_vald_personal"), "n": staff}
    )
    from .area_plan import MUNICIPALITY, consequence_key, incident_key

    frame = pd.DataFrame(rows)
    period = (analysis.start, analysis.end)
    released = release_table(
        gate,
        frame,
        "area_table",
        by=["indicator"],
        counts=("n",),
        plan_key=lambda row, col: consequence_key(period, row["indicator"]),
    )
    released["label"] = frame["label"].to_numpy()
    total = incident_key(period, MUNICIPALITY, TOTAL)
    released["share"] = [
        _share_if(n, len(inc), gate, min_n=1)
        if _released_shown(gate, n, consequence_key(period, i), total)
        else HIDDEN
        for n, i in zip(released["n"], released["indicator"], strict=True)
    ]
    section.table(
        released,
        columns={
            "label": tr("Konsekvensmått", "Consequence measure"),
            "n": tr("Antal", "Count"),
            "share": tr("Andel", "Share"),
        },
        formats={"n": fmt_int, "share": _pct},
        numeric=["n", "share"],
        caption=tr(
            "Konsekvenser av händelserna (andel av alla händelser)",
            "Consequences of the incidents (share of all incidents)",
        ),
    )


def _section_surveys_by_area(
    section: Section, surveys: pd.DataFrame, analysis: AreaAnalysis, gate: Gate
) -> None:
    cols = [
        c
        for c in ("source", "year", "area_id", "indicator", "value", "scale", "n")
        if c in surveys.columns
    ]
    released = release_table(gate, surveys[cols], "survey_table", shares=("value",), n="n")
    for scale, g in released.groupby("scale", sort=True):
        g = g.assign(
            name=[analysis.area_name(a) for a in g["area_id"]],
            col=[
                f"{_label('survey_source', s)} {int(y)}"
                for s, y in zip(g["source"], g["year"], strict=True)
            ],
        )
        for indicator, gi in g.groupby("indicator", sort=True):
            wide = gi.pivot_table(
                index="name", columns="col", values="value", aggfunc="first"
            ).reset_index()
            wide.attrs = released.attrs
            keys = [c for c in wide.columns if c != "name"]
            section.table(
                wide,
                columns={"name": tr("Område", "Area")} | {k: k for k in keys},
                formats={
                    k: (lambda v: fmt_num(v, 1) if _is_number(v) else text_or_dash(v)) for k in keys
                },
                numeric=keys,
                caption=tr(
                    "Enkätindikator {i}, skala: {u} (senaste två åren; skalor blandas aldrig)",
                    "Survey indicator {i}, scale: {u} (latest two years; scales are never mixed)",
                    i=_indicator_label(indicator),
                    u=_label("survey_scale", scale),
                ),
            )


def _lagesbild_gap_table(section: Section, analysis: AreaAnalysis, gate: Gate) -> None:
    gap = analysis.gap_areas
    if gap is None or len(gap) == 0:
        return
    from .area_plan import signal_key

    frame = pd.DataFrame(gap.drop(columns="geometry"))
    released = release_table(
        gate,
        frame,
        "area_layer",
        counts=("n_incidents", "n_otrygg"),
        by=("gap_class", "gap_label", "top_reason_labels"),
        plan_key=lambda row, col: (
            _gap_incident_key(analysis, str(row["area_id"]))
            if col == "n_incidents"
            else signal_key(row["area_id"])
        ),
    )
    for col in ("n_incidents", "n_otrygg"):
        if f"{col}_visning" not in released.columns:
            released[f"{col}_visning"] = [fmt_int(v) for v in released[col]]
    released = released[released["gap_class"].isin(GAP_SIGNIFICANT)].copy()
    released["top_reason_labels"] = [
        r if (not gate.public or (_num(n) or 0) >= MIN_COUNT) else HIDDEN
        for r, n in zip(released["top_reason_labels"], released["n_otrygg"], strict=True)
    ]
    released = _by_gap_test(released, gap, "area_id")
    section.table(
        released,
        columns={
            "name": tr("Område", "Area"),
            "gap_label": tr("Klass", "Class"),
            "n_otrygg_visning": tr("Otrygga signaler", "Unsafe signals"),
            "n_incidents_visning": tr("Händelser", "Incidents"),
            "top_reason_labels": tr("Vanligaste skäl", "Most frequent reasons"),
        },
        numeric=["n_otrygg_visning", "n_incidents_visning"],
        widths={"top_reason_labels": "34%"},
        caption=tr(
            "Upplevd otrygghet mot händelser per område: områden med signifikant skillnad mot "
            "kommunens kvot, starkast först ({t})",
            "Perceived insecurity versus incidents per area: areas with a significant gap "
            "against the municipality's ratio, strongest first ({t})",
            t=gap_rule(gap),
        ),
        empty=tr(
            "Inget område skiljer sig signifikant från kommunens kvot.",
            "No area differs significantly from the municipality's ratio.",
        ),
    )


def _generated_findings(
    analysis: AreaAnalysis, gate: Gate, trend: AreaAnalysis | None
) -> list[str]:
    """Data-driven sentences for the analysis section (each built only from released rules)."""
    found = [
        _finding_unsafe_without_incidents(analysis, gate),
        _finding_incidents_not_perceived(analysis),
        _finding_place_type(analysis),
        _finding_time_of_day(analysis),
        _finding_recurring_places(analysis),
        _finding_trend(trend),
    ]
    return [sentence for sentence in found if sentence is not None]


def _gap_areas_named(analysis: AreaAnalysis, gap_class: str, top: int = 4) -> str:
    """The areas whose own test puts them in ``gap_class``, strongest first (q-value, then
    the size of the gap), at most ``top``; an area without a significant gap is never named."""
    areas = analysis.gap_areas
    sig = areas[(areas["gap_class"] == gap_class).to_numpy()]
    sig = sig.assign(_size=-sig["excess_otrygg"].abs()).sort_values(["q_value", "_size"])
    return ", ".join(analysis.area_name(str(a)) for a in sig["area_id"].head(top))


def _finding_unsafe_without_incidents(analysis: AreaAnalysis, gate: Gate) -> str | None:
    """Finding: cells and areas with significantly more unsafe signals than their incidents
    predict (the gap test), with reasons; areas named only when their own test is
    significant, strongest first."""
    gap = analysis.gap_cells
    unsafe = gap[gap["gap_class"] == "otrygg_fa_handelser"]
    areas = _gap_areas_named(analysis, "otrygg_fa_handelser")
    if not len(unsafe) and not areas:
        return None
    reasons = _top_labels(unsafe, gate)
    return tr(
        "Otrygghet utan motsvarande händelser: {n} rutor där signifikant fler känner sig "
        "otrygga än händelserna där motsvarar{a}. Vanligaste skäl: {r}. Sådana platser pekar "
        "mot situationella brister (t.ex. belysning, öde platser) snarare än mot brottslighet.",
        "Insecurity without matching incidents: {n} cells where significantly more people "
        "feel unsafe than their incidents predict{a}. Most frequent reasons: {r}. Such places "
        "point to situational shortcomings (e.g. lighting, deserted places) rather than to "
        "crime.",
        n=len(unsafe),
        a=tr("; områden, starkast först: {x}", "; areas, strongest first: {x}", x=areas)
        if areas
        else "",
        r=reasons or tr("inga angivna", "none given"),
    )


def _finding_incidents_not_perceived(analysis: AreaAnalysis) -> str | None:
    """Finding: cells and areas with significantly fewer unsafe signals than their incidents
    predict; areas named only when their own test is significant, strongest first."""
    gap = analysis.gap_cells
    unseen = gap[gap["gap_class"] == "handelser_ej_upplevt"]
    areas = _gap_areas_named(analysis, "handelser_ej_upplevt")
    if not len(unseen) and not areas:
        return None
    return tr(
        "Händelser som inte upplevs: {n} rutor med signifikant färre otrygga signaler än "
        "händelserna där motsvarar{a} – ofta platser där få vistas (industri, förråd) eller "
        "dit dialogen inte nått.",
        "Incidents not perceived: {n} cells with significantly fewer unsafe signals than "
        "their incidents predict{a} – often places few people visit (industry, storage) or "
        "which the dialogue did not reach.",
        n=len(unseen),
        a=tr("; områden, starkast först: {x}", "; areas, strongest first: {x}", x=areas)
        if areas
        else "",
    )


def _finding_place_type(analysis: AreaAnalysis) -> str | None:
    """Finding: categories concentrated at one place type (share ≥ 40 % of ≥ 50 incidents)."""
    inc = analysis.incidents
    if "place_type" not in inc.columns or not len(inc):
        return None
    pt = (
        inc.groupby(
            [inc["category"].astype(str), inc["place_type"].astype("string").fillna("okand")]
        )
        .size()
        .rename("n")
        .reset_index()
    )
    cat_tot = pt.groupby("category")["n"].transform("sum")
    pt["share"] = pt["n"] / cat_tot
    pt = pt[(cat_tot >= 50) & (pt["share"] >= 0.4) & (pt["n"] >= MIN_COUNT)]
    pt = pt.sort_values("n", ascending=False).head(4)
    if not len(pt):
        return None
    return tr(
        "Mönster efter platstyp: {p}.",
        "Patterns by place type: {p}.",
        p="; ".join(
            tr(
                "{c} sker till {s} vid {t}",
                "{c} happens {s} at {t}",
                c=_cat_label(r.category),
                s=_pct(r.share),
                t=_label("place_type", r.place_type).lower(),
            )
            for r in pt.itertuples()
        ),
    )


def _finding_time_of_day(analysis: AreaAnalysis) -> str | None:
    """Finding: the share of incidents recorded in the evening and at night (18–06)."""
    from ...policy import LOCAL_TZ

    inc = analysis.incidents
    if not len(inc):
        return None
    hour = pd.to_datetime(inc["occurred_at"]).dt.tz_convert(LOCAL_TZ).dt.hour
    evening = float(((hour >= 18) | (hour < 6)).mean())
    return tr(
        "Tid: {s} av händelserna registreras kväll och natt (18–06).",
        "Time: {s} of the incidents are recorded in the evening and at night (18–06).",
        s=_pct(evening),
    )


def _finding_recurring_places(analysis: AreaAnalysis) -> str | None:
    """Finding: cells that are Gi* hotspots in every complete year of the data."""
    recurring = recurring_hotspots(analysis)
    if recurring is None or not len(recurring):
        return None
    names = recurring.groupby("name").size().sort_values(ascending=False)
    return tr(
        "Återkommande platser: {n} rutor är hotspots (Gi* 95–99 %) varje år "
        "{y}, i {a}. Långvariga koncentrationer talar för platsbundna orsaker "
        "som bör angripas med platsspecifika åtgärder.",
        "Recurring places: {n} cells are hotspots (Gi* 95–99 %) every year "
        "{y}, in {a}. Long-lasting concentrations suggest place-bound causes "
        "that call for place-specific measures.",
        n=len(recurring),
        y=recurring.attrs.get("years", ""),
        a=", ".join(f"{k} ({v})" for k, v in names.head(5).items()),
    )


def _finding_trend(trend: AreaAnalysis | None) -> str | None:
    """Finding: areas with a significant trend (p < 0.05) over all years, up or down."""
    if trend is None:
        return None
    ups, downs = [], []
    for prof in trend.profiles.values():
        t = prof.trend_test
        p = t.get("p_value")
        if p is not None and not (isinstance(p, float) and math.isnan(p)) and p < 0.05:
            (ups if (t.get("slope_per_year") or 0) > 0 else downs).append(prof.name)
    if ups or downs:
        return tr(
            "Utveckling {p}: statistiskt säkerställd ökning i {u}; minskning i {d}.",
            "Development {p}: statistically significant increase in {u}; decrease in {d}.",
            p=trend.period_text,
            u=", ".join(ups) or tr("inga områden", "no areas"),
            d=", ".join(downs) or tr("inga områden", "no areas"),
        )
    return tr(
        "Utveckling {p}: inget område har en statistiskt säkerställd trend.",
        "Development {p}: no area has a statistically significant trend.",
        p=trend.period_text,
    )


# ---------------------------------------------------------------------------------------------
# indicator tables


def indicator_tables(analysis: AreaAnalysis, gate: Gate) -> dict[str, pd.DataFrame]:
    """The indicator tables of a set, released by the gate, keyed by sheet/file name.

    ``omraden_kategorier``: the area × category table (counts, rates per 1 000 residents and
    year, EB rates, ratio to the municipality, margins); ``omraden_indikatorer``: one row per
    area (all categories, hotspot cells, perception-gap class, dialogue share unsafe per
    campaign is not pooled so it is left to the reports, walk observations and åtgärdsgrad);
    ``kommunen_kategorier``: the municipality per category (all records).
    """
    table = area_category_table(analysis, gate)
    cats = table[
        [
            "area_id",
            "name",
            "category",
            "label",
            "population",
            "n",
            "rate_per_1000",
            "rate_eb",
            "ratio_to_municipality",
        ]
    ].copy()
    cats.attrs = table.attrs
    rows = []
    gap = analysis.gap_areas.set_index(analysis.gap_areas["area_id"].astype(str))
    for aid, prof in analysis.profiles.items():
        t = prof.trend_test
        rows.append(
            {
                "area_id": aid,
                "name": prof.name,
                "n": int(0 if prof.hotspot_cells is None else len(prof.hotspot_cells)),
                "gap_class": gap["gap_class"].get(aid, ""),
                "trend_p": round(float(t.get("p_value", float("nan"))), 4),
                "trend_slope": round(float(t.get("slope_per_year", float("nan"))), 3),
            }
        )
    per_area = pd.DataFrame(rows)
    released = release_table(
        gate, per_area.rename(columns={"n": "n"}), "area_table", by=["area_id"], counts=("n",)
    )
    released = released.rename(columns={"n": "hotspot_cells"})
    totals = table[table["category"] == TOTAL].set_index("area_id")
    released.insert(2, "incidents", released["area_id"].map(totals["n"]))
    released.insert(3, "rate_per_1000", released["area_id"].map(totals["rate_per_1000"]))
    released.insert(4, "rate_eb", released["area_id"].map(totals["rate_eb"]))
    released["gap_class"] = released["area_id"].map(per_area.set_index("area_id")["gap_class"])
    released["trend_p"] = released["area_id"].map(per_area.set_index("area_id")["trend_p"])
    released["trend_slope"] = released["area_id"].map(per_area.set_index("area_id")["trend_slope"])
    muni = municipality_category_table(analysis, gate)
    muni_out = muni[["category", "label", "n"]].copy()
    muni_out.attrs = muni.attrs
    return {
        "omraden_kategorier": cats,
        "omraden_indikatorer": released,
        "kommunen_kategorier": muni_out,
    }


def write_indicator_tables(
    analysis: AreaAnalysis, out_dir: str | Path, gate: Gate, *, stem: str = "indikatorer"
) -> list[Path]:
    """Write :func:`indicator_tables` as one CSV per table and one XLSX workbook.

    Files: ``<stem>_<table>.csv`` and ``<stem>.xlsx`` in ``out_dir``, written with the gate's
    table writers (:mod:`.tables`: formula neutralisation, internal marking) and sealed.
    """
    from ..tables import write_csv, write_xlsx

    out = Path(out_dir)
    tables = indicator_tables(analysis, gate)
    about = {"period": analysis.period_text, "municipality": analysis.municipality}
    paths = [
        write_csv(t, out / f"{stem}_{name}.csv", gate=gate, about=about)
        for name, t in tables.items()
    ]
    paths.append(
        write_xlsx(
            _indicator_sheets(tables),
            out / f"{stem}.xlsx",
            gate=gate,
            about=_indicator_about(analysis, gate),
            manifest_about=about,
        )
    )
    return paths


def _indicator_sheets(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The indicator tables as workbook sheets: Swedish sheet names, perception-gap classes
    as words (the CSV files keep the codes)."""
    from ...layers.vocab import label

    names = {
        "omraden_kategorier": tr("Områden och kategorier", "Areas and categories"),
        "omraden_indikatorer": tr("Områden", "Areas"),
        "kommunen_kategorier": tr("Kommunen per kategori", "Municipality by category"),
    }
    sheets = {}
    for key, table in tables.items():
        if "gap_class" in table.columns:
            words = table["gap_class"].map(lambda v: label("perception_gap", v) if v else v)
            table = table.assign(gap_class=words)
        sheets[names.get(key, key)] = table
    return sheets


def _indicator_about(analysis: AreaAnalysis, gate: Gate) -> dict[str, str]:
    """Lines of the indicator workbook's sheet "Förklaringar"."""
    from ... import __version__

    sources = sorted({str(s) for s in analysis.incidents.get("source", pd.Series()).dropna()})
    return {
        "title": tr(
            "Indikatorer per område, {p}", "Indicators by area, {p}", p=analysis.period_text
        ),
        tr("Kommun", "Municipality"): analysis.municipality,
        tr("Period", "Period"): analysis.period_text,
        tr("Källa", "Source"): tr(
            "Händelser ur källorna {s}; befolkning ur områdeslagret; beräknat med "
            "tryggaplatser {v}. Samma siffror som CSV-filerna indikatorer_*.csv.",
            "Incidents from the sources {s}; population from the areas layer; computed with "
            "tryggaplatser {v}. The same figures as the CSV files indikatorer_*.csv.",
            s=", ".join(sources) or "–",
            v=__version__,
        ),
    }


# ---------------------------------------------------------------------------------------------
# writing


def area_file_name(analysis: AreaAnalysis, area_id: str) -> str:
    """``omrade_<slug>.html`` — the slug of the area's name (ASCII, safe)."""
    from ..maps.interactive import slugify

    return f"omrade_{slugify(analysis.area_name(area_id))}.html"


def lagesbild_file_name(analysis: AreaAnalysis) -> str:
    """``lagesbild_<year>.html`` (``lagesbild_<start>_<end>.html`` for other periods: months
    for whole months, as every public period is, else dates)."""
    from ...analysis.periods import period_values

    if analysis.start.year == analysis.end.year:
        return f"lagesbild_{analysis.start.year}.html"
    return f"lagesbild_{'_'.join(period_values(analysis.start, analysis.end))}.html"


def write_area_reports(
    analysis: AreaAnalysis,
    out_dir: str | Path,
    gate: Gate,
    *,
    area_ids: Iterable[str] | None = None,
    with_map: bool = True,
    failures: list | None = None,
    risk: Any = None,
) -> list[Path]:
    """Write the area report of each area (default: all) into ``out_dir`` (``risk`` as in
    :func:`area_report`).

    File names are ``omrade_<slug>.html``; two areas whose names give the same slug get their
    ``area_id`` appended.

    With ``failures`` (a list), an area whose report fails is appended to it as an
    :class:`~tryggaplatser.errors.AreaFailure` (and announced) and the other reports are
    written, in the forked workers too (:mod:`.._per_area`); the paths returned are those
    written. Without it the first error is raised.
    """
    out = Path(out_dir)
    ids = [_resolve_area(analysis, a) for a in (area_ids or analysis.profiles)]
    seen: dict[str, int] = {}
    for aid in analysis.profiles:
        name = area_file_name(analysis, aid)
        seen[name] = seen.get(name, 0) + 1
    from ..._progress import progress
    from .._parallel import fork_map, processes
    from .._per_area import announce_failure
    from ..maps.interactive import slugify

    files = []
    for aid in ids:
        name = area_file_name(analysis, aid)
        files.append((aid, name[:-5] + f"_{slugify(aid)}.html" if seen.get(name, 0) > 1 else name))
    state = (analysis, out, gate, (with_map, risk), failures is not None)
    n = processes(len(files) - 1)
    if n < 2:
        label = tr("Områdesrapporter", "Area reports")
        written, failed = _render_files(state, progress(files, label))
    else:
        # The first report is rendered here: it releases the set-wide tables every report shows
        # (cached per gate), so the gate records them once (if it fails, the next one does). The
        # other reports are independent: they are rendered on every core, each worker with its
        # copy of the gate, whose records come back to this gate.
        written, failed, rest = {}, [], list(files)
        while rest and not written:
            done, bad = _render_files(state, [rest.pop(0)])
            written.update(done)
            failed += bad
        jobs = [(rest[i::n],) for i in range(n)]
        for paths, bad, summary in fork_map(_render_reports, jobs, state):
            gate.add_summary(summary)
            written.update(paths)
            failed += bad
    for failure in sorted(failed, key=lambda f: ids.index(f.area_id)):
        announce_failure(failure)
        failures.append(failure)
    return [written[aid] for aid, _ in files if aid in written]


def _render_files(state, files) -> tuple[dict, list]:
    """Render and write ``files`` (``(area_id, file name)``): ``({area_id: path}, failures)``.

    Failures are collected when the state asks for it, else the first error is raised."""
    from .._per_area import attempt

    analysis, out, gate, with_map, collect = state
    written, failed = {}, []
    for aid, name in files:
        if not collect:
            written[aid] = _write_one(analysis, aid, gate, with_map, out / name)
            continue
        path, failure = attempt(aid, _write_one, analysis, aid, gate, with_map, out / name)
        if failure is None:
            written[aid] = path
        else:
            failed.append(failure)
    return written, failed


def _write_one(analysis: AreaAnalysis, aid: str, gate: Gate, options: tuple, path: Path) -> Path:
    with_map, risk = options
    return area_report(analysis, aid, gate, with_map=with_map, risk=risk).write(path)


def _render_reports(state, files) -> tuple[dict, list, Any]:
    """A worker's share of :func:`write_area_reports`: its files, its failures and its gate's
    records."""
    gate = state[2]
    gate.take_summary()  # start empty: what the parent recorded stays with the parent
    written, failed = _render_files(state, files)
    return written, failed, gate.take_summary()


def write_lagesbild(
    analysis: AreaAnalysis,
    out_dir: str | Path,
    gate: Gate,
    *,
    trend: AreaAnalysis | None = None,
    previous: Any = None,
    with_map: bool = True,
    forecast: Any = None,
    risk: Any = None,
) -> Path:
    """Write the lägesbild (``lagesbild_<year>.html``) into ``out_dir``."""
    report = lagesbild_report(
        analysis,
        gate,
        trend=trend,
        previous=previous,
        with_map=with_map,
        forecast=forecast,
        risk=risk,
    )
    return report.write(Path(out_dir) / lagesbild_file_name(analysis))
