"""Evaluation of a place-based measure: did it work, and did the problem move around the corner?

Counts in a **target** area (where the measure was put), a **buffer** ring around it (where crime
could be displaced to, or where benefits could spread) and a **control** area (the trend without
the measure) before and after the measure give two statistics:

* the Weighted Displacement Quotient, WDQ (Bowers & Johnson 2003), which says whether the buffer
  gained (displacement) or lost (diffusion of benefits) relative to the target's gain;
* the Weighted Displacement Difference, WDD (Wheeler & Ratcliffe 2018), the net change in counts
  with a standard error under a Poisson assumption, so it can be tested.

Letters follow Bowers & Johnson: A = target, B = buffer, C = control; 0 = before, 1 = after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .._announce import announce
from .._compat import renamed
from ..errors import ArgumentError
from ..i18n import tr
from .near_repeat import LOCAL_TZ, check_points, fmt_number, fmt_p

#: Smallest automatic buffer width in metres.
MIN_BUFFER_WIDTH = 200.0
#: Candidate control areas must lie at least this far (m) from the target.
CONTROL_MIN_DISTANCE = 1000.0

EVALUATION_COLUMNS = ["zone", "label", "before", "after", "change", "change_pct"]
CONTROL_COLUMNS = ["area_id", "before_count", "difference", "distance_m", "eligible", "chosen"]


@dataclass(frozen=True)
class DisplacementStatistic:
    """A WDQ or WDD value with its standard error and test (``None`` where not defined)."""

    name: str
    value: float
    se: float | None
    z: float | None
    p_value: float | None
    interpretation: str
    components: dict = field(default_factory=dict)


def _check_counts(**counts) -> dict[str, float]:
    out = {}
    for name, value in counts.items():
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.number))
            or not math.isfinite(value)
            or value < 0
        ):
            raise ArgumentError(
                tr(
                    "{n} måste vara ett antal ≥ 0, fick {v!r}",
                    "{n} must be a count ≥ 0, got {v!r}",
                    n=name,
                    v=value,
                ),
                rule="COUNT_INVALID",
            )
        out[name] = float(value)
    return out


def wdq(a0: float, a1: float, b0: float, b1: float, c0: float, c1: float) -> DisplacementStatistic:
    """Weighted Displacement Quotient (Bowers & Johnson 2003).

    ``WDQ = (B1/C1 − B0/C0) / (A1/C1 − A0/C0)``: the buffer's change relative to the control,
    divided by the target's change relative to the control (the *success measure*).

    Interpretation when the target improved (success measure < 0): WDQ > 0 diffusion of benefits
    into the buffer; WDQ ≈ 0 neither; −1 < WDQ < 0 some displacement, smaller than the gain
    (net benefit); WDQ ≤ −1 displacement as large as or larger than the gain. When the target did
    not improve the WDQ has no meaning (the interpretation says so). The WDQ has no standard error
    (``se``, ``z`` and ``p_value`` are ``None``): use :func:`wdd` for a significance test.

    Examples
    --------
    >>> wdq(100, 50, 100, 150, 100, 100).value  # complete displacement (REFERENCE.md §2)
    -1.0
    """
    c = _check_counts(a0=a0, a1=a1, b0=b0, b1=b1, c0=c0, c1=c1)
    if c["c0"] == 0 or c["c1"] == 0:
        raise ArgumentError(
            tr(
                "WDQ kräver händelser i kontrollområdet båda perioderna (C0={c0}, C1={c1})",
                "WDQ needs incidents in the control area in both periods (C0={c0}, C1={c1})",
                c0=fmt_number(c["c0"]),
                c1=fmt_number(c["c1"]),
            ),
            rule="CONTROL_EMPTY",
            fix=tr(
                "välj ett större kontrollområde eller fler kategorier",
                "choose a larger control area or more categories",
            ),
        )
    success = c["a1"] / c["c1"] - c["a0"] / c["c0"]
    displacement = c["b1"] / c["c1"] - c["b0"] / c["c0"]
    components = {"success_measure": success, "buffer_displacement_measure": displacement}
    if success >= 0:
        value = displacement / success if success > 0 else math.nan
        text = tr(
            "WDQ saknar mening: målområdet minskade inte jämfört med kontrollområdet.",
            "WDQ is not meaningful: the target did not improve relative to the control.",
        )
        return DisplacementStatistic("WDQ", value, None, None, None, text, components)
    value = displacement / success
    if abs(value) < 1e-9:
        text = tr(
            "Varken förflyttning eller spridning av positiva effekter till buffertzonen.",
            "Neither displacement nor diffusion of benefits into the buffer.",
        )
    elif value > 0:
        text = tr(
            "Spridning av positiva effekter: buffertzonen minskade också.",
            "Diffusion of benefits: the buffer improved too.",
        )
    elif value > -1:
        text = tr(
            "Viss förflyttning till buffertzonen, men mindre än vinsten i målområdet.",
            "Some displacement into the buffer, smaller than the gain in the target.",
        )
    elif abs(value + 1) < 1e-9:
        text = tr(
            "Fullständig förflyttning: ökningen i buffertzonen tar ut minskningen i målområdet.",
            "Complete displacement: the buffer's increase cancels the target's decrease.",
        )
    else:
        text = tr(
            "Förflyttningen är större än vinsten i målområdet.",
            "Displacement is larger than the gain in the target.",
        )
    return DisplacementStatistic("WDQ", value, None, None, None, text, components)


def wdd(
    t0: float,
    t1: float,
    ct0: float,
    ct1: float,
    d0: float | None = None,
    d1: float | None = None,
    cd0: float | None = None,
    cd1: float | None = None,
) -> DisplacementStatistic:
    """Weighted Displacement Difference with standard error (Wheeler & Ratcliffe 2018).

    ``WDD = (T1 − T0) − (Ct1 − Ct0) + (D1 − D0) − (Cd1 − Cd0)`` for the treated area T, its
    control Ct, a displacement area D and its control Cd (the last two optional, together).
    Assuming independent Poisson counts, ``Var(WDD)`` = the sum of all the counts, so
    ``se = √(sum)``, ``z = WDD / se`` and the two-sided ``p = 2 (1 − Φ(|z|))``. A negative WDD is
    a net reduction in crime.

    Examples
    --------
    >>> r = wdd(100, 80, 100, 90)  # REFERENCE.md §2
    >>> r.value, round(r.se, 1)
    (-10.0, 19.2)
    """
    pair_d = (d0 is None, d1 is None, cd0 is None, cd1 is None)
    if any(pair_d) and not all(pair_d):
        raise ArgumentError(
            tr(
                "WDD: ange alla fyra d0, d1, cd0, cd1 eller ingen av dem",
                "WDD: give all four of d0, d1, cd0, cd1 or none of them",
            ),
            rule="ARGUMENTS_CONFLICT",
        )
    c = _check_counts(t0=t0, t1=t1, ct0=ct0, ct1=ct1, d0=d0, d1=d1, cd0=cd0, cd1=cd1)
    delta_t = c["t1"] - c["t0"]
    delta_ct = c["ct1"] - c["ct0"]
    value = delta_t - delta_ct
    components = {"delta_treated": delta_t, "delta_control": delta_ct}
    if "d0" in c:
        delta_d = c["d1"] - c["d0"]
        delta_cd = c["cd1"] - c["cd0"]
        value += delta_d - delta_cd
        components.update({"delta_displacement": delta_d, "delta_displacement_control": delta_cd})
    variance = sum(c.values())
    se = math.sqrt(variance)
    z = value / se if se > 0 else math.nan
    p = math.erfc(abs(z) / math.sqrt(2)) if se > 0 else math.nan
    if not math.isfinite(z):
        text = tr("Inga händelser: WDD kan inte testas.", "No incidents: WDD cannot be tested.")
    elif value < 0:
        text = tr(
            "Nettominskning med {n} händelser (z = {z}, p = {p}).",
            "Net reduction of {n} incidents (z = {z}, p = {p}).",
            n=fmt_number(-value),
            z=fmt_number(z, 2),
            p=fmt_p(p),
        )
    else:
        text = tr(
            "Ingen nettominskning: {n} händelser fler (z = {z}, p = {p}).",
            "No net reduction: {n} more incidents (z = {z}, p = {p}).",
            n=fmt_number(value),
            z=fmt_number(z, 2),
            p=fmt_p(p),
        )
    return DisplacementStatistic("WDD", value, se, z, p, text, components)


# ---------------------------------------------------------------------------------------------
# spatial helpers


def buffer_ring(target_geom, width: float | None = None, *, quiet: bool = False):
    """A ring around the target where displacement (or diffusion) is looked for.

    **Automatic width** (``width=None``, announced): the width that gives a ring of the same area
    as the target when the target is a circle, ``w = r (√2 − 1)`` with ``r = √(area / π)``, but at
    least 200 m (a block or two, the usual reach of spatial displacement; Bowers et al. 2011).
    For a point or line target (no area) the width is 200 m.

    Parameters
    ----------
    target_geom : shapely geometry
        The target area in a metric CRS.
    width : float, optional
        Ring width in metres.

    Returns
    -------
    (shapely geometry, float)
        The ring (buffer of the target minus the target) and the width used.
    """
    if target_geom is None or target_geom.is_empty:
        raise ArgumentError(
            tr("målområdet saknar geometri", "the target has no geometry"), rule="GEOM_MISSING"
        )
    if width is None:
        r = math.sqrt(target_geom.area / math.pi)
        width = max(MIN_BUFFER_WIDTH, r * (math.sqrt(2) - 1))
        announce(
            tr(
                "Buffertzon {w} m vald automatiskt (lika stor yta som målområdet, minst {m} m).",
                "Buffer ring {w} m chosen automatically (same area as the target, at least {m} m).",
                w=fmt_number(round(width)),
                m=fmt_number(MIN_BUFFER_WIDTH),
            ),
            quiet=quiet,
        )
    elif (
        isinstance(width, bool)
        or not isinstance(width, (int, float, np.number))
        or not math.isfinite(width)
        or width <= 0
    ):
        raise ArgumentError(
            tr(
                "buffertbredden måste vara > 0 m, fick {v!r}",
                "the buffer width must be > 0 m, got {v!r}",
                v=width,
            ),
            rule="NOT_POSITIVE",
        )
    ring = target_geom.buffer(float(width)).difference(target_geom)
    return ring, float(width)


def _date(value, name: str) -> date:
    if isinstance(value, pd.Timestamp):
        return (value.tz_convert(LOCAL_TZ) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    try:
        return _date(pd.Timestamp(value), name)
    except (ValueError, TypeError):
        raise ArgumentError(
            tr(
                "{n}: kan inte tolka {v!r} som datum",
                "{n}: cannot read {v!r} as a date",
                n=name,
                v=value,
            ),
            rule="DATE_INVALID",
        ) from None


@dataclass(frozen=True)
class Periods:
    """Before and after periods, each ``[start, end)`` in local calendar dates."""

    before_start: date
    before_end: date
    after_start: date
    after_end: date
    months: int

    @property
    def before(self) -> tuple[date, date]:
        return self.before_start, self.before_end

    @property
    def after(self) -> tuple[date, date]:
        return self.after_start, self.after_end

    def describe(self) -> str:
        """The periods in whole months (``före 2024-05 – 2025-04, efter …``): they are whole
        months by construction, and the month is the finest public time unit."""
        last = self.after_end - timedelta(days=1)
        return tr(
            "före {a} – {b}, efter {c} – {d} ({m} månader vardera, installationsmånaden utesluten)",
            "before {a} – {b}, after {c} – {d} ({m} months each, installation month excluded)",
            a=self.before_start.strftime("%Y-%m"),
            b=(self.before_end - timedelta(days=1)).strftime("%Y-%m"),
            c=self.after_start.strftime("%Y-%m"),
            d=last.strftime("%Y-%m"),
            m=self.months,
        )


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def equal_periods(installed_on, data_end, *, max_months: int = 12) -> Periods:
    """Before and after periods of equal length around a measure's installation.

    **Rule**: the calendar month of the installation is left out (the measure was only partly in
    place). The after period starts on the first day of the next month and runs for as many whole
    calendar months as the data cover up to ``data_end`` (inclusive), at most ``max_months``; the
    before period is the same number of whole months ending the day before the installation month.
    Equal lengths keep seasonal exposure comparable.

    Parameters
    ----------
    installed_on : date-like
        Date the measure was put in place.
    data_end : date-like
        Last date covered by the data (inclusive).
    max_months : int, default 12

    Returns
    -------
    Periods
    """
    inst = _date(installed_on, "installed_on")
    end = _date(data_end, "data_end")
    if not isinstance(max_months, int) or max_months < 1:
        raise ArgumentError(
            tr(
                "max_months måste vara ett heltal ≥ 1, fick {v!r}",
                "max_months must be an integer ≥ 1, got {v!r}",
                v=max_months,
            ),
            rule="NOT_POSITIVE",
        )
    month_start = date(inst.year, inst.month, 1)
    after_start = _add_months(month_start, 1)
    e = end + timedelta(days=1)
    available = (e.year - after_start.year) * 12 + (e.month - after_start.month)
    months = min(max_months, available)
    if months < 1:
        raise ArgumentError(
            tr(
                "för lite data efter åtgärden: data slutar {d}, eftermätningen börjar {a} och "
                "behöver minst en hel månad",
                "too little data after the measure: data end {d}, the after period starts {a} "
                "and needs at least one whole month",
                d=end.isoformat(),
                a=after_start.isoformat(),
            ),
            rule="AFTER_PERIOD_EMPTY",
            fix=tr(
                "vänta på mer data eller kontrollera installationsdatumet",
                "wait for more data or check the installation date",
            ),
        )
    return Periods(
        _add_months(month_start, -months),
        month_start,
        after_start,
        _add_months(after_start, months),
        months,
    )


def _local_date_array(incidents) -> np.ndarray:
    return (
        incidents["occurred_at"]
        .dt.tz_convert(LOCAL_TZ)
        .dt.tz_localize(None)
        .to_numpy()
        .astype("datetime64[D]")
    )


def _in_period(dates: np.ndarray, period: tuple[date, date]) -> np.ndarray:
    return (dates >= np.datetime64(period[0], "D")) & (dates < np.datetime64(period[1], "D"))


def _count_in(geom, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import shapely

    return shapely.intersects_xy(geom, x, y)


def _as_period(value) -> tuple[date, date]:
    if isinstance(value, Periods):
        return value.before
    try:
        start, end = value
    except (TypeError, ValueError):
        raise ArgumentError(
            tr("before_period måste vara (start, slut)", "before_period must be (start, end)"),
            rule="ARGUMENT_INVALID",
        ) from None
    return _date(start, "before_period"), _date(end, "before_period")


def _filter_categories(incidents, categories, choices: list[str], quiet: bool):
    if categories is None:
        msg = tr(
            "Alla kategorier räknas (ange categories= för att begränsa).",
            "All categories are counted (pass categories= to restrict).",
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
        return incidents
    cats = [categories] if isinstance(categories, str) else list(categories)
    return incidents[incidents["category"].isin(cats).to_numpy()]


def _control_candidates(
    areas,
    target_geom,
    ring,
    counts_before: pd.Series,
    target_count: int,
    min_distance: float,
    exclude: set[str],
) -> pd.DataFrame:
    distance = areas.geometry.distance(target_geom).to_numpy()
    touches_ring = areas.geometry.intersects(ring).to_numpy()
    ids = areas["area_id"].astype(str).to_numpy()
    before = counts_before.reindex(ids).fillna(0).astype(np.int64).to_numpy()
    eligible = (distance >= min_distance) & ~touches_ring & ~np.isin(ids, list(exclude))
    table = pd.DataFrame(
        {
            "area_id": pd.array(ids, dtype="string"),
            "before_count": before,
            "difference": np.abs(before - target_count),
            "distance_m": distance,
            "eligible": eligible,
        }
    )
    table = table.sort_values(
        ["eligible", "difference", "before_count", "area_id"],
        ascending=[False, True, False, True],
        kind="stable",
    )
    table["chosen"] = False
    if table["eligible"].any():
        table.iloc[0, table.columns.get_loc("chosen")] = True
    return table.reset_index(drop=True)[CONTROL_COLUMNS]


def _check_areas(areas, incidents) -> None:
    from ._common import check_area_layer

    check_area_layer(areas, incidents)


def _area_geom(areas, area_id: str):
    match = areas[areas["area_id"].astype(str) == str(area_id)]
    if match.empty:
        raise ArgumentError(
            tr("området {a!r} finns inte i areas", "area {a!r} is not in areas", a=area_id),
            rule="AREA_UNKNOWN",
            fix=tr(
                "välj ett av: {v}",
                "choose one of: {v}",
                v=", ".join(map(str, areas["area_id"].head(20))),
            ),
        )
    return match.geometry.union_all()


def _before_counts_by_area(areas, incidents, period) -> pd.Series:
    import geopandas as gpd

    sub = incidents[_in_period(_local_date_array(incidents), period)]
    if sub.empty:
        return pd.Series(dtype=np.int64)
    pts = gpd.GeoDataFrame(geometry=sub.geometry.to_numpy(), crs=sub.crs)
    joined = gpd.sjoin(pts, areas[["area_id", "geometry"]], how="inner", predicate="intersects")
    return joined.groupby(joined["area_id"].astype(str)).size()


@renamed(incidents="data")
def choose_control(
    areas,
    target_area_id: str,
    data,
    before_period,
    *,
    categories=None,
    buffer_width: float | None = None,
    min_distance: float = CONTROL_MIN_DISTANCE,
    quiet: bool = False,
) -> pd.DataFrame:
    """Choose a control area for a target area by a stated rule.

    **Rule**: candidates are the other areas that lie at least ``min_distance`` (1 km) from the
    target and do not touch the target's buffer ring (so they can neither receive displaced crime
    nor benefit from diffusion). Among them the one whose count of the same categories in the
    before period is closest to the target's is chosen (ties: the larger count, then the lowest
    ``area_id``). A similar level before the measure makes the control's trend a plausible
    stand-in for the target's trend without the measure — an assumption, recorded in ``attrs``.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Areas with ``area_id``, in the CRS of ``data``.
    target_area_id : str
        The target area.
    data : geopandas.GeoDataFrame
        The incidents (``occurred_at``, ``category``).
    before_period : (date, date) or Periods
        The before window ``[start, end)`` (a time window like ``period`` elsewhere; the end is
        exclusive as in :class:`Periods`).
    categories : str or list of str, optional
        Categories to count; ``None`` = all (announced).
    buffer_width : float, optional
        Width of the target's buffer ring; ``None`` = the automatic rule of :func:`buffer_ring`.
    min_distance : float, default 1000
        Minimum distance (m) between target and control.

    Returns
    -------
    pandas.DataFrame
        All other areas ranked: ``area_id``, ``before_count``, ``difference`` (absolute
        difference to the target's count), ``distance_m``, ``eligible``, ``chosen``.
        ``attrs``: ``chosen`` (area_id), ``target_before_count``, ``rule``, ``choices``.
    """
    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "category"))
    _check_areas(areas, data)
    target_geom = _area_geom(areas, target_area_id)
    ring, width = buffer_ring(target_geom, buffer_width, quiet=quiet)
    period = _as_period(before_period)
    selected = _filter_categories(data, categories, choices, quiet)
    counts = _before_counts_by_area(areas, selected, period)
    target_count = int(counts.get(str(target_area_id), 0))
    others = areas[areas["area_id"].astype(str) != str(target_area_id)]
    table = _control_candidates(
        others, target_geom, ring, counts, target_count, min_distance, set()
    )
    if not table["chosen"].any():
        raise ArgumentError(
            tr(
                "inget kontrollområde uppfyller regeln (minst {d} m från målområdet och utanför "
                "buffertzonen)",
                "no control area meets the rule (at least {d} m from the target and outside the "
                "buffer)",
                d=fmt_number(min_distance),
            ),
            rule="CONTROL_NONE",
            fix=tr(
                "ange control= själv eller minska min_distance",
                "pass control= yourself or lower min_distance",
            ),
        )
    chosen = str(table.loc[table["chosen"], "area_id"].iloc[0])
    msg = tr(
        "Kontrollområde {c} valt automatiskt ({n} händelser före, målområdet {t}).",
        "Control area {c} chosen automatically ({n} incidents before, target {t}).",
        c=chosen,
        n=int(table.loc[table["chosen"], "before_count"].iloc[0]),
        t=target_count,
    )
    choices.append(msg)
    announce(msg, quiet=quiet)
    table.attrs.update(
        {
            "chosen": chosen,
            "target_before_count": target_count,
            "buffer_width": width,
            "rule": tr(
                "Området minst {d} m från målområdet, utanför buffertzonen, med antal "
                "händelser före åtgärden närmast målområdets.",
                "The area at least {d} m from the target, outside the buffer, with the "
                "before-period count closest to the target's.",
                d=fmt_number(min_distance),
            ),
            "choices": choices,
        }
    )
    return table


# ---------------------------------------------------------------------------------------------
# the verb


@dataclass
class MeasureEvaluation:
    """Result of :func:`evaluate_measure`.

    ``table`` has one row per zone (``target``, ``buffer``, ``control``, ``control_buffer``) with
    the columns ``zone``, ``label`` (Swedish/English), ``before``, ``after``, ``change`` and
    ``change_pct`` (NaN when before is 0). ``zones`` holds the four geometries for maps.
    """

    table: pd.DataFrame
    wdq: DisplacementStatistic
    wdd: DisplacementStatistic
    periods: Periods
    buffer_width: float | None
    control_id: str | None
    categories: list[str] | None
    assumptions: list[str]
    choices: list[str]
    zones: object = None

    @property
    def counts(self) -> dict[str, int]:
        """``A0, A1, B0, B1, C0, C1`` (Bowers & Johnson letters) as a dict."""
        t = self.table.set_index("zone")
        return {
            "A0": int(t.loc["target", "before"]),
            "A1": int(t.loc["target", "after"]),
            "B0": int(t.loc["buffer", "before"]),
            "B1": int(t.loc["buffer", "after"]),
            "C0": int(t.loc["control", "before"]),
            "C1": int(t.loc["control", "after"]),
        }


def _geometry_of(value, name: str, areas):
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    if isinstance(value, BaseGeometry):
        return value, None
    if isinstance(value, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return (value.geometry if isinstance(value, gpd.GeoDataFrame) else value).union_all(), None
    if isinstance(value, str):
        if areas is None:
            raise ArgumentError(
                tr(
                    "{n}={v!r} är ett område-id men areas saknas",
                    "{n}={v!r} is an area id but areas is missing",
                    n=name,
                    v=value,
                ),
                rule="ARGUMENT_MISSING",
                fix=tr("ange areas=", "pass areas="),
            )
        return _area_geom(areas, value), value
    raise ArgumentError(
        tr("{n}: okänd typ {t}", "{n}: unknown type {t}", n=name, t=type(value).__name__),
        rule="ARGUMENT_TYPE",
    )


@renamed(incidents="data", buffer="buffer_width")
def evaluate_measure(
    data,
    target,
    *,
    installed_on,
    buffer_width=None,
    control=None,
    areas=None,
    categories=None,
    data_end=None,
    max_months: int = 12,
    quiet: bool = False,
) -> MeasureEvaluation:
    """Before/after evaluation of a measure with displacement: counts, WDQ and WDD.

    Parameters
    ----------
    data : geopandas.GeoDataFrame
        Incidents (``occurred_at``, ``category``, points in a metric CRS).
    target : shapely geometry, GeoDataFrame/GeoSeries or str
        The target area (an ``area_id`` needs ``areas``).
    installed_on : date-like
        When the measure was put in place. Periods follow :func:`equal_periods`.
    buffer_width : None, float or geometry
        The displacement area: ``None`` = automatic ring (:func:`buffer_ring`), a number = ring
        width in metres, a geometry = used as given (the target is cut out of it).
    control : None, str or geometry
        The control area: ``None`` = chosen by :func:`choose_control`'s rule (needs ``areas``),
        an ``area_id`` or a geometry.
    areas : geopandas.GeoDataFrame, optional
        Areas for ids and for choosing the control.
    categories : str or list, optional
        Categories the measure targets; ``None`` = all (announced).
    data_end : date-like, optional
        Last date of the data; ``None`` = the latest incident's date (announced).
    max_months : int, default 12
    quiet : bool, default False

    Returns
    -------
    MeasureEvaluation
        Counts per zone, WDQ (target, buffer, control), WDD (treated = target with control;
        displacement = buffer with the control's own ring of the same width as its control, so
        the four counts are independent as the WDD variance assumes), the periods, and the
        assumptions in plain Swedish (or English).

    Notes
    -----
    A point is counted in the target if it lies in or on the target, otherwise in the buffer if
    it lies in or on the ring. The control and its ring must not overlap the target or the buffer.
    """
    import geopandas as gpd

    choices: list[str] = []
    check_points(data, "data", ("occurred_at", "category"))
    if areas is not None:
        _check_areas(areas, data)
    target_geom, target_id = _geometry_of(target, "target", areas)
    selected = _filter_categories(data, categories, choices, quiet)
    dates = _local_date_array(selected)
    data_end = _resolve_data_end(data, data_end, choices, quiet)
    periods = equal_periods(installed_on, data_end, max_months=max_months)
    msg = tr("Perioder: {p}.", "Periods: {p}.", p=periods.describe())
    choices.append(msg)
    announce(msg, quiet=quiet)
    ring, width = _buffer_zone(target_geom, buffer_width, areas, choices, quiet)
    if control is None:
        control_geom, control_id = _auto_control(
            areas, selected, dates, periods, target_geom, target_id, ring, choices, quiet
        )
    else:
        control_geom, control_id = _geometry_of(control, "control", areas)
    control_ring = _control_ring(control_geom, target_geom, ring, width)

    zones = _zone_masks(selected, target_geom, ring, control_geom, control_ring)
    table = _zone_table(zones, dates, periods)
    c = {
        zone: (int(b), int(a))
        for zone, b, a in zip(table["zone"], table["before"], table["after"], strict=True)
    }
    wdq_result, wdd_result = _displacement_statistics(c)
    cats = (
        None
        if categories is None
        else ([categories] if isinstance(categories, str) else list(categories))
    )
    assumptions = _assumptions(width, periods)
    zones_gdf = gpd.GeoDataFrame(
        {"zone": list(zones)},
        geometry=[target_geom, ring, control_geom, control_ring],
        crs=data.crs,
    )
    table.attrs.update({"assumptions": assumptions, "choices": choices})
    return MeasureEvaluation(
        table,
        wdq_result,
        wdd_result,
        periods,
        width,
        control_id,
        cats,
        assumptions,
        choices,
        zones_gdf,
    )


def _resolve_data_end(incidents, data_end, choices: list[str], quiet: bool):
    """The last date of the data: given, or the latest incident's local date (announced)."""
    if data_end is None:
        if len(incidents) == 0:
            raise ArgumentError(tr("inga händelser", "no incidents"), rule="INCIDENTS_EMPTY")
        data_end = pd.Timestamp(_local_date_array(incidents).max()).date()
        # the periods are whole months: the message names the last whole month, not the day
        # of the latest incident (which the month is the finest public unit to hide)
        last_month = (data_end + timedelta(days=1)).replace(day=1) - timedelta(days=1)
        msg = tr(
            "Dataslut valt automatiskt från senaste händelsen: sista hela månaden {m}.",
            "Data end chosen automatically from the latest incident: last whole month {m}.",
            m=last_month.strftime("%Y-%m"),
        )
        choices.append(msg)
        announce(msg, quiet=quiet)
    return data_end


def _buffer_zone(target_geom, buffer, areas, choices: list[str], quiet: bool):
    """The displacement ring around the target and its width (``None`` when given as geometry)."""
    from shapely.geometry.base import BaseGeometry

    if buffer is None or (isinstance(buffer, (int, float)) and not isinstance(buffer, bool)):
        ring, width = buffer_ring(target_geom, buffer, quiet=True)
        if buffer is None:
            msg = tr(
                "Buffertzon {w} m vald automatiskt (lika stor yta som målområdet, minst {m} m).",
                "Buffer ring {w} m chosen automatically (same area as the target, at least {m} m).",
                w=fmt_number(round(width)),
                m=fmt_number(MIN_BUFFER_WIDTH),
            )
            choices.append(msg)
            announce(msg, quiet=quiet)
    elif isinstance(buffer, BaseGeometry):
        ring, width = buffer.difference(target_geom), None
    else:
        ring, _ = _geometry_of(buffer, "buffer", areas)
        ring, width = ring.difference(target_geom), None
    return ring, width


def _auto_control(areas, data, dates, periods, target_geom, target_id, ring, choices, quiet):
    """Choose (and announce) the control area by :func:`choose_control`'s rule."""
    if areas is None:
        raise ArgumentError(
            tr(
                "control saknas och areas behövs för att välja ett kontrollområde",
                "control is missing and areas are needed to choose one",
            ),
            rule="ARGUMENT_MISSING",
            fix=tr("ange control= eller areas=", "pass control= or areas="),
        )
    counts = _before_counts_by_area(areas, data, periods.before)
    target_count = int(
        _count_in(target_geom, data.geometry.x.to_numpy(), data.geometry.y.to_numpy())[
            _in_period(dates, periods.before)
        ].sum()
    )
    exclude = {target_id} if target_id else set()
    table = _control_candidates(
        areas, target_geom, ring, counts, target_count, CONTROL_MIN_DISTANCE, exclude
    )
    if not table["chosen"].any():
        raise ArgumentError(
            tr(
                "inget kontrollområde uppfyller regeln (minst {d} m från målområdet och "
                "utanför buffertzonen)",
                "no control area meets the rule (at least {d} m from the target and outside "
                "the buffer)",
                d=fmt_number(CONTROL_MIN_DISTANCE),
            ),
            rule="CONTROL_NONE",
            fix=tr("ange control= själv", "pass control= yourself"),
        )
    control_id = str(table.loc[table["chosen"], "area_id"].iloc[0])
    control_geom = _area_geom(areas, control_id)
    msg = tr(
        "Kontrollområde {c} valt automatiskt: minst {d} m bort, utanför buffertzonen, "
        "med antal händelser före åtgärden närmast målområdets.",
        "Control area {c} chosen automatically: at least {d} m away, outside the "
        "buffer, with the before-period count closest to the target's.",
        c=control_id,
        d=fmt_number(CONTROL_MIN_DISTANCE),
    )
    choices.append(msg)
    announce(msg, quiet=quiet)
    return control_geom, control_id


def _control_ring(control_geom, target_geom, ring, width):
    """The control's own ring of the buffer's width; the control must not overlap target/ring."""
    if control_geom.intersection(target_geom.union(ring)).area > 0:
        raise ArgumentError(
            tr(
                "kontrollområdet överlappar målområdet eller buffertzonen",
                "the control area overlaps the target or the buffer",
            ),
            rule="CONTROL_OVERLAP",
            fix=tr("välj ett kontrollområde längre bort", "choose a control area further away"),
        )
    control_ring, _ = buffer_ring(control_geom, width, quiet=True)
    control_ring = control_ring.difference(target_geom.union(ring))
    return control_ring


def _zone_masks(data, target_geom, ring, control_geom, control_ring) -> dict[str, np.ndarray]:
    """Which incidents count in each zone (first zone that contains the point wins)."""
    x, y = data.geometry.x.to_numpy(), data.geometry.y.to_numpy()
    in_target = _count_in(target_geom, x, y)
    in_buffer = _count_in(ring, x, y) & ~in_target
    in_control = _count_in(control_geom, x, y) & ~in_target & ~in_buffer
    in_cring = _count_in(control_ring, x, y) & ~in_target & ~in_buffer & ~in_control
    return {
        "target": in_target,
        "buffer": in_buffer,
        "control": in_control,
        "control_buffer": in_cring,
    }


def _zone_table(zones: dict[str, np.ndarray], dates, periods) -> pd.DataFrame:
    """Counts before and after, change and change in percent per zone."""
    before = _in_period(dates, periods.before)
    after = _in_period(dates, periods.after)
    labels = {
        "target": tr("Målområde", "Target area"),
        "buffer": tr("Buffertzon", "Buffer ring"),
        "control": tr("Kontrollområde", "Control area"),
        "control_buffer": tr("Kontrollområdets buffertzon", "Control area's buffer ring"),
    }
    rows = []
    for zone, mask in zones.items():
        b, a = int((mask & before).sum()), int((mask & after).sum())
        rows.append(
            {
                "zone": zone,
                "label": labels[zone],
                "before": b,
                "after": a,
                "change": a - b,
                "change_pct": (a - b) / b * 100 if b else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)


def _displacement_statistics(c: dict) -> tuple:
    """WDQ (NaN with a note when the control has no incidents in a period) and WDD."""
    wdq_result = (
        wdq(*c["target"], *c["buffer"], *c["control"])
        if min(c["control"]) > 0
        else DisplacementStatistic(
            "WDQ",
            math.nan,
            None,
            None,
            None,
            tr(
                "WDQ kan inte beräknas: inga händelser i kontrollområdet en av perioderna.",
                "WDQ cannot be computed: no incidents in the control area in one of the periods.",
            ),
        )
    )
    wdd_result = wdd(*c["target"], *c["control"], *c["buffer"], *c["control_buffer"])
    return wdq_result, wdd_result


def _assumptions(width, periods) -> list[str]:
    """The evaluation's assumptions in plain language."""
    return [
        tr(
            "Kontrollområdet antas följa samma trend som målområdet skulle ha gjort utan åtgärden.",
            "The control area is assumed to follow the trend the target would have followed "
            "without the measure.",
        ),
        tr(
            "Inga andra åtgärder eller händelser påverkade målområdet eller buffertzonen "
            "olika mycket under perioderna.",
            "No other measure or event affected the target or the buffer differently during "
            "the periods.",
        ),
        tr(
            "Förflyttning söks bara i buffertzonen ({w}); brott kan också flytta längre bort, "
            "till andra tider eller andra brottstyper.",
            "Displacement is only looked for in the buffer ring ({w}); crime can also move "
            "further, to other times or to other offence types.",
            w=tr("{m} m", "{m} m", m=fmt_number(round(width)))
            if width
            else tr("given av användaren", "given by the user"),
        ),
        tr(
            "Rapporteringen antas vara lika fullständig före och efter åtgärden (en åtgärd kan "
            "själv ändra hur mycket som rapporteras).",
            "Reporting is assumed to be equally complete before and after (a measure can itself "
            "change how much is reported).",
        ),
        tr(
            "Standardfelet för WDD bygger på att antalen är oberoende Poissonfördelade; "
            "WDQ har inget standardfel.",
            "The WDD standard error assumes independent Poisson counts; the WDQ has no standard "
            "error.",
        ),
        tr("Lika långa perioder: {p}.", "Periods of equal length: {p}.", p=periods.describe()),
    ]
