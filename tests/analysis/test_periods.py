"""Period helpers: every printed date is the local (Europe/Stockholm) calendar date.

References are worked by hand from the published DST rules (summer time from the last Sunday of
March 02:00 to the last Sunday of October 03:00): local midnight is 23:00 UTC in winter and
22:00 UTC in summer.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tryggaplatser.analysis.periods import (
    last_local_day,
    local_date,
    local_date_strings,
    local_stamp,
    public_month,
    week_bounds,
)

UTC = "UTC"
STHLM = "Europe/Stockholm"


def test_a_record_at_half_past_midnight_is_that_local_day():
    """2024-01-01 00:30 local is 2023-12-31 23:30 UTC: it prints as 2024-01-01."""
    t = pd.Timestamp("2024-01-01 00:30", tz=STHLM).tz_convert(UTC)
    assert str(t).startswith("2023-12-31 23:30")  # the UTC artefact the helpers avoid
    assert local_date(t) == dt.date(2024, 1, 1)
    assert local_stamp(t) == "2024-01-01 00:30"
    assert local_stamp(pd.Timestamp("2024-01-01", tz=STHLM).tz_convert(UTC)) == "2024-01-01"
    assert local_date_strings(pd.Series([t])).tolist() == ["2024-01-01"]


@pytest.mark.parametrize(
    "week, start_utc, end_utc, last",
    [
        # summer time starts Sunday 31 March 2024: Monday 1 April 00:00 CEST = 22:00 UTC
        ("2024-W13", "2024-03-24 23:00", "2024-03-31 22:00", dt.date(2024, 3, 31)),
        # summer time ends Sunday 27 October 2024: Monday 28 October 00:00 CET = 23:00 UTC
        ("2024-W43", "2024-10-20 22:00", "2024-10-27 23:00", dt.date(2024, 10, 27)),
        ("2026-W47", "2026-11-15 23:00", "2026-11-22 23:00", dt.date(2026, 11, 22)),
    ],
)
def test_iso_weeks_end_at_local_monday_midnight_across_dst(week, start_utc, end_utc, last):
    """A week was start + 7 × 24 h: across a DST change it ended at Monday 01:00 or Sunday
    23:00, and its last day printed as the Saturday."""
    start, end = week_bounds(week)
    assert start == pd.Timestamp(start_utc, tz=UTC)
    assert end == pd.Timestamp(end_utc, tz=UTC)
    assert last_local_day(end) == last


def test_public_month_starts_at_local_midnight_of_the_first():
    """March 2024 (summer time from the 31st) began at 1 March 00:00 CET = 29 February 23:00
    UTC; one calendar day back from 1 April 00:00 CEST used to give 1 March 23:00 local."""
    label, start, end = public_month(pd.Timestamp("2024-04-08", tz=STHLM).tz_convert(UTC))
    assert label == "2024-03"
    assert start == pd.Timestamp("2024-02-29 23:00", tz=UTC)
    assert end == pd.Timestamp("2024-03-31 22:00", tz=UTC)


def test_last_local_day_of_a_window_is_a_calendar_day_back():
    assert last_local_day(pd.Timestamp("2024-04-01", tz=STHLM)) == dt.date(2024, 3, 31)
    assert last_local_day(pd.Timestamp("2024-10-28", tz=STHLM)) == dt.date(2024, 10, 27)
    assert last_local_day(pd.Timestamp("2024-05-01 12:00", tz=STHLM)) == dt.date(2024, 5, 1)
    assert last_local_day(pd.Timestamp("2024-05-01")) == dt.date(2024, 4, 30)  # naive = local


def test_counts_per_month_and_year_count_local_calendar_days_by_hand():
    """Records around local midnights and the DST changes, an unknown time among them: each
    counts in its local month and year (worked by hand), never its UTC one."""
    from tryggaplatser.analysis.periods import (
        counts_per_month,
        counts_per_year,
        month_counts,
        month_periods,
    )

    utc = pd.Series(
        pd.to_datetime(
            [
                "2023-12-31 23:30",  # 2024-01-01 00:30 local
                "2024-01-31 22:59",  # 2024-01-31 23:59 local
                "2024-03-31 22:30",  # 2024-04-01 00:30 local (summer time)
                "2024-10-31 23:10",  # 2024-11-01 00:10 local (winter time)
                None,
                "2025-02-01 12:00",
            ]
        )
    ).dt.tz_localize(UTC)
    assert month_counts(utc) == {(2024, 1): 2, (2024, 4): 1, (2024, 11): 1, (2025, 2): 1}
    months = month_periods(dt.date(2023, 12, 1), dt.date(2025, 2, 28))
    got = dict(zip([m[0].strftime("%Y-%m") for m in months], counts_per_month(utc, months)))
    assert got["2023-12"] == 0 and got["2024-01"] == 2 and got["2024-03"] == 0
    assert got["2024-04"] == 1 and got["2024-10"] == 0 and sum(got.values()) == 5
    years = counts_per_year(utc)
    assert years["year"].tolist() == [2024, 2025] and years["n"].tolist() == [4, 1]
    assert years["first"].tolist() == [dt.date(2024, 1, 1), dt.date(2025, 2, 1)]
    assert years["last"].tolist() == [dt.date(2024, 11, 1), dt.date(2025, 2, 1)]
    part = counts_per_year(utc, (dt.date(2024, 2, 1), dt.date(2025, 1, 31)))
    assert part["n"].tolist() == [2] and part["first"].tolist() == [dt.date(2024, 2, 1)]
    assert part["last"].tolist() == [dt.date(2024, 12, 31)] and not part["complete"].any()


def test_within_equals_comparing_local_calendar_dates():
    """The period filter compares whole local days: the same rows as comparing each
    timestamp's local ``datetime.date`` (midnights, both DST changes, unknown times, units)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from tryggaplatser.analysis.periods import local_times, within

    rng = np.random.default_rng(11)
    edges = pd.to_datetime(
        ["2025-03-29 22:59:59", "2025-03-29 23:00:00", "2025-10-25 21:59:00", "2025-10-25 22:00:00",
         "2025-12-31 22:59:59.999", "2025-12-31 23:00:00"], utc=True, format="ISO8601"
    )  # fmt: skip
    spread = pd.to_datetime(rng.integers(1.70e9, 1.80e9, 3000), unit="s", utc=True)
    times = pd.Series(edges.append(spread)).astype("datetime64[ns, UTC]")
    times[::50] = pd.NaT
    periods = [
        (dt.date(2025, 3, 30), dt.date(2025, 10, 25)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
        (dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
    ]
    for unit in ("ns", "us", "s"):
        t = times.dt.as_unit(unit)
        day = local_times(t).dt.date
        for start, end in periods:
            expected = ((day >= start) & (day <= end)).fillna(False).to_numpy(dtype=bool)
            got = within(t, start, end)
            assert got.dtype == bool
            assert np.array_equal(got, expected)
