"""Period rules shared by every product: local calendar dates, whole months, the year before.

Dates here are local calendar dates in the municipality's time zone (Europe/Stockholm), never
the UTC date of a local midnight. Public products cover whole months only (REFERENCE.md §5:
the month is the finest public time unit); :class:`~.run.Run` applies that rule once (with
:func:`whole_months`) for every product of a public run.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from ..policy import LOCAL_TZ


def local_times(occurred_at: Any) -> pd.Series:
    """Timestamps (tz-aware) as local time in :data:`LOCAL_TZ`."""
    return pd.to_datetime(pd.Series(occurred_at)).dt.tz_convert(LOCAL_TZ)


def local_date(value: Any) -> dt.date:
    """The local calendar date of a timestamp (a tz-aware one converted to :data:`LOCAL_TZ`
    first; a naive one is already local), never the UTC date of a local midnight.

    >>> local_date(pd.Timestamp("2023-12-31 23:30", tz="UTC"))
    datetime.date(2024, 1, 1)
    """
    stamp = pd.Timestamp(value)
    return (stamp.tz_convert(LOCAL_TZ) if stamp.tzinfo is not None else stamp).date()


def last_local_day(end: Any) -> dt.date:
    """The last local calendar day of a window ``[start, end)``: the day before ``end`` when
    ``end`` is a local midnight (a calendar day back, not 24 hours, which is a day early
    across the autumn DST change and the wrong day across the spring one).

    >>> last_local_day(pd.Timestamp("2024-04-01", tz="Europe/Stockholm"))  # after spring DST
    datetime.date(2024, 3, 31)
    >>> last_local_day(pd.Timestamp("2024-10-27 23:00", tz="UTC"))  # Monday 00:00 CET
    datetime.date(2024, 10, 27)
    """
    stamp = pd.Timestamp(end)
    local = stamp.tz_convert(LOCAL_TZ) if stamp.tzinfo is not None else stamp
    day = local.date()
    return day - dt.timedelta(days=1) if local == local.normalize() else day


def local_date_strings(values: pd.Series) -> pd.Series:
    """A datetime column as ISO local dates (``YYYY-MM-DD``); see :func:`local_date`."""
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(LOCAL_TZ)
    return values.dt.strftime("%Y-%m-%d")


def local_stamp(ts: Any) -> str:
    """A moment as messages print it: the local calendar date when it is local midnight,
    else the local date and time to the minute (never a UTC time or offset).

    >>> local_stamp(pd.Timestamp("2024-02-03 23:00", tz="UTC"))
    '2024-02-04'
    >>> local_stamp(pd.Timestamp("2024-07-01 22:30", tz="UTC"))
    '2024-07-02 00:30'
    >>> local_stamp(pd.Timestamp("2024-01-01 00:30"))
    '2024-01-01 00:30'
    """
    stamp = pd.Timestamp(ts)
    local = stamp.tz_convert(LOCAL_TZ) if stamp.tzinfo is not None else stamp
    if local == local.normalize():
        return local.date().isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def data_span(occurred_at: Any) -> tuple[dt.date, dt.date]:
    """The first and last local calendar date of the incidents."""
    local = local_times(occurred_at)
    return local.min().date(), local.max().date()


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Shrink ``[start, end]`` (dates, inclusive) to whole calendar months.

    >>> whole_months(dt.date(2024, 1, 3), dt.date(2026, 11, 22))
    (datetime.date(2024, 2, 1), datetime.date(2026, 10, 31))
    >>> whole_months(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    if start.day != 1:
        start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if (end + dt.timedelta(days=1)).day != 1:
        end = end.replace(day=1) - dt.timedelta(days=1)
    return start, end


def is_whole_months(start: dt.date, end: dt.date) -> bool:
    """Whether ``[start, end]`` (inclusive dates) begins on a 1st and ends on a month's last day.

    >>> is_whole_months(dt.date(2023, 12, 1), dt.date(2026, 10, 31))
    True
    """
    return start.day == 1 and (end + dt.timedelta(days=1)).day == 1


def period_label(start: Any, end: Any) -> str:
    """A period as every product prints it: months (``2023-12 – 2026-10``, or ``2026-10`` for
    one month) when it is whole months — always so in public mode, where the month is the
    finest time unit (REFERENCE.md §5) — else inclusive local dates.

    >>> period_label(dt.date(2023, 12, 1), dt.date(2026, 10, 31))
    '2023-12 – 2026-10'
    >>> period_label(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    '2026-10'
    >>> period_label(dt.date(2023, 11, 27), dt.date(2026, 11, 22))
    '2023-11-27 – 2026-11-22'
    """
    a, b = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if is_whole_months(a, b):
        lo, hi = a.strftime("%Y-%m"), b.strftime("%Y-%m")
        return lo if lo == hi else f"{lo} – {hi}"
    return f"{a.isoformat()} – {b.isoformat()}"


def period_values(start: Any, end: Any) -> list[str]:
    """A period as a pair of strings for JSON: months for whole months, else ISO dates.

    >>> period_values(dt.date(2023, 12, 1), dt.date(2026, 10, 31))
    ['2023-12', '2026-10']
    """
    a, b = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if is_whole_months(a, b):
        return [a.strftime("%Y-%m"), b.strftime("%Y-%m")]
    return [a.isoformat(), b.isoformat()]


def counts_per_year(occurred_at: Any, period: tuple[dt.date, dt.date] | None = None) -> Any:
    """Incidents per calendar year, with the months each year covers: a frame of ``year``,
    ``n``, ``first`` and ``last`` (dates) and ``complete`` (the whole calendar year).

    ``period`` (inclusive local dates) limits the count — a public run passes its whole-month
    period, so no year's total includes a part of a month and no part-month can be derived by
    subtracting published monthly counts. ``None`` counts every incident (internal).
    """
    day = _local_days(occurred_at)
    if period is not None:
        lo, hi = (np.datetime64(d, "D") for d in period)
        day = day[(day >= lo) & (day <= hi)]
    years = day.astype("datetime64[Y]").astype(np.int64) + 1970
    rows = []
    for year in np.unique(years).tolist():
        days = day[years == year]
        first, last = _as_date(days.min()), _as_date(days.max())
        if period is not None:  # the covered months, not the first and last incident
            first = max(period[0], dt.date(int(year), 1, 1))
            last = min(period[1], dt.date(int(year), 12, 31))
        rows.append(
            {
                "year": int(year),
                "n": len(days),
                "first": first,
                "last": last,
                "complete": first == dt.date(int(year), 1, 1)
                and last == dt.date(int(year), 12, 31),
            }
        )
    return pd.DataFrame(rows, columns=["year", "n", "first", "last", "complete"])


def within(occurred_at: Any, start: dt.date, end: dt.date) -> np.ndarray:
    """Whether the local calendar date of each timestamp lies in ``start`` … ``end``
    (inclusive), as a boolean array; unknown times are not. Compared as whole days
    (``datetime64[D]``), not as one ``datetime.date`` object per row.

    >>> t = pd.Series(pd.to_datetime(["2025-12-31 23:30", "2026-01-01 00:10", None], utc=True))
    >>> within(t, dt.date(2026, 1, 1), dt.date(2026, 1, 31)).tolist()
    [True, True, False]
    """
    day = local_times(occurred_at).dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    return (day >= np.datetime64(start, "D")) & (day <= np.datetime64(end, "D"))


def _local_days(occurred_at: Any) -> np.ndarray:
    """The local calendar dates of the timestamps (``datetime64[D]``), unknown ones left out."""
    local = local_times(occurred_at).dt.tz_localize(None)
    local = local[local.notna()]
    return local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _as_date(day: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(day))


def month_counts(occurred_at: Any) -> dict[tuple[int, int], int]:
    """Incidents per calendar month (local time) as ``{(year, month): n}``, months without
    incidents left out: the one grouping :func:`counts_per_month` reads any months from.

    >>> import pandas as pd
    >>> t = pd.Series(pd.to_datetime(["2026-01-31 23:30", "2026-02-01 00:10"])).dt.tz_localize(
    ...     "Europe/Stockholm")
    >>> month_counts(t)
    {(2026, 1): 1, (2026, 2): 1}
    """
    months = _local_days(occurred_at).astype("datetime64[M]").astype(np.int64)
    keys, n = np.unique(months, return_counts=True)
    return {
        (int(k) // 12 + 1970, int(k) % 12 + 1): int(c)
        for k, c in zip(keys.tolist(), n.tolist(), strict=True)
    }


def counts_per_month(
    occurred_at: Any, months: list[tuple[dt.date, dt.date]], *, counts: dict | None = None
) -> list[int]:
    """Incidents in each of ``months`` (pairs of inclusive local dates, e.g. from
    :func:`month_periods`); ``counts`` the :func:`month_counts` of ``occurred_at`` if already
    known.

    >>> import pandas as pd
    >>> t = pd.Series(pd.to_datetime(["2026-01-31 23:30", "2026-02-01 00:10"])).dt.tz_localize(
    ...     "Europe/Stockholm")
    >>> counts_per_month(t, month_periods(dt.date(2026, 1, 1), dt.date(2026, 2, 28)))
    [1, 1]
    """
    counts = month_counts(occurred_at) if counts is None else counts
    return [counts.get((a.year, a.month), 0) for a, _ in months]


def month_periods(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months from ``start``'s to ``end``'s as ``(first day, last day)`` pairs.

    >>> [(a.isoformat(), b.isoformat()) for a, b in month_periods(dt.date(2025, 12, 1),
    ...                                                            dt.date(2026, 1, 31))]
    [('2025-12-01', '2025-12-31'), ('2026-01-01', '2026-01-31')]
    """
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def year_before(day: dt.date) -> dt.date:
    """The same date one year earlier (29 February becomes 28 February).

    >>> year_before(dt.date(2024, 2, 29))
    datetime.date(2023, 2, 28)
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def year_period(year: int, data_end: dt.date, *, public: bool) -> tuple[dt.date, dt.date]:
    """The lägesbild period of ``year``: the calendar year, cut at the last incident's date when
    the year is not over, and (public) at the end of the last whole month.

    >>> year_period(2026, dt.date(2026, 11, 22), public=True)
    (datetime.date(2026, 1, 1), datetime.date(2026, 10, 31))
    >>> year_period(2026, dt.date(2026, 11, 22), public=False)
    (datetime.date(2026, 1, 1), datetime.date(2026, 11, 22))
    >>> year_period(2025, dt.date(2026, 11, 22), public=True)
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    """
    start = dt.date(int(year), 1, 1)
    end = min(dt.date(int(year), 12, 31), data_end)
    if public:
        end = whole_months(start, end)[1]
    if end < start:
        end = dt.date(int(year), 12, 31)
    return start, end


def as_date_pair(period: Any) -> tuple[dt.date, dt.date] | None:
    """``(start, end)`` as dates for a pair of dates or ISO strings (either may be ``None``);
    ``None`` stays ``None``; a year becomes its calendar year."""
    if period is None:
        return None
    if isinstance(period, int):
        return dt.date(period, 1, 1), dt.date(period, 12, 31)
    a, b = period
    return (
        None if a is None else pd.Timestamp(a).date(),
        None if b is None else pd.Timestamp(b).date(),
    )


# ISO weeks (the EST hot-spot map) and the public month that replaces a week

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_bounds(week: str):
    """Start (Monday 00:00) and end (next Monday) of an ISO week in Europe/Stockholm, as UTC.

    Strict ``YYYY-Www`` (the EST brief's :func:`tryggaplatser.analysis.est.iso_week_bounds` is
    lenient and chooses a default week); a wrong week is refused with ``WEEK_INVALID``.

    >>> week_bounds("2026-W47")[0]
    Timestamp('2026-11-15 23:00:00+0000', tz='UTC')
    >>> week_bounds("2024-W13")[1]  # the week summer time starts: ends Monday 00:00 CEST
    Timestamp('2024-03-31 22:00:00+0000', tz='UTC')
    """
    from ..errors import ArgumentError
    from ..i18n import tr

    match = _WEEK.match(week or "")
    try:
        if not match:
            raise ValueError(week)
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ArgumentError(
            tr("ogiltig vecka {w!r}", "invalid week {w!r}", w=week),
            rule="WEEK_INVALID",
            fix=tr("skriv ÅÅÅÅ-Www, t.ex. 2026-W47", "write YYYY-Www, e.g. 2026-W47"),
        ) from None
    start = pd.Timestamp(monday).tz_localize(LOCAL_TZ)
    end = start + pd.DateOffset(days=7)  # next local Monday 00:00, also across a DST change
    return start.tz_convert("UTC"), end.tz_convert("UTC")


def public_month(week_end):
    """The last whole calendar month that has ended by ``week_end`` (UTC): label and bounds.

    A public hot-spot map never shows a week (REFERENCE.md §5); it shows the month.

    >>> public_month(pd.Timestamp("2026-11-23", tz="UTC"))[0]
    '2026-10'
    """
    local_end = pd.Timestamp(week_end).tz_convert(LOCAL_TZ)
    month_end = local_end.normalize().replace(day=1)  # whole months end at or before this
    month_start = month_end - pd.DateOffset(months=1)  # local midnight, also across DST
    return (
        month_start.strftime("%Y-%m"),
        month_start.tz_convert("UTC"),
        month_end.tz_convert("UTC"),
    )


def iso_week(ts) -> str:
    """The ISO week label (``YYYY-Www``) of a tz-aware timestamp, in local time.

    >>> iso_week(pd.Timestamp("2026-11-22 23:30", tz="UTC"))
    '2026-W48'
    """
    year, number, _ = ts.tz_convert(LOCAL_TZ).isocalendar()
    return f"{year}-W{number:02d}"


def period_from_options(
    year: int | None = None, date_from: str | None = None, date_to: str | None = None
) -> Any:
    """The ``period`` of an area analysis from a year or a ``from``/``to`` pair of ISO dates.

    A year gives ``int`` (its calendar year), a pair gives ``(from, to)``, neither gives ``None``
    (the whole data). A year together with dates, or only one of the two dates, is refused with
    ``ARGUMENTS_CONFLICT``.

    >>> period_from_options(2026)
    2026
    >>> period_from_options(date_from="2026-01-01", date_to="2026-06-30")
    ('2026-01-01', '2026-06-30')
    >>> period_from_options() is None
    True
    """
    from ..errors import ArgumentError
    from ..i18n import tr

    if year is not None and (date_from or date_to):
        raise ArgumentError(
            tr(
                "Ange antingen --year eller --from/--to, inte båda.",
                "Give either --year or --from/--to, not both.",
            ),
            rule="ARGUMENTS_CONFLICT",
            fix="--year 2026 | --from 2026-01-01 --to 2026-06-30",
        )
    if year is not None:
        return int(year)
    if date_from or date_to:
        if not (date_from and date_to):
            raise ArgumentError(
                tr("--from och --to måste anges tillsammans.", "--from and --to go together."),
                rule="ARGUMENTS_CONFLICT",
                fix="--from 2026-01-01 --to 2026-06-30",
            )
        return (date_from, date_to)
    return None


def aware_times(times: Any, name: str = "data") -> pd.Series:
    """Timestamps as tz-aware UTC. Naive times are local Swedish time, read by the import's
    rule: an hour that occurs twice when the clocks go back is read as the first (summer time);
    a time that does not exist when the clocks go forward is an error naming its row.

    >>> aware_times(pd.Series(pd.to_datetime(["2025-10-26 02:30"]))).iloc[0]
    Timestamp('2025-10-26 00:30:00+0000', tz='UTC')
    """
    from ..errors import ArgumentError
    from ..i18n import tr

    t = pd.to_datetime(pd.Series(times))
    if t.dt.tz is not None:
        return t.dt.tz_convert("UTC")
    local = t.dt.tz_localize(LOCAL_TZ, ambiguous=np.ones(len(t), dtype=bool), nonexistent="NaT")
    gap = (t.notna() & local.isna()).to_numpy()
    if gap.any():
        row = int(np.flatnonzero(gap)[0])
        raise ArgumentError(
            tr(
                "`{n}` rad {r}: {t} finns inte i lokal tid (klockan ställdes fram 02:00→03:00).",
                "`{n}` row {r}: {t} does not exist in local time (clocks went forward "
                "02:00→03:00).",
                n=name,
                r=row,
                t=t.iloc[row],
            ),
            rule="TIME_NONEXISTENT_DST",
            fix=tr(
                "läs in händelserna med tryggaplatser.load_layer (sätter sådana rader i karantän)",
                "read the incidents with tryggaplatser.load_layer (it quarantines such rows)",
            ),
        )
    return local.dt.tz_convert("UTC")
