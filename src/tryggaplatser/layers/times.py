"""Dates and times at import.

Rules (documented for users in ``tryggaplatser init``'s template):

* Times **with** an offset (``2024-01-20 21:43:37 +01:00``, ``...Z``) are converted to UTC.
* Times **without** an offset are local Swedish time (Europe/Stockholm) and stored as UTC.
* A local time that does not exist (the hour skipped when summer time starts, e.g.
  2024-03-31 02:30) is impossible, so the row is quarantined (``TIME_NONEXISTENT_DST``).
* A local time that occurs twice (when summer time ends, e.g. 2024-10-27 02:30) is read as the
  **first** occurrence (summer time, +02:00) and the row is kept and flagged
  (``TIME_AMBIGUOUS_DST``).
* ``dd/mm/yyyy`` versus ``mm/dd/yyyy``: a value whose first part is above 12 is *unambiguous
  evidence* for day-first, one whose second part is above 12 for month-first. Evidence on one side
  only decides the column's order; no evidence, or evidence for both, leaves the configuration's
  ``dayfirst`` (default true), and rows that cannot be read that way get ``DATE_INVALID``. The
  order is always **announced with its evidence** ("tid: datumordning dag först antagen: 3 av 3
  entydiga rader"). When fewer than two unambiguous rows decide it (one row, or none), every row
  whose day and month differ and are both ≤ 12 is also flagged ``DATE_AMBIGUOUS`` (kept), and the
  announcement names the single deciding row. ``date_format`` in the configuration turns all of
  this off.
* Unreadable values: ``DATE_INVALID`` (quarantine for required columns; otherwise the value is
  emptied and the row flagged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import tr
from ..policy import LOCAL_TZ
from .validate import Problems

_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
_DMY = (
    r"^(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?$"
)


def parse_datetimes(
    values: pd.Series,
    *,
    field: str,
    problems: Problems,
    required: bool,
    date_format: str | None = None,
    dayfirst: bool = True,
    localize: bool = True,
    choices: list[str] | None = None,
) -> pd.Series:
    """Parse a column of dates/times to ``datetime64[ns, UTC]`` (or naive dates).

    Parameters
    ----------
    values
        The column as read (text or datetimes), aligned to the rows of ``problems``.
    field
        Canonical column name (used in problem records).
    problems
        Problem collector; rows are flagged as described in the module docstring.
    required
        Whether unreadable values quarantine the row (else they are emptied and flagged).
    date_format
        A ``strftime`` format to use instead of detection.
    dayfirst
        How to read ``03/04/2024`` when the column itself does not tell.
    localize
        ``False`` for calendar dates: returns naive ``datetime64[ns]`` at midnight.
    choices
        List that receives sentences describing automatic choices.

    Returns
    -------
    pandas.Series
        Aligned to ``values``; NaT where missing or invalid.
    """
    index = values.index
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values.dt.tz_convert("UTC")
        return out.dt.tz_localize(None).dt.normalize() if not localize else out
    if values.dtype.kind == "M":
        naive = values.astype("datetime64[ns]")
        aware = None
        text = values.astype(object)
        present = values.notna().to_numpy()
    else:
        text, present, naive, aware = _parse_text_column(
            values, field, problems, date_format, dayfirst, choices
        )
    bad = present & naive.isna().to_numpy()
    if aware is not None:
        bad &= aware.isna().to_numpy()
    _flag_unreadable_or_missing(bad, present, text, field, problems, required)
    if not localize:
        out = naive.dt.normalize()
        if aware is not None:
            fill = aware.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.normalize()
            out = out.where(out.notna(), fill)
        return out.astype("datetime64[ns]")
    local = _localize_local_times(naive, text, field, problems, required)
    out = local.dt.tz_convert("UTC")
    if aware is not None:
        out = out.where(out.notna(), aware)
    out.index = index
    return out.astype("datetime64[ns, UTC]")


def _parse_text_column(
    values: pd.Series,
    field: str,
    problems: Problems,
    date_format: str | None,
    dayfirst: bool,
    choices: list[str] | None,
) -> tuple[pd.Series, np.ndarray, pd.Series, pd.Series | None]:
    """Parse text: ISO (or ``date_format``), again stripped, then dd/mm or mm/dd.

    Returns ``(text, present, naive, aware_utc_or_None)``.
    """
    n = len(values)
    text = values.astype("str")
    present = (text.notna() & (text != "")).to_numpy()
    if not present.all():
        text = text.where(present, None)
    naive, aware = _parse_text(text, date_format)
    # values with surrounding spaces: strip and try again (only the failures)
    text, naive, aware = _retry_stripped(text, present, naive, aware, date_format)
    # dd/mm vs mm/dd for what ISO could not read
    todo = present & naive.isna().to_numpy()
    if aware is not None:
        todo &= aware.isna().to_numpy()
    if todo.any() and not date_format:
        extra = _parse_dmy(
            text[todo],
            field=field,
            problems=problems,
            dayfirst=dayfirst,
            positions=np.flatnonzero(todo),
            n=n,
            choices=choices,
        )
        naive = naive.copy()
        naive[todo] = extra.to_numpy()
    return text, present, naive, aware


def _retry_stripped(
    text: pd.Series,
    present: np.ndarray,
    naive: pd.Series,
    aware: pd.Series | None,
    date_format: str | None,
) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Parse the failed values again with surrounding spaces stripped."""
    retry = present & naive.isna().to_numpy()
    if aware is not None:
        retry &= aware.isna().to_numpy()
    if retry.any():
        stripped = text[retry].str.strip()
        changed = (stripped != text[retry]).to_numpy()
        if changed.any():
            text = text.copy()
            text[np.flatnonzero(retry)[changed]] = stripped[changed].to_numpy()
            n2, a2 = _parse_text(text[retry], date_format)
            naive = naive.copy()
            naive[retry] = n2.to_numpy()
            if a2 is not None:
                aware = (
                    aware.copy()
                    if aware is not None
                    else pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
                )
                aware[retry] = a2.to_numpy()
    return text, naive, aware


