"""Backward compatibility: old keyword names keep working, with a ``DeprecationWarning``.

When a keyword gets its one name from the vocabulary (``docs/vocabulary.md``: ``today`` for the
time anchor, ``mode`` for public/internal …), the old name stays accepted for a while. Decorate the
function with :func:`renamed`; the function itself only knows the new name.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["renamed"]


def renamed(**old_to_new: str | tuple[str, Callable[[Any], Any]]):
    """Accept old keyword names for a function, mapped to the new ones with a warning.

    Parameters
    ----------
    **old_to_new : str or (str, callable)
        ``old="new"`` passes a value given as ``old=`` on as ``new=``. ``old=("new", convert)``
        passes ``convert(value)`` instead, for a keyword whose values changed with its name
        (``public=True`` → ``mode="public"``).

    Returns
    -------
    callable
        A decorator. The decorated function warns ``DeprecationWarning`` naming the old and the
        new keyword whenever the old one is used, and raises ``TypeError`` when both are given.

    Examples
    --------
    >>> import warnings
    >>> @renamed(issued="today", public=("mode", lambda p: "public" if p else "internal"))
    ... def brief(week, *, today=None, mode="internal"):
    ...     return week, today, mode
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     brief("2026-W47", issued="2026-11-23", public=True)
    ('2026-W47', '2026-11-23', 'public')
    >>> [str(w.message) for w in caught]  # doctest: +NORMALIZE_WHITESPACE
    ["brief(): the keyword 'issued' is deprecated, use 'today' instead",
     "brief(): the keyword 'public' is deprecated, use 'mode' instead"]
    >>> caught[0].category.__name__
    'DeprecationWarning'
    >>> brief("2026-W47", today="2026-11-23")  # the new names: no warning
    ('2026-W47', '2026-11-23', 'internal')
    >>> brief("2026-W47", issued="2026-11-23", today="2026-11-24")
    Traceback (most recent call last):
    ...
    TypeError: brief(): give 'today' or the deprecated 'issued', not both
    """
    mapping = {
        old: (new, None) if isinstance(new, str) else (new[0], new[1])
        for old, new in old_to_new.items()
    }

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, (new, convert) in mapping.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(
                        f"{func.__name__}(): give {new!r} or the deprecated {old!r}, not both"
                    )
                warnings.warn(
                    f"{func.__name__}(): the keyword {old!r} is deprecated, use {new!r} instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                value = kwargs.pop(old)
                kwargs[new] = value if convert is None else convert(value)
            return func(*args, **kwargs)

        return wrapper

    return decorate
