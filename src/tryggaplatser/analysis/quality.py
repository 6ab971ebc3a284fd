"""Data quality tables for the lägesbild and area reports.

EST counts reflect reporting activity as much as incidence (DOMAIN.md), so every report shows
which sources reported, which went silent, how precisely records are located, and how much was
quarantined at import. Weeks are ISO 8601 weeks in local time (Europe/Stockholm).

Computation only: nothing is printed, drawn or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..i18n import tr
from ..layers import vocab
from .rates import LOCAL_TZ

WEEK_COLUMNS = ["source", "week", "week_start", "n"]
SILENT_COLUMNS = ["source", "start_week", "end_week", "start", "end", "n_weeks", "ongoing"]
PRECISION_COLUMNS = ["source", "location_precision", "label", "n", "share", "flagged"]
QUARANTINE_COLUMNS = [
    "file",
    "layer",
    "read",
    "accepted",
    "quarantined",
    "duplicates_dropped",
    "quarantine_share",
    "balanced",
]
QUARANTINE_KEYS = ("file", "layer", "read", "accepted", "quarantined", "duplicates_dropped")
ALL_SOURCES = "alla"
MISSING = "saknas"


def _require(data, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ArgumentError(
            tr(
                "`{name}` saknar kolumnerna {c}.",
                "`{name}` lacks the columns {c}.",
                name=name,
                c=", ".join(missing),
            ),
            rule="COLUMNS_MISSING",
            fix=tr("läs in lagret med load_project", "load the layer with load_project"),
        )


def _week_start(occurred_at: pd.Series) -> pd.Series:
    local = pd.to_datetime(occurred_at)
    if getattr(local.dt, "tz", None) is None:
        raise ArgumentError(
            tr(
                "`incidents.occurred_at` saknar tidszon.",
                "`incidents.occurred_at` has no time zone.",
            ),
            rule="TIME_NAIVE",
            fix=tr("lagra tider som tidszonsmedvetna UTC", "store times as timezone-aware UTC"),
        )
    local = local.dt.tz_convert(LOCAL_TZ)
    day = local.dt.tz_localize(None).dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def _week_label(monday: pd.Series) -> pd.Series:
    iso = monday.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)


def reports_per_source_week(incidents) -> pd.DataFrame:
    """Reports per source and ISO week, with zero weeks filled in.

    Parameters
    ----------
    incidents : DataFrame
        With ``source`` and tz-aware ``occurred_at``.

    Returns
    -------
    DataFrame
        ``WEEK_COLUMNS``: ``source``, ``week`` (ISO ``"YYYY-Www"``, local time), ``week_start``
        (the Monday, naive local date), ``n``. Every source gets every week from the first to
        the last week of the whole data set (zeros included), sorted by source and week.
    """
    _require(incidents, ["source", "occurred_at"], "incidents")
    if len(incidents) == 0:
        return pd.DataFrame(columns=WEEK_COLUMNS)
    monday = _week_start(incidents["occurred_at"])
    src = incidents["source"].astype("string").fillna(MISSING)
    counts = (
        pd.DataFrame({"source": src.to_numpy(), "week_start": monday.to_numpy()})
        .dropna()
        .groupby(["source", "week_start"])
        .size()
    )
    weeks = pd.date_range(monday.min(), monday.max(), freq="7D")
    sources = sorted(counts.index.get_level_values(0).unique())
    full = pd.MultiIndex.from_product([sources, weeks], names=["source", "week_start"])
    out = counts.reindex(full, fill_value=0).rename("n").reset_index()
    out["week"] = _week_label(out["week_start"])
    out["n"] = out["n"].astype(np.int64)
    return out[WEEK_COLUMNS]


#: Columns of :func:`reports_per_source_month`.
MONTH_COLUMNS = ["source", "month", "n"]


def reports_per_source_month(incidents) -> pd.DataFrame:
    """Reports per source and local calendar month (``"YYYY-MM"``), zero months filled in.

    The public reports' version of :func:`reports_per_source_week`: weeks summed by the month
    they start in would straddle two months, and their difference with a month's count would
    give a part of a month away (month is the finest public time unit)."""
    _require(incidents, ["source", "occurred_at"], "incidents")
    if len(incidents) == 0:
        return pd.DataFrame(columns=MONTH_COLUMNS)
    local = pd.to_datetime(incidents["occurred_at"], utc=True).dt.tz_convert(LOCAL_TZ)
    month = local.dt.tz_localize(None).dt.to_period("M")
    src = incidents["source"].astype("string").fillna(MISSING)
    # the months stay a period column: .to_numpy() would make a Python object of every row
    frame = pd.DataFrame({"source": src.to_numpy(), "month": month.array}).dropna()
    counts = frame.groupby(["source", "month"]).size()
    months = pd.period_range(month.min(), month.max(), freq="M")
    sources = sorted(counts.index.get_level_values(0).unique())
    full = pd.MultiIndex.from_product([sources, months], names=["source", "month"])
    out = counts.reindex(full, fill_value=0).rename("n").reset_index()
    out["month"] = out["month"].astype(str)
    out["n"] = out["n"].astype(np.int64)
    return out[MONTH_COLUMNS]


def silent_periods(incidents, *, min_weeks: int = 2, weekly: Any = None) -> pd.DataFrame:
    """Runs of consecutive weeks in which a source sent no reports.

    A source's active span runs from the week of its first report to the **last week of the
    whole data set** (all sources), so a source that stopped reporting altogether is flagged
    too (``ongoing=True``). Within that span every run of at least ``min_weeks`` (default 2)
    consecutive zero weeks is listed.

    Parameters
    ----------
    incidents : DataFrame
        With ``source`` and tz-aware ``occurred_at``.
    min_weeks : int
        Shortest run reported.
    weekly : DataFrame, optional
        :func:`reports_per_source_week` of ``incidents`` when the caller has it already (the
        area analysis shows both); ``None`` = computed here.

    Returns
    -------
    DataFrame
        ``SILENT_COLUMNS``: ``source``, ``start_week`` / ``end_week`` (ISO ``"YYYY-Www"``),
        ``start`` (Monday of the first silent week) and ``end`` (Sunday of the last), both
        naive local dates, ``n_weeks``, ``ongoing`` (the run reaches the last week of data).
    """
    if int(min_weeks) < 1:
        raise ArgumentError(
            tr(
                "`min_weeks` måste vara minst 1, fick {v!r}.",
                "`min_weeks` must be at least 1, got {v!r}.",
                v=min_weeks,
            ),
            rule="NOT_POSITIVE",
        )
    if weekly is None:
        weekly = reports_per_source_week(incidents)
    rows: list[dict[str, Any]] = []
    if len(weekly) == 0:
        return pd.DataFrame(columns=SILENT_COLUMNS)
    last_week = weekly["week_start"].max()
    for source, g in weekly.groupby("source", sort=True):
        g = g.sort_values("week_start")
        active = g["week_start"] >= g.loc[g["n"] > 0, "week_start"].min()
        g = g[active]
        zero = (g["n"] == 0).to_numpy()
        if not zero.any():
            continue
        # run boundaries of consecutive zeros
        edges = np.diff(np.concatenate([[0], zero.astype(np.int8), [0]]))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1) - 1
        for a, b in zip(starts, ends):
            n = b - a + 1
            if n < int(min_weeks):
                continue
            ws, we = g["week_start"].iloc[a], g["week_start"].iloc[b]
            rows.append(
                {
                    "source": source,
                    "start_week": g["week"].iloc[a],
                    "end_week": g["week"].iloc[b],
                    "start": ws,
                    "end": we + pd.Timedelta(days=6),
                    "n_weeks": int(n),
                    "ongoing": bool(we == last_week),
                }
            )
    return pd.DataFrame(rows, columns=SILENT_COLUMNS)


def location_precision_share(incidents, *, by_source: bool = True) -> pd.DataFrame:
    """Share of records by ``location_precision``, per source and for all sources.

    Records with ``location_precision == "kommun_centroid"`` (e.g. Polisen's open events,
    whose coordinate is the municipality's centre, not the place) are ``flagged``: they are
    never placed in an area or a grid cell. A missing precision is counted as ``"saknas"``.

    Parameters
    ----------
    incidents : DataFrame
        With ``source`` (when ``by_source``) and ``location_precision``.
    by_source : bool
        Add one block per source before the all-sources block (``source == "alla"``).

    Returns
    -------
    DataFrame
        ``PRECISION_COLUMNS``: ``source``, ``location_precision``, ``label``, ``n``, ``share``
        (of the source's records), ``flagged``. Precisions in vocabulary order.
    """
    _require(incidents, ["location_precision"] + (["source"] if by_source else []), "incidents")
    prec = incidents["location_precision"].astype("string").fillna(MISSING)
    order = {c: i for i, c in enumerate([*vocab.codes("location_precision"), MISSING])}
    blocks = []
    groups: list[tuple[str, pd.Series]] = []
    if by_source:
        src = incidents["source"].astype("string").fillna(MISSING)
        groups += [(str(s), prec[(src == s).to_numpy()]) for s in sorted(src.unique())]
    groups.append((ALL_SOURCES, prec))
    for source, p in groups:
        cnt = p.value_counts()
        t = pd.DataFrame(
            {
                "source": source,
                "location_precision": cnt.index.astype(str),
                "n": cnt.to_numpy(dtype=np.int64),
            }
        )
        t["share"] = t["n"] / len(p) if len(p) else np.nan
        t["_o"] = t["location_precision"].map(order).fillna(len(order))
        blocks.append(t.sort_values(["_o", "location_precision"]))
    out = pd.concat(blocks, ignore_index=True)
    out["label"] = [
        tr("Saknas", "Missing") if c == MISSING else vocab.label("location_precision", c)
        for c in out["location_precision"]
    ]
    out["flagged"] = out["location_precision"] == "kommun_centroid"
    return out[PRECISION_COLUMNS].reset_index(drop=True)


def _report_row(report: Any) -> dict[str, Any]:
    if isinstance(report, Mapping):
        get = report.get
    else:

        def get(k, default=None):
            return getattr(report, k, default)

    row = {k: get(k) for k in QUARANTINE_KEYS}
    if row["file"] is not None:
        # the file name only: reports must not reveal folders, user or host names
        row["file"] = PurePath(str(row["file"])).name
    missing = [k for k in ("read", "quarantined") if row[k] is None]
    if missing:
        raise ArgumentError(
            tr(
                "Importrapporten för {f!r} saknar {k}.",
                "The import report of {f!r} lacks {k}.",
                f=row["file"],
                k=", ".join(missing),
            ),
            rule="LOAD_REPORT_KEYS",
            fix=tr(
                "varje rapport ska ha file, layer, read, accepted, quarantined, duplicates_dropped",
                "each report needs file, layer, read, accepted, quarantined, duplicates_dropped",
            ),
        )
    return row


def quarantine_share(load_reports: Iterable[Any]) -> pd.DataFrame:
    """Share of rows quarantined at import, per file.

    Parameters
    ----------
    load_reports : iterable of dict or objects
        The importer's per-file reports with keys (or attributes) ``file``, ``layer``,
        ``read``, ``accepted``, ``quarantined``, ``duplicates_dropped``.

    Returns
    -------
    DataFrame
        ``QUARANTINE_COLUMNS``, one row per file then a total row (``file == "totalt"``);
        ``file`` is the file name only (no folders: reports must not reveal paths).
        ``quarantine_share = quarantined / read`` (NaN when nothing was read) and
        ``balanced`` = ``read == accepted + quarantined + duplicates_dropped`` (the
        importer's bookkeeping rule, REFERENCE.md §6).
    """
    rows = [_report_row(r) for r in load_reports]
    out = pd.DataFrame(rows, columns=list(QUARANTINE_KEYS))
    for k in ("read", "accepted", "quarantined", "duplicates_dropped"):
        out[k] = pd.to_numeric(out[k], errors="coerce").fillna(0).astype(np.int64)
    total = {
        "file": "totalt",
        "layer": None,
        **{k: int(out[k].sum()) for k in ("read", "accepted", "quarantined", "duplicates_dropped")},
    }
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["quarantine_share"] = np.where(
            out["read"] > 0, out["quarantined"] / out["read"].replace(0, 1), np.nan
        )
    out["balanced"] = out["read"] == (
        out["accepted"] + out["quarantined"] + out["duplicates_dropped"]
    )
    return out[QUARANTINE_COLUMNS]
