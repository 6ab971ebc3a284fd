"""Weekly computations behind the EST brief (Effektiv samordning för trygghet).

Each function takes layers and returns a table with pinned columns; the brief, the CLI and the
maps are built on top of these. Weeks are ISO weeks (Monday–Sunday) in Europe/Stockholm local time;
every interval is half-open ``[start, end)``.

Grid cells follow the SCB national grid: square cells whose corners lie on multiples of the cell
size in SWEREF 99 TM (EPSG:3006). A cell is found by floor division of the coordinates, so a point
exactly on a cell edge belongs to the cell to its north-east, and cell ids agree with any grid on
the same lattice (e.g. the hotspot grid). The id is the hotspot grid's
``"<size>mE<east>N<north>"`` with the south-west corner, e.g. ``"250mE650000N6560250"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from .._announce import announce
from .._compat import renamed
from ..errors import ArgumentError
from ..i18n import tr
from ..policy import MIN_GRID_M
from .near_repeat import LOCAL_TZ, RiskWindow, check_points, fmt_number, fmt_p

#: Default grid cell size (m) of recurring places and alerts: SCB's 250 m grid, which is also the
#: finest grid allowed in public outputs.
DEFAULT_CELL_SIZE = MIN_GRID_M

WEEKLY_COUNT_COLUMNS = [
    "area_id",
    "category",
    "count",
    "baseline_mean",
    "last_year",
    "change",
    "p_value",
    "unusual",
]
RECURRING_COLUMNS = [
    "cell_id",
    "cell_x",
    "cell_y",
    "area_id",
    "weeks_with_reports",
    "total",
    "categories",
]
SILENT_SOURCE_COLUMNS = [
    "source",
    "count",
    "weeks_reported",
    "share_weeks_reported",
    "median_weekly",
    "last_report",
    "weeks_since_last_report",
    "usual",
    "silent",
]
MEASURE_FOLLOWUP_COLUMNS = [
    "measure_id",
    "title",
    "area_id",
    "status",
    "status_label",
    "responsible",
    "due",
    "overdue",
    "days_overdue",
]
FOCUS_COLUMNS = ["rank", "cell_id", "cells", "cell_x", "cell_y", "area_id", "score", "reasons"]
ALERT_COLUMNS = [
    "rank",
    "incident_id",
    "category",
    "occurred_on",
    "linked_events",
    "cell_id",
    "alert_distance_m",
    "window_days",
    "window_end",
    "active_next_week",
    "geometry",
]

#: Points per hotspot category code in focus_places. The codes are those of the
#: ``[hotspot_category]`` vocabulary written by ``hotspot_classify`` (one source of truth);
#: the reason text is the vocabulary's label.
HOTSPOT_POINTS: dict[str, int] = {
    "ny": 3,
    "i_foljd": 3,
    "intensifierande": 3,
    "bestaende": 2,
    "avtagande": 1,
    "sporadisk": 1,
    "oscillerande": 1,
    "historisk": 0,
    "inget_monster": 0,
}
# cold classes (``*_kall``) get no points: they are absent from the dict (0, named as reasons)


def hotspot_reason(code: str) -> str:
    """The reason text of a hotspot category in focus_places: its vocabulary label, lower case."""
    from ..layers.vocab import label

    return label("hotspot_category", code).lower()


#: Points in focus_places for an unusual increase in the cell's area, and for an active alert.
UNUSUAL_POINTS = 2
ALERT_POINTS = 2

#: Fewest linked events of a near-repeat alert: the week's event and at least one earlier event
#: of the same category inside the risk window.
MIN_LINKED_EVENTS = 2
#: Default number of near-repeat alerts the EST brief shows (``[est] max_alerts``).
DEFAULT_MAX_ALERTS = 15

#: Measure statuses that count as closed (not overdue).
CLOSED_MEASURE_STATUSES = ("genomford", "avbruten")

_WEEK_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


# ---------------------------------------------------------------------------------------------
# weeks


def _as_date(value, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = None
    if ts is None or pd.isna(ts):
        raise ArgumentError(
            tr(
                "{n}: kan inte tolka {v!r} som datum",
                "{n}: cannot read {v!r} as a date",
                n=name,
                v=value,
            ),
            rule="DATE_INVALID",
            fix=tr("skriv datumet som ÅÅÅÅ-MM-DD", "write the date as YYYY-MM-DD"),
        )
    if ts.tzinfo is not None:
        ts = ts.tz_convert(LOCAL_TZ)
    return ts.date()


def _weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def week_label(start: date | pd.Timestamp) -> str:
    """The ISO week label (``"2026-W47"``) of a date."""
    iso = start.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def iso_week_bounds(
    week: str | None = None, *, today=None, quiet: bool = False
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of an ISO week in Europe/Stockholm local time.

    Parameters
    ----------
    week : str, optional
        ISO week such as ``"2026-W47"`` (also ``"2026W47"``, ``"2026-w47"``). ``None`` chooses
        the **last complete ISO week before** ``today`` and announces it.
    today : date-like, optional
        Reference date for the default week; ``None`` is the current date in Stockholm.
    quiet : bool, default False
        Silence the announcement of the automatic week.

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp)
        ``[start, end)``: Monday 00:00 and the following Monday 00:00, tz-aware
        Europe/Stockholm (so a DST change inside the week is handled).

    Examples
    --------
    >>> iso_week_bounds("2026-W47")
    (Timestamp('2026-11-16 00:00:00+0100', tz='Europe/Stockholm'), Timestamp('2026-11-23 00:00:00+0100', tz='Europe/Stockholm'))
    """  # noqa: E501
    if week is None:
        ref = pd.Timestamp.now(tz=LOCAL_TZ).date() if today is None else _as_date(today, "today")
        monday = ref - timedelta(days=ref.weekday()) - timedelta(days=7)
        announce(
            tr(
                "Vecka {w} vald automatiskt (senaste hela vecka före {d}).",
                "Week {w} chosen automatically (last complete week before {d}).",
                w=week_label(monday),
                d=ref.isoformat(),
            ),
            quiet=quiet,
        )
    else:
        match = _WEEK_RE.match(str(week))
        year, num = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not match or not 1 <= num <= _weeks_in_year(year):
            hint = ""
            if match:
                hint = tr(
                    " ({y} har {n} veckor)", " ({y} has {n} weeks)", y=year, n=_weeks_in_year(year)
                )
            raise ArgumentError(
                tr(
                    "week: kan inte tolka {v!r} som ISO-vecka{h}",
                    "week: cannot read {v!r} as an ISO week{h}",
                    v=week,
                    h=hint,
                ),
                rule="WEEK_INVALID",
                fix=tr(
                    "skriv veckan som ÅÅÅÅ-Wvv, t.ex. 2026-W47",
                    "write the week as YYYY-Www, e.g. 2026-W47",
                ),
            )
        monday = date.fromisocalendar(year, num, 1)
    start = pd.Timestamp(monday).tz_localize(LOCAL_TZ)
    end = pd.Timestamp(monday + timedelta(days=7)).tz_localize(LOCAL_TZ)
    return start, end


