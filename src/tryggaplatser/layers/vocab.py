"""Controlled vocabularies: codes with Swedish and English labels, read from
``vocabulary.toml`` (the one source of truth)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from ..i18n import get_language


@cache
def _load() -> dict:
    text = resources.files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def vocabulary(name: str) -> dict[str, dict[str, str]]:
    """Return ``{code: {"sv": label, "en": label}}`` for a vocabulary such as ``"category"``."""
    try:
        return _load()[name]
    except KeyError:
        raise KeyError(f"unknown vocabulary {name!r}; known: {sorted(_load())}") from None


def codes(name: str) -> list[str]:
    """The codes of a vocabulary, in their documented order."""
    return list(vocabulary(name))


def label(name: str, code, lang: str | None = None) -> str:
    """The label of ``code`` in ``lang`` (default: the current output language).

    Unknown codes are returned as text unchanged so a municipality's own codes still show.
    """
    entry = vocabulary(name).get(str(code))
    if entry is None or not isinstance(entry, dict):
        return str(code)
    return entry[lang or get_language()]


def polisen_event_types() -> dict[str, str]:
    """Mapping of Polisen's event ``type`` to a category code."""
    return dict(_load()["polisen_event_type"])
