"""Period rules shared by every product: local calendar dates, whole months, the year before.

Dates here are local calendar dates in the municipality's time zone (Europe/Stockholm), never
the UTC date of a local midnight. Public products cover whole months only (REFERENCE.md §5:
the month is the finest public time unit); :func:`public_period` applies that rule once for
every product of a public run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..policy import LOCAL_TZ


def local_times(occurred_at: Any) -> pd.Series:
    """Timestamps (tz-aware) as local time in :data:`LOCAL_TZ`."""
    return pd.to_datetime(pd.Series(occurred_at)).dt.tz_convert(LOCAL_TZ)


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


def public_period(occurred_at: Any) -> tuple[dt.date, dt.date]:
    """The default period of a public run: the incidents' span shrunk to whole months."""
    return whole_months(*data_span(occurred_at))


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
