"""Provenance: the typed record of how a result was computed.

Every analysis result carries the parameters it was computed with: cell size, bandwidth,
period, neighbourhood, tests and thresholds, each with whether it was chosen automatically and
by which rule. The analyses record them on ``result.attrs["tryggaplatser"]``; this module is
the one way to read them back: :func:`record_of` (the raw record), :func:`param` (one value),
:func:`cell_size_of` (the cell size) and :class:`Provenance` (the typed record a
:class:`~tryggaplatser.analysis.run.Run` gives every product). Products print these values;
they never re-derive them.

Once attached, a record is read-only (:func:`freeze`): its dicts are :class:`FrozenDict`, its
lists :class:`FrozenList`, and changing either in place raises :class:`ReadOnlyRecordError`.
Every frame derived from a result (filtering, ``assign``, ``merge``…) therefore shares the one
record instead of deep-copying it (pandas deep-copies ``attrs`` on every operation, and a
frozen record's deep copy is itself). A record is changed copy-on-write: :func:`amend` and
:func:`set_param` give a result a new record, :func:`thaw` a mutable copy to edit and attach.

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

import numpy as np

from .i18n import tr

__all__ = [
    "Choice",
    "FrozenDict",
    "FrozenList",
    "Provenance",
    "ReadOnlyRecordError",
    "amend",
    "cell_size_of",
    "freeze",
    "param",
    "record_of",
    "set_param",
    "thaw",
]

#: The key of the record in ``result.attrs``.
KEY = "tryggaplatser"


class ReadOnlyRecordError(TypeError):
    """A provenance record attached to a result was changed in place.

    A programming error, not a user's: records are shared by every frame derived from a result,
    so an in-place change would silently change them all.
    """


def _refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
    raise ReadOnlyRecordError(
        f"a provenance record is read-only once attached (this {type(self).__name__} is shared "
        "by every frame derived from the result); build a new record and assign it: "
        "provenance.amend(result, key=value), provenance.set_param(result, name, entry), or "
        "edit provenance.thaw(record) and attach that"
    )


class FrozenDict(dict):
    """A read-only dict: a ``dict`` for reading (``json``, ``dict(...)``, ``.get``, iteration,
    equality, pickling), but every in-place change raises :class:`ReadOnlyRecordError`.
    Its copies (``copy.copy``, ``copy.deepcopy``) are itself; ``.copy()`` and ``|`` give a plain
    dict whose nested values stay frozen."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> FrozenDict:
        self = dict.__new__(cls)
        dict.__init__(self, *args, **kwargs)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # filled once, in __new__
        pass

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = setdefault = pop = popitem = clear = _refuse

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: Any) -> FrozenDict:
        return self

    def __reduce__(self) -> tuple:
        return (FrozenDict, (dict(self),))


class FrozenList(list):
    """A read-only list (see :class:`FrozenDict`): equal to the list it was made from."""

    __slots__ = ()

    def __new__(cls, *args: Any) -> FrozenList:
        self = list.__new__(cls)
        list.__init__(self, *args)
        return self

    def __init__(self, *args: Any) -> None:  # filled once, in __new__
        pass

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: Any) -> FrozenList:
        return self

    def __reduce__(self) -> tuple:
        return (FrozenList, (list(self),))


def freeze(value: Any) -> Any:
    """A read-only deep copy of ``value``: dicts become :class:`FrozenDict`, lists
    :class:`FrozenList`, sets ``frozenset``, tuples tuples of frozen values, arrays read-only
    copies; frozen values are returned as they are (they are frozen all the way down)."""
    if isinstance(value, FrozenDict | FrozenList):
        return value
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList([freeze(v) for v in value])
    if type(value) is tuple:
        return tuple(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.flags.writeable = False
    return value


def thaw(value: Any) -> Any:
    """A mutable deep copy of a (frozen) record or ``attrs`` dict: plain dicts and lists, to edit
    and attach again (``attach``, or ``frame.attrs["tryggaplatser"] = freeze(...)``)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    if type(value) is tuple:
        return tuple(thaw(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def amend(result: Any, **changes: Any) -> Any:
    """Give ``result`` a new frozen record: its record (or an empty one) with the top-level keys
    ``changes`` replaced. Frames sharing the old record keep it. Returns ``result``."""
    result.attrs[KEY] = freeze({**record_of(result), **changes})
    return result


def set_param(result: Any, name: str, entry: Any) -> Any:
    """Give ``result`` a new frozen record whose parameter ``name`` is ``entry`` (``{"value",
    "auto", "rule"}``); frames sharing the old record keep it. Returns ``result``."""
    params = record_of(result).get("params") or {}
    return amend(result, params={**params, name: entry})


def record_of(result: Any) -> dict:
    """The provenance record a result carries (``{}`` when it has none)."""
    return ((getattr(result, "attrs", None) or {}).get(KEY) or {}) if result is not None else {}


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
