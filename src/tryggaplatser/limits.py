"""Stated limits on input files and on how much user data a message may quote.

A hostile or broken file must be refused quickly with a clear message, never exhaust memory or
flood the terminal. The limits (``[limits]`` in ``tryggaplatser.toml``, README "Konfiguration"):

``max_columns`` (500)
    more columns in a file → the file is refused (``TOO_MANY_COLUMNS``); checked on a CSV's
    first line before the file is parsed
``max_line_chars`` (100 000)
    a longer CSV header line → the file is refused; a longer data line → that row is
    quarantined (both ``TEXT_TOO_LONG``)
``max_excerpt_chars`` (200)
    user data quoted in any message (a value, a column name, a parser's error text) is cut to
    this many characters with "…" and its full length

Whole messages are cut at :data:`MESSAGE_FACTOR` × ``max_excerpt_chars`` as a backstop (in
:class:`~tryggaplatser.errors.TryggaplatserError` and the import problem records), so no message
echoes a file whole even where a quote was not cut by :func:`excerpt`.

The limits in force are set for one import by :func:`applied` (``load_layer`` does this with the
configuration's limits); outside, the defaults hold. This module imports only :mod:`.i18n` (a
leaf), so every layer and :mod:`tryggaplatser.errors` can use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields

from .i18n import tr

__all__ = ["DEFAULT", "MESSAGE_FACTOR", "Limits", "applied", "current", "cut", "excerpt"]

#: A whole message may be this many times ``max_excerpt_chars`` long.
MESSAGE_FACTOR = 5
ELLIPSIS = "…"


@dataclass(frozen=True)
class Limits:
    """The limits for one import (see the module docstring for what each one does)."""

    max_columns: int = 500
    max_line_chars: int = 100_000
    max_excerpt_chars: int = 200

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @property
    def max_message_chars(self) -> int:
        return MESSAGE_FACTOR * self.max_excerpt_chars


DEFAULT = Limits()
_current: ContextVar[Limits] = ContextVar("tryggaplatser_limits", default=DEFAULT)


def current() -> Limits:
    """The limits in force (the defaults unless inside :func:`applied`)."""
    return _current.get()


@contextmanager
def applied(limits: Limits | None) -> Iterator[Limits]:
    """Use ``limits`` (``None``: the defaults) inside the ``with`` block."""
    token = _current.set(limits or DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def cut(text: str, limit: int, *, length: int | None = None) -> str:
    """``text`` cut to ``limit`` characters; a cut text ends in "…" and says how long it was
    (``length``, when ``text`` is already a part of a longer text)."""
    length = len(text) if length is None else length
    if length <= limit and len(text) <= limit:
        return text
    n = f"{length:_}".replace("_", " ")
    note = f"{ELLIPSIS} ({tr('{n} tecken', '{n} characters', n=n)})"
    return text[: max(limit - len(note), 1)].rstrip() + note


def excerpt(value: object, limit: int | None = None) -> str:
    """User data as a message may quote it: on one line, at most ``max_excerpt_chars`` long.

    Only the start of a huge text is looked at, so quoting a 50 MB line costs nothing.

    >>> excerpt("a;" * 1000, limit=40)
    'a;a;a;a;a;a;a;a;a;a;a;a;… (2 000 tecken)'
    >>> excerpt("rad 1\\n  rad 2")
    'rad 1 rad 2'
    """
    limit = limit or current().max_excerpt_chars
    text = str(value)
    head = " ".join(text[: 2 * limit].split())
    if len(text) <= 2 * limit:
        return cut(head, limit)
    return cut(head, limit, length=len(text))
