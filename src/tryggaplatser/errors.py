"""Exceptions. All subclass ``ValueError`` so callers can catch them as bad values; the CLI turns
them into one clear line and a non-zero exit code, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .limits import current as current_limits
from .limits import cut
from .rules import check_rule


class TryggaplatserError(ValueError):
    """Base class. ``rule`` is a stable ID defined in :mod:`tryggaplatser.rules`, ``fix`` tells the
    user what to do."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        fix: str | None = None,
        file: str | None = None,
    ):
        self.rule = check_rule(rule)
        # a backstop: no message echoes user data whole, even where a quote was not cut
        longest = current_limits().max_message_chars
        self.fix = cut(fix, longest) if fix else fix
        self.file = file
        self.message = cut(message, longest)
        super().__init__(self.__str__())

    def __reduce__(self):
        # keep rule, fix and file when an error crosses a process boundary (the demo's sets)
        return (_restore, (type(self), self.message, self.rule, self.fix, self.file))

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:")
        if self.rule:
            parts.append(f"[{self.rule}]")
        parts.append(self.message)
        text = " ".join(parts)
        if self.fix:
            text += f" — {self.fix}"
        return text


class ArgumentError(TryggaplatserError):
    """A function or CLI argument is wrong (value, type, CRS mismatch...)."""

    exit_code = 2


class ConfigError(TryggaplatserError):
    """The project configuration (tryggaplatser.toml) is wrong."""

    exit_code = 2


class FileProblem(TryggaplatserError):
    """A whole input file cannot be used (unreadable, corrupt, unsafe archive, no CRS...)."""

    exit_code = 2


class GateRefusal(TryggaplatserError):
    """The publishing gate refused an output that would reveal more than the mode allows."""

    exit_code = 3


@dataclass(frozen=True)
class AreaFailure:
    """One area a product over several areas could not write: its id, the rule and why."""

    area_id: str
    rule: str
    message: str

    def __post_init__(self) -> None:
        check_rule(self.rule)

    def __str__(self) -> str:
        return f"{self.area_id}: [{self.rule}] {self.message}"


class AreasFailed(TryggaplatserError):
    """Some areas of a product over several areas (``--all``) failed; the others were written.

    ``failures`` lists the failed areas (:class:`AreaFailure`, each with its own rule),
    ``written`` is what the product function would have returned for the areas it wrote (a
    list of paths, or the plan summary). The CLI prints both and exits with code 4.
    """

    exit_code = 4

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = "SOME_AREAS_FAILED",
        fix: str | None = None,
        file: str | None = None,
        failures: list[AreaFailure] | tuple[AreaFailure, ...] = (),
        written: Any = None,
    ):
        self.failures = list(failures)
        self.written = written
        super().__init__(message, rule=rule, fix=fix, file=file)

    def __reduce__(self):
        return (
            _restore_failed,
            (self.message, self.rule, self.fix, self.file, self.failures, self.written),
        )


def _restore_failed(message, rule, fix, file, failures, written):
    """Rebuild a pickled :class:`AreasFailed` with its failures and what was written."""
    return AreasFailed(message, rule=rule, fix=fix, file=file, failures=failures, written=written)


def _restore(cls, message, rule, fix, file):
    """Rebuild a pickled :class:`TryggaplatserError` with its rule, fix and file."""
    return cls(message, rule=rule, fix=fix, file=file)
