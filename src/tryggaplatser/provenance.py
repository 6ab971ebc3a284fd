"""Provenance: the typed record of how a result was computed.

Every analysis result carries the parameters it was computed with: cell size, bandwidth,
period, neighbourhood, tests and thresholds, each with whether it was chosen automatically and
by which rule. The analyses record them on ``result.attrs["tryggaplatser"]``; this module is
the one way to read them back: :func:`record_of` (the raw record), :func:`param` (one value),
:func:`cell_size_of` (the cell size) and :class:`Provenance` (the typed record a
:class:`~tryggaplatser.analysis.run.Run` gives every product). Products print these values;
they never re-derive them.

Examples
--------
>>> import pandas as pd
>>> cells = pd.DataFrame({"n": [1, 2]})
>>> cells.attrs = {"tryggaplatser": {"grid": {"cell_size": 250.0},
...     "params": {"cell_size": {"value": 250.0, "auto": True, "rule": "s/50"}}}}
>>> cell_size_of(cells), param(cells, "cell_size"), param(cells, "bandwidth", 0)
(250.0, 250.0, 0)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .i18n import tr

__all__ = ["Choice", "Provenance", "cell_size_of", "param", "record_of"]


def record_of(result: Any) -> dict:
    """The provenance record a result carries (``{}`` when it has none)."""
    return (
        ((getattr(result, "attrs", None) or {}).get("tryggaplatser") or {})
        if result is not None
        else {}
    )


def param(result: Any, name: str, default: Any = None) -> Any:
    """The value of one recorded parameter (``{"value", "auto", "rule"}`` or a plain value)."""
    rec = (record_of(result).get("params") or {}).get(name, default)
    return rec.get("value", default) if isinstance(rec, dict) else rec


def cell_size_of(result: Any, default: float | None = None) -> float | None:
    """The cell size in metres a grid result was computed with: the grid's record first, then
    the ``cell_size`` parameter, then a plain ``attrs["cell_size"]`` (lists of places)."""
    record = record_of(result)
    size = (record.get("grid") or {}).get("cell_size")
    if size is None:
        size = param(result, "cell_size")
    if size is None:
        size = (getattr(result, "attrs", None) or {}).get("cell_size")
    return float(size) if size is not None else default


@dataclass(frozen=True)
class Choice:
    """One parameter of a result: its value, whether it was chosen automatically, and the rule."""

    name: str
    value: Any
    auto: bool = False
    rule: str = ""


@dataclass(frozen=True)
class Provenance:
    """The typed record of how a result was computed.

    Every product prints these values (legends, methods boxes, JSON summaries); they are read
    from here, never recomputed or re-derived from column values.

    Attributes
    ----------
    mode : {"public", "internal"}
    period : (date, date)
        Inclusive local calendar dates.
    cell_size : float
        Metres.
    bandwidth : float or None
        KDE bandwidth in metres.
    neighbourhood : str
        The Gi* neighbourhood in words.
    alpha : float
        Significance level of the hot/cold classes shown as hotspots (bins ±2…±3: 95 %).
    choices : tuple of Choice
        Every parameter with its rule, in the order they were made.
    """

    mode: str
    period: tuple[dt.date, dt.date]
    cell_size: float
    bandwidth: float | None = None
    neighbourhood: str = ""
    alpha: float = 0.05
    choices: tuple[Choice, ...] = ()

    @property
    def period_text(self) -> str:
        """The period the way every product prints it: ``2024-01 – 2026-10`` for whole months
        (always so in public mode), else local dates ``2024-01-03 – 2026-11-22``."""
        from .analysis.periods import period_label

        return period_label(*self.period)

    @classmethod
    def of(cls, frame: Any, *, mode: str, period: tuple[dt.date, dt.date]) -> Provenance:
        """The provenance of a grid result from its recorded parameters."""
        params = record_of(frame).get("params", {}) or {}
        choices = []
        for name, rec in params.items():
            if isinstance(rec, dict):
                choices.append(
                    Choice(name, rec.get("value"), bool(rec.get("auto")), str(rec.get("rule", "")))
                )
            else:
                choices.append(Choice(name, rec))
        by = {c.name: c.value for c in choices}
        hood = by.get("neighbourhood")
        cells = hood.get("cells") if isinstance(hood, dict) else None
        return cls(
            mode=mode,
            period=period,
            cell_size=cell_size_of(frame),
            bandwidth=None if by.get("bandwidth") is None else float(by["bandwidth"]),
            neighbourhood=tr(
                "cellen och dess {n} grannar",
                "the cell and its {n} neighbours",
                n=(cells or 9) - 1,
            ),
            choices=tuple(choices),
        )
