"""Exceptions. All subclass ``ValueError`` so callers can catch them as bad values; the CLI turns
them into one clear line and a non-zero exit code, never a traceback."""

from __future__ import annotations

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


def _restore(cls, message, rule, fix, file):
    """Rebuild a pickled :class:`TryggaplatserError` with its rule, fix and file."""
    return cls(message, rule=rule, fix=fix, file=file)
