"""One failing area never stops a product over several areas.

``plan --all``, ``area --all`` and ``map --all`` write one set of files per area. Each area is
written through :func:`attempt`: an error in one area (a refusal by the gate, bad data, a bug)
becomes an :class:`~tryggaplatser.errors.AreaFailure` with its rule ID, announced on stderr at
once, and the next area is written. After the last area :func:`raise_if_failed` raises
:class:`~tryggaplatser.errors.AreasFailed` (exit code 4) carrying both the failures and what was
written, so neither a script nor a notebook can miss a partial set. A file the gate refused is
not on disk (:meth:`~tryggaplatser.publish.gate.Gate.seal` deletes it).

With a single area the error is raised as it is (:func:`collecting` is false): there is nothing
else to write, and its own exit code says more.

Failures are plain data, so a forked worker (:mod:`._parallel`) returns them with its files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import AreaFailure, AreasFailed, TryggaplatserError
from ..i18n import tr
from .safe_text import text_of

__all__ = ["announce_failure", "attempt", "collecting", "raise_if_failed"]

_MESSAGE_MAX = 400  # one failure stays one readable line
logger = logging.getLogger("tryggaplatser")


def collecting(targets: Sequence[Any]) -> bool:
    """Whether per-area failures are collected (more than one area) or raised as they are."""
    return len(targets) > 1


def attempt(
    area_id: Any, func: Callable[..., Any], *args: Any, **kwargs: Any
) -> tuple[Any, AreaFailure | None]:
    """``(func(*args, **kwargs), None)``, or ``(None, failure)`` when it raised.

    A :class:`~tryggaplatser.errors.TryggaplatserError` keeps its rule; any other exception
    (a bug met by one area's data) is ``AREA_FAILED`` with the exception's type and text.
    ``KeyboardInterrupt`` and ``SystemExit`` are not caught.
    """
    try:
        return func(*args, **kwargs), None
    except TryggaplatserError as exc:
        text = exc.message + (f" — {exc.fix}" if exc.fix else "")
        failure = AreaFailure(str(area_id), rule=exc.rule or "AREA_FAILED", message=_short(text))
    except Exception as exc:  # one area's failure (a bug its data meets) must not stop the rest
        text = f"{type(exc).__name__}: {exc}"
        failure = AreaFailure(str(area_id), rule="AREA_FAILED", message=_short(text))
    return None, failure


def announce_failure(failure: AreaFailure) -> None:
    """Say on stderr (the ``tryggaplatser`` logger, shown even with ``-q``) that an area failed."""
    logger.warning(
        tr(
            "Området {a} kunde inte skrivas: [{r}] {m}",
            "Area {a} could not be written: [{r}] {m}",
            a=failure.area_id,
            r=failure.rule,
            m=failure.message,
        )
    )


def raise_if_failed(failures: Sequence[AreaFailure], n_areas: int, written: Any) -> None:
    """Raise :class:`~tryggaplatser.errors.AreasFailed` when any area failed."""
    if not failures:
        return
    raise AreasFailed(
        tr(
            "{n} av {t} områden kunde inte skrivas ({l}); de övriga skrevs",
            "{n} of {t} areas could not be written ({l}); the others were written",
            n=len(failures),
            t=n_areas,
            l="; ".join(str(f) for f in failures),
        ),
        fix=tr(
            "rätta uppgifterna för de områdena och kör dem igen med ett områdesnamn",
            "fix the data of those areas and run them again by name",
        ),
        rule="SOME_AREAS_FAILED",
        failures=list(failures),
        written=written,
    )


def _short(text: str) -> str:
    text = " ".join(text_of(text).split())  # no bidi controls on the terminal either
    return text if len(text) <= _MESSAGE_MAX else text[: _MESSAGE_MAX - 1] + "…"
