"""Progress on a terminal, silence when piped or in CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def interactive() -> bool:
    """True when stderr is a terminal and we are not in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(items: Iterable[T], label: str, length: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a progress bar on a terminal; plain iteration otherwise."""
    if not interactive():
        yield from items
        return
    import click

    with click.progressbar(items, label=label, length=length, file=sys.stderr) as bar:
        yield from bar