def _flag_unreadable_or_missing(
    bad: np.ndarray,
    present: np.ndarray,
    text: pd.Series,
    field: str,
    problems: Problems,
    required: bool,
) -> None:
    """Flag unreadable values (``DATE_INVALID``) and, if required, missing ones."""
    if bad.any():
        fix = tr(
            "skriv som ÅÅÅÅ-MM-DD TT:MM eller ange date_format i konfigurationen",
            "write as YYYY-MM-DD HH:MM or set date_format in the config",
        )
        problems.flag(
            bad,
            "DATE_INVALID",
            field,
            tr("kan inte tolka datum/tid – {fix}", "cannot read the date/time – {fix}", fix=fix),
            text,
            severity="quarantine" if required else "warning",
        )
    if required:
        problems.flag(
            ~present,
            "VALUE_MISSING",
            field,
            tr("obligatoriskt datum saknas", "required date missing"),
        )


def _localize_local_times(
    naive: pd.Series, text: pd.Series, field: str, problems: Problems, required: bool
) -> pd.Series:
    """Local Swedish times to aware times; DST gaps quarantined, repeated hours read as summer."""
    n = len(naive)
    local = naive.dt.tz_localize(LOCAL_TZ, ambiguous="NaT", nonexistent="NaT")
    lost = (naive.notna() & local.isna()).to_numpy()
    if lost.any():
        sub = naive[lost]
        first = sub.dt.tz_localize(
            LOCAL_TZ, ambiguous=np.ones(len(sub), dtype=bool), nonexistent="NaT"
        )
        ambiguous = np.zeros(n, dtype=bool)
        ambiguous[np.flatnonzero(lost)] = first.notna().to_numpy()
        nonexistent = lost & ~ambiguous
        local = local.copy()
        local[ambiguous] = first[first.notna()].to_numpy()
        problems.flag(
            nonexistent,
            "TIME_NONEXISTENT_DST",
            field,
            tr(
                "lokal tid som inte finns (klockan ställdes fram 02:00→03:00); kontrollera tiden",
                "local time that does not exist (clocks went forward 02:00→03:00); check the time",
            ),
            text,
            severity="quarantine" if required else "warning",
        )
        problems.flag(
            ambiguous,
            "TIME_AMBIGUOUS_DST",
            field,
            tr(
                "lokal tid som förekommer två gånger (klockan ställdes tillbaka); tolkad som den "
                "första (sommartid, +02:00)",
                "local time that occurs twice (clocks went back); read as the first one "
                "(summer time, +02:00)",
            ),
            text,
            severity="warning",
        )
    return local


def _parse_text(text: pd.Series, date_format: str | None) -> tuple[pd.Series, pd.Series | None]:
    """ISO 8601 (or ``date_format``) parse. Returns ``(naive, aware_utc_or_None)``."""
    if date_format:
        if "%z" in date_format or "%Z" in date_format:
            aware = pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
            return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]"), aware
        return pd.to_datetime(text, format=date_format, errors="coerce"), None
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:  # mixed offsets / naive values
        parsed = None
    if parsed is not None and not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.astype("datetime64[ns]"), None
    if parsed is not None:  # every value has the same offset
        empty = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        return empty, parsed.dt.tz_convert("UTC")
    has_offset = text.str.contains(_OFFSET, regex=True, na=False)
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    naive[~has_offset] = pd.to_datetime(
        text[~has_offset], format="ISO8601", errors="coerce"
    ).astype("datetime64[ns]")
    aware = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    aware[has_offset] = pd.to_datetime(
        text[has_offset], format="ISO8601", errors="coerce", utc=True
    )
    return naive, aware


