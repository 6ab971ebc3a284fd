"""Validation rules, problem records and the per-file load report.

Every problem found while importing a file has a **stable rule ID** (``RULES``, the
``import`` group of :data:`tryggaplatser.rules.RULES`). A problem has a
``severity``:

``error``       the whole file cannot be used (raised as :class:`~tryggaplatser.errors.FileProblem`)
``quarantine``  the row is moved to the internal quarantine file; the rest of the file loads
``warning``     the row is kept but flagged (e.g. ``DUPLICATE_SUSPECT``, ``TIME_AMBIGUOUS_DST``)
``info``        something was changed on purpose (e.g. ``PII_REDACTED``, ``COLUMN_DROPPED``)

Row numbers are the numbers the user sees: the line number in a CSV file (header = line 1), the
row number in Excel, the ``fid`` in a GeoPackage, and the 1-based feature number elsewhere.
File-level problems have ``row = None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import tr
from ..limits import current as current_limits
from ..limits import cut, excerpt
from ..rules import RULES as ALL_RULES

SEVERITIES = ("error", "quarantine", "warning", "info")

# rule ID -> (Swedish title, English title) of the import rules; defined in ..rules
RULES: dict[str, tuple[str, str]] = {
    rid: (rule.sv, rule.en) for rid, rule in ALL_RULES.items() if rule.group == "import"
}


def rule_title(rule: str) -> str:
    """The short title of a rule in the current output language."""
    sv, en = RULES[rule]
    return tr(sv, en)


PROBLEM_COLUMNS = ["row", "field", "rule", "severity", "message", "value"]


class Problems:
    """Collects problems for one file, vectorised: rows are added as whole arrays.

    Parameters
    ----------
    rows
        The user-visible row number of every row read (see the module docstring).
    """

    def __init__(self, rows: np.ndarray | None = None):
        self.rows = np.asarray(rows if rows is not None else [], dtype="int64")
        self.quarantined = np.zeros(len(self.rows), dtype=bool)
        self._frames: list[pd.DataFrame] = []
        self._file: list[dict[str, Any]] = []

    def set_rows(self, rows: np.ndarray) -> None:
        """Set the user-visible row numbers once the file has been read."""
        self.rows = np.asarray(rows, dtype="int64")
        self.quarantined = np.zeros(len(self.rows), dtype=bool)

    def file(
        self,
        rule: str,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        severity: str = "info",
    ) -> None:
        """Record a file-level problem (``row = None``)."""
        assert rule in RULES, rule
        self._file.append(
            {
                "row": None,
                "field": None if field is None else excerpt(field),
                "rule": rule,
                "severity": severity,
                "message": cut(message, current_limits().max_message_chars),
                "value": None if value is None else excerpt(value),
            }
        )

    def flag(
        self,
        mask,
        rule: str,
        field: str | None,
        message: str | pd.Series,
        values: pd.Series | np.ndarray | None = None,
        *,
        severity: str = "quarantine",
        only_new: bool = False,
    ) -> int:
        """Record a row-level problem for every row where ``mask`` is true.

        ``severity="quarantine"`` also marks the rows for quarantine. ``only_new`` skips rows that
        are already quarantined (so one bad row does not collect follow-on problems).
        Returns the number of rows flagged.
        """
        assert rule in RULES, rule
        assert severity in SEVERITIES[1:], severity
        mask = np.asarray(mask, dtype=bool)
        if only_new:
            mask = mask & ~self.quarantined
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return 0
        if values is None:
            vals = pd.array([None] * idx.size, dtype="str")
        else:
            v = (
                pd.Series(np.asarray(values, dtype=object)[idx])
                if not isinstance(values, pd.Series)
                else values.iloc[idx].reset_index(drop=True)
            )
            vals = _excerpts(v.astype("str").where(v.notna(), None))
        longest = current_limits().max_message_chars
        if isinstance(message, pd.Series):
            msg = _excerpts(message.iloc[idx].reset_index(drop=True).astype("str"), longest)
        else:
            msg = cut(message, longest)
        frame = pd.DataFrame(
            {
                "row": self.rows[idx],
                "field": field,
                "rule": rule,
                "severity": severity,
                "message": msg,
                "value": vals,
                "_pos": idx,
            }
        )
        self._frames.append(frame)
        if severity == "quarantine":
            self.quarantined[idx] = True
        return int(idx.size)

    def frame(self) -> pd.DataFrame:
        """All problems as a DataFrame (file-level first, then by row), with a ``_pos`` column
        giving the position of the row in the file as read (``-1`` for file-level problems)."""
        parts = []
        if self._file:
            f = pd.DataFrame(self._file)
            f["_pos"] = -1
            parts.append(f)
        parts.extend(self._frames)
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in [*PROBLEM_COLUMNS, "_pos"]})
        out = pd.concat(parts, ignore_index=True)
        out["row"] = out["row"].astype("Int64")
        return out.sort_values(["_pos"], kind="stable").reset_index(drop=True)


def _excerpts(values: pd.Series, limit: int | None = None) -> pd.Series:
    """``values`` with every text longer than ``limit`` (the excerpt limit) cut by
    :func:`~tryggaplatser.limits.excerpt`; short ones, the usual case, are left as they are."""
    limit = limit or current_limits().max_excerpt_chars
    long_ = values.str.len().gt(limit).fillna(False).to_numpy(dtype=bool)
    if not long_.any():
        return values
    out = values.astype(object).copy()
    out[long_] = [excerpt(v, limit) for v in values[long_]]
    return out


@dataclass
class LoadReport:
    """What happened to one file.

    The counts always satisfy ``read == accepted + quarantined + duplicates_dropped``.
    ``problems`` holds one record per problem with ``row``, ``field``, ``rule``, ``severity``,
    ``message`` and ``value`` (the original value; never the content of a free-text field).
    """

    file: str
    layer: str
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates_dropped: int = 0
    problems_frame: pd.DataFrame = field(default_factory=lambda: Problems().frame())
    quarantine_file: str | None = None
    source_crs: str | None = None
    crs: str | None = None
    format: str | None = None
    choices: list[str] = field(default_factory=list)  # automatic choices, announced
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (not in to_dict)

    def check_counts(self) -> None:
        """Assert the bookkeeping identity (nothing lost, nothing counted twice)."""
        total = self.accepted + self.quarantined + self.duplicates_dropped
        assert self.read == total, (
            f"{self.file}: read {self.read} != accepted {self.accepted} + quarantined "
            f"{self.quarantined} + duplicates {self.duplicates_dropped}"
        )

    @property
    def problems(self) -> list[dict[str, Any]]:
        """Problems as a list of dicts (``row`` is ``None`` for file-level problems)."""
        f = self.problems_frame[PROBLEM_COLUMNS]
        records = f.astype(object).where(f.notna(), None).to_dict("records")
        for r in records:
            if r["row"] is not None:
                r["row"] = int(r["row"])
        return records

    def rule_counts(self) -> dict[str, int]:
        """Number of problems per rule ID."""
        return self.problems_frame["rule"].value_counts(sort=False).to_dict()

    def has_rule(self, rule: str) -> bool:
        return bool((self.problems_frame["rule"] == rule).any())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (used by ``tryggaplatser validate --json``)."""
        return {
            "file": self.file,
            "layer": self.layer,
            "format": self.format,
            "read": self.read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates_dropped": self.duplicates_dropped,
            "source_crs": self.source_crs,
            "crs": self.crs,
            "quarantine_file": self.quarantine_file,
            "rule_counts": self.rule_counts(),
            "choices": list(self.choices),
            "problems": self.problems,
        }


def file_problem(file: str | Path, rule: str, found: str, fix: str, *, report=None):
    """Build a :class:`~tryggaplatser.errors.FileProblem` naming file, rule, what was found and
    the fix. ``report`` (a :class:`LoadReport`) is attached as ``exc.report`` when given."""
    from ..errors import FileProblem

    exc = FileProblem(found, rule=rule, fix=fix, file=str(file))
    exc.report = report
    return exc