def _resolve_week(
    week, today, quiet: bool, choices: list[str]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """iso_week_bounds, recording the automatic week in ``choices`` as well as announcing it."""
    start, end = iso_week_bounds(week, today=today, quiet=True)
    if week is None:
        msg = tr(
            "Vecka {w} vald automatiskt (senaste hela vecka).",
            "Week {w} chosen automatically (last complete week).",
            w=week_label(start.date()),
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    return start, end


def same_week_last_year(monday: date) -> date:
    """Monday of the same ISO week number one year earlier (week 53 → week 52 if missing)."""
    iso = monday.isocalendar()
    year = iso[0] - 1
    return date.fromisocalendar(year, min(iso[1], _weeks_in_year(year)), 1)


def _local_dates(occurred_at: pd.Series) -> np.ndarray:
    """Local calendar dates as numpy datetime64[D]."""
    local = occurred_at.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    return local.to_numpy().astype("datetime64[D]")


def _week_index(dates: np.ndarray, monday: date) -> np.ndarray:
    """Whole weeks between each date and ``monday``: 0 = that week, 1 = the week before, …"""
    offset = (np.datetime64(monday, "D") - dates).astype(np.int64)
    return np.floor_divide(offset + 6, 7)


# ---------------------------------------------------------------------------------------------
# grid cells


def cell_ids(x, y, cell_size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SCB-aligned grid cells of coordinates: south-west corners and ids, by floor division.

    Returns ``(cell_x, cell_y, cell_id)`` where ``cell_x = floor(x / size) * size`` (and the
    same for y) and ``cell_id`` as on the hotspot grid (``"250mE650000N6560000"``).
    """
    from ._common import cell_labels

    size = float(cell_size)
    cx = (np.floor(np.asarray(x, float) / size) * size).astype(np.int64)
    cy = (np.floor(np.asarray(y, float) / size) * size).astype(np.int64)
    ids = np.array(cell_labels(cx.tolist(), cy.tolist(), size), dtype=object)
    return cx, cy, ids


def _check_cell_size(cell_size) -> float:
    if (
        isinstance(cell_size, bool)
        or not isinstance(cell_size, (int, float, np.number))
        or not math.isfinite(cell_size)
        or cell_size <= 0
    ):
        raise ArgumentError(
            tr(
                "cell_size måste vara ett positivt antal meter, fick {v!r}",
                "cell_size must be a positive number of metres, got {v!r}",
                v=cell_size,
            ),
            rule="NOT_POSITIVE",
            fix=tr("t.ex. cell_size=250", "e.g. cell_size=250"),
        )
    return float(cell_size)


def _cell_size_or_default(cell_size, choices: list[str], quiet: bool) -> float:
    if cell_size is None:
        msg = tr(
            "Cellstorlek {c} m vald automatiskt (SCB:s rutnät, minsta rutstorlek i publika "
            "utdata).",
            "Cell size {c} m chosen automatically (SCB's grid, the finest allowed in public "
            "outputs).",
            c=DEFAULT_CELL_SIZE,
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
        return float(DEFAULT_CELL_SIZE)
    return _check_cell_size(cell_size)


# ---------------------------------------------------------------------------------------------
# weekly counts with a Poisson flag


def poisson_upper_tail(observed, mean) -> np.ndarray:
    """P(X ≥ observed) for X ~ Poisson(mean), elementwise."""
    from scipy.stats import poisson

    obs = np.asarray(observed, dtype=float)
    return np.where(obs <= 0, 1.0, poisson.sf(obs - 1, np.asarray(mean, dtype=float)))


def _assign_areas(incidents, areas) -> pd.Series:
    """area_id of each incident; a point on a shared boundary goes to the lowest area_id and a
    ``kommun_centroid`` record to none (:func:`tryggaplatser.layers.join.assign_areas`)."""
    from ..layers.join import assign_areas
    from ._common import check_area_layer

    check_area_layer(areas, incidents, column_allowed=True)
    # the one boundary rule of the product (smallest area_id; municipality centroids get none)
    return assign_areas(incidents, areas).astype("string").rename(None)


@renamed(incidents="data", areas_or_area_column="areas")
def weekly_counts(
    data,
    areas,
    week: str | None = None,
    *,
    baseline_weeks: int = 4,
    alpha: float = 0.05,
    min_count: int = 3,
    lambda_floor: float = 0.5,
    today=None,
    quiet: bool = False,
) -> pd.DataFrame:
    """This week's reports per area × category against the previous weeks and last year.

    **Test for an unusual increase** (stated in ``attrs["test"]``): the one-sided Poisson test
    ``p = P(X ≥ count)`` with ``X ~ Poisson(λ)``, ``λ = max(baseline_mean, lambda_floor)``, where
    ``baseline_mean`` is the mean weekly count over the ``baseline_weeks`` weeks before the week.
    A row is flagged ``unusual`` when ``p < alpha`` **and** ``count ≥ min_count`` (defaults 0.05
    and 3). The floor keeps a first report in a quiet area from looking extreme; the minimum count
    keeps single events from being flagged. There is no multiple-testing correction: with *m* rows
    about ``m × alpha`` false alarms are expected by chance, and ``attrs["expected_false_alarms"]``
    says how many — read the flags as "look at this", not as proof.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Incidents with ``occurred_at`` and ``category``.
    areas : geopandas.GeoDataFrame or str
        Areas (``area_id`` + polygons, same CRS; a point on a shared boundary goes to the lowest
        ``area_id``) or the name of a column in ``data`` that already holds the area.
    week : str, optional
        ISO week ``"2026-W47"``; ``None`` = the last complete week before ``today`` (announced).
    baseline_weeks, alpha, min_count, lambda_floor
        The baseline length and the flag rule above.
    today : date-like, optional
        Reference date for the default week.
    quiet : bool, default False
        Silence announcements.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_id``, ``category``, ``count`` (this week), ``baseline_mean`` (mean of the
        previous ``baseline_weeks`` weeks), ``last_year`` (same ISO week number last year),
        ``change`` (count − baseline_mean), ``p_value``, ``unusual``. One row per area × category
        with at least one report in the week, the baseline weeks or the same week last year
        (incidents outside every area get ``area_id`` NA and are kept). Sorted by ``unusual``,
        ``p_value``, ``area_id``, ``category``.
    """
    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "category"))
    _check_weekly_arguments(baseline_weeks, alpha, min_count, lambda_floor)
    start, end = _resolve_week(week, today, quiet, choices)
    monday = start.date()
    dates = _local_dates(data["occurred_at"])
    widx = _week_index(dates, monday)
    ly_monday = same_week_last_year(monday)
    ly = (dates >= np.datetime64(ly_monday, "D")) & (dates < np.datetime64(ly_monday, "D") + 7)
    relevant = ((widx >= 0) & (widx <= baseline_weeks)) | ly
    data, widx, ly = data[relevant], widx[relevant], ly[relevant]
    area = _weekly_area(data, areas)
    out = _weekly_table(area, data, widx, ly, baseline_weeks, alpha, min_count, lambda_floor)
    test = _weekly_test_text(baseline_weeks, alpha, min_count, lambda_floor)
    out.attrs.update(
        {
            "week": week_label(monday),
            "week_start": start,
            "week_end": end,
            "same_week_last_year": week_label(ly_monday),
            "test": test,
            "alpha": alpha,
            "min_count": min_count,
            "lambda_floor": lambda_floor,
            "baseline_weeks": baseline_weeks,
            "expected_false_alarms": len(out) * alpha,
            "choices": choices,
        }
    )
    return out


def _check_weekly_arguments(baseline_weeks, alpha, min_count, lambda_floor) -> None:
    """Refuse an invalid baseline length or flag rule of :func:`weekly_counts`."""
    for name, value, ok in (
        ("baseline_weeks", baseline_weeks, isinstance(baseline_weeks, int) and baseline_weeks >= 1),
        ("alpha", alpha, isinstance(alpha, (int, float)) and 0 < alpha < 1),
        ("min_count", min_count, isinstance(min_count, int) and min_count >= 0),
        ("lambda_floor", lambda_floor, isinstance(lambda_floor, (int, float)) and lambda_floor > 0),
    ):
        if not ok:
            raise ArgumentError(
                tr(
                    "ogiltigt värde för {n}: {v!r}", "invalid value for {n}: {v!r}", n=name, v=value
                ),
                rule="ARGUMENT_INVALID",
            )


def _weekly_area(data, areas) -> pd.Series:
    """The area of every incident: from the named column, or by location in the areas."""
    if isinstance(areas, str):
        if areas not in data.columns:
            raise ArgumentError(
                tr(
                    "data saknar kolumnen {c}",
                    "data lacks the column {c}",
                    c=areas,
                ),
                rule="COLUMNS_MISSING",
                fix=tr(
                    "ge områdena som GeoDataFrame i stället", "pass the areas as a GeoDataFrame"
                ),
            )
        return data[areas].astype("string")
    return _assign_areas(data, areas)


def _weekly_table(
    area, incidents, widx, ly, baseline_weeks, alpha, min_count, lambda_floor
) -> pd.DataFrame:
    """Counts per area × category this week, in the baseline and last year, with the flag."""
    frame = pd.DataFrame(
        {
            "area_id": area.to_numpy(),
            "category": incidents["category"].astype("string").to_numpy(),
            "this": widx == 0,
            "base": (widx >= 1) & (widx <= baseline_weeks),
            "ly": ly,
        }
    )
    grouped = frame.groupby(["area_id", "category"], dropna=False, sort=True)[
        ["this", "base", "ly"]
    ].sum()
    out = pd.DataFrame(
        {
            "area_id": grouped.index.get_level_values(0).astype("string"),
            "category": grouped.index.get_level_values(1).astype("string"),
            "count": grouped["this"].to_numpy(np.int64),
            "baseline_mean": grouped["base"].to_numpy(float) / baseline_weeks,
            "last_year": grouped["ly"].to_numpy(np.int64),
        }
    )
    out["change"] = out["count"] - out["baseline_mean"]
    lam = np.maximum(out["baseline_mean"].to_numpy(), lambda_floor)
    out["p_value"] = poisson_upper_tail(out["count"].to_numpy(), lam)
    out["unusual"] = (out["p_value"] < alpha) & (out["count"] >= min_count)
    out = out.sort_values(
        ["unusual", "p_value", "area_id", "category"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    out = out.reset_index(drop=True)[WEEKLY_COUNT_COLUMNS]
    return out


def _weekly_test_text(baseline_weeks, alpha, min_count, lambda_floor) -> str:
    """The plain-language statement of the weekly test, for ``attrs["test"]``."""
    return tr(
        "Ensidigt Poissontest: p = P(X ≥ antal | λ = medel för {b} föregående veckor, minst "
        "{f}); ovanlig ökning när p < {a} och antal ≥ {m}. Ingen korrektion för många test.",
        "One-sided Poisson test: p = P(X ≥ count | λ = mean of the {b} previous weeks, at least "
        "{f}); unusual increase when p < {a} and count ≥ {m}. No multiple-testing correction.",
        b=baseline_weeks,
        f=fmt_number(lambda_floor),
        a=fmt_number(alpha, 2),
        m=min_count,
    )


# ---------------------------------------------------------------------------------------------
# recurring places


class CellPoints:
    """Incidents reduced to what :func:`recurring_places` counts, one array entry per incident:
    local date, grid cell (south-west corner and id), category and ``area_id``.

    Built once (:meth:`of`) and sliced (:meth:`take`), so the recurring places of many subsets
    of one layer — e.g. every area's draft plan — share one conversion of dates and cells.
    """

    __slots__ = ("area_id", "category", "cell_id", "cell_x", "cell_y", "crs", "days", "size")

    def __init__(self, days, cell_x, cell_y, cell_id, category, area_id, size: float, crs):
        self.days, self.cell_x, self.cell_y, self.cell_id = days, cell_x, cell_y, cell_id
        self.category, self.area_id, self.size, self.crs = category, area_id, size, crs

    @classmethod
    def of(cls, data, cell_size: float) -> CellPoints:
        """The points of ``data`` (incidents with ``occurred_at`` and ``category``)."""
        cx, cy, ids = cell_ids(data.geometry.x.to_numpy(), data.geometry.y.to_numpy(), cell_size)
        area = data["area_id"].astype("string").to_numpy() if "area_id" in data.columns else None
        return cls(
            _local_dates(data["occurred_at"]),
            cx,
            cy,
            ids,
            data["category"].astype("string").to_numpy(),
            area,
            float(cell_size),
            data.crs,
        )

    def take(self, which) -> CellPoints:
        """The points selected by a boolean mask or integer positions."""
        area = None if self.area_id is None else self.area_id[which]
        return CellPoints(
            self.days[which],
            self.cell_x[which],
            self.cell_y[which],
            self.cell_id[which],
            self.category[which],
            area,
            self.size,
            self.crs,
        )

    def __len__(self) -> int:
        return len(self.days)


def _mode_per_cell(cells: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> list[list[str]]:
    """Per cell of ``wanted`` (cell numbers), the distinct non-missing ``values`` of its rows
    (``cells`` gives each row's cell number) by frequency, ties alphabetical."""
    from collections import Counter

    position = {int(c): i for i, c in enumerate(wanted)}
    counters: list[Counter] = [Counter() for _ in position]
    rows = np.isin(cells, wanted) & ~pd.isna(values)
    for cell, value in zip(cells[rows].tolist(), values[rows].tolist(), strict=True):
        counters[position[cell]][value] += 1
    return [sorted(c, key=lambda v, c=c: (-c[v], v)) for c in counters]


@renamed(incidents="data")
def recurring_places(
    data,
    week: str | None = None,
    *,
    cell_size: float | None = None,
    weeks: int = 4,
    min_weeks: int = 3,
    today=None,
    quiet: bool = False,
    points: CellPoints | None = None,
):
    """Grid cells with reports in at least ``min_weeks`` of the last ``weeks`` weeks.

    The last ``weeks`` weeks end with ``week`` (it included). Cells are SCB-aligned (see the module
    notes) so they agree with the hotspot grid of the same cell size.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Incidents with ``occurred_at`` and ``category`` (and optionally ``area_id``).
    week : str, optional
        ISO week; ``None`` = the last complete week before ``today`` (announced).
    cell_size : float, optional
        Cell size in metres; ``None`` chooses 250 m (SCB grid, announced).
    weeks, min_weeks : int
        The recurrence rule: reports in ≥ ``min_weeks`` of the last ``weeks`` weeks (4 and 3).
    points : CellPoints, optional
        ``CellPoints.of(data, cell_size)`` made beforehand (e.g. of a larger layer, then
        :meth:`CellPoints.take`), so many calls share one conversion; ``None`` = made here.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``cell_id``, ``cell_x``, ``cell_y`` (south-west corner), ``area_id`` (the most
        common ``area_id`` of the cell's incidents, NA without that column), ``weeks_with_reports``,
        ``total``, ``categories`` (``;``-joined codes, most frequent first), then one count column
        per week named by its ISO week label, oldest first (``attrs["week_columns"]``), and the
        cell square as ``geometry``. Sorted by weeks_with_reports, total (both descending), cell_id.
    """
    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "category"))
    size = _cell_size_or_default(cell_size, choices, quiet)
    if not (isinstance(weeks, int) and isinstance(min_weeks, int) and 1 <= min_weeks <= weeks):
        raise ArgumentError(
            tr(
                "kräver 1 ≤ min_weeks ≤ weeks, fick min_weeks={m}, weeks={w}",
                "needs 1 ≤ min_weeks ≤ weeks, got min_weeks={m}, weeks={w}",
                m=min_weeks,
                w=weeks,
            ),
            rule="ARGUMENT_INVALID",
        )
    start, _ = _resolve_week(week, today, quiet, choices)
    monday = start.date()
    if points is None or points.size != size:
        points = CellPoints.of(data, size)
    out = _recurring_table(points, monday, weeks, min_weeks, data.crs)
    out.attrs.update(
        {
            "week": week_label(monday),
            "week_columns": list(out.columns[len(RECURRING_COLUMNS) : -1]),
            "cell_size": size,
            "weeks": weeks,
            "min_weeks": min_weeks,
            "rule": tr(
                "Rutor med rapporter under minst {m} av de senaste {w} veckorna ({c} m-rutor).",
                "Cells with reports in at least {m} of the last {w} weeks ({c} m cells).",
                m=min_weeks,
                w=weeks,
                c=fmt_number(size),
            ),
            "choices": choices,
        }
    )
    return out


def _recurring_table(points: CellPoints, monday: date, weeks: int, min_weeks: int, crs):
    """The table of :func:`recurring_places` (without attrs): weekly counts per cell by one
    ``bincount``, the ranked categories and area ids only for the cells that recur."""
    import geopandas as gpd
    from shapely import box

    size = points.size
    week_mondays = [monday - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]
    week_cols = [week_label(m) for m in week_mondays]
    widx = _week_index(points.days, monday)
    keep = (widx >= 0) & (widx < weeks)
    ids, first, cells = np.unique(points.cell_id[keep], return_index=True, return_inverse=True)
    cells = cells.reshape(-1)  # numpy 2.0 gives the inverse the input's shape
    counts = np.bincount(
        cells * weeks + (weeks - 1 - widx[keep]), minlength=len(ids) * weeks
    ).reshape(len(ids), weeks)
    weeks_with = (counts > 0).sum(axis=1)
    total = counts.sum(axis=1)
    chosen = np.flatnonzero(weeks_with >= min_weeks)
    # weeks with reports and total descending, then cell id (np.unique sorted the ids)
    chosen = chosen[np.lexsort((chosen, -total[chosen], -weeks_with[chosen]))]
    rows = first[chosen]
    cats = _mode_per_cell(cells, points.category[keep], chosen)
    if points.area_id is None:
        areas = [pd.NA] * len(chosen)
    else:
        area_ranked = _mode_per_cell(cells, points.area_id[keep], chosen)
        areas = [a[0] if a else pd.NA for a in area_ranked]
    table = pd.DataFrame(
        {
            "cell_id": pd.Series(ids[chosen].tolist(), dtype=str if len(ids) else object),
            "cell_x": points.cell_x[keep][rows].astype(np.int64),
            "cell_y": points.cell_y[keep][rows].astype(np.int64),
            "area_id": pd.Series(areas, dtype=object).astype("string"),
            "weeks_with_reports": weeks_with[chosen].astype(np.int64),
            "total": total[chosen].astype(np.int64),
            "categories": pd.Series(
                [";".join(c) if c else pd.NA for c in cats], dtype=object
            ).astype("string"),
        }
    )
    wide = pd.DataFrame(counts[chosen].astype(np.int64), columns=week_cols)
    table = pd.concat([table, wide], axis=1)
    geometry = [box(x, y, x + size, y + size) for x, y in zip(table["cell_x"], table["cell_y"])]
    return gpd.GeoDataFrame(table, geometry=geometry, crs=crs)


# ---------------------------------------------------------------------------------------------
# data quality: silent sources


@renamed(incidents="data")
def silent_sources(
    data,
    week: str | None = None,
    *,
    history_weeks: int = 12,
    usual_share: float = 0.75,
    silent_weeks: int = 1,
    today=None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Which sources reported this week, and which went silent compared with their rhythm.

    **Rule** (``attrs["rule"]``): a source *usually reports* when it reported in at least
    ``usual_share`` (75 %) of the ``history_weeks`` (12) weeks before the week. It is flagged
    ``silent`` when it usually reports and has had no report in the last ``silent_weeks`` weeks
    (1 = this week; the week included). Counts reflect reporting activity as much as incidence,
    so a silent source means the week's numbers for its categories are probably too low.

    Returns
    -------
    pandas.DataFrame
        One row per source seen in the week or its history: ``source``, ``count`` (this week),
        ``weeks_reported`` (of the history weeks), ``share_weeks_reported``, ``median_weekly``
        (median weekly count over the history weeks, zeros included), ``last_report`` (local date
        of the latest report up to the end of the week, NaT if none), ``weeks_since_last_report``
        (0 = reported this week; ``history_weeks + 1`` when never in the window), ``usual``,
        ``silent``. Silent sources first, then by source.
    """
    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "source"))
    if not (
        isinstance(history_weeks, int)
        and history_weeks >= 1
        and isinstance(silent_weeks, int)
        and 1 <= silent_weeks <= history_weeks + 1
        and 0 < usual_share <= 1
    ):
        raise ArgumentError(
            tr(
                "ogiltig regel: history_weeks={h}, usual_share={u}, silent_weeks={s}",
                "invalid rule: history_weeks={h}, usual_share={u}, silent_weeks={s}",
                h=history_weeks,
                u=usual_share,
                s=silent_weeks,
            ),
            rule="ARGUMENT_INVALID",
        )
    start, _ = _resolve_week(week, today, quiet, choices)
    monday = start.date()
    dates = _local_dates(data["occurred_at"])
    widx = _week_index(dates, monday)
    keep = (widx >= 0) & (widx <= history_weeks)
    frame = pd.DataFrame(
        {
            "source": data["source"].astype("string").to_numpy()[keep],
            "w": widx[keep],
            "date": dates[keep],
        }
    )
    counts = (
        frame.groupby(["source", "w"])
        .size()
        .unstack("w", fill_value=0)
        .reindex(columns=range(history_weeks + 1), fill_value=0)
    )
    history = counts.loc[:, 1:history_weeks]
    out = pd.DataFrame(index=counts.index)
    out["count"] = counts[0].astype(np.int64)
    out["weeks_reported"] = (history > 0).sum(axis=1).astype(np.int64)
    out["share_weeks_reported"] = out["weeks_reported"] / history_weeks
    out["median_weekly"] = history.median(axis=1).astype(float)
    last = frame.groupby("source")["date"].max()
    out["last_report"] = pd.to_datetime(last.reindex(out.index).to_numpy())
    reported = counts.to_numpy() > 0
    first_nonzero = np.where(reported.any(axis=1), reported.argmax(axis=1), history_weeks + 1)
    out["weeks_since_last_report"] = first_nonzero.astype(np.int64)
    out["usual"] = out["share_weeks_reported"] >= usual_share
    out["silent"] = out["usual"] & (out["weeks_since_last_report"] >= silent_weeks)
    out = out.reset_index().rename(columns={"index": "source"})
    out["source"] = out["source"].astype("string")
    out = out.sort_values(["silent", "source"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)[SILENT_SOURCE_COLUMNS]
    out.attrs.update(
        {
            "week": week_label(monday),
            "rule": tr(
                "En källa räknas som tyst när den rapporterat under minst {u} % av de {h} "
                "föregående "
                "veckorna men inte har rapporterat på {s} vecka/veckor (denna vecka inräknad).",
                "A source is silent when it reported in at least {u} % of the {h} previous weeks "
                "but has not reported for {s} week(s) (this week included).",
                u=fmt_number(usual_share * 100),
                h=history_weeks,
                s=silent_weeks,
            ),
            "history_weeks": history_weeks,
            "usual_share": usual_share,
            "silent_weeks": silent_weeks,
            "choices": choices,
        }
    )
    return out


# ---------------------------------------------------------------------------------------------
# follow-up of measures


def _to_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    return parsed.dt.normalize()


def measure_followup(measures, today=None, *, quiet: bool = False) -> pd.DataFrame:
    """Status, owner and due date of each measure, with overdue ones flagged.

    The **due date** is ``follow_up_on``, or ``end`` when there is no follow-up date. A measure is
    **overdue** when it is not closed (status not ``genomford`` or ``avbruten``) and its due date is
    before ``today``; ``days_overdue`` = today − due (0 when not overdue, NA without a due date).

    Parameters
    ----------
    measures : pandas.DataFrame or geopandas.GeoDataFrame
        The measures layer (``measure_id``, ``status``; optional ``title``, ``area_id``,
        ``responsible``, ``follow_up_on``, ``end``).
    today : date-like, optional
        ``None`` = today's date in Stockholm (announced and recorded).

    Returns
    -------
    pandas.DataFrame
        Columns ``measure_id``, ``title``, ``area_id``, ``status``, ``status_label`` (Swedish or
        English), ``responsible``, ``due`` (datetime64 date), ``overdue``, ``days_overdue``
        (nullable Int64). Overdue first (most days first), then by due date and measure_id.
    """
    from ..layers.vocab import label

    choices: list[str] = []
    if not isinstance(measures, pd.DataFrame):
        raise ArgumentError(
            tr("measures måste vara en (Geo)DataFrame", "measures must be a (Geo)DataFrame"),
            rule="ARGUMENT_TYPE",
        )
    missing = [c for c in ("measure_id", "status") if c not in measures.columns]
    if missing:
        raise ArgumentError(
            tr(
                "measures saknar kolumnerna {m}",
                "measures lacks the columns {m}",
                m=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
        )
    if today is None:
        ref = pd.Timestamp.now(tz=LOCAL_TZ).date()
        msg = tr(
            "Dagens datum {d} används som referens.",
            "Today's date {d} used as reference.",
            d=ref.isoformat(),
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    else:
        ref = _as_date(today, "today")

    def col(name):
        if name in measures.columns:
            return measures[name]
        return pd.Series([pd.NA] * len(measures), index=measures.index)

    due = _to_dates(col("follow_up_on"))
    due = due.fillna(_to_dates(col("end")))
    status = measures["status"].astype("string")
    closed = status.isin(CLOSED_MEASURE_STATUSES).fillna(False)
    ref_ts = pd.Timestamp(ref)
    overdue = (~closed) & due.notna() & (due < ref_ts)
    days = (ref_ts - due).dt.days.astype("Int64")
    days = days.where(overdue, 0).where(due.notna(), pd.NA)
    out = pd.DataFrame(
        {
            "measure_id": measures["measure_id"].astype("string").to_numpy(),
            "title": col("title").astype("string").to_numpy(),
            "area_id": col("area_id").astype("string").to_numpy(),
            "status": status.to_numpy(),
            "status_label": [label("measure_status", s) if pd.notna(s) else pd.NA for s in status],
            "responsible": col("responsible").astype("string").to_numpy(),
            "due": due.to_numpy(),
            "overdue": overdue.to_numpy(bool),
            "days_overdue": days.to_numpy(),
        }
    )
    out["status_label"] = out["status_label"].astype("string")
    out["days_overdue"] = out["days_overdue"].astype("Int64")
    out = out.sort_values(
        ["overdue", "days_overdue", "due", "measure_id"],
        ascending=[False, False, True, True],
        kind="stable",
        na_position="last",
    )
    out = out.reset_index(drop=True)[MEASURE_FOLLOWUP_COLUMNS]
    out.attrs.update(
        {
            "today": ref,
            "rule": tr(
                "Försenad: inte genomförd eller avbruten och uppföljningsdatum (annars "
                "slutdatum) före {d}.",
                "Overdue: not completed or cancelled and the follow-up date (else the end "
                "date) before {d}.",
                d=ref.isoformat(),
            ),
            "choices": choices,
        }
    )
    return out


# ---------------------------------------------------------------------------------------------
# near-repeat alerts


def _window_of(value) -> RiskWindow | None:
    if value is None:
        return None
    if isinstance(value, RiskWindow):
        return value
    if isinstance(value, pd.DataFrame):
        w = value.attrs.get("risk_window")
        return RiskWindow(**w) if w else None
    if isinstance(value, Mapping):
        return RiskWindow(
            float(value["distance_m"]),
            float(value["days"]),
            float(value.get("knox_ratio", math.nan)),
            float(value.get("p_value", math.nan)),
        )
    if isinstance(value, Sequence) and len(value) == 2:
        return RiskWindow(float(value[0]), float(value[1]), math.nan, math.nan)
    raise ArgumentError(
        tr("risk_window: okänd form {t}", "risk_window: unknown form {t}", t=type(value).__name__),
        rule="ARGUMENT_TYPE",
        fix=tr(
            "ge {kategori: near_repeat-resultat} eller {kategori: (meter, dagar)}",
            "pass {category: near_repeat result} or {category: (metres, days)}",
        ),
    )


@renamed(incidents="data")
def near_repeat_alerts(
    data,
    week: str | None,
    risk_window: Mapping[str, object],
    *,
    cell_size: float | None = None,
    max_alerts: int | None = None,
    today=None,
    quiet: bool = False,
):
    """The week's near-repeats: events that repeat an earlier event inside the risk window.

    **Rule** (``attrs["rule"]``). An event of the week, of a category with a risk window
    (``D`` metres, ``T`` days), is an alert when at least one *other* event of the same category
    lies closer than ``D`` metres and on the same day or at most ``T − 1`` days before it (local
    calendar dates; the window's bands are ``[0, D)`` and ``[0, T)``), in the week or before it.
    ``linked_events`` counts the event itself and those earlier events, so an alert has at
    least :data:`MIN_LINKED_EVENTS` = 2. A lone event in a category with a risk window is no
    alert: it is not (yet) a near repeat. Events on the same day link each other.

    **Ranking** (``rank``, ``attrs["ranking"]``): more linked events first, then the latest
    event first, then category and ``incident_id``. With ``max_alerts`` only the first
    ``max_alerts`` are returned; ``attrs["n_alerts"]`` is the number before the cap and
    ``attrs["n_left_out"]`` how many the cap left out.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Incidents with ``incident_id``, ``occurred_at``, ``category``: the week and at least the
        ``T − 1`` days before it (earlier events are only used as links; later ones are
        ignored).
    week : str or None
        ISO week; ``None`` = the last complete week before ``today`` (announced).
    risk_window : mapping
        ``{category: window}`` where a window is a :func:`near_repeat` result (its
        ``attrs["risk_window"]``), a :class:`RiskWindow`, a dict with ``distance_m`` and ``days``,
        or a ``(metres, days)`` pair. Categories whose window is ``None`` give no alerts.
    cell_size : float, optional
        Grid cell used to publish the location; ``None`` = 250 m (announced). Use the same size
        as :func:`recurring_places` so :func:`focus_places` can join them.
    max_alerts : int, optional
        Keep the ``max_alerts`` highest ranked alerts; ``None`` = all.

    Returns
    -------
    geopandas.GeoDataFrame
        In rank order: ``rank`` (1 = first), ``incident_id``, ``category``, ``occurred_on``
        (local date), ``linked_events`` (≥ 2), ``cell_id`` (SCB-aligned),
        ``alert_distance_m``, ``window_days``, ``window_end`` (last day inside the window:
        occurred_on + window_days − 1, because the time band is ``[0, days)``),
        ``active_next_week`` (window_end on or after next Monday) and ``geometry`` — the exact
        incident point, **internal only**: outputs must show ``cell_id`` (or a snapped point),
        never this geometry (``attrs["internal_geometry"] = True``).
    """
    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "category", "incident_id"))
    size = _cell_size_or_default(cell_size, choices, quiet)
    if max_alerts is not None:
        _check_max_alerts(max_alerts)
    windows = _alert_windows(risk_window)
    start, end = _resolve_week(week, today, quiet, choices)
    monday = start.date()
    dates = _local_dates(data["occurred_at"])
    category = data["category"].astype("string").fillna("").to_numpy()
    in_week = (_week_index(dates, monday) == 0) & np.isin(category, list(windows))
    linked = _linked_events(data, dates, category, in_week, windows)
    keep = in_week & (linked >= MIN_LINKED_EVENTS)
    out = _alert_frame(data[keep], dates[keep], linked[keep], windows, size, end)
    n_alerts = len(out)
    if max_alerts is not None:
        out = out.iloc[:max_alerts].copy()
    out.attrs.update(
        {
            "week": week_label(monday),
            "cell_size": size,
            "internal_geometry": True,
            "windows": {k: v.as_dict() for k, v in windows.items()},
            "n_candidates": int(in_week.sum()),
            "n_alerts": n_alerts,
            "max_alerts": max_alerts,
            "n_left_out": n_alerts - len(out),
            "rule": alert_rule(),
            "ranking": alert_ranking(),
            "choices": choices,
        }
    )
    return out


def alert_rule() -> str:
    """The rule that makes an event a near-repeat alert, in words."""
    return tr(
        "Larm: en händelse under veckan med minst en annan händelse i samma kategori närmare "
        "än riskfönstrets avstånd och samma dag eller färre än fönstrets dagar före (minst {k} "
        "länkade händelser).",
        "Alert: an event in the week with at least one other event of the same category closer "
        "than the risk window's distance and on the same day or fewer than the window's days "
        "before it (at least {k} linked events).",
        k=MIN_LINKED_EVENTS,
    )


def alert_ranking() -> str:
    """The ranking of near-repeat alerts, in words."""
    return tr(
        "Rangordning: flest länkade händelser först, sedan den senaste händelsen.",
        "Ranking: most linked events first, then the latest event.",
    )


def _check_max_alerts(max_alerts) -> None:
    if (
        isinstance(max_alerts, bool)
        or not isinstance(max_alerts, (int, np.integer))
        or max_alerts < 1
    ):
        raise ArgumentError(
            tr(
                "max_alerts måste vara ett positivt heltal, fick {v!r}",
                "max_alerts must be a positive integer, got {v!r}",
                v=max_alerts,
            ),
            rule="NOT_POSITIVE",
            fix=tr("t.ex. max_alerts=15", "e.g. max_alerts=15"),
        )


def _alert_windows(risk_window) -> dict[str, RiskWindow]:
    """The categories' risk windows (``None`` windows dropped)."""
    if not isinstance(risk_window, Mapping):
        raise ArgumentError(
            tr(
                "risk_window måste vara en mappning {kategori: fönster}",
                "risk_window must be a mapping {category: window}",
            ),
            rule="ARGUMENT_TYPE",
        )
    windows = {str(k): _window_of(v) for k, v in risk_window.items()}
    return {k: v for k, v in windows.items() if v is not None}


def _linked_events(
    data, dates: np.ndarray, category: np.ndarray, in_week: np.ndarray, windows: dict
) -> np.ndarray:
    """Per row: 1 + the other events of its category within the window before it (0 = not a
    week event of a windowed category)."""
    from scipy.spatial import cKDTree

    linked = np.zeros(len(data), dtype=np.int64)
    if not in_week.any():
        return linked
    x, y = data.geometry.x.to_numpy(), data.geometry.y.to_numpy()
    day = dates.astype(np.int64)
    for cat, w in windows.items():
        targets = np.flatnonzero(in_week & (category == cat))
        if not targets.size:
            continue
        first = day[targets].min() - (math.ceil(w.days) - 1)
        pool = np.flatnonzero((category == cat) & (day >= first) & (day <= day[targets].max()))
        tree = cKDTree(np.column_stack([x[pool], y[pool]]))
        xy = np.column_stack([x[targets], y[targets]])
        for t, near in zip(targets, tree.query_ball_point(xy, r=w.distance_m)):
            cand = pool[np.asarray(near, dtype=np.int64)]
            cand = cand[cand != t]
            dist = np.hypot(x[cand] - x[t], y[cand] - y[t])
            dt = day[t] - day[cand]
            linked[t] = 1 + int(((dist < w.distance_m) & (dt >= 0) & (dt < w.days)).sum())
    return linked


def _alert_frame(sub, dates, linked, windows: dict, size: float, end: pd.Timestamp):
    """The alerts of :func:`near_repeat_alerts` as a ranked GeoDataFrame (pinned columns)."""
    import geopandas as gpd

    cats = sub["category"].astype("string").to_numpy()
    dist = np.array([windows[c].distance_m for c in cats], dtype=float)
    wdays = np.array([windows[c].days for c in cats], dtype=float)
    occurred = pd.to_datetime(dates)
    window_end = occurred + pd.to_timedelta(np.ceil(wdays) - 1, unit="D")
    _, _, ids = cell_ids(sub.geometry.x.to_numpy(), sub.geometry.y.to_numpy(), size)
    out = gpd.GeoDataFrame(
        {
            "rank": np.zeros(len(sub), dtype=np.int64),
            "incident_id": sub["incident_id"].astype("string").to_numpy(),
            "category": pd.array(cats, dtype="string"),
            "occurred_on": occurred,
            "linked_events": np.asarray(linked, dtype=np.int64),
            "cell_id": ids,
            "alert_distance_m": dist,
            "window_days": wdays,
            "window_end": window_end,
            "active_next_week": np.asarray(window_end >= pd.Timestamp(end.date())),
        },
        geometry=sub.geometry.to_numpy(),
        crs=sub.crs,
    )
    out = out.sort_values(
        ["linked_events", "occurred_on", "category", "incident_id"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out[ALERT_COLUMNS]


# ---------------------------------------------------------------------------------------------
# focus places


def _hotspot_cells(hotspots, size: float) -> pd.DataFrame:
    if "hotspot_category" not in hotspots.columns:
        raise ArgumentError(
            tr(
                "hotspots saknar kolumnen hotspot_category",
                "hotspots lacks the column hotspot_category",
            ),
            rule="COLUMNS_MISSING",
        )
    if "geometry" in hotspots.columns and hotspots.geometry.notna().all():
        c = hotspots.geometry.centroid
        _, _, ids = cell_ids(c.x.to_numpy(), c.y.to_numpy(), size)
    elif "cell_id" in hotspots.columns:
        ids = hotspots["cell_id"].astype(str).to_numpy()
    else:
        raise ArgumentError(
            tr("hotspots behöver geometri eller cell_id", "hotspots needs a geometry or a cell_id"),
            rule="COLUMNS_MISSING",
        )
    return pd.DataFrame(
        {"cell_id": ids, "code": hotspots["hotspot_category"].astype("string").to_numpy()}
    )


def focus_places(
    recurring,
    weekly_flags: pd.DataFrame | None = None,
    hotspots=None,
    alerts=None,
    *,
    top: int | None = 10,
) -> pd.DataFrame:
    """Proposed focus places for next week, ranked, each with its reasons in plain language.

    **Scoring rule** (``attrs["rule"]``), per grid cell:

    * recurrence: 1 point per week with reports among the recurring-places weeks
      (reason "4 av senaste 4 veckorna");
    * hotspot category of the cell (codes of ``hotspot_classify``, vocabulary
      ``[hotspot_category]``, Esri's classes): ``ny``, ``i_foljd`` and ``intensifierande`` 3,
      ``bestaende`` 2, ``avtagande``, ``sporadisk`` and ``oscillerande`` 1 (hot in the final
      period), ``historisk`` and the cold classes 0 (reason: the category's label, e.g. "ny
      hotspot"); ``inget_monster`` is no reason; other codes 0 but named in the reasons;
    * an unusual increase (``weekly_counts`` flag) in the cell's area: 2 points once, however
      many categories rose (reason "ovanlig ökning av inbrott i området (p = 0,01)", or
      "ovanlig ökning i området av klotter (p = 0,001) och inbrott (p = 0,01)"), needs
      ``area_id`` in ``recurring``;
    * an active near-repeat alert in the cell (window reaching into next week): 2 points
      (reason "near-repeat-fönster aktivt till 2026-11-30").

    Candidates are the recurring cells, the cells of any hotspot category with points and the
    cells with an active alert. Ties are broken by the recurring total, then ``cell_id``.
    Candidate cells that touch a higher-ranked one (8-neighbours, transitively) join its place
    instead of taking a rank of their own.

    Parameters
    ----------
    recurring : geopandas.GeoDataFrame
        Result of :func:`recurring_places` (its ``attrs["cell_size"]`` and ``weeks`` are used).
    weekly_flags : pandas.DataFrame, optional
        Result of :func:`weekly_counts`.
    hotspots : geopandas.GeoDataFrame, optional
        Cells with ``hotspot_category``; matched by the cell of each polygon's centroid (floor
        division on the same lattice), or by ``cell_id`` when there is no geometry.
    alerts : geopandas.GeoDataFrame, optional
        Result of :func:`near_repeat_alerts` with the same cell size.
    top : int or None, default 10
        Number of places to return (None = all).

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = first), ``cell_id`` (the place's best cell), ``cells`` (``;``-joined
        ids of the place's cells: the best cell and the candidate cells touching it — one
        hotspot over neighbouring cells is one place), ``cell_x``, ``cell_y`` (corner of the
        best cell), ``area_id``, ``score`` and ``reasons`` of the best cell (``"; "``-joined,
        strongest first).
    """
    size = float(recurring.attrs.get("cell_size", DEFAULT_CELL_SIZE))
    n_weeks = int(recurring.attrs.get("weeks", 4))
    places = _FocusScores()
    places.add_recurring(recurring, n_weeks)
    if hotspots is not None and len(hotspots):
        places.add_hotspots(hotspots, size)
    if weekly_flags is not None and len(weekly_flags):
        places.add_unusual(weekly_flags)
    if alerts is not None and len(alerts):
        places.add_alerts(alerts)
    out = places.ranked(top)
    out.attrs.update(
        {
            "cell_size": size,
            "rule": tr(
                "Poäng per ruta: 1 per vecka med rapporter; hotspot ny/i följd/intensifierande "
                "3, bestående 2, avtagande/sporadisk/oscillerande 1; ovanlig ökning i området "
                "2; aktivt near-repeat-fönster 2. Lika poäng: fler rapporter först.",
                "Points per cell: 1 per week with reports; hotspot new/consecutive/intensifying "
                "3, persistent 2, diminishing/sporadic/oscillating 1; unusual increase in the "
                "area 2; active near-repeat window 2. Ties: more reports first.",
            ),
        }
    )
    return out


def _places(cells: list[str], top: int | None) -> list[list[str]]:
    """Group ranked cell ids into places: a cell touching a place's cell (8-neighbours on the
    same lattice) joins that place; other cells start a new place while fewer than ``top``
    exist. Each place lists its best cell first."""
    pattern = re.compile(r"^(\d+(?:\.\d+)?)mE(-?\d+)N(-?\d+)$")
    places: list[list[str]] = []
    corners: list[list[tuple[float, float, float]]] = []
    for cell in cells:
        m = pattern.match(cell)
        here = (float(m.group(1)), float(m.group(2)), float(m.group(3))) if m else None
        home = None
        if here is not None:
            for i, members in enumerate(corners):
                if any(
                    s == here[0] and abs(x - here[1]) <= s and abs(y - here[2]) <= s
                    for s, x, y in members
                ):
                    home = i
                    break
        if home is not None:
            places[home].append(cell)
            corners[home].append(here)
        elif top is None or len(places) < top:
            places.append([cell])
            corners.append([here] if here is not None else [])
    return places


class _FocusScores:
    """Points and reasons per candidate cell of :func:`focus_places`, in the order added."""

    def __init__(self) -> None:
        self.score: dict[str, float] = {}
        self.reasons: dict[str, list[tuple[float, str]]] = {}
        self.area: dict[str, object] = {}
        self.total: dict[str, int] = {}

    def add(self, cell: str, points: float, text: str) -> None:
        """Give ``cell`` ``points`` for the reason ``text``."""
        self.score[cell] = self.score.get(cell, 0) + points
        self.reasons.setdefault(cell, []).append((points, text))

    def add_recurring(self, recurring, n_weeks: int) -> None:
        """1 point per week with reports, for every recurring cell (also notes area and total)."""
        add, area, total = self.add, self.area, self.total
        for row in recurring.itertuples(index=False):
            add(
                row.cell_id,
                int(row.weeks_with_reports),
                tr(
                    "{k} av senaste {n} veckorna",
                    "{k} of the last {n} weeks",
                    k=int(row.weeks_with_reports),
                    n=n_weeks,
                ),
            )
            area[row.cell_id] = row.area_id
            total[row.cell_id] = int(row.total)

    def add_hotspots(self, hotspots, size: float) -> None:
        """Points by the cell's hotspot category (see ``HOTSPOT_POINTS``)."""
        add, score = self.add, self.score
        for cell, code in _hotspot_cells(hotspots, size).itertuples(index=False):
            if pd.isna(code):
                continue
            points = HOTSPOT_POINTS.get(str(code), 0)
            if str(code) == "inget_monster":
                continue
            if points > 0 or cell in score:
                add(cell, points, hotspot_reason(str(code)))

    def add_unusual(self, weekly_flags: pd.DataFrame) -> None:
        """2 points once per cell whose area has an unusual increase this week."""
        from ..layers.vocab import label

        add, area = self.add, self.area
        flagged = weekly_flags[weekly_flags["unusual"]].sort_values("p_value", kind="stable")
        by_area = {a: g for a, g in flagged.groupby("area_id", sort=False)}
        for cell, a in list(area.items()):
            if a is None or pd.isna(a) or a not in by_area:
                continue
            # one area flag is one reason (2 points), however many categories rose there
            parts = [
                tr(
                    "{c} (p = {p})",
                    "{c} (p = {p})",
                    c=label("category", row.category).lower(),
                    p=fmt_p(row.p_value),
                )
                for row in by_area[a].itertuples(index=False)
            ]
            what = (
                parts[0]
                if len(parts) == 1
                else (", ".join(parts[:-1]) + tr(" och ", " and ") + parts[-1])
            )
            if len(parts) == 1:
                what = what.replace(" (p", tr(" i området (p", " in the area (p"), 1)
            add(
                cell,
                UNUSUAL_POINTS,
                tr("ovanlig ökning av {w}", "unusual increase in {w}", w=what)
                if len(parts) == 1
                else tr(
                    "ovanlig ökning i området av {w}", "unusual increase in the area in {w}", w=what
                ),
            )

    def add_alerts(self, alerts) -> None:
        """2 points per cell with a near-repeat window reaching into next week."""
        add = self.add
        active = alerts[alerts["active_next_week"]]
        for cell, group in active.groupby("cell_id"):
            last = pd.Timestamp(group["window_end"].max()).date().isoformat()
            add(
                cell,
                ALERT_POINTS,
                tr(
                    "near-repeat-fönster aktivt till {d}",
                    "near-repeat window active until {d}",
                    d=last,
                ),
            )

    def ranked(self, top: int | None) -> pd.DataFrame:
        """The ``top`` places by score (ties: more reports, then ``cell_id``) as the result
        frame. A place is its best cell plus the candidate cells touching it (8-neighbours,
        transitively): neighbouring cells of one hotspot are one place, not several ranks."""
        score, reasons, area, total = self.score, self.reasons, self.area, self.total
        cells = sorted(score, key=lambda c: (-score[c], -total.get(c, 0), c))
        rows = []
        for k, place in enumerate(_places(cells, top), start=1):
            cell = place[0]
            m = re.match(r"^.*mE(-?\d+)N(-?\d+)$", cell)
            cx, cy = (int(m.group(1)), int(m.group(2))) if m else (pd.NA, pd.NA)
            texts = [t for _, t in sorted(reasons[cell], key=lambda pt: -pt[0])]
            rows.append(
                {
                    "rank": k,
                    "cell_id": cell,
                    "cells": ";".join(place),
                    "cell_x": cx,
                    "cell_y": cy,
                    "area_id": area.get(cell, pd.NA),
                    "score": float(score[cell]),
                    "reasons": "; ".join(texts),
                }
            )
        out = pd.DataFrame(rows, columns=FOCUS_COLUMNS)
        out["rank"] = out["rank"].astype(np.int64)
        out["score"] = out["score"].astype(float)
        out["area_id"] = out["area_id"].astype("string")
        return out