def _parse_dmy(
    text: pd.Series,
    *,
    field: str,
    problems: Problems,
    dayfirst: bool,
    positions: np.ndarray,
    n: int,
    choices: list[str] | None,
) -> pd.Series:
    """Parse ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (also ``.`` and ``-``), detecting the order.

    The order chosen is always announced with its evidence (see the module docstring); when one
    unambiguous row alone decides, the ambiguous rows are flagged ``DATE_AMBIGUOUS`` as well.
    """
    parts = text.str.extract(_DMY)
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
    day_rows = (a > 12) & (b <= 12)
    month_rows = (b > 12) & (a <= 12)
    use_dayfirst = _date_order(
        day_rows.to_numpy(), month_rows.to_numpy(), dayfirst, field, problems, positions, choices
    )
    day, month = (a, b) if use_dayfirst else (b, a)
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(parts["y"], errors="coerce"),
            "month": month,
            "day": day,
            "hour": pd.to_numeric(parts["H"], errors="coerce").fillna(0),
            "minute": pd.to_numeric(parts["M"], errors="coerce").fillna(0),
            "second": pd.to_numeric(parts["S"], errors="coerce").fillna(0),
        }
    )
    ok = frame[["year", "month", "day"]].notna().all(axis=1)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if ok.any():
        out[ok] = pd.to_datetime(frame[ok], errors="coerce").astype("datetime64[ns]")
    decided = int(day_rows.sum()) if use_dayfirst else int(month_rows.sum())
    if decided < MIN_ORDER_EVIDENCE:
        amb = (ok & (a <= 12) & (b <= 12) & (a != b) & out.notna()).to_numpy()
        _flag_ambiguous(amb, text, use_dayfirst, decided, field, problems, positions, n)
    return out


#: Unambiguous rows (a part above 12) needed before the order they show is trusted without
#: flagging the ambiguous rows it decides.
MIN_ORDER_EVIDENCE = 2


def _date_order(
    day_rows: np.ndarray,
    month_rows: np.ndarray,
    dayfirst: bool,
    field: str,
    problems: Problems,
    positions: np.ndarray,
    choices: list[str] | None,
) -> bool:
    """Day-first or not, from the unambiguous rows; the choice is announced with its evidence."""
    n_day, n_month = int(day_rows.sum()), int(month_rows.sum())
    if n_day and not n_month:
        use_dayfirst = True
    elif n_month and not n_day:
        use_dayfirst = False
    else:  # no evidence, or both orders: the configuration's dayfirst
        use_dayfirst = dayfirst
    order = tr("dag först", "day first") if use_dayfirst else tr("månad först", "month first")
    decided = n_day if use_dayfirst else n_month
    if n_day + n_month == 0:
        sentence = tr(
            "{f}: datumordning {o} enligt inställningen dayfirst (ingen entydig rad)",
            "{f}: date order {o} from the dayfirst setting (no unambiguous row)",
            f=field,
            o=order,
        )
    else:
        sentence = tr(
            "{f}: datumordning {o} antagen: {k} av {m} entydiga rader",
            "{f}: date order {o} assumed: {k} of {m} unambiguous rows",
            f=field,
            o=order,
            k=decided,
            m=n_day + n_month,
        )
        if decided == 1:
            row = problems.rows[positions[np.flatnonzero(day_rows if use_dayfirst else month_rows)]]
            sentence += tr(
                " (bara rad {r} avgör; tvetydiga datum flaggas DATE_AMBIGUOUS – ange "
                "date_format i konfigurationen)",
                " (only row {r} decides; ambiguous dates are flagged DATE_AMBIGUOUS – set "
                "date_format in the config)",
                r=int(row[0]),
            )
    if choices is not None:
        choices.append(sentence)
    return use_dayfirst


def _flag_ambiguous(
    amb: np.ndarray,
    text: pd.Series,
    use_dayfirst: bool,
    decided: int,
    field: str,
    problems: Problems,
    positions: np.ndarray,
    n: int,
) -> None:
    """Flag rows that read differently as day/month and month/day (``DATE_AMBIGUOUS``, kept)."""
    if not amb.any():
        return
    mask = np.zeros(n, dtype=bool)
    mask[positions[amb]] = True
    full = pd.Series(np.full(n, None, dtype=object))
    full.iloc[positions] = text.to_numpy()
    order = tr("dag/månad", "day/month") if use_dayfirst else tr("månad/dag", "month/day")
    basis = (
        tr("efter en enda entydig rad", "after a single unambiguous row")
        if decided
        else tr("enligt dayfirst", "from dayfirst")
    )
    problems.flag(
        mask,
        "DATE_AMBIGUOUS",
        field,
        tr(
            "datumet kan läsas både som dag/månad och månad/dag; tolkat som {o} ({b}) – ange "
            'date_format (t.ex. "%d/%m/%Y") eller dayfirst i konfigurationen',
            "the date reads both as day/month and month/day; read as {o} ({b}) – set "
            'date_format (e.g. "%d/%m/%Y") or dayfirst in the config',
            o=order,
            b=basis,
        ),
        full,
        severity="warning",
    )
