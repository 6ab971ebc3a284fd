"""Writers that keep the objects they were given out of Python's full garbage collections.

A product writer of a set (every area's map, every area's report) creates and drops many
small objects, so Python's cycle collector runs often, and now and then a full collection
walks every object the process holds: the loaded project (each incident and area a shapely
geometry), the run's results, matplotlib's font caches and the set's shared parts. In a demo
set such a full collection costs 50–100 ms, and several ran inside each writer. Nothing a
writer receives becomes garbage while it writes, so :func:`heap_frozen` moves the objects that
exist when the writer starts out of the collector's reach (:func:`gc.freeze`); the objects the
writer creates are collected as before. Garbage collection frees memory and computes nothing,
so what is written does not change.

- In a process of its own (``tryggaplatser area --all``, ``map --all``, a notebook) the objects
  are given back when the writer returns (:func:`gc.unfreeze`), and a freeze made by the
  caller is left alone (nothing is frozen then, so nothing of the caller's is unfrozen).
- In a forked worker (:mod:`.._parallel`: the sets of ``tryggaplatser demo`` are such jobs) the
  parent froze what the worker inherited; the worker freezes what it computed since (the run's
  results, the set's shared parts) and does not give it back: the worker ends with its jobs,
  and unfreezing would hand the inherited objects back to the collector too. Plain reference
  counting still frees what the worker drops.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def heap_frozen() -> Iterator[str]:
    """Inside the block, the objects that existed when it started are left out of garbage
    collections (see the module docstring). Yields what it did: ``"frozen"`` (given back at
    the end), ``"frozen for the worker"`` (a forked worker: kept frozen) or ``"left"`` (the
    collector is off, or the caller froze objects already)."""
    from .. import _parallel

    if not gc.isenabled():
        yield "left"
    elif _parallel.in_worker():
        gc.freeze()
        yield "frozen for the worker"
    elif gc.get_freeze_count():
        yield "left"
    else:
        gc.freeze()
        try:
            yield "frozen"
        finally:
            gc.unfreeze()


def frozen_heap(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a product writer to run inside :func:`heap_frozen`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with heap_frozen():
            return func(*args, **kwargs)

    return wrapper
